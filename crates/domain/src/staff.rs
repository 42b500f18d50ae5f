//! Staff roles and what each may do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Admin,
    Support,
    TrustSafety,
    Finance,
    PrivacyOfficer,
}

impl StaffRole {
    pub const ALL: [Self; 5] = [
        Self::Admin,
        Self::Support,
        Self::TrustSafety,
        Self::Finance,
        Self::PrivacyOfficer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Support => "support",
            Self::TrustSafety => "trust_safety",
            Self::Finance => "finance",
            Self::PrivacyOfficer => "privacy_officer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles whose work needs the member directory (each opening is audited).
    pub fn can_view_members(self) -> bool {
        matches!(
            self,
            Self::Admin | Self::Support | Self::TrustSafety | Self::PrivacyOfficer
        )
    }

    /// Legal holds suspend erasure: placed by those who handle legal claims.
    pub fn can_place_legal_holds(self) -> bool {
        matches!(self, Self::PrivacyOfficer | Self::TrustSafety)
    }

    /// Applications to teach carry identity documents: trust & safety
    /// (and admins) review them.
    pub fn can_review_teachers(self) -> bool {
        matches!(self, Self::TrustSafety | Self::Admin)
    }

    /// Closing an account for fraud (and banning its identifiers) is trust
    /// & safety's call.
    /// Reports of messages: reading the reported messages and deciding.
    pub fn can_handle_reports(self) -> bool {
        matches!(self, Self::TrustSafety | Self::Admin)
    }

    pub fn can_ban_for_fraud(self) -> bool {
        self == Self::TrustSafety
    }

    /// Giving data to an authority (or another outside recipient) is
    /// recorded by those who handle legal requests.
    pub fn can_record_disclosures(self) -> bool {
        matches!(self, Self::PrivacyOfficer | Self::TrustSafety)
    }

    /// Data-subject requests are the privacy officer's to work.
    pub fn can_handle_privacy_requests(self) -> bool {
        self == Self::PrivacyOfficer
    }

    /// Money: recording bank transfers, approving and paying teachers'
    /// payouts, issuing coupons. Finance, and admins.
    pub fn can_handle_money(self) -> bool {
        matches!(self, Self::Finance | Self::Admin)
    }

    /// Disputes over lessons are settled by support (who hear both sides),
    /// finance and admins.
    pub fn can_settle_disputes(self) -> bool {
        matches!(self, Self::Support | Self::Finance | Self::Admin)
    }

    /// Only the privacy officer reads the audit trail of staff access, so the
    /// people being watched are not the ones reading it.
    pub fn can_read_audit_log(self) -> bool {
        self == Self::PrivacyOfficer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(StaffRole::parse("root"), None);
    }

    #[test]
    fn audit_log_is_privacy_officer_only() {
        let readers: Vec<_> = StaffRole::ALL.into_iter().filter(|r| r.can_read_audit_log()).collect();
        assert_eq!(readers, vec![StaffRole::PrivacyOfficer]);
        assert!(!StaffRole::Finance.can_view_members());
    }
}
