use super::*;
use ContactDetail::{Email, Link, Messenger, Phone};

/// Ways people disguise contact details in a lesson chat, each with what it
/// is and the part of it that must not survive redaction.
const DISGUISED: &[(&str, ContactDetail, &str)] = &[
    ("write me: ana.perez@gmail.com", Email, "ana.perez@gmail.com"),
    ("ANA.PEREZ@GMAIL.COM please", Email, "GMAIL"),
    ("ana at gmail dot com", Email, "gmail"),
    ("ana (at) gmail (dot) com", Email, "gmail"),
    ("ana [at] gmail [dot] com", Email, "gmail"),
    ("ana {at} gmail {dot} com", Email, "gmail"),
    ("ana @ gmail . com", Email, "gmail"),
    ("a n a @ g m a i l . c o m", Email, "g m a i l"),
    ("ana arroba gmail punto com", Email, "gmail"),
    ("ana＠gmail．com", Email, "gmail"),
    ("ana\u{200B}@\u{200B}gmail.com", Email, "gmail"),
    ("аna@gmаil.com (Cyrillic a)", Email, "gmаil"),
    ("ana﹫gmail。com", Email, "gmail"),
    ("mail: ana_p+lessons@proton.me", Email, "proton"),
    ("ｍｙ ｍａｉｌ ａｎａ＠ｙａｈｏｏ．ｅｓ", Email, "ｙａｈｏｏ"),
    ("call me on 612 345 678", Phone, "345"),
    ("+44 20 7946 0018", Phone, "7946"),
    ("+34-612-345-678", Phone, "345"),
    ("(212) 555-0199 ext", Phone, "555"),
    ("6 1 2 3 4 5 6 7 8", Phone, "3 4 5"),
    ("6-1-2-3-4-5-6-7-8", Phone, "3-4-5"),
    ("6.1.2.3.4.5.6.7.8", Phone, "3.4.5"),
    ("６１２３４５６７８", Phone, "３４５"),
    ("٦١٢٣٤٥٦٧٨ (Arabic-Indic)", Phone, "٣٤٥"),
    ("۶۱۲۳۴۵۶۷۸ (Persian)", Phone, "۳۴۵"),
    ("६१२३४५६७८ (Devanagari)", Phone, "३४५"),
    ("6\u{200B}1\u{200B}2\u{200B}345678", Phone, "345"),
    ("six one two three four five six seven eight", Phone, "three four"),
    ("seis uno dos tres cuatro cinco seis siete ocho", Phone, "tres cuatro"),
    ("①②③④⑤⑥⑦⑧⑨", Phone, "④⑤"),
    ("0 0 4 4 2 0 7 9 4 6 0 0 1 8", Phone, "7 9 4"),
    ("my number: 612_345_678", Phone, "345"),
    ("see https://example.org/lessons", Link, "example.org"),
    ("www.myschool.es has my rates", Link, "myschool"),
    ("myschool.com/book", Link, "myschool"),
    ("t.me/anateacher", Link, "anateacher"),
    ("wa.me/34612345678", Link, "wa.me"),
    ("myschool dot com", Link, "myschool"),
    ("HTTPS://BIT.LY/abc", Link, "BIT.LY"),
    ("Add me on Skype: ana_teacher", Messenger, "ana_teacher"),
    ("skype ana.teacher2", Messenger, "ana.teacher2"),
    ("WhatsApp me", Messenger, "WhatsApp"),
    ("whats app me", Messenger, "whats app"),
    ("w h a t s a p p", Messenger, "w h a t s"),
    ("Ｔｅｌｅｇｒａｍ: @ana_es", Messenger, "ana_es"),
    ("find me @ana_teaches", Messenger, "@ana_teaches"),
    ("wechat id: ana_lee88", Messenger, "ana_lee88"),
    ("微信: analee88", Messenger, "analee88"),
    ("line id = anaspanish", Messenger, "anaspanish"),
    ("discord ana#1234", Messenger, "ana#1234"),
];

/// Texts that look a little like contact details and are not: prices,
/// dates, lesson times, ISBNs, ordinary sentences with "at" and "dot".
const INNOCENT: &[&str] = &[
    "The lesson costs 18.50 EUR, or €90.00 for five.",
    "A package is 1.250,00 € for 20 lessons.",
    "Let's meet on 2026-12-05 at 18:00.",
    "Next class: 05/12/2026 18:00–19:00",
    "Am 05.12.2026 um 18.00 Uhr?",
    "Lessons at 9.30 and at 18.00; 45 or 60 minutes.",
    "I'm free 18:00-19:30, 20:00-21:00 and 21:30-22:00.",
    "The book is ISBN 978-3-16-148410-0.",
    "Use 9780306406157 for the workbook.",
    "ISBN: 0-8044-2957-X, chapter 3.",
    "I have taught Spanish since 2010-2015 and love it.",
    "I studied at the University of Salamanca.",
    "Look at the dot on the i.",
    "See you at 5, I'm at home.",
    "Chapter 3.2.1, exercises 4 to 12.",
    "Class sizes of 1 to 3, levels A1-C2.",
    "Over 1,000,000 people speak it in 21 countries.",
    "My score was 95/100 in the DELE B2.",
    "Node.js and e.g. i.e. are abbreviations.",
    "We read it online yesterday, identity is a theme.",
    "Room 12B at 14:30, floor 3.",
    "I saw the telegraph poles and the signal was bad.",
];

#[test]
fn disguised_contact_details_are_found_and_redacted() {
    assert!(DISGUISED.len() >= 40);
    for (text, kind, inside) in DISGUISED {
        let found = find(text);
        assert!(
            found.iter().any(|f| f.kind == *kind),
            "{text:?}: expected {kind:?}, found {found:?}"
        );
        let (redacted, kinds) = redact(text);
        assert!(kinds.contains(kind), "{text:?}");
        assert!(redacted.contains(MASK), "{text:?} → {redacted:?}");
        assert!(
            !redacted.contains(inside),
            "{text:?} → {redacted:?} still holds {inside:?}"
        );
    }
}

#[test]
fn innocent_texts_are_left_alone() {
    assert!(INNOCENT.len() >= 20);
    for text in INNOCENT {
        assert_eq!(find(text), [], "{text:?}");
        assert_eq!(redact(text), ((*text).to_owned(), vec![]), "{text:?}");
    }
}

#[test]
fn only_the_detail_is_redacted_and_the_rest_kept() {
    let (text, kinds) = redact("Hi! Mail me at ana@gmail.com or call 612 345 678, thanks.");
    assert_eq!(text, "Hi! Mail me at ••• or call •••, thanks.");
    assert_eq!(kinds, [Email, Phone]);
    let found = find("x ana@gmail.com y");
    assert_eq!(
        found,
        [Found {
            kind: Email,
            span: 2..15
        }]
    );
}

#[test]
fn spans_are_on_character_boundaries_of_the_original() {
    for (text, ..) in DISGUISED {
        for f in find(text) {
            assert!(
                text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end),
                "{text:?}"
            );
        }
    }
}

proptest::proptest! {
    /// Any text at all: no panic, spans on character boundaries, in order,
    /// not overlapping, and redaction keeps everything outside them.
    #[test]
    fn any_text_is_read_safely(text in "\\PC{0,80}", digits in "[0-9 +()@.a-z]{0,40}") {
        for text in [text.as_str(), digits.as_str()] {
            let found = find(text);
            let mut last = 0;
            for f in &found {
                proptest::prop_assert!(f.span.start >= last && f.span.start < f.span.end);
                proptest::prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
                last = f.span.end;
            }
            let (redacted, kinds) = redact(text);
            proptest::prop_assert_eq!(kinds.len(), found.len());
            if found.is_empty() {
                proptest::prop_assert_eq!(redacted, text);
            }
        }
    }
}
