#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
}

impl Error {
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Sql(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
