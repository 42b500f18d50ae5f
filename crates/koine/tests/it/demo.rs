//! `serve --demo`'s marketplace: enough teachers and languages to explore,
//! lessons in every state made through the services (so the books add up),
//! a lesson whose room is open now, and a second seed that adds nothing.

use koine_domain::booking::LessonStatus;
use koine_testkit::{TestApp, both_backends};
use reqwest::StatusCode;

both_backends!(the_demo_is_a_marketplace_to_explore);

async fn count(app: &TestApp, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sql).fetch_one(p).await.expect("a count"))
}

async fn the_demo_is_a_marketplace_to_explore(app: TestApp) {
    let demo = koine::demo::seed(&app.svc).await.expect("the demo seeds");
    let teachers = "SELECT COUNT(*) FROM teachers WHERE status = 'active'";
    assert!(count(&app, teachers).await >= 24);
    let languages = "SELECT COUNT(DISTINCT language) FROM offerings WHERE status = 'active'";
    assert!(count(&app, languages).await >= 10);
    let unreviewed = "SELECT COUNT(*) FROM teachers t WHERE NOT EXISTS \
         (SELECT 1 FROM reviews r WHERE r.teacher_id = t.account_id)";
    assert_eq!(count(&app, unreviewed).await, 0, "every teacher has a review");
    let closed = "SELECT COUNT(*) FROM teachers t WHERE NOT EXISTS \
         (SELECT 1 FROM availability_rules a WHERE a.teacher_id = t.account_id)";
    assert_eq!(count(&app, closed).await, 0, "every teacher has weekly hours");
    for status in LessonStatus::ALL {
        let sql = format!("SELECT COUNT(*) FROM lessons WHERE status = '{}'", status.as_str());
        assert!(count(&app, &sql).await > 0, "a lesson is {}", status.as_str());
    }
    assert!(count(&app, "SELECT COUNT(*) FROM conversations").await >= 3);
    app.assert_books_sound().await;

    // Ana's lesson starting now opens its room, and María's home shows a
    // request waiting for her answer.
    let now = demo.lesson_now.expect("a lesson starting now");
    let room = now.split_whitespace().last().unwrap();
    let ana = app.browser();
    ana.login("ana@demo.koine.test", koine::demo::PASSWORD).await;
    let (status, page) = ana.get_text(room).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let maria = app.browser();
    maria.login("maria@demo.koine.test", koine::demo::PASSWORD).await;
    let (_, home) = maria.get_text("/").await;
    assert!(home.contains("Esperan tu respuesta"), "{home}");

    // Seeding again adds nothing.
    let lessons = "SELECT COUNT(*) FROM lessons";
    let (before, accounts) = (
        count(&app, lessons).await,
        count(&app, "SELECT COUNT(*) FROM accounts").await,
    );
    let again = koine::demo::seed(&app.svc).await.expect("a second seed");
    assert_eq!(again.lesson_now, Some(now));
    assert_eq!(count(&app, lessons).await, before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM accounts").await, accounts);
}
