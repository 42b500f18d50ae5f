use crate::{Conn, Result, on_conn};
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
    pub birth_date_visibility: String,
    pub gender: Option<String>,
    pub gender_visibility: String,
    pub location: Option<String>,
    pub location_visibility: String,
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
         birth_date_visibility, gender, gender_visibility, location, location_visibility, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (account_id) DO UPDATE SET display_name = $2, bio = $3, country = $4, time_zone = $5, \
         ui_locale = $6, avatar_id = $7, birth_date_visibility = $8, gender = $9, gender_visibility = $10, \
         location = $11, location_visibility = $12, updated_at = $13")
        .bind(p.account_id).bind(&p.display_name).bind(&p.bio).bind(&p.country).bind(&p.time_zone)
        .bind(&p.ui_locale).bind(p.avatar_id).bind(&p.birth_date_visibility).bind(&p.gender)
        .bind(&p.gender_visibility).bind(&p.location).bind(&p.location_visibility).bind(p.updated_at)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: Conn<'_>, account: Uuid) -> Result<Option<ProfileRow>> {
    Ok(on_conn!(conn, c => sqlx::query_as::<_, ProfileRow>(
        "SELECT account_id, display_name, bio, country, time_zone, ui_locale, avatar_id, birth_date_visibility, \
         gender, gender_visibility, location, location_visibility, updated_at FROM profiles WHERE account_id = $1")
        .bind(account).fetch_optional(&mut *c).await)?)
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
