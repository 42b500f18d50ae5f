//! Why a well-formed request is refused: the state of things does not allow
//! it (HTTP 409), or money is missing (402). One closed set, each refusal
//! knowing its stable code (the API's `code`) and its message
//! (`error-<code>` in the Fluent files), in the manner of kanidm's
//! `OperationError`: a new refusal is a new variant, and a test proves it
//! has its message in every language.

/// Whether a refusal is about the state of things or about money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The state does not allow it now (409).
    Conflict,
    /// Money is missing: not enough credit, or the card was refused (402).
    PaymentRequired,
}

/// A refusal's message key: `error-<code>`, unless it names its own.
macro_rules! message_key {
    ($code:literal) => {
        concat!("error-", $code)
    };
    ($code:literal, $key:literal) => {
        $key
    };
}

macro_rules! refusals {
    (
        conflict { $($c:ident => $cc:literal $(as $ck:literal)?,)* }
        payment { $($p:ident => $pc:literal $(as $pk:literal)?,)* }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Refusal {
            $($c,)*
            $($p,)*
        }

        impl Refusal {
            pub const ALL: &'static [Self] = &[$(Self::$c,)* $(Self::$p,)*];

            /// The stable, machine-readable code.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$c => $cc,)*
                    $(Self::$p => $pc,)*
                }
            }

            /// The Fluent key of the message shown for it.
            pub fn message_key(self) -> &'static str {
                match self {
                    $(Self::$c => message_key!($cc $(, $ck)?),)*
                    $(Self::$p => message_key!($pc $(, $pk)?),)*
                }
            }

            pub fn kind(self) -> RefusalKind {
                match self {
                    $(Self::$c => RefusalKind::Conflict,)*
                    $(Self::$p => RefusalKind::PaymentRequired,)*
                }
            }
        }
    };
}

refusals! {
    conflict {
        EmailTaken => "email-taken",
        PhoneTaken => "phone-taken",
        ImpossibleTransition => "impossible-transition",
        RequestExpired => "request-expired",
        LessonStarted => "lesson-started",
        TooLate => "too-late",
        // To a member, a step that is not due yet is simply not possible.
        NotDue => "not-due" as "error-impossible-transition",
        TooLateToReschedule => "too-late-to-reschedule",
        ProposalExpired => "proposal-expired",
        ProposalAnswered => "proposal-answered",
        SlotTaken => "slot-taken",
        SlotNotAvailable => "slot-not-available",
        TrialAlreadyTaken => "trial-already-taken",
        NoTrialOffered => "no-trial-offered",
        OfferingNotAvailable => "offering-not-available",
        PackageExpired => "package-expired",
        PackageUsedUp => "package-used-up",
        AlreadyReviewed => "already-reviewed",
        AlreadyReplied => "already-replied",
        LessonNotCompleted => "lesson-not-completed",
        GuardianConfirmationNeeded => "guardian-confirmation-needed",
        ProcessingRestricted => "processing-restricted",
        CardPaymentsOff => "card-payments-off",
        InsufficientBalance => "insufficient-balance",
        NoPayoutAccount => "no-payout-account",
        TransferAlreadyRecorded => "transfer-already-recorded",
        CouponCodeTaken => "coupon-code-taken",
        IdempotencyKeyReused => "idempotency-key-reused",
        IdempotencyKeyInUse => "idempotency-key-in-use",
        OpenDispute => "open-dispute",
        PayoutPending => "payout-pending",
        LessonsAwaitingConfirmation => "lessons-awaiting-confirmation",
        // Said where deletion is asked for, in its own words.
        LegalHold => "legal-hold" as "delete-held",
        RequestNotOpen => "request-not-open",
        RequestKindMismatch => "request-kind-mismatch",
        NoCorrection => "no-correction",
        CorrectionBelowMinimumAge => "correction-below-minimum-age",
        ApplicationPending => "application-pending",
        AlreadyTeaching => "already-teaching",
        EmailUnverified => "email-unverified",
        AlreadyRestricted => "already-restricted",
        AlreadyReported => "already-reported",
        AlreadyNotified => "already-notified",
        ExportNotReady => "export-not-ready",
        Blocked => "blocked",
        MessagingRestricted => "messaging-restricted",
        TooManyUnanswered => "too-many-unanswered",
        RecipientLeft => "recipient-left",
        ReportOwnMessage => "report-own-message",
        AttachmentsNeedLesson => "attachments-need-lesson",
        RoomNotOpenYet => "room-not-open-yet",
        RoomClosed => "room-closed",
        RoomLessonNotGoingAhead => "room-lesson-not-going-ahead",
        NotesChanged => "notes-changed",
        RecordingNotAgreed => "recording-not-agreed",
    }
    payment {
        InsufficientFunds => "insufficient-funds",
        CardDeclined => "card-declined",
        CardInsufficientFunds => "card-insufficient-funds",
        ExpiredCard => "expired-card",
    }
}

impl std::error::Error for Refusal {}

impl serde::Serialize for Refusal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = Refusal::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Refusal::ALL.len());
    }
}
