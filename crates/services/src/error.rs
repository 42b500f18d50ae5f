use koine_domain::Invalid;
use koine_domain::booking::StepError;
use koine_domain::refusal::Refusal;

/// What can go wrong in a service call; the web edge maps each to a status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0}")]
    Invalid(#[from] Invalid),
    /// A request's every field error, from its parse.
    #[error("invalid input: {} fields", .0.len())]
    InvalidFields(Vec<Invalid>),
    /// Sign-up refused by the age gate; nothing was stored.
    #[error("below the minimum age")]
    TooYoung,
    #[error("wrong identifier or password")]
    BadCredentials,
    #[error("account not verified yet")]
    NotVerified,
    #[error("code or link invalid or expired")]
    BadCode,
    #[error("not signed in")]
    Unauthenticated,
    #[error("password needed again")]
    ReauthRequired,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("too many attempts; retry in {retry_after_secs}s")]
    Throttled { retry_after_secs: u64 },
    /// Refused as the state of things stands (409), or for want of money
    /// (402): the refusal says which.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// The payment provider could not be reached; nothing was charged.
    #[error("payment provider unavailable")]
    ProviderUnavailable,
    /// The database could not take the request in time (no connection
    /// freed up); nothing was written and it may be tried again.
    #[error("overloaded: {0}")]
    Overloaded(koine_store::Error),
    /// The database could not be reached (see
    /// `koine_store::Error::is_unavailable`); it may be tried again.
    #[error("database unavailable: {0}")]
    Unavailable(koine_store::Error),
    /// The file store could not be reached (or answered an error); the
    /// request may be tried again.
    #[error("file store unavailable")]
    FileStoreUnavailable,
    /// Too much work waits already (`why` names what, for the access log);
    /// nothing was written and it may be tried again.
    #[error("busy: {0}")]
    Busy(&'static str),
    /// A job's attempt lost its lease to another attempt: its work stops
    /// and writes nothing more.
    #[error("fenced: another attempt holds the job")]
    Fenced,
    #[error(transparent)]
    Store(koine_store::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<Vec<Invalid>> for Error {
    fn from(errors: Vec<Invalid>) -> Self {
        Self::InvalidFields(errors)
    }
}

impl From<StepError> for Error {
    fn from(e: StepError) -> Self {
        match e {
            StepError::Refused(r) => Self::Refused(r),
            StepError::Invalid(i) => Self::Invalid(i),
        }
    }
}

impl From<koine_store::Error> for Error {
    fn from(e: koine_store::Error) -> Self {
        if e.is_overload() {
            Self::Overloaded(e)
        } else if e.is_unavailable() {
            Self::Unavailable(e)
        } else {
            Self::Store(e)
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
