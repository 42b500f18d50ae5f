//! Legal holds: reasoned, audited, and they suspend erasure and retention.

use koine_domain::staff::StaffRole;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

both_backends!(a_legal_hold_suspends_erasure_and_retention);

/// Places a legal hold through the API.
async fn hold_by_api(app: &TestApp, token: &str, member: impl std::fmt::Display, reason: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/staff/members/{member}/holds"),
        token,
        json!({ "reason": reason }),
    )
    .await
}

/// Lifts a legal hold through the API.
async fn lift_by_api(
    app: &TestApp,
    token: &str,
    member: impl std::fmt::Display,
    hold: impl std::fmt::Display,
    reason: &str,
) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/staff/members/{member}/holds/{hold}/lift"),
        token,
        json!({ "reason": reason }),
    )
    .await
}

/// Places a legal hold from the member's staff page: the page's answer.
async fn hold_from_page(staff: &koine_testkit::Browser, member: uuid::Uuid, reason: &str) -> (StatusCode, String) {
    staff
        .post_form_text(&format!("/staff/members/{member}/holds"), &[("reason", reason)])
        .await
}

async fn a_legal_hold_suspends_erasure_and_retention(app: TestApp) {
    let member = app.member("held@example.org", "Held").await;
    let id = app.account_id("held@example.org").await;
    app.browser()
        .signup("Pending", "pending@example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    let pending = app.account_id("pending@example.org").await;

    let support = app.staff("support@koine.test", StaffRole::Support).await;
    let (status, _) = hold_from_page(&support, id, "x").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "support cannot place holds");

    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (_, record) = officer
        .post_form_text(&format!("/staff/members/{id}"), &[("reason", "claim 12")])
        .await;
    assert!(record.contains("No legal hold.") && record.contains("Place a legal hold"));
    let (status, _) = hold_from_page(&officer, id, "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    let (status, page) = hold_from_page(&officer, id, "court order 2026-17").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let token = crate::api::token(&app, "dpo@koine.test").await;
    let r = hold_by_api(&app, &token, pending, "fraud investigation").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let pending_hold = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, log) = officer.get_text("/staff/audit").await;
    assert!(
        log.contains("Placed a legal hold") && log.contains("court order 2026-17"),
        "{log}"
    );

    // The member cannot delete their account while held.
    let (status, page) = member.get_text("/settings/delete").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("legal claim") && !page.contains("name=\"confirm\""));
    let (status, _) = member.post_form_text("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(app.count("accounts").await, 4);

    // Retention leaves held people alone: the unconfirmed sign-up stays, and
    // so do the held member's expired sessions.
    app.advance(Duration::from_secs(40 * 86_400));
    app.svc.sweep(false).await.unwrap();
    assert!(
        app.svc
            .account_id_by_email(&koine_domain::contact::Email::parse("pending@example.org").unwrap())
            .await
            .unwrap()
            .is_some()
    );
    let held_sessions = app.count("sessions").await;
    assert!(held_sessions >= 1, "the held member's sessions are kept as records");

    // Only the privacy officer lifts, with a reason; nobody holds or lifts for themselves.
    // (Fresh tokens: the clock moved past the old sessions.)
    let lift = format!("/api/v1/staff/members/{pending}/holds/{pending_hold}/lift");
    let dpo = crate::api::token(&app, "dpo@koine.test").await;
    let tns = app.staff("tns@koine.test", StaffRole::TrustSafety).await;
    let (status, _) = hold_from_page(&tns, pending, "second claim").await;
    assert_eq!(status, StatusCode::OK, "trust & safety may place holds");
    let tns_token = crate::api::token(&app, "tns@koine.test").await;
    let r = app.post_json(&lift, &tns_token, json!({"reason": "done"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "but not lift them");
    let dpo_id = app.account_id("dpo@koine.test").await;
    let r = hold_by_api(&app, &dpo, dpo_id, "myself").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no holds on oneself");
    let r = app.post_json(&lift, &dpo, json!({"reason": ""})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "lifting needs a reason");
    let r = app
        .post_json(&lift, &dpo, json!({"reason": "investigation closed"}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The second hold still keeps the account; lift it too.
    let sql = "SELECT id FROM legal_holds WHERE lifted_at IS NULL AND reason = 'second claim'";
    let second = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar::<_, uuid::Uuid>(sql)
        .fetch_one(p)
        .await
        .unwrap())
    .to_string();
    app.svc.sweep(false).await.unwrap();
    assert!(
        app.svc
            .account_id_by_email(&koine_domain::contact::Email::parse("pending@example.org").unwrap())
            .await
            .unwrap()
            .is_some()
    );
    let r = lift_by_api(&app, &dpo, pending, second, "closed too").await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.svc.sweep(false).await.unwrap();
    assert!(
        app.svc
            .account_id_by_email(&koine_domain::contact::Email::parse("pending@example.org").unwrap())
            .await
            .unwrap()
            .is_none()
    );
    let r = app.post_json(&lift, &dpo, json!({"reason": "again"})).await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "a lifted hold cannot be lifted again"
    );
}
