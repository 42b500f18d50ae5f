//! The classroom of a lesson: who may enter, when, and the relay
//! credentials they get.

use crate::api::token;
use jiff::{SignedDuration, Timestamp};
use koine_testkit::{Browser, TestApp, both_backends};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

both_backends!(config = with_relay; a_lessons_room_opens_for_its_two_members_in_its_window);
both_backends!(config = with_built_in_relay; the_built_in_relay_takes_only_live_lesson_credentials);
both_backends!(config = with_rotating_relay; the_built_in_relay_takes_both_secrets_while_one_is_rotated);
both_backends!(config = with_relay_to_loopback; the_built_in_relay_carries_data_over_tcp_and_tls);
both_backends!(
    the_home_pages_show_what_is_next,
    attendance_is_kept_and_a_lesson_both_attended_completes_sooner,
    both_members_write_the_lessons_shared_notes,
    the_room_holds_the_chat_and_the_lessons_materials,
    call_signals_pass_between_the_two_members_while_the_room_is_open,
    recording_needs_both_members_consent_and_either_can_withdraw,
    a_member_can_hide_their_address_from_the_other
);

const TURN_SECRET: &str = "a-test-relay-secret-of-some-length";
const TURN_URLS: [&str; 2] = [
    "turn:127.0.0.1:3478?transport=udp",
    "turns:relay.example.org:443?transport=tcp",
];

fn with_relay(c: &mut koine::config::Config) {
    c.turn_urls = TURN_URLS.map(String::from).to_vec();
    c.turn_secret = Some(TURN_SECRET.into());
}

/// A UDP port free at the moment (the relay is told a fixed one).
/// A port free for both UDP and TCP (a relay listens on both), and never
/// handed out twice in this run: a port the kernel picks for UDP may be a
/// TCP connection's own port, and two tests asking at once may be given
/// the same one.
pub(crate) fn free_relay_port() -> u16 {
    static HANDED_OUT: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    loop {
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("a free TCP port");
        let port = tcp.local_addr().expect("its address").port();
        let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|p| p.into_inner());
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() && !handed_out.contains(&port) {
            handed_out.push(port);
            return port;
        }
    }
}

fn with_built_in_relay(c: &mut koine::config::Config) {
    c.turn_listen = Some(format!("127.0.0.1:{}", free_relay_port()));
}

const NEW_TURN_SECRET: &str = "the-relay-secret-being-rolled-in";
const OLD_TURN_SECRET: &str = "the-relay-secret-being-rolled-out";

/// The built-in relay in the middle of a rotation of its secret.
fn with_rotating_relay(c: &mut koine::config::Config) {
    with_built_in_relay(c);
    c.turn_secret = Some(format!("{NEW_TURN_SECRET},{OLD_TURN_SECRET}"));
}

/// A TURN allocation made with webrtc-rs's client (an implementation
/// separate from the relay's server side), and its relayed socket.
async fn allocate(
    relay: std::net::SocketAddr,
    user: &str,
    password: &str,
) -> Result<(turn::client::Client, impl webrtc_util::Conn), String> {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let client = turn::client::Client::new(turn::client::ClientConfig {
        stun_serv_addr: relay.to_string(),
        turn_serv_addr: relay.to_string(),
        username: user.into(),
        password: password.into(),
        realm: "koine".into(),
        software: String::new(),
        rto_in_ms: 0,
        conn: std::sync::Arc::new(socket),
        vnet: None,
    })
    .await
    .map_err(|e| e.to_string())?;
    client.listen().await.map_err(|e| e.to_string())?;
    let relayed = tokio::time::timeout(std::time::Duration::from_secs(10), client.allocate())
        .await
        .map_err(|_| "no answer".to_string())?
        .map_err(|e| e.to_string())?;
    Ok((client, relayed))
}

/// What the holder of `token` is told when they ask to enter the room:
/// the status and the body.
async fn enter(app: &TestApp, token: &str, lesson: Uuid) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/lessons/{lesson}/room")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Coturn's credential for a user name, computed by Python's `hmac` module
/// (an implementation independent of Koine's).
fn reference_credential(user: &str) -> String {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import base64,hashlib,hmac,sys; \
             print(base64.b64encode(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha1).digest()).decode())",
            TURN_SECRET,
            user,
        ])
        .output()
        .expect("python3");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn refused(answer: &(StatusCode, Value), code: &str) {
    assert_eq!(answer.0, StatusCode::CONFLICT, "{}", answer.1);
    assert_eq!(answer.1["code"], code, "{}", answer.1);
}

/// The people of a booked lesson (a request, not yet confirmed), a
/// stranger, and each one's API token.
pub(crate) struct Booked {
    pub(crate) tb: Browser,
    pub(crate) teacher: Uuid,
    pub(crate) lb: Browser,
    pub(crate) learner: Uuid,
    pub(crate) stranger: Browser,
    pub(crate) ana: String,
    pub(crate) profe: String,
    pub(crate) eve: String,
    pub(crate) at: Timestamp,
    pub(crate) lesson: Uuid,
}

pub(crate) async fn booked(app: &TestApp) -> Booked {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    let lb = app.member("ana@example.org", "Ana").await;
    let learner = app.account_id("ana@example.org").await;
    app.top_up(&lb, "50.00").await;
    let stranger = app.member("eve@example.org", "Eve").await;
    let (ana, profe, eve) = (
        token(app, "ana@example.org").await,
        token(app, "profe@example.org").await,
        token(app, "eve@example.org").await,
    );
    let at = app.open_slots(teacher, 60, 14).await[0];
    let lesson = app.book(&lb, teacher, at).await;
    Booked {
        tb,
        teacher,
        lb,
        learner,
        stranger,
        ana,
        profe,
        eve,
        at,
        lesson,
    }
}

async fn a_lessons_room_opens_for_its_two_members_in_its_window(app: TestApp) {
    let Booked {
        tb,
        teacher,
        lb,
        learner,
        stranger,
        ana,
        profe,
        eve,
        at,
        lesson,
    } = booked(&app).await;

    // A request is not a lesson going ahead.
    refused(&enter(&app, &ana, lesson).await, "room-lesson-not-going-ahead");
    app.step_ok(&tb, lesson, "confirm").await;
    let opens = at - SignedDuration::from_mins(10);
    assert!(
        app.svc.clock.now() < opens,
        "the first slot is more than 10 minutes away"
    );
    refused(&enter(&app, &ana, lesson).await, "room-not-open-yet");
    let room_link = format!("href=\"/lessons/{lesson}/room\"");
    let (_, page) = lb.get_text(&format!("/lessons/{lesson}")).await;
    assert!(
        page.contains("The classroom opens at") && !page.contains(&room_link),
        "{page}"
    );
    let (_, home) = lb.get_text("/").await;
    assert!(
        home.contains("Your next lesson") && home.contains("Spanish with Profe"),
        "{home}"
    );
    assert!(
        home.contains("The classroom opens at") && !home.contains(&room_link),
        "{home}"
    );
    let (_, home) = tb.get_text("/").await;
    assert!(home.contains("Spanish with Ana"), "the teacher's home too: {home}");
    let (status, page) = lb.get_text(&format!("/lessons/{lesson}/room")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("The classroom is not open yet"), "{page}");

    app.advance_to(opens);
    let (status, room) = enter(&app, &ana, lesson).await;
    assert_eq!(status, StatusCode::OK, "{room}");
    assert_eq!(room["role"], "learner");
    assert_eq!(room["other"]["id"], teacher.to_string());
    assert_eq!(room["other"]["display_name"], "Profe");
    assert_eq!(room["ice_transport_policy"], "all");
    let ends = Timestamp::from_microsecond(room["ends_at"].as_i64().unwrap()).unwrap();
    let closes = ends + SignedDuration::from_mins(15);
    assert_eq!(room["opens_at"].as_i64(), Some(opens.as_microsecond()));
    assert_eq!(room["closes_at"].as_i64(), Some(closes.as_microsecond()));

    // The relay credential: coturn's shared-secret scheme, expiring when the
    // room closes, naming this lesson, this member and the signing secret.
    let server = &room["ice_servers"][0];
    assert_eq!(server["urls"], serde_json::json!(TURN_URLS));
    let user = server["username"].as_str().unwrap();
    assert_eq!(
        user,
        format!(
            "{}:{}.{}.{}",
            closes.as_second(),
            lesson.simple(),
            learner.simple(),
            koine_services::classroom::turn_secret_id(TURN_SECRET)
        )
    );
    assert_eq!(server["credential"], reference_credential(user));

    let (_, page) = lb.get_text(&format!("/lessons/{lesson}")).await;
    assert!(page.contains(&room_link), "the Join button lights up: {page}");
    let (_, home) = lb.get_text("/").await;
    assert!(home.contains(&room_link), "and on the home page: {home}");
    let (status, page) = lb.get_text(&format!("/lessons/{lesson}/room")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Classroom with Profe") && page.contains("Spanish"),
        "{page}"
    );
    let (status, page) = tb.get_text(&format!("/lessons/{lesson}/room")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Classroom with Ana"), "{page}");
    // Only the room may use the camera, microphone and screen.
    let allowed = |r: &reqwest::Response| r.headers()["permissions-policy"].to_str().unwrap().to_owned();
    let in_room = allowed(&tb.get(&format!("/lessons/{lesson}/room")).await);
    assert!(
        in_room.contains("camera=(self)")
            && in_room.contains("microphone=(self)")
            && in_room.contains("display-capture=(self)"),
        "{in_room}"
    );
    let elsewhere = allowed(&tb.get(&format!("/lessons/{lesson}")).await);
    assert!(
        elsewhere.contains("camera=()") && elsewhere.contains("microphone=()"),
        "{elsewhere}"
    );
    assert_eq!(
        stranger.get(&format!("/lessons/{lesson}/room")).await.status(),
        StatusCode::NOT_FOUND
    );

    let (status, room) = enter(&app, &profe, lesson).await;
    assert_eq!(status, StatusCode::OK, "{room}");
    assert_eq!(room["role"], "teacher");
    assert_eq!(room["other"]["display_name"], "Ana");
    let theirs = room["ice_servers"][0]["username"].as_str().unwrap();
    assert!(
        theirs.contains(&format!(".{}.", teacher.simple())),
        "each member their own: {theirs}"
    );

    // Nobody else learns the lesson exists; without a session, sign in.
    assert_eq!(enter(&app, &eve, lesson).await.0, StatusCode::NOT_FOUND);
    assert_eq!(enter(&app, &ana, Uuid::now_v7()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(enter(&app, "", lesson).await.0, StatusCode::UNAUTHORIZED);

    // Open while the learner is asked to confirm, until 15 minutes after the end.
    app.advance_to(closes - SignedDuration::from_secs(1));
    app.timers().await;
    assert_eq!(app.lesson_status(lesson).await, "awaiting_confirmation");
    assert_eq!(enter(&app, &ana, lesson).await.0, StatusCode::OK);
    app.advance_to(closes);
    refused(&enter(&app, &ana, lesson).await, "room-closed");
    refused(&enter(&app, &profe, lesson).await, "room-closed");
    let (status, page) = tb.get_text(&format!("/lessons/{lesson}/room")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("The classroom for this lesson has closed."), "{page}");
    let (_, page) = lb.get_text(&format!("/lessons/{lesson}")).await;
    assert!(!page.contains("Join the classroom"), "{page}");
    let (_, home) = lb.get_text("/").await;
    assert!(!home.contains("Your next lesson"), "{home}");
}

/// Asks to switch recording consent as the holder of `token`.
async fn consent(app: &TestApp, token: &str, lesson: Uuid, body: Value) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/lessons/{lesson}/recording-consent")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn recording_needs_both_members_consent_and_either_can_withdraw(app: TestApp) {
    use serde_json::json;
    let Booked {
        tb,
        lb,
        learner,
        ana,
        profe,
        eve,
        at,
        lesson,
        ..
    } = booked(&app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    let recorded = || async {
        app.scalar_i64(
            "SELECT COUNT(*) FROM consent_events WHERE lesson_id = $1 AND purpose = 'classroom_recording' \
             AND source = 'classroom'",
            lesson,
        )
        .await
    };

    // Agreeing before the lesson: on record, but one side is not enough.
    let (status, r) = consent(&app, &ana, lesson, json!({ "granted": true })).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r, json!({ "mine": true, "theirs": false, "allowed": false }));
    assert_eq!(
        consent(&app, &ana, lesson, json!({ "granted": true })).await.1["mine"],
        true
    );
    assert_eq!(recorded().await, 1, "the same choice again adds nothing");
    // Nobody else can, and the body is read strictly.
    assert_eq!(
        consent(&app, &eve, lesson, json!({ "granted": true })).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = consent(&app, &profe, lesson, json!({ "granted": true, "also": 1 })).await;
    assert!(status.is_client_error() && status != StatusCode::OK);
    assert_eq!(recorded().await, 1);

    // The teacher agrees on the room page; now either may record.
    app.advance_to(at - SignedDuration::from_mins(5));
    let (_, page) = tb.get_text(&format!("/lessons/{lesson}/room")).await;
    assert!(
        page.contains("Ana agrees.") && page.contains("You do not agree"),
        "{page}"
    );
    let r = tb
        .post_form(
            &format!("/lessons/{lesson}/room/recording-consent"),
            &[("granted", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, room) = enter(&app, &ana, lesson).await;
    assert_eq!(
        room["recording"],
        json!({ "mine": true, "theirs": true, "allowed": true })
    );
    assert_eq!(recorded().await, 2);

    // The learner withdraws: recording stops being allowed for both.
    let (_, r) = consent(&app, &ana, lesson, json!({ "granted": false })).await;
    assert_eq!(r, json!({ "mine": false, "theirs": true, "allowed": false }));
    let (_, room) = enter(&app, &profe, lesson).await;
    assert_eq!(
        room["recording"],
        json!({ "mine": true, "theirs": false, "allowed": false })
    );
    assert_eq!(recorded().await, 3);

    // A lesson's consent is not the account's: the general choice stays no,
    // and the ledger page names where each came from.
    let state = app.svc.consent_state(learner).await.unwrap();
    assert!(state.contains(&(koine_domain::consent::ConsentPurpose::ClassroomRecording, false)));
    let (_, choices) = lb.get_text("/settings/privacy").await;
    assert!(choices.contains("In a lesson&#39;s classroom"), "{choices}");
    assert!(
        choices.contains(&format!("<a href=\"/lessons/{lesson}\">for one lesson</a>")),
        "each lesson's consent links to it: {choices}"
    );

    // Once the room has closed, there is nothing left to agree to.
    let ends = at + SignedDuration::from_hours(1);
    app.advance_to(ends + SignedDuration::from_mins(15));
    refused(
        &consent(&app, &profe, lesson, json!({ "granted": false })).await,
        "room-closed",
    );
}

async fn a_member_can_hide_their_address_from_the_other(app: TestApp) {
    use serde_json::json;
    let Booked {
        tb,
        lb,
        ana,
        profe,
        at,
        lesson,
        ..
    } = booked(&app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    app.advance_to(at);
    let policy = |token: String| {
        let app = &app;
        async move { enter(app, &token, lesson).await.1["ice_transport_policy"].clone() }
    };
    // An adult connects directly unless they choose otherwise.
    assert_eq!(policy(ana.clone()).await, "all");
    let prefs = |method: reqwest::Method, body: Option<Value>| {
        let app = &app;
        let ana = ana.clone();
        async move {
            let mut r = reqwest::Client::new()
                .request(method, app.url("/api/v1/me/classroom-preferences"))
                .bearer_auth(&ana);
            if let Some(b) = body {
                r = r.json(&b);
            }
            let r = r.send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(prefs(reqwest::Method::GET, None).await.1, json!({ "hide_ip": false }));
    let (status, body) = prefs(reqwest::Method::PUT, Some(json!({ "hide_ip": true }))).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "hide_ip": true })));
    assert_eq!(policy(ana.clone()).await, "relay", "media only through the relay");
    assert_eq!(
        policy(profe.clone()).await,
        "all",
        "the other member's own choice stands"
    );
    let (status, _) = prefs(reqwest::Method::PUT, Some(json!({ "hide_ip": "yes" }))).await;
    assert!(status.is_client_error());
    assert_eq!(prefs(reqwest::Method::GET, None).await.1, json!({ "hide_ip": true }));
    // The room page says so, and switches back.
    let (_, page) = lb.get_text(&format!("/lessons/{lesson}/room")).await;
    assert!(page.contains("Hidden from the other member"), "{page}");
    let r = lb
        .post_form(&format!("/lessons/{lesson}/room/hide-ip"), &[("hide", "no")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(policy(ana.clone()).await, "all");
}

async fn call_signals_pass_between_the_two_members_while_the_room_is_open(app: TestApp) {
    use crate::conversations::{next_of, stream};
    use futures_util::SinkExt;
    use serde_json::json;
    use tokio_tungstenite::tungstenite::Message;
    let Booked {
        tb,
        learner,
        ana,
        profe,
        eve,
        at,
        lesson,
        ..
    } = booked(&app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    let (mut a, mut t, mut e) = (
        stream(&app, &ana).await,
        stream(&app, &profe).await,
        stream(&app, &eve).await,
    );
    for ws in [&mut a, &mut t, &mut e] {
        next_of(ws, "hello").await;
    }
    let signal = |lesson: Uuid, signal: Value| {
        Message::Text(
            json!({ "kind": "signal", "data": { "lesson": lesson, "call": "c1", "to": "c2", "signal": signal } })
                .to_string()
                .into(),
        )
    };
    let offer = json!({ "type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" });

    // Before the room opens, a signal is refused and said to be.
    a.send(signal(lesson, offer.clone())).await.unwrap();
    let refused = next_of(&mut a, "signal_refused").await;
    assert_eq!(refused, json!({ "lesson": lesson, "code": "room-not-open-yet" }));

    app.advance_to(at - SignedDuration::from_mins(10));
    a.send(signal(lesson, offer.clone())).await.unwrap();
    let got = next_of(&mut t, "signal").await;
    assert_eq!(
        got,
        json!({ "lesson": lesson, "from": learner, "call": "c1", "to": "c2", "signal": offer }),
        "relayed with the attempts it is from and for"
    );
    let candidate = json!({ "type": "candidate", "candidate": "candidate:1 1 udp 2122260223 192.0.2.7 54400 typ host", "sdp_mid": "0", "sdp_m_line_index": 0 });
    t.send(signal(lesson, candidate.clone())).await.unwrap();
    assert_eq!(next_of(&mut a, "signal").await["signal"], candidate);

    // Someone else's signal goes nowhere; a malformed one is refused.
    e.send(signal(lesson, offer.clone())).await.unwrap();
    assert_eq!(next_of(&mut e, "signal_refused").await["code"], "not-found");
    a.send(signal(lesson, json!({ "type": "offer", "sdp": "" })))
        .await
        .unwrap();
    assert_eq!(next_of(&mut a, "signal_refused").await["code"], "required");
    a.send(signal(lesson, json!({ "type": "leave" }))).await.unwrap();
    assert_eq!(
        next_of(&mut t, "signal").await["signal"],
        json!({ "type": "leave" }),
        "nothing else came first"
    );

    // A recorder may start only once both agreed; each switch reaches both rooms.
    let recording = json!({ "type": "recording", "on": true });
    a.send(signal(lesson, recording.clone())).await.unwrap();
    assert_eq!(next_of(&mut a, "signal_refused").await["code"], "recording-not-agreed");
    consent(&app, &ana, lesson, json!({ "granted": true })).await;
    assert_eq!(
        next_of(&mut t, "recording").await,
        json!({ "lesson": lesson, "mine": false, "theirs": true, "allowed": false })
    );
    consent(&app, &profe, lesson, json!({ "granted": true })).await;
    assert_eq!(
        next_of(&mut a, "recording").await,
        json!({ "lesson": lesson, "mine": true, "theirs": false, "allowed": false }),
        "the learner's own switch came back first"
    );
    assert_eq!(
        next_of(&mut a, "recording").await,
        json!({ "lesson": lesson, "mine": true, "theirs": true, "allowed": true })
    );
    a.send(signal(lesson, recording.clone())).await.unwrap();
    assert_eq!(next_of(&mut t, "signal").await["signal"], recording);
    consent(&app, &profe, lesson, json!({ "granted": false })).await;
    assert_eq!(
        next_of(&mut a, "recording").await["allowed"],
        false,
        "a withdrawal stops the learner's recorder too"
    );
}

/// A confirmed lesson whose room is open, the built-in relay's address,
/// and the room as its learner enters it.
async fn open_room_with_relay(app: &TestApp) -> (std::net::SocketAddr, Value) {
    let b = booked(app).await;
    app.step_ok(&b.tb, b.lesson, "confirm").await;
    app.advance_to(b.at - SignedDuration::from_mins(5));
    let relay = app.turn.as_ref().expect("the built-in relay runs").addr;
    let (status, room) = enter(app, &b.ana, b.lesson).await;
    assert_eq!(status, StatusCode::OK, "{room}");
    (relay, room)
}

async fn the_built_in_relay_takes_only_live_lesson_credentials(app: TestApp) {
    use webrtc_util::Conn;
    let (relay, room) = open_room_with_relay(&app).await;
    let server = &room["ice_servers"][0];
    assert_eq!(
        server["urls"],
        serde_json::json!([
            format!("turn:{relay}?transport=udp"),
            format!("turn:{relay}?transport=tcp")
        ]),
        "browsers are told the built-in relay, over UDP and TCP"
    );
    let (user, password) = (
        server["username"].as_str().unwrap(),
        server["credential"].as_str().unwrap(),
    );

    let (client, relayed) = allocate(relay, user, password)
        .await
        .expect("a member's credential allocates");
    assert_eq!(relayed.local_addr().unwrap().ip(), relay.ip());
    // Without `turn_allow_private_peers`, nothing reaches a loopback peer.
    let peer = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    relayed.send_to(b"knock", peer.local_addr().unwrap()).await.unwrap();
    let mut buf = [0u8; 16];
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(500), peer.recv_from(&mut buf))
            .await
            .is_err(),
        "the relay carried a datagram to a loopback address"
    );
    client.close().await.unwrap();

    assert!(allocate(relay, user, "not-the-password").await.is_err());
    // A correctly signed name that is not a lesson member's is refused too.
    let secret = app.svc.settings.classroom.turn.as_ref().unwrap().secrets[0].clone();
    let stranger = format!("{}:someone", app.svc.clock.now().as_second() + 3600);
    let signed = koine_services::classroom::turn_password(&secret, &stranger);
    assert!(allocate(relay, &stranger, &signed).await.is_err());
    // Once the room closes, so does the credential.
    let closes = room["closes_at"].as_i64().unwrap();
    app.advance_to(Timestamp::from_microsecond(closes).unwrap());
    assert!(allocate(relay, user, password).await.is_err());
}

async fn attendance_is_kept_and_a_lesson_both_attended_completes_sooner(app: TestApp) {
    use crate::conversations::{next_of, stream};
    use futures_util::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let Booked {
        tb,
        lb,
        teacher,
        learner,
        ana,
        profe,
        at,
        lesson,
        ..
    } = booked(&app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    // A second lesson, a day or more later, that only the learner attends.
    let later = app
        .open_slots(teacher, 60, 14)
        .await
        .into_iter()
        .find(|t| *t >= at + SignedDuration::from_hours(24))
        .expect("a slot a day later");
    let alone = app.book(&lb, teacher, later).await;
    app.step_ok(&tb, alone, "confirm").await;
    let signal = |lesson: Uuid, kind: &str| {
        Message::Text(
            serde_json::json!({ "kind": "signal", "data": { "lesson": lesson, "call": "c", "signal": { "type": kind } } })
                .to_string()
                .into(),
        )
    };
    let stays = |lesson: Uuid| {
        let app = &app;
        async move {
            app.svc
                .attendance(lesson)
                .await
                .unwrap()
                .into_iter()
                .map(|a| (a.account_id, a.joined_at, a.left_at))
                .collect::<Vec<_>>()
        }
    };

    app.advance_to(at - SignedDuration::from_mins(2));
    let joined = app.svc.clock.now_us();
    let (mut a, mut t) = (stream(&app, &ana).await, stream(&app, &profe).await);
    for ws in [&mut a, &mut t] {
        next_of(ws, "hello").await;
    }
    a.send(signal(lesson, "ready")).await.unwrap();
    next_of(&mut t, "signal").await;
    a.send(signal(lesson, "ready")).await.unwrap();
    next_of(&mut t, "signal").await;
    assert_eq!(
        stays(lesson).await,
        [(learner, joined, None)],
        "a stay, not one per ready"
    );
    t.send(signal(lesson, "ready")).await.unwrap();
    next_of(&mut a, "signal").await;
    app.advance_to(at + SignedDuration::from_mins(50));
    let left = app.svc.clock.now_us();
    // The learner hangs up; the teacher's tab closes without a word.
    a.send(signal(lesson, "leave")).await.unwrap();
    next_of(&mut t, "signal").await;
    drop(t);
    let mut recorded = Vec::new();
    for _ in 0..50 {
        recorded = stays(lesson).await;
        if recorded.iter().all(|s| s.2.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        recorded,
        [(learner, joined, Some(left)), (teacher, joined, Some(left))],
        "both stays, ended by the leave and by the closed stream"
    );

    // Staff see the attendance on the lesson; members do not.
    let support = app.support("help@koine.example").await;
    let (_, page) = support.get_text(&format!("/lessons/{lesson}")).await;
    assert!(
        page.contains("Attendance in the classroom") && page.contains("Ana") && page.contains("Profe"),
        "{page}"
    );
    let (_, page) = lb.get_text(&format!("/lessons/{lesson}")).await;
    assert!(!page.contains("Attendance in the classroom"), "{page}");

    // Both attended: complete 12 hours after the end, not 72.
    let ends = at + SignedDuration::from_mins(60);
    app.advance_to(ends + SignedDuration::from_hours(12) - SignedDuration::from_secs(1));
    app.timers().await;
    assert_eq!(app.lesson_status(lesson).await, "awaiting_confirmation");
    app.advance_to(ends + SignedDuration::from_hours(12));
    app.timers().await;
    assert_eq!(app.lesson_status(lesson).await, "completed");
    // The teacher's home counts it in this month's earnings.
    let (_, home) = tb.get_text("/").await;
    let earned = home
        .split("class=\"figure\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        earned.ends_with(" EUR") && earned != "0.00 EUR",
        "earned this month: {earned:?}"
    );

    // Only the learner in the other: the usual 72 hours.
    app.advance_to(later - SignedDuration::from_mins(5));
    a.send(signal(alone, "ready")).await.unwrap();
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen = stays(alone).await;
        if !seen.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(seen.len(), 1);
    let ends = later + SignedDuration::from_mins(60);
    app.advance_to(ends + SignedDuration::from_hours(12));
    app.timers().await;
    assert_eq!(app.lesson_status(alone).await, "awaiting_confirmation");
    app.advance_to(ends + SignedDuration::from_hours(72));
    app.timers().await;
    assert_eq!(app.lesson_status(alone).await, "completed");
}

async fn both_members_write_the_lessons_shared_notes(app: TestApp) {
    use crate::conversations::{next_of, stream};
    use serde_json::json;
    let Booked {
        tb,
        lb,
        learner,
        ana,
        profe,
        eve,
        at,
        lesson,
        ..
    } = booked(&app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    let path = format!("/api/v1/lessons/{lesson}/notes");
    let put = |token: &str, body: Value| {
        let (app, path, token) = (&app, path.clone(), token.to_owned());
        async move {
            let r = reqwest::Client::new()
                .put(app.url(&path))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(
        app.get_json(&path, &ana).await,
        json!({ "body": "", "version": 0, "updated_at": null })
    );
    refused(
        &put(&ana, json!({ "body": "Hola", "version": 0 })).await,
        "room-not-open-yet",
    );

    app.advance_to(at - SignedDuration::from_mins(5));
    let mut t = stream(&app, &profe).await;
    next_of(&mut t, "hello").await;
    let (status, saved) = put(
        &ana,
        json!({ "body": "Vocabulario: viajar\r\n- el andén", "version": 0 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 1);
    let told = next_of(&mut t, "notes").await;
    assert_eq!(
        (told["version"].clone(), told["body"].clone(), told["by"].clone()),
        (json!(1), json!("Vocabulario: viajar\n- el andén"), json!(learner)),
        "the other member's page hears of it"
    );
    assert_eq!(
        app.get_json(&path, &profe).await["body"],
        "Vocabulario: viajar\n- el andén"
    );
    // A save from an old version is refused, not lost silently.
    refused(
        &put(&profe, json!({ "body": "Otra cosa", "version": 0 })).await,
        "notes-changed",
    );
    assert_eq!(
        put(
            &profe,
            json!({ "body": "Vocabulario: viajar\n- el andén\n- la taquilla", "version": 1 })
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        put(&ana, json!({ "body": "x".repeat(20_001), "version": 2 })).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        put(&ana, json!({ "body": "x", "version": 2, "extra": 1 })).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        put(&eve, json!({ "body": "x", "version": 2 })).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(&ana, json!({ "body": "x", "version": -1 })).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    refused(
        &put(&ana, json!({ "body": "x", "version": 1.0 })).await,
        "notes-changed",
    );
    assert_eq!(app.get_json(&path, &ana).await["version"], 2);

    // Without JavaScript: the pad is a form; a stale save keeps the text.
    let (_, page) = lb.get_text(&format!("/lessons/{lesson}/room")).await;
    assert!(page.contains("la taquilla") && page.contains("Shared notes"), "{page}");
    let form = format!("/lessons/{lesson}/room/notes");
    let (status, page) = lb
        .post_form_text(&form, &[("body", "Mi versión sin recargar"), ("version", "1")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page.contains("Someone saved the shared notes meanwhile") && page.contains("Mi versión sin recargar"),
        "{page}"
    );
    let r = lb.post_form(&form, &[("body", "Mi versión"), ("version", "2")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_json(&path, &profe).await["body"], "Mi versión");
    // After the room closes the notes stay readable, and no longer change.
    let closes = at + SignedDuration::from_mins(75);
    app.advance_to(closes);
    assert_eq!(app.get_json(&path, &ana).await["body"], "Mi versión");
    refused(
        &put(&ana, json!({ "body": "Tarde", "version": 3 })).await,
        "room-closed",
    );
}

async fn the_home_pages_show_what_is_next(app: TestApp) {
    let Booked {
        tb,
        lb,
        lesson,
        teacher,
        ..
    } = booked(&app).await;
    let (_, home) = tb.get_text("/").await;
    let suggested = home.split("id=\"suggested\"").nth(1).unwrap_or_default();
    assert!(
        !suggested.contains(&format!("/teachers/{teacher}")),
        "a teacher is not suggested to themself: {home}"
    );
    let (_, learners_home) = lb.get_text("/").await;
    assert!(
        learners_home.contains(&format!("/teachers/{teacher}")),
        "but is to a learner: {learners_home}"
    );
    assert!(
        home.contains("Waiting for your answer") && home.contains("Spanish with Ana") && home.contains("Answer by"),
        "the teacher sees the request: {home}"
    );
    assert!(
        home.contains("Earned this month") && home.contains("0.00 EUR"),
        "{home}"
    );
    assert!(home.contains("No unread messages."), "{home}");
    assert!(home.contains(&format!("href=\"/lessons/{lesson}\"")), "{home}");
    let (_, home) = lb.get_text("/").await;
    assert!(
        home.contains("Coming up") && home.contains("Spanish with Profe") && home.contains("To reschedule or cancel"),
        "the learner sees the lesson: {home}"
    );
    assert!(
        !home.contains("Waiting for your answer") && !home.contains("Earned this month"),
        "{home}"
    );
    assert!(!home.contains("is being built"), "no placeholder copy: {home}");
    // A message makes the count.
    let r = tb
        .post_form(
            "/messages/start",
            &[("member", &app.account_id("ana@example.org").await.to_string())],
        )
        .await;
    let path = r.headers()["location"].to_str().unwrap().to_owned();
    let sent = tb
        .post_form(
            &path,
            &[("body", "¡Hola Ana!"), ("idempotency_key", &Uuid::now_v7().to_string())],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (_, home) = lb.get_text("/").await;
    assert!(home.contains("Unread messages: 1"), "{home}");
}

async fn the_room_holds_the_chat_and_the_lessons_materials(app: TestApp) {
    use koine_testkit::lessons::key;
    use koine_testkit::tiny_pdf;
    let Booked {
        tb,
        lb,
        teacher,
        stranger,
        at,
        lesson,
        ..
    } = booked(&app).await;
    app.step_ok(&tb, lesson, "confirm").await;
    app.advance_to(at - SignedDuration::from_mins(5));
    let room = format!("/lessons/{lesson}/room");
    let conversations = || async {
        koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM conversations")
            .fetch_one(p).await.unwrap())
    };

    // Without a conversation, the room offers to start one; looking starts nothing.
    let (_, page) = lb.get_text(&room).await;
    assert!(
        page.contains("Start the chat") && !page.contains("id=\"messages\""),
        "{page}"
    );
    assert!(page.contains("No files yet"), "{page}");
    assert_eq!(conversations().await, 0);
    let r = stranger.post_form(&format!("{room}/chat"), &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "only the lesson's members");
    let r = lb.post_form(&format!("{room}/chat"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("{room}#chat").as_str());
    assert_eq!(conversations().await, 1);

    // The chat is in the room; a message sent from its form reaches the
    // other member's room, and reading it there counts as read.
    let (_, page) = lb.get_text(&room).await;
    let at_conversation = page.split("data-conversation=\"").nth(1).expect("the chat's list");
    let c = &at_conversation[..36];
    assert!(page.contains(&format!("action=\"/messages/{c}\"")), "{page}");
    // Without JavaScript the page says video needs it; the chat and the
    // notes are plain forms that still work.
    let noscript = page
        .split("<noscript>")
        .nth(1)
        .and_then(|n| n.split("</noscript>").next());
    assert!(
        noscript.is_some_and(|n| n.contains("Video and sound need JavaScript")),
        "{page}"
    );
    assert!(
        page.contains(&format!("action=\"/lessons/{lesson}/room/notes\"")),
        "{page}"
    );
    let r = lb
        .post_form(
            &format!("/messages/{c}"),
            &[("body", "Hola, ¿me oyes bien?"), ("idempotency_key", &key())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.svc.unread_messages(teacher).await.unwrap(), 1);
    let (_, page) = tb.get_text(&room).await;
    assert!(page.contains("Hola, ¿me oyes bien?"), "{page}");
    assert_eq!(app.svc.unread_messages(teacher).await.unwrap(), 0);

    // A file either member sends in the conversation is among the lesson's materials.
    let r = tb
        .post_multipart(
            &format!("/messages/{c}"),
            &[("body", "Los ejercicios de hoy"), ("idempotency_key", &key())],
            &[("files", tiny_pdf("Ejercicios"), "ejercicios.pdf")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let (_, page) = lb.get_text(&room).await;
    let materials = page.split("id=\"materials\"").nth(1).expect("materials listed");
    assert!(materials.contains("ejercicios.pdf"), "{page}");
    let href = materials.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
    let file = lb.get(href).await;
    assert_eq!(file.status(), StatusCode::OK);
    assert!(file.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(stranger.get(href).await.status(), StatusCode::NOT_FOUND);
}

/// The built-in relay, allowed to reach this machine's own addresses (the
/// client pair below talks through it on loopback), with TURN over TLS on a
/// certificate made for the test by openssl.
fn with_relay_to_loopback(c: &mut koine::config::Config) {
    c.turn_listen = Some(format!("127.0.0.1:{}", free_relay_port()));
    c.turn_allow_private_peers = true;
    let dir = c.data_dir.with_file_name("turn-tls");
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ])
        .args(["-days", "1", "-subj", "/CN=127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    c.turn_tls_listen = Some(format!("127.0.0.1:{port}"));
    c.turn_tls_cert = Some(cert);
    c.turn_tls_key = Some(key);
}

/// coturn's own test client, over TCP and then TLS to the relay (`-t`,
/// `-S`), with a lesson member's credential: two clients send each other
/// 20 messages through their relayed addresses, and all arrive.
async fn the_built_in_relay_carries_data_over_tcp_and_tls(app: TestApp) {
    use tokio::io::AsyncWriteExt;
    let b = booked(&app).await;
    app.step_ok(&b.tb, b.lesson, "confirm").await;
    app.advance_to(b.at - SignedDuration::from_mins(5));
    let relay = app.turn.as_ref().expect("the built-in relay runs").addr;
    let tls_port: u16 = app
        .config
        .turn_tls_listen
        .as_deref()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, room) = enter(&app, &b.ana, b.lesson).await;
    let server = &room["ice_servers"][0];
    assert_eq!(
        server["urls"][2],
        format!("turns:127.0.0.1:{tls_port}?transport=tcp"),
        "browsers are told the TLS listener on the site's host"
    );
    let (user, password) = (
        server["username"].as_str().unwrap(),
        server["credential"].as_str().unwrap(),
    );
    // Something that is not TURN is dropped and harms nothing.
    let mut junk = tokio::net::TcpStream::connect(relay).await.unwrap();
    junk.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();

    let uclient =
        std::path::Path::new(&crate::browser::required_env("KOINE_TURNSERVER")).with_file_name("turnutils_uclient");
    let run = |secure: bool, password: &str, messages: u32| {
        let mut c = tokio::process::Command::new(&uclient);
        c.arg("-t");
        if secure {
            c.arg("-S");
        }
        let port = if secure { tls_port } else { relay.port() };
        c.args([
            "-y",
            "-c",
            "-m",
            "2",
            "-n",
            &messages.to_string(),
            "-l",
            "120",
            "-z",
            "5",
        ])
        .args(["-u", user, "-w", password, "-p", &port.to_string(), "127.0.0.1"]);
        async move {
            let out = c.output().await.expect("turnutils_uclient (Debian's coturn) runs");
            let report = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let received: u64 = report
                .lines()
                .filter_map(|l| l.split("tot_recv_msgs=").nth(1))
                .filter_map(|v| v.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
                .next_back()
                .unwrap_or(0);
            (received, report)
        }
    };
    let (received, report) = run(false, password, 20).await;
    assert_eq!(
        received, 40,
        "every message came back through the relay over TCP: {report}"
    );
    let (received, report) = run(true, password, 20).await;
    assert_eq!(
        received, 40,
        "every message came back through the relay over TLS: {report}"
    );
    let (received, report) = run(false, "not-the-password", 5).await;
    assert_eq!(received, 0, "a wrong password relays nothing: {report}");
}

/// While the relay secret is rotated, the room signs with the newest
/// secret, and the relay takes credentials signed with either (each user
/// name says which), and none signed with a secret it no longer keeps.
async fn the_built_in_relay_takes_both_secrets_while_one_is_rotated(app: TestApp) {
    use koine_domain::classroom::{parse_turn_user_name, turn_user_name};
    use koine_services::classroom::{turn_password, turn_secret_id};
    let (relay, room) = open_room_with_relay(&app).await;
    let server = &room["ice_servers"][0];
    let (user, password) = (
        server["username"].as_str().unwrap(),
        server["credential"].as_str().unwrap(),
    );
    assert!(user.ends_with(&turn_secret_id(NEW_TURN_SECRET)), "{user}");
    let (client, _) = allocate(relay, user, password)
        .await
        .expect("the newest secret's credential");
    client.close().await.unwrap();

    let (expires, lesson, member, _) = parse_turn_user_name(user).unwrap();
    let signed_with = |secret: &str| {
        let name = turn_user_name(expires * 1_000_000, lesson, member, &turn_secret_id(secret));
        let password = turn_password(secret, &name);
        (name, password)
    };
    let (old_user, old_password) = signed_with(OLD_TURN_SECRET);
    let (client, _) = allocate(relay, &old_user, &old_password)
        .await
        .expect("a credential the older secret signed before the rotation");
    client.close().await.unwrap();
    let (gone_user, gone_password) = signed_with("a-relay-secret-dropped-long-ago");
    assert!(allocate(relay, &gone_user, &gone_password).await.is_err());
    // A name from before names carried the id: the newest secret signed it.
    let bare = format!("{expires}:{}.{}", lesson.simple(), member.simple());
    let (client, _) = allocate(relay, &bare, &turn_password(NEW_TURN_SECRET, &bare))
        .await
        .expect("a credential from before user names carried the secret's id");
    client.close().await.unwrap();
}
