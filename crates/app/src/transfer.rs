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
    export_to_tracked(rec, to, force, &|_| {}).await
}

/// [`export_to`], telling `written` how many bytes are written so far (a progress display).
pub async fn export_to_tracked(
    rec: &Records,
    to: &Path,
    force: bool,
    written: &(dyn Fn(u64) + Sync),
) -> Result<TransferSummary> {
    rec.require_whole_database("整库导出").await?;
    let opts = OutputOptions { overwrite: force, protect: rec.store().files() };
    let mut out = OutputFile::create(to, &opts)?;
    let mut counted = Counted { inner: &mut out, count: 0, written };
    let summary =
        rec.store().export_jsonl(&mut counted).await.map_err(|e| AppError::from(e).context(format!("导出到 {}", to.display())))?;
    out.finish()?;
    Ok(summary)
}

/// A writer that reports how much went through it.
struct Counted<'a, W> {
    inner: W,
    count: u64,
    written: &'a (dyn Fn(u64) + Sync),
}

impl<W: Write> Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        (self.written)(self.count);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Whether an output file may be read by others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    /// Personal data (a ledger, a letter): readable by its owner only (0600).
    Personal,
    /// A document meant to be published (an annual report, a comparison): 0644.
    Public,
}

/// Writes `bytes` to a file for the user as an [`OutputFile`]: the file appears whole or not at
/// all, never over an existing file unless `force`, never over the live database of `office`
/// whatever `force` says; 0600 unless [`Privacy::Public`].
pub fn write_file(office: Option<&Office>, to: &Path, bytes: &[u8], force: bool, privacy: Privacy) -> Result<()> {
    let opts = OutputOptions { overwrite: force, protect: office.map(|o| o.files()).unwrap_or_default() };
    let mut out = OutputFile::create(to, &opts)?;
    let failed = |e: &std::io::Error| {
        AppError::new(crate::error::ErrorKind::Invalid, format!("无法写入 {}：{}", to.display(), crate::describe_io(e)))
    };
    out.write_all(bytes).map_err(|e| failed(&e))?;
    out.finish()?;
    #[cfg(unix)]
    if privacy == Privacy::Public {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o644)).map_err(|e| failed(&e))?;
    }
    Ok(())
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
