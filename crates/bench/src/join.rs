//! `koine-bench join`: the time from "Join" to a connected call, in real
//! browsers.
//!
//! Two headless Chromium instances (fake camera and microphone) sign in as
//! a lesson's teacher and learner. The teacher waits in the room; the
//! learner, on their home page, follows "Join the classroom" `runs` times,
//! going back home in between. Each run is timed inside the learner's page,
//! from the navigation the click starts to the moment the peer connection
//! reports "connected" (`koineRoom.connectedAt`, milliseconds on the page's
//! own clock). Loopback addresses are never ICE host candidates, so both
//! members hide their address and the media go through the built-in TURN
//! relay on 127.0.0.1 — the longest path a call takes.

use crate::classroom::seed;
use crate::seed::{V, insert};
use crate::{BackendArg, server};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

pub struct Options {
    pub backend: BackendArg,
    pub database_url: String,
    pub runs: usize,
}

/// A program to run: the environment variable naming it, else its usual
/// Debian name found on the path (chromedriver wants a full path).
fn program(env: &str, name: &str) -> String {
    if let Ok(p) = std::env::var(env) {
        return p;
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .map_or_else(|| name.to_owned(), |p| p.display().to_string())
}

struct Browser {
    driver: tokio::process::Child,
    _profile: tempfile::TempDir,
    web: WebDriver,
}

async fn browser() -> Browser {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let driver = tokio::process::Command::new(program("KOINE_CHROMEDRIVER", "chromedriver"))
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!(
                "koine-bench: chromedriver does not start ({e}): install chromium-driver or set KOINE_CHROMEDRIVER"
            );
            std::process::exit(2)
        });
    let profile = tempfile::tempdir().expect("a profile folder");
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&program("KOINE_CHROMIUM", "chromium")).expect("binary");
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
        &format!("--user-data-dir={}", profile.path().display()),
    ] {
        caps.add_arg(arg).expect("switch");
    }
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        if let Ok(web) = WebDriver::new(&url, caps.clone()).await {
            return Browser {
                driver,
                _profile: profile,
                web,
            };
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no browser session from chromedriver at {url}: is chromium installed (or KOINE_CHROMIUM set)?");
}

/// Signs the browser in with a session token, as the login page's cookie would.
async fn sign_in(web: &WebDriver, base: &str, token: &str) {
    web.goto(format!("{base}/healthz")).await.expect("open the site");
    web.add_cookie(Cookie::new("koine_session", token.to_owned()))
        .await
        .expect("session cookie");
}

/// Waits for `script` to return a number; gives it in milliseconds.
async fn until_number(web: &WebDriver, script: &str, within: Duration) -> Option<f64> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        // An error while the page changes is asked again.
        if let Some(n) = web
            .execute(script, Vec::new())
            .await
            .ok()
            .and_then(|v| v.json().as_f64())
        {
            return Some(n);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

pub async fn run(o: Options) -> Value {
    let env = server::Env::prepare(o.backend, &o.database_url).await;
    let room = {
        let svc = koine::services(&env.config(), koine_services::clock::Clock::System)
            .await
            .expect("services");
        let room = seed(&svc, 1).await.remove(0);
        // Both hide their address: relay-only, the way every call can go.
        let now = svc.clock.now_us();
        let rows = [room.learner_id, room.teacher_id]
            .map(|id| vec![V::U(id), V::Bool(true), V::I(now)])
            .to_vec();
        let mut tx = svc.db.begin().await.expect("begin");
        insert(
            tx.conn(),
            "classroom_preferences",
            &["account_id", "hide_ip", "updated_at"],
            rows,
        )
        .await;
        tx.commit().await.expect("commit");
        svc.db.close().await;
        room
    };
    let turn = format!("127.0.0.1:{}", crate::classroom::free_udp_port());
    let s = server::Server::start_with(
        &env,
        &[
            ("KOINE_TURN_LISTEN", turn.as_str()),
            ("KOINE_TURN_ALLOW_PRIVATE_PEERS", "true"),
        ],
    )
    .await;
    let base = format!("http://{}", s.addr);
    let (teacher, learner) = (browser().await, browser().await);
    sign_in(&teacher.web, &base, &room.teacher).await;
    sign_in(&learner.web, &base, &room.learner).await;
    let path = format!("/lessons/{}/room", room.lesson);
    teacher.web.goto(format!("{base}{path}")).await.expect("the room");

    let mut times = Vec::new();
    let mut failed = 0;
    for _ in 0..o.runs {
        learner.web.goto(format!("{base}/")).await.expect("home");
        let join = learner
            .web
            .find(By::Css(format!("a[href='{path}']")))
            .await
            .expect("a Join link on the home page");
        join.click().await.expect("Join");
        let script = "return window.koineRoom && window.koineRoom.connectedAt !== undefined \
                      ? window.koineRoom.connectedAt : null;";
        match until_number(&learner.web, script, Duration::from_secs(20)).await {
            Some(ms) => times.push((ms * 10.0).round() / 10.0),
            None => failed += 1,
        }
        // The teacher's side sees the learner leave before the next Join.
        learner.web.goto(format!("{base}/")).await.expect("home");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for b in [teacher, learner] {
        let _ = b.web.quit().await;
        drop(b.driver);
    }
    s.stop().await;
    env.cleanup().await;
    times.sort_by(f64::total_cmp);
    let at = |p: f64| {
        times
            .get(((times.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    json!({
        "benchmark": "Join to connected call, in Chromium through the built-in TURN relay",
        "backend": format!("{:?}", o.backend).to_lowercase(),
        "runs": o.runs,
        "failed": failed,
        "join_to_connected_ms": { "p50": at(0.5), "p90": at(0.9), "max": at(1.0), "all": times },
        "goal": "p50 <= 2000 ms",
    })
}
