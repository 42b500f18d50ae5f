//! Erasure leaves no residue: after a person is erased, the markers placed
//! in every text column the map links to them appear nowhere — not in any
//! table, not in the SQLite file or its WAL, not in the data directory, not
//! in the logs — except in the fields the map retains under a legal
//! obligation, and the rows kept hold nothing else of theirs.

use koine_domain::privacy::Erasure;
use koine_store::Db;
use koine_testkit::{Backend, Logs, Marker, TestApp, with_captured_logs};
use reqwest::StatusCode;
use std::path::Path;

mod erasure_leaves_no_residue {
    use super::*;

    #[test]
    fn sqlite() {
        with_captured_logs(Backend::Sqlite, erasure_leaves_no_residue);
    }

    #[test]
    fn postgres() {
        with_captured_logs(Backend::Postgres, erasure_leaves_no_residue);
    }
}

/// Every column of every table in the live schema (not only those in the
/// map), with all its values as text: a snapshot to search.
async fn snapshot(app: &TestApp) -> Vec<(String, String)> {
    let schema = koine_store::schema::read(&app.svc.db).await.unwrap();
    let mut out = Vec::new();
    for (table, columns) in &schema {
        for column in columns.keys() {
            // Every column as text: SQLite reads any storage class as a
            // BLOB, PostgreSQL casts to TEXT (its BLOB is BYTEA).
            let values: Vec<String> = match &app.svc.db {
                Db::Sqlite(p) => {
                    let sql = sqlx::AssertSqlSafe(format!(
                        "SELECT CAST({column} AS BLOB) FROM {table} WHERE {column} IS NOT NULL"
                    ));
                    let raw: Vec<Vec<u8>> = sqlx::query_scalar(sql).fetch_all(p).await.unwrap();
                    raw.iter().map(|v| String::from_utf8_lossy(v).into_owned()).collect()
                }
                Db::Postgres(p) => {
                    let sql = sqlx::AssertSqlSafe(format!(
                        "SELECT CAST({column} AS TEXT) FROM {table} WHERE {column} IS NOT NULL"
                    ));
                    sqlx::query_scalar(sql).fetch_all(p).await.unwrap()
                }
            };
            out.push((format!("{table}.{column}"), values.join("\n")));
        }
    }
    out
}

/// `table.column` of every value in the snapshot that contains `needle`.
fn found_in(snapshot: &[(String, String)], needle: &str) -> Vec<String> {
    snapshot
        .iter()
        .filter(|(_, values)| values.contains(needle))
        .map(|(at, _)| at.clone())
        .collect()
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A name only Ada has, given before anything is written about her: what
/// Koine writes about her into other people's records (the notices and
/// emails her lessons, packages and reviews send her partner) must not keep
/// it once she is erased.
const NAME: &str = "Zyxquorra";

async fn erasure_leaves_no_residue(app: TestApp, logs: Logs) {
    let ada = app.member_everywhere("ada@example.org", NAME).await;
    let told = app.svc.notifications(ada.partner).await.unwrap();
    assert!(
        told.iter().filter(|n| n.body.contains(NAME)).count() >= 3,
        "her partner's notices name her while she is a member: {told:?}"
    );
    let bob = app.member_everywhere("bob@example.org", "Bob").await;
    // Bob's lessons moved the clock on: Ada signs in again to delete.
    ada.browser
        .login("ada@example.org", koine_testkit::STRONG_PASSWORD)
        .await;
    let mine = app.mark(ada.id, "A", None, true).await;
    let mut theirs = Vec::new();
    for (n, other) in [bob.id, ada.support, ada.officer].into_iter().enumerate() {
        theirs.extend(app.mark(other, &format!("O{n}"), Some(ada.id), true).await);
    }
    let (gone, kept): (Vec<&Marker>, Vec<&Marker>) = mine.iter().partition(|m| !m.survives_erasure());
    assert!(gone.len() > 20 && !kept.is_empty(), "gone {gone:?}, kept {kept:?}");

    // The values go through the usual paths first: pages that show them.
    let name = mine.iter().find(|m| m.column == "display_name").unwrap();
    let (_, profile) = bob.browser.get_text(&format!("/members/{}", ada.id)).await;
    assert!(profile.contains(&name.text), "{profile}");
    let (status, _) = ada.browser.get_text("/settings/data").await;
    assert_eq!(status, StatusCode::OK);
    let r = ada.browser.post_form("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    app.deliver().await;
    // Her report of the conversation is still open: what it covers of her
    // messages waits for its decision, no longer naming her.
    let body = mine
        .iter()
        .find(|m| m.table.table == "messages" && m.column == "body")
        .unwrap();
    assert_eq!(found_in(&snapshot(&app).await, &body.text), ["messages.body"]);
    let open: Vec<uuid::Uuid> = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(
        "SELECT id FROM message_reports WHERE status = 'open' \
         AND (reporter_id NOT IN (SELECT id FROM accounts) OR reported_id NOT IN (SELECT id FROM accounts))")
        .fetch_all(p).await.unwrap());
    assert!(!open.is_empty());
    let ts = app
        .staff("ts-residue@koine.test", koine_domain::staff::StaffRole::TrustSafety)
        .await;
    for id in open {
        crate::conversations::decide_on_page(&ts, id, "dismissed", "the reporter has left").await;
    }
    // The compaction job rewrites the SQLite file after an erasure.
    assert!(app.svc.compact_storage().await.unwrap());

    // In the database, through SQL: every table, every column.
    let db = snapshot(&app).await;
    for m in &gone {
        let hits = found_in(&db, &m.text);
        assert!(hits.is_empty(), "{} is still in {hits:?}", m.text);
    }
    // Deciding the report wrote its own note over the marker there.
    let decided = |m: &&&Marker| !(m.table.table == "message_reports" && m.column == "decision_note");
    for m in kept.iter().filter(decided) {
        let hits = found_in(&db, &m.text);
        assert_eq!(
            hits,
            [format!("{}.{}", m.table.table, m.column)],
            "{} is retained",
            m.text
        );
    }
    for m in &theirs {
        assert!(
            !found_in(&db, &m.text).is_empty(),
            "{} (someone else's) was erased",
            m.text
        );
    }
    assert!(found_in(&db, &ada.id.to_string()).is_empty(), "the id is gone");
    // Her name, given before any of it was written, is in nobody's records
    // (the map keeps it nowhere), and her partner's notices now speak of a
    // former member.
    let hits = found_in(&db, NAME);
    assert!(hits.is_empty(), "{NAME} is still in {hits:?}");
    let told = app.svc.notifications(ada.partner).await.unwrap();
    assert!(told.iter().all(|n| !n.body.contains(NAME)), "{told:?}");
    assert!(told.iter().any(|n| n.body.contains("a former member")), "{told:?}");
    // Kept rows hold only what the map retains: what it clears is NULL.
    for m in &kept {
        let cleared: Vec<&str> = m
            .table
            .columns
            .iter()
            .filter(|c| c.erasure == Erasure::Null)
            .map(|c| c.column)
            .collect();
        for c in cleared {
            let sql = format!(
                "SELECT COUNT(*) FROM {} WHERE {} LIKE $1 AND {c} IS NOT NULL",
                m.table.table, m.column
            );
            let n: i64 = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)) .bind(format!("{}%", m.text)) .fetch_one(p) .await .unwrap());
            assert_eq!(n, 0, "{}.{c} is kept beside a retained field", m.table.table);
        }
    }

    // In the bytes of the data directory: the SQLite file, its WAL and
    // shared memory, the file store. The outbox holds messages as delivered (the
    // stand-in for the recipients' mailboxes), so it is not Koine's copy.
    let files: Vec<_> = files_under(app.data_dir())
        .into_iter()
        .filter(|(p, _)| !p.starts_with(app.data_dir().join("outbox")))
        .collect();
    let db_bytes: Vec<u8> = files
        .iter()
        .filter(|(p, _)| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("koine.db"))
        })
        .flat_map(|(_, b)| b.iter().copied())
        .collect();
    if app.backend == Backend::Sqlite {
        // The scan can fail: what the map keeps is found in the file.
        for m in kept.iter().filter(decided) {
            assert!(holds(&db_bytes, m.text.as_bytes()), "{} should be in the file", m.text);
        }
        assert!(!holds(&db_bytes, ada.id.as_bytes()), "the id's bytes are gone");
    }
    for (path, bytes) in &files {
        assert!(!holds(bytes, NAME.as_bytes()), "{NAME} is in {}", path.display());
        for m in &gone {
            assert!(!holds(bytes, m.text.as_bytes()), "{} is in {}", m.text, path.display());
        }
    }
    assert_eq!(
        app.stored("avatar").await.len(),
        3,
        "only Bob's and the two partners' pictures are left"
    );

    // In the logs of the server, its jobs and the database driver.
    let logs = logs.text();
    assert!(
        logs.contains("an account was erased at its owner's request") && logs.contains("/settings/delete"),
        "the capture sees the server's logs"
    );
    for m in &gone {
        assert!(!logs.contains(&m.text), "{} is in the logs", m.text);
    }
    assert!(!logs.contains(NAME), "her name is in the logs");
}
