//! Wiring: configuration → database, keys, services, router, background jobs.
#![forbid(unsafe_code)]

pub mod config;
pub mod demo;
pub mod turn_relay;

use config::Config;
use koine_domain::age::MinimumAge;
use koine_domain::jobs::JobKind;
use koine_domain::privacy::RetentionSetting;
use koine_services::clock::Clock;
use koine_services::crypto::{CryptoError, Keyring, MasterKeys};
use koine_services::jobs::Schedule;
use koine_services::key_rotation::load_keyring;
use koine_services::mail::SmtpSettings;
use koine_services::{Services, Settings};
use koine_store::{Db, Durability, PoolOptions};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("database: {0}")]
    Store(#[from] koine_store::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Services(#[from] koine_services::Error),
}

/// Opens the database named by the configuration and brings it up to date.
pub async fn open_db(cfg: &Config) -> Result<Db, StartError> {
    let sqlite_synchronous = Durability::parse(&cfg.sqlite_synchronous).ok_or_else(|| {
        StartError::Config(format!(
            "sqlite_synchronous {:?}: use full or normal",
            cfg.sqlite_synchronous
        ))
    })?;
    if cfg.db_acquire_timeout_ms == 0 || cfg.db_idle_in_transaction_ms == 0 {
        return Err(StartError::Config(
            "db_acquire_timeout_ms and db_idle_in_transaction_ms must be at least 1".into(),
        ));
    }
    let pool = |default: u32| PoolOptions {
        max_connections: cfg.db_max_connections.unwrap_or(default),
        acquire_timeout: Duration::from_millis(cfg.db_acquire_timeout_ms),
        sqlite_synchronous,
        idle_in_transaction: Duration::from_millis(cfg.db_idle_in_transaction_ms),
    };
    let db = match cfg.database_url.as_deref() {
        Some(url) if url.starts_with("postgres") => Db::open_postgres(url, pool(16)).await?,
        Some(other) => {
            return Err(StartError::Config(format!(
                "unsupported database_url {other:?}: use postgres://…"
            )));
        }
        None => {
            std::fs::create_dir_all(&cfg.data_dir)?;
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            Db::open_sqlite(&cfg.data_dir.join("koine.db"), pool(4 * cores.clamp(1, 8) as u32)).await?
        }
    };
    db.migrate().await?;
    Ok(db)
}

/// The key database named by `key_database_url`, if any (opened; the
/// services migrate it).
async fn open_key_db(cfg: &Config) -> Result<Option<Db>, StartError> {
    let Some(url) = cfg.key_database_url.as_deref() else {
        return Ok(None);
    };
    if cfg.database_url.as_deref() == Some(url) {
        return Err(StartError::Config(
            "key_database_url names the data's own database: give the keys a database of their own".into(),
        ));
    }
    let pool = PoolOptions {
        max_connections: 8,
        acquire_timeout: Duration::from_millis(cfg.db_acquire_timeout_ms),
        sqlite_synchronous: Durability::Full,
        idle_in_transaction: Duration::from_millis(cfg.db_idle_in_transaction_ms),
    };
    if url.starts_with("postgres") {
        return Ok(Some(Db::open_postgres(url, pool).await?));
    }
    match url.strip_prefix("sqlite:") {
        // A file on one machine cannot be every node's.
        Some(_) if cfg.cluster => Err(StartError::Config(
            "cluster = true needs a PostgreSQL key_database_url: a SQLite file is one node's own".into(),
        )),
        Some(path) => {
            let path = Path::new(path);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            Ok(Some(Db::open_sqlite(path, pool).await?))
        }
        None => Err(StartError::Config(format!(
            "unsupported key_database_url {url:?}: use postgres://… or sqlite:PATH"
        ))),
    }
}

/// The master keys from configuration, or on SQLite from `<data>/master.key`
/// (created with mode 0600 on first run). PostgreSQL deployments must
/// configure them: a key generated on one app server would strand the others.
pub fn master_keys(cfg: &Config) -> Result<MasterKeys, StartError> {
    if let Some(k) = &cfg.master_key {
        return parse_master_keys(k).map_err(|e| StartError::Config(format!("master_key: {e}")));
    }
    if cfg.database_url.is_some() {
        return Err(StartError::Config(
            "a master key is required with PostgreSQL: set KOINE_MASTER_KEY (or master_key in the config file) \
             to 32 random bytes, e.g. the output of `openssl rand -hex 32`"
                .into(),
        ));
    }
    let path = cfg.data_dir.join("master.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path)?;
        return parse_master_keys(&text).map_err(|e| StartError::Config(format!("{}: {e}", path.display())));
    }
    std::fs::create_dir_all(&cfg.data_dir)?;
    let key = koine_services::crypto::random_bytes::<32>();
    write_secret(&path, Keyring::encode_master(&key).as_bytes())?;
    tracing::info!("generated a new master key at {}", path.display());
    MasterKeys::new(vec![key]).map_err(|e| StartError::Config(e.to_string()))
}

/// Master keys separated by commas, newest first.
fn parse_master_keys(text: &str) -> Result<MasterKeys, CryptoError> {
    let keys = text
        .split(',')
        .map(Keyring::parse_master)
        .collect::<Result<Vec<_>, _>>()?;
    MasterKeys::new(keys)
}

fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

pub fn settings(cfg: &Config) -> Result<Settings, StartError> {
    let public_url = cfg.public_url.clone().unwrap_or_else(|| {
        let scheme = if cfg.tls { "https" } else { "http" };
        format!("{scheme}://{}", cfg.listen)
    });
    if cfg.cluster && cfg.database_url.is_none() {
        return Err(StartError::Config(
            "cluster = true needs PostgreSQL (database_url): embedded SQLite is one node's own database".into(),
        ));
    }
    if cfg.cluster && cfg.nats_url.is_none() {
        return Err(StartError::Config(
            "cluster = true needs nats_url: the NATS servers that carry live events between nodes".into(),
        ));
    }
    if cfg.cluster && cfg.s3.is_none() {
        return Err(StartError::Config(
            "cluster = true needs an S3-compatible store for files ([s3]): a directory under data_dir is one \
             node's own"
                .into(),
        ));
    }
    let mut s = Settings::new(cfg.data_dir.clone(), public_url);
    s.cluster = cfg.cluster;
    s.s3 = cfg.s3.clone();
    s.min_learner_age = MinimumAge::new(cfg.min_learner_age).map_err(StartError::Config)?;
    s.reauth_after = Duration::from_secs(cfg.reauth_minutes * 60);
    s.session_idle = Duration::from_secs(cfg.session_idle_days * 86_400);
    s.session_max = Duration::from_secs(cfg.session_max_days * 86_400);
    s.mail_from = cfg.mail_from.clone();
    s.signups_per_ip_per_hour = cfg.signups_per_ip_per_hour;
    s.login_failures_per_ip = cfg.login_failures_per_ip;
    s.controller = cfg.privacy.clone();
    if let Some(days) = cfg.conversation_retention_days {
        // At least a month (members need time to answer), at most a century.
        if !(30..=36_500).contains(&days) {
            return Err(StartError::Config(format!(
                "conversation_retention_days {days}: use 30 to 36500"
            )));
        }
        s.retention.set(RetentionSetting::Conversations, days);
    }
    s.classroom = classroom_settings(cfg)?;
    if cfg.currency.len() != 3 || !cfg.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(StartError::Config(format!(
            "currency {:?}: use an ISO 4217 code such as EUR",
            cfg.currency
        )));
    }
    if cfg.mail_poll_ms == 0
        || cfg.retention_sweep_minutes == 0
        || cfg.search_rebuild_minutes == 0
        || cfg.export_check_seconds == 0
        || cfg.lesson_timers_seconds == 0
        || cfg.compaction_minutes == 0
    {
        return Err(StartError::Config(
            "mail_poll_ms, retention_sweep_minutes, search_rebuild_minutes, export_check_seconds, \
             lesson_timers_seconds and compaction_minutes must be at least 1"
                .into(),
        ));
    }
    if !(0.0..=50.0).contains(&cfg.commission_percent) {
        return Err(StartError::Config("commission_percent must be between 0 and 50".into()));
    }
    if cfg.late_cancellation_refund_percent > 100 || cfg.payout_minimum_minor < 1 {
        return Err(StartError::Config(
            "late_cancellation_refund_percent must be 0–100 and payout_minimum_minor at least 1".into(),
        ));
    }
    if !(1..=72).contains(&cfg.attended_completion_hours) {
        return Err(StartError::Config("attended_completion_hours: use 1 to 72".into()));
    }
    s.booking = koine_services::booking::BookingSettings {
        attended_confirm_within: i64::from(cfg.attended_completion_hours) * 3_600_000_000,
        commission_bp: (cfg.commission_percent * 100.0).round() as u16,
        cancellation: koine_domain::booking::CancellationPolicy {
            late_learner_refund_percent: cfg.late_cancellation_refund_percent,
        },
        payout_minimum: cfg.payout_minimum_minor,
        test_card_payments: cfg.test_card_payments,
    };
    s.currency = cfg.currency.clone();
    s.smtp = cfg.smtp.as_ref().map(|m| SmtpSettings {
        host: m.host.clone(),
        port: m.port,
        username: m.username.clone(),
        password: m.password.clone(),
        security: m.security.clone(),
    });
    Ok(s)
}

/// Builds the services for a configuration (database open and migrated).
pub async fn services(cfg: &Config, clock: Clock) -> Result<Services, StartError> {
    // The data dir holds outgoing mail (and files, without an S3 store)
    // on either backend.
    std::fs::create_dir_all(cfg.data_dir.join("outbox"))?;
    let db = open_db(cfg).await?;
    let masters = master_keys(cfg)?;
    let rotating = masters.len() > 1;
    let keys = load_keyring(&db, masters, clock.now_us())
        .await
        .map_err(|e| StartError::Config(format!("master_key: {e}")))?;
    if rotating {
        tracing::warn!(
            "several master keys are configured: once every node lists the new key first, \
             run `koine admin rewrap-keys`, then configure only the new key"
        );
    }
    let mut svc = Services::new(db, keys, clock, settings(cfg)?)?;
    if let Some(key_db) = open_key_db(cfg).await? {
        svc.use_key_database(key_db).await?;
    }
    if let Some(urls) = &cfg.nats_url {
        let bus = koine_services::bus::NatsBus::connect(urls)
            .await
            .map_err(|e| StartError::Config(format!("nats_url {urls}: {e}")))?;
        svc.bus = std::sync::Arc::new(bus);
        svc.follow_other_nodes();
    }
    svc.adopt_old_uploads().await?;
    // A changed map or controller configuration is a new policy version.
    svc.publish_policy().await?;
    svc.rebuild_search_index().await?;
    Ok(svc)
}

/// A listener whose connections send small writes at once. Without
/// TCP_NODELAY, Nagle's algorithm holds a stream frame written right after
/// another until the peer acknowledges the first, which a delayed ACK puts
/// off by up to 40 ms.
pub fn listener_without_delay(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    fn no_delay(s: &mut tokio::net::TcpStream) {
        if let Err(e) = s.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY on an accepted connection: {e}");
        }
    }
    axum::serve::ListenerExt::tap_io(listener, no_delay as fn(&mut tokio::net::TcpStream))
}

pub fn app(svc: Services, cfg: &Config) -> axum::Router {
    koine_web::router(koine_web::AppState {
        svc,
        metrics: Arc::new(koine_web::Metrics::default()),
        tls: cfg.tls,
        proxy_hops: cfg.proxy_hops,
    })
}

/// How often each background job runs (from configuration).
#[derive(Debug, Clone, Copy)]
pub struct Schedules {
    pub mail: Duration,
    pub retention: Duration,
    /// Rebuilding the teacher search (availability moves on with the clock).
    pub search: Duration,
    /// Looking for exports left waiting.
    pub exports: Duration,
    /// The lesson timers.
    pub lessons: Duration,
    /// Rewriting the SQLite file after erasures.
    pub compaction: Duration,
}

impl Schedules {
    pub fn from_config(cfg: &Config) -> Self {
        Self {
            mail: Duration::from_millis(cfg.mail_poll_ms),
            retention: Duration::from_secs(cfg.retention_sweep_minutes * 60),
            search: Duration::from_secs(cfg.search_rebuild_minutes * 60),
            exports: Duration::from_secs(cfg.export_check_seconds),
            lessons: Duration::from_secs(cfg.lesson_timers_seconds),
            compaction: Duration::from_secs(cfg.compaction_minutes * 60),
        }
    }
}

/// Runs the background work until `stop` fires. Mail delivery, the
/// retention sweep, the lesson timers and the exports come from the shared
/// jobs table (one run per time bucket, whichever node claims it; exports
/// also as asked for). What is each node's own runs on timers here: this
/// node's search rebuild and, on SQLite, compaction.
pub async fn run_jobs(svc: Services, every: Schedules, stop: tokio::sync::watch::Receiver<bool>) {
    let shared = tokio::spawn({
        let (svc, stop) = (svc.clone(), stop.clone());
        let schedules = [
            Schedule {
                kind: JobKind::MailDelivery,
                every: every.mail,
            },
            Schedule {
                kind: JobKind::RetentionSweep,
                every: every.retention,
            },
            Schedule {
                kind: JobKind::LessonTimers,
                every: every.lessons,
            },
            Schedule {
                kind: JobKind::Exports,
                every: every.exports,
            },
        ];
        async move { svc.work_jobs(&schedules, stop).await }
    });
    // New policy versions appear only at start-up: tell members once.
    let policy = tokio::spawn({
        let svc = svc.clone();
        async move {
            if let Err(e) = svc.notify_policy_change().await {
                tracing::error!("telling members of a new privacy policy failed: {e}");
            }
        }
    });
    let compaction = tokio::spawn(every_until(every.compaction, stop.clone(), {
        let svc = svc.clone();
        move || {
            let svc = svc.clone();
            async move {
                if let Err(e) = svc.compact_storage().await {
                    tracing::error!("compacting the database failed: {e}");
                }
            }
        }
    }));
    let search = tokio::spawn(every_until(every.search, stop, move || {
        let svc = svc.clone();
        async move {
            if let Err(e) = svc.rebuild_search_index().await {
                tracing::error!("rebuilding the teacher search failed: {e}");
            }
        }
    }));
    let _ = tokio::join!(shared, policy, compaction, search);
}

async fn every_until<F, Fut>(period: Duration, mut stop: tokio::sync::watch::Receiver<bool>, job: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = tick.tick() => job().await,
            _ = stop.changed() => break,
        }
    }
}

/// The classroom's window and relay, checked.
fn classroom_settings(cfg: &Config) -> Result<koine_services::classroom::ClassroomSettings, StartError> {
    const DAY_MINUTES: u64 = 24 * 60;
    if cfg.room_opens_minutes_before > DAY_MINUTES || cfg.room_closes_minutes_after > DAY_MINUTES {
        return Err(StartError::Config(
            "room_opens_minutes_before and room_closes_minutes_after: use 0 to 1440".into(),
        ));
    }
    if let Some(bad) = cfg
        .turn_urls
        .iter()
        .find(|u| !(u.starts_with("turn:") || u.starts_with("turns:")))
    {
        return Err(StartError::Config(format!(
            "turn_urls: {bad:?} is not a turn: or turns: URL"
        )));
    }
    // Several while the secret is rotated, newest first.
    let secrets = match &cfg.turn_secret {
        Some(list) => {
            let secrets: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
            if secrets.iter().any(|s| s.len() < 16) {
                return Err(StartError::Config("turn_secret needs at least 16 characters".into()));
            }
            Some(secrets)
        }
        // The built-in relay shares its secret with nobody: a fresh one per start.
        None if cfg.turn_listen.is_some() => Some(vec![koine_services::crypto::new_token()]),
        None => None,
    };
    let urls = match embedded_turn_address(cfg)? {
        Some((listen, relay_ip)) if cfg.turn_urls.is_empty() => {
            let mut urls = turn_relay::urls(relay_ip, listen.port());
            if let Some((tls, _, _)) = embedded_turn_tls(cfg)? {
                let host = public_host(cfg).ok_or_else(|| {
                    StartError::Config("turn_tls_listen needs public_url: its host names the certificate".into())
                })?;
                urls.push(turn_relay::tls_url(&host, tls.port()));
            }
            urls
        }
        _ => cfg.turn_urls.clone(),
    };
    let turn = match (urls.is_empty(), secrets) {
        (true, None) => None,
        (false, Some(secrets)) => Some(koine_services::classroom::TurnRelay { urls, secrets }),
        _ => {
            return Err(StartError::Config("turn_urls and turn_secret go together".into()));
        }
    };
    Ok(koine_services::classroom::ClassroomSettings {
        times: koine_domain::classroom::RoomTimes {
            open_before: Duration::from_secs(cfg.room_opens_minutes_before * 60),
            close_after: Duration::from_secs(cfg.room_closes_minutes_after * 60),
        },
        turn,
    })
}

/// Where the built-in TURN relay listens and the address it announces, if
/// it is asked for.
fn embedded_turn_address(cfg: &Config) -> Result<Option<(std::net::SocketAddr, std::net::IpAddr)>, StartError> {
    let Some(listen) = &cfg.turn_listen else {
        return Ok(None);
    };
    let listen: std::net::SocketAddr = listen.parse().map_err(|_| {
        StartError::Config(format!(
            "turn_listen {listen:?}: use an address and port such as 0.0.0.0:3478"
        ))
    })?;
    if listen.port() == 0 {
        return Err(StartError::Config(
            "turn_listen needs a fixed port: browsers are told it".into(),
        ));
    }
    let relay_ip = match cfg.turn_relay_ip {
        Some(ip) => ip,
        None if !listen.ip().is_unspecified() => listen.ip(),
        None => {
            return Err(StartError::Config(
                "turn_relay_ip: name the public address the relay announces when turn_listen is a wildcard".into(),
            ));
        }
    };
    Ok(Some((listen, relay_ip)))
}

/// Where the built-in relay takes TURN over TLS, and the certificate and
/// key files, if the configuration asks for it.
fn embedded_turn_tls(
    cfg: &Config,
) -> Result<Option<(std::net::SocketAddr, std::path::PathBuf, std::path::PathBuf)>, StartError> {
    match (&cfg.turn_tls_listen, &cfg.turn_tls_cert, &cfg.turn_tls_key) {
        (None, None, None) => Ok(None),
        (Some(listen), Some(cert), Some(key)) => {
            if cfg.turn_listen.is_none() {
                return Err(StartError::Config(
                    "turn_tls_listen belongs to the built-in relay: set turn_listen too".into(),
                ));
            }
            let listen: std::net::SocketAddr = listen
                .parse()
                .ok()
                .filter(|l: &std::net::SocketAddr| l.port() != 0)
                .ok_or_else(|| {
                    StartError::Config(format!(
                        "turn_tls_listen {listen:?}: use an address and a fixed port such as 0.0.0.0:443"
                    ))
                })?;
            Ok(Some((listen, cert.clone(), key.clone())))
        }
        _ => Err(StartError::Config(
            "turn_tls_listen, turn_tls_cert and turn_tls_key go together".into(),
        )),
    }
}

/// The host of `public_url` (`koine.example.org`, `[::1]`), if it has one.
fn public_host(cfg: &Config) -> Option<String> {
    let rest = cfg.public_url.as_deref()?.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let host = match authority.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next()?),
        None => authority.split(':').next()?.to_owned(),
    };
    (!host.is_empty()).then_some(host)
}

/// Starts the built-in TURN relay when the configuration asks for it, with
/// the secret the services sign credentials with.
pub async fn start_turn(cfg: &Config, svc: &Services) -> Result<Option<turn_relay::RunningTurn>, StartError> {
    let Some((listen, relay_ip)) = embedded_turn_address(cfg)? else {
        return Ok(None);
    };
    let secrets = svc
        .settings
        .classroom
        .turn
        .as_ref()
        .map(|t| t.secrets.clone())
        .ok_or_else(|| StartError::Config("the built-in TURN relay has no secret".into()))?;
    let relay = turn_relay::EmbeddedTurn {
        listen,
        relay_ip,
        secrets,
        allow_private_peers: cfg.turn_allow_private_peers,
        clock: svc.clock.clone(),
        tls: match embedded_turn_tls(cfg)? {
            Some((listen, cert, key)) => Some((
                listen,
                turn_relay::tls_acceptor(&cert, &key)
                    .map_err(|e| StartError::Config(format!("turn_tls_cert/turn_tls_key: {e}")))?,
            )),
            None => None,
        },
    };
    Ok(Some(relay.start().await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_needs_postgresql() {
        let mut cfg = Config {
            cluster: true,
            ..Config::default()
        };
        let refused = settings(&cfg).unwrap_err().to_string();
        assert!(refused.contains("needs PostgreSQL"), "{refused}");
        cfg.database_url = Some("postgres://koine@db/koine".into());
        let refused = settings(&cfg).unwrap_err().to_string();
        assert!(refused.contains("needs nats_url"), "{refused}");
        cfg.nats_url = Some("nats://127.0.0.1:4222".into());
        let refused = settings(&cfg).unwrap_err().to_string();
        assert!(refused.contains("needs an S3-compatible store"), "{refused}");
        cfg.s3 = Some(koine_services::files::S3Settings {
            bucket: "koine".into(),
            endpoint: Some("https://s3.example.org".into()),
            region: "garage".into(),
            access_key_id: "GK1".into(),
            secret_access_key: "secret".into(),
        });
        let s = settings(&cfg).unwrap();
        assert!(s.cluster);
        assert_eq!(s.s3.unwrap().bucket, "koine");
    }

    #[tokio::test]
    async fn database_time_limits_of_zero_are_refused() {
        let zero: [fn(&mut Config); 2] = [|c| c.db_acquire_timeout_ms = 0, |c| c.db_idle_in_transaction_ms = 0];
        for set in zero {
            let mut cfg = Config::default();
            set(&mut cfg);
            let Err(refused) = open_db(&cfg).await else {
                panic!("a time limit of zero was taken");
            };
            assert!(refused.to_string().contains("must be at least 1"), "{refused}");
        }
    }

    #[test]
    fn turn_over_tls_needs_its_three_settings_the_relay_and_a_site_host() {
        let mut cfg = Config {
            turn_listen: Some("127.0.0.1:3478".into()),
            turn_tls_listen: Some("127.0.0.1:5349".into()),
            ..Config::default()
        };
        assert!(embedded_turn_tls(&cfg).is_err(), "a listener without its certificate");
        cfg.turn_tls_cert = Some("cert.pem".into());
        cfg.turn_tls_key = Some("key.pem".into());
        assert!(embedded_turn_tls(&cfg).unwrap().is_some());
        cfg.turn_tls_listen = Some("127.0.0.1:0".into());
        assert!(embedded_turn_tls(&cfg).is_err(), "browsers are told the port");
        cfg.turn_tls_listen = Some("127.0.0.1:5349".into());
        cfg.turn_listen = None;
        assert!(embedded_turn_tls(&cfg).is_err(), "TLS is the built-in relay's");

        for (url, host) in [
            ("https://koine.example.org", Some("koine.example.org")),
            ("http://127.0.0.1:8080/", Some("127.0.0.1")),
            ("https://[2001:db8::1]:8443/x", Some("[2001:db8::1]")),
            ("koine.example.org", None),
        ] {
            cfg.public_url = Some(url.into());
            assert_eq!(public_host(&cfg).as_deref(), host, "{url}");
        }
    }
}
