//! Concurrency, settled by the database on both backends: a thousand
//! parallel requests for one slot make one booking, fifty parallel spends
//! never overdraw a wallet, and a teacher cannot accept two new times that
//! overlap.

use crate::api::token;
use jiff::Timestamp;
use koine_domain::refusal::Refusal;
use koine_testkit::lessons::slot_after;
use koine_testkit::{TestApp, both_backends};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

both_backends!(
    a_thousand_parallel_requests_book_one_slot,
    fifty_parallel_spends_never_overdraw_a_wallet,
    overlapping_new_times_cannot_both_be_accepted
);

/// Sends `bodies` to `path` all at once, each with its own idempotency key.
async fn all_at_once(app: &TestApp, path: &str, calls: Vec<(String, Value)>) -> Vec<(StatusCode, Value)> {
    let client = Client::new();
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(calls.len()));
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|(token, body)| {
            let (client, gate, url) = (client.clone(), gate.clone(), app.url(path));
            tokio::spawn(async move {
                gate.wait().await;
                let r = client
                    .post(url)
                    .bearer_auth(token)
                    .header("Idempotency-Key", Uuid::now_v7().to_string())
                    .json(&body)
                    .send()
                    .await
                    .expect("a response");
                let s = r.status();
                (s, r.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn codes(results: &[(StatusCode, Value)]) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for (s, body) in results {
        *m.entry(format!("{} {}", s.as_u16(), body["code"].as_str().unwrap_or("")))
            .or_default() += 1;
    }
    m
}

async fn a_thousand_parallel_requests_book_one_slot(app: TestApp) {
    // A burst like this meets the production pool size, not the small one
    // the other tests share a database server with.
    let app = TestApp::spawn_with(app.backend, |c| c.db_max_connections = None).await;
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    let mut learners = Vec::new();
    for i in 0..10 {
        let email = format!("learner{i}@example.org");
        let b = app.member(&email, "Learner").await;
        app.top_up(&b, "20.00").await;
        learners.push((app.account_id(&email).await, token(&app, &email).await));
    }
    let at = app.open_slots(teacher, 60, 14).await[0];
    let offering = app.offering_of(teacher).await;
    let body = json!({ "teacher": teacher, "offering": offering, "kind": "single", "starts_at": at.to_string() });
    let calls = (0..1000)
        .map(|i| (learners[i % learners.len()].1.clone(), body.clone()))
        .collect();
    let results = all_at_once(&app, "/api/v1/lessons", calls).await;
    let seen = codes(&results);
    let booked = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(booked, 1, "{seen:?}");
    // Everyone else was told the time is taken; nothing failed.
    assert!(
        results.iter().all(|(s, b)| *s == StatusCode::CREATED
            || (*s == StatusCode::CONFLICT && matches!(b["code"].as_str(), Some("slot-taken" | "slot-not-available")))),
        "{seen:?}"
    );
    assert_eq!(app.count("lessons").await, 1);
    let mut credit = 0;
    for (id, _) in &learners {
        credit += app.credit(*id).await;
    }
    assert_eq!(credit, 10 * 2000 - 2000, "one price held, nobody else charged");
    app.assert_books_sound().await;
}

async fn fifty_parallel_spends_never_overdraw_a_wallet(app: TestApp) {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    app.open_every_day(&tb).await;
    let b = app.member("ana@example.org", "Ana").await;
    let me = app.account_id("ana@example.org").await;
    app.top_up(&b, "100.00").await;
    let t = token(&app, "ana@example.org").await;
    // Fifty lessons at times that do not overlap, each 20.00; five of them
    // five-lesson packages at 95.00 instead.
    let slots: Vec<Timestamp> = app.open_slots(teacher, 60, 14).await.into_iter().step_by(2).collect();
    assert!(slots.len() >= 45);
    let offering = app.offering_of(teacher).await;
    let lessons: Vec<(String, Value)> = slots[..45]
        .iter()
        .map(|at| {
            (
                t.clone(),
                json!({ "teacher": teacher, "offering": offering, "kind": "single", "starts_at": at.to_string() }),
            )
        })
        .collect();
    let packages: Vec<(String, Value)> = (0..5)
        .map(|_| (t.clone(), json!({ "offering": offering, "lessons": 5 })))
        .collect();
    let (a, b2) = tokio::join!(
        all_at_once(&app, "/api/v1/lessons", lessons),
        all_at_once(&app, "/api/v1/packages", packages)
    );
    let results: Vec<_> = a.iter().chain(b2.iter()).cloned().collect();
    let seen = codes(&results);
    assert!(
        results.iter().all(|(s, body)| *s == StatusCode::CREATED
            || (*s == StatusCode::PAYMENT_REQUIRED && body["code"] == "insufficient-funds")),
        "{seen:?}"
    );
    let spent_on_lessons = 2000 * app.count("lessons").await;
    let spent_on_packages = 9500 * app.count("lesson_packages").await;
    let left = app.credit(me).await;
    assert!(left >= 0, "{left}");
    assert_eq!(left, 10000 - spent_on_lessons - spent_on_packages, "{seen:?}");
    assert!(left < 2000, "spent until nothing more fit: {left}");
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert!((1..=5).contains(&created), "{seen:?}");
    app.assert_books_sound().await;
}

async fn overlapping_new_times_cannot_both_be_accepted(app: TestApp) {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    app.open_every_day(&tb).await;
    let slots = app.open_slots(teacher, 60, 14).await;
    let first = slot_after(&slots, slots[0], 72);
    let second = slot_after(&slots, first, 24);
    let wanted = slot_after(&slots, second, 48);
    let mut lessons = Vec::new();
    for (i, at) in [first, second].into_iter().enumerate() {
        let email = format!("learner{i}@example.org");
        let b = app.member(&email, "Learner").await;
        app.top_up(&b, "20.00").await;
        let lesson = app.book(&b, teacher, at).await;
        app.step_ok(&tb, lesson, "confirm").await;
        // Each learner asks for the same new time, free when asked.
        let r = b
            .post_form(
                &format!("/lessons/{lesson}/propose"),
                &[(
                    "starts_at",
                    &wanted
                        .to_zoned(jiff::tz::TimeZone::UTC)
                        .strftime("%Y-%m-%dT%H:%M")
                        .to_string(),
                )],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let proposal = app
            .scalar_uuid("SELECT id FROM reschedule_proposals WHERE lesson_id = $1", lesson)
            .await;
        lessons.push((lesson, proposal));
    }
    // The teacher accepts both at once (two tabs): one wins.
    let p = app.principal(teacher);
    let (x, y) = tokio::join!(
        app.svc.answer_new_time(&p, lessons[0].1, true),
        app.svc.answer_new_time(&p, lessons[1].1, true)
    );
    let outcomes = [x, y];
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, Err(koine_services::Error::Refused(Refusal::SlotTaken)))),
        "{outcomes:?}"
    );
    let mut at_wanted = 0;
    for (lesson, _) in &lessons {
        let start = app
            .scalar_i64("SELECT starts_at FROM lessons WHERE id = $1", *lesson)
            .await;
        at_wanted += i64::from(start == wanted.as_microsecond());
        assert_eq!(app.lesson_status(*lesson).await, "confirmed");
    }
    assert_eq!(at_wanted, 1);
}
