//! Rotating the master key: nodes listing the old and the new key serve
//! everyone, `rewrap_keys` moves every stored key under the new one, and
//! then the old key can go while a node given only it refuses to start.

use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, code_in};
use reqwest::StatusCode;

both_backends!(the_master_key_rotates_without_losing_anyone);

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
