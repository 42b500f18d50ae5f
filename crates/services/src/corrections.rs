//! Rectification (GDPR Art. 16) of what a member cannot change themselves:
//! a date of birth, which the age gate depends on, and a teacher's verified
//! legal name. The member asks from
//! settings; the privacy officer applies or refuses it, as a privacy
//! request with its statutory deadline.

use crate::accounts::{Principal, minor_until};
use crate::i18n::{t, t_args};
use crate::requests::{PrivacyRequest, date};
use crate::{Error, Result, Services, crypto, throttle};
use koine_domain::Invalid;
use koine_domain::age::{self, AgeDecision};
use koine_domain::profile::UiLocale;
use koine_domain::refusal::Refusal;
use koine_domain::requests::{CorrectableField, Regime, Relation, RequestKind, RequestStatus};
use koine_domain::validation::optional_text;
use koine_store::repo::{accounts, requests};
use uuid::Uuid;

const FIELD: &str = "privacy_requests.correction";

/// The longest corrected value (a legal name) and note taken.
pub const VALUE_MAX: usize = 100;
pub const NOTE_MAX: usize = 4000;

impl Services {
    /// A signed-in member asks for a field to be corrected. Their confirmed
    /// email address receives the answers, as for any privacy request.
    pub async fn request_correction(&self, p: &Principal, field: &str, value: &str, note: &str) -> Result<()> {
        let field = CorrectableField::parse(field).ok_or(Invalid::new("correction_field", "invalid-choice"))?;
        let value = match field {
            CorrectableField::BirthDate => age::parse_birth_date(value, self.clock.today_utc())
                .map_err(|e| Invalid::new("correction_value", e.code))?
                .to_string(),
            CorrectableField::RealName => {
                if !self.is_teacher(p.account_id).await? {
                    return Err(Invalid::new("correction_field", "invalid-choice").into());
                }
                optional_text("correction_value", value, VALUE_MAX)?
                    .ok_or(Invalid::new("correction_value", "required"))?
            }
        };
        let note = optional_text("details", note, NOTE_MAX)?;
        let now = self.clock.now_us();
        self.throttle
            .messages
            .acquire(
                throttle::MESSAGES_PER_IDENTIFIER,
                &format!("correction:{}", p.account_id),
                now,
            )
            .await?;
        let mut tx = self.db.begin().await?;
        let account = accounts::get(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let (Some(email), Some(_)) = (account.email, account.email_verified_at) else {
            return Err(Invalid::new("correction_field", "correction-needs-email").into());
        };
        let key = self.subject_key(tx.conn(), p.account_id).await?;
        let regime = Regime::Gdpr;
        let received = jiff::Timestamp::from_microsecond(now).map_err(Error::internal)?;
        let row = PrivacyRequest {
            id: Uuid::now_v7(),
            kind: RequestKind::Rectification,
            regime,
            relation: Relation::Self_,
            requester_name: p.display_name.clone(),
            requester_email: email,
            details: note,
            account_id: Some(p.account_id),
            status: RequestStatus::Open,
            received_at: now,
            verified_at: Some(now),
            due_at: regime.due(received).as_microsecond(),
            extension_reason: None,
            outcome: None,
            handled_by: None,
            closed_at: None,
            correction_field: Some(field.as_str().into()),
            correction_enc: Some(crypto::seal_field(&key, p.account_id, FIELD, value.as_bytes())),
        };
        requests::insert_verified(tx.conn(), &row).await?;
        let locale = p.locale.unwrap_or(UiLocale::En);
        let body = t_args(
            locale,
            "mail-request-received-body",
            &[
                ("date", date(row.due_at)),
                ("kind", t(locale, "request-kind-rectification")),
            ],
        );
        self.tell_requester(tx.conn(), &row, locale, body).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A teacher's verified legal name, opened for themself (it is never
    /// shown to anyone else).
    pub async fn own_real_name(&self, p: &Principal) -> Result<Option<String>> {
        let mut c = self.db.acquire().await?;
        let Some(t) = koine_store::repo::teaching::teacher(c.conn(), p.account_id).await? else {
            return Ok(None);
        };
        let key = self.subject_key(c.conn(), p.account_id).await?;
        let plain =
            crypto::open_field(&key, p.account_id, "teachers.real_name", &t.real_name_enc).map_err(Error::internal)?;
        Ok(Some(String::from_utf8(plain).map_err(Error::internal)?))
    }

    /// The correction a request asks for, opened for the privacy officer
    /// (who has just opened the request, which is audited).
    pub async fn requested_correction(
        &self,
        p: &Principal,
        r: &PrivacyRequest,
    ) -> Result<Option<(CorrectableField, String)>> {
        self.require_privacy_officer(p)?;
        let (Some(field), Some(enc), Some(account)) = (&r.correction_field, &r.correction_enc, r.account_id) else {
            return Ok(None);
        };
        let field = CorrectableField::parse(field).ok_or(Error::Internal("unknown correction field".into()))?;
        let mut c = self.db.acquire().await?;
        let key = self.subject_key(c.conn(), account).await?;
        let plain = crypto::open_field(&key, account, FIELD, enc).map_err(Error::internal)?;
        Ok(Some((field, String::from_utf8(plain).map_err(Error::internal)?)))
    }

    /// Applies the correction and closes the request as completed; the
    /// member is told. A date of birth goes through the age gate again.
    pub async fn apply_correction(&self, p: &Principal, id: Uuid) -> Result<()> {
        self.require_privacy_officer(p)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let r = requests::get(tx.conn(), id).await?.ok_or(Error::NotFound)?;
        let (Some(field), Some(enc), Some(account)) = (&r.correction_field, &r.correction_enc, r.account_id) else {
            return Err(Error::Refused(Refusal::NoCorrection));
        };
        let key = self.subject_key(tx.conn(), account).await?;
        let value = String::from_utf8(crypto::open_field(&key, account, FIELD, enc).map_err(Error::internal)?)
            .map_err(Error::internal)?;
        match CorrectableField::parse(field) {
            Some(CorrectableField::BirthDate) => {
                let birth: jiff::civil::Date = value.parse().map_err(Error::internal)?;
                let decision = age::decide(birth, self.clock.today_utc(), self.settings.min_learner_age);
                if decision == AgeDecision::TooYoung {
                    return Err(Error::Refused(Refusal::CorrectionBelowMinimumAge));
                }
                let sealed = crypto::seal_field(&key, account, "accounts.birth_date", value.as_bytes());
                accounts::set_birth_date(tx.conn(), account, &sealed, minor_until(decision)?).await?;
            }
            Some(CorrectableField::RealName) => {
                let sealed = crypto::seal_field(&key, account, "teachers.real_name", value.as_bytes());
                koine_store::repo::teaching::set_real_name(tx.conn(), account, &sealed, now).await?;
            }
            None => return Err(Error::Internal("unknown correction field".into())),
        }
        let locale = self.requester_locale(tx.conn(), &r).await?;
        let outcome = t(locale, &format!("correction-applied-{field}"));
        let status = RequestStatus::Completed.as_str();
        if !requests::close(tx.conn(), id, status, &outcome, p.account_id, now).await? {
            return Err(Error::Refused(Refusal::RequestNotOpen));
        }
        let body = t_args(locale, "mail-request-completed-body", &[("outcome", outcome)]);
        self.tell_requester(tx.conn(), &r, locale, body).await?;
        tx.commit().await?;
        // A date of birth decides whether the account is a minor's.
        self.sessions_changed(account);
        self.audit(p.account_id, Some(account), "apply_correction", None)
            .await?;
        Ok(())
    }
}
