//! Lessons, their history and proposed new times.

use super::OptionalName;
use crate::{Conn, Result, on_conn};
use koine_domain::booking::{CancelledBy, LessonKind, LessonStatus, Outcome, ProblemKind, ProposalStatus};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonRow {
    pub id: Uuid,
    pub learner_id: Uuid,
    pub teacher_id: Uuid,
    pub offering_id: Option<Uuid>,
    pub package_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub kind: LessonKind,
    pub language: String,
    pub duration_minutes: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    #[sqlx(try_from = "String")]
    pub status: LessonStatus,
    pub price_minor: i64,
    pub paid_minor: i64,
    pub discount_minor: i64,
    pub currency: String,
    pub coupon_id: Option<Uuid>,
    pub commission_bp: i64,
    pub note: Option<String>,
    pub requested_at: i64,
    pub respond_by: i64,
    pub confirmed_at: Option<i64>,
    pub closed_at: Option<i64>,
    #[sqlx(try_from = "OptionalName")]
    pub cancelled_by: Option<CancelledBy>,
    pub late_cancellation: bool,
    #[sqlx(try_from = "OptionalName")]
    pub problem_kind: Option<ProblemKind>,
    pub problem_text: Option<String>,
    pub problem_reported_at: Option<i64>,
    /// What happened to the money when the lesson closed.
    #[sqlx(try_from = "OptionalName")]
    pub outcome: Option<Outcome>,
    pub refund_minor: Option<i64>,
    pub settled_by: Option<Uuid>,
    pub settlement_reason: Option<String>,
    pub reminded_24h_at: Option<i64>,
    pub reminded_1h_at: Option<i64>,
    /// Bumped on every change a calendar should show.
    pub sequence: i64,
    pub updated_at: i64,
    /// When the classroom had seen both members (set once, never on insert).
    pub both_attended_at: Option<i64>,
}

const LESSON: &str = "id, learner_id, teacher_id, offering_id, package_id, kind, language, duration_minutes, \
    starts_at, ends_at, status, price_minor, paid_minor, discount_minor, currency, coupon_id, commission_bp, note, \
    requested_at, respond_by, confirmed_at, closed_at, cancelled_by, late_cancellation, problem_kind, problem_text, \
    problem_reported_at, outcome, refund_minor, settled_by, settlement_reason, reminded_24h_at, reminded_1h_at, \
    sequence, updated_at";

/// What reading a lesson takes: every column written on booking, and the
/// attendance mark set later.
const LESSON_READ: &str = "id, learner_id, teacher_id, offering_id, package_id, kind, language, duration_minutes, \
    starts_at, ends_at, status, price_minor, paid_minor, discount_minor, currency, coupon_id, commission_bp, note, \
    requested_at, respond_by, confirmed_at, closed_at, cancelled_by, late_cancellation, problem_kind, problem_text, \
    problem_reported_at, outcome, refund_minor, settled_by, settlement_reason, reminded_24h_at, reminded_1h_at, \
    sequence, updated_at, both_attended_at";

/// Takes the teacher's time for the rest of the transaction, before a
/// lesson is written into it. PostgreSQL's exclusion constraint alone is
/// safe but, when many insert overlapping lessons at once, they wait on
/// each other's uncommitted rows until the deadlock detector picks
/// victims (a second each); queued on the teacher's row, each finds the
/// winner committed and is refused at once. SQLite's writers take turns
/// already.
pub async fn lock_teacher_time(conn: Conn<'_>, teacher: Uuid) -> Result<()> {
    if let Conn::Postgres(c) = conn {
        sqlx::query("SELECT account_id FROM teachers WHERE account_id = $1 FOR UPDATE")
            .bind(teacher)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

pub async fn insert(conn: Conn<'_>, l: &LessonRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO lessons ({LESSON}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(l.id).bind(l.learner_id).bind(l.teacher_id).bind(l.offering_id).bind(l.package_id).bind(l.kind.as_str())
        .bind(&l.language).bind(l.duration_minutes).bind(l.starts_at).bind(l.ends_at).bind(l.status.as_str())
        .bind(l.price_minor).bind(l.paid_minor).bind(l.discount_minor).bind(&l.currency).bind(l.coupon_id)
        .bind(l.commission_bp).bind(&l.note).bind(l.requested_at).bind(l.respond_by).bind(l.confirmed_at)
        .bind(l.closed_at).bind(l.cancelled_by.map(CancelledBy::as_str)).bind(l.late_cancellation).bind(l.problem_kind.map(ProblemKind::as_str))
        .bind(&l.problem_text).bind(l.problem_reported_at).bind(l.outcome.map(Outcome::as_str)).bind(l.refund_minor)
        .bind(l.settled_by).bind(&l.settlement_reason).bind(l.reminded_24h_at).bind(l.reminded_1h_at)
        .bind(l.sequence).bind(l.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, id: Uuid) -> Result<Option<LessonRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {LESSON_READ} FROM lessons WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, LessonRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// The lesson, locked until the transaction ends (PostgreSQL; SQLite's
/// writers are serialized already).
pub async fn get_locked(conn: Conn<'_>, id: Uuid) -> Result<Option<LessonRow>> {
    let lock = if matches!(conn, Conn::Postgres(_)) {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = sqlx::AssertSqlSafe(format!("SELECT {LESSON_READ} FROM lessons WHERE id = $1{lock}"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, LessonRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// Writes back everything a step can change.
pub async fn update(conn: Conn<'_>, l: &LessonRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "UPDATE lessons SET status = $2, starts_at = $3, ends_at = $4, confirmed_at = $5, closed_at = $6, \
         cancelled_by = $7, late_cancellation = $8, problem_kind = $9, problem_text = $10, problem_reported_at = $11, \
         outcome = $12, refund_minor = $13, settled_by = $14, settlement_reason = $15, reminded_24h_at = $16, \
         reminded_1h_at = $17, sequence = $18, updated_at = $19 WHERE id = $1")
        .bind(l.id).bind(l.status.as_str()).bind(l.starts_at).bind(l.ends_at).bind(l.confirmed_at).bind(l.closed_at)
        .bind(l.cancelled_by.map(CancelledBy::as_str)).bind(l.late_cancellation).bind(l.problem_kind.map(ProblemKind::as_str)).bind(&l.problem_text)
        .bind(l.problem_reported_at).bind(l.outcome.map(Outcome::as_str)).bind(l.refund_minor).bind(l.settled_by)
        .bind(&l.settlement_reason).bind(l.reminded_24h_at).bind(l.reminded_1h_at).bind(l.sequence)
        .bind(l.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A member's lessons as learner or teacher, around a time: upcoming
/// first (soonest first), then past (latest first).
pub async fn of_member(conn: Conn<'_>, account: Uuid, limit: i64) -> Result<Vec<LessonRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {LESSON_READ} FROM lessons WHERE learner_id = $1 OR teacher_id = $1 ORDER BY starts_at DESC LIMIT $2"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, LessonRow>(sql).bind(account).bind(limit).fetch_all(&mut *c).await)?)
}

/// The member's next lesson going ahead that has not ended before `after`
/// (its room may still be open), soonest first.
pub async fn next_of_member(conn: Conn<'_>, account: Uuid, after: i64) -> Result<Option<LessonRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {LESSON_READ} FROM lessons WHERE (learner_id = $1 OR teacher_id = $1) \
         AND status IN ('confirmed', 'awaiting_confirmation') AND ends_at > $2 ORDER BY starts_at LIMIT 1"
    ));
    Ok(
        on_conn!(conn, c => sqlx::query_as::<_, LessonRow>(sql).bind(account).bind(after).fetch_optional(&mut *c).await)?,
    )
}

/// Lessons holding a teacher's time that overlap `[from, until)` (with
/// room for buffers: callers widen the range).
pub async fn busy(conn: Conn<'_>, teacher: Uuid, from: i64, until: i64) -> Result<Vec<(Uuid, i64, i64)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, i64, i64)>(
        "SELECT id, starts_at, ends_at FROM lessons WHERE teacher_id = $1 AND status IN ('requested', 'confirmed') \
         AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at")
        .bind(teacher).bind(from).bind(until).fetch_all(&mut *c).await)?)
}

/// Every teacher's lessons holding time that overlap `[from, until)`, as
/// (teacher, starts, ends): what the search index takes off their hours.
pub async fn busy_all(conn: Conn<'_>, from: i64, until: i64) -> Result<Vec<(Uuid, i64, i64)>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (Uuid, i64, i64)>(
        "SELECT teacher_id, starts_at, ends_at FROM lessons WHERE status IN ('requested', 'confirmed') \
         AND starts_at < $2 AND ends_at > $1 ORDER BY teacher_id, starts_at")
        .bind(from).bind(until).fetch_all(&mut *c).await)?)
}

/// Lessons awaiting confirmation that both members attended and that ended
/// by `cutoff` (they complete sooner).
pub async fn due_attended(conn: Conn<'_>, cutoff: i64, limit: i64) -> Result<Vec<Uuid>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM lessons WHERE status = 'awaiting_confirmation' AND both_attended_at IS NOT NULL \
         AND ends_at <= $1 ORDER BY ends_at LIMIT $2")
        .bind(cutoff).bind(limit).fetch_all(&mut *c).await)?)
}

/// Lessons of `status` whose `instant` column is at or before `cutoff`:
/// the ones a timer is due for.
pub async fn due(conn: Conn<'_>, status: &str, instant: &'static str, cutoff: i64, limit: i64) -> Result<Vec<Uuid>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id FROM lessons WHERE status = $1 AND {instant} <= $2 ORDER BY {instant} LIMIT $3"
    ));
    Ok(
        on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(status).bind(cutoff).bind(limit)
        .fetch_all(&mut *c).await)?,
    )
}

/// Confirmed lessons starting within `ahead` of `now` not yet reminded in
/// `column` (`reminded_24h_at` or `reminded_1h_at`).
pub async fn to_remind(conn: Conn<'_>, column: &'static str, now: i64, ahead: i64, limit: i64) -> Result<Vec<Uuid>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id FROM lessons WHERE status = 'confirmed' AND {column} IS NULL AND starts_at > $1 \
         AND starts_at <= $2 ORDER BY starts_at LIMIT $3"
    ));
    Ok(
        on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(now).bind(now + ahead).bind(limit)
        .fetch_all(&mut *c).await)?,
    )
}

/// Marks a reminder sent; `false` if another worker sent it first.
pub async fn mark_reminded(conn: Conn<'_>, id: Uuid, column: &'static str, now: i64) -> Result<bool> {
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE lessons SET {column} = $2 WHERE id = $1 AND {column} IS NULL AND status = 'confirmed'"
    ));
    let n = on_conn!(conn, c => sqlx::query(sql).bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Open lessons of a member, as learner or teacher (for account deletion).
pub async fn open_of(conn: Conn<'_>, account: Uuid) -> Result<Vec<LessonRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {LESSON_READ} FROM lessons WHERE (learner_id = $1 OR teacher_id = $1) AND closed_at IS NULL \
         ORDER BY starts_at"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, LessonRow>(sql).bind(account).fetch_all(&mut *c).await)?)
}

/// Whether the learner has a trial with the teacher that counts (one not
/// ended refunded).
/// Whether the two have any lesson together, as learner and teacher
/// either way round, whatever became of it.
pub async fn between(conn: Conn<'_>, a: Uuid, b: Uuid) -> Result<bool> {
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM lessons WHERE (learner_id = $1 AND teacher_id = $2) OR (learner_id = $2 AND teacher_id = $1)")
        .bind(a).bind(b).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

pub async fn has_trial(conn: Conn<'_>, learner: Uuid, teacher: Uuid) -> Result<bool> {
    let n: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM lessons WHERE learner_id = $1 AND teacher_id = $2 AND kind = 'trial' \
         AND status NOT IN ('declined', 'withdrawn', 'expired', 'cancelled')")
        .bind(learner).bind(teacher).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

/// Lessons taken from a package that used it up (not given back in full).
pub async fn package_lessons_used(conn: Conn<'_>, package: Uuid) -> Result<i64> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM lessons WHERE package_id = $1 AND (outcome IS NULL OR outcome <> 'refund')")
        .bind(package).fetch_one(&mut *c).await)?)
}

/// Uses of a coupon (not given back by a full refund): by one member, and
/// by everyone.
pub async fn coupon_uses(conn: Conn<'_>, coupon: Uuid, member: Uuid) -> Result<(i64, i64)> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT CAST(COALESCE(SUM(CASE WHEN learner_id = $2 THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*) \
         FROM lessons WHERE coupon_id = $1 AND (outcome IS NULL OR outcome <> 'refund')")
        .bind(coupon).bind(member).fetch_one(&mut *c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub lesson_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub detail: Option<String>,
    pub created_at: i64,
}

pub async fn insert_event(conn: Conn<'_>, e: &EventRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO lesson_events (id, lesson_id, actor_id, action, from_status, to_status, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(e.id).bind(e.lesson_id).bind(e.actor_id).bind(&e.action).bind(&e.from_status).bind(&e.to_status)
        .bind(&e.detail).bind(e.created_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn events(conn: Conn<'_>, lesson: Uuid) -> Result<Vec<EventRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, EventRow>(
        "SELECT id, lesson_id, actor_id, action, from_status, to_status, detail, created_at FROM lesson_events \
         WHERE lesson_id = $1 ORDER BY created_at, id")
        .bind(lesson).fetch_all(&mut *c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProposalRow {
    pub id: Uuid,
    pub lesson_id: Uuid,
    pub proposed_by: Uuid,
    pub starts_at: i64,
    pub ends_at: i64,
    #[sqlx(try_from = "String")]
    pub status: ProposalStatus,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const PROPOSAL: &str = "id, lesson_id, proposed_by, starts_at, ends_at, status, created_at, decided_at";

pub async fn insert_proposal(conn: Conn<'_>, p: &ProposalRow) -> Result<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO reschedule_proposals ({PROPOSAL}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ));
    on_conn!(conn, c => sqlx::query(sql)
        .bind(p.id).bind(p.lesson_id).bind(p.proposed_by).bind(p.starts_at).bind(p.ends_at).bind(p.status.as_str())
        .bind(p.created_at).bind(p.decided_at).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The lesson's pending proposal, if any.
pub async fn pending_proposal(conn: Conn<'_>, lesson: Uuid) -> Result<Option<ProposalRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {PROPOSAL} FROM reschedule_proposals WHERE lesson_id = $1 AND status = 'pending'"
    ));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ProposalRow>(sql).bind(lesson).fetch_optional(&mut *c).await)?)
}

pub async fn proposal(conn: Conn<'_>, id: Uuid) -> Result<Option<ProposalRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {PROPOSAL} FROM reschedule_proposals WHERE id = $1"));
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ProposalRow>(sql).bind(id).fetch_optional(&mut *c).await)?)
}

/// Moves a pending proposal to `status`; `false` if it was no longer pending.
pub async fn decide_proposal(conn: Conn<'_>, id: Uuid, status: ProposalStatus, now: i64) -> Result<bool> {
    let n = on_conn!(conn, c => sqlx::query(
        "UPDATE reschedule_proposals SET status = $2, decided_at = $3 WHERE id = $1 AND status = 'pending'")
        .bind(id).bind(status.as_str()).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Pending proposals of a lesson that is no longer confirmed, or whose old
/// or new time has come: they can no longer be accepted.
pub async fn stale_proposals(conn: Conn<'_>, now: i64) -> Result<Vec<Uuid>> {
    Ok(on_conn!(conn, c => sqlx::query_scalar::<_, Uuid>(
        "SELECT p.id FROM reschedule_proposals p JOIN lessons l ON l.id = p.lesson_id \
         WHERE p.status = 'pending' AND (l.status <> 'confirmed' OR l.starts_at <= $1 OR p.starts_at <= $1)")
        .bind(now).fetch_all(&mut *c).await)?)
}
