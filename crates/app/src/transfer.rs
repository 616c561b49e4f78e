//! The whole database: export, import into a new database, backup, migration, and the audit log
//! (verification and reading). Whole-database operations need an administrator of every agency
//! (or the operator); audit reads are limited to the agencies where the principal may read it.

use std::io::{BufRead, Write};
use std::path::Path;

use gongkai_store::{AuditEntry, AuditVerification, Storage, TransferSummary};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::office::Office;
use crate::records::Records;

/// `gongkai export`.
pub async fn export(rec: &Records, out: &mut (dyn Write + Send)) -> Result<TransferSummary> {
    rec.require_whole_database("整库导出").await?;
    Ok(rec.store().export_jsonl(out).await?)
}

/// `gongkai import` into a database just created (empty): no principal exists there yet, so
/// whoever may create the database may fill it. The audit chain is verified before anything is
/// reported done.
pub async fn import(office: &Office, input: &mut (dyn BufRead + Send)) -> Result<(TransferSummary, AuditVerification)> {
    let summary = office.store.import_jsonl(input).await?;
    let v = office.store.audit_verify().await?;
    Ok((summary, v))
}

/// `gongkai backup`.
pub async fn backup(rec: &Records, to: &Path) -> Result<()> {
    rec.require_whole_database("备份数据库").await?;
    Ok(rec.store().backup(to).await?)
}

/// `gongkai migrate` (the operator or an administrator of every agency).
pub async fn migrate(rec: &Records) -> Result<Vec<String>> {
    rec.require_whole_database("迁移数据库").await?;
    rec.writable()?;
    rec.store().migrate().await?;
    Ok(rec.office().migration_names())
}

/// `gongkai audit verify`: the whole chain (an administrator of every agency, or the operator).
pub async fn verify(rec: &Records) -> Result<AuditVerification> {
    rec.require_whole_database("校验审计日志").await?;
    Ok(rec.store().audit_verify().await?)
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
