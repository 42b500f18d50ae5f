//! The staff console: member directory, audited record view, audit log.

use super::templates::DisclosureLine;
use super::templates::Page;
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use koine_domain::refusal::Refusal;
use koine_domain::validation::optional_text;
use koine_services::staff::MemberRecord;
use koine_store::repo::accounts::MemberSummary;
use koine_store::repo::audit::AuditRow;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(|| async { Redirect::to("/staff/members") }))
        .route("/staff/members", get(members))
        .route("/staff/members/{id}", get(member_form).post(open_member))
        .route("/staff/members/{id}/holds", post(place_hold))
        .route("/staff/members/{id}/holds/{hold}/lift", post(lift_hold))
        .route("/staff/members/{id}/erase-underage", post(erase_underage))
        .route("/staff/members/{id}/fraud-ban", post(ban_for_fraud))
        .route("/staff/members/{id}/disclosures", post(record_disclosure))
        .route("/staff/audit", get(audit))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: Option<String>,
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_members.html")]
pub struct StaffMembersPage {
    pub page: Page,
    pub query: String,
    pub members: Vec<MemberSummary>,
    pub can_audit: bool,
}

async fn members(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> Result<StaffMembersPage, PageError> {
    let p = signed_in(&ctx)?;
    let query = q.q.unwrap_or_default();
    let list = st.svc.search_members(p, &query, q.page.unwrap_or(0)).await?;
    Ok(StaffMembersPage {
        page: Page::new(&ctx, "staff-title"),
        query,
        members: list,
        can_audit: p.staff_role.is_some_and(|r| r.can_read_audit_log()),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_member.html")]
pub struct StaffMemberPage {
    pub page: Page,
    pub member_id: Uuid,
    pub record: Option<MemberRecord>,
    pub holds: Vec<koine_store::repo::holds::HoldRow>,
    pub can_hold: bool,
    pub can_ban: bool,
    /// Recording and reading disclosures (trust & safety, privacy officer).
    pub can_disclose: bool,
    pub disclosures: Vec<DisclosureLine>,
    /// Category → localized name, for the disclosure form.
    pub categories: Vec<(&'static str, String)>,
}

async fn member_form(ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    if !p.staff_role.is_some_and(|r| r.can_view_members()) {
        return Err(PageError::Status(StatusCode::FORBIDDEN, "error-forbidden"));
    }
    let page = StaffMemberPage {
        page: Page::new(&ctx, "staff-member-title"),
        member_id: id,
        record: None,
        holds: Vec::new(),
        can_hold: false,
        can_ban: false,
        can_disclose: false,
        disclosures: Vec::new(),
        categories: Vec::new(),
    };
    Ok(page.into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonForm {
    reason: String,
}

async fn open_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReasonForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let reason = optional_text("reason", &f.reason, koine_services::staff::REASON_MAX)
        .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error-too-long"))?;
    let record = st.svc.view_member(p, id, reason).await?;
    let can_hold = p.staff_role.is_some_and(|r| r.can_place_legal_holds());
    // Hold reasons are for the staff who handle legal claims.
    let holds = if can_hold {
        st.svc.legal_holds(p, id).await?
    } else {
        Vec::new()
    };
    let can_disclose = p.staff_role.is_some_and(|r| r.can_record_disclosures());
    let i18n = ctx.i18n();
    let disclosures = if can_disclose {
        super::disclosure_lines(&i18n, st.svc.disclosures_of(id).await?)
    } else {
        Vec::new()
    };
    let page = StaffMemberPage {
        page: Page::new(&ctx, "staff-member-title"),
        member_id: id,
        record: Some(record),
        holds,
        can_hold,
        can_ban: p.staff_role.is_some_and(|r| r.can_ban_for_fraud()),
        can_disclose,
        disclosures,
        categories: super::forms::personal_categories(&i18n),
    };
    Ok(page.into_response())
}

async fn place_hold(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReasonForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    match st.svc.place_legal_hold(p, id, &f.reason).await {
        Ok(_) => Ok(hold_done(&ctx, "hold-placed")),
        Err(koine_services::Error::Invalid(_)) => Err(PageError::Status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "hold-reason-needed",
        )),
        Err(e) => Err(e.into()),
    }
}

async fn lift_hold(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, hold)): Path<(Uuid, Uuid)>,
    StrictForm(f): StrictForm<ReasonForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    match st.svc.lift_legal_hold(p, id, hold, &f.reason).await {
        Err(koine_services::Error::Invalid(_)) => {
            return Err(PageError::Status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "hold-reason-needed",
            ));
        }
        other => other?,
    }
    Ok(hold_done(&ctx, "hold-lifted-done"))
}

/// The page keys for one way of closing an account.
struct Closing {
    title: &'static str,
    done: &'static str,
    reason_needed: &'static str,
    held: &'static str,
}

/// Renders the outcome of closing an account (below the minimum age, or for fraud).
fn closed(ctx: &Ctx, outcome: koine_services::Result<()>, keys: Closing) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => Ok(super::templates::MessagePage {
            page: Page::new(ctx, keys.title),
            body: ctx.i18n().t(keys.done),
            link: Some(("/staff/members", "staff-members")),
        }
        .into_response()),
        Err(koine_services::Error::Invalid(_)) => {
            Err(PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, keys.reason_needed))
        }
        Err(koine_services::Error::Refused(Refusal::LegalHold)) => {
            Err(PageError::Status(StatusCode::CONFLICT, keys.held))
        }
        Err(e) => Err(e.into()),
    }
}

async fn erase_underage(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReasonForm>,
) -> Result<Response, PageError> {
    let outcome = st.svc.erase_underage(signed_in(&ctx)?, id, &f.reason).await;
    let keys = Closing {
        title: "underage-title",
        done: "underage-done",
        reason_needed: "underage-reason-needed",
        held: "underage-held",
    };
    closed(&ctx, outcome, keys)
}

async fn ban_for_fraud(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<ReasonForm>,
) -> Result<Response, PageError> {
    let outcome = st.svc.ban_for_fraud(signed_in(&ctx)?, id, &f.reason).await;
    let keys = Closing {
        title: "fraud-title",
        done: "fraud-done",
        reason_needed: "fraud-reason-needed",
        held: "fraud-held",
    };
    closed(&ctx, outcome, keys)
}

/// Records a disclosure from the member page's form (categories repeat,
/// so the body is read field by field).
async fn record_disclosure(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let (mut kind, mut recipient, mut reason, mut date) = (String::new(), String::new(), String::new(), String::new());
    let mut categories = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "recipient_kind" => kind = v.into_owned(),
            "recipient" => recipient = v.into_owned(),
            "reason" => reason = v.into_owned(),
            "disclosed_on" => date = v.into_owned(),
            "category" => categories.push(v.into_owned()),
            _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-unknown-field")),
        }
    }
    let invalid = || PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, "disclosure-invalid");
    let disclosed_at = date
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_microsecond())
        .ok_or_else(invalid)?;
    let input = koine_services::disclosures::NewDisclosure {
        recipient_kind: &kind,
        recipient: &recipient,
        categories,
        reason: &reason,
        disclosed_at,
    };
    match st.svc.record_disclosure(p, id, input).await {
        Ok(_) => Ok(super::templates::MessagePage {
            page: Page::new(&ctx, "disclosure-title"),
            body: ctx.i18n().t("disclosure-recorded"),
            link: Some(("/staff/members", "staff-members")),
        }
        .into_response()),
        Err(koine_services::Error::Invalid(_)) => Err(invalid()),
        Err(e) => Err(e.into()),
    }
}

fn hold_done(ctx: &Ctx, key: &'static str) -> Response {
    let body = ctx.i18n().t(key);
    super::templates::MessagePage {
        page: Page::new(ctx, "hold-title"),
        body,
        link: Some(("/staff/members", "staff-members")),
    }
    .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_audit.html")]
pub struct StaffAuditPage {
    pub page: Page,
    pub events: Vec<AuditRow>,
}

async fn audit(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> Result<StaffAuditPage, PageError> {
    let p = signed_in(&ctx)?;
    let events = st.svc.audit_log(p, None, q.page.unwrap_or(0)).await?;
    Ok(StaffAuditPage {
        page: Page::new(&ctx, "staff-audit"),
        events,
    })
}
