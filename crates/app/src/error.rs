//! Errors of the use cases.
//!
//! Policy: every error a use case returns is an [`AppError`] whose message is the Chinese text a
//! user sees (naming what is wrong and where), and whose [`ErrorKind`] tells a front end how to
//! answer: the CLI prints `错误：…` and exits 1; the web answers 401/403/404/422/409/503/500 with a
//! Chinese page. A record the acting user may not see is reported as not found, exactly as a
//! missing one (no oracle for ids or names of other agencies).

use std::fmt;

use gongkai_store::StoreError;

/// What kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// No valid principal: wrong password, locked or disabled account, expired session.
    Unauthenticated,
    /// The principal may see the record but not do this.
    Forbidden,
    /// No such record, or one the principal may not see.
    NotFound,
    /// The input breaks a rule or cannot be read.
    Invalid,
    /// The record changed meanwhile, or the change conflicts with the records' state.
    Conflict,
    /// The database cannot be reached, is read-only, or is busy.
    Unavailable,
    /// Something that should not happen (corrupt stored data).
    Internal,
}

/// A use case's failure: a kind and the Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    kind: ErrorKind,
    message: String,
}

impl AppError {
    /// An error of this kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError { kind, message: message.into() }
    }
    /// [`ErrorKind::Unauthenticated`].
    pub fn unauthenticated(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Unauthenticated, message)
    }
    /// [`ErrorKind::Forbidden`].
    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Forbidden, message)
    }
    /// [`ErrorKind::NotFound`].
    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::NotFound, message)
    }
    /// [`ErrorKind::Invalid`].
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Invalid, message)
    }
    /// [`ErrorKind::Conflict`].
    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Conflict, message)
    }
    /// [`ErrorKind::Unavailable`].
    pub fn unavailable(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Unavailable, message)
    }
    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// The Chinese message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The same error with context in front: `上下文：原因`.
    pub fn context(self, what: impl fmt::Display) -> AppError {
        AppError { kind: self.kind, message: format!("{what}：{}", self.message) }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        let kind = match &e {
            StoreError::NotFound(_) | StoreError::Missing(_) => ErrorKind::NotFound,
            StoreError::Conflict(_) => ErrorKind::Conflict,
            StoreError::Rule(_) | StoreError::Format(_) | StoreError::BadUrl(_) => ErrorKind::Invalid,
            StoreError::Forbidden(_) => ErrorKind::Forbidden,
            StoreError::Db(_) | StoreError::NotMigrated(_) | StoreError::Migrate(_) => ErrorKind::Unavailable,
            StoreError::Io(_) => ErrorKind::Invalid,
            StoreError::Corrupt(_) => ErrorKind::Internal,
        };
        AppError::new(kind, e.to_string())
    }
}

/// Errors from the parts of the app that use `anyhow` (calendar files, settings, ledger files):
/// bad input, unless an [`AppError`] is inside.
impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        match e.downcast::<AppError>() {
            Ok(a) => a,
            Err(e) => match e.downcast::<StoreError>() {
                Ok(s) => AppError::from(s),
                Err(e) => AppError::invalid(format!("{e:#}")),
            },
        }
    }
}

/// Result alias of the use cases.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Returns early with an error of the given kind: `fail!(invalid, "…{x}…")`.
#[macro_export]
macro_rules! fail {
    ($kind:ident, $($fmt:tt)*) => {
        return Err($crate::error::AppError::$kind(format!($($fmt)*)))
    };
}
