//! The JSON API: same features, problem+json errors, strict bodies, OpenAPI.

use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, link_in};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

both_backends!(
    api_account_lifecycle,
    api_rejects_bad_input_cleanly,
    sign_up_reads_alike_in_the_api_and_on_the_page,
    openapi_document_is_complete,
    a_session_ended_unheard_stops_working_two_seconds_after_it_was_read
);

/// Logs in through the API and returns the bearer token.
pub async fn token(app: &TestApp, email: &str) -> String {
    let r = Client::new()
        .post(app.url("/api/v1/sessions"))
        .json(&json!({ "identifier": email, "password": STRONG_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

/// A node remembers a session it read for up to two seconds
/// (`session_cache::FRESH`). A session ended where the node does not hear of
/// it (by another process, or on another node while the bus is away) stops
/// working once those two seconds have passed, however often it is used
/// meanwhile.
async fn a_session_ended_unheard_stops_working_two_seconds_after_it_was_read(app: TestApp) {
    app.member("ana@example.org", "Ana").await;
    let t = token(&app, "ana@example.org").await;
    let me = || app.api(Method::GET, "/api/v1/me", &t);
    assert_eq!(me().await.status(), StatusCode::OK, "read, and remembered");
    app.execute("UPDATE sessions SET expires_at = 0", &[]).await;
    for _ in 0..3 {
        app.advance(Duration::from_millis(600));
        assert_eq!(
            me().await.status(),
            StatusCode::OK,
            "remembered, within two seconds of the read"
        );
    }
    app.advance(Duration::from_millis(200));
    assert_eq!(me().await.status(), StatusCode::UNAUTHORIZED, "read again: ended");
}

/// The served OpenAPI document.
pub async fn document(app: &TestApp) -> Value {
    app.browser().get_json("/api/openapi.json").await
}

async fn api_account_lifecycle(app: TestApp) {
    let c = Client::new();
    let r = c
        .post(app.url("/api/v1/signup"))
        .json(&json!({ "email": "api@example.org", "password": STRONG_PASSWORD, "birth_date": "1992-08-08", "display_name": "Api", "locale": "ja", "time_zone": "Asia/Tokyo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let r = c
        .post(app.url("/api/v1/sessions"))
        .json(&json!({ "identifier": "api@example.org", "password": STRONG_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "unverified");
    let mail = app.last_mail_to("api@example.org").await;
    let link = link_in(&mail, "/verify/email");
    let tok = link.split("token=").nth(1).unwrap();
    let r = c
        .post(app.url("/api/v1/verify/email"))
        .json(&json!({ "token": tok }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let t = token(&app, "api@example.org").await;
    let me: Value = app.get_json("/api/v1/me", &t).await;
    assert_eq!(me["account"]["email"], "api@example.org");
    assert_eq!(me["profile"]["time_zone"], "Asia/Tokyo");
    let body = json!({
        "display_name": "Api San", "bio": "bio", "country": "JP", "time_zone": "Asia/Tokyo", "ui_locale": "ja",
        "languages": [{"language": "ja", "level": "native"}, {"language": "en", "level": "B2"}],
        "birth_date_visibility": "members", "gender": null, "gender_visibility": "private",
        "location": "Osaka", "location_visibility": "public"
    });
    let r = app.api_json(reqwest::Method::PUT, "/api/v1/me/profile", &t, body).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let me: Value = app.get_json("/api/v1/me", &t).await;
    assert_eq!(me["profile"]["learning_languages"][0]["language"], "en");
    assert_eq!(me["profile"]["location_visibility"], "public");
    // Re-authentication for sensitive changes.
    app.advance(Duration::from_secs(20 * 60));
    let change_password = || {
        app.api_json(
            reqwest::Method::PUT,
            "/api/v1/me/password",
            &t,
            json!({ "current_password": STRONG_PASSWORD, "new_password": "tundra-mosaic-ferry-31" }),
        )
    };
    let r = change_password().await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["type"], "/problems/reauth-required");
    let r = app
        .post_json("/api/v1/session/reauth", &t, json!({ "password": STRONG_PASSWORD }))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = change_password().await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let log: Value = app.get_json("/api/v1/me/security-events", &t).await;
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["password_changed", "signed_in", "email_confirmed"], "{log}");
    assert_eq!(log[0]["ip"], "127.0.0.1");
    // Avatar upload as a raw body.
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::new(40, 40))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let r = c
        .put(app.url("/api/v1/me/avatar"))
        .bearer_auth(&t)
        .body(png)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c
        .put(app.url("/api/v1/me/avatar"))
        .bearer_auth(&t)
        .body("plain text")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Logging out invalidates the token.
    assert_eq!(
        app.api(reqwest::Method::DELETE, "/api/v1/session", &t).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.api(reqwest::Method::GET, "/api/v1/me", &t).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn api_rejects_bad_input_cleanly(app: TestApp) {
    let c = Client::new();
    let post = |path: &'static str, body: Value| {
        let c = c.clone();
        let url = app.url(path);
        async move { c.post(url).json(&body).send().await.unwrap() }
    };
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "/api/v1/signup",
            json!({"email": "a@b.org", "password": STRONG_PASSWORD, "birth_date": "1990-01-01", "display_name": "A", "role": "admin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/malformed-body",
        ),
        (
            "/api/v1/signup",
            json!({"email": "a@b.org"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/malformed-body",
        ),
        (
            "/api/v1/signup",
            json!({"email": "nope", "password": STRONG_PASSWORD, "birth_date": "1990-01-01", "display_name": "A"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/invalid-input",
        ),
        (
            "/api/v1/signup",
            json!({"email": "a@b.org", "password": "password1", "birth_date": "1990-01-01", "display_name": "A"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/invalid-input",
        ),
        (
            "/api/v1/signup",
            json!({"email": "a@b.org", "password": STRONG_PASSWORD, "birth_date": "2020-01-01", "display_name": "A"}),
            StatusCode::FORBIDDEN,
            "/problems/age-gate",
        ),
        (
            "/api/v1/sessions",
            json!({"identifier": "a@b.org", "password": "x"}),
            StatusCode::UNAUTHORIZED,
            "/problems/bad-credentials",
        ),
        (
            "/api/v1/verify/email",
            json!({"token": "forged"}),
            StatusCode::BAD_REQUEST,
            "/problems/bad-code",
        ),
    ];
    for (path, body, status, kind) in cases {
        let r = post(path, body.clone()).await;
        assert_eq!(r.status(), status, "{path} {body}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["type"], kind, "{path} {body}: {p}");
    }
    let r = c
        .post(app.url("/api/v1/signup"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = c.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The framework's own rejections are problem+json too.
    for (method, path, status) in [
        ("GET", "/api/v1/profiles/not-a-uuid", StatusCode::BAD_REQUEST),
        ("PATCH", "/api/v1/me", StatusCode::METHOD_NOT_ALLOWED),
        ("GET", "/api/v1/staff/members?page=x", StatusCode::BAD_REQUEST),
    ] {
        let r = c.request(method.parse().unwrap(), app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{method} {path}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{method} {path}"
        );
    }
    // Control characters are refused as input, not passed to the database.
    for body in [
        json!({"identifier": "a\u{0}b@example.org", "password": "x"}),
        json!({"identifier": "a\tb@example.org", "password": "x"}),
    ] {
        let r = c.post(app.url("/api/v1/sessions")).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let r = c
        .post(app.url("/api/v1/password/forgot"))
        .json(&json!({"identifier": "nul\u{0}@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("accounts").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}

async fn openapi_document_is_complete(app: TestApp) {
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    // That it names every routed call, and only those, is checked by the
    // web crate's unit test against the router's own list.
    let paths = doc["paths"].as_object().unwrap();
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // A lesson step's name is one of the steps members take, no other.
    let steps: Vec<&str> = koine_services::booking::lessons::MEMBER_ACTIONS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let params = doc["paths"]["/api/v1/lessons/{id}/{action}"]["post"]["parameters"]
        .as_array()
        .unwrap();
    let action = params.iter().find(|p| p["name"] == "action").unwrap();
    assert_eq!(action["schema"]["pattern"], format!("^({})$", steps.join("|")));

    // Errors are documented as served: problems, with every refusal the
    // edge can give each operation.
    let text = doc.to_string();
    assert!(
        !text.contains(r##""application/json":{"schema":{"$ref":"#/components/schemas/Problem"}}"##),
        "a problem documented as plain JSON"
    );
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has = |s: &str| responses.contains_key(s);
            let at = format!("{method} {path}");
            assert!(has("503"), "{at}: overload");
            if op.get("security").is_some() {
                assert!(has("401"), "{at}: 401");
            }
            if op.get("requestBody").is_some() {
                assert!(has("400") && has("415") && has("422"), "{at}: body refusals");
            }
            if path.contains('{') {
                assert!(has("404") && has("400"), "{at}: unknown or malformed id");
            }
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        r["content"].get("application/problem+json").is_some(),
                        "{at} {status}: {r}"
                    );
                }
            }
        }
    }
    let slots = &paths["/api/v1/teachers/{id}/slots"]["get"]["parameters"];
    for p in slots.as_array().unwrap() {
        let expected = if p["name"] == "id" { "path" } else { "query" };
        assert_eq!(p["in"], expected, "{p}");
    }
    // Who asks is checked before what they sent.
    for (path, body) in [
        ("/api/v1/me/email", json!({ "email": "" })),
        ("/api/v1/me/phone", json!({ "phone": "" })),
        ("/api/v1/me/objections", json!({ "purpose": "" })),
    ] {
        let r = Client::new().post(app.url(path)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // The framework's own refusals are problems too.
    let r = Client::new()
        .get(app.url("/api/v1/teachers/not-a-uuid"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

/// The API reads a sign-up as the page does: every field's error at once
/// (with the message the page would show, in the caller's language), and a
/// time zone left out guessed from the language.
async fn sign_up_reads_alike_in_the_api_and_on_the_page(app: TestApp) {
    let c = Client::new();
    let r = c
        .post(app.url("/api/v1/signup"))
        .header("accept-language", "es")
        .json(&json!({ "display_name": " ", "email": "not-an-email", "password": "short", "birth_date": "1990-01-01" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    let errors = problem["errors"].as_array().expect("every field's error");
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["display_name", "email", "password"]);
    assert_eq!(problem["field"], "display_name");
    assert_eq!(
        errors[1]["message"],
        koine_services::i18n::t(koine_domain::profile::UiLocale::Es, "error-invalid-email")
    );
    let (_, page) = app
        .browser()
        .post_form_text(
            "/signup",
            &[
                ("display_name", " "),
                ("email", "not-an-email"),
                ("phone", ""),
                ("password", "short"),
                ("birth_date", "1990-01-01"),
                ("time_zone", ""),
            ],
        )
        .await;
    for e in errors {
        let message = koine_services::i18n::t(
            koine_domain::profile::UiLocale::En,
            &format!("error-{}", e["code"].as_str().unwrap()),
        );
        assert!(page.contains(&message), "the page shows {message}");
    }
    assert_eq!(app.count("accounts").await, 0);
    // Any call's field errors come in the caller's language.
    let r = c
        .post(app.url("/api/v1/password/forgot"))
        .header("accept-language", "ja")
        .json(&json!({ "identifier": "nonsense" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(
        problem["errors"][0]["message"],
        koine_services::i18n::t(koine_domain::profile::UiLocale::Ja, "error-invalid-identifier")
    );

    let r = c
        .post(app.url("/api/v1/signup"))
        .header("accept-language", "ja")
        .json(&json!({ "display_name": "Kenji", "email": "kenji@example.org", "password": STRONG_PASSWORD, "birth_date": "1990-01-01" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let zone = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar::<_, String>("SELECT time_zone FROM profiles")
        .fetch_one(p)
        .await
        .unwrap());
    assert_eq!(zone, "Asia/Tokyo", "guessed from the language, not UTC");
}
