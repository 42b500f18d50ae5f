//! A real call: two headless Chromium instances with fake cameras and
//! microphones join a lesson's room and see and hear each other. Loopback
//! addresses are never ICE host candidates, so on one machine the media go
//! through a TURN relay on 127.0.0.1 (relay-only: both members hide their
//! address) — and, for the direct path, between a browser here and one in a
//! network namespace of its own, joined by a virtual cable.

use crate::browser::{Driver, DriverPlace, axe, click, log_in, required_env, start_browser_args, start_browser_at};
use crate::classroom::{Booked, booked, free_relay_port};
use jiff::SignedDuration;
use koine_testkit::{TestApp, both_backends};
use serde_json::{Value, json};
use std::time::Duration;
use thirtyfour::prelude::*;

both_backends!(config = with_built_in_relay; two_members_see_and_hear_each_other_through_the_built_in_relay);
both_backends!(config = with_coturn; two_members_see_and_hear_each_other_through_coturn);

/// Runs once per backend, each in a namespace (and subnet) of its own.
mod two_members_call_each_other_directly_across_a_network {
    use koine_testkit::Backend;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_direct_call(Backend::Sqlite, 1).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_direct_call(Backend::Postgres, 2).await
    }
}

fn with_built_in_relay(c: &mut koine::config::Config) {
    c.turn_listen = Some(format!("127.0.0.1:{}", free_relay_port()));
    c.turn_allow_private_peers = true;
}

const COTURN_SECRET: &str = "a-secret-shared-with-coturn";

fn with_coturn(c: &mut koine::config::Config) {
    c.turn_urls = vec![format!("turn:127.0.0.1:{}?transport=udp", free_relay_port())];
    c.turn_secret = Some(COTURN_SECRET.into());
}

/// Debian's coturn, checking Koine's credentials with the shared secret;
/// it stops when dropped.
struct Coturn(std::process::Child);

impl Drop for Coturn {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_coturn(app: &TestApp) -> Coturn {
    let url = &app.config.turn_urls[0];
    let port = url
        .trim_start_matches("turn:127.0.0.1:")
        .trim_end_matches("?transport=udp");
    let child = std::process::Command::new(required_env("KOINE_TURNSERVER"))
        .args([
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            &format!("--listening-port={port}"),
            "--use-auth-secret",
            &format!("--static-auth-secret={COTURN_SECRET}"),
            "--realm=koine",
            // One machine: the peers' relayed addresses are loopback ones.
            "--allow-loopback-peers",
            "--no-tcp",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            "--no-stdout-log",
            "--log-file=stdout",
            "--simple-log",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("turnserver starts");
    Coturn(child)
}

async fn two_members_see_and_hear_each_other_through_the_built_in_relay(app: TestApp) {
    a_call_through_the_relay(&app).await;
}

async fn two_members_see_and_hear_each_other_through_coturn(app: TestApp) {
    let _coturn = start_coturn(&app);
    a_call_through_the_relay(&app).await;
}

const CALL_SWITCHES: [&str; 3] = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
];

async fn call_browser() -> Driver {
    start_browser_args(true, &CALL_SWITCHES).await
}

/// A network namespace joined to this one by a veth pair: `host_ip` on
/// this side, `inner_ip` inside. Made with `ip` (the test runs as root, as
/// CI does); removed when dropped.
struct Netns {
    name: String,
    host_link: String,
    host_ip: String,
    inner_ip: String,
}

fn ip(args: &[&str]) -> std::process::Output {
    std::process::Command::new("ip")
        .args(args)
        .output()
        .expect("the ip command runs (iproute2)")
}

fn ip_ok(args: &[&str]) {
    let out = ip(args);
    assert!(
        out.status.success(),
        "ip {}: {} (the direct-path call test makes a network namespace and needs root)",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Netns {
    fn new(n: u8) -> Self {
        let ns = Self {
            name: format!("koine-call-{n}"),
            host_link: format!("kcall{n}h"),
            host_ip: format!("10.231.{n}.1"),
            inner_ip: format!("10.231.{n}.2"),
        };
        ns.remove();
        let inner_link = format!("kcall{n}n");
        ip_ok(&["netns", "add", &ns.name]);
        ip_ok(&[
            "link",
            "add",
            &ns.host_link,
            "type",
            "veth",
            "peer",
            "name",
            &inner_link,
        ]);
        ip_ok(&["link", "set", &inner_link, "netns", &ns.name]);
        ip_ok(&["addr", "add", &format!("{}/30", ns.host_ip), "dev", &ns.host_link]);
        ip_ok(&["link", "set", &ns.host_link, "up"]);
        let inside = |args: &[&str]| {
            let mut all = vec!["netns", "exec", &ns.name, "ip"];
            all.extend_from_slice(args);
            ip_ok(&all);
        };
        inside(&["addr", "add", &format!("{}/30", ns.inner_ip), "dev", &inner_link]);
        inside(&["link", "set", &inner_link, "up"]);
        inside(&["link", "set", "lo", "up"]);
        ns
    }

    /// Also clears what an interrupted run left behind.
    fn remove(&self) {
        let _ = ip(&["netns", "del", &self.name]);
        let _ = ip(&["link", "del", &self.host_link]);
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        self.remove();
    }
}

/// The learner's browser here and the teacher's in the namespace, both on
/// the server's address on the cable: the call connects host to host, with
/// no relay at all.
async fn a_direct_call(backend: koine_testkit::Backend, n: u8) {
    let ns = Netns::new(n);
    let listen = format!("{}:0", ns.host_ip);
    let app = TestApp::spawn_with(backend, |c| c.listen = listen).await;
    let Booked { tb, lesson, at, .. } = booked(&app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    app.advance_to(at - SignedDuration::from_mins(5));
    // Not loopback: the browsers must be told the page is a secure context.
    let secure = format!("--unsafely-treat-insecure-origin-as-secure={}", app.base);
    let mut switches = CALL_SWITCHES.to_vec();
    switches.push(&secure);
    let mut a = start_browser_args(true, &switches).await;
    let inside = DriverPlace {
        prefix: ["ip", "netns", "exec", &ns.name].map(String::from).to_vec(),
        host: ns.inner_ip.clone(),
        port: 9515,
        allowed_ip: Some(ns.host_ip.clone()),
    };
    let mut b = start_browser_at(&inside, true, &switches).await;
    let (learner, teacher) = (a.web.take().unwrap(), b.web.take().unwrap());
    for (s, who) in both_in_a_call(&app, lesson, &learner, &teacher).await {
        assert_eq!(s["local"], "host", "{who}'s media go host to host: {s}");
        assert_eq!(s["remote"], "host", "{who}'s media go host to host: {s}");
        let path = [s["local_address"].as_str(), s["remote_address"].as_str()];
        assert!(
            path.iter()
                .all(|a| a.is_some_and(|a| a.starts_with(&format!("10.231.{n}.")))),
            "{who}'s media cross the cable: {s}"
        );
    }
    for web in [learner, teacher] {
        web.quit().await.expect("quit browser");
    }
}

/// The room's call state (`waiting`, `connecting`, `connected`, …).
async fn state(web: &WebDriver) -> String {
    web.execute(
        "return document.getElementById('call').dataset.state || '';",
        Vec::new(),
    )
    .await
    .unwrap()
    .convert()
    .unwrap()
}

async fn until_state(web: &WebDriver, want: &str, who: &str) {
    let mut last = String::new();
    for _ in 0..300 {
        last = state(web).await;
        if last == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{who}'s call never became {want} (it is {last:?})");
}

/// Evaluates `script` (which returns a string) until it gives `want`, for
/// up to ten seconds; the last value it gave.
async fn until_value(web: &WebDriver, script: &str, want: &str) -> String {
    let mut got = String::new();
    for _ in 0..100 {
        got = web.execute(script, Vec::new()).await.unwrap().convert().unwrap();
        if got == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    got
}

/// What the browser's own statistics say the call carries: frames decoded,
/// audio received, the size of the last frame, and the kind and address of
/// the local and remote candidates the media use.
async fn stats(web: &WebDriver) -> Value {
    let out = web
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const pc = window.koineRoom.peer();
             if (!pc) { done(null); return; }
             pc.getStats().then(report => {
               const s = { frames: 0, audio: 0, width: 0, local: '', out: [], inb: [], senders: pc.getSenders().map(x => x.track ? x.track.kind + ':' + x.track.readyState : 'none') };
               const byId = {};
               report.forEach(r => { byId[r.id] = r; });
               report.forEach(r => {
                 if (r.type === 'outbound-rtp') s.out.push(r.kind + ':' + r.bytesSent);
                 if (r.type === 'inbound-rtp') s.inb.push(r.kind + ':' + r.bytesReceived + ':' + r.packetsReceived);
                 if (r.type === 'inbound-rtp' && r.kind === 'video') { s.frames = r.framesDecoded || 0; s.width = r.frameWidth || 0; }
                 if (r.type === 'inbound-rtp' && r.kind === 'audio') { s.audio = r.totalSamplesReceived || r.packetsReceived || 0; }
                 if (r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated) {
                   const c = byId[r.localCandidateId]; if (c) { s.local = c.candidateType; s.local_address = c.address; }
                   const o = byId[r.remoteCandidateId]; if (o) { s.remote = o.candidateType; s.remote_address = o.address; }
                 }
               });
               done(s);
             });",
            Vec::new(),
        )
        .await
        .unwrap();
    out.json().clone()
}

/// The learner and the teacher sign in and enter the lesson's room; once
/// both are connected and the call carries picture and sound, what each
/// side's statistics say.
async fn both_in_a_call(
    app: &TestApp,
    lesson: uuid::Uuid,
    learner: &WebDriver,
    teacher: &WebDriver,
) -> [(Value, &'static str); 2] {
    let room = app.url(&format!("/lessons/{lesson}/room"));
    for (web, email) in [(learner, "ana@example.org"), (teacher, "profe@example.org")] {
        web.goto(app.url("/")).await.unwrap();
        click(web, ".consent-banner button[value=reject]").await;
        log_in(app, web, email).await;
        web.goto(&room).await.unwrap();
    }
    until_state(learner, "connected", "the learner").await;
    until_state(teacher, "connected", "the teacher").await;
    [
        (until_media(learner, "the learner").await, "the learner"),
        (until_media(teacher, "the teacher").await, "the teacher"),
    ]
}

/// Writes `text` in the room's chat and sends it.
async fn send_in_room(web: &WebDriver, text: &str) {
    web.find(By::Id("body")).await.unwrap().send_keys(text).await.unwrap();
    web.find(By::Css("#compose button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Waits until the call carries picture and sound into `web`.
async fn until_media(web: &WebDriver, who: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..150 {
        last = stats(web).await;
        if last["frames"].as_u64().unwrap_or(0) > 5 && last["audio"].as_u64().unwrap_or(0) > 0 {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{who} receives no picture or sound: {last}");
}

/// Two members call, relay-only, and see, hear, share a screen, leave,
/// come back and reload.
async fn a_call_through_the_relay(app: &TestApp) {
    let axe_js = std::fs::read_to_string(required_env("KOINE_AXE_JS")).expect("axe-core source");
    let Booked {
        tb,
        teacher: teacher_id,
        learner: learner_id,
        lesson,
        at,
        ana,
        profe,
        ..
    } = booked(app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    let chat = app
        .svc
        .start_conversation(&app.principal(learner_id), teacher_id)
        .await
        .unwrap();
    app.advance_to(at - SignedDuration::from_mins(5));
    // Both hide their address: media only through the relay.
    for token in [&ana, &profe] {
        let r = reqwest::Client::new()
            .put(app.url("/api/v1/me/classroom-preferences"))
            .bearer_auth(token)
            .json(&json!({ "hide_ip": true }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    let (mut a, mut b) = (call_browser().await, call_browser().await);
    let (learner, teacher) = (a.web.take().unwrap(), b.web.take().unwrap());
    for (s, who) in both_in_a_call(app, lesson, &learner, &teacher).await {
        assert_eq!(s["local"], "relay", "{who}'s media go through the relay: {s}");
    }
    axe(&learner, &axe_js, "the classroom in a call").await;

    // The shared notes: typed on one side, saved by themselves, shown on the other.
    learner
        .find(By::Id("notes-body"))
        .await
        .unwrap()
        .send_keys("Vocabulario: el andén")
        .await
        .unwrap();
    let theirs = until_value(
        &teacher,
        "return document.getElementById('notes-body').value;",
        "Vocabulario: el andén",
    )
    .await;
    assert_eq!(theirs, "Vocabulario: el andén", "the teacher sees the learner's notes");

    // The chat: sent from the room without leaving it (the call goes on),
    // shown in the other member's room as it arrives.
    send_in_room(&learner, "¿Me oyes bien?").await;
    let last = "const m = document.querySelectorAll('#messages .message .body'); \
                return m.length ? m[m.length - 1].textContent : '';";
    assert_eq!(
        until_value(&teacher, last, "¿Me oyes bien?").await,
        "¿Me oyes bien?",
        "the teacher reads it live"
    );
    assert_eq!(until_value(&learner, last, "¿Me oyes bien?").await, "¿Me oyes bien?");
    assert_eq!(state(&learner).await, "connected", "sending did not leave the room");

    // A file the teacher sends (here through the API) joins the learner's
    // materials as it arrives.
    let form = reqwest::multipart::Form::new().text("body", "La hoja de hoy").part(
        "files",
        reqwest::multipart::Part::bytes(koine_testkit::tiny_pdf("hoja")).file_name("hoja.pdf"),
    );
    let sent = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/conversations/{chat}/messages")))
        .bearer_auth(&profe)
        .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), reqwest::StatusCode::CREATED);
    let listed = "const l = document.getElementById('materials'); \
                  return !l.hidden && l.textContent.includes('hoja.pdf') ? 'listed' : l.textContent;";
    assert_eq!(
        until_value(&learner, listed, "listed").await,
        "listed",
        "the learner's materials"
    );

    // A screen shared (a canvas stands in: headless Chromium has no
    // screen) replaces the camera on the other side, without a new call.
    teacher
        .execute(
            "const c = document.createElement('canvas'); c.width = 320; c.height = 200;
             const g = c.getContext('2d'); let n = 0;
             setInterval(() => { g.fillStyle = n++ % 2 ? '#0f766e' : '#3730a3'; g.fillRect(0, 0, 320, 200); }, 50);
             window.koineRoom.share(c.captureStream(20).getVideoTracks()[0]);",
            Vec::new(),
        )
        .await
        .unwrap();
    let mut width = 0;
    for _ in 0..100 {
        width = stats(&learner).await["width"].as_u64().unwrap_or(0);
        if width == 320 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(width, 320, "the learner sees the shared screen");
    assert_eq!(
        teacher
            .find(By::Id("call-share"))
            .await
            .unwrap()
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );

    // Recording: once both agree, the teacher records; both screens show
    // it; the learner withdraws and the teacher's recorder stops and saves.
    let agree = |token: String, granted: bool| {
        let url = app.url(&format!("/api/v1/lessons/{lesson}/recording-consent"));
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "granted": granted }))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
        }
    };
    let shown = |web: &WebDriver, id: &'static str| {
        let web = web.clone();
        async move {
            let script = format!("return !document.getElementById('{id}').hidden;");
            web.execute(&script, Vec::new())
                .await
                .unwrap()
                .convert::<bool>()
                .unwrap()
        }
    };
    for web in [&learner, &teacher] {
        assert!(!shown(web, "rec-toggle").await, "no recording without consent");
    }
    agree(ana.clone(), true).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!shown(&learner, "rec-toggle").await, "nor with one member's");
    agree(profe.clone(), true).await;
    let mut ready = false;
    for _ in 0..100 {
        ready = shown(&teacher, "rec-toggle").await;
        if ready {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the record button appears once both agree");
    teacher.find(By::Id("rec-toggle")).await.unwrap().click().await.unwrap();
    let mut indicator = String::new();
    for _ in 0..100 {
        if shown(&learner, "recording-indicator").await {
            indicator = learner
                .find(By::Id("recording-indicator"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        indicator.contains("Profe is recording"),
        "the learner sees it: {indicator:?}"
    );
    assert!(shown(&teacher, "recording-indicator").await, "and the teacher");
    tokio::time::sleep(Duration::from_secs(2)).await;
    agree(ana.clone(), false).await;
    let mut saved = 0;
    for _ in 0..100 {
        saved = teacher
            .execute("return window.koineRoom.recorded;", Vec::new())
            .await
            .unwrap()
            .convert::<u64>()
            .unwrap();
        if saved > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(saved > 1000, "the teacher's recorder stopped and saved {saved} bytes");
    for _ in 0..50 {
        if !shown(&learner, "recording-indicator").await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !shown(&learner, "recording-indicator").await,
        "the indicator goes on both screens"
    );
    assert!(!shown(&teacher, "recording-indicator").await);
    assert!(!shown(&teacher, "rec-toggle").await);

    // Leaving and coming back; then a dropped tab (a reload) reconnects.
    learner.find(By::Id("call-leave")).await.unwrap().click().await.unwrap();
    until_state(&teacher, "left", "the teacher").await;
    assert_eq!(state(&learner).await, "youLeft");
    learner
        .find(By::Id("call-rejoin"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until_state(&learner, "connected", "the learner, back").await;
    until_state(&teacher, "connected", "the teacher, again").await;
    teacher.refresh().await.unwrap();
    until_state(&teacher, "connected", "the teacher, after a reload").await;
    until_state(&learner, "connected", "the learner, after the teacher's reload").await;
    until_media(&learner, "the learner, after the teacher's reload").await;
    until_media(&teacher, "the teacher, after a reload").await;

    // Muting stops sending sound as a track: the button says so.
    let mute = teacher.find(By::Id("call-mic")).await.unwrap();
    mute.click().await.unwrap();
    assert_eq!(mute.attr("aria-pressed").await.unwrap().as_deref(), Some("true"));

    // A message the server refuses (the teacher has since blocked the
    // learner) neither ends the call nor loses the text: the room says it
    // was not sent.
    let blocked = app
        .post_json(
            &format!("/api/v1/members/{learner_id}/block"),
            &profe,
            json!({ "reason": "other" }),
        )
        .await;
    assert_eq!(blocked.status(), reqwest::StatusCode::NO_CONTENT);
    send_in_room(&learner, "¿Sigues ahí?").await;
    let not_sent = "Not sent. Open the whole conversation to see why.";
    let status = "const s = document.getElementById('compose-status'); return s.hidden ? '' : s.textContent;";
    assert_eq!(until_value(&learner, status, not_sent).await, not_sent);
    let kept = "return document.getElementById('body').value;";
    assert_eq!(until_value(&learner, kept, "¿Sigues ahí?").await, "¿Sigues ahí?");
    assert_eq!(
        state(&learner).await,
        "connected",
        "a refused message did not leave the room"
    );
    learner.quit().await.unwrap();
    teacher.quit().await.unwrap();
}
