//! Configuration: a TOML file, then `KOINE_*` environment variables on top.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: String,
    /// `postgres://…`; empty means embedded SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// A database of its own for people's keys (`postgres://…`, or
    /// `sqlite:PATH` for a file), so its backups can be kept for less time
    /// than the data's; none: the keys live beside the data.
    pub key_database_url: Option<String>,
    /// One of several identical nodes behind a load balancer, sharing one
    /// PostgreSQL database (SQLite is refused): throttle counts are kept
    /// in the database so every node sees the same attempts.
    pub cluster: bool,
    /// The NATS servers (`nats://host:4222`, comma-separated) that carry
    /// live events between nodes; required in cluster mode.
    pub nats_url: Option<String>,
    /// 32 bytes, base64url or hex. Generated into the data dir on SQLite if
    /// absent. While the key is rotated, several separated by commas, newest
    /// first: the first wraps new keys, every one opens what it wrapped.
    pub master_key: Option<String>,
    pub public_url: Option<String>,
    pub min_learner_age: i64,
    pub reauth_minutes: u64,
    pub session_idle_days: u64,
    /// Absolute session lifetime, however active.
    pub session_max_days: u64,
    /// Served over HTTPS (directly or behind a proxy): secure cookies and HSTS.
    pub tls: bool,
    /// Reverse proxies in front that append to `X-Forwarded-For` (0: none).
    pub proxy_hops: usize,
    /// `text` or `json`.
    pub log_format: String,
    pub mail_from: String,
    /// Milliseconds between mail delivery runs (a job in the shared table
    /// each: one run per period, whichever node claims it).
    pub mail_poll_ms: u64,
    /// Minutes between retention sweeps.
    pub retention_sweep_minutes: u64,
    /// Minutes between rebuilds of the teacher search.
    pub search_rebuild_minutes: u64,
    /// Seconds between checks for exports a restart left waiting (new
    /// requests wake the job at once).
    pub export_check_seconds: u64,
    /// The platform currency (ISO 4217) lesson prices are in.
    pub currency: String,
    /// The platform's commission on lessons, in percent (up to 50).
    pub commission_percent: f64,
    /// What share of the price a learner who cancels within 24 hours gets
    /// back (the rest pays the teacher); teachers who cancel late always
    /// refund in full.
    pub late_cancellation_refund_percent: u8,
    /// Teachers may ask to be paid from this much, in minor units.
    pub payout_minimum_minor: i64,
    /// Take card payments through the built-in test processor (no real
    /// money moves; `serve --demo` turns it on).
    pub test_card_payments: bool,
    /// Hours after its end a lesson both members attended (seen in its
    /// classroom) completes by itself, instead of 72 (1 to 72).
    pub attended_completion_hours: u32,
    /// Seconds between runs of the lesson timers (expiry, completion,
    /// reminders, package expiry).
    pub lesson_timers_seconds: u64,
    /// Minutes between compactions of the SQLite file after erasures or
    /// retention sweeps (no copy of deleted data survives in unused space).
    pub compaction_minutes: u64,
    /// Database pool size; unset, 16 on PostgreSQL and four per core on
    /// SQLite, whose writers take turns and whose readers only contend for
    /// the CPU beyond that.
    pub db_max_connections: Option<u32>,
    /// How long a request waits for a database connection (or, on SQLite,
    /// its turn to write) before it is answered 503 with `Retry-After`.
    pub db_acquire_timeout_ms: u64,
    /// PostgreSQL: how long a session may sit inside a transaction with
    /// nothing to do before the server ends it (a stalled node's locks go).
    /// Below the 30 s job lease, so a paused node's jobs can be taken over
    /// once the lease lapses.
    pub db_idle_in_transaction_ms: u64,
    /// SQLite: `full` (a commit is on disk before it is acknowledged) or
    /// `normal` (faster; a power cut can lose the last acknowledged writes).
    pub sqlite_synchronous: String,
    /// Sign-up attempts allowed per client IP per hour.
    pub signups_per_ip_per_hour: u32,
    /// Failed sign-ins allowed per client IP per 15 minutes (successful
    /// ones do not count).
    pub login_failures_per_ip: u32,
    /// Days a conversation nobody writes in is kept (the privacy notice
    /// states it); three years when not set.
    pub conversation_retention_days: Option<u32>,
    /// A lesson's classroom opens this many minutes before it starts…
    pub room_opens_minutes_before: u64,
    /// …and closes this many after it ends.
    pub room_closes_minutes_after: u64,
    /// The TURN relay browsers fall back to (`turn:` / `turns:` URLs); none:
    /// members connect only where a direct path exists.
    pub turn_urls: Vec<String>,
    /// The secret shared with that relay (coturn's `static-auth-secret`);
    /// while it is rotated, several separated by commas, newest first.
    pub turn_secret: Option<String>,
    /// Run the built-in TURN relay (UDP and TCP) on this address, e.g.
    /// `0.0.0.0:3478`; browsers are given it unless `turn_urls` names others.
    pub turn_listen: Option<String>,
    /// The address the built-in relay announces in its relay candidates
    /// (the machine's public one); the listen address when that is not a
    /// wildcard.
    pub turn_relay_ip: Option<std::net::IpAddr>,
    /// Let the built-in relay reach private and loopback addresses. Only
    /// for trying calls on one machine: on a server it opens the local
    /// network to anyone with a lesson.
    pub turn_allow_private_peers: bool,
    /// Also take TURN over TLS on this address (e.g. `0.0.0.0:443`), for
    /// networks that let only HTTPS out; browsers are told a `turns:` URL
    /// on `public_url`'s host, which the certificate must name.
    pub turn_tls_listen: Option<String>,
    /// The certificate chain (PEM) and private key (PEM) for it.
    pub turn_tls_cert: Option<std::path::PathBuf>,
    pub turn_tls_key: Option<std::path::PathBuf>,
    pub smtp: Option<SmtpConfig>,
    /// An S3-compatible store for files (pictures, videos, exports); none:
    /// a directory under `data_dir`. Required in cluster mode.
    pub s3: Option<koine_services::files::S3Settings>,
    /// The controller's identity, DPO, storage location, supervisory
    /// authority and processors, as the privacy notice states them.
    pub privacy: koine_services::policy::Controller,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `starttls` (default), `tls` or `none`.
    #[serde(default = "default_security")]
    pub security: String,
}

fn default_smtp_port() -> u16 {
    587
}

fn default_security() -> String {
    "starttls".into()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./koine-data"),
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            key_database_url: None,
            cluster: false,
            nats_url: None,
            master_key: None,
            public_url: None,
            min_learner_age: 16,
            reauth_minutes: 15,
            session_idle_days: 30,
            session_max_days: 90,
            tls: false,
            proxy_hops: 0,
            log_format: "text".into(),
            mail_from: "Koine <no-reply@koine.localhost>".into(),
            mail_poll_ms: 2000,
            retention_sweep_minutes: 60,
            search_rebuild_minutes: 60,
            export_check_seconds: 60,
            currency: "EUR".into(),
            commission_percent: 15.0,
            late_cancellation_refund_percent: 0,
            payout_minimum_minor: 2000,
            test_card_payments: false,
            attended_completion_hours: 12,
            lesson_timers_seconds: 60,
            compaction_minutes: 60,
            db_max_connections: None,
            db_acquire_timeout_ms: 10_000,
            db_idle_in_transaction_ms: 20_000,
            sqlite_synchronous: "full".into(),
            signups_per_ip_per_hour: 20,
            login_failures_per_ip: 30,
            conversation_retention_days: None,
            room_opens_minutes_before: 10,
            room_closes_minutes_after: 15,
            turn_urls: Vec::new(),
            turn_secret: None,
            turn_listen: None,
            turn_relay_ip: None,
            turn_allow_private_peers: false,
            turn_tls_listen: None,
            turn_tls_cert: None,
            turn_tls_key: None,
            smtp: None,
            s3: None,
            privacy: koine_services::policy::Controller::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("config file {0}: {1}")]
    Parse(PathBuf, toml::de::Error),
    #[error("environment variable {0}: {1}")]
    Env(&'static str, String),
}

fn env_parse<T: std::str::FromStr>(
    name: &'static str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match get(name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|e: T::Err| ConfigError::Env(name, e.to_string())),
    }
}

impl Config {
    /// Loads `file` (if given) and applies the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let base = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ConfigError::Read(p.into(), e))?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse(p.into(), e))?
            }
            None => Config::default(),
        };
        base.with_env(&|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Applies `KOINE_*` overrides read through `get` (the environment, or a map in tests).
    pub fn with_env(mut self, get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        if let Some(v) = get("KOINE_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = get("KOINE_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = get("KOINE_DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = get("KOINE_KEY_DATABASE_URL") {
            self.key_database_url = Some(v);
        }
        if let Some(v) = env_parse("KOINE_CLUSTER", get)? {
            self.cluster = v;
        }
        if let Some(v) = get("KOINE_NATS_URL") {
            self.nats_url = Some(v);
        }
        if let Some(v) = get("KOINE_MASTER_KEY") {
            self.master_key = Some(v);
        }
        if let Some(v) = get("KOINE_PUBLIC_URL") {
            self.public_url = Some(v);
        }
        if let Some(v) = env_parse("KOINE_MIN_LEARNER_AGE", get)? {
            self.min_learner_age = v;
        }
        if let Some(v) = env_parse("KOINE_REAUTH_MINUTES", get)? {
            self.reauth_minutes = v;
        }
        if let Some(v) = env_parse("KOINE_SESSION_IDLE_DAYS", get)? {
            self.session_idle_days = v;
        }
        if let Some(v) = env_parse("KOINE_SESSION_MAX_DAYS", get)? {
            self.session_max_days = v;
        }
        if let Some(v) = env_parse("KOINE_PROXY_HOPS", get)? {
            self.proxy_hops = v;
        }
        if let Some(v) = env_parse("KOINE_TLS", get)? {
            self.tls = v;
        }
        if let Some(v) = get("KOINE_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = get("KOINE_MAIL_FROM") {
            self.mail_from = v;
        }
        if let Some(v) = env_parse("KOINE_MAIL_POLL_MS", get)? {
            self.mail_poll_ms = v;
        }
        if let Some(v) = env_parse("KOINE_RETENTION_SWEEP_MINUTES", get)? {
            self.retention_sweep_minutes = v;
        }
        if let Some(v) = env_parse("KOINE_SEARCH_REBUILD_MINUTES", get)? {
            self.search_rebuild_minutes = v;
        }
        if let Some(v) = env_parse("KOINE_EXPORT_CHECK_SECONDS", get)? {
            self.export_check_seconds = v;
        }
        if let Some(v) = get("KOINE_CURRENCY") {
            self.currency = v;
        }
        if let Some(v) = env_parse("KOINE_COMMISSION_PERCENT", get)? {
            self.commission_percent = v;
        }
        if let Some(v) = env_parse("KOINE_LATE_CANCELLATION_REFUND_PERCENT", get)? {
            self.late_cancellation_refund_percent = v;
        }
        if let Some(v) = env_parse("KOINE_PAYOUT_MINIMUM_MINOR", get)? {
            self.payout_minimum_minor = v;
        }
        if let Some(v) = env_parse("KOINE_TEST_CARD_PAYMENTS", get)? {
            self.test_card_payments = v;
        }
        if let Some(v) = env_parse("KOINE_LESSON_TIMERS_SECONDS", get)? {
            self.lesson_timers_seconds = v;
        }
        if let Some(v) = env_parse("KOINE_COMPACTION_MINUTES", get)? {
            self.compaction_minutes = v;
        }
        if let Some(v) = env_parse("KOINE_SIGNUPS_PER_IP_PER_HOUR", get)? {
            self.signups_per_ip_per_hour = v;
        }
        if let Some(v) = env_parse("KOINE_LOGIN_FAILURES_PER_IP", get)? {
            self.login_failures_per_ip = v;
        }
        if let Some(v) = env_parse("KOINE_CONVERSATION_RETENTION_DAYS", get)? {
            self.conversation_retention_days = Some(v);
        }
        if let Some(v) = env_parse("KOINE_ATTENDED_COMPLETION_HOURS", get)? {
            self.attended_completion_hours = v;
        }
        if let Some(v) = env_parse("KOINE_ROOM_OPENS_MINUTES_BEFORE", get)? {
            self.room_opens_minutes_before = v;
        }
        if let Some(v) = env_parse("KOINE_ROOM_CLOSES_MINUTES_AFTER", get)? {
            self.room_closes_minutes_after = v;
        }
        if let Some(v) = get("KOINE_TURN_URLS") {
            self.turn_urls = v
                .split(',')
                .map(|u| u.trim().to_owned())
                .filter(|u| !u.is_empty())
                .collect();
        }
        if let Some(v) = get("KOINE_TURN_SECRET") {
            self.turn_secret = Some(v);
        }
        if let Some(v) = get("KOINE_TURN_LISTEN") {
            self.turn_listen = Some(v);
        }
        if let Some(v) = env_parse("KOINE_TURN_RELAY_IP", get)? {
            self.turn_relay_ip = Some(v);
        }
        if let Some(v) = env_parse("KOINE_TURN_ALLOW_PRIVATE_PEERS", get)? {
            self.turn_allow_private_peers = v;
        }
        if let Some(v) = get("KOINE_TURN_TLS_LISTEN") {
            self.turn_tls_listen = Some(v);
        }
        if let Some(v) = get("KOINE_TURN_TLS_CERT") {
            self.turn_tls_cert = Some(v.into());
        }
        if let Some(v) = get("KOINE_TURN_TLS_KEY") {
            self.turn_tls_key = Some(v.into());
        }
        if let Some(v) = env_parse("KOINE_DB_MAX_CONNECTIONS", get)? {
            self.db_max_connections = Some(v);
        }
        if let Some(v) = env_parse("KOINE_DB_ACQUIRE_TIMEOUT_MS", get)? {
            self.db_acquire_timeout_ms = v;
        }
        if let Some(v) = env_parse("KOINE_DB_IDLE_IN_TRANSACTION_MS", get)? {
            self.db_idle_in_transaction_ms = v;
        }
        if let Some(v) = get("KOINE_SQLITE_SYNCHRONOUS") {
            self.sqlite_synchronous = v;
        }
        if let Some(host) = get("KOINE_SMTP_HOST") {
            self.smtp = Some(SmtpConfig {
                host,
                port: env_parse("KOINE_SMTP_PORT", get)?.unwrap_or_else(default_smtp_port),
                username: get("KOINE_SMTP_USERNAME"),
                password: get("KOINE_SMTP_PASSWORD"),
                security: get("KOINE_SMTP_SECURITY").unwrap_or_else(default_security),
            });
        }
        if let Some(bucket) = get("KOINE_S3_BUCKET") {
            let required =
                |name: &'static str| get(name).ok_or(ConfigError::Env(name, "needed with KOINE_S3_BUCKET".into()));
            self.s3 = Some(koine_services::files::S3Settings {
                bucket,
                endpoint: get("KOINE_S3_ENDPOINT"),
                region: get("KOINE_S3_REGION").unwrap_or_else(koine_services::files::default_s3_region),
                access_key_id: required("KOINE_S3_ACCESS_KEY_ID")?,
                secret_access_key: required("KOINE_S3_SECRET_ACCESS_KEY")?,
            });
        }
        Ok(self)
    }
}

impl Config {
    /// Settings that work but are probably not what the operator meant;
    /// `serve` logs each as a warning at start.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let https = self
            .public_url
            .as_deref()
            .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"));
        if https && !self.tls {
            out.push(
                "public_url is https but tls is off: session cookies lack Secure and the __Host- prefix and no \
                 HSTS is sent; set tls = true (KOINE_TLS=true), also when a TLS proxy is in front"
                    .into(),
            );
        }
        if self.tls && self.public_url.as_deref().is_some_and(|u| u.starts_with("http://")) {
            out.push("tls is on but public_url is http: links in emails will not use HTTPS".into());
        }
        if self.turn_listen.is_some() && self.turn_allow_private_peers {
            out.push(
                "turn_allow_private_peers is on: the built-in TURN relay reaches this machine's loopback and \
                 private networks for anyone with a lesson; use it only to try calls on one machine"
                    .into(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_of_https_without_tls() {
        let mut c = Config {
            public_url: Some("https://koine.example.org".into()),
            ..Config::default()
        };
        assert!(c.warnings()[0].contains("tls is off"), "{:?}", c.warnings());
        c.tls = true;
        assert!(c.warnings().is_empty());
        c.public_url = Some("http://koine.example.org".into());
        assert!(c.warnings()[0].contains("public_url is http"));
        c.public_url = None;
        assert!(c.warnings().is_empty(), "the default URL follows tls");
    }
    use std::collections::HashMap;

    #[test]
    fn env_overrides_file_values() {
        let file: Config = toml::from_str("listen = \"0.0.0.0:9000\"\nmin_learner_age = 13\n").unwrap();
        let env: HashMap<&str, &str> = [
            ("KOINE_MIN_LEARNER_AGE", "18"),
            ("KOINE_SMTP_HOST", "mail.example.org"),
            ("KOINE_TLS", "true"),
        ]
        .into();
        let c = file.with_env(&|k| env.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.min_learner_age, 18);
        assert!(c.tls);
        assert_eq!(c.smtp.unwrap().port, 587);
    }

    #[test]
    fn an_s3_store_comes_whole_from_the_file_or_the_environment() {
        let file: Config =
            toml::from_str("[s3]\nbucket = \"koine\"\naccess_key_id = \"GK1\"\nsecret_access_key = \"s\"\n").unwrap();
        let s3 = file.s3.expect("the [s3] table");
        assert_eq!((s3.bucket.as_str(), s3.region.as_str()), ("koine", "us-east-1"));
        assert!(
            toml::from_str::<Config>("[s3]\nbucket = \"koine\"\n").is_err(),
            "keys are required"
        );
        assert!(
            toml::from_str::<Config>(
                "[s3]\nbucket = \"k\"\naccess_key_id = \"a\"\nsecret_access_key = \"s\"\nsecret = 1\n"
            )
            .is_err()
        );
        let err = Config::default()
            .with_env(&|k| (k == "KOINE_S3_BUCKET").then(|| "koine".into()))
            .unwrap_err();
        assert!(err.to_string().contains("KOINE_S3_ACCESS_KEY_ID"), "{err}");
    }

    #[test]
    fn the_readmes_cluster_configuration_is_one() {
        const README: &str = include_str!("../../../README.md");
        let sample = README
            .split("**Running several nodes.**")
            .nth(1)
            .and_then(|rest| rest.split("```toml\n").nth(1))
            .and_then(|rest| rest.split("```").next())
            .expect("the README shows a cluster configuration");
        let c: Config = toml::from_str(sample).expect("the README's sample parses");
        assert!(c.cluster && c.nats_url.is_some() && c.database_url.is_some());
        assert_eq!(c.s3.as_ref().expect("an [s3] table").region, "garage");
        assert!(crate::settings(&c).is_ok(), "a cluster node starts from it");
    }

    #[test]
    fn rejects_unknown_keys_and_bad_values() {
        assert!(toml::from_str::<Config>("listn = \"x\"").is_err());
        let err = Config::default()
            .with_env(&|k| (k == "KOINE_REAUTH_MINUTES").then(|| "soon".into()))
            .unwrap_err();
        assert!(err.to_string().contains("KOINE_REAUTH_MINUTES"));
    }
}
