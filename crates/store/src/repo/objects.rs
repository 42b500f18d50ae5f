//! The index of files in the object store, and the deletions owed to it.

use crate::{Conn, Result, on_conn};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ObjectRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub kind: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// A private file's own key, sealed under its person's key.
    pub wrapped_key: Option<Vec<u8>>,
    pub created_at: i64,
}

impl ObjectRow {
    /// Where the file lies: under its person's prefix (`person_prefix`).
    pub fn path(&self) -> String {
        format!("{}{}/{}", person_prefix(self.account_id), self.kind, self.id)
    }
}

/// Where a person's files lie; everything under it is theirs.
pub fn person_prefix(account: Uuid) -> String {
    format!("p/{account}/")
}

const COLUMNS: &str = "id, account_id, kind, content_type, size_bytes, wrapped_key, created_at";
/// The columns, of a query that names the table `o`.
pub(crate) const COLUMNS_OF_O: &str =
    "o.id, o.account_id, o.kind, o.content_type, o.size_bytes, o.wrapped_key, o.created_at";

pub async fn insert(conn: Conn<'_>, o: &ObjectRow) -> Result<()> {
    insert_with(conn, o, "").await
}

/// Indexes a file moved in from an earlier version, unless another node
/// starting at the same moment did so first.
pub async fn insert_moved(conn: Conn<'_>, o: &ObjectRow) -> Result<()> {
    insert_with(conn, o, " ON CONFLICT (id) DO NOTHING").await
}

async fn insert_with(conn: Conn<'_>, o: &ObjectRow, conflict: &str) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO objects (id, account_id, kind, content_type, size_bytes, wrapped_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7){conflict}"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(o.id).bind(o.account_id).bind(&o.kind).bind(&o.content_type).bind(o.size_bytes).bind(&o.wrapped_key)
        .bind(o.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<ObjectRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM objects WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// Takes objects out of the index and queues their deletion from the store
/// (in the caller's transaction); their paths.
async fn release_rows(mut conn: Conn<'_>, rows: Vec<ObjectRow>, now: i64) -> Result<Vec<String>> {
    let mut paths = Vec::with_capacity(rows.len());
    for row in rows {
        let path = row.path();
        on_conn!(conn.reborrow(), c => {
            sqlx::query("INSERT INTO object_deletions (path, queued_at) VALUES ($1, $2) ON CONFLICT (path) DO NOTHING")
                .bind(&path).bind(now).execute(&mut *c).await?;
            sqlx::query("DELETE FROM objects WHERE id = $1").bind(row.id).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        paths.push(path);
    }
    Ok(paths)
}

/// Takes object `id` out of the index and queues its deletion from the
/// store (in the caller's transaction); its path, if it was indexed.
pub async fn release(mut conn: Conn<'_>, id: Uuid, now: i64) -> Result<Option<String>> {
    let row = get(conn.reborrow(), id).await?;
    Ok(release_rows(conn, row.into_iter().collect(), now).await?.pop())
}

/// Queues the deletion of one path, or of everything under a prefix (a
/// person's, ending in `/`), strays included.
pub async fn queue(conn: Conn<'_>, path: &str, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO object_deletions (path, queued_at) VALUES ($1, $2) ON CONFLICT (path) DO NOTHING")
        .bind(path).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Index entries whose owning row is gone (a replaced picture, a removed
/// video, an expired export, a deleted message): released as `release`
/// would; their paths.
pub async fn release_unreferenced(conn: Conn<'_>, now: i64) -> Result<Vec<String>> {
    release_unreferenced_where(conn, "1 = 1", &[], now).await
}

/// As `release_unreferenced`, for the files of these owners only (the
/// pseudonyms whose kept files a decided report let go of).
pub async fn release_unreferenced_of(conn: Conn<'_>, owners: &[Uuid], now: i64) -> Result<Vec<String>> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let only = format!("account_id IN ({})", super::placeholders(2, owners.len()));
    release_unreferenced_where(conn, &only, owners, now).await
}

async fn release_unreferenced_where(mut conn: Conn<'_>, only: &str, owners: &[Uuid], now: i64) -> Result<Vec<String>> {
    // One condition per kind: the row that refers to the object.
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM objects WHERE ({only}) AND (\
         (kind = 'avatar' AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.avatar_id = objects.id)) \
         OR (kind = 'video' AND NOT EXISTS (SELECT 1 FROM teacher_videos v WHERE v.id = objects.id)) \
         OR (kind = 'export' AND NOT EXISTS (SELECT 1 FROM data_exports e WHERE e.archive_id = objects.id AND e.expires_at > $1)) \
         OR (kind = 'id_document' AND NOT EXISTS (SELECT 1 FROM teacher_applications a WHERE a.id_document_id = objects.id)) \
         OR (kind = 'certificate' AND NOT EXISTS (SELECT 1 FROM teacher_certificates c WHERE c.id = objects.id)) \
         OR (kind = 'attachment' AND NOT EXISTS (SELECT 1 FROM message_attachments m WHERE m.id = objects.id))) \
         LIMIT 1000"
    ));
    let rows: Vec<ObjectRow> = on_conn!(conn.reborrow(), c => {
        let mut q = sqlx::query_as(sql).bind(now);
        for o in owners {
            q = q.bind(*o);
        }
        q.fetch_all(&mut *c).await
    })?;
    release_rows(conn, rows, now).await
}

/// The oldest `limit` deletions owed to the store.
pub async fn deletions(conn: Conn<'_>, limit: i64) -> Result<Vec<String>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar(
        "SELECT path FROM object_deletions ORDER BY queued_at, path LIMIT $1")
        .bind(limit).fetch_all(&mut *c).await)?)
}

/// The store confirmed a deletion.
pub async fn deleted(conn: Conn<'_>, path: &str) -> Result<()> {
    on_conn!(conn, c => sqlx::query("DELETE FROM object_deletions WHERE path = $1")
        .bind(path).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The person's files, oldest first.
pub async fn of_account(conn: Conn<'_>, account: Uuid) -> Result<Vec<ObjectRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM objects WHERE account_id = $1 ORDER BY created_at, id"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as(sql).bind(account).fetch_all(&mut *c).await)?)
}

/// Pictures and videos from before the object store, not indexed yet:
/// (kind, object id, owner, content type).
pub async fn unindexed(conn: Conn<'_>) -> Result<Vec<(String, Uuid, Uuid, String)>> {
    Ok(on_conn!(conn, c => sqlx::query_as(
        "SELECT 'avatar', avatar_id, account_id, 'image/png' FROM profiles p WHERE avatar_id IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = p.avatar_id) \
         UNION ALL SELECT 'video', id, account_id, content_type FROM teacher_videos v \
           WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = v.id)")
        .fetch_all(&mut *c).await)?)
}

/// Identity documents, certificates and message files sealed into their
/// rows by earlier versions: (kind, row id, owner, content type, sealed bytes).
pub async fn sealed_in_rows(conn: Conn<'_>) -> Result<Vec<(String, Uuid, Uuid, String, Vec<u8>)>> {
    Ok(on_conn!(conn, c => sqlx::query_as(
        "SELECT 'id_document', id, account_id, id_document_type, id_document_enc FROM teacher_applications \
           WHERE id_document_enc IS NOT NULL AND id_document_type IS NOT NULL \
         UNION ALL SELECT 'certificate', id, account_id, content_type, file_enc FROM teacher_certificates \
           WHERE file_enc IS NOT NULL \
         UNION ALL SELECT 'attachment', id, sender_id, content_type, file_enc FROM message_attachments \
           WHERE file_enc IS NOT NULL")
        .fetch_all(&mut *c).await)?)
}

/// Locks a row whose file is still sealed into it, for moving the file to
/// the store; false if it has been moved already.
pub async fn lock_sealed_row(conn: Conn<'_>, kind: &str, row: Uuid) -> Result<bool> {
    // Writing the column to itself takes the row's lock on PostgreSQL and
    // the write lock on SQLite, until the transaction ends.
    let sql = match kind {
        "id_document" => {
            "UPDATE teacher_applications SET id_document_enc = id_document_enc \
             WHERE id = $1 AND id_document_enc IS NOT NULL"
        }
        "attachment" => "UPDATE message_attachments SET file_enc = file_enc WHERE id = $1 AND file_enc IS NOT NULL",
        _ => "UPDATE teacher_certificates SET file_enc = file_enc WHERE id = $1 AND file_enc IS NOT NULL",
    };
    let n = on_conn!(conn, c => sqlx::query(sql).bind(row).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A file sealed into its row now lies in the file store as `object`: the
/// row names it and lets go of its sealed copy.
pub async fn moved_out_of_row(conn: Conn<'_>, kind: &str, row: Uuid, object: Uuid) -> Result<()> {
    let sql = match kind {
        "id_document" => "UPDATE teacher_applications SET id_document_id = $2, id_document_enc = NULL WHERE id = $1",
        // A certificate's file, and a message's, has its row's id.
        "attachment" => "UPDATE message_attachments SET file_enc = NULL WHERE id = $1 AND id = $2",
        _ => "UPDATE teacher_certificates SET file_enc = NULL WHERE id = $1 AND id = $2",
    };
    on_conn!(conn, c => sqlx::query(sql).bind(row).bind(object).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
