//! The wallet: credit, paying in by card, sending credit back to a card,
//! receipts and invoices (printable), and coupons.

use super::format::{local, money};
use super::forms::{card_of, form_error, key_of};
use super::teachers::viewer_zone;
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
use koine_domain::payments::InvoiceKind;
use koine_domain::teaching::parse_amount;
use koine_services::Error;
use koine_services::idempotency::IdempotencyKey;
use koine_services::payments::Wallet;
use koine_store::repo::payments::{InvoiceRow, PaymentRow};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet", get(wallet_page))
        .route("/wallet/top-up", post(top_up))
        .route("/wallet/payments/{id}/refund", post(refund))
        .route("/wallet/payments/{id}/receipt", get(receipt))
        .route("/wallet/coupons", post(claim_coupon))
        .route("/invoices/{id}", get(invoice))
}

#[derive(Template, WebTemplate)]
#[template(path = "wallet.html")]
struct WalletPage {
    page: Page,
    form: FormState,
    w: Wallet,
    zone: TimeZone,
    coupons: Vec<(String, String, bool)>,
    test_cards: bool,
    key: String,
}

impl WalletPage {
    fn money(&self, minor: &i64) -> String {
        money(*minor, &self.w.currency)
    }

    fn when(&self, us: &i64) -> String {
        local(&self.page.i18n, *us, &self.zone)
    }
}

async fn wallet_view(st: &AppState, ctx: &Ctx, form: FormState, status: StatusCode) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    let i18n = ctx.i18n();
    let zone = TimeZone::get(&viewer_zone(st, ctx).await).unwrap_or(TimeZone::UTC);
    let coupons = st
        .svc
        .my_coupons(p.account_id)
        .await?
        .into_iter()
        .map(|c| {
            let what = match c.row.kind.as_str() {
                "percent" => format!("−{}%", c.row.value),
                _ => format!("−{}", money(c.row.value, &c.row.currency)),
            };
            (
                c.row.code.clone(),
                i18n.t1("wallet-coupon-until", "when", local(&i18n, c.row.expires_at, &zone)) + " · " + &what,
                c.usable,
            )
        })
        .collect();
    Ok((
        status,
        WalletPage {
            page: Page::new(ctx, "wallet-title"),
            form,
            w: st.svc.wallet(p.account_id).await?,
            zone,
            coupons,
            test_cards: st.svc.test_cards(),
            key: IdempotencyKey::fresh().as_str().to_owned(),
        },
    )
        .into_response())
}

async fn wallet_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    wallet_view(&st, &ctx, FormState::default(), StatusCode::OK).await
}

/// The wallet again with a refused payment's reason, or the error page.
async fn refused(st: &AppState, ctx: &Ctx, mut form: FormState, e: Error) -> Result<Response, PageError> {
    match form_error(&e) {
        Some(refused) => {
            form.refused(&ctx.i18n(), &refused);
            wallet_view(st, ctx, form, refused.status).await
        }
        None => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopUpForm {
    amount: String,
    card_number: String,
    card_expiry: String,
    card_cvc: String,
    idempotency_key: String,
}

async fn top_up(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<TopUpForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let key = key_of(&f.idempotency_key)?;
    let form = FormState::with_values([("amount", f.amount.clone()), ("card_expiry", f.card_expiry.clone())]);
    let outcome = async {
        let amount = parse_amount("amount", &f.amount)?;
        let card = card_of(&st, &f.card_number, &f.card_expiry, &f.card_cvc)?
            .ok_or(koine_domain::Invalid::new("card_number", "required"))?;
        st.svc.pay_by_card(p, amount, &card, &key).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to("/wallet").into_response()),
        Err(e) => refused(&st, &ctx, form, e).await,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundForm {
    amount: String,
    idempotency_key: String,
}

async fn refund(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    StrictForm(f): StrictForm<RefundForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let key = key_of(&f.idempotency_key)?;
    let outcome = async {
        let amount = parse_amount("amount", &f.amount)?;
        st.svc.refund_to_card(p, id, amount, &key).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to("/wallet#refunds").into_response()),
        Err(e) => refused(&st, &ctx, FormState::default(), e).await,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CouponForm {
    code: String,
}

async fn claim_coupon(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<CouponForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    match st.svc.claim_coupon(p, &f.code).await {
        Ok(()) => Ok(Redirect::to("/wallet#coupons").into_response()),
        Err(e) => refused(&st, &ctx, FormState::with_values([("code", f.code.clone())]), e).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    page: Page,
    p: PaymentRow,
    amount: String,
    when: String,
    seller: String,
}

async fn receipt(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let row = st.svc.receipt(p, id).await?;
    let zone = TimeZone::get(&viewer_zone(&st, &ctx).await).unwrap_or(TimeZone::UTC);
    let c = &st.svc.settings.controller;
    Ok(ReceiptPage {
        page: Page::new(&ctx, "receipt-title"),
        amount: money(row.amount_minor, &row.currency),
        when: local(&ctx.i18n(), row.created_at, &zone),
        seller: [c.name.as_str(), c.address.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        p: row,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "invoice.html")]
struct InvoicePage {
    page: Page,
    i: InvoiceRow,
    total: String,
    date: String,
}

async fn invoice(State(st): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let i = st.svc.invoice(p, id).await?;
    Ok(InvoicePage {
        page: Page::new(&ctx, "invoice-title"),
        total: money(i.total_minor, &i.currency),
        date: jiff::Timestamp::from_microsecond(i.issued_at)
            .map(|t| t.to_zoned(TimeZone::UTC).date().to_string())
            .unwrap_or_default(),
        i,
    }
    .into_response())
}
