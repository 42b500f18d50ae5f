//! Applications to teach: an adult member sends who they are (real name and
//! identity document, sealed under their key), what they teach, their
//! qualifications and certificates, an optional video; trust & safety
//! approves (as a professional teacher or a community tutor), rejects with a
//! reason, or asks for more. Every staff look at an application or a
//! document is audited; the applicant is told each step.

use crate::accounts::Principal;
use crate::files::ObjectKind;
use crate::{Error, Result, Services, crypto};
use koine_domain::Invalid;
use koine_domain::age::{self, AgeDecision};
use koine_domain::profile::{Cefr, Country, Language, LanguageSkill, check_languages};
use koine_domain::refusal::Refusal;
use koine_domain::teaching::{ApplicationStatus, Review, TeacherStatus, Tier, public_text};
use koine_domain::uploads::{self, FileKind};
use koine_domain::validation::{FieldErrors, optional_text};
use koine_store::repo::objects::{self, ObjectRow};
use koine_store::repo::teaching::{self as repo, ApplicationRow, CertificateRow, QueueRow, TeacherRow};
use koine_store::repo::{accounts, profiles};
use uuid::Uuid;

pub const MAX_CERTIFICATES: usize = 5;
pub const MAX_TAUGHT_LANGUAGES: usize = 5;
const INTRODUCTION_MIN: usize = 50;
const TEXT_MAX: usize = 2000;

/// What the application form sends, as typed (files as uploaded bytes).
#[derive(Debug, Default)]
pub struct ApplicationInput {
    pub real_name: String,
    pub country: String,
    /// (language code, level) pairs.
    pub languages: Vec<(String, String)>,
    pub introduction: String,
    pub education: String,
    pub experience: String,
    pub expertise: String,
    /// Required on the first submission; on a resubmission, kept if absent.
    pub id_document: Option<Vec<u8>>,
    /// (title, file).
    pub certificates: Vec<(String, Vec<u8>)>,
    pub video: Option<Vec<u8>>,
    /// A profile photo, for a member who has none yet.
    pub photo: Option<Vec<u8>>,
}

/// A checked application.
struct TeacherApplication {
    real_name: String,
    country: Country,
    languages: Vec<LanguageSkill>,
    introduction: String,
    education: Option<String>,
    experience: Option<String>,
    expertise: Option<String>,
    id_document: Option<(FileKind, Vec<u8>)>,
    certificates: Vec<(String, FileKind, Vec<u8>)>,
    video: Option<(FileKind, Vec<u8>)>,
}

impl TeacherApplication {
    /// The one reading of an application: the application, or every
    /// field's error at once. `first`: no earlier application to keep the
    /// ID document of.
    fn parse(f: ApplicationInput, first: bool) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let real_name = errors.take(
            koine_domain::validation::name_text("real_name", &f.real_name, 100)
                .and_then(|n| n.ok_or(Invalid::new("real_name", "required"))),
        );
        let country = errors.take(Country::parse(&f.country));
        let languages = errors.take(taught_languages(&f.languages));
        let introduction = errors.take(
            public_text("introduction", &f.introduction, TEXT_MAX)
                .and_then(|i| i.ok_or(Invalid::new("introduction", "required")))
                .and_then(|i| {
                    if i.chars().count() < INTRODUCTION_MIN {
                        Err(Invalid::new("introduction", "too-short"))
                    } else {
                        Ok(i)
                    }
                }),
        );
        let education = errors.take(public_text("education", &f.education, TEXT_MAX));
        let experience = errors.take(public_text("experience", &f.experience, TEXT_MAX));
        let expertise = errors.take(public_text("expertise", &f.expertise, TEXT_MAX));
        let id_document = match f.id_document {
            Some(bytes) => errors
                .take(uploads::document("id_document", &bytes))
                .map(|kind| Some((kind, bytes))),
            None if first => {
                errors.push(Invalid::new("id_document", "required"));
                None
            }
            None => Some(None),
        };
        if f.certificates.len() > MAX_CERTIFICATES {
            errors.push(Invalid::new("certificates", "too-many"));
        }
        let mut certificates = Vec::new();
        for (title, bytes) in f.certificates {
            let kind = errors.take(uploads::document("certificates", &bytes));
            let title = errors.take(
                optional_text("certificate_title", &title, 100)
                    .and_then(|t| t.ok_or(Invalid::new("certificate_title", "required"))),
            );
            if let (Some(kind), Some(title)) = (kind, title) {
                certificates.push((title, kind, bytes));
            }
        }
        let video = match f.video {
            Some(bytes) => errors
                .take(uploads::video("video", &bytes))
                .map(|kind| Some((kind, bytes))),
            None => Some(None),
        };
        errors.finish(|| {
            Some(Self {
                real_name: real_name?,
                country: country?,
                languages: languages?,
                introduction: introduction?,
                education: education?,
                experience: experience?,
                expertise: expertise?,
                id_document: id_document?,
                certificates,
                video: video?,
            })
        })
    }
}

/// The languages someone may teach, as typed: one to five, each spoken
/// natively or at a mastery level.
pub fn taught_languages(pairs: &[(String, String)]) -> std::result::Result<Vec<LanguageSkill>, Invalid> {
    let mut languages = Vec::new();
    for (code, level) in pairs {
        let skill = LanguageSkill {
            language: Language::parse(code)?,
            level: Cefr::parse(level)?,
        };
        if !Cefr::TEACHABLE.contains(&skill.level) {
            return Err(Invalid::new("languages", "level-too-low-to-teach"));
        }
        languages.push(skill);
    }
    if languages.is_empty() {
        return Err(Invalid::new("languages", "required"));
    }
    if languages.len() > MAX_TAUGHT_LANGUAGES {
        return Err(Invalid::new("languages", "too-many"));
    }
    check_languages(&languages)?;
    Ok(languages)
}

/// Taught languages as the teacher's rows hold them.
pub(crate) fn language_rows(languages: &[LanguageSkill]) -> Vec<(String, String)> {
    languages
        .iter()
        .map(|l| (l.language.code().to_owned(), l.level.as_str().to_owned()))
        .collect()
}

fn languages_text(languages: &[LanguageSkill]) -> String {
    languages
        .iter()
        .map(|l| format!("{}:{}", l.language.code(), l.level.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// `code:level` pairs back from the stored text.
pub fn parse_languages(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .filter_map(|p| p.split_once(':'))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}

/// The application as its applicant sees it.
#[derive(Debug, Clone)]
pub struct MyApplication {
    pub id: Uuid,
    pub status: ApplicationStatus,
    pub submitted_at: i64,
    pub decided_at: Option<i64>,
    pub tier: Option<Tier>,
    /// Why it was rejected, or what staff asked for.
    pub staff_message: Option<String>,
    pub real_name: String,
    pub country: String,
    pub languages: Vec<(String, String)>,
    pub introduction: String,
    pub education: Option<String>,
    pub experience: Option<String>,
    pub expertise: Option<String>,
    pub certificates: Vec<repo::CertificateInfo>,
    pub has_id_document: bool,
    pub has_video: bool,
}

/// An application as the reviewer sees it.
#[derive(Debug, Clone)]
pub struct ForReview {
    pub application: MyApplication,
    pub account_id: Uuid,
    pub display_name: String,
    pub id_document_type: Option<String>,
    pub video_id: Option<Uuid>,
}

/// A reviewer's decision.
pub enum Decision {
    Approve(Tier),
    Reject(String),
    AskForInfo(String),
}

/// An application's files, put in the file store before its transaction.
#[derive(Default)]
struct StoredFiles {
    video: Option<(ObjectRow, FileKind)>,
    id_document: Option<ObjectRow>,
    /// With their titles.
    certificates: Vec<(String, ObjectRow)>,
}

impl StoredFiles {
    fn all(&self) -> impl Iterator<Item = &ObjectRow> {
        self.video
            .iter()
            .map(|(o, _)| o)
            .chain(&self.id_document)
            .chain(self.certificates.iter().map(|(_, o)| o))
    }
}

impl Services {
    fn require_reviewer(p: &Principal) -> Result<()> {
        if crate::staff::role_of(p)?.can_review_teachers() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Teaching is for adults (18+), whatever the minimum age to learn.
    async fn require_adult(&self, account: Uuid) -> Result<()> {
        let birth = self.contact_details(account).await?.birth_date;
        match birth.map(|b| age::decide(b, self.clock.today_utc(), self.settings.min_learner_age)) {
            Some(AgeDecision::Adult) => Ok(()),
            _ => Err(Error::Forbidden),
        }
    }

    async fn my_application(&self, row: &ApplicationRow) -> Result<MyApplication> {
        let mut c = self.db.acquire().await?;
        let key = self.subject_key(c.conn(), row.account_id).await?;
        let real_name = crypto::open_field(
            &key,
            row.account_id,
            "teacher_applications.real_name",
            &row.real_name_enc,
        )
        .map_err(Error::internal)?;
        Ok(MyApplication {
            id: row.id,
            status: row.status,
            submitted_at: row.submitted_at,
            decided_at: row.decided_at,
            tier: row.tier,
            staff_message: row.staff_message.clone(),
            real_name: String::from_utf8(real_name).map_err(Error::internal)?,
            country: row.country.clone(),
            languages: parse_languages(&row.languages),
            introduction: row.introduction.clone(),
            education: row.education.clone(),
            experience: row.experience.clone(),
            expertise: row.expertise.clone(),
            certificates: repo::certificates(c.conn(), row.account_id).await?,
            has_id_document: row.id_document_id.is_some(),
            has_video: row.video_id.is_some(),
        })
    }

    /// The member's latest application, if any.
    pub async fn my_teacher_application(&self, p: &Principal) -> Result<Option<MyApplication>> {
        let row = {
            let mut c = self.db.acquire().await?;
            repo::latest_application(c.conn(), p.account_id).await?
        };
        match row {
            Some(r) => Ok(Some(self.my_application(&r).await?)),
            None => Ok(None),
        }
    }

    /// Sends an application (or, when staff asked for more, the answer).
    pub async fn apply_to_teach(&self, p: &Principal, form: ApplicationInput) -> Result<Uuid> {
        if p.staff_role.is_some() {
            return Err(Error::Forbidden);
        }
        self.require_adult(p.account_id).await?;
        let now = self.clock.now_us();
        let existing = {
            let mut c = self.db.acquire().await?;
            if repo::teacher(c.conn(), p.account_id).await?.is_some() {
                return Err(Error::Refused(Refusal::AlreadyTeaching));
            }
            repo::latest_application(c.conn(), p.account_id).await?
        };
        let resubmitting = existing.as_ref().filter(|a| a.status.editable());
        if existing.as_ref().is_some_and(|a| a.status.is_open()) && resubmitting.is_none() {
            return Err(Error::Refused(Refusal::ApplicationPending));
        }
        let photo = form.photo.clone();
        let v = TeacherApplication::parse(form, resubmitting.is_none())?;
        let name = self.own_profile(p.account_id).await?.view.display_name;
        self.check_teacher_name(p.account_id, &name).await?;
        // Everything is checked before anything is kept: the photo too.
        let photo = match photo {
            Some(bytes) => Some(
                tokio::task::spawn_blocking(move || crate::avatars::reencode(&bytes))
                    .await
                    .map_err(Error::internal)?
                    .map_err(|e| Invalid::new("photo", e.code))?,
            ),
            None => None,
        };
        let has_photo = {
            let mut c = self.db.acquire().await?;
            profiles::get(c.conn(), p.account_id)
                .await?
                .is_some_and(|pr| pr.avatar_id.is_some())
        };
        if !has_photo && photo.is_none() {
            return Err(Invalid::new("photo", "photo-required").into());
        }
        if let Some(png) = photo {
            self.set_avatar(p.account_id, &png).await?;
        }
        // The files go to the file store first (the identity document and
        // certificates sealed; the video, shown on the homepage, as it is);
        // the application's transaction writes the rows that refer to them.
        let mut files = StoredFiles::default();
        let written = match self.store_application_files(p.account_id, &v, &mut files).await {
            Ok(()) => self.write_application(p, &v, resubmitting, &files, now).await,
            Err(e) => Err(e),
        };
        let (id, replaced) = match written {
            Ok(done) => done,
            Err(e) => {
                for object in files.all() {
                    self.discard_object(object).await;
                }
                return Err(e);
            }
        };
        self.delete_from_store(replaced.into_iter().collect()).await;
        tracing::info!(application = %id, "a teacher application was submitted");
        Ok(id)
    }

    /// Puts an application's files in the file store, into `files` one
    /// by one (so a failure midway leaves the stored ones to discard).
    async fn store_application_files(
        &self,
        account: Uuid,
        v: &TeacherApplication,
        files: &mut StoredFiles,
    ) -> Result<()> {
        let mut store = self.files_of(account);
        if let Some((kind, bytes)) = &v.video {
            let put = (ObjectKind::Video, kind.content_type());
            files.video = Some((store.put(put, Uuid::now_v7(), bytes.clone()).await?, *kind));
        }
        if let Some((kind, bytes)) = &v.id_document {
            let put = (ObjectKind::IdDocument, kind.content_type());
            files.id_document = Some(store.put(put, Uuid::now_v7(), bytes.clone()).await?);
        }
        for (title, kind, bytes) in &v.certificates {
            let put = (ObjectKind::Certificate, kind.content_type());
            let object = store.put(put, Uuid::now_v7(), bytes.clone()).await?;
            files.certificates.push((title.clone(), object));
        }
        Ok(())
    }

    /// Writes the application and the rows of its files; its id, and the
    /// path of an identity document a new one replaced.
    async fn write_application(
        &self,
        p: &Principal,
        v: &TeacherApplication,
        resubmitting: Option<&ApplicationRow>,
        files: &StoredFiles,
        now: i64,
    ) -> Result<(Uuid, Option<String>)> {
        let mut tx = self.db.begin().await?;
        let account = accounts::get(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let key = self.subject_key(tx.conn(), p.account_id).await?;
        let seal = |label: &str, bytes: &[u8]| crypto::seal_field(&key, p.account_id, label, bytes);
        let id = resubmitting.map_or_else(Uuid::now_v7, |a| a.id);
        let (id_type, id_document) = match (&files.id_document, resubmitting) {
            (Some(object), _) => (Some(object.content_type.clone()), Some(object.id)),
            (None, Some(old)) => (old.id_document_type.clone(), old.id_document_id),
            (None, None) => return Err(Invalid::new("id_document", "required").into()),
        };
        for object in files.all() {
            objects::insert(tx.conn(), object).await?;
        }
        // A new identity document replaces the one sent before, at once.
        let replaced = match (&files.id_document, resubmitting.and_then(|a| a.id_document_id)) {
            (Some(_), Some(old)) => objects::release(tx.conn(), old, now).await?,
            _ => None,
        };
        if let Some((object, kind)) = &files.video {
            repo::insert_video(
                tx.conn(),
                object.id,
                p.account_id,
                kind.content_type(),
                object.size_bytes,
                now,
            )
            .await?;
        }
        let row = ApplicationRow {
            id,
            account_id: p.account_id,
            status: ApplicationStatus::Submitted,
            real_name_enc: seal("teacher_applications.real_name", v.real_name.as_bytes()),
            country: v.country.code().into(),
            languages: languages_text(&v.languages),
            introduction: v.introduction.clone(),
            education: v.education.clone(),
            experience: v.experience.clone(),
            expertise: v.expertise.clone(),
            id_document_type: id_type,
            id_document_id: id_document,
            video_id: files
                .video
                .as_ref()
                .map(|(object, _)| object.id)
                .or(resubmitting.and_then(|a| a.video_id)),
            submitted_at: now,
            decided_at: None,
            decided_by: None,
            tier: None,
            staff_message: None,
            updated_at: now,
        };
        if resubmitting.is_some() {
            if !repo::resubmit(tx.conn(), &row).await? {
                return Err(Error::Refused(Refusal::ApplicationPending));
            }
        } else {
            repo::insert_application(tx.conn(), &row).await?;
        }
        for (title, object) in &files.certificates {
            let cert = CertificateRow {
                // The certificate's file has its id.
                id: object.id,
                account_id: p.account_id,
                application_id: Some(id),
                title: title.clone(),
                content_type: object.content_type.clone(),
                file_enc: None,
                verified_at: None,
                created_at: now,
            };
            repo::insert_certificate(tx.conn(), &cert).await?;
        }
        self.notify_account(
            tx.conn(),
            &account,
            "mail-teach-subject",
            "mail-teach-received-body",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((id, replaced))
    }

    /// The review queue: applications waiting (`submitted`) or answered.
    pub async fn application_queue(
        &self,
        p: &Principal,
        status: ApplicationStatus,
        page: i64,
    ) -> Result<Vec<QueueRow>> {
        Self::require_reviewer(p)?;
        let mut c = self.db.acquire().await?;
        let page = page.clamp(0, 1000);
        Ok(repo::queue(c.conn(), status.as_str(), crate::staff::PAGE, page * crate::staff::PAGE).await?)
    }

    /// One application for review, decrypted (audited).
    pub async fn application_for_review(&self, p: &Principal, id: Uuid) -> Result<ForReview> {
        Self::require_reviewer(p)?;
        let row = {
            let mut c = self.db.acquire().await?;
            repo::application(c.conn(), id).await?.ok_or(Error::NotFound)?
        };
        self.audit(p.account_id, Some(row.account_id), "view_application", None)
            .await?;
        let display_name = {
            let mut c = self.db.acquire().await?;
            profiles::get(c.conn(), row.account_id)
                .await?
                .map(|pr| pr.display_name)
                .unwrap_or_default()
        };
        Ok(ForReview {
            application: self.my_application(&row).await?,
            account_id: row.account_id,
            display_name,
            id_document_type: row.id_document_type.clone(),
            video_id: row.video_id,
        })
    }

    /// The identity document of an application, opened for the reviewer
    /// (audited): (content type, bytes).
    pub async fn identity_document(&self, p: &Principal, id: Uuid) -> Result<(String, Vec<u8>)> {
        Self::require_reviewer(p)?;
        let row = {
            let mut c = self.db.acquire().await?;
            repo::application(c.conn(), id).await?.ok_or(Error::NotFound)?
        };
        let (Some(kind), Some(document)) = (row.id_document_type, row.id_document_id) else {
            return Err(Error::NotFound);
        };
        self.audit(p.account_id, Some(row.account_id), "view_identity_document", None)
            .await?;
        Ok((kind, self.read_object(document).await?))
    }

    /// A certificate file, for its owner or a reviewer (audited).
    pub async fn certificate_file(&self, p: &Principal, id: Uuid) -> Result<(String, Vec<u8>)> {
        let cert = {
            let mut c = self.db.acquire().await?;
            repo::certificate(c.conn(), id).await?.ok_or(Error::NotFound)?
        };
        if cert.account_id != p.account_id {
            Self::require_reviewer(p).map_err(|_| Error::NotFound)?;
            self.audit(p.account_id, Some(cert.account_id), "view_certificate", None)
                .await?;
        }
        Ok((cert.content_type, self.read_object(cert.id).await?))
    }

    /// Approves, rejects or asks for more; the applicant is told. Approval
    /// creates the teacher's homepage from the application.
    pub async fn review_application(&self, p: &Principal, id: Uuid, decision: Decision) -> Result<()> {
        Self::require_reviewer(p)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let row = repo::application(tx.conn(), id).await?.ok_or(Error::NotFound)?;
        if row.account_id == p.account_id {
            return Err(Error::Forbidden);
        }
        let from = row.status;
        let (review, tier, message) = match &decision {
            Decision::Approve(tier) => (Review::Approve, Some(*tier), None),
            Decision::Reject(reason) => (Review::Reject, None, Some(crate::staff::required_reason(reason)?)),
            Decision::AskForInfo(what) => (Review::AskForInfo, None, Some(crate::staff::required_reason(what)?)),
        };
        let to = from
            .after(review)
            .map_err(|_| Error::Refused(Refusal::ImpossibleTransition))?;
        if tier == Some(Tier::Professional) && repo::certificates(tx.conn(), row.account_id).await?.is_empty() {
            return Err(Invalid::new("tier", "professional-needs-certificate").into());
        }
        let decided = repo::decide(
            tx.conn(),
            repo::Decision {
                id,
                from: from.as_str(),
                to: to.as_str(),
                tier: tier.map(Tier::as_str),
                message: message.as_deref(),
                by: p.account_id,
                now,
            },
        )
        .await?;
        if !decided {
            return Err(Error::Refused(Refusal::ImpossibleTransition));
        }
        let account = accounts::get(tx.conn(), row.account_id).await?.ok_or(Error::NotFound)?;
        if let Some(tier) = tier {
            self.create_teacher(tx.conn(), &row, tier, now).await?;
        }
        let (body, args) = match &decision {
            Decision::Approve(_) => ("mail-teach-approved-body", vec![]),
            Decision::Reject(_) => (
                "mail-teach-rejected-body",
                vec![("reason", message.clone().unwrap_or_default())],
            ),
            Decision::AskForInfo(_) => (
                "mail-teach-info-body",
                vec![("message", message.clone().unwrap_or_default())],
            ),
        };
        self.notify_account_with(tx.conn(), &account, "mail-teach-subject", body, &args, now)
            .await?;
        tx.commit().await?;
        self.audit(
            p.account_id,
            Some(row.account_id),
            &format!("review_{}", review.as_str()),
            message,
        )
        .await?;
        self.teachers_changed(row.account_id).await;
        Ok(())
    }

    /// The homepage an approved application becomes: what the applicant
    /// sent, shown to everyone until they hide a field.
    async fn create_teacher(
        &self,
        mut conn: koine_store::Conn<'_>,
        a: &ApplicationRow,
        tier: Tier,
        now: i64,
    ) -> Result<()> {
        let key = self.subject_key(conn.reborrow(), a.account_id).await?;
        let name = crypto::open_field(&key, a.account_id, "teacher_applications.real_name", &a.real_name_enc)
            .map_err(Error::internal)?;
        let public = koine_domain::profile::Visibility::Public;
        let defaults = koine_domain::slots::Policy::default();
        let t = TeacherRow {
            account_id: a.account_id,
            tier,
            status: TeacherStatus::Active,
            real_name_enc: crypto::seal_field(&key, a.account_id, "teachers.real_name", &name),
            headline: None,
            about: a.introduction.clone(),
            country: a.country.clone(),
            country_visibility: public,
            education: a.education.clone(),
            education_visibility: public,
            experience: a.experience.clone(),
            experience_visibility: public,
            expertise: a.expertise.clone(),
            expertise_visibility: public,
            video_id: a.video_id,
            video_visibility: public,
            trial_price_minor: None,
            min_notice_minutes: i64::from(defaults.min_notice),
            horizon_days: i64::from(defaults.horizon / (24 * 60)),
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            rating_sum: 0,
            rating_count: 0,
            approved_at: now,
            updated_at: now,
        };
        repo::insert_teacher(conn.reborrow(), &t).await?;
        repo::set_languages(conn.reborrow(), a.account_id, &parse_languages(&a.languages)).await?;
        if tier == Tier::Professional {
            repo::verify_certificates(conn, a.account_id, now).await?;
        }
        Ok(())
    }
}
