//! Turning service errors into responses, in one place: an HTML error page
//! (rendered by the context middleware in the visitor's language) or an
//! RFC 9457 `application/problem+json` body for the API.

use crate::ctx::Ctx;
use crate::html::templates::{ErrorPage, Page};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use koine_services::Error;
use serde::Serialize;

/// Asks the context middleware to render an error page.
#[derive(Clone, Debug)]
pub struct PageErrorMarker {
    pub status: StatusCode,
    pub key: &'static str,
}

impl PageErrorMarker {
    pub fn response(status: StatusCode, key: &'static str, ctx: &Ctx) -> Response {
        Self { status, key }.render(ctx)
    }

    pub fn render(&self, ctx: &Ctx) -> Response {
        let page = ErrorPage {
            page: Page::new(ctx, "error-title"),
            message_key: self.key,
        };
        (self.status, page).into_response()
    }
}

/// An error from an HTML handler.
#[derive(Debug)]
pub enum PageError {
    Status(StatusCode, &'static str),
    Redirect(String),
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        match e {
            Error::Unauthenticated => Self::Redirect("/login".into()),
            Error::ReauthRequired => Self::Redirect("/reauth".into()),
            Error::Forbidden => Self::Status(StatusCode::FORBIDDEN, "error-forbidden"),
            Error::NotFound => Self::Status(StatusCode::NOT_FOUND, "error-not-found"),
            Error::BadCode => Self::Status(StatusCode::BAD_REQUEST, "verify-bad-code"),
            Error::Invalid(_) => Self::Status(StatusCode::BAD_REQUEST, "error-form-summary"),
            Error::Throttled { .. } => Self::Status(StatusCode::TOO_MANY_REQUESTS, "error-internal"),
            Error::Conflict("email-taken") => Self::Status(StatusCode::CONFLICT, "error-email-taken"),
            Error::Conflict("phone-taken") => Self::Status(StatusCode::CONFLICT, "error-phone-taken"),
            Error::Conflict(_) => Self::Status(StatusCode::CONFLICT, "error-conflict"),
            other => {
                tracing::error!("request failed: {other}");
                Self::Status(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::Redirect(to) => Redirect::to(&to).into_response(),
            Self::Status(status, key) => {
                let mut res = status.into_response();
                res.extensions_mut().insert(PageErrorMarker { status, key });
                res
            }
        }
    }
}

/// An RFC 9457 problem for the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A stable identifier of the kind of problem, e.g. `/problems/invalid-input`.
    #[serde(rename = "type", serialize_with = "problem_type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The input field at fault, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// Machine-readable reason, e.g. `password-too-guessable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    #[serde(skip)]
    retry_after: Option<u64>,
}

fn problem_type<S: serde::Serializer>(kind: &&'static str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("/problems/{kind}"))
}

impl Problem {
    pub fn new(status: StatusCode, kind: &'static str, title: &'static str) -> Self {
        Self {
            kind,
            title,
            status: status.as_u16(),
            detail: None,
            field: None,
            code: None,
            retry_after: None,
        }
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        match e {
            Error::Invalid(i) => Self {
                field: Some(i.field),
                code: Some(i.code),
                ..Self::new(S::UNPROCESSABLE_ENTITY, "invalid-input", "The input is not valid.")
            },
            Error::TooYoung => Self::new(S::FORBIDDEN, "age-gate", "Below the minimum age; nothing was stored."),
            Error::BadCredentials => Self::new(S::UNAUTHORIZED, "bad-credentials", "Wrong identifier or password."),
            Error::NotVerified => Self::new(S::FORBIDDEN, "not-verified", "Confirm your email or phone first."),
            Error::BadCode => Self::new(S::BAD_REQUEST, "bad-code", "The code or link is invalid or expired."),
            Error::Unauthenticated => Self::new(S::UNAUTHORIZED, "unauthenticated", "Sign in first."),
            Error::ReauthRequired => Self::new(
                S::UNAUTHORIZED,
                "reauth-required",
                "Enter your password again (POST /api/v1/session/reauth).",
            ),
            Error::Forbidden => Self::new(S::FORBIDDEN, "forbidden", "Not allowed."),
            Error::NotFound => Self::new(S::NOT_FOUND, "not-found", "Not found."),
            Error::Throttled { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(S::TOO_MANY_REQUESTS, "throttled", "Too many attempts; try again later.")
            },
            Error::Conflict(code) => Self {
                code: Some(code),
                ..Self::new(S::CONFLICT, "conflict", "Conflicts with existing data.")
            },
            other => {
                tracing::error!("api request failed: {other}");
                Self::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side.",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = self.retry_after;
        let mut res = (status, axum::Json(&self)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = retry {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

impl Problem {
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status.as_u16();
        self
    }
}
