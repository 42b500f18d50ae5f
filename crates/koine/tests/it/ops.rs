//! The real binary: logs without secrets, graceful shutdown, start-up checks, CLI.

use koine_testkit::{
    Backend, STRONG_PASSWORD, TestApp, both_backends, code_in, decode_eml, fresh_postgres_database, link_in,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_koine");
const KEY: &str = "3f1b9c0d2e4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c";

both_backends!(
    tls_mode_hardens_cookies_and_sends_hsts,
    idle_sessions_expire,
    use_slides_the_expiry_in_the_database
);

async fn database_env(backend: Backend) -> Vec<(&'static str, String)> {
    match backend {
        Backend::Sqlite => vec![],
        Backend::Postgres => vec![("KOINE_DATABASE_URL", fresh_postgres_database().await)],
    }
}

async fn logs_hold_no_secrets(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("KOINE_DATA_DIR", dir.path())
        .env("KOINE_MASTER_KEY", KEY)
        .env("KOINE_LOG", "debug")
        .env("KOINE_LOG_FORMAT", "json")
        .env("KOINE_MAIL_POLL_MS", "50")
        .envs(database_env(backend).await)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the logs as they come: a full pipe would block the server.
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut err = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut err).unwrap();
        err
    });
    let c = koine_testkit::client();
    let mut up = false;
    for _ in 0..200 {
        if c.get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "server did not start");
    let phone = "+447700900123";
    for body in [
        json!({"email": "log@example.org", "password": STRONG_PASSWORD, "birth_date": "1990-01-01", "display_name": "Log"}),
        json!({"phone": phone, "password": STRONG_PASSWORD, "birth_date": "1990-01-01", "display_name": "Tel"}),
    ] {
        assert_eq!(
            c.post(format!("{base}/api/v1/signup"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::ACCEPTED
        );
    }
    // Wait for the background job to deliver both messages.
    let (mail_dir, sms_dir) = (dir.path().join("outbox/mail"), dir.path().join("outbox/sms"));
    for _ in 0..100 {
        if std::fs::read_dir(&mail_dir).is_ok_and(|d| d.count() > 0)
            && std::fs::read_dir(&sms_dir).is_ok_and(|d| d.count() > 0)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let read_one = |d: &std::path::Path| {
        std::fs::read_to_string(std::fs::read_dir(d).unwrap().next().unwrap().unwrap().path()).unwrap()
    };
    let link = link_in(&decode_eml(&read_one(&mail_dir)), "/verify/email");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let code = code_in(&read_one(&sms_dir), 6);
    c.post(format!("{base}/api/v1/verify/email"))
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    c.post(format!("{base}/api/v1/verify/phone"))
        .json(&json!({"phone": phone, "code": code}))
        .send()
        .await
        .unwrap();
    let session: Value = c
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"identifier": "log@example.org", "password": STRONG_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = session["token"].as_str().expect("logged in").to_owned();
    c.get(format!("{base}/api/v1/me"))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    c.post(format!("{base}/api/v1/sessions"))
        .json(&json!({"identifier": "log@example.org", "password": "wrong-guess-123"}))
        .send()
        .await
        .unwrap();

    // Graceful shutdown on SIGTERM: an open stream is sent away first.
    let url = format!("ws://127.0.0.1:{port}/api/v1/stream");
    let (mut ws, _) = tokio_tungstenite::connect_async(crate::conversations::stream_request(url, &bearer))
        .await
        .expect("the stream opens");
    crate::conversations::next_of(&mut ws, "hello").await;
    assert!(
        Command::new("kill")
            .arg(child.id().to_string())
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(close_code_of(&mut ws).await, Some(1001), "the stream is sent away");
    let out = tokio::task::spawn_blocking(move || {
        let status = child.wait().unwrap();
        (status, reader.join().unwrap())
    })
    .await
    .unwrap();
    let (status, logs) = out;
    assert!(status.success(), "clean exit on SIGTERM: {status:?}\n{logs}");
    assert!(logs.contains("shutting down"), "{logs}");
    // The operator hears at start-up when nothing keeps the planner's
    // statistics current.
    let autovacuum_off = match backend {
        Backend::Sqlite => false,
        Backend::Postgres => {
            let url = std::env::var(koine_testkit::PG_ENV).expect("a PostgreSQL URL");
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await.unwrap();
            let setting: String = sqlx::query_scalar("SHOW autovacuum").fetch_one(&mut c).await.unwrap();
            setting == "off"
        }
    };
    assert_eq!(logs.contains("autovacuum off"), autovacuum_off, "{logs}");
    for secret in [
        STRONG_PASSWORD,
        "wrong-guess-123",
        token.as_str(),
        code.as_str(),
        bearer.as_str(),
        KEY,
    ] {
        assert!(!leaks(&logs, secret), "a secret leaked into the logs: {secret}");
    }
    for line in logs.lines().filter(|l| !l.trim().is_empty()) {
        serde_json::from_str::<Value>(line).unwrap_or_else(|_| panic!("not a JSON log line: {line}"));
    }
}

/// Whether `secret` stands in the logs on its own: a six-digit code is
/// also found by chance inside the digits of a timestamp or a duration
/// (`0.000351012`), which is no leak.
fn leaks(logs: &str, secret: &str) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    // A digit next to it, or a decimal point with a digit beyond.
    let in_number = |next: Option<char>, beyond: Option<char>| digit(next) || (next == Some('.') && digit(beyond));
    logs.match_indices(secret).any(|(at, _)| {
        let mut before = logs[..at].chars().rev();
        let mut after = logs[at + secret.len()..].chars();
        !in_number(before.next(), before.next()) && !in_number(after.next(), after.next())
    })
}

#[test]
fn a_code_inside_a_longer_number_is_no_leak() {
    assert!(!leaks(r#"{"elapsed_secs":0.000351012}"#, "351012"));
    assert!(!leaks("at 12:45:03.3510129Z", "351012"));
    assert!(leaks("your code is 351012.", "351012"));
    assert!(leaks(r#"{"code":"351012"}"#, "351012"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_hold_no_secrets_sqlite() {
    logs_hold_no_secrets(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_hold_no_secrets_postgres() {
    logs_hold_no_secrets(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_needs_a_configured_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("KOINE_DATA_DIR", dir.path())
        .env("KOINE_DATABASE_URL", fresh_postgres_database().await)
        .env_remove("KOINE_MASTER_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("master key is required with PostgreSQL"));
    assert!(!dir.path().join("master.key").exists());
}

#[test]
fn sqlite_master_key_is_generated_private() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("migrate")
        .env("KOINE_DATA_DIR", dir.path())
        .env_remove("KOINE_MASTER_KEY")
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = Command::new(BIN)
        .arg("seed-demo")
        .env("KOINE_DATA_DIR", dir.path())
        .env_remove("KOINE_MASTER_KEY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("admin@demo.koine.test"));
    let meta = std::fs::metadata(dir.path().join("master.key")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

#[test]
fn privacy_map_command_prints_the_map() {
    let out = Command::new(BIN)
        .args(["privacy", "map", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let map: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tables = map["tables"].as_array().unwrap();
    let accounts = tables.iter().find(|t| t["table"] == "accounts").unwrap();
    let phone = accounts["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == "phone_enc")
        .unwrap();
    assert_eq!(phone["category"], "user.contact.phone_number");
    assert_eq!(phone["encrypted"], true);
    let text = Command::new(BIN).args(["privacy", "map"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("6(1)(b)"));
}

async fn tls_mode_hardens_cookies_and_sends_hsts(backend_app: TestApp) {
    // This test needs its own server in TLS mode; the plain one only supplies the backend.
    let app = TestApp::spawn_with(backend_app.backend, |c| c.tls = true).await;
    drop(backend_app);
    app.member_tls_check().await;
}

async fn idle_sessions_expire(app: TestApp) {
    let b = app.member("idle@example.org", "Idle").await;
    app.advance(Duration::from_secs(29 * 86_400));
    assert_eq!(
        b.get("/settings").await.status(),
        StatusCode::OK,
        "use slides the expiry forward"
    );
    app.advance(Duration::from_secs(31 * 86_400));
    assert_eq!(
        b.get("/settings").await.status(),
        StatusCode::SEE_OTHER,
        "ended after 30 idle days"
    );
}

/// The slid expiry is written behind the request that used the session,
/// so another node (or this one, once its memory of the session is stale)
/// reads it from the database.
async fn use_slides_the_expiry_in_the_database(app: TestApp) {
    let b = app.member("slide@example.org", "Slide").await;
    let id = app.account_id("slide@example.org").await;
    let expiry = "SELECT MAX(expires_at) FROM sessions WHERE account_id = $1";
    let before = app.scalar_i64(expiry, id).await;
    app.advance(Duration::from_secs(29 * 86_400));
    assert_eq!(b.get("/settings").await.status(), StatusCode::OK);
    let waited = std::time::Instant::now();
    loop {
        let after = app.scalar_i64(expiry, id).await;
        if after != before {
            assert!(
                after >= before + 29 * 86_400_000_000,
                "slid by the 29 days: {before} → {after}"
            );
            break;
        }
        assert!(waited.elapsed() < Duration::from_secs(5), "the use was never written");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

both_backends!(
    client_ip_comes_from_the_trusted_proxy,
    a_draining_server_is_not_ready_and_sends_its_streams_away
);

/// The frame that closed the stream, if it closed within 5 s.
async fn close_code_of<S>(ws: &mut S) -> Option<u16>
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await.ok()?? {
            Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

async fn a_draining_server_is_not_ready_and_sends_its_streams_away(app: TestApp) {
    app.member("drain@example.org", "Drain").await;
    let token = crate::api::token(&app, "drain@example.org").await;
    let c = koine_testkit::client();
    assert_eq!(c.get(app.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
    let mut ws = crate::conversations::stream(&app, &token).await;
    crate::conversations::next_of(&mut ws, "hello").await;
    app.svc.lifecycle.drain();
    assert_eq!(close_code_of(&mut ws).await, Some(1001), "the stream is sent away");
    let r = c.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.text().await.unwrap(), "draining");
    assert_eq!(c.get(app.url("/livez")).send().await.unwrap().status(), StatusCode::OK);
    // A new stream is refused, with when to try again.
    let url = app.url("/api/v1/stream").replacen("http", "ws", 1);
    match tokio_tungstenite::connect_async(crate::conversations::stream_request(url, &token)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(r.headers().contains_key("retry-after"));
        }
        other => panic!("a stream opened on a draining server: {:?}", other.map(|_| ())),
    }
    assert!(app.svc.lifecycle.streams_closed(Duration::from_secs(5)).await);
}

async fn client_ip_comes_from_the_trusted_proxy(backend_app: TestApp) {
    let app = TestApp::spawn_with(backend_app.backend, |c| c.proxy_hops = 1).await;
    drop(backend_app);
    app.member("proxied@example.org", "Proxied").await;
    let b = app.browser();
    let csrf = b.csrf().await;
    let r = b
        .client
        .post(app.url("/login"))
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.9")
        .form(&[
            ("csrf", csrf.as_str()),
            ("identifier", "proxied@example.org"),
            ("password", STRONG_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get_text("/settings").await;
    assert!(page.contains("203.0.113.9"), "the address the proxy saw is recorded");
    assert!(
        !page.contains("198.51.100.1"),
        "the client-supplied part is not trusted"
    );
}

both_backends!(a_busy_node_stays_ready_at_once);

/// Every database connection taken: `/readyz` answers at once from its
/// last look at the database, and a database too busy to answer counts as
/// reachable, so a load balancer does not take a busy node out and pile
/// its load onto the others.
async fn a_busy_node_stays_ready_at_once(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, |c| {
        c.db_max_connections = Some(2);
        c.db_acquire_timeout_ms = 300;
    })
    .await;
    let c = koine_testkit::client();
    let ready = || async {
        let started = std::time::Instant::now();
        let status = c.get(app.url("/readyz")).send().await.unwrap().status();
        (status, started.elapsed())
    };
    assert_eq!(ready().await.0, StatusCode::OK);
    let held = (app.svc.db.acquire().await.unwrap(), app.svc.db.acquire().await.unwrap());
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        let (status, took) = ready().await;
        assert_eq!(status, StatusCode::OK, "busy, not unreachable");
        assert!(
            took < Duration::from_millis(250),
            "answered at once, not after the pool: {took:?}"
        );
    }
    drop(held);
}

/// A node whose database refuses it turns not ready within a few seconds
/// (its pages answer 503 meanwhile), and ready again once the database
/// lets it back in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cut_off_from_its_database_is_not_ready_until_it_is_back() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let url = app.config.database_url.clone().unwrap();
    let name = url.rsplit('/').next().unwrap().to_owned();
    let admin = sqlx::PgPool::connect(&std::env::var(koine_testkit::PG_ENV).unwrap())
        .await
        .unwrap();
    let set = |allow: bool| {
        let (admin, name) = (admin.clone(), name.clone());
        async move {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}"
            )))
            .execute(&admin)
            .await
            .unwrap();
            if !allow {
                sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
                    .bind(&name)
                    .execute(&admin)
                    .await
                    .unwrap();
            }
        }
    };
    let c = koine_testkit::client();
    let until = |want: StatusCode| {
        let c = c.clone();
        let url = app.url("/readyz");
        async move {
            for _ in 0..100 {
                if c.get(&url).send().await.unwrap().status() == want {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("/readyz never answered {want}");
        }
    };
    until(StatusCode::OK).await;
    set(false).await;
    until(StatusCode::SERVICE_UNAVAILABLE).await;
    // Meanwhile a page that needs the database says so, never a 500.
    for _ in 0..3 {
        let r = c.get(app.url("/privacy")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.headers().contains_key("retry-after"));
        assert!(r.text().await.unwrap().contains("could not reach its database"));
    }
    set(true).await;
    until(StatusCode::OK).await;
    admin.close().await;
}
