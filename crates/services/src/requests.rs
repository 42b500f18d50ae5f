//! Data-subject requests through the public form: anyone (member or not,
//! or a parent for a child) asks; control of the email address verifies
//! them; the privacy officer works each request against its statutory
//! deadline; the requester is told at every step.

use crate::accounts::{Principal, locale_of};
use crate::i18n::{t, t_args};
use crate::mail::{self, Channel, Outgoing};
use crate::staff::{required_reason, role_of};
use crate::{Error, Result, Services, crypto, throttle};
use koine_domain::contact::Email;
use koine_domain::profile::UiLocale;
use koine_domain::refusal::Refusal;
use koine_domain::requests::{Regime, Relation, RequestKind, RequestStatus};
use koine_domain::validation::optional_text;
use koine_store::Conn;
use koine_store::repo::accounts;
use koine_store::repo::requests::{self, RequestRow};
use uuid::Uuid;

pub use koine_store::repo::requests::RequestRow as PrivacyRequest;

/// A request as submitted on the form, already parsed.
pub struct NewRequest {
    pub kind: RequestKind,
    pub regime: Regime,
    pub relation: Relation,
    pub name: String,
    pub email: Email,
    pub details: Option<String>,
}

impl NewRequest {
    /// The one reading of the public request form: the request, or every
    /// field's error at once.
    pub fn parse(
        kind: &str,
        regime: &str,
        relation: &str,
        name: &str,
        email: &str,
        details: &str,
    ) -> std::result::Result<Self, Vec<koine_domain::Invalid>> {
        use koine_domain::Invalid;
        let mut errors = koine_domain::validation::FieldErrors::default();
        let kind = errors.take(RequestKind::parse(kind).ok_or(Invalid::new("kind", "invalid-choice")));
        let regime = errors.take(Regime::parse(regime).ok_or(Invalid::new("regime", "invalid-choice")));
        let relation = errors.take(Relation::parse(relation).ok_or(Invalid::new("relation", "invalid-choice")));
        let name = errors.take(
            koine_domain::validation::name_text("name", name, 100)
                .and_then(|n| n.ok_or(Invalid::new("name", "required"))),
        );
        let email = errors.take(Email::parse(email));
        let details = errors.take(optional_text("details", details, 4000));
        errors.finish(|| {
            Some(Self {
                kind: kind?,
                regime: regime?,
                relation: relation?,
                name: name?,
                email: email?,
                details: details?,
            })
        })
    }
}

pub(crate) fn date(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
        .unwrap_or_default()
}

impl Services {
    pub(crate) fn require_privacy_officer(&self, p: &Principal) -> Result<()> {
        if role_of(p)?.can_handle_privacy_requests() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub(crate) async fn tell_requester(
        &self,
        conn: Conn<'_>,
        r: &RequestRow,
        locale: UiLocale,
        body: String,
    ) -> Result<()> {
        let message = Outgoing {
            account: None,
            channel: Channel::Email,
            to: r.requester_email.clone(),
            subject: t(locale, "mail-request-subject"),
            body,
        };
        mail::enqueue(conn, self.clock.now_us(), message).await
    }

    /// Records a request and emails a link that proves control of the
    /// address. The answer is the same whoever asks.
    pub async fn submit_request(&self, r: NewRequest, locale: UiLocale) -> Result<()> {
        let now = self.clock.now_us();
        let key = format!("request:{}", r.email.as_str());
        if !self
            .throttle
            .messages
            .admit(throttle::MESSAGES_PER_IDENTIFIER, &key, now)
            .await?
        {
            return Ok(());
        }
        let received = jiff::Timestamp::from_microsecond(now).map_err(Error::internal)?;
        let row = RequestRow {
            id: Uuid::now_v7(),
            kind: r.kind,
            regime: r.regime,
            relation: r.relation,
            requester_name: r.name,
            requester_email: r.email.as_str().into(),
            details: r.details,
            account_id: None,
            status: RequestStatus::Unverified,
            received_at: now,
            verified_at: None,
            due_at: r.regime.due(received).as_microsecond(),
            extension_reason: None,
            outcome: None,
            handled_by: None,
            closed_at: None,
            correction_field: None,
            correction_enc: None,
        };
        let token = crypto::new_token();
        let url = format!("{}/privacy/requests/verify?token={token}", self.settings.public_url);
        let mut tx = self.db.begin().await?;
        requests::insert(tx.conn(), &row, &crypto::token_hash(&token)).await?;
        let body = t_args(locale, "mail-request-verify-body", &[("url", url)]);
        self.tell_requester(tx.conn(), &row, locale, body).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Confirms a request from its emailed link; links the account that
    /// holds the confirmed address, and tells the requester the deadline.
    pub async fn verify_request(&self, token: &str) -> Result<()> {
        let now = self.clock.now_us();
        let hash = crypto::token_hash(token);
        let mut tx = self.db.begin().await?;
        let email = requests::email_for_hash(tx.conn(), &hash)
            .await?
            .ok_or(Error::BadCode)?;
        let account = accounts::find_by_email(tx.conn(), &email)
            .await?
            .filter(|a| a.email_verified_at.is_some())
            .map(|a| a.id);
        let id = requests::verify(tx.conn(), &hash, now, account)
            .await?
            .ok_or(Error::BadCode)?;
        let row = requests::get(tx.conn(), id).await?.ok_or(Error::BadCode)?;
        let locale = self.requester_locale(tx.conn(), &row).await?;
        let body = t_args(
            locale,
            "mail-request-received-body",
            &[
                ("date", date(row.due_at)),
                ("kind", t(locale, &format!("request-kind-{}", row.kind))),
            ],
        );
        self.tell_requester(tx.conn(), &row, locale, body).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn requester_locale(&self, conn: Conn<'_>, r: &RequestRow) -> Result<UiLocale> {
        match r.account_id {
            Some(a) => locale_of(conn, a).await,
            None => Ok(UiLocale::En),
        }
    }

    /// The privacy officer's list: open requests by deadline, then the rest.
    pub async fn privacy_requests(&self, p: &Principal, page: i64) -> Result<Vec<PrivacyRequest>> {
        self.require_privacy_officer(p)?;
        let mut c = self.db.acquire().await?;
        Ok(requests::list(c.conn(), crate::staff::PAGE, page.clamp(0, 1000) * crate::staff::PAGE).await?)
    }

    /// One request (audited: it names a person).
    pub async fn privacy_request(&self, p: &Principal, id: Uuid) -> Result<PrivacyRequest> {
        self.require_privacy_officer(p)?;
        let row = {
            let mut c = self.db.acquire().await?;
            requests::get(c.conn(), id).await?.ok_or(Error::NotFound)?
        };
        self.audit(p.account_id, row.account_id, "view_privacy_request", None)
            .await?;
        Ok(row)
    }

    /// Extends the deadline once, with a reason the requester is told.
    pub async fn extend_request(&self, p: &Principal, id: Uuid, reason: &str) -> Result<()> {
        self.require_privacy_officer(p)?;
        let reason = required_reason(reason)?;
        let mut tx = self.db.begin().await?;
        let row = requests::get(tx.conn(), id).await?.ok_or(Error::NotFound)?;
        let regime = row.regime;
        let received = jiff::Timestamp::from_microsecond(row.received_at).map_err(Error::internal)?;
        let due = regime.extended_due(received).as_microsecond();
        if !requests::extend(tx.conn(), id, due, &reason, p.account_id).await? {
            return Err(Error::Refused(Refusal::RequestNotOpen));
        }
        let locale = self.requester_locale(tx.conn(), &row).await?;
        let body = t_args(
            locale,
            "mail-request-extended-body",
            &[("date", date(due)), ("reason", reason)],
        );
        self.tell_requester(tx.conn(), &row, locale, body).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a request as completed or refused, with the outcome the
    /// requester is told.
    pub async fn close_request(&self, p: &Principal, id: Uuid, completed: bool, outcome: &str) -> Result<()> {
        self.require_privacy_officer(p)?;
        let outcome =
            optional_text("outcome", outcome, 4000)?.ok_or(koine_domain::Invalid::new("outcome", "required"))?;
        let now = self.clock.now_us();
        let status = if completed {
            RequestStatus::Completed
        } else {
            RequestStatus::Rejected
        };
        let mut tx = self.db.begin().await?;
        let row = requests::get(tx.conn(), id).await?.ok_or(Error::NotFound)?;
        if !requests::close(tx.conn(), id, status.as_str(), &outcome, p.account_id, now).await? {
            return Err(Error::Refused(Refusal::RequestNotOpen));
        }
        let locale = self.requester_locale(tx.conn(), &row).await?;
        let key = if completed {
            "mail-request-completed-body"
        } else {
            "mail-request-rejected-body"
        };
        let body = t_args(locale, key, &[("outcome", outcome)]);
        self.tell_requester(tx.conn(), &row, locale, body).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account a request is carried out on: the one the officer names
    /// (by email or id, after checking a parent's or agent's authority),
    /// else the one linked to the requester's confirmed address.
    async fn request_subject(&self, r: &RequestRow, named: &str) -> Result<Uuid> {
        let named = named.trim();
        if named.is_empty() {
            return r
                .account_id
                .ok_or(koine_domain::Invalid::new("account", "required").into());
        }
        if let Ok(id) = Uuid::parse_str(named) {
            let mut c = self.db.acquire().await?;
            return Ok(accounts::get(c.conn(), id).await?.ok_or(Error::NotFound)?.id);
        }
        let email = Email::parse(named).map_err(|_| koine_domain::Invalid::new("account", "invalid-choice"))?;
        self.account_id_by_email(&email).await?.ok_or(Error::NotFound)
    }

    /// An open request of one of `kinds`, for the privacy officer to carry out.
    async fn open_request(&self, p: &Principal, id: Uuid, kinds: &[RequestKind]) -> Result<RequestRow> {
        self.require_privacy_officer(p)?;
        let row = {
            let mut c = self.db.acquire().await?;
            requests::get(c.conn(), id).await?.ok_or(Error::NotFound)?
        };
        if !matches!(row.status, RequestStatus::Open | RequestStatus::Extended) {
            return Err(Error::Refused(Refusal::RequestNotOpen));
        }
        if !kinds.contains(&row.kind) {
            return Err(Error::Refused(Refusal::RequestKindMismatch));
        }
        Ok(row)
    }

    /// Carries out an erasure request (the requester's own, or a parent's
    /// for a child): the account is erased per the data map, its holder
    /// told, the request closed and the requester told. Audited, naming the
    /// request; a legal hold stops it.
    pub async fn fulfil_erasure_request(&self, p: &Principal, id: Uuid, account: &str) -> Result<()> {
        let row = self
            .open_request(p, id, &[RequestKind::Erasure, RequestKind::ChildErasure])
            .await?;
        let subject = self.request_subject(&row, account).await?;
        if subject == p.account_id {
            return Err(Error::Forbidden);
        }
        let locale = {
            let mut c = self.db.acquire().await?;
            self.requester_locale(c.conn(), &row).await?
        };
        self.erase_account(subject, "mail-deleted-request-body", None).await?;
        // The record names the request, not the person: they no longer exist.
        self.audit(p.account_id, None, "erase_on_request", Some(format!("request {id}")))
            .await?;
        self.close_request(p, id, true, &t(locale, "request-outcome-erased"))
            .await
    }

    /// Carries out an access or portability request: an export of the
    /// account is built, and its holder downloads it from "Your data" after
    /// signing in (the archive never goes by email). Audited.
    pub async fn fulfil_export_request(&self, p: &Principal, id: Uuid, account: &str) -> Result<()> {
        let row = self
            .open_request(p, id, &[RequestKind::Access, RequestKind::Export])
            .await?;
        let subject = self.request_subject(&row, account).await?;
        let locale = {
            let mut c = self.db.acquire().await?;
            self.requester_locale(c.conn(), &row).await?
        };
        self.queue_export(subject).await?;
        self.audit(
            p.account_id,
            Some(subject),
            "export_on_request",
            Some(format!("request {id}")),
        )
        .await?;
        self.close_request(p, id, true, &t(locale, "request-outcome-exported"))
            .await
    }
}
