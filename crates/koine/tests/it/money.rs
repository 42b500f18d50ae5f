//! Money: card payments with the documented test cards (declines and
//! network errors move nothing), idempotent retries, signed webhooks,
//! refunds to cards, an injected crash between postings, payouts through
//! finance, receipts and invoices, bank transfers, and who may pay.

use crate::api::token;
use koine_domain::ledger::Account;
use koine_domain::staff::StaffRole;
use koine_services::faults::BETWEEN_POSTINGS;
use koine_testkit::lessons::{GOOD_CARD, key};
use koine_testkit::{Browser, STRONG_PASSWORD, TestApp, both_backends};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

both_backends!(
    card_failures_move_no_money,
    retries_with_the_same_key_move_money_once,
    webhooks_are_signed_and_handled_once,
    refunds_go_back_to_the_card,
    a_crash_between_postings_leaves_the_books_balanced,
    teachers_are_paid_out_through_finance,
    receipts_invoices_and_bank_transfers,
    only_members_in_full_use_may_pay
);

async fn top_up_with(b: &Browser, amount: &str, card: &str, expiry: &str) -> (StatusCode, String) {
    b.post_form_text(
        "/wallet/top-up",
        &[
            ("amount", amount),
            ("card_number", card),
            ("card_expiry", expiry),
            ("card_cvc", "123"),
            ("idempotency_key", &key()),
        ],
    )
    .await
}

/// Rows in every table money touches.
async fn money_rows(app: &TestApp) -> Vec<i64> {
    let mut n = Vec::new();
    for t in [
        "payments",
        "ledger_entries",
        "ledger_postings",
        "invoices",
        "lessons",
        "card_refunds",
    ] {
        n.push(app.count(t).await);
    }
    n
}

async fn card_failures_move_no_money(app: TestApp) {
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    let b = app.member("ana@example.org", "Ana").await;
    let me = app.account_id("ana@example.org").await;
    let before = money_rows(&app).await;
    for (card, status, says) in [
        ("4000 0000 0000 0002", StatusCode::PAYMENT_REQUIRED, "declined"),
        (
            "4000 0000 0000 9995",
            StatusCode::PAYMENT_REQUIRED,
            "insufficient funds",
        ),
        ("4000 0000 0000 0069", StatusCode::PAYMENT_REQUIRED, "expired"),
        ("4000 0000 0000 0119", StatusCode::SERVICE_UNAVAILABLE, "try again"),
        ("4000 0000 0000 0259", StatusCode::SERVICE_UNAVAILABLE, "try again"),
        ("4242 4242 4242 4241", StatusCode::UNPROCESSABLE_ENTITY, "card number"),
    ] {
        let (s, page) = top_up_with(&b, "25.00", card, "12/40").await;
        assert_eq!(s, status, "{card}");
        assert!(page.to_lowercase().contains(says), "{card}: {page}");
    }
    for (amount, expiry) in [
        ("0.50", "12/40"),
        ("abc", "12/40"),
        ("25.00", "01/20"),
        ("25.00", "13/40"),
    ] {
        let (s, _) = top_up_with(&b, amount, GOOD_CARD, expiry).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{amount} {expiry}");
    }
    // A booking paid by a declined card: no lesson, no money.
    let at = app.open_slots(teacher, 60, 14).await[0];
    let r = app
        .book_at(
            &b,
            teacher,
            at,
            &[
                ("card_number", "4000 0000 0000 0002"),
                ("card_expiry", "12/40"),
                ("card_cvc", "123"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYMENT_REQUIRED);
    // … nor without credit or card.
    let r = app.book_at(&b, teacher, at, &[]).await;
    assert_eq!(r.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(money_rows(&app).await, before, "nothing written");
    assert_eq!(app.credit(me).await, 0);
    // A good card pays exactly what the wallet lacks.
    let r = app
        .book_at(
            &b,
            teacher,
            at,
            &[
                ("card_number", GOOD_CARD),
                ("card_expiry", "12/40"),
                ("card_cvc", "123"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.credit(me).await, 0);
    let paid = app
        .scalar_i64("SELECT amount_minor FROM payments WHERE account_id = $1", me)
        .await;
    assert_eq!(paid, 2000);
    app.assert_books_sound().await;
}

async fn api(app: &TestApp, t: &str, path: &str, k: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut r = Client::new().post(app.url(path)).bearer_auth(t).json(&body);
    if let Some(k) = k {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn card() -> Value {
    json!({ "number": GOOD_CARD, "expiry": "12/40", "cvc": "123" })
}

async fn retries_with_the_same_key_move_money_once(app: TestApp) {
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    app.member("ana@example.org", "Ana").await;
    let me = app.account_id("ana@example.org").await;
    let t = token(&app, "ana@example.org").await;
    let pay = json!({ "amount": 5000, "card": card() });
    // Every money-moving call needs a key.
    let (s, body) = api(&app, &t, "/api/v1/wallet/payments", None, pay.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "idempotency-key-required", "{body}");
    let (s, _) = api(&app, &t, "/api/v1/wallet/payments", Some("short"), pay.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The same request twice: one charge, the same answer.
    let (s1, first) = api(&app, &t, "/api/v1/wallet/payments", Some("pay-0001"), pay.clone()).await;
    let (s2, again) = api(&app, &t, "/api/v1/wallet/payments", Some("pay-0001"), pay.clone()).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first["payment"]["id"], again["payment"]["id"]);
    // The API answers with its own shape, not the stored row: no processor
    // reference, no account or staff ids.
    for inside in ["provider_ref", "provider", "account_id", "recorded_by"] {
        assert!(first["payment"].get(inside).is_none(), "{inside} served: {first}");
    }
    assert_eq!(first["payment"]["refundable_minor"], first["payment"]["amount_minor"]);
    assert_eq!(app.count("payments").await, 1);
    assert_eq!(app.credit(me).await, 5000);
    // The same key for something else is refused.
    let (s, body) = api(
        &app,
        &t,
        "/api/v1/wallet/payments",
        Some("pay-0001"),
        json!({ "amount": 7000, "card": card() }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["code"], "idempotency-key-reused", "{body}");
    // Unknown fields are refused before anything moves.
    let (s, _) = api(
        &app,
        &t,
        "/api/v1/wallet/payments",
        Some("pay-0002"),
        json!({ "amount": 100, "card": card(), "currency": "USD" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // A booking retried (say, after a timeout) is one booking.
    let at = app.open_slots(teacher, 60, 14).await[0];
    let offering = app.offering_of(teacher).await;
    let book = json!({ "teacher": teacher, "offering": offering, "kind": "single", "starts_at": at.to_string() });
    let (s1, a) = api(&app, &t, "/api/v1/lessons", Some("book-0001"), book.clone()).await;
    let (s2, b) = api(&app, &t, "/api/v1/lessons", Some("book-0001"), book.clone()).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED), "{a} {b}");
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.count("lessons").await, 1);
    assert_eq!(app.credit(me).await, 3000);
    let lesson = a["id"].as_str().unwrap().to_owned();
    // A step retried is taken once.
    for _ in 0..2 {
        let (s, body) = api(
            &app,
            &t,
            &format!("/api/v1/lessons/{lesson}/withdraw"),
            Some("step-0001"),
            json!({}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    assert_eq!(app.credit(me).await, 5000);
    let (s, body) = api(
        &app,
        &t,
        &format!("/api/v1/lessons/{lesson}/withdraw"),
        Some("step-0002"),
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "a new key is a new step: {body}");
    // A refund retried is one refund.
    let payment = first["payment"]["id"].as_str().unwrap();
    for _ in 0..2 {
        let (s, body) = api(
            &app,
            &t,
            &format!("/api/v1/wallet/payments/{payment}/refunds"),
            Some("refund-0001"),
            json!({ "amount": 1000 }),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        assert_eq!(body["refund"]["status"], "succeeded");
    }
    assert_eq!(app.count("card_refunds").await, 1);
    assert_eq!(app.credit(me).await, 4000);
    app.assert_books_sound().await;
}

async fn webhooks_are_signed_and_handled_once(app: TestApp) {
    app.member("ana@example.org", "Ana").await;
    let me = app.account_id("ana@example.org").await;
    let processor = koine_services::payments::test_cards::TestCards::new(
        app.svc
            .keys
            .derive(koine_services::payments::test_cards::WEBHOOK_KEY_PURPOSE),
    );
    let now = app.svc.clock.now().as_second();
    let captured = |reference: &str| {
        json!({ "reference": reference, "amount": 1500, "currency": "EUR", "account": me,
                "brand": "visa", "last4": "4242" })
    };
    let send = |body: Vec<u8>, signature: Option<String>| {
        let url = app.url("/api/v1/payments/webhooks/test");
        async move {
            let mut r = Client::new().post(url).body(body);
            if let Some(s) = signature {
                r = r.header("Koine-Test-Signature", s);
            }
            let r = r.send().await.unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (body, good) = processor.signed_event("evt_1", "payment.captured", captured("tch_late_1"), now);
    // Unsigned, forged, tampered with or stale: refused, nothing recorded.
    let (s, problem) = send(body.clone(), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(problem["code"], "malformed-signature", "{problem}");
    let forged = koine_services::payments::test_cards::TestCards::new([1; 32]);
    let (_, bad) = forged.signed_event("evt_1", "payment.captured", captured("tch_late_1"), now);
    assert_eq!(send(body.clone(), Some(bad)).await.0, StatusCode::BAD_REQUEST);
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'5').unwrap();
    tampered[at] = b'9';
    assert_eq!(send(tampered, Some(good.clone())).await.0, StatusCode::BAD_REQUEST);
    let (old, old_sig) = processor.signed_event("evt_0", "payment.captured", captured("tch_old"), now - 3600);
    let (s, problem) = send(old, Some(old_sig)).await;
    assert_eq!(
        (s, problem["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("stale-event"))
    );
    let r = Client::new()
        .post(app.url("/api/v1/payments/webhooks/acme"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("payments").await, 0);
    assert_eq!(app.count("provider_events").await, 0);
    // A charge Koine never heard back about is recorded from the webhook,
    // once, however often it is delivered.
    assert_eq!(send(body.clone(), Some(good.clone())).await.0, StatusCode::NO_CONTENT);
    assert_eq!(send(body, Some(good)).await.0, StatusCode::NO_CONTENT);
    let (again, sig) = processor.signed_event("evt_2", "payment.captured", captured("tch_late_1"), now);
    assert_eq!(send(again, Some(sig)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.count("payments").await, 1);
    assert_eq!(app.credit(me).await, 1500);
    // Other events are acknowledged and kept once.
    let (other, sig) = processor.signed_event("evt_3", "charge.dispute.created", json!({}), now);
    assert_eq!(send(other, Some(sig)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.count("provider_events").await, 3);
    app.assert_books_sound().await;
}

async fn refunds_go_back_to_the_card(app: TestApp) {
    let b = app.member("ana@example.org", "Ana").await;
    let me = app.account_id("ana@example.org").await;
    app.top_up(&b, "50.00").await;
    let (s, _) = top_up_with(&b, "10.00", "4000 0000 0000 5126", "12/40").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let payment = |last4: &'static str| {
        let app = &app;
        async move {
            let sql = "SELECT id FROM payments WHERE account_id = $1 AND card_last4 = $2";
            koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar::<_, Uuid>(sql)
                .bind(me)
                .bind(last4)
                .fetch_one(p)
                .await
                .unwrap())
        }
    };
    let (good, flaky) = (payment("4242").await, payment("5126").await);
    let refund = |id: Uuid, amount: &'static str| {
        let b = b.clone();
        async move {
            b.post_form_text(
                &format!("/wallet/payments/{id}/refund"),
                &[("amount", amount), ("idempotency_key", &key())],
            )
            .await
        }
    };
    // No more than the payment, nor than the credit left.
    assert_eq!(refund(good, "60.00").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refund(good, "0").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = refund(good, "20.00").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(app.credit(me).await, 4000);
    assert_eq!(refund(good, "30.01").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // A refund the processor fails puts the credit back, and says so.
    let (s, _) = refund(flaky, "10.00").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(app.credit(me).await, 4000);
    let statuses: Vec<String> = {
        let sql = "SELECT status FROM card_refunds ORDER BY status";
        koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sql).fetch_all(p).await.unwrap())
    };
    assert_eq!(statuses, ["failed", "succeeded"]);
    let (_, page) = b.get_text("/wallet").await;
    assert!(page.contains("failed") || page.contains("Failed"), "{page}");
    // Someone else's payment is not theirs to refund.
    let eve = app.member("eve@example.org", "Eve").await;
    let (s, _) = eve
        .post_form_text(
            &format!("/wallet/payments/{good}/refund"),
            &[("amount", "1.00"), ("idempotency_key", &key())],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    app.assert_books_sound().await;
}

async fn a_crash_between_postings_leaves_the_books_balanced(app: TestApp) {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    let b = app.member("ana@example.org", "Ana").await;
    let me = app.account_id("ana@example.org").await;
    app.top_up(&b, "50.00").await;
    let at = app.open_slots(teacher, 60, 14).await[0];
    let before = money_rows(&app).await;
    // A booking that fails between the legs of its escrow entry: nothing
    // of it stays.
    app.svc.faults.arm(BETWEEN_POSTINGS);
    let r = app.book_at(&b, teacher, at, &[]).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(money_rows(&app).await, before);
    assert_eq!(app.credit(me).await, 5000);
    app.assert_books_sound().await;
    // A card payment that fails while being recorded is given back to the
    // card, and nothing is credited.
    app.svc.faults.arm(BETWEEN_POSTINGS);
    let (s, _) = top_up_with(&b, "30.00", GOOD_CARD, "12/40").await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(money_rows(&app).await, before);
    // The same booking then goes through, and a settlement that fails
    // half-way leaves the lesson as it was.
    let lesson = app.book(&b, teacher, at).await;
    let after_booking = money_rows(&app).await;
    app.svc.faults.arm(BETWEEN_POSTINGS);
    let r = app.lesson_step(&tb, lesson, "decline", &[]).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.lesson_status(lesson).await, "requested");
    assert_eq!(money_rows(&app).await, after_booking);
    assert_eq!(app.credit(me).await, 3000);
    app.assert_books_sound().await;
    app.step_ok(&tb, lesson, "decline").await;
    assert_eq!(app.credit(me).await, 5000);
    app.assert_books_sound().await;
}

async fn teachers_are_paid_out_through_finance(app: TestApp) {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    let lb = app.member("ana@example.org", "Ana").await;
    app.top_up(&lb, "50.00").await;
    let slots = app.open_slots(teacher, 60, 14).await;
    let lesson = app.book(&lb, teacher, slots[0]).await;
    app.step_ok(&tb, lesson, "confirm").await;
    app.advance_to(slots[0] + jiff::SignedDuration::from_hours(2));
    app.timers().await;
    lb.login("ana@example.org", STRONG_PASSWORD).await;
    app.step_ok(&lb, lesson, "confirm_completion").await;
    assert_eq!(app.earned(teacher).await, 1700);
    tb.login("profe@example.org", STRONG_PASSWORD).await;
    let (_, page) = tb.get_text("/earnings").await;
    assert!(page.contains("17.00"), "{page}");
    // No payout without somewhere to send it.
    let ask = |amount: &'static str| {
        let tb = tb.clone();
        async move {
            tb.post_form_text("/earnings/payouts", &[("amount", amount), ("idempotency_key", &key())])
                .await
        }
    };
    assert_eq!(ask("15.00").await.0, StatusCode::CONFLICT);
    // The payout account needs the password again after a while.
    app.advance(Duration::from_secs(16 * 60));
    let r = tb.get("/earnings/payout-account").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/reauth"));
    tb.post_form("/reauth", &[("password", STRONG_PASSWORD)]).await;
    let set = |fields: Vec<(&'static str, &'static str)>| {
        let tb = tb.clone();
        async move { tb.post_form_text("/earnings/payout-account", &fields).await }
    };
    for bad in [
        vec![
            ("method", "bank"),
            ("holder", "Ada"),
            ("iban", "ES00 0000 0000 0000"),
            ("bic", ""),
        ],
        vec![
            ("method", "bank"),
            ("holder", ""),
            ("iban", "ES91 2100 0418 4502 0005 1332"),
            ("bic", ""),
        ],
        vec![
            ("method", "bank"),
            ("holder", "Ada"),
            ("iban", "ES91 2100 0418 4502 0005 1332"),
            ("bic", "??"),
        ],
        vec![("method", "paypal"), ("paypal_email", "not-an-email")],
    ] {
        let (s, _) = set(bad.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
    let (s, _) = set(vec![("method", "cash")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "not a choice on the form");
    let (s, page) = set(vec![
        ("method", "bank"),
        ("holder", "Ada María López"),
        ("iban", "es91 2100 0418 4502 0005 1332"),
        ("bic", "CAIXESBBXXX"),
    ])
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(
        page.contains("ES91 2100 0418 4502 0005 1332"),
        "shown to its owner: {page}"
    );
    // Stored sealed, summarised elsewhere, the change logged and told.
    let sealed = app
        .scalar_i64(
            "SELECT COUNT(*) FROM payout_accounts WHERE account_id = $1 AND summary LIKE '%1332'",
            teacher,
        )
        .await;
    assert_eq!(sealed, 1);
    let (_, page) = tb.get_text("/earnings").await;
    assert!(page.contains("1332") && !page.contains("2100 0418"), "{page}");
    let (_, log) = tb.get_text("/settings").await;
    assert!(log.contains("Where your earnings are paid was changed"), "{log}");
    assert!(app.last_mail_to("profe@example.org").await.contains("1332"));

    // Requests: at least the minimum, no more than earned.
    assert_eq!(ask("5.00").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ask("17.01").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = ask("15.00").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(app.earned(teacher).await, 200, "held while pending");
    assert_eq!(ask("10.00").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let payout = app
        .scalar_uuid("SELECT id FROM payouts WHERE teacher_id = $1", teacher)
        .await;

    // Finance decides; support and the teacher cannot.
    let support = app.support("help@koine.example").await;
    let finance = app.staff("money@koine.example", StaffRole::Finance).await;
    assert_eq!(support.get("/staff/finance").await.status(), StatusCode::FORBIDDEN);
    let r = support
        .post_form(&format!("/staff/payouts/{payout}/approve"), &[("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = tb
        .post_form(&format!("/staff/payouts/{payout}/approve"), &[("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (s, page) = finance.get_text("/staff/finance").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("15.00"), "{page}");
    let (s, page) = finance.get_text(&format!("/staff/payouts/{payout}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("ES91 2100 0418 4502 0005 1332"), "{page}");
    assert_eq!(app.audited("view_payout").await, 1);
    let decide = |step: &'static str, text: &'static str| {
        let finance = finance.clone();
        async move {
            finance
                .post_form(&format!("/staff/payouts/{payout}/{step}"), &[("text", text)])
                .await
                .status()
        }
    };
    assert_eq!(decide("paid", "REF-1").await, StatusCode::CONFLICT, "approve first");
    assert_eq!(decide("approve", "").await, StatusCode::SEE_OTHER);
    assert_eq!(decide("approve", "").await, StatusCode::CONFLICT);
    assert_eq!(
        decide("paid", "").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reference"
    );
    assert_eq!(decide("paid", "SEPA-2026-0042").await, StatusCode::SEE_OTHER);
    assert_eq!(app.audited("approve_payout").await, 1);
    assert_eq!(app.audited("pay_payout").await, 1);
    assert!(app.last_mail_to("profe@example.org").await.contains("15.00"));
    assert_eq!(app.earned(teacher).await, 200);
    // A rejected request gives the money back to the earnings.
    app.top_up(&lb, "50.00").await;
    let lesson = app.book(&lb, teacher, slots[6]).await;
    app.step_ok(&tb, lesson, "confirm").await;
    app.advance_to(slots[6] + jiff::SignedDuration::from_hours(80));
    app.timers().await;
    tb.login("profe@example.org", STRONG_PASSWORD).await;
    assert_eq!(app.earned(teacher).await, 1900);
    let (s, _) = ask("19.00").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let second = app
        .scalar_uuid(
            "SELECT id FROM payouts WHERE teacher_id = $1 AND status = 'requested'",
            teacher,
        )
        .await;
    finance.login("money@koine.example", STRONG_PASSWORD).await;
    let r = finance
        .post_form(&format!("/staff/payouts/{second}/reject"), &[("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a reason");
    let r = finance
        .post_form(
            &format!("/staff/payouts/{second}/reject"),
            &[("text", "The bank returned the transfer")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.earned(teacher).await, 1900);
    assert_eq!(app.audited("reject_payout").await, 1);
    app.assert_books_sound().await;
}

async fn receipts_invoices_and_bank_transfers(app: TestApp) {
    let b = app.member("ana@example.org", "Ana").await;
    let me = app.account_id("ana@example.org").await;
    app.top_up(&b, "42.00").await;
    let payment = app
        .scalar_uuid("SELECT id FROM payments WHERE account_id = $1", me)
        .await;
    let invoice = app
        .scalar_uuid("SELECT id FROM invoices WHERE account_id = $1", me)
        .await;
    let (s, receipt) = b.get_text(&format!("/wallet/payments/{payment}/receipt")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(receipt.contains("42.00") && receipt.contains("4242"), "{receipt}");
    assert!(!receipt.contains("4242 4242"), "only the last four digits: {receipt}");
    let (s, doc) = b.get_text(&format!("/invoices/{invoice}")).await;
    assert_eq!(s, StatusCode::OK);
    let year = app.svc.clock.now().to_zoned(jiff::tz::TimeZone::UTC).year();
    assert!(
        doc.contains(&format!("KOI-{year}-000001")) && doc.contains("Ana"),
        "{doc}"
    );
    // Nobody else sees them.
    let eve = app.member("eve@example.org", "Eve").await;
    for path in [
        format!("/wallet/payments/{payment}/receipt"),
        format!("/invoices/{invoice}"),
    ] {
        assert_eq!(eve.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(app.browser().get(&path).await.status(), StatusCode::SEE_OTHER, "{path}");
    }

    // Finance records a bank transfer once; others may not.
    let finance = app.staff("money@koine.example", StaffRole::Finance).await;
    let support = app.support("help@koine.example").await;
    let me_s = "ana@example.org".to_owned();
    let transfer = |who: &Browser, amount: &'static str, reference: &'static str| {
        let (who, me_s) = (who.clone(), me_s.clone());
        async move {
            who.post_form(
                "/staff/bank-transfers",
                &[
                    ("member", &me_s),
                    ("amount", amount),
                    ("reference", reference),
                    ("idempotency_key", &key()),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(transfer(&support, "100.00", "BANK-1").await, StatusCode::FORBIDDEN);
    assert_eq!(transfer(&b, "100.00", "BANK-1").await, StatusCode::FORBIDDEN);
    assert_eq!(transfer(&finance, "100.00", "").await, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = finance
        .post_form(
            "/staff/bank-transfers",
            &[
                ("member", "nobody@example.org"),
                ("amount", "1.00"),
                ("reference", "BANK-0"),
                ("idempotency_key", &key()),
            ],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        transfer(&finance, "-1", "BANK-1").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let ok = transfer(&finance, "100.00", "BANK-1").await;
    assert!(ok.is_success() || ok.is_redirection(), "{ok}");
    assert_eq!(transfer(&finance, "100.00", "bank-1").await, StatusCode::CONFLICT);
    assert_eq!(app.credit(me).await, 14200);
    assert_eq!(app.audited("record_bank_transfer").await, 1);
    assert_eq!(app.count("invoices").await, 2);
    // Invoices are numbered without gaps.
    let (_, wallet) = b.get_text("/wallet").await;
    assert!(wallet.contains(&format!("KOI-{year}-000002")), "{wallet}");
    app.assert_books_sound().await;
}

async fn only_members_in_full_use_may_pay(app: TestApp) {
    // A minor, until a guardian confirms.
    let seventeen = app.born_years_ago(17);
    let teen = app.browser();
    teen.signup("Teen", "teen@example.org", "", STRONG_PASSWORD, &seventeen)
        .await;
    teen.verify_email_link(&koine_testkit::link_in(
        &app.last_mail_to("teen@example.org").await,
        "/verify/email",
    ))
    .await;
    teen.login("teen@example.org", STRONG_PASSWORD).await;
    let (s, page) = top_up_with(&teen, "20.00", GOOD_CARD, "12/40").await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(page.contains("guardian"), "{page}");
    // A member who restricted processing.
    let b = app.member("ana@example.org", "Ana").await;
    let r = b
        .post_form("/settings/privacy/restrict", &[("reason", "contesting my data")])
        .await;
    assert!(r.status().is_redirection() || r.status().is_success());
    let (s, _) = top_up_with(&b, "20.00", GOOD_CARD, "12/40").await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(app.count("payments").await, 0);
    assert_eq!(app.svc.balance(Account::Clearing("test")).await.unwrap(), 0);
}
