//! Every form and every API write endpoint, fed malformed input: a clear 4xx,
//! never a 500, and nothing written.

use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    every_form_rejects_malformed_input,
    every_api_write_rejects_malformed_input
);

/// Rows in every table that a rejected request could have written to.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for t in [
        "accounts",
        "profiles",
        "profile_languages",
        "sessions",
        "one_time_codes",
        "outbox",
        "audit_events",
    ] {
        counts.push(app.count(t).await);
    }
    counts
}

async fn every_form_rejects_malformed_input(app: TestApp) {
    let b = app.member("bad@example.org", "Bad").await;
    app.advance(std::time::Duration::from_secs(1));
    let session = {
        let (_, page) = b.get_text("/settings").await;
        page.split("/settings/sessions/").nth(1).map(|s| s[..36].to_owned())
    };
    assert!(
        session.is_none(),
        "a single session, which cannot end itself from this list"
    );
    let before = footprint(&app).await;
    let forms: &[(&str, &[(&str, &str)])] = &[
        ("/signup", &[("display_name", "X")]),
        ("/verify/email", &[("token", "t"), ("extra", "1")]),
        ("/verify/phone", &[("phone", "not a phone"), ("code", "1")]),
        ("/login", &[("identifier", "x"), ("password", "y"), ("remember", "1")]),
        ("/password/forgot", &[("identifier", "not-an-email")]),
        (
            "/password/reset",
            &[("token", "nope"), ("password", "orchid-tandem-velvet-99")],
        ),
        ("/reauth", &[("pass", "x")]),
        ("/settings/email", &[("email", "@@")]),
        ("/settings/phone", &[("phone", "12")]),
        ("/settings/phone/verify", &[("code", "000000")]),
        ("/settings/password", &[("current_password", "x")]),
        ("/settings/sessions/not-a-uuid/end", &[]),
        ("/language", &[("locale", "tlh")]),
        ("/settings/profile", &[("display_name", "X"), ("admin", "true")]),
        (
            "/staff/members/01a20312-3677-720b-ac11-49972ddc3dad",
            &[("reason", "x")],
        ),
    ];
    for (path, fields) in forms {
        let r = b.post_form(path, fields).await;
        let status = r.status();
        let body = r.text().await.unwrap();
        assert!(status.is_client_error(), "{path}: {status}\n{body}");
        assert!(
            body.contains("<main"),
            "{path}: a page that explains, not a bare status"
        );
        assert!(!body.contains("Something went wrong on our side"), "{path}");
    }
    let r = b
        .client
        .post(app.url("/settings/avatar"))
        .body("x")
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(footprint(&app).await, before, "nothing was written");
}

async fn every_api_write_rejects_malformed_input(app: TestApp) {
    app.member("api-bad@example.org", "ApiBad").await;
    let token = crate::api::token(&app, "api-bad@example.org").await;
    let before = footprint(&app).await;
    let c = reqwest::Client::new();
    let endpoints = [
        ("POST", "/api/v1/signup"),
        ("POST", "/api/v1/verify/email"),
        ("POST", "/api/v1/verify/phone"),
        ("POST", "/api/v1/sessions"),
        ("POST", "/api/v1/session/reauth"),
        ("POST", "/api/v1/password/forgot"),
        ("POST", "/api/v1/password/reset"),
        ("PUT", "/api/v1/me/profile"),
        ("PUT", "/api/v1/me/password"),
        ("POST", "/api/v1/me/email"),
        ("POST", "/api/v1/me/phone"),
        ("POST", "/api/v1/me/phone/verify"),
    ];
    for (method, path) in endpoints {
        for body in [json!({"unexpected": true}), json!([1, 2]), json!("text")] {
            let r = c
                .request(method.parse().unwrap(), app.url(path))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{method} {path} {body}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{method} {path}"
            );
        }
        let r = c
            .request(method.parse().unwrap(), app.url(path))
            .bearer_auth(&token)
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{method} {path}");
    }
    for (method, path) in [("DELETE", "/api/v1/sessions/xyz"), ("PUT", "/api/v1/me/avatar")] {
        let r = c
            .request(method.parse().unwrap(), app.url(path))
            .bearer_auth(&token)
            .body("junk")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{method} {path}: {}", r.status());
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(footprint(&app).await, before, "nothing was written");
}
