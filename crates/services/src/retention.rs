//! The retention job: removes what the data map says has been kept long
//! enough, and reports what it removed.

use crate::{Result, Services};
use koine_store::retention::{self, Sweep};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SweepLine {
    pub table: &'static str,
    /// `expired_rows` or `unconfirmed_accounts`.
    pub rule: &'static str,
    pub count: u64,
}

impl Services {
    /// Runs every sweep of the plan (or only counts, with `dry_run`), each in
    /// its own transaction so one table's backlog does not hold the others.
    pub async fn sweep(&self, dry_run: bool) -> Result<Vec<SweepLine>> {
        let now = self.clock.now_us();
        let mut lines = Vec::new();
        for sweep in retention::plan() {
            let count = if dry_run {
                let mut c = self.db.acquire().await?;
                retention::count(c.conn(), &sweep, now).await?
            } else {
                let mut tx = self.db.begin().await?;
                let n = retention::run(tx.conn(), &sweep, now).await?;
                tx.commit().await?;
                n
            };
            let rule = match sweep {
                Sweep::Rows { .. } => "expired_rows",
                Sweep::Unconfirmed { .. } => "unconfirmed_accounts",
            };
            lines.push(SweepLine {
                table: sweep.table(),
                rule,
                count,
            });
        }
        if !dry_run {
            let removed: u64 = lines.iter().map(|l| l.count).sum();
            tracing::info!(
                removed,
                "retention sweep: {}",
                serde_json::to_string(&lines).unwrap_or_default()
            );
        }
        Ok(lines)
    }
}
