//! The whole database: export, import into a new database, backup, migration, and the audit log
//! (verification, anchoring and reading). Whole-database operations need an administrator of
//! every agency (or the operator); audit reads are limited to the agencies where the principal
//! may read it.
//!
//! Files written here hold personal data: they are [`OutputFile`]s (mode 0600, a temporary name
//! renamed when complete, never over the live database, never over a file unless `force`).

use std::io::{BufRead, Write};
use std::path::Path;

use gongkai_store::file::{OutputFile, OutputOptions};
use gongkai_store::{AuditEntry, AuditVerification, Storage, TransferSummary};
pub use gongkai_store::audit::Receipt;
pub use gongkai_store::{AnchorReset, AuditCheck};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::office::Office;
use crate::records::Records;

/// `gongkai export` to a stream (standard output).
pub async fn export(rec: &Records, out: &mut (dyn Write + Send)) -> Result<TransferSummary> {
    rec.require_whole_database("整库导出").await?;
    Ok(rec.store().export_jsonl(out).await?)
}

/// `gongkai export -o FILE`: the file appears whole once the export is complete, or not at all.
pub async fn export_to(rec: &Records, to: &Path, force: bool) -> Result<TransferSummary> {
    rec.require_whole_database("整库导出").await?;
    let opts = OutputOptions { overwrite: force, protect: rec.store().files() };
    let mut out = OutputFile::create(to, &opts)?;
    let summary = rec.store().export_jsonl(&mut out).await.map_err(|e| AppError::from(e).context(format!("导出到 {}", to.display())))?;
    out.finish()?;
    Ok(summary)
}

/// `gongkai import` into a database just created (empty): no principal exists there yet, so
/// whoever may create the database may fill it. Nothing is committed unless every row is valid,
/// the file is complete, the audit chain verifies and every record matches its audit trail.
pub async fn import(office: &Office, input: &mut (dyn BufRead + Send)) -> Result<TransferSummary> {
    Ok(office.store.import_jsonl(input).await?)
}

/// `gongkai backup`: the receipt of the copy's last audit entry.
pub async fn backup(rec: &Records, to: &Path, force: bool) -> Result<Receipt> {
    rec.require_whole_database("备份数据库").await?;
    Ok(rec.store().backup(to, force).await?)
}

/// `gongkai migrate` (the operator or an administrator of every agency).
pub async fn migrate(rec: &Records) -> Result<Vec<String>> {
    rec.require_whole_database("迁移数据库").await?;
    rec.writable()?;
    rec.store().migrate().await?;
    Ok(rec.office().migration_names())
}

/// `gongkai audit verify`: the whole chain, the anchor, the receipts given and (when asked) every
/// record against the log (an administrator of every agency, or the operator).
pub async fn verify(rec: &Records, check: &AuditCheck) -> Result<AuditVerification> {
    rec.require_whole_database("校验审计日志").await?;
    Ok(rec.store().audit_check(check).await?)
}

/// `gongkai audit anchor`: anchors a chain that verifies where it stands (a database copied or
/// restored, PostgreSQL used from a new machine), with an audit entry saying so.
pub async fn anchor(rec: &Records) -> Result<AnchorReset> {
    rec.require_whole_database("重建审计日志的锚点").await?;
    rec.writable()?;
    Ok(rec.store().audit_anchor(&rec.ctx()).await?)
}

/// `gongkai audit grants`: the PostgreSQL grants of the application's role (see
/// `gongkai_store::postgres_app_role_sql`).
pub fn grants_sql(role: &str, schema: &str) -> Result<String> {
    Ok(gongkai_store::postgres_app_role_sql(role, schema)?)
}

/// Audit entries after `after_seq` (at most `limit`) of the agencies where the principal may read
/// the audit log; entries of no agency (users, installation-wide changes) only for those who may
/// read every agency's log.
pub async fn audit_entries(rec: &Records, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
    let all = rec.all_agencies().await?;
    let readable: Vec<_> = all.iter().filter(|a| rec.principal().can(Right::ReadAudit, a, &all)).map(|a| a.id).collect();
    if readable.is_empty() {
        return Err(AppError::forbidden(format!("{}无权查看审计日志", rec.principal().name())));
    }
    let everything = readable.len() == all.len();
    let mut out = Vec::new();
    let mut after = after_seq;
    let limit = limit.clamp(1, 10_000);
    loop {
        let page = rec.store().audit_entries(after, 2_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in page {
            let visible = match e.agency {
                Some(a) => readable.contains(&a),
                None => everything,
            };
            if visible {
                out.push(e);
                if out.len() as i64 >= limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}
