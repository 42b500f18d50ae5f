//! The lesson lifecycle through the pages, with a set clock: requests
//! answered, expired, withdrawn and cancelled; lessons that end, complete
//! and are reviewed; problems settled by staff; new times; trials,
//! packages and coupons; reminders, notices and the calendar feed.

use jiff::{SignedDuration, Timestamp};
use koine_domain::staff::StaffRole;
use koine_testkit::lessons::{key, slot_after};
use koine_testkit::{Browser, TestApp, both_backends};
use reqwest::StatusCode;
use uuid::Uuid;

both_backends!(
    a_lesson_goes_from_request_to_review,
    requests_are_answered_or_expire_and_refund,
    cancellation_follows_the_policy,
    problems_are_settled_between_members_or_by_staff,
    new_times_need_the_other_sides_yes,
    trials_packages_and_coupons,
    the_calendar_feed_is_secret_and_revocable,
    leaving_ends_lessons_and_forfeits_what_is_left,
    mail_names_the_other_side_as_they_are_when_sent
);

const HOUR: SignedDuration = SignedDuration::from_hours(1);

/// A teacher and a learner with `credit` in their wallet.
async fn pair(app: &TestApp, credit: &str) -> (Browser, Uuid, Browser, Uuid) {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    let lb = app.member("ana@example.org", "Ana").await;
    let learner = app.account_id("ana@example.org").await;
    app.top_up(&lb, credit).await;
    (tb, teacher, lb, learner)
}

async fn status_after(app: &TestApp, lesson: Uuid, expected: &str) {
    assert_eq!(app.lesson_status(lesson).await, expected);
}

async fn a_lesson_goes_from_request_to_review(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app, "50.00").await;
    // More than a day ahead, so that the day-before reminder is still to
    // come: the first free slot can be only the 12 hours' notice away.
    let at = slot_after(&app.open_slots(teacher, 60, 14).await, app.svc.clock.now(), 24);
    // The checkout shows what is booked and what it costs.
    let offering = app.offering_of(teacher).await;
    let (s, page) = lb
        .get_text(&format!("/teachers/{teacher}/book?offering={offering}&starts_at={at}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("20.00"), "{page}");
    // A malformed lesson type is refused, not dropped (as the API does).
    let r = app.book_at(&lb, teacher, at, &[("offering", "not-an-id")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("lessons").await, 0);
    // Every field's error at once: a lesson kind not offered, no time chosen.
    let r = app
        .book_at(&lb, teacher, at, &[("kind", "bogus"), ("starts_at", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    let i18n = |k: &str| koine_services::i18n::t(koine_domain::profile::UiLocale::En, k);
    assert!(page.contains(&i18n("error-choose-a-time")), "{page}");
    assert!(page.contains(&i18n("error-invalid-choice")), "{page}");
    let r = app.book_at(&lb, teacher, at, &[("note", "Subjunctive, please")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let lesson = koine_testkit::lessons::location_id(&r);
    // The price is held: out of the wallet, not yet the teacher's.
    assert_eq!(app.credit(learner).await, 3000);
    assert_eq!(app.earned(teacher).await, 0);
    status_after(&app, lesson, "requested").await;
    // The teacher hears of it in Koine and by email, with the event.
    let (_, notices) = tb.get_text("/notifications").await;
    assert!(notices.contains("New lesson request: Spanish with Ana"), "{notices}");
    let mail = app.last_mail_to("profe@example.org").await;
    assert!(mail.contains("New lesson request: Spanish with Ana"), "{mail}");
    // The name is put in as the mail is sent: the calendar event too.
    assert!(
        mail.contains("SUMMARY:Spanish lesson with Ana") && !mail.contains("{about}"),
        "{mail}"
    );
    assert!(
        mail.contains("BEGIN:VCALENDAR") && mail.contains("STATUS:TENTATIVE"),
        "{mail}"
    );
    let (_, page) = tb.get_text(&format!("/lessons/{lesson}")).await;
    assert!(page.contains("Subjunctive, please"), "{page}");
    // Someone else sees nothing of it.
    let other = app.member("eve@example.org", "Eve").await;
    assert_eq!(
        other.get(&format!("/lessons/{lesson}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = app.lesson_step(&other, lesson, "confirm", &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The learner cannot accept their own request.
    let r = app.lesson_step(&lb, lesson, "confirm", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    app.step_ok(&tb, lesson, "confirm").await;
    status_after(&app, lesson, "confirmed").await;
    let mail = app.last_mail_to("ana@example.org").await;
    assert!(
        mail.contains("Confirmed") && mail.contains("STATUS:CONFIRMED"),
        "{mail}"
    );

    // Reminders a day and an hour before, to both, once each.
    app.advance_to(at - SignedDuration::from_hours(23));
    assert_eq!(app.timers().await.reminders, 1);
    assert_eq!(app.timers().await.reminders, 0, "once");
    for who in ["ana@example.org", "profe@example.org"] {
        assert!(app.last_mail_to(who).await.contains("Reminder"), "{who}");
    }
    app.advance_to(at - SignedDuration::from_mins(50));
    assert_eq!(app.timers().await.reminders, 1);
    assert!(
        app.last_mail_to("profe@example.org")
            .await
            .contains("Starting within the hour")
    );
    // Once started it cannot be cancelled.
    app.advance_to(at + SignedDuration::from_mins(5));
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    tb.login("profe@example.org", koine_testkit::STRONG_PASSWORD).await;
    let r = app.lesson_step(&lb, lesson, "cancel", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // After the end it awaits the learner's word; reviewing waits for it.
    app.advance_to(at + HOUR + SignedDuration::from_mins(1));
    assert_eq!(app.timers().await.ended, 1);
    status_after(&app, lesson, "awaiting_confirmation").await;
    let r = lb
        .post_form(&format!("/lessons/{lesson}/review"), &[("rating", "5"), ("body", "")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    app.step_ok(&lb, lesson, "confirm_completion").await;
    status_after(&app, lesson, "completed").await;
    // 20.00 released: 17.00 to the teacher, 3.00 commission.
    assert_eq!(app.earned(teacher).await, 1700);
    assert_eq!(
        app.svc.balance(koine_domain::ledger::Account::Revenue).await.unwrap(),
        300
    );
    assert!(app.last_mail_to("profe@example.org").await.contains("is completed"));

    // One review, with bad input refused; the teacher replies once.
    for (rating, body) in [("6", "x"), ("zero", "x"), ("4", &"long ".repeat(500)[..])] {
        let r = lb
            .post_form(
                &format!("/lessons/{lesson}/review"),
                &[("rating", rating), ("body", body)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{rating}");
    }
    let r = lb
        .post_form(
            &format!("/lessons/{lesson}/review"),
            &[("rating", "4"), ("body", "Patient and well prepared")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = lb
        .post_form(
            &format!("/lessons/{lesson}/review"),
            &[("rating", "1"), ("body", "again")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "reviewing twice");
    let review = app
        .scalar_uuid("SELECT id FROM reviews WHERE lesson_id = $1", lesson)
        .await;
    let r = lb
        .post_form(&format!("/reviews/{review}/reply"), &[("reply", "Not mine to answer")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = tb
        .post_form(&format!("/reviews/{review}/reply"), &[("reply", "¡Gracias, Ana!")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = tb
        .post_form(&format!("/reviews/{review}/reply"), &[("reply", "Again")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Shown on the homepage and used by search.
    let (_, home) = app.browser().get_text(&format!("/teachers/{teacher}")).await;
    assert!(
        home.contains("Patient and well prepared") && home.contains("¡Gracias, Ana!"),
        "{home}"
    );
    let found: serde_json::Value = app.browser().get_json("/api/v1/teachers?min_rating=4").await;
    assert!(found.to_string().contains(&teacher.to_string()), "{found}");
    let found: serde_json::Value = app.browser().get_json("/api/v1/teachers?min_rating=5").await;
    assert!(!found.to_string().contains(&teacher.to_string()), "{found}");
    // The history records every step and who took it.
    let events = app.rows_about("lesson_events", "lesson_id", lesson).await;
    assert_eq!(events, 4, "request, confirm, end, confirm_completion");
    app.assert_books_sound().await;
}

async fn requests_are_answered_or_expire_and_refund(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app, "100.00").await;
    let slots = app.open_slots(teacher, 60, 14).await;
    // Declined and withdrawn requests give everything back at once, and
    // free the time.
    let declined = app.book(&lb, teacher, slots[0]).await;
    app.step_ok(&tb, declined, "decline").await;
    status_after(&app, declined, "declined").await;
    assert_eq!(app.credit(learner).await, 10000);
    assert!(app.open_slots(teacher, 60, 14).await.contains(&slots[0]));
    let withdrawn = app.book(&lb, teacher, slots[0]).await;
    let r = app.lesson_step(&tb, withdrawn, "withdraw", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "only the learner withdraws");
    app.step_ok(&lb, withdrawn, "withdraw").await;
    assert_eq!(app.credit(learner).await, 10000);
    // While a request is open the time is held.
    let requested = app.svc.clock.now();
    let open = app.book(&lb, teacher, slots[0]).await;
    assert!(!app.open_slots(teacher, 60, 14).await.contains(&slots[0]));
    let r = app.book_at(&lb, teacher, slots[0], &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Unanswered, it expires after 48 hours (or at the start, if sooner)
    // and is refunded; confirming it then is refused.
    let due = (requested + SignedDuration::from_hours(48)).min(slots[0]);
    app.advance_to(due - SignedDuration::from_mins(1));
    assert_eq!(app.timers().await.expired, 0);
    app.advance_to(due + SignedDuration::from_mins(1));
    // Too late to accept, even before the timer has run.
    tb.login("profe@example.org", koine_testkit::STRONG_PASSWORD).await;
    let r = app.lesson_step(&tb, open, "confirm", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("The time to answer this request has passed"), "{page}");
    assert_eq!(app.timers().await.expired, 1);
    status_after(&app, open, "expired").await;
    assert_eq!(app.credit(learner).await, 10000);
    let r = app.lesson_step(&tb, open, "confirm", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Both heard of each outcome.
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    let (_, notices) = lb.get_text("/notifications").await;
    for phrase in ["was declined", "was withdrawn", "expired unanswered"] {
        assert!(notices.contains(phrase), "{phrase}: {notices}");
    }
    // Impossible or unknown steps are refused plainly.
    let r = app.lesson_step(&lb, open, "withdraw", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app.lesson_step(&lb, open, "teleport", &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = lb
        .post_form(
            &format!("/lessons/{open}/actions/withdraw"),
            &[("idempotency_key", "no")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("lessons").await, 3);
    app.assert_books_sound().await;
}

async fn cancellation_follows_the_policy(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app, "100.00").await;
    app.open_every_day(&tb).await;
    let slots = app.open_slots(teacher, 60, 14).await;
    let after = |from: Timestamp, hours: i64| slot_after(&slots, from, hours);
    let now = app.svc.clock.now();
    // Each time is found from the one before, so no two are the same slot
    // (the teacher's day in Tokyo leaves a gap in the slots).
    let a_at = after(now, 72);
    let b_at = after(a_at, 24);
    // More than 24 hours before: free for either side.
    let (a, b) = (app.book(&lb, teacher, a_at).await, app.book(&lb, teacher, b_at).await);
    for l in [a, b] {
        app.step_ok(&tb, l, "confirm").await;
    }
    app.step_ok(&lb, a, "cancel").await;
    app.step_ok(&tb, b, "cancel").await;
    assert_eq!(app.credit(learner).await, 10000);
    // Inside 24 hours: a learner's cancellation pays the teacher (the
    // default policy refunds nothing); a teacher's refunds in full.
    let late_at = after(b_at, 24);
    let later_at = after(late_at, 3);
    let late_l = app.book(&lb, teacher, late_at).await;
    let late_t = app.book(&lb, teacher, later_at).await;
    for l in [late_l, late_t] {
        app.step_ok(&tb, l, "confirm").await;
    }
    app.advance_to(late_at - SignedDuration::from_hours(2));
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    tb.login("profe@example.org", koine_testkit::STRONG_PASSWORD).await;
    let (_, page) = lb.get_text(&format!("/lessons/{late_l}")).await;
    assert!(page.contains("24 hours"), "the policy is shown: {page}");
    app.step_ok(&lb, late_l, "cancel").await;
    app.step_ok(&tb, late_t, "cancel").await;
    assert_eq!(app.credit(learner).await, 10000 - 2000);
    assert_eq!(app.earned(teacher).await, 1700);
    let late: Vec<bool> = {
        let sql = "SELECT late_cancellation FROM lessons WHERE id IN ($1, $2) ORDER BY starts_at";
        koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sql) .bind(late_l) .bind(late_t) .fetch_all(p) .await .unwrap())
    };
    assert_eq!(late, [true, true]);
    // Cancelled twice: refused, nothing moves.
    let r = app.lesson_step(&lb, late_l, "cancel", &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(app.credit(learner).await, 8000);
    app.assert_books_sound().await;
}

/// A partial refund of a late cancellation, under an operator's policy.
#[tokio::test]
async fn a_configured_late_refund_is_split() {
    let app = TestApp::spawn_with(koine_testkit::Backend::Sqlite, |c| {
        c.late_cancellation_refund_percent = 50;
    })
    .await;
    let (tb, teacher, lb, learner) = pair(&app, "20.00").await;
    let at = app.open_slots(teacher, 60, 14).await[0];
    let lesson = app.book(&lb, teacher, at).await;
    app.step_ok(&tb, lesson, "confirm").await;
    app.advance_to(at - SignedDuration::from_hours(3));
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    app.step_ok(&lb, lesson, "cancel").await;
    assert_eq!(app.credit(learner).await, 1000);
    assert_eq!(app.earned(teacher).await, 850);
    app.assert_books_sound().await;
}

async fn problems_are_settled_between_members_or_by_staff(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app, "100.00").await;
    app.open_every_day(&tb).await;
    let slots = app.open_slots(teacher, 60, 3).await;
    let (quiet, refunded, disputed, lapsed) = (
        app.book(&lb, teacher, slots[0]).await,
        app.book(&lb, teacher, slots[2]).await,
        app.book(&lb, teacher, slots[4]).await,
        app.book(&lb, teacher, slots[6]).await,
    );
    for l in [quiet, refunded, disputed, lapsed] {
        app.step_ok(&tb, l, "confirm").await;
    }
    app.advance_to(slots[6] + SignedDuration::from_hours(2));
    assert_eq!(app.timers().await.ended, 4);
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    tb.login("profe@example.org", koine_testkit::STRONG_PASSWORD).await;
    // A problem needs a description; the teacher may refund it.
    let r = app
        .lesson_step(
            &lb,
            refunded,
            "report_problem",
            &[("problem", "technical"), ("text", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .lesson_step(&lb, refunded, "report_problem", &[("problem", "magic"), ("text", "x")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .lesson_step(
            &lb,
            refunded,
            "report_problem",
            &[("problem", "technical"), ("text", "The video never connected")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = app.last_mail_to("profe@example.org").await;
    assert!(mail.contains("A problem was reported"), "{mail}");
    app.step_ok(&tb, refunded, "accept_refund").await;
    status_after(&app, refunded, "settled").await;
    // Another goes to staff when either side asks.
    let r = app
        .lesson_step(
            &lb,
            disputed,
            "report_problem",
            &[("problem", "teacher_absent"), ("text", "Nobody came")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.step_ok(&tb, disputed, "escalate").await;
    status_after(&app, disputed, "disputed").await;
    // A third is reported and left: it goes to staff after 72 hours.
    let r = app
        .lesson_step(&lb, lapsed, "report_problem", &[("problem", "other"), ("text", "Hmm")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Unconfirmed lessons complete by themselves 72 hours after the end.
    app.advance_to(slots[6] + SignedDuration::from_hours(76));
    let report = app.timers().await;
    assert_eq!((report.completed, report.escalated), (1, 1));
    status_after(&app, quiet, "completed").await;
    status_after(&app, lapsed, "disputed").await;
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;

    // Staff see the disputes and settle them with a reason; members cannot.
    let support = app.support("help@koine.example").await;
    let finance = app.staff("money@koine.example", StaffRole::Finance).await;
    let ts = app.staff("safety@koine.example", StaffRole::TrustSafety).await;
    let (s, page) = support.get_text("/staff/disputes").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(&disputed.to_string()) && page.contains(&lapsed.to_string()),
        "{page}"
    );
    assert_eq!(ts.get("/staff/disputes").await.status(), StatusCode::FORBIDDEN);
    let settle = |who: &Browser, lesson: Uuid, fields: Vec<(&'static str, String)>| {
        let who = who.clone();
        async move {
            let mut f: Vec<(&str, String)> = vec![("idempotency_key", key())];
            f.extend(fields);
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            who.post_form(&format!("/staff/lessons/{lesson}/settle"), &f).await
        }
    };
    let split = |refund: &str, reason: &str| {
        vec![
            ("outcome", "split".to_owned()),
            ("refund", refund.to_owned()),
            ("reason", reason.to_owned()),
        ]
    };
    let r = settle(&lb, disputed, split("5.00", "mine")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = settle(&ts, disputed, split("5.00", "not theirs")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for (refund, reason) in [("5.00", ""), ("20.00", "all of it"), ("0", "none"), ("abc", "x")] {
        let r = settle(&support, disputed, split(refund, reason)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{refund} {reason}");
    }
    let r = settle(&support, disputed, split("12.50", "Teacher was 30 minutes late")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    status_after(&app, disputed, "settled").await;
    let r = settle(
        &finance,
        lapsed,
        vec![
            ("outcome", "release".to_owned()),
            ("refund", String::new()),
            ("reason", "The lesson took place as booked".to_owned()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Settled once only.
    let r = settle(&support, lapsed, split("1.00", "again")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(app.audited("settle_lesson").await, 2);
    let (_, page) = lb.get_text(&format!("/lessons/{disputed}")).await;
    assert!(
        page.contains("Teacher was 30 minutes late") && page.contains("12.50"),
        "{page}"
    );
    // Money: quiet and lapsed released (17.00 each), disputed split
    // (7.50 released, 1.13 of it commission), refunded given back.
    assert_eq!(app.credit(learner).await, 10000 - 3 * 2000 + 1250);
    assert_eq!(app.earned(teacher).await, 1700 + 1700 + 750 - 113);
    app.assert_books_sound().await;
}

async fn new_times_need_the_other_sides_yes(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app, "100.00").await;
    app.open_every_day(&tb).await;
    let slots = app.open_slots(teacher, 60, 14).await;
    let later = |from: Timestamp, hours: i64| slot_after(&slots, from, hours);
    let first = later(app.svc.clock.now(), 72);
    let lesson = app.book(&lb, teacher, first).await;
    // Only a confirmed lesson moves.
    let fmt = |t: Timestamp| {
        t.to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let propose = |b: &Browser, at: Timestamp| {
        let (b, at) = (b.clone(), fmt(at));
        async move {
            b.post_form(&format!("/lessons/{lesson}/propose"), &[("starts_at", &at)])
                .await
        }
    };
    let new = later(first, 26);
    assert_eq!(propose(&lb, new).await.status(), StatusCode::CONFLICT);
    app.step_ok(&tb, lesson, "confirm").await;
    // Bad times are refused: not a time, the same time, a time the teacher
    // is not free.
    let r = lb
        .post_form(&format!("/lessons/{lesson}/propose"), &[("starts_at", "tomorrow")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(propose(&lb, first).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let night = (first + SignedDuration::from_hours(24))
        .to_zoned(jiff::tz::TimeZone::UTC)
        .with()
        .hour(2)
        .build()
        .unwrap()
        .timestamp();
    assert_eq!(propose(&lb, night).await.status(), StatusCode::CONFLICT);
    // The learner proposes; they cannot answer themselves; the teacher
    // declines, then accepts another.
    assert_eq!(propose(&lb, new).await.status(), StatusCode::SEE_OTHER);
    let proposal = app
        .scalar_uuid("SELECT id FROM reschedule_proposals WHERE lesson_id = $1", lesson)
        .await;
    let answer = |b: &Browser, proposal: Uuid, yes: bool| {
        let b = b.clone();
        async move {
            let lesson = lesson.to_string();
            b.post_form(
                &format!("/proposals/{proposal}"),
                &[("lesson", &lesson), ("answer", if yes { "accept" } else { "decline" })],
            )
            .await
        }
    };
    assert_eq!(answer(&lb, proposal, true).await.status(), StatusCode::FORBIDDEN);
    let mail = app.last_mail_to("profe@example.org").await;
    assert!(mail.contains("proposes to move"), "{mail}");
    assert_eq!(answer(&tb, proposal, false).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer(&tb, proposal, true).await.status(), StatusCode::CONFLICT);
    assert!(app.last_mail_to("ana@example.org").await.contains("kept the lesson"));
    assert_eq!(propose(&tb, new).await.status(), StatusCode::SEE_OTHER);
    let proposal = app
        .scalar_uuid(
            "SELECT id FROM reschedule_proposals WHERE lesson_id = $1 AND status = 'pending'",
            lesson,
        )
        .await;
    assert_eq!(answer(&lb, proposal, true).await.status(), StatusCode::SEE_OTHER);
    let moved: i64 = app
        .scalar_i64("SELECT starts_at FROM lessons WHERE id = $1", lesson)
        .await;
    assert_eq!(moved, new.as_microsecond());
    let mail = app.last_mail_to("ana@example.org").await;
    assert!(mail.contains("moved to") && mail.contains("SEQUENCE:2"), "{mail}");
    // The old time is free again, the new one taken.
    let now_open = app.open_slots(teacher, 60, 14).await;
    assert!(now_open.contains(&first) && !now_open.contains(&new));
    // Inside 24 hours nothing moves any more.
    app.advance_to(new - SignedDuration::from_hours(20));
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    assert_eq!(propose(&lb, later(new, 48)).await.status(), StatusCode::CONFLICT);
    assert_eq!(app.credit(learner).await, 8000);
    app.assert_books_sound().await;
}

async fn trials_packages_and_coupons(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app, "200.00").await;
    app.open_every_day(&tb).await;
    let slots = app.open_slots(teacher, 60, 14).await;
    // One trial, 30 minutes at the trial price.
    let trial = app.book_at(&lb, teacher, slots[0], &[("kind", "trial")]).await;
    assert_eq!(trial.status(), StatusCode::SEE_OTHER);
    let trial = koine_testkit::lessons::location_id(&trial);
    assert_eq!(
        app.scalar_i64("SELECT duration_minutes FROM lessons WHERE id = $1", trial)
            .await,
        30
    );
    assert_eq!(app.credit(learner).await, 20000 - 500);
    let r = app.book_at(&lb, teacher, slots[4], &[("kind", "trial")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a second trial");
    // A declined trial may be asked for again.
    app.step_ok(&tb, trial, "decline").await;
    let r = app.book_at(&lb, teacher, slots[4], &[("kind", "trial")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A package: five lessons at 5% off, paid up front, drawn one by one.
    let offering = app.offering_of(teacher).await.to_string();
    let buy = |lessons: &'static str| {
        let (lb, offering) = (lb.clone(), offering.clone());
        async move {
            lb.post_form(
                "/packages",
                &[
                    ("offering", &offering),
                    ("lessons", lessons),
                    ("idempotency_key", &key()),
                ],
            )
            .await
        }
    };
    assert_eq!(buy("7").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(buy("5").await.status(), StatusCode::SEE_OTHER);
    let package = app
        .scalar_uuid("SELECT id FROM lesson_packages WHERE learner_id = $1", learner)
        .await;
    assert_eq!(app.credit(learner).await, 20000 - 500 - 9500);
    let package_s = package.to_string();
    let from_package = |at: Timestamp| {
        let lb = lb.clone();
        let package = package_s.clone();
        let app = &app;
        async move {
            app.book_at(&lb, teacher, at, &[("kind", "package"), ("package", &package)])
                .await
        }
    };
    let mut drawn = Vec::new();
    for at in [slots[8], slots[10]] {
        let r = from_package(at).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        drawn.push(koine_testkit::lessons::location_id(&r));
    }
    // A package lesson holds a fifth of the package; declining puts it back.
    app.step_ok(&tb, drawn[1], "decline").await;
    let left: i64 = app
        .svc
        .packages(learner)
        .await
        .unwrap()
        .iter()
        .find(|p| p.row.id == package)
        .unwrap()
        .lessons_left;
    assert_eq!(left, 4);
    // Someone else's package cannot be drawn on.
    let eve = app.member("eve@example.org", "Eve").await;
    app.top_up(&eve, "10.00").await;
    let r = app
        .book_at(
            &eve,
            teacher,
            slots[12],
            &[("kind", "package"), ("package", &package.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Coupons: created by finance, limited per member, expiring.
    let finance = app.staff("money@koine.example", StaffRole::Finance).await;
    let until = app
        .svc
        .clock
        .today_utc()
        .checked_add(jiff::Span::new().days(10))
        .unwrap()
        .to_string();
    for (code, kind, value) in [("WELCOME25", "percent", "25"), ("FIVEOFF", "amount", "5.00")] {
        let r = finance
            .post_form(
                "/staff/coupons",
                &[
                    ("code", code),
                    ("kind", kind),
                    ("value", value),
                    ("expires_on", &until),
                    ("per_member_limit", "1"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    for bad in [
        vec![("code", "no spaces"), ("kind", "percent"), ("value", "10")],
        vec![("code", "HALF"), ("kind", "percent"), ("value", "150")],
        vec![("code", "ODD"), ("kind", "gift"), ("value", "10")],
    ] {
        let mut f = bad.clone();
        f.extend([("expires_on", until.as_str()), ("per_member_limit", "1")]);
        let r = finance.post_form("/staff/coupons", &f).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
    let r = finance
        .post_form(
            "/staff/coupons",
            &[
                ("code", "WELCOME25"),
                ("kind", "percent"),
                ("value", "10"),
                ("expires_on", &until),
                ("per_member_limit", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a code is unique");
    let before = app.credit(learner).await;
    let r = app.book_at(&lb, teacher, slots[14], &[("coupon", "welcome25")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let with_coupon = koine_testkit::lessons::location_id(&r);
    assert_eq!(app.credit(learner).await, before - 1500);
    let r = app.book_at(&lb, teacher, slots[16], &[("coupon", "WELCOME25")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "once per member");
    let r = app.book_at(&lb, teacher, slots[16], &[("coupon", "NOSUCH")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The teacher is paid on the full price; the platform bears the coupon.
    app.step_ok(&tb, with_coupon, "confirm").await;
    let end = app
        .scalar_i64("SELECT ends_at FROM lessons WHERE id = $1", with_coupon)
        .await;
    let r = app.book_at(&lb, teacher, slots[16], &[("coupon", "FIVEOFF")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.advance_to(Timestamp::from_microsecond(end).unwrap() + SignedDuration::from_hours(80));
    app.timers().await;
    assert_eq!(app.lesson_status(with_coupon).await, "completed");
    assert_eq!(app.earned(teacher).await, 1700);
    // Expired coupons are refused.
    app.advance_to(app.svc.clock.now() + SignedDuration::from_hours(11 * 24));
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    let fresh = app.open_slots(teacher, 60, 7).await;
    let r = app.book_at(&lb, teacher, fresh[0], &[("coupon", "FIVEOFF")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Package expiry: reminded a month and a week before; what is left
    // then goes to the teacher.
    let expires = app
        .scalar_i64("SELECT expires_at FROM lesson_packages WHERE id = $1", package)
        .await;
    let expires = Timestamp::from_microsecond(expires).unwrap();
    app.advance_to(expires - SignedDuration::from_hours(29 * 24));
    assert_eq!(app.timers().await.package_reminders, 1);
    app.advance_to(expires - SignedDuration::from_hours(6 * 24));
    assert_eq!(app.timers().await.package_reminders, 1);
    let mails = app.mails_to("ana@example.org").await.join("\n");
    assert!(
        mails.contains("5 lessons are left") && mails.contains("One week left"),
        "both reminders by email"
    );
    let before = app.earned(teacher).await;
    app.advance_to(expires + SignedDuration::from_hours(1));
    assert_eq!(app.timers().await.packages_expired, 1);
    // Five unused lessons of 19.00 each, less 15%.
    assert_eq!(app.earned(teacher).await - before, 9500 - 1425);
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    let r = app
        .book_at(
            &lb,
            teacher,
            app.open_slots(teacher, 60, 7).await[0],
            &[("kind", "package"), ("package", &package.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "an expired package");
    app.assert_books_sound().await;
}

async fn the_calendar_feed_is_secret_and_revocable(app: TestApp) {
    let (tb, teacher, lb, _) = pair(&app, "50.00").await;
    let at = app.open_slots(teacher, 60, 14).await[0];
    let lesson = app.book(&lb, teacher, at).await;
    app.step_ok(&tb, lesson, "confirm").await;
    // No feed until asked for; then a secret address.
    let (_, page) = lb.get_text("/settings/calendar").await;
    assert!(!page.contains(".ics"), "{page}");
    let feed_of = |page: &str| {
        let end = page.find(".ics").expect("a feed address") + ".ics".len();
        let start = page[..end].rfind("/calendar/").unwrap();
        page[start..end].to_owned()
    };
    let (_, page) = lb.post_form_text("/settings/calendar", &[]).await;
    let feed = feed_of(&page);
    let anon = app.browser();
    let r = anon.get(&feed).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert!(
        ics.contains(&format!("UID:{lesson}@koine")) && ics.contains("STATUS:CONFIRMED"),
        "{ics}"
    );
    assert!(ics.contains(&at.strftime("%Y%m%dT%H%M%SZ").to_string()), "{ics}");
    // A guessed address finds nothing.
    assert_eq!(
        anon.get("/calendar/0123456789abcdef.ics").await.status(),
        StatusCode::NOT_FOUND
    );
    // A new address replaces the old; revoking ends it.
    let (_, page) = lb.post_form_text("/settings/calendar", &[]).await;
    let replaced = feed_of(&page);
    assert_ne!(replaced, feed);
    assert_eq!(anon.get(&feed).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(anon.get(&replaced).await.status(), StatusCode::OK);
    lb.post_form("/settings/calendar/revoke", &[]).await;
    assert_eq!(anon.get(&replaced).await.status(), StatusCode::NOT_FOUND);
    // A cancelled lesson shows as cancelled in the teacher's feed.
    let (_, page) = tb.post_form_text("/settings/calendar", &[]).await;
    app.step_ok(&lb, lesson, "cancel").await;
    let ics = anon.get(&feed_of(&page)).await.text().await.unwrap();
    assert!(ics.contains("STATUS:CANCELLED"), "{ics}");
}

async fn leaving_ends_lessons_and_forfeits_what_is_left(app: TestApp) {
    let (tb, teacher, lb, learner) = pair(&app, "100.00").await;
    app.open_every_day(&tb).await;
    let slots = app.open_slots(teacher, 60, 14).await;
    let past = slots[0];
    let booked = slot_after(&slots, past, 72);
    let asked = slot_after(&slots, booked, 24);
    let taken = app.book(&lb, teacher, past).await;
    let confirmed = app.book(&lb, teacher, booked).await;
    for l in [taken, confirmed] {
        app.step_ok(&tb, l, "confirm").await;
    }
    let finance = app.staff("money@koine.example", StaffRole::Finance).await;
    let until = app
        .svc
        .clock
        .today_utc()
        .checked_add(jiff::Span::new().days(30))
        .unwrap()
        .to_string();
    finance
        .post_form(
            "/staff/coupons",
            &[
                ("code", "SPRING10"),
                ("kind", "percent"),
                ("value", "10"),
                ("expires_on", &until),
                ("per_member_limit", "1"),
            ],
        )
        .await;
    let r = lb.post_form("/wallet/coupons", &[("code", "SPRING10")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The first lesson took place, and the learner reported a problem.
    app.advance_to(past + SignedDuration::from_hours(2));
    app.timers().await;
    lb.login("ana@example.org", koine_testkit::STRONG_PASSWORD).await;
    let asked = app.book(&lb, teacher, asked).await;
    let r = app
        .lesson_step(
            &lb,
            taken,
            "report_problem",
            &[("problem", "technical"), ("text", "No sound")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Deleting waits for the problem; the page says what will happen.
    let (_, page) = lb.get_text("/settings/delete").await;
    for says in [
        "Settle the reported problems",
        "Your credit of 40.00 EUR",
        "Coupon SPRING10",
        "3 open lessons",
    ] {
        assert!(page.contains(says), "{says}: {page}");
    }
    assert!(!page.contains("name=\"confirm\""), "no way to confirm yet");
    let r = lb.post_form("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(app.count("accounts").await, app.count("profiles").await);
    // Settled by the teacher, deletion goes ahead: the request is
    // withdrawn, the lesson ahead cancelled free, the credit forfeited.
    tb.login("profe@example.org", koine_testkit::STRONG_PASSWORD).await;
    app.step_ok(&tb, taken, "accept_refund").await;
    let (_, page) = lb.get_text("/settings/delete").await;
    assert!(page.contains("Your credit of 60.00 EUR"), "{page}");
    let invoices = "Invoices issued to you stay as they were issued, with the name on them, for 10 years";
    assert!(page.contains(invoices), "the page says what the map keeps: {page}");
    let r = lb.post_form("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.lesson_status(asked).await, "withdrawn");
    assert_eq!(app.lesson_status(confirmed).await, "cancelled");
    assert_eq!(app.credit(learner).await, 0);
    assert_eq!(
        app.svc.balance(koine_domain::ledger::Account::Revenue).await.unwrap(),
        10000,
        "the credit is given up"
    );
    app.assert_books_sound().await;
    // The teacher is told, without the learner's name.
    let told: Vec<String> = app
        .mails_to("profe@example.org")
        .await
        .into_iter()
        .filter(|m| m.contains("a former member"))
        .collect();
    assert!(told.iter().any(|m| m.contains("was withdrawn")), "{told:?}");
    assert!(told.iter().any(|m| m.contains("was cancelled")), "{told:?}");
    assert!(told.iter().all(|m| !m.contains("Ana")), "{told:?}");
    // The billing records stay, no longer naming her; her invoice stays as
    // issued, with her name, as the page and the confirmation said.
    let mail = app.last_mail_to("ana@example.org").await;
    assert!(
        mail.contains("invoices issued to you stay as they were issued, with the name on them, for 10 years"),
        "{mail}"
    );
    assert_eq!(app.count("invoices").await, 1);
    let kept: String = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar("SELECT buyer_name FROM invoices").fetch_one(p).await)
    .unwrap();
    assert_eq!(kept, "Ana");
    assert_eq!(app.rows_about("invoices", "account_id", learner).await, 0);
    assert_eq!(app.rows_about("lessons", "learner_id", learner).await, 0);
    assert_eq!(app.rows_about("payments", "account_id", learner).await, 0);
    assert_eq!(app.count("lessons").await, 3);
    assert_eq!(app.count("payments").await, 1);
}

/// A mail about the other side of a lesson carries their name as it is
/// when the mail goes out: renamed, the new name; gone, a former member.
async fn mail_names_the_other_side_as_they_are_when_sent(app: TestApp) {
    let (_, teacher, lb, _) = pair(&app, "50.00").await;
    let slots = app.open_slots(teacher, 60, 14).await;
    app.deliver().await;
    app.book(&lb, teacher, slots[0]).await;
    lb.set_profile("Anabel", "UTC", &[]).await;
    let mail = app.last_mail_to("profe@example.org").await;
    assert!(mail.contains("New lesson request: Spanish with Anabel"), "{mail}");
    assert!(mail.contains("SUMMARY:Spanish lesson with Anabel"), "{mail}");

    let later = koine_testkit::lessons::slot_after(&slots, slots[0], 48);
    app.book(&lb, teacher, later).await;
    // She leaves before the mail about her second request is sent.
    let r = lb.post_form("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mails = app.mails_to("profe@example.org").await;
    let request = mails
        .iter()
        .rev()
        .find(|m| m.contains("New lesson request"))
        .expect("the second request's mail");
    assert!(request.contains("with a former member"), "{request}");
    assert_eq!(
        mails.iter().filter(|m| m.contains("Anabel")).count(),
        1,
        "only the mail sent while she was a member names her"
    );
}
