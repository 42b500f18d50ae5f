//! Conversations between members: through the pages without JavaScript and
//! through the API; the contact guard and its lifting; who may reach a
//! conversation; blocks, limits, minors; the live stream and its gap-free
//! replay; receipts and typing; email digests; export and erasure.

use crate::api::token;
use crate::files::download;
use futures_util::{SinkExt, StreamExt};
use koine_testkit::lessons::key;
use koine_testkit::{Browser, STRONG_PASSWORD, TestApp, both_backends, cluster_tests, link_in};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

both_backends!(
    members_write_through_the_pages,
    the_api_sends_replays_and_refuses_bad_input,
    messages_sent_at_once_are_each_written_once_or_refused_alone,
    the_guard_hides_contact_details_until_a_paid_lesson,
    only_the_two_members_reach_a_conversation,
    blocks_stop_messages_and_bookings,
    new_accounts_may_not_write_on_and_on_unanswered,
    minors_and_restricted_members_cannot_write,
    the_stream_delivers_live_and_a_replay_fills_every_gap,
    receipts_and_typing_are_off_by_default_and_symmetric,
    away_members_are_emailed_at_most_every_half_hour,
    an_away_teacher_answers_by_itself,
    leaving_keeps_the_conversation_for_the_other_member,
    reports_reach_trust_and_safety_who_decide,
    files_go_only_after_a_confirmed_lesson_and_only_to_the_two,
    an_open_report_keeps_what_a_leaving_member_sent_until_it_is_decided,
    files_sealed_into_rows_by_earlier_versions_move_into_the_store
);

cluster_tests!(a_kept_file_is_handed_over_in_the_shared_store);

/// A teacher and a learner, signed in on pages.
async fn pair(app: &TestApp) -> (Browser, Uuid, Browser, Uuid) {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    let lb = app.member("ana@example.org", "Ana").await;
    let learner = app.account_id("ana@example.org").await;
    (tb, teacher, lb, learner)
}

/// The pair after a lesson the teacher confirmed (so files may go both
/// ways): their conversation and API tokens too.
struct Lessoned {
    tb: Browser,
    teacher: Uuid,
    lb: Browser,
    learner: Uuid,
    c: Uuid,
    lt: String,
    tt: String,
}

async fn after_a_lesson(app: &TestApp) -> Lessoned {
    let (tb, teacher, lb, learner) = pair(app).await;
    let (lt, tt) = (
        token(app, "ana@example.org").await,
        token(app, "profe@example.org").await,
    );
    let c = open(&lb, teacher).await;
    app.top_up(&lb, "50.00").await;
    let at = app.open_slots(teacher, 60, 14).await[0];
    let lesson = app.book(&lb, teacher, at).await;
    app.step_ok(&tb, lesson, "confirm").await;
    Lessoned {
        tb,
        teacher,
        lb,
        learner,
        c,
        lt,
        tt,
    }
}

/// Opens the conversation with `with` from a page; returns its id.
pub async fn open(b: &Browser, with: Uuid) -> Uuid {
    let r = b.post_form("/messages/start", &[("member", &with.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    to.trim_start_matches("/messages/").parse().unwrap()
}

/// Sends `text` from a page; the answer's status.
pub async fn write(b: &Browser, conversation: Uuid, text: &str) -> StatusCode {
    b.post_form(
        &format!("/messages/{conversation}"),
        &[("body", text), ("idempotency_key", &key())],
    )
    .await
    .status()
}

/// Sends `text` from a page that comes back (a refusal): its status and text.
async fn write_page(b: &Browser, conversation: Uuid, text: &str) -> (StatusCode, String) {
    b.post_form_text(
        &format!("/messages/{conversation}"),
        &[("body", text), ("idempotency_key", &key())],
    )
    .await
}

/// Sends `text` through the API; the answer's status and body.
async fn send(app: &TestApp, token: &str, conversation: Uuid, text: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/conversations/{conversation}/messages")))
        .bearer_auth(token)
        .header("idempotency-key", key())
        .json(&json!({ "body": text }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn bodies(app: &TestApp, conversation: Uuid) -> Vec<Option<String>> {
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar("SELECT body FROM messages WHERE conversation_id = $1 ORDER BY seq")
        .bind(conversation).fetch_all(p).await.unwrap())
}

async fn members_write_through_the_pages(app: TestApp) {
    let (tb, teacher, lb, _) = pair(&app).await;
    // The teacher's homepage offers "Message".
    let (_, page) = lb.get_text(&format!("/teachers/{teacher}")).await;
    assert!(page.contains("action=\"/messages/start\""), "{page}");
    let c = open(&lb, teacher).await;
    assert_eq!(open(&lb, teacher).await, c, "one conversation per pair");
    let (s, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Profe") && page.contains("Say hello"), "{page}");
    // Before a paid lesson the page says why details will be hidden.
    assert!(page.contains("id=\"guard-note\""), "{page}");
    assert_eq!(
        write(&lb, c, "Hola! Write to me at ana(at)example(dot)com").await,
        StatusCode::SEE_OTHER
    );
    let stored = bodies(&app, c).await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].as_deref().unwrap().contains("example"), "{stored:?}");
    // The teacher sees it unread in the inbox and the navigation.
    let (_, inbox) = tb.get_text("/messages").await;
    assert!(inbox.contains("Ana") && inbox.contains("1 new"), "{inbox}");
    assert!(inbox.contains("id=\"unread-messages\" class=\"badge\">1<"), "{inbox}");
    let (_, page) = tb.get_text(&format!("/messages/{c}")).await;
    assert!(
        page.contains("Hola!") && page.contains("contact details hidden"),
        "{page}"
    );
    let (_, inbox) = tb.get_text("/messages").await;
    assert!(!inbox.contains("1 new"), "opening the conversation read it: {inbox}");
    assert_eq!(
        write(&tb, c, "¡Hola Ana! ¿Qué quieres practicar?").await,
        StatusCode::SEE_OTHER
    );
    // An empty message is refused beside the field, the text kept.
    let (s, page) = write_page(&lb, c, "   ").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"body-error\""), "{page}");
    // Search finds one's own conversations' messages.
    let (_, found) = lb.get_text("/messages?q=practicar").await;
    assert!(found.contains("Qué quieres practicar"), "{found}");
    let (_, found) = lb.get_text("/messages?q=nothing-like-this").await;
    assert!(found.contains("No message holds those words"), "{found}");
    assert_eq!(bodies(&app, c).await.len(), 2);
}

async fn the_api_sends_replays_and_refuses_bad_input(app: TestApp) {
    let (_, teacher, _, learner) = pair(&app).await;
    let lt = token(&app, "ana@example.org").await;
    let r = app
        .post_json("/api/v1/conversations", &lt, json!({ "member": teacher }))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let c: Uuid = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // A retry with the same key sends nothing twice; another text with it is refused.
    let client = reqwest::Client::new();
    let post = |k: &str, body: Value| {
        client
            .post(app.url(&format!("/api/v1/conversations/{c}/messages")))
            .bearer_auth(&lt)
            .header("idempotency-key", k)
            .json(&body)
            .send()
    };
    let k = key();
    let first: Value = post(&k, json!({ "body": "¿Tienes hueco el martes?" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again = post(&k, json!({ "body": "¿Tienes hueco el martes?" })).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(first["seq"], 1);
    assert_eq!(first["sender"], learner.to_string());
    let reused = post(&k, json!({ "body": "something else" })).await.unwrap();
    assert_eq!(reused.status(), StatusCode::CONFLICT);
    // Bad input: a clear 4xx, nothing stored.
    let long = "a".repeat(4001);
    for (body, status) in [
        (json!({ "body": "" }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "body": " \n " }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "body": long }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "body": "bell\u{7}" }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "body": "zero\u{200B}width" }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "body": "hi", "extra": 1 }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "text": "hi" }), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = post(&key(), body.clone()).await.unwrap();
        assert_eq!(r.status(), status, "{body}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/problem+json")
        );
    }
    let no_key = client
        .post(app.url(&format!("/api/v1/conversations/{c}/messages")))
        .bearer_auth(&lt)
        .json(&json!({ "body": "hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::UNPROCESSABLE_ENTITY, "a key is required");
    let r = client
        .post(app.url(&format!("/api/v1/conversations/{c}/messages")))
        .bearer_auth(&lt)
        .header("idempotency-key", key())
        .header("content-type", "application/json")
        .body(b"{\"body\": \"\xff\xfe\"}".to_vec())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "invalid UTF-8: {}", r.status());
    for (member, status) in [
        (learner, StatusCode::UNPROCESSABLE_ENTITY),
        (Uuid::now_v7(), StatusCode::NOT_FOUND),
    ] {
        let r = app
            .post_json("/api/v1/conversations", &lt, json!({ "member": member }))
            .await;
        assert_eq!(r.status(), status, "to {member}");
    }
    assert_eq!(bodies(&app, c).await.len(), 1, "nothing else stored");
    assert_eq!(app.count("conversations").await, 1);
    // The inbox and a replay.
    let inbox: Value = app.get_json("/api/v1/conversations", &lt).await;
    assert_eq!(inbox[0]["id"], c.to_string());
    assert_eq!(inbox[0]["other"]["name"], "Profe");
    assert_eq!(inbox[0]["preview_mine"], true);
    let replay: Value = app
        .get_json(&format!("/api/v1/conversations/{c}/messages?after=0"), &lt)
        .await;
    assert_eq!(replay["messages"].as_array().unwrap().len(), 1);
    assert_eq!(replay["reload"], false);
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/conversations/{c}/messages?after=-1"),
            &lt,
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Reading moves the mark, never past the newest message.
    let tt = token(&app, "profe@example.org").await;
    let r = app
        .post_json(&format!("/api/v1/conversations/{c}/read"), &tt, json!({ "seq": 99 }))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["last_read_seq"], 1);
    let found: Value = app.get_json("/api/v1/messages?q=martes", &tt).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
}

/// Messages sent at the same moment share one transaction (group commit);
/// one refused inside it (its key already used for another text) must
/// take back only itself.
async fn messages_sent_at_once_are_each_written_once_or_refused_alone(app: TestApp) {
    let (_, teacher, _, _) = pair(&app).await;
    let lt = token(&app, "ana@example.org").await;
    let tt = token(&app, "profe@example.org").await;
    let r = app
        .post_json("/api/v1/conversations", &lt, json!({ "member": teacher }))
        .await;
    let c: Uuid = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // An answer first, so the new account's limit on unanswered messages stays out of the way.
    assert_eq!(send(&app, &tt, c, "Hola, ¿qué tal?").await.0, StatusCode::CREATED);
    let client = reqwest::Client::new();
    let shared = [key(), key()];
    let posts: Vec<(String, String)> = (0..20)
        .map(|i| (key(), format!("mensaje {i}")))
        .chain(shared.iter().zip(["uno", "dos"]).flat_map(|(k, name)| {
            [
                (k.clone(), format!("{name}, primero")),
                (k.clone(), format!("{name}, segundo")),
            ]
        }))
        .collect();
    let answers = futures_util::future::join_all(posts.iter().map(|(k, body)| {
        client
            .post(app.url(&format!("/api/v1/conversations/{c}/messages")))
            .bearer_auth(&lt)
            .header("idempotency-key", k)
            .json(&json!({ "body": body }))
            .send()
    }))
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.as_ref().unwrap().status()).collect();
    let sent: Vec<&str> = posts
        .iter()
        .zip(&statuses)
        .filter(|(_, s)| **s == StatusCode::CREATED)
        .map(|((_, body), _)| body.as_str())
        .collect();
    // Of two texts under one key, one is sent and the other refused.
    assert_eq!(sent.len(), 22, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(),
        2,
        "{statuses:?}"
    );
    let stored = bodies(&app, c).await;
    assert_eq!(stored.len(), 23, "the answer and every message sent, once each");
    for body in sent {
        assert_eq!(
            stored.iter().filter(|b| b.as_deref() == Some(body)).count(),
            1,
            "{body}"
        );
    }
    let seqs: Vec<i64> = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(
        "SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq").bind(c).fetch_all(p).await.unwrap());
    assert_eq!(
        seqs,
        (1..=23).collect::<Vec<i64>>(),
        "no gap where a refused message was undone"
    );
}

async fn the_guard_hides_contact_details_until_a_paid_lesson(app: TestApp) {
    let (tb, teacher, lb, _) = pair(&app).await;
    let lt = token(&app, "ana@example.org").await;
    let c = open(&lb, teacher).await;
    let text = "Mi WhatsApp es +34 612 345 678, o escríbeme a ana.perez@gmail.com";
    let (s, first) = send(&app, &lt, c, text).await;
    assert_eq!(s, StatusCode::CREATED);
    let m = &first;
    assert!(!m["body"].as_str().unwrap().contains("612"), "{m}");
    assert!(!m["body"].as_str().unwrap().contains("gmail"), "{m}");
    let redacted: Vec<&str> = m["redacted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        redacted.contains(&"phone") && redacted.contains(&"email"),
        "{redacted:?}"
    );
    // Innocent text passes untouched.
    let (_, m) = send(&app, &lt, c, "¿La clase del 12/03 a las 18:30 cuesta 20.00 €?").await;
    assert_eq!(m["redacted"], json!([]));
    assert_eq!(m["body"], "¿La clase del 12/03 a las 18:30 cuesta 20.00 €?");
    let learner = app.account_id("ana@example.org").await;
    let masked = first["body"]
        .as_str()
        .unwrap()
        .matches(koine_domain::contact_guard::MASK)
        .count() as i64;
    assert!(masked >= 2, "{first}");
    assert_eq!(
        app.svc.redactions_of(learner).await.unwrap(),
        masked,
        "each redaction is counted"
    );
    // A requested lesson is not paid for yet; once the teacher confirms it, the guard lifts.
    app.top_up(&lb, "50.00").await;
    let at = app.open_slots(teacher, 60, 14).await[0];
    let lesson = app.book(&lb, teacher, at).await;
    let (_, m) = send(&app, &lt, c, text).await;
    assert!(
        !m["redacted"].as_array().unwrap().is_empty(),
        "requested is not paid: {m}"
    );
    app.step_ok(&tb, lesson, "confirm").await;
    let (_, m) = send(&app, &lt, c, text).await;
    assert_eq!(m["body"], text, "the guard lifted");
    assert_eq!(m["redacted"], json!([]));
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(!page.contains("id=\"guard-note\""), "{page}");
}

async fn only_the_two_members_reach_a_conversation(app: TestApp) {
    let (_, teacher, lb, _) = pair(&app).await;
    let c = open(&lb, teacher).await;
    let lt = token(&app, "ana@example.org").await;
    send(&app, &lt, c, "hola").await;
    let mallory = app.member("mallory@example.org", "Mallory").await;
    let mt = token(&app, "mallory@example.org").await;
    for path in [format!("/messages/{c}"), format!("/messages/{c}/after?after=0")] {
        let (s, _) = mallory.get_text(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(write(&mallory, c, "let me in").await, StatusCode::NOT_FOUND);
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/conversations/{c}/messages"), None),
        (Method::POST, format!("/api/v1/conversations/{c}/read"), Some(json!({}))),
    ] {
        let r = match body {
            Some(b) => app.api_json(method, &path, &mt, b).await,
            None => app.api(method, &path, &mt).await,
        };
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(send(&app, &mt, c, "let me in").await.0, StatusCode::NOT_FOUND);
    let r = app.get_json("/api/v1/messages?q=hola", &mt).await;
    assert_eq!(r, json!([]), "search covers only one's own conversations");
    let inbox: Value = app.get_json("/api/v1/conversations", &mt).await;
    assert_eq!(inbox, json!([]));
    // A member who is not a teacher and has no lesson with Mallory cannot be approached.
    let learner = app.account_id("ana@example.org").await;
    let r = app
        .post_json("/api/v1/conversations", &mt, json!({ "member": learner }))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Without a session: nothing.
    let anon = app.browser();
    let r = anon.get(&format!("/messages/{c}")).await;
    assert_eq!(r.headers()["location"], "/login");
    let r = reqwest::get(app.url("/api/v1/conversations")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(bodies(&app, c).await.len(), 1, "nothing written by outsiders");
}

async fn blocks_stop_messages_and_bookings(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app).await;
    let c = open(&lb, teacher).await;
    assert_eq!(write(&lb, c, "hola").await, StatusCode::SEE_OTHER);
    let tt = token(&app, "profe@example.org").await;
    let r = app
        .post_json(
            &format!("/api/v1/members/{learner}/block"),
            &tt,
            json!({ "reason": "nonsense" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_json(
            &format!("/api/v1/members/{learner}/block"),
            &tt,
            json!({ "reason": "harassment" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(write(&lb, c, "¿por qué?").await, StatusCode::CONFLICT);
    assert_eq!(
        write(&tb, c, "adiós").await,
        StatusCode::CONFLICT,
        "the blocker cannot write either"
    );
    // History stays visible to both.
    for b in [&lb, &tb] {
        let (s, page) = b.get_text(&format!("/messages/{c}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.contains("hola"), "{page}");
    }
    // The blocked learner cannot book the teacher.
    app.top_up(&lb, "50.00").await;
    let at = app.open_slots(teacher, 60, 14).await[0];
    let r = app.book_at(&lb, teacher, at, &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "{}", r.text().await.unwrap());
    assert_eq!(app.count("lessons").await, 0);
    // Unblocked from the page, they can write again.
    let r = tb.post_form(&format!("/messages/{c}/unblock"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(write(&lb, c, "gracias").await, StatusCode::SEE_OTHER);
    let r = app
        .api(Method::DELETE, &format!("/api/v1/members/{learner}/block"), &tt)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "no block left to lift");
}

async fn new_accounts_may_not_write_on_and_on_unanswered(app: TestApp) {
    let (tb, teacher, lb, _) = pair(&app).await;
    let c = open(&lb, teacher).await;
    for n in 0..10 {
        assert_eq!(write(&lb, c, &format!("message {n}")).await, StatusCode::SEE_OTHER);
    }
    let (s, page) = write_page(&lb, c, "one more").await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(page.contains("up to 10 messages"), "{page}");
    assert_eq!(bodies(&app, c).await.len(), 10);
    // An answer opens the conversation.
    assert_eq!(write(&tb, c, "¡Hola!").await, StatusCode::SEE_OTHER);
    assert_eq!(write(&lb, c, "one more").await, StatusCode::SEE_OTHER);
    // An account older than a month is no longer new.
    let leo = app.member("leo@example.org", "Leo").await;
    let c2 = open(&leo, teacher).await;
    for n in 0..10 {
        assert_eq!(write(&leo, c2, &format!("message {n}")).await, StatusCode::SEE_OTHER);
    }
    assert_eq!(write(&leo, c2, "hola").await, StatusCode::CONFLICT);
    app.advance(Duration::from_secs(31 * 86_400));
    leo.login("leo@example.org", STRONG_PASSWORD).await;
    assert_eq!(write(&leo, c2, "hola").await, StatusCode::SEE_OTHER);
}

async fn minors_and_restricted_members_cannot_write(app: TestApp) {
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    let teen = app.browser();
    teen.signup("Teen", "teen@example.org", "", STRONG_PASSWORD, &app.born_years_ago(16))
        .await;
    teen.verify_email_link(&link_in(&app.last_mail_to("teen@example.org").await, "/verify/email"))
        .await;
    teen.login("teen@example.org", STRONG_PASSWORD).await;
    let r = teen
        .post_form("/messages/start", &[("member", &teacher.to_string())])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a guardian must confirm first");
    assert_eq!(app.count("conversations").await, 0);
    // A member who restricted processing of their data cannot write.
    let lb = app.member("ana@example.org", "Ana").await;
    let c = open(&lb, teacher).await;
    lb.post_form("/settings/privacy/restrict", &[("reason", "")]).await;
    assert_eq!(write(&lb, c, "hola").await, StatusCode::CONFLICT);
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(page.contains("not available on your account"), "{page}");
    assert_eq!(bodies(&app, c).await.len(), 0);
}

/// The request opening the stream at `url` (`ws://…/api/v1/stream`) with
/// a bearer token.
pub fn stream_request(url: String, token: &str) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    req
}

/// A WebSocket to the stream with the member's bearer token.
pub async fn stream(
    app: &TestApp,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = app.url("/api/v1/stream").replacen("http", "ws", 1);
    let (ws, _) = tokio_tungstenite::connect_async(stream_request(url, token))
        .await
        .expect("the stream opens");
    ws
}

/// The next frame of `kind`, skipping others (waits at most 5 s).
pub async fn next_of<S>(ws: &mut S, kind: &str) -> Value
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no {kind} frame"))
            .expect("open")
            .expect("a frame");
        if let tokio_tungstenite::tungstenite::Message::Text(t) = frame {
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["kind"] == kind {
                return v["data"].clone();
            }
        }
    }
}

async fn the_stream_delivers_live_and_a_replay_fills_every_gap(app: TestApp) {
    let (_, teacher, lb, _) = pair(&app).await;
    let c = open(&lb, teacher).await;
    let lt = token(&app, "ana@example.org").await;
    let tt = token(&app, "profe@example.org").await;
    // Without a token, or from another site's page with the cookie: refused.
    let r = reqwest::get(app.url("/api/v1/stream")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.api(Method::GET, "/api/v1/stream", &tt).await;
    assert_eq!(r.status(), StatusCode::UPGRADE_REQUIRED, "not a WebSocket request");
    let mut req = app
        .url("/api/v1/stream")
        .replacen("http", "ws", 1)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    req.headers_mut()
        .insert("cookie", "koine_session=whatever".parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(req).await.is_err(),
        "no session, no stream"
    );

    // The teacher answered, so the new learner may write on.
    assert_eq!(send(&app, &tt, c, "¡Hola!").await.0, StatusCode::CREATED);
    let mut ws = stream(&app, &tt).await;
    assert_eq!(next_of(&mut ws, "hello").await["unread"], 0);
    assert!(app.svc.bus.online(teacher).await, "the teacher is online");
    let mut seen = vec![1];
    for n in 1..=5 {
        let (s, m) = send(&app, &lt, c, &format!("live {n}")).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let m = next_of(&mut ws, "message").await;
        assert_eq!(m["conversation"], c.to_string());
        seen.push(m["seq"].as_i64().unwrap());
    }
    // Reading sends the true unread count to the reader's other tabs.
    let mut other_tab = stream(&app, &tt).await;
    next_of(&mut other_tab, "hello").await;
    app.post_json(&format!("/api/v1/conversations/{c}/read"), &tt, json!({ "seq": 4 }))
        .await;
    assert_eq!(
        next_of(&mut other_tab, "unread").await["count"],
        2,
        "seqs 5 and 6 are left"
    );
    drop(other_tab);
    // The connection drops; messages sent meanwhile are not lost.
    ws.close(None).await.unwrap();
    drop(ws);
    for n in 6..=9 {
        send(&app, &lt, c, &format!("while away {n}")).await;
    }
    let mut ws = stream(&app, &tt).await;
    assert_eq!(
        next_of(&mut ws, "hello").await["unread"],
        6,
        "two left unread, four while away"
    );
    let last = *seen.last().unwrap();
    let replay: Value = app
        .get_json(&format!("/api/v1/conversations/{c}/messages?after={last}"), &tt)
        .await;
    seen.extend(
        replay["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["seq"].as_i64().unwrap()),
    );
    send(&app, &lt, c, "back live").await;
    seen.push(next_of(&mut ws, "message").await["seq"].as_i64().unwrap());
    assert_eq!(seen, (1..=11).collect::<Vec<_>>(), "gap-free and duplicate-free");
    // The sender's own stream carries their message too (their other tabs).
    let mut mine = stream(&app, &lt).await;
    next_of(&mut mine, "hello").await;
    send(&app, &lt, c, "to my tabs").await;
    assert_eq!(next_of(&mut mine, "message").await["seq"], 12);
    // Signing out ends the session's stream at the next heartbeat at the latest.
    mine.send(tokio_tungstenite::tungstenite::Message::Text(
        json!({ "kind": "typing", "data": { "conversation": c } })
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    let r = app.api(Method::DELETE, "/api/v1/session", &lt).await;
    assert!(r.status().is_success());
}

async fn receipts_and_typing_are_off_by_default_and_symmetric(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app).await;
    let c = open(&lb, teacher).await;
    assert_eq!(write(&lb, c, "hola").await, StatusCode::SEE_OTHER);
    let (me, them) = (app.principal(learner), app.principal(teacher));
    app.svc.mark_read(&them, c, None).await.unwrap();
    assert_eq!(
        app.svc.conversation(&me, c).await.unwrap().other_read_seq,
        None,
        "off by default"
    );
    let on = |receipts: &'static str| {
        let mut f = vec![("email", "digest"), ("away_message", "")];
        if !receipts.is_empty() {
            f.push(("read_receipts", "on"));
            f.push(("typing_indicators", "on"));
        }
        f
    };
    // Only the teacher sends receipts: the learner, who does not, sees none.
    let r = tb.post_form("/messages/settings", &on("on")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.svc.conversation(&me, c).await.unwrap().other_read_seq, None);
    assert_eq!(app.svc.conversation(&them, c).await.unwrap().other_read_seq, None);
    lb.post_form("/messages/settings", &on("on")).await;
    assert_eq!(app.svc.conversation(&me, c).await.unwrap().other_read_seq, Some(1));
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(page.contains(" · seen"), "{page}");
    // Typing reaches the other side's stream only while both send it.
    let lt = token(&app, "ana@example.org").await;
    let tt = token(&app, "profe@example.org").await;
    let mut theirs = stream(&app, &tt).await;
    next_of(&mut theirs, "hello").await;
    app.svc.typing(&me, c).await.unwrap();
    assert_eq!(next_of(&mut theirs, "typing").await["conversation"], c.to_string());
    lb.post_form("/messages/settings", &on("")).await;
    app.svc.typing(&me, c).await.unwrap();
    send(&app, &lt, c, "after typing").await;
    // The next frame for the teacher is the message: no typing came first.
    let frame = loop {
        let v = next_of_any(&mut theirs).await;
        if v["kind"] != "unread" {
            break v;
        }
    };
    assert_eq!(frame["kind"], "message", "{frame}");
    // Bad settings are refused beside the field.
    let (s, page) = lb
        .post_form_text("/messages/settings", &[("email", "sometimes"), ("away_message", "")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("aria-invalid") || page.contains("error"), "{page}");
}

async fn next_of_any<S>(ws: &mut S) -> Value
where
    S: futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
{
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("a frame");
        if let tokio_tungstenite::tungstenite::Message::Text(t) = frame {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}

async fn away_members_are_emailed_at_most_every_half_hour(app: TestApp) {
    let (tb, teacher, lb, _) = pair(&app).await;
    let c = open(&lb, teacher).await;
    let mails = || async { app.mails_to("profe@example.org").await.len() };
    app.deliver().await;
    let before = mails().await;
    let secret = "my secret plan for Tuesday";
    assert_eq!(write(&lb, c, secret).await, StatusCode::SEE_OTHER);
    app.deliver().await;
    assert_eq!(mails().await, before + 1, "the first message is emailed at once");
    let mail = app.last_mail_to("profe@example.org").await;
    let subject = mail.lines().find(|l| l.starts_with("Subject:")).unwrap_or_default();
    assert!(!subject.contains("secret"), "{subject}");
    assert!(!mail.contains(secret), "the text never goes by email: {mail}");
    assert!(mail.contains("Ana wrote to you"), "{mail}");
    assert!(mail.contains(&format!("/messages/{c}")), "{mail}");
    write(&lb, c, "and another thing").await;
    app.deliver().await;
    assert_eq!(mails().await, before + 1, "at most one per half hour");
    app.advance(Duration::from_secs(31 * 60));
    lb.login("ana@example.org", STRONG_PASSWORD).await;
    write(&lb, c, "still there?").await;
    app.deliver().await;
    assert_eq!(mails().await, before + 2);
    // Online (a stream open), no email; "never" means never.
    let tt = token(&app, "profe@example.org").await;
    let mut ws = stream(&app, &tt).await;
    next_of(&mut ws, "hello").await;
    app.advance(Duration::from_secs(31 * 60));
    lb.login("ana@example.org", STRONG_PASSWORD).await;
    write(&lb, c, "you are online").await;
    app.deliver().await;
    assert_eq!(mails().await, before + 2, "online: no email");
    drop(ws);
    tb.post_form("/messages/settings", &[("email", "never"), ("away_message", "")])
        .await;
    app.advance(Duration::from_secs(31 * 60));
    lb.login("ana@example.org", STRONG_PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    write(&lb, c, "hello?").await;
    app.deliver().await;
    assert_eq!(mails().await, before + 2, "never");
}

async fn an_away_teacher_answers_by_itself(app: TestApp) {
    let (tb, teacher, lb, _) = pair(&app).await;
    let r = tb
        .post_form(
            "/messages/settings",
            &[("email", "digest"), ("away_message", "On holiday until the 20th.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = open(&lb, teacher).await;
    write(&lb, c, "hola").await;
    write(&lb, c, "¿hola?").await;
    let stored = bodies(&app, c).await;
    assert_eq!(
        stored,
        [
            Some("hola".into()),
            Some("On holiday until the 20th.".into()),
            Some("¿hola?".into())
        ],
        "once per conversation"
    );
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(page.contains("Automatic reply"), "{page}");
}

async fn leaving_keeps_the_conversation_for_the_other_member(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app).await;
    let c = open(&lb, teacher).await;
    write(&lb, c, "Soy Ana y quiero aprender").await;
    write(&tb, c, "Bienvenida, Ana").await;
    // The export holds the learner's conversation: both sides' messages,
    // the teacher named by display name only.
    let files = app.svc.build_export(learner).await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(files)).unwrap();
    let mut json = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("data/messages.json").unwrap(), &mut json).unwrap();
    assert!(json.contains("Soy Ana") && json.contains("Bienvenida"), "{json}");
    assert!(
        json.contains("\"Profe\"") && !json.contains(&teacher.to_string()),
        "{json}"
    );
    // The learner leaves.
    app.svc.delete_account(&app.principal(learner)).await.expect("erased");
    let (s, page) = tb.get_text(&format!("/messages/{c}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("a former member") && page.contains("Bienvenida"),
        "{page}"
    );
    assert!(!page.contains("Soy Ana"), "{page}");
    assert!(page.contains("has left Koine"), "{page}");
    assert_eq!(bodies(&app, c).await, [None, Some("Bienvenida, Ana".into())]);
    let tt = token(&app, "profe@example.org").await;
    let (s, _) = send(&app, &tt, c, "¿Sigues ahí?").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nobody to write to");
}

/// Trust and safety decide a report from its page.
pub(crate) async fn decide_on_page(ts: &Browser, report: Uuid, outcome: &str, reason: &str) {
    let r = ts
        .post_form(
            &format!("/staff/reports/{report}"),
            &[("outcome", outcome), ("reason", reason)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "decided");
}

/// Reports the whole conversation from its page; the (only) open report.
async fn report_conversation(app: &TestApp, b: &Browser, c: Uuid, reason: &str) -> Uuid {
    let r = b
        .post_form(
            &format!("/messages/{c}/report"),
            &[("target", "conversation"), ("reason", reason), ("details", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar("SELECT id FROM message_reports WHERE status = 'open'")
        .fetch_one(p).await.unwrap())
}

async fn reports_reach_trust_and_safety_who_decide(app: TestApp) {
    let (tb, teacher, lb, _) = pair(&app).await;
    let c = open(&lb, teacher).await;
    write(&lb, c, "Hola, ¿das clases los sábados?").await;
    write(&tb, c, "Only if you pay me by bank transfer, outside Koine").await;
    let lt = token(&app, "ana@example.org").await;
    let replay: Value = app.get_json(&format!("/api/v1/conversations/{c}/messages"), &lt).await;
    let (mine, theirs) = (
        replay["messages"][0]["id"].as_str().unwrap(),
        replay["messages"][1]["id"].as_str().unwrap(),
    );
    let report = |id: &str, reason: &str| {
        let path = format!("/api/v1/messages/{id}/report");
        let body = json!({ "reason": reason, "details": "They want to be paid off the platform" });
        let (app, lt) = (&app, lt.clone());
        async move { app.post_json(&path, &lt, body).await }
    };
    assert_eq!(
        report(theirs, "nonsense").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        report(mine, "scam").await.status(),
        StatusCode::CONFLICT,
        "not one's own"
    );
    let r = report(theirs, "off_platform_payment").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id: Uuid = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        report(theirs, "scam").await.status(),
        StatusCode::CONFLICT,
        "already reported"
    );
    app.member("mallory@example.org", "Mallory").await;
    let mt = token(&app, "mallory@example.org").await;
    let r = app
        .post_json(
            &format!("/api/v1/messages/{theirs}/report"),
            &mt,
            json!({ "reason": "scam" }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "outsiders cannot report what they cannot read"
    );
    // Only trust and safety (and admins) see the queue and the messages.
    let support = app.support("support@koine.test").await;
    let (s, _) = support.get_text("/staff/reports").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = support.get_text(&format!("/staff/reports/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let ts = app
        .staff("ts@koine.test", koine_domain::staff::StaffRole::TrustSafety)
        .await;
    let (_, queue) = ts.get_text("/staff/reports").await;
    assert!(
        queue.contains(&format!("/staff/reports/{id}")) && !queue.contains("bank transfer"),
        "{queue}"
    );
    let before = app.audited("view_report").await;
    let (s, page) = ts.get_text(&format!("/staff/reports/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Only if you pay me by bank transfer") && page.contains("¿das clases"),
        "{page}"
    );
    // The two members by name, each a link to their (audited) record.
    assert!(
        page.contains(&format!("href=\"/staff/members/{teacher}\">Profe<")),
        "{page}"
    );
    assert_eq!(app.audited("view_report").await, before + 1, "opening is audited");
    // A decision needs a reason; then the teacher can no longer write.
    let (s, page) = ts
        .post_form_text(
            &format!("/staff/reports/{id}"),
            &[("outcome", "restricted"), ("reason", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"reason-error\""), "{page}");
    decide_on_page(&ts, id, "restricted", "asked for payment outside Koine").await;
    assert_eq!(write(&tb, c, "hello?").await, StatusCode::CONFLICT);
    let (_, notices) = tb.get_text("/notifications").await;
    assert!(notices.contains("stopped your account sending messages"), "{notices}");
    let r = ts
        .post_form(
            &format!("/staff/reports/{id}"),
            &[("outcome", "dismissed"), ("reason", "twice")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "decided once");
    // A whole conversation, reported from the page, and a warning.
    let second = report_conversation(&app, &tb, c, "other").await;
    ts.post_form(
        &format!("/staff/reports/{second}"),
        &[("outcome", "warned"), ("reason", "be kind")],
    )
    .await;
    let (_, notices) = lb.get_text("/notifications").await;
    assert!(notices.contains("break Koine"), "{notices}");
    let (_, closed) = ts.get_text("/staff/reports?status=closed").await;
    assert!(
        closed.contains(&format!("/staff/reports/{id}")) && closed.contains(&format!("/staff/reports/{second}")),
        "{closed}"
    );
    // The same work through the API.
    let third = report_conversation(&app, &lb, c, "spam").await;
    let st = token(&app, "support@koine.test").await;
    let r = app.api(Method::GET, "/api/v1/staff/reports", &st).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "support is not trust & safety");
    let r = app
        .api(Method::GET, &format!("/api/v1/staff/reports/{third}"), &st)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let tst = token(&app, "ts@koine.test").await;
    let queue = app.get_json("/api/v1/staff/reports", &tst).await;
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue[0]["id"], third.to_string());
    assert!(queue[0]["evidence"].is_null(), "the queue holds no messages: {queue}");
    let before = app.audited("view_report").await;
    let opened = app.get_json(&format!("/api/v1/staff/reports/{third}"), &tst).await;
    assert!(opened["evidence"].to_string().contains("bank transfer"), "{opened}");
    assert_eq!(
        (opened["reporter_name"].as_str(), opened["reported_name"].as_str()),
        (Some("Ana"), Some("Profe"))
    );
    assert_eq!(app.audited("view_report").await, before + 1, "opening is audited");
    let decide = |body: Value| {
        let (app, tst) = (&app, tst.clone());
        async move {
            app.post_json(&format!("/api/v1/staff/reports/{third}/decision"), &tst, body)
                .await
                .status()
        }
    };
    assert_eq!(
        decide(json!({"outcome": "dismissed", "note": " "})).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        decide(json!({"outcome": "pardoned", "note": "x"})).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        decide(json!({"outcome": "dismissed", "note": "checked"})).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        decide(json!({"outcome": "dismissed", "note": "again"})).await,
        StatusCode::CONFLICT
    );
    let closed = app.get_json("/api/v1/staff/reports?status=closed", &tst).await;
    assert_eq!(closed.as_array().unwrap().len(), 3, "{closed}");
    let r = app.api(Method::GET, "/api/v1/staff/reports?status=lost", &tst).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// A JPEG whose EXIF block holds `secret` (where a camera puts GPS).
fn photo_with_exif(secret: &str) -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(16, 16, image::Rgb([200, 30, 30]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
        .encode_image(&pixels)
        .unwrap();
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0".to_vec();
    exif.extend_from_slice(secret.as_bytes());
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Sends text and files through the API as `multipart/form-data`.
async fn send_files(
    app: &TestApp,
    token: &str,
    conversation: Uuid,
    body: &str,
    files: &[(&str, Vec<u8>)],
) -> (StatusCode, Value) {
    send_files_under(app, token, (conversation, &key()), body, files).await
}

/// As `send_files`, under the idempotency key given.
async fn send_files_under(
    app: &TestApp,
    token: &str,
    (conversation, key): (Uuid, &str),
    body: &str,
    files: &[(&str, Vec<u8>)],
) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new().text("body", body.to_owned());
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/conversations/{conversation}/messages")))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The files sent with messages, as the file store holds them (each one
/// indexed).
async fn stored_files(app: &TestApp) -> Vec<Vec<u8>> {
    let paths = app.stored("attachment").await;
    assert_eq!(
        app.count("objects WHERE kind = 'attachment'").await,
        paths.len() as i64,
        "{paths:?}"
    );
    paths
        .iter()
        .map(|p| std::fs::read(app.data_dir().join("files").join(p)).unwrap())
        .collect()
}

async fn files_go_only_after_a_confirmed_lesson_and_only_to_the_two(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app).await;
    let lt = token(&app, "ana@example.org").await;
    let tt = token(&app, "profe@example.org").await;
    let c = open(&lb, teacher).await;
    let pdf = koine_testkit::tiny_pdf("Deberes para el martes");
    let secret = "GPS-40.4168N-3.7038W";
    let photo = photo_with_exif(secret);

    // Before a confirmed lesson: refused, nothing stored; the page says when.
    let (s, problem) = send_files(&app, &lt, c, "Mis deberes", &[("deberes.pdf", pdf.clone())]).await;
    assert_eq!(s, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "attachments-need-lesson");
    assert!(bodies(&app, c).await.is_empty() && stored_files(&app).await.is_empty());
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(
        page.contains("once you have a confirmed lesson") && !page.contains("name=\"files\""),
        "{page}"
    );

    // A confirmed lesson opens the way.
    app.top_up(&lb, "50.00").await;
    let at = app.open_slots(teacher, 60, 14).await[0];
    let lesson = app.book(&lb, teacher, at).await;
    let (s, _) = send_files(&app, &lt, c, "Mis deberes", &[("deberes.pdf", pdf.clone())]).await;
    assert_eq!(s, StatusCode::CONFLICT, "a requested lesson is not confirmed");
    app.step_ok(&tb, lesson, "confirm").await;
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(
        page.contains("name=\"files\"") && page.contains("multipart/form-data"),
        "{page}"
    );

    // Bad files: a clear refusal each, nothing stored.
    let (s, problem) = send_files(&app, &lt, c, "x", &[("run.exe", b"MZ\x90\0binary".to_vec())]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "files");
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("a.pdf", pdf.clone())).collect();
    let (s, problem) = send_files(&app, &lt, c, "x", &six).await;
    assert_eq!(problem["errors"][0]["code"], "too-many", "{problem}");
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let big = vec![b'%'; 10 * 1024 * 1024 + 1];
    let (s, _) = send_files(&app, &lt, c, "x", &[("big.pdf", big)]).await;
    assert!(
        matches!(s, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE),
        "{s}"
    );
    let (s, problem) = send_files(&app, &lt, c, " ", &[]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "neither text nor file: {problem}");
    assert!(bodies(&app, c).await.is_empty() && stored_files(&app).await.is_empty());

    // A PDF and a photo, with a text; the photo's metadata does not survive.
    let (s, m) = send_files(
        &app,
        &lt,
        c,
        "Mis deberes",
        &[
            ("C:\\fakepath\\deberes.pdf", pdf.clone()),
            ("IMG_0001.JPG", photo.clone()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let files = m["attachments"].as_array().unwrap().clone();
    assert_eq!(files.len(), 2, "{m}");
    assert_eq!(files[0]["name"], "deberes.pdf");
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(files[1]["name"], "IMG_0001.jpg");
    assert_eq!(files[1]["content_type"], "image/jpeg");
    let (pdf_id, photo_id) = (files[0]["id"].as_str().unwrap(), files[1]["id"].as_str().unwrap());
    // Sealed at rest: neither the document nor the picture is readable in
    // the file store, nor kept in the database.
    let files_in_rows = app.count("message_attachments WHERE file_enc IS NOT NULL").await;
    assert_eq!(files_in_rows, 0);
    let prefix = format!("p/{learner}/attachment/");
    let mine = app.stored("attachment").await;
    assert!(
        mine.len() == 2 && mine.iter().all(|p| p.starts_with(&prefix)),
        "{mine:?}"
    );
    for sealed in stored_files(&app).await {
        let text = String::from_utf8_lossy(&sealed);
        assert!(!text.contains("Deberes para el martes") && !text.contains("%PDF") && !text.contains(secret));
    }

    // The other member opens both, through the API and the page.
    let r = app
        .api(Method::GET, &format!("/api/v1/attachments/{pdf_id}"), &tt)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"deberes.pdf\"")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let r = tb.get(&format!("/messages/{c}/files/{photo_id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let clean = r.bytes().await.unwrap().to_vec();
    assert!(!String::from_utf8_lossy(&clean).contains(secret), "EXIF dropped");
    assert_ne!(clean, photo);
    let decoded = image::load_from_memory(&clean).expect("still a picture");
    assert_eq!((decoded.width(), decoded.height()), (16, 16));
    let (_, page) = tb.get_text(&format!("/messages/{c}")).await;
    assert!(
        page.contains(&format!("src=\"/messages/{c}/files/{photo_id}\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/messages/{c}/files/{pdf_id}\" download>deberes.pdf<")),
        "{page}"
    );
    let replay = app
        .get_json(&format!("/api/v1/conversations/{c}/messages?after=0"), &tt)
        .await;
    assert_eq!(
        replay["messages"][0]["attachments"].as_array().unwrap().len(),
        2,
        "{replay}"
    );

    // Nobody else: another member, a visitor, the wrong conversation.
    app.member("mallory@example.org", "Mallory").await;
    let mt = token(&app, "mallory@example.org").await;
    let r = app
        .api(Method::GET, &format!("/api/v1/attachments/{pdf_id}"), &mt)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let mb = app.browser();
    mb.login("mallory@example.org", STRONG_PASSWORD).await;
    assert_eq!(
        mb.get(&format!("/messages/{c}/files/{pdf_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = reqwest::get(app.url(&format!("/api/v1/attachments/{pdf_id}")))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.browser().get(&format!("/messages/{c}/files/{pdf_id}")).await;
    assert_eq!(r.headers()["location"], "/login");
    let other = Uuid::now_v7();
    assert_eq!(
        tb.get(&format!("/messages/{other}/files/{pdf_id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // From the page without JavaScript: a multipart form with its CSRF token.
    let form = |csrf: String| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("idempotency_key", key())
            .text("body", "")
            .part(
                "files",
                reqwest::multipart::Part::bytes(pdf.clone()).file_name("hoja.pdf"),
            )
    };
    let r = tb
        .client
        .post(app.url(&format!("/messages/{c}")))
        .multipart(form("forged".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the CSRF token is checked");
    let r = tb
        .client
        .post(app.url(&format!("/messages/{c}")))
        .multipart(form(tb.csrf().await))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_files(&app).await.len(), 3);

    // Each member's copy of their data holds the files of the conversation.
    for who in [learner, teacher] {
        let archive = app.svc.build_export(who).await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        let in_archive: Vec<Vec<u8>> = names
            .iter()
            .filter(|n| n.starts_with("files/attachment-"))
            .map(|n| {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut zip.by_name(n).unwrap(), &mut bytes).unwrap();
                bytes
            })
            .collect();
        assert_eq!(in_archive.len(), 3, "{names:?}");
        assert!(in_archive.contains(&pdf) && in_archive.contains(&clean));
    }

    // The learner leaves: their files go with their key; the teacher's stays.
    app.svc.delete_account(&app.principal(learner)).await.expect("erased");
    let r = app
        .api(Method::GET, &format!("/api/v1/attachments/{pdf_id}"), &tt)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(stored_files(&app).await.len(), 1, "only the teacher's file is left");
    let (_, page) = tb.get_text(&format!("/messages/{c}")).await;
    assert!(
        !page.contains(&photo_id.to_string()) && page.contains("hoja.pdf"),
        "{page}"
    );
}

/// Erasure under an open report: what the report covers keeps its text and
/// files (no longer naming the sender, the files sealed under a key of
/// their own) until the report is decided; the rest goes at once.
async fn an_open_report_keeps_what_a_leaving_member_sent_until_it_is_decided(app: TestApp) {
    let Lessoned {
        tb,
        teacher,
        lb,
        c,
        lt,
        tt,
        ..
    } = after_a_lesson(&app).await;
    write(&lb, c, "Hola, ¿qué hacemos el martes?").await;
    let pdf = koine_testkit::tiny_pdf("Una amenaza en un PDF");
    // Sent twice at once under one key (a retry racing the first try): one
    // message, and one copy of its file left in the store.
    let once = key();
    let files = [("amenaza.pdf", pdf.clone())];
    let ((s, sent), (again, resent)) = tokio::join!(
        send_files_under(&app, &tt, (c, &once), "Un mensaje ofensivo", &files),
        send_files_under(&app, &tt, (c, &once), "Un mensaje ofensivo", &files)
    );
    assert_eq!(
        (s, again),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{sent} {resent}"
    );
    assert_eq!(sent["id"], resent["id"]);
    let file = sent["attachments"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(resent["attachments"][0]["id"], file.as_str());
    // (The second try's copy leaves the store just after its answer.)
    let mut copies = app.stored("attachment").await.len();
    for _ in 0..50 {
        if copies == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        copies = app.stored("attachment").await.len();
    }
    assert_eq!(copies, 1, "the second try's file leaves the store");
    assert_eq!(stored_files(&app).await.len(), 1);
    let report = report_conversation(&app, &lb, c, "harassment").await;
    // Written after the report: not covered by it.
    assert_eq!(send(&app, &tt, c, "Y otro después").await.0, StatusCode::CREATED);

    // The page that deletes an account says so before it happens.
    let (_, page) = tb.get_text("/settings/delete").await;
    assert!(
        page.contains("no longer naming you, until the report is decided"),
        "{page}"
    );
    app.svc.delete_account(&app.principal(teacher)).await.expect("erased");
    assert_eq!(
        bodies(&app, c).await,
        [
            Some("Hola, ¿qué hacemos el martes?".into()),
            Some("Un mensaje ofensivo".into()),
            None
        ]
    );
    let senders: Vec<Uuid> = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(
        "SELECT sender_id FROM messages WHERE conversation_id = $1 ORDER BY seq").bind(c).fetch_all(p).await.unwrap());
    assert!(!senders.contains(&teacher), "kept messages no longer name the sender");
    assert_eq!(senders[1], senders[2], "one pseudonym per erasure");
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(
        page.contains("a former member") && page.contains("Un mensaje ofensivo"),
        "{page}"
    );
    // The kept file still opens for the other member, under its new key.
    let opened = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/attachments/{file}")))
        .bearer_auth(&lt)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), StatusCode::OK);
    assert_eq!(opened.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let held: i64 = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM held_erasures WHERE wrapped_key IS NOT NULL").fetch_one(p).await.unwrap());
    assert_eq!(held, 1);
    // In the store it lies under the pseudonym's folder; the teacher's
    // folder is empty.
    let pseudonym = senders[1];
    assert_eq!(
        app.stored("attachment").await,
        [format!("p/{pseudonym}/attachment/{file}")]
    );
    assert_eq!(stored_files(&app).await.len(), 1);
    let left = app.svc.files.list(&format!("p/{teacher}/")).await.unwrap();
    assert!(left.is_empty(), "{left:?}");

    // Trust and safety open the report's files from it, each opening audited;
    // nobody else, and nothing it does not cover.
    let ts = app
        .staff("ts@koine.test", koine_domain::staff::StaffRole::TrustSafety)
        .await;
    let (_, page) = ts.get_text(&format!("/staff/reports/{report}")).await;
    let link = format!("/staff/reports/{report}/files/{file}");
    assert!(page.contains(&link) && page.contains("amenaza.pdf"), "{page}");
    let before = app.audited("view_report_file").await;
    let r = ts.get(&link).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
    assert_eq!(app.audited("view_report_file").await, before + 1);
    let support = app.support("support@koine.test").await;
    assert_eq!(support.get(&link).await.status(), StatusCode::FORBIDDEN);
    let elsewhere = format!("/staff/reports/{report}/files/{}", Uuid::now_v7());
    assert_eq!(ts.get(&elsewhere).await.status(), StatusCode::NOT_FOUND);
    let tst = token(&app, "ts@koine.test").await;
    let opened = app.get_json(&format!("/api/v1/staff/reports/{report}"), &tst).await;
    assert_eq!(opened["files"][0]["id"], file.as_str(), "{opened}");
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/staff/reports/{report}/files/{file}")))
        .bearer_auth(&tst)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // The decision ends the hold: text, file and key go.
    decide_on_page(&ts, report, "dismissed", "the sender has left").await;
    assert_eq!(
        bodies(&app, c).await,
        [Some("Hola, ¿qué hacemos el martes?".into()), None, None]
    );
    assert!(stored_files(&app).await.is_empty(), "the kept file is deleted");
    assert_eq!(app.count("object_deletions").await, 0, "nothing is owed to the store");
    let held: i64 = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM held_erasures").fetch_one(p).await.unwrap());
    assert_eq!(held, 0, "the unfinished erasure is finished, its key destroyed");
    let (_, page) = lb.get_text(&format!("/messages/{c}")).await;
    assert!(!page.contains("Un mensaje ofensivo"), "{page}");
}

/// Files an earlier version sealed into their rows (under the sender's
/// key) move into the file store when nodes start: once, though two start
/// at the same moment, and they still open for the other member.
async fn files_sealed_into_rows_by_earlier_versions_move_into_the_store(app: TestApp) {
    let Lessoned { learner, c, lt, tt, .. } = after_a_lesson(&app).await;
    let pdf = koine_testkit::tiny_pdf("Deberes de antes");
    let (s, sent) = send_files(&app, &lt, c, "", &[("antes.pdf", pdf.clone())]).await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    let file: Uuid = sent["attachments"][0]["id"].as_str().unwrap().parse().unwrap();

    // As an earlier version kept it: sealed into its row under the
    // sender's key, with no file in the store.
    let wrapped = {
        let mut c = app.svc.db.acquire().await.unwrap();
        koine_store::repo::keys::get(c.conn(), learner).await.unwrap().unwrap()
    };
    let key = app.svc.keys.unwrap_subject_key(learner, &wrapped).unwrap();
    let sealed = koine_services::crypto::seal_field(&key, learner, koine_services::attachments::SEALED_AS, &pdf);
    koine_testkit::on_db!(&app.svc.db, p => {
        sqlx::query("UPDATE message_attachments SET file_enc = $1").bind(&sealed).execute(p).await.unwrap();
        sqlx::query("DELETE FROM objects WHERE kind = 'attachment'").execute(p).await.unwrap().rows_affected()
    });
    std::fs::remove_dir_all(app.data_dir().join("files").join(format!("p/{learner}/attachment"))).unwrap();
    let r = app.api(Method::GET, &format!("/api/v1/attachments/{file}"), &tt).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "nothing in the store yet");

    let _nodes = tokio::join!(app.another_node(), app.another_node());
    assert_eq!(stored_files(&app).await.len(), 1);
    assert_eq!(app.count("message_attachments WHERE file_enc IS NOT NULL").await, 0);
    let r = app.api(Method::GET, &format!("/api/v1/attachments/{file}"), &tt).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
}

/// In cluster mode (an S3 store every node shares): a file sent through one
/// node opens through another, and an erasure through that other node
/// hands the file an open report keeps to the erasure's own folder (a copy
/// within the store), empties the sender's, and the decision empties that.
async fn a_kept_file_is_handed_over_in_the_shared_store(app: TestApp) {
    let node = app.another_node().await;
    let Lessoned {
        teacher, lb, c, lt, tt, ..
    } = after_a_lesson(&app).await;
    let pdf = koine_testkit::tiny_pdf("Una amenaza compartida");
    let (s, sent) = send_files(&app, &tt, c, "", &[("amenaza.pdf", pdf.clone())]).await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    let file = sent["attachments"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/attachments/{file}");
    let r = download(&node.base, &path, &lt).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let report = report_conversation(&app, &lb, c, "harassment").await;

    node.svc.delete_account(&app.principal(teacher)).await.expect("erased");
    let teachers = koine_testkit::listed_once_deleted(&node.svc.files, &format!("p/{teacher}/")).await;
    assert!(teachers.is_empty(), "{teachers:?}");
    let kept = app.stored("attachment").await;
    assert!(kept.len() == 1 && kept[0].ends_with(&file), "{kept:?}");
    let r = download(&app.base, &path, &lt).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());

    let ts = app
        .staff("ts@koine.test", koine_domain::staff::StaffRole::TrustSafety)
        .await;
    decide_on_page(&ts, report, "dismissed", "the sender has left").await;
    assert!(
        app.stored_once_deleted("attachment").await.is_empty(),
        "the kept file left the store"
    );
    assert_eq!(download(&node.base, &path, &lt).await.status(), StatusCode::NOT_FOUND);
}
