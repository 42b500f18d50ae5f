//! Retention sweeps driven by the data map, with a settable clock.

use koine_domain::staff::StaffRole;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends};
use reqwest::StatusCode;
use std::time::Duration;

both_backends!(
    sweeps_remove_what_the_map_says_has_expired,
    ip_addresses_are_cut_to_their_network_after_a_week,
    conversations_are_kept_as_long_as_configured
);

const DAY: u64 = 86_400;

async fn counts(app: &TestApp, dry_run: bool) -> Vec<(String, u64)> {
    app.svc
        .sweep(dry_run)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (format!("{}/{}", l.table, l.rule), l.count))
        .collect()
}

fn get(lines: &[(String, u64)], key: &str) -> u64 {
    lines
        .iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no sweep {key} in {lines:?}"))
        .1
}

async fn sweeps_remove_what_the_map_says_has_expired(app: TestApp) {
    let kept = app.member("kept@example.org", "Kept").await;
    app.browser()
        .signup("Never", "never@example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    let staff = app.staff("support@koine.test", StaffRole::Support).await;
    let kept_id = app.account_id("kept@example.org").await;
    staff
        .post_form(&format!("/staff/members/{kept_id}"), &[("reason", "ticket")])
        .await;
    app.deliver().await;
    assert_eq!(app.count("accounts").await, 3);

    let now = counts(&app, true).await;
    assert!(now.iter().all(|(_, n)| *n == 0), "nothing has expired yet: {now:?}");

    // Eight days on: the unconfirmed sign-up and its code go; the member stays.
    app.advance(Duration::from_secs(8 * DAY));
    let dry = counts(&app, true).await;
    assert_eq!(get(&dry, "accounts/unconfirmed_accounts"), 1);
    assert_eq!(get(&dry, "one_time_codes/expired_rows"), 1);
    assert_eq!(app.count("accounts").await, 3, "a dry run changes nothing");
    let done = counts(&app, false).await;
    assert_eq!(done, dry, "the sweep removes what the dry run announced");
    assert_eq!(app.count("accounts").await, 2);
    assert_eq!(app.count("one_time_codes").await, 0);
    assert_eq!(
        kept.get("/settings").await.status(),
        StatusCode::OK,
        "confirmed members are untouched"
    );

    // Past the outbox's 30 days and the sessions' idle expiry.
    app.advance(Duration::from_secs(31 * DAY));
    let done = counts(&app, false).await;
    // The unconfirmed sign-up's mail went with its erasure; the member's remains until now.
    assert_eq!(get(&done, "outbox/expired_rows"), 1, "{done:?}");
    assert_eq!(get(&done, "sessions/expired_rows"), 2);
    assert_eq!(app.count("outbox").await, 0);
    assert_eq!(app.count("sessions").await, 0);
    assert_eq!(
        app.count("audit_events").await,
        1,
        "staff-access records are kept three years"
    );

    app.advance(Duration::from_secs(3 * 366 * DAY));
    let done = counts(&app, false).await;
    assert_eq!(get(&done, "audit_events/expired_rows"), 1);
    assert_eq!(
        app.count("accounts").await,
        2,
        "accounts live as long as their owners want"
    );
}

/// The full and the cut address of every row of `table`.
async fn ips(app: &TestApp, table: &str) -> Vec<(Option<String>, Option<String>)> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT ip, ip_network FROM {table}"));
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_as(sql).fetch_all(p).await.unwrap())
}

async fn ip_addresses_are_cut_to_their_network_after_a_week(app: TestApp) {
    let b = app.member("ip@example.org", "Ip").await;
    let (status, _) = app
        .browser()
        .post_form_text(
            "/login",
            &[("identifier", "ip@example.org"), ("password", "wrong-guess-123")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, page) = b.get_text("/settings").await;
    let log = page.split("Recent security activity").nth(1).expect("the security log");
    for seen in ["Failed sign-in", "Signed in", "Email address confirmed", "127.0.0.1"] {
        assert!(log.contains(seen), "{seen}: {log}");
    }
    let full = (Some("127.0.0.1".to_owned()), Some("127.0.0.0/24".to_owned()));
    assert!(ips(&app, "sessions").await.iter().all(|r| *r == full));
    assert_eq!(ips(&app, "security_events").await, vec![full.clone(); 3]);

    app.advance(Duration::from_secs(6 * DAY));
    let done = counts(&app, false).await;
    assert_eq!(get(&done, "security_events/expired_values"), 0, "{done:?}");
    app.advance(Duration::from_secs(2 * DAY));
    let dry = counts(&app, true).await;
    assert_eq!(get(&dry, "security_events/expired_values"), 3);
    assert_eq!(get(&dry, "sessions/expired_values"), 1);
    let done = counts(&app, false).await;
    assert_eq!(done, dry);
    let cut = (None, Some("127.0.0.0/24".to_owned()));
    assert_eq!(
        ips(&app, "sessions").await,
        vec![cut.clone()],
        "the session itself lives on"
    );
    assert_eq!(ips(&app, "security_events").await, vec![cut; 3]);
    let (_, page) = b.get_text("/settings").await;
    assert!(page.contains("127.0.0.0/24") && !page.contains("127.0.0.1"), "{page}");

    app.advance(Duration::from_secs(83 * DAY));
    let done = counts(&app, false).await;
    assert_eq!(get(&done, "security_events/expired_rows"), 3, "{done:?}");
    assert_eq!(app.count("security_events").await, 0);
}

#[test]
fn sweep_command_reports_per_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_koine"))
        .args(["privacy", "sweep", "--dry-run"])
        .env("KOINE_DATA_DIR", dir.path())
        .env_remove("KOINE_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for table in ["sessions", "one_time_codes", "outbox", "audit_events", "accounts"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(table) && l.contains("would remove 0")),
            "{table}: {text}"
        );
    }
}

async fn conversations_are_kept_as_long_as_configured(backend_app: TestApp) {
    // Its own server: the period is set in configuration.
    let app = TestApp::spawn_with(backend_app.backend, |c| c.conversation_retention_days = Some(60)).await;
    drop(backend_app);
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    let learner = app.member("ana@example.org", "Ana").await;
    let r = learner
        .post_form("/messages/start", &[("member", &teacher.to_string())])
        .await;
    let c = r.headers()["location"].to_str().unwrap().to_owned();
    let sent = learner
        .post_form(
            &c,
            &[("body", "Hola"), ("idempotency_key", &koine_testkit::lessons::key())],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    // The notice states the period in force, and its version records it.
    let (_, notice) = app.browser().get_text("/privacy").await;
    assert!(notice.contains("60 days") && !notice.contains("1095 days"), "{notice}");
    let default = TestApp::spawn_with(app.backend, |_| {}).await;
    let (_, usual) = default.browser().get_text("/privacy").await;
    assert!(usual.contains("1095 days") && !usual.contains("60 days"), "{usual}");
    assert_ne!(app.svc.policy_version_id(), default.svc.policy_version_id());
    drop(default);
    // Kept while it is younger than the period, gone once it is older.
    app.advance(Duration::from_secs(59 * DAY));
    assert_eq!(get(&counts(&app, false).await, "conversations/expired_rows"), 0);
    assert_eq!(app.count("messages").await, 1);
    app.advance(Duration::from_secs(2 * DAY));
    assert_eq!(get(&counts(&app, false).await, "conversations/expired_rows"), 1);
    assert_eq!(app.count("conversations").await, 0);
    assert_eq!(app.count("messages").await, 0, "its messages went with it");
}
