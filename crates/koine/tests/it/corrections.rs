//! Rectification of what a member cannot change themselves: they ask from
//! settings, the privacy officer applies (through the age gate) or refuses.

use koine_domain::staff::StaffRole;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, code_in};
use reqwest::StatusCode;
use uuid::Uuid;

both_backends!(
    a_birth_date_correction_is_asked_for_and_applied,
    corrections_go_through_the_age_gate,
    a_teacher_corrects_their_verified_legal_name
);

async fn ask(b: &koine_testkit::Browser, value: &str) -> (StatusCode, String) {
    b.post_form_text(
        "/settings/correction",
        &[("field", "birth_date"), ("value", value), ("note", "typo at sign-up")],
    )
    .await
}

async fn only_request(app: &TestApp) -> (Uuid, String, Option<Vec<u8>>) {
    let sql = "SELECT id, status, correction_enc FROM privacy_requests";
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_as(sql).fetch_one(p).await.unwrap())
}

async fn birth_date(app: &TestApp, email: &str) -> (String, bool) {
    let c = app.svc.contact_details(app.account_id(email).await).await.unwrap();
    (c.birth_date.unwrap().to_string(), c.minor)
}

async fn a_birth_date_correction_is_asked_for_and_applied(app: TestApp) {
    let b = app.member("fix@example.org", "Fix").await;
    let (_, page) = b.get_text("/settings").await;
    assert!(
        page.contains("1990-04-01") && page.contains("Ask for a correction"),
        "{page}"
    );
    for bad in ["1990-13-01", "2999-01-01", ""] {
        let (status, page) = ask(&b, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {page}");
    }
    let (status, _) = b
        .post_form_text(
            "/settings/correction",
            &[("field", "email"), ("value", "x@example.org"), ("note", "")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only fields members cannot change"
    );
    assert_eq!(app.count("privacy_requests").await, 0, "nothing stored");

    let (status, page) = ask(&b, "1991-06-02").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your request has been sent"), "{page}");
    let (id, status, enc) = only_request(&app).await;
    assert_eq!(
        status, "open",
        "a signed-in member with a confirmed address is verified"
    );
    assert!(
        !String::from_utf8_lossy(&enc.unwrap()).contains("1991-06-02"),
        "the value is sealed under the member's key"
    );
    assert!(
        app.last_mail_to("fix@example.org")
            .await
            .contains("Your request (Correct data about me) is confirmed")
    );

    let support = app.staff("support@koine.test", StaffRole::Support).await;
    let (status, _) = support
        .post_form_text(&format!("/staff/requests/{id}/apply-correction"), &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (status, page) = officer.get_text(&format!("/staff/requests/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Date of birth: <strong>1991-06-02</strong>"), "{page}");
    assert_eq!(
        birth_date(&app, "fix@example.org").await.0,
        "1990-04-01",
        "not before it is applied"
    );
    let r = officer
        .post_form(&format!("/staff/requests/{id}/apply-correction"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(birth_date(&app, "fix@example.org").await, ("1991-06-02".into(), false));
    assert_eq!(only_request(&app).await.1, "completed");
    assert!(
        app.last_mail_to("fix@example.org")
            .await
            .contains("We corrected your date of birth")
    );
    let (status, _) = officer
        .post_form_text(&format!("/staff/requests/{id}/apply-correction"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "once");
}

async fn corrections_go_through_the_age_gate(app: TestApp) {
    let today = app.svc.clock.today_utc();
    let b = app.member("young@example.org", "Young").await;
    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    // Below the minimum age: refused; the account must be closed instead.
    let ten = today.checked_sub(jiff::Span::new().years(10)).unwrap().to_string();
    ask(&b, &ten).await;
    let (id, ..) = only_request(&app).await;
    let (status, page) = officer
        .post_form_text(&format!("/staff/requests/{id}/apply-correction"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("below the minimum age"), "{page}");
    assert_eq!(birth_date(&app, "young@example.org").await.0, "1990-04-01");
    assert_eq!(only_request(&app).await.1, "open");
    officer
        .post_form(
            &format!("/staff/requests/{id}/close"),
            &[("decision", "rejected"), ("outcome", "account closed instead")],
        )
        .await;
    // Sixteen: allowed, and the member is now a minor with limited use.
    let sixteen = today.checked_sub(jiff::Span::new().years(16)).unwrap().to_string();
    ask(&b, &sixteen).await;
    let id: Uuid = {
        let sql = "SELECT id FROM privacy_requests WHERE status = 'open'";
        koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sql).fetch_one(p).await.unwrap())
    };
    officer
        .post_form(&format!("/staff/requests/{id}/apply-correction"), &[])
        .await;
    assert_eq!(birth_date(&app, "young@example.org").await, (sixteen, true));

    // Phone-only members are answered by email, so need an address first.
    let phone = app.browser();
    phone
        .signup("Tel", "", "+447700900555", STRONG_PASSWORD, "1990-01-01")
        .await;
    let code = code_in(&app.texts_to("+447700900555").await[0], 6);
    phone
        .post_form("/verify/phone", &[("phone", "+447700900555"), ("code", &code)])
        .await;
    phone.login("+447700900555", STRONG_PASSWORD).await;
    let (status, page) = ask(&phone, "1990-01-02").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Add and confirm an email address first"), "{page}");

    // The same over the API.
    let token = crate::api::token(&app, "young@example.org").await;
    let post = |body: serde_json::Value| app.post_json("/api/v1/me/corrections", &token, body);
    let r = post(serde_json::json!({"field": "birth_date", "value": "not a date"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(serde_json::json!({"field": "birth_date", "value": "1990-01-02", "x": 1})).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown fields are refused"
    );
    let r = post(serde_json::json!({"field": "birth_date", "value": "1990-01-02"})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
}

async fn a_teacher_corrects_their_verified_legal_name(app: TestApp) {
    let learner = app.member("learner@example.org", "Learner").await;
    let (status, _) = learner
        .post_form_text(
            "/settings/correction",
            &[("field", "real_name"), ("value", "Someone Else"), ("note", "")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only teachers have a verified name"
    );
    let b = app.member("ada@example.org", "Ada").await;
    app.upload_avatar(&b).await;
    let id = app.account_id("ada@example.org").await;
    let reviewer = app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    assert!(app.approved_teacher(&b, id, &reviewer).await);
    let (_, page) = b.get_text("/settings").await;
    assert!(
        page.contains("Verified legal name") && page.contains("Ada María López"),
        "{page}"
    );
    let (status, _) = b
        .post_form_text(
            "/settings/correction",
            &[("field", "real_name"), ("value", "Ada María López Ruiz"), ("note", "")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (request, ..) = only_request(&app).await;
    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (_, view) = officer.get_text(&format!("/staff/requests/{request}")).await;
    assert!(
        view.contains("Verified legal name: <strong>Ada María López Ruiz</strong>"),
        "{view}"
    );
    officer
        .post_form(&format!("/staff/requests/{request}/apply-correction"), &[])
        .await;
    let (_, page) = b.get_text("/settings").await;
    assert!(page.contains("Ada María López Ruiz"), "{page}");
    assert!(
        app.last_mail_to("ada@example.org")
            .await
            .contains("We corrected your legal name")
    );
}
