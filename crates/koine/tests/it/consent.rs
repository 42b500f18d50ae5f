//! The consent ledger, privacy choices, Global Privacy Control and DNT.

use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(
    privacy_choices_are_recorded_in_the_ledger,
    browser_signals_are_honoured,
    consent_api
);

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
    assert!(
        page.contains("id=\"consent-marketing_email\" name=\"marketing_email\" type=\"checkbox\" value=\"on\" checked")
    );
    assert_eq!(
        app.count("consent_events").await,
        7,
        "each purpose's first choice is on record, refusals too"
    );
    b.post_form_text("/settings/privacy", &[("marketing_email", "on"), ("analytics", "on")])
        .await;
    assert_eq!(
        app.count("consent_events").await,
        7,
        "saving the same choices adds nothing"
    );
    b.post_form_text("/settings/privacy", &[("marketing_email", "on")])
        .await;
    assert_eq!(app.count("consent_events").await, 8, "withdrawing is one event");
    let (_, page) = b.get_text("/settings/privacy").await;
    assert!(page.contains("Withdrawn") && page.contains("In settings"));
    let (status, _) = b.post_form_text("/settings/privacy", &[("telemetry", "on")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("consent_events").await, 8);
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
        .client
        .get(app.url("/settings/privacy"))
        .header("sec-gpc", "1")
        .header("dnt", "1")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Global Privacy Control signal"),
        "the signal is acknowledged"
    );
    for purpose in ["sale_sharing", "personalised_recommendations", "analytics"] {
        assert!(
            !page.contains(&format!("name=\"{purpose}\" type=\"checkbox\" value=\"on\" checked")),
            "{purpose} withdrawn"
        );
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
    assert!(
        page.contains("name=\"sale_sharing\" type=\"checkbox\" value=\"on\" disabled"),
        "{page}"
    );
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
    let c = reqwest::Client::new();
    let state: Value = c
        .get(app.url("/api/v1/me/consents"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["marketing_email"], false);
    let r = c
        .put(app.url("/api/v1/me/consents"))
        .bearer_auth(&token)
        .json(&json!({"marketing_email": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let state: Value = c
        .get(app.url("/api/v1/me/consents"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["marketing_email"], true);
    assert_eq!(state["analytics"], false);
    let r = c
        .put(app.url("/api/v1/me/consents"))
        .bearer_auth(&token)
        .json(&json!({"telemetry": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .put(app.url("/api/v1/me/consents"))
        .bearer_auth(&token)
        .json(&json!({"marketing_email": "yes"}))
        .send()
        .await
        .unwrap();
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
