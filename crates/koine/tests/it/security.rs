//! CSRF, security headers, cross-user access, operations endpoints.

use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;

both_backends!(
    forms_need_a_csrf_token,
    cross_site_posts_are_refused,
    security_headers_on_every_response,
    cross_user_access_matrix,
    operations_endpoints,
);

async fn forms_need_a_csrf_token(app: TestApp) {
    let b = app.member("c@example.org", "C").await;
    let url = app.url("/settings/email");
    let without = b
        .client
        .post(&url)
        .form(&[("email", "x@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    let wrong = b
        .client
        .post(&url)
        .form(&[("csrf", "forged"), ("email", "x@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    // A token from another visitor's browser is not valid here.
    let other_token = app.browser().csrf().await;
    let stolen = b
        .client
        .post(&url)
        .form(&[("csrf", other_token.as_str()), ("email", "x@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status(), StatusCode::FORBIDDEN);
    let json = b
        .client
        .post(&url)
        .json(&serde_json::json!({"email": "x@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Claiming a multipart body does not skip the check on ordinary forms.
    let multipart = reqwest::multipart::Form::new().text("email", "x@example.org");
    let r = b.client.post(&url).multipart(multipart).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = b
        .client
        .post(app.url("/logout"))
        .header("content-type", "multipart/form-data; boundary=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(b.get("/settings").await.status(), StatusCode::OK, "still signed in");
    assert!(app.mails_to("x@example.org").await.is_empty());
}

async fn cross_site_posts_are_refused(app: TestApp) {
    let b = app.browser();
    let token = b.csrf().await;
    let r = b
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[("csrf", token.as_str()), ("identifier", "a@b.org"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", token.as_str()), ("identifier", "a@b.org"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn security_headers_on_every_response(app: TestApp) {
    for path in ["/", "/login", "/nope", "/api/v1/me", "/healthz", "/static/app.css"] {
        let r = app.browser().get(path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    }
    let page = app.browser().get_text("/signup").await.1;
    assert!(
        !page.contains("<script") && !page.contains("style="),
        "no inline script or style"
    );
}

async fn cross_user_access_matrix(app: TestApp) {
    let owner = app.member("owner@example.org", "Owner").await;
    let other = app.member("other@example.org", "Other").await;
    let owner_id = app.account_id("owner@example.org").await;
    let anon = app.browser();
    // Anonymous: every settings page sends to login; every settings action too.
    for path in ["/settings", "/settings/profile", "/reauth"] {
        let r = anon.get(path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers()["location"], "/login");
    }
    for path in [
        "/settings/email",
        "/settings/phone",
        "/settings/password",
        "/settings/profile",
        "/settings/avatar/remove",
    ] {
        let r = anon.post_form(path, &[]).await;
        assert!(
            matches!(r.status(), StatusCode::SEE_OTHER | StatusCode::BAD_REQUEST),
            "{path}: {}",
            r.status()
        );
    }
    // Settings always act on the signed-in person: the other member's page shows only their data.
    let (_, page) = other.get_text("/settings").await;
    assert!(page.contains("other@example.org") && !page.contains("owner@example.org"));
    let (_, page) = other.get_text("/settings/profile").await;
    assert!(!koine_testkit::offers_value(&page, "Owner"));
    // API: sessions and profile edits need a token and only touch the caller.
    let c = reqwest::Client::new();
    for (method, path) in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/sessions"),
        ("DELETE", "/api/v1/session"),
    ] {
        let r = c.request(method.parse().unwrap(), app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let other_token = crate::api::token(&app, "other@example.org").await;
    let owner_token = crate::api::token(&app, "owner@example.org").await;
    let owner_sessions: serde_json::Value = app.get_json("/api/v1/sessions", &owner_token).await;
    let owner_session = owner_sessions[0]["id"].as_str().unwrap().to_owned();
    let r = app
        .api(
            reqwest::Method::DELETE,
            &format!("/api/v1/sessions/{owner_session}"),
            &other_token,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "cannot end someone else's session");
    // Staff see the member only through the audited console.
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/staff/members/{owner_id}"),
            &other_token,
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    drop(owner);
}

async fn operations_endpoints(app: TestApp) {
    let b = app.browser();
    assert_eq!(b.get_text("/healthz").await, (StatusCode::OK, "ok".into()));
    assert_eq!(b.get_text("/readyz").await, (StatusCode::OK, "ready".into()));
    b.get("/").await;
    let (status, metrics) = b.get_text("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        metrics.contains("koine_http_requests_total{class=\"2xx\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("koine_http_request_duration_seconds_count"));
}

both_backends!(delivered_messages_drop_content_and_address);

async fn delivered_messages_drop_content_and_address(app: TestApp) {
    app.browser()
        .signup(
            "Out",
            "out@example.org",
            "+34612345678",
            koine_testkit::STRONG_PASSWORD,
            "1990-01-01",
        )
        .await;
    assert_eq!(app.deliver().await, 2);
    let rows: Vec<(String, String)> = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_as("SELECT recipient, body FROM outbox") .fetch_all(p) .await .unwrap());
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter().all(|(to, body)| to.is_empty() && body.is_empty()),
        "{rows:?}"
    );
}
