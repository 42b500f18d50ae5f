//! Applications to teach, their documents, and teachers' homepages.

use crate::{Conn, Result, on_conn};
use koine_domain::profile::Visibility;
use koine_domain::teaching::{ApplicationStatus, TeacherStatus, Tier};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub status: ApplicationStatus,
    pub real_name_enc: Vec<u8>,
    pub country: String,
    /// `code:level` pairs, comma-separated.
    pub languages: String,
    pub introduction: String,
    pub education: Option<String>,
    pub experience: Option<String>,
    pub expertise: Option<String>,
    pub id_document_type: Option<String>,
    /// The document in the file store (`objects`).
    pub id_document_id: Option<Uuid>,
    pub video_id: Option<Uuid>,
    pub submitted_at: i64,
    pub decided_at: Option<i64>,
    pub decided_by: Option<Uuid>,
    #[sqlx(try_from = "super::OptionalName")]
    pub tier: Option<Tier>,
    pub staff_message: Option<String>,
    pub updated_at: i64,
}

const APPLICATION: &str = "id, account_id, status, real_name_enc, country, languages, introduction, education, \
     experience, expertise, id_document_type, id_document_id, video_id, submitted_at, decided_at, decided_by, tier, \
     staff_message, updated_at";

pub async fn insert_application(conn: Conn<'_>, a: &ApplicationRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO teacher_applications ({APPLICATION}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(a.id).bind(a.account_id).bind(a.status.as_str()).bind(&a.real_name_enc).bind(&a.country)
        .bind(&a.languages).bind(&a.introduction).bind(&a.education).bind(&a.experience).bind(&a.expertise)
        .bind(&a.id_document_type).bind(a.id_document_id).bind(a.video_id).bind(a.submitted_at)
        .bind(a.decided_at).bind(a.decided_by).bind(a.tier.map(Tier::as_str)).bind(&a.staff_message).bind(a.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The applicant's answer to a request for more information.
pub async fn resubmit(conn: Conn<'_>, a: &ApplicationRow) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE teacher_applications SET status = 'submitted', real_name_enc = $2, country = $3, languages = $4, \
         introduction = $5, education = $6, experience = $7, expertise = $8, id_document_type = $9, \
         id_document_id = $10, id_document_enc = NULL, video_id = $11, submitted_at = $12, updated_at = $12 \
         WHERE id = $1 AND status = 'info_requested'")
        .bind(a.id).bind(&a.real_name_enc).bind(&a.country).bind(&a.languages).bind(&a.introduction)
        .bind(&a.education).bind(&a.experience).bind(&a.expertise).bind(&a.id_document_type)
        .bind(a.id_document_id).bind(a.video_id).bind(a.submitted_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A staff decision on an application.
pub struct Decision<'a> {
    pub id: Uuid,
    /// The status it must still be in (so two reviewers cannot both decide).
    pub from: &'a str,
    pub to: &'a str,
    pub tier: Option<&'a str>,
    pub message: Option<&'a str>,
    pub by: Uuid,
    pub now: i64,
}

pub async fn decide(conn: Conn<'_>, d: Decision<'_>) -> Result<bool> {
    // A request for more information is not a decision: it sets no date,
    // so the identity document's 30 days start only at the real one.
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE teacher_applications SET status = $3, tier = $4, staff_message = $5, decided_by = $6, \
         decided_at = CASE WHEN $3 = 'info_requested' THEN NULL ELSE $7 END, updated_at = $7 \
         WHERE id = $1 AND status = $2")
        .bind(d.id).bind(d.from).bind(d.to).bind(d.tier).bind(d.message).bind(d.by).bind(d.now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn application(conn: Conn<'_>, id: Uuid) -> Result<Option<ApplicationRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {APPLICATION} FROM teacher_applications WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ApplicationRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// The member's newest application, if any.
pub async fn latest_application(conn: Conn<'_>, account: Uuid) -> Result<Option<ApplicationRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {APPLICATION} FROM teacher_applications WHERE account_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT 1"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ApplicationRow>(sql).bind(account).fetch_optional(&mut *c).await)?)
}

/// One line of the review queue (no documents).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub display_name: String,
    pub status: String,
    pub country: String,
    pub languages: String,
    pub submitted_at: i64,
}

/// Applications in `status`, oldest first (the queue is worked in order).
pub async fn queue(conn: Conn<'_>, status: &str, limit: i64, offset: i64) -> Result<Vec<QueueRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, QueueRow>(
        "SELECT a.id, a.account_id, p.display_name, a.status, a.country, a.languages, a.submitted_at \
         FROM teacher_applications a JOIN profiles p ON p.account_id = a.account_id \
         WHERE a.status = $1 ORDER BY a.submitted_at, a.id LIMIT $2 OFFSET $3")
        .bind(status).bind(limit).bind(offset).fetch_all(&mut *c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificateRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub application_id: Option<Uuid>,
    pub title: String,
    pub content_type: String,
    /// Sealed here by earlier versions; now the file is in the file store
    /// under the certificate's id (`objects`).
    pub file_enc: Option<Vec<u8>>,
    pub verified_at: Option<i64>,
    pub created_at: i64,
}

pub async fn insert_certificate(conn: Conn<'_>, r: &CertificateRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO teacher_certificates (id, account_id, application_id, title, content_type, file_enc, \
         verified_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(r.id).bind(r.account_id).bind(r.application_id).bind(&r.title).bind(&r.content_type)
        .bind(&r.file_enc).bind(r.verified_at).bind(r.created_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The member's certificates (without the files), oldest first.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificateInfo {
    pub id: Uuid,
    pub title: String,
    pub content_type: String,
    pub verified_at: Option<i64>,
}

pub async fn certificates(conn: Conn<'_>, account: Uuid) -> Result<Vec<CertificateInfo>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CertificateInfo>(
        "SELECT id, title, content_type, verified_at FROM teacher_certificates \
         WHERE account_id = $1 ORDER BY created_at, id")
        .bind(account).fetch_all(&mut *c).await)?)
}

pub async fn certificate(conn: Conn<'_>, id: Uuid) -> Result<Option<CertificateRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, CertificateRow>(
        "SELECT id, account_id, application_id, title, content_type, file_enc, verified_at, created_at \
         FROM teacher_certificates WHERE id = $1")
        .bind(id).fetch_optional(&mut *c).await)?)
}

/// Marks the member's certificates as verified (at approval as professional).
pub async fn verify_certificates(conn: Conn<'_>, account: Uuid, now: i64) -> Result<u64> {
    Ok(on_conn!(conn, c => sqlx::query(
        "UPDATE teacher_certificates SET verified_at = $2 WHERE account_id = $1 AND verified_at IS NULL")
        .bind(account).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

pub async fn insert_video(
    conn: Conn<'_>,
    id: Uuid,
    account: Uuid,
    content_type: &str,
    size: i64,
    now: i64,
) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO teacher_videos (id, account_id, content_type, size_bytes, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(account).bind(content_type).bind(size).bind(now)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The member's videos: (id, content type).
pub async fn videos(conn: Conn<'_>, account: Uuid) -> Result<Vec<(Uuid, String)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, String)>(
        "SELECT id, content_type FROM teacher_videos WHERE account_id = $1")
        .bind(account).fetch_all(&mut *c).await)?)
}

pub async fn video(conn: Conn<'_>, id: Uuid) -> Result<Option<(Uuid, String)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, String)>(
        "SELECT account_id, content_type FROM teacher_videos WHERE id = $1")
        .bind(id).fetch_optional(&mut *c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeacherRow {
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub tier: Tier,
    #[sqlx(try_from = "String")]
    pub status: TeacherStatus,
    pub real_name_enc: Vec<u8>,
    pub headline: Option<String>,
    pub about: String,
    pub country: String,
    #[sqlx(try_from = "String")]
    pub country_visibility: Visibility,
    pub education: Option<String>,
    #[sqlx(try_from = "String")]
    pub education_visibility: Visibility,
    pub experience: Option<String>,
    #[sqlx(try_from = "String")]
    pub experience_visibility: Visibility,
    pub expertise: Option<String>,
    #[sqlx(try_from = "String")]
    pub expertise_visibility: Visibility,
    pub video_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub video_visibility: Visibility,
    pub trial_price_minor: Option<i64>,
    pub min_notice_minutes: i64,
    pub horizon_days: i64,
    pub buffer_before_minutes: i64,
    pub buffer_after_minutes: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
    pub approved_at: i64,
    pub updated_at: i64,
}

const TEACHER: &str = "account_id, tier, status, real_name_enc, headline, about, country, country_visibility, \
     education, education_visibility, experience, experience_visibility, expertise, expertise_visibility, video_id, \
     video_visibility, trial_price_minor, min_notice_minutes, horizon_days, buffer_before_minutes, \
     buffer_after_minutes, rating_sum, rating_count, approved_at, updated_at";

pub async fn insert_teacher(conn: Conn<'_>, t: &TeacherRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO teachers ({TEACHER}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
         $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(t.account_id).bind(t.tier.as_str()).bind(t.status.as_str()).bind(&t.real_name_enc).bind(&t.headline)
        .bind(&t.about).bind(&t.country).bind(t.country_visibility.as_str()).bind(&t.education)
        .bind(t.education_visibility.as_str()).bind(&t.experience).bind(t.experience_visibility.as_str()).bind(&t.expertise)
        .bind(t.expertise_visibility.as_str()).bind(t.video_id).bind(t.video_visibility.as_str()).bind(t.trial_price_minor)
        .bind(t.min_notice_minutes).bind(t.horizon_days).bind(t.buffer_before_minutes)
        .bind(t.buffer_after_minutes).bind(t.rating_sum).bind(t.rating_count).bind(t.approved_at)
        .bind(t.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// What a teacher edits on their homepage and booking rules.
pub async fn update_teacher(conn: Conn<'_>, t: &TeacherRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE teachers SET status = $2, headline = $3, about = $4, country_visibility = $5, education = $6, \
         education_visibility = $7, experience = $8, experience_visibility = $9, expertise = $10, \
         expertise_visibility = $11, video_visibility = $12, trial_price_minor = $13, min_notice_minutes = $14, \
         horizon_days = $15, buffer_before_minutes = $16, buffer_after_minutes = $17, updated_at = $18 \
         WHERE account_id = $1")
        .bind(t.account_id).bind(t.status.as_str()).bind(&t.headline).bind(&t.about).bind(t.country_visibility.as_str())
        .bind(&t.education).bind(t.education_visibility.as_str()).bind(&t.experience).bind(t.experience_visibility.as_str())
        .bind(&t.expertise).bind(t.expertise_visibility.as_str()).bind(t.video_visibility.as_str()).bind(t.trial_price_minor)
        .bind(t.min_notice_minutes).bind(t.horizon_days).bind(t.buffer_before_minutes)
        .bind(t.buffer_after_minutes).bind(t.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts a new review's rating into the teacher's average, atomically
/// (two reviews at once must both count).
pub async fn add_rating(conn: Conn<'_>, teacher: Uuid, rating: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE teachers SET rating_sum = rating_sum + $2, rating_count = rating_count + 1 WHERE account_id = $1")
        .bind(teacher).bind(rating).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A corrected (verified) legal name, sealed.
pub async fn set_real_name(conn: Conn<'_>, account: Uuid, enc: &[u8], now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE teachers SET real_name_enc = $2, updated_at = $3 WHERE account_id = $1")
        .bind(account).bind(enc).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn teacher(conn: Conn<'_>, account: Uuid) -> Result<Option<TeacherRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {TEACHER} FROM teachers WHERE account_id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, TeacherRow>(sql).bind(account).fetch_optional(&mut *c).await)?)
}

pub async fn set_languages(mut conn: Conn<'_>, account: Uuid, languages: &[(String, String)]) -> Result<()> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM teacher_languages WHERE account_id = $1")
        .bind(account).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for (language, level) in languages {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO teacher_languages (account_id, language, level) VALUES ($1, $2, $3)")
            .bind(account).bind(language).bind(level).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn languages(conn: Conn<'_>, account: Uuid) -> Result<Vec<(String, String)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (String, String)>(
        "SELECT language, level FROM teacher_languages WHERE account_id = $1 ORDER BY language")
        .bind(account).fetch_all(&mut *c).await)?)
}

/// What search needs of a teacher who may appear in it: active, and not
/// restricted (GDPR Art. 18).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Searchable {
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub tier: Tier,
    pub headline: Option<String>,
    pub about: String,
    pub country: String,
    #[sqlx(try_from = "String")]
    pub country_visibility: Visibility,
    pub trial_price_minor: Option<i64>,
    pub min_notice_minutes: i64,
    pub horizon_days: i64,
    pub buffer_before_minutes: i64,
    pub buffer_after_minutes: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
    pub display_name: String,
    pub avatar_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub avatar_visibility: Visibility,
    pub time_zone: String,
}

const SEARCHABLE: &str = "SELECT t.account_id, t.tier, t.headline, t.about, t.country, t.country_visibility, \
     t.trial_price_minor, t.min_notice_minutes, t.horizon_days, t.buffer_before_minutes, t.buffer_after_minutes, \
     t.rating_sum, t.rating_count, p.display_name, p.avatar_id, p.avatar_visibility, p.time_zone \
     FROM teachers t JOIN profiles p ON p.account_id = t.account_id \
     WHERE t.status = 'active' \
     AND NOT EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.account_id = t.account_id AND r.lifted_at IS NULL)";

/// The display names of every teacher but `except`.
pub async fn other_teacher_names(conn: Conn<'_>, except: Uuid) -> Result<Vec<String>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, String>(
        "SELECT p.display_name FROM teachers t JOIN profiles p ON p.account_id = t.account_id \
         WHERE t.account_id <> $1")
        .bind(except).fetch_all(&mut *c).await)?)
}

pub async fn searchable(conn: Conn<'_>) -> Result<Vec<Searchable>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, Searchable>(SEARCHABLE).fetch_all(&mut *c).await)?)
}

pub async fn searchable_one(conn: Conn<'_>, account: Uuid) -> Result<Option<Searchable>> {
    let sql = sqlx::AssertSqlSafe(format!("{SEARCHABLE} AND t.account_id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, Searchable>(sql).bind(account).fetch_optional(&mut *c).await)?)
}

/// Every teacher's languages: (teacher, language, level).
pub async fn all_languages(conn: Conn<'_>) -> Result<Vec<(Uuid, String, String)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, String, String)>(
        "SELECT account_id, language, level FROM teacher_languages").fetch_all(&mut *c).await)?)
}
