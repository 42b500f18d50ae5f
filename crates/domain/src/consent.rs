//! Consent purposes and how the current state follows from the ledger.

use serde::{Deserialize, Serialize};

/// Processing that needs the person's consent. Strictly necessary
/// processing is not listed: it needs none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    PreferenceCookies,
    Analytics,
    MarketingEmail,
    PersonalisedRecommendations,
    /// "Sale" or "sharing" in the CCPA's sense.
    SaleSharing,
    ResearchRecordings,
    ClassroomRecording,
}

impl ConsentPurpose {
    pub const ALL: [Self; 7] = [
        Self::PreferenceCookies,
        Self::Analytics,
        Self::MarketingEmail,
        Self::PersonalisedRecommendations,
        Self::SaleSharing,
        Self::ResearchRecordings,
        Self::ClassroomRecording,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PreferenceCookies => "preference_cookies",
            Self::Analytics => "analytics",
            Self::MarketingEmail => "marketing_email",
            Self::PersonalisedRecommendations => "personalised_recommendations",
            Self::SaleSharing => "sale_sharing",
            Self::ResearchRecordings => "research_recordings",
            Self::ClassroomRecording => "classroom_recording",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// What a Global Privacy Control signal opts out of: sale/sharing, and
    /// (Koine's reading, the strictest) personalised recommendations.
    pub const GPC: [Self; 2] = [Self::SaleSharing, Self::PersonalisedRecommendations];
    /// What Do Not Track objects to.
    pub const DNT: [Self; 1] = [Self::Analytics];
}

/// Where a consent event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    SignUp,
    Settings,
    Banner,
    Gpc,
    Dnt,
    Api,
    /// An objection (GDPR Art. 21), which withdraws at once.
    Objection,
}

impl ConsentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::Settings => "settings",
            Self::Banner => "banner",
            Self::Gpc => "gpc",
            Self::Dnt => "dnt",
            Self::Api => "api",
            Self::Objection => "objection",
        }
    }
}

/// The revision of the consent request the banner makes. Raise it when the
/// purposes asked about change: every visitor is asked again.
pub const CONSENT_REVISION: u32 = 1;

/// A visitor's cookie-banner choice as kept in their browser: a random
/// visitor id (the pseudonymous subject of the visitor consent ledger), the
/// revision they answered, and the purposes they allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorChoice {
    pub visitor: uuid::Uuid,
    pub revision: u32,
    pub granted: Vec<ConsentPurpose>,
}

impl VisitorChoice {
    /// `<visitor id>.<revision>.<purposes as a bit mask in ALL order>`.
    pub fn encode(&self) -> String {
        let mask = ConsentPurpose::ALL
            .iter()
            .enumerate()
            .filter(|(_, p)| self.granted.contains(p))
            .fold(0u32, |m, (i, _)| m | (1 << i));
        format!("{}.{}.{mask}", self.visitor.simple(), self.revision)
    }

    pub fn decode(s: &str) -> Option<Self> {
        let mut parts = s.split('.');
        let visitor = uuid::Uuid::try_parse(parts.next()?).ok()?;
        let revision = parts.next()?.parse().ok()?;
        let mask: u32 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || mask >= 1 << ConsentPurpose::ALL.len() {
            return None;
        }
        let granted = ConsentPurpose::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, p)| *p)
            .collect();
        Some(Self {
            visitor,
            revision,
            granted,
        })
    }

    /// Whether the choice answers the current request (else ask again).
    pub fn is_current(&self) -> bool {
        self.revision == CONSENT_REVISION
    }
}

/// For each purpose, the latest recorded choice, if any.
pub fn latest<'a>(events: impl IntoIterator<Item = (&'a str, bool, i64)>) -> Vec<(ConsentPurpose, Option<bool>)> {
    let mut latest: std::collections::BTreeMap<ConsentPurpose, (i64, bool)> = std::collections::BTreeMap::new();
    for (purpose, granted, at) in events {
        if let Some(p) = ConsentPurpose::parse(purpose) {
            let slot = latest.entry(p).or_insert((i64::MIN, false));
            if at >= slot.0 {
                *slot = (at, granted);
            }
        }
    }
    ConsentPurpose::ALL
        .iter()
        .map(|p| (*p, latest.get(p).map(|(_, g)| *g)))
        .collect()
}

/// The current state: the latest choice wins; no choice means no (opt-in).
pub fn current<'a>(events: impl IntoIterator<Item = (&'a str, bool, i64)>) -> Vec<(ConsentPurpose, bool)> {
    latest(events)
        .into_iter()
        .map(|(p, g)| (p, g.unwrap_or(false)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_event_wins_and_default_is_no() {
        let state = current([
            ("analytics", true, 1),
            ("analytics", false, 5),
            ("marketing_email", true, 3),
            ("bogus", true, 9),
        ]);
        let get = |p| state.iter().find(|(q, _)| *q == p).unwrap().1;
        assert!(!get(ConsentPurpose::Analytics));
        assert!(get(ConsentPurpose::MarketingEmail));
        assert!(!get(ConsentPurpose::SaleSharing), "opt-in: nothing recorded means no");
        assert_eq!(state.len(), ConsentPurpose::ALL.len());
    }

    #[test]
    fn names_round_trip() {
        for p in ConsentPurpose::ALL {
            assert_eq!(ConsentPurpose::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn visitor_choice_round_trips_and_rejects_junk() {
        let c = VisitorChoice {
            visitor: uuid::Uuid::now_v7(),
            revision: CONSENT_REVISION,
            granted: vec![ConsentPurpose::Analytics, ConsentPurpose::SaleSharing],
        };
        assert_eq!(VisitorChoice::decode(&c.encode()), Some(c.clone()));
        assert!(c.is_current());
        let none = VisitorChoice {
            granted: vec![],
            ..c.clone()
        };
        assert!(none.encode().ends_with(".0"));
        for junk in [
            "",
            "x.1.0",
            "00000000000000000000000000000000.1",
            "00000000000000000000000000000000.1.128",
            "00000000000000000000000000000000.1.1.1",
        ] {
            assert_eq!(VisitorChoice::decode(junk), None, "{junk}");
        }
        let old = VisitorChoice { revision: 0, ..c };
        assert!(!VisitorChoice::decode(&old.encode()).unwrap().is_current());
    }
}
