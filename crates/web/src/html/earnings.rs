//! A teacher's earnings: the balance and its movements, the payout
//! account (password asked again to see or change it), payout requests.

use super::format::{local, money};
use super::forms::{form_error, key_of};
use super::teachers::viewer_zone;
use super::templates::{FormState, Page};
use super::{StrictForm, signed_in};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::PageError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::tz::TimeZone;
use koine_domain::banking::{Iban, PayoutDetails, PayoutInput};
use koine_domain::teaching::parse_amount;
use koine_services::Error;
use koine_services::booking::payouts::Earnings;
use koine_services::idempotency::IdempotencyKey;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/earnings", get(earnings_page))
        .route("/earnings/payouts", post(request_payout))
        .route("/earnings/payout-account", get(account_page).post(set_account))
}

#[derive(Template, WebTemplate)]
#[template(path = "earnings.html")]
struct EarningsPage {
    page: Page,
    form: FormState,
    e: Earnings,
    zone: TimeZone,
    key: String,
}

impl EarningsPage {
    fn money(&self, minor: &i64) -> String {
        money(*minor, &self.e.currency)
    }

    fn when(&self, us: &i64) -> String {
        local(&self.page.i18n, *us, &self.zone)
    }
}

async fn earnings_view(st: &AppState, ctx: &Ctx, form: FormState, status: StatusCode) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    if !st.svc.is_teacher(p.account_id).await? {
        return Err(Error::Forbidden.into());
    }
    Ok((
        status,
        EarningsPage {
            page: Page::new(ctx, "earnings-title"),
            form,
            e: st.svc.earnings(p).await?,
            zone: TimeZone::get(&viewer_zone(st, ctx).await).unwrap_or(TimeZone::UTC),
            key: IdempotencyKey::fresh().as_str().to_owned(),
        },
    )
        .into_response())
}

async fn earnings_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    earnings_view(&st, &ctx, FormState::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayoutForm {
    amount: String,
    idempotency_key: String,
}

async fn request_payout(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<PayoutForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let key = key_of(&f.idempotency_key)?;
    let outcome = async {
        let amount = parse_amount("amount", &f.amount)?;
        st.svc.request_payout(p, amount, &key).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to("/earnings#payouts").into_response()),
        Err(e) => match form_error(&e) {
            Some(refused) => {
                let mut form = FormState::with_values([("amount", f.amount.clone())]);
                form.refused(&ctx.i18n(), &refused);
                earnings_view(&st, &ctx, form, refused.status).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "payout_account.html")]
struct AccountPage {
    page: Page,
    form: FormState,
    saved: bool,
}

async fn account_view(
    st: &AppState,
    ctx: &Ctx,
    form: Option<FormState>,
    saved: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = signed_in(ctx)?;
    if !st.svc.is_teacher(p.account_id).await? {
        return Err(Error::Forbidden.into());
    }
    let form = match form {
        Some(f) => f,
        None => match st.svc.payout_account(p).await? {
            Some(PayoutDetails::Bank { holder, iban, bic }) => FormState::with_values([
                ("method", "bank".to_owned()),
                ("holder", holder),
                ("iban", Iban::grouped(&iban)),
                ("bic", bic.unwrap_or_default()),
            ]),
            Some(PayoutDetails::Paypal { email }) => {
                FormState::with_values([("method", "paypal".to_owned()), ("paypal_email", email)])
            }
            None => FormState::with_values([("method", "bank".to_owned())]),
        },
    };
    Ok((
        status,
        AccountPage {
            page: Page::new(ctx, "payout-account-title"),
            form,
            saved,
        },
    )
        .into_response())
}

/// The payout details, opened; reached only with a recent password entry.
async fn account_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    match account_view(&st, &ctx, None, false, StatusCode::OK).await {
        Err(PageError::Redirect(to)) if to == "/reauth" => {
            Err(PageError::Redirect("/reauth?next=/earnings/payout-account".into()))
        }
        other => other,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountForm {
    method: String,
    #[serde(default)]
    holder: String,
    #[serde(default)]
    iban: String,
    #[serde(default)]
    bic: String,
    #[serde(default)]
    paypal_email: String,
}

async fn set_account(
    State(st): State<AppState>,
    ctx: Ctx,
    StrictForm(f): StrictForm<AccountForm>,
) -> Result<Response, PageError> {
    let p = signed_in(&ctx)?;
    let input = match f.method.as_str() {
        "bank" => PayoutInput::Bank {
            holder: f.holder.clone(),
            iban: f.iban.clone(),
            bic: f.bic.clone(),
        },
        "paypal" => PayoutInput::Paypal {
            email: f.paypal_email.clone(),
        },
        _ => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error-invalid-choice")),
    };
    match PayoutDetails::parse(&input) {
        Ok(details) => match st.svc.set_payout_account(p, details).await {
            Ok(()) => account_view(&st, &ctx, None, true, StatusCode::OK).await,
            Err(Error::ReauthRequired) => Err(PageError::Redirect("/reauth?next=/earnings/payout-account".into())),
            Err(e) => Err(e.into()),
        },
        Err(mut errors) => {
            let mut form = FormState::with_values([
                ("method", f.method.clone()),
                ("holder", f.holder.clone()),
                ("iban", f.iban.clone()),
                ("bic", f.bic.clone()),
                ("paypal_email", f.paypal_email.clone()),
            ]);
            // The form names the PayPal address apart from the bank fields.
            for e in &mut errors {
                if e.field == "email" {
                    e.field = "paypal_email";
                }
            }
            form.invalid(&ctx.i18n(), &errors);
            account_view(&st, &ctx, Some(form), false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
