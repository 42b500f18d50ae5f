//! The one error type for rejected input.
//!
//! `code` is a stable, machine-readable reason; the web edge turns it into a
//! localized message (`error-<code>` in the Fluent files) and a problem+json body.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct Invalid {
    pub field: &'static str,
    pub code: &'static str,
}

impl Invalid {
    pub const fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

pub type Valid<T> = Result<T, Invalid>;

/// Characters that change how text reads without showing themselves:
/// Unicode's format characters (category Cf: bidirectional overrides and
/// isolates, zero-width spaces and joiners, the byte-order mark, tag
/// characters, invisible operators …) and noncharacters. With them
/// "María\u{200B} López" looks exactly like "María López".
pub fn is_invisible(c: char) -> bool {
    let u = u32::from(c);
    INVISIBLE.iter().any(|r| r.contains(&u)) || u & 0xFFFE == 0xFFFE
}

const INVISIBLE: &[std::ops::RangeInclusive<u32>] = &[
    0x00AD..=0x00AD,
    0x0600..=0x0605,
    0x061C..=0x061C,
    0x06DD..=0x06DD,
    0x070F..=0x070F,
    0x0890..=0x0891,
    0x08E2..=0x08E2,
    0x180E..=0x180E,
    0x200B..=0x200F,
    0x202A..=0x202E,
    0x2060..=0x2064,
    0x2066..=0x206F,
    0xFEFF..=0xFEFF,
    0xFFF9..=0xFFFB,
    0x110BD..=0x110BD,
    0x110CD..=0x110CD,
    0x13430..=0x1343F,
    0x1BCA0..=0x1BCA3,
    0x1D173..=0x1D17A,
    0xE0001..=0xE0001,
    0xE0020..=0xE007F,
    0xFDD0..=0xFDEF,
];

/// The zero-width joiner and non-joiner: invisible, but how Persian, Indic
/// scripts and emoji sequences are written, so free text keeps them.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Which characters a kind of text may not hold. The checks here and the
/// documents that state the rule (the API's schemas) both read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRule {
    /// Every string the web edge takes, passwords aside: no invisible
    /// character but the joiners.
    Visible,
    /// Free text (a bio, a note, a reason): also no control character but
    /// line breaks and tabs.
    FreeText,
    /// A name or other identifying text: no control or invisible character
    /// at all.
    Name,
}

impl TextRule {
    pub fn refuses(self, c: char) -> bool {
        let invisible = is_invisible(c) && (self == Self::Name || !is_joiner(c));
        let control = c.is_control()
            && match self {
                Self::Visible => false,
                Self::FreeText => !matches!(c, '\n' | '\r' | '\t'),
                Self::Name => true,
            };
        invisible || control
    }

    /// The refused characters as ascending code-point ranges.
    pub fn refused_ranges(self) -> Vec<std::ops::RangeInclusive<u32>> {
        ranges_of(|c| self.refuses(c))
    }
}

/// The characters `trim` takes off (Unicode's White_Space), as ascending
/// code-point ranges: a value made only of them is empty.
pub fn whitespace_ranges() -> Vec<std::ops::RangeInclusive<u32>> {
    ranges_of(char::is_whitespace)
}

fn ranges_of(holds: impl Fn(char) -> bool) -> Vec<std::ops::RangeInclusive<u32>> {
    let mut ranges: Vec<std::ops::RangeInclusive<u32>> = Vec::new();
    for c in (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter(|c| holds(*c))
    {
        let u = u32::from(c);
        match ranges.last_mut() {
            Some(r) if *r.end() + 1 == u => *r = *r.start()..=u,
            _ => ranges.push(u..=u),
        }
    }
    ranges
}

/// Whether `text` holds a character no text Koine takes may hold: an
/// invisible one other than the joiners scripts and emoji need. The web
/// edge refuses every form field and JSON string holding one, before any
/// handler reads it; names are held to [`name_text`] after that.
pub fn has_hidden_characters(text: &str) -> bool {
    text.chars().any(|c| TextRule::Visible.refuses(c))
}

/// Every field's error of one request, gathered while its fields are read,
/// so a form or an API call answers all of them at once rather than the
/// first:
///
/// ```
/// # use koine_domain::validation::FieldErrors;
/// # use koine_domain::Invalid;
/// let mut errors = FieldErrors::default();
/// let a = errors.take(Ok::<u8, Invalid>(1));
/// let b = errors.take(Err::<u8, Invalid>(Invalid::new("b", "required")));
/// assert_eq!(errors.finish(|| Some((a?, b?))), Err(vec![Invalid::new("b", "required")]));
/// ```
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<Invalid>);

impl FieldErrors {
    /// The field's value, or `None` with its error noted.
    pub fn take<T>(&mut self, field: Valid<T>) -> Option<T> {
        field.map_err(|e| self.0.push(e)).ok()
    }

    /// Notes an error found across fields (two that contradict each other).
    pub fn push(&mut self, error: Invalid) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The request built from the fields taken, or every error noted. The
    /// builder returns `None` only when a field was missing, and then an
    /// error was noted.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<Invalid>> {
        match build() {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(self.0),
        }
    }
}

/// An optional value as typed: blank is none, anything else must parse.
pub fn optional<T>(raw: &str, parse: impl Fn(&str) -> Valid<T>) -> Valid<Option<T>> {
    match raw.trim() {
        "" => Ok(None),
        text => parse(text).map(Some),
    }
}

/// Trims, normalises (NFC) and bounds free text; `None` for an empty value.
/// Control characters other than line breaks and tabs, and invisible ones
/// other than joiners, are refused.
pub fn optional_text(field: &'static str, raw: &str, max_chars: usize) -> Valid<Option<String>> {
    checked_text(field, raw, max_chars, TextRule::FreeText)
}

/// A name or other identifying text (a display name, a legal name, an
/// account holder, a place): trimmed, normalised (NFC), on one line and
/// with no invisible character at all.
pub fn name_text(field: &'static str, raw: &str, max_chars: usize) -> Valid<Option<String>> {
    checked_text(field, raw, max_chars, TextRule::Name)
}

fn checked_text(field: &'static str, raw: &str, max_chars: usize, rule: TextRule) -> Valid<Option<String>> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = raw.trim().nfc().collect();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(Invalid::new(field, "too-long"));
    }
    if let Some(c) = text.chars().find(|c| rule.refuses(*c)) {
        let code = if c.is_control() {
            "control-characters"
        } else {
            "invisible-characters"
        };
        return Err(Invalid::new(field, code));
    }
    Ok(Some(text))
}

/// The UTS #39 skeleton of a name, compared without case, accents or
/// spacing: two names with the same skeleton pass for each other ("María"
/// with a Cyrillic "а", "rn" for "m", "MARIA LOPEZ" for "María López").
pub fn confusable_skeleton(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    let skeleton: String = unicode_security::confusable_detection::skeleton(&folded).collect();
    skeleton
        .nfd()
        .filter(|c| !is_combining_mark(*c) && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_refused_in_names_everywhere_and_in_text_but_joiners() {
        for c in [
            '\u{202E}',
            '\u{2066}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{E0041}',
            '\u{00AD}',
            '\u{FDD0}',
            '\u{FFFF}',
        ] {
            let raw = format!("Mar{c}ía López");
            assert_eq!(
                name_text("n", &raw, 100),
                Err(Invalid::new("n", "invisible-characters")),
                "{c:?}"
            );
            assert_eq!(
                optional_text("t", &raw, 100),
                Err(Invalid::new("t", "invisible-characters")),
                "{c:?}"
            );
        }
        let emoji = "Learning 👩\u{200D}💻 and نمی\u{200C}خواهم";
        assert!(optional_text("t", emoji, 100).is_ok());
        assert!(name_text("n", "👩\u{200D}💻", 100).is_err());
        assert_eq!(name_text("n", "Ana\nBeta", 100).unwrap_err().code, "control-characters");
        assert_eq!(optional_text("t", "Ana\nBeta", 100).unwrap(), Some("Ana\nBeta".into()));
    }

    #[test]
    fn refused_ranges_are_the_rule_coalesced() {
        let visible = TextRule::Visible.refused_ranges();
        assert!(
            visible.contains(&(0x200B..=0x200B)) && visible.contains(&(0x200E..=0x200F)),
            "joiners split the range"
        );
        assert!(TextRule::Name.refused_ranges().contains(&(0x200B..=0x200F)));
        let free = TextRule::FreeText.refused_ranges();
        assert_eq!(free[..3], [0x00..=0x08, 0x0B..=0x0C, 0x0E..=0x1F]);
        for rule in [TextRule::Visible, TextRule::FreeText, TextRule::Name] {
            let ranges = rule.refused_ranges();
            assert!(
                ranges.windows(2).all(|w| w[0].end() + 1 < *w[1].start()),
                "ascending, apart"
            );
            for c in [
                'a',
                'é',
                '日',
                '\u{200C}',
                '\u{E0041}',
                '\u{FFFF}',
                '\u{10FFFF}',
                '\u{1F}',
            ] {
                let listed = ranges.iter().any(|r| r.contains(&u32::from(c)));
                assert_eq!(listed, rule.refuses(c), "{rule:?} {c:?}");
            }
        }
        assert!(whitespace_ranges().contains(&(0x3000..=0x3000)));
    }

    #[test]
    fn text_is_stored_composed() {
        let decomposed = "Mari\u{0301}a";
        assert_eq!(name_text("n", decomposed, 100).unwrap(), Some("Mar\u{ED}a".into()));
        assert_eq!(optional_text("t", decomposed, 100).unwrap(), Some("Mar\u{ED}a".into()));
    }

    #[test]
    fn look_alike_names_share_a_skeleton() {
        let real = confusable_skeleton("María López");
        for fake in [
            "Maríа López",
            "MARÍA LÓPEZ",
            "Mari\u{0301}a Lopez",
            "María  López",
            "MARIA LOPEZ",
        ] {
            assert_eq!(confusable_skeleton(fake), real, "{fake}");
        }
        assert_eq!(confusable_skeleton("Maríа López"), real, "a Cyrillic а");
        assert_eq!(confusable_skeleton("rnaria"), confusable_skeleton("maria"), "rn and m");
        assert_ne!(confusable_skeleton("Marta López"), real);
    }
}
