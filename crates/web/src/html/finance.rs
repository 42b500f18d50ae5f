//! Staff consoles for money and disputes: the state of the books, payouts
//! to approve and mark paid (the destination opened is audited), bank
//! transfers to record, coupons; lessons with a reported problem or in
//! dispute, and their settlement.

use super::format::{local, money, name_or_former};
use super::forms::key_of;
use super::templates::{FormState, Page};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use koine_domain::banking::{Iban, PayoutDetails, PayoutStatus};
use koine_domain::booking::Outcome;
use koine_domain::contact::Email;
use koine_domain::coupons::CouponKind;
use koine_domain::teaching::parse_amount;
use koine_services::Error;
use koine_services::accounts::Principal;
use koine_services::booking::coupons::{CouponLine, NewCoupon};
use koine_services::booking::payouts::{PayoutDecision, PayoutForFinance};
use koine_services::idempotency::IdempotencyKey;
use koine_services::ledger::LedgerCheck;
use koine_store::repo::lessons::LessonRow;
use koine_store::repo::payouts::PayoutRow;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/finance", get(finance))
        .route("/staff/bank-transfers", post(bank_transfer))
        .route("/staff/coupons", post(create_coupon))
        .route("/staff/coupons/{id}/revoke", post(revoke_coupon))
        .route("/staff/coupons/{id}/grant", post(grant_coupon))
        .route("/staff/payouts/{id}", get(payout))
        .route("/staff/payouts/{id}/{decision}", post(decide))
        .route("/staff/disputes", get(disputes))
        .route("/staff/lessons/{id}/settle", post(settle))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_finance.html")]
struct FinancePage {
    page: Page,
    form: FormState,
    books: LedgerCheck,
    payouts: Vec<PayoutRow>,
    coupons: Vec<CouponLine>,
    currency: String,
    key: String,
    done: Option<&'static str>,
}

impl FinancePage {
    fn money(&self, minor: &i64) -> String {
        money(*minor, &self.currency)
    }

    fn day(&self, us: &i64) -> String {
        local(&self.page.i18n, *us, &TimeZone::UTC)
    }
}

async fn finance_view(
    st: &AppState,
    ctx: &Ctx,
    form: FormState,
    done: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let payouts = st.svc.payout_queue(p).await?;
    Ok((
        status,
        FinancePage {
            page: Page::new(ctx, "finance-title"),
            form,
            books: st.svc.ledger_check().await?,
            payouts,
            coupons: st.svc.coupons(p).await?,
            currency: st.svc.settings.currency.clone(),
            key: IdempotencyKey::fresh().as_str().to_owned(),
            done,
        },
    )
        .into_response())
}

async fn finance(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    finance_view(&st, &ctx, FormState::default(), None, StatusCode::OK).await
}

/// The console again: with the field's error, or saying it was done.
async fn answered(
    st: &AppState,
    ctx: &Ctx,
    form: FormState,
    outcome: koine_services::Result<()>,
    done: &'static str,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => finance_view(st, ctx, FormState::default(), Some(done), StatusCode::OK).await,
        Err(e) => match super::forms::form_error(&e) {
            Some(refused) => {
                let mut form = form;
                form.refused(&ctx.i18n(), &refused);
                finance_view(st, ctx, form, None, refused.status).await
            }
            None => Err(e.into()),
        },
    }
}

/// The member an email names, looked up for finance staff only (to anyone
/// else the answer would tell who has an account).
async fn member_by_email(st: &AppState, p: &Principal, email: &str) -> koine_services::Result<Uuid> {
    if !p.staff_role.is_some_and(|r| r.can_handle_money()) {
        return Err(Error::Forbidden);
    }
    let email = Email::parse(email).map_err(|_| koine_domain::Invalid::new("member", "invalid-email"))?;
    st.svc
        .account_id_by_email(&email)
        .await?
        .ok_or(koine_domain::Invalid::new("member", "no-such-member").into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferForm {
    member: String,
    amount: String,
    reference: String,
    idempotency_key: String,
}

async fn bank_transfer(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<TransferForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let key = key_of(&f.idempotency_key)?;
    let outcome = async {
        let member = member_by_email(&st, p, &f.member).await?;
        let amount = parse_amount("amount", &f.amount)?;
        st.svc
            .record_bank_transfer(p, member, amount, &f.reference, &key)
            .await
            .map(|_| ())
    }
    .await;
    let form = FormState::with_values([
        ("member", f.member.clone()),
        ("amount", f.amount.clone()),
        ("reference", f.reference.clone()),
    ]);
    answered(&st, &ctx, form, outcome, "finance-transfer-recorded").await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CouponForm {
    code: String,
    kind: String,
    value: String,
    expires_on: String,
    per_member_limit: String,
    #[serde(default)]
    max_redemptions: String,
    #[serde(default)]
    note: String,
}

async fn create_coupon(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<CouponForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let outcome = async {
        let kind = CouponKind::parse(&f.kind)?;
        let value = match kind {
            CouponKind::Percent => f
                .value
                .trim()
                .parse::<i64>()
                .map_err(|_| koine_domain::Invalid::new("value", "out-of-range"))?,
            CouponKind::Amount => parse_amount("value", &f.value)?,
        };
        let expires_at = f
            .expires_on
            .trim()
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
            .map(|z| z.timestamp().as_microsecond() + 86_400_000_000)
            .ok_or(koine_domain::Invalid::new("expires_on", "invalid-date"))?;
        let number = |field: &'static str, t: &str| {
            t.trim()
                .parse::<i64>()
                .map_err(|_| koine_domain::Invalid::new(field, "out-of-range"))
        };
        let c = NewCoupon {
            code: f.code.clone(),
            kind,
            value,
            expires_at,
            per_member_limit: number("per_member_limit", &f.per_member_limit)?,
            max_redemptions: match f.max_redemptions.trim() {
                "" => None,
                m => Some(number("max_redemptions", m)?),
            },
            note: f.note.clone(),
        };
        st.svc.create_coupon(p, c).await.map(|_| ())
    }
    .await;
    let form = FormState::with_values([
        ("code", f.code.clone()),
        ("value", f.value.clone()),
        ("expires_on", f.expires_on.clone()),
        ("per_member_limit", f.per_member_limit.clone()),
        ("max_redemptions", f.max_redemptions.clone()),
        ("note", f.note.clone()),
    ]);
    answered(&st, &ctx, form, outcome, "finance-coupon-created").await
}

async fn revoke_coupon(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    st.svc.revoke_coupon(p, id).await?;
    Ok(Redirect::to("/staff/finance#coupons").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantForm {
    member: String,
}

async fn grant_coupon(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<GrantForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let outcome = async {
        let member = member_by_email(&st, p, &f.member).await?;
        st.svc.grant_coupon(p, id, member).await
    }
    .await;
    answered(&st, &ctx, FormState::default(), outcome, "finance-coupon-granted").await
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_payout.html")]
struct PayoutPage {
    page: Page,
    x: PayoutForFinance,
    amount: String,
    requested: String,
    /// (label, value) of where the money goes, opened.
    destination: Vec<(String, String)>,
    status: String,
}

async fn payout(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let x = st.svc.payout_for_finance(p, id).await?;
    let i18n = ctx.i18n();
    let destination = match &x.details {
        Some(PayoutDetails::Bank { holder, iban, bic }) => {
            let mut d = vec![
                (i18n.t("payout-holder"), holder.clone()),
                ("IBAN".to_owned(), Iban::grouped(iban)),
            ];
            d.extend(bic.clone().map(|b| ("BIC".to_owned(), b)));
            d
        }
        Some(PayoutDetails::Paypal { email }) => vec![("PayPal".to_owned(), email.clone())],
        None => vec![(i18n.t("payout-destination"), x.row.destination.clone())],
    };
    Ok(PayoutPage {
        page: Page::new(&ctx, "payout-title"),
        destination,
        status: i18n.t(&format!("payout-status-{}", x.row.status)),
        amount: money(x.row.amount_minor, &x.row.currency),
        requested: local(&i18n, x.row.requested_at, &TimeZone::UTC),
        x,
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideForm {
    #[serde(default)]
    text: String,
}

async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, decision)): Path<(Uuid, String)>,
    StrictForm(f): StrictForm<DecideForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let decision = match decision.as_str() {
        "approve" => PayoutDecision::Approve,
        "reject" => PayoutDecision::Reject(&f.text),
        "paid" => PayoutDecision::Paid(&f.text),
        _ => return Err(PageError::Status(StatusCode::NOT_FOUND, "error-not-found")),
    };
    match st.svc.decide_payout(p, id, decision).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/payouts/{id}")).into_response()),
        Err(Error::Invalid(_)) => Err(PageError::Status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-reason-required",
        )),
        Err(e) => Err(e.into()),
    }
}

/// A disputed lesson as staff see it in the list.
struct DisputeLine {
    id: Uuid,
    when: String,
    learner: String,
    teacher: String,
    status: String,
    problem: String,
    paid: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_disputes.html")]
struct DisputesPage {
    page: Page,
    lessons: Vec<DisputeLine>,
}

async fn disputes(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let i18n = ctx.i18n();
    let rows: Vec<LessonRow> = st.svc.disputes(p).await?;
    let mut lessons = Vec::new();
    for l in rows {
        let (learner, teacher) = st.svc.lesson_names(&l).await?;
        lessons.push(DisputeLine {
            id: l.id,
            when: local(&i18n, l.starts_at, &TimeZone::UTC),
            learner: name_or_former(&i18n, &learner),
            teacher: name_or_former(&i18n, &teacher),
            status: i18n.t(&format!("lesson-status-{}", l.status)),
            problem: l
                .problem_kind
                .map(|k| i18n.t(&format!("problem-{k}")))
                .unwrap_or_default(),
            paid: money(l.paid_minor, &l.currency),
        });
    }
    Ok(DisputesPage {
        page: Page::new(&ctx, "disputes-title"),
        lessons,
    }
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettleForm {
    outcome: String,
    #[serde(default)]
    refund: String,
    reason: String,
    idempotency_key: String,
}

async fn settle(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<SettleForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let key = key_of(&f.idempotency_key)?;
    let outcome = async {
        let outcome = Outcome::parse(&f.outcome)?;
        let refund = match (outcome, f.refund.trim()) {
            (Outcome::Split, r) => parse_amount("refund", r)?,
            _ => 0,
        };
        st.svc.settle_lesson(p, id, outcome, refund, &f.reason, &key).await
    }
    .await;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/lessons/{id}")).into_response()),
        Err(Error::Invalid(e)) => {
            let key = if e.field == "reason" {
                "error-reason-required"
            } else {
                "error-split-out-of-range"
            };
            Err(PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, key))
        }
        Err(e) => Err(e.into()),
    }
}
