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
    matches!(
        u,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
            | 0xFDD0..=0xFDEF
    ) || u & 0xFFFE == 0xFFFE
}

/// The zero-width joiner and non-joiner: invisible, but how Persian, Indic
/// scripts and emoji sequences are written, so free text keeps them.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Whether `text` holds a character no text Koine takes may hold: an
/// invisible one other than the joiners scripts and emoji need. The web
/// edge refuses every form field and JSON string holding one, before any
/// handler reads it; names are held to [`name_text`] after that.
pub fn has_hidden_characters(text: &str) -> bool {
    text.chars().any(|c| is_invisible(c) && !is_joiner(c))
}

/// Trims, normalises (NFC) and bounds free text; `None` for an empty value.
/// Control characters other than line breaks and tabs, and invisible ones
/// other than joiners, are refused.
pub fn optional_text(field: &'static str, raw: &str, max_chars: usize) -> Valid<Option<String>> {
    checked_text(field, raw, max_chars, |c| {
        (c.is_control() && c != '\n' && c != '\r' && c != '\t') || (is_invisible(c) && !is_joiner(c))
    })
}

/// A name or other identifying text (a display name, a legal name, an
/// account holder, a place): trimmed, normalised (NFC), on one line and
/// with no invisible character at all.
pub fn name_text(field: &'static str, raw: &str, max_chars: usize) -> Valid<Option<String>> {
    checked_text(field, raw, max_chars, |c| c.is_control() || is_invisible(c))
}

fn checked_text(
    field: &'static str,
    raw: &str,
    max_chars: usize,
    refused: impl Fn(char) -> bool,
) -> Valid<Option<String>> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = raw.trim().nfc().collect();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(Invalid::new(field, "too-long"));
    }
    if let Some(c) = text.chars().find(|c| refused(*c)) {
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
