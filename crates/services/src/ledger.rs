//! Posting to the double-entry ledger (`koine_domain::ledger`) inside the
//! caller's transaction: accounts are created on first use, every account
//! an entry takes money from that must not go negative is locked and its
//! balance checked, and the legs are written together — or, if anything
//! fails between them, not at all.

use crate::{Error, Result, Services, faults};
use koine_domain::ledger::{Account, Entry, LedgerError};
use koine_domain::refusal::Refusal;
use koine_store::Conn;
use koine_store::repo::ledger::{self as repo, Refs};
use uuid::Uuid;

/// Whether the books add up: every entry balances, all balances sum to
/// zero, and no protected account is below zero.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LedgerCheck {
    /// Balances summed per kind of account.
    pub totals: Vec<(String, i64)>,
    pub sum: i64,
    pub unbalanced_entries: i64,
    pub negative_accounts: i64,
}

impl LedgerCheck {
    pub fn is_sound(&self) -> bool {
        self.sum == 0 && self.unbalanced_entries == 0 && self.negative_accounts == 0
    }
}

impl Services {
    /// Writes `entry` (nothing if it moves nothing); returns its id.
    pub(crate) async fn post(&self, conn: Conn<'_>, entry: &Entry, refs: Refs, now: i64) -> Result<Option<Uuid>> {
        self.post_known(conn, entry, refs, &[], now).await
    }

    /// The same, with account rows the caller already knows: found before
    /// the transaction (`Some`), or new with the record they belong to
    /// (`None`) — fewer statements while the write lock is held.
    pub(crate) async fn post_known(
        &self,
        mut conn: Conn<'_>,
        entry: &Entry,
        refs: Refs,
        known: &[(Account, Option<Uuid>)],
        now: i64,
    ) -> Result<Option<Uuid>> {
        if entry.is_empty() {
            return Ok(None);
        }
        let mut legs = Vec::with_capacity(entry.legs().len());
        for leg in entry.legs() {
            let id = match known.iter().find(|(a, _)| *a == leg.account) {
                Some((_, Some(id))) => *id,
                Some((a, None)) => repo::create(conn.reborrow(), *a, now).await?,
                None => repo::account_id(conn.reborrow(), leg.account, now).await?,
            };
            legs.push((*leg, id));
        }
        // Lock in a stable order so two entries never wait on each other.
        let mut debited: Vec<_> = legs
            .iter()
            .filter(|(l, _)| l.amount < 0 && !l.account.may_go_negative())
            .collect();
        debited.sort_by_key(|(_, id)| *id);
        let mut balances = Vec::with_capacity(debited.len());
        for (leg, id) in debited {
            repo::lock(conn.reborrow(), *id).await?;
            balances.push((leg.account, repo::balance(conn.reborrow(), *id).await?));
        }
        entry
            .check(|a| balances.iter().find(|(b, _)| *b == a).map_or(0, |(_, n)| *n))
            .map_err(|e| match e {
                LedgerError::Insufficient(Account::Wallet(_)) => Error::Refused(Refusal::InsufficientFunds),
                LedgerError::Insufficient(_) => Error::Refused(Refusal::InsufficientBalance),
                other => Error::internal(other),
            })?;
        let id = Uuid::now_v7();
        repo::insert_entry(conn.reborrow(), id, entry.kind, refs, now).await?;
        for (i, (leg, account)) in legs.iter().enumerate() {
            if i > 0 {
                self.faults.check(faults::BETWEEN_POSTINGS)?;
            }
            repo::insert_posting(conn.reborrow(), id, *account, leg.amount, now).await?;
        }
        Ok(Some(id))
    }

    /// Posts one entry in a transaction of its own, for operator tools and
    /// the benchmark; features post inside their own transactions, with
    /// the records the money belongs to.
    pub async fn post_entry(&self, entry: &Entry) -> Result<Option<Uuid>> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let id = self.post(tx.conn(), entry, Refs::default(), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An account's balance (zero if it was never used).
    pub(crate) async fn balance_in(&self, mut conn: Conn<'_>, a: Account) -> Result<i64> {
        Ok(match repo::find(conn.reborrow(), a).await? {
            Some(id) => repo::balance(conn, id).await?,
            None => 0,
        })
    }

    pub async fn balance(&self, a: Account) -> Result<i64> {
        let mut c = self.db.acquire().await?;
        self.balance_in(c.conn(), a).await
    }

    /// The books' health, for finance staff and tests.
    pub async fn ledger_check(&self) -> Result<LedgerCheck> {
        let mut c = self.db.acquire().await?;
        let totals = repo::totals(c.conn()).await?;
        Ok(LedgerCheck {
            sum: totals.iter().map(|(_, n)| n).sum(),
            totals,
            unbalanced_entries: repo::unbalanced_entries(c.conn()).await?,
            negative_accounts: repo::negative_accounts(c.conn()).await?,
        })
    }
}
