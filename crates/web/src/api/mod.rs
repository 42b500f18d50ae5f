//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document at
//! `/api/openapi.json`. Clients authenticate with `Authorization: Bearer`,
//! so no cookie is involved and CSRF does not apply. Errors are
//! `application/problem+json`; unknown fields are rejected.

mod account;
mod classroom;
mod conversations;
mod data;
mod earnings;
mod finance;
mod lessons;
mod notice;
mod profile;
mod rights;
mod shapes;
mod staff;
mod stream;
mod teachers;
mod wallet;

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::Problem;
use axum::Json;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use koine_domain::Invalid;
use koine_domain::cards::Card;
use koine_services::accounts::Principal;
use koine_services::idempotency::IdempotencyKey;
use serde::Deserialize;
use serde_json::json;
use utoipa::{OpenApi, ToSchema};

pub use stream::STREAM_PATH;

#[derive(OpenApi)]
#[openapi(
    info(title = "Koine API", description = "Accounts, profiles, teachers, lessons and payments, conversations, staff and privacy for the Koine language-learning platform. Calls that move money need an Idempotency-Key header."),
    paths(
        account::signup, account::verify_email, account::verify_phone, account::login, account::logout,
        account::sessions, account::end_session, account::reauth, account::forgot, account::reset, account::reset_with_code,
        account::me, account::delete_me, profile::update_profile, profile::upload_avatar, profile::delete_avatar, account::change_password,
        account::change_email, account::change_phone, account::verify_new_phone, profile::profile,
        staff::staff_members, staff::staff_member, staff::staff_audit, account::security_events, teachers::teachers, teachers::teacher, teachers::teacher_slots, account::request_correction, staff::place_hold, staff::lift_hold, staff::ban_for_fraud, notice::privacy_map, profile::consents, profile::set_consents,
        data::request_export, data::exports, data::export_archive,
        rights::restrict, rights::lift_restriction, rights::object,
        lessons::book, lessons::lessons, lessons::lesson, classroom::room, classroom::recording_consent, classroom::preferences, classroom::set_preferences, classroom::notes, classroom::save_notes, lessons::step, lessons::propose, lessons::answer, lessons::review,
        lessons::buy_package, lessons::packages, wallet::wallet, wallet::pay, wallet::refund, wallet::claim_coupon,
        earnings::earnings, earnings::payout_account, earnings::set_payout_account, earnings::request_payout, lessons::notifications,
        finance::settle, finance::disputes, finance::finance, finance::decide_payout, finance::bank_transfer, wallet::webhook,
        conversations::conversations, conversations::start, conversations::messages, conversations::send, conversations::read,
        conversations::attachment, conversations::report_queue, conversations::staff_report, conversations::staff_report_file,
        conversations::decide_report,
        conversations::search, conversations::block, conversations::unblock, stream::stream,
        conversations::report_message, conversations::report_conversation,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as served: built once (it is the same for every caller),
/// on a blocking thread the first time.
async fn served_document() -> impl IntoResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc: &'static str = match DOCUMENT.get() {
        Some(doc) => doc,
        None => tokio::task::spawn_blocking(|| DOCUMENT.get_or_init(openapi_json).as_str())
            .await
            .expect("the OpenAPI document builds"),
    };
    ([("content-type", "application/json")], doc)
}

pub fn openapi_json() -> String {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
    // Rules across fields, which the derived schemas cannot carry.
    doc["components"]["schemas"]["SignupBody"]["anyOf"] = serde_json::json!([
        { "required": ["email"], "properties": { "email": { "type": "string" } } },
        { "required": ["phone"], "properties": { "phone": { "type": "string" } } },
    ]);
    // utoipa drops `required` from a parameter given its own schema function.
    for (path, name) in [("/api/v1/teachers/{id}/slots", "duration"), ("/api/v1/messages", "q")] {
        for p in doc["paths"][path]["get"]["parameters"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .filter(|p| p["name"] == name)
        {
            p["required"] = true.into();
        }
    }
    serde_json::to_string_pretty(&with_every_refusal(doc)).expect("the OpenAPI document serializes")
}

/// Paths whose calls are throttled per identifier or client address (429).
const THROTTLED: &[&str] = &[
    "/api/v1/signup",
    "/api/v1/sessions",
    "/api/v1/session/reauth",
    "/api/v1/password/forgot",
    "/api/v1/password/reset",
    "/api/v1/password/reset/code",
    "/api/v1/verify/phone",
    "/api/v1/me/email",
    "/api/v1/me/phone",
    "/api/v1/me/phone/verify",
];

/// The document as the server answers: every error is a problem
/// (`application/problem+json`), and every refusal the edge can give an
/// operation is listed — a missing or wrong token, an unknown id, a body
/// that is not JSON, too large or not valid, a throttle, overload.
fn with_every_refusal(mut doc: serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    let problem = |description: &str, retry: bool| {
        let mut r = json!({
            "description": description,
            "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
        });
        if retry {
            r["headers"] = json!({ "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": { "type": "integer", "minimum": 1 }
            }});
        }
        r
    };
    // Bodies naming other resources by id (a teacher, an offering): an
    // unknown one is "not found" too.
    let schemas = doc["components"]["schemas"].clone();
    let names_ids = |op: &Value| {
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        let body = match body["$ref"].as_str() {
            Some(r) => &schemas[r.rsplit('/').next().unwrap_or_default()],
            None => body,
        };
        body.to_string().contains(r#""format":"uuid""#)
    };
    let Some(paths) = doc["paths"].as_object_mut() else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (_, op) in item.iter_mut() {
            // The key a money-moving call needs, as the server checks it.
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params.iter_mut().filter(|p| p["name"] == "Idempotency-Key") {
                    p["required"] = true.into();
                    p["schema"] = json!({
                        "type": "string",
                        "pattern": koine_services::idempotency::IdempotencyKey::PATTERN,
                    });
                }
            }
            let secured = op.get("security").is_some();
            let has_body = op.get("requestBody").is_some();
            let has_params = op["parameters"].as_array().is_some_and(|p| !p.is_empty());
            let names_ids = names_ids(op);
            let Some(responses) = op["responses"].as_object_mut() else {
                continue;
            };
            for r in responses.values_mut() {
                let content = r.get_mut("content").and_then(Value::as_object_mut);
                if let Some(content) = content
                    && let Some(json) = content.get("application/json")
                    && json["schema"]["$ref"] == "#/components/schemas/Problem"
                {
                    let json = content.remove("application/json").expect("just seen");
                    content.insert("application/problem+json".into(), json);
                }
            }
            let mut add = |status: &str, description: &str, retry: bool| {
                responses.entry(status).or_insert_with(|| problem(description, retry));
            };
            if secured {
                add("401", "Not signed in, or the session ended.", false);
            }
            if path.contains('{') || names_ids {
                add("404", "No such resource, or not yours to see.", false);
            }
            if has_params {
                add("400", "A path or query parameter is malformed.", false);
                add("422", "A parameter is not valid.", false);
            }
            if has_body {
                add("400", "The body is not well-formed JSON.", false);
                add("413", "The body is too large.", false);
                add("415", "The body is not JSON.", false);
                add("422", "The input is not valid.", false);
            }
            if THROTTLED.contains(&path.as_str()) {
                add("429", "Too many attempts; try again later.", true);
            }
            add(
                "503",
                "The server is busy; nothing was changed. Try again shortly.",
                true,
            );
        }
    }
    doc
}

/// Every API call: method, path under `/api`, handler — the one list the
/// router is built from; a test checks the OpenAPI document names exactly
/// these operations.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path $([$layer:expr])?,)*) => {
        /// (method, path) of every API call, as routed.
        #[cfg(test)]
        const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        fn calls() -> Router<AppState> {
            Router::new()$(.route($path, $method($handler)$(.layer($layer))?))*
        }
    };
}

api_routes! {
    post "/v1/signup" => account::signup,
    post "/v1/verify/email" => account::verify_email,
    post "/v1/verify/phone" => account::verify_phone,
    post "/v1/sessions" => account::login,
    get "/v1/sessions" => account::sessions,
    delete "/v1/sessions/{id}" => account::end_session,
    delete "/v1/session" => account::logout,
    post "/v1/session/reauth" => account::reauth,
    post "/v1/password/forgot" => account::forgot,
    post "/v1/password/reset" => account::reset,
    post "/v1/password/reset/code" => account::reset_with_code,
    get "/v1/me" => account::me,
    delete "/v1/me" => account::delete_me,
    put "/v1/me/profile" => profile::update_profile,
    put "/v1/me/avatar" => profile::upload_avatar,
    delete "/v1/me/avatar" => profile::delete_avatar,
    put "/v1/me/password" => account::change_password,
    post "/v1/me/email" => account::change_email,
    post "/v1/me/phone" => account::change_phone,
    post "/v1/me/phone/verify" => account::verify_new_phone,
    get "/v1/me/security-events" => account::security_events,
    post "/v1/me/corrections" => account::request_correction,
    get "/v1/me/consents" => profile::consents,
    put "/v1/me/consents" => profile::set_consents,
    post "/v1/me/exports" => data::request_export,
    get "/v1/me/exports" => data::exports,
    get "/v1/me/exports/{id}/archive" => data::export_archive,
    post "/v1/me/restriction" => rights::restrict,
    delete "/v1/me/restriction" => rights::lift_restriction,
    post "/v1/me/objections" => rights::object,
    get "/v1/profiles/{id}" => profile::profile,
    get "/v1/teachers" => teachers::teachers,
    get "/v1/teachers/{id}" => teachers::teacher,
    get "/v1/teachers/{id}/slots" => teachers::teacher_slots,
    post "/v1/lessons" => lessons::book,
    get "/v1/lessons" => lessons::lessons,
    get "/v1/lessons/{id}" => lessons::lesson,
    get "/v1/lessons/{id}/room" => classroom::room,
    post "/v1/lessons/{id}/recording-consent" => classroom::recording_consent,
    get "/v1/me/classroom-preferences" => classroom::preferences,
    put "/v1/me/classroom-preferences" => classroom::set_preferences,
    get "/v1/lessons/{id}/notes" => classroom::notes,
    put "/v1/lessons/{id}/notes" => classroom::save_notes,
    post "/v1/lessons/{id}/proposals" => lessons::propose,
    post "/v1/lessons/{id}/review" => lessons::review,
    post "/v1/lessons/{id}/{action}" => lessons::step,
    post "/v1/proposals/{id}" => lessons::answer,
    post "/v1/packages" => lessons::buy_package,
    get "/v1/packages" => lessons::packages,
    get "/v1/wallet" => wallet::wallet,
    post "/v1/wallet/payments" => wallet::pay,
    post "/v1/wallet/payments/{id}/refunds" => wallet::refund,
    post "/v1/wallet/coupons" => wallet::claim_coupon,
    get "/v1/earnings" => earnings::earnings,
    get "/v1/payout-account" => earnings::payout_account,
    put "/v1/payout-account" => earnings::set_payout_account,
    post "/v1/payouts" => earnings::request_payout,
    get "/v1/notifications" => lessons::notifications,
    get "/v1/conversations" => conversations::conversations,
    post "/v1/conversations" => conversations::start,
    get "/v1/conversations/{id}/messages" => conversations::messages,
    post "/v1/conversations/{id}/messages" => conversations::send
        [axum::extract::DefaultBodyLimit::max(crate::files::MESSAGE_BODY_LIMIT)],
    get "/v1/attachments/{id}" => conversations::attachment,
    post "/v1/conversations/{id}/read" => conversations::read,
    get "/v1/messages" => conversations::search,
    post "/v1/members/{id}/block" => conversations::block,
    delete "/v1/members/{id}/block" => conversations::unblock,
    get "/v1/stream" => stream::stream,
    post "/v1/messages/{id}/report" => conversations::report_message,
    post "/v1/conversations/{id}/report" => conversations::report_conversation,
    post "/v1/payments/webhooks/{provider}" => wallet::webhook,
    post "/v1/staff/lessons/{id}/settlement" => finance::settle,
    get "/v1/staff/disputes" => finance::disputes,
    get "/v1/staff/finance" => finance::finance,
    post "/v1/staff/payouts/{id}/{decision}" => finance::decide_payout,
    post "/v1/staff/bank-transfers" => finance::bank_transfer,
    get "/v1/staff/members" => staff::staff_members,
    get "/v1/staff/members/{id}" => staff::staff_member,
    post "/v1/staff/members/{id}/holds" => staff::place_hold,
    post "/v1/staff/members/{id}/holds/{hold}/lift" => staff::lift_hold,
    post "/v1/staff/members/{id}/fraud-ban" => staff::ban_for_fraud,
    get "/v1/staff/audit" => staff::staff_audit,
    get "/v1/staff/reports" => conversations::report_queue,
    get "/v1/staff/reports/{id}" => conversations::staff_report,
    get "/v1/staff/reports/{id}/files/{file}" => conversations::staff_report_file,
    post "/v1/staff/reports/{id}/decision" => conversations::decide_report,
    get "/v1/privacy/map" => notice::privacy_map,
}

pub fn routes() -> Router<AppState> {
    calls()
        .route("/openapi.json", get(served_document))
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "not-found", "No such endpoint.") })
        .layer(axum::middleware::map_response(problem_json))
}

/// Rejections produced by the framework itself (a malformed path or query,
/// a wrong method, an oversize body) become problem+json like our own errors.
async fn problem_json(res: axum::response::Response) -> axum::response::Response {
    let status = res.status();
    let is_problem = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return res;
    }
    let detail = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .filter(|d| !d.is_empty());
    let (kind, title) = match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "This endpoint does not support that method."),
        StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "The request body is too large."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported-media-type", "Send a JSON body."),
        s if s.is_server_error() => ("internal", "Something went wrong on our side."),
        _ => ("malformed-request", "The request is not acceptable."),
    };
    let mut p = Problem::new(status, kind, title);
    if let Some(d) = detail.filter(|_| status.is_client_error()) {
        p = p.detail(d);
    }
    p.into_response()
}

/// A JSON body parsed strictly; failures become problem+json.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = axum::response::Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(r) => Err(
                Problem::new(r.status(), "malformed-body", "The request body is not acceptable.")
                    .detail(r.body_text())
                    .into_response(),
            ),
        }
    }
}

/// A JSON body that may be left out (then `T::default()`), parsed as
/// strictly as [`ApiJson`].
pub fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, Problem> {
    if body.is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "malformed-body",
            "The request body is not acceptable.",
        )
        .detail(e.to_string())
    })
}

// What the handler files share.

type ApiResult = Result<Response, Problem>;

fn invalid(e: Invalid) -> Problem {
    koine_services::Error::Invalid(e).into()
}

fn accepted() -> Response {
    (StatusCode::ACCEPTED, Json(json!({ "status": "accepted" }))).into_response()
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// The `Idempotency-Key` header, which money-moving calls require.
fn idempotency(headers: &HeaderMap) -> Result<IdempotencyKey, Problem> {
    let raw = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| invalid(Invalid::new("idempotency_key", "idempotency-key-required")))?;
    IdempotencyKey::parse(raw).map_err(invalid)
}

/// A card as sent: number, `MM/YY` expiry, CVC.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardBody {
    #[schema(schema_with = shapes::card_number)]
    number: String,
    #[schema(schema_with = shapes::card_expiry)]
    expiry: String,
    #[schema(schema_with = shapes::card_cvc)]
    cvc: String,
}

impl CardBody {
    fn into_input(self) -> koine_services::booking::lessons::CardInput {
        koine_services::booking::lessons::CardInput {
            number: self.number,
            expiry: self.expiry,
            cvc: self.cvc,
        }
    }
}

fn card(st: &AppState, c: Option<CardBody>) -> Result<Option<Card>, Problem> {
    c.map(|c| c.into_input().parse(st.svc.clock.today_utc()))
        .transpose()
        .map_err(invalid)
}

/// Service values as the API's own types, in order.
fn all<T, A: From<T>>(items: Vec<T>) -> Vec<A> {
    items.into_iter().map(A::from).collect()
}

fn created(v: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

/// What a call that makes something answers: the new thing's id, for the
/// calls the document links to it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: uuid::Uuid,
}

/// An integer field that also takes a JSON number written with a zero
/// fraction (`5.0`), as JSON Schema's `integer` does.
pub(crate) fn whole<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let n = serde_json::Number::deserialize(d)?;
    let int = n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && (i64::MIN as f64..i64::MAX as f64).contains(f))
            .map(|f| f as i64)
    });
    int.and_then(|i| T::try_from(i).ok())
        .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number in range")))
}

/// [`whole`] for a field that may be `null` or left out.
pub(crate) fn whole_or_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    #[derive(serde::Deserialize)]
    struct Whole<T: TryFrom<i64>>(#[serde(deserialize_with = "whole")] T);
    Ok(Option::<Whole<T>>::deserialize(d)?.map(|w| w.0))
}

pub fn principal(ctx: &Ctx) -> Result<&Principal, Problem> {
    ctx.principal
        .as_ref()
        .ok_or_else(|| koine_services::Error::Unauthenticated.into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The document names a schema by its type's name alone: two types of
    /// one name would share one schema, the later replacing the earlier
    /// (a body would then be documented as another's).
    #[test]
    fn every_documented_type_has_a_name_of_its_own() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
        let mut seen: std::collections::BTreeMap<String, String> = Default::default();
        let mut clashes = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut documented = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    documented = true;
                } else if let Some(rest) = line.strip_prefix("pub struct ").filter(|_| documented) {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    let file = path.file_name().unwrap().to_string_lossy().into_owned();
                    if let Some(first) = seen.insert(name.clone(), file.clone()) {
                        clashes.push(format!("{name} in {first} and {file}"));
                    }
                    documented = false;
                } else if !line.starts_with("#[") && !line.starts_with("///") {
                    documented = false;
                }
            }
        }
        assert!(seen.len() > 50, "the API's types were read: {}", seen.len());
        assert!(clashes.is_empty(), "{clashes:?}");
    }

    #[test]
    fn the_document_names_every_routed_call_and_only_those() {
        let doc: serde_json::Value = serde_json::from_str(&super::openapi_json()).unwrap();
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |method| (method.clone(), path.clone()))
            })
            .collect();
        let routed: BTreeSet<(String, String)> = super::ROUTES
            .iter()
            .map(|(method, path)| ((*method).to_owned(), format!("/api{path}")))
            .collect();
        assert_eq!(routed.len(), super::ROUTES.len(), "a call routed twice");
        assert_eq!(
            documented.difference(&routed).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "documented but not routed"
        );
        assert_eq!(
            routed.difference(&documented).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "routed but not documented"
        );
    }
}
