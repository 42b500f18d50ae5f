//! Finding teachers: each filter alone and combined, availability windows
//! read in the learner's time zone, sorting, bad input, and suggestions
//! personalised only with consent.

use koine_domain::staff::StaffRole;
use koine_testkit::{Browser, TestApp, both_backends, tiny_pdf, tiny_png};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;
use uuid::Uuid;

both_backends!(
    every_filter_finds_the_right_teachers,
    availability_windows_are_read_in_the_learners_zone,
    suggestions_are_personal_only_with_consent,
    a_booked_time_leaves_the_search_and_comes_back
);

/// The teacher's next free time as search shows it.
async fn next_free(app: &TestApp, teacher: Uuid) -> Option<jiff::Timestamp> {
    let page: Value = app.browser().get_json("/api/v1/teachers").await;
    let hit = page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == teacher.to_string())
        .unwrap_or_else(|| panic!("the teacher is found: {page}"))
        .clone();
    hit["next_slot"].as_str().map(|t| t.parse().unwrap())
}

async fn a_booked_time_leaves_the_search_and_comes_back(app: TestApp) {
    let (tb, teacher) = app.teacher_member("profe@example.org").await;
    let slots = app.open_slots(teacher, 60, 14).await;
    let first = next_free(&app, teacher).await.expect("the teacher has free time");
    assert_eq!(first, slots[0], "search and booking agree on the first free time");
    let lb = app.member("ana@example.org", "Ana").await;
    app.top_up(&lb, "50.00").await;
    // A request holds the time at once, without waiting for a rebuild.
    let lesson = app.book(&lb, teacher, first).await;
    let held = next_free(&app, teacher).await.expect("more free time");
    assert!(held > first, "the booked time is not offered: {held} after {first}");
    assert_eq!(Some(&held), app.open_slots(teacher, 60, 14).await.first());
    app.step_ok(&lb, lesson, "withdraw").await;
    assert_eq!(
        next_free(&app, teacher).await,
        Some(first),
        "withdrawn, the time is free again"
    );
    // So does a confirmed lesson, until the teacher cancels it.
    let lesson = app.book(&lb, teacher, first).await;
    app.step_ok(&tb, lesson, "confirm").await;
    assert!(next_free(&app, teacher).await > Some(first));
    app.step_ok(&tb, lesson, "cancel").await;
    assert_eq!(next_free(&app, teacher).await, Some(first));
    // A rebuild of the whole index agrees.
    app.book(&lb, teacher, first).await;
    app.svc.rebuild_search_index().await.unwrap();
    assert_eq!(next_free(&app, teacher).await, Some(held));
    // Her erasure withdraws the request: the time is free again at once.
    let r = lb.post_form("/settings/delete", &[("confirm", "on")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(next_free(&app, teacher).await, Some(first), "freed by the erasure");
}

struct Spec {
    email: &'static str,
    name: &'static str,
    language: &'static str,
    level: &'static str,
    tier: &'static str,
    country: &'static str,
    country_visibility: &'static str,
    zone: &'static str,
    price: &'static str,
    /// (weekday, from, to) in `zone`.
    rules: &'static [(&'static str, &'static str, &'static str)],
    intro: &'static str,
}

/// A teacher through the real flows: apply, approval, zone, a lesson,
/// availability and homepage settings.
async fn make(app: &TestApp, s: &Spec) -> Uuid {
    let b = app.member(s.email, s.name).await;
    let id = app.account_id(s.email).await;
    let r = b
        .post_multipart(
            "/teach",
            &[
                ("real_name", "Legal Name"),
                ("country", s.country),
                ("lang_0", s.language),
                ("level_0", s.level),
                ("introduction", s.intro),
                ("cert_title_0", "Certificate"),
            ],
            &[
                ("id_document", tiny_pdf("id"), "id.pdf"),
                ("cert_file_0", tiny_pdf("cert"), "c.pdf"),
                ("photo", tiny_png(), "p.png"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let application = app
        .scalar_uuid("SELECT id FROM teacher_applications WHERE account_id = $1", id)
        .await;
    let reviewer = app.staff(&format!("ts.{}", s.email), StaffRole::TrustSafety).await;
    reviewer
        .post_form(
            &format!("/staff/applications/{application}/review"),
            &[("decision", "approve"), ("tier", s.tier)],
        )
        .await;
    b.set_profile(s.name, s.zone, &[]).await;
    post(
        &b,
        "/teach/homepage",
        &[
            ("about", s.intro),
            ("country_visibility", s.country_visibility),
            ("education_visibility", "public"),
            ("experience_visibility", "public"),
            ("expertise_visibility", "public"),
            ("video_visibility", "public"),
        ],
    )
    .await;
    post(
        &b,
        "/teach/offerings",
        &[
            ("language", s.language),
            ("duration", "60"),
            ("price", s.price),
            ("levels", "B1"),
        ],
    )
    .await;
    let mut rules = Vec::new();
    for (d, a, z) in s.rules {
        rules.extend([("day", *d), ("start", *a), ("end", *z)]);
    }
    post(&b, "/teach/availability", &rules).await;
    id
}

async fn post(b: &Browser, path: &str, fields: &[(&str, &str)]) {
    let r = b.post_form(path, fields).await;
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{path}: {}",
        r.text().await.unwrap()
    );
}

const ANA: Spec = Spec {
    email: "ana@example.org",
    name: "Ana",
    language: "es",
    level: "native",
    tier: "professional",
    country: "ES",
    country_visibility: "public",
    zone: "Europe/Madrid",
    price: "15.00",
    rules: &[("2", "18:00", "21:00")],
    intro: "Clases de gramática y conversación para adultos, con paciencia.",
};
const BETO: Spec = Spec {
    email: "beto@example.org",
    name: "Beto",
    language: "es",
    level: "C2",
    tier: "community",
    country: "MX",
    country_visibility: "private",
    zone: "America/Mexico_City",
    price: "25.00",
    rules: &[("3", "09:00", "12:00")],
    intro: "Español mexicano con canciones, cine y mucha práctica oral.",
};
const CARA: Spec = Spec {
    email: "cara@example.org",
    name: "Cara",
    language: "en",
    level: "native",
    tier: "professional",
    country: "GB",
    country_visibility: "public",
    zone: "Europe/London",
    price: "30.00",
    rules: &[("1", "08:00", "10:00")],
    intro: "Business English for meetings, presentations and interviews.",
};
const DENIS: Spec = Spec {
    email: "denis@example.org",
    name: "Denis",
    language: "fr",
    level: "native",
    tier: "community",
    country: "FR",
    country_visibility: "public",
    zone: "Europe/Paris",
    price: "10.00",
    rules: &[],
    intro: "Conversation française détendue, pour tous les niveaux et âges.",
};

async fn names(app: &TestApp, query: &str) -> (StatusCode, Vec<String>) {
    let r = reqwest::get(app.url(&format!("/api/v1/teachers?{query}")))
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    let names = body["hits"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|x| x["display_name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, names)
}

async fn found(app: &TestApp, query: &str) -> BTreeSet<String> {
    let (status, n) = names(app, query).await;
    assert_eq!(status, StatusCode::OK, "{query}");
    n.into_iter().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

async fn every_filter_finds_the_right_teachers(app: TestApp) {
    let mut ids = Vec::new();
    for s in [&ANA, &BETO, &CARA, &DENIS] {
        ids.push(make(&app, s).await);
    }
    assert_eq!(found(&app, "").await, set(&["Ana", "Beto", "Cara", "Denis"]));
    assert_eq!(found(&app, "language=es").await, set(&["Ana", "Beto"]));
    assert_eq!(found(&app, "language=es&native=true").await, set(&["Ana"]));
    assert_eq!(found(&app, "native=true").await, set(&["Ana", "Cara", "Denis"]));
    assert_eq!(found(&app, "tier=professional").await, set(&["Ana", "Cara"]));
    assert_eq!(found(&app, "country=ES").await, set(&["Ana"]));
    assert_eq!(
        found(&app, "country=MX").await,
        set(&[]),
        "a hidden country is not searched"
    );
    assert_eq!(found(&app, "max_price=20").await, set(&["Ana", "Denis"]));
    assert_eq!(found(&app, "min_price=20&max_price=26").await, set(&["Beto"]));
    assert_eq!(found(&app, "q=canciones").await, set(&["Beto"]));
    assert_eq!(found(&app, "q=ana").await, set(&["Ana"]), "names are searched");
    assert_eq!(found(&app, "min_rating=4").await, set(&[]), "nobody has reviews yet");
    assert_eq!(
        found(&app, "language=es&tier=community&max_price=30&q=cine").await,
        set(&["Beto"])
    );
    let (_, by_price) = names(&app, "sort=price_low").await;
    assert_eq!(by_price, ["Denis", "Ana", "Beto", "Cara"]);
    let (_, by_price) = names(&app, "sort=price_high").await;
    assert_eq!(by_price, ["Cara", "Beto", "Ana", "Denis"]);
    // Ratings (their reviews come with lessons) order and filter; pages go on.
    app.execute(
        "UPDATE teachers SET rating_sum = 9, rating_count = 2 WHERE account_id = $1",
        &[ids[1]],
    )
    .await;
    app.execute(
        "UPDATE teachers SET rating_sum = 4, rating_count = 1 WHERE account_id = $1",
        &[ids[2]],
    )
    .await;
    app.svc.rebuild_search_index().await.unwrap();
    let (_, by_rating) = names(&app, "sort=rating").await;
    assert_eq!(by_rating[..2], ["Beto", "Cara"], "{by_rating:?}");
    assert_eq!(found(&app, "min_rating=4.5").await, set(&["Beto"]));
    assert_eq!(found(&app, "min_rating=4").await, set(&["Beto", "Cara"]));
    let first: Value = app.browser().get_json("/api/v1/teachers").await;
    assert_eq!(first["more"], false, "{first}");
    let (status, second) = names(&app, "page=1").await;
    assert_eq!(
        (status, second.len()),
        (StatusCode::OK, 0),
        "four teachers fit one page"
    );
    let page: Value = app.browser().get_json("/api/v1/teachers?language=es").await;
    let ana = &page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["display_name"] == "Ana")
        .unwrap()
        .clone();
    assert_eq!(ana["price_from_minor"], 1500);
    assert_eq!(ana["currency"], "EUR");
    assert!(ana["next_slot"].is_string(), "Ana teaches on Tuesdays");

    for (bad, status) in [
        ("min_price=abc", StatusCode::UNPROCESSABLE_ENTITY),
        ("min_price=30&max_price=10", StatusCode::UNPROCESSABLE_ENTITY),
        ("language=klingon", StatusCode::UNPROCESSABLE_ENTITY),
        ("from=18:00", StatusCode::UNPROCESSABLE_ENTITY),
        ("from=18:07&to=19:00", StatusCode::UNPROCESSABLE_ENTITY),
        ("days=8", StatusCode::UNPROCESSABLE_ENTITY),
        ("tz=Mars/Olympus&days=1", StatusCode::UNPROCESSABLE_ENTITY),
        ("min_rating=9", StatusCode::UNPROCESSABLE_ENTITY),
        ("sort=cheapest", StatusCode::UNPROCESSABLE_ENTITY),
        ("page=9999", StatusCode::UNPROCESSABLE_ENTITY),
        ("colour=blue", StatusCode::BAD_REQUEST),
    ] {
        let r = reqwest::get(app.url(&format!("/api/v1/teachers?{bad}"))).await.unwrap();
        assert_eq!(r.status(), status, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{bad}");
    }
    // The page: the same search, and the same bad input explained.
    let (status, page) = app.browser().get_text("/teachers?language=es&native=on").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ana") && !page.contains("Beto"), "{page}");
    let (status, page) = app.browser().get_text("/teachers?min_price=abc").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("amount such as 18.50"), "{page}");
}

async fn availability_windows_are_read_in_the_learners_zone(app: TestApp) {
    make(&app, &ANA).await;
    make(&app, &BETO).await;
    // Ana: Tuesdays 18–21 in Madrid (UTC+1 in winter) = Wednesdays 02–05 in Tokyo.
    let tokyo = "tz=Asia/Tokyo";
    assert_eq!(
        found(&app, &format!("days=3&from=02:00&to=05:00&{tokyo}")).await,
        set(&["Ana"])
    );
    assert_eq!(
        found(&app, &format!("days=2&from=18:00&to=21:00&{tokyo}")).await,
        set(&[])
    );
    // Beto: Wednesdays 09–12 in Mexico City (UTC−6) = Thursdays 00–03 in Tokyo.
    assert_eq!(
        found(&app, &format!("days=4&from=00:00&to=03:00&{tokyo}")).await,
        set(&["Beto"])
    );
    // Past midnight: Wednesday 23:00 to Thursday 03:00.
    assert_eq!(
        found(&app, &format!("days=3&from=23:00&to=03:00&{tokyo}")).await,
        set(&["Beto"])
    );
    // Two days at once, and the same windows seen from Madrid itself.
    assert_eq!(
        found(&app, &format!("days=3,4&from=00:00&to=06:00&{tokyo}")).await,
        set(&["Ana", "Beto"])
    );
    assert_eq!(
        found(&app, "days=2&from=19:00&to=20:00&tz=Europe/Madrid").await,
        set(&["Ana"])
    );
    assert_eq!(
        found(&app, "days=2&from=21:00&to=23:00&tz=Europe/Madrid").await,
        set(&[]),
        "Ana stops at 21:00"
    );
    // Combined with other filters.
    assert_eq!(
        found(
            &app,
            &format!("language=es&native=true&max_price=20&days=3&from=02:00&to=05:00&{tokyo}")
        )
        .await,
        set(&["Ana"])
    );
    // A learner's own zone is the default.
    let learner = app.member("tokyo@example.org", "Tomo").await;
    learner.set_profile("Tomo", "Asia/Tokyo", &[]).await;
    let (_, page) = learner.get_text("/teachers?day=3&from=02:00&to=05:00").await;
    let results = page.split("teacher-list").nth(1).unwrap_or_default();
    assert!(results.contains("Ana") && !results.contains("Beto"), "{page}");
    assert_eq!(
        koine_testkit::field(&page, "tz").value,
        "Asia/Tokyo",
        "the learner's zone is shown"
    );
    // A change shows at once: Ana stops teaching on Tuesdays.
    let ana = app.browser();
    ana.login(ANA.email, koine_testkit::STRONG_PASSWORD).await;
    post(
        &ana,
        "/teach/availability",
        &[("day", "5"), ("start", "10:00"), ("end", "12:00")],
    )
    .await;
    assert_eq!(
        found(&app, &format!("days=3&from=02:00&to=05:00&{tokyo}")).await,
        set(&[])
    );
}

async fn suggestions_are_personal_only_with_consent(app: TestApp) {
    // Several French teachers rank above the one Spanish teacher…
    let french = ["fr1", "fr2", "fr3", "fr4", "fr5", "fr6"];
    for (n, who) in french.iter().enumerate() {
        let email: &'static str = Box::leak(format!("{who}@example.org").into_boxed_str());
        let name: &'static str = Box::leak(format!("Prof{n}").into_boxed_str());
        let mut s = Spec { email, name, ..DENIS };
        s.tier = "professional";
        make(&app, &s).await;
    }
    make(&app, &BETO).await;
    // …and a learner of Spanish.
    let learner = app.member("learns-es@example.org", "Learner").await;
    learner
        .set_profile("Learner", "UTC", &[("lang_0", "es"), ("level_0", "A2")])
        .await;
    let suggested = |page: &str| page.split("id=\"suggested\"").nth(1).unwrap_or_default().to_owned();
    let (_, home) = learner.get_text("/").await;
    assert!(!suggested(&home).contains("Beto"), "not personalised without consent");
    post(&learner, "/settings/privacy", &[("personalised_recommendations", "on")]).await;
    let (_, home) = learner.get_text("/").await;
    assert!(suggested(&home).contains("Beto"), "personalised: {home}");
    // Objecting, or restricting processing, ends it at once.
    post(
        &learner,
        "/settings/privacy/object",
        &[("purpose", "personalised_recommendations")],
    )
    .await;
    let (_, home) = learner.get_text("/").await;
    assert!(!suggested(&home).contains("Beto"));
    post(&learner, "/settings/privacy", &[("personalised_recommendations", "on")]).await;
    post(&learner, "/settings/privacy/restrict", &[("reason", "")]).await;
    let (_, home) = learner.get_text("/").await;
    assert!(!suggested(&home).contains("Beto"), "never for a restricted account");
}
