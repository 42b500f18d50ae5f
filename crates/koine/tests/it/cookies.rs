//! The cookie consent manager: nothing optional before a choice, equal
//! "accept all" / "reject all", a visitor ledger, signals applied, a new
//! revision asks again, and no choice changes what a visitor gets.

use koine_domain::consent::{ConsentPurpose, VisitorChoice};
use koine_testkit::{TestApp, both_backends, csrf_of};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

both_backends!(
    before_a_choice_only_necessary_cookies_and_the_banner,
    banner_choices_go_to_the_visitor_ledger_with_signals_applied,
    the_choices_page_gives_and_withdraws_alike,
    a_members_banner_choice_goes_to_their_ledger,
    no_choice_changes_a_price_or_feature
);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The name=value pair of a Set-Cookie header.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

/// A visitor (no cookie store: cookies are carried by hand) and its cookies.
struct Visitor {
    c: reqwest::Client,
    cookies: Vec<String>,
    gpc: bool,
}

impl Visitor {
    fn new(gpc: bool) -> Self {
        Self {
            c: client(),
            cookies: Vec::new(),
            gpc,
        }
    }

    fn header(&self) -> String {
        self.cookies.join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for sc in set_cookies(r) {
            let p = pair(&sc);
            let name = p.split('=').next().unwrap().to_owned();
            self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            self.cookies.push(p);
        }
    }

    async fn get(&mut self, app: &TestApp, path: &str) -> String {
        let mut req = self.c.get(app.url(path)).header(COOKIE, self.header());
        if self.gpc {
            req = req.header("sec-gpc", "1");
        }
        let r = req.send().await.unwrap();
        self.keep(&r);
        r.text().await.unwrap()
    }

    async fn post(&mut self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let page = self.get(app, "/cookies").await;
        let csrf = csrf_of(&page);
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let mut req = self.c.post(app.url(path)).header(COOKIE, self.header()).form(&form);
        if self.gpc {
            req = req.header("sec-gpc", "1");
        }
        let r = req.send().await.unwrap();
        self.keep(&r);
        r
    }

    fn choice(&self) -> Option<VisitorChoice> {
        self.cookies
            .iter()
            .find_map(|c| c.strip_prefix("koine_consent="))
            .and_then(VisitorChoice::decode)
    }
}

async fn before_a_choice_only_necessary_cookies_and_the_banner(app: TestApp) {
    let r = client().get(app.url("/")).send().await.unwrap();
    let names: Vec<String> = set_cookies(&r)
        .iter()
        .map(|c| pair(c).split('=').next().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["koine_anon"], "only the strictly necessary CSRF cookie");
    let page = r.text().await.unwrap();
    for label in ["Accept all", "Reject all", "Choose"] {
        assert!(page.contains(label), "{label} in the banner");
    }
    assert!(
        page.contains("href=\"/cookies\">Cookies</a>"),
        "reachable from the footer"
    );
    let r = client().get(app.url("/api/openapi.json")).send().await.unwrap();
    assert!(set_cookies(&r).is_empty(), "the API sets no cookie");

    // A choice made for an older consent request is asked again.
    let mut v = Visitor::new(false);
    v.post(&app, "/cookies/banner", &[("choice", "reject"), ("next", "/")])
        .await;
    assert!(!v.get(&app, "/").await.contains("Reject all"), "answered: no banner");
    let mut old = v.choice().unwrap();
    old.revision = 0;
    v.cookies.retain(|c| !c.starts_with("koine_consent="));
    v.cookies.push(format!("koine_consent={}", old.encode()));
    assert!(
        v.get(&app, "/").await.contains("Reject all"),
        "a new revision asks again"
    );

    // Bad input: a clear 400 and nothing recorded.
    let before = app.count("visitor_consent_events").await;
    let r = v.post(&app, "/cookies/banner", &[("choice", "maybe")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = v.post(&app, "/cookies", &[("tracking", "on")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("visitor_consent_events").await, before);
}

async fn banner_choices_go_to_the_visitor_ledger_with_signals_applied(app: TestApp) {
    let mut v = Visitor::new(false);
    let r = v
        .post(&app, "/cookies/banner", &[("choice", "reject"), ("next", "/privacy")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/privacy");
    let sc = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("koine_consent="))
        .unwrap();
    assert!(sc.contains("Max-Age=34128000") && sc.contains("HttpOnly"), "{sc}");
    assert!(v.choice().unwrap().granted.is_empty());
    assert_eq!(app.count("visitor_consent_events").await, 7, "every refusal recorded");

    // Accepting everything while sending GPC still leaves sale/sharing and
    // personalisation off.
    let mut g = Visitor::new(true);
    g.post(
        &app,
        "/cookies/banner",
        &[("choice", "accept"), ("next", "//evil.example")],
    )
    .await;
    let granted = g.choice().unwrap().granted;
    assert_eq!(granted.len(), 5, "{granted:?}");
    assert!(!granted.contains(&ConsentPurpose::SaleSharing));
    assert!(!granted.contains(&ConsentPurpose::PersonalisedRecommendations));
    assert_eq!(app.count("visitor_consent_events").await, 14);
    assert_eq!(
        app.count("visitor_consent_events WHERE source = 'gpc' AND granted = false")
            .await,
        2,
        "what GPC decided is recorded as coming from GPC"
    );
}

async fn the_choices_page_gives_and_withdraws_alike(app: TestApp) {
    let mut v = Visitor::new(false);
    let r = v.post(&app, "/cookies", &[("analytics", "on")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(v.choice().unwrap().granted, [ConsentPurpose::Analytics]);
    let page = v.get(&app, "/cookies").await;
    assert!(koine_testkit::field(&page, "analytics").checked);
    // Withdrawing takes one click, like giving.
    v.post(&app, "/cookies", &[("choice", "reject")]).await;
    assert!(v.choice().unwrap().granted.is_empty());
    v.post(&app, "/cookies", &[("choice", "accept")]).await;
    assert_eq!(v.choice().unwrap().granted.len(), 7);
    assert_eq!(app.count("visitor_consent_events").await, 21);
}

async fn a_members_banner_choice_goes_to_their_ledger(app: TestApp) {
    let b = app.member("banner@example.org", "Banner").await;
    let id = app.account_id("banner@example.org").await;
    let r = b
        .post_form("/cookies/banner", &[("choice", "accept"), ("next", "/settings")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let state = app.svc.consent_state(id).await.unwrap();
    assert!(state.iter().all(|(_, g)| *g), "{state:?}");
    let history = app.svc.consent_history(id).await.unwrap();
    assert!(
        history.iter().all(|h| h.source == "banner" || h.source == "sign_up"),
        "{history:?}"
    );
    assert_eq!(history.iter().filter(|h| h.source == "banner").count(), 7);
    assert_eq!(
        app.count("visitor_consent_events").await,
        0,
        "members use their own ledger"
    );
    let (_, page) = b.get_text("/settings").await;
    assert!(!page.contains("Reject all"), "answered: no banner");
}

/// Exercising a privacy right changes no price or feature (CCPA): pages are
/// the same for a visitor who accepted everything and one who refused
/// everything and sends GPC.
async fn no_choice_changes_a_price_or_feature(app: TestApp) {
    app.member("shown@example.org", "Shown").await;
    let id = app.account_id("shown@example.org").await;
    // A teacher with prices, a trial and bookable times.
    let t = app.member("prof@example.org", "Prof").await;
    app.upload_avatar(&t).await;
    let teacher = app.account_id("prof@example.org").await;
    let reviewer = app
        .staff("ts@koine.test", koine_domain::staff::StaffRole::TrustSafety)
        .await;
    assert!(app.approved_teacher(&t, teacher, &reviewer).await);
    let mut yes = Visitor::new(false);
    yes.post(&app, "/cookies/banner", &[("choice", "accept")]).await;
    let mut no = Visitor::new(true);
    no.post(&app, "/cookies/banner", &[("choice", "reject")]).await;
    let without_csrf = |page: String| {
        page.lines()
            .filter(|l| !l.contains("name=\"csrf\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let teacher_page = format!("/teachers/{teacher}");
    for path in [
        "/",
        "/signup",
        "/login",
        "/privacy",
        &format!("/members/{id}"),
        "/teachers?language=es",
        &teacher_page,
    ] {
        let a = without_csrf(yes.get(&app, path).await);
        let b = without_csrf(no.get(&app, path).await);
        assert!(a.contains("Koine"), "{path}: {a}");
        assert_eq!(a, b, "{path} differs by privacy choice");
    }
    let page = yes.get(&app, &teacher_page).await;
    assert!(page.contains("20.00 EUR"), "prices are shown: {page}");

    // Members too: one who allowed everything, one who objected to all it
    // can and sends GPC, see the same prices and teachers.
    let all = app.member("all@example.org", "All").await;
    all.post_form(
        "/settings/privacy",
        &[
            ("preference_cookies", "on"),
            ("analytics", "on"),
            ("marketing_email", "on"),
            ("personalised_recommendations", "on"),
            ("sale_sharing", "on"),
            ("research_recordings", "on"),
            ("classroom_recording", "on"),
        ],
    )
    .await;
    let none = app.member("none@example.org", "None").await;
    for purpose in ["marketing_email", "personalised_recommendations", "analytics"] {
        let r = none
            .post_form("/settings/privacy/object", &[("purpose", purpose)])
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let (a, b) = (
        crate::api::token(&app, "all@example.org").await,
        crate::api::token(&app, "none@example.org").await,
    );
    for path in [
        "/api/v1/teachers?language=es".to_owned(),
        format!("/api/v1/teachers/{teacher}"),
        format!("/api/v1/teachers/{teacher}/slots?duration=60"),
    ] {
        let get = |token: String, gpc: bool| {
            let mut r = client().get(app.url(&path)).bearer_auth(token);
            if gpc {
                r = r.header("Sec-GPC", "1");
            }
            async move {
                let r = r.send().await.unwrap();
                assert_eq!(r.status(), StatusCode::OK);
                r.text().await.unwrap()
            }
        };
        let (x, y) = (get(a.clone(), false).await, get(b.clone(), true).await);
        assert!(
            x.contains(&teacher.to_string()) || x.contains("\"slots\":[\""),
            "{path}: {x}"
        );
        assert_eq!(x, y, "{path} differs by privacy choice");
    }
}
