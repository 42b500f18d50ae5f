//! People's keys: rotating the master key that wraps them (nodes listing
//! the old and the new key serve everyone, `rewrap_keys` moves every stored
//! key under the new one, then the old key can go while a node given only
//! it refuses to start), and keeping them in a database of their own.

use koine_testkit::{Backend, STRONG_PASSWORD, TestApp, both_backends, code_in, fresh_postgres_database};
use reqwest::StatusCode;
use uuid::Uuid;

both_backends!(
    the_master_key_rotates_without_losing_anyone,
    keys_kept_apart_serve_everyone_and_go_with_an_erasure
);

const OLD: &str = "4242424242424242424242424242424242424242424242424242424242424242";
const NEW: &str = "1717171717171717171717171717171717171717171717171717171717171717";

async fn wrapped_keys(app: &TestApp) -> Vec<Vec<u8>> {
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(
        "SELECT wrapped_key FROM subject_keys UNION ALL SELECT wrapped_key FROM platform_keys ORDER BY 1")
        .fetch_all(p).await.unwrap())
}

async fn the_master_key_rotates_without_losing_anyone(app: TestApp) {
    assert_eq!(app.config.master_key.as_deref(), Some(OLD));
    let phone = "+819012345678";
    app.member("ana@example.org", "Ana").await;
    // Kenji's code is hashed on a node with the old key alone and checked
    // on one with both: the code key itself does not change.
    let kenji = app.browser();
    kenji.signup("Kenji", "", phone, STRONG_PASSWORD, "1990-01-01").await;
    let code = code_in(&app.texts_to(phone).await[0], 6);

    // Step 1 and 2 of a rotation: the new key listed, then listed first.
    let listed = app
        .another_node_with(|c| c.master_key = Some(format!("{OLD},{NEW}")))
        .await
        .expect("a node listing the new key after the old starts");
    let during = app
        .another_node_with(|c| c.master_key = Some(format!("{NEW},{OLD}")))
        .await
        .expect("a node listing the new key first starts");
    let on_new_node = during.browser();
    let (status, page) = on_new_node
        .post_form_text("/verify/phone", &[("phone", phone), ("code", &code)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // Bea's key is wrapped under the new master key; the node that lists
    // it second checks her code and opens her number.
    let bea_phone = "+819033334444";
    during
        .browser()
        .signup("Bea", "", bea_phone, STRONG_PASSWORD, "1991-02-03")
        .await;
    let code = code_in(&app.texts_to(bea_phone).await[0], 6);
    let bea = listed.browser();
    let (status, page) = bea
        .post_form_text("/verify/phone", &[("phone", bea_phone), ("code", &code)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    bea.login(bea_phone, STRONG_PASSWORD).await;
    let (_, settings) = bea.get_text("/settings").await;
    assert!(settings.contains(bea_phone), "{settings}");

    let before = wrapped_keys(&app).await;
    let done = during.svc.rewrap_keys().await.unwrap();
    assert_eq!(done.unopened, 0);
    assert_eq!(done.current, 1, "only Bea's key was under the new master key");
    assert_eq!(done.rewrapped, 2 + 4, "Ana's, Kenji's and the four platform keys");
    assert_ne!(before, wrapped_keys(&app).await);
    let again = during.svc.rewrap_keys().await.unwrap();
    assert_eq!(
        (again.rewrapped, again.current),
        (0, 7),
        "a second run has nothing to do"
    );

    // Step 4: the new key alone serves everyone, by email and by phone,
    // and opens what is sealed under their keys.
    let after = app
        .another_node_with(|c| c.master_key = Some(NEW.into()))
        .await
        .expect("a node with only the new key starts");
    after.browser().login("ana@example.org", STRONG_PASSWORD).await;
    for number in [phone, bea_phone] {
        let b = after.browser();
        b.login(number, STRONG_PASSWORD).await;
        let (_, settings) = b.get_text("/settings").await;
        assert!(settings.contains(number), "the number is opened under the new key");
    }

    // The old key alone opens nothing any more: that node refuses to start
    // rather than fail every sign-in.
    let refused = app
        .another_node_with(|c| c.master_key = Some(OLD.into()))
        .await
        .err()
        .expect("a node with only the retired key does not start")
        .to_string();
    assert!(
        refused.contains("none of the configured master keys opens this database"),
        "{refused}"
    );
}

async fn keys_in(db: &koine_store::Db) -> Vec<Uuid> {
    koine_testkit::on_db!(db, p => sqlx::query_scalar("SELECT account_id FROM subject_keys ORDER BY 1")
        .fetch_all(p).await.unwrap())
}

async fn keys_kept_apart_serve_everyone_and_go_with_an_erasure(app: TestApp) {
    // Kenji signed up while the keys lived beside the data.
    let phone = "+819012345678";
    let kenji = app.browser();
    kenji.signup("Kenji", "", phone, STRONG_PASSWORD, "1990-01-01").await;
    let code = code_in(&app.texts_to(phone).await[0], 6);
    kenji
        .post_form_text("/verify/phone", &[("phone", phone), ("code", &code)])
        .await;
    let beside = keys_in(&app.svc.db).await;
    assert_eq!(beside.len(), 1);

    // A node given a key database moves every key there as it starts.
    let url = match app.backend {
        Backend::Sqlite => format!("sqlite:{}", app.temp_dir().join("keys/keys.db").display()),
        Backend::Postgres => fresh_postgres_database().await,
    };
    let node = app
        .another_node_with(|c| c.key_database_url = Some(url.clone()))
        .await
        .expect("a node with a key database starts");
    let key_db = node.svc.key_db.clone().expect("the node uses the key database");
    // The key database holds only what the data map describes, as the
    // data's own database does.
    let schema = koine_store::schema::read(&key_db).await.unwrap();
    let main = koine_store::schema::read(&app.svc.db).await.unwrap();
    assert_eq!(schema.keys().collect::<Vec<_>>(), ["subject_keys"]);
    for (table, columns) in &schema {
        let map = koine_store::datamap::tables()
            .find(|t| t.table == table)
            .expect("mapped");
        for (column, shape) in columns {
            assert!(map.column(column).is_some(), "{table}.{column} is in the data map");
            assert_eq!(
                Some(shape),
                main[table].get(column),
                "{table}.{column} as beside the data"
            );
        }
    }
    assert!(keys_in(&app.svc.db).await.is_empty(), "no key is left beside the data");
    assert_eq!(keys_in(&key_db).await, beside);
    let b = node.browser();
    b.login(phone, STRONG_PASSWORD).await;
    let (_, settings) = b.get_text("/settings").await;
    assert!(settings.contains(phone), "Kenji's number opens with his moved key");

    // Ana signs up on that node: her key goes only to the key database;
    // deleting her account destroys it there at once.
    let ana = node.browser();
    ana.signup("Ana", "ana@example.org", "", STRONG_PASSWORD, "1990-04-01")
        .await;
    let link = koine_testkit::link_in(&app.last_mail_to("ana@example.org").await, "/verify/email");
    ana.verify_email_link(&link).await;
    ana.login("ana@example.org", STRONG_PASSWORD).await;
    let ana_id = app.account_id("ana@example.org").await;
    assert!(keys_in(&key_db).await.contains(&ana_id));
    assert!(keys_in(&app.svc.db).await.is_empty());
    let r = ana.post_form("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        keys_in(&key_db).await,
        beside,
        "Ana's key is destroyed with her account"
    );

    // A key whose account never came to be (a sign-up that failed after
    // storing it) goes with the retention sweep once it is an hour old.
    let stray = Uuid::now_v7();
    let (_, wrapped) = node.svc.keys.new_subject_key(stray);
    let made = app.clock.now_us();
    koine_testkit::on_db!(&key_db, p => sqlx::query(
        "INSERT INTO subject_keys (account_id, wrapped_key, created_at) VALUES ($1, $2, $3)")
        .bind(stray).bind(&wrapped).bind(made).execute(p).await.unwrap().rows_affected());
    let swept = |lines: Vec<koine_services::retention::SweepLine>| {
        lines.iter().find(|l| l.rule == "account_gone").map(|l| l.count)
    };
    assert_eq!(
        swept(node.svc.sweep(false).await.unwrap()),
        Some(0),
        "too young to tell"
    );
    app.advance(std::time::Duration::from_secs(2 * 3600));
    assert_eq!(swept(node.svc.sweep(false).await.unwrap()), Some(1));
    assert_eq!(keys_in(&key_db).await, beside, "Kenji keeps his key");
}
