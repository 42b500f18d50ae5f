//! Data-subject requests made through the public form (by people with or
//! without an account, and by parents for a child): kinds, the law that
//! sets the deadline, and the deadline rules.

use jiff::{Span, Timestamp, ToSpan, tz::TimeZone};

named_enum!(
    /// What is asked for.
    RequestKind {
        Access => "access",
        Export => "export",
        Rectification => "rectification",
        Erasure => "erasure",
        Restriction => "restriction",
        Objection => "objection",
        OptOutSale => "opt_out_sale",
        ChildErasure => "child_erasure",
    }
);

named_enum!(
    /// Fields a member cannot change themselves, so asks staff to correct.
    CorrectableField {
        BirthDate => "birth_date",
        RealName => "real_name",
    }
);

named_enum!(
    /// The law whose deadline applies, from where the requester lives.
    Regime {
        Gdpr => "gdpr",
        Ccpa => "ccpa",
    }
);

named_enum!(
    /// Who asks, relative to the person the data is about.
    Relation {
        Self_ => "self",
        Parent => "parent",
        Agent => "agent",
    }
);

named_enum!(
    /// Where a request stands.
    RequestStatus {
        Unverified => "unverified",
        Open => "open",
        Extended => "extended",
        Completed => "completed",
        Rejected => "rejected",
    }
);

impl RequestStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Completed | Self::Rejected)
    }
}

fn add(at: Timestamp, span: Span) -> Timestamp {
    // Calendar arithmetic in UTC: "one month" from 31 January is 28/29 February.
    at.to_zoned(TimeZone::UTC)
        .checked_add(span)
        .map(|z| z.timestamp())
        .unwrap_or(at)
}

impl Regime {
    /// The answer is due this long after receipt: GDPR Art. 12(3) one month,
    /// CCPA § 1798.130 45 days.
    fn period(self) -> Span {
        match self {
            Self::Gdpr => 1.month(),
            Self::Ccpa => 45.days(),
        }
    }

    /// How much later an extension may move it: GDPR two further months,
    /// CCPA another 45 days.
    fn extension(self) -> Span {
        match self {
            Self::Gdpr => 2.months(),
            Self::Ccpa => 45.days(),
        }
    }

    pub fn due(self, received: Timestamp) -> Timestamp {
        add(received, self.period())
    }

    /// The deadline once extended (once, with a recorded reason).
    pub fn extended_due(self, received: Timestamp) -> Timestamp {
        add(self.due(received), self.extension())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn deadlines_follow_the_law() {
        let received = at("2026-01-31T10:00:00Z");
        assert_eq!(
            Regime::Gdpr.due(received),
            at("2026-02-28T10:00:00Z"),
            "one calendar month"
        );
        assert_eq!(Regime::Gdpr.extended_due(received), at("2026-04-28T10:00:00Z"));
        assert_eq!(Regime::Ccpa.due(received), at("2026-03-17T10:00:00Z"), "45 days");
        assert_eq!(
            Regime::Ccpa.extended_due(received),
            at("2026-05-01T10:00:00Z"),
            "90 days"
        );
    }

    #[test]
    fn names_round_trip() {
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Relation::parse("self"), Some(Relation::Self_));
        assert_eq!(RequestStatus::parse("nope"), None);
        assert!(RequestStatus::Rejected.is_closed() && !RequestStatus::Extended.is_closed());
    }
}
