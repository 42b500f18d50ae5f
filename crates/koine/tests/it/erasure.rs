//! Deleting an account: everything the data map links to the person goes,
//! what the law keeps is pseudonymised, and sessions and keys are gone.

use koine_domain::privacy::Erasure;
use koine_store::datamap::tables;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, link_in};
use reqwest::StatusCode;
use std::time::Duration;
use uuid::Uuid;

both_backends!(
    deleting_an_account_erases_what_the_map_says,
    api_deletion_needs_recent_password
);

async fn deleting_an_account_erases_what_the_map_says(app: TestApp) {
    let f = app.member_everywhere("gone@example.org", "Gone").await;
    let (b, id, other) = (&f.browser, f.id, &f.other_session);
    assert_eq!(
        app.stored("avatar").await.len(),
        2,
        "the member's and their partner teacher's"
    );
    assert!(
        !app.svc
            .files
            .list(&koine_services::files::person_prefix(id))
            .await
            .unwrap()
            .is_empty(),
        "the member has files"
    );
    let everyone = app.svc.parse_search(&Default::default(), "UTC").unwrap();
    assert!(
        app.svc.search_teachers(&everyone).hits.iter().any(|h| h.id == id),
        "a teacher, in search"
    );
    for t in tables() {
        // Subject columns the law keeps are the staff who acted, not members.
        for s in t
            .subjects
            .iter()
            .filter(|s| t.column(s).unwrap().erasure != Erasure::RetainLegal)
        {
            assert!(
                app.rows_about(t.table, s, id).await > 0,
                "the test should cover {}.{s}",
                t.table
            );
        }
    }

    app.advance(Duration::from_secs(16 * 60));
    let r = b.get("/settings/delete").await;
    assert_eq!(r.headers()["location"], "/reauth", "deleting needs the password again");
    b.post_form("/reauth", &[("password", STRONG_PASSWORD)]).await;
    let (status, page) = b.get_text("/settings/delete").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Records of staff opening your personal data") && page.contains("3 years"),
        "{page}"
    );
    // What goes is this member's own data, teaching included.
    let goes = page
        .split("What is deleted")
        .nth(1)
        .unwrap()
        .split("What stays")
        .next()
        .unwrap();
    for table in [
        "Your profile, shown to others as you choose",
        "Your teacher homepage and booking rules",
        "Your self-introduction video",
        "Your application to teach",
    ] {
        assert!(goes.contains(table), "{table} is listed as deleted: {goes}");
    }
    assert!(!goes.contains("Records of staff opening"), "{goes}");
    let (status, _) = b.post_form_text("/settings/delete", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "confirmation required");
    let r = b.post_form("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("koine_session=;"))
    );
    assert!(r.text().await.unwrap().contains("Your account has been deleted"));

    // Every column the map links to the person: rows gone, or pseudonymised.
    for t in tables() {
        for s in t.subjects {
            let col = t.column(s).unwrap();
            let left = app.rows_about(t.table, s, id).await;
            match col.erasure {
                Erasure::RetainLegal => {}
                _ => assert_eq!(left, 0, "{}.{s} still refers to the erased person", t.table),
            }
        }
    }
    // Five on the member's privacy and teaching, four on money and the
    // partner's application (a coupon, the payout approved and paid), and
    // one on messaging (trust and safety stopping the member's messages).
    assert_eq!(app.count("audit_events").await, 10, "staff actions stay, pseudonymised");
    assert_eq!(
        app.count("disclosures").await,
        1,
        "the record of what an authority received stays, pseudonymised"
    );
    assert_eq!(
        app.count("legal_holds").await,
        1,
        "the lifted hold's record stays, pseudonymised"
    );
    let (subject, reason): (Option<Uuid>, Option<String>) = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_as("SELECT account_id, reason FROM legal_holds") .fetch_one(p) .await .unwrap());
    assert!(subject.is_some_and(|s| s != id), "{subject:?}");
    assert_eq!(
        reason.as_deref(),
        Some("dispute 4"),
        "why the hold was placed stays on record"
    );
    assert_eq!(app.stored("avatar").await.len(), 1, "the member's picture file is gone");
    // The teacher's homepage, lessons and availability went with the rows;
    // the video file and the search card go too.
    assert_eq!(
        app.stored("video").await.len(),
        1,
        "the member's video file is gone (their partner's stays)"
    );
    assert!(
        app.svc
            .files
            .list(&koine_services::files::person_prefix(id))
            .await
            .unwrap()
            .is_empty(),
        "nothing is left under the member's prefix"
    );
    assert_eq!(
        app.count("object_deletions").await,
        0,
        "the store confirmed the deletion"
    );
    let everyone = app.svc.parse_search(&Default::default(), "UTC").unwrap();
    assert!(
        app.svc.search_teachers(&everyone).hits.iter().all(|h| h.id != id),
        "out of search"
    );
    assert_eq!(
        app.browser().get(&format!("/teachers/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get("/settings").await.status(),
        StatusCode::SEE_OTHER,
        "every session ended"
    );
    let r = app
        .browser()
        .post_form(
            "/login",
            &[("identifier", "gone@example.org"), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        app.last_mail_to("gone@example.org")
            .await
            .contains("Your Koine account has been deleted")
    );

    // The same address can sign up again, as a new, unrelated account.
    let again = app.browser();
    again
        .signup("Back", "gone@example.org", "", STRONG_PASSWORD, "1990-01-01")
        .await;
    again
        .verify_email_link(&link_in(&app.last_mail_to("gone@example.org").await, "/verify/email"))
        .await;
    again.login("gone@example.org", STRONG_PASSWORD).await;
    assert_ne!(app.account_id("gone@example.org").await, id);
}

async fn api_deletion_needs_recent_password(app: TestApp) {
    app.member("api-gone@example.org", "ApiGone").await;
    let token = crate::api::token(&app, "api-gone@example.org").await;
    app.advance(Duration::from_secs(16 * 60));
    let r = app.api(reqwest::Method::DELETE, "/api/v1/me", &token).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("accounts").await, 1);
    let r = app
        .post_json(
            "/api/v1/session/reauth",
            &token,
            serde_json::json!({"password": STRONG_PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app.api(reqwest::Method::DELETE, "/api/v1/me", &token).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("accounts").await, 0);
    assert_eq!(app.count("subject_keys").await, 0, "the personal key is destroyed");
    let r = app.api(reqwest::Method::GET, "/api/v1/me", &token).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
