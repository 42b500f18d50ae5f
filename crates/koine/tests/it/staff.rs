//! Staff console: roles, audited access, the privacy officer's audit log.

use koine_domain::staff::StaffRole;
use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;

both_backends!(
    staff_access_is_audited,
    staff_pages_need_the_right_role,
    create_staff_command_works
);

async fn staff_access_is_audited(app: TestApp) {
    app.member("member@example.org", "Marta").await;
    let id = app.account_id("member@example.org").await;
    let support = app.staff("support@koine.test", StaffRole::Support).await;
    let (status, page) = support.get_text("/staff/members?q=mar").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("member@example.org"), "{page}");
    let (status, page) = support.get_text(&format!("/staff/members/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("member@example.org"),
        "nothing shown before access is recorded"
    );
    let (status, page) = support
        .post_form_text(&format!("/staff/members/{id}"), &[("reason", "ticket #4711")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("member@example.org") && page.contains("1990-04-01"));

    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let (status, log) = officer.get_text("/staff/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        log.contains("Opened a member record") && log.contains("ticket #4711") && log.contains(&id.to_string()),
        "{log}"
    );
    assert!(log.contains("Searched the member directory"));
    assert_eq!(
        support.get("/staff/audit").await.status(),
        StatusCode::FORBIDDEN,
        "support cannot read the audit log"
    );
    assert!(
        log.contains("query: &#34;mar&#34;"),
        "the search itself is recorded: {log}"
    );
    assert_eq!(
        support.get("/staff/members?q=%00").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        support.get("/staff/members?page=99999999999999").await.status(),
        StatusCode::OK
    );
}

async fn staff_pages_need_the_right_role(app: TestApp) {
    let member = app.member("m@example.org", "M").await;
    let id = app.account_id("m@example.org").await;
    for path in ["/staff/members", &format!("/staff/members/{id}"), "/staff/audit"] {
        assert_eq!(member.get(path).await.status(), StatusCode::FORBIDDEN, "{path}");
        let anon = app.browser().get(path).await;
        assert_eq!(anon.status(), StatusCode::SEE_OTHER, "{path}");
    }
    let (status, _) = member
        .post_form_text(&format!("/staff/members/{id}"), &[("reason", "curious")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let finance = app.staff("fin@koine.test", StaffRole::Finance).await;
    assert_eq!(finance.get("/staff/members").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_events").await, 0, "refused requests open nothing");
}

async fn create_staff_command_works(app: TestApp) {
    let bin = env!("CARGO_BIN_EXE_koine");
    let mut cmd = std::process::Command::new(bin);
    cmd.args([
        "admin",
        "create-staff",
        "--email",
        "Dpo@Koine.test",
        "--role",
        "privacy_officer",
    ])
    .env("KOINE_DATA_DIR", app.data_dir())
    .env("KOINE_MASTER_KEY", app.config.master_key.clone().unwrap())
    .env("KOINE_LOG", "warn");
    if let Some(url) = &app.config.database_url {
        cmd.env("KOINE_DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let password = stdout.rsplit(": ").next().unwrap().trim();
    let b = app.browser();
    b.login("dpo@koine.test", password).await;
    assert_eq!(b.get("/staff/audit").await.status(), StatusCode::OK);
    // An unconfirmed sign-up with a future staff address is not promoted.
    app.browser()
        .signup(
            "Squatter",
            "new-admin@koine.test",
            "",
            "squatter-password-velvet-9",
            "1990-01-01",
        )
        .await;
    let mut cmd = std::process::Command::new(bin);
    cmd.args([
        "admin",
        "create-staff",
        "--email",
        "new-admin@koine.test",
        "--role",
        "admin",
    ])
    .env("KOINE_DATA_DIR", app.data_dir())
    .env("KOINE_MASTER_KEY", app.config.master_key.clone().unwrap());
    if let Some(url) = &app.config.database_url {
        cmd.env("KOINE_DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("never confirmed"), "{err}");
    let bad = std::process::Command::new(bin)
        .args(["admin", "create-staff", "--email", "x@koine.test", "--role", "root"])
        .env("KOINE_DATA_DIR", app.data_dir())
        .env("KOINE_MASTER_KEY", app.config.master_key.clone().unwrap())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("privacy_officer"));
}
