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

    /// The one reading of consent choices as given (a purpose's name,
    /// given or not), on the settings page or in the API: the choices, or
    /// every unknown purpose refused. Purposes left out are not in the
    /// answer.
    pub fn parse_choices<'a>(
        given: impl IntoIterator<Item = (&'a str, bool)>,
    ) -> Result<Vec<(Self, bool)>, Vec<crate::Invalid>> {
        let mut errors = crate::validation::FieldErrors::default();
        let choices: Vec<_> = given
            .into_iter()
            .filter_map(|(name, granted)| {
                errors.take(
                    Self::parse(name)
                        .map(|p| (p, granted))
                        .ok_or(crate::Invalid::new("purpose", "invalid-choice")),
                )
            })
            .collect();
        errors.finish(|| Some(choices))
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
    /// The recording switch of a lesson's classroom.
    Classroom,
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
            Self::Classroom => "classroom",
        }
    }
}

/// The revision of the purposes Koine asks consent for. Raise it when they
/// change; with the recipients, it makes up [`consent_revision`].
pub const CONSENT_REVISION: u32 = 1;

/// The revision of the consent request: it changes when the purposes asked
/// about change ([`CONSENT_REVISION`]) or when the recipients data may go
/// to change (the operator's processors, as the notice lists them). A
/// consent given to an earlier request no longer counts, and the person is
/// asked again (GDPR Art. 7, EDPB Guidelines 05/2020 on consent).
pub fn consent_revision<'a>(recipients: impl IntoIterator<Item = &'a str>) -> u32 {
    let fnv = |h: u32, bytes: &[u8]| {
        bytes
            .iter()
            .fold(h, |h, b| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193))
    };
    let mut h = fnv(0x811c_9dc5, &CONSENT_REVISION.to_le_bytes());
    for r in recipients {
        h = fnv(fnv(h, r.as_bytes()), &[0]);
    }
    h
}

/// One event of a consent ledger: purpose, given or not, when, and the
/// revision of the request it answered (none for events recorded before
/// revisions were kept).
pub type Event<'a> = (&'a str, bool, i64, Option<i64>);

/// The latest answer for a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Given,
    Refused,
    /// Given to an earlier consent request: it no longer counts until the
    /// person gives it again. (A refusal never needs asking again.)
    GivenBefore,
}

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
    pub fn is_current(&self, revision: u32) -> bool {
        self.revision == revision
    }
}

/// For each purpose, the latest answer, if any, judged against the current
/// request's `revision`.
pub fn answers<'a>(
    events: impl IntoIterator<Item = Event<'a>>,
    revision: u32,
) -> Vec<(ConsentPurpose, Option<Answer>)> {
    let mut latest: std::collections::BTreeMap<ConsentPurpose, (i64, bool, Option<i64>)> =
        std::collections::BTreeMap::new();
    for (purpose, granted, at, rev) in events {
        if let Some(p) = ConsentPurpose::parse(purpose) {
            let slot = latest.entry(p).or_insert((i64::MIN, false, None));
            if at >= slot.0 {
                *slot = (at, granted, rev);
            }
        }
    }
    ConsentPurpose::ALL
        .iter()
        .map(|p| {
            let answer = latest
                .get(p)
                .map(|(_, granted, rev)| match (granted, *rev == Some(i64::from(revision))) {
                    (false, _) => Answer::Refused,
                    (true, true) => Answer::Given,
                    (true, false) => Answer::GivenBefore,
                });
            (*p, answer)
        })
        .collect()
}

/// For each purpose, the latest choice that still counts: a consent given
/// to an earlier request counts as no choice at all.
pub fn latest<'a>(events: impl IntoIterator<Item = Event<'a>>, revision: u32) -> Vec<(ConsentPurpose, Option<bool>)> {
    answers(events, revision)
        .into_iter()
        .map(|(p, a)| {
            let choice = match a {
                Some(Answer::Given) => Some(true),
                Some(Answer::Refused) => Some(false),
                Some(Answer::GivenBefore) | None => None,
            };
            (p, choice)
        })
        .collect()
}

/// The current state: the latest choice wins; no choice (or a consent given
/// to an earlier request) means no (opt-in).
pub fn current<'a>(events: impl IntoIterator<Item = Event<'a>>, revision: u32) -> Vec<(ConsentPurpose, bool)> {
    latest(events, revision)
        .into_iter()
        .map(|(p, g)| (p, g.unwrap_or(false)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_choices_are_read_whole_or_refused() {
        let given = ConsentPurpose::parse_choices([("analytics", true), ("marketing_email", false)]).unwrap();
        assert_eq!(
            given,
            [
                (ConsentPurpose::Analytics, true),
                (ConsentPurpose::MarketingEmail, false)
            ]
        );
        let refused = ConsentPurpose::parse_choices([("analytics", true), ("mind_reading", true), ("x", false)]);
        assert_eq!(refused.unwrap_err().len(), 2, "every unknown purpose");
    }

    #[test]
    fn latest_event_wins_and_default_is_no() {
        let r = Some(7);
        let state = current(
            [
                ("analytics", true, 1, r),
                ("analytics", false, 5, r),
                ("marketing_email", true, 3, r),
                ("bogus", true, 9, r),
            ],
            7,
        );
        let get = |p| state.iter().find(|(q, _)| *q == p).unwrap().1;
        assert!(!get(ConsentPurpose::Analytics));
        assert!(get(ConsentPurpose::MarketingEmail));
        assert!(!get(ConsentPurpose::SaleSharing), "opt-in: nothing recorded means no");
        assert_eq!(state.len(), ConsentPurpose::ALL.len());
    }

    #[test]
    fn consent_given_to_an_earlier_request_is_asked_again() {
        let old = consent_revision(["Mailer Inc"]);
        let new = consent_revision(["Mailer Inc", "Video GmbH"]);
        assert_ne!(old, new, "a new recipient is a new request");
        assert_eq!(old, consent_revision(["Mailer Inc"]));
        let events = [
            ("marketing_email", true, 1, Some(i64::from(old))),
            ("analytics", false, 2, Some(i64::from(old))),
            ("research_recordings", true, 3, None),
        ];
        let a = answers(events, new);
        let get = |p| a.iter().find(|(q, _)| *q == p).unwrap().1;
        assert_eq!(get(ConsentPurpose::MarketingEmail), Some(Answer::GivenBefore));
        assert_eq!(
            get(ConsentPurpose::Analytics),
            Some(Answer::Refused),
            "a refusal stands"
        );
        assert_eq!(get(ConsentPurpose::ResearchRecordings), Some(Answer::GivenBefore));
        assert!(
            current(events, new).iter().all(|(_, g)| !g),
            "nothing counts until given again"
        );
        assert!(
            current(events, old)
                .iter()
                .any(|(p, g)| *p == ConsentPurpose::MarketingEmail && *g)
        );
        assert_eq!(
            latest(events, new)
                .iter()
                .find(|(p, _)| *p == ConsentPurpose::MarketingEmail)
                .unwrap()
                .1,
            None,
            "giving it again is recorded as a new event"
        );
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
        assert!(c.is_current(CONSENT_REVISION));
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
        assert!(
            !VisitorChoice::decode(&old.encode())
                .unwrap()
                .is_current(CONSENT_REVISION)
        );
    }
}
