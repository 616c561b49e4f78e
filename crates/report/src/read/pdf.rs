//! PDF → text with poppler's `pdftotext -layout`, which keeps the table layout the layout reader
//! (`read::layout`) needs; the text then goes through that reader.
//!
//! `pdftotext` runs as a child process with a timeout (a hostile or broken PDF must not hang a
//! folder check) and an output cap. Failures become clear errors: the tool missing (with how to
//! install it), an encrypted PDF, a damaged PDF, and a PDF without a text layer (a scan), which
//! pdftotext turns into nothing but form feeds.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use gongkai_domain::report::Report;

use super::ReadError;
use super::layout::read_layout;

/// How long `pdftotext` may run on one file.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The most text accepted from one PDF (the readers' input limit).
const MAX_OUTPUT: u64 = super::decode::MAX_INPUT as u64;

/// The program run; the environment variable `GONGKAI_PDFTOTEXT` may name another binary.
fn program() -> std::ffi::OsString {
    std::env::var_os("GONGKAI_PDFTOTEXT").unwrap_or_else(|| "pdftotext".into())
}

/// Read a PDF held in memory into a report: its `pdftotext -layout` text through the layout
/// reader (always that one: pdftotext's output is layout text whatever its shape suggests).
pub fn read(bytes: &[u8], source: Option<&str>) -> Result<Report, ReadError> {
    Ok(read_layout(&read_pdf_bytes(bytes)?, source))
}

/// Read a PDF file into a report.
pub fn read_file(path: &Path, source: Option<&str>) -> Result<Report, ReadError> {
    Ok(read_layout(&read_pdf(path)?, source))
}

/// The `pdftotext -layout` text of a PDF file.
pub fn read_pdf(path: &Path) -> Result<String, ReadError> {
    run(&program(), Input::Path(path), TIMEOUT)
}

/// The `pdftotext -layout` text of a PDF held in memory (fed through standard input).
pub fn read_pdf_bytes(bytes: &[u8]) -> Result<String, ReadError> {
    run(&program(), Input::Bytes(bytes), TIMEOUT)
}

/// Whether poppler's `pdftotext` can be run here.
pub fn pdftotext_available() -> bool {
    Command::new(program()).arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// What to give pdftotext.
#[derive(Debug, Clone, Copy)]
enum Input<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

fn run(program: &OsStr, input: Input<'_>, timeout: Duration) -> Result<String, ReadError> {
    let mut cmd = Command::new(program);
    cmd.args(["-layout", "-enc", "UTF-8", "-eol", "unix"]);
    match input {
        Input::Path(p) => {
            // a path starting with '-' would be read as an option
            if p.as_os_str().to_string_lossy().starts_with('-') {
                cmd.arg(Path::new(".").join(p));
            } else {
                cmd.arg(p);
            }
            cmd.stdin(Stdio::null());
        }
        Input::Bytes(_) => {
            cmd.arg("fd://0");
            cmd.stdin(Stdio::piped());
        }
    }
    cmd.arg("-").stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::PdftotextMissing),
        Err(e) => {
            return Err(ReadError::PdfCorrupt { detail: format!("无法运行 pdftotext：{e}") });
        }
    };
    let (stdout, stderr) = thread::scope(|s| {
        if let (Input::Bytes(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
            // a broken pipe only means pdftotext stopped reading: its exit status tells why
            s.spawn(move || {
                let _ = stdin.write_all(bytes);
            });
        }
        let out = child.stdout.take().map(|o| s.spawn(move || read_capped(o, MAX_OUTPUT)));
        let err = child.stderr.take().map(|e| s.spawn(move || read_capped(e, 64 * 1024)));
        let status = wait_with_timeout(&mut child, timeout);
        let out = out.and_then(|h| h.join().ok()).unwrap_or_default();
        let err = err.and_then(|h| h.join().ok()).unwrap_or_default();
        (status.map(|st| (st, out)), err)
    });
    let stderr = String::from_utf8_lossy(&stderr.0).into_owned();
    let (status, (out, truncated)) = match stdout {
        Ok(v) => v,
        Err(WaitError::Timeout) => {
            return Err(ReadError::PdfCorrupt {
                detail: format!("pdftotext 在 {} 秒内未能完成，文件可能已损坏或结构异常", timeout.as_secs()),
            });
        }
        Err(WaitError::Io(e)) => return Err(ReadError::PdfCorrupt { detail: format!("等待 pdftotext 时出错：{e}") }),
    };
    if truncated {
        return Err(ReadError::TooLarge { size: MAX_OUTPUT + 1, limit: MAX_OUTPUT });
    }
    if !status.success() {
        if stderr.contains("Incorrect password") || stderr.contains("encrypted") {
            return Err(ReadError::PdfEncrypted);
        }
        let detail = stderr.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("pdftotext 无法解析该文件");
        return Err(ReadError::PdfCorrupt { detail: format!("pdftotext 报告：{detail}") });
    }
    let text = match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if text.chars().all(|c| c.is_whitespace() || c == '\u{c}' || c == '\u{feff}') {
        return Err(ReadError::PdfNoTextLayer);
    }
    Ok(text)
}

/// Read at most `cap` bytes; the flag says whether there was more (the rest is drained so the
/// child is not blocked on a full pipe).
pub(crate) fn read_capped(mut r: impl Read, cap: u64) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let _ = (&mut r).take(cap).read_to_end(&mut out);
    let more = std::io::copy(&mut r, &mut std::io::sink()).unwrap_or(0) > 0;
    (out, more)
}

#[derive(Debug)]
pub(crate) enum WaitError {
    Timeout,
    Io(std::io::Error),
}

pub(crate) fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Result<std::process::ExitStatus, WaitError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {}
            Err(e) => return Err(WaitError::Io(e)),
        }
        if start.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(WaitError::Timeout);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_pdftotext_says_how_to_install_it() {
        let err = run(OsStr::new("gongkai-no-such-pdftotext"), Input::Bytes(b"%PDF-1.4"), TIMEOUT).unwrap_err();
        assert!(matches!(err, ReadError::PdftotextMissing));
        assert!(err.to_string().contains("apt-get install poppler-utils"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_converter_is_killed_at_the_timeout() {
        // `sleep` ignores pdftotext's arguments' meaning but takes long enough: use a shell
        // script that sleeps regardless of its arguments.
        let dir = std::env::temp_dir().join(format!("gongkai-pdf-timeout-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("slow-pdftotext");
        std::fs::write(&script, "#!/bin/sh\nexec sleep 5\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let started = Instant::now();
        let err = run(script.as_os_str(), Input::Bytes(b"%PDF-1.4"), Duration::from_millis(200)).unwrap_err();
        assert!(matches!(err, ReadError::PdfCorrupt { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(4));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
