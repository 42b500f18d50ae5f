//! The database handle: the same SQL runs on either backend.
//!
//! Repositories take a [`Conn`] and write each statement once inside
//! [`on_conn!`](crate::on_conn), which expands it for both drivers. `sqlx::Any`
//! is avoided on purpose: it has no uuid or bytea support.

use crate::Result;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

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

/// An open transaction; dropped without `commit` it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
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
    pub async fn open_sqlite(path: &Path, max_connections: u32) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Deleted personal data is overwritten, not left in free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        Ok(Self::Sqlite(pool))
    }

    pub async fn open_postgres(url: &str, max_connections: u32) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
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

    /// Starts a write transaction. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`) so concurrent writers queue on the busy timeout
    /// instead of failing when a read lock cannot be upgraded.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Self::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn acquire(&self) -> Result<Pooled> {
        Ok(match self {
            Self::Sqlite(p) => Pooled::Sqlite(p.acquire().await?),
            Self::Postgres(p) => Pooled::Postgres(p.acquire().await?),
        })
    }

    /// Cheap liveness probe for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        let mut c = self.acquire().await?;
        on_conn!(c.conn(), c => sqlx::query("SELECT 1").execute(&mut *c).await.map(|_| ()))?;
        Ok(())
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
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(t) => Conn::Sqlite(&mut *t),
            Self::Postgres(t) => Conn::Postgres(&mut *t),
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Self::Sqlite(t) => t.commit().await?,
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
