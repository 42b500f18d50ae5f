#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    /// No connection could be had, for a reason other than waiting too
    /// long (the database refuses connections, is gone, or the network is
    /// down): nothing was done.
    #[error("database unreachable: {0}")]
    Unreachable(sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// The database could not take the work in time: no connection freed
    /// up (or no turn to write came) before the pool's timeout, or SQLite
    /// stayed locked by another process past its busy timeout (SQLite's
    /// codes 5 and 6), or PostgreSQL has no connection slot left or is
    /// starting up (SQLSTATE 53300, 57P03). The request
    /// may be tried again; nothing was written.
    pub fn is_overload(&self) -> bool {
        match self {
            Self::Sql(sqlx::Error::PoolTimedOut) => true,
            Self::Sql(e) => e
                .as_database_error()
                .is_some_and(|d| matches!(d.code().as_deref(), Some("5" | "6" | "53300" | "57P03"))),
            _ => false,
        }
    }

    /// The database could not be reached: the connection broke (a restart,
    /// a network fault) or the server is shutting down (SQLSTATE class 08,
    /// 57P01, 57P02). Unlike an overload, a write whose connection broke at
    /// its commit may have been made.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Unreachable(_) => true,
            Self::Sql(sqlx::Error::Io(_) | sqlx::Error::Tls(_)) => true,
            Self::Sql(e) => e.as_database_error().is_some_and(|d| {
                d.code()
                    .is_some_and(|c| c.starts_with("08") || c == "57P01" || c == "57P02")
            }),
            _ => false,
        }
    }

    /// An unreachable database's error once more, for each piece of work
    /// it failed (errors cannot be cloned): its text, still unreachable.
    pub fn unreachable_again(&self) -> Self {
        Self::Unreachable(sqlx::Error::Io(std::io::Error::other(self.to_string())))
    }

    /// An error getting a connection (or starting a transaction on one):
    /// an overload stays one; anything else means the database could not
    /// be reached.
    pub fn connecting(e: sqlx::Error) -> Self {
        let e = Self::Sql(e);
        match e {
            Self::Sql(inner) if !e.is_overload() => Self::Unreachable(inner),
            other => other,
        }
    }

    /// The error of work that found no turn in time (see `is_overload`).
    pub fn timed_out() -> Self {
        Self::Sql(sqlx::Error::PoolTimedOut)
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Sql(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()))
    }

    /// A lesson refused because it would overlap another holding the same
    /// teacher's time (PostgreSQL's exclusion constraint, SQLite's trigger).
    pub fn is_lesson_overlap(&self) -> bool {
        matches!(self, Self::Sql(e) if e.as_database_error().is_some_and(|d| {
            d.constraint() == Some("lessons_no_overlap") || d.message().contains("lessons_no_overlap")
        }))
    }

    /// A second trial with the same teacher (the one-trial index).
    pub fn is_second_trial(&self) -> bool {
        matches!(self, Self::Sql(e) if e.as_database_error().is_some_and(|d| {
            d.is_unique_violation()
                && (d.constraint() == Some("lessons_one_trial")
                    || d.message().contains("lessons.learner_id, lessons.teacher_id"))
        }))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_connection_is_unavailable_not_overload() {
        let broken = Error::Sql(sqlx::Error::Io(std::io::Error::other("connection reset")));
        assert!(broken.is_unavailable());
        assert!(!broken.is_overload());
        let busy = Error::timed_out();
        assert!(busy.is_overload());
        assert!(!busy.is_unavailable());
        assert!(!Error::Config("x".into()).is_unavailable());
        let refused = Error::connecting(sqlx::Error::Protocol("the database refuses connections".into()));
        assert!(refused.is_unavailable());
        assert!(Error::connecting(sqlx::Error::PoolTimedOut).is_overload());
    }
}
