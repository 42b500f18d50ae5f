//! Who outside Koine a member's data may be given to, as recorded.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// A court, the police, a tax office, a supervisory authority.
    Authority,
    /// A company processing data for the operator (beyond those listed in
    /// the notice, or a one-off transfer to one of them).
    Processor,
    /// Anyone else (a lawyer, an insurer, a member's parent).
    Other,
}

impl RecipientKind {
    pub const ALL: [Self; 3] = [Self::Authority, Self::Processor, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authority => "authority",
            Self::Processor => "processor",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for k in RecipientKind::ALL {
            assert_eq!(RecipientKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RecipientKind::parse("friend"), None);
    }
}
