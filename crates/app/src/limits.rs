//! Input limits: how much a file or a field may hold, and which characters a text may hold.
//!
//! Every path that takes text into the records (the CLI, a ledger import, the web's forms) goes
//! through these checks in the app, so SQLite and PostgreSQL answer the same: PostgreSQL would
//! refuse a NUL byte with an English error and SQLite would store it; both are refused here first,
//! naming the field (or the ledger's row and column).
//!
//! Files named on a command line are read as what they claim to be: a regular file, not followed
//! through a symbolic link, and bounded in size before anything is read.

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::describe_io;

/// The largest input file read whole (a ledger, a JSON timeline, a calendar file): 256 MiB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// The most rows a ledger may have (its header included).
pub const MAX_ROWS: usize = 1_000_000;
/// The most columns a ledger may use (the ledger's own columns and room for a few unused ones).
pub const MAX_COLUMNS: usize = 64;
/// The most bytes an XLSX archive may unpack to (every entry, as its directory declares).
pub const MAX_UNPACKED_BYTES: u64 = 1024 * 1024 * 1024;
/// The most entries an XLSX archive may hold.
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// The longest 申请内容 / 备注 (characters).
pub const MAX_LONG_TEXT: usize = 20_000;
/// The longest one-line field: a name, an address, a document number (characters).
pub const MAX_SHORT_TEXT: usize = 500;

/// Whether a text field may span lines (申请内容, 备注, notes) or is one line (a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line: no control character at all.
    Line,
    /// Free text: line breaks and tabs allowed, no other control character.
    Multiline,
}

/// Checks one text field: no NUL or other control character (line breaks and tabs allowed in
/// free text), at most `max` characters. The message (Chinese) names the offending character and
/// its position; the caller names the field.
pub fn check_text(value: &str, kind: TextKind, max: usize) -> Result<(), String> {
    for (i, c) in value.chars().enumerate() {
        let allowed = kind == TextKind::Multiline && matches!(c, '\n' | '\r' | '\t');
        if c.is_control() && !allowed {
            return Err(format!(
                "含有不可见的控制字符 U+{:04X}（第 {} 个字符），请删除后重试",
                c as u32,
                i + 1
            ));
        }
    }
    let n = value.chars().count();
    if n > max {
        return Err(format!("过长：{n} 个字符，最多 {max} 个"));
    }
    Ok(())
}

/// Reads a whole file named by the user: refused if it is a symbolic link or not a regular file,
/// or larger than [`MAX_FILE_BYTES`]; I/O errors in Chinese naming the file.
pub fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut file = open_file(path)?;
    if file.metadata().map(|m| m.len()).unwrap_or(0) > MAX_FILE_BYTES {
        bail!("文件 {} 过大（超过 {} MB）", path.display(), MAX_FILE_BYTES / 1024 / 1024);
    }
    let mut bytes = Vec::new();
    file.by_ref()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("无法读取文件 {}：{}", path.display(), describe_io(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        bail!("文件 {} 过大（超过 {} MB）", path.display(), MAX_FILE_BYTES / 1024 / 1024);
    }
    Ok(bytes)
}

/// Reads a whole text file named by the user (UTF-8, with or without a BOM), as [`read_file`].
pub fn read_text_file(path: &Path) -> anyhow::Result<String> {
    let bytes = read_file(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes).to_vec();
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "文件 {} 不是 UTF-8 文本（第 {} 个字节起无法解读；请另存为 UTF-8）",
            path.display(),
            e.utf8_error().valid_up_to() + 1
        )
    })
}

/// Opens a file named by the user for reading: a regular file, not a symbolic link (a link to a
/// system file would otherwise be read and echoed in error messages). Streamed, so not bounded
/// here ([`read_file`] bounds what it reads whole).
pub fn open_file(path: &Path) -> anyhow::Result<std::fs::File> {
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| anyhow::anyhow!("无法读取文件 {}：{}", path.display(), describe_io(&e)))?;
    if meta.file_type().is_symlink() {
        bail!("{} 是符号链接：出于安全不跟随链接读取，请直接给出文件本身的路径", path.display());
    }
    if meta.is_dir() {
        bail!("{} 是一个目录，不是文件", path.display());
    }
    if !meta.is_file() {
        bail!("{} 不是普通文件（设备、管道或套接字不能作为输入）", path.display());
    }
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("无法打开文件 {}：{}", path.display(), describe_io(&e)))?;
    // The path may have been swapped between the two looks: check what was opened.
    let opened = file.metadata().with_context(|| format!("无法读取 {}", path.display()))?;
    if !opened.is_file() {
        bail!("{} 不是普通文件", path.display());
    }
    Ok(file)
}

/// A JSON file's parse error in Chinese, at its place: `第 L 行第 C 列：…` (no English from
/// serde_json), the column counted in characters of `text`, the parsed text.
pub fn json_error_in(text: &str, e: &serde_json::Error) -> String {
    let column = gongkai_calendar::char_column(text, e.line(), e.column());
    let what = json_error(e);
    let what = what.split_once('：').map_or(what.as_str(), |(_, w)| w);
    format!("第 {} 行第 {column} 列：{what}", e.line())
}

/// A JSON file's parse error in Chinese, at its place: `第 L 行第 C 列：…` (no English from
/// serde_json; the column as serde_json counts it, in bytes: see [`json_error_in`]).
pub fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    let what = match e.classify() {
        Category::Eof => "内容在中途结束（JSON 不完整）".to_owned(),
        Category::Io => "读取失败".to_owned(),
        Category::Syntax => {
            let m = msg.as_str();
            if m.starts_with("trailing comma") {
                "多余的逗号".to_owned()
            } else if m.starts_with("key must be a string") {
                "键必须是带双引号的字符串".to_owned()
            } else if m.starts_with("expected") {
                "此处缺少应有的标点或值（如冒号、逗号、括号）".to_owned()
            } else if m.starts_with("trailing characters") {
                "JSON 结束后还有多余的内容".to_owned()
            } else if m.starts_with("control character") || m.starts_with("invalid escape") || m.starts_with("invalid unicode") {
                "字符串中有无效的字符或转义".to_owned()
            } else if m.starts_with("invalid number") || m.starts_with("number out of range") {
                "数字无效或超出范围".to_owned()
            } else {
                "不是有效的 JSON 语法".to_owned()
            }
        }
        Category::Data => gongkai_calendar::serde_message_zh(&msg),
    };
    format!("第 {} 行第 {} 列：{what}", e.line(), e.column())
}

/// Reads and parses a JSON file named by the user ([`read_text_file`]); errors in Chinese with
/// the line and column. `what` names the file's role (叙述文件, 更正文件 …).
pub fn read_json_file(path: &Path, what: &str) -> anyhow::Result<serde_json::Value> {
    let text = read_text_file(path)?;
    serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{what} {} 不是有效的 JSON：{}", path.display(), json_error_in(&text, &e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_line_breaks_in_free_text_are_not() {
        assert!(check_text("张三", TextKind::Line, 10).is_ok());
        let e = check_text("张\u{0}三", TextKind::Line, 10).unwrap_err();
        assert!(e.contains("U+0000") && e.contains("第 2 个字符"), "{e}");
        assert!(check_text("a\nb", TextKind::Line, 10).is_err());
        assert!(check_text("a\r\nb\tc", TextKind::Multiline, 10).is_ok());
        assert!(check_text("a\u{1b}[31m", TextKind::Multiline, 10).is_err());
        assert!(check_text("a\u{85}", TextKind::Multiline, 10).is_err());
        assert!(check_text("一二三", TextKind::Line, 2).unwrap_err().contains("最多 2 个"));
    }

    #[test]
    fn json_errors_are_chinese_with_line_and_column() {
        let e = serde_json::from_str::<serde_json::Value>("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(json_error(&e), "第 3 行第 1 列：多余的逗号");
        let e = serde_json::from_str::<serde_json::Value>("[1, 2").unwrap_err();
        assert!(json_error(&e).contains("JSON 不完整"), "{}", json_error(&e));
    }
}
