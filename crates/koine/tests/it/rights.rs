//! Restriction of processing (GDPR Art. 18) and objection (Art. 21), and
//! the gate every optional processing point asks.

use koine_domain::consent::ConsentPurpose;
use koine_services::consent::Signals;
use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    restriction_hides_the_profile_and_stops_optional_processing,
    objection_withdraws_at_once_and_is_recorded,
    restriction_and_objection_over_the_api
);

const NONE: Signals = Signals { gpc: false, dnt: false };

async fn restriction_hides_the_profile_and_stops_optional_processing(app: TestApp) {
    let b = app.member("rest@example.org", "Rest").await;
    let id = app.account_id("rest@example.org").await;
    b.post_form(
        "/settings/privacy",
        &[("marketing_email", "on"), ("personalised_recommendations", "on")],
    )
    .await;
    let may = |purpose| {
        let svc = app.svc.clone();
        async move { svc.may_process(id, purpose, NONE).await.unwrap() }
    };
    assert!(may(ConsentPurpose::MarketingEmail).await);
    assert!(may(ConsentPurpose::PersonalisedRecommendations).await);
    assert!(!may(ConsentPurpose::Analytics).await, "no consent, no analytics");
    let gpc = Signals { gpc: true, dnt: false };
    assert!(
        !app.svc
            .may_process(id, ConsentPurpose::PersonalisedRecommendations, gpc)
            .await
            .unwrap(),
        "a GPC signal opts out of personalisation"
    );

    let other = app.member("other@example.org", "Other").await;
    let profile = format!("/members/{id}");
    assert_eq!(app.browser().get(&profile).await.status(), StatusCode::OK);

    let r = b
        .post_form("/settings/privacy/restrict", &[("reason", "contesting my data")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get_text("/settings/privacy").await;
    assert!(page.contains("has been restricted since"), "{page}");
    for purpose in ConsentPurpose::ALL {
        assert!(!may(purpose).await, "{purpose:?} while restricted");
    }
    assert_eq!(app.browser().get(&profile).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.get(&profile).await.status(), StatusCode::NOT_FOUND);
    let api = reqwest::get(app.url(&format!("/api/v1/profiles/{id}"))).await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        b.get(&profile).await.status(),
        StatusCode::OK,
        "the owner still sees it"
    );
    let (status, _) = b.post_form_text("/settings/privacy/restrict", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "already restricted");
    assert_eq!(app.count("processing_restrictions").await, 1);

    b.post_form("/settings/privacy/restrict/lift", &[]).await;
    assert_eq!(app.browser().get(&profile).await.status(), StatusCode::OK);
    assert!(
        may(ConsentPurpose::MarketingEmail).await,
        "consent applies again once lifted"
    );
    let (status, _) = b.post_form_text("/settings/privacy/restrict/lift", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing to lift");
}

async fn objection_withdraws_at_once_and_is_recorded(app: TestApp) {
    let b = app.member("obj@example.org", "Obj").await;
    let id = app.account_id("obj@example.org").await;
    b.post_form(
        "/settings/privacy",
        &[("marketing_email", "on"), ("analytics", "on"), ("sale_sharing", "on")],
    )
    .await;
    let (status, page) = b
        .post_form_text("/settings/privacy/object", &[("purpose", "marketing_email")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your objection"), "{page}");
    assert!(
        !app.svc
            .may_process(id, ConsentPurpose::MarketingEmail, NONE)
            .await
            .unwrap()
    );
    assert!(
        app.svc.may_process(id, ConsentPurpose::Analytics, NONE).await.unwrap(),
        "other purposes are untouched"
    );
    let before = app.count("consent_events").await;
    let (status, _) = b
        .post_form_text("/settings/privacy/object", &[("purpose", "sale_sharing")])
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "not an objection purpose: use the choices"
    );
    let (status, _) = b
        .post_form_text("/settings/privacy/object", &[("purpose", "everything")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("consent_events").await, before, "nothing recorded");
}

async fn restriction_and_objection_over_the_api(app: TestApp) {
    app.member("api-rest@example.org", "ApiRest").await;
    let token = crate::api::token(&app, "api-rest@example.org").await;
    let c = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| c.post(app.url(path)).bearer_auth(&token).json(&body).send();
    let r = post("/api/v1/me/restriction", json!({"reason": "x", "extra": 1}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("processing_restrictions").await, 0);
    let r = post("/api/v1/me/restriction", json!({})).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = post("/api/v1/me/restriction", json!({})).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let lift = || c.delete(app.url("/api/v1/me/restriction")).bearer_auth(&token).send();
    assert_eq!(lift().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(lift().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = post("/api/v1/me/objections", json!({"purpose": "analytics"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = post("/api/v1/me/objections", json!({"purpose": "nope"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}
