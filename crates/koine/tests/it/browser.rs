//! The browser journey in headless Chromium, with axe-core checking each page
//! for serious or critical accessibility violations.

use koine_domain::staff::StaffRole;
use koine_testkit::{STRONG_PASSWORD, TestApp, both_backends, link_in};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;

both_backends!(
    signup_to_logout_in_a_real_browser,
    a_teacher_is_found_in_another_time_zone,
    a_trial_is_booked_paid_taught_reviewed_and_paid_out,
    two_members_talk_live_and_without_javascript
);

pub(crate) fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: browser tests need it (run ./scripts/test)"))
}

pub(crate) struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
    pub(crate) web: Option<WebDriver>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_browser() -> Driver {
    start_browser_with(true).await
}

/// A browser with JavaScript on or off.
async fn start_browser_with(javascript: bool) -> Driver {
    start_browser_args(javascript, &[]).await
}

/// A browser with JavaScript on or off and more command-line switches.
pub(crate) async fn start_browser_args(javascript: bool, extra: &[&str]) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = DriverPlace {
        prefix: Vec::new(),
        host: "127.0.0.1".into(),
        port,
        allowed_ip: None,
    };
    start_browser_at(&driver, javascript, extra).await
}

/// Where chromedriver runs: behind a command prefix (`ip netns exec NAME`
/// runs it in another network namespace), at which address and port, and
/// the one remote address it lets in (none: only local connections).
pub(crate) struct DriverPlace {
    pub(crate) prefix: Vec<String>,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) allowed_ip: Option<String>,
}

/// A browser whose chromedriver runs at `place`.
pub(crate) async fn start_browser_at(place: &DriverPlace, javascript: bool, extra: &[&str]) -> Driver {
    let mut command = match place.prefix.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(required_env("KOINE_CHROMEDRIVER"));
            c
        }
        None => Command::new(required_env("KOINE_CHROMEDRIVER")),
    };
    command.arg(format!("--port={}", place.port));
    if let Some(ip) = &place.allowed_ip {
        command.arg(format!("--allowed-ips={ip}"));
    }
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().unwrap();
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&required_env("KOINE_CHROMIUM")).unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        &format!("--user-data-dir={}", profile.path().display()),
    ] {
        caps.add_arg(arg).unwrap();
    }
    if !javascript {
        caps.add_arg("--blink-settings=scriptEnabled=false").unwrap();
    }
    for arg in extra {
        caps.add_arg(arg).unwrap();
    }
    let url = format!("http://{}:{}", place.host, place.port);
    let mut last_err = None;
    for _ in 0..50 {
        match WebDriver::new(&url, caps.clone()).await {
            Ok(web) => {
                return Driver {
                    child,
                    _profile: profile,
                    web: Some(web),
                };
            }
            Err(e) => {
                last_err = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("could not start a browser session: {last_err:?}");
}

/// Runs axe-core on the current page; fails on serious or critical violations.
pub(crate) async fn axe(web: &WebDriver, source: &str, page: &str) {
    web.execute(source, Vec::new()).await.expect("inject axe-core");
    let result = web
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
            Vec::new(),
        )
        .await
        .expect("axe runs");
    let violations: Vec<String> = result.convert().expect("a list");
    assert!(
        violations.is_empty(),
        "accessibility violations on {page}:\n{}",
        violations.join("\n")
    );
}

pub(crate) async fn fill(web: &WebDriver, id: &str, value: &str) {
    let el = web.find(By::Id(id)).await.unwrap_or_else(|_| panic!("#{id}"));
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

/// Clicks a form's (first) submit button as a person would.
pub(crate) async fn submit(web: &WebDriver, form_css: &str) {
    click(web, &format!("{form_css} button[type=submit]")).await;
}

/// Clicks a button after scrolling to it, and waits for the next page.
pub(crate) async fn click(web: &WebDriver, button_css: &str) {
    let button = web.find(By::Css(button_css)).await.unwrap();
    web.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![button.to_json().unwrap()],
    )
    .await
    .unwrap();
    button.click().await.unwrap();
    // Wait for the next page, so later lookups do not see the old one.
    button.wait_until().stale().await.expect("the form leads to a new page");
}

async fn choose(web: &WebDriver, select_id: &str, value: &str) {
    let select = web.find(By::Id(select_id)).await.unwrap();
    web.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![select.to_json().unwrap()],
    )
    .await
    .unwrap();
    select
        .find(By::Css(format!("option[value='{value}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Sets an input's value directly (time and date inputs take typed text
/// in the browser's locale format).
async fn set_value(web: &WebDriver, id: &str, value: &str) {
    let el = web.find(By::Id(id)).await.unwrap_or_else(|_| panic!("#{id}"));
    web.execute(&format!("arguments[0].value = '{value}';"), vec![el.to_json().unwrap()])
        .await
        .unwrap();
}

pub(crate) async fn log_in(app: &TestApp, web: &WebDriver, email: &str) {
    web.goto(app.url("/login")).await.unwrap();
    fill(web, "identifier", email).await;
    fill(web, "password", STRONG_PASSWORD).await;
    submit(web, "main form").await;
}

async fn log_out(web: &WebDriver) {
    submit(web, "form[action='/logout']").await;
}

async fn a_teacher_is_found_in_another_time_zone(app: TestApp) {
    // From a Wednesday the homepage's week holds the coming Tuesday's hours.
    app.advance_to_coming(jiff::civil::Weekday::Wednesday);
    let axe_js = std::fs::read_to_string(required_env("KOINE_AXE_JS")).expect("axe-core source");
    let mut driver = start_browser().await;
    let web = driver.web.take().unwrap();
    teacher_journey(&app, &web, &axe_js).await;
    web.quit().await.expect("quit browser");
}

async fn teacher_journey(app: &TestApp, web: &WebDriver, axe_js: &str) {
    let carmen = app.member("profe@example.org", "Carmen").await;
    carmen.set_profile("Carmen", "Europe/Madrid", &[]).await;
    let tomo = app.member("tomo@example.org", "Tomo").await;
    tomo.set_profile("Tomo", "Asia/Tokyo", &[]).await;
    app.staff("ts@koine.test", StaffRole::TrustSafety).await;
    let files = app.temp_dir().join("uploads-for-browser");
    std::fs::create_dir_all(&files).unwrap();
    let (pdf, png) = (files.join("dni.pdf"), files.join("me.png"));
    std::fs::write(&pdf, koine_testkit::tiny_pdf("dni")).unwrap();
    std::fs::write(&png, koine_testkit::tiny_png()).unwrap();

    // Carmen applies to teach.
    web.goto(app.url("/")).await.unwrap();
    click(web, ".consent-banner button[value=reject]").await;
    log_in(app, web, "profe@example.org").await;
    web.goto(app.url("/teach")).await.unwrap();
    axe(web, axe_js, "apply to teach").await;
    fill(web, "real_name", "Carmen Ortega Gil").await;
    choose(web, "country", "ES").await;
    choose(web, "lang_0", "es").await;
    choose(web, "level_0", "native").await;
    fill(
        web,
        "introduction",
        "Soy profesora de español: gramática, conversación y mucha paciencia.",
    )
    .await;
    for (id, path) in [("id_document", &pdf), ("photo", &png)] {
        web.find(By::Id(id))
            .await
            .unwrap()
            .send_keys(path.display().to_string())
            .await
            .unwrap();
    }
    submit(web, "form[action='/teach']").await;
    assert!(text(web).await.contains("Under review"), "{}", text(web).await);
    log_out(web).await;

    // Trust & safety approves her.
    log_in(app, web, "ts@koine.test").await;
    web.goto(app.url("/staff/applications")).await.unwrap();
    axe(web, axe_js, "application queue").await;
    web.find(By::LinkText("Carmen")).await.unwrap().click().await.unwrap();
    assert!(text(web).await.contains("Carmen Ortega Gil"));
    axe(web, axe_js, "application review").await;
    click(web, "button[value=approve]").await;
    assert!(text(web).await.contains("Approved"));
    log_out(web).await;

    // Carmen offers a lesson and teaches on Tuesday evenings in Madrid.
    log_in(app, web, "profe@example.org").await;
    web.goto(app.url("/teach/manage")).await.unwrap();
    axe(web, axe_js, "teacher's page").await;
    fill(web, "price", "18.50").await;
    submit(web, "form[action='/teach/offerings']").await;
    assert!(text(web).await.contains("18.50 EUR"));
    choose(web, "new_day_0", "2").await;
    set_value(web, "new_start_0", "18:00").await;
    set_value(web, "new_end_0", "21:00").await;
    submit(web, "form[action='/teach/availability']").await;
    assert!(text(web).await.contains("Your changes have been saved."));
    log_out(web).await;

    // Tomo, in Tokyo, looks for Wednesday 02:00–05:00 his time.
    log_in(app, web, "tomo@example.org").await;
    web.goto(app.url("/teachers")).await.unwrap();
    axe(web, axe_js, "find a teacher").await;
    choose(web, "language", "es").await;
    click_box(web, "day-3").await;
    set_value(web, "from", "02:00").await;
    set_value(web, "to", "05:00").await;
    submit(web, "form.search-form").await;
    let results = text(web).await;
    assert!(results.contains("Carmen") && results.contains("18.50 EUR"), "{results}");
    axe(web, axe_js, "search results").await;
    // Cards are a list for screen readers, without bullets beside them.
    let bullet = web
        .execute(
            "return getComputedStyle(document.querySelector('.teacher-list > li')).listStyleType;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(bullet.json().as_str(), Some("none"));
    web.find(By::LinkText("Carmen")).await.unwrap().click().await.unwrap();
    let homepage = text(web).await;
    axe(web, axe_js, "teacher homepage").await;
    assert!(homepage.contains("Asia/Tokyo"), "{homepage}");
    // 18:00 in Madrid on a Tuesday is 02:00 on Wednesday in Tokyo.
    assert!(
        homepage.contains("Wednesday") && homepage.contains("02:00"),
        "{homepage}"
    );
    assert!(!homepage.contains("18:00"), "{homepage}");
}

async fn click_box(web: &WebDriver, id: &str) {
    click_on(web, &format!("#{id}")).await;
}

/// Clicks the first element `css` finds (a checkbox, a radio button) when
/// the click does not leave the page.
async fn click_on(web: &WebDriver, css: &str) {
    let el = web.find(By::Css(css)).await.unwrap_or_else(|_| panic!("{css}"));
    web.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![el.to_json().unwrap()],
    )
    .await
    .unwrap();
    el.click().await.unwrap();
}

async fn text(web: &WebDriver) -> String {
    web.find(By::Css("body")).await.unwrap().text().await.unwrap()
}

async fn signup_to_logout_in_a_real_browser(app: TestApp) {
    let axe_js = std::fs::read_to_string(required_env("KOINE_AXE_JS")).expect("axe-core source");
    let mut driver = start_browser().await;
    let web = driver.web.take().unwrap();
    // On failure the panic unwinds past `quit`; dropping `driver` still stops chromedriver.
    journey(&app, &web, &axe_js).await;
    web.quit().await.expect("quit browser");
}

async fn journey(app: &TestApp, web: &WebDriver, axe_js: &str) {
    // The checker itself must be able to fail: an image without a text alternative.
    web.goto("data:text/html,<html lang=en><title>t</title><img src=x.png>")
        .await
        .unwrap();
    let caught = tokio::spawn({
        let (web, axe_js) = (web.clone(), axe_js.to_owned());
        async move { axe(&web, &axe_js, "a broken page").await }
    })
    .await;
    assert!(caught.is_err(), "axe-core reports a missing alt text");

    // A fresh visit: only strictly necessary cookies, and the banner asks.
    web.goto(app.url("/")).await.unwrap();
    let names = |cookies: Vec<Cookie>| {
        let mut n: Vec<String> = cookies.into_iter().map(|c| c.name).collect();
        n.sort();
        n
    };
    assert_eq!(names(web.get_all_cookies().await.unwrap()), ["koine_anon"]);
    let banner = web.find(By::Css(".consent-banner")).await.expect("the cookie banner");
    let looks: Vec<String> = {
        let mut v = Vec::new();
        for e in banner.find_all(By::Css("button, a.button")).await.unwrap() {
            v.push(e.css_value("background-color").await.unwrap());
        }
        v
    };
    assert_eq!(looks.len(), 3, "accept all, reject all, choose");
    assert!(looks.iter().all(|l| *l == looks[0]), "equally prominent: {looks:?}");
    axe(web, axe_js, "home with the cookie banner").await;
    click(web, ".consent-banner button[value=reject]").await;
    assert!(
        web.find(By::Css(".consent-banner")).await.is_err(),
        "answered: no banner"
    );
    assert_eq!(
        names(web.get_all_cookies().await.unwrap()),
        ["koine_anon", "koine_consent"]
    );
    assert_eq!(app.count("visitor_consent_events").await, 7);
    web.goto(app.url("/cookies")).await.unwrap();
    axe(web, axe_js, "cookie choices").await;
    web.goto(app.url("/signup")).await.unwrap();
    axe(web, axe_js, "sign-up").await;
    fill(web, "display_name", "Beatriz").await;
    fill(web, "email", "bea@example.org").await;
    fill(web, "password", STRONG_PASSWORD).await;
    let birth = web.find(By::Id("birth_date")).await.unwrap();
    // Date inputs take typed text in the browser's locale format; set the value directly.
    web.execute("arguments[0].value = '1993-09-14';", vec![birth.to_json().unwrap()])
        .await
        .unwrap();
    submit(web, "main form").await;
    assert!(text(web).await.contains("Check your messages"));
    axe(web, axe_js, "sign-up done").await;

    let link = link_in(&app.last_mail_to("bea@example.org").await, "/verify/email");
    web.goto(&link).await.unwrap();
    axe(web, axe_js, "verify email").await;
    submit(web, "main form").await;
    assert!(text(web).await.contains("Confirmed"));

    web.goto(app.url("/login")).await.unwrap();
    axe(web, axe_js, "login").await;
    fill(web, "identifier", "bea@example.org").await;
    fill(web, "password", STRONG_PASSWORD).await;
    submit(web, "main form").await;
    assert!(text(web).await.contains("Welcome back, Beatriz!"));
    axe(web, axe_js, "home (signed in)").await;

    web.goto(app.url("/settings/profile")).await.unwrap();
    axe(web, axe_js, "edit profile").await;
    fill(web, "location", "Valparaíso").await;
    choose(web, "location_visibility", "members").await;
    submit(web, "form[action='/settings/profile']").await;
    assert!(text(web).await.contains("Your changes have been saved."));
    web.goto(app.url("/settings")).await.unwrap();
    axe(web, axe_js, "settings").await;
    web.goto(app.url("/settings/data")).await.unwrap();
    axe(web, axe_js, "your data").await;
    web.goto(app.url("/settings/privacy")).await.unwrap();
    axe(web, axe_js, "privacy choices").await;
    web.goto(app.url("/settings/delete")).await.unwrap();
    assert!(text(web).await.contains("cannot be undone"));
    axe(web, axe_js, "account deletion").await;
    let id = app.account_id("bea@example.org").await;
    let profile = app.url(&format!("/members/{id}"));
    web.goto(&profile).await.unwrap();
    assert!(text(web).await.contains("Valparaíso"), "the owner sees it");
    axe(web, axe_js, "profile").await;

    submit(web, "form[action='/logout']").await;
    web.goto(&profile).await.unwrap();
    assert!(
        !text(web).await.contains("Valparaíso"),
        "hidden from anonymous visitors"
    );

    app.member("other@example.org", "Other").await;
    web.goto(app.url("/login")).await.unwrap();
    fill(web, "identifier", "other@example.org").await;
    fill(web, "password", STRONG_PASSWORD).await;
    submit(web, "main form").await;
    web.goto(&profile).await.unwrap();
    assert!(text(web).await.contains("Valparaíso"), "shown to members");

    choose(web, "footer-locale", "ja").await;
    submit(web, ".language-form").await;
    let lang = web.find(By::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("ja"));
    assert!(text(web).await.contains("ログアウト"));
    axe(web, axe_js, "profile (Japanese)").await;
    web.goto(app.url("/privacy")).await.unwrap();
    axe(web, axe_js, "privacy notice").await;
    submit(web, "form[action='/logout']").await;
    assert!(text(web).await.contains("ログイン"));

    // Staff pages.
    app.staff("dpo@koine.test", StaffRole::PrivacyOfficer).await;
    web.goto(app.url("/login")).await.unwrap();
    fill(web, "identifier", "dpo@koine.test").await;
    fill(web, "password", STRONG_PASSWORD).await;
    submit(web, "main form").await;
    web.goto(app.url("/staff/members?q=bea")).await.unwrap();
    axe(web, axe_js, "staff members").await;
    web.goto(app.url(&format!("/staff/members/{id}"))).await.unwrap();
    axe(web, axe_js, "staff member access form").await;
    submit(web, "main form").await;
    assert!(text(web).await.contains("bea@example.org"));
    axe(web, axe_js, "staff member record").await;
    web.goto(app.url("/staff/audit")).await.unwrap();
    axe(web, axe_js, "audit log").await;
    web.goto(app.url("/staff/records")).await.unwrap();
    assert!(text(web).await.contains("user.contact.email"));
    axe(web, axe_js, "records of processing").await;
    web.goto(app.url("/no-such-page")).await.unwrap();
    axe(web, axe_js, "not found").await;

    // Deleting an account, as its owner would: the explanation, the box to
    // tick, and nothing of the account afterwards.
    web.goto(app.url("/")).await.unwrap();
    submit(web, "form[action='/logout']").await;
    choose(web, "footer-locale", "en").await;
    submit(web, ".language-form").await;
    web.goto(app.url("/login")).await.unwrap();
    fill(web, "identifier", "bea@example.org").await;
    fill(web, "password", STRONG_PASSWORD).await;
    submit(web, "main form").await;
    web.goto(app.url("/settings/delete")).await.unwrap();
    let explanation = text(web).await;
    assert!(
        explanation.contains("cannot be undone") && explanation.contains("3 years"),
        "{explanation}"
    );
    let confirm = web.find(By::Id("confirm")).await.unwrap();
    web.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![confirm.to_json().unwrap()],
    )
    .await
    .unwrap();
    confirm.click().await.unwrap();
    submit(web, "form[action='/settings/delete']").await;
    assert!(text(web).await.contains("Your account has been deleted"));
    axe(web, axe_js, "account deleted").await;
    assert!(
        !names(web.get_all_cookies().await.unwrap()).contains(&"koine_session".to_owned()),
        "signed out"
    );
    assert_eq!(app.rows_about("accounts", "id", id).await, 0);
    web.goto(&profile).await.unwrap();
    assert!(!text(web).await.contains("Beatriz"), "the profile is gone");
}

async fn a_trial_is_booked_paid_taught_reviewed_and_paid_out(app: TestApp) {
    let axe_js = std::fs::read_to_string(required_env("KOINE_AXE_JS")).expect("axe-core source");
    let mut driver = start_browser().await;
    let web = driver.web.take().unwrap();
    lesson_journey(&app, &web, &axe_js).await;
    web.quit().await.expect("quit browser");
}

async fn lesson_journey(app: &TestApp, web: &WebDriver, axe_js: &str) {
    // A teacher (approved, Spanish at 20.00, a 15.00 trial), a learner and
    // finance staff, made through the pages without a browser.
    let (teacher_b, teacher) = app.teacher_member("profe@example.org").await;
    let r = teacher_b.post_form("/teach/trial", &[("trial_price", "15.00")]).await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    app.member("ana@example.org", "Ana").await;
    app.staff("money@koine.test", StaffRole::Finance).await;

    // Ana finds the teacher and books a trial, paying by test card.
    web.goto(app.url("/")).await.unwrap();
    click(web, ".consent-banner button[value=reject]").await;
    log_in(app, web, "ana@example.org").await;
    web.goto(app.url("/teachers")).await.unwrap();
    web.find(By::LinkText("Profe")).await.unwrap().click().await.unwrap();
    assert!(text(web).await.contains("15.00"), "the trial price is shown");
    click(web, "a.button.small[href*='/book']").await;
    choose(web, "kind", "trial").await;
    submit(web, "form[method=get]").await;
    axe(web, axe_js, "checkout").await;
    let checkout = text(web).await;
    assert!(checkout.contains("Test payments"), "{checkout}");
    click_on(web, "#starts_at input[type=radio]").await;
    fill(web, "note", "I would like to practise conversation.").await;
    fill(web, "card_number", "4242 4242 4242 4242").await;
    fill(web, "card_expiry", "12/40").await;
    fill(web, "card_cvc", "123").await;
    submit(web, "form[action='/lessons']").await;
    let page = text(web).await;
    assert!(page.contains("Trial") && page.contains("15.00 EUR"), "{page}");
    axe(web, axe_js, "lesson requested").await;
    let lesson = web
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .parse::<uuid::Uuid>()
        .expect("the lesson's page");
    log_out(web).await;

    // The teacher accepts it.
    log_in(app, web, "profe@example.org").await;
    web.goto(app.url("/lessons")).await.unwrap();
    axe(web, axe_js, "my lessons").await;
    web.find(By::Css(format!("a[href='/lessons/{lesson}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(web, "form[action$='/actions/confirm']").await;
    assert_eq!(app.lesson_status(lesson).await, "confirmed");
    log_out(web).await;

    // The clock passes the lesson; Ana confirms it and reviews.
    let ends = app
        .scalar_i64("SELECT ends_at FROM lessons WHERE id = $1", lesson)
        .await;
    app.advance_to(jiff::Timestamp::from_microsecond(ends).unwrap() + jiff::SignedDuration::from_mins(5));
    app.timers().await;
    log_in(app, web, "ana@example.org").await;
    web.goto(app.url(&format!("/lessons/{lesson}"))).await.unwrap();
    axe(web, axe_js, "lesson to confirm").await;
    submit(web, "form[action$='/actions/confirm_completion']").await;
    choose(web, "rating", "5").await;
    fill(web, "body", "Warm, clear and well prepared.").await;
    submit(web, "form#review").await;
    let page = text(web).await;
    assert!(page.contains("Warm, clear and well prepared."), "{page}");
    log_out(web).await;

    // The teacher sets where to be paid and asks for the 12.75 earned.
    log_in(app, web, "profe@example.org").await;
    web.goto(app.url("/earnings")).await.unwrap();
    assert!(text(web).await.contains("12.75"), "{}", text(web).await);
    axe(web, axe_js, "earnings").await;
    click(web, "a.button[href='/earnings/payout-account']").await;
    axe(web, axe_js, "payout account").await;
    fill(web, "holder", "Ada María López").await;
    fill(web, "iban", "ES91 2100 0418 4502 0005 1332").await;
    submit(web, "form[action='/earnings/payout-account']").await;
    assert!(text(web).await.contains("Your changes have been saved."));
    web.goto(app.url("/earnings")).await.unwrap();
    fill(web, "amount", "12.75").await;
    submit(web, "form[action='/earnings/payouts']").await;
    assert!(
        text(web).await.contains("12.75 EUR is on its way to you"),
        "{}",
        text(web).await
    );
    log_out(web).await;

    // Finance approves it and marks it paid.
    log_in(app, web, "money@koine.test").await;
    web.goto(app.url("/staff/finance")).await.unwrap();
    axe(web, axe_js, "finance").await;
    click(web, "#payouts a[href^='/staff/payouts/']").await;
    axe(web, axe_js, "payout").await;
    assert!(text(web).await.contains("ES91 2100 0418 4502 0005 1332"));
    submit(web, "form[action$='/approve']").await;
    fill(web, "reference", "SEPA-0001").await;
    submit(web, "form[action$='/paid']").await;
    assert!(text(web).await.contains("SEPA-0001"), "{}", text(web).await);
    log_out(web).await;
    assert_eq!(app.earned(teacher).await, 0);
    app.assert_books_sound().await;
}

/// The texts of the conversation's messages as the page shows them now.
async fn shown_messages(web: &WebDriver) -> Vec<String> {
    let mut out = Vec::new();
    for li in web.find_all(By::Css("#messages li .body")).await.unwrap() {
        out.push(li.text().await.unwrap());
    }
    out
}

/// Waits (up to 10 s, without reloading) until the page shows `text`.
async fn until_shown(web: &WebDriver, text: &str) {
    for _ in 0..100 {
        if shown_messages(web).await.iter().any(|m| m == text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{text:?} never arrived: {:?}", shown_messages(web).await);
}

/// Types `text` into the conversation's box and presses Send.
async fn type_and_send(web: &WebDriver, text: &str) {
    fill(web, "body", text).await;
    let send = web.find(By::Css("#compose button[type=submit]")).await.unwrap();
    send.click().await.unwrap();
}

async fn two_members_talk_live_and_without_javascript(app: TestApp) {
    let axe_js = std::fs::read_to_string(required_env("KOINE_AXE_JS")).expect("axe-core source");
    let (_, teacher) = app.teacher_member("profe@example.org").await;
    let lb = app.member("ana@example.org", "Ana").await;
    let r = lb
        .post_form("/messages/start", &[("member", &teacher.to_string())])
        .await;
    let path = r.headers()["location"].to_str().unwrap().to_owned();

    // With the script: each side sees the other's message arrive, no reload.
    let (mut a, mut b) = (start_browser().await, start_browser().await);
    let (ana, profe) = (a.web.take().unwrap(), b.web.take().unwrap());
    for (web, email) in [(&ana, "ana@example.org"), (&profe, "profe@example.org")] {
        web.goto(app.url("/")).await.unwrap();
        click(web, ".consent-banner button[value=reject]").await;
        log_in(&app, web, email).await;
        web.goto(app.url(&path)).await.unwrap();
    }
    axe(&ana, &axe_js, "a conversation").await;
    // The stream is open on both sides before anyone writes.
    for email in ["ana@example.org", "profe@example.org"] {
        let id = app.account_id(email).await;
        for _ in 0..100 {
            if app.svc.bus.online(id).await {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(app.svc.bus.online(id).await, "{email}'s page opened the stream");
    }
    let profe_page = profe.current_url().await.unwrap();
    type_and_send(&ana, "¡Hola! ¿Empezamos el martes?").await;
    until_shown(&profe, "¡Hola! ¿Empezamos el martes?").await;
    until_shown(&ana, "¡Hola! ¿Empezamos el martes?").await;
    assert_eq!(profe.current_url().await.unwrap(), profe_page, "no reload");
    type_and_send(&profe, "¡Claro! Hasta el martes.").await;
    until_shown(&ana, "¡Claro! Hasta el martes.").await;
    assert_eq!(
        shown_messages(&ana).await,
        ["¡Hola! ¿Empezamos el martes?", "¡Claro! Hasta el martes."],
        "each message once, in order"
    );
    ana.goto(app.url("/messages")).await.unwrap();
    axe(&ana, &axe_js, "the inbox").await;
    ana.goto(app.url("/messages/settings")).await.unwrap();
    axe(&ana, &axe_js, "message settings").await;
    ana.quit().await.unwrap();
    profe.quit().await.unwrap();

    // Without JavaScript: a form post, then the page.
    let (mut a, mut b) = (start_browser_with(false).await, start_browser_with(false).await);
    let (ana, profe) = (a.web.take().unwrap(), b.web.take().unwrap());
    for (web, email) in [(&ana, "ana@example.org"), (&profe, "profe@example.org")] {
        web.goto(app.url("/")).await.unwrap();
        click(web, ".consent-banner button[value=reject]").await;
        log_in(&app, web, email).await;
        web.goto(app.url(&path)).await.unwrap();
    }
    fill(&ana, "body", "Sin JavaScript también funciona.").await;
    click(&ana, "#compose button[type=submit]").await;
    assert!(
        shown_messages(&ana)
            .await
            .contains(&"Sin JavaScript también funciona.".to_owned())
    );
    profe.refresh().await.unwrap();
    assert_eq!(
        shown_messages(&profe).await,
        [
            "¡Hola! ¿Empezamos el martes?",
            "¡Claro! Hasta el martes.",
            "Sin JavaScript también funciona."
        ]
    );
    ana.quit().await.unwrap();
    profe.quit().await.unwrap();
}
