//! The database handle: the same SQL runs on either backend.
//!
//! Repositories take a [`Conn`] and write each statement once inside
//! [`on_conn!`](crate::on_conn), which expands it for both drivers. `sqlx::Any`
//! is avoided on purpose: it has no uuid or bytea support.

use crate::{Error, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");
static SQLITE_KEY_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/keys/sqlite");
static POSTGRES_KEY_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/keys/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A borrowed connection (pooled or inside a transaction) of either backend.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// An open transaction; dropped without `commit` it rolls back. On SQLite
/// it holds the database's write gate until then.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>, Turn),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A pooled PostgreSQL connection idle this long is pinged before use.
const PING_IDLE_AFTER: Duration = Duration::from_secs(1);

/// How a pool is opened.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_connections: u32,
    /// How long a request waits for a connection (and, on SQLite, for its
    /// turn to write) before it is refused as overload.
    pub acquire_timeout: Duration,
    /// SQLite only: whether a commit waits until the write-ahead log is on
    /// disk (`FULL`, the default: a power cut loses no acknowledged
    /// payment) or only until the operating system has it (`NORMAL`: a
    /// power cut, though not a crash of Koine, can lose the last commits).
    pub sqlite_synchronous: Durability,
    /// PostgreSQL only: a session left inside a transaction this long with
    /// nothing to do is ended by the server, rolling the transaction back.
    /// A node stalled mid-transaction (paused, frozen, cut off) thus lets go
    /// of the rows it locked instead of holding them until it wakes: other
    /// nodes' bookings of those rows, and the jobs it held once their lease
    /// lapses (a job's work keeps its row locked while it writes).
    pub idle_in_transaction: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Full,
    Normal,
}

impl Durability {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(Self::Full),
            "normal" => Some(Self::Normal),
            _ => None,
        }
    }
}

/// SQLite admits one writer at a time, and a writer that finds the lock
/// taken polls for it with growing sleeps (up to 100 ms), so under load the
/// lock mostly sits free between writers. The writers of one process queue
/// here instead, in arrival order, and the lock passes straight to the next
/// one. One gate per database file: every pool on that file shares it.
#[derive(Default)]
struct Gate {
    lock: Arc<Mutex<()>>,
    commits: AtomicU64,
    /// How long a writer waits for its turn: the pool's acquire timeout.
    wait: std::sync::OnceLock<Duration>,
}

fn write_gate(pool: &SqlitePool) -> Arc<Gate> {
    static GATES: LazyLock<std::sync::Mutex<HashMap<PathBuf, Arc<Gate>>>> = LazyLock::new(Default::default);
    let file = pool.connect_options().get_filename().to_path_buf();
    GATES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(file)
        .or_default()
        .clone()
}

/// A writer's turn at the gate, held until its transaction ends.
pub struct Turn {
    gate: Arc<Gate>,
    pool: SqlitePool,
    _held: OwnedMutexGuard<()>,
}

/// SQLite's own checkpoint runs inside a committing writer's turn (copying
/// the WAL into the file and syncing both), stalling every writer queued
/// behind it; it is off, and every this-many commits the committer runs a
/// passive checkpoint after leaving the gate, while the next writer goes on.
const CHECKPOINT_EVERY: u64 = 64;

impl Turn {
    /// Ends the turn after a commit, checkpointing when it is due. The
    /// commit stands either way: a failed checkpoint is only logged, and
    /// the next one copies what this one did not.
    async fn end(self) {
        let Turn { gate, pool, _held } = self;
        drop(_held);
        if gate.commits.fetch_add(1, Ordering::Relaxed) % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1
            && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await
        {
            tracing::warn!("checkpoint of the write-ahead log failed: {e}");
        }
    }
}

/// A pooled connection for reads outside a transaction.
pub enum Pooled {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

/// Runs `$body` with `$c` bound to the backend's `&mut Connection`.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}

impl Db {
    /// Opens (creating if needed) a SQLite database file in WAL mode.
    pub async fn open_sqlite(path: &Path, pool: PoolOptions) -> Result<Self> {
        let synchronous = match pool.sqlite_synchronous {
            Durability::Full => SqliteSynchronous::Full,
            Durability::Normal => SqliteSynchronous::Normal,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Deleted personal data is overwritten, not left in free pages.
            .pragma("secure_delete", "ON")
            // Checkpoints are run by writers after their turn (`Turn::end`).
            .pragma("wal_autocheckpoint", "0");
        let sqlite = SqlitePoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            .connect_with(options)
            .await?;
        // The first pool opened on a file sets its writers' patience.
        let _ = write_gate(&sqlite).wait.set(pool.acquire_timeout);
        Ok(Self::Sqlite(sqlite))
    }

    pub async fn open_postgres(url: &str, pool: PoolOptions) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?.options([(
            "idle_in_transaction_session_timeout",
            format!("{}ms", pool.idle_in_transaction.as_millis().max(1)),
        )]);
        let pool = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            // A connection in steady use is known to be alive; pinging it
            // on every acquire costs the server a round trip per request.
            // One idle for a while (the server may have restarted since)
            // is pinged, and replaced if it does not answer.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_IDLE_AFTER {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Self::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Self::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Brings a key database (people's keys alone) up to date.
    pub async fn migrate_keys(&self) -> Result<()> {
        match self {
            Self::Sqlite(p) => SQLITE_KEY_MIGRATIONS.run(p).await?,
            Self::Postgres(p) => POSTGRES_KEY_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`) so concurrent writers queue on the busy timeout
    /// instead of failing when a read lock cannot be upgraded.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Self::Sqlite(p) => {
                let gate = write_gate(p);
                let wait = gate.wait.get().copied().unwrap_or(Duration::from_secs(10));
                let held = tokio::time::timeout(wait, gate.lock.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                let turn = Turn {
                    gate,
                    pool: p.clone(),
                    _held: held,
                };
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await.map_err(Error::connecting)?, turn)
            }
            Self::Postgres(p) => Tx::Postgres(p.begin().await.map_err(Error::connecting)?),
        })
    }

    /// Runs `work`, a write transaction, where its turn at the write gate
    /// is not slowed by other work. On SQLite the turns are taken one after
    /// another, and each statement of a turn wakes its task again; on the
    /// request threads that wake-up queues behind every request in flight,
    /// holding up all the writers waiting their turn, so the work runs on a
    /// thread of its own. PostgreSQL writers run side by side: in place.
    pub async fn writing<T: Send + 'static>(&self, work: impl Future<Output = T> + Send + 'static) -> T {
        static WRITER: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("koine-writer")
                .enable_all()
                .build()
                .expect("the writer thread's runtime")
        });
        match self {
            Self::Sqlite(_) => match WRITER.spawn(work).await {
                Ok(out) => out,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            },
            Self::Postgres(_) => work.await,
        }
    }

    pub async fn acquire(&self) -> Result<Pooled> {
        Ok(match self {
            Self::Sqlite(p) => Pooled::Sqlite(p.acquire().await.map_err(Error::connecting)?),
            Self::Postgres(p) => Pooled::Postgres(p.acquire().await.map_err(Error::connecting)?),
        })
    }

    /// Whether PostgreSQL runs without autovacuum (or without the counts
    /// it goes by), so nothing keeps the planner's statistics current: a
    /// statement planned while a table was small keeps reading it whole
    /// as it grows (see BENCHMARKS.md). Never on SQLite.
    pub async fn autovacuum_off(&self) -> Result<bool> {
        match self {
            Self::Sqlite(_) => Ok(false),
            Self::Postgres(p) => Ok(sqlx::query_scalar(
                "SELECT current_setting('autovacuum') = 'off' OR current_setting('track_counts') = 'off'",
            )
            .fetch_one(p)
            .await?),
        }
    }

    /// Cheap liveness probe for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        let mut c = self.acquire().await?;
        c.conn().still_working().await
    }

    /// Whether the database answers a connection of its own, outside the
    /// pool (which may be full of requests, or of connections a broken
    /// network left hanging): on PostgreSQL a new connection and `SELECT 1`,
    /// on SQLite (a file of this process) a pooled one. The caller bounds
    /// the time.
    pub async fn ping_alone(&self) -> Result<()> {
        match self {
            Self::Sqlite(_) => self.ping().await,
            Self::Postgres(p) => {
                use sqlx::Connection;
                let mut c = sqlx::PgConnection::connect_with(&p.connect_options())
                    .await
                    .map_err(Error::connecting)?;
                sqlx::query("SELECT 1").execute(&mut c).await?;
                c.close().await?;
                Ok(())
            }
        }
    }

    /// After an erasure or a sweep on SQLite: copies the write-ahead log into
    /// the database file and truncates it, so pages holding the erased
    /// values do not linger in the WAL (secure_delete already zeroes them in
    /// the file). Nothing to do on PostgreSQL, whose WAL is the server's.
    /// Best effort: a reader mid-transaction makes it a partial checkpoint,
    /// and the next one finishes the job.
    pub async fn purge_wal(&self) -> Result<bool> {
        match self {
            Self::Sqlite(p) => {
                let (busy, _, _): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(p).await?;
                Ok(busy == 0)
            }
            Self::Postgres(_) => Ok(true),
        }
    }

    /// Rewrites the whole SQLite file (`VACUUM`) and empties the WAL, so no
    /// copy of deleted rows is left anywhere in it: secure_delete zeroes a
    /// row when it is deleted, but an earlier copy of it that a page rebuild
    /// left in the page's unused space survives until the page is written
    /// anew. Nothing to do on PostgreSQL, whose storage is the server's.
    /// It takes the write lock for as long as the rewrite lasts.
    pub async fn compact(&self) -> Result<()> {
        if let Self::Sqlite(p) = self {
            sqlx::query("VACUUM").execute(p).await?;
            self.purge_wal().await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(p) => p.close().await,
            Self::Postgres(p) => p.close().await,
        }
    }
}

impl Conn<'_> {
    /// Borrows again for one more statement on the same connection.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(c) => Conn::Sqlite(c),
            Self::Postgres(c) => Conn::Postgres(c),
        }
    }

    /// A statement that does nothing: a liveness probe, or, for a
    /// transaction that waits on something else between its statements
    /// (the file store), a sign that it is not idle
    /// (`PoolOptions::idle_in_transaction`) for the whole wait, only for
    /// each step of it.
    pub async fn still_working(&mut self) -> Result<()> {
        on_conn!(self.reborrow(), c => sqlx::query("SELECT 1").execute(&mut *c).await.map(drop))?;
        Ok(())
    }
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(t, _) => Conn::Sqlite(&mut *t),
            Self::Postgres(t) => Conn::Postgres(&mut *t),
        }
    }

    /// Marks where one of several writes sharing the transaction begins
    /// (group commit): `undo_to_savepoint` takes back that write alone.
    pub async fn savepoint(&mut self) -> Result<()> {
        self.execute("SAVEPOINT batched").await
    }

    pub async fn undo_to_savepoint(&mut self) -> Result<()> {
        self.execute("ROLLBACK TO SAVEPOINT batched").await
    }

    pub async fn release_savepoint(&mut self) -> Result<()> {
        self.execute("RELEASE SAVEPOINT batched").await
    }

    async fn execute(&mut self, sql: &'static str) -> Result<()> {
        on_conn!(self.conn(), c => sqlx::query(sql).execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Self::Sqlite(t, turn) => {
                t.commit().await?;
                turn.end().await;
            }
            Self::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Pooled {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(c) => Conn::Sqlite(&mut *c),
            Self::Postgres(c) => Conn::Postgres(&mut *c),
        }
    }
}
