//! Packages: 5, 10 or 20 lessons of one offering at a discount, paid up
//! front into the package's escrow and drawn on lesson by lesson; usable
//! for 6 months, with reminders a month and a week before they expire.
//! What is left at expiry is paid to the teacher, who kept the time.

use super::rate;
use crate::accounts::Principal;
use crate::idempotency::{IdempotencyKey, Outcome};
use crate::notifications::Notice;
use crate::{Error, Result, Services};
use koine_domain::cards::Card;
use koine_domain::ledger::{self, Account};
use koine_domain::mention;
use koine_domain::refusal::Refusal;
use koine_domain::teaching::{self, OfferingStatus, PACKAGE_VALID_DAYS, TeacherStatus, format_amount};
use koine_store::repo::ledger::Refs;
use koine_store::repo::packages::{self as repo, PackageRow};
use koine_store::repo::{lessons, offerings, restrictions, teaching as teachers};
use uuid::Uuid;

const DAY_US: i64 = 86_400_000_000;

/// A package as its learner or teacher sees it.
#[derive(Debug, Clone)]
pub struct Package {
    pub row: PackageRow,
    pub lessons_left: i64,
    pub teacher_name: String,
    pub learner_name: String,
}

impl Services {
    /// Buys a package of `lessons` lessons of an offering, from the wallet
    /// (topped up by card if one is given).
    pub async fn buy_package(
        &self,
        p: &Principal,
        offering: Uuid,
        lessons: u16,
        card: Option<&Card>,
        key: &IdempotencyKey,
    ) -> Result<Uuid> {
        let learner = p.account_id;
        let fingerprint = self.fingerprint(&[b"package", offering.as_bytes(), &lessons.to_le_bytes()]);
        if let Some(Outcome::Package(id)) = self.earlier_outcome(learner, key, &fingerprint).await? {
            return Ok(id);
        }
        self.require_may_pay(learner).await?;
        let (o, discount) = {
            let mut c = self.db.acquire().await?;
            let o = offerings::get(c.conn(), offering).await?.ok_or(Error::NotFound)?;
            let t = teachers::teacher(c.conn(), o.teacher_id)
                .await?
                .ok_or(Error::NotFound)?;
            if o.teacher_id == learner {
                return Err(Error::Forbidden);
            }
            if o.status != OfferingStatus::Active
                || t.status != TeacherStatus::Active
                || restrictions::active(c.conn(), o.teacher_id).await?.is_some()
            {
                return Err(Error::Refused(Refusal::OfferingNotAvailable));
            }
            if koine_store::repo::conversations::blocks(c.conn(), o.teacher_id, learner).await? {
                return Err(Error::Refused(Refusal::Blocked));
            }
            let discount = offerings::packages_of(c.conn(), o.teacher_id)
                .await?
                .into_iter()
                .find(|(off, n, _)| *off == offering && *n == i64::from(lessons))
                .map(|(_, _, d)| d)
                .ok_or(koine_domain::Invalid::new("lessons", "invalid-choice"))?;
            (o, discount)
        };
        let price = teaching::package_price(o.price_minor, lessons, u8::try_from(discount).unwrap_or(0))?;
        if let Some(card) = card {
            let short = price - self.balance(Account::Wallet(learner)).await?;
            if short > 0 {
                let card_key = IdempotencyKey::parse(&format!("{}:card", key.as_str()))?;
                self.pay_by_card(p, short.max(crate::payments::MIN_CARD_PAYMENT), card, &card_key)
                    .await?;
            }
        }
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        if let Some(Outcome::Package(id)) = self.claim_key(tx.conn(), learner, key, &fingerprint).await? {
            return Ok(id);
        }
        let row = PackageRow {
            id: Uuid::now_v7(),
            learner_id: learner,
            teacher_id: o.teacher_id,
            offering_id: Some(o.id),
            language: o.language.clone(),
            duration_minutes: o.duration_minutes,
            lessons: i64::from(lessons),
            price_minor: price,
            discount_percent: discount,
            currency: self.settings.currency.clone(),
            commission_bp: i64::from(self.settings.booking.commission_bp),
            purchased_at: now,
            expires_at: now + i64::from(PACKAGE_VALID_DAYS) * DAY_US,
            reminded_month_at: None,
            reminded_week_at: None,
            closed_at: None,
        };
        repo::insert(tx.conn(), &row).await?;
        let entry = ledger::package_purchase(learner, row.id, price).map_err(Error::internal)?;
        let refs = Refs {
            package: Some(row.id),
            ..Refs::default()
        };
        self.post(tx.conn(), &entry, refs, now).await?;
        for (who, key_) in [
            (learner, "package-bought-learner"),
            (o.teacher_id, "package-bought-teacher"),
        ] {
            let notice = Notice {
                kind: "package_bought",
                subject_key: "mail-package-subject",
                body_key: key_,
                args: vec![
                    ("lessons", lessons.to_string()),
                    ("price", format!("{} {}", format_amount(price), row.currency)),
                    ("name", mention::MARK.into()),
                ],
                link: Some("/lessons".into()),
                ics: None,
                about: Some(learner),
            };
            self.tell(tx.conn(), who, notice, now).await?;
        }
        self.finish_key(tx.conn(), learner, key, Outcome::Package(row.id))
            .await?;
        tx.commit().await?;
        Ok(row.id)
    }

    /// A member's packages (as learner or teacher), with lessons left.
    pub async fn packages(&self, account: Uuid) -> Result<Vec<Package>> {
        let mut c = self.db.acquire().await?;
        let rows = repo::of_member(c.conn(), account).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let used = lessons::package_lessons_used(c.conn(), row.id).await?;
            out.push(Package {
                lessons_left: if row.closed_at.is_some() {
                    0
                } else {
                    (row.lessons - used).max(0)
                },
                teacher_name: self.display_name_in(c.conn(), row.teacher_id).await?,
                learner_name: self.display_name_in(c.conn(), row.learner_id).await?,
                row,
            });
        }
        Ok(out)
    }

    /// Closes a package: what is left in it is paid to the teacher (less
    /// commission) and the learner is told. Run in its own transaction.
    pub(crate) async fn expire_package(&self, mut conn: koine_store::Conn<'_>, id: Uuid, now: i64) -> Result<bool> {
        let Some(pk) = repo::get_locked(conn.reborrow(), id).await? else {
            return Ok(false);
        };
        if pk.closed_at.is_some() {
            return Ok(false);
        }
        let left = self.balance_in(conn.reborrow(), Account::PackageEscrow(id)).await?;
        let entry = ledger::package_expiry(id, pk.teacher_id, left, rate(pk.commission_bp)).map_err(Error::internal)?;
        let refs = Refs {
            package: Some(id),
            ..Refs::default()
        };
        self.post(conn.reborrow(), &entry, refs, now).await?;
        repo::close(conn.reborrow(), id, now).await?;
        let notice = Notice {
            kind: "package_expired",
            subject_key: "mail-package-subject",
            body_key: "package-expired",
            args: vec![("lessons", pk.lessons.to_string()), ("name", mention::MARK.into())],
            link: Some("/lessons".into()),
            ics: None,
            about: Some(pk.teacher_id),
        };
        self.tell(conn, pk.learner_id, notice, now).await?;
        Ok(true)
    }
}
