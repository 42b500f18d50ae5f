//! Invisible Unicode is refused everywhere text comes in — every text field
//! of every form a member, teacher or staff sees, every JSON body and query
//! parameter the API documents, a page's query string, and the teacher application's upload form — and nothing is
//! written; text is stored composed (NFC); a teacher cannot take a name
//! that looks like another teacher's.

use koine_domain::staff::StaffRole;
use koine_testkit::{Browser, TestApp, both_backends, tiny_pdf};
use reqwest::StatusCode;
use serde_json::Value;

both_backends!(
    every_form_field_refuses_invisible_characters,
    every_api_body_refuses_invisible_characters,
    every_query_parameter_refuses_invisible_characters,
    names_are_composed_and_teachers_cannot_look_alike
);

/// Bidirectional override, zero-width space, byte-order mark, tag letter
/// and isolate: each makes text read differently from how it looks.
const HIDDEN: [char; 5] = ['\u{202E}', '\u{200B}', '\u{FEFF}', '\u{E0041}', '\u{2066}'];

/// Rows of the tables a refused request could have written to.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "accounts",
        "profiles",
        "profile_languages",
        "teachers",
        "teacher_applications",
        "offerings",
        "availability_rules",
        "privacy_requests",
        "processing_restrictions",
        "payout_accounts",
        "audit_events",
        "legal_holds",
        "breaches",
        "coupons",
    ] {
        out.push(app.count(t).await);
    }
    out
}

/// Applies to teach Spanish under `real_name`, with a passport.
async fn apply(b: &Browser, real_name: &str) -> reqwest::Response {
    b.post_multipart(
        "/teach",
        &[
            ("real_name", real_name),
            ("country", "ES"),
            ("lang_0", "es"),
            ("level_0", "native"),
            (
                "introduction",
                "I teach Spanish grammar and conversation to adults, with care.",
            ),
        ],
        &[("id_document", tiny_pdf("passport"), "passport.pdf")],
    )
    .await
}

/// The post forms of a page: (action, names of its text fields).
fn text_forms(page: &str) -> Vec<(String, Vec<String>)> {
    let attr = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    for form in page.split("<form").skip(1) {
        let (open, body) = form.split_once('>').unwrap_or((form, ""));
        let body = body.split("</form>").next().unwrap_or("");
        if !open.contains("method=\"post\"") || open.contains("multipart/form-data") {
            continue;
        }
        let Some(action) = attr(open, "action") else { continue };
        let mut fields = Vec::new();
        for tag in body
            .split('<')
            .filter(|t| t.starts_with("input") || t.starts_with("textarea"))
        {
            let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
            let Some(name) = attr(tag, "name") else { continue };
            let is_text =
                tag.starts_with("textarea") || matches!(kind.as_str(), "text" | "email" | "tel" | "search" | "url");
            if is_text && name != "csrf" {
                fields.push(name);
            }
        }
        if !fields.is_empty() {
            out.push((action.replace("&amp;", "&"), fields));
        }
    }
    out
}

async fn every_form_field_refuses_invisible_characters(app: TestApp) {
    let (teacher, teacher_id) = app.teacher_member("profe@example.org").await;
    let member = app.member("member@example.org", "Member").await;
    let officer = app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    let finance = app.staff("fin@koine.test", StaffRole::Finance).await;
    let visitor = app.browser();
    let who: [(&str, &Browser, &[&str]); 5] = [
        (
            "visitor",
            &visitor,
            &["/signup", "/login", "/password/forgot", "/privacy/request"],
        ),
        (
            "member",
            &member,
            &[
                "/settings",
                "/settings/profile",
                "/settings/privacy",
                "/settings/data",
                "/wallet",
                "/lessons",
            ],
        ),
        (
            "teacher",
            &teacher,
            &["/teach/manage", "/earnings", "/settings/profile", "/settings/calendar"],
        ),
        (
            "officer",
            &officer,
            &[
                &format!("/staff/members/{teacher_id}"),
                "/staff/breaches",
                "/staff/requests",
            ],
        ),
        ("finance", &finance, &["/staff/finance"]),
    ];
    let before = footprint(&app).await;
    let mut tried = 0;
    for (role, b, pages) in who {
        for page in pages {
            let (status, html) = b.get_text(page).await;
            assert_eq!(status, StatusCode::OK, "{role}: {page}");
            for (action, fields) in text_forms(&html) {
                for field in fields.iter().filter(|f| !f.contains("password")) {
                    let c = HIDDEN[tried % HIDDEN.len()];
                    let value = format!("Mar{c}ía");
                    let r = b.post_form(&action, &[(field.as_str(), value.as_str())]).await;
                    let status = r.status();
                    let body = r.text().await.unwrap();
                    assert_eq!(
                        status,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "{role} {action} {field}: {body}"
                    );
                    assert!(body.contains("invisible characters"), "{role} {action} {field}");
                    tried += 1;
                }
            }
        }
    }
    assert!(tried >= 40, "the pages' text fields were all tried: {tried}");
    assert_eq!(footprint(&app).await, before, "nothing was written");

    // The upload form of an application checks its text fields too.
    let applicant = app.member("applicant@example.org", "Applicant").await;
    let r = apply(&applicant, "Ana\u{202E}Gómez").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("invisible characters"));
    assert_eq!(footprint(&app).await[4], before[4], "no application kept");
}

/// Every request body the API document describes, with every property set
/// to text holding an invisible character: refused, naming where.
async fn every_api_body_refuses_invisible_characters(app: TestApp) {
    app.member("api@example.org", "Api").await;
    let token = crate::api::token(&app, "api@example.org").await;
    let c = reqwest::Client::new();
    let doc = crate::api::document(&app).await;
    let schemas = &doc["components"]["schemas"];
    let before = footprint(&app).await;
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.starts_with("/api/v1/payments/webhooks/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let Some(schema) = op["requestBody"]["content"]["application/json"]["schema"].as_object() else {
                continue;
            };
            let schema = match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => &schemas[r.rsplit('/').next().unwrap()],
                None => &Value::Object(schema.clone()),
            };
            let names: Vec<String> = schema["properties"]
                .as_object()
                .map(|p| p.keys().filter(|k| !k.contains("password")).cloned().collect())
                .unwrap_or_default();
            for name in names {
                let c0 = HIDDEN[tried % HIDDEN.len()];
                let body = serde_json::json!({ name.clone(): format!("x{c0}y") });
                let url = app.url(
                    &path
                        .replace("{id}", &uuid::Uuid::now_v7().to_string())
                        .replace("{action}", "confirm"),
                );
                let r = c
                    .request(method.to_uppercase().parse().unwrap(), url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                refused_as_invisible(r, &format!("{method} {path}"), &name).await;
                tried += 1;
            }
        }
    }
    assert!(tried >= 40, "every documented body was tried: {tried}");
    assert_eq!(footprint(&app).await, before, "nothing was written");
}

/// The refusal of a field holding an invisible character: named as the
/// problem's detail and in its errors list.
async fn refused_as_invisible(r: reqwest::Response, call: &str, name: &str) {
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{call} {name}");
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "invisible-characters", "{call} {name}");
    assert_eq!(problem["detail"], name);
    assert_eq!(problem["errors"][0]["field"], name, "in the errors list too");
    assert!(problem["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

async fn every_query_parameter_refuses_invisible_characters(app: TestApp) {
    app.member("query@example.org", "Query").await;
    let token = crate::api::token(&app, "query@example.org").await;
    let c = reqwest::Client::new();
    let doc = crate::api::document(&app).await;
    let mut tried = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let queried = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query");
            for name in queried.filter_map(|p| p["name"].as_str()) {
                let c0 = HIDDEN[tried % HIDDEN.len()];
                let url = app.url(&path.replace("{id}", &uuid::Uuid::now_v7().to_string()));
                let r = c
                    .request(method.to_uppercase().parse().unwrap(), url)
                    .query(&[(name, format!("x{c0}y"))])
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                refused_as_invisible(r, &format!("{method} {path}"), name).await;
                tried += 1;
            }
        }
    }
    assert!(tried >= 15, "every documented query parameter was tried: {tried}");
    let page = c
        .get(app.url("/teachers"))
        .query(&[("q", "Mar\u{202E}ía")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a page's query string too"
    );
}

async fn names_are_composed_and_teachers_cannot_look_alike(app: TestApp) {
    let (teacher, _) = app.teacher_member("maria@example.org").await;
    teacher.set_profile("María López", "Europe/Madrid", &[]).await;
    // A decomposed "í" is stored composed, as typed on another keyboard.
    let other = app.member("other@example.org", "Other").await;
    other.set_profile("Mari\u{0301}a Sánchez", "UTC", &[]).await;
    let id = app.account_id("other@example.org").await;
    let name = app.svc.own_profile(id).await.unwrap().view.display_name;
    assert_eq!(name, "Mar\u{ED}a Sánchez");

    // A member may call themselves what they like…
    let lookalike = "Mar\u{ED}\u{0430} L\u{F3}pez"; // a Cyrillic "а"
    other.set_profile(lookalike, "UTC", &[]).await;
    // …but cannot teach under a name that passes for another teacher's.
    let reviewer = app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    let r = apply(&other, "Marta Ruiz").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("looks like another teacher"));
    other.set_profile("Marta Ruiz", "UTC", &[]).await;
    app.upload_avatar(&other).await;
    let other_id = app.account_id("other@example.org").await;
    assert!(app.approved_teacher(&other, other_id, &reviewer).await);
    // Nor can a teacher rename themselves into one.
    for fake in [lookalike, "MARIA LOPEZ", "Maria  Lopez"] {
        let (status, page) = other.save_profile(fake, "UTC", &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fake}");
        assert!(page.contains("looks like another teacher"), "{fake}");
    }
    assert_eq!(
        app.svc.own_profile(other_id).await.unwrap().view.display_name,
        "Marta Ruiz"
    );

    // Nor can an applicant while their application is reviewed.
    let applicant = app.member("pablo@example.org", "Pablo Ruiz").await;
    app.upload_avatar(&applicant).await;
    assert_eq!(apply(&applicant, "Pablo Ruiz").await.status(), StatusCode::SEE_OTHER);
    let (status, _) = applicant.save_profile("MARIA LOPEZ", "UTC", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
