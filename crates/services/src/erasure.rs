//! Account deletion: erasure per the data map, crypto-shredding included
//! (the person's key row is one of the rows the map deletes).

use crate::accounts::Principal;
use crate::bans::Ban;
use crate::i18n::t;
use crate::mail::{self, Channel, Outgoing};
use crate::{Error, Result, Services};
use koine_domain::privacy::{Erasure, Retention};
use koine_domain::profile::UiLocale;
use koine_store::datamap::DATA_MAP;
use koine_store::erasure;
use koine_store::repo::{accounts, holds, profiles};
use uuid::Uuid;

/// What erasure keeps of a member, per table, and for how long: the tables
/// whose rows about them stay, pseudonymised or unlinked. Read from the map
/// so the explanation shown before deleting matches what the engine does.
/// (Tables linking only the staff who acted, such as breach records and
/// fraud bans, keep nothing of the member.)
pub fn kept_after_erasure() -> Vec<(&'static str, Retention)> {
    DATA_MAP
        .iter()
        .filter_map(|t| {
            t.subjects
                .iter()
                .filter_map(|s| t.column(s))
                .find(|c| matches!(c.erasure, Erasure::Pseudonymise | Erasure::Null))
                .map(|c| (t.table, c.retention))
        })
        .collect()
}

impl Services {
    /// After erasing: the erased values must not linger in SQLite's
    /// write-ahead log. It has been committed already, so a failure here is
    /// logged, and the next erasure or sweep checkpoints again.
    pub(crate) async fn purge_wal(&self) {
        match self.db.purge_wal().await {
            Ok(true) => {}
            Ok(false) => tracing::warn!("the write-ahead log could not be fully checkpointed: a reader was busy"),
            Err(e) => tracing::error!("the write-ahead log could not be checkpointed: {e}"),
        }
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
            return Err(Error::Conflict("legal-hold"));
        }
        if account.staff_role.is_some() && ban.is_some() {
            // Staff accounts are removed by an admin, not closed as members.
            return Err(Error::Forbidden);
        }
        if let Some(ban) = &ban {
            self.record_bans(tx.conn(), &account, ban, now).await?;
        }
        let profile = profiles::get(tx.conn(), account_id).await?;
        let avatar = profile.as_ref().and_then(|p| p.avatar_id);
        let videos = koine_store::repo::teaching::videos(tx.conn(), account_id).await?;
        let locale = profile
            .and_then(|p| p.ui_locale)
            .and_then(|l| UiLocale::parse(&l).ok())
            .unwrap_or(UiLocale::En);
        erasure::erase(tx.conn(), account_id, Uuid::now_v7()).await?;
        // The confirmation is not linked to the erased account; its address
        // leaves the outbox once delivered.
        if let (Some(email), Some(_)) = (account.email, account.email_verified_at) {
            let message = Outgoing {
                account: None,
                channel: Channel::Email,
                to: email,
                subject: t(locale, "mail-deleted-subject"),
                body: t(locale, body_key),
            };
            mail::enqueue(tx.conn(), now, message).await?;
        }
        tx.commit().await?;
        self.purge_wal().await;
        self.teachers_changed(account_id).await;
        // Files on disk go with their rows.
        let files = avatar
            .map(|a| self.avatar_path(a))
            .into_iter()
            .chain(videos.iter().map(|(v, _)| self.video_path(*v)));
        for path in files {
            if let Err(e) = tokio::fs::remove_file(&path).await {
                tracing::error!(file = %path.display(), "an erased member's file could not be removed: {e}");
            }
        }
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
        let notice = koine_store::datamap::notice();
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

#[cfg(test)]
mod tests {
    #[test]
    fn accountability_records_are_what_stays() {
        let kept = super::kept_after_erasure();
        assert_eq!(
            kept.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            vec!["audit_events", "legal_holds", "privacy_requests", "disclosures"]
        );
    }
}
