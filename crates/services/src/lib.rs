//! Koine's application services. Handlers at the web edge parse input into
//! domain values and call these; they talk to the store and the outside world.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod attachments;
pub mod avatars;
mod bans;
pub mod booking;
pub mod breaches;
pub mod bus;
pub mod classroom;
pub mod clock;
pub mod consent;
pub mod corrections;
pub mod crypto;
pub mod disclosures;
pub mod erasure;
mod error;
pub mod export;
pub mod faults;
pub mod files;
mod group_commit;
pub mod guardians;
pub mod i18n;
pub mod idempotency;
pub mod jobs;
pub mod key_rotation;
pub mod key_store;
pub mod ledger;
pub mod lifecycle;
pub mod mail;
pub mod messaging;
pub mod notifications;
pub mod passwords;
pub mod payments;
pub mod policy;
pub mod profiles;
pub mod records;
pub mod reports;
pub mod requests;
pub mod restriction;
pub mod retention;
pub mod security_log;
mod session_cache;
pub mod staff;
pub mod teaching;
pub mod throttle;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use error::{Error, Result};

use koine_domain::age::MinimumAge;

/// Operator settings the services need (the binary reads them from TOML/env).
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Base URL used in links inside emails, e.g. `http://127.0.0.1:8080`.
    pub public_url: String,
    pub min_learner_age: MinimumAge,
    /// Sensitive actions need the password again after this long.
    pub reauth_after: Duration,
    /// A session ends after this long without use.
    pub session_idle: Duration,
    /// …and after this long in any case (ASVS 7.3.2).
    pub session_max: Duration,
    pub smtp: Option<mail::SmtpSettings>,
    pub mail_from: String,
    /// Sign-up attempts allowed per client IP per hour (raise it behind a
    /// shared NAT such as a school's).
    pub signups_per_ip_per_hour: u32,
    /// Failed sign-ins allowed per client address per 15 minutes.
    pub login_failures_per_ip: u32,
    /// Who runs this site and who processes data for them (for the notice).
    pub controller: policy::Controller,
    /// The platform currency prices are in (ISO 4217).
    pub currency: String,
    pub booking: booking::BookingSettings,
    pub classroom: classroom::ClassroomSettings,
    /// Retention periods set in place of the data map's defaults (the
    /// notice, the sweeps and the pages all read them from here).
    pub retention: koine_store::datamap::RetentionSettings,
    /// One of several nodes on one PostgreSQL database: what a node would
    /// otherwise keep to itself (throttle counts) is kept in the database.
    pub cluster: bool,
    /// The S3-compatible store files go to; none: a directory under
    /// `data_dir` (`files`).
    pub s3: Option<files::S3Settings>,
}

impl Settings {
    pub fn new(data_dir: PathBuf, public_url: String) -> Self {
        Self {
            data_dir,
            public_url,
            min_learner_age: MinimumAge::DEFAULT,
            reauth_after: Duration::from_secs(15 * 60),
            session_idle: Duration::from_secs(30 * 24 * 3600),
            session_max: Duration::from_secs(90 * 24 * 3600),
            smtp: None,
            mail_from: "Koine <no-reply@koine.localhost>".into(),
            signups_per_ip_per_hour: 20,
            login_failures_per_ip: 30,
            controller: policy::Controller::default(),
            currency: "EUR".into(),
            booking: booking::BookingSettings::default(),
            classroom: classroom::ClassroomSettings::default(),
            retention: koine_store::datamap::RetentionSettings::default(),
            cluster: false,
            s3: None,
        }
    }
}

/// Everything a request handler or job needs, cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub db: koine_store::Db,
    /// The database people's keys live in when it is not `db`
    /// (`key_store`).
    pub key_db: Option<koine_store::Db>,
    /// Where files lie (`files`).
    pub files: files::Files,
    pub keys: Arc<crypto::Keyring>,
    pub clock: clock::Clock,
    pub settings: Arc<Settings>,
    pub throttle: Arc<throttle::Throttles>,
    pub mailer: Arc<mail::Delivery>,
    /// Accounts whose browser privacy signals are already honoured, with the
    /// signals (GPC, DNT); see `consent::honour_signals`.
    pub(crate) signals_seen: Arc<consent::SignalsSeen>,
    /// Wakes this node's job worker when a job is asked for here.
    pub job_asked: Arc<tokio::sync::Notify>,
    /// This process's name among the nodes working on jobs (random).
    pub node: String,
    /// How long a job this node claims is its own without a renewal
    /// (`jobs::LEASE`; tests shorten it).
    pub job_lease: std::time::Duration,
    /// Teacher search, in memory (`teaching::search`).
    pub search: Arc<std::sync::RwLock<koine_domain::search::Index>>,
    /// Each teacher's hours behind their card (`teaching::search`).
    pub(crate) search_hours:
        Arc<std::sync::RwLock<std::collections::HashMap<uuid::Uuid, Arc<teaching::search::Hours>>>>,
    /// The card processor (the built-in test one when enabled).
    pub cards: Option<Arc<dyn payments::CardProcessor>>,
    /// Failures tests inject at named points (never set in production).
    pub faults: Arc<faults::Faults>,
    /// Something was erased or swept since the database was last compacted.
    pub(crate) storage_dirty: Arc<std::sync::atomic::AtomicBool>,
    /// Live events to members' open connections.
    pub bus: Arc<dyn bus::Bus>,
    /// Messages sent together are committed together.
    pub(crate) message_writes: Arc<group_commit::GroupCommit>,
    /// Sessions' last use, written behind their requests, together (one
    /// lane: up to 64 in a transaction, on one connection).
    pub(crate) session_touches: Arc<group_commit::GroupCommit>,
    /// Sessions read a moment ago (`session_cache`).
    pub(crate) sessions: Arc<session_cache::SessionCache>,
    /// Serving, or draining before the node stops.
    pub lifecycle: Arc<lifecycle::Lifecycle>,
}

impl Services {
    pub fn new(db: koine_store::Db, keys: crypto::Keyring, clock: clock::Clock, settings: Settings) -> Result<Self> {
        let mailer = mail::Delivery::new(&settings)?;
        let backend = db.backend();
        let cards: Option<Arc<dyn payments::CardProcessor>> = settings.booking.test_card_payments.then(|| {
            Arc::new(payments::test_cards::TestCards::new(
                keys.derive(payments::test_cards::WEBHOOK_KEY_PURPOSE),
            )) as _
        });
        files::use_ring_for_tls();
        let files = match &settings.s3 {
            Some(s3) => files::Files::s3(s3)?,
            None => files::Files::local(&settings.data_dir.join("files"))?,
        };
        let keys = Arc::new(keys);
        let throttle = if settings.cluster {
            throttle::Throttles::in_database(&db, &keys)
        } else {
            throttle::Throttles::in_memory()
        };
        Ok(Self {
            db,
            key_db: None,
            files,
            keys,
            clock,
            settings: Arc::new(settings),
            throttle: Arc::new(throttle),
            mailer: Arc::new(mailer),
            signals_seen: Arc::default(),
            job_asked: Arc::default(),
            // The process id first, so an operator (or the fault harness)
            // can tell which process holds a job.
            node: format!("{}-{}", std::process::id(), uuid::Uuid::now_v7()),
            job_lease: jobs::LEASE,
            search: Arc::default(),
            search_hours: Arc::default(),
            cards,
            faults: Arc::default(),
            storage_dirty: Arc::default(),
            bus: Arc::new(bus::LocalBus::default()),
            message_writes: Arc::new(group_commit::GroupCommit::for_backend(backend)),
            session_touches: Arc::new(group_commit::GroupCommit::one_lane()),
            sessions: Arc::default(),
            lifecycle: Arc::default(),
        })
    }
}
