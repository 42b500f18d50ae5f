//! Profiles: editing, per-field visibility for anonymous/member/owner, avatars.

use koine_testkit::{Browser, TestApp, both_backends};
use reqwest::StatusCode;

both_backends!(
    visibility_is_enforced_per_viewer,
    profile_edit_validates_and_keeps_input,
    avatars_are_reencoded_and_limited,
    the_photo_is_shown_as_its_owner_chooses,
    ui_language_follows_setting_then_header,
    the_api_refuses_a_profile_edit_field_by_field,
);

async fn edit(b: &Browser, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let mut all = vec![
        ("display_name", "Ana"),
        ("bio", "Hola! I teach Spanish.\nAnd learn Japanese."),
        ("country", "ES"),
        ("time_zone", "Europe/Madrid"),
        ("ui_locale", "en"),
        ("birth_date_visibility", "private"),
        ("gender", "female"),
        ("gender_visibility", "private"),
        ("location", "Sevilla"),
        ("location_visibility", "private"),
        ("lang_0", "es"),
        ("level_0", "native"),
        ("lang_1", "ja"),
        ("level_1", "A2"),
    ];
    for (k, v) in fields {
        match all.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v,
            None => all.push((k, v)),
        }
    }
    b.post_form_text("/settings/profile", &all).await
}

async fn visibility_is_enforced_per_viewer(app: TestApp) {
    let owner = app.member("ana@example.org", "Ana").await;
    let id = app.account_id("ana@example.org").await;
    let (status, page) = edit(
        &owner,
        &[
            ("location_visibility", "members"),
            ("gender_visibility", "public"),
            ("birth_date_visibility", "private"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let member = app.member("ken@example.org", "Ken").await;
    let anon = app.browser();
    let path = format!("/members/{id}");
    let (_, as_owner) = owner.get_text(&path).await;
    let (_, as_member) = member.get_text(&path).await;
    let (_, as_anon) = anon.get_text(&path).await;
    for page in [&as_owner, &as_member, &as_anon] {
        assert!(page.contains("Hola! I teach Spanish."));
        assert!(page.contains("Female"), "public field shown to all");
    }
    assert!(as_owner.contains("Sevilla") && as_member.contains("Sevilla"));
    assert!(!as_anon.contains("Sevilla"), "members-only field hidden from visitors");
    assert!(as_owner.contains("1 Apr 1990"), "owner sees private birth date");
    assert!(!as_member.contains("1 Apr 1990") && !as_anon.contains("1 Apr 1990"));
    assert!(!as_member.contains("1990-04-01") && !as_anon.contains("1990-04-01"));
    assert!(as_owner.contains("Spanish") && as_owner.contains("Japanese · A2"));

    // The API applies the same rules.
    let api = |token: Option<String>| {
        let c = reqwest::Client::new();
        let url = app.url(&format!("/api/v1/profiles/{id}"));
        async move {
            let mut req = c.get(url);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send().await.unwrap().json::<serde_json::Value>().await.unwrap()
        }
    };
    let anon_json = api(None).await;
    assert_eq!(anon_json["location"], serde_json::Value::Null);
    assert_eq!(anon_json["gender"], "female");
    assert_eq!(anon_json["birth_date"], serde_json::Value::Null);
    let token = crate::api::token(&app, "ken@example.org").await;
    let member_json = api(Some(token)).await;
    assert_eq!(member_json["location"], "Sevilla");
    assert_eq!(member_json["birth_date"], serde_json::Value::Null);
    let owner_token = crate::api::token(&app, "ana@example.org").await;
    assert_eq!(api(Some(owner_token)).await["birth_date"], "1990-04-01");
}

async fn profile_edit_validates_and_keeps_input(app: TestApp) {
    let b = app.member("e@example.org", "E").await;
    let cases: &[(&str, &str, &str)] = &[
        ("time_zone", "Mars/Olympus", "valid time zone"),
        ("country", "XX", "Choose one of the options"),
        ("lang_1", "es", "only once"),
        ("location_visibility", "friends", "Choose one of the options"),
        ("display_name", "", "required"),
        ("level_1", "Z9", "Choose one of the options"),
    ];
    for (field, value, message) in cases {
        let (status, page) = edit(&b, &[(field, value)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        assert!(page.contains(message), "{field}={value}: {page}");
        assert!(page.contains("Sevilla"), "other input kept");
    }
    let (status, _) = edit(&b, &[("is_admin", "true")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, page) = b
        .get_text(&format!("/members/{}", app.account_id("e@example.org").await))
        .await;
    assert!(!page.contains("Sevilla"), "nothing partially saved");
    let (status, page) = edit(&b, &[("time_zone", "australia/lord_howe")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Australia/Lord_Howe"), "canonical zone name stored");
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([10, 120, 200]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn upload(app: &TestApp, b: &Browser, bytes: Vec<u8>, csrf: Option<String>) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    if let Some(c) = csrf {
        form = form.text("csrf", c);
    }
    form = form.part("avatar", reqwest::multipart::Part::bytes(bytes).file_name("me.png"));
    b.client
        .post(app.url("/settings/avatar"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn avatars_are_reencoded_and_limited(app: TestApp) {
    let b = app.member("av@example.org", "Av").await;
    let csrf = b.csrf().await;
    let r = upload(&app, &b, png(900, 900), None).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "CSRF token required on uploads");
    let r = upload(&app, &b, b"GIF89a but not really".to_vec(), Some(csrf.clone())).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("not a supported image"));
    let big = vec![0x89u8; 5 * 1024 * 1024 + 10];
    let r = upload(&app, &b, big, Some(csrf.clone())).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = upload(&app, &b, png(900, 900), Some(csrf.clone())).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get_text("/settings/profile").await;
    let src = page
        .split("src=\"/avatars/")
        .nth(1)
        .expect("avatar shown")
        .split('"')
        .next()
        .unwrap();
    let r = app.browser().get(&format!("/avatars/{src}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    let stored = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
    assert_eq!((stored.width(), stored.height()), (512, 512));
    let r = b.post_form("/settings/avatar/remove", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.browser().get(&format!("/avatars/{src}")).await.status(),
        StatusCode::NOT_FOUND,
        "file deleted"
    );
}

/// The photo has the same choice as the other fields, on the pages, the
/// picture's own address and the API; browsers may keep a copy but must
/// ask again each time, so a change takes effect at once.
async fn the_photo_is_shown_as_its_owner_chooses(app: TestApp) {
    let owner = app.member("pic@example.org", "Pic").await;
    let id = app.account_id("pic@example.org").await;
    let member = app.member("viewer@example.org", "Viewer").await;
    let anon = app.browser();
    let csrf = owner.csrf().await;
    assert_eq!(
        upload(&app, &owner, png(64, 64), Some(csrf)).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, page) = owner.get_text("/settings/profile").await;
    let src = format!(
        "/avatars/{}",
        page.split("src=\"/avatars/").nth(1).unwrap().split('"').next().unwrap()
    );
    let profile = format!("/members/{id}");
    let sees = |b: &Browser| {
        let (src, profile) = (src.clone(), profile.clone());
        let b = b.clone();
        async move {
            let (_, page) = b.get_text(&profile).await;
            let shown = page.contains(&src);
            let fetched = b.get(&src).await.status() == StatusCode::OK;
            assert_eq!(shown, fetched, "the page and the address agree");
            shown
        }
    };
    // An adult's photo is public at first.
    assert!(sees(&anon).await && sees(&member).await && sees(&owner).await);
    let r = anon.get(&src).await;
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(revalidate(&anon, &src, &etag).await, StatusCode::NOT_MODIFIED);

    for (choice, visitor, members) in [
        ("members", false, true),
        ("private", false, false),
        ("public", true, true),
    ] {
        let (status, _) = edit(&owner, &[("avatar_visibility", choice)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(sees(&anon).await, visitor, "{choice}: visitors");
        assert_eq!(sees(&member).await, members, "{choice}: members");
        assert!(sees(&owner).await, "{choice}: the owner");
        if !visitor {
            // A browser's copy is asked about again, and refused.
            assert_eq!(revalidate(&anon, &src, &etag).await, StatusCode::NOT_FOUND, "{choice}");
        }
    }
    let (status, page) = edit(&owner, &[("avatar_visibility", "everyone")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");

    // The API: the same choice, the same rules.
    let token = crate::api::token(&app, "pic@example.org").await;
    let body = serde_json::json!({
        "display_name": "Pic", "time_zone": "UTC", "ui_locale": "en",
        "birth_date_visibility": "private", "gender_visibility": "private", "location_visibility": "private",
        "avatar_visibility": "members"
    });
    let r = app
        .api_json(reqwest::Method::PUT, "/api/v1/me/profile", &token, body.clone())
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let seen = app.browser().get_json(&format!("/api/v1/profiles/{id}")).await;
    assert!(seen["avatar_url"].is_null(), "{seen}");
    let mut wrong = body.clone();
    wrong["avatar_visibility"] = "friends".into();
    let r = app
        .api_json(reqwest::Method::PUT, "/api/v1/me/profile", &token, wrong)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Removed, it is gone for everyone, cached copies included.
    owner.post_form("/settings/avatar/remove", &[]).await;
    assert_eq!(revalidate(&owner, &src, &etag).await, StatusCode::NOT_FOUND);

    // A minor's photo is for members only from the start.
    let young = app.browser();
    let birth = app.born_years_ago(17);
    young
        .signup("Teen", "teen@example.org", "", koine_testkit::STRONG_PASSWORD, &birth)
        .await;
    let teen = app.account_id("teen@example.org").await;
    let p = app.svc.own_profile(teen).await.unwrap();
    assert_eq!(p.avatar_visibility, koine_domain::profile::Visibility::Members);
}

/// Asks for `src` again as a browser holding a copy tagged `etag` would.
async fn revalidate(b: &Browser, src: &str, etag: &str) -> StatusCode {
    b.client
        .get(b.url(src))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap()
        .status()
}

async fn ui_language_follows_setting_then_header(app: TestApp) {
    let anon = app.browser();
    let ja = anon
        .client
        .get(app.url("/login"))
        .header("accept-language", "ja,en;q=0.5")
        .send()
        .await
        .unwrap();
    let page = ja.text().await.unwrap();
    assert!(page.contains("lang=\"ja\"") && page.contains("ログイン"), "{page}");
    let b = app.member("lang@example.org", "Lang").await;
    let r = b
        .post_form("/language", &[("locale", "es"), ("next", "/settings")])
        .await;
    assert_eq!(r.headers()["location"], "/settings");
    let page = b.get_text_with("/settings", &[("accept-language", "ja")]).await;
    assert!(page.contains("lang=\"es\""), "the saved setting wins over the header");
    let r = b.post_form("/language", &[("locale", "xx")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = b
        .post_form("/language", &[("locale", "en"), ("next", "//evil.example")])
        .await;
    assert_eq!(r.headers()["location"], "/", "no open redirect");
}

/// The API reads a profile edit as the page does: every field's error at
/// once, nothing saved.
async fn the_api_refuses_a_profile_edit_field_by_field(app: TestApp) {
    app.member("fields@example.org", "Fields").await;
    let token = crate::api::token(&app, "fields@example.org").await;
    let body = serde_json::json!({
        "display_name": "",
        "time_zone": "Mars/Olympus",
        "ui_locale": "en",
        "birth_date_visibility": "private",
        "gender_visibility": "private",
        "location_visibility": "private",
        "languages": [{ "language": "xx", "level": "B2" }],
    });
    let r = reqwest::Client::new()
        .put(app.url("/api/v1/me/profile"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = r.json().await.unwrap();
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["display_name", "language", "time_zone"], "{problem}");
    let own = app
        .svc
        .own_profile(app.account_id("fields@example.org").await)
        .await
        .unwrap();
    assert_eq!(own.view.display_name, "Fields", "nothing saved");
}
