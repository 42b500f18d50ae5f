//! The teacher's homepage: what they chose to show, to whom (each optional
//! field has its own visibility, as on the profile), and its editing.

use crate::accounts::Principal;
use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::age::{self, AgeDecision};
use koine_domain::profile::{Country, LanguageSkill, Viewer, Visibility};
use koine_domain::teaching::{TeacherStatus, Tier, public_text};
use koine_domain::validation::{FieldErrors, optional};
use koine_store::repo::teaching::{self as repo, TeacherRow};
use koine_store::repo::{profiles, restrictions};
use uuid::Uuid;

/// A homepage as one viewer sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Homepage {
    pub id: Uuid,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub tier: Tier,
    pub headline: Option<String>,
    pub about: String,
    pub country: Option<String>,
    pub education: Option<String>,
    pub experience: Option<String>,
    pub expertise: Option<String>,
    pub video_url: Option<String>,
    /// (language, level) taught.
    pub languages: Vec<(String, String)>,
    /// The teacher's time zone, in which their availability is set.
    pub time_zone: String,
    pub trial_price_minor: Option<i64>,
    /// Average rating ×100 and how many reviews (reviews come with lessons).
    pub rating: Option<(i64, i64)>,
    pub active: bool,
}

/// What a teacher may change on their homepage, as typed.
#[derive(Debug, Clone, Default)]
pub struct HomepageInput {
    pub headline: String,
    pub about: String,
    pub education: String,
    pub experience: String,
    pub expertise: String,
    pub country_visibility: String,
    pub education_visibility: String,
    pub experience_visibility: String,
    pub expertise_visibility: String,
    pub video_visibility: String,
    /// `active` or `hidden`.
    pub status: String,
    /// Where the teacher lives now (a country code); empty keeps it.
    pub country: String,
    /// (language, level) taught; none keeps them.
    pub languages: Vec<(String, String)>,
}

/// A checked homepage edit.
#[derive(Debug, Clone)]
pub struct HomepageUpdate {
    pub headline: Option<String>,
    pub about: String,
    pub education: Option<String>,
    pub experience: Option<String>,
    pub expertise: Option<String>,
    pub country_visibility: Visibility,
    pub education_visibility: Visibility,
    pub experience_visibility: Visibility,
    pub expertise_visibility: Visibility,
    pub video_visibility: Visibility,
    /// Shown in search and to members (`false`: hidden).
    pub active: bool,
    /// `None` keeps the country.
    pub country: Option<Country>,
    /// `None` keeps the languages.
    pub languages: Option<Vec<LanguageSkill>>,
}

impl HomepageUpdate {
    /// The one reading of a homepage edit: the edit, or every field's
    /// error at once.
    pub fn parse(f: &HomepageInput) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let mut visibility = |field: &'static str, v: &str| {
            errors.take(Visibility::parse(v).map_err(|_| Invalid::new(field, "invalid-choice")))
        };
        let country_visibility = visibility("country_visibility", &f.country_visibility);
        let education_visibility = visibility("education_visibility", &f.education_visibility);
        let experience_visibility = visibility("experience_visibility", &f.experience_visibility);
        let expertise_visibility = visibility("expertise_visibility", &f.expertise_visibility);
        let video_visibility = visibility("video_visibility", &f.video_visibility);
        let active = errors.take(TeacherStatus::parse(&f.status).map(|s| s == TeacherStatus::Active));
        let headline = errors.take(public_text("headline", &f.headline, 120));
        let about =
            errors.take(public_text("about", &f.about, 2000).and_then(|a| a.ok_or(Invalid::new("about", "required"))));
        let education = errors.take(public_text("education", &f.education, 2000));
        let experience = errors.take(public_text("experience", &f.experience, 2000));
        let expertise = errors.take(public_text("expertise", &f.expertise, 2000));
        let country = errors.take(optional(&f.country, Country::parse));
        let languages = if f.languages.is_empty() {
            Some(None)
        } else {
            errors
                .take(super::applications::taught_languages(&f.languages))
                .map(Some)
        };
        errors.finish(|| {
            Some(Self {
                headline: headline?,
                about: about?,
                education: education?,
                experience: experience?,
                expertise: expertise?,
                country_visibility: country_visibility?,
                education_visibility: education_visibility?,
                experience_visibility: experience_visibility?,
                expertise_visibility: expertise_visibility?,
                video_visibility: video_visibility?,
                active: active?,
                country: country?,
                languages: languages?,
            })
        })
    }
}

impl Services {
    pub async fn is_teacher(&self, account: Uuid) -> Result<bool> {
        let mut c = self.db.acquire().await?;
        Ok(repo::teacher(c.conn(), account).await?.is_some())
    }

    /// Teaching is for adults (18 or older), whatever the minimum age to learn.
    pub async fn is_adult(&self, account: Uuid) -> Result<bool> {
        let birth = self.contact_details(account).await?.birth_date;
        Ok(birth.is_some_and(|b| {
            age::decide(b, self.clock.today_utc(), self.settings.min_learner_age) == AgeDecision::Adult
        }))
    }

    fn viewer_of(p: Option<&Principal>, teacher: Uuid) -> Viewer {
        match p {
            Some(p) if p.account_id == teacher => Viewer::Owner,
            Some(_) => Viewer::Member,
            None => Viewer::Anonymous,
        }
    }

    /// The teacher row, if `viewer` may see the homepage at all: hidden and
    /// restricted (GDPR Art. 18) homepages are for their owner only.
    async fn visible_teacher(&self, teacher: Uuid, viewer: Viewer) -> Result<TeacherRow> {
        let mut c = self.db.acquire().await?;
        let t = repo::teacher(c.conn(), teacher).await?.ok_or(Error::NotFound)?;
        if viewer != Viewer::Owner
            && (t.status != TeacherStatus::Active || restrictions::active(c.conn(), teacher).await?.is_some())
        {
            return Err(Error::NotFound);
        }
        Ok(t)
    }

    pub async fn homepage(&self, p: Option<&Principal>, teacher: Uuid) -> Result<Homepage> {
        let viewer = Self::viewer_of(p, teacher);
        let t = self.visible_teacher(teacher, viewer).await?;
        let mut c = self.db.acquire().await?;
        let profile = profiles::get(c.conn(), teacher).await?.ok_or(Error::NotFound)?;
        let languages = repo::languages(c.conn(), teacher).await?;
        let shown =
            |value: &Option<String>, visibility: Visibility| value.clone().filter(|_| visibility.visible_to(viewer));
        Ok(Homepage {
            id: teacher,
            display_name: profile.display_name,
            avatar_url: crate::profiles::avatar_url(profile.avatar_id, profile.avatar_visibility, viewer),
            tier: t.tier,
            headline: t.headline.clone(),
            about: t.about.clone(),
            country: shown(&Some(t.country.clone()), t.country_visibility),
            education: shown(&t.education, t.education_visibility),
            experience: shown(&t.experience, t.experience_visibility),
            expertise: shown(&t.expertise, t.expertise_visibility),
            video_url: t
                .video_id
                .filter(|_| t.video_visibility.visible_to(viewer))
                .map(|v| format!("/videos/{v}")),
            languages,
            time_zone: profile.time_zone,
            trial_price_minor: t.trial_price_minor,
            rating: (t.rating_count > 0).then(|| (t.rating_sum * 100 / t.rating_count, t.rating_count)),
            active: t.status == TeacherStatus::Active,
        })
    }

    /// The teacher's own homepage settings, to fill the editing form.
    pub async fn own_homepage(&self, p: &Principal) -> Result<(HomepageInput, Option<Uuid>)> {
        let mut c = self.db.acquire().await?;
        let t = repo::teacher(c.conn(), p.account_id).await?.ok_or(Error::NotFound)?;
        Ok((
            HomepageInput {
                headline: t.headline.unwrap_or_default(),
                about: t.about,
                education: t.education.unwrap_or_default(),
                experience: t.experience.unwrap_or_default(),
                expertise: t.expertise.unwrap_or_default(),
                country_visibility: t.country_visibility.as_str().into(),
                education_visibility: t.education_visibility.as_str().into(),
                experience_visibility: t.experience_visibility.as_str().into(),
                expertise_visibility: t.expertise_visibility.as_str().into(),
                video_visibility: t.video_visibility.as_str().into(),
                status: t.status.as_str().into(),
                country: t.country,
                languages: repo::languages(c.conn(), p.account_id).await?,
            },
            t.video_id,
        ))
    }

    pub async fn update_homepage(&self, p: &Principal, u: HomepageUpdate) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let mut t = repo::teacher(tx.conn(), p.account_id).await?.ok_or(Error::NotFound)?;
        if let Some(c) = u.country {
            t.country = c.code().to_owned();
        }
        if let Some(languages) = &u.languages {
            repo::set_languages(tx.conn(), p.account_id, &super::applications::language_rows(languages)).await?;
        }
        t.headline = u.headline;
        t.about = u.about;
        t.education = u.education;
        t.experience = u.experience;
        t.expertise = u.expertise;
        t.country_visibility = u.country_visibility;
        t.education_visibility = u.education_visibility;
        t.experience_visibility = u.experience_visibility;
        t.expertise_visibility = u.expertise_visibility;
        t.video_visibility = u.video_visibility;
        t.status = if u.active {
            TeacherStatus::Active
        } else {
            TeacherStatus::Hidden
        };
        t.updated_at = now;
        repo::update_teacher(tx.conn(), &t).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    /// A video, if `p` may watch it: its owner, a reviewer, or anyone the
    /// homepage shows it to. (content type, bytes)
    pub async fn video_for(&self, p: Option<&Principal>, id: Uuid) -> Result<(String, Vec<u8>)> {
        let (owner, content_type) = {
            let mut c = self.db.acquire().await?;
            repo::video(c.conn(), id).await?.ok_or(Error::NotFound)?
        };
        let viewer = Self::viewer_of(p, owner);
        if viewer != Viewer::Owner {
            let shown = match self.visible_teacher(owner, viewer).await {
                Ok(t) => t.video_id == Some(id) && t.video_visibility.visible_to(viewer),
                Err(Error::NotFound) => false,
                Err(e) => return Err(e),
            };
            if !shown {
                // Only a reviewer may see what the homepage does not show,
                // and that look at an application is audited (P6).
                let reviewer = p
                    .filter(|p| p.staff_role.is_some_and(|r| r.can_review_teachers()))
                    .ok_or(Error::NotFound)?;
                self.audit(reviewer.account_id, Some(owner), "view_application_video", None)
                    .await?;
            }
        }
        Ok((content_type, self.read_object(id).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_homepage_edit_reports_every_field() {
        let input = HomepageInput {
            about: String::new(),
            status: "gone".into(),
            country_visibility: "everyone".into(),
            country: "Atlantis".into(),
            languages: vec![("es".into(), "A1".into())],
            ..HomepageInput::default()
        };
        let fields: Vec<_> = HomepageUpdate::parse(&input)
            .unwrap_err()
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(
            fields,
            [
                "country_visibility",
                "education_visibility",
                "experience_visibility",
                "expertise_visibility",
                "video_visibility",
                "status",
                "about",
                "country",
                "languages"
            ]
        );
        let ok = HomepageInput {
            about: "I teach Spanish.".into(),
            status: "hidden".into(),
            country_visibility: "members".into(),
            education_visibility: "members".into(),
            experience_visibility: "members".into(),
            expertise_visibility: "members".into(),
            video_visibility: "members".into(),
            ..HomepageInput::default()
        };
        let u = HomepageUpdate::parse(&ok).unwrap();
        assert!(
            !u.active && u.country.is_none() && u.languages.is_none(),
            "blank keeps country and languages"
        );
    }
}
