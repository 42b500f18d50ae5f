//! The data map against the live schema, and the two migration folders against each other.

use koine_store::{datamap, schema};
use koine_testkit::{Backend, TestApp, both_backends};
use reqwest::StatusCode;

both_backends!(
    data_map_covers_live_schema,
    data_map_lists_parents_before_children,
    person_and_retention_lookups_use_indexes,
    privacy_notice_is_generated_from_the_map
);

async fn data_map_covers_live_schema(app: TestApp) {
    let live = schema::read(&app.svc.db).await.unwrap();
    assert!(live.len() >= 8, "schema read: {live:?}");
    let problems = datamap::coverage_problems(&live);
    assert!(
        problems.is_empty(),
        "data map out of step with the schema:\n{}",
        problems.join("\n")
    );
}

/// Erasure and retention sweeps walk the map backwards, so rows that others
/// reference go last: the map's order must follow the real foreign keys.
async fn data_map_lists_parents_before_children(app: TestApp) {
    let keys = schema::foreign_keys(&app.svc.db).await.unwrap();
    assert!(
        keys.contains(&("profiles".into(), "accounts".into())),
        "foreign keys read: {keys:?}"
    );
    let problems = datamap::order_problems(keys.iter().map(|(c, p)| (c.as_str(), p.as_str())));
    assert!(problems.is_empty(), "data map out of order:\n{}", problems.join("\n"));
}

/// Export, erasure and the access report look rows up by every subject
/// column, and sweeps by each retention instant: none may scan a table.
async fn person_and_retention_lookups_use_indexes(app: TestApp) {
    let leads = schema::index_leads(&app.svc.db).await.unwrap();
    assert!(leads.contains(&("accounts".into(), "id".into())), "{leads:?}");
    let mut missing = Vec::new();
    for t in datamap::tables() {
        let mut needed: Vec<&str> = t.subjects.to_vec();
        if let Some(koine_store::retention::Sweep::Rows { column, .. }) =
            koine_store::retention::plan(&app.svc.settings.retention)
                .into_iter()
                .find(|s| s.table() == t.table && matches!(s, koine_store::retention::Sweep::Rows { .. }))
        {
            needed.push(column);
        }
        for c in needed {
            if !leads.contains(&(t.table.to_owned(), c.to_owned())) {
                missing.push(format!("{}.{c}", t.table));
            }
        }
    }
    assert!(missing.is_empty(), "no index leads with: {missing:?}");
}

async fn privacy_notice_is_generated_from_the_map(app: TestApp) {
    let (status, page) = app.browser().get_text("/privacy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Email address") && page.contains("Art. 6(1)(b)") && page.contains("3 years"),
        "{page}"
    );
    let current = app.svc.policy_version_id();
    assert!(page.contains(&current) && page.contains("Last updated"), "{page}");
    assert!(
        page.contains("never confirmed are deleted") && page.contains("7 days"),
        "{page}"
    );
    assert!(!page.contains("Unknown localization key"));
    let ja = app
        .browser()
        .get_text_with("/privacy", &[("accept-language", "ja")])
        .await;
    assert!(!ja.contains("Unknown localization key") && ja.contains("lang=\"ja\""));
}

/// A deliberately broken map entry is caught (the check can fail).
#[test]
fn coverage_check_detects_drift() {
    let mut live = schema::Schema::new();
    live.entry("accounts".into()).or_default().insert(
        "mystery".into(),
        schema::Column {
            class: "text".into(),
            nullable: true,
        },
    );
    let problems = datamap::coverage_problems(&live);
    assert!(problems.iter().any(|p| p.contains("accounts.mystery")));
    assert!(problems.iter().any(|p| p.contains("map names column `accounts.email`")));
    assert!(problems.iter().any(|p| p.contains("map names table `profiles`")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = TestApp::spawn(Backend::Sqlite).await;
    let pg = TestApp::spawn(Backend::Postgres).await;
    let a = schema::read(&sqlite.svc.db).await.unwrap();
    let b = schema::read(&pg.svc.db).await.unwrap();
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same tables"
    );
    for (table, cols) in &a {
        assert_eq!(
            cols, &b[table],
            "columns of {table} differ between SQLite and PostgreSQL"
        );
    }
}
