//! Sign-up, verification, login, sessions, re-authentication, passwords.

use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, code_in, link_in};
use reqwest::StatusCode;
use std::time::Duration;

both_backends!(
    email_signup_verify_login_logout,
    phone_signup_and_login,
    unverified_account_cannot_log_in,
    unconfirmed_address_can_be_recovered_by_its_owner,
    signup_does_not_reveal_existing_accounts,
    login_does_not_reveal_existing_accounts,
    under_minimum_age_stores_nothing,
    minors_are_flagged,
    weak_passwords_are_refused,
    repeated_login_failures_are_throttled,
    parallel_login_guesses_are_throttled,
    throttle_counts_in_the_database_hold_under_parallel_attempts,
    many_people_behind_one_address_sign_in_at_once,
    password_reset_flow,
    forgot_password_answers_alike,
    change_password_can_end_other_sessions,
    sensitive_actions_need_recent_password,
    sessions_can_be_listed_and_ended,
    a_changed_or_ended_session_is_seen_at_once,
    login_issues_a_fresh_session_id,
    email_change_needs_confirmation,
    phone_change_with_code,
    bad_signup_input_is_rejected_and_kept,
);

async fn email_signup_verify_login_logout(app: TestApp) {
    let b = app.browser();
    let (status, page) = b
        .signup("Ana", "ana@example.org", "", STRONG_PASSWORD, "1995-06-01")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Check your messages"));
    let mail = app.last_mail_to("ana@example.org").await;
    assert!(mail.contains("Subject: Confirm your email address"), "{mail}");
    b.verify_email_link(&link_in(&mail, "/verify/email")).await;
    b.login("ANA@example.org", STRONG_PASSWORD).await;
    let (_, home) = b.get_text("/").await;
    assert!(home.contains("Welcome back, Ana!"), "{home}");
    b.logout().await;
    let (_, home) = b.get_text("/").await;
    assert!(!home.contains("Welcome back"));
    assert_eq!(b.get("/settings").await.status(), StatusCode::SEE_OTHER);
}

async fn phone_signup_and_login(app: TestApp) {
    let b = app.browser();
    let (status, page) = b
        .signup("Kenji", "", "+81 90 1234 5678", STRONG_PASSWORD, "1990-01-01")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let texts = app.texts_to("+819012345678").await;
    assert_eq!(texts.len(), 1);
    let code = code_in(&texts[0], 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _) = b
        .post_form_text("/verify/phone", &[("phone", "+819012345678"), ("code", wrong)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, page) = b
        .post_form_text("/verify/phone", &[("phone", "+819012345678"), ("code", &code)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    b.login("+81-90-1234-5678", STRONG_PASSWORD).await;
    let (_, settings) = b.get_text("/settings").await;
    assert!(
        settings.contains("+819012345678"),
        "the owner sees their decrypted number"
    );
    // The number is stored encrypted: the raw row does not contain it.
    let raw: Vec<u8> = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar("SELECT phone_enc FROM accounts") .fetch_one(p) .await .unwrap());
    assert!(!raw.windows(8).any(|w| w == b"90123456"));
}

async fn unverified_account_cannot_log_in(app: TestApp) {
    let b = app.browser();
    b.signup("Li", "li@example.org", "", STRONG_PASSWORD, "1999-02-02")
        .await;
    assert_eq!(app.mails_to("li@example.org").await.len(), 1);
    let r = b
        .post_form(
            "/login",
            &[("identifier", "li@example.org"), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("confirm your email"));
    // A fresh link was sent, and it works.
    let mails = app.mails_to("li@example.org").await;
    assert_eq!(mails.len(), 2);
    b.verify_email_link(&link_in(&mails[1], "/verify/email")).await;
    b.login("li@example.org", STRONG_PASSWORD).await;
}

/// Someone signed up with another person's address and never confirmed it:
/// the address's owner recovers the account through a reset link.
async fn unconfirmed_address_can_be_recovered_by_its_owner(app: TestApp) {
    app.browser()
        .signup(
            "Squatter",
            "owner@example.org",
            "",
            "squatter-password-velvet-9",
            "1990-01-01",
        )
        .await;
    let b = app.browser();
    b.post_form_text("/password/forgot", &[("identifier", "owner@example.org")])
        .await;
    let link = link_in(&app.last_mail_to("owner@example.org").await, "/password/reset");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let (status, _) = b
        .post_form_text("/password/reset", &[("token", &token), ("password", STRONG_PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::OK);
    b.login("owner@example.org", STRONG_PASSWORD).await;
    let r = app
        .browser()
        .post_form(
            "/login",
            &[
                ("identifier", "owner@example.org"),
                ("password", "squatter-password-velvet-9"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

/// Strips the per-visitor CSRF token so two pages can be compared.
fn normalize(page: &str) -> String {
    page.lines()
        .filter(|l| !l.contains("name=\"csrf\""))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn signup_does_not_reveal_existing_accounts(app: TestApp) {
    app.member("taken@example.org", "Taken").await;
    let before = app.count("accounts").await;
    let (s1, p1) = app
        .browser()
        .signup("X", "taken@example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    let (s2, p2) = app
        .browser()
        .signup("X", "fresh@example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    assert_eq!(s1, s2);
    assert_eq!(normalize(&p1), normalize(&p2));
    assert_eq!(
        app.count("accounts").await,
        before + 1,
        "only the fresh address made an account"
    );
    let mail = app.last_mail_to("taken@example.org").await;
    assert!(mail.contains("Someone tried to sign up with your address"), "{mail}");
}

async fn login_does_not_reveal_existing_accounts(app: TestApp) {
    app.member("known@example.org", "Known").await;
    let b = app.browser();
    let known = b
        .post_form(
            "/login",
            &[("identifier", "known@example.org"), ("password", "wrong-password-here")],
        )
        .await;
    let (ks, kp) = (known.status(), known.text().await.unwrap());
    let unknown = b
        .post_form(
            "/login",
            &[
                ("identifier", "nobody@example.org"),
                ("password", "wrong-password-here"),
            ],
        )
        .await;
    let (us, up) = (unknown.status(), unknown.text().await.unwrap());
    assert_eq!(ks, StatusCode::UNAUTHORIZED);
    assert_eq!(ks, us);
    assert_eq!(
        normalize(&kp).replace("known@", "X@"),
        normalize(&up).replace("nobody@", "X@")
    );
}

async fn under_minimum_age_stores_nothing(app: TestApp) {
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let fifteen = today.checked_sub(jiff::Span::new().years(15)).unwrap().to_string();
    let (accounts, outbox) = (app.count("accounts").await, app.count("outbox").await);
    let (status, page) = app
        .browser()
        .signup("Kid", "kid@example.org", "+34612345678", STRONG_PASSWORD, &fifteen)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("at least 16 years old"), "{page}");
    assert!(!page.contains("kid@example.org"), "nothing typed is echoed");
    assert_eq!(app.count("accounts").await, accounts);
    assert_eq!(app.count("outbox").await, outbox);
    assert_eq!(app.count("profiles").await, 0);
}

async fn minors_are_flagged(app: TestApp) {
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let sixteen = today.checked_sub(jiff::Span::new().years(16)).unwrap().to_string();
    let b = app.browser();
    b.signup("Teen", "teen@example.org", "", STRONG_PASSWORD, &sixteen)
        .await;
    b.verify_email_link(&link_in(&app.last_mail_to("teen@example.org").await, "/verify/email"))
        .await;
    b.login("teen@example.org", STRONG_PASSWORD).await;
    let (_, settings) = b.get_text("/settings").await;
    assert!(settings.contains("belonging to a minor"), "{settings}");
    let adult = app.member("adult@example.org", "Adult").await;
    assert!(!adult.get_text("/settings").await.1.contains("belonging to a minor"));
}

async fn weak_passwords_are_refused(app: TestApp) {
    for (pw, msg) in [
        ("short1", "at least 8"),
        ("password123", "too common"),
        ("ana@example.org", "too common"),
    ] {
        let (status, page) = app
            .browser()
            .signup("Ana", "ana@example.org", "", pw, "1990-01-01")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{pw}");
        assert!(page.contains(msg), "{pw}: {page}");
    }
    let long = "a quiet river carries lanterns past the old mill at dusk ".repeat(2);
    let (status, _) = app
        .browser()
        .signup("Ana", "ana@example.org", "", long.trim(), "1990-01-01")
        .await;
    assert_eq!(status, StatusCode::OK, "64+ character passphrases are allowed");
    assert_eq!(app.count("accounts").await, 1);
}

/// Parallel guesses cannot beat the per-account limit.
async fn parallel_login_guesses_are_throttled(app: TestApp) {
    app.member("target@example.org", "Target").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let b = app.browser();
        tasks.push(tokio::spawn(async move {
            let guess = format!("guess-number-{i}");
            b.post_form(
                "/login",
                &[("identifier", "target@example.org"), ("password", guess.as_str())],
            )
            .await
            .status()
        }));
    }
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => refused += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(refused, 5, "exactly the allowed number of guesses were checked");
}

/// The counts cluster nodes share: parallel attempts from anywhere cannot
/// pass the limit, a success gives its attempt back, the key is kept only
/// as a keyed hash, and the retention sweep removes a bucket once it ends.
async fn throttle_counts_in_the_database_hold_under_parallel_attempts(app: TestApp) {
    use koine_services::throttle::{Rule, Throttles};
    let shared = std::sync::Arc::new(Throttles::in_database(&app.svc.db, &app.svc.keys));
    let rule = Rule {
        max_failures: 5,
        window_us: 15 * 60 * 1_000_000,
    };
    let now = app.svc.clock.now_us();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let t = shared.clone();
            tokio::spawn(async move { t.login_ip.acquire(rule, "203.0.113.7", now).await })
        })
        .collect();
    let mut counted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => counted += 1,
            Err(koine_services::Error::Throttled { retry_after_secs }) => {
                assert!((1..=15 * 60).contains(&retry_after_secs), "{retry_after_secs}")
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(counted, 5, "exactly the allowed attempts were counted");
    assert!(
        shared.login_ip.acquire(rule, "203.0.113.8", now).await.is_ok(),
        "another address has its own count"
    );
    assert!(
        shared.signup_ip.acquire(rule, "203.0.113.7", now).await.is_ok(),
        "another rule has its own count"
    );
    shared.login_ip.release(rule, "203.0.113.7", now).await.unwrap();
    assert!(
        shared.login_ip.acquire(rule, "203.0.113.7", now).await.is_ok(),
        "a success gave one back"
    );
    assert!(shared.login_ip.acquire(rule, "203.0.113.7", now).await.is_err());
    assert!(!shared.login_ip.admit(rule, "203.0.113.7", now).await.unwrap());
    shared.login_ip.clear("203.0.113.7").await.unwrap();
    assert!(
        shared.login_ip.admit(rule, "203.0.113.7", now).await.unwrap(),
        "cleared"
    );

    let keys: Vec<Vec<u8>> = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar("SELECT key_hash FROM throttle_counters").fetch_all(p).await.unwrap());
    assert_eq!(keys.len(), 3, "one row per rule, key and bucket");
    assert!(
        keys.iter().all(|k| !String::from_utf8_lossy(k).contains("203.0.113")),
        "no address in clear"
    );
    app.advance(Duration::from_secs(15 * 60 + 1));
    assert!(
        shared
            .login_ip
            .acquire(rule, "203.0.113.8", app.svc.clock.now_us())
            .await
            .is_ok(),
        "a new bucket counts from zero"
    );
    app.svc.sweep(false).await.unwrap();
    assert_eq!(app.count("throttle_counters").await, 1, "ended buckets are swept");
}

/// A school behind one NAT: many correct sign-ins at once from one address
/// all succeed (they wait their turn), while failed ones from it are still
/// limited.
async fn many_people_behind_one_address_sign_in_at_once(app: TestApp) {
    app.member("first@example.org", "First").await;
    // Sixty more accounts with the same password (a copy of the first's
    // hash: creating each through sign-up would only slow the test).
    for i in 0..60 {
        app.execute(
            &format!(
                "INSERT INTO accounts (id, email, email_verified_at, password_hash, password_changed_at, created_at) \
                 SELECT $1, 'pupil{i}@example.org', created_at, password_hash, created_at, created_at \
                 FROM accounts WHERE email = 'first@example.org'"
            ),
            &[uuid::Uuid::now_v7()],
        )
        .await;
    }
    let c = reqwest::Client::new();
    let login = |who: String, password: &'static str| {
        let c = c.clone();
        let url = app.url("/api/v1/sessions");
        async move {
            c.post(url)
                .json(&serde_json::json!({ "identifier": who, "password": password }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let tasks: Vec<_> = (0..60)
        .map(|i| tokio::spawn(login(format!("pupil{i}@example.org"), STRONG_PASSWORD)))
        .collect();
    for t in tasks {
        assert_eq!(
            t.await.unwrap(),
            StatusCode::CREATED,
            "every correct sign-in goes through"
        );
    }
    // Failures from the address are limited all the same (30 per 15
    // minutes, spread over identifiers so none hits its own limit).
    for i in 0..30 {
        let status = login(format!("pupil{}@example.org", i % 10), "wrong-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    let status = login("pupil59@example.org".into(), STRONG_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address has used its failures"
    );
}

async fn repeated_login_failures_are_throttled(app: TestApp) {
    app.member("victim@example.org", "Victim").await;
    let b = app.browser();
    for _ in 0..5 {
        let r = b
            .post_form(
                "/login",
                &[("identifier", "victim@example.org"), ("password", "not-the-password")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = b
        .post_form(
            "/login",
            &[("identifier", "victim@example.org"), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    // Unknown identifiers are throttled the same way.
    for _ in 0..5 {
        b.post_form(
            "/login",
            &[("identifier", "ghost@example.org"), ("password", "not-the-password")],
        )
        .await;
    }
    let r = b
        .post_form("/login", &[("identifier", "ghost@example.org"), ("password", "x")])
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn password_reset_flow(app: TestApp) {
    let old = app.member("reset@example.org", "Reset").await;
    let b = app.browser();
    let (status, page) = b
        .post_form_text("/password/forgot", &[("identifier", "reset@example.org")])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let link = link_in(&app.last_mail_to("reset@example.org").await, "/password/reset");
    assert_eq!(b.get(&link).await.status(), StatusCode::OK);
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let (status, _) = b
        .post_form_text("/password/reset", &[("token", &token), ("password", "123")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = "saffron-glacier-meadow-77";
    let (status, page) = b
        .post_form_text("/password/reset", &[("token", &token), ("password", new)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        old.get("/settings").await.status(),
        StatusCode::SEE_OTHER,
        "old sessions ended"
    );
    let (status, _) = b
        .post_form_text(
            "/password/reset",
            &[("token", &token), ("password", "another-fine-passphrase-9")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "links are single-use");
    b.login("reset@example.org", new).await;
    assert!(
        app.last_mail_to("reset@example.org")
            .await
            .contains("password was changed")
    );
}

async fn forgot_password_answers_alike(app: TestApp) {
    app.member("known@example.org", "Known").await;
    let (s1, p1) = app
        .browser()
        .post_form_text("/password/forgot", &[("identifier", "known@example.org")])
        .await;
    let (s2, p2) = app
        .browser()
        .post_form_text("/password/forgot", &[("identifier", "unknown@example.org")])
        .await;
    assert_eq!(s1, s2);
    assert_eq!(normalize(&p1), normalize(&p2));
    assert!(app.mails_to("unknown@example.org").await.is_empty());
}

async fn change_password_can_end_other_sessions(app: TestApp) {
    let a = app.member("pw@example.org", "Pw").await;
    let other = app.browser();
    other.login("pw@example.org", STRONG_PASSWORD).await;
    let new = "cobalt-harvest-lantern-19";
    let (status, page) = a
        .post_form_text(
            "/settings/password",
            &[
                ("current_password", STRONG_PASSWORD),
                ("new_password", new),
                ("end_others", "on"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("password has been changed"));
    assert_eq!(a.get("/settings").await.status(), StatusCode::OK, "this session stays");
    assert_eq!(
        other.get("/settings").await.status(),
        StatusCode::SEE_OTHER,
        "the other ended"
    );
    let r = app
        .browser()
        .post_form(
            "/login",
            &[("identifier", "pw@example.org"), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.browser().login("pw@example.org", new).await;
}

async fn sensitive_actions_need_recent_password(app: TestApp) {
    let a = app.member("re@example.org", "Re").await;
    app.advance(Duration::from_secs(16 * 60));
    let r = a
        .post_form(
            "/settings/password",
            &[
                ("current_password", STRONG_PASSWORD),
                ("new_password", "amber-pilot-orchard-58"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/reauth");
    let r = a.post_form("/settings/email", &[("email", "new@example.org")]).await;
    assert_eq!(r.headers()["location"], "/reauth");
    let (status, _) = a.post_form_text("/reauth", &[("password", "wrong")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let r = a.post_form("/reauth", &[("password", STRONG_PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, page) = a
        .post_form_text(
            "/settings/password",
            &[
                ("current_password", STRONG_PASSWORD),
                ("new_password", "amber-pilot-orchard-58"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
}

async fn sessions_can_be_listed_and_ended(app: TestApp) {
    let a = app.member("s@example.org", "S").await;
    let b2 = app.browser();
    b2.login("s@example.org", STRONG_PASSWORD).await;
    let (_, page) = a.get_text("/settings").await;
    let ids: Vec<&str> = page.split("/settings/sessions/").skip(1).map(|s| &s[..36]).collect();
    assert_eq!(
        ids.len(),
        1,
        "one other session can be ended; the current one is marked"
    );
    assert!(page.contains("This device"));
    // Another member cannot end it.
    let intruder = app.member("i@example.org", "I").await;
    let (status, _) = intruder
        .post_form_text(&format!("/settings/sessions/{}/end", ids[0]), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(b2.get("/settings").await.status(), StatusCode::OK);
    let r = a.post_form(&format!("/settings/sessions/{}/end", ids[0]), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(b2.get("/settings").await.status(), StatusCode::SEE_OTHER);
}

async fn login_issues_a_fresh_session_id(app: TestApp) {
    app.member("f@example.org", "F").await;
    let b = app.browser();
    let first = b.login("f@example.org", STRONG_PASSWORD).await;
    let second = b.login("f@example.org", STRONG_PASSWORD).await;
    let cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("koine_session="))
            .expect("session cookie")
    };
    let (c1, c2) = (cookie(&first), cookie(&second));
    assert_ne!(c1, c2);
    assert!(c1.contains("HttpOnly") && c1.contains("SameSite=Lax"), "{c1}");
    let token = c1.trim_start_matches("koine_session=").split(';').next().unwrap();
    assert!(token.len() >= 43, "≥256-bit token");
}

async fn email_change_needs_confirmation(app: TestApp) {
    let a = app.member("old@example.org", "Old").await;
    let (status, page) = a
        .post_form_text("/settings/email", &[("email", "new@example.org")])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        a.get_text("/settings").await.1.contains("old@example.org"),
        "unchanged until confirmed"
    );
    assert!(
        app.last_mail_to("old@example.org")
            .await
            .contains("email address is being changed")
    );
    a.verify_email_link(&link_in(&app.last_mail_to("new@example.org").await, "/verify/email"))
        .await;
    let (_, page) = a.get_text("/settings").await;
    assert!(page.contains("new@example.org") && !page.contains("old@example.org"));
    app.browser().login("new@example.org", STRONG_PASSWORD).await;
}

async fn phone_change_with_code(app: TestApp) {
    let a = app.member("ph@example.org", "Ph").await;
    let (status, page) = a
        .post_form_text("/settings/phone", &[("phone", "+4915112345678")])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let code = code_in(&app.texts_to("+4915112345678").await[0], 6);
    let (status, page) = a.post_form_text("/settings/phone/verify", &[("code", &code)]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("+4915112345678"));
    app.browser().login("+4915112345678", STRONG_PASSWORD).await;
    // The same number cannot be taken by someone else, and the answer does
    // not reveal that it is in use: its holder is told instead.
    let b = app.member("other@example.org", "Other").await;
    let before = app.texts_to("+4915112345678").await.len();
    let (status, page) = b
        .post_form_text("/settings/phone", &[("phone", "+49 151 12345678")])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let texts = app.texts_to("+4915112345678").await;
    assert_eq!(texts.len(), before + 1);
    assert!(texts.last().unwrap().contains("another Koine account"));
    let (_, page) = b.get_text("/settings").await;
    assert!(!page.contains("+4915112345678"));
}

/// Form fields, the expected status, and text the answer must contain.
type Case<'a> = (&'a [(&'a str, &'a str)], StatusCode, &'a str);

async fn bad_signup_input_is_rejected_and_kept(app: TestApp) {
    let b = app.browser();
    let cases: &[Case] = &[
        (
            &[
                ("display_name", "A"),
                ("email", "not-an-email"),
                ("phone", ""),
                ("password", STRONG_PASSWORD),
                ("birth_date", "1990-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "valid email",
        ),
        (
            &[
                ("display_name", "A"),
                ("email", ""),
                ("phone", ""),
                ("password", STRONG_PASSWORD),
                ("birth_date", "1990-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "email address or a mobile number",
        ),
        (
            &[
                ("display_name", "A"),
                ("email", "a@b.org"),
                ("phone", "12345"),
                ("password", STRONG_PASSWORD),
                ("birth_date", "1990-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "international format",
        ),
        (
            &[
                ("display_name", "A"),
                ("email", "a@b.org"),
                ("phone", ""),
                ("password", STRONG_PASSWORD),
                ("birth_date", "01/01/1990"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "year-month-day",
        ),
        (
            &[
                ("display_name", "A"),
                ("email", "a@b.org"),
                ("phone", ""),
                ("password", STRONG_PASSWORD),
                ("birth_date", "2199-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "real date of birth",
        ),
        (
            &[
                ("display_name", ""),
                ("email", "a@b.org"),
                ("phone", ""),
                ("password", STRONG_PASSWORD),
                ("birth_date", "1990-01-01"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
        ),
        (
            &[
                ("display_name", "A"),
                ("email", "a@b.org"),
                ("phone", ""),
                ("password", STRONG_PASSWORD),
                ("birth_date", "1990-01-01"),
                ("admin", "1"),
            ],
            StatusCode::BAD_REQUEST,
            "unexpected fields",
        ),
        (&[("display_name", "A")], StatusCode::BAD_REQUEST, "unexpected fields"),
    ];
    for (fields, status, text) in cases {
        let (s, page) = b.post_form_text("/signup", fields).await;
        assert_eq!(s, *status, "{fields:?}");
        assert!(page.contains(text), "{fields:?}: {page}");
    }
    let (_, page) = b.post_form_text("/signup", cases[0].0).await;
    assert!(
        koine_testkit::field(&page, "email").value == "not-an-email",
        "the visitor's input is kept for correction"
    );
    assert_eq!(app.count("accounts").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}

both_backends!(phone_only_account_resets_by_texted_code);

/// A phone-only member resets a forgotten password with a texted code; an
/// unknown number gets the same page, and guesses are limited.
async fn phone_only_account_resets_by_texted_code(app: TestApp) {
    let phone = "+819011112222";
    let b = app.browser();
    b.signup("Tel", "", phone, STRONG_PASSWORD, "1990-01-01").await;
    let code = code_in(&app.texts_to(phone).await[0], 6);
    b.post_form_text("/verify/phone", &[("phone", phone), ("code", &code)])
        .await;
    let old = app.browser();
    old.login(phone, STRONG_PASSWORD).await;

    let (known_status, known_page) = app
        .browser()
        .post_form_text("/password/forgot", &[("identifier", phone)])
        .await;
    let (unknown_status, unknown_page) = app
        .browser()
        .post_form_text("/password/forgot", &[("identifier", "+819099998888")])
        .await;
    assert_eq!(known_status, StatusCode::OK);
    assert_eq!(known_status, unknown_status);
    assert_eq!(
        normalize(&known_page).replace(phone, "N"),
        normalize(&unknown_page).replace("+819099998888", "N")
    );
    assert!(app.texts_to("+819099998888").await.is_empty());

    let texts = app.texts_to(phone).await;
    let reset = code_in(texts.last().unwrap(), 6);
    let wrong = if reset == "000000" { "111111" } else { "000000" };
    let new = "lagoon-meteor-basket-64";
    let (status, _) = b
        .post_form_text(
            "/password/reset/code",
            &[("phone", phone), ("code", wrong), ("password", new)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, page) = b
        .post_form_text(
            "/password/reset/code",
            &[("phone", phone), ("code", &reset), ("password", new)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        old.get("/settings").await.status(),
        StatusCode::SEE_OTHER,
        "sessions ended"
    );
    b.login(phone, new).await;
    let (status, _) = b
        .post_form_text(
            "/password/reset/code",
            &[
                ("phone", phone),
                ("code", &reset),
                ("password", "another-pass-phrase-7"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "codes are single-use");
}

both_backends!(sign_up_keeps_the_chosen_time_zone);

async fn sign_up_keeps_the_chosen_time_zone(app: TestApp) {
    let b = app.browser();
    let ja = b.get_text_with("/signup", &[("accept-language", "ja")]).await;
    assert_eq!(
        koine_testkit::field(&ja, "time_zone").value,
        "Asia/Tokyo",
        "a first guess from the language"
    );
    let mut fields = vec![
        ("display_name", "Zé"),
        ("email", "ze@example.org"),
        ("phone", ""),
        ("password", STRONG_PASSWORD),
        ("birth_date", "1990-01-01"),
        ("time_zone", "Mars/Olympus"),
    ];
    let (status, page) = b.post_form_text("/signup", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("valid time zone"));
    fields[5].1 = "america/sao_paulo";
    let (status, _) = b.post_form_text("/signup", &fields).await;
    assert_eq!(status, StatusCode::OK);
    b.verify_email_link(&link_in(&app.last_mail_to("ze@example.org").await, "/verify/email"))
        .await;
    b.login("ze@example.org", STRONG_PASSWORD).await;
    let (_, page) = b.get_text("/settings/profile").await;
    assert_eq!(koine_testkit::field(&page, "time_zone").value, "America/Sao_Paulo");
}

/// Sessions are remembered for a moment between requests; a change to one
/// must still show on the very next request.
async fn a_changed_or_ended_session_is_seen_at_once(app: TestApp) {
    let a = app.member("cleo@example.org", "Cleo").await;
    let (_, home) = a.get_text("/").await;
    assert!(home.contains("Welcome back, Cleo!"), "{home}");
    a.set_profile("Clio", "Europe/Berlin", &[]).await;
    let (_, home) = a.get_text("/").await;
    assert!(home.contains("Welcome back, Clio!"), "the new name at once: {home}");

    // A signed-out session's cookie, replayed, is signed out.
    let b = app.browser();
    let login = b.login("cleo@example.org", STRONG_PASSWORD).await;
    let cookie = login
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("koine_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let settings = || replay.get(app.url("/settings")).header("Cookie", &cookie).send();
    assert_eq!(settings().await.unwrap().status(), StatusCode::OK);
    b.logout().await;
    assert_eq!(settings().await.unwrap().status(), StatusCode::SEE_OTHER);

    // An erased account's token is refused on the next request.
    let token = crate::api::token(&app, "cleo@example.org").await;
    let me = || replay.get(app.url("/api/v1/me")).bearer_auth(&token).send();
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);
    let r = replay
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(me().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}
