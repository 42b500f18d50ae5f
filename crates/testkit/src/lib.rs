//! Test support: a real Koine server on a loopback port over a fresh
//! database, a browser-like HTTP client, and readers for outgoing messages.
//!
//! PostgreSQL tests need `KOINE_TEST_DATABASE_URL` (an account allowed to
//! create databases); `scripts/test` provides it. Without it they fail
//! loudly rather than skip.
#![forbid(unsafe_code)]

mod browser;
mod fixtures;
mod html;
pub mod lessons;
mod logs;

pub use browser::{Browser, csrf_of};
pub use fixtures::{Everywhere, Marker, tiny_mp4, tiny_pdf, tiny_png};
pub use html::{Field, field, fields, offers_value};
pub use logs::{Logs, with_captured_logs, with_captured_logs_and};

use koine::config::Config;
use koine_services::Services;
use koine_services::clock::Clock;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a raw statement in a test on whichever backend `db` is: the body,
/// written once, is compiled for each driver's pool (as `on_conn!` does for
/// the store's own SQL).
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            koine_store::Db::Sqlite($pool) => $body,
            koine_store::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs each named `async fn(TestApp)` on PostgreSQL in cluster mode, as
/// `name::postgres`: cluster mode needs PostgreSQL (it refuses SQLite, one
/// node's own database), so there is no SQLite twin.
#[macro_export]
macro_rules! cluster_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::TestApp::spawn_with($crate::Backend::Postgres, |c| {
                    c.cluster = true;
                    c.nats_url = Some($crate::test_nats_url());
                    c.s3 = Some($crate::test_s3());
                })
                .await;
                super::$name(app).await
            }
        }
    )*};
}

/// Runs each named `async fn(TestApp)` once per backend, as `name::sqlite`
/// and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    // With the configuration changed by `tweak`, a `fn(&mut Config)` beside the tests.
    (config = $tweak:ident; $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestApp::spawn_with($crate::Backend::Sqlite, super::$tweak).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::TestApp::spawn_with($crate::Backend::Postgres, super::$tweak).await).await
            }
        }
    )*};
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestApp::spawn($crate::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::TestApp::spawn($crate::Backend::Postgres).await).await
            }
        }
    )*};
}

pub struct TestApp {
    pub backend: Backend,
    pub addr: SocketAddr,
    pub base: String,
    pub svc: Services,
    pub clock: Clock,
    pub config: Config,
    dir: TempDir,
    server: tokio::task::JoinHandle<()>,
    /// The built-in TURN relay, when the configuration runs one (it stops
    /// with the app).
    pub turn: Option<koine::turn_relay::RunningTurn>,
}

pub const PG_ENV: &str = "KOINE_TEST_DATABASE_URL";
pub const NATS_ENV: &str = "KOINE_TEST_NATS_URL";

/// The NATS servers cluster tests share (each test's members are its own,
/// so their subjects never meet).
pub fn test_nats_url() -> String {
    std::env::var(NATS_ENV).unwrap_or_else(|_| {
        panic!("{NATS_ENV} is not set: cluster tests need NATS servers (run ./scripts/test, which starts them)")
    })
}

/// An HTTP client for a test that starts no `TestApp` (a test of real
/// processes): reqwest takes TLS from the process's rustls provider, which
/// an app's start otherwise installs.
pub fn client() -> reqwest::Client {
    koine_services::files::use_ring_for_tls();
    reqwest::Client::new()
}

/// The S3 store cluster tests share: one bucket (`scripts/test` starts a
/// Garage cluster and makes it); each test's people are its own, so their
/// prefixes never meet.
pub fn test_s3() -> koine_services::files::S3Settings {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: cluster tests need an S3 store (run ./scripts/test, which starts one)")
        })
    };
    koine_services::files::S3Settings {
        bucket: var("KOINE_TEST_S3_BUCKET"),
        endpoint: Some(var("KOINE_TEST_S3_ENDPOINT")),
        region: var("KOINE_TEST_S3_REGION"),
        access_key_id: var("KOINE_TEST_S3_ACCESS_KEY_ID"),
        secret_access_key: var("KOINE_TEST_S3_SECRET_ACCESS_KEY"),
    }
}

/// What `files` lists under `prefix` once a deletion has had its moment
/// to show (see `until_listed_empty`).
pub async fn listed_once_deleted(files: &koine_services::files::Files, prefix: &str) -> Vec<String> {
    until_listed_empty(|| async { files.list(prefix).await.expect("the file store lists") }).await
}

/// Asks `list` again, for up to five seconds, until it answers nothing:
/// an S3 store's listing can trail a deletion it has confirmed (Garage's
/// showed a deleted file for a moment, about once in twenty runs, while a
/// second listing right after did not). Returns the last answer.
async fn until_listed_empty<F, Fut>(mut list: F) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Vec<String>>,
{
    let mut listed = list().await;
    for _ in 0..50 {
        if listed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        listed = list().await;
    }
    listed
}

/// Where a test's clock starts: now, or `KOINE_TEST_CLOCK_START` (an RFC
/// 3339 time, say `2026-12-08T06:30:00Z`) to run the suite as on another
/// day and hour. The fixture teacher's hours make the first free slot
/// depend on it, so a suite that passes at one hour of the week can fail at
/// another; this finds such a test without waiting for that hour.
fn clock_start() -> jiff::Timestamp {
    match std::env::var("KOINE_TEST_CLOCK_START") {
        Ok(at) => at
            .parse()
            .unwrap_or_else(|e| panic!("KOINE_TEST_CLOCK_START={at:?} is not a time: {e}")),
        Err(_) => jiff::Timestamp::now(),
    }
}

/// Creates a uniquely named database and returns its URL.
pub async fn fresh_postgres_database() -> String {
    let admin = std::env::var(PG_ENV).unwrap_or_else(|_| {
        panic!("{PG_ENV} is not set: PostgreSQL tests need a server (run ./scripts/test, which provides one)")
    });
    let name = format!("koine_t_{}", uuid::Uuid::now_v7().simple());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot reach {PG_ENV}: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create test database");
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').expect("database URL ends in /dbname");
    format!("{base}/{name}")
}

/// Serves `svc` on `listener` until the task is aborted.
fn serve(listener: tokio::net::TcpListener, svc: Services, config: &Config) -> tokio::task::JoinHandle<()> {
    let app = koine::app(svc, config);
    tokio::spawn(async move {
        axum::serve(
            koine::listener_without_delay(listener),
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    })
}

/// A second node of a test's cluster; stops when dropped.
pub struct Node {
    pub base: String,
    pub svc: Services,
    server: tokio::task::JoinHandle<()>,
}

impl Node {
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Spawns with configuration adjusted by `tweak` (e.g. SMTP settings).
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        // Warnings and errors the server logs go to the test's own output
        // (shown when it fails; threads the test spawns inherit capture).
        static LOGS: std::sync::Once = std::sync::Once::new();
        LOGS.call_once(|| {
            let _ = tracing_subscriber::fmt()
                .with_test_writer()
                .with_max_level(tracing::Level::WARN)
                .try_init();
        });
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config {
            data_dir: dir.path().join("data"),
            listen: "127.0.0.1:0".into(),
            master_key: Some("42".repeat(32)),
            ..Config::default()
        };
        if backend == Backend::Postgres {
            config.database_url = Some(fresh_postgres_database().await);
        }
        config.db_max_connections = Some(8);
        // Lessons are paid with the built-in test cards, and a single
        // lesson's earnings are enough to ask for a payout.
        config.test_card_payments = true;
        config.payout_minimum_minor = 1000;
        tweak(&mut config);
        // Loopback unless the test asks for another address (a call across
        // a network namespace needs one the namespace can reach).
        let listener = tokio::net::TcpListener::bind(&config.listen).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        config.public_url = Some(format!("http://{addr}"));
        let clock = Clock::manual(clock_start());
        let svc = koine::services(&config, clock.clone()).await.expect("services start");
        let turn = koine::start_turn(&config, &svc).await.expect("TURN relay starts");
        let server = serve(listener, svc.clone(), &config);
        Self {
            backend,
            addr,
            base: format!("http://{addr}"),
            svc,
            clock,
            config,
            dir,
            server,
            turn,
        }
    }

    /// An API call with a bearer token.
    pub async fn api(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::Response {
        reqwest::Client::new()
            .request(method, self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// An API call with a bearer token and a JSON body.
    pub async fn api_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// `POST` with a bearer token and a JSON body.
    pub async fn post_json(&self, path: &str, token: &str, body: serde_json::Value) -> reqwest::Response {
        self.api_json(reqwest::Method::POST, path, token, body).await
    }

    /// `GET` with a bearer token, the answer's JSON (after checking it is a
    /// success).
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        let r = self.api(reqwest::Method::GET, path, token).await;
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.unwrap()
    }

    /// The birth date, as a form takes it, of someone `years` old today
    /// (on the server's clock).
    pub fn born_years_ago(&self, years: i16) -> String {
        self.svc
            .clock
            .today_utc()
            .checked_sub(jiff::Span::new().years(years))
            .unwrap()
            .to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Another node on the same database and configuration, on a port of
    /// its own (what a load balancer would have beside this one).
    pub async fn another_node(&self) -> Node {
        self.another_node_with(|_| {}).await.expect("the second node starts")
    }

    /// Another node on the same database, its configuration adjusted by
    /// `tweak` (e.g. other master keys); the error if it does not start.
    pub async fn another_node_with(&self, tweak: impl FnOnce(&mut Config)) -> Result<Node, koine::StartError> {
        let mut config = self.config.clone();
        tweak(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let svc = koine::services(&config, self.clock.clone()).await?;
        let server = serve(listener, svc.clone(), &config);
        Ok(Node { base, svc, server })
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    pub fn temp_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Runs the delivery job once, as the background worker would.
    pub async fn deliver(&self) -> usize {
        koine_services::mail::deliver_due(&self.svc).await.expect("delivery")
    }

    /// Delivers pending mail and returns every `.eml` sent to `to`, oldest first.
    pub async fn mails_to(&self, to: &str) -> Vec<String> {
        self.deliver().await;
        read_dir_sorted(&self.data_dir().join("outbox/mail"))
            .into_iter()
            .filter(|m| m.lines().any(|l| l.starts_with("To: ") && l.contains(to)))
            .map(|m| decode_eml(&m))
            .collect()
    }

    /// The newest mail to `to`; panics if none.
    pub async fn last_mail_to(&self, to: &str) -> String {
        self.mails_to(to)
            .await
            .pop()
            .unwrap_or_else(|| panic!("no mail to {to}"))
    }

    /// Delivers pending texts and returns those sent to `to`, oldest first.
    pub async fn texts_to(&self, to: &str) -> Vec<String> {
        self.deliver().await;
        read_dir_sorted(&self.data_dir().join("outbox/sms"))
            .into_iter()
            .filter(|m| m.starts_with(&format!("To: {to}\n")))
            .collect()
    }

    /// The paths of files of `kind` (`avatar`, `video`, `export`) in the
    /// file store, whoever's.
    pub async fn stored(&self, kind: &str) -> Vec<String> {
        let all = self.svc.files.list("p/").await.expect("the file store lists");
        all.into_iter().filter(|p| p.split('/').nth(2) == Some(kind)).collect()
    }

    /// `stored(kind)` once a deletion has had its moment to show (see
    /// `until_listed_empty`).
    pub async fn stored_once_deleted(&self, kind: &str) -> Vec<String> {
        until_listed_empty(|| self.stored(kind)).await
    }

    /// Counts rows of a table (for "nothing was written" checks).
    pub async fn count(&self, table: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        on_db!(&self.svc.db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await.unwrap())
    }

    /// Signs up with an email, follows the verification link, logs in.
    pub async fn member(&self, email: &str, name: &str) -> Browser {
        let b = self.browser();
        b.signup(name, email, "", STRONG_PASSWORD, "1990-04-01").await;
        let link = link_in(&self.last_mail_to(email).await, "/verify/email");
        b.verify_email_link(&link).await;
        b.login(email, STRONG_PASSWORD).await;
        b
    }

    pub async fn staff(&self, email: &str, role: koine_domain::staff::StaffRole) -> Browser {
        use koine_domain::{contact::Email, password::NewPassword, profile::DisplayName};
        self.svc
            .create_staff(
                &Email::parse(email).unwrap(),
                role,
                NewPassword::parse(STRONG_PASSWORD, &[]).unwrap(),
                &DisplayName::parse("Staffer").unwrap(),
            )
            .await
            .expect("create staff");
        let b = self.browser();
        b.login(email, STRONG_PASSWORD).await;
        b
    }

    /// In TLS mode: cookies are `__Host-` prefixed and Secure, and HSTS is
    /// sent. Cookies are carried by hand: a client rightly keeps Secure
    /// cookies off this plain-HTTP loopback connection.
    pub async fn member_tls_check(&self) {
        let b = self.browser();
        b.signup("Tls", "tls@example.org", "", STRONG_PASSWORD, "1990-01-01")
            .await;
        let id = self.account_id("tls@example.org").await;
        koine_services::accounts::mark_demo_verified(&self.svc, id, "tls@example.org")
            .await
            .unwrap();
        let plain = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = plain.get(self.url("/login")).send().await.unwrap();
        let set_cookies = |r: &reqwest::Response| -> Vec<String> {
            r.headers()
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect()
        };
        let anon = set_cookies(&page)
            .into_iter()
            .find(|c| c.starts_with("__Host-koine_anon="))
            .expect("pre-session cookie");
        assert!(anon.contains("Secure"), "{anon}");
        let hsts = page
            .headers()
            .get("strict-transport-security")
            .expect("HSTS over TLS")
            .to_str()
            .unwrap()
            .to_owned();
        assert!(hsts.contains("max-age="), "{hsts}");
        let anon_pair = anon.split(';').next().unwrap().to_owned();
        let csrf = csrf_of(&page.text().await.unwrap());
        let r = plain
            .post(self.url("/login"))
            .header("cookie", &anon_pair)
            .form(&[
                ("csrf", csrf.as_str()),
                ("identifier", "tls@example.org"),
                ("password", STRONG_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        let session = set_cookies(&r)
            .into_iter()
            .find(|c| c.starts_with("__Host-koine_session="))
            .expect("__Host- session cookie");
        assert!(
            session.contains("Secure") && session.contains("HttpOnly") && session.contains("Path=/"),
            "{session}"
        );
        assert!(!session.contains("Domain="), "{session}");
    }

    pub async fn account_id(&self, email: &str) -> uuid::Uuid {
        let e = koine_domain::contact::Email::parse(email).unwrap();
        self.svc.account_id_by_email(&e).await.unwrap().expect("account exists")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub const STRONG_PASSWORD: &str = "orchid-tandem-velvet-42";

fn read_dir_sorted(dir: &PathBuf) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    // File names are UUIDv7s: sorting by name sorts by creation time.
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable message"))
        .collect()
}

/// Headers as written, body decoded from base64 when the mailer chose it
/// (it does for non-ASCII text such as Japanese).
pub fn decode_eml(raw: &str) -> String {
    use base64::Engine as _;
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .unwrap_or((raw, ""));
    let head_lower = head.to_ascii_lowercase();
    if let Some(boundary) = boundary_of(head) {
        // Each part decoded on its own (a text and an `.ics`, say).
        let parts: Vec<String> = body
            .split(&format!("--{boundary}"))
            .map(|p| p.trim_start_matches(['\r', '\n']))
            .filter(|p| !p.is_empty() && !p.starts_with("--"))
            .map(decode_eml)
            .collect();
        return format!("{head}\n\n{}", parts.join("\n"));
    }
    if head_lower.contains("content-transfer-encoding: quoted-printable") {
        return format!("{head}\n\n{}", decode_quoted_printable(body));
    }
    if !head_lower.contains("content-transfer-encoding: base64") {
        return raw.to_owned();
    }
    let compact: String = body.split_whitespace().collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .expect("base64 body");
    format!("{head}\n\n{}", String::from_utf8(decoded).expect("utf-8 body"))
}

/// A multipart message's boundary, from its headers.
fn boundary_of(head: &str) -> Option<String> {
    let unfolded = head.replace("\r\n ", " ").replace("\n ", " ").replace("\r\n\t", " ");
    let lower = unfolded.to_ascii_lowercase();
    if !lower.contains("content-type: multipart/") {
        return None;
    }
    let at = lower.find("boundary=")? + "boundary=".len();
    let rest = &unfolded[at..];
    let value = match rest.strip_prefix('"') {
        Some(q) => q.split('"').next()?,
        None => rest.split([';', '\r', '\n', ' ']).next()?,
    };
    Some(value.to_owned())
}

/// Undoes quoted-printable: soft line breaks and `=XX` escapes.
fn decode_quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first URL in `text` (a decoded message, see [`decode_eml`])
/// containing `path`. Decoding twice would be wrong: a token may itself
/// read `3D…` after its `=`.
pub fn link_in(text: &str, path: &str) -> String {
    text.split_whitespace()
        .find(|w| w.starts_with("http") && w.contains(path))
        .unwrap_or_else(|| panic!("no link to {path} in:\n{text}"))
        .to_owned()
}

/// The first run of `n` digits in `text` (a texted code).
pub fn code_in(text: &str, n: usize) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == n)
        .unwrap_or_else(|| panic!("no {n}-digit code in {text}"))
        .to_owned()
}
