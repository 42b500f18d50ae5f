//! Lesson offerings: per teacher, lesson types (language, levels, length,
//! price in the platform currency), packages at a discount, a trial price;
//! paused or unpublished at will.

use crate::accounts::Principal;
use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::profile::{Cefr, Language};
use koine_domain::teaching::{self, OfferingStatus, PACKAGE_SIZES};
use koine_domain::validation::FieldErrors;
use koine_store::repo::offerings::{self as repo, OfferingRow};
use koine_store::repo::teaching as teachers;
use uuid::Uuid;

/// An offering as typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct OfferingInput {
    pub language: String,
    pub levels: Vec<String>,
    pub duration: String,
    /// An amount such as `18.50`.
    pub price: String,
    /// Per package size (5, 10, 20), the discount in percent, empty for none.
    pub discounts: Vec<(u16, String)>,
    pub status: String,
}

/// A checked offering, ready to save.
#[derive(Debug, Clone)]
pub struct NewOffering {
    pub language: Language,
    /// Distinct, in CEFR order.
    pub levels: Vec<Cefr>,
    pub duration_minutes: u16,
    pub price_minor: i64,
    pub status: OfferingStatus,
    /// (lessons, discount in percent) per package offered.
    pub packages: Vec<(u16, u8)>,
}

impl NewOffering {
    /// The one reading of an offering: the offering, or every field's
    /// error at once.
    pub fn parse(input: &OfferingInput) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = FieldErrors::default();
        let language = errors.take(Language::parse(&input.language));
        let mut levels = Vec::new();
        for l in &input.levels {
            match errors.take(Cefr::parse(l)) {
                Some(Cefr::Native) => errors.push(Invalid::new("levels", "invalid-choice")),
                Some(level) if !levels.contains(&level) => levels.push(level),
                _ => {}
            }
        }
        if input.levels.is_empty() {
            errors.push(Invalid::new("levels", "required"));
        }
        levels.sort_by_key(|l| Cefr::ALL.iter().position(|x| x == l));
        let duration = errors.take(
            input
                .duration
                .trim()
                .parse::<u16>()
                .map_err(|_| Invalid::new("duration", "invalid-choice"))
                .and_then(teaching::parse_duration),
        );
        let price = errors.take(teaching::parse_amount("price", &input.price));
        let status = errors.take(OfferingStatus::parse(match input.status.as_str() {
            "" => "active",
            s => s,
        }));
        let mut packages = Vec::new();
        for (lessons, discount) in &input.discounts {
            let discount = discount.trim();
            if discount.is_empty() {
                continue;
            }
            if !PACKAGE_SIZES.contains(lessons) {
                errors.push(Invalid::new("package_lessons", "invalid-choice"));
                continue;
            }
            let pct = errors.take(
                discount
                    .parse::<u8>()
                    .map_err(|_| Invalid::new("package_discount", "invalid-amount")),
            );
            if let (Some(pct), Some(price)) = (pct, price)
                && errors.take(teaching::package_price(price, *lessons, pct)).is_some()
            {
                packages.push((*lessons, pct));
            }
        }
        errors.finish(|| {
            Some(Self {
                language: language?,
                levels,
                duration_minutes: duration?,
                price_minor: price?,
                status: status?,
                packages,
            })
        })
    }
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
        status: row.status,
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
    pub async fn save_offering(&self, p: &Principal, id: Option<Uuid>, o: NewOffering) -> Result<Uuid> {
        let taught = self.require_teacher(p).await?;
        if !taught.iter().any(|(l, _)| l == o.language.code()) {
            return Err(Invalid::new("language", "not-a-taught-language").into());
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
            language: o.language.code().into(),
            levels: o.levels.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(","),
            duration_minutes: i64::from(o.duration_minutes),
            price_minor: o.price_minor,
            currency: self.settings.currency.clone(),
            status: o.status,
            created_at,
            updated_at: now,
        };
        repo::upsert(tx.conn(), &row).await?;
        let packages: Vec<_> = o
            .packages
            .iter()
            .map(|(lessons, pct)| (i64::from(*lessons), i64::from(*pct)))
            .collect();
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
        row.status = status;
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
            .filter(|o| o.status != OfferingStatus::Unpublished)
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
                .filter(|o| o.status == OfferingStatus::Active)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: Vec<Invalid>) -> Vec<&'static str> {
        e.into_iter().map(|i| i.field).collect()
    }

    #[test]
    fn an_offering_is_read_whole_or_refused_with_every_error() {
        let good = OfferingInput {
            language: "es".into(),
            levels: vec!["B1".into(), "A1".into(), "B1".into()],
            duration: "60".into(),
            price: "20.00".into(),
            discounts: vec![(5, "5".into()), (10, String::new())],
            status: String::new(),
        };
        let o = NewOffering::parse(&good).unwrap();
        assert_eq!(o.levels, [Cefr::A1, Cefr::B1], "distinct, in CEFR order");
        assert_eq!(
            (o.duration_minutes, o.price_minor, o.status),
            (60, 2000, OfferingStatus::Active)
        );
        assert_eq!(o.packages, [(5, 5)]);
        let bad = OfferingInput {
            language: "xx".into(),
            levels: vec!["native".into()],
            duration: "61".into(),
            price: "free".into(),
            discounts: vec![(7, "5".into()), (5, "lots".into())],
            status: "gone".into(),
        };
        assert_eq!(
            fields(NewOffering::parse(&bad).unwrap_err()),
            [
                "language",
                "levels",
                "duration",
                "price",
                "status",
                "package_lessons",
                "package_discount"
            ]
        );
        let none = OfferingInput { levels: vec![], ..good };
        assert_eq!(fields(NewOffering::parse(&none).unwrap_err()), ["levels"]);
    }
}
