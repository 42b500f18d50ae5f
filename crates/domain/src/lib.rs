//! Koine's pure domain: validated value types and the rules that need no I/O.
//!
//! Everything here parses untrusted input into typed values (`parse`) or decides
//! something from plain data; nothing touches the network, disk or clock.
#![forbid(unsafe_code)]

/// A closed set of names, stable in storage, forms and URLs: `ALL`,
/// `as_str`, and `parse` — returning `Valid`, reported under the form field
/// given after the name, or an `Option` when none is.
macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident $(, $field:literal)? { $($(#[$vm:meta])* $variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $variant),* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),* }
            }

            named_enum!(@parse $($field)?);
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// How the store reads the name back (`#[sqlx(try_from = "String")]`).
        impl TryFrom<String> for $name {
            type Error = $crate::UnknownName;

            fn try_from(s: String) -> Result<Self, $crate::UnknownName> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or($crate::UnknownName(stringify!($name)))
            }
        }
    };
    (@parse) => {
        pub fn parse(s: &str) -> Option<Self> {
            Self::ALL.iter().copied().find(|v| v.as_str() == s)
        }
    };
    (@parse $field:literal) => {
        pub fn parse(s: &str) -> $crate::Valid<Self> {
            Self::ALL
                .iter()
                .copied()
                .find(|v| v.as_str() == s.trim())
                .ok_or($crate::Invalid::new($field, "invalid-choice"))
        }
    };
}

pub mod age;
pub mod banking;
pub mod booking;
pub mod cards;
pub mod classroom;
pub mod consent;
pub mod contact;
pub mod contact_guard;
pub mod coupons;
pub mod disclosure;
pub mod ics;
pub mod ids;
pub mod jobs;
pub mod ledger;
pub mod mention;
pub mod messaging;
pub mod password;
pub mod payments;
pub mod privacy;
pub mod profile;
pub mod refusal;
pub mod requests;
pub mod search;
pub mod slots;
pub mod staff;
pub mod teaching;
pub mod uploads;
pub mod validation;

pub use validation::{Invalid, Valid};

/// A stored name that names no member of its set: the database holds a
/// value this build does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a stored {0} this build does not know")]
pub struct UnknownName(pub &'static str);
