//! Export (portability): every row the data map links to the person, and
//! nothing private about anyone else; downloads need the password again and
//! expire after 7 days.

use koine_store::datamap::tables;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends};
use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

both_backends!(
    export_holds_all_markers_of_the_person_and_none_of_others,
    export_is_requested_built_downloaded_and_expires,
    export_over_the_api
);

/// file name → contents.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut raw = Vec::new();
        f.read_to_end(&mut raw).unwrap();
        files.insert(
            f.name().unwrap().into_owned(),
            String::from_utf8_lossy(&raw).into_owned(),
        );
    }
    files
}

async fn export_holds_all_markers_of_the_person_and_none_of_others(app: TestApp) {
    let f = app.member_everywhere("alice@example.org", "Alice").await;
    // Bob, a second member, is related to nobody; the staff are related to Alice.
    app.member_everywhere("bob@example.org", "Bob").await;
    let bob = app.account_id("bob@example.org").await;
    let texts = |m: Vec<koine_testkit::Marker>| m.into_iter().map(|m| m.text).collect::<Vec<_>>();
    let mine = texts(app.mark(f.id, "A", None, false).await);
    let others = [bob, f.support, f.officer];
    let mut theirs = Vec::new();
    for (n, o) in others.iter().enumerate() {
        theirs.extend(texts(app.mark(*o, &format!("O{n}"), Some(f.id), false).await));
    }
    for table in [
        "accounts",
        "profiles",
        "sessions",
        "one_time_codes",
        "outbox",
        "audit_events",
        "legal_holds",
        "consent_events",
    ] {
        assert!(
            mine.iter()
                .any(|m| m.starts_with(&format!("mkAx{}", table.replace('_', "")))),
            "the fixture should mark {table}: {mine:?}"
        );
    }
    assert!(theirs.len() > 10, "{theirs:?}");

    let files = unzip(&app.svc.build_export(f.id).await.unwrap());
    // A file for each table holding something about the person, and only
    // for those; the schema describes every table.
    let schema: serde_json::Value = serde_json::from_str(&files["schema.json"]).unwrap();
    for t in tables().filter(|t| !t.subjects.is_empty()) {
        let mut holds = false;
        for s in t.subjects {
            holds |= app.rows_about(t.table, s, f.id).await > 0;
        }
        for ext in ["json", "csv"] {
            assert_eq!(
                files.contains_key(&format!("data/{}.{ext}", t.table)),
                holds,
                "{}: a file if and only if it holds something",
                t.table
            );
        }
        assert!(schema["tables"][t.table]["columns"].is_array(), "{} described", t.table);
    }
    assert!(files.contains_key("schema.json") && files.contains_key("README.txt"));
    assert!(
        files.keys().any(|k| k.starts_with("files/avatar-")),
        "the picture is included"
    );
    assert!(
        files
            .iter()
            .any(|(k, v)| k.starts_with("files/video-") && v.contains("ftypmp42")),
        "the introduction video is included"
    );
    let json: String = files
        .iter()
        .filter(|(k, _)| k.ends_with(".json"))
        .map(|(_, v)| v.as_str())
        .collect();
    let csv: String = files
        .iter()
        .filter(|(k, _)| k.ends_with(".csv"))
        .map(|(_, v)| v.as_str())
        .collect();
    for m in &mine {
        assert!(json.contains(m.as_str()), "{m} missing from the JSON");
        assert!(csv.contains(m.as_str()), "{m} missing from the CSV");
    }
    let everything: String = files.values().map(String::as_str).collect();
    for m in &theirs {
        assert!(!everything.contains(m.as_str()), "someone else's {m} is in the export");
    }
    for o in others {
        assert!(
            !everything.contains(&o.to_string()),
            "another person's id {o} is in the export"
        );
    }
    // Encrypted fields are opened for their owner; secrets never leave.
    assert!(everything.contains("1990-04-01") && everything.contains("+34611223344"));
    assert!(!everything.contains("$argon2"), "password hashes stay out");
    // Staff appear under a stable pseudonym.
    let audit: serde_json::Value = serde_json::from_str(&files["data/audit_events.json"]).unwrap();
    let actors: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["actor_id"].as_str().unwrap())
        .collect();
    assert!(actors.iter().all(|a| a.starts_with("person-")), "{actors:?}");
    let schema: serde_json::Value = serde_json::from_str(&files["schema.json"]).unwrap();
    assert_eq!(schema["tables"]["profiles"]["json"], "data/profiles.json");
}

async fn export_is_requested_built_downloaded_and_expires(app: TestApp) {
    let b = app.member("exp@example.org", "Exp").await;
    let (_, page) = b.get_text("/settings/data").await;
    assert!(page.contains("Prepare my export"), "{page}");
    b.post_form("/settings/data/export", &[]).await;
    b.post_form("/settings/data/export", &[]).await;
    assert_eq!(
        app.count("data_exports").await,
        1,
        "asking twice while building queues one"
    );
    let (_, page) = b.get_text("/settings/data").await;
    assert!(page.contains("Being prepared"), "{page}");
    assert_eq!(app.svc.build_pending_exports().await.unwrap(), 1);
    assert!(
        app.last_mail_to("exp@example.org")
            .await
            .contains("Your Koine data export is ready")
    );
    let (_, page) = b.get_text("/settings/data").await;
    let link = page
        .split('"')
        .find(|s| s.starts_with("/settings/data/exports/"))
        .expect("a download link")
        .to_owned();
    let r = b.get(&link).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let files = unzip(&r.bytes().await.unwrap());
    assert!(files["data/accounts.json"].contains("exp@example.org"));

    // Someone else cannot fetch it, even knowing the link.
    let eve = app.member("eve@example.org", "Eve").await;
    assert_eq!(eve.get(&link).await.status(), StatusCode::NOT_FOUND);

    // Later, the password is needed again, then the download works.
    app.advance(Duration::from_secs(16 * 60));
    let r = b.get(&link).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/reauth?next=/settings/data");
    let (_, form) = b.get_text("/reauth?next=/settings/data").await;
    // (The language switcher has a `next` of its own.)
    assert!(
        koine_testkit::fields(&form, "next")
            .iter()
            .any(|f| f.value == "/settings/data"),
        "{form}"
    );
    let r = b
        .post_form("/reauth", &[("password", STRONG_PASSWORD), ("next", "/settings/data")])
        .await;
    assert_eq!(r.headers()["location"], "/settings/data");
    assert_eq!(b.get(&link).await.status(), StatusCode::OK);
    // An outside target is never followed.
    let r = b
        .post_form(
            "/reauth",
            &[("password", STRONG_PASSWORD), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/settings");

    // After 7 days the archive is gone: the link fails and the sweep removes it.
    app.advance(Duration::from_secs(7 * 24 * 3600));
    b.post_form("/reauth", &[("password", STRONG_PASSWORD)]).await;
    assert_eq!(b.get(&link).await.status(), StatusCode::NOT_FOUND);
    app.svc.sweep(false).await.unwrap();
    assert_eq!(app.count("data_exports").await, 0);
}

async fn export_over_the_api(app: TestApp) {
    app.member("api-exp@example.org", "ApiExp").await;
    let token = crate::api::token(&app, "api-exp@example.org").await;
    let c = reqwest::Client::new();
    let r = app.api(reqwest::Method::POST, "/api/v1/me/exports", &token).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Still being built: not "not found", but "not ready yet".
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/me/exports/{id}/archive"),
            &token,
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "export-not-ready");
    app.svc.build_pending_exports().await.unwrap();
    let list: serde_json::Value = app.get_json("/api/v1/me/exports", &token).await;
    assert_eq!(list[0]["id"], id.as_str());
    assert!(list[0]["ready_at"].is_i64());
    let archive = app.url(&format!("/api/v1/me/exports/{id}/archive"));
    let r = c.get(&archive).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    app.advance(Duration::from_secs(16 * 60));
    let r = c.get(&archive).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "needs a recent password entry");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // Expired, it is gone from the list, as from the page.
    app.advance(Duration::from_secs(7 * 24 * 3600));
    let list: serde_json::Value = app.get_json("/api/v1/me/exports", &token).await;
    assert_eq!(list, serde_json::json!([]), "an expired export is not listed");
}
