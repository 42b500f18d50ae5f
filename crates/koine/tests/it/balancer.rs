//! Three real `koine` nodes in cluster mode behind HAProxy (Debian's, with
//! active `/readyz` checks), on one PostgreSQL database and the NATS
//! cluster: what a client sees through the balancer. Cluster mode needs
//! PostgreSQL, so this runs there alone.

use crate::conversations::{next_of, stream_request};
use koine_testkit::{fresh_postgres_database, test_nats_url, test_s3};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_koine");
const KEY: &str = "5a1b9c0d2e4a6b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c";
const DEMO_PASSWORD: &str = "koine-demo-river-lantern";

/// A child process stopped (SIGKILL) when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn node_command(database: &str, dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("KOINE_DATA_DIR", dir)
        .env("KOINE_MASTER_KEY", KEY)
        .env("KOINE_DATABASE_URL", database)
        .env("KOINE_CLUSTER", "true")
        .env("KOINE_NATS_URL", test_nats_url())
        .env("KOINE_LOG", "warn")
        .stdout(Stdio::null());
    let s3 = test_s3();
    c.env("KOINE_S3_BUCKET", s3.bucket)
        .env("KOINE_S3_ENDPOINT", s3.endpoint.expect("an endpoint"))
        .env("KOINE_S3_REGION", s3.region)
        .env("KOINE_S3_ACCESS_KEY_ID", s3.access_key_id)
        .env("KOINE_S3_SECRET_ACCESS_KEY", s3.secret_access_key);
    c
}

async fn until_status(c: &Client, url: &str, want: StatusCode) {
    for _ in 0..300 {
        if c.get(url).send().await.is_ok_and(|r| r.status() == want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never answered {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_behind_haproxy_share_state_drain_cleanly_and_survive_a_kill() {
    let database = fresh_postgres_database().await;
    let dir = tempfile::tempdir().unwrap();
    let seeded = node_command(&database, &dir.path().join("seed"))
        .arg("seed-demo")
        .status()
        .unwrap();
    assert!(seeded.success(), "seed-demo");
    let c = koine_testkit::client();
    let mut nodes = Vec::new();
    let mut ports = Vec::new();
    for n in 0..3 {
        let port = free_port();
        let child = node_command(&database, &dir.path().join(format!("node{n}")))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .spawn()
            .expect("koine serve");
        nodes.push(Running(child));
        ports.push(port);
    }
    for port in &ports {
        until_status(&c, &format!("http://127.0.0.1:{port}/readyz"), StatusCode::OK).await;
    }
    let front = free_port();
    let config = dir.path().join("haproxy.cfg");
    // Checked every 100 ms: one failed check takes a node out, two good
    // ones put it back; a request whose connection fails goes to the other.
    let haproxy_config = format!(
        "defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n  timeout server 30s\n  \
         retries 3\n  option redispatch\n  retry-on conn-failure empty-response\n\
         frontend web\n  bind 127.0.0.1:{front}\n  default_backend koine\n\
         backend koine\n  balance roundrobin\n  option httpchk GET /readyz\n  http-check expect status 200\n  \
         default-server inter 100ms fall 1 rise 2\n  \
         server n0 127.0.0.1:{} check\n  server n1 127.0.0.1:{} check\n  server n2 127.0.0.1:{} check\n",
        ports[0], ports[1], ports[2]
    );
    std::fs::write(&config, haproxy_config).unwrap();
    let haproxy = std::env::var("KOINE_HAPROXY").unwrap_or_else(|_| "haproxy".into());
    let _balancer = Running(
        Command::new(&haproxy)
            .args(["-f", config.to_str().unwrap(), "-db"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{haproxy} starts (scripts/test installs Debian's haproxy): {e}")),
    );
    let base = format!("http://127.0.0.1:{front}");
    until_status(&c, &format!("{base}/readyz"), StatusCode::OK).await;

    // A session opened through one node works on all (round robin).
    let r = sign_in(&c, &base, "ana@demo.koine.test", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let me = || c.get(format!("{base}/api/v1/me")).bearer_auth(&token).send();
    for i in 0..10 {
        assert_eq!(me().await.unwrap().status(), StatusCode::OK, "request {i}");
    }

    // A picture stored through the balancer is served by every node; the
    // member's erasure through it leaves their folder in the store empty.
    let r = sign_in(&c, &base, "emma@demo.koine.test", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let leaver = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let leaver_id = get_json(&c, format!("{base}/api/v1/me"), Some(&leaver)).await["profile"]["id"]
        .as_str()
        .unwrap()
        .parse::<uuid::Uuid>()
        .unwrap();
    let picture = crate::files::put_picture(&c, &base, &leaver).await;
    for port in &ports {
        let r = c
            .get(format!("http://127.0.0.1:{port}{picture}"))
            .bearer_auth(&leaver)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "node {port} serves the picture");
        assert!(r.bytes().await.unwrap().starts_with(b"\x89PNG"));
    }
    let store = koine_services::files::Files::s3(&test_s3()).unwrap();
    let folder = koine_services::files::person_prefix(leaver_id);
    assert!(!store.list(&folder).await.unwrap().is_empty());
    let r = c
        .delete(format!("{base}/api/v1/me"))
        .bearer_auth(&leaver)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        koine_testkit::listed_once_deleted(&store, &folder).await.is_empty(),
        "the erased member's folder is empty"
    );

    // Thirty requests for one slot, spread over the nodes, book it once;
    // a request sent twice with one idempotency key books once and answers
    // both times with the same lesson.
    let (slot, other_slot) = bookable_slots(&c, &base).await;
    let book = |body: &Value, key: String| {
        c.post(format!("{base}/api/v1/lessons"))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
    };
    let answers = futures_util::future::join_all((0..30).map(|i| book(&slot, format!("contend-{i}")))).await;
    let statuses: Vec<StatusCode> = answers.into_iter().map(|r| r.unwrap().status()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::CREATED).count(),
        1,
        "one booking of the slot: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::CREATED, StatusCode::CONFLICT].contains(s)),
        "{statuses:?}"
    );
    let mut lessons = Vec::new();
    for _ in 0..3 {
        let r = book(&other_slot, "the-same-key".into()).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        lessons.push(r.json::<Value>().await.unwrap()["id"].clone());
    }
    assert!(
        lessons[0].is_string() && lessons.iter().all(|l| *l == lessons[0]),
        "{lessons:?}"
    );

    // Messages posted to each node in turn reach a stream held through the
    // balancer (on one of them), in order, each once.
    let inbox = get_json(&c, format!("{base}/api/v1/conversations"), Some(&token)).await;
    let conversation = inbox[0]["id"].as_str().expect("Ana's demo conversation").to_owned();
    let url = format!("{base}/api/v1/stream").replacen("http", "ws", 1);
    let (mut ws, _) = tokio_tungstenite::connect_async(stream_request(url, &token))
        .await
        .expect("the stream opens through HAProxy");
    next_of(&mut ws, "hello").await;
    for n in 0..6 {
        let text = format!("through the balancer, {n}");
        let node = format!("http://127.0.0.1:{}", ports[n % ports.len()]);
        let r = c
            .post(format!("{node}/api/v1/conversations/{conversation}/messages"))
            .bearer_auth(&token)
            .header("Idempotency-Key", format!("balanced-{n}"))
            .json(&json!({ "body": text }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(next_of(&mut ws, "message").await["body"], text.as_str());
    }
    drop(ws);

    // Failed sign-ins spread over the nodes count together.
    for i in 0..5 {
        let r = sign_in(&c, &base, "kenji@demo.koine.test", "not-the-password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let r = sign_in(&c, &base, "kenji@demo.koine.test", DEMO_PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the account's attempts are used up on every node"
    );

    // A node stopping (SIGTERM) drains: the balancer sends everything to
    // the other, and no client request fails meanwhile.
    let stopping = nodes[0].0.id();
    let failed = requests_while(&c, &base, &token, || signal("-TERM", stopping)).await;
    assert!(failed.is_empty(), "requests failed while a node drained: {failed:?}");
    let exited = nodes[0].0.wait().unwrap();
    assert!(exited.success(), "the node stopped cleanly: {exited}");

    // It comes back; then the other is killed outright (kill -9): the
    // balancer retries what that node could not answer, and takes it out.
    nodes[0] = Running(
        node_command(&database, &dir.path().join("node0"))
            .args(["serve", "--listen", &format!("127.0.0.1:{}", ports[0])])
            .spawn()
            .expect("koine serve"),
    );
    until_status(&c, &format!("http://127.0.0.1:{}/readyz", ports[0]), StatusCode::OK).await;
    // Two good checks, 100 ms apart, put it back in the balancer.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let killed = nodes[1].0.id();
    let failed = requests_while(&c, &base, &token, || signal("-KILL", killed)).await;
    assert!(
        failed.len() <= 1,
        "at most 1 % of requests may fail when a node dies: {failed:?}"
    );
}

/// A sign-in through the API.
async fn sign_in(c: &Client, base: &str, identifier: &str, password: &str) -> reqwest::Response {
    c.post(format!("{base}/api/v1/sessions"))
        .json(&json!({ "identifier": identifier, "password": password }))
        .send()
        .await
        .unwrap()
}

/// The JSON a GET of `url` answers (with a bearer token if given).
async fn get_json(c: &Client, url: String, token: Option<&str>) -> Value {
    let mut req = c.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().json().await.unwrap()
}

/// Two bookings (request bodies) of a demo teacher's next free slots.
async fn bookable_slots(c: &Client, base: &str) -> (Value, Value) {
    let found = get_json(c, format!("{base}/api/v1/teachers"), None).await;
    for hit in found["hits"].as_array().expect("search hits") {
        let teacher = hit["id"].as_str().expect("an id");
        let page = get_json(c, format!("{base}/api/v1/teachers/{teacher}"), None).await;
        let Some(offering) = page["offerings"].as_array().and_then(|o| o.first()) else {
            continue;
        };
        let minutes = offering["duration_minutes"].as_u64().expect("a duration");
        let slots = get_json(
            c,
            format!("{base}/api/v1/teachers/{teacher}/slots?duration={minutes}&days=14"),
            None,
        )
        .await;
        // Two starts far enough apart not to overlap.
        let starts: Vec<jiff::Timestamp> = slots["slots"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str()?.parse().ok()).collect())
            .unwrap_or_default();
        let Some(first) = starts.first() else { continue };
        let gap = jiff::SignedDuration::from_mins(minutes as i64);
        let Some(second) = starts.iter().find(|s| **s >= *first + gap) else {
            continue;
        };
        let body = |at: &jiff::Timestamp| json!({ "teacher": teacher, "offering": offering["id"], "kind": "single", "starts_at": at.to_string() });
        return (body(first), body(second));
    }
    panic!("no demo teacher has two free slots in the next two weeks");
}

fn signal(which: &str, pid: u32) {
    let sent = Command::new("kill").args([which, &pid.to_string()]).status().unwrap();
    assert!(sent.success(), "kill {which} {pid}");
}

/// 150 requests through the balancer over 3 s, with `act` done 0.5 s in;
/// the ones that did not answer 200.
async fn requests_while(c: &Client, base: &str, token: &str, act: impl FnOnce()) -> Vec<String> {
    let requests = tokio::spawn({
        let (c, base, token) = (c.clone(), base.to_owned(), token.to_owned());
        async move {
            let mut failed = Vec::new();
            for _ in 0..150 {
                let status = c
                    .get(format!("{base}/api/v1/me"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .map(|r| r.status());
                if !matches!(status, Ok(StatusCode::OK)) {
                    failed.push(format!("{status:?}"));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            failed
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    act();
    requests.await.unwrap()
}
