//! Overload: when no database connection frees up in time, every kind of
//! request — API or page, signed in or not — is refused with a 503 that
//! says when to come back, and the access log says why. Nothing is lost:
//! once the pool frees up, the same requests succeed.

use crate::api::token;
use koine_testkit::{Backend, Logs, STRONG_PASSWORD, TestApp, with_captured_logs_and};
use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

mod overload_answers_503_with_retry_after {
    use super::*;

    fn tiny_pool(c: &mut koine::config::Config) {
        c.db_max_connections = Some(1);
        c.db_acquire_timeout_ms = 300;
    }

    #[test]
    fn sqlite() {
        with_captured_logs_and(Backend::Sqlite, tiny_pool, overload_answers_503_with_retry_after);
    }

    #[test]
    fn postgres() {
        with_captured_logs_and(Backend::Postgres, tiny_pool, overload_answers_503_with_retry_after);
    }
}

fn assert_overloaded(r: &reqwest::Response, what: &str, api: bool) {
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{what}");
    let retry: u64 = r.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{what}: Retry-After in seconds"));
    assert!((1..=60).contains(&retry), "{what}: Retry-After {retry}");
    let kind = r.headers()[header::CONTENT_TYPE].to_str().unwrap();
    if api {
        assert_eq!(kind, "application/problem+json", "{what}");
    } else {
        assert!(kind.starts_with("text/html"), "{what}: {kind}");
    }
}

async fn overload_answers_503_with_retry_after(app: TestApp, logs: Logs) {
    let member = app.member("busy@example.org", "Busy").await;
    let bearer = token(&app, "busy@example.org").await;
    let c = Client::new();
    let signup = json!({
        "email": "late@example.org", "password": STRONG_PASSWORD,
        "birth_date": "1990-01-01", "display_name": "Late"
    });

    // The only connection is taken, as by thousands of requests in flight.
    let held = app.svc.db.acquire().await.unwrap();
    let r = app.api(reqwest::Method::GET, "/api/v1/me", &bearer).await;
    assert_overloaded(&r, "API with a session (the session lookup waits)", true);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["status"], 503);
    assert_eq!(problem["type"], "/problems/overloaded");
    let r = c.post(app.url("/api/v1/signup")).json(&signup).send().await.unwrap();
    assert_overloaded(&r, "API sign-up without a session", true);
    let r = member.get("/settings").await;
    assert_overloaded(&r, "a page with a session", false);
    let page = r.text().await.unwrap();
    assert!(page.contains("very busy"), "{page}");
    let r = app.browser().get("/privacy").await;
    assert_overloaded(&r, "a page without a session", false);
    drop(held);

    // Nothing was half-done: the refused sign-up goes through now.
    assert_eq!(app.count("accounts").await, 1);
    let r = c.post(app.url("/api/v1/signup")).json(&signup).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let r = app.api(reqwest::Method::GET, "/api/v1/me", &bearer).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(member.get("/settings").await.status(), StatusCode::OK);

    // The access log names the cause of each 503.
    let logs = logs.text();
    let refusals: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("koine::access") && l.contains("\"status\":503"))
        .collect();
    assert_eq!(refusals.len(), 4, "{logs}");
    for line in refusals {
        assert!(line.contains("\"overload\":\"database-busy\""), "{line}");
    }
}
