//! The ledger (台账): the spreadsheet of cases offices keep today, imported and exported as CSV or
//! XLSX with Chinese headers. Every row is validated (fields, then the deadline engine) and errors
//! are listed by row and column; nothing is imported when any row fails unless the caller asks to
//! skip invalid rows. Export writes the same format, so an export imports back unchanged.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use anyhow::bail;
use chrono::NaiveDate;
use gongkai_store::{
    Agency, Applicant, ApplicantKind, Application, Channel, Closing, DeadlineRules, DeliveryMode, Event,
    EventDetail, EventKind, NewApplication, Outcome, Party, Role, Storage, User, UserId,
};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::records::Records;

/// The ledger's columns, in order.
pub const HEADERS: [&str; 18] = [
    "编号",
    "申请人",
    "申请人类型",
    "申请方式",
    "收到日期",
    "申请内容",
    "承办人",
    "补正通知日期",
    "补正收到日期",
    "征求意见开始日期",
    "征求意见结束日期",
    "延期日期",
    "延期批准人",
    "答复日期",
    "办理结果",
    "告知书文号",
    "送达方式",
    "备注",
];

/// The 办理结果 of an application the applicant withdrew (table 三 counts it under 其他; the
/// ledger keeps what happened).
pub const WITHDRAWN: &str = "撤回";

/// Number of ledger columns.
pub const COLUMNS: usize = HEADERS.len();

const REQUIRED: [&str; 5] = ["申请人", "申请人类型", "申请方式", "收到日期", "申请内容"];

const NUMBER: usize = 0;
const APPLICANT: usize = 1;
const KIND: usize = 2;
const CHANNEL: usize = 3;
const RECEIVED: usize = 4;
const CONTENT: usize = 5;
const OFFICER: usize = 6;
const CORR_REQ: usize = 7;
const CORR_RECV: usize = 8;
const CONS_START: usize = 9;
const CONS_END: usize = 10;
const EXTENDED: usize = 11;
const APPROVER: usize = 12;
const REPLIED: usize = 13;
const OUTCOME: usize = 14;
const LETTER_REF: usize = 15;
const DELIVERY: usize = 16;
const REMARKS: usize = 17;

/// One problem with one cell (or row) of a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerError {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// Column header, if the problem is in one column.
    pub column: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "第 {} 行，“{c}”列：{}", self.row, self.message),
            None => write!(f, "第 {} 行：{}", self.row, self.message),
        }
    }
}

/// The result of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    /// Applications imported.
    pub imported: usize,
    /// Rows skipped with `--skip-invalid`, with their errors.
    pub skipped: Vec<LedgerError>,
}

/// Which file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    /// Comma-separated, UTF-8 (GB18030 accepted on input).
    Csv,
    /// Excel workbook, first sheet.
    Xlsx,
}

impl LedgerFormat {
    /// From the file extension.
    pub fn from_path(path: &Path) -> anyhow::Result<LedgerFormat> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") | Some("txt") => Ok(LedgerFormat::Csv),
            Some("xlsx") | Some("xlsm") => Ok(LedgerFormat::Xlsx),
            _ => bail!("无法识别台账文件类型 {}（应为 .csv 或 .xlsx）", path.display()),
        }
    }
}

/// Reads a ledger file into rows of cells (row 0 = header). The file is read as a file (no
/// symbolic link, bounded size, see [`crate::limits`]); an XLSX workbook is bounded in rows,
/// columns and unpacked size before its cells are read.
pub fn read_table(path: &Path) -> anyhow::Result<Vec<Vec<String>>> {
    let format = LedgerFormat::from_path(path)?;
    let bytes = crate::limits::read_file(path)?;
    let what = path.display().to_string();
    let table = match format {
        LedgerFormat::Csv => {
            check_text_bytes(&bytes, &what)?;
            parse_text(&bytes)
        }
        LedgerFormat::Xlsx => read_xlsx_bytes(&bytes, &what)?,
    };
    check_shape(&table, &what)?;
    Ok(table)
}

/// Refuses bytes that are not text in any encoding a text ledger may have (UTF-16 with a BOM,
/// UTF-8, GB18030): a binary file is named as such, never echoed back as a garbled 表头.
fn check_text_bytes(bytes: &[u8], what: &str) -> anyhow::Result<()> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Ok(());
    }
    let not_text = || anyhow::anyhow!("{what} 不是文本文件（含有二进制内容），不能作为 CSV 台账读取：Excel 工作簿请保存为 .xlsx，或另存为“CSV UTF-8”");
    // A stray control character is a cell's problem, named by row and column later; many are a
    // binary file.
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')).count();
    if controls >= 8 && controls * 100 > head.len() {
        return Err(not_text());
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(body).is_err() && encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(body).is_none() {
        return Err(not_text());
    }
    Ok(())
}

/// Reads an uploaded ledger (its bytes) into rows of cells: an XLSX workbook when the bytes are
/// a ZIP archive, else CSV text (or Excel's tab-separated "Unicode 文本").
pub fn read_table_bytes(bytes: &[u8]) -> anyhow::Result<(LedgerFormat, Vec<Vec<String>>)> {
    let what = "上传的文件";
    let (format, table) = if bytes.starts_with(b"PK\x03\x04") {
        (LedgerFormat::Xlsx, read_xlsx_bytes(bytes, what)?)
    } else {
        check_text_bytes(bytes, what)?;
        (LedgerFormat::Csv, parse_text(bytes))
    };
    check_shape(&table, what)?;
    Ok((format, table))
}

/// Refuses a table beyond [`crate::limits::MAX_ROWS`] rows or [`crate::limits::MAX_COLUMNS`]
/// columns.
fn check_shape(table: &[Vec<String>], what: &str) -> anyhow::Result<()> {
    use crate::limits::{MAX_COLUMNS, MAX_ROWS};
    if table.len() > MAX_ROWS {
        bail!("{what} 有 {} 行，超过了台账的上限 {MAX_ROWS} 行：请分成几个文件导入", table.len());
    }
    if let Some((r, row)) = table.iter().enumerate().find(|(_, row)| row.len() > MAX_COLUMNS) {
        bail!("{what} 第 {} 行有 {} 列，超过了台账的上限 {MAX_COLUMNS} 列", r + 1, row.len());
    }
    Ok(())
}

/// A text ledger's rows: Excel's "Unicode 文本" (UTF-16 LE with a BOM, tab-separated), or CSV
/// (UTF-8 or GB18030; tab-separated when the first line has tabs and no commas).
pub fn parse_text(bytes: &[u8]) -> Vec<Vec<String>> {
    let (text, tabs) = if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), true)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), true)
    } else {
        let t = decode_text(bytes);
        let first = t.lines().next().unwrap_or("");
        let tabs = first.contains('\t') && !first.contains(',');
        (t, tabs)
    };
    parse_delimited(&text, if tabs { '\t' } else { ',' })
}

/// UTF-8 (with or without BOM), else GB18030 (what Excel saves on Chinese Windows).
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    parse_delimited(text, ',')
}

/// [`parse_csv`] with another separator (a tab for Excel's text formats).
fn parse_delimited(text: &str, separator: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == separator => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A CSV field: quoted when it needs to be, and a text a spreadsheet would take for a formula
/// (starting with `= + - @`) prefixed with `'` (the formula-injection convention; the import
/// takes the `'` off again).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A cell as the ledger reads it: trimmed, and a `'` that neutralised a formula taken off.
fn unquote_formula(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => s,
    }
}

/// Reads the first sheet of an XLSX workbook, bounded before anything large is allocated: the
/// archive's declared unpacked size and entry count first, then each cell's position while the
/// sheet is streamed (a crafted sheet that declares a cell at XFD1048576 is refused at that cell,
/// instead of asking for a grid of 17 billion cells).
fn read_xlsx_bytes(bytes: &[u8], what: &str) -> anyhow::Result<Vec<Vec<String>>> {
    use crate::limits::{MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES};
    use calamine::{DataRef, Reader as _};
    let corrupt = || anyhow::anyhow!("无法读取 Excel 文件 {what}：文件已损坏，或不是有效的 .xlsx 工作簿");
    {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| corrupt())?;
        if zip.len() > MAX_ZIP_ENTRIES {
            bail!("Excel 文件 {what} 含有 {} 个部件，超过上限 {MAX_ZIP_ENTRIES}：不像是一个台账", zip.len());
        }
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let f = zip.by_index_raw(i).map_err(|_| corrupt())?;
            total = total.saturating_add(f.size());
        }
        if total > MAX_UNPACKED_BYTES {
            bail!(
                "Excel 文件 {what} 解压后有 {} MB，超过上限 {} MB：不像是一个台账",
                total / 1024 / 1024,
                MAX_UNPACKED_BYTES / 1024 / 1024
            );
        }
    }
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| corrupt())?;
    let Some(name) = wb.sheet_names().first().cloned() else {
        bail!("Excel 文件 {what} 中没有工作表");
    };
    let mut cells = wb.worksheet_cells_reader(&name).map_err(|_| anyhow::anyhow!("无法读取 {what} 的工作表“{name}”：内容已损坏"))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| anyhow::anyhow!("无法读取 {what} 的工作表“{name}”：内容已损坏"))? {
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) if s.is_empty() => continue,
            DataRef::SharedString("") => continue,
            DataRef::String(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => excel_date(d.as_f64()).map(|d| d.to_string()).unwrap_or_default(),
            DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
            DataRef::DurationIso(s) => s.clone(),
            DataRef::Error(e) => format!("#错误 {e:?}"),
        };
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r >= MAX_ROWS {
            bail!("Excel 文件 {what} 第 {} 行有内容，超过了台账的上限 {MAX_ROWS} 行", r + 1);
        }
        if c >= MAX_COLUMNS {
            bail!("Excel 文件 {what} 第 {} 行第 {} 列有内容，超过了台账的上限 {MAX_COLUMNS} 列", r + 1, c + 1);
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    Ok(rows)
}

/// An Excel serial date (1900 system) to a date.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_days(chrono::Days::new(serial.floor().max(0.0) as u64))
}

/// Accepts 2025-01-20, 2025/1/20, 2025.1.20, 2025年1月20日 and 20250120.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").ok();
    }
    let norm: String = t
        .replace(['年', '月', '/', '.', '－'], "-")
        .replace('日', "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let parts: Vec<&str> = norm.split('-').collect();
    if parts.len() != 3 {
        return None;
    }
    let y = parts[0].parse().ok()?;
    let m = parts[1].parse().ok()?;
    let d = parts[2].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Parses a 申请方式, accepting common wordings.
pub fn parse_channel(s: &str) -> Option<Channel> {
    let t = s.trim();
    Channel::from_label(t).or_else(|| Channel::from_code(t)).or(match t {
        "当面" | "现场" | "当面申请" | "现场申请" | "当面提交申请" => Some(Channel::InPerson),
        "挂号信" | "邮寄申请" | "信函" | "邮寄（需签收）" | "EMS" | "快递" => Some(Channel::RegisteredPost),
        "平常信函" | "普通信件" => Some(Channel::OrdinaryLetter),
        "网上申请" | "网络申请" | "互联网" | "网上" | "在线申请" | "政府网站" => Some(Channel::Online),
        "传真申请" => Some(Channel::Fax),
        "邮件" | "电子邮件申请" | "Email" | "email" | "E-mail" => Some(Channel::Email),
        "微信申请" | "微信公众号" | "微信小程序" | "WeChat" | "wechat" => Some(Channel::WeChat),
        "口头" | "口头申请（代为填写）" | "代为填写" => Some(Channel::Oral),
        "其他方式" => Some(Channel::Other),
        _ => None,
    })
}

/// Parses a 送达方式: the label, the code, or the short words offices write.
pub fn parse_delivery(s: &str) -> Option<DeliveryMode> {
    let t = s.trim();
    DeliveryMode::from_label(t).or_else(|| DeliveryMode::from_code(t)).or(match t {
        "直接" | "当面" | "当面送达" | "自行领取" | "现场领取" => Some(DeliveryMode::Direct),
        "委托" => Some(DeliveryMode::Entrusted),
        "邮寄" | "挂号信" | "EMS" => Some(DeliveryMode::Post),
        "电子" | "电子邮件" | "网上" | "网络" | "在线" => Some(DeliveryMode::Electronic),
        _ => None,
    })
}

/// A ledger row parsed into an application (not yet checked by the deadline engine).
#[derive(Debug, Clone)]
pub struct ParsedRow {
    /// Spreadsheet row number.
    pub row: usize,
    /// The application.
    pub application: NewApplication,
}

fn event_column(kind: EventKind) -> usize {
    match kind {
        EventKind::CorrectionRequested => CORR_REQ,
        EventKind::CorrectionReceived => CORR_RECV,
        EventKind::ConsultationStarted => CONS_START,
        EventKind::ConsultationAnswered => CONS_END,
        EventKind::ExtensionApproved => EXTENDED,
        EventKind::Replied | EventKind::Withdrawn => REPLIED,
        _ => RECEIVED,
    }
}

/// Parses and validates the rows (fields only). Returns the good rows and every error.
pub fn parse_rows(
    table: &[Vec<String>],
    agency: &Agency,
    people: &People,
) -> anyhow::Result<(Vec<ParsedRow>, Vec<LedgerError>)> {
    let Some(header) = table.iter().position(|r| r.iter().any(|c| !c.trim().is_empty())) else {
        bail!("台账为空：没有表头");
    };
    // Map our columns to the file's columns.
    let mut index = [usize::MAX; COLUMNS];
    let mut unknown = Vec::new();
    for (i, h) in table[header].iter().enumerate() {
        let h = h.trim();
        if h.is_empty() {
            continue;
        }
        match HEADERS.iter().position(|x| *x == h) {
            Some(k) if index[k] == usize::MAX => index[k] = i,
            Some(_) => bail!("第 {} 行：表头“{h}”出现了两次", header + 1),
            None => unknown.push(h.to_string()),
        }
    }
    if !unknown.is_empty() {
        bail!(
            "第 {} 行：无法识别的表头 {}（可用的列：{}）",
            header + 1,
            unknown.iter().map(|u| format!("“{u}”")).collect::<Vec<_>>().join("、"),
            HEADERS.join("、")
        );
    }
    let missing: Vec<&str> =
        REQUIRED.iter().copied().filter(|h| HEADERS.iter().position(|x| x == h).is_some_and(|k| index[k] == usize::MAX)).collect();
    if !missing.is_empty() {
        bail!("第 {} 行：缺少必需的列 {}", header + 1, missing.join("、"));
    }

    let mut good = Vec::new();
    let mut errors = Vec::new();
    for (r, cells) in table.iter().enumerate().skip(header + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = r + 1;
        let cell = |k: usize| -> &str {
            if index[k] == usize::MAX { "" } else { cells.get(index[k]).map(|s| unquote_formula(s.trim())).unwrap_or("") }
        };
        let mut bad_text = false;
        for (k, header) in HEADERS.iter().enumerate().take(COLUMNS) {
            use crate::limits::{MAX_LONG_TEXT, MAX_SHORT_TEXT, TextKind, check_text};
            let (kind, max) = if matches!(k, CONTENT | REMARKS) {
                (TextKind::Multiline, MAX_LONG_TEXT)
            } else {
                (TextKind::Line, MAX_SHORT_TEXT)
            };
            if let Err(message) = check_text(cell(k), kind, max) {
                errors.push(LedgerError { row, column: Some(header.to_string()), message });
                bad_text = true;
            }
        }
        if bad_text {
            // A cell with control characters would only echo them in further messages.
            continue;
        }
        let mut errs: Vec<LedgerError> = Vec::new();
        let mut err = |k: usize, message: String| {
            errs.push(LedgerError { row, column: Some(HEADERS[k].to_string()), message });
        };
        for k in [APPLICANT, CONTENT] {
            if cell(k).is_empty() {
                err(k, "不能为空".into());
            }
        }
        let kind = match ApplicantKind::from_label(cell(KIND)) {
            Some(k) => Some(k),
            None => {
                err(
                    KIND,
                    format!(
                        "“{}”不是有效的申请人类型（应为 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他 之一）",
                        cell(KIND)
                    ),
                );
                None
            }
        };
        let channel = match parse_channel(cell(CHANNEL)) {
            Some(c) => Some(c),
            None => {
                err(
                    CHANNEL,
                    format!(
                        "“{}”不是有效的申请方式（如 当面提交、邮寄、平信、网络、传真、电子邮件、其他）",
                        cell(CHANNEL)
                    ),
                );
                None
            }
        };
        let mut date = |k: usize, required: bool| -> Option<NaiveDate> {
            let v = cell(k);
            if v.is_empty() {
                if required {
                    err(k, "不能为空".into());
                }
                return None;
            }
            let d = parse_date(v);
            if d.is_none() {
                err(k, format!("“{v}”不是有效日期（应为 2025-01-20 这样的格式）"));
            }
            d
        };
        let received = date(RECEIVED, true);
        let corr_req = date(CORR_REQ, false);
        let corr_recv = date(CORR_RECV, false);
        let cons_start = date(CONS_START, false);
        let cons_end = date(CONS_END, false);
        let extended = date(EXTENDED, false);
        let replied = date(REPLIED, false);
        let outcome_text = cell(OUTCOME);
        let withdrawn = outcome_text == WITHDRAWN;
        let outcome = if outcome_text.is_empty() {
            None
        } else if withdrawn {
            // Art. 36 has no row for a withdrawal: it counts under 其他, as `case event withdrawn`.
            Some(Outcome::OhOther)
        } else {
            match Outcome::from_ledger(outcome_text) {
                Some(o) => Some(o),
                None => {
                    err(
                        OUTCOME,
                        format!("“{outcome_text}”不是年报表三的办理结果（如 予以公开、部分公开、属于国家秘密、本机关不掌握相关政府信息、重复申请、其他），也不是“撤回”"),
                    );
                    None
                }
            }
        };
        if !outcome_text.is_empty() && cell(REPLIED).is_empty() {
            err(REPLIED, "填写了办理结果，但没有答复日期".into());
        }
        if outcome_text.is_empty() && !cell(REPLIED).is_empty() {
            err(OUTCOME, "填写了答复日期，但没有办理结果".into());
        }
        let delivery = match cell(DELIVERY) {
            "" => None,
            _ if withdrawn => {
                err(DELIVERY, "撤回的申请没有答复，不填写送达方式".into());
                None
            }
            _ if cell(REPLIED).is_empty() => {
                err(DELIVERY, "填写了送达方式，但没有答复日期".into());
                None
            }
            t => match parse_delivery(t) {
                Some(d) => Some(d),
                None => {
                    err(DELIVERY, format!("“{t}”不是有效的送达方式（应为 直接送达、委托送达、邮寄送达、电子送达 之一）"));
                    None
                }
            },
        };
        if !cell(LETTER_REF).is_empty() && outcome_text.is_empty() {
            err(LETTER_REF, "填写了告知书文号，但没有办理结果".into());
        }
        if !cell(CORR_RECV).is_empty() && cell(CORR_REQ).is_empty() {
            err(CORR_RECV, "有补正收到日期，但没有补正通知日期".into());
        }
        if !cell(CONS_END).is_empty() && cell(CONS_START).is_empty() {
            err(CONS_END, "有征求意见结束日期，但没有开始日期".into());
        }
        let officer = match cell(OFFICER) {
            "" => None,
            name => match people.officer(name) {
                Ok(u) => Some(u),
                Err(m) => {
                    err(OFFICER, m);
                    None
                }
            },
        };
        // Art. 33: an extension is approved by the office head, named on the row; never implied.
        let approver = match (cell(EXTENDED), cell(APPROVER)) {
            ("", "") => None,
            ("", _) => {
                err(APPROVER, "填写了延期批准人，但没有延期日期".into());
                None
            }
            (_, "") => {
                err(APPROVER, "有延期日期，但没有延期批准人：延期答复须经办公室负责人批准（条例第三十三条）".into());
                None
            }
            (_, name) => match people.office_head(name) {
                Ok(u) if Some(u) == officer => {
                    err(APPROVER, "延期批准人与承办人是同一人：承办人不得审批本人承办的申请".into());
                    None
                }
                Ok(u) => Some(u),
                Err(m) => {
                    err(APPROVER, m);
                    None
                }
            },
        };
        let (Some(kind), Some(channel), Some(received), true) = (kind, channel, received, errs.is_empty())
        else {
            errors.extend(errs);
            continue;
        };
        let mut events: Vec<Event> = Vec::new();
        let third_party = EventDetail { party: Some(Party::ThirdParty), ..EventDetail::default() };
        for (kind, on) in [
            (EventKind::CorrectionRequested, corr_req),
            (EventKind::CorrectionReceived, corr_recv),
            (EventKind::ConsultationStarted, cons_start),
            (EventKind::ConsultationAnswered, cons_end),
            (EventKind::ExtensionApproved, extended),
            (if withdrawn { EventKind::Withdrawn } else { EventKind::Replied }, replied),
        ] {
            if let Some(on) = on {
                let mut e = Event::new(kind, on);
                if matches!(kind, EventKind::ConsultationStarted | EventKind::ConsultationAnswered) {
                    e.detail = third_party.clone();
                }
                if kind == EventKind::ExtensionApproved {
                    e.by = approver;
                    e.detail.days = Some(20);
                }
                if kind == EventKind::Replied {
                    e.detail.delivery = delivery;
                }
                events.push(e);
            }
        }
        // Dates decide the order; the column order breaks ties (a stable sort).
        events.sort_by_key(|e| e.on);
        for e in &events {
            if e.on < received {
                errors.push(LedgerError {
                    row,
                    column: Some(HEADERS[event_column(e.kind)].to_string()),
                    message: format!("{} 早于收到日期 {received}", e.on),
                });
            }
        }
        if errors.last().is_some_and(|e| e.row == row) {
            continue;
        }
        let number = cell(NUMBER);
        good.push(ParsedRow {
            row,
            application: NewApplication {
                agency: agency.id,
                number: (!number.is_empty()).then(|| number.to_string()),
                applicant: Applicant {
                    kind,
                    name: cell(APPLICANT).to_string(),
                    id_document: String::new(),
                    contact: String::new(),
                    address: String::new(),
                },
                channel,
                content: cell(CONTENT).to_string(),
                requested_form: String::new(),
                delivery: String::new(),
                case_officer: officer,
                received_on: received,
                receipt: EventDetail::default(),
                query_code: None,
                events,
                closing: outcome.map(|o| Closing {
                    outcome: o,
                    reply_type: String::new(),
                    legal_basis: String::new(),
                    reply_letter_ref: cell(LETTER_REF).to_string(),
                }),
                remarks: cell(REMARKS).to_string(),
            },
        });
    }
    Ok((good, errors))
}

/// Checks each parsed row with the deadline engine and the numbering; returns the errors.
fn check_rows(
    rules: &dyn DeadlineRules,
    agency: &Agency,
    rows: &[ParsedRow],
    taken: &mut HashSet<String>,
) -> Vec<LedgerError> {
    let mut errors = Vec::new();
    for p in rows {
        let a = &p.application;
        if let Some(n) = &a.number
            && !taken.insert(n.clone())
        {
            errors.push(LedgerError {
                row: p.row,
                column: Some(HEADERS[NUMBER].to_string()),
                message: format!("编号“{n}”重复（台账内或数据库中已有）"),
            });
            continue;
        }
        let mut events = vec![Event::new(EventKind::Received, a.received_on)];
        events.extend(a.events.iter().cloned());
        if let Err(m) = rules.evaluate(agency, a.channel, &events) {
            // Point at the column of the event the engine names, if any.
            let column = [
                EventKind::CorrectionReceived,
                EventKind::CorrectionRequested,
                EventKind::ConsultationAnswered,
                EventKind::ConsultationStarted,
                EventKind::ExtensionApproved,
                EventKind::Replied,
                EventKind::Withdrawn,
            ]
                .into_iter()
                .find(|k| m.contains(k.code()) || m.contains(k.label()))
                .map(|k| HEADERS[event_column(k)].to_string());
            errors.push(LedgerError { row: p.row, column, message: m });
        }
    }
    errors
}

/// The users a ledger may name, at one agency: by login or by display name.
#[derive(Debug, Clone, Default)]
pub struct People {
    users: Vec<(User, Vec<Role>)>,
}

impl People {
    /// The users holding roles at `agency`.
    pub async fn of(rec: &Records, agency: &Agency) -> Result<People> {
        let mut users = Vec::new();
        for u in rec.store().users().await? {
            let roles: Vec<Role> =
                rec.store().roles(u.id).await?.into_iter().filter(|g| g.agency == agency.id).map(|g| g.role).collect();
            if !roles.is_empty() {
                users.push((u, roles));
            }
        }
        Ok(People { users })
    }

    fn find(&self, name: &str) -> Result<&(User, Vec<Role>), String> {
        if let Some(u) = self.users.iter().find(|(u, _)| u.login == name) {
            return Ok(u);
        }
        let by_name: Vec<_> = self.users.iter().filter(|(u, _)| u.name == name).collect();
        match by_name.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("“{name}”不是本机关的用户（填写登录名或姓名；先用 gongkai user add 添加并授予角色）")),
            _ => Err(format!("本机关有多个用户叫“{name}”：请填写登录名")),
        }
    }

    /// A case officer (or office head) of the agency.
    pub fn officer(&self, name: &str) -> Result<UserId, String> {
        let (u, roles) = self.find(name)?;
        if roles.iter().any(|r| matches!(r, Role::CaseOfficer | Role::OfficeHead)) {
            Ok(u.id)
        } else {
            Err(format!("“{name}”在本机关不是承办人或办公室负责人"))
        }
    }

    /// An office head of the agency (who may approve an extension).
    pub fn office_head(&self, name: &str) -> Result<UserId, String> {
        let (u, roles) = self.find(name)?;
        if roles.contains(&Role::OfficeHead) {
            Ok(u.id)
        } else {
            Err(format!("“{name}”不是本机关的办公室负责人，不能批准延期答复"))
        }
    }

    /// The login of a user (for export).
    pub fn login(&self, id: UserId) -> String {
        self.users.iter().find(|(u, _)| u.id == id).map(|(u, _)| u.login.clone()).unwrap_or_default()
    }
}

/// Imports a ledger file into an agency: all rows or none (or only the valid ones with
/// `skip_invalid`, reporting the others).
pub async fn import_ledger(
    rec: &Records,
    path: &Path,
    agency: &Agency,
    skip_invalid: bool,
) -> Result<ImportOutcome> {
    rec.require(Right::Register, agency).await?;
    let table = read_table(path)?;
    import_read(rec, &table, agency, skip_invalid).await
}

/// [`import_ledger`] of a ledger already read with [`read_table`] (the CLI reads it first, to
/// show how many rows it is checking): every problem by row and column in one error.
pub async fn import_read(
    rec: &Records,
    table: &[Vec<String>],
    agency: &Agency,
    skip_invalid: bool,
) -> Result<ImportOutcome> {
    match import_table(rec, table, agency, skip_invalid).await? {
        Ok(outcome) => Ok(outcome),
        Err(errors) => {
            let list: Vec<String> = errors.iter().take(200).map(ToString::to_string).collect();
            let more = if errors.len() > 200 { format!("\n……共 {} 处错误", errors.len()) } else { String::new() };
            Err(AppError::invalid(format!(
                "台账有 {} 处错误，未导入任何记录：\n{}{more}",
                errors.len(),
                list.join("\n")
            )))
        }
    }
}

/// Imports a ledger already read into rows (row 0 = header): every row checked (fields, then
/// the deadline engine), then all imported in one transaction — or, when any row fails and
/// `skip_invalid` is off, nothing, and every error by row and column (`Ok(Err(errors))`).
pub async fn import_table(
    rec: &Records,
    table: &[Vec<String>],
    agency: &Agency,
    skip_invalid: bool,
) -> Result<std::result::Result<ImportOutcome, Vec<LedgerError>>> {
    rec.require(Right::Register, agency).await?;
    let people = People::of(rec, agency).await?;
    let (rows, mut errors) = parse_rows(table, agency, &people)?;
    let mut taken: HashSet<String> = rec
        .store()
        .list_cases(&gongkai_store::CaseFilter { agencies: vec![agency.id], include_voided: true, ..Default::default() })
        .await?
        .into_iter()
        .map(|c| c.number)
        .collect();
    errors.extend(check_rows(rec.office().engine.as_ref(), agency, &rows, &mut taken));
    errors.sort_by_key(|e| e.row);
    if !errors.is_empty() && !skip_invalid {
        return Ok(Err(errors));
    }
    let bad: HashSet<usize> = errors.iter().map(|e| e.row).collect();
    let mut apps: Vec<NewApplication> =
        rows.into_iter().filter(|r| !bad.contains(&r.row)).map(|r| r.application).collect();
    for a in &mut apps {
        a.query_code = Some(crate::token::query_code()?);
    }
    let imported = apps.len();
    if imported > 0 {
        rec.store().import_applications(&rec.ctx(), apps).await?;
    }
    Ok(Ok(ImportOutcome { imported, skipped: errors }))
}

/// The ledger rows of the cases a list query finds (every page of it, in its order), across the
/// agencies the principal may see: the web's 台账 export of a filtered list. Each agency's
/// applications are read in one query (the list names them; the list's query checked the
/// principal may read them).
pub async fn rows_of_query(rec: &Records, q: &crate::cases::CaseQuery) -> Result<Vec<[String; COLUMNS]>> {
    let all = crate::cases::CaseQuery { limit: 0, offset: 0, ..q.clone() };
    let found = crate::cases::list(rec, &all).await?;
    let mut by_id: std::collections::HashMap<gongkai_store::ApplicationId, (Application, usize)> =
        std::collections::HashMap::with_capacity(found.len());
    let mut people: Vec<People> = Vec::new();
    let mut agencies: Vec<gongkai_store::AgencyId> = Vec::new();
    for c in &found {
        if !agencies.contains(&c.agency) {
            agencies.push(c.agency);
        }
    }
    let wanted: HashSet<gongkai_store::ApplicationId> = found.iter().map(|c| c.id).collect();
    for (i, id) in agencies.iter().enumerate() {
        let agency = rec.agency_by_id(*id).await?;
        rec.require(Right::Read, &agency).await?;
        people.push(People::of(rec, &agency).await?);
        for app in rec.store().applications(agency.id).await? {
            if wanted.contains(&app.id) {
                by_id.insert(app.id, (app, i));
            }
        }
    }
    let mut rows = Vec::with_capacity(found.len());
    for c in found {
        if let Some((app, i)) = by_id.get(&c.id)
            && app.voided.is_none()
        {
            rows.push(row_of(app, &people[*i]));
        }
    }
    Ok(rows)
}

/// The ledger row of an application (the inverse of [`parse_rows`]).
pub fn row_of(a: &Application, people: &People) -> [String; COLUMNS] {
    let first = |k: EventKind| -> Option<&Event> { a.events.iter().find(|e| e.kind == k) };
    let date_of = |k: EventKind| -> String { first(k).map(|e| e.on.to_string()).unwrap_or_default() };
    let consult_end = a
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::ConsultationAnswered | EventKind::ConsultationExpired))
        .map(|e| e.on.to_string())
        .unwrap_or_default();
    // Closed by a withdrawal (the last concluding event), not by a reply.
    let withdrawn = a.events.iter().rev().find(|e| e.kind.concludes()).is_some_and(|e| e.kind == EventKind::Withdrawn);
    let approver = first(EventKind::ExtensionApproved)
        .map(|e| e.by.map(|u| people.login(u)).or_else(|| e.detail.approver.clone()).unwrap_or_default())
        .unwrap_or_default();
    [
        a.number.clone(),
        a.applicant.name.clone(),
        a.applicant.kind.label().to_string(),
        a.channel.label().to_string(),
        a.received_on.to_string(),
        a.content.clone(),
        a.case_officer.map(|u| people.login(u)).unwrap_or_default(),
        date_of(EventKind::CorrectionRequested),
        date_of(EventKind::CorrectionReceived),
        date_of(EventKind::ConsultationStarted),
        consult_end,
        date_of(EventKind::ExtensionApproved),
        approver,
        a.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        match &a.closing {
            Some(_) if withdrawn => WITHDRAWN.to_string(),
            Some(c) => c.outcome.label().to_string(),
            None => String::new(),
        },
        a.closing.as_ref().map(|c| c.reply_letter_ref.clone()).unwrap_or_default(),
        first(EventKind::Replied).and_then(|e| e.detail.delivery).map(|d| d.label().to_string()).unwrap_or_default(),
        a.remarks.clone(),
    ]
}

/// Writes an agency's applications as a ledger (format from the extension).
/// The ledger holds applicants' names, documents and addresses: the file is written as
/// [`crate::transfer::write_file`] writes (whole or not at all, 0600, not over a file unless
/// `force`).
pub async fn export_ledger(rec: &Records, agency: &Agency, path: &Path, force: bool) -> Result<usize> {
    rec.require(Right::Read, agency).await?;
    let format = LedgerFormat::from_path(path)?;
    let apps = rec.store().applications(agency.id).await?;
    let people = People::of(rec, agency).await?;
    let rows: Vec<[String; COLUMNS]> = apps.iter().filter(|a| a.voided.is_none()).map(|a| row_of(a, &people)).collect();
    let bytes = ledger_bytes(format, &rows)?;
    crate::transfer::write_file(Some(rec.office()), path, &bytes, force, crate::transfer::Privacy::Personal)?;
    Ok(rows.len())
}

/// The example row of the ledger template: an application received online, answered by post.
pub fn example_row() -> [String; COLUMNS] {
    let mut row: [String; COLUMNS] = Default::default();
    row[NUMBER] = "示例-0001".into();
    row[APPLICANT] = "张三".into();
    row[KIND] = ApplicantKind::NaturalPerson.label().into();
    row[CHANNEL] = Channel::Online.label().into();
    row[RECEIVED] = "2025-01-20".into();
    row[CONTENT] = "某路段道路改造项目的立项批复文件".into();
    row[REPLIED] = "2025-02-10".into();
    row[OUTCOME] = Outcome::Granted.label().into();
    row[LETTER_REF] = "某政公开〔2025〕1号".into();
    row[DELIVERY] = DeliveryMode::Post.label().into();
    row[REMARKS] = "示例行：填写前请删除".into();
    row
}

/// Writes the ledger template (the header and [`example_row`]): needs no database; written as
/// [`crate::transfer::write_file`] writes (whole, never over a file unless `force`; 0644, the
/// example is no one's data).
pub fn write_template(path: &Path, force: bool) -> Result<()> {
    let bytes = ledger_bytes(LedgerFormat::from_path(path)?, &[example_row()])?;
    crate::transfer::write_file(None, path, &bytes, force, crate::transfer::Privacy::Public)
}

/// The bytes of a ledger file: CSV (UTF-8 with a BOM, so Excel reads the Chinese) or XLSX.
pub fn ledger_bytes(format: LedgerFormat, rows: &[[String; COLUMNS]]) -> anyhow::Result<Vec<u8>> {
    match format {
        LedgerFormat::Csv => {
            let mut out = String::from("\u{feff}");
            out.push_str(&HEADERS.join(","));
            out.push_str("\r\n");
            for r in rows {
                let cells: Vec<String> = r.iter().map(|c| csv_field(c)).collect();
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
            Ok(out.into_bytes())
        }
        LedgerFormat::Xlsx => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("台账").map_err(|e| anyhow::anyhow!("{e}"))?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in HEADERS.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold).map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if !v.is_empty() {
                        ws.write_string(r as u32 + 1, c as u16, v).map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                }
            }
            wb.save_to_buffer().map_err(|e| anyhow::anyhow!("无法生成 Excel 文件：{e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_commas_and_line_breaks() {
        let t = parse_csv("a,\"b,1\",\"say \"\"hi\"\"\"\r\n\"x\ny\",,z\n");
        assert_eq!(t, vec![vec!["a", "b,1", "say \"hi\""], vec!["x\ny", "", "z"]]);
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }

    #[test]
    fn dates_are_read_in_the_usual_office_spellings() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 20);
        for s in ["2025-01-20", "2025/1/20", "2025.1.20", "2025年1月20日", "20250120"] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(excel_date(45677.0), d);
    }

    #[test]
    fn gb18030_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("编号,申请人");
        assert_eq!(decode_text(&bytes), "编号,申请人");
    }
}
