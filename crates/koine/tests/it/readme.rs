//! The README's table of features is true: every path it gives for a
//! feature that works answers, and a planned feature's paths do not exist
//! yet (so the table must change when the feature lands).

use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;

both_backends!(the_feature_table_is_true);

const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"));

/// (feature, status, paths) for each row of the table.
fn feature_rows() -> Vec<(String, String, Vec<String>)> {
    let table = README
        .split("## What works today")
        .nth(1)
        .expect("the README has a table of features")
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2);
    table
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 3, "feature | status | where: {row}");
            let paths = cells[2]
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|p| p.starts_with('/'))
                .map(str::to_owned)
                .collect();
            (cells[0].to_owned(), cells[1].to_owned(), paths)
        })
        .collect()
}

async fn the_feature_table_is_true(app: TestApp) {
    let rows = feature_rows();
    assert!(rows.iter().filter(|r| r.1 == "works").count() >= 10, "{rows:?}");
    let member = app.member("reader@example.org", "Reader").await;
    for (feature, status, paths) in &rows {
        for path in paths {
            let got = member.get(path).await.status();
            match status.as_str() {
                "works" => assert!(
                    got != StatusCode::NOT_FOUND && !got.is_server_error(),
                    "{feature}: {path} answers {got}"
                ),
                "planned" => assert_eq!(got, StatusCode::NOT_FOUND, "{feature} is planned, yet {path} exists"),
                other => panic!("{feature}: status {other:?} is neither works nor planned"),
            }
        }
        assert!(status != "works" || !paths.is_empty(), "{feature}: say where it works");
    }
}
