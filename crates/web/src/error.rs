//! Turning service errors into responses, in one place: an HTML error page
//! (rendered by the context middleware in the visitor's language) or an
//! RFC 9457 `application/problem+json` body for the API.

use crate::ctx::Ctx;
use crate::html::templates::{ErrorPage, Page};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use koine_domain::Invalid;
use koine_domain::profile::UiLocale;
use koine_domain::refusal::{Refusal, RefusalKind};
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
        let mut res = (self.status, page).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        res
    }
}

/// Why a request was refused as overload: a response extension the access
/// log writes out, so an operator sees the cause behind each 503.
#[derive(Clone, Copy, Debug)]
pub struct Overload(pub &'static str);

/// The wait an overloaded server asks for: a pool's queue turns over in
/// well under this.
pub const RETRY_AFTER_SECS: u32 = 2;

impl Overload {
    /// A 503 for this cause: a problem for the API, else the error page.
    pub fn response(self, api: bool, ctx: &Ctx) -> Response {
        let mut res = if api {
            Problem::overloaded().into_response()
        } else {
            PageErrorMarker::response(StatusCode::SERVICE_UNAVAILABLE, "error-overloaded", ctx)
        };
        res.extensions_mut().insert(self);
        res
    }
}

/// An error from an HTML handler.
#[derive(Debug)]
pub enum PageError {
    Status(StatusCode, &'static str),
    Redirect(String),
    /// No database connection freed up in time, or too much work waits
    /// (the reason, for the access log): 503, try again shortly.
    Overloaded(&'static str),
    /// The database (or the file store) could not be reached: 503, try
    /// again shortly; the page's message and the access log's reason.
    Unavailable(&'static str, &'static str),
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        match e {
            Error::Unauthenticated => Self::Redirect("/login".into()),
            Error::ReauthRequired => Self::Redirect("/reauth".into()),
            Error::Forbidden => Self::Status(StatusCode::FORBIDDEN, "error-forbidden"),
            Error::NotFound => Self::Status(StatusCode::NOT_FOUND, "error-not-found"),
            Error::BadCode => Self::Status(StatusCode::BAD_REQUEST, "verify-bad-code"),
            Error::Invalid(_) | Error::InvalidFields(_) => Self::Status(StatusCode::BAD_REQUEST, "error-form-summary"),
            Error::Throttled { .. } => Self::Status(StatusCode::TOO_MANY_REQUESTS, "error-internal"),
            Error::Refused(r) => Self::Status(refusal_status(r), r.message_key()),
            Error::ProviderUnavailable => Self::Status(StatusCode::SERVICE_UNAVAILABLE, "error-provider-unavailable"),
            Error::Overloaded(e) => {
                tracing::warn!("request refused as overload: {e}");
                Self::Overloaded("database-busy")
            }
            Error::Busy(why) => Self::Overloaded(why),
            Error::Unavailable(e) => {
                tracing::warn!("request failed, the database unavailable: {e}");
                Self::Unavailable("error-unavailable", "database-unavailable")
            }
            Error::FileStoreUnavailable => Self::Unavailable("error-file-store-unavailable", "file-store-unavailable"),
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
            Self::Overloaded(why) => unavailable_page("error-overloaded", why),
            Self::Unavailable(key, why) => unavailable_page(key, why),
            Self::Status(status, key) => {
                let mut res = status.into_response();
                res.extensions_mut().insert(PageErrorMarker { status, key });
                res
            }
        }
    }
}

/// A 503 page saying `key`, with the reason for the access log (which also
/// gives it `Retry-After`).
fn unavailable_page(key: &'static str, why: &'static str) -> Response {
    let status = StatusCode::SERVICE_UNAVAILABLE;
    let mut res = status.into_response();
    res.extensions_mut().insert(PageErrorMarker { status, key });
    res.extensions_mut().insert(Overload(why));
    res
}

/// The status a refusal answers with.
pub fn refusal_status(r: Refusal) -> StatusCode {
    match r.kind() {
        RefusalKind::Conflict => StatusCode::CONFLICT,
        RefusalKind::PaymentRequired => StatusCode::PAYMENT_REQUIRED,
    }
}

/// A refused call as a form shows it: beside a field, with its message and
/// the status the page answers with. One mapping for every page with a form.
#[derive(Debug)]
pub struct FieldError {
    pub field: &'static str,
    pub message_key: std::borrow::Cow<'static, str>,
    pub status: StatusCode,
}

impl FieldError {
    /// `None` for an error no form can show (the error page is shown).
    /// A refusal is shown at the form's `refusal_field`.
    pub fn of(e: &Error, refusal_field: &'static str) -> Option<Self> {
        let (field, message_key, status) = match e {
            Error::Invalid(i) => (
                i.field,
                format!("error-{}", i.code).into(),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Error::Refused(r) => (refusal_field, r.message_key().into(), refusal_status(*r)),
            Error::ProviderUnavailable => (
                "card_number",
                "error-provider-unavailable".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            _ => return None,
        };
        Some(Self {
            field,
            message_key,
            status,
        })
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
    pub detail: Option<Box<str>>,
    /// The input field at fault, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// Machine-readable reason, e.g. `password-too-guessable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// Every field refused, for input that was not valid (`field` and
    /// `code` repeat the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[allow(
        clippy::box_collection,
        reason = "one pointer keeps every Problem small; few carry field errors"
    )]
    pub errors: Option<Box<Vec<FieldProblem>>>,
    #[serde(skip)]
    retry_after: Option<u32>,
    /// For the access log: why a 503 was given.
    #[serde(skip)]
    overload: Option<Overload>,
}

/// The message a page shows beside a field refused for `code`.
pub fn field_message(locale: UiLocale, code: &str) -> String {
    koine_services::i18n::t(locale, &format!("error-{code}"))
}

/// One refused field of a problem: where, why, and the message a page
/// shows beside it, in the caller's language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field's name, or the path to a string in a JSON body (`a.b[0]`).
    pub field: std::borrow::Cow<'static, str>,
    pub code: &'static str,
    pub message: String,
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
            errors: None,
            retry_after: None,
            overload: None,
        }
    }

    /// Input refused field by field: every error with its message (the
    /// context middleware puts it in the caller's language), the first also
    /// as `field` and `code`.
    pub fn invalid_fields(errors: &[Invalid]) -> Self {
        let first = errors.first();
        Self {
            field: first.map(|i| i.field),
            code: first.map(|i| i.code),
            errors: Some(Box::new(
                errors
                    .iter()
                    .map(|i| FieldProblem {
                        field: i.field.into(),
                        code: i.code,
                        message: field_message(UiLocale::En, i.code),
                    })
                    .collect(),
            )),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-input",
                "The input is not valid.",
            )
        }
    }

    /// Input refused for `code` at `detail` (a field, or a path in a body).
    /// A string holding invisible characters, at `at` (a query parameter,
    /// or a path in a JSON body): named in `detail` and in `errors`.
    pub fn hidden_characters(at: &str) -> Self {
        let code = "invisible-characters";
        Self {
            errors: Some(Box::new(vec![FieldProblem {
                field: at.to_owned().into(),
                code,
                message: field_message(UiLocale::En, code),
            }])),
            ..Self::invalid(code, at)
        }
    }

    pub fn invalid(code: &'static str, detail: &str) -> Self {
        Self {
            code: Some(code),
            detail: Some(detail.into()),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-input",
                "The input is not valid.",
            )
        }
    }

    /// No database connection freed up in time.
    pub fn overloaded() -> Self {
        Self {
            retry_after: Some(RETRY_AFTER_SECS),
            overload: Some(Overload("database-busy")),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "The server is busy; nothing was changed. Try again shortly.",
            )
        }
    }

    /// The node is stopping: its clients go elsewhere (or come back).
    pub fn draining() -> Self {
        Self {
            retry_after: Some(RETRY_AFTER_SECS),
            overload: Some(Overload("draining")),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "draining",
                "This server is restarting; nothing was changed. Try again shortly.",
            )
        }
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into().into_boxed_str());
        self
    }

    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        match e {
            Error::Invalid(i) => Self::invalid_fields(&[i]),
            Error::InvalidFields(errors) => Self::invalid_fields(&errors),
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
                retry_after: Some(u32::try_from(retry_after_secs).unwrap_or(u32::MAX)),
                ..Self::new(S::TOO_MANY_REQUESTS, "throttled", "Too many attempts; try again later.")
            },
            Error::Refused(r) => Self {
                code: Some(r.code()),
                ..match r.kind() {
                    RefusalKind::Conflict => Self::new(S::CONFLICT, "conflict", "Conflicts with the current state."),
                    RefusalKind::PaymentRequired => Self::new(
                        S::PAYMENT_REQUIRED,
                        "payment-required",
                        "The payment was refused or the credit is not enough.",
                    ),
                }
            },
            Error::ProviderUnavailable => Self::new(
                S::SERVICE_UNAVAILABLE,
                "provider-unavailable",
                "The payment provider could not be reached; nothing was charged. Try again.",
            ),
            Error::Overloaded(e) => {
                tracing::warn!("api request refused as overload: {e}");
                Self::overloaded()
            }
            Error::Busy(why) => Self {
                overload: Some(Overload(why)),
                ..Self::overloaded()
            },
            Error::Unavailable(e) => {
                tracing::warn!("api request failed, the database unavailable: {e}");
                Self {
                    retry_after: Some(RETRY_AFTER_SECS),
                    overload: Some(Overload("database-unavailable")),
                    ..Self::new(
                        S::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "The database could not be reached. Try again shortly; a request with an \
                         Idempotency-Key is safe to repeat.",
                    )
                }
            }
            Error::FileStoreUnavailable => Self {
                retry_after: Some(RETRY_AFTER_SECS),
                overload: Some(Overload("file-store-unavailable")),
                ..Self::new(
                    S::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The file store could not be reached. Try again shortly.",
                )
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
        let overload = self.overload;
        let mut res = (status, axum::Json(&self)).into_response();
        if let Some(o) = overload {
            res.extensions_mut().insert(o);
        }
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
