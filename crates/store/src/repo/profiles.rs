use crate::{Conn, Result, on_conn};
use koine_domain::profile::Visibility;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileRow {
    pub account_id: Uuid,
    pub display_name: String,
    pub bio: Option<String>,
    pub country: Option<String>,
    pub time_zone: String,
    pub ui_locale: Option<String>,
    pub avatar_id: Option<Uuid>,
    /// Who sees the photo: `public`, `members` or `private`.
    #[sqlx(try_from = "String")]
    pub avatar_visibility: Visibility,
    #[sqlx(try_from = "String")]
    pub birth_date_visibility: Visibility,
    pub gender: Option<String>,
    #[sqlx(try_from = "String")]
    pub gender_visibility: Visibility,
    pub location: Option<String>,
    #[sqlx(try_from = "String")]
    pub location_visibility: Visibility,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LanguageRow {
    pub language: String,
    pub level: String,
}

pub async fn upsert(conn: Conn<'_>, p: &ProfileRow) -> Result<()> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO profiles (account_id, display_name, bio, country, time_zone, ui_locale, avatar_id, \
         birth_date_visibility, gender, gender_visibility, location, location_visibility, updated_at, \
         avatar_visibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (account_id) DO UPDATE SET display_name = $2, bio = $3, country = $4, time_zone = $5, \
         ui_locale = $6, avatar_id = $7, birth_date_visibility = $8, gender = $9, gender_visibility = $10, \
         location = $11, location_visibility = $12, updated_at = $13, avatar_visibility = $14")
        .bind(p.account_id).bind(&p.display_name).bind(&p.bio).bind(&p.country).bind(&p.time_zone)
        .bind(&p.ui_locale).bind(p.avatar_id).bind(p.birth_date_visibility.as_str()).bind(&p.gender)
        .bind(p.gender_visibility.as_str()).bind(&p.location).bind(p.location_visibility.as_str()).bind(p.updated_at)
        .bind(p.avatar_visibility.as_str())
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, account: Uuid) -> Result<Option<ProfileRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ProfileRow>(
        "SELECT account_id, display_name, bio, country, time_zone, ui_locale, avatar_id, avatar_visibility, \
         birth_date_visibility, gender, gender_visibility, location, location_visibility, updated_at \
         FROM profiles WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?)
}

/// Whose photo `avatar` is, who may see it, and whether its owner's
/// processing is restricted (GDPR Art. 18: a restricted profile is shown
/// to nobody but its owner).
/// Whose photo `avatar` is, who may see it, and whether its owner
/// restricted processing.
pub async fn avatar_owner(conn: Conn<'_>, avatar: Uuid) -> Result<Option<AvatarOwner>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, AvatarOwner>(
        "SELECT p.account_id, p.avatar_visibility, EXISTS (SELECT 1 FROM processing_restrictions r \
         WHERE r.account_id = p.account_id AND r.lifted_at IS NULL) AS restricted FROM profiles p \
         WHERE p.avatar_id = $1")
        .bind(avatar).fetch_optional(&mut *c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AvatarOwner {
    pub account_id: Uuid,
    #[sqlx(try_from = "String")]
    pub avatar_visibility: Visibility,
    pub restricted: bool,
}

/// Display names and interface languages of `accounts` (those that have a
/// profile), in one statement.
pub async fn names_and_locales(
    conn: Conn<'_>,
    accounts: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, (String, Option<String>)>> {
    if accounts.is_empty() {
        return Ok(Default::default());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT account_id, display_name, ui_locale FROM profiles WHERE account_id IN ({})",
        super::placeholders(1, accounts.len())
    ));
    let rows: Vec<(Uuid, String, Option<String>)> = on_conn!(conn, c => {
        let mut q = sqlx::query_as(sql);
        for a in accounts {
            q = q.bind(*a);
        }
        q.fetch_all(&mut *c).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, locale)| (id, (name, locale)))
        .collect())
}

pub async fn set_avatar(conn: Conn<'_>, account: Uuid, avatar: Option<Uuid>, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE profiles SET avatar_id = $2, updated_at = $3 WHERE account_id = $1")
        .bind(account).bind(avatar).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_locale(conn: Conn<'_>, account: Uuid, locale: &str, now: i64) -> Result<()> {
    on_conn!(conn, c => sqlx::query("UPDATE profiles SET ui_locale = $2, updated_at = $3 WHERE account_id = $1")
        .bind(account).bind(locale).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn languages(conn: Conn<'_>, account: Uuid) -> Result<Vec<LanguageRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, LanguageRow>(
        "SELECT language, level FROM profile_languages WHERE account_id = $1 ORDER BY language")
        .bind(account).fetch_all(&mut *c).await)?)
}

/// Replaces the whole language list (call inside a transaction).
pub async fn replace_languages(mut conn: Conn<'_>, account: Uuid, langs: &[LanguageRow]) -> Result<()> {
    on_conn!(conn.reborrow(), c => sqlx::query("DELETE FROM profile_languages WHERE account_id = $1")
        .bind(account).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for l in langs {
        on_conn!(conn.reborrow(), c => sqlx::query(
            "INSERT INTO profile_languages (account_id, language, level) VALUES ($1, $2, $3)")
            .bind(account).bind(&l.language).bind(&l.level).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
