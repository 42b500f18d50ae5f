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
pub mod consent;
pub mod contact;
pub mod coupons;
pub mod disclosure;
pub mod ics;
pub mod ids;
pub mod ledger;
pub mod mention;
pub mod password;
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
