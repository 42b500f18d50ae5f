//! Members under 18: limited use until a guardian confirms by emailed link;
//! staff erase accounts found below the minimum age.

use koine_domain::staff::StaffRole;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, link_in};
use reqwest::StatusCode;

both_backends!(
    a_minor_has_limited_use_until_a_guardian_confirms,
    staff_erase_an_account_below_the_minimum_age
);

async fn a_minor_has_limited_use_until_a_guardian_confirms(app: TestApp) {
    let seventeen = app.born_years_ago(17);
    let b = app.browser();
    b.signup("Teen", "teen@example.org", "", STRONG_PASSWORD, &seventeen)
        .await;
    b.verify_email_link(&link_in(&app.last_mail_to("teen@example.org").await, "/verify/email"))
        .await;
    b.login("teen@example.org", STRONG_PASSWORD).await;
    let id = app.account_id("teen@example.org").await;
    assert!(
        !app.svc.full_use_allowed(id).await.unwrap(),
        "no messaging or payments yet"
    );

    let (status, _) = b
        .post_form_text("/settings/guardian", &[("email", "not-an-email")])
        .await;
    assert!(status.is_client_error(), "{status}");
    let (status, page) = b
        .post_form_text("/settings/guardian", &[("email", "parent@example.org")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("emailed your parent or guardian"), "{page}");
    let mail = app.last_mail_to("parent@example.org").await;
    assert!(mail.contains("Teen"), "{mail}");
    let link = link_in(&mail, "/guardian/confirm");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let guardian = app.browser();
    let (status, page) = guardian.get_text(link.trim_start_matches(&app.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("I am their parent or guardian"), "{page}");
    assert!(
        !app.svc.full_use_allowed(id).await.unwrap(),
        "opening the link is not confirming"
    );
    let (status, _) = guardian.post_form_text("/guardian/confirm", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(app.svc.full_use_allowed(id).await.unwrap());
    assert!(
        app.last_mail_to("teen@example.org")
            .await
            .contains("Your parent or guardian has confirmed")
    );
    let (status, _) = guardian.post_form_text("/guardian/confirm", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a link works once");
    let (_, page) = b.get_text("/settings").await;
    assert!(page.contains("confirmed on"), "{page}");

    // Adults have full use and no guardian to ask.
    let adult = app.member("adult@example.org", "Adult").await;
    let adult_id = app.account_id("adult@example.org").await;
    assert!(app.svc.full_use_allowed(adult_id).await.unwrap());
    let (status, _) = adult
        .post_form_text("/settings/guardian", &[("email", "parent@example.org")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn staff_erase_an_account_below_the_minimum_age(app: TestApp) {
    app.member("young@example.org", "Young").await;
    let id = app.account_id("young@example.org").await;
    let path = format!("/staff/members/{id}/erase-underage");
    let support = app.staff("support@koine.test", StaffRole::Support).await;
    let (status, _) = support.post_form_text(&path, &[("reason", "said so in chat")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let ts = app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    let (status, _) = ts.post_form_text(&path, &[("reason", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    ts.post_form(&format!("/staff/members/{id}/holds"), &[("reason", "investigation")])
        .await;
    let (status, _) = ts.post_form_text(&path, &[("reason", "school ID shows age 11")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "a legal hold keeps the data");
    assert_eq!(app.rows_about("accounts", "id", id).await, 1);

    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let hold = app.hold_on(id).await;
    officer
        .post_form(&format!("/staff/members/{id}/holds/{hold}/lift"), &[("reason", "done")])
        .await;
    let (status, page) = ts.post_form_text(&path, &[("reason", "school ID shows age 11")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("deactivated and its data erased"), "{page}");
    assert_eq!(app.rows_about("accounts", "id", id).await, 0);
    assert_eq!(app.rows_about("profiles", "account_id", id).await, 0);
    assert!(
        app.last_mail_to("young@example.org")
            .await
            .contains("only be used from the minimum age")
    );
    let reasons: Vec<(String, Option<String>)> = {
        let sql = "SELECT action, reason FROM audit_events WHERE action = 'erase_underage'";
        koine_testkit::on_db!(&app.svc.db, p => sqlx::query_as(sql).fetch_all(p).await.unwrap())
    };
    assert_eq!(
        reasons,
        [("erase_underage".to_owned(), Some("school ID shows age 11".to_owned()))],
        "recorded with its reason"
    );
}
