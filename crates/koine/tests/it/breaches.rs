//! Breach notification: recorded by the privacy officer, the affected found
//! through the data map, told by email and in the app, the 72-hour clock.

use koine_domain::staff::StaffRole;
use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;
use std::time::Duration;

both_backends!(a_breach_is_recorded_reported_and_told_to_those_affected);

fn stamp(app: &TestApp) -> String {
    app.svc
        .clock
        .now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn a_breach_is_recorded_reported_and_told_to_those_affected(app: TestApp) {
    // Two members give a phone number (pending change); one does not.
    let a = app.member("a@example.org", "Ana").await;
    a.post_form("/settings/phone", &[("phone", "+34611000001")]).await;
    let b = app.member("b@example.org", "Ben").await;
    b.post_form("/settings/phone", &[("phone", "+34611000002")]).await;
    let c = app.member("c@example.org", "Cai").await;
    let dpo = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let support = app.staff("support@koine.test", StaffRole::Support).await;
    assert_eq!(support.get("/staff/breaches").await.status(), StatusCode::FORBIDDEN);

    let when = stamp(&app);
    let bad = [
        vec![
            ("title", "x"),
            ("description", "y"),
            ("discovered_at", "yesterday"),
            ("category", "user.contact.phone_number"),
        ],
        vec![
            ("title", "x"),
            ("description", "y"),
            ("discovered_at", when.as_str()),
            ("category", "user.nope"),
        ],
        vec![
            ("title", " "),
            ("description", "y"),
            ("discovered_at", when.as_str()),
            ("category", "user.contact.phone_number"),
        ],
    ];
    for form in bad {
        let (status, page) = dpo.post_form_text("/staff/breaches", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(page.contains("aria-invalid") || page.contains("alert error"), "{page}");
    }
    assert_eq!(app.count("breaches").await, 0, "nothing stored");

    let r = dpo
        .post_form(
            "/staff/breaches",
            &[
                ("title", "SMS provider leak"),
                ("description", "Our SMS provider exposed phone numbers on 3 March."),
                ("discovered_at", &when),
                ("category", "user.contact.phone_number"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page_path = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = dpo.get_text(&page_path).await;
    assert!(
        page.contains("People affected now (from the data map)</dt><dd>2<"),
        "{page}"
    );
    assert!(!page.contains("Overdue"));

    // The 72-hour clock.
    app.advance(Duration::from_secs(73 * 3600));
    let (_, page) = dpo.get_text(&page_path).await;
    assert!(page.contains("Overdue"), "not reported within 72 hours");
    dpo.post_form(&format!("{page_path}/report"), &[("reference", "AEPD-2026-118")])
        .await;
    let (_, page) = dpo.get_text(&page_path).await;
    assert!(page.contains("AEPD-2026-118") && !page.contains("Overdue"), "{page}");
    let (status, _) = dpo
        .post_form_text(&format!("{page_path}/report"), &[("reference", "again")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    dpo.post_form(&format!("{page_path}/notify"), &[]).await;
    assert_eq!(app.count("breach_notices").await, 2);
    for (who, browser) in [("a@example.org", &a), ("b@example.org", &b)] {
        assert!(
            app.last_mail_to(who).await.contains("SMS provider leak"),
            "{who} is told by email"
        );
        let (_, home) = browser.get_text("/").await;
        assert!(
            home.contains("Security notice: SMS provider leak"),
            "{who} is told in the app"
        );
    }
    assert!(!app.last_mail_to("c@example.org").await.contains("SMS provider leak"));
    let (_, home) = c.get_text("/").await;
    assert!(!home.contains("Security notice"), "not affected, not told");
    let (status, _) = dpo.post_form_text(&format!("{page_path}/notify"), &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "told once");
}
