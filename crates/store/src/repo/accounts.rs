use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: Uuid,
    pub email: Option<String>,
    pub email_verified_at: Option<i64>,
    pub phone_hash: Option<Vec<u8>>,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_verified_at: Option<i64>,
    pub password_hash: String,
    pub password_changed_at: i64,
    pub birth_date_enc: Option<Vec<u8>>,
    pub minor_until: Option<i64>,
    pub staff_role: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, email, email_verified_at, phone_hash, phone_enc, phone_verified_at, \
    password_hash, password_changed_at, birth_date_enc, minor_until, staff_role, created_at";

pub async fn insert(conn: Conn<'_>, a: &AccountRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO accounts (id, email, email_verified_at, phone_hash, phone_enc, phone_verified_at, \
         password_hash, password_changed_at, birth_date_enc, minor_until, staff_role, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(a.id).bind(&a.email).bind(a.email_verified_at).bind(&a.phone_hash).bind(&a.phone_enc)
        .bind(a.phone_verified_at).bind(&a.password_hash).bind(a.password_changed_at)
        .bind(&a.birth_date_enc).bind(a.minor_until).bind(&a.staff_role).bind(a.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

async fn find_where(conn: Conn<'_>, clause: &'static str, bind: Binding<'_>) -> Result<Option<AccountRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM accounts WHERE {clause}"));
    Ok(on_conn!(conn, c => {
        let q = sqlx::query_as::<_, AccountRow>(sql);
        match bind {
            Binding::Id(id) => q.bind(id),
            Binding::Text(t) => q.bind(t),
            Binding::Bytes(b) => q.bind(b),
        }
        .fetch_optional(&mut *c)
        .await
    })?)
}

enum Binding<'a> {
    Id(Uuid),
    Text(&'a str),
    Bytes(&'a [u8]),
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<AccountRow>> {
    find_where(conn, "id = $1", Binding::Id(id)).await
}

pub async fn find_by_email(conn: Conn<'_>, email: &str) -> Result<Option<AccountRow>> {
    find_where(conn, "email = $1", Binding::Text(email)).await
}

pub async fn find_by_phone_hash(conn: Conn<'_>, hash: &[u8]) -> Result<Option<AccountRow>> {
    find_where(conn, "phone_hash = $1", Binding::Bytes(hash)).await
}

/// Locks the account row until the transaction ends, so checks made under
/// it (legal hold, confirmation state) stay true while acting on them.
/// PostgreSQL needs `FOR UPDATE`; SQLite write transactions already hold the
/// database's write lock (`BEGIN IMMEDIATE`) and have no row locks.
pub async fn lock(conn: Conn<'_>, id: Uuid) -> Result<bool> {
    let found = match conn {
        Conn::Postgres(c) => {
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        }
        Conn::Sqlite(c) => {
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM accounts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        }
    };
    Ok(found.is_some())
}

pub async fn mark_email_verified(conn: Conn<'_>, id: Uuid, email: &str, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE accounts SET email = $2, email_verified_at = $3 WHERE id = $1")
        .bind(id).bind(email).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn mark_phone_verified(conn: Conn<'_>, id: Uuid, hash: &[u8], enc: &[u8], now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE accounts SET phone_hash = $2, phone_enc = $3, phone_verified_at = $4 WHERE id = $1")
        .bind(id).bind(hash).bind(enc).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_password(conn: Conn<'_>, id: Uuid, hash: &str, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE accounts SET password_hash = $2, password_changed_at = $3 WHERE id = $1")
        .bind(id).bind(hash).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A corrected date of birth (sealed) and the minor status that follows.
pub async fn set_birth_date(conn: Conn<'_>, id: Uuid, enc: &[u8], minor_until: Option<i64>) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE accounts SET birth_date_enc = $2, minor_until = $3 WHERE id = $1")
        .bind(id).bind(enc).bind(minor_until).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_staff_role(conn: Conn<'_>, id: Uuid, role: Option<&str>) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE accounts SET staff_role = $2 WHERE id = $1")
        .bind(id).bind(role).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One line of the staff member directory.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberSummary {
    pub id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    pub staff_role: Option<String>,
    pub created_at: i64,
}

/// Searches members by display name or email (case-insensitive substring).
pub async fn search(conn: Conn<'_>, needle: &str, limit: i64, offset: i64) -> Result<Vec<MemberSummary>> {
    let pattern = super::like_pattern(needle);
    Ok(on_conn!(conn, c => sqlx::query_as::<_, MemberSummary>(
        "SELECT a.id, p.display_name, a.email, a.staff_role, a.created_at \
         FROM accounts a JOIN profiles p ON p.account_id = a.id \
         WHERE lower(p.display_name) LIKE $1 ESCAPE '\\' OR a.email LIKE $1 ESCAPE '\\' \
         ORDER BY a.created_at DESC, a.id LIMIT $2 OFFSET $3")
        .bind(&pattern).bind(limit).bind(offset).fetch_all(&mut *c).await)?)
}

/// Which of `ids` are accounts.
pub async fn existing(conn: Conn<'_>, ids: &[Uuid]) -> Result<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id FROM accounts WHERE id IN ({})",
        super::placeholders(1, ids.len())
    ));
    Ok(on_conn!(conn, c => {
        let mut q = sqlx::query_scalar::<_, Uuid>(sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await
    })?)
}
