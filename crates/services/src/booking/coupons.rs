//! Coupons: finance staff create codes (a percentage or an amount off,
//! until a date, so many uses per member, optionally so many overall) and
//! may give one to a member; members add codes to their account and use
//! them when booking. A fully refunded lesson gives its coupon back.

use crate::accounts::Principal;
use crate::{Error, Result, Services};
use koine_domain::Invalid;
use koine_domain::coupons::{self, CouponKind};
use koine_domain::refusal::Refusal;
use koine_domain::validation::optional_text;
use koine_store::repo::coupons::{self as repo, CouponRow};
use koine_store::repo::lessons;
use uuid::Uuid;

/// A new coupon as staff type it.
#[derive(Debug, Clone)]
pub struct NewCoupon {
    pub code: String,
    pub kind: CouponKind,
    /// Percent, or minor units.
    pub value: i64,
    pub expires_at: i64,
    pub per_member_limit: i64,
    pub max_redemptions: Option<i64>,
    pub note: String,
}

/// A coupon with how often it was used.
#[derive(Debug, Clone)]
pub struct CouponLine {
    pub row: CouponRow,
    /// Uses by the member looking (or by everyone, for staff).
    pub used: i64,
    pub usable: bool,
}

impl Services {
    fn require_money_staff(p: &Principal) -> Result<()> {
        if crate::staff::role_of(p)?.can_handle_money() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub async fn create_coupon(&self, p: &Principal, c: NewCoupon) -> Result<Uuid> {
        Self::require_money_staff(p)?;
        let code = coupons::parse_code(&c.code)?;
        let value = coupons::parse_value(c.kind, c.value)?;
        let now = self.clock.now_us();
        if c.expires_at <= now {
            return Err(Invalid::new("expires_on", "in-past").into());
        }
        if !(1..=100).contains(&c.per_member_limit) || c.max_redemptions.is_some_and(|m| !(1..=1_000_000).contains(&m))
        {
            return Err(Invalid::new("per_member_limit", "out-of-range").into());
        }
        let row = CouponRow {
            id: Uuid::now_v7(),
            code,
            kind: c.kind,
            value,
            currency: self.settings.currency.clone(),
            expires_at: c.expires_at,
            per_member_limit: c.per_member_limit,
            max_redemptions: c.max_redemptions,
            note: optional_text("note", &c.note, 500)?,
            created_at: now,
            revoked_at: None,
        };
        let mut tx = self.db.begin().await?;
        if !repo::insert(tx.conn(), &row).await? {
            return Err(Error::Refused(Refusal::CouponCodeTaken));
        }
        tx.commit().await?;
        self.audit(p.account_id, None, "create_coupon", Some(row.code.clone()))
            .await?;
        Ok(row.id)
    }

    pub async fn revoke_coupon(&self, p: &Principal, id: Uuid) -> Result<()> {
        Self::require_money_staff(p)?;
        let mut tx = self.db.begin().await?;
        if !repo::revoke(tx.conn(), id, self.clock.now_us()).await? {
            return Err(Error::NotFound);
        }
        tx.commit().await?;
        self.audit(p.account_id, None, "revoke_coupon", None).await?;
        Ok(())
    }

    /// Every coupon, with its uses overall.
    pub async fn coupons(&self, p: &Principal) -> Result<Vec<CouponLine>> {
        Self::require_money_staff(p)?;
        let now = self.clock.now_us();
        let mut c = self.db.acquire().await?;
        let mut out = Vec::new();
        for row in repo::list(c.conn(), 500).await? {
            let (_, all) = lessons::coupon_uses(c.conn(), row.id, Uuid::nil()).await?;
            out.push(CouponLine {
                usable: row.revoked_at.is_none() && row.expires_at > now && row.max_redemptions.is_none_or(|m| all < m),
                used: all,
                row,
            });
        }
        Ok(out)
    }

    /// Adds a coupon code to the member's account.
    pub async fn claim_coupon(&self, p: &Principal, code: &str) -> Result<()> {
        let code = coupons::parse_code(code)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        let c = repo::by_code(tx.conn(), &code)
            .await?
            .ok_or(Invalid::new("coupon", "coupon-unknown"))?;
        if c.revoked_at.is_some() || c.expires_at <= now {
            return Err(Invalid::new("coupon", "coupon-expired").into());
        }
        repo::claim(tx.conn(), c.id, p.account_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Staff give a coupon to a member (e.g. to make up for a problem).
    pub async fn grant_coupon(&self, p: &Principal, coupon: Uuid, member: Uuid) -> Result<()> {
        Self::require_money_staff(p)?;
        let now = self.clock.now_us();
        let mut tx = self.db.begin().await?;
        repo::get(tx.conn(), coupon).await?.ok_or(Error::NotFound)?;
        koine_store::repo::accounts::get(tx.conn(), member)
            .await?
            .ok_or(Error::NotFound)?;
        repo::claim(tx.conn(), coupon, member, now).await?;
        tx.commit().await?;
        self.audit(p.account_id, Some(member), "grant_coupon", None).await?;
        Ok(())
    }

    /// The coupons a member added, with their uses and whether they can
    /// still be used.
    pub async fn my_coupons(&self, account: Uuid) -> Result<Vec<CouponLine>> {
        let now = self.clock.now_us();
        let mut c = self.db.acquire().await?;
        let mut out = Vec::new();
        for row in repo::claimed_by(c.conn(), account).await? {
            let (mine, all) = lessons::coupon_uses(c.conn(), row.id, account).await?;
            let usable = coupons::check(
                coupons::Usable {
                    expires_at: row.expires_at,
                    revoked: row.revoked_at.is_some(),
                    per_member_limit: row.per_member_limit,
                    used_by_member: mine,
                    max_redemptions: row.max_redemptions,
                    used_overall: all,
                },
                now,
            )
            .is_ok();
            out.push(CouponLine {
                row,
                used: mine,
                usable,
            });
        }
        Ok(out)
    }
}
