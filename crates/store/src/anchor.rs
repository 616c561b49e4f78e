//! The audit anchor: a small file outside the database holding the receipt (`SEQ:HASH`) of the
//! newest audit entry the store has committed. `audit verify` checks that the chain still holds
//! that entry, which catches what the tables cannot show by themselves: the newest entries
//! removed with `audit_head` moved back, the log truncated, or the chain rewritten with fresh
//! hashes from some entry on.
//!
//! Where it lives: beside a SQLite file (`gongkai.db` → `gongkai.db.audit-anchor`); for
//! PostgreSQL in the anchor directory the app layer gives (its data directory), one file per
//! server, database and schema — so on a machine other than the database server, out of reach
//! of whoever administers the database.
//!
//! When it is written:
//! - created at the head when a database is created (`init`, `import`), when migration 0005 is
//!   applied to an existing database, and by `gongkai audit anchor`;
//! - advanced after every commit, never backwards (several processes may write one database;
//!   an exclusive file lock orders their updates);
//! - never created by an ordinary write: a missing anchor stays missing, and `verify` reports it.
//!
//! The anchor may lag the chain (a process killed between its commit and the update; another
//! host writing a PostgreSQL database): `verify` only asks that the chain hold the anchored
//! entry. Updates rewrite one fixed-length record in place without `fsync`: after a crash the
//! file holds the old record or the new one, and either is a true statement about the chain.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::audit::Receipt;

const MAGIC: &str = "gongkai audit anchor 1";

/// An anchor file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnchorFile {
    path: PathBuf,
}

impl AnchorFile {
    pub fn new(path: PathBuf) -> AnchorFile {
        AnchorFile { path }
    }

    /// The anchor beside a SQLite file.
    pub fn beside(db: &Path) -> AnchorFile {
        let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".audit-anchor");
        AnchorFile::new(db.with_file_name(name))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The anchored receipt; `None` when there is no anchor file. A file that is not an anchor
    /// is an `InvalidData` error.
    pub fn read(&self) -> io::Result<Option<Receipt>> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        file.lock_shared()?;
        let r = read_record(&mut file);
        let _ = file.unlock();
        r.map(Some)
    }

    /// Moves the anchor forward to `r` (never back). Nothing happens when there is no anchor
    /// file: only [`AnchorFile::reset`] creates one.
    pub fn advance(&self, r: &Receipt) -> io::Result<()> {
        let mut file = match OpenOptions::new().read(true).write(true).open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        file.lock()?;
        let result = (|| {
            // A record that cannot be read is left as it is, for `verify` to report.
            let current = read_record(&mut file)?;
            if r.seq > current.seq {
                file.seek(SeekFrom::Start(0))?;
                file.write_all(record(r).as_bytes())?;
            }
            Ok(())
        })();
        let _ = file.unlock();
        result
    }

    /// Writes the anchor at `r` whatever it held (a new database, an upgrade, `audit anchor`):
    /// a temporary file in the same directory, synced, then renamed over the old one.
    pub fn reset(&self, r: &Receipt) -> io::Result<()> {
        if let Some(dir) = self.path.parent()
            && !dir.as_os_str().is_empty()
        {
            fs::create_dir_all(dir)?;
        }
        let mut tmp_name = self.path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = self.path.with_file_name(tmp_name);
        let written = (|| {
            let mut f = File::create(&tmp)?;
            f.write_all(record(r).as_bytes())?;
            f.sync_all()?;
            fs::rename(&tmp, &self.path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written?;
        crate::file::sync_dir(&self.path);
        Ok(())
    }

    /// Creates the anchor at `r` unless there is one already.
    pub fn ensure(&self, r: &Receipt) -> io::Result<()> {
        if self.path.exists() { Ok(()) } else { self.reset(r) }
    }
}

/// The file's content: always the same length, so that an update rewrites it in place.
fn record(r: &Receipt) -> String {
    format!("{MAGIC}\n{:>20}:{}\n", r.seq, r.hash)
}

fn read_record(file: &mut File) -> io::Result<Receipt> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))?;
    file.take(4096).read_to_string(&mut text)?;
    let mut lines = text.lines();
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not an audit anchor");
    if lines.next() != Some(MAGIC) {
        return Err(bad());
    }
    lines.next().and_then(|l| l.trim().parse::<Receipt>().ok()).ok_or_else(bad)
}

#[cfg(test)]
mod tests {

    use super::*;

    fn receipt(seq: i64) -> Receipt {
        Receipt { seq, hash: format!("{seq:064x}") }
    }

    #[test]
    fn the_anchor_moves_forward_only_and_is_never_created_by_an_advance() {
        let dir = tempfile::tempdir().unwrap();
        let a = AnchorFile::beside(&dir.path().join("gongkai.db"));
        assert_eq!(a.path(), dir.path().join("gongkai.db.audit-anchor"));
        a.advance(&receipt(3)).unwrap();
        assert_eq!(a.read().unwrap(), None);
        a.reset(&receipt(5)).unwrap();
        a.advance(&receipt(4)).unwrap();
        assert_eq!(a.read().unwrap(), Some(receipt(5)));
        a.advance(&receipt(123_456)).unwrap();
        assert_eq!(a.read().unwrap(), Some(receipt(123_456)));
        a.reset(&Receipt::genesis()).unwrap();
        assert_eq!(a.read().unwrap(), Some(Receipt::genesis()));
        a.ensure(&receipt(9)).unwrap();
        assert_eq!(a.read().unwrap(), Some(Receipt::genesis()));
    }

    #[test]
    fn a_file_that_is_not_an_anchor_is_an_error_not_an_empty_chain() {
        let dir = tempfile::tempdir().unwrap();
        let a = AnchorFile::new(dir.path().join("x.audit-anchor"));
        fs::write(a.path(), "0:0000").unwrap();
        assert_eq!(a.read().unwrap_err().kind(), io::ErrorKind::InvalidData);
        // and an advance leaves it for verify to report
        a.advance(&receipt(7)).unwrap_err();
        assert_eq!(fs::read_to_string(a.path()).unwrap(), "0:0000");
    }
}
