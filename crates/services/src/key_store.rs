//! Where people's keys live: beside the data they protect by default, or in
//! a database of their own (`key_database_url`). A backup of the data taken
//! before an erasure still holds the erased person's sealed fields; they
//! open only with the person's key. With the keys apart, an operator keeps
//! the key database's backups for less time than the data's, and an
//! erasure has reached every backup once the key backups from before it
//! have expired.

use crate::{Result, Services};
use koine_store::repo::accounts;
use koine_store::repo::keys::{self, WrappedKeys};
use koine_store::{Conn, Db};
use uuid::Uuid;

/// Keys moved or checked per transaction.
const PAGE: i64 = 500;

/// A key in the key database younger than this may belong to a sign-up
/// still under way (the key is stored before the account's transaction
/// commits), so the sweep for keys without an account leaves it.
const ORPHAN_AFTER_US: i64 = 3_600_000_000;

impl Services {
    /// Keeps people's keys in `key_db` from now on: brings it up to date
    /// and moves there every key still beside the data; how many moved.
    pub async fn use_key_database(&mut self, key_db: Db) -> Result<u64> {
        key_db.migrate_keys().await?;
        let mut moved = 0;
        loop {
            let page = {
                let mut c = self.db.acquire().await?;
                keys::page(c.conn(), WrappedKeys::Subjects, Uuid::nil(), PAGE).await?
            };
            if page.is_empty() {
                break;
            }
            // Stored in the key database before they leave this one: a
            // move cut short leaves a key in both, never in neither.
            let now = self.clock.now_us();
            let mut tx = key_db.begin().await?;
            for (account, wrapped) in &page {
                keys::insert_moved(tx.conn(), *account, wrapped, now).await?;
            }
            tx.commit().await?;
            let ids: Vec<Uuid> = page.iter().map(|(id, _)| *id).collect();
            let mut tx = self.db.begin().await?;
            moved += keys::delete(tx.conn(), &ids).await?;
            tx.commit().await?;
        }
        if moved > 0 {
            tracing::info!(moved, "people's keys moved to the key database");
        }
        self.key_db = Some(key_db);
        Ok(moved)
    }

    /// Stores a new person's key: in the data's transaction `conn`, or in
    /// the key database at once (before that transaction commits, so the
    /// account never exists without its key; a sign-up that then fails
    /// leaves a key without an account, which the retention sweep removes).
    pub(crate) async fn store_subject_key(
        &self,
        conn: Conn<'_>,
        account: Uuid,
        wrapped: &[u8],
        now: i64,
    ) -> Result<()> {
        match &self.key_db {
            Some(key_db) => {
                let mut tx = key_db.begin().await?;
                keys::insert(tx.conn(), account, wrapped, now).await?;
                tx.commit().await?;
            }
            None => keys::insert(conn, account, wrapped, now).await?,
        }
        Ok(())
    }

    /// A person's wrapped key: from the key database if there is one, else
    /// (a key not moved yet, or the key of an unfinished erasure's kept
    /// files) from the data's database through `conn`.
    pub(crate) async fn wrapped_subject_key(&self, conn: Conn<'_>, account: Uuid) -> Result<Option<Vec<u8>>> {
        if let Some(key_db) = &self.key_db {
            let mut c = key_db.acquire().await?;
            if let Some(wrapped) = keys::get_subject(c.conn(), account).await? {
                return Ok(Some(wrapped));
            }
        }
        Ok(keys::get(conn, account).await?)
    }

    /// After an erasure committed: destroys the person's key in the key
    /// database (the data map already deleted a key kept beside the data).
    /// A failure here is logged; the retention sweep destroys the key later.
    pub(crate) async fn destroy_subject_key(&self, account: Uuid) {
        let Some(key_db) = &self.key_db else { return };
        let destroyed = async {
            let mut tx = key_db.begin().await?;
            keys::delete(tx.conn(), &[account]).await?;
            tx.commit().await
        };
        if let Err(e) = destroyed.await {
            tracing::error!("an erased person's key could not be destroyed yet (the retention sweep will): {e}");
        }
    }

    /// Destroys the keys in the key database whose account is gone (an
    /// erasure whose key could not be destroyed at once, a sign-up that
    /// failed, an unconfirmed account the sweep removed); how many. A dry
    /// run only counts them.
    pub(crate) async fn sweep_orphan_keys(&self, dry_run: bool) -> Result<u64> {
        let Some(key_db) = &self.key_db else {
            return Ok(0);
        };
        let before = self.clock.now_us() - ORPHAN_AFTER_US;
        let (mut after, mut destroyed) = (Uuid::nil(), 0);
        loop {
            let page = {
                let mut c = key_db.acquire().await?;
                keys::older_page(c.conn(), before, after, PAGE).await?
            };
            let Some((last, _, _)) = page.last() else { break };
            after = *last;
            let ids: Vec<Uuid> = page.iter().map(|(id, _, _)| *id).collect();
            let existing = {
                let mut c = self.db.acquire().await?;
                accounts::existing(c.conn(), &ids).await?
            };
            let gone: Vec<Uuid> = ids.into_iter().filter(|id| !existing.contains(id)).collect();
            if dry_run {
                destroyed += gone.len() as u64;
            } else if !gone.is_empty() {
                let mut tx = key_db.begin().await?;
                destroyed += keys::delete(tx.conn(), &gone).await?;
                tx.commit().await?;
            }
        }
        Ok(destroyed)
    }
}
