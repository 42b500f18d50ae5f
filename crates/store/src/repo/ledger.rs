//! The double-entry ledger's storage: accounts (created on first use),
//! entries and their postings. Balances are sums of postings; nothing keeps
//! a running total. Whether an entry may be posted is decided by the caller
//! from `balance` read under `lock`.

use super::placeholders;
use crate::{Conn, Result, on_conn};
use koine_domain::ledger::{Account, AccountKind, EntryKind};
use uuid::Uuid;

/// The ledger account row for `a`, created if it does not exist yet.
pub async fn account_id(mut conn: Conn<'_>, a: Account, now: i64) -> Result<Uuid> {
    if let Some(id) = find(conn.reborrow(), a).await? {
        return Ok(id);
    }
    // A parallel transaction may create it first: the unique indexes make
    // this insert a no-op then, and the lookup finds theirs.
    let created: Option<Uuid> = on_conn!(conn.reborrow(), c => sqlx::query_scalar(
        "INSERT INTO ledger_accounts (id, kind, holder_id, ref_id, provider, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id")
        .bind(Uuid::now_v7()).bind(a.kind().as_str()).bind(a.holder()).bind(a.reference()).bind(a.provider())
        .bind(now).fetch_optional(&mut *c).await)?;
    match created {
        Some(id) => Ok(id),
        None => find(conn, a).await?.ok_or_else(|| sqlx::Error::RowNotFound.into()),
    }
}

/// A row for `a`, which the caller knows is new (the escrow of a lesson
/// being booked): one statement instead of a lookup and an insert.
pub async fn create(conn: Conn<'_>, a: Account, now: i64) -> Result<Uuid> {
    let id = Uuid::now_v7();
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO ledger_accounts (id, kind, holder_id, ref_id, provider, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id).bind(a.kind().as_str()).bind(a.holder()).bind(a.reference()).bind(a.provider())
        .bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

/// The row for `a`, if it exists.
pub async fn find(conn: Conn<'_>, a: Account) -> Result<Option<Uuid>> {
    let kind = a.kind().as_str();
    Ok(on_conn!(conn, c => {
        match (a.holder().or(a.reference()), a.provider()) {
            (Some(owner), _) => {
                let column = if a.holder().is_some() { "holder_id" } else { "ref_id" };
                let sql = sqlx::AssertSqlSafe(format!("SELECT id FROM ledger_accounts WHERE kind = $1 AND {column} = $2"));
                sqlx::query_scalar::<_, Uuid>(sql).bind(kind).bind(owner).fetch_optional(&mut *c).await
            }
            (None, Some(provider)) => {
                sqlx::query_scalar::<_, Uuid>("SELECT id FROM ledger_accounts WHERE kind = $1 AND provider = $2")
                    .bind(kind).bind(provider).fetch_optional(&mut *c).await
            }
            (None, None) => {
                sqlx::query_scalar::<_, Uuid>(
                    "SELECT id FROM ledger_accounts WHERE kind = $1 \
                     AND holder_id IS NULL AND ref_id IS NULL AND provider IS NULL")
                    .bind(kind).fetch_optional(&mut *c).await
            }
        }
    })?)
}

/// Locks an account until the transaction ends, so its balance cannot
/// change between reading and posting. SQLite serializes writers already
/// (every write transaction begins IMMEDIATE), so only PostgreSQL locks.
pub async fn lock(conn: Conn<'_>, id: Uuid) -> Result<()> {
    if let Conn::Postgres(c) = conn {
        sqlx::query("SELECT id FROM ledger_accounts WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// An account's balance: the sum of its postings.
pub async fn balance(conn: Conn<'_>, id: Uuid) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_postings WHERE account_id = $1")
        .bind(id).fetch_one(&mut *c).await)?)
}

/// What an entry is about, for statements and audits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refs {
    pub lesson: Option<Uuid>,
    pub package: Option<Uuid>,
    pub payment: Option<Uuid>,
    pub payout: Option<Uuid>,
}

pub async fn insert_entry(conn: Conn<'_>, id: Uuid, kind: EntryKind, refs: Refs, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO ledger_entries (id, kind, lesson_id, package_id, payment_id, payout_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id).bind(kind.as_str()).bind(refs.lesson).bind(refs.package).bind(refs.payment).bind(refs.payout)
        .bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn insert_posting(conn: Conn<'_>, entry: Uuid, account: Uuid, amount: i64, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO ledger_postings (id, entry_id, account_id, amount, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(Uuid::now_v7()).bind(entry).bind(account).bind(amount).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One line of an account's statement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatementLine {
    pub entry_id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: EntryKind,
    pub lesson_id: Option<Uuid>,
    pub package_id: Option<Uuid>,
    pub payment_id: Option<Uuid>,
    pub payout_id: Option<Uuid>,
    pub amount: i64,
    pub created_at: i64,
}

/// The newest movements of an account.
pub async fn statement(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<StatementLine>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, StatementLine>(
        "SELECT e.id AS entry_id, e.kind, e.lesson_id, e.package_id, e.payment_id, e.payout_id, p.amount, p.created_at \
         FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id \
         WHERE p.account_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2")
        .bind(account).bind(limit).fetch_all(&mut *c).await)?)
}

/// What came into an account since `since` (credits only: money paid out
/// or refunded does not lower it).
pub async fn credited_since(conn: Conn<'_>, account: Uuid, since: i64) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_postings \
         WHERE account_id = $1 AND amount > 0 AND created_at >= $2")
        .bind(account).bind(since).fetch_one(&mut *c).await)?)
}

/// Balances summed per kind of account, and over everything (which must
/// be zero), for the finance overview and checks.
pub async fn totals(conn: Conn<'_>) -> Result<Vec<(String, i64)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (String, i64)>(
        "SELECT a.kind, CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM ledger_accounts a \
         JOIN ledger_postings p ON p.account_id = a.id GROUP BY a.kind ORDER BY a.kind")
        .fetch_all(&mut *c).await)?)
}

/// Entries whose legs do not sum to zero (none, unless something wrote
/// the ledger outside `post`).
pub async fn unbalanced_entries(conn: Conn<'_>) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_postings GROUP BY entry_id HAVING SUM(amount) <> 0) u")
        .fetch_one(&mut *c).await)?)
}

/// Accounts of kinds that must never be below zero, and are.
pub async fn negative_accounts(conn: Conn<'_>) -> Result<i64> {
    let protected: Vec<&str> = AccountKind::ALL
        .iter()
        .filter(|k| {
            !matches!(
                k,
                AccountKind::Revenue | AccountKind::Promotions | AccountKind::Clearing
            )
        })
        .map(|k| k.as_str())
        .collect();
    let list = protected
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM (SELECT a.id FROM ledger_accounts a JOIN ledger_postings p ON p.account_id = a.id \
         WHERE a.kind IN ({list}) GROUP BY a.id HAVING SUM(p.amount) < 0) n"
    ));
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut *c).await)?)
}

/// Entries older than `$1` that touch no account of a person under a
/// legal hold: what the carry-forward folds.
const EXPIRED: &str = "e.created_at <= $1 AND NOT EXISTS (\
    SELECT 1 FROM ledger_postings hp JOIN ledger_accounts ha ON ha.id = hp.account_id \
    JOIN legal_holds h ON h.account_id = ha.holder_id AND h.lifted_at IS NULL \
    WHERE hp.entry_id = e.id)";

/// Postings the carry-forward would fold at `cutoff`.
pub async fn expired_postings(conn: Conn<'_>, cutoff: i64) -> Result<u64> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id WHERE {EXPIRED}"
    ));
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(sql).bind(cutoff).fetch_one(&mut *c).await)?;
    Ok(n as u64)
}

/// Folds every entry older than `cutoff` into one opening-balance entry
/// dated `now` (one posting per account with money left), then removes
/// them and the accounts left with nothing: balances do not change, the
/// ledger stays balanced, and the old movements are gone. Returns the
/// postings folded. Run it inside a transaction: the entries are chosen
/// once, and the same ones are summed and removed.
pub async fn carry_forward(mut conn: Conn<'_>, cutoff: i64, now: i64) -> Result<u64> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT e.id FROM ledger_entries e WHERE {EXPIRED}"));
    let ids: Vec<Uuid> = on_conn!(conn.reborrow(), c => sqlx::query_scalar(sql).bind(cutoff).fetch_all(&mut *c).await)?;
    let mut sums: std::collections::BTreeMap<Uuid, i64> = std::collections::BTreeMap::new();
    let mut folded = 0;
    for chunk in ids.chunks(500) {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT account_id, CAST(SUM(amount) AS BIGINT), COUNT(*) FROM ledger_postings \
             WHERE entry_id IN ({}) GROUP BY account_id",
            placeholders(1, chunk.len())
        ));
        let rows: Vec<(Uuid, i64, i64)> = on_conn!(conn.reborrow(), c => {
            let mut q = sqlx::query_as(sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await
        })?;
        for (account, sum, n) in rows {
            *sums.entry(account).or_default() += sum;
            folded += n;
        }
    }
    if sums.values().any(|s| *s != 0) {
        let opening = Uuid::now_v7();
        insert_entry(
            conn.reborrow(),
            opening,
            EntryKind::CarriedForward,
            Refs::default(),
            now,
        )
        .await?;
        for (account, sum) in sums.iter().filter(|(_, s)| **s != 0) {
            insert_posting(conn.reborrow(), opening, *account, *sum, now).await?;
        }
    }
    for chunk in ids.chunks(500) {
        // Postings go with their entries (ON DELETE CASCADE).
        let sql = sqlx::AssertSqlSafe(format!(
            "DELETE FROM ledger_entries WHERE id IN ({})",
            placeholders(1, chunk.len())
        ));
        on_conn!(conn.reborrow(), c => {
            let mut q = sqlx::query(sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    on_conn!(conn, c => sqlx::query(
        "DELETE FROM ledger_accounts WHERE created_at <= $1 \
         AND NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.account_id = ledger_accounts.id)")
        .bind(cutoff).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(folded as u64)
}
