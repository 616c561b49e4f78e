//! Files written for the user that hold the office's records (whole-database exports, backups,
//! ledger exports): never onto the live database, never over an existing file unless asked
//! (`--force`), never left half-written, and readable only by their owner on Unix.
//!
//! An [`OutputFile`] is written under a temporary name in the destination's directory (so that
//! the final rename stays on one file system), synced, and only then given its name: linked
//! without replacing anything, or renamed over the old file when overwriting was asked for.
//! Dropped before [`OutputFile::finish`] (an error, a panic, Ctrl-C unwinding), it removes the
//! temporary file.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::errors::describe_io;
use crate::{Result, StoreError};

/// How to create an [`OutputFile`].
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// Replace an existing file (`--force`).
    pub overwrite: bool,
    /// Files that are never written over, even with `overwrite` (the live database and its
    /// companions: [`crate::Store::files`]).
    pub protect: Vec<PathBuf>,
}

/// A file being written; see the module documentation.
#[derive(Debug)]
pub struct OutputFile {
    dest: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
    overwrite: bool,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl OutputFile {
    /// Checks the destination and creates the temporary file (mode 0600 on Unix).
    pub fn create(dest: &Path, opts: &OutputOptions) -> Result<OutputFile> {
        let tmp = OutputFile::prepare(dest, opts)?;
        let file = create_private(&tmp).map_err(|e| io_error(dest, &e))?;
        Ok(OutputFile { dest: dest.to_path_buf(), tmp, out: Some(BufWriter::with_capacity(1 << 16, file)), overwrite: opts.overwrite })
    }

    /// Checks the destination and returns a temporary path beside it, created empty with mode
    /// 0600, for a writer that must open the file itself (SQLite's `VACUUM INTO`). Give it its
    /// name with [`place`]; remove it on failure.
    pub fn prepare(dest: &Path, opts: &OutputOptions) -> Result<PathBuf> {
        check_destination(dest, opts)?;
        let dir = parent_dir(dest);
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let tmp = dir.join(format!(".{name}.{}-{n}.partial", std::process::id()));
            if !tmp.exists() {
                return Ok(tmp);
            }
        }
        Err(StoreError::Conflict(format!("无法在 {} 中创建临时文件", dir.display())))
    }

    /// Where the file goes.
    pub fn path(&self) -> &Path {
        &self.dest
    }

    /// Flushes, syncs and gives the file its name.
    pub fn finish(mut self) -> Result<()> {
        let Some(out) = self.out.take() else {
            return Err(StoreError::Conflict(format!("{} 已写完", self.dest.display())));
        };
        let file = out.into_inner().map_err(|e| io_error(&self.dest, e.error()))?;
        file.sync_all().map_err(|e| io_error(&self.dest, &e))?;
        drop(file);
        place(&self.tmp, &self.dest, self.overwrite)
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.out {
            Some(o) => o.write(buf),
            None => Err(io::Error::other("finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Some(o) => o.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Gives a finished temporary file (synced by whoever wrote it) its name: without replacing
/// anything unless `overwrite`, then syncs the directory. The temporary file is gone afterwards,
/// whatever happened.
pub fn place(tmp: &Path, dest: &Path, overwrite: bool) -> Result<()> {
    let placed = if overwrite {
        fs::rename(tmp, dest)
    } else {
        // A hard link fails if the name is taken meanwhile (no check-then-rename race).
        match fs::hard_link(tmp, dest) {
            Ok(()) => fs::remove_file(tmp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            // File systems without hard links.
            Err(_) if dest.exists() => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
            Err(_) => fs::rename(tmp, dest),
        }
    };
    if let Err(e) = placed {
        let _ = fs::remove_file(tmp);
        return Err(if e.kind() == io::ErrorKind::AlreadyExists {
            exists(dest)
        } else {
            io_error(dest, &e)
        });
    }
    sync_dir(dest);
    Ok(())
}

/// Syncs the directory of `path`, so that a rename in it survives a crash (best effort: not
/// every platform can open a directory).
pub(crate) fn sync_dir(path: &Path) {
    if let Ok(d) = File::open(parent_dir(path)) {
        let _ = d.sync_all();
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn exists(dest: &Path) -> StoreError {
    StoreError::Conflict(format!("文件 {} 已存在：不会覆盖（确需覆盖请加 --force）", dest.display()))
}

fn io_error(dest: &Path, e: &io::Error) -> StoreError {
    StoreError::Conflict(format!("无法写入 {}：{}", dest.display(), describe_io(e)))
}

fn check_destination(dest: &Path, opts: &OutputOptions) -> Result<()> {
    if dest.as_os_str().is_empty() || dest.file_name().is_none() {
        return Err(StoreError::Conflict(format!("“{}”不是文件名", dest.display())));
    }
    let dir = parent_dir(dest);
    if !dir.is_dir() {
        return Err(StoreError::Conflict(format!("目录 {} 不存在", dir.display())));
    }
    if opts.protect.iter().any(|p| same_file(dest, p)) {
        return Err(StoreError::Conflict(format!(
            "{} 是正在使用的数据库（或其日志、锚点文件）：不能写到它上面",
            dest.display()
        )));
    }
    match fs::symlink_metadata(dest) {
        Ok(m) if m.is_dir() => Err(StoreError::Conflict(format!("{} 是一个目录，不是文件", dest.display()))),
        Ok(_) if !opts.overwrite => Err(exists(dest)),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(dest, &e)),
    }
}

/// Whether two paths name the same file: the same place once links and `..` are resolved, or
/// (both existing) the same file on disk.
fn same_file(a: &Path, b: &Path) -> bool {
    if let (Some(x), Some(y)) = (resolved(a), resolved(b))
        && x == y
    {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    false
}

/// The canonical path of a file that may not exist yet (its directory must).
fn resolved(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = fs::canonicalize(p) {
        return Some(c);
    }
    Some(fs::canonicalize(parent_dir(p)).ok()?.join(p.file_name()?))
}

/// Creates a new file readable and writable by its owner only.
fn create_private(path: &Path) -> io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        o.mode(0o600);
    }
    o.open(path)
}

/// Creates `path` empty with mode 0600 (for [`OutputFile::prepare`]'s callers).
pub fn create_private_empty(path: &Path) -> Result<()> {
    create_private(path).map(drop).map_err(|e| io_error(path, &e))
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn a_file_is_written_whole_or_not_at_all_and_never_over_another_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.jsonl");
        let mut f = OutputFile::create(&dest, &OutputOptions::default()).unwrap();
        f.write_all(b"half").unwrap();
        assert!(!dest.exists());
        drop(f);
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "the temporary file is gone");

        let mut f = OutputFile::create(&dest, &OutputOptions::default()).unwrap();
        f.write_all(b"one").unwrap();
        f.finish().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(fs::metadata(&dest).unwrap().permissions().mode() & 0o777, 0o600);
        }

        let err = OutputFile::create(&dest, &OutputOptions::default()).unwrap_err();
        assert!(err.to_string().contains("已存在") && err.to_string().contains("--force"), "{err}");
        let mut f = OutputFile::create(&dest, &OutputOptions { overwrite: true, ..Default::default() }).unwrap();
        f.write_all(b"two").unwrap();
        f.finish().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_live_database_is_never_a_destination_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gongkai.db");
        fs::write(&db, b"live").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        let opts = OutputOptions { overwrite: true, protect: vec![db.clone(), dir.path().join("gongkai.db-wal")] };
        for dest in [db.clone(), dir.path().join("sub/../gongkai.db"), dir.path().join("gongkai.db-wal")] {
            let err = OutputFile::create(&dest, &opts).unwrap_err();
            assert!(err.to_string().contains("正在使用的数据库"), "{dest:?}: {err}");
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link.db");
            std::os::unix::fs::symlink(&db, &link).unwrap();
            assert!(OutputFile::create(&link, &opts).is_err());
            let hard = dir.path().join("hard.db");
            fs::hard_link(&db, &hard).unwrap();
            assert!(OutputFile::create(&hard, &opts).is_err());
        }
        assert_eq!(fs::read(&db).unwrap(), b"live");
    }
}
