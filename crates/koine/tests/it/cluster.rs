//! Cluster mode: nodes on one PostgreSQL database share what a single node
//! keeps to itself, so a client gains or loses nothing by which node the
//! balancer sends it to.

use koine_testkit::{STRONG_PASSWORD, TestApp, cluster_tests};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

cluster_tests!(failed_sign_ins_count_on_every_node, a_session_ended_on_one_node_ends_on_all);

async fn failed_sign_ins_count_on_every_node(app: TestApp) {
    let other = app.another_node().await;
    app.member("victim@example.org", "Victim").await;
    let nodes = [app.browser(), other.browser()];
    for i in 0..5 {
        let r = nodes[i % 2]
            .post_form(
                "/login",
                &[("identifier", "victim@example.org"), ("password", "not-the-password")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    for node in &nodes {
        let r = node
            .post_form(
                "/login",
                &[("identifier", "victim@example.org"), ("password", STRONG_PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "five guesses spread over two nodes used up the account's attempts on both"
        );
    }
}

async fn a_session_ended_on_one_node_ends_on_all(app: TestApp) {
    let other = app.another_node().await;
    app.member("ana@example.org", "Ana").await;
    let c = Client::new();
    let r = c
        .post(app.url("/api/v1/sessions"))
        .json(&json!({ "identifier": "ana@example.org", "password": STRONG_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let me = |base: &str| c.get(format!("{base}/api/v1/me")).bearer_auth(&token).send();
    assert_eq!(me(&app.base).await.unwrap().status(), StatusCode::OK);
    assert_eq!(me(&other.base).await.unwrap().status(), StatusCode::OK, "signed in on the other node too");
    let r = c
        .delete(format!("{}/api/v1/session", other.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        me(&app.base).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "signed out on the first node at once, though it had just read the session"
    );
}
