//! The retention job: removes what the data map says has been kept long
//! enough, and reports what it removed.

use crate::{Result, Services};
use koine_store::retention::{self, Sweep};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SweepLine {
    pub table: &'static str,
    /// For `expired_values`, the column cleared.
    pub column: Option<&'static str>,
    /// `expired_rows`, `expired_values`, `unconfirmed_accounts`,
    /// `carried_forward` (ledger postings folded into opening balances),
    /// `hold_ended` (an erased member's rows an open report kept),
    /// `account_gone` (a key in the key database whose account is gone),
    /// `unreferenced` (files nothing refers to any more) or
    /// `deleted_from_store` (files and erased people's folders the file
    /// store confirmed deleted).
    pub rule: &'static str,
    pub count: u64,
}

impl Services {
    /// Runs every sweep of the plan (or only counts, with `dry_run`), each in
    /// its own transaction so one table's backlog does not hold the others.
    pub async fn sweep(&self, dry_run: bool) -> Result<Vec<SweepLine>> {
        let now = self.clock.now_us();
        let mut lines = Vec::new();
        for sweep in retention::plan(&self.settings.retention) {
            let count = match (&sweep, dry_run) {
                (_, true) => {
                    let mut c = self.db.acquire().await?;
                    retention::count(c.conn(), &sweep, now).await?
                }
                (Sweep::Rows { .. } | Sweep::Clear { .. } | Sweep::CarryForward { .. }, false) => {
                    let mut tx = self.begin_write().await?;
                    let n = retention::run(tx.conn(), &sweep, now).await?;
                    tx.commit().await?;
                    n
                }
                // One transaction per account: a failure stays with its
                // account, and the write lock is never held for the batch.
                (Sweep::Unconfirmed { age_us, .. }, false) => {
                    let cutoff = now - age_us;
                    let ids = {
                        let mut c = self.db.acquire().await?;
                        retention::unconfirmed_ids(c.conn(), cutoff).await?
                    };
                    let mut erased = 0;
                    for id in ids {
                        let mut tx = self.begin_write().await?;
                        if retention::erase_if_unconfirmed(tx.conn(), id, cutoff, now).await? {
                            erased += 1;
                        }
                        tx.commit().await?;
                    }
                    erased
                }
            };
            let (rule, column) = match sweep {
                Sweep::Rows { .. } => ("expired_rows", None),
                Sweep::Clear { column, .. } => ("expired_values", Some(column)),
                Sweep::Unconfirmed { .. } => ("unconfirmed_accounts", None),
                Sweep::CarryForward { .. } => ("carried_forward", None),
            };
            lines.push(SweepLine {
                table: sweep.table(),
                column,
                rule,
                count,
            });
        }
        // Erasures an open report left unfinished end with the report (a
        // dry run counts by releasing and taking it back).
        {
            let mut tx = self.begin_write().await?;
            let released = koine_store::erasure::release_held(tx.conn()).await?;
            if !dry_run {
                tx.commit().await?;
            }
            lines.extend(released.into_iter().map(|(table, count)| SweepLine {
                table,
                column: None,
                rule: "hold_ended",
                count,
            }));
        }
        // Files nothing refers to any more (a replaced picture, an expired
        // export) are owed to the store; then what is owed is deleted.
        {
            let mut tx = self.begin_write().await?;
            let released = koine_store::repo::objects::release_unreferenced(tx.conn(), now)
                .await?
                .len() as u64;
            if !dry_run {
                tx.commit().await?;
            }
            lines.push(SweepLine {
                table: "objects",
                column: None,
                rule: "unreferenced",
                count: released,
            });
        }
        let owed = if dry_run {
            let mut c = self.db.acquire().await?;
            koine_store::repo::objects::deletions(c.conn(), 1000).await?.len()
        } else {
            self.delete_owed_objects().await?
        };
        lines.push(SweepLine {
            table: "object_deletions",
            column: None,
            rule: "deleted_from_store",
            count: owed as u64,
        });
        // Keys in a key database of their own whose account is gone.
        if self.key_db.is_some() {
            lines.push(SweepLine {
                table: "subject_keys",
                column: None,
                rule: "account_gone",
                count: self.sweep_orphan_keys(dry_run).await?,
            });
        }
        if !dry_run {
            let removed: u64 = lines.iter().map(|l| l.count).sum();
            if removed > 0 {
                self.after_erasing().await;
            }
            tracing::info!(
                removed,
                "retention sweep: {}",
                serde_json::to_string(&lines).unwrap_or_default()
            );
        }
        Ok(lines)
    }
}
