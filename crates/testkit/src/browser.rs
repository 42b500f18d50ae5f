//! A cookie-keeping HTTP client that uses Koine's pages like a browser
//! without JavaScript would: fetch a form, copy its CSRF token, submit.

use reqwest::{Client, Response, StatusCode, redirect};

/// Clones share one cookie jar: the same signed-in person.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    base: String,
}

/// The CSRF token embedded in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no CSRF field in page:\n{html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

impl Browser {
    pub fn new(base: &str) -> Self {
        koine_services::files::use_ring_for_tls();
        let client = Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .user_agent("koine-tests")
            .build()
            .expect("client");
        Self {
            client,
            base: base.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// A `GET` answered with JSON (this browser's session, if any).
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.expect("a JSON answer")
    }

    /// A page's text, fetched with extra request headers (a language, a
    /// privacy signal).
    pub async fn get_text_with(&self, path: &str, headers: &[(&str, &str)]) -> String {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap().text().await.unwrap()
    }

    /// A CSRF token valid for this browser (taken from the home page).
    pub async fn csrf(&self) -> String {
        csrf_of(&self.get_text("/").await.1)
    }

    /// Submits a form with a valid CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&all).send().await.expect("POST")
    }

    /// Submits a multipart form (CSRF token first) with text fields and
    /// files as (field, bytes, file name).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>, &str)],
    ) -> Response {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf().await);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (k, bytes, name) in files {
            form = form.part(
                k.to_string(),
                reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
            );
        }
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("POST")
    }

    /// Saves the profile with `name` and `zone` (interface in English,
    /// optional fields private), plus any `extra` fields (which replace
    /// those of the same name).
    pub async fn set_profile(&self, name: &str, zone: &str, extra: &[(&str, &str)]) {
        let (status, page) = self.save_profile(name, zone, extra).await;
        assert_eq!(status, StatusCode::OK, "profile saved: {page}");
    }

    /// The same, returning the answer (for edits that may be refused).
    pub async fn save_profile(&self, name: &str, zone: &str, extra: &[(&str, &str)]) -> (StatusCode, String) {
        let mut fields = vec![
            ("display_name", name),
            ("time_zone", zone),
            ("ui_locale", "en"),
            ("birth_date_visibility", "private"),
            ("gender_visibility", "private"),
            ("location_visibility", "private"),
        ];
        fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        fields.extend_from_slice(extra);
        self.post_form_text("/settings/profile", &fields).await
    }

    pub async fn post_form_text(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let r = self.post_form(path, fields).await;
        (r.status(), r.text().await.unwrap())
    }

    pub async fn signup(
        &self,
        name: &str,
        email: &str,
        phone: &str,
        password: &str,
        birth: &str,
    ) -> (StatusCode, String) {
        self.post_form_text(
            "/signup",
            &[
                ("display_name", name),
                ("email", email),
                ("phone", phone),
                ("password", password),
                ("birth_date", birth),
            ],
        )
        .await
    }

    pub async fn verify_email_link(&self, link: &str) {
        let (status, page) = self.get_text(link).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let token = link.split("token=").nth(1).expect("token in link");
        let (status, page) = self.post_form_text("/verify/email", &[("token", token)]).await;
        assert_eq!(status, StatusCode::OK, "{page}");
    }

    pub async fn login(&self, identifier: &str, password: &str) -> Response {
        let r = self
            .post_form("/login", &[("identifier", identifier), ("password", password)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {identifier} failed");
        r
    }

    pub async fn logout(&self) {
        let r = self.post_form("/logout", &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
}
