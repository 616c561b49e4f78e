//! Letters to the applicant (告知书): per-agency templates with defaults written from the
//! regulation (shared/domain/regulation.md §6), filled from the case and issued with the agency's
//! next document number of the year (the store takes the number in the transaction that stores
//! the letter: never repeated, never skipped).
//!
//! Templates are plain text with `{{名称}}` placeholders (no loops, no conditions, no code): an
//! administrator edits them in the browser and cannot break anything but the wording; a
//! placeholder the letter does not know is refused when the template is saved. Layout by line:
//! the first line is the title, the second the 文号, the third the addressee (称谓), the last two
//! the 落款 (the agency) and the date; every line between is a paragraph. docs/LETTERS.md says
//! why this and not minijinja.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::guide;
use gongkai_store::{Agency, Application, DOC_NUMBER_MARK, Letter, NewLetter, Outcome, Storage};

use crate::auth::Right;
use crate::error::{AppError, Result};
use crate::records::Records;

/// One kind of letter (or one of the two letter settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LetterKind {
    /// Stable code (stored with templates and letters).
    pub code: &'static str,
    /// Its Chinese name.
    pub label: &'static str,
    /// The default template.
    pub default: &'static str,
    /// The placeholders this letter fills, beyond the common ones.
    pub fields: &'static [&'static str],
    /// A one-line setting, not a letter (the reconsideration body).
    pub setting: bool,
}

impl LetterKind {
    /// A 答复告知书 (its number becomes the case's 告知书文号).
    pub fn is_reply(&self) -> bool {
        self.code.starts_with("reply_")
    }
}

/// Placeholders every letter fills.
pub const COMMON_FIELDS: &[(&str, &str)] = &[
    ("文号", "发文字号，出具时自动编号，如 信息公开〔2025〕3号"),
    ("机关", "本机关名称"),
    ("申请人", "申请人姓名或名称"),
    ("申请日期", "收到申请之日"),
    ("申请内容", "申请内容"),
    ("编号", "申请编号"),
    ("日期", "出具日期（成文日期）"),
];

/// What each letter-specific placeholder means (for the template page).
pub const FIELD_HELP: &[(&str, &str)] = &[
    ("答复内容", "答复向导得出的答复正文（可修改）"),
    ("法律依据", "答复所依据的条款"),
    ("救济途径", "行政复议、行政诉讼的告知"),
    ("补正事项", "需要补正的全部事项（一次性告知）"),
    ("补正期限", "补正的截止日期"),
    ("延期理由", "延期答复的理由"),
    ("延期天数", "延长的工作日数"),
    ("答复期限", "延期后的答复期限"),
    ("征求对象", "被征求意见的第三方或机关"),
    ("征求事项", "拟公开的信息"),
    ("意见期限", "提出意见的截止日期（收到之日起15个工作日）"),
    ("收费明细", "收费依据、方式、标准和计算明细"),
    ("应缴金额", "应缴金额（元）"),
    ("缴费方式", "缴费的方式"),
];

const REPLY_FIELDS: &[&str] = &["答复内容", "法律依据", "救济途径"];

macro_rules! reply_template {
    ($title:literal) => {
        concat!($title, "\n{{文号}}\n", "{{申请人}}：\n本机关于{{申请日期}}收到您（单位）提出的政府信息公开申请（申请编号：{{编号}}），申请获取“{{申请内容}}”的政府信息。经审查，现答复如下：\n{{答复内容}}\n{{救济途径}}\n特此告知。\n{{机关}}\n{{日期}}")
    };
}

/// Every kind of letter, then the one setting (the reconsideration body). The document number's
/// 机关代字 is the agency's own setting ([`document_prefix`]).
pub const KINDS: &[LetterKind] = &[
    LetterKind {
        code: "reply_granted",
        label: "答复告知书（予以公开）",
        default: reply_template!("政府信息公开申请答复告知书"),
        fields: REPLY_FIELDS,
        setting: false,
    },
    LetterKind {
        code: "reply_partial",
        label: "答复告知书（部分公开）",
        default: reply_template!("政府信息部分公开告知书"),
        fields: REPLY_FIELDS,
        setting: false,
    },
    LetterKind {
        code: "reply_denied",
        label: "答复告知书（不予公开）",
        default: reply_template!("政府信息不予公开告知书"),
        fields: REPLY_FIELDS,
        setting: false,
    },
    LetterKind {
        code: "reply_unable",
        label: "答复告知书（无法提供）",
        default: reply_template!("政府信息公开申请无法提供告知书"),
        fields: REPLY_FIELDS,
        setting: false,
    },
    LetterKind {
        code: "reply_not_processed",
        label: "答复告知书（不予处理）",
        default: reply_template!("政府信息公开申请不予处理告知书"),
        fields: REPLY_FIELDS,
        setting: false,
    },
    LetterKind {
        code: "reply_other",
        label: "答复告知书（其他处理）",
        default: reply_template!("政府信息公开申请答复告知书"),
        fields: REPLY_FIELDS,
        setting: false,
    },
    LetterKind {
        code: "correction",
        label: "补正告知书",
        // Art. 30: everything at once, a reasonable period, the clock restarts, no correction = abandoned.
        default: "政府信息公开申请补正告知书\n{{文号}}\n{{申请人}}：\n本机关于{{申请日期}}收到您（单位）提出的政府信息公开申请（申请编号：{{编号}}）。经审查，您的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，现一次性告知您需要补正的事项如下：\n{{补正事项}}\n请您于{{补正期限}}前向本机关提交补正后的申请。答复期限自本机关收到补正后的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。\n特此告知。\n{{机关}}\n{{日期}}",
        fields: &["补正事项", "补正期限"],
        setting: false,
    },
    LetterKind {
        code: "extension",
        label: "延期答复告知书",
        // Art. 33 ¶2: the office head's consent, the reason, at most 20 working days more.
        default: "政府信息公开申请延期答复告知书\n{{文号}}\n{{申请人}}：\n本机关于{{申请日期}}收到您（单位）提出的政府信息公开申请（申请编号：{{编号}}），申请获取“{{申请内容}}”的政府信息。因{{延期理由}}，本机关不能在规定期限内作出答复。根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长{{延期天数}}个工作日，本机关将于{{答复期限}}前作出答复。\n特此告知。\n{{机关}}\n{{日期}}",
        fields: &["延期理由", "延期天数", "答复期限"],
        setting: false,
    },
    LetterKind {
        code: "consultation_third_party",
        label: "征求意见书（第三方）",
        // Art. 32: what is to be disclosed, 15 working days, no answer = the agency decides.
        default: "政府信息公开征求意见书\n{{文号}}\n{{征求对象}}：\n本机关于{{申请日期}}收到政府信息公开申请（申请编号：{{编号}}），申请公开的政府信息可能涉及你方合法权益。根据《中华人民共和国政府信息公开条例》第三十二条的规定，现就以下信息是否公开征求你方意见：\n{{征求事项}}\n请于收到本意见书之日起15个工作日内（{{意见期限}}前）提出书面意见；不同意公开的，请说明理由。逾期未提出意见的，由本机关依照条例的规定决定是否公开。\n特此函告。\n{{机关}}\n{{日期}}",
        fields: &["征求对象", "征求事项", "意见期限"],
        setting: false,
    },
    LetterKind {
        code: "consultation_agency",
        label: "征求意见函（其他机关）",
        // Art. 34: 15 working days, silence = consent.
        default: "关于政府信息公开征求意见的函\n{{文号}}\n{{征求对象}}：\n本机关于{{申请日期}}收到政府信息公开申请（申请编号：{{编号}}），申请公开的政府信息由本机关与贵机关共同制作。根据《中华人民共和国政府信息公开条例》第三十四条的规定，现就以下信息是否公开征求贵机关意见：\n{{征求事项}}\n请于收到本函之日起15个工作日内（{{意见期限}}前）提出意见；逾期未提出意见的，视为同意公开。\n特此函告。\n{{机关}}\n{{日期}}",
        fields: &["征求对象", "征求事项", "意见期限"],
        setting: false,
    },
    LetterKind {
        code: "fee",
        label: "收费通知书",
        // 国办函〔2020〕109号: basis, method and standard, amount, how to pay, 20 working days, abandonment.
        default: "政府信息公开信息处理费收费通知书\n{{文号}}\n{{申请人}}：\n本机关于{{申请日期}}收到您（单位）提出的政府信息公开申请（申请编号：{{编号}}）。根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关决定收取信息处理费，具体如下：\n{{收费明细}}\n应缴金额：人民币{{应缴金额}}元。\n缴费方式：{{缴费方式}}\n请您自收到本通知书的次日起20个工作日内缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。信息处理费属于政府非税收入，按规定缴入国库。\n特此通知。\n{{机关}}\n{{日期}}",
        fields: &["收费明细", "应缴金额", "缴费方式"],
        setting: false,
    },
    LetterKind {
        code: "reconsideration_body",
        label: "行政复议机关",
        // 行政复议法 2023 Art. 24: the county government for a township's and the county's
        // departments' acts; `{{上级人民政府}}` is that default, from the agency tree.
        default: "{{上级人民政府}}",
        fields: &["上级人民政府"],
        setting: true,
    },
];

/// A kind by code.
pub fn kind(code: &str) -> Result<&'static LetterKind> {
    KINDS
        .iter()
        .find(|k| k.code == code)
        .ok_or_else(|| AppError::not_found(format!("没有“{code}”这种文书")))
}

/// The 答复告知书 for an outcome.
pub fn reply_kind(outcome: Outcome) -> &'static LetterKind {
    let code = match outcome.code() {
        "granted" => "reply_granted",
        "partial" => "reply_partial",
        c if c.starts_with("denied_") => "reply_denied",
        c if c.starts_with("unable_") => "reply_unable",
        c if c.starts_with("np_") => "reply_not_processed",
        _ => "reply_other",
    };
    KINDS.iter().find(|k| k.code == code).unwrap_or(&KINDS[5])
}

/// The values of a letter's placeholders.
pub type Values = Vec<(&'static str, String)>;

/// Chinese date as documents print it (成文日期 in Arabic numerals, GB/T 9704 7.3.5.1).
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The placeholders a template uses, in order (with duplicates).
fn placeholders(body: &str) -> Result<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(AppError::invalid("模板中有未闭合的“{{”"));
        };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// Checks a template for a kind: only placeholders it knows, and (for a letter) the lines the
/// layout needs.
pub fn validate(kind: &LetterKind, body: &str) -> Result<()> {
    let known = |p: &str| COMMON_FIELDS.iter().any(|(n, _)| *n == p) || kind.fields.contains(&p);
    for p in placeholders(body)? {
        let ok = if kind.setting { kind.fields.contains(&p) } else { known(p) };
        if !ok {
            return Err(AppError::invalid(format!("“{}”不能使用占位符“{{{{{p}}}}}”", kind.label)));
        }
    }
    if let Err(m) = crate::limits::check_text(body, crate::limits::TextKind::Multiline, 20_000) {
        return Err(AppError::invalid(format!("模板{m}")));
    }
    if kind.setting {
        if body.trim().is_empty() || body.contains('\n') || body.chars().count() > 60 {
            return Err(AppError::invalid(format!("“{}”须为一行、不超过60个字", kind.label)));
        }
        return Ok(());
    }
    if body.chars().count() > 20_000 {
        return Err(AppError::invalid("模板过长（最多 20000 字）"));
    }
    let lines: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() < 6 {
        return Err(AppError::invalid("模板至少需要 6 行：标题、文号、称谓、正文、落款机关、日期"));
    }
    if lines[1] != "{{文号}}" {
        return Err(AppError::invalid("模板第二行须为“{{文号}}”（发文字号在标题之下）"));
    }
    Ok(())
}

/// Fills a template. Values of one-line placeholders have their line breaks turned into spaces;
/// the reply's text, the corrections and the fee breakdown may span paragraphs.
pub fn fill(body: &str, values: &[(&str, String)]) -> Result<String> {
    let multi = ["答复内容", "补正事项", "收费明细", "征求事项"];
    let mut out = String::with_capacity(body.len() + 256);
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(AppError::invalid("模板中有未闭合的“{{”"));
        };
        let name = after[..end].trim();
        let Some((_, v)) = values.iter().find(|(n, _)| *n == name) else {
            return Err(AppError::invalid(format!("文书缺少“{name}”的内容")));
        };
        if multi.contains(&name) {
            out.push_str(v.trim());
        } else {
            out.push_str(&v.replace(['\r', '\n'], " "));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A letter laid out for printing (HTML, DOCX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The title.
    pub title: String,
    /// The 文号 line.
    pub number: String,
    /// The addressee (称谓).
    pub addressee: String,
    /// The paragraphs of the body.
    pub paragraphs: Vec<String>,
    /// The 落款 lines (agency, date).
    pub signature: Vec<String>,
}

/// Splits a letter's text by the template's line rule.
pub fn layout(text: &str) -> Layout {
    let lines: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    let at = |i: usize| lines.get(i).cloned().unwrap_or_default();
    let n = lines.len();
    let (body_end, signature) = if n >= 5 { (n - 2, lines[n - 2..].to_vec()) } else { (n, Vec::new()) };
    Layout {
        title: at(0),
        number: at(1),
        addressee: at(2),
        paragraphs: lines.get(3..body_end).map(<[String]>::to_vec).unwrap_or_default(),
        signature,
    }
}

/// The agency's template for a kind (its own, or the default) and whether it is its own.
pub async fn template(rec: &Records, agency: &Agency, kind: &LetterKind) -> Result<(String, bool)> {
    rec.require(Right::Read, agency).await?;
    Ok(match rec.store().letter_template(agency.id, kind.code).await? {
        Some(b) => (b, true),
        None => (kind.default.to_string(), false),
    })
}

/// Saves an agency's template for a kind (administrators).
pub async fn set_template(rec: &Records, agency: &Agency, kind: &LetterKind, body: &str) -> Result<()> {
    rec.require(Right::Administer, agency).await?;
    let body = body.replace("\r\n", "\n");
    validate(kind, &body)?;
    Ok(rec.store().set_letter_template(&rec.ctx(), agency.id, kind.code, Some(body)).await?)
}

/// Goes back to the default template (administrators).
pub async fn reset_template(rec: &Records, agency: &Agency, kind: &LetterKind) -> Result<()> {
    rec.require(Right::Administer, agency).await?;
    Ok(rec.store().set_letter_template(&rec.ctx(), agency.id, kind.code, None).await?)
}

/// The default reconsideration body: the people's government above (the county office's name
/// without 办公室), else 上一级人民政府.
async fn government_above(rec: &Records, agency: &Agency) -> Result<String> {
    let Some(parent) = agency.parent else { return Ok("上一级人民政府".into()) };
    let all = rec.all_agencies().await?;
    Ok(match all.iter().find(|a| a.id == parent) {
        Some(p) => p.name.strip_suffix("办公室").unwrap_or(&p.name).to_string(),
        None => "上一级人民政府".into(),
    })
}

/// The agency's setting (the reconsideration body), filled.
async fn setting(rec: &Records, agency: &Agency, code: &str) -> Result<String> {
    let k = kind(code)?;
    let (body, _) = template(rec, agency, k).await?;
    let above = government_above(rec, agency).await?;
    fill(&body, &[("上级人民政府", above)])
}

/// The 机关代字 of an agency's document numbers when it has set none.
pub const DEFAULT_PREFIX: &str = "信息公开";

/// The template kind under which earlier versions kept the 机关代字 (before it became the agency
/// setting `document_prefix`). Still read, so an agency's numbering does not change under it,
/// until the agency's settings are next saved ([`crate::records::Records::update_agency`] moves
/// it into the settings and removes the row).
pub(crate) const LEGACY_PREFIX_KIND: &str = "doc_prefix";

/// The 机关代字 of the agency's document numbers (`{代字}〔年份〕N号`): its setting
/// `document_prefix`, else the one an earlier version kept with the letter templates, else
/// [`DEFAULT_PREFIX`].
pub async fn document_prefix(rec: &Records, agency: &Agency) -> Result<String> {
    rec.require(Right::Read, agency).await?;
    let own = agency.settings.document_prefix.trim();
    if !own.is_empty() {
        return Ok(own.to_string());
    }
    Ok(match legacy_prefix(rec, agency).await? {
        Some(p) => p,
        None => DEFAULT_PREFIX.to_string(),
    })
}

/// The 机关代字 kept with the letter templates by an earlier version, if any.
pub(crate) async fn legacy_prefix(rec: &Records, agency: &Agency) -> Result<Option<String>> {
    Ok(rec
        .store()
        .letter_template(agency.id, LEGACY_PREFIX_KIND)
        .await?
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty()))
}

/// Checks a 机关代字: one line, at most 40 characters, without the year's brackets or digits
/// (the year and the number are the system's).
pub fn check_prefix(prefix: &str) -> std::result::Result<(), String> {
    let p = prefix.trim();
    if p.chars().count() > 40 {
        return Err("发文字号前缀不能超过 40 个字".into());
    }
    if p.chars().any(|c| c.is_control() || "〔〕[]（）()0123456789０１２３４５６７８９".contains(c)) {
        return Err("发文字号前缀只填机关代字（如“民政信公开”），年份和序号由系统生成".into());
    }
    Ok(())
}

/// The reconsideration body the agency's remedies notice names.
pub async fn reconsideration_body(rec: &Records, agency: &Agency) -> Result<String> {
    setting(rec, agency, "reconsideration_body").await
}

/// The remedies notice of a reply (refusal: reconsideration first).
pub async fn remedies(rec: &Records, agency: &Agency, refusal: bool) -> Result<String> {
    Ok(guide::remedies(refusal, &reconsideration_body(rec, agency).await?))
}

fn common(agency: &Agency, app: &Application, on: NaiveDate) -> Values {
    vec![
        ("文号", DOC_NUMBER_MARK.to_string()),
        ("机关", agency.name.clone()),
        ("申请人", app.applicant.name.clone()),
        ("申请日期", date_zh(app.received_on)),
        ("申请内容", app.content.clone()),
        ("编号", app.number.clone()),
        ("日期", date_zh(on)),
    ]
}

/// Issues a letter of `kind` on a case, filled with the case's facts and `values`, numbered with
/// the agency's next document number of `on`'s year.
pub async fn issue(rec: &Records, app: &Application, kind: &LetterKind, values: Values, on: NaiveDate) -> Result<Letter> {
    if kind.setting {
        return Err(AppError::invalid(format!("“{}”不是文书", kind.label)));
    }
    let agency = rec.store().agency(app.agency).await?;
    rec.require(Right::Handle, &agency).await?;
    if on > rec.today() {
        return Err(AppError::invalid(format!("出具日期（{on}）晚于今天")));
    }
    let (body, _) = template(rec, &agency, kind).await?;
    for (name, v) in &values {
        crate::limits::check_text(v, crate::limits::TextKind::Multiline, crate::limits::MAX_LONG_TEXT)
            .map_err(|m| AppError::invalid(format!("{name}{m}")))?;
    }
    let mut all = common(&agency, app, on);
    all.extend(values);
    let text = fill(&body, &all)?;
    let prefix = document_prefix(rec, &agency).await?;
    Ok(rec
        .store()
        .issue_letter(
            &rec.ctx(),
            NewLetter { application: app.id, kind: kind.code.to_string(), issued_on: on, prefix, body: text, reply: kind.is_reply() },
        )
        .await?)
}

/// A template filled with sample values (the template page's preview), never stored.
pub fn preview(agency: &Agency, kind: &LetterKind, body: &str) -> Result<String> {
    validate(kind, body)?;
    let sample: Values = vec![
        ("文号", format!("{}〔2025〕1号", Some(agency.settings.document_prefix.trim()).filter(|p| !p.is_empty()).unwrap_or(DEFAULT_PREFIX))),
        ("机关", agency.name.clone()),
        ("申请人", "张三".into()),
        ("申请日期", "2025年6月2日".into()),
        ("申请内容", "2024年村道修建资金的使用情况".into()),
        ("编号", "2025-000001".into()),
        ("日期", "2025年6月30日".into()),
        ("答复内容", "您所申请的政府信息属于可以公开的政府信息。……".into()),
        ("法律依据", "《中华人民共和国政府信息公开条例》第三十六条第（二）项".into()),
        ("救济途径", guide::remedies(false, "岚皋县人民政府")),
        ("补正事项", "1.请写明所需信息的名称、文号或者其他特征性描述。".into()),
        ("补正期限", "2025年7月15日".into()),
        ("延期理由", "所需信息涉及多个年度，需要检索核实".into()),
        ("延期天数", "20".into()),
        ("答复期限", "2025年7月28日".into()),
        ("征求对象", "某某公司".into()),
        ("征求事项", "某某项目的合同文本".into()),
        ("意见期限", "2025年7月21日".into()),
        ("收费明细", "收费依据：国办函〔2020〕109号\n计收方式：按量计收，本件共40页".into()),
        ("应缴金额", "100".into()),
        ("缴费方式", "到本机关财务室缴纳，或者通过非税收入缴款码缴纳".into()),
        ("上级人民政府", "岚皋县人民政府".into()),
    ];
    fill(body, &sample)
}

/// The letters of a case.
pub async fn of_case(rec: &Records, app: &Application) -> Result<Vec<Letter>> {
    let agency = rec.store().agency(app.agency).await?;
    rec.require(Right::Read, &agency).await?;
    Ok(rec.store().letters(app.id).await?)
}

/// One letter, if the principal may see its agency's records ("not found" otherwise, exactly as
/// a missing one).
pub async fn get(rec: &Records, id: i64) -> Result<Letter> {
    let not_found = || AppError::not_found(format!("未找到序号为 {id} 的文书（或无权查看）"));
    let letter = match rec.store().letter(id).await {
        Ok(l) => l,
        Err(gongkai_store::StoreError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let agency = rec.store().agency(letter.agency).await?;
    if !rec.can(Right::Read, &agency).await? {
        return Err(not_found());
    }
    Ok(letter)
}

/// The Chinese name of a letter's kind.
pub fn label(code: &str) -> &'static str {
    KINDS.iter().find(|k| k.code == code).map_or("文书", |k| k.label)
}
