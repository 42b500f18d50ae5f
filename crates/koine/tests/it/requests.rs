//! Requests through the public form: verified by email, worked by the
//! privacy officer against the statutory deadline, requester told at each step.

use koine_domain::staff::StaffRole;
use koine_testkit::{TestApp, both_backends, link_in};
use reqwest::StatusCode;
use std::time::Duration;
use uuid::Uuid;

both_backends!(
    a_parents_request_is_verified_worked_and_answered,
    ccpa_deadlines_and_bad_input,
    a_members_request_is_linked_to_their_account
);

const DAY: Duration = Duration::from_secs(86_400);

async fn only_request(app: &TestApp) -> (Uuid, String, i64, i64, Option<Uuid>) {
    let sql = "SELECT id, status, received_at, due_at, account_id FROM privacy_requests";
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_as(sql).fetch_one(p).await.unwrap())
}

fn date_of(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

async fn submit(app: &TestApp, fields: &[(&str, &str)]) -> (StatusCode, String) {
    app.browser().post_form_text("/privacy/request", fields).await
}

/// Opens the emailed link and confirms; returns the token.
async fn confirm(app: &TestApp, email: &str) -> String {
    let link = link_in(&app.last_mail_to(email).await, "/privacy/requests/verify");
    let b = app.browser();
    let path = link.trim_start_matches(&app.base).to_owned();
    let (status, page) = b.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Confirm the request"), "{page}");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let (status, _) = b.post_form_text("/privacy/requests/verify", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::OK);
    token
}

async fn a_parents_request_is_verified_worked_and_answered(app: TestApp) {
    let (status, page) = submit(
        &app,
        &[
            ("kind", "child_erasure"),
            ("regime", "gdpr"),
            ("relation", "parent"),
            ("name", "Pat Parent"),
            ("email", "parent@example.org"),
            ("details", "My son signed up as kid@example.org"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("confirm the request"), "{page}");
    let (id, status, received, due, _) = only_request(&app).await;
    assert_eq!(status, "unverified");
    let month_later = jiff::Timestamp::from_microsecond(received)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .checked_add(jiff::Span::new().months(1))
        .unwrap();
    assert_eq!(due, month_later.timestamp().as_microsecond(), "one calendar month");

    let token = confirm(&app, "parent@example.org").await;
    assert_eq!(only_request(&app).await.1, "open");
    assert!(
        app.last_mail_to("parent@example.org")
            .await
            .contains(&format!("answer by {}", date_of(due)))
    );
    let (status, _) = app
        .browser()
        .post_form_text("/privacy/requests/verify", &[("token", &token)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a link works once");

    // Only the privacy officer works requests.
    let support = app.staff("support@koine.test", StaffRole::Support).await;
    assert_eq!(support.get("/staff/requests").await.status(), StatusCode::FORBIDDEN);
    let dpo = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (_, list) = dpo.get_text("/staff/requests").await;
    assert!(list.contains("Delete my child&#39;s data"), "{list}");
    assert!(!list.contains("Overdue"));
    app.advance(40 * DAY);
    dpo.login("dpo@koine.test", koine_testkit::STRONG_PASSWORD).await;
    let (_, list) = dpo.get_text("/staff/requests").await;
    assert!(list.contains("Overdue"), "past its deadline");
    let audits = app.count("audit_events").await;
    let (status, page) = dpo.get_text(&format!("/staff/requests/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("parent@example.org") && page.contains("kid@example.org"));
    assert_eq!(app.count("audit_events").await, audits + 1, "viewing is audited");

    let (status, _) = dpo
        .post_form_text(&format!("/staff/requests/{id}/extend"), &[("reason", "")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an extension needs a reason");
    dpo.post_form(
        &format!("/staff/requests/{id}/extend"),
        &[("reason", "we must confirm you are the parent")],
    )
    .await;
    let (_, status, _, extended, _) = only_request(&app).await;
    assert_eq!(status, "extended");
    let mail = app.last_mail_to("parent@example.org").await;
    assert!(
        mail.contains(&date_of(extended)) && mail.contains("we must confirm you are the parent"),
        "{mail}"
    );
    let (status, _) = dpo
        .post_form_text(&format!("/staff/requests/{id}/extend"), &[("reason", "again")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "one extension");

    // The officer, having checked the parent's authority, erases the
    // child's account from the request: named by its address.
    app.member("kid@example.org", "Kid").await;
    let kid = app.account_id("kid@example.org").await;
    let erase = format!("/staff/requests/{id}/erase");
    let (status, page) = dpo.post_form_text(&erase, &[("account", "nobody@example.org")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("No account was found"), "{page}");
    assert_eq!(app.rows_about("accounts", "id", kid).await, 1);
    let r = dpo.post_form(&erase, &[("account", "kid@example.org")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.rows_about("accounts", "id", kid).await,
        0,
        "the child's account is erased"
    );
    assert_eq!(app.count("audit_events WHERE action = 'erase_on_request'").await, 1);
    assert!(
        app.last_mail_to("kid@example.org")
            .await
            .contains("As asked in a data-protection request")
    );
    assert_eq!(only_request(&app).await.1, "completed");
    assert!(
        app.last_mail_to("parent@example.org")
            .await
            .contains("The account and the personal data linked to it have been erased.")
    );
    let (status, _) = dpo.post_form_text(&erase, &[("account", "")]).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a closed request is not carried out again"
    );
    let (status, _) = dpo
        .post_form_text(
            &format!("/staff/requests/{id}/close"),
            &[("decision", "rejected"), ("outcome", "x")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "already closed");
}

async fn ccpa_deadlines_and_bad_input(app: TestApp) {
    let good = [
        ("kind", "opt_out_sale"),
        ("regime", "ccpa"),
        ("relation", "self"),
        ("name", "Cal"),
        ("email", "cal@example.org"),
    ];
    for (field, bad) in [
        ("kind", "everything"),
        ("regime", "mars"),
        ("email", "not-an-email"),
        ("name", " "),
    ] {
        let form: Vec<(&str, &str)> = good
            .iter()
            .map(|&(k, v)| if k == field { (k, bad) } else { (k, v) })
            .collect();
        let (status, page) = submit(&app, &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(page.contains("aria-invalid=\"true\""), "{field}");
    }
    let mut extra = good.to_vec();
    extra.push(("admin", "1"));
    assert_eq!(submit(&app, &extra).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("privacy_requests").await, 0, "nothing stored");

    submit(&app, &good).await;
    let (_, _, received, due, _) = only_request(&app).await;
    assert_eq!(due - received, 45 * 86_400_000_000, "45 days");
}

async fn a_members_request_is_linked_to_their_account(app: TestApp) {
    app.member("mem@example.org", "Mem").await;
    let id = app.account_id("mem@example.org").await;
    submit(
        &app,
        &[
            ("kind", "access"),
            ("regime", "gdpr"),
            ("relation", "self"),
            ("name", "Mem"),
            ("email", "mem@example.org"),
        ],
    )
    .await;
    assert_eq!(
        only_request(&app).await.4,
        None,
        "not linked before the address is confirmed"
    );
    confirm(&app, "mem@example.org").await;
    let (request, ..) = only_request(&app).await;
    assert_eq!(only_request(&app).await.4, Some(id));

    // The officer carries it out: an export of the linked account, which
    // its holder downloads after signing in.
    let dpo = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (_, page) = dpo.get_text(&format!("/staff/requests/{request}")).await;
    assert!(page.contains("Prepare an export of this account"), "{page}");
    let (status, _) = dpo
        .post_form_text(&format!("/staff/requests/{request}/erase"), &[("account", "")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "an access request erases nothing");
    let r = dpo
        .post_form(&format!("/staff/requests/{request}/export"), &[("account", "")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.rows_about("data_exports", "account_id", id).await, 1);
    assert_eq!(app.count("audit_events WHERE action = 'export_on_request'").await, 1);
    assert_eq!(only_request(&app).await.1, "completed");
    assert!(
        app.last_mail_to("mem@example.org")
            .await
            .contains("download it under Settings")
    );
}
