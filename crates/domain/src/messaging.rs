//! Conversations between members: what a message may hold, who may write
//! to whom, the contact-detail guard, and when a member is emailed.

use crate::contact_guard::{self, ContactDetail};
use crate::refusal::Refusal;
use crate::uploads::{self, FileKind};
use crate::validation::{TextRule, optional_text};
use crate::{Invalid, Valid};

/// The longest message, in characters.
pub const MAX_CHARS: usize = 4000;

/// How many messages a new account may send, unanswered, to people it has
/// had no lesson with.
pub const UNANSWERED_LIMIT: i64 = 10;

/// An account is new for this long after it was made (µs).
pub const NEW_ACCOUNT_US: i64 = 30 * 86_400_000_000;

/// After the email about a conversation's first unread message, at most
/// one more email per conversation in this time (µs).
pub const DIGEST_INTERVAL_US: i64 = 30 * 60_000_000;

/// The most messages one replay answers; a client further behind reloads.
pub const REPLAY_CAP: i64 = 200;

/// The most files one message carries.
pub const MAX_ATTACHMENTS: usize = 5;

/// The longest attachment name kept, in characters.
pub const ATTACHMENT_NAME_MAX: usize = 120;

/// A message's text as sent: trimmed, normalised (NFC), 1–4,000
/// characters, no control characters but line breaks and tabs (or empty
/// beside files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText(String);

impl MessageText {
    pub fn parse(raw: &str) -> Valid<Self> {
        optional_text("body", raw, MAX_CHARS)?
            .map(Self)
            .ok_or(Invalid::new("body", "required"))
    }

    /// The text of a message that carries files: it may be empty.
    pub fn parse_beside_files(raw: &str, files: usize) -> Valid<Self> {
        match optional_text("body", raw, MAX_CHARS)? {
            Some(text) => Ok(Self(text)),
            None if files > 0 => Ok(Self(String::new())),
            None => Err(Invalid::new("body", "required")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a message's files may be: at most `MAX_ATTACHMENTS`, each a PDF,
/// JPEG or PNG (by its bytes) of at most 10 MB. Returns each file's kind.
pub fn attachment_kinds<'a>(files: impl ExactSizeIterator<Item = &'a [u8]>) -> Valid<Vec<FileKind>> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(Invalid::new("files", "too-many"));
    }
    files.map(|bytes| uploads::document("files", bytes)).collect()
}

/// The name an attachment is shown and saved under: the last part of what
/// the sender's device called it, without invisible or control characters,
/// at most `ATTACHMENT_NAME_MAX` characters, ending in its real type's
/// extension (a PDF named `x.exe` is saved as `x.pdf`).
pub fn attachment_name(raw: &str, kind: FileKind) -> String {
    use unicode_normalization::UnicodeNormalization;
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .nfc()
        .filter(|c| !TextRule::Name.refuses(*c) && !matches!(c, '"' | '\\' | '/'))
        .collect();
    let stem = clean
        .trim()
        .rsplit_once('.')
        .map_or(clean.trim(), |(stem, _)| stem)
        .trim();
    let stem = if stem.is_empty() { "attachment" } else { stem };
    let ext = kind.extension();
    let room = ATTACHMENT_NAME_MAX - ext.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    format!("{stem}.{ext}")
}

named_enum!(
    /// Why a member blocks another (for trust and safety).
    BlockReason, "reason" {
        Harassment => "harassment",
        Scam => "scam",
        OffPlatformPayment => "off_platform_payment",
        Other => "other",
    }
);

named_enum!(
    /// When a member is emailed about new messages.
    #[derive(Default)]
    EmailNotices, "email" {
        /// For every message while they are away.
        Every => "every",
        /// The first at once, then at most one email per half hour per
        /// conversation.
        #[default]
        Digest => "digest",
        Never => "never",
    }
);

named_enum!(
    /// Why a member reports a message or a conversation.
    ReportReason, "reason" {
        Harassment => "harassment",
        Scam => "scam",
        OffPlatformPayment => "off_platform_payment",
        Inappropriate => "inappropriate",
        Spam => "spam",
        Other => "other",
    }
);

named_enum!(
    /// Where a report stands.
    ReportStatus { Open => "open", Closed => "closed" }
);

named_enum!(
    /// What trust and safety decided about a report.
    ReportOutcome, "outcome" {
        /// Nothing against the rules.
        Dismissed => "dismissed",
        /// The reported member is warned.
        Warned => "warned",
        /// The reported member can no longer send messages.
        Restricted => "restricted",
        /// The account is closed for fraud and its identifiers banned.
        Banned => "banned",
    }
);

/// How many messages before a reported one go with it as context.
pub const REPORT_CONTEXT: usize = 10;

/// How many of a conversation's newest messages a report of the whole
/// conversation copies.
pub const REPORT_CONVERSATION: i64 = 50;

/// The longest note a member adds to a report, in characters.
pub const REPORT_DETAILS_MAX: usize = 2000;

named_enum!(
    /// What a message is.
    MessageKind {
        /// Written by the sender.
        Text => "text",
        /// A teacher's away message, sent for them once per conversation.
        AutoReply => "auto_reply",
    }
);

/// A message after the guard: its text and what was taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guarded {
    pub text: String,
    pub redacted: Vec<ContactDetail>,
}

impl Guarded {
    /// The guard applies until the two have had a paid lesson together:
    /// contact details are replaced by a mask, the rest is sent.
    pub fn apply(text: &MessageText, guard_on: bool) -> Self {
        if !guard_on {
            return Self {
                text: text.as_str().to_owned(),
                redacted: Vec::new(),
            };
        }
        let (text, redacted) = contact_guard::redact(text.as_str());
        Self { text, redacted }
    }

    /// The kinds taken out, once each, for the record: `email,phone`.
    pub fn kinds(&self) -> Option<String> {
        let mut kinds: Vec<&str> = self.redacted.iter().map(|k| k.as_str()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        (!kinds.is_empty()).then(|| kinds.join(","))
    }
}

/// What decides whether a member may send to another, gathered before.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendFacts {
    pub to_self: bool,
    /// The recipient no longer exists (erased, or never did).
    pub recipient_gone: bool,
    /// Either has blocked the other.
    pub blocked: bool,
    /// A minor without a guardian's confirmation.
    pub minor_unconfirmed: bool,
    /// The sender restricted processing of their data (GDPR Art. 18), or
    /// staff restricted their messaging.
    pub restricted: bool,
    /// The sender's account is younger than [`NEW_ACCOUNT_US`].
    pub new_account: bool,
    /// The two have had a lesson (any lesson that was confirmed).
    pub had_lesson: bool,
    /// Messages the sender sent that nobody answered, to people it had no
    /// lesson with.
    pub unanswered: i64,
    /// The recipient has written in this conversation already.
    pub answered_here: bool,
}

/// Whether the message may be sent; the first reason it may not.
pub fn may_send(f: SendFacts) -> Result<(), SendRefusal> {
    if f.to_self {
        return Err(SendRefusal::ToSelf);
    }
    if f.recipient_gone {
        return Err(SendRefusal::RecipientGone);
    }
    if f.minor_unconfirmed {
        return Err(SendRefusal::Refused(Refusal::GuardianConfirmationNeeded));
    }
    if f.restricted {
        return Err(SendRefusal::Refused(Refusal::MessagingRestricted));
    }
    if f.blocked {
        return Err(SendRefusal::Refused(Refusal::Blocked));
    }
    if f.new_account && !f.had_lesson && !f.answered_here && f.unanswered >= UNANSWERED_LIMIT {
        return Err(SendRefusal::Refused(Refusal::TooManyUnanswered));
    }
    Ok(())
}

/// Why a message may not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendRefusal {
    /// A member cannot write to themselves (bad input: 422).
    ToSelf,
    /// Nobody to write to (404).
    RecipientGone,
    /// The state of things does not allow it (409).
    Refused(Refusal),
}

/// Whether a member who is not online gets an email about a new message
/// now: `last_emailed_at` is when the conversation last emailed them, and
/// `unemailed` whether a message they have not read came since.
pub fn email_due(setting: EmailNotices, last_emailed_at: Option<i64>, unemailed: bool, now: i64) -> bool {
    if !unemailed {
        return false;
    }
    match setting {
        EmailNotices::Never => false,
        EmailNotices::Every => true,
        EmailNotices::Digest => last_emailed_at.is_none_or(|at| now - at >= DIGEST_INTERVAL_US),
    }
}

/// Read receipts and typing indicators are symmetric: a member sees the
/// other's only while sending their own.
pub fn sees_signal(viewer_sends: bool, other_sends: bool) -> bool {
    viewer_sends && other_sends
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_few_typed_by_their_bytes_and_safely_named() {
        let pdf: &[u8] = b"%PDF-1.7 homework";
        let png: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0];
        assert_eq!(
            attachment_kinds([pdf, png].into_iter()),
            Ok(vec![FileKind::Pdf, FileKind::Png])
        );
        assert_eq!(
            attachment_kinds([&b"MZ\x90"[..]].into_iter()).unwrap_err().code,
            "not-a-document"
        );
        let big = vec![b'%'; uploads::DOCUMENT_MAX_BYTES + 1];
        assert_eq!(
            attachment_kinds([&big[..]].into_iter()).unwrap_err().code,
            "file-too-large"
        );
        let six = [pdf; MAX_ATTACHMENTS + 1];
        assert_eq!(attachment_kinds(six.into_iter()).unwrap_err().code, "too-many");
        assert_eq!(MessageText::parse_beside_files("  ", 1).unwrap().as_str(), "");
        assert_eq!(MessageText::parse_beside_files("  ", 0).unwrap_err().code, "required");

        assert_eq!(
            attachment_name("C:\\Users\\ana\\Deberes 3.pdf", FileKind::Pdf),
            "Deberes 3.pdf"
        );
        assert_eq!(attachment_name("../../etc/passwd", FileKind::Pdf), "passwd.pdf");
        assert_eq!(attachment_name("virus.exe", FileKind::Png), "virus.png");
        assert_eq!(attachment_name("a\u{202E}gnp.exe", FileKind::Png), "agnp.png");
        assert_eq!(attachment_name("\"quoted\".jpg", FileKind::Jpeg), "quoted.jpg");
        assert_eq!(attachment_name("", FileKind::Jpeg), "attachment.jpg");
        let long = attachment_name(&"é".repeat(500), FileKind::Pdf);
        assert_eq!(long.chars().count(), ATTACHMENT_NAME_MAX);
        assert!(long.ends_with(".pdf"));
    }

    #[test]
    fn message_text_is_bounded_and_clean() {
        assert_eq!(MessageText::parse("  hola  ").unwrap().as_str(), "hola");
        assert_eq!(MessageText::parse(" \n ").unwrap_err().code, "required");
        assert_eq!(
            MessageText::parse(&"a".repeat(MAX_CHARS + 1)).unwrap_err().code,
            "too-long"
        );
        assert!(
            MessageText::parse(&"é".repeat(MAX_CHARS)).is_ok(),
            "characters, not bytes"
        );
        assert_eq!(MessageText::parse("bell\u{7}").unwrap_err().code, "control-characters");
        assert!(MessageText::parse("line one\nline two\ttab").is_ok());
    }

    #[test]
    fn the_guard_masks_only_until_a_paid_lesson() {
        let text = MessageText::parse("write me at ana.perez@example.com or +34 612 345 678").unwrap();
        let on = Guarded::apply(&text, true);
        assert!(
            !on.text.contains("example.com") && !on.text.contains("612"),
            "{}",
            on.text
        );
        assert_eq!(on.kinds().as_deref(), Some("email,phone"));
        let off = Guarded::apply(&text, false);
        assert_eq!(off.text, text.as_str());
        assert_eq!(off.kinds(), None);
    }

    #[test]
    fn who_may_send() {
        let ok = SendFacts::default();
        assert_eq!(may_send(ok), Ok(()));
        let refused = |f: SendFacts| may_send(f).unwrap_err();
        assert_eq!(refused(SendFacts { to_self: true, ..ok }), SendRefusal::ToSelf);
        assert_eq!(
            refused(SendFacts {
                recipient_gone: true,
                ..ok
            }),
            SendRefusal::RecipientGone
        );
        assert_eq!(
            refused(SendFacts { blocked: true, ..ok }),
            SendRefusal::Refused(Refusal::Blocked)
        );
        assert_eq!(
            refused(SendFacts {
                minor_unconfirmed: true,
                ..ok
            }),
            SendRefusal::Refused(Refusal::GuardianConfirmationNeeded)
        );
        assert_eq!(
            refused(SendFacts { restricted: true, ..ok }),
            SendRefusal::Refused(Refusal::MessagingRestricted)
        );
        let eager = SendFacts {
            new_account: true,
            unanswered: UNANSWERED_LIMIT,
            ..ok
        };
        assert_eq!(refused(eager), SendRefusal::Refused(Refusal::TooManyUnanswered));
        assert_eq!(
            may_send(SendFacts {
                unanswered: UNANSWERED_LIMIT - 1,
                ..eager
            }),
            Ok(())
        );
        assert_eq!(
            may_send(SendFacts {
                had_lesson: true,
                ..eager
            }),
            Ok(())
        );
        assert_eq!(
            may_send(SendFacts {
                answered_here: true,
                ..eager
            }),
            Ok(()),
            "a conversation the other side answered is no longer cold"
        );
        assert_eq!(
            may_send(SendFacts {
                new_account: false,
                ..eager
            }),
            Ok(())
        );
    }

    #[test]
    fn digest_emails_once_per_half_hour() {
        let now = 10 * DIGEST_INTERVAL_US;
        assert!(email_due(EmailNotices::Digest, None, true, now));
        assert!(!email_due(EmailNotices::Digest, Some(now - 60_000_000), true, now));
        assert!(email_due(
            EmailNotices::Digest,
            Some(now - DIGEST_INTERVAL_US),
            true,
            now
        ));
        assert!(email_due(EmailNotices::Every, Some(now - 1), true, now));
        assert!(!email_due(EmailNotices::Never, None, true, now));
        assert!(!email_due(EmailNotices::Every, None, false, now), "nothing new");
    }

    #[test]
    fn signals_are_symmetric() {
        assert!(sees_signal(true, true));
        assert!(!sees_signal(false, true));
        assert!(!sees_signal(true, false));
    }
}
