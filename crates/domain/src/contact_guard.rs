//! The contact-detail guard: finds email addresses, phone numbers, links
//! and messenger handles in text, however they are disguised — full-width
//! or other scripts' digits, look-alike letters, zero-width characters,
//! spaced-out digits and letters, "at" and "dot" spelled out — and says
//! where they are in the text as written, so a message can be redacted
//! rather than refused. Lessons are booked and paid through Koine; moving
//! them elsewhere is how members lose the protections of the platform.
//!
//! Detection runs on a folded copy of the text (NFKC, look-alikes to their
//! Latin prototype, marks and invisible characters dropped, lower case)
//! whose every character remembers the bytes of the original it came from.

use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What kind of contact detail a text contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactDetail {
    Email,
    Phone,
    Link,
    Messenger,
}

impl ContactDetail {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Link => "link",
            Self::Messenger => "messenger",
        }
    }
}

/// A contact detail and the bytes of the original text it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: ContactDetail,
    pub span: Range<usize>,
}

/// What stands in a redacted message where a contact detail was.
pub const MASK: &str = "•••";

/// Every contact detail in `text`, in order, not overlapping.
pub fn find(text: &str) -> Vec<Found> {
    let folded = Folded::of(text);
    let compact = Compact::of(&folded);
    let mut found: Vec<(ContactDetail, Range<usize>)> = Vec::new();
    found.extend(compact.emails().into_iter().map(|r| (ContactDetail::Email, r)));
    found.extend(compact.links().into_iter().map(|r| (ContactDetail::Link, r)));
    found.extend(folded.messengers().into_iter().map(|r| (ContactDetail::Messenger, r)));
    found.extend(folded.phones().into_iter().map(|r| (ContactDetail::Phone, r)));
    // Folded ranges to the original's bytes; earlier kinds win an overlap.
    let mut out: Vec<Found> = Vec::new();
    for (kind, r) in found {
        let span = folded.origin[r.start].start..folded.origin[r.end - 1].end;
        if out.iter().all(|f| f.span.end <= span.start || span.end <= f.span.start) {
            out.push(Found { kind, span });
        }
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// `text` with each contact detail replaced by [`MASK`], and what was
/// found (empty: the text is unchanged).
pub fn redact(text: &str) -> (String, Vec<ContactDetail>) {
    let found = find(text);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in &found {
        out.push_str(&text[at..f.span.start]);
        out.push_str(MASK);
        at = f.span.end;
    }
    out.push_str(&text[at..]);
    (out, found.into_iter().map(|f| f.kind).collect())
}

/// The text folded for detection; `origin[i]` is the original bytes the
/// i-th folded character came from.
struct Folded {
    chars: Vec<char>,
    origin: Vec<Range<usize>>,
}

impl Folded {
    fn of(text: &str) -> Self {
        let mut f = Self {
            chars: Vec::new(),
            origin: Vec::new(),
        };
        for (at, c) in text.char_indices() {
            let span = at..at + c.len_utf8();
            if crate::validation::is_invisible(c) || matches!(c, '\u{200C}' | '\u{200D}') {
                continue;
            }
            for n in c.nfkc().flat_map(|n| n.nfd()).filter(|d| !is_combining_mark(*d)) {
                for folded in fold_char(n) {
                    f.chars.push(folded);
                    f.origin.push(span.clone());
                }
            }
        }
        f
    }

    fn is_digit(&self, i: usize) -> bool {
        self.chars[i].is_ascii_digit()
    }

    /// Runs of nine or more digits (eight after a `+`), with the separators
    /// people type in numbers between them, and digits spelled as words.
    /// Dates, times and ISBNs are not numbers to call.
    fn phones(&self) -> Vec<Range<usize>> {
        let protected = self.protected();
        let words = spelled_digits(&self.chars);
        let digit_at = |i: usize| self.is_digit(i) || words.iter().any(|w| w.contains(&i));
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.chars.len() {
            if !digit_at(i) || protected[i] {
                i += 1;
                continue;
            }
            let start = i;
            let (mut end, mut digits) = (i, 0);
            let mut j = i;
            while j < self.chars.len() && !protected[j] {
                if let Some(w) = words.iter().find(|w| w.start == j) {
                    digits += 1;
                    end = w.end;
                    j = w.end;
                } else if self.is_digit(j) {
                    digits += 1;
                    j += 1;
                    end = j;
                } else if matches!(self.chars[j], ' ' | '-' | '.' | '(' | ')' | '+' | '_' | '*')
                    && self.chars[j..]
                        .iter()
                        .take(4)
                        .any(|c| c.is_ascii_digit() || c.is_alphabetic())
                {
                    j += 1;
                } else {
                    break;
                }
            }
            let plus = start > 0 && self.chars[..start].iter().rev().take(2).any(|c| *c == '+');
            if digits >= 9 || (plus && digits >= 8) {
                let from = if plus {
                    self.chars[..start].iter().rposition(|c| *c == '+').unwrap_or(start)
                } else {
                    start
                };
                out.push(from..end);
            }
            i = end.max(i + 1);
        }
        out
    }

    /// Characters that belong to a date, a time or an ISBN.
    fn protected(&self) -> Vec<bool> {
        let mut protected = vec![false; self.chars.len()];
        let mut mark = |r: Range<usize>| protected[r].iter_mut().for_each(|p| *p = true);
        let groups = digit_groups(&self.chars);
        for (k, g) in groups.iter().enumerate() {
            let sep = |a: &Range<usize>, b: &Range<usize>| -> Option<char> {
                (b.start == a.end + 1).then(|| self.chars[a.end])
            };
            // A date: 2026-12-05, 05/12/2026, 5.12.2026.
            if let (Some(b), Some(c)) = (groups.get(k + 1), groups.get(k + 2))
                && let (Some(s1), Some(s2)) = (sep(g, b), sep(b, c))
                && s1 == s2
                && matches!(s1, '-' | '/' | '.')
            {
                let lens = (g.len(), b.len(), c.len());
                if matches!(lens, (4, 1..=2, 1..=2) | (1..=2, 1..=2, 4) | (1..=2, 1..=2, 2)) {
                    mark(g.start..c.end);
                }
            }
            // A time: 18:00.
            if let Some(b) = groups.get(k + 1)
                && sep(g, b) == Some(':')
                && g.len() <= 2
                && b.len() == 2
            {
                mark(g.start..b.end);
            }
        }
        // An ISBN: after the word, or thirteen digits from 978/979 whose
        // check digit is right.
        for (k, g) in groups.iter().enumerate() {
            let mut digits: String = self.chars[g.clone()].iter().collect();
            let mut end = g.end;
            for h in &groups[k + 1..] {
                if digits.len() >= 13 || h.start != end + 1 || !matches!(self.chars[end], '-' | ' ') {
                    break;
                }
                digits.extend(&self.chars[h.clone()]);
                end = h.end;
            }
            let before: String = self.chars[g.start.saturating_sub(8)..g.start].iter().collect();
            let named = before.trim_end().trim_end_matches(':').trim_end().ends_with("isbn");
            if (named && (9..=13).contains(&digits.len())) || is_isbn13(&digits) {
                mark(g.start..end);
            }
        }
        protected
    }

    /// A messenger's name and the handle after it, or an `@handle`.
    fn messengers(&self) -> Vec<Range<usize>> {
        let (squeezed, at) = squeeze(&self.chars, |c| c.is_alphanumeric());
        let mut out = Vec::new();
        for name in MESSENGERS {
            let mut from = 0;
            while let Some(pos) = find_from(&squeezed, name, from) {
                from = pos + 1;
                let start = at[pos];
                let mut end = at[pos + name.chars().count() - 1] + 1;
                let alnum = |k: usize| self.chars.get(k).is_some_and(|c| c.is_alphanumeric());
                if (start > 0 && alnum(start - 1)) || alnum(end) {
                    continue;
                }
                // The handle: what follows after a colon or a space, if it
                // looks like one (letters with digits, underscores or dots).
                let mut j = end;
                for _ in 0..3 {
                    while j < self.chars.len() && matches!(self.chars[j], ' ' | ':' | '-' | '=' | '@') {
                        j += 1;
                    }
                    // "wechat id: …", "skype name is …".
                    let word_end = (j..self.chars.len())
                        .find(|&k| !self.chars[k].is_alphabetic())
                        .unwrap_or(self.chars.len());
                    let word: String = self.chars[j..word_end].iter().collect();
                    if !matches!(word.as_str(), "id" | "is" | "name" | "user" | "handle") {
                        break;
                    }
                    j = word_end;
                }
                let handle_end = (j..self.chars.len())
                    .find(|&k| !(self.chars[k].is_alphanumeric() || matches!(self.chars[k], '_' | '.' | '#')))
                    .unwrap_or(self.chars.len());
                let handle: String = self.chars[j..handle_end].iter().collect();
                if handle.len() >= 3
                    && (handle
                        .chars()
                        .any(|c| c.is_ascii_digit() || c == '_' || c == '.' || c == '#')
                        || self.chars[end..j].iter().any(|c| matches!(c, ':' | '@' | '=')))
                {
                    end = handle_end;
                }
                out.push(start..end);
            }
        }
        for (i, c) in self.chars.iter().enumerate() {
            let starts_word = i == 0 || self.chars[i - 1].is_whitespace();
            if *c == '@' && starts_word {
                let end = (i + 1..self.chars.len())
                    .find(|&k| !(self.chars[k].is_alphanumeric() || matches!(self.chars[k], '_' | '.')))
                    .unwrap_or(self.chars.len());
                if end - i > 3 {
                    out.push(i..end);
                }
            }
        }
        out
    }
}

/// One character's folding: look-alikes to their Latin or ASCII prototype,
/// other scripts' digits to ASCII digits, lower case.
fn fold_char(c: char) -> Vec<char> {
    if c.is_ascii() {
        return vec![c.to_ascii_lowercase()];
    }
    if let Some(d) = other_digit(c) {
        return vec![d];
    }
    match c {
        '。' | '｡' | '․' | '‧' | '·' | '•' => return vec!['.'],
        '＠' | '﹫' => return vec!['@'],
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => return vec!['-'],
        _ => {}
    }
    if c.is_whitespace() {
        return vec![' '];
    }
    let skeleton: String = unicode_security::confusable_detection::skeleton(&c.to_string()).collect();
    if !skeleton.is_empty() && skeleton.chars().all(|s| s.is_ascii_alphanumeric()) {
        return skeleton.chars().map(|s| s.to_ascii_lowercase()).collect();
    }
    c.to_lowercase().collect()
}

/// Decimal digits of scripts NFKC leaves alone (Arabic-Indic, Persian,
/// Devanagari, Bengali, Thai …) as ASCII digits.
fn other_digit(c: char) -> Option<char> {
    const ZEROS: [u32; 9] = [0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0E50, 0x1040];
    let u = u32::from(c);
    ZEROS
        .iter()
        .find(|z| (**z..**z + 10).contains(&u))
        .and_then(|z| char::from_digit(u - z, 10))
}

/// Digits spelled as words (English and Spanish, the platform's most common
/// languages of instruction), as folded ranges.
fn spelled_digits(chars: &[char]) -> Vec<Range<usize>> {
    const WORDS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "cero", "uno", "dos", "tres",
        "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphabetic() || (i > 0 && chars[i - 1].is_alphabetic()) {
            i += 1;
            continue;
        }
        let end = (i..chars.len())
            .find(|&k| !chars[k].is_alphabetic())
            .unwrap_or(chars.len());
        let word: String = chars[i..end].iter().collect();
        if WORDS.contains(&word.as_str()) {
            out.push(i..end);
        }
        i = end;
    }
    // A lone "one" or "two" is a word; only runs of three or more count.
    let mut kept = Vec::new();
    let mut run: Vec<Range<usize>> = Vec::new();
    for w in out {
        let joined = run.last().is_some_and(|last| {
            chars[last.end..w.start]
                .iter()
                .all(|c| matches!(c, ' ' | '-' | ',' | '.'))
        });
        if !joined {
            if run.len() >= 3 {
                kept.append(&mut run);
            }
            run.clear();
        }
        run.push(w);
    }
    if run.len() >= 3 {
        kept.append(&mut run);
    }
    kept
}

/// Runs of ASCII digits, as folded ranges.
fn digit_groups(chars: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let end = (i..chars.len())
                .find(|&k| !chars[k].is_ascii_digit())
                .unwrap_or(chars.len());
            out.push(i..end);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn is_isbn13(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    d.len() == 13
        && (digits.starts_with("978") || digits.starts_with("979"))
        && d.iter()
            .enumerate()
            .map(|(i, x)| if i % 2 == 0 { *x } else { 3 * x })
            .sum::<u32>()
            % 10
            == 0
}

/// The characters `keep` accepts, and the folded index each came from.
fn squeeze(chars: &[char], keep: impl Fn(char) -> bool) -> (Vec<char>, Vec<usize>) {
    chars
        .iter()
        .enumerate()
        .filter(|(_, c)| keep(**c))
        .map(|(i, c)| (*c, i))
        .unzip()
}

fn find_from(hay: &[char], needle: &str, from: usize) -> Option<usize> {
    let needle: Vec<char> = needle.chars().collect();
    (from..hay.len().saturating_sub(needle.len() - 1)).find(|&i| hay[i..i + needle.len()] == needle[..])
}

/// Messaging apps people move lessons to, as written with the spaces and
/// punctuation taken out.
const MESSENGERS: &[&str] = &[
    "skype",
    "whatsapp",
    "telegram",
    "wechat",
    "weixin",
    "微信",
    "viber",
    "kakaotalk",
    "lineid",
    "discord",
    "zoomid",
];

/// Top-level domains a link in a lesson chat is likely to end in.
const TLDS: &[&str] = &[
    "com", "net", "org", "io", "me", "co", "info", "biz", "app", "dev", "ly", "gl", "gg", "es", "uk", "de", "fr", "it",
    "jp", "cn", "ru", "br", "mx", "ar", "us", "ca", "au", "in", "kr", "tw", "hk", "sg", "nl", "ch", "pl", "pt", "se",
    "tv", "xyz", "site", "online", "link", "page", "club", "top", "edu", "gov", "cat", "eu",
];

/// The folded text with spaces and spelled-out "at"/"dot" taken out where
/// they join the parts of an address, and runs of single letters joined:
/// `a n a (at) g m a i l dot com` reads `ana@gmail.com`. `at[i]` is the
/// folded range each character stands for.
struct Compact {
    chars: Vec<char>,
    at: Vec<Range<usize>>,
    /// An `@` spelled as a word, which only a known top-level domain after
    /// it makes an address ("see you at school.bye" is not one).
    spelled: Vec<bool>,
}

impl Compact {
    fn of(f: &Folded) -> Self {
        // Words and single symbols, with the whitespace between them.
        let mut tokens: Vec<Range<usize>> = Vec::new();
        let mut i = 0;
        while i < f.chars.len() {
            let c = f.chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_alphanumeric() || c == '_' {
                let end = (i..f.chars.len())
                    .find(|&k| !(f.chars[k].is_alphanumeric() || f.chars[k] == '_'))
                    .unwrap_or(f.chars.len());
                tokens.push(i..end);
                i = end;
            } else {
                tokens.push(i..i + 1);
                i += 1;
            }
        }
        let text = |r: &Range<usize>| f.chars[r.clone()].iter().collect::<String>();
        let is_word = |r: &Range<usize>| f.chars[r.start].is_alphanumeric() || f.chars[r.start] == '_';
        let mut out = Self {
            chars: Vec::new(),
            at: Vec::new(),
            spelled: Vec::new(),
        };
        // The last token written was a word (not a symbol or a spelled one).
        let mut after_word = false;
        let mut k = 0;
        while k < tokens.len() {
            let t = &tokens[k];
            let word = text(t);
            // A spelled symbol, bare or in brackets: (at) [dot] {at} <dot>.
            let bracketed = k + 2 < tokens.len()
                && matches!(text(t).as_str(), "(" | "[" | "{" | "<")
                && matches!(text(&tokens[k + 2]).as_str(), ")" | "]" | "}" | ">");
            let (spelled, span) = if bracketed {
                (text(&tokens[k + 1]), t.start..tokens[k + 2].end)
            } else {
                (word.clone(), t.clone())
            };
            let symbol = match spelled.as_str() {
                "at" | "arroba" | "@" => Some('@'),
                "dot" | "punto" | "point" | "punkt" | "." => Some('.'),
                _ => None,
            };
            let between_words =
                k > 0 && is_word(&tokens[k - 1]) && tokens.get(k + if bracketed { 3 } else { 1 }).is_some_and(is_word);
            if let Some(s) = symbol
                && (bracketed || between_words || !is_word(t))
            {
                out.chars.push(s);
                out.at.push(span);
                out.spelled.push(is_word(t) || bracketed);
                k += if bracketed { 3 } else { 1 };
                after_word = false;
                continue;
            }
            if after_word && is_word(t) {
                // Two words apart: a space, unless both are single letters
                // or digits (spelled out one by one).
                let single = |r: &Range<usize>| r.len() == 1;
                if !(single(t) && single(&tokens[k - 1])) {
                    out.chars.push(' ');
                    out.at.push(tokens[k - 1].end..t.start);
                    out.spelled.push(false);
                }
            }
            for i in t.clone() {
                out.chars.push(f.chars[i]);
                out.at.push(i..i + 1);
                out.spelled.push(false);
            }
            after_word = is_word(t);
            k += 1;
        }
        out
    }

    fn folded(&self, r: Range<usize>) -> Range<usize> {
        self.at[r.start].start..self.at[r.end - 1].end
    }

    fn is_local(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
    }

    fn is_host(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '.' | '-')
    }

    /// The host from `start`, if it ends in a known top-level domain:
    /// where it ends.
    fn host_end(&self, start: usize, any_tld: bool) -> Option<usize> {
        let end = (start..self.chars.len())
            .find(|&k| !Self::is_host(self.chars[k]))
            .unwrap_or(self.chars.len());
        let host: String = self.chars[start..end].iter().collect();
        let host = host.trim_end_matches(['.', '-']);
        let (_, tld) = host.rsplit_once('.')?;
        let known = TLDS.contains(&tld) || (any_tld && (2..=10).contains(&tld.len()));
        (known && tld.chars().all(|c| c.is_ascii_alphabetic())).then(|| start + host.chars().count())
    }

    fn emails(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for (i, c) in self.chars.iter().enumerate() {
            if *c != '@' || i == 0 {
                continue;
            }
            let start = (0..i).rev().take_while(|&k| Self::is_local(self.chars[k])).last();
            if let (Some(start), Some(end)) = (start, self.host_end(i + 1, !self.spelled[i])) {
                out.push(self.folded(start..end));
            }
        }
        out
    }

    fn links(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut k = 0;
        while k < self.chars.len() {
            let word_start = k == 0 || !Self::is_host(self.chars[k - 1]) && self.chars[k - 1] != '@';
            let starts_with = |p: &str| p.chars().enumerate().all(|(i, c)| self.chars.get(k + i) == Some(&c));
            let scheme = ["https://", "http://", "www."].iter().find(|p| starts_with(p));
            let end = match scheme {
                Some(p) if word_start => Some(
                    (k + p.len()..self.chars.len())
                        .find(|&j| self.chars[j].is_whitespace())
                        .unwrap_or(self.chars.len()),
                ),
                _ if word_start && self.chars[k].is_alphanumeric() => self.host_end(k, false).map(|host| {
                    // A path after the host belongs to the link.
                    if self.chars.get(host) == Some(&'/') {
                        (host..self.chars.len())
                            .find(|&j| self.chars[j].is_whitespace())
                            .unwrap_or(self.chars.len())
                    } else {
                        host
                    }
                }),
                _ => None,
            };
            match end {
                Some(end) if end > k => {
                    out.push(self.folded(k..end));
                    k = end;
                }
                _ => k += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
