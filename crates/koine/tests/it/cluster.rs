//! Cluster mode: nodes on one PostgreSQL database share what a single node
//! keeps to itself, so a client gains or loses nothing by which node the
//! balancer sends it to.

use crate::api::token;
use crate::conversations::{next_of, open, stream_request, write};
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, cluster_tests};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

cluster_tests!(
    failed_sign_ins_count_on_every_node,
    a_session_ended_on_one_node_ends_on_all,
    messages_reach_a_member_connected_to_another_node,
    search_on_every_node_follows_teachers_and_bookings
);

both_backends!(a_node_cut_off_from_nats_is_not_ready_until_it_is_back);

/// Three nodes started at once on a fresh database all start: migrations,
/// the platform keys and the first privacy policy version are made once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_start_together_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let config = koine::config::Config {
        data_dir: dir.path().to_path_buf(),
        master_key: Some("42".repeat(32)),
        database_url: Some(koine_testkit::fresh_postgres_database().await),
        db_max_connections: Some(4),
        ..koine::config::Config::default()
    };
    let start = || koine::services(&config, koine_services::clock::Clock::System);
    let (a, b, c) = tokio::join!(start(), start(), start());
    let nodes = [a, b, c].map(|n| n.expect("every node starts"));
    let versions = nodes[0].policy_versions().await.unwrap();
    assert_eq!(versions.len(), 1, "one policy version");
    for n in &nodes {
        assert_eq!(n.publish_policy().await.unwrap().version, versions[0].version);
    }
}

async fn failed_sign_ins_count_on_every_node(app: TestApp) {
    let other = app.another_node().await;
    app.member("victim@example.org", "Victim").await;
    let nodes = [app.browser(), other.browser()];
    for i in 0..5 {
        let r = nodes[i % 2]
            .post_form(
                "/login",
                &[("identifier", "victim@example.org"), ("password", "not-the-password")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    for node in &nodes {
        let r = node
            .post_form(
                "/login",
                &[("identifier", "victim@example.org"), ("password", STRONG_PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "five guesses spread over two nodes used up the account's attempts on both"
        );
    }
}

async fn a_session_ended_on_one_node_ends_on_all(app: TestApp) {
    let other = app.another_node().await;
    app.member("ana@example.org", "Ana").await;
    let c = Client::new();
    let r = c
        .post(app.url("/api/v1/sessions"))
        .json(&json!({ "identifier": "ana@example.org", "password": STRONG_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let me = |base: &str| c.get(format!("{base}/api/v1/me")).bearer_auth(&token).send();
    assert_eq!(me(&app.base).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        me(&other.base).await.unwrap().status(),
        StatusCode::OK,
        "signed in on the other node too"
    );
    let r = c
        .delete(format!("{}/api/v1/session", other.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The first node had just read the session, and remembers it for up
    // to two seconds (`session_cache::FRESH`) unless told; it is told over
    // NATS at once.
    let told = Instant::now();
    while me(&app.base).await.unwrap().status() != StatusCode::UNAUTHORIZED {
        assert!(
            told.elapsed() < Duration::from_millis(500),
            "signed out on the first node well within what it may remember"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Live events cross nodes over NATS, and a member connected to any node
/// counts as online (so no email goes out about what they see live): the
/// nodes tell each other who arrives and leaves.
async fn messages_reach_a_member_connected_to_another_node(app: TestApp) {
    let other = app.another_node().await;
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    let learner = app.member("ana@example.org", "Ana").await;
    let c = open(&learner, teacher).await;
    let tt = token(&app, "profe@example.org").await;
    assert!(!app.svc.bus.online(teacher).await, "no stream open anywhere yet");
    let url = format!("{}/api/v1/stream", other.base).replacen("http", "ws", 1);
    let (mut ws, _) = tokio_tungstenite::connect_async(stream_request(url.clone(), &tt))
        .await
        .expect("the stream opens on the second node");
    next_of(&mut ws, "hello").await;
    // The second node listens on NATS as the stream opens; the first sees
    // the teacher online once that has reached the servers.
    let by = Instant::now() + Duration::from_secs(5);
    until_online(
        &app.svc,
        teacher,
        true,
        by,
        "the first node sees the teacher online on the second",
    )
    .await;
    app.deliver().await;
    let mails_before = app.mails_to("profe@example.org").await.len();
    for n in 1..=3 {
        let text = format!("sent on the first node, {n}");
        assert_eq!(write(&learner, c, &text).await, StatusCode::SEE_OTHER);
        let m = next_of(&mut ws, "message").await;
        assert_eq!(m["body"], text.as_str(), "in order, each once");
        assert_eq!(m["conversation"], c.to_string());
    }
    app.deliver().await;
    assert_eq!(
        app.mails_to("profe@example.org").await.len(),
        mails_before,
        "online on another node: no email"
    );
    drop(ws);
    // The second node says at once that the teacher left: away everywhere
    // well before what it said last could lapse (`presence::LAPSE`).
    let left = Instant::now();
    until_online(
        &app.svc,
        teacher,
        false,
        left + Duration::from_secs(3),
        "the first node hears the teacher left",
    )
    .await;
    // A node that starts while the teacher is connected learns it at once
    // (its roll call), not only at the next announcement.
    let (mut ws, _) = tokio_tungstenite::connect_async(stream_request(url, &tt))
        .await
        .expect("the stream opens again on the second node");
    next_of(&mut ws, "hello").await;
    until_online(
        &app.svc,
        teacher,
        true,
        left + Duration::from_secs(6),
        "the first node hears the teacher is back",
    )
    .await;
    let third = app.another_node().await;
    let by = Instant::now() + Duration::from_secs(1);
    let what = "a new node learns who is online from the others' answer to its roll call";
    until_online(&third.svc, teacher, true, by, what).await;
}

/// Waits until `node` counts `account` as online (`want`) or not, failing
/// with `what` if that has not happened by `by`.
async fn until_online(node: &koine_services::Services, account: uuid::Uuid, want: bool, by: Instant, what: &str) {
    while node.bus.online(account).await != want {
        assert!(Instant::now() < by, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A NATS server of this test's own (`KOINE_NATS_SERVER`, the binary),
/// stopped when dropped.
struct NatsServer(std::process::Child);

impl NatsServer {
    fn start(port: u16) -> Self {
        let bin = std::env::var("KOINE_NATS_SERVER")
            .expect("KOINE_NATS_SERVER is not set: run ./scripts/test, which installs nats-server");
        let child = std::process::Command::new(bin)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nats-server starts");
        Self(child)
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn readiness(base: &str) -> (StatusCode, String) {
    let r = reqwest::get(format!("{base}/readyz")).await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn until_ready_is(base: &str, want: StatusCode) -> String {
    for _ in 0..200 {
        let (status, text) = readiness(base).await;
        if status == want {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/readyz never answered {want}");
}

/// A node whose bus is down tells the balancer it is not ready (it could
/// not pass live events on), and is ready again once NATS is back. The
/// bus is a node's own business, so this holds on either database.
async fn a_node_cut_off_from_nats_is_not_ready_until_it_is_back(app: TestApp) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = NatsServer::start(port);
    let mut config = app.config.clone();
    config.nats_url = Some(format!("nats://127.0.0.1:{port}"));
    let mut node = None;
    for _ in 0..100 {
        match koine::services(&config, app.clock.clone()).await {
            Ok(svc) => {
                node = Some(svc);
                break;
            }
            // The server is still starting.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    let svc = node.expect("the node connects to NATS");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = koine::app(svc, &config);
    let serving = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    assert_eq!(until_ready_is(&base, StatusCode::OK).await, "ready");
    drop(server);
    assert_eq!(
        until_ready_is(&base, StatusCode::SERVICE_UNAVAILABLE).await,
        "bus unavailable"
    );
    let (status, _) = readiness(&app.base).await;
    assert_eq!(status, StatusCode::OK, "a node without NATS is unaffected");
    let _server = NatsServer::start(port);
    assert_eq!(
        until_ready_is(&base, StatusCode::OK).await,
        "ready",
        "reconnected by itself"
    );
    serving.abort();
}

/// The teacher's next free time as the search of the node at `base` shows
/// it: `None` when the teacher is not found, `Some(None)` when found with
/// no free time.
async fn found_on(base: &str, teacher: uuid::Uuid) -> Option<Option<jiff::Timestamp>> {
    let page: Value = reqwest::get(format!("{base}/api/v1/teachers"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hit = page["hits"]
        .as_array()?
        .iter()
        .find(|h| h["id"] == teacher.to_string())?
        .clone();
    Some(hit["next_slot"].as_str().map(|t| t.parse().unwrap()))
}

/// Polls the search at `base` until `want` holds of what it shows (5 s).
async fn until_search_shows(
    base: &str,
    teacher: uuid::Uuid,
    want: impl Fn(Option<Option<jiff::Timestamp>>) -> bool,
) -> Option<Option<jiff::Timestamp>> {
    for _ in 0..100 {
        let seen = found_on(base, teacher).await;
        if want(seen) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the search at {base} never showed what was wanted: {:?}",
        found_on(base, teacher).await
    );
}

/// Each node keeps the teacher search in memory; a change on one node
/// reaches the others' copies over NATS, without waiting for a rebuild.
async fn search_on_every_node_follows_teachers_and_bookings(app: TestApp) {
    let other = app.another_node().await;
    // The teacher is approved, priced and given hours on the first node
    // after the second built its search.
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    let first = app.open_slots(teacher, 60, 14).await[0];
    until_search_shows(&other.base, teacher, |s| s == Some(Some(first))).await;
    let learner = app.member("ana@example.org", "Ana").await;
    app.top_up(&learner, "50.00").await;
    let lesson = app.book(&learner, teacher, first).await;
    let held = until_search_shows(&other.base, teacher, |s| s.flatten().is_some_and(|t| t > first)).await;
    assert_eq!(held, found_on(&app.base, teacher).await, "both nodes agree");
    app.step_ok(&learner, lesson, "withdraw").await;
    until_search_shows(&other.base, teacher, |s| s == Some(Some(first))).await;
}
