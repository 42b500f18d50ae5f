//! Teachers: applying with identity documents (sealed), review by trust &
//! safety (audited), homepages shown per field, offerings and availability
//! with their bad input, slots in the viewer's time zone.

use koine_domain::staff::StaffRole;
use koine_testkit::{Browser, STRONG_PASSWORD, TestApp, both_backends, tiny_mp4, tiny_pdf, tiny_png};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

both_backends!(
    an_application_is_reviewed_audited_and_approved,
    a_rejection_needs_a_reason_and_staff_views_of_files_are_audited,
    bad_applications_are_refused_and_nothing_is_kept,
    homepage_fields_follow_their_visibility,
    offerings_and_availability_refuse_bad_input,
    slots_show_in_the_viewers_time_zone
);

/// Form fields and uploads (field, bytes, file name).
type Fields<'a> = Vec<(&'a str, &'a str)>;
type Files = Vec<(&'static str, Vec<u8>, &'static str)>;

const INTRO: &str = "Profesora de español con diez años de experiencia en clases para adultos.";

/// The application form's text fields, with `overrides` replacing some.
fn fields<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("real_name", "Lucía Fernández Ruiz"),
        ("country", "ES"),
        ("lang_0", "es"),
        ("level_0", "native"),
        ("introduction", INTRO),
        ("education", "Filología Hispánica"),
        ("experience", "Academias en Madrid"),
        ("expertise", "DELE"),
        ("cert_title_0", "Máster ELE"),
    ];
    for (k, v) in overrides {
        f.retain(|(x, _)| x != k);
        f.push((k, v));
    }
    f
}

fn files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        ("id_document", tiny_pdf("dni 12345678Z"), "dni.pdf"),
        ("cert_file_0", tiny_pdf("master ele"), "master.pdf"),
        ("photo", tiny_png(), "me.png"),
        ("video", tiny_mp4(), "hola.mp4"),
    ]
}

async fn bytes_of(app: &TestApp, sql: &str) -> Vec<Vec<u8>> {
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())) .fetch_all(p) .await .unwrap())
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM audit_events WHERE action = '{action}'");
    koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(p).await.unwrap())
}

async fn an_application_is_reviewed_audited_and_approved(app: TestApp) {
    let b = app.member("lucia@example.org", "Lucía").await;
    let id = app.account_id("lucia@example.org").await;
    let (_, page) = b.get_text("/teach").await;
    assert!(page.contains("Send my application"), "{page}");
    let r = b.post_multipart("/teach", &fields(&[]), &files()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get_text("/teach").await;
    assert!(
        page.contains("Under review") && !page.contains("Send my application"),
        "{page}"
    );
    assert!(
        app.last_mail_to("lucia@example.org")
            .await
            .contains("We have your application")
    );
    let r = b.post_multipart("/teach", &fields(&[]), &files()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "one application at a time");

    // Sealed at rest: neither the name nor the documents (in the file
    // store) are readable.
    let mut sealed = bytes_of(&app, "SELECT real_name_enc FROM teacher_applications").await;
    let documents = [app.stored("id_document").await, app.stored("certificate").await].concat();
    assert_eq!(
        documents.len(),
        2,
        "the identity document and a certificate: {documents:?}"
    );
    for path in documents {
        sealed.push(std::fs::read(app.data_dir().join("files").join(path)).unwrap());
    }
    for raw in sealed {
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("Lucía") && !text.contains("%PDF") && !text.contains("12345678Z"));
    }

    let application = app
        .scalar_uuid("SELECT id FROM teacher_applications WHERE account_id = $1", id)
        .await;
    let support = app.staff("support@koine.test", StaffRole::Support).await;
    assert_eq!(support.get("/staff/applications").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        support
            .get(&format!("/staff/applications/{application}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let ts = app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    let (status, queue) = ts.get_text("/staff/applications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains("Lucía"), "{queue}");
    assert_eq!(
        audited(&app, "view_application").await,
        0,
        "the queue shows no documents"
    );
    let (_, view) = ts.get_text(&format!("/staff/applications/{application}")).await;
    assert!(
        view.contains("Lucía Fernández Ruiz") && view.contains("Máster ELE"),
        "{view}"
    );
    assert_eq!(audited(&app, "view_application").await, 1);
    let doc = ts.get(&format!("/staff/applications/{application}/id-document")).await;
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    assert_eq!(doc.headers()["cache-control"], "no-store");
    assert!(doc.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(audited(&app, "view_identity_document").await, 1);
    let cert = app
        .scalar_uuid("SELECT id FROM teacher_certificates WHERE account_id = $1", id)
        .await;
    assert_eq!(
        app.member("nosy@example.org", "Nosy")
            .await
            .get(&format!("/certificates/{cert}"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "other members cannot open certificates"
    );
    assert_eq!(
        b.get(&format!("/certificates/{cert}")).await.status(),
        StatusCode::OK,
        "the owner can"
    );
    assert_eq!(
        audited(&app, "view_certificate").await,
        0,
        "the owner's own look is not staff access"
    );
    let r = ts.get(&format!("/certificates/{cert}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(audited(&app, "view_certificate").await, 1, "a reviewer's look is");

    // Asking for more needs a message; the applicant is told and answers.
    let review = format!("/staff/applications/{application}/review");
    let (status, _) = ts
        .post_form_text(&review, &[("decision", "ask_for_info"), ("message", " ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    ts.post_form(
        &review,
        &[
            ("decision", "ask_for_info"),
            ("message", "Please add a clearer scan of your master's degree."),
        ],
    )
    .await;
    assert!(app.last_mail_to("lucia@example.org").await.contains("clearer scan"));
    let (_, page) = b.get_text("/teach").await;
    assert!(
        page.contains("More information needed") && page.contains("clearer scan"),
        "{page}"
    );
    assert!(page.contains("Lucía Fernández Ruiz"), "the form keeps the answers");
    let (status, _) = ts
        .post_form_text(&review, &[("decision", "approve"), ("tier", "community")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the answer comes first");
    // The answer keeps the identity document sent before.
    let r = b
        .post_multipart(
            "/teach",
            &fields(&[("cert_title_0", "Máster ELE (escaneo nuevo)")]),
            &[("cert_file_0", tiny_pdf("master ele, clearer"), "m.pdf")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    assert_eq!(
        ts.post_form_text(&review, &[("decision", "approve"), ("tier", "platinum")])
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = ts
        .post_form(&review, &[("decision", "approve"), ("tier", "professional")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(app.svc.is_teacher(id).await.unwrap());
    assert!(app.last_mail_to("lucia@example.org").await.contains("homepage is live"));
    assert_eq!(audited(&app, "review_approve").await, 1);
    let (status, home) = app.browser().get_text(&format!("/teachers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Professional teacher") && home.contains(INTRO), "{home}");
    assert!(!home.contains("Fernández"), "the legal name is never shown");
    let verified: i64 = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM teacher_certificates WHERE verified_at IS NOT NULL") .fetch_one(p) .await .unwrap());
    assert_eq!(verified, 2, "a professional's certificates are verified");
    assert_eq!(
        ts.post_form_text(&review, &[("decision", "reject"), ("message", "x")])
            .await
            .0,
        StatusCode::CONFLICT,
        "decisions are final"
    );

    // The identity document goes 30 days after the decision; the record of
    // the review stays a year.
    app.advance(std::time::Duration::from_secs(29 * 86_400));
    app.svc.sweep(false).await.unwrap();
    assert_eq!(app.stored("id_document").await.len(), 1);
    app.advance(std::time::Duration::from_secs(2 * 86_400));
    let swept = app.svc.sweep(false).await.unwrap();
    assert!(
        swept
            .iter()
            .any(|l| l.table == "teacher_applications" && l.column == Some("id_document_id") && l.count == 1),
        "{swept:?}"
    );
    let left: i64 = koine_testkit::on_db!(&app.svc.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM teacher_applications WHERE id_document_id IS NOT NULL") .fetch_one(p) .await .unwrap());
    assert_eq!(left, 0);
    assert!(
        app.stored("id_document").await.is_empty(),
        "the document's file is gone from the store"
    );
    // A month on, the reviewer signs in again.
    ts.login("ts@koine.test", STRONG_PASSWORD).await;
    let (_, view) = ts.get_text(&format!("/staff/applications/{application}")).await;
    assert!(view.contains("Deleted after the decision"), "{view}");
    assert!(app.svc.is_teacher(id).await.unwrap(), "the teacher stays");
}

async fn a_rejection_needs_a_reason_and_staff_views_of_files_are_audited(app: TestApp) {
    let b = app.member("rosa@example.org", "Rosa").await;
    let id = app.account_id("rosa@example.org").await;
    // No certificate this time.
    let text: Vec<_> = fields(&[]).into_iter().filter(|(k, _)| *k != "cert_title_0").collect();
    let uploads: Vec<_> = files().into_iter().filter(|(k, ..)| *k != "cert_file_0").collect();
    let r = b.post_multipart("/teach", &text, &uploads).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let application = app
        .scalar_uuid("SELECT id FROM teacher_applications WHERE account_id = $1", id)
        .await;
    let video = app
        .scalar_uuid("SELECT id FROM teacher_videos WHERE account_id = $1", id)
        .await;
    let ts = app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    let review = format!("/staff/applications/{application}/review");
    let (status, page) = ts
        .post_form_text(&review, &[("decision", "approve"), ("tier", "professional")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("A professional teacher needs a teaching certificate."),
        "{page}"
    );
    assert!(!app.svc.is_teacher(id).await.unwrap());

    // The video of an application: only reviewers see it, and each look is audited.
    let other = app.member("other@example.org", "Other").await;
    assert_eq!(
        other.get(&format!("/videos/{video}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.browser().get(&format!("/videos/{video}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get(&format!("/videos/{video}")).await.status(),
        StatusCode::OK,
        "the owner's"
    );
    assert_eq!(audited(&app, "view_application_video").await, 0);
    let r = ts.get(&format!("/videos/{video}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(audited(&app, "view_application_video").await, 1);

    // A rejection needs a reason, which the applicant is told.
    let (status, _) = ts
        .post_form_text(&review, &[("decision", "reject"), ("message", "  ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = ts
        .post_form(
            &review,
            &[
                ("decision", "reject"),
                ("message", "Your video does not show you teaching."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(audited(&app, "review_reject").await, 1);
    let mail = app.last_mail_to("rosa@example.org").await;
    assert!(
        mail.contains("we cannot approve your application") && mail.contains("does not show you teaching"),
        "{mail}"
    );
    let (_, page) = b.get_text("/teach").await;
    assert!(
        page.contains("Not approved") && page.contains("does not show you teaching"),
        "{page}"
    );
    assert!(page.contains("Send my application"), "one may apply again");
    assert!(!app.svc.is_teacher(id).await.unwrap());
}

async fn bad_applications_are_refused_and_nothing_is_kept(app: TestApp) {
    // Under 18: the page says so, and applying is refused.
    let young = app.browser();
    let sixteen = app.born_years_ago(16);
    young
        .signup("Teen", "teen@example.org", "", STRONG_PASSWORD, &sixteen)
        .await;
    young
        .verify_email_link(&koine_testkit::link_in(
            &app.last_mail_to("teen@example.org").await,
            "/verify/email",
        ))
        .await;
    young.login("teen@example.org", STRONG_PASSWORD).await;
    let (_, page) = young.get_text("/teach").await;
    assert!(page.contains("Teaching on Koine is for adults"), "{page}");
    let r = young.post_multipart("/teach", &fields(&[]), &files()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let b = app.member("adult@example.org", "Adult").await;
    // Without a CSRF token nothing is read.
    let form = reqwest::multipart::Form::new().text("real_name", "X");
    let r = b.client.post(app.url("/teach")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let gif = b"GIF89a....".to_vec();
    let cases: Vec<(Fields, Files, StatusCode, &str)> = vec![
        (
            fields(&[]),
            vec![("id_document", tiny_pdf("x"), "a.pdf")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Add a photo of yourself",
        ),
        (
            fields(&[]),
            vec![("id_document", gif.clone(), "a.gif"), ("photo", tiny_png(), "p.png")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Upload a PDF, JPEG or PNG",
        ),
        (
            fields(&[]),
            vec![("photo", tiny_png(), "p.png")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
        ),
        (
            fields(&[("level_0", "B1")]),
            files(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "natively or at level C1 or C2",
        ),
        (
            fields(&[(
                "introduction",
                "Write me at lucia.profe@gmail.com to book cheaper lessons, any time you like!",
            )]),
            files(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Remove the email address",
        ),
        (
            fields(&[("introduction", "Short.")]),
            files(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too short",
        ),
        (
            fields(&[("lang_0", "xx")]),
            files(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            fields(&[("country", "Narnia")]),
            files(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (fields(&[("admin", "yes")]), files(), StatusCode::BAD_REQUEST, ""),
        (
            fields(&[]),
            vec![
                ("id_document", tiny_pdf("x"), "a.pdf"),
                ("photo", tiny_png(), "p.png"),
                ("video", tiny_pdf("not a video"), "v.mp4"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Upload an MP4 or WebM",
        ),
        (
            fields(&[]),
            vec![("id_document", vec![b'%'; 11 * 1024 * 1024], "big.pdf")],
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
        (
            fields(&[]),
            vec![
                ("id_document", tiny_pdf("x"), "a.pdf"),
                ("photo", tiny_png(), "p.png"),
                ("cert_file_0", vec![b'%'; 11 * 1024 * 1024], "big.pdf"),
            ],
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
        (
            fields(&[]),
            vec![
                ("id_document", tiny_pdf("x"), "a.pdf"),
                ("photo", tiny_png(), "p.png"),
                (
                    "video",
                    {
                        let mut v = tiny_mp4();
                        v.resize(51 * 1024 * 1024, 0);
                        v
                    },
                    "big.mp4",
                ),
            ],
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
    ];
    for (i, (text, uploads, status, says)) in cases.into_iter().enumerate() {
        let r = b.post_multipart("/teach", &text, &uploads).await;
        let got = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(got, status, "case {i}: {body}");
        assert!(body.contains(says), "case {i}: {body}");
        assert!(!body.contains("Something went wrong on our side"), "case {i}");
    }
    for table in [
        "teacher_applications",
        "teacher_certificates",
        "teacher_videos",
        "teachers",
    ] {
        assert_eq!(app.count(table).await, 0, "nothing kept in {table}");
    }
    assert!(app.stored("video").await.is_empty(), "no video file left behind");
}

/// A teacher (through the shared fixture's application) and who looks.
async fn teacher(app: &TestApp, email: &str) -> (Browser, Uuid) {
    let b = app.member(email, "Profe").await;
    app.upload_avatar(&b).await;
    let id = app.account_id(email).await;
    let reviewer = app.staff(&format!("ts.{email}"), StaffRole::TrustSafety).await;
    assert!(app.approved_teacher(&b, id, &reviewer).await);
    (b, id)
}

async fn homepage_fields_follow_their_visibility(app: TestApp) {
    let (t, id) = teacher(&app, "vis@example.org").await;
    let save = |extra: Vec<(&'static str, &'static str)>| {
        let mut f = vec![
            ("headline", "Spanish for grown-ups"),
            ("about", INTRO),
            ("education", "Filología"),
            ("experience", "Ocho años"),
            ("expertise", "DELE"),
            ("country_visibility", "public"),
            ("education_visibility", "members"),
            ("experience_visibility", "private"),
            ("expertise_visibility", "public"),
            ("video_visibility", "members"),
        ];
        for (k, v) in extra {
            f.retain(|(x, _)| *x != k);
            f.push((k, v));
        }
        f
    };
    let (status, page) = t.post_form_text("/teach/homepage", &save(vec![])).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let path = format!("/teachers/{id}");
    let anon = app.browser();
    let member = app.member("looker@example.org", "Looker").await;
    let (_, a) = anon.get_text(&path).await;
    let (_, m) = member.get_text(&path).await;
    let (_, o) = t.get_text(&path).await;
    assert!(
        a.contains("Spain") && !a.contains("Filología") && !a.contains("Ocho años"),
        "{a}"
    );
    assert!(m.contains("Filología") && !m.contains("Ocho años"), "{m}");
    assert!(
        o.contains("Filología") && o.contains("Ocho años"),
        "the owner sees everything"
    );
    // The video: for members only (the API answers as the page does).
    let video: Value = anon.get_json(&format!("/api/v1/teachers/{id}")).await;
    assert!(video["homepage"]["video_url"].is_null() && !a.contains("<video"));
    let url = m
        .split("<video controls preload=\"metadata\" src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("members see the video")
        .to_owned();
    assert_eq!(anon.get(&url).await.status(), StatusCode::NOT_FOUND);
    let r = member.get(&url).await;
    assert_eq!(r.headers()["content-type"], "video/mp4");
    assert!(r.bytes().await.unwrap().starts_with(&tiny_mp4()[..12]));

    // Contact details are refused, and nothing changes.
    let (status, page) = t
        .post_form_text("/teach/homepage", &save(vec![("headline", "WhatsApp +34 612 345 678")]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Remove the email address, phone number"), "{page}");
    assert!(anon.get_text(&path).await.1.contains("Spanish for grown-ups"));

    // Hidden, or restricted: for the owner only, and out of search.
    let in_search = |app: &TestApp| {
        let q = app.svc.parse_search(&Default::default(), "UTC").unwrap();
        app.svc.search_teachers(&q).hits.iter().any(|h| h.id == id)
    };
    assert!(in_search(&app));
    t.post_form("/teach/homepage", &save(vec![("status", "hidden")])).await;
    assert_eq!(anon.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(t.get(&path).await.status(), StatusCode::OK);
    assert!(!in_search(&app));
    t.post_form("/teach/homepage", &save(vec![])).await;
    assert!(in_search(&app));
    t.post_form("/settings/privacy/restrict", &[("reason", "")]).await;
    assert_eq!(member.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert!(!in_search(&app), "a restricted teacher is not shown");
    t.post_form("/settings/privacy/restrict/lift", &[]).await;
    assert!(in_search(&app));
}

async fn offerings_and_availability_refuse_bad_input(app: TestApp) {
    let (t, id) = teacher(&app, "bad@example.org").await;
    let offerings = app.count("offerings").await;
    let rules = app.count("availability_rules").await;
    let offer = |price: &'static str, duration: &'static str, language: &'static str, discount: &'static str| {
        vec![
            ("language", language),
            ("duration", duration),
            ("price", price),
            ("levels", "A2"),
            ("discount_10", discount),
        ]
    };
    let past = app
        .svc
        .clock
        .today_utc()
        .checked_sub(jiff::Span::new().days(5))
        .unwrap()
        .to_string();
    let cases: Vec<(&str, Fields, &str)> = vec![
        ("/teach/offerings", offer("0", "60", "es", ""), "more than zero"),
        ("/teach/offerings", offer("-5", "60", "es", ""), "amount such as"),
        ("/teach/offerings", offer("abc", "60", "es", ""), "amount such as"),
        ("/teach/offerings", offer("20", "50", "es", ""), ""),
        (
            "/teach/offerings",
            offer("20", "60", "fr", ""),
            "only in a language you teach",
        ),
        ("/teach/offerings", offer("20", "60", "es", "60"), "at most 50%"),
        (
            "/teach/availability",
            vec![
                ("day", "2"),
                ("start", "18:00"),
                ("end", "20:00"),
                ("day", "2"),
                ("start", "19:00"),
                ("end", "21:00"),
            ],
            "overlap",
        ),
        (
            "/teach/availability",
            vec![("day", "3"), ("start", "21:00"), ("end", "18:00")],
            "start must come before the end",
        ),
        (
            "/teach/availability",
            vec![("day", "9"), ("start", "08:00"), ("end", "09:00")],
            "",
        ),
        (
            "/teach/availability/override",
            vec![("day", "2026-13-40"), ("zone", ""), ("start", ""), ("end", "")],
            "",
        ),
        (
            "/teach/availability/override",
            vec![("day", past.as_str()), ("zone", ""), ("start", ""), ("end", "")],
            "in the past",
        ),
        (
            "/teach/availability/override",
            vec![
                ("day", "2030-01-01"),
                ("zone", "Mars/Olympus"),
                ("start", "09:00"),
                ("end", "10:00"),
            ],
            "time zone",
        ),
        (
            "/teach/booking-rules",
            vec![
                ("min_notice_hours", "500"),
                ("horizon_weeks", "8"),
                ("buffer_before_minutes", "0"),
                ("buffer_after_minutes", "0"),
            ],
            "out of range",
        ),
        (
            "/teach/booking-rules",
            vec![
                ("min_notice_hours", "12"),
                ("horizon_weeks", "0"),
                ("buffer_before_minutes", "0"),
                ("buffer_after_minutes", "0"),
            ],
            "out of range",
        ),
        (
            "/teach/trial",
            vec![("trial_price", "99.00")],
            "less than your cheapest lesson",
        ),
    ];
    for (path, f, says) in cases {
        let (status, page) = t.post_form_text(path, &f).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {f:?}");
        assert!(page.contains(says), "{path} {f:?}: {page}");
    }
    // Every field's error at once, each linked to its field.
    let (status, page) = t
        .post_form_text(
            "/teach/booking-rules",
            &[
                ("min_notice_hours", "500"),
                ("horizon_weeks", "0"),
                ("buffer_before_minutes", "7"),
                ("buffer_after_minutes", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["min_notice_hours", "horizon_weeks", "buffer_before_minutes"] {
        assert!(page.contains(&format!("href=\"#{field}\"")), "{field}: {page}");
        // The message stands under the field too, and the field points to it.
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}: {page}");
        assert_eq!(
            koine_testkit::field(&page, field).described_by,
            Some(format!("{field}-error"))
        );
    }
    assert!(!page.contains("href=\"#buffer_after_minutes\""), "{page}");
    assert_eq!(
        koine_testkit::field(&page, "min_notice_hours").value,
        "500",
        "what was typed stays"
    );
    let (status, page) = t
        .post_form_text(
            "/teach/availability/override",
            &[
                ("day", "2030-01-01"),
                ("zone", "Mars/Olympus"),
                ("start", "10:00"),
                ("end", "09:00"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["override_zone", "override_start"] {
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}: {page}");
    }
    assert_eq!(koine_testkit::field(&page, "zone").value, "Mars/Olympus");
    let (status, _) = t
        .post_form_text("/teach/offerings", &[("language", "es"), ("surprise", "1")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("offerings").await, offerings, "no offering half-made");
    assert_eq!(
        app.count("availability_rules").await,
        rules,
        "the weekly rules are unchanged"
    );
    // A member who does not teach cannot offer lessons.
    let learner = app.member("learner@example.org", "Learner").await;
    let (status, _) = learner
        .post_form_text("/teach/offerings", &offer("20", "60", "es", ""))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Pausing hides nothing but bookings; unpublishing hides the offering.
    let offering = app
        .scalar_uuid("SELECT id FROM offerings WHERE teacher_id = $1", id)
        .await;
    let found = |app: &TestApp| {
        let url = app.url("/api/v1/teachers?language=es");
        async move {
            let v: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            v.to_string().contains(&id.to_string())
        }
    };
    assert!(found(&app).await);
    let r = t
        .post_form(&format!("/teach/offerings/{offering}/status"), &[("status", "paused")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = learner.get_text(&format!("/teachers/{id}")).await;
    let lessons = home.split("id=\"lessons\"").nth(1).unwrap();
    assert!(lessons.contains("20.00 EUR") && lessons.contains("Paused"), "{lessons}");
    assert!(!found(&app).await, "a paused lesson is not found in search");
    t.post_form(&format!("/teach/offerings/{offering}/status"), &[("status", "active")])
        .await;
    assert!(found(&app).await, "resumed");
    t.post_form(
        &format!("/teach/offerings/{offering}/status"),
        &[("status", "unpublished")],
    )
    .await;
    let (_, home) = learner.get_text(&format!("/teachers/{id}")).await;
    assert!(home.contains("No lessons offered yet"), "{home}");
    assert!(!found(&app).await);
}

async fn slots_show_in_the_viewers_time_zone(app: TestApp) {
    // From a Wednesday the page's week holds the coming Tuesday's hours.
    app.advance_to_coming(jiff::civil::Weekday::Wednesday);
    let (t, id) = teacher(&app, "madrid@example.org").await;
    t.set_profile("Profe", "Europe/Madrid", &[]).await;
    // Tuesdays 18:00–21:00 in Madrid (the fixture's rule), 60-minute lessons.
    let ny = app.member("ny@example.org", "NewYorker").await;
    ny.set_profile("NewYorker", "America/New_York", &[]).await;
    let (_, page) = ny.get_text(&format!("/teachers/{id}")).await;
    assert!(page.contains("America/New_York"), "{page}");
    // Madrid is six hours ahead of New York (five in the weeks when only one
    // has changed its clocks): 18:00 there is 12:00 here.
    let madrid = jiff::tz::TimeZone::get("Europe/Madrid").unwrap();
    let today = app.svc.clock.now().to_zoned(madrid.clone()).date();
    let coming_tuesday = today.nth_weekday(1, jiff::civil::Weekday::Tuesday).unwrap();
    let in_new_york = |hour: i8| {
        let at = coming_tuesday.at(hour, 0, 0, 0).to_zoned(madrid.clone()).unwrap();
        format!(">{}<", at.in_tz("America/New_York").unwrap().strftime("%H:%M"))
    };
    let slots = page.split("id=\"slots\"").nth(1).unwrap();
    assert!(
        slots.contains("Tuesday") && slots.contains(&in_new_york(18)) && slots.contains(&in_new_york(20)),
        "{slots}"
    );
    assert!(
        !slots.contains(">18:00<") && !slots.contains(&in_new_york(21)),
        "{slots}"
    );
    // Days are written as the page's language writes them.
    for (locale, tuesday, not) in [
        ("es", "martes, ", "Tuesday"),
        ("ja", "火曜日", "Tue"),
        ("zh-CN", "星期二", "Tue"),
    ] {
        ny.set_profile("NewYorker", "America/New_York", &[("ui_locale", locale)])
            .await;
        let (_, page) = ny.get_text(&format!("/teachers/{id}")).await;
        let slots = page.split("id=\"slots\"").nth(1).unwrap();
        assert!(slots.contains(tuesday) && !slots.contains(not), "{locale}: {slots}");
        let (_, search) = ny.get_text("/teachers").await;
        assert!(
            !search.contains("Tue ") && !search.contains("Wed "),
            "{locale}: {search}"
        );
    }
    ny.set_profile("NewYorker", "America/New_York", &[]).await;
    let api: Value = ny
        .get_json(&format!("/api/v1/teachers/{id}/slots?duration=60&days=14"))
        .await;
    let starts: Vec<jiff::Timestamp> = api["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().parse().unwrap())
        .collect();
    let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
    for s in &starts {
        let (m, t) = (s.to_zoned(madrid.clone()), s.to_zoned(tokyo.clone()));
        let weekly = m.weekday() == jiff::civil::Weekday::Tuesday && (18..=20).contains(&m.hour());
        // The fixture's day in Tokyo (`day_abroad`), 09:00–11:00 there.
        let abroad = (9..=10).contains(&t.hour());
        assert!(
            weekly || abroad,
            "{s} is neither a Madrid Tuesday evening nor the Tokyo morning"
        );
    }
    assert!(
        starts.iter().any(|s| s.to_zoned(tokyo.clone()).hour() == 9),
        "the day abroad has slots"
    );
    let bad = ny.get(&format!("/api/v1/teachers/{id}/slots?duration=50")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = ny
        .get(&format!("/api/v1/teachers/{id}/slots?duration=60&days=400"))
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let gone = ny
        .get(&format!("/api/v1/teachers/{}/slots?duration=60", Uuid::now_v7()))
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
