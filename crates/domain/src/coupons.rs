//! Coupons: a code worth a percentage or an amount off a lesson, until it
//! expires, a limited number of times per member. The platform pays for
//! them: teachers earn on the full price.

use crate::{Invalid, Valid};

named_enum!(
    CouponKind, "kind" {
        Percent => "percent",
        Amount => "amount",
    }
);

/// A code as typed: letters, digits and dashes, 4–32 of them; case does
/// not matter (stored upper-case).
pub fn parse_code(raw: &str) -> Valid<String> {
    let code = raw.trim().to_ascii_uppercase();
    if (4..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(code)
    } else {
        Err(Invalid::new("coupon", "invalid-coupon-code"))
    }
}

/// A coupon's value: 1–100 percent, or an amount in minor units.
pub fn parse_value(kind: CouponKind, value: i64) -> Valid<i64> {
    let ok = match kind {
        CouponKind::Percent => (1..=100).contains(&value),
        CouponKind::Amount => value > 0 && value <= crate::teaching::MAX_PRICE,
    };
    if ok {
        Ok(value)
    } else {
        Err(Invalid::new("value", "out-of-range"))
    }
}

/// What a coupon takes off `price`: never more than the price.
pub fn discount(kind: CouponKind, value: i64, price: i64) -> i64 {
    let off = match kind {
        CouponKind::Percent => price * value.clamp(0, 100) / 100,
        CouponKind::Amount => value.max(0),
    };
    off.min(price)
}

/// A coupon as it stands for one member at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usable {
    pub expires_at: i64,
    pub revoked: bool,
    pub per_member_limit: i64,
    /// Times this member has used it (refunded lessons give it back).
    pub used_by_member: i64,
    /// Across everyone, if the coupon has an overall limit.
    pub max_redemptions: Option<i64>,
    pub used_overall: i64,
}

/// Whether the member may use the coupon now.
pub fn check(u: Usable, now: i64) -> Valid<()> {
    let refuse = |code| Err(Invalid::new("coupon", code));
    if u.revoked || now >= u.expires_at {
        return refuse("coupon-expired");
    }
    if u.used_by_member >= u.per_member_limit {
        return refuse("coupon-used-up");
    }
    if u.max_redemptions.is_some_and(|m| u.used_overall >= m) {
        return refuse("coupon-used-up");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(parse_code(" welcome-10 "), Ok("WELCOME-10".into()));
        for bad in ["abc", "no spaces", "ÜBER1", &"X".repeat(33)] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn discounts_never_exceed_the_price() {
        assert_eq!(discount(CouponKind::Percent, 10, 2000), 200);
        assert_eq!(discount(CouponKind::Percent, 33, 1999), 659);
        assert_eq!(discount(CouponKind::Percent, 100, 1999), 1999);
        assert_eq!(discount(CouponKind::Amount, 500, 2000), 500);
        assert_eq!(discount(CouponKind::Amount, 5000, 2000), 2000);
        assert!(parse_value(CouponKind::Percent, 0).is_err());
        assert!(parse_value(CouponKind::Percent, 101).is_err());
        assert!(parse_value(CouponKind::Amount, -5).is_err());
    }

    #[test]
    fn limits_and_expiry() {
        let u = Usable {
            expires_at: 100,
            revoked: false,
            per_member_limit: 1,
            used_by_member: 0,
            max_redemptions: Some(10),
            used_overall: 9,
        };
        assert!(check(u, 99).is_ok());
        assert_eq!(check(u, 100).unwrap_err().code, "coupon-expired");
        assert_eq!(
            check(Usable { revoked: true, ..u }, 0).unwrap_err().code,
            "coupon-expired"
        );
        assert_eq!(
            check(Usable { used_by_member: 1, ..u }, 0).unwrap_err().code,
            "coupon-used-up"
        );
        assert_eq!(
            check(Usable { used_overall: 10, ..u }, 0).unwrap_err().code,
            "coupon-used-up"
        );
    }
}
