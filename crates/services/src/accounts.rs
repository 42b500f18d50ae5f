//! Sign-up, verification, login, sessions, re-authentication and password changes.
//!
//! Answers never reveal whether an account exists: sign-up, login and reset
//! say the same for known and unknown identifiers and do the same work.

use crate::clock::micros;
use crate::crypto;
use crate::group_commit::{Batched, BoxFuture};
use crate::i18n::{t, t_args};
use crate::mail::{self, Channel, Outgoing};
use crate::security_log::ClientInfo;
use crate::security_log::{SecurityEvent, short_user_agent};
use crate::{Error, Result, Services, passwords, throttle};
use jiff::civil::Date;
use koine_domain::Invalid;
use koine_domain::age::{self, AgeDecision};
use koine_domain::consent::{ConsentPurpose, ConsentSource};
use koine_domain::contact::{Email, Identifier, Phone};
use koine_domain::password::NewPassword;
use koine_domain::profile::{DisplayName, TimeZoneName, UiLocale, Visibility};
use koine_domain::refusal::Refusal;
use koine_domain::staff::StaffRole;
use koine_domain::validation::{FieldErrors, optional};
use koine_store::Conn;
use koine_store::repo::codes::CodeRow;
use koine_store::repo::profiles::ProfileRow;
use koine_store::repo::sessions::{SessionPerson, SessionRow};
use koine_store::repo::{accounts, codes, profiles, sessions};
use std::time::Duration;
use uuid::Uuid;

const VERIFY_EMAIL: &str = "verify_email";
const VERIFY_PHONE: &str = "verify_phone";
const RESET_PASSWORD: &str = "reset_password";
const LINK_TTL: Duration = Duration::from_secs(48 * 3600);
const RESET_TTL: Duration = Duration::from_secs(3600);
const SMS_CODE_TTL: Duration = Duration::from_secs(15 * 60);
const MAX_CODE_ATTEMPTS: i32 = 5;
/// Activity is written at most this often per session.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A session's last use and slid expiry, to be written.
struct Touch {
    session: Uuid,
    seen: i64,
    expires: i64,
}

impl Batched for Touch {
    fn write<'a>(&'a mut self, conn: Conn<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { Ok(sessions::touch(conn, self.session, self.seen, self.expires).await?) })
    }

    fn finish(self: Box<Self>, outcome: Result<()>) {
        // Nobody waits: a touch lost (the database away) leaves the expiry
        // where the last one put it, and the next use a minute on tries again.
        if let Err(e) = outcome {
            tracing::warn!("a session's last use was not recorded: {e}");
        }
    }
}

/// Validated sign-up input.
#[derive(Debug)]
pub struct SignUp {
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub password: NewPassword,
    pub birth_date: Date,
    pub display_name: DisplayName,
    pub locale: UiLocale,
    pub time_zone: String,
    /// Ticked "news and offers by email" (never taken from a minor).
    pub marketing_email: bool,
}

/// A sign-up as typed, on the page or in the API, before it is checked.
#[derive(Debug, Clone)]
pub struct SignUpInput {
    pub display_name: String,
    /// Email address; this or `phone` is required (empty: not given).
    pub email: String,
    pub phone: String,
    pub password: String,
    pub birth_date: String,
    /// Empty: the language's likely zone.
    pub time_zone: String,
    pub locale: UiLocale,
    pub marketing_email: bool,
}

impl SignUp {
    /// The one reading of a sign-up, for the page and the API alike: the
    /// valid sign-up, or every field's error at once.
    pub fn parse(input: &SignUpInput, today: Date) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let display_name = errors.take(DisplayName::parse(&input.display_name));
        let email = errors.take(optional(&input.email, Email::parse));
        let phone = errors.take(optional(&input.phone, Phone::parse));
        let birth_date = errors.take(age::parse_birth_date(&input.birth_date, today));
        let zone = match input.time_zone.trim() {
            "" => input.locale.likely_time_zone(),
            typed => typed,
        };
        let time_zone = errors.take(TimeZoneName::parse(zone));
        // A password built from what the person typed elsewhere is guessable
        // (the number as typed and as its digits alone).
        let digits: String = input.phone.chars().filter(char::is_ascii_digit).collect();
        let context = [
            input.email.as_str(),
            input.display_name.as_str(),
            input.phone.as_str(),
            digits.as_str(),
        ];
        let password = errors.take(NewPassword::parse(&input.password, &context));
        if matches!((&email, &phone), (Some(None), Some(None))) {
            errors.push(Invalid::new("email", "email-or-phone-required"));
        }
        errors.finish(|| {
            Some(Self {
                email: email?,
                phone: phone?,
                password: password?,
                birth_date: birth_date?,
                display_name: display_name?,
                locale: input.locale,
                time_zone: time_zone?.as_str().to_owned(),
                marketing_email: input.marketing_email,
            })
        })
    }
}

/// Who a request comes from.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: Uuid,
    /// Where the current request comes from (set by the web edge).
    pub client: ClientInfo,
    pub session_id: Uuid,
    pub authenticated_at: i64,
    pub staff_role: Option<StaffRole>,
    pub minor: bool,
    pub locale: Option<UiLocale>,
    pub display_name: String,
}

pub struct NewSession {
    pub token: String,
    pub principal: Principal,
}

/// A new member's profile: optional fields empty, and private until they choose.
/// The language a person reads their messages in.
pub(crate) async fn locale_of(conn: Conn<'_>, account: Uuid) -> Result<UiLocale> {
    let profile = profiles::get(conn, account).await?;
    Ok(UiLocale::of_setting(
        profile.as_ref().and_then(|p| p.ui_locale.as_deref()),
    ))
}

/// A new member's profile: optional fields private; the photo (none yet)
/// for everyone, or for members only if the member is a minor.
fn fresh_profile(
    id: Uuid,
    name: String,
    time_zone: String,
    ui_locale: Option<String>,
    minor: bool,
    now: i64,
) -> ProfileRow {
    let photo = if minor { Visibility::Members } else { Visibility::Public };
    ProfileRow {
        account_id: id,
        display_name: name,
        bio: None,
        country: None,
        time_zone,
        ui_locale,
        avatar_id: None,
        avatar_visibility: photo,
        birth_date_visibility: Visibility::Private,
        gender: None,
        gender_visibility: Visibility::Private,
        location: None,
        location_visibility: Visibility::Private,
        updated_at: now,
    }
}

/// A code to text, and what it is for.
struct TextedCode<'a> {
    account: Uuid,
    phone: &'a Phone,
    purpose: &'static str,
    /// The message's Fluent key; it takes `$code`.
    template: &'static str,
    /// (blind index, sealed number) of a number being confirmed.
    new_phone: Option<(Vec<u8>, Vec<u8>)>,
}

/// Until when a member counts as a minor (microseconds), if they do.
pub(crate) fn minor_until(decision: AgeDecision) -> Result<Option<i64>> {
    Ok(match decision {
        AgeDecision::Minor { adult_on } => Some(
            adult_on
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map_err(Error::internal)?
                .timestamp()
                .as_microsecond(),
        ),
        _ => None,
    })
}

fn code6() -> String {
    let n = u32::from_le_bytes(crypto::random_bytes::<4>()) % 1_000_000;
    format!("{n:06}")
}

impl Services {
    fn link(&self, path: &str, token: &str) -> String {
        format!("{}?token={token}", self.page_url(path))
    }

    fn page_url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.public_url.trim_end_matches('/'))
    }

    /// Someone tried to use an address that already has an account: its
    /// owner is told, while the requester gets the usual answer.
    async fn tell_address_taken(&self, conn: Conn<'_>, email: &Email, locale: UiLocale, now: i64) -> Result<()> {
        let url = self.page_url("/password/forgot");
        mail::enqueue(
            conn,
            now,
            Outgoing {
                account: None,
                channel: Channel::Email,
                to: email.as_str().into(),
                subject: t(locale, "mail-exists-subject"),
                body: t_args(locale, "mail-exists-body", &[("url", url)]),
            },
        )
        .await
    }

    /// Someone tried to use a number that has an account: its holder gets a
    /// text (`message` is its Fluent key); the requester the usual answer.
    async fn tell_number_holder(
        &self,
        conn: Conn<'_>,
        phone: &Phone,
        message: &str,
        locale: UiLocale,
        now: i64,
    ) -> Result<()> {
        let text = Outgoing {
            account: None,
            channel: Channel::Sms,
            to: phone.as_str().into(),
            subject: String::new(),
            body: t(locale, message),
        };
        mail::enqueue(conn, now, text).await
    }

    fn phone_index(&self, phone: &Phone) -> Vec<u8> {
        self.keys.blind_index("phone", phone.as_str())
    }

    /// Unwraps the person's key (P5).
    pub(crate) async fn subject_key(&self, conn: Conn<'_>, account: Uuid) -> Result<[u8; 32]> {
        self.subject_key_if_any(conn, account)
            .await?
            .ok_or(Error::Internal("personal key missing".into()))
    }

    /// A person's key, or none once they have left (erasure destroys it).
    pub(crate) async fn subject_key_if_any(&self, conn: Conn<'_>, account: Uuid) -> Result<Option<[u8; 32]>> {
        self.wrapped_subject_key(conn, account)
            .await?
            .map(|wrapped| self.keys.unwrap_subject_key(account, &wrapped).map_err(Error::internal))
            .transpose()
    }

    /// Signs a person up. The answer is the same whether or not the email or
    /// phone already has an account; the owner of an existing one is told.
    pub async fn sign_up(&self, input: SignUp, client_ip: &str) -> Result<()> {
        let now = self.clock.now_us();
        // The age gate runs before anything is stored or counted.
        let decision = age::decide(input.birth_date, self.clock.today_utc(), self.settings.min_learner_age);
        if decision == AgeDecision::TooYoung {
            return Err(Error::TooYoung);
        }
        if input.email.is_none() && input.phone.is_none() {
            return Err(koine_domain::Invalid::new("email", "email-or-phone-required").into());
        }
        let rule = throttle::signups_per_ip(self.settings.signups_per_ip_per_hour);
        self.throttle.signup_ip.acquire(rule, client_ip, now).await?;

        // Hash first on every path so timing does not tell the paths apart.
        let password_hash = passwords::hash(input.password.expose().to_owned()).await?;
        let locale = input.locale;
        let mut tx = self.db.begin().await?;

        if self
            .refuse_if_banned(tx.conn(), input.email.as_ref(), input.phone.as_ref(), locale, now)
            .await?
        {
            tx.commit().await?;
            return Ok(());
        }
        let email_taken = match &input.email {
            Some(e) => accounts::find_by_email(tx.conn(), e.as_str()).await?.is_some(),
            None => false,
        };
        let phone_hash = input.phone.as_ref().map(|p| self.phone_index(p));
        let phone_taken = match &phone_hash {
            Some(h) => accounts::find_by_phone_hash(tx.conn(), h).await?.is_some(),
            None => false,
        };
        if email_taken || phone_taken {
            if let (true, Some(e)) = (email_taken, &input.email) {
                self.tell_address_taken(tx.conn(), e, locale, now).await?;
            }
            if let (true, Some(p)) = (phone_taken, &input.phone) {
                self.tell_number_holder(tx.conn(), p, "sms-exists", locale, now).await?;
            }
            tx.commit().await?;
            return Ok(());
        }

        let id = Uuid::now_v7();
        let (key, wrapped) = self.keys.new_subject_key(id);
        let dob = crypto::seal_field(&key, id, "accounts.birth_date", input.birth_date.to_string().as_bytes());
        let phone_enc = input
            .phone
            .as_ref()
            .map(|p| crypto::seal_field(&key, id, "accounts.phone", p.as_str().as_bytes()));
        let minor_until = minor_until(decision)?;
        let inserted = accounts::insert(
            tx.conn(),
            &accounts::AccountRow {
                id,
                email: input.email.as_ref().map(|e| e.as_str().to_owned()),
                email_verified_at: None,
                phone_hash: phone_hash.clone(),
                phone_enc: phone_enc.clone(),
                phone_verified_at: None,
                password_hash,
                password_changed_at: now,
                birth_date_enc: Some(dob),
                minor_until,
                staff_role: None,
                created_at: now,
            },
        )
        .await;
        match inserted {
            // A concurrent sign-up took the address first: the same answer as any taken address.
            Err(e) if e.is_unique_violation() => return Ok(()),
            other => other?,
        }
        self.store_subject_key(tx.conn(), id, &wrapped, now).await?;
        profiles::upsert(
            tx.conn(),
            &fresh_profile(
                id,
                input.display_name.as_str().to_owned(),
                input.time_zone.clone(),
                Some(locale.as_str().into()),
                minor_until.is_some(),
                now,
            ),
        )
        .await?;
        // The sign-up form asks about marketing email, unticked; the answer
        // is the first entry of the consent ledger. A minor's tick does not
        // count as consent to marketing.
        let marketing = input.marketing_email && minor_until.is_none();
        koine_store::repo::consent::append(
            tx.conn(),
            &koine_store::repo::consent::ConsentRow {
                id: Uuid::now_v7(),
                lesson_id: None,
                account_id: id,
                purpose: ConsentPurpose::MarketingEmail.as_str().into(),
                granted: marketing,
                policy_version: self.policy_version_id(),
                consent_revision: Some(i64::from(self.consent_revision())),
                source: ConsentSource::SignUp.as_str().into(),
                created_at: now,
            },
        )
        .await?;
        if let Some(e) = &input.email {
            self.send_email_verification(tx.conn(), id, e, locale, now).await?;
        }
        if let (Some(p), Some(h), Some(enc)) = (&input.phone, phone_hash, phone_enc) {
            let text = TextedCode {
                account: id,
                phone: p,
                purpose: VERIFY_PHONE,
                template: "sms-code",
                new_phone: Some((h, enc)),
            };
            self.send_texted_code(tx.conn(), text, locale, now).await?;
        }
        tx.commit().await?;
        tracing::info!(account = %id, "account created");
        Ok(())
    }

    async fn send_email_verification(
        &self,
        mut conn: Conn<'_>,
        account: Uuid,
        email: &Email,
        locale: UiLocale,
        now: i64,
    ) -> Result<()> {
        let token = crypto::new_token();
        codes::replace(
            conn.reborrow(),
            &CodeRow {
                id: Uuid::now_v7(),
                account_id: account,
                purpose: VERIFY_EMAIL.into(),
                code_hash: self.keys.code_hash(VERIFY_EMAIL, b"", &token),
                new_email: Some(email.as_str().into()),
                new_phone_hash: None,
                new_phone_enc: None,
                attempts: 0,
                created_at: now,
                expires_at: now + micros(LINK_TTL),
            },
        )
        .await?;
        mail::enqueue(
            conn,
            now,
            Outgoing {
                account: Some(account),
                channel: Channel::Email,
                to: email.as_str().into(),
                subject: t(locale, "mail-verify-subject"),
                body: t_args(
                    locale,
                    "mail-verify-body",
                    &[("url", self.link("/verify/email", &token))],
                ),
            },
        )
        .await
    }

    /// Texts a six-digit code for `purpose` (replacing any earlier one); for
    /// a number being confirmed, the number travels with the code.
    async fn send_texted_code(
        &self,
        mut conn: Conn<'_>,
        text: TextedCode<'_>,
        locale: UiLocale,
        now: i64,
    ) -> Result<()> {
        let code = code6();
        let (new_phone_hash, new_phone_enc) = text.new_phone.unzip();
        codes::replace(
            conn.reborrow(),
            &CodeRow {
                id: Uuid::now_v7(),
                account_id: text.account,
                purpose: text.purpose.into(),
                code_hash: self.keys.code_hash(text.purpose, text.account.as_bytes(), &code),
                new_email: None,
                new_phone_hash,
                new_phone_enc,
                attempts: 0,
                created_at: now,
                expires_at: now + micros(SMS_CODE_TTL),
            },
        )
        .await?;
        let message = Outgoing {
            account: Some(text.account),
            channel: Channel::Sms,
            to: text.phone.as_str().into(),
            subject: String::new(),
            body: t_args(locale, text.template, &[("code", code)]),
        };
        mail::enqueue(conn, now, message).await
    }

    /// Checks a texted code against the stored row: counts the attempt first
    /// (atomically, so parallel guesses cannot exceed the limit), then
    /// compares, then consumes it. A wrong code's attempt is kept.
    async fn check_texted_code(&self, mut tx: koine_store::Tx, row: &CodeRow, code: &str) -> Result<koine_store::Tx> {
        if !codes::count_attempt(tx.conn(), row.id, MAX_CODE_ATTEMPTS).await? {
            return Err(Error::BadCode);
        }
        let expected = self
            .keys
            .code_hash(&row.purpose, row.account_id.as_bytes(), code.trim());
        if !crypto::constant_time_eq(&expected, &row.code_hash) {
            tx.commit().await?;
            return Err(Error::BadCode);
        }
        if !codes::delete(tx.conn(), row.id).await? {
            return Err(Error::BadCode);
        }
        Ok(tx)
    }

    /// Confirms an email address from the link we sent.
    pub async fn verify_email(&self, token: &str, client: &ClientInfo) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let hash = self.keys.code_hash(VERIFY_EMAIL, b"", token);
        let row = codes::find_by_hash(tx.conn(), VERIFY_EMAIL, &hash, now)
            .await?
            .ok_or(Error::BadCode)?;
        let email = row.new_email.ok_or(Error::BadCode)?;
        // Consume first: of two concurrent uses, only one succeeds.
        if !codes::delete(tx.conn(), row.id).await? {
            return Err(Error::BadCode);
        }
        match accounts::mark_email_verified(tx.conn(), row.account_id, &email, now).await {
            Err(e) if e.is_unique_violation() => return Err(Error::Refused(Refusal::EmailTaken)),
            other => other?,
        }
        self.record_security_event(tx.conn(), row.account_id, SecurityEvent::EmailConfirmed, client, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Confirms a phone number with the code we texted. `account` is known
    /// when signed in; otherwise the number identifies the account.
    pub async fn verify_phone(
        &self,
        account: Option<Uuid>,
        phone: Option<&Phone>,
        code: &str,
        client: &ClientInfo,
    ) -> Result<()> {
        let now = self.clock.now_us();
        let ip = client.ip.as_deref().unwrap_or("-");
        let limiter = &self.throttle.codes_ip;
        limiter.acquire(throttle::CODE_ATTEMPTS_PER_IP, ip, now).await?;
        let mut tx = self.db.begin().await?;
        let account = match (account, phone) {
            (Some(a), _) => Some(a),
            (None, Some(p)) => accounts::find_by_phone_hash(tx.conn(), &self.phone_index(p))
                .await?
                .map(|a| a.id),
            (None, None) => None,
        };
        let row = match account {
            Some(a) => codes::find_for(tx.conn(), a, VERIFY_PHONE, now).await?,
            None => None,
        };
        let Some(row) = row else {
            return Err(Error::BadCode);
        };
        let mut tx = self.check_texted_code(tx, &row, code).await?;
        limiter.release(throttle::CODE_ATTEMPTS_PER_IP, ip, now).await?;
        let (Some(h), Some(enc)) = (row.new_phone_hash, row.new_phone_enc) else {
            return Err(Error::BadCode);
        };
        match accounts::mark_phone_verified(tx.conn(), row.account_id, &h, &enc, now).await {
            Err(e) if e.is_unique_violation() => return Err(Error::Refused(Refusal::PhoneTaken)),
            other => other?,
        }
        self.record_security_event(tx.conn(), row.account_id, SecurityEvent::PhoneConfirmed, client, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A correct password on an unconfirmed identifier: send a fresh link or
    /// code (at most a few an hour).
    async fn resend_verification(&self, a: &accounts::AccountRow, identifier: &Identifier, now: i64) -> Result<()> {
        let key = format!("verify:{}", identifier.throttle_key());
        if !self
            .throttle
            .messages
            .admit(throttle::MESSAGES_PER_IDENTIFIER, &key, now)
            .await?
        {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        let locale = locale_of(tx.conn(), a.id).await?;
        match (identifier, &a.phone_hash, &a.phone_enc) {
            (Identifier::Email(e), _, _) => self.send_email_verification(tx.conn(), a.id, e, locale, now).await?,
            (Identifier::Phone(p), Some(h), Some(enc)) => {
                self.send_texted_code(
                    tx.conn(),
                    TextedCode {
                        account: a.id,
                        phone: p,
                        purpose: VERIFY_PHONE,
                        template: "sms-code",
                        new_phone: Some((h.clone(), enc.clone())),
                    },
                    locale,
                    now,
                )
                .await?
            }
            (Identifier::Phone(_), _, _) => return Ok(()),
        }
        tx.commit().await?;
        Ok(())
    }

    async fn find_by_identifier(&self, conn: Conn<'_>, id: &Identifier) -> Result<Option<accounts::AccountRow>> {
        Ok(match id {
            Identifier::Email(e) => accounts::find_by_email(conn, e.as_str()).await?,
            Identifier::Phone(p) => accounts::find_by_phone_hash(conn, &self.phone_index(p)).await?,
        })
    }

    /// Checks the password and opens a new session (a fresh id every time).
    pub async fn log_in(&self, identifier: &Identifier, password: &str, client: &ClientInfo) -> Result<NewSession> {
        let now = self.clock.now_us();
        let ip = client.ip.as_deref().unwrap_or("-");
        let id_key = identifier.throttle_key();
        let t = &self.throttle;
        // Attempts are counted before the password is checked (so parallel
        // guesses cannot all pass) and given back when they succeed.
        t.login_identifier
            .acquire(throttle::LOGIN_PER_IDENTIFIER, &id_key, now)
            .await?;
        let Some(_turn) = t
            .login_ip_turns
            .wait(ip, throttle::LOGIN_CHECKS_AT_ONCE_PER_IP, throttle::LOGIN_TURN_WAIT)
            .await
        else {
            t.login_identifier
                .release(throttle::LOGIN_PER_IDENTIFIER, &id_key, now)
                .await?;
            return Err(Error::Throttled { retry_after_secs: 5 });
        };
        let ip_rule = throttle::login_per_ip(self.settings.login_failures_per_ip);
        if let Err(e) = t.login_ip.acquire(ip_rule, ip, now).await {
            t.login_identifier
                .release(throttle::LOGIN_PER_IDENTIFIER, &id_key, now)
                .await?;
            return Err(e);
        }
        let account = {
            let mut c = self.db.acquire().await?;
            self.find_by_identifier(c.conn(), identifier).await?
        };
        let ok = passwords::verify(password.to_owned(), account.as_ref().map(|a| a.password_hash.clone())).await?;
        let account = match (ok, account) {
            (true, Some(a)) => a,
            (false, Some(a)) => {
                let mut c = self.db.acquire().await?;
                self.record_security_event(c.conn(), a.id, SecurityEvent::SignInFailed, client, now)
                    .await?;
                return Err(Error::BadCredentials);
            }
            _ => return Err(Error::BadCredentials),
        };
        t.login_ip.release(ip_rule, ip, now).await?;
        let verified = match identifier {
            Identifier::Email(_) => account.email_verified_at.is_some(),
            Identifier::Phone(_) => account.phone_verified_at.is_some(),
        };
        if !verified {
            self.resend_verification(&account, identifier, now).await?;
            return Err(Error::NotVerified);
        }
        t.login_identifier.clear(&id_key).await?;
        self.open_session(account.id, client, now).await
    }

    async fn open_session(&self, account: Uuid, client: &ClientInfo, now: i64) -> Result<NewSession> {
        let token = crypto::new_token();
        let row = SessionRow {
            id: Uuid::now_v7(),
            account_id: account,
            token_hash: crypto::token_hash(&token),
            created_at: now,
            last_seen_at: now,
            authenticated_at: now,
            expires_at: now + micros(self.settings.session_idle),
            user_agent: short_user_agent(client),
            ip: client.ip.clone(),
            ip_network: client.ip.as_deref().and_then(koine_domain::privacy::ip_network),
        };
        let mut tx = self.db.begin().await?;
        sessions::insert(tx.conn(), &row).await?;
        self.record_security_event(tx.conn(), account, SecurityEvent::SignedIn, client, now)
            .await?;
        tx.commit().await?;
        let mut c = self.db.acquire().await?;
        let person = sessions::person(c.conn(), account)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let principal = self.principal_for(&row, person);
        Ok(NewSession { token, principal })
    }

    fn principal_for(&self, s: &SessionRow, person: SessionPerson) -> Principal {
        let now = self.clock.now_us();
        Principal {
            account_id: s.account_id,
            client: ClientInfo::default(),
            session_id: s.id,
            authenticated_at: s.authenticated_at,
            staff_role: person.staff_role.as_deref().and_then(StaffRole::parse),
            minor: person.minor_until.is_some_and(|m| m > now),
            locale: person.ui_locale.as_deref().and_then(|l| UiLocale::parse(l).ok()),
            display_name: person.display_name.unwrap_or_default(),
        }
    }

    /// Resolves a session token; slides the idle expiry forward.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>> {
        let now = self.clock.now_us();
        let hash = crypto::token_hash(token);
        let created_after = now - micros(self.settings.session_max);
        let mark = self.sessions.mark();
        let (mut live, read_at) = match self.sessions.get(&hash, now, created_after) {
            Some(remembered) => remembered,
            None => {
                let mut c = self.db.acquire().await?;
                match sessions::find_live(c.conn(), &hash, now, created_after).await? {
                    Some(live) => (live, now),
                    None => return Ok(None),
                }
            }
        };
        let principal = self.principal_for(&live.session, live.person.clone());
        let s = &mut live.session;
        if now - s.last_seen_at >= micros(TOUCH_EVERY) {
            // Sliding, but never past the absolute lifetime, so the expiry
            // column alone tells the retention sweep when a session is over.
            let expires =
                (now + micros(self.settings.session_idle)).min(s.created_at + micros(self.settings.session_max));
            // Written behind the request, in a batch with the other touches
            // of the moment: the request does not wait for it, and many
            // sessions falling due at once cost a few commits, not one each.
            let touch = Touch {
                session: s.id,
                seen: now,
                expires,
            };
            self.session_touches.submit(&self.db, s.id, Box::new(touch));
            (s.last_seen_at, s.expires_at) = (now, expires);
        }
        self.sessions.put(live, read_at, now, mark);
        Ok(Some(principal))
    }

    /// Called after a change that ends an account's sessions or alters who
    /// they belong to: requests stop using what `session_cache` remembers,
    /// on this node and (told over the bus) on every other.
    pub(crate) fn sessions_changed(&self, account: Uuid) {
        self.sessions.forget(account);
        self.bus.tell_nodes(crate::bus::NodeEvent::SessionsChanged(account));
    }

    pub async fn log_out(&self, p: &Principal) -> Result<()> {
        let mut c = self.db.acquire().await?;
        sessions::delete(c.conn(), p.account_id, p.session_id).await?;
        self.sessions_changed(p.account_id);
        Ok(())
    }

    /// Fails with `ReauthRequired` when the password was last entered too long ago.
    pub fn require_recent_auth(&self, p: &Principal) -> Result<()> {
        if self.clock.now_us() - p.authenticated_at > micros(self.settings.reauth_after) {
            Err(Error::ReauthRequired)
        } else {
            Ok(())
        }
    }

    pub async fn reauthenticate(&self, p: &Principal, password: &str) -> Result<()> {
        let now = self.clock.now_us();
        let key = format!("reauth:{}", p.account_id);
        let t = &self.throttle.login_identifier;
        t.acquire(throttle::LOGIN_PER_IDENTIFIER, &key, now).await?;
        let mut c = self.db.acquire().await?;
        let account = accounts::get(c.conn(), p.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        if !passwords::verify(password.to_owned(), Some(account.password_hash)).await? {
            self.record_security_event(c.conn(), p.account_id, SecurityEvent::ReauthFailed, &p.client, now)
                .await?;
            return Err(Error::BadCredentials);
        }
        t.clear(&key).await?;
        sessions::mark_authenticated(c.conn(), p.session_id, now).await?;
        self.sessions_changed(p.account_id);
        Ok(())
    }

    pub async fn list_sessions(&self, p: &Principal) -> Result<Vec<SessionRow>> {
        let mut c = self.db.acquire().await?;
        Ok(sessions::list_for(c.conn(), p.account_id, self.clock.now_us()).await?)
    }

    /// Ends one of the caller's own sessions; someone else's is "not found".
    pub async fn end_session(&self, p: &Principal, session: Uuid) -> Result<()> {
        let mut c = self.db.acquire().await?;
        if sessions::delete(c.conn(), p.account_id, session).await? {
            self.sessions_changed(p.account_id);
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    pub async fn change_password(
        &self,
        p: &Principal,
        current: &str,
        new: NewPassword,
        end_other_sessions: bool,
    ) -> Result<()> {
        self.require_recent_auth(p)?;
        let now = self.clock.now_us();
        let account = {
            let mut c = self.db.acquire().await?;
            accounts::get(c.conn(), p.account_id)
                .await?
                .ok_or(Error::Unauthenticated)?
        };
        if !passwords::verify(current.to_owned(), Some(account.password_hash.clone())).await? {
            return Err(koine_domain::Invalid::new("current_password", "wrong-password").into());
        }
        let hash = passwords::hash(new.expose().to_owned()).await?;
        let mut tx = self.db.begin().await?;
        accounts::set_password(tx.conn(), p.account_id, &hash, now).await?;
        self.record_security_event(tx.conn(), p.account_id, SecurityEvent::PasswordChanged, &p.client, now)
            .await?;
        if end_other_sessions {
            sessions::delete_all_except(tx.conn(), p.account_id, Some(p.session_id)).await?;
        }
        self.notify_account(
            tx.conn(),
            &account,
            "mail-password-changed-subject",
            "mail-password-changed-body",
            now,
        )
        .await?;
        tx.commit().await?;
        self.sessions_changed(p.account_id);
        Ok(())
    }

    /// Tells the owner of an account about a security-relevant change.
    pub(crate) async fn notify_account(
        &self,
        conn: Conn<'_>,
        account: &accounts::AccountRow,
        subject_key: &str,
        body_key: &str,
        now: i64,
    ) -> Result<()> {
        self.notify_account_with(conn, account, subject_key, body_key, &[], now)
            .await
    }

    /// Emails the account's confirmed address, in its language, with `args`
    /// filled into the body.
    pub(crate) async fn notify_account_with(
        &self,
        mut conn: Conn<'_>,
        account: &accounts::AccountRow,
        subject_key: &str,
        body_key: &str,
        args: &[(&'static str, String)],
        now: i64,
    ) -> Result<()> {
        let Some(email) = account.email.clone().filter(|_| account.email_verified_at.is_some()) else {
            return Ok(());
        };
        let locale = locale_of(conn.reborrow(), account.id).await?;
        mail::enqueue(
            conn,
            now,
            Outgoing {
                account: Some(account.id),
                channel: Channel::Email,
                to: email,
                subject: t(locale, subject_key),
                body: t_args(locale, body_key, args),
            },
        )
        .await
    }

    /// Sends a reset link if the address belongs to a verified account;
    /// answers the same either way.
    pub async fn request_password_reset(&self, identifier: &Identifier, locale: UiLocale, ip: &str) -> Result<()> {
        let now = self.clock.now_us();
        // Per client: saying "too many" here reveals nothing about any account.
        self.throttle
            .messages_ip
            .acquire(throttle::MESSAGES_PER_IP, ip, now)
            .await?;
        let key = format!("reset:{}", identifier.throttle_key());
        if !self
            .throttle
            .messages
            .admit(throttle::MESSAGES_PER_IDENTIFIER, &key, now)
            .await?
        {
            // Per address: drop silently, so the answer stays the same for everyone.
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        let email = match identifier {
            Identifier::Email(e) => e,
            Identifier::Phone(p) => {
                let Some(a) = accounts::find_by_phone_hash(tx.conn(), &self.phone_index(p)).await? else {
                    return Ok(());
                };
                let text = TextedCode {
                    account: a.id,
                    phone: p,
                    purpose: RESET_PASSWORD,
                    template: "sms-reset-code",
                    new_phone: None,
                };
                self.send_texted_code(tx.conn(), text, locale, now).await?;
                tx.commit().await?;
                return Ok(());
            }
        };
        let Some(a) = accounts::find_by_email(tx.conn(), email.as_str()).await? else {
            return Ok(());
        };
        // Unverified accounts get a link too: following it proves control of
        // the address, so an address someone else signed up with (and never
        // confirmed) can still be recovered by its owner.
        let token = crypto::new_token();
        codes::replace(
            tx.conn(),
            &CodeRow {
                id: Uuid::now_v7(),
                account_id: a.id,
                purpose: RESET_PASSWORD.into(),
                code_hash: self.keys.code_hash(RESET_PASSWORD, b"", &token),
                new_email: None,
                new_phone_hash: None,
                new_phone_enc: None,
                attempts: 0,
                created_at: now,
                expires_at: now + micros(RESET_TTL),
            },
        )
        .await?;
        mail::enqueue(
            tx.conn(),
            now,
            Outgoing {
                account: Some(a.id),
                channel: Channel::Email,
                to: email.as_str().into(),
                subject: t(locale, "mail-reset-subject"),
                body: t_args(
                    locale,
                    "mail-reset-body",
                    &[("url", self.link("/password/reset", &token))],
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password with the code texted to the account's number; the
    /// number counts as confirmed, and every session ends.
    pub async fn reset_password_with_code(
        &self,
        phone: &Phone,
        code: &str,
        new: NewPassword,
        client: &ClientInfo,
    ) -> Result<()> {
        let now = self.clock.now_us();
        let ip = client.ip.as_deref().unwrap_or("-");
        self.throttle
            .codes_ip
            .acquire(throttle::CODE_ATTEMPTS_PER_IP, ip, now)
            .await?;
        let hash = passwords::hash(new.expose().to_owned()).await?;
        let mut tx = self.db.begin().await?;
        let Some(a) = accounts::find_by_phone_hash(tx.conn(), &self.phone_index(phone)).await? else {
            return Err(Error::BadCode);
        };
        let Some(row) = codes::find_for(tx.conn(), a.id, RESET_PASSWORD, now).await? else {
            return Err(Error::BadCode);
        };
        let mut tx = self.check_texted_code(tx, &row, code).await?;
        self.throttle
            .codes_ip
            .release(throttle::CODE_ATTEMPTS_PER_IP, ip, now)
            .await?;
        accounts::set_password(tx.conn(), a.id, &hash, now).await?;
        self.record_security_event(tx.conn(), a.id, SecurityEvent::PasswordReset, client, now)
            .await?;
        sessions::delete_all_except(tx.conn(), a.id, None).await?;
        if let (None, Some(h), Some(enc)) = (a.phone_verified_at, &a.phone_hash, &a.phone_enc) {
            accounts::mark_phone_verified(tx.conn(), a.id, h, enc, now).await?;
        }
        self.notify_account(
            tx.conn(),
            &a,
            "mail-password-changed-subject",
            "mail-password-changed-body",
            now,
        )
        .await?;
        tx.commit().await?;
        self.sessions_changed(a.id);
        Ok(())
    }

    /// Whether a reset link is still valid (to show the form or an error).
    pub async fn reset_token_valid(&self, token: &str) -> Result<bool> {
        let mut c = self.db.acquire().await?;
        let hash = self.keys.code_hash(RESET_PASSWORD, b"", token);
        Ok(
            codes::find_by_hash(c.conn(), RESET_PASSWORD, &hash, self.clock.now_us())
                .await?
                .is_some(),
        )
    }

    /// Sets a new password from a reset link and ends every session.
    pub async fn reset_password(&self, token: &str, new: NewPassword, client: &ClientInfo) -> Result<()> {
        let now = self.clock.now_us();
        let hash = passwords::hash(new.expose().to_owned()).await?;
        let mut tx = self.db.begin().await?;
        let code = self.keys.code_hash(RESET_PASSWORD, b"", token);
        let row = codes::find_by_hash(tx.conn(), RESET_PASSWORD, &code, now)
            .await?
            .ok_or(Error::BadCode)?;
        // Consume first: a link works once even under concurrent use.
        if !codes::delete(tx.conn(), row.id).await? {
            return Err(Error::BadCode);
        }
        accounts::set_password(tx.conn(), row.account_id, &hash, now).await?;
        self.record_security_event(tx.conn(), row.account_id, SecurityEvent::PasswordReset, client, now)
            .await?;
        sessions::delete_all_except(tx.conn(), row.account_id, None).await?;
        if let Some(a) = accounts::get(tx.conn(), row.account_id).await? {
            if let (None, Some(email)) = (a.email_verified_at, &a.email) {
                accounts::mark_email_verified(tx.conn(), a.id, email, now).await?;
            }
            self.notify_account(
                tx.conn(),
                &a,
                "mail-password-changed-subject",
                "mail-password-changed-body",
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.sessions_changed(row.account_id);
        Ok(())
    }

    /// Before changing a contact detail: a recent password, and a limit on
    /// how many changes (and so messages) one account can start.
    async fn contact_change_gate(&self, p: &Principal, what: &str) -> Result<(i64, UiLocale)> {
        self.require_recent_auth(p)?;
        let now = self.clock.now_us();
        let key = format!("{what}-change:{}", p.account_id);
        self.throttle
            .messages
            .acquire(throttle::MESSAGES_PER_IDENTIFIER, &key, now)
            .await?;
        Ok((now, p.locale.unwrap_or(UiLocale::En)))
    }

    /// Starts an email change: the new address must confirm by link.
    pub async fn change_email(&self, p: &Principal, new: &Email) -> Result<()> {
        let (now, locale) = self.contact_change_gate(p, "email").await?;
        let mut tx = self.db.begin().await?;
        let account = accounts::get(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        // Same answer as success in every case; a banned address is told why.
        if self.refuse_if_banned(tx.conn(), Some(new), None, locale, now).await? {
            tx.commit().await?;
            return Ok(());
        }
        if accounts::find_by_email(tx.conn(), new.as_str()).await?.is_some() {
            // Same answer as success; the address's owner is told instead.
            self.tell_address_taken(tx.conn(), new, locale, now).await?;
        } else {
            self.send_email_verification(tx.conn(), p.account_id, new, locale, now)
                .await?;
            self.notify_account(
                tx.conn(),
                &account,
                "mail-email-change-subject",
                "mail-email-change-body",
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Starts a phone change: the new number must confirm with a texted code.
    pub async fn change_phone(&self, p: &Principal, new: &Phone) -> Result<()> {
        let (now, locale) = self.contact_change_gate(p, "phone").await?;
        let hash = self.phone_index(new);
        let mut tx = self.db.begin().await?;
        if self.refuse_if_banned(tx.conn(), None, Some(new), locale, now).await? {
            tx.commit().await?;
            return Ok(());
        }
        let holder = accounts::find_by_phone_hash(tx.conn(), &hash).await?;
        if holder.is_some_and(|other| other.id != p.account_id) {
            // Same answer as success; the number's holder is told instead.
            self.tell_number_holder(tx.conn(), new, "sms-number-in-use", locale, now)
                .await?;
            tx.commit().await?;
            return Ok(());
        }
        let key = self.subject_key(tx.conn(), p.account_id).await?;
        let enc = crypto::seal_field(&key, p.account_id, "accounts.phone", new.as_str().as_bytes());
        let text = TextedCode {
            account: p.account_id,
            phone: new,
            purpose: VERIFY_PHONE,
            template: "sms-code",
            new_phone: Some((hash, enc)),
        };
        self.send_texted_code(tx.conn(), text, locale, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account's contact details, decrypted for its owner.
    pub async fn contact_details(&self, account: Uuid) -> Result<ContactDetails> {
        let mut c = self.db.acquire().await?;
        let a = accounts::get(c.conn(), account).await?.ok_or(Error::NotFound)?;
        let key = self.subject_key(c.conn(), account).await?;
        let phone = match &a.phone_enc {
            Some(enc) => Some(
                String::from_utf8(crypto::open_field(&key, account, "accounts.phone", enc).map_err(Error::internal)?)
                    .map_err(Error::internal)?,
            ),
            None => None,
        };
        let birth_date = match &a.birth_date_enc {
            Some(enc) => {
                let raw = crypto::open_field(&key, account, "accounts.birth_date", enc).map_err(Error::internal)?;
                Some(
                    String::from_utf8(raw)
                        .map_err(Error::internal)?
                        .parse::<Date>()
                        .map_err(Error::internal)?,
                )
            }
            None => None,
        };
        let phone_code_pending = codes::find_for(c.conn(), account, VERIFY_PHONE, self.clock.now_us())
            .await?
            .is_some();
        Ok(ContactDetails {
            email: a.email,
            email_verified: a.email_verified_at.is_some(),
            phone,
            phone_verified: a.phone_verified_at.is_some(),
            phone_code_pending,
            birth_date,
            minor: a.minor_until.is_some_and(|m| m > self.clock.now_us()),
            staff_role: a.staff_role,
            created_at: a.created_at,
        })
    }

    /// Creates a staff account (from the CLI) with a verified email.
    pub async fn create_staff(
        &self,
        email: &Email,
        role: StaffRole,
        password: NewPassword,
        name: &DisplayName,
    ) -> Result<Uuid> {
        let now = self.clock.now_us();
        let hash = passwords::hash(password.expose().to_owned()).await?;
        let mut tx = self.db.begin().await?;
        if let Some(existing) = accounts::find_by_email(tx.conn(), email.as_str()).await? {
            // Promoting someone else's unconfirmed sign-up would hand staff
            // rights to whoever created it.
            if existing.email_verified_at.is_none() {
                return Err(Error::Refused(Refusal::EmailUnverified));
            }
            // The printed password becomes the account's, and earlier sessions end.
            accounts::set_staff_role(tx.conn(), existing.id, Some(role.as_str())).await?;
            accounts::set_password(tx.conn(), existing.id, &hash, now).await?;
            sessions::delete_all_except(tx.conn(), existing.id, None).await?;
            tx.commit().await?;
            self.sessions_changed(existing.id);
            return Ok(existing.id);
        }
        let id = Uuid::now_v7();
        let (_, wrapped) = self.keys.new_subject_key(id);
        accounts::insert(
            tx.conn(),
            &accounts::AccountRow {
                id,
                email: Some(email.as_str().into()),
                email_verified_at: Some(now),
                phone_hash: None,
                phone_enc: None,
                phone_verified_at: None,
                password_hash: hash,
                password_changed_at: now,
                birth_date_enc: None,
                minor_until: None,
                staff_role: Some(role.as_str().into()),
                created_at: now,
            },
        )
        .await?;
        self.store_subject_key(tx.conn(), id, &wrapped, now).await?;
        profiles::upsert(
            tx.conn(),
            &fresh_profile(id, name.as_str().into(), "UTC".into(), None, false, now),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Test and demo helper: the account id behind an email.
    pub async fn account_id_by_email(&self, email: &Email) -> Result<Option<Uuid>> {
        let mut c = self.db.acquire().await?;
        Ok(accounts::find_by_email(c.conn(), email.as_str()).await?.map(|a| a.id))
    }
}

/// What the owner sees of their own contact data.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContactDetails {
    pub email: Option<String>,
    pub email_verified: bool,
    pub phone: Option<String>,
    pub phone_verified: bool,
    /// A texted code is waiting to confirm a (new) number.
    pub phone_code_pending: bool,
    pub birth_date: Option<Date>,
    pub minor: bool,
    pub staff_role: Option<String>,
    pub created_at: i64,
}

/// Marks an account verified without a link (demo seeding only).
pub async fn mark_demo_verified(svc: &Services, account: Uuid, email: &str) -> Result<()> {
    let mut c = svc.db.acquire().await?;
    accounts::mark_email_verified(c.conn(), account, email, svc.clock.now_us()).await?;
    Ok(())
}

#[cfg(test)]
mod sign_up_tests {
    use super::*;

    fn input() -> SignUpInput {
        SignUpInput {
            display_name: "Ana".into(),
            email: String::new(),
            phone: "+34 612 345 678".into(),
            password: "34612345678-Zz".into(),
            birth_date: "1990-05-01".into(),
            time_zone: String::new(),
            locale: UiLocale::Ja,
            marketing_email: false,
        }
    }

    fn today() -> Date {
        jiff::civil::date(2026, 12, 4)
    }

    #[test]
    fn a_password_made_of_the_phone_number_is_guessable() {
        let errors = SignUp::parse(&input(), today()).unwrap_err();
        assert_eq!(errors, [Invalid::new("password", "password-too-guessable")]);
        let other = SignUpInput {
            phone: "+44 7700 900123".into(),
            ..input()
        };
        assert!(
            SignUp::parse(&other, today()).is_ok(),
            "the same password with another number"
        );
    }

    #[test]
    fn the_time_zone_is_guessed_from_the_language_when_left_out() {
        let ok = SignUpInput {
            phone: "+44 7700 900123".into(),
            ..input()
        };
        assert_eq!(SignUp::parse(&ok, today()).unwrap().time_zone, "Asia/Tokyo");
    }

    #[test]
    fn every_field_error_comes_at_once() {
        let bad = SignUpInput {
            display_name: " ".into(),
            email: "not-an-email".into(),
            phone: String::new(),
            password: "short".into(),
            birth_date: "1990-13-01".into(),
            time_zone: "Mars/Olympus".into(),
            ..input()
        };
        let fields: Vec<&str> = SignUp::parse(&bad, today())
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["display_name", "email", "birth_date", "time_zone", "password"]);
        let neither = SignUpInput {
            phone: String::new(),
            ..input()
        };
        let errors = SignUp::parse(&neither, today()).unwrap_err();
        assert!(
            errors.contains(&Invalid::new("email", "email-or-phone-required")),
            "{errors:?}"
        );
    }
}
