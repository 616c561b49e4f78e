//! The external programs of the OCR stage, found at run time like `pdftotext` (never a build
//! dependency): tesseract (Debian `tesseract-ocr` + `tesseract-ocr-chi-sim`) reads words with
//! their boxes (`tsv` output); poppler's `pdftoppm` renders the pages of a scanned PDF (and a JPEG
//! wrapped in a PDF) to grey PGM. Each runs with a timeout and an output cap.

use std::ffi::OsString;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use super::image::{Gray, decode_pnm};
use crate::read::pdf::{WaitError, read_capped, wait_with_timeout};

/// How long tesseract may take on one page.
pub const TIMEOUT: Duration = Duration::from_secs(180);

/// The language tesseract reads: Simplified Chinese (its model reads the digits too).
const LANG: &str = "chi_sim";

/// What to say when tesseract cannot be used.
pub const MISSING: &str = "未找到文字识别（OCR）工具 tesseract，图片中的表格未识别：请安装 tesseract-ocr 和 tesseract-ocr-chi-sim（Debian/Ubuntu：apt-get install tesseract-ocr tesseract-ocr-chi-sim）";

/// What to say when tesseract lacks the Chinese model.
pub const NO_CHINESE: &str = "文字识别工具 tesseract 缺少简体中文语言包，图片中的表格未识别：请安装 tesseract-ocr-chi-sim";

fn program() -> OsString {
    std::env::var_os("GONGKAI_TESSERACT").unwrap_or_else(|| "tesseract".into())
}

fn pdftoppm() -> OsString {
    std::env::var_os("GONGKAI_PDFTOPPM").unwrap_or_else(|| "pdftoppm".into())
}

/// What to say when OCR is switched off.
pub const OFF: &str = "文字识别（OCR）已关闭（GONGKAI_OCR=off），图片中的表格未识别";

/// Whether tesseract with its Simplified Chinese model can be run here; the error is the
/// message to show. Asked once per process. `GONGKAI_OCR=off` switches OCR off (a server that
/// should not spend a minute of CPU on an uploaded image, a benchmark).
pub fn available() -> Result<(), &'static str> {
    static ANSWER: OnceLock<Result<(), &'static str>> = OnceLock::new();
    *ANSWER.get_or_init(|| if std::env::var("GONGKAI_OCR").is_ok_and(|v| v == "off") { Err(OFF) } else { probe() })
}

fn probe() -> Result<(), &'static str> {
    match run(program(), &["--list-langs"], None, Duration::from_secs(20), 1 << 20) {
        Ok(out) => {
            let langs = String::from_utf8_lossy(&out);
            if langs.lines().any(|l| l.trim() == LANG) { Ok(()) } else { Err(NO_CHINESE) }
        }
        Err(_) => Err(MISSING),
    }
}

/// One word tesseract read, with its box in the image's pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// tesseract's block, paragraph and line numbers: words of one text line share them.
    pub line: (u32, u32, u32),
    /// Left.
    pub x: usize,
    /// Top.
    pub y: usize,
    /// Width.
    pub w: usize,
    /// Height.
    pub h: usize,
    /// Confidence, 0–100.
    pub conf: f32,
    /// The text.
    pub text: String,
}

impl Word {
    /// The centre of the box.
    pub fn centre(&self) -> (usize, usize) {
        (self.x + self.w / 2, self.y + self.h / 2)
    }
}

/// The words of an image (any format tesseract reads: PGM, PNG, JPEG …), read as one block of
/// text (`--psm 6`), the mode that keeps a table row's words on one line.
pub fn words(image: &[u8]) -> Result<Vec<Word>, String> {
    let out = run(program(), &["stdin", "stdout", "-l", LANG, "--psm", "6", "tsv"], Some(image), TIMEOUT, 64 << 20)?;
    Ok(parse_tsv(&String::from_utf8_lossy(&out)))
}

/// Parse tesseract's TSV: `level page block par line word left top width height conf text`.
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut words = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let text = f[11].trim();
        if text.is_empty() {
            continue;
        }
        let n = |i: usize| f[i].parse::<usize>().unwrap_or(0);
        let id = |i: usize| f[i].parse::<u32>().unwrap_or(0);
        words.push(Word {
            line: (id(2), id(3), id(4)),
            x: n(6),
            y: n(7),
            w: n(8),
            h: n(9),
            conf: f[10].parse().unwrap_or(0.0),
            text: text.to_owned(),
        });
    }
    words
}

/// The pages of a PDF as grey images at `dpi`, at most `max_pages`; page by page, so that a
/// long scan does not hold every page in memory at once (the callback gets each page).
pub fn pdf_pages(pdf: &[u8], dpi: u32, max_pages: u32, mut each: impl FnMut(u32, Gray) -> Result<(), String>) -> Result<u32, String> {
    let dpi = dpi.to_string();
    let mut page = 1;
    while page <= max_pages {
        let p = page.to_string();
        let out = match run(pdftoppm(), &["-r", &dpi, "-gray", "-f", &p, "-l", &p, "-"], Some(pdf), TIMEOUT, 256 << 20) {
            Ok(out) => out,
            // past the last page pdftoppm exits with an error and prints nothing
            Err(_) if page > 1 => break,
            Err(e) => return Err(e),
        };
        if out.is_empty() {
            break;
        }
        each(page, decode_pnm(&out)?)?;
        page += 1;
    }
    Ok(page - 1)
}

/// Run a program with arguments, optionally feeding `input` on standard input; its standard
/// output, or the reason it failed (in Chinese).
fn run(program: OsString, args: &[&str], input: Option<&[u8]>, timeout: Duration, cap: u64) -> Result<Vec<u8>, String> {
    let shown = program.to_string_lossy().into_owned();
    let mut cmd = Command::new(&program);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() });
    // one thread per tesseract: `report check` already runs one file per core
    cmd.env("OMP_THREAD_LIMIT", "1");
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(format!("未找到程序 {shown}")),
        Err(e) => return Err(format!("无法运行 {shown}：{e}")),
    };
    let (status, out, err) = thread::scope(|s| {
        if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
            s.spawn(move || {
                let _ = stdin.write_all(bytes);
            });
        }
        let out = child.stdout.take().map(|o| s.spawn(move || read_capped(o, cap)));
        let err = child.stderr.take().map(|e| s.spawn(move || read_capped(e, 64 * 1024)));
        let status = wait_with_timeout(&mut child, timeout);
        let out = out.and_then(|h| h.join().ok()).unwrap_or_default();
        let err = err.and_then(|h| h.join().ok()).unwrap_or_default();
        (status, out, err)
    });
    let status = match status {
        Ok(s) => s,
        Err(WaitError::Timeout) => return Err(format!("{shown} 在 {} 秒内未能完成", timeout.as_secs())),
        Err(WaitError::Io(e)) => return Err(format!("等待 {shown} 时出错：{e}")),
    };
    if out.1 {
        return Err(format!("{shown} 的输出过大"));
    }
    if !status.success() {
        let stderr = String::from_utf8_lossy(&err.0);
        let detail = stderr.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("");
        return Err(format!("{shown} 运行失败：{detail}"));
    }
    Ok(out.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_keep_their_boxes_and_lines() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   4\t1\t1\t1\t1\t0\t10\t20\t300\t30\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t20\t100\t30\t91.5\t规章\n\
                   5\t1\t1\t1\t1\t2\t200\t21\t15\t28\t88\t0\n";
        let w = parse_tsv(tsv);
        assert_eq!(w.len(), 2);
        assert_eq!((w[1].x, w[1].text.as_str(), w[1].line), (200, "0", (1, 1, 1)));
        assert_eq!(w[0].centre(), (60, 35));
    }

    #[test]
    fn a_missing_program_is_named() {
        let e = run("gongkai-no-such-tesseract".into(), &[], None, TIMEOUT, 1024).unwrap_err();
        assert!(e.contains("gongkai-no-such-tesseract"), "{e}");
    }
}
