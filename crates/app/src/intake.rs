//! 登记 (intake): an application as the registrar types it, checked and previewed before it is
//! saved — the Art. 31 receipt date by channel and the reply deadline it starts, the engine's
//! warnings, and the applicant's earlier applications with similar content (a possible 重复申请,
//! for the registrar to judge; nothing is refused for it).
//!
//! Saving is [`crate::cases::add`]: one way to register a case, for the CLI and the web.

use std::collections::HashSet;

use chrono::NaiveDate;
use gongkai_store::{Agency, Application, ApplicationId, CaseFilter, Channel, Event, EventDetail, EventKind, Storage};

use crate::auth::Right;
use crate::cases::{self, NewCase};
use crate::error::{AppError, Result};
use crate::records::Records;

/// Content at least this similar (Dice coefficient of character bigrams) to an earlier
/// application of the same applicant is shown as a possible repeat.
pub const REPEAT_THRESHOLD: f64 = 0.5;

/// How many earlier applications of one applicant are compared (the newest).
const REPEAT_SCAN: u32 = 500;

/// How many of the agency's newest applications are compared by ID document.
const ID_SCAN: u32 = 200;

/// An earlier application of the same applicant with similar content.
#[derive(Debug, Clone)]
pub struct PossibleRepeat {
    /// The earlier case.
    pub id: ApplicationId,
    /// Its 编号.
    pub number: String,
    /// When it was received.
    pub received_on: NaiveDate,
    /// Its content.
    pub content: String,
    /// Dice coefficient of the two contents' character bigrams, 0..=1.
    pub similarity: f64,
    /// How many bigrams the two contents share.
    pub shared: usize,
    /// Whether the earlier case is still open.
    pub open: bool,
}

impl PossibleRepeat {
    /// The similarity as a whole percentage.
    pub fn percent(&self) -> u32 {
        // 0..=100 by construction.
        (self.similarity * 100.0).round().clamp(0.0, 100.0) as u32
    }

    /// Why it is shown, in Chinese.
    pub fn explanation(&self) -> String {
        format!(
            "与 {} 收到的申请 {} 内容相似度 {}%（两段内容共有 {} 个相同的相邻两字组合）{}",
            self.received_on,
            self.number,
            self.percent(),
            self.shared,
            if self.open { "，该申请尚未办结" } else { "" }
        )
    }
}

/// What the registrar sees before saving.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The receipt date that counts (Art. 31).
    pub receipt_date: NaiveDate,
    /// The reply deadline it starts (Art. 33, 20 working days).
    pub due_on: Option<NaiveDate>,
    /// The engine's explanation of the receipt date and deadline, in Chinese.
    pub explanation: Vec<String>,
    /// The engine's warnings (a late confirmation…).
    pub warnings: Vec<String>,
    /// Earlier applications of the same applicant with similar content.
    pub repeats: Vec<PossibleRepeat>,
}

/// The characters that carry meaning: letters, digits and CJK; punctuation and spaces dropped.
fn meaningful(s: &str) -> Vec<char> {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The set of character bigrams of a text (a one-character text is its own "bigram").
pub fn bigrams(s: &str) -> HashSet<(char, char)> {
    let chars = meaningful(s);
    match chars.len() {
        0 => HashSet::new(),
        1 => HashSet::from([(chars[0], chars[0])]),
        _ => chars.windows(2).map(|w| (w[0], w[1])).collect(),
    }
}

/// Dice coefficient of two texts' character bigrams, and how many they share: 1.0 for the same
/// text, 0.0 for nothing in common (or an empty text).
pub fn similarity(a: &str, b: &str) -> (f64, usize) {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return (0.0, 0);
    }
    let shared = x.intersection(&y).count();
    // Bigram counts are small; the conversion is exact.
    let dice = 2.0 * shared as f64 / (x.len() + y.len()) as f64;
    (dice, shared)
}

/// Whether two applicants are the same: the same ID document when both have one, else the same
/// name (and no conflicting ID).
fn same_applicant(name: &str, id_document: &str, other: &Application) -> bool {
    let (id, other_id) = (normalise(id_document), normalise(&other.applicant.id_document));
    if !id.is_empty() && !other_id.is_empty() {
        return id == other_id;
    }
    normalise(name) == normalise(&other.applicant.name) && !normalise(name).is_empty()
}

fn normalise(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Earlier applications at `agency` of the applicant named `name` (or with ID `id_document`)
/// whose content is at least [`REPEAT_THRESHOLD`] similar, most similar first. Voided cases and
/// `except` (the case itself) are left out.
pub async fn possible_repeats(
    rec: &Records,
    agency: &Agency,
    name: &str,
    id_document: &str,
    content: &str,
    except: Option<ApplicationId>,
) -> Result<Vec<PossibleRepeat>> {
    rec.require(Right::Read, agency).await?;
    let mut candidates: Vec<ApplicationId> = Vec::new();
    // By name (as typed, and without spaces); by ID document among the newest applications (the
    // list cannot search ID documents).
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut searches: Vec<(Option<String>, u32)> = Vec::new();
    for key in [name.trim(), compact.as_str()] {
        if !key.is_empty() && !searches.iter().any(|(k, _)| k.as_deref() == Some(key)) {
            searches.push((Some(key.to_string()), REPEAT_SCAN));
        }
    }
    if !id_document.trim().is_empty() {
        searches.push((None, ID_SCAN));
    }
    for (text, limit) in searches {
        let f = CaseFilter { agencies: vec![agency.id], text, newest_first: true, limit, ..CaseFilter::default() };
        for c in rec.store().list_cases(&f).await? {
            if !candidates.contains(&c.id) && Some(c.id) != except {
                candidates.push(c.id);
            }
        }
    }
    let mut out = Vec::new();
    for id in candidates {
        let app = rec.store().application(id).await?;
        if app.voided.is_some() || !same_applicant(name, id_document, &app) {
            continue;
        }
        let (score, shared) = similarity(content, &app.content);
        if score >= REPEAT_THRESHOLD {
            out.push(PossibleRepeat {
                id: app.id,
                number: app.number.clone(),
                received_on: app.received_on,
                content: app.content.clone(),
                similarity: score,
                shared,
                open: app.closed_on.is_none(),
            });
        }
    }
    out.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(b.received_on.cmp(&a.received_on)));
    Ok(out)
}

/// 国办函〔2020〕109号 按件: the position of `app` among its applicant's applications to the same
/// agency in the calendar month of its receipt, counted from the records (whatever their outcome;
/// voided ones left out): the earlier ones received that month, and those received the same day
/// and registered before it, plus one. Each earlier application counts as one item. The same
/// applicant is found by name (and, where both have one, the same ID document), as for
/// [`possible_repeats`].
pub async fn month_ordinal(rec: &Records, app: &Application) -> Result<u32> {
    use chrono::Datelike;
    let agency = rec.store().agency(app.agency).await?;
    rec.require(Right::Read, &agency).await?;
    let name = app.applicant.name.trim();
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let month = (app.received_on.year(), app.received_on.month());
    let mut seen: HashSet<ApplicationId> = HashSet::new();
    let mut count: u32 = 1;
    for key in [name, compact.as_str()] {
        if key.is_empty() {
            continue;
        }
        let f = CaseFilter {
            agencies: vec![agency.id],
            text: Some(key.to_string()),
            received_year: Some(month.0),
            ..CaseFilter::default()
        };
        for c in rec.store().list_cases(&f).await? {
            let before = c.received_on < app.received_on || (c.received_on == app.received_on && c.id.0 < app.id.0);
            if c.id == app.id || c.voided || !before || (c.received_on.year(), c.received_on.month()) != month || !seen.insert(c.id) {
                continue;
            }
            let other = rec.store().application(c.id).await?;
            if same_applicant(name, &app.applicant.id_document, &other) {
                count = count.saturating_add(1);
            }
        }
    }
    Ok(count)
}

/// What is wrong with an uploaded ledger before it is read, if anything: a file of a type the
/// ledger does not take (by its name's extension), or one people pick by mistake — a PDF, an old
/// .xls or Word file, binary content — named for what it is rather than read as CSV headers.
pub fn ledger_upload_problem(file_name: &str, bytes: &[u8]) -> Option<String> {
    let what = "上传的文件";
    let path = std::path::Path::new(file_name);
    if path.extension().is_some()
        && let Err(e) = crate::ledger::LedgerFormat::from_path(path)
    {
        return Some(format!("{e:#}"));
    }
    if bytes.starts_with(b"%PDF") {
        return Some(format!("{what}是 PDF 文件，不是台账：请上传 .csv 或 .xlsx 格式的台账"));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some(format!("{what}是旧版 Excel（.xls）或 Word 文件：请在 Excel 中“另存为” .xlsx 或 .csv 后上传"));
    }
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if !utf16 && !bytes.starts_with(b"PK\x03\x04") && bytes.iter().take(64 * 1024).any(|b| *b == 0) {
        return Some(format!("{what}含有二进制内容，不是文字台账：请上传 .csv 或 .xlsx 格式的台账"));
    }
    None
}

/// Checks what the form cannot: dates against today and each other, the channel's confirmation
/// date. Returns the problem and the field it concerns (`received_on`, `confirmed_on`).
pub fn check(c: &NewCase, today: NaiveDate) -> std::result::Result<(), (&'static str, String)> {
    cases::check_text_fields(c)?;
    if c.received_on > today {
        return Err(("received_on", format!("收到日期（{}）晚于今天（{today}）", c.received_on)));
    }
    if let Some(d) = c.confirmed_on {
        let confirms = matches!(
            c.channel,
            Channel::RegisteredPost
                | Channel::OrdinaryLetter
                | Channel::Online
                | Channel::Fax
                | Channel::Email
                | Channel::WeChat
        );
        if !confirms {
            return Err((
                "confirmed_on",
                format!("{}以到达（提出）之日为收到申请之日，不填写签收或确认日期", c.channel.label()),
            ));
        }
        if d < c.received_on {
            return Err(("confirmed_on", format!("签收或确认日期（{d}）早于到达日期（{}）", c.received_on)));
        }
        if d > today {
            return Err(("confirmed_on", format!("签收或确认日期（{d}）晚于今天（{today}）")));
        }
    }
    if c.same_day_contact_failed {
        if !matches!(c.channel, Channel::OrdinaryLetter | Channel::Email) {
            return Err(("same_day_contact_failed", "“到达当日联系申请人未果”只适用于平常信函和电子邮件".to_string()));
        }
        if c.confirmed_on.is_none_or(|d| d <= c.received_on) {
            return Err((
                "same_day_contact_failed",
                "“到达当日联系申请人未果”只在确认日期晚于到达日期时适用".to_string(),
            ));
        }
    }
    Ok(())
}

/// The preview of a new application at `agency`: Art. 31's receipt date, the deadline, the
/// warnings, possible repeats. Nothing is saved. Needs the right to register there.
pub async fn preview(rec: &Records, agency: &Agency, c: &NewCase) -> Result<Preview> {
    rec.require(Right::Register, agency).await?;
    if let Err((_, m)) = check(c, rec.today()) {
        return Err(AppError::invalid(m));
    }
    let mut detail = EventDetail::default();
    match c.confirmed_on {
        Some(d) if c.channel == Channel::RegisteredPost => detail.signed = Some(d),
        Some(d) => detail.confirmed = Some(d),
        None => {}
    }
    if c.same_day_contact_failed {
        detail.same_day_contact_failed = Some(true);
    }
    let received = Event {
        kind: EventKind::Received,
        on: c.received_on,
        by: rec.principal().user_id(),
        amount_yuan: None,
        note: String::new(),
        detail,
    };
    let report = rec.office().engine.explain_report(agency, c.channel, &[received]).map_err(AppError::invalid)?;
    let repeats =
        possible_repeats(rec, agency, &c.applicant.name, &c.applicant.id_document, &c.content, None).await?;
    Ok(Preview {
        receipt_date: report.receipt_date,
        due_on: report.final_due,
        explanation: report.explanation,
        warnings: report.warnings,
        repeats,
    })
}

/// Registers the application (after its preview): [`cases::add`].
pub async fn register(rec: &Records, agency: &Agency, c: NewCase) -> Result<Application> {
    if let Err((_, m)) = check(&c, rec.today()) {
        return Err(AppError::invalid(m));
    }
    cases::add(rec, agency, c).await
}

/// What a 回执 shows: the case, its agency, the receipt date and deadline.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The case.
    pub app: Application,
    /// Its agency.
    pub agency: Agency,
    /// The receipt date that counts (Art. 31).
    pub receipt_date: NaiveDate,
    /// The reply deadline as it stands.
    pub due_on: Option<NaiveDate>,
}

/// The 回执 of a case (anyone who may read the case).
pub async fn receipt(rec: &Records, id: ApplicationId) -> Result<Receipt> {
    let app = cases::get(rec, id).await?;
    let agency = rec.agency_by_id(app.agency).await?;
    let (receipt_date, due_on) = match cases::clock(rec, &app).await? {
        Ok(r) => (r.receipt_date, r.final_due.or(app.due_on)),
        Err(_) => (app.received_on, app.due_on),
    };
    Ok(Receipt { app, agency, receipt_date, due_on })
}
