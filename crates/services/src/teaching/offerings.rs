//! Lesson offerings: per teacher, lesson types (language, levels, length,
//! price in the platform currency), packages at a discount, a trial price;
//! paused or unpublished at will.

use crate::accounts::Principal;
use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::profile::{Cefr, Language};
use koine_domain::teaching::{self, OfferingStatus, PACKAGE_SIZES};
use koine_store::repo::offerings::{self as repo, OfferingRow};
use koine_store::repo::teaching as teachers;
use uuid::Uuid;

/// An offering as typed on the form.
#[derive(Debug, Clone, Default)]
pub struct OfferingForm {
    pub language: String,
    pub levels: Vec<String>,
    pub duration: String,
    /// An amount such as `18.50`.
    pub price: String,
    /// Per package size (5, 10, 20), the discount in percent, empty for none.
    pub discounts: Vec<(u16, String)>,
    pub status: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Package {
    pub lessons: u16,
    pub discount_percent: u8,
    pub price_minor: i64,
    pub valid_days: u16,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Offering {
    pub id: Uuid,
    pub language: String,
    pub levels: Vec<String>,
    pub duration_minutes: u16,
    pub price_minor: i64,
    pub currency: String,
    pub status: OfferingStatus,
    pub packages: Vec<Package>,
}

fn offering_of(row: &OfferingRow, packages: &[(Uuid, i64, i64)]) -> Offering {
    let price = row.price_minor;
    Offering {
        id: row.id,
        language: row.language.clone(),
        levels: row
            .levels
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        duration_minutes: u16::try_from(row.duration_minutes).unwrap_or(0),
        price_minor: price,
        currency: row.currency.clone(),
        status: OfferingStatus::parse(&row.status).unwrap_or(OfferingStatus::Unpublished),
        packages: packages
            .iter()
            .filter(|(o, ..)| *o == row.id)
            .map(|(_, lessons, discount)| {
                let (lessons, discount) = (
                    u16::try_from(*lessons).unwrap_or(0),
                    u8::try_from(*discount).unwrap_or(0),
                );
                Package {
                    lessons,
                    discount_percent: discount,
                    price_minor: teaching::package_price(price, lessons, discount).unwrap_or(0),
                    valid_days: teaching::PACKAGE_VALID_DAYS,
                }
            })
            .collect(),
    }
}

impl Services {
    async fn require_teacher(&self, p: &Principal) -> Result<Vec<(String, String)>> {
        let mut c = self.db.acquire().await?;
        if teachers::teacher(c.conn(), p.account_id).await?.is_none() {
            return Err(Error::Forbidden);
        }
        Ok(teachers::languages(c.conn(), p.account_id).await?)
    }

    /// Creates (`id` none) or changes one of the caller's offerings.
    pub async fn save_offering(&self, p: &Principal, id: Option<Uuid>, f: OfferingForm) -> Result<Uuid> {
        let taught = self.require_teacher(p).await?;
        let language = Language::parse(&f.language)?;
        if !taught.iter().any(|(l, _)| l == language.code()) {
            return Err(Invalid::new("language", "not-a-taught-language").into());
        }
        let mut levels = Vec::new();
        for l in &f.levels {
            let level = Cefr::parse(l)?;
            if level == Cefr::Native {
                return Err(Invalid::new("levels", "invalid-choice").into());
            }
            if !levels.contains(&level) {
                levels.push(level);
            }
        }
        if levels.is_empty() {
            return Err(Invalid::new("levels", "required").into());
        }
        levels.sort_by_key(|l| Cefr::ALL.iter().position(|x| x == l));
        let duration = f
            .duration
            .trim()
            .parse::<u16>()
            .map_err(|_| Invalid::new("duration", "invalid-choice"))
            .and_then(teaching::parse_duration)?;
        let price = teaching::parse_amount("price", &f.price)?;
        let status = OfferingStatus::parse(if f.status.is_empty() { "active" } else { &f.status })?;
        let mut packages = Vec::new();
        for (lessons, discount) in &f.discounts {
            let discount = discount.trim();
            if discount.is_empty() {
                continue;
            }
            if !PACKAGE_SIZES.contains(lessons) {
                return Err(Invalid::new("package_lessons", "invalid-choice").into());
            }
            let pct: u8 = discount
                .parse()
                .map_err(|_| Invalid::new("package_discount", "invalid-amount"))?;
            teaching::package_price(price, *lessons, pct)?;
            packages.push((i64::from(*lessons), i64::from(pct)));
        }
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let (id, created_at) = match id {
            Some(id) => {
                let old = repo::get(tx.conn(), id).await?.filter(|o| o.teacher_id == p.account_id);
                (id, old.ok_or(Error::NotFound)?.created_at)
            }
            None => (Uuid::now_v7(), now),
        };
        let row = OfferingRow {
            id,
            teacher_id: p.account_id,
            language: language.code().into(),
            levels: levels.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(","),
            duration_minutes: i64::from(duration),
            price_minor: price,
            currency: self.settings.currency.clone(),
            status: status.as_str().into(),
            created_at,
            updated_at: now,
        };
        repo::upsert(tx.conn(), &row).await?;
        repo::set_packages(tx.conn(), id, p.account_id, &packages).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(id)
    }

    /// Pauses, unpublishes or reactivates one of the caller's offerings.
    pub async fn set_offering_status(&self, p: &Principal, id: Uuid, status: OfferingStatus) -> Result<()> {
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let mut row = repo::get(tx.conn(), id)
            .await?
            .filter(|o| o.teacher_id == p.account_id)
            .ok_or(Error::NotFound)?;
        row.status = status.as_str().into();
        row.updated_at = now;
        repo::upsert(tx.conn(), &row).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }

    /// A teacher's offerings: all for the teacher themself, the active and
    /// paused ones for everyone else.
    pub async fn offerings(&self, teacher: Uuid, own: bool) -> Result<Vec<Offering>> {
        let mut c = self.db.acquire().await?;
        let rows = repo::of_teacher(c.conn(), teacher).await?;
        let packages = repo::packages_of(c.conn(), teacher).await?;
        Ok(rows
            .iter()
            .map(|r| offering_of(r, &packages))
            .filter(|o| own || o.status != OfferingStatus::Unpublished)
            .collect())
    }

    /// One published offering and its teacher.
    pub async fn offering(&self, id: Uuid) -> Result<(Uuid, Offering)> {
        let mut c = self.db.acquire().await?;
        let row = repo::get(c.conn(), id)
            .await?
            .filter(|o| o.status != OfferingStatus::Unpublished.as_str())
            .ok_or(Error::NotFound)?;
        let packages = repo::packages_of(c.conn(), row.teacher_id).await?;
        Ok((row.teacher_id, offering_of(&row, &packages)))
    }

    /// The trial lesson's price (none: no trial), less than a regular lesson's.
    pub async fn set_trial_price(&self, p: &Principal, amount: &str) -> Result<()> {
        self.require_teacher(p).await?;
        let trial = match amount.trim() {
            "" => None,
            a => Some(teaching::parse_amount("trial_price", a)?),
        };
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        if let Some(price) = trial {
            let cheapest = repo::of_teacher(tx.conn(), p.account_id)
                .await?
                .iter()
                .filter(|o| o.status == OfferingStatus::Active.as_str())
                .map(|o| o.price_minor)
                .min()
                .ok_or(Invalid::new("trial_price", "trial-needs-offering"))?;
            teaching::check_trial_price(price, cheapest)?;
        }
        let mut t = teachers::teacher(tx.conn(), p.account_id)
            .await?
            .ok_or(Error::Forbidden)?;
        t.trial_price_minor = trial;
        t.updated_at = now;
        teachers::update_teacher(tx.conn(), &t).await?;
        tx.commit().await?;
        self.teachers_changed(p.account_id).await;
        Ok(())
    }
}
