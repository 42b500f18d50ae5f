//! Account deletion: erasure per the data map, crypto-shredding included
//! (the person's key row is one of the rows the map deletes).

use crate::accounts::Principal;
use crate::bans::Ban;
use crate::files;
use crate::i18n::t;
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services};
use koine_domain::privacy::{Erasure, Retention};
use koine_domain::profile::UiLocale;
use koine_domain::refusal::Refusal;
use koine_store::erasure;
use koine_store::repo::{accounts, conversations, holds, keys, objects, profiles};
use uuid::Uuid;

/// What deleting one member's account will do, from the rows that name
/// them and the map's rule for each link.
#[derive(Debug, Clone, Default)]
pub struct ErasurePreview {
    /// Tables whose rows about the member are deleted.
    pub deleted: Vec<&'static str>,
    /// Tables whose rows stay, without the member's name, and for how long.
    pub kept: Vec<(&'static str, Retention)>,
}

impl Services {
    /// After erasing: the erased values must not linger in SQLite's
    /// write-ahead log, nor in the file's unused pages (the compaction job
    /// rewrites it next time). It has been committed already, so a failure
    /// here is logged, and the next erasure or sweep checkpoints again.
    pub(crate) async fn after_erasing(&self) {
        match self.db.purge_wal().await {
            Ok(true) => {}
            Ok(false) => tracing::warn!("the write-ahead log could not be fully checkpointed: a reader was busy"),
            Err(e) => tracing::error!("the write-ahead log could not be checkpointed: {e}"),
        }
        self.storage_dirty.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// What deleting `account` will delete and keep, table by table.
    pub async fn erasure_preview(&self, account: Uuid) -> Result<ErasurePreview> {
        let links = {
            let mut c = self.db.acquire().await?;
            erasure::footprint_by_column(c.conn(), account).await?
        };
        let mut preview = ErasurePreview::default();
        for (t, column, _) in links {
            let Some(c) = t.column(column) else { continue };
            if c.erasure == Erasure::DeleteRow {
                if !preview.deleted.contains(&t.table) {
                    preview.deleted.push(t.table);
                }
            } else if !preview.kept.iter().any(|(k, _)| *k == t.table) {
                preview.kept.push((t.table, c.retention));
            }
        }
        Ok(preview)
    }

    /// Rewrites the database file if anything was erased or swept since the
    /// last time (the compaction job), so no stale copy of a deleted row
    /// survives in unused page space; returns whether it ran.
    pub async fn compact_storage(&self) -> Result<bool> {
        if !self.storage_dirty.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        if let Err(e) = self.db.compact().await {
            // Try again next time.
            self.storage_dirty.store(true, std::sync::atomic::Ordering::SeqCst);
            return Err(e.into());
        }
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            "database compacted after erasures"
        );
        Ok(true)
    }

    /// Whether an active legal hold keeps this person's data.
    pub async fn under_legal_hold(&self, account: Uuid) -> Result<bool> {
        let mut c = self.db.acquire().await?;
        Ok(holds::is_held(c.conn(), account).await?)
    }

    /// Deletes the caller's account. Needs a recent password entry.
    pub async fn delete_account(&self, p: &Principal) -> Result<()> {
        self.require_recent_auth(p)?;
        self.erase_account(p.account_id, "mail-deleted-body", None)
            .await
            .map_err(|e| match e {
                Error::NotFound => Error::Unauthenticated,
                other => other,
            })?;
        tracing::info!("an account was erased at its owner's request");
        Ok(())
    }

    /// Staff (trust & safety or the privacy officer) found an account below
    /// the minimum age: it is deactivated and its data erased at once, with
    /// the reason on record (audited).
    pub async fn erase_underage(&self, p: &Principal, account: Uuid, reason: &str) -> Result<()> {
        if !crate::staff::role_of(p)?.can_place_legal_holds() {
            return Err(Error::Forbidden);
        }
        let reason = crate::staff::required_reason(reason)?;
        if account == p.account_id {
            return Err(Error::Forbidden);
        }
        self.erase_account(account, "mail-deleted-underage-body", None).await?;
        // The record names no one: the person it was about no longer exists.
        self.audit(p.account_id, None, "erase_underage", Some(reason)).await?;
        tracing::info!("an account below the minimum age was erased by staff");
        Ok(())
    }

    /// Erases one account per the data map (crypto-shredding included) unless
    /// a legal hold keeps it, and tells its confirmed address with `body_key`.
    /// With `ban`, its identifiers are banned first, in the same transaction.
    pub(crate) async fn erase_account(&self, account_id: Uuid, body_key: &str, ban: Option<Ban<'_>>) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        // Locked, so a legal hold placed meanwhile waits for this to finish
        // (or this sees it).
        accounts::lock(tx.conn(), account_id).await?;
        let account = accounts::get(tx.conn(), account_id).await?.ok_or(Error::NotFound)?;
        // GDPR Art. 17(3)(e): data needed for a legal claim is kept while the hold lasts.
        if holds::is_held(tx.conn(), account_id).await? {
            return Err(Error::Refused(Refusal::LegalHold));
        }
        if account.staff_role.is_some() && ban.is_some() {
            // Staff accounts are removed by an admin, not closed as members.
            return Err(Error::Forbidden);
        }
        if let Some(ban) = &ban {
            self.record_bans(tx.conn(), &account, ban, now).await?;
        }
        // Lessons end and money is settled or forfeited first, in the same
        // transaction, while the ledger still knows whose accounts are whose.
        let freed_teachers = self.settle_before_erasure(tx.conn(), account_id, now).await?;
        let profile = profiles::get(tx.conn(), account_id).await?;
        let locale = UiLocale::of_setting(profile.as_ref().and_then(|p| p.ui_locale.as_deref()));
        let pseudonym = Uuid::now_v7();
        // The person's files: their whole prefix, strays included, is owed
        // to the store once the index rows go with the rest.
        let prefix = files::person_prefix(account_id);
        let mut handed = Vec::new();
        let erased = async {
            // Files an open report keeps are handed to the unfinished
            // erasure before the key goes: copied under its pseudonym's
            // prefix, their own keys sealed anew under a key of its own.
            let held_files = conversations::held_files(tx.conn(), account_id).await?;
            let held_key = if held_files.is_empty() {
                None
            } else {
                let key = self.subject_key(tx.conn(), account_id).await?;
                let (held_key, wrapped) = self.keys.new_subject_key(pseudonym);
                self.hand_over(tx.conn(), held_files, &key, (pseudonym, &held_key), &mut handed)
                    .await?;
                Some(wrapped)
            };
            objects::queue(tx.conn(), &prefix, now).await?;
            erasure::erase(tx.conn(), account_id, pseudonym, now).await?;
            if let Some(wrapped) = held_key {
                keys::set_held(tx.conn(), pseudonym, &wrapped).await?;
                for row in &handed {
                    objects::insert(tx.conn(), row).await?;
                }
            }
            // The confirmation is not linked to the erased account; its
            // address leaves the outbox once delivered.
            if let (Some(email), Some(_)) = (account.email, account.email_verified_at) {
                let message = Outgoing {
                    account: None,
                    channel: Channel::Email,
                    to: email,
                    subject: t(locale, "mail-deleted-subject"),
                    body: crate::i18n::t_args(
                        locale,
                        body_key,
                        &[("years", koine_store::datamap::invoice_name_kept_years().to_string())],
                    ),
                };
                mail::enqueue(tx.conn(), now, message).await?;
            }
            tx.commit().await?;
            Ok::<_, Error>(())
        };
        // Copies handed over for a transaction that did not commit leave
        // the store (the transaction has ended: its locks are gone).
        if let Err(e) = erased.await {
            for row in &handed {
                self.discard_object(row).await;
            }
            return Err(e);
        }
        self.destroy_subject_key(account_id).await;
        self.sessions_changed(account_id);
        self.after_erasing().await;
        self.teachers_changed(account_id).await;
        for teacher in freed_teachers {
            self.lessons_changed(teacher).await;
        }
        // Done only once a listing of the prefix comes back empty; until
        // then the sweep tries again (the key is gone already, so what is
        // left cannot be read).
        self.delete_from_store(vec![prefix]).await;
        Ok(())
    }
}

/// One kind of data in the access report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeldData {
    pub table: &'static str,
    pub rows: i64,
    pub entries: Vec<koine_store::datamap::NoticeEntry>,
}

impl Services {
    /// What Koine holds about a person, table by table, with the map's
    /// categories, purposes, legal bases and retention (GDPR Art. 15).
    pub async fn access_report(&self, account: Uuid) -> Result<Vec<HeldData>> {
        let counts = {
            let mut c = self.db.acquire().await?;
            koine_store::erasure::footprint(c.conn(), account).await?
        };
        let notice = koine_store::datamap::notice(&self.settings.retention);
        Ok(counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(table, rows)| HeldData {
                table,
                rows,
                entries: notice.iter().filter(|e| e.table == table).cloned().collect(),
            })
            .collect())
    }

    /// Staff looks at the person's data (from the audit log), newest first.
    pub async fn staff_access_to(&self, account: Uuid) -> Result<Vec<koine_store::repo::audit::AuditRow>> {
        let mut c = self.db.acquire().await?;
        Ok(koine_store::repo::audit::list(c.conn(), Some(account), 200, 0).await?)
    }
}
