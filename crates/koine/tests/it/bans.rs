//! Fraud bans: trust & safety closes an account for fraud; it is erased, and
//! keyed hashes of its identifiers stop them signing up again, for 5 years.

use koine_domain::staff::StaffRole;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, code_in};
use reqwest::StatusCode;
use std::time::Duration;

both_backends!(
    a_fraud_ban_erases_the_account_and_stops_re_registration,
    fraud_bans_end_after_five_years,
    fraud_bans_over_the_api
);

const PHONE: &str = "+447700900777";

/// A member with a confirmed email and phone, closed for fraud by trust & safety.
async fn banned_member(app: &TestApp) -> uuid::Uuid {
    let b = app.member("fraud+shop@example.org", "Fraudster").await;
    b.post_form("/settings/phone", &[("phone", PHONE)]).await;
    let code = code_in(&app.texts_to(PHONE).await[0], 6);
    b.post_form("/settings/phone/verify", &[("code", &code)]).await;
    let id = app.account_id("fraud+shop@example.org").await;
    let path = format!("/staff/members/{id}/fraud-ban");

    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (status, _) = officer.post_form_text(&path, &[("reason", "stolen cards")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "trust & safety's call");
    let ts = app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    let (status, _) = ts.post_form_text(&path, &[("reason", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    ts.post_form(&format!("/staff/members/{id}/holds"), &[("reason", "chargeback claim")])
        .await;
    let (status, _) = ts.post_form_text(&path, &[("reason", "stolen cards")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "a legal hold keeps the data");
    assert_eq!(app.count("fraud_bans").await, 0, "nothing half-done");
    let hold = app.hold_on(id).await;
    officer
        .post_form(
            &format!("/staff/members/{id}/holds/{hold}/lift"),
            &[("reason", "settled")],
        )
        .await;
    let staff_id = app.account_id("dpo@koine.test").await;
    let (status, _) = ts
        .post_form_text(&format!("/staff/members/{staff_id}/fraud-ban"), &[("reason", "x")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff accounts are not closed this way");

    let (status, page) = ts.post_form_text(&path, &[("reason", "stolen cards")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("identifiers banned"), "{page}");
    id
}

async fn a_fraud_ban_erases_the_account_and_stops_re_registration(app: TestApp) {
    let id = banned_member(&app).await;
    assert_eq!(app.rows_about("accounts", "id", id).await, 0, "the account is erased");
    assert_eq!(app.count("fraud_bans").await, 2, "its email and phone");
    assert!(
        app.last_mail_to("fraud+shop@example.org")
            .await
            .contains("closed because it was used for fraud")
    );
    // Only keyed hashes: the identifiers themselves are nowhere in the table.
    let rows: Vec<(Vec<u8>, String, String)> = {
        let sql = "SELECT identifier_hash, kind, reason FROM fraud_bans ORDER BY kind";
        koine_testkit::on_db!(&app.svc.db, p => sqlx::query_as(sql).fetch_all(p).await.unwrap())
    };
    assert_eq!(
        rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ["email", "phone"]
    );
    for (hash, _, reason) in &rows {
        assert_eq!(hash.len(), 32);
        assert_eq!(reason, "stolen cards");
        let text = String::from_utf8_lossy(hash);
        assert!(!text.contains("fraud") && !text.contains("7700900777"));
    }
    let audit: i64 = {
        let sql = "SELECT COUNT(*) FROM audit_events WHERE action = 'ban_fraud' AND reason = 'stolen cards'";
        koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sql).fetch_one(p).await.unwrap())
    };
    assert_eq!(audit, 1, "recorded with its reason");

    // Signing up again — another +tag, other case — gets the usual answer,
    // creates nothing, and the address is told why.
    let accounts = app.count("accounts").await;
    let (status, page) = app
        .browser()
        .signup("Again", "Fraud+new@Example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Check your messages"), "{page}");
    assert!(
        app.last_mail_to("fraud+new@example.org")
            .await
            .contains("closed for fraud")
    );
    let (status, _) = app
        .browser()
        .signup("Again", "", "+44 7700 900777", STRONG_PASSWORD, "1990-01-01")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(app.texts_to(PHONE).await.last().unwrap().contains("closed for fraud"));
    assert_eq!(app.count("accounts").await, accounts, "no account was created");

    // Nor can another account switch to a banned identifier.
    let other = app.member("honest@example.org", "Honest").await;
    let (status, _) = other
        .post_form_text("/settings/email", &[("email", "fraud@example.org")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let mail = app.last_mail_to("fraud@example.org").await;
    assert!(
        mail.contains("closed for fraud") && !mail.contains("/verify/email"),
        "{mail}"
    );
    let (status, _) = other.post_form_text("/settings/phone", &[("phone", PHONE)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.count("one_time_codes").await,
        0,
        "no code was sent for the banned number"
    );

    // Unrelated addresses are not affected.
    app.member("fraudulent@example.org", "Unrelated").await;
}

async fn fraud_bans_end_after_five_years(app: TestApp) {
    banned_member(&app).await;
    app.advance(Duration::from_secs(5 * 365 * 86_400));
    app.svc.sweep(false).await.unwrap();
    assert_eq!(app.count("fraud_bans").await, 2, "still within 5 years");
    // The sweep counts a year as 366 days, so at least the period is kept.
    app.advance(Duration::from_secs(6 * 86_400));
    let lines = app.svc.sweep(false).await.unwrap();
    assert!(
        lines.iter().any(|l| l.table == "fraud_bans" && l.count == 2),
        "{lines:?}"
    );
    assert_eq!(app.count("fraud_bans").await, 0);
    let b = app.browser();
    b.signup("Later", "fraud@example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    assert!(app.last_mail_to("fraud@example.org").await.contains("/verify/email"));
}

async fn fraud_bans_over_the_api(app: TestApp) {
    app.member("api-fraud@example.org", "ApiFraud").await;
    let id = app.account_id("api-fraud@example.org").await;
    app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    let token = crate::api::token(&app, "ts@koine.test").await;
    let ban = |target: uuid::Uuid, body: serde_json::Value| {
        let (app, token) = (&app, token.clone());
        async move {
            app.post_json(&format!("/api/v1/staff/members/{target}/fraud-ban"), &token, body)
                .await
        }
    };
    let r = ban(id, serde_json::json!({"reason": ""})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = ban(id, serde_json::json!({"reason": "x", "force": true})).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown fields are refused"
    );
    let r = ban(uuid::Uuid::now_v7(), serde_json::json!({"reason": "x"})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("fraud_bans").await, 0);
    let r = ban(id, serde_json::json!({"reason": "fake teacher payouts"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("fraud_bans").await, 1, "its email (it had no phone)");
    assert_eq!(app.rows_about("accounts", "id", id).await, 0);
}
