//! The consent ledger, privacy choices, Global Privacy Control and DNT.

use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(
    sign_up_asks_about_marketing_email,
    privacy_choices_are_recorded_in_the_ledger,
    browser_signals_are_honoured,
    consent_api
);

/// The sign-up form asks about marketing email (unticked); the answer opens
/// the ledger. A minor's tick is not taken as consent.
async fn sign_up_asks_about_marketing_email(app: TestApp) {
    let (_, page) = app.browser().get_text("/signup").await;
    let offered = koine_testkit::field(&page, "marketing_email");
    assert!(
        offered.kind == "checkbox" && !offered.checked,
        "offered, unticked: {page}"
    );
    let seventeen = app.born_years_ago(17);
    for (email, birth, expected) in [
        ("adult@example.org", "1990-01-01", true),
        ("teen@example.org", seventeen.as_str(), false),
    ] {
        let (status, _) = app
            .browser()
            .post_form_text(
                "/signup",
                &[
                    ("display_name", "New"),
                    ("email", email),
                    ("phone", ""),
                    ("password", koine_testkit::STRONG_PASSWORD),
                    ("birth_date", birth),
                    ("marketing_email", "on"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let id = app.account_id(email).await;
        let history = app.svc.consent_history(id).await.unwrap();
        assert_eq!(history.len(), 1, "{email}");
        assert_eq!(
            (
                history[0].purpose.as_str(),
                history[0].source.as_str(),
                history[0].granted
            ),
            ("marketing_email", "sign_up", expected),
            "{email}"
        );
    }
}

async fn privacy_choices_are_recorded_in_the_ledger(app: TestApp) {
    let b = app.member("c@example.org", "C").await;
    let (status, page) = b.get_text("/settings/privacy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(" checked"), "nothing is on unless turned on");
    let (status, page) = b
        .post_form_text("/settings/privacy", &[("marketing_email", "on"), ("analytics", "on")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your choices have been saved."));
    assert!(koine_testkit::field(&page, "marketing_email").checked);
    assert_eq!(
        app.count("consent_events").await,
        8,
        "the sign-up answer, and each purpose's first choice, refusals too"
    );
    b.post_form_text("/settings/privacy", &[("marketing_email", "on"), ("analytics", "on")])
        .await;
    assert_eq!(
        app.count("consent_events").await,
        8,
        "saving the same choices adds nothing"
    );
    b.post_form_text("/settings/privacy", &[("marketing_email", "on")])
        .await;
    assert_eq!(app.count("consent_events").await, 9, "withdrawing is one event");
    let (_, page) = b.get_text("/settings/privacy").await;
    assert!(page.contains("Withdrawn") && page.contains("In settings"));
    let (status, _) = b.post_form_text("/settings/privacy", &[("telemetry", "on")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("consent_events").await, 9);
}

async fn browser_signals_are_honoured(app: TestApp) {
    let b = app.member("gpc@example.org", "Gpc").await;
    b.post_form_text(
        "/settings/privacy",
        &[
            ("sale_sharing", "on"),
            ("personalised_recommendations", "on"),
            ("analytics", "on"),
        ],
    )
    .await;
    let page = b
        .get_text_with("/settings/privacy", &[("sec-gpc", "1"), ("dnt", "1")])
        .await;
    assert!(
        page.contains("Global Privacy Control signal"),
        "the signal is acknowledged"
    );
    for purpose in ["sale_sharing", "personalised_recommendations", "analytics"] {
        assert!(!koine_testkit::field(&page, purpose).checked, "{purpose} withdrawn");
    }
    assert!(
        page.contains("Global Privacy Control") && page.contains("Do Not Track"),
        "sources shown in the history"
    );
    let before = app.count("consent_events").await;
    b.client.get(app.url("/")).header("sec-gpc", "1").send().await.unwrap();
    assert_eq!(
        app.count("consent_events").await,
        before,
        "a repeated signal adds nothing"
    );
    // Ticking a box the signal covers, from the signalling browser, grants nothing.
    let token = b.csrf().await;
    let r = b
        .client
        .post(app.url("/settings/privacy"))
        .header("sec-gpc", "1")
        .form(&[
            ("csrf", token.as_str()),
            ("sale_sharing", "on"),
            ("marketing_email", "on"),
        ])
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(koine_testkit::field(&page, "sale_sharing").disabled, "{page}");
    let state = app
        .svc
        .consent_state(app.account_id("gpc@example.org").await)
        .await
        .unwrap();
    assert!(state.contains(&(koine_domain::consent::ConsentPurpose::SaleSharing, false)));
    assert!(state.contains(&(koine_domain::consent::ConsentPurpose::MarketingEmail, true)));
    let r = app.browser().get("/.well-known/gpc.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["gpc"], true);
}

async fn consent_api(app: TestApp) {
    app.member("capi@example.org", "Capi").await;
    let token = crate::api::token(&app, "capi@example.org").await;
    let state: Value = app.get_json("/api/v1/me/consents", &token).await;
    assert_eq!(state["marketing_email"], false);
    let r = app
        .api_json(
            reqwest::Method::PUT,
            "/api/v1/me/consents",
            &token,
            json!({"marketing_email": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let state: Value = app.get_json("/api/v1/me/consents", &token).await;
    assert_eq!(state["marketing_email"], true);
    assert_eq!(state["analytics"], false);
    let r = app
        .api_json(
            reqwest::Method::PUT,
            "/api/v1/me/consents",
            &token,
            json!({"telemetry": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .api_json(
            reqwest::Method::PUT,
            "/api/v1/me/consents",
            &token,
            json!({"marketing_email": "yes"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

both_backends!(access_report_shows_what_is_held_and_staff_access);

/// Posts a form whose fields may repeat.
async fn post_fields(b: &koine_testkit::Browser, path: &str, fields: &[(&str, String)]) -> (StatusCode, String) {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post_form_text(path, &refs).await
}

/// "Your data" lists what the map links to the member, where it came from,
/// to whom it was given, and staff looks at it; another member's data never
/// appears.
async fn access_report_shows_what_is_held_and_staff_access(app: TestApp) {
    let b = app.member("me@example.org", "Me").await;
    app.member("someone@example.org", "Someone").await;
    let id = app.account_id("me@example.org").await;
    let (status, page) = b.get_text("/settings/data").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Your account: how you sign in") && page.contains("Email address"),
        "{page}"
    );
    assert!(page.contains("Devices signed in to your account"));
    assert!(page.contains("No staff member has opened your data."));
    assert!(!page.contains("someone@example.org"));
    // The consent state derived from the ledger is part of the report.
    assert!(
        page.contains("News and offers by email: <strong>Not given</strong>"),
        "{page}"
    );
    b.post_form("/settings/privacy", &[("marketing_email", "on")]).await;
    let (_, page) = b.get_text("/settings/data").await;
    assert!(
        page.contains("News and offers by email: <strong>Given</strong>"),
        "{page}"
    );
    let staff = app
        .staff("support@koine.test", koine_domain::staff::StaffRole::Support)
        .await;
    staff
        .post_form(&format!("/staff/members/{id}"), &[("reason", "ticket")])
        .await;
    let (_, page) = b.get_text("/settings/data").await;
    assert!(page.contains("Opened a member record"), "{page}");
    assert!(
        !page.contains("ticket"),
        "staff notes are not part of the member's view"
    );
    assert!(
        page.contains("Where it comes from") && page.contains("Your browser or device"),
        "sources are stated"
    );
    assert!(page.contains("Your data has not been given to anyone outside Koine."));

    // A disclosure to an authority, recorded by the privacy officer, is
    // shown to the member (without staff's notes).
    let path = format!("/staff/members/{id}/disclosures");
    let today = app.svc.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    let form = |date: &str| {
        vec![
            ("recipient_kind", "authority".to_owned()),
            ("recipient", "Tax Office of Lyon".to_owned()),
            ("category", "user.contact.email".to_owned()),
            ("category", "user.name".to_owned()),
            ("reason", "court order 12/2026".to_owned()),
            ("disclosed_on", date.to_owned()),
        ]
    };
    let (status, _) = post_fields(&staff, &path, &form(&today)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "support does not record disclosures");
    let officer = app
        .staff("dpo@koine.test", koine_domain::staff::StaffRole::PrivacyOfficer)
        .await;
    let tomorrow = app
        .svc
        .clock
        .now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .tomorrow()
        .unwrap()
        .to_string();
    let (status, _) = post_fields(&officer, &path, &form(&tomorrow)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not in the future");
    let mut no_categories = form(&today);
    no_categories.retain(|(k, _)| *k != "category");
    let (status, _) = post_fields(&officer, &path, &no_categories).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "some data was given");
    let mut unknown = form(&today);
    unknown.push(("urgent", "yes".to_owned()));
    let (status, _) = post_fields(&officer, &path, &unknown).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("disclosures").await, 0, "nothing half-written");
    let (status, page) = post_fields(&officer, &path, &form(&today)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (_, page) = b.get_text("/settings/data").await;
    let recipients = page.split("Who we share it with").nth(1).unwrap();
    assert!(
        recipients.contains("Tax Office of Lyon (Authority)") && recipients.contains("Email address"),
        "{recipients}"
    );
    assert!(!page.contains("court order"), "staff notes stay with staff");
    assert!(page.contains("Recorded that your data was given to someone outside Koine"));

    let anon = app.browser().get("/settings/data").await;
    assert_eq!(anon.status(), StatusCode::SEE_OTHER);
}
