//! Files in the file store: under their person's prefix, private ones
//! sealed, deletions owed until the store confirms them, earlier uploads
//! moved in; in cluster mode an S3 store every node shares.

use koine_domain::staff::StaffRole;
use koine_services::files::person_prefix;
use koine_testkit::{TestApp, both_backends, cluster_tests, tiny_png};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use uuid::Uuid;

both_backends!(
    files_lie_under_their_persons_prefix_and_private_ones_are_sealed,
    a_deletion_the_store_refuses_is_owed_until_it_is_done,
    files_nothing_refers_to_leave_the_store,
    uploads_of_earlier_versions_move_into_the_store,
    documents_sealed_into_rows_by_earlier_versions_move_into_the_store
);

cluster_tests!(
    files_are_shared_by_every_node_and_go_with_an_erasure,
    a_file_store_that_does_not_answer_is_a_503
);

/// A member with a picture and a built export: (token, account, picture
/// URL, (export id, its archive's file id)).
async fn member_with_files(app: &TestApp, email: &str) -> (String, Uuid, String, (String, Uuid)) {
    app.member(email, "Filer").await;
    let token = crate::api::token(app, email).await;
    let picture = put_picture(&reqwest::Client::new(), &app.base, &token).await;
    let r = app.api(Method::POST, "/api/v1/me/exports", &token).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let export = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(app.svc.build_pending_exports().await.unwrap(), 1);
    // The archive is a file of its own, which the export names.
    let archive = app
        .scalar_uuid(
            "SELECT archive_id FROM data_exports WHERE id = $1",
            export.parse().unwrap(),
        )
        .await;
    (token, app.account_id(email).await, picture, (export, archive))
}

/// Stores a small picture as the member's photo through `base`; its URL.
pub(crate) async fn put_picture(c: &reqwest::Client, base: &str, token: &str) -> String {
    let r = c
        .put(format!("{base}/api/v1/me/avatar"))
        .bearer_auth(token)
        .body(tiny_png())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["avatar_url"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A GET of `path` with a bearer token (files, pictures, archives).
pub(crate) async fn download(base: &str, path: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn files_lie_under_their_persons_prefix_and_private_ones_are_sealed(app: TestApp) {
    let (token, id, picture, (export, archive)) = member_with_files(&app, "sealed@example.org").await;
    let mut paths = app.svc.files.list(&person_prefix(id)).await.unwrap();
    paths.sort();
    let picture_id = picture.trim_start_matches("/avatars/").trim_end_matches(".png");
    assert_eq!(
        paths,
        [
            format!("p/{id}/avatar/{picture_id}"),
            format!("p/{id}/export/{archive}")
        ],
        "each file under its person's prefix, by kind"
    );
    assert_eq!(app.count("objects").await, 2, "and each listed in the index");
    // On disk the picture is a PNG (it is shown to others); the export is
    // sealed: neither a ZIP nor anything of the member's in the clear.
    let on_disk = |path: &str| std::fs::read(app.data_dir().join("files").join(path)).unwrap();
    assert!(on_disk(&paths[0]).starts_with(b"\x89PNG"));
    let sealed = on_disk(&paths[1]);
    let zip = download(&app.base, &format!("/api/v1/me/exports/{export}/archive"), &token).await;
    assert_eq!(zip.status(), StatusCode::OK);
    let zip = zip.bytes().await.unwrap();
    assert!(zip.starts_with(b"PK"), "the member gets the ZIP");
    assert!(!sealed.starts_with(b"PK") && sealed.len() > zip.len());
    assert!(
        !sealed
            .windows(b"sealed@example.org".len())
            .any(|w| w == b"sealed@example.org"),
        "the address is not in the stored archive"
    );
    assert!(
        download(&app.base, &picture, &token)
            .await
            .bytes()
            .await
            .unwrap()
            .starts_with(b"\x89PNG"),
        "the picture is served from the store"
    );
}

async fn a_deletion_the_store_refuses_is_owed_until_it_is_done(app: TestApp) {
    let (token, id, ..) = member_with_files(&app, "owed@example.org").await;
    app.svc.faults.arm(koine_services::faults::FILE_STORE_DELETE);
    let r = app.api(Method::DELETE, "/api/v1/me", &token).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The erasure stands (the key is gone, so the files cannot be read);
    // the folder is owed to the store.
    assert_eq!(app.count("accounts").await, 0);
    assert_eq!(app.count("objects").await, 0);
    assert_eq!(app.count("object_deletions").await, 1);
    assert_eq!(app.svc.files.list(&person_prefix(id)).await.unwrap().len(), 2);
    let swept = app.svc.sweep(false).await.unwrap();
    let line = swept.iter().find(|l| l.rule == "deleted_from_store").unwrap();
    assert_eq!(line.count, 1, "{swept:?}");
    assert!(app.svc.files.list(&person_prefix(id)).await.unwrap().is_empty());
    assert_eq!(app.count("object_deletions").await, 0);
}

async fn files_nothing_refers_to_leave_the_store(app: TestApp) {
    let (token, id, first, (_, archive)) = member_with_files(&app, "changes@example.org").await;
    // A new picture replaces the old one, in the store too.
    let second = put_picture(&reqwest::Client::new(), &app.base, &token).await;
    assert_ne!(first, second);
    let pictures = app.stored("avatar").await;
    assert_eq!(pictures.len(), 1, "{pictures:?}");
    assert!(second.contains(pictures[0].rsplit('/').next().unwrap()));
    // An expired export leaves with the sweep.
    app.advance(Duration::from_secs(8 * 24 * 3600));
    let swept = app.svc.sweep(false).await.unwrap();
    let line = swept.iter().find(|l| l.rule == "unreferenced").unwrap();
    assert_eq!(line.count, 1, "{swept:?}");
    let left = app.svc.files.list(&person_prefix(id)).await.unwrap();
    assert!(!left.iter().any(|p| p.contains(&archive.to_string())), "{left:?}");
    assert_eq!(left.len(), 1, "the picture stays: {left:?}");
    // Removing the picture removes its file.
    let r = app.api(Method::DELETE, "/api/v1/me/avatar", &token).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(app.svc.files.list(&person_prefix(id)).await.unwrap().is_empty());
    assert_eq!(app.count("objects").await, 0);
}

async fn uploads_of_earlier_versions_move_into_the_store(app: TestApp) {
    let (token, id, picture, _) = member_with_files(&app, "earlier@example.org").await;
    let picture_id: Uuid = picture
        .trim_start_matches("/avatars/")
        .trim_end_matches(".png")
        .parse()
        .unwrap();
    // As an earlier version kept it: in uploads/avatars, not indexed.
    let png = std::fs::read(app.data_dir().join("files").join(format!("p/{id}/avatar/{picture_id}"))).unwrap();
    let old = app.data_dir().join("uploads/avatars");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join(format!("{picture_id}.png")), &png).unwrap();
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query("DELETE FROM objects WHERE kind = 'avatar'").execute(p).await.unwrap().rows_affected());
    std::fs::remove_dir_all(app.data_dir().join("files").join(format!("p/{id}/avatar"))).unwrap();
    assert_eq!(
        download(&app.base, &picture, &token).await.status(),
        StatusCode::NOT_FOUND
    );
    // Nodes starting (two at once) move it in, once.
    let (node, _other) = tokio::join!(app.another_node(), app.another_node());
    let r = download(&node.base, &picture, &token).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap(), png);
    assert!(!old.join(format!("{picture_id}.png")).exists(), "the old file is gone");
    assert_eq!(app.stored("avatar").await.len(), 1);
}

async fn documents_sealed_into_rows_by_earlier_versions_move_into_the_store(app: TestApp) {
    let b = app.member("documents@example.org", "Docs").await;
    app.upload_avatar(&b).await;
    let id = app.account_id("documents@example.org").await;
    let reviewer = app.staff("reviewer@koine.test", StaffRole::TrustSafety).await;
    assert!(app.approved_teacher(&b, id, &reviewer).await);
    let document = app
        .scalar_uuid(
            "SELECT id_document_id FROM teacher_applications WHERE account_id = $1",
            id,
        )
        .await;
    let certificate = app
        .scalar_uuid("SELECT id FROM teacher_certificates WHERE account_id = $1", id)
        .await;
    let (passport, diploma) = (
        app.svc.read_object(document).await.unwrap(),
        app.svc.read_object(certificate).await.unwrap(),
    );
    assert!(passport.starts_with(b"%PDF") && diploma.starts_with(b"%PDF"));
    // As an earlier version kept them: sealed into their rows under the
    // person's key, with no file in the store.
    let wrapped = {
        let mut c = app.svc.db.acquire().await.unwrap();
        koine_store::repo::keys::get(c.conn(), id).await.unwrap().unwrap()
    };
    let key = app.svc.keys.unwrap_subject_key(id, &wrapped).unwrap();
    let seal = |label, bytes| koine_services::crypto::seal_field(&key, id, label, bytes);
    let (sealed_passport, sealed_diploma) = (
        seal("teacher_applications.id_document", &passport),
        seal("teacher_certificates.file", &diploma),
    );
    koine_testkit::on_db!(&app.svc.db, p => {
        sqlx::query("UPDATE teacher_applications SET id_document_enc = $1, id_document_id = NULL")
            .bind(&sealed_passport).execute(p).await.unwrap();
        sqlx::query("UPDATE teacher_certificates SET file_enc = $1").bind(&sealed_diploma).execute(p).await.unwrap();
        sqlx::query("DELETE FROM objects WHERE kind IN ('id_document', 'certificate')").execute(p).await.unwrap().rows_affected()
    });
    for kind in ["id_document", "certificate"] {
        std::fs::remove_dir_all(app.data_dir().join("files").join(format!("p/{id}/{kind}"))).unwrap();
    }
    // Nodes starting (two at once) move them into the store, once, and
    // empty the columns.
    let _nodes = tokio::join!(app.another_node(), app.another_node());
    assert_eq!(app.stored("id_document").await.len(), 1);
    assert_eq!(app.stored("certificate").await.len(), 1);
    let left = app
        .scalar_i64(
            "SELECT (SELECT COUNT(*) FROM teacher_applications WHERE id_document_enc IS NOT NULL AND account_id = $1) \
             + (SELECT COUNT(*) FROM teacher_certificates WHERE file_enc IS NOT NULL)",
            id,
        )
        .await;
    assert_eq!(left, 0, "nothing sealed is left in the rows");
    let moved = app
        .scalar_uuid(
            "SELECT id_document_id FROM teacher_applications WHERE account_id = $1",
            id,
        )
        .await;
    assert_eq!(app.svc.read_object(moved).await.unwrap(), passport);
    assert_eq!(app.svc.read_object(certificate).await.unwrap(), diploma);
}

async fn files_are_shared_by_every_node_and_go_with_an_erasure(app: TestApp) {
    let node = app.another_node().await;
    let (token, id, picture, (export, _)) = member_with_files(&app, "shared@example.org").await;
    assert!(
        !app.data_dir().join("files").exists(),
        "no node keeps files of its own in cluster mode"
    );
    // Put through one node, read through the other.
    let r = download(&node.base, &picture, &token).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let r = download(&node.base, &format!("/api/v1/me/exports/{export}/archive"), &token).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(node.svc.files.list(&person_prefix(id)).await.unwrap().len(), 2);
    // Erased through the other node: the folder is empty in the store.
    let r = reqwest::Client::new()
        .delete(format!("{}/api/v1/me", node.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        koine_testkit::listed_once_deleted(&app.svc.files, &person_prefix(id))
            .await
            .is_empty()
    );
    assert_eq!(app.count("object_deletions").await, 0);
    assert_eq!(
        download(&app.base, &picture, &token).await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn a_file_store_that_does_not_answer_is_a_503(app: TestApp) {
    app.member("unanswered@example.org", "Unanswered").await;
    let token = crate::api::token(&app, "unanswered@example.org").await;
    // A node whose store address has nothing listening.
    let node = app
        .another_node_with(|c| {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            c.s3.as_mut().unwrap().endpoint = Some(format!("http://127.0.0.1:{port}"));
        })
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let r = reqwest::Client::new()
        .put(format!("{}/api/v1/me/avatar", node.base))
        .bearer_auth(&token)
        .body(tiny_png())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
    let problem: Value = r.json().await.unwrap();
    assert!(problem.to_string().contains("file store"), "{problem}");
    // The page says so too.
    let b = node.browser();
    b.login("unanswered@example.org", koine_testkit::STRONG_PASSWORD).await;
    let r = b
        .post_multipart("/settings/avatar", &[], &[("avatar", tiny_png(), "a.png")])
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().await.unwrap().contains("could not reach its file store"));
    assert_eq!(app.count("objects").await, 0, "nothing half-stored");
    // The working node stores it.
    put_picture(&reqwest::Client::new(), &app.base, &token).await;
}
