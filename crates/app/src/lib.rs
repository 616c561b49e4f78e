//! gongkai-app: the use cases shared by the CLI and the web layer, and the only place that reads
//! the wall clock.
//!
//! Open a database with [`office::Office::open`]; act on it through [`records::Records`], which
//! only an authenticated principal gets ([`office::Office::login`], a web session, or the local
//! operator asked for by name). Every use case checks the principal's rights at the agency
//! concerned ([`auth::RIGHTS`]) and returns an [`error::AppError`] whose kind a front end maps to
//! its answer.

pub mod annual;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod clock;
pub mod dashboard;
pub mod demo;
pub mod engine;
pub mod error;
pub mod handling;
pub mod intake;
pub mod ledger;
pub mod letters;
pub mod office;
pub mod people;
pub mod records;
pub mod registers;
pub mod reports;
pub mod session;
pub mod token;
pub mod transfer;

/// The record types the use cases speak (the front ends never reach the store itself).
pub mod model {
    pub use gongkai_store::{
        Agency, AgencyId, AgencyLevel, AgencySettings, AgencyUpdate, Appeal, AppealGround, AppealId, AppealKind, AppealResult,
        Applicant, ApplicantKind, Application, ApplicationId, AuditCheck, AuditEntry, AuditVerification, Backend, CaseFields,
        CaseState, CaseSummary, Channel, Closing, DeliveryMode, Document, DocumentId, DocumentKind, Event, EventDetail,
        EventKind, ExtensionRequest, ExtensionStatus, Letter, MAX_FEE_YUAN, NewAppeal, Outcome, Party, ReportStatus, Role,
        RoleGrant, StoredReport, TransferSummary, User, UserId, Validity, Voided, YearlyCounts,
    };
}

pub use gongkai_store::describe_io;

/// A single-threaded tokio runtime for the synchronous CLI.
pub fn runtime() -> error::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|_| error::AppError::new(error::ErrorKind::Internal, "无法启动异步运行时"))
}
