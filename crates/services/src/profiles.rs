//! Profiles: the owner's editing and what each kind of viewer may see.

use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::profile::{
    Cefr, Country, DisplayName, Gender, Language, LanguageSkill, TimeZoneName, UiLocale, Viewer, Visibility,
    check_languages, parse_bio, parse_location,
};
use koine_domain::validation::{FieldErrors, confusable_skeleton, optional};
use koine_store::repo::profiles::{self, LanguageRow};
use serde::Serialize;
use uuid::Uuid;

/// A profile edit as typed, on the page or in the API, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub display_name: String,
    pub bio: String,
    /// Empty: not shown.
    pub country: String,
    pub time_zone: String,
    pub ui_locale: String,
    /// (language code, level) pairs, in the order given.
    pub languages: Vec<(String, String)>,
    pub birth_date_visibility: String,
    pub gender: String,
    pub gender_visibility: String,
    pub location: String,
    pub location_visibility: String,
    /// `None` keeps the photo's current choice.
    pub avatar_visibility: Option<String>,
}

/// A validated profile edit.
pub struct ProfileUpdate {
    pub display_name: DisplayName,
    pub bio: Option<String>,
    pub country: Option<Country>,
    pub time_zone: TimeZoneName,
    pub ui_locale: UiLocale,
    pub languages: Vec<LanguageSkill>,
    pub birth_date_visibility: Visibility,
    pub gender: Option<Gender>,
    pub gender_visibility: Visibility,
    pub location: Option<String>,
    pub location_visibility: Visibility,
    /// Who sees the photo; `None` keeps the current choice.
    pub avatar_visibility: Option<Visibility>,
}

impl ProfileUpdate {
    /// The one reading of a profile edit, for the page and the API alike:
    /// the valid update, or every field's error at once.
    pub fn parse(input: &ProfileInput) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let display_name = errors.take(DisplayName::parse(&input.display_name));
        let bio = errors.take(parse_bio(&input.bio));
        let country = errors.take(optional(&input.country, Country::parse));
        let time_zone = errors.take(TimeZoneName::parse(&input.time_zone));
        let ui_locale = errors.take(UiLocale::parse(&input.ui_locale));
        let gender = errors.take(optional(&input.gender, Gender::parse));
        let location = errors.take(parse_location(&input.location));
        let vis = |raw: &str| Visibility::parse(raw).map_err(|_| Invalid::new("visibility", "invalid-choice"));
        let birth_date_visibility = errors.take(vis(&input.birth_date_visibility));
        let gender_visibility = errors.take(vis(&input.gender_visibility));
        let location_visibility = errors.take(vis(&input.location_visibility));
        let avatar_visibility = errors.take(input.avatar_visibility.as_deref().map(vis).transpose());
        let mut languages = Vec::new();
        for (code, level) in &input.languages {
            let language = errors.take(Language::parse(code));
            if let (Some(language), Some(level)) = (language, errors.take(Cefr::parse(level))) {
                languages.push(LanguageSkill { language, level });
            }
        }
        errors.take(check_languages(&languages));
        errors.finish(|| {
            Some(Self {
                display_name: display_name?,
                bio: bio?,
                country: country?,
                time_zone: time_zone?,
                ui_locale: ui_locale?,
                languages,
                birth_date_visibility: birth_date_visibility?,
                gender: gender?,
                gender_visibility: gender_visibility?,
                location: location?,
                location_visibility: location_visibility?,
                avatar_visibility: avatar_visibility?,
            })
        })
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LanguageView {
    pub language: String,
    pub level: String,
}

/// A profile as one viewer may see it: hidden fields are `None`.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    pub id: Uuid,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub bio: Option<String>,
    pub country: Option<String>,
    pub time_zone: String,
    pub native_languages: Vec<LanguageView>,
    pub learning_languages: Vec<LanguageView>,
    pub birth_date: Option<String>,
    pub gender: Option<String>,
    pub location: Option<String>,
}

/// The owner's full profile, with the visibility of each optional field.
#[derive(Debug, Clone, Serialize)]
pub struct OwnProfile {
    #[serde(flatten)]
    pub view: ProfileView,
    pub ui_locale: Option<String>,
    pub birth_date_visibility: Visibility,
    pub gender_visibility: Visibility,
    pub location_visibility: Visibility,
    pub avatar_visibility: Visibility,
}

/// The photo's address, if `viewer` may see it.
pub(crate) fn avatar_url(avatar: Option<Uuid>, visibility: Visibility, viewer: Viewer) -> Option<String> {
    avatar
        .filter(|_| visibility.visible_to(viewer))
        .map(|a| format!("/avatars/{a}.png"))
}

impl Services {
    async fn load_profile(&self, account: Uuid, viewer: Viewer) -> Result<OwnProfile> {
        let mut c = self.db.acquire().await?;
        // A restricted account's profile is stored, not shown (GDPR Art. 18).
        if viewer != Viewer::Owner
            && koine_store::repo::restrictions::active(c.conn(), account)
                .await?
                .is_some()
        {
            return Err(Error::NotFound);
        }
        let p = profiles::get(c.conn(), account).await?.ok_or(Error::NotFound)?;
        let langs = profiles::languages(c.conn(), account).await?;
        drop(c);
        let (bd_vis, g_vis, l_vis) = (p.birth_date_visibility, p.gender_visibility, p.location_visibility);
        let birth_date = if bd_vis.visible_to(viewer) {
            self.contact_details(account).await?.birth_date.map(|d| d.to_string())
        } else {
            None
        };
        let (native, learning): (Vec<_>, Vec<_>) = langs
            .into_iter()
            .map(|l| LanguageView {
                language: l.language,
                level: l.level,
            })
            .partition(|l| l.level == Cefr::Native.as_str());
        Ok(OwnProfile {
            view: ProfileView {
                id: account,
                display_name: p.display_name,
                avatar_url: avatar_url(p.avatar_id, p.avatar_visibility, viewer),
                bio: p.bio,
                country: p.country,
                time_zone: p.time_zone,
                native_languages: native,
                learning_languages: learning,
                birth_date,
                gender: p.gender.filter(|_| g_vis.visible_to(viewer)),
                location: p.location.filter(|_| l_vis.visible_to(viewer)),
            },
            ui_locale: p.ui_locale,
            avatar_visibility: p.avatar_visibility,
            birth_date_visibility: bd_vis,
            gender_visibility: g_vis,
            location_visibility: l_vis,
        })
    }

    /// A profile as `viewer` may see it.
    pub async fn view_profile(&self, account: Uuid, viewer: Viewer) -> Result<ProfileView> {
        Ok(self.load_profile(account, viewer).await?.view)
    }

    pub async fn own_profile(&self, account: Uuid) -> Result<OwnProfile> {
        self.load_profile(account, Viewer::Owner).await
    }

    /// Refuses `name` for a teacher (or someone applying to be one) when it
    /// looks like another teacher's: the same UTS #39 skeleton, as
    /// "Maríа López" with a Cyrillic "а" has "María López"'s.
    pub(crate) async fn check_teacher_name(&self, account: Uuid, name: &str) -> Result<()> {
        let names = {
            let mut c = self.db.acquire().await?;
            koine_store::repo::teaching::other_teacher_names(c.conn(), account).await?
        };
        let skeleton = confusable_skeleton(name);
        if names.iter().any(|n| confusable_skeleton(n) == skeleton) {
            return Err(koine_domain::Invalid::new("display_name", "looks-like-another-teacher").into());
        }
        Ok(())
    }

    pub async fn update_profile(&self, account: Uuid, u: ProfileUpdate) -> Result<()> {
        check_languages(&u.languages)?;
        // Teachers, and those whose application is being reviewed.
        let before = {
            let mut c = self.db.acquire().await?;
            let teaches = koine_store::repo::teaching::teacher(c.conn(), account).await?.is_some()
                || koine_store::repo::teaching::latest_application(c.conn(), account)
                    .await?
                    .map(|a| a.status)
                    .is_some_and(koine_domain::teaching::ApplicationStatus::is_open);
            profiles::get(c.conn(), account)
                .await?
                .map(|p| (p.display_name, teaches))
        };
        if let Some((name, true)) = &before
            && name != u.display_name.as_str()
        {
            self.check_teacher_name(account, u.display_name.as_str()).await?;
        }
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let current = profiles::get(tx.conn(), account).await?.ok_or(Error::NotFound)?;
        profiles::upsert(
            tx.conn(),
            &profiles::ProfileRow {
                account_id: account,
                display_name: u.display_name.as_str().into(),
                bio: u.bio,
                country: u.country.map(|c| c.code().into()),
                time_zone: u.time_zone.as_str().into(),
                ui_locale: Some(u.ui_locale.as_str().into()),
                avatar_id: current.avatar_id,
                avatar_visibility: u.avatar_visibility.unwrap_or(current.avatar_visibility),
                birth_date_visibility: u.birth_date_visibility,
                gender: u.gender.map(|g| g.as_str().into()),
                gender_visibility: u.gender_visibility,
                location: u.location,
                location_visibility: u.location_visibility,
                updated_at: now,
            },
        )
        .await?;
        let rows: Vec<LanguageRow> = u
            .languages
            .iter()
            .map(|l| LanguageRow {
                language: l.language.code().into(),
                level: l.level.as_str().into(),
            })
            .collect();
        profiles::replace_languages(tx.conn(), account, &rows).await?;
        tx.commit().await?;
        self.sessions_changed(account);
        Ok(())
    }

    pub async fn set_ui_locale(&self, account: Uuid, locale: UiLocale) -> Result<()> {
        let mut c = self.db.acquire().await?;
        profiles::set_locale(c.conn(), account, locale.as_str(), self.clock.now_us()).await?;
        self.sessions_changed(account);
        Ok(())
    }
}
