//! Who and when: the format version, the year, the agency, its level and the report's date.

use chrono::NaiveDate;
use gongkai_domain::report::spec::FormatVersion;
use gongkai_domain::report::{AgencyLevel, Section};
use crate::read::decode::is_blank;
use crate::read::label::normalize_cow;

use super::cells::value_like;
use super::Item;

const EVIDENCE_2019: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "采购总金额",
    "其他对外管理服务事项",
    "政府集中采购",
    "处理决定数量",
    "第二十条第（九）项",
];
const EVIDENCE_2021: &[&str] =
    &["本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额（单位：万元）", "本年度止件数"];

/// The format the tables follow, from table 二's headers and table 三's （六） sub-rows.
pub(super) fn detect_format(items: &[Item<'_, '_>]) -> Option<FormatVersion> {
    let (mut v19, mut v21) = (0u32, 0u32);
    for it in items {
        for c in it.cells {
            if c.is_empty() || c.len() > 120 || value_like(c) {
                continue;
            }
            let first = c.chars().next().unwrap_or(' ');
            let numbered = matches!(first, '1' | '2' | '１' | '２');
            if !numbered && !matches!(first, '本' | '对' | '上' | '采' | '其' | '政' | '处' | '第' | '现') {
                continue;
            }
            // of the numbered rows only （六）'s two sub-rows of the 2021 format are evidence
            if numbered && !c.contains("申请人") {
                continue;
            }
            let n = normalize_cow(c);
            if EVIDENCE_2019.contains(&n.as_ref()) {
                v19 += 1;
            } else if EVIDENCE_2021.contains(&n.as_ref()) || n.starts_with("1.申请人无正当理由逾期不补正") || n.starts_with("2.申请人逾期未按收费通知")
            {
                v21 += 1;
            }
        }
    }
    match v19.cmp(&v21) {
        std::cmp::Ordering::Greater => Some(FormatVersion::V2019),
        std::cmp::Ordering::Less => Some(FormatVersion::V2021),
        std::cmp::Ordering::Equal => None,
    }
}

/// `NNNN年` occurrences (blanks between the digits and 年 allowed): (year, byte offset of the
/// first digit, byte offset after 年).
fn years(s: &str) -> impl Iterator<Item = (u16, usize, usize)> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 4 <= b.len() {
            if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit()) {
                let start = i;
                let rest = &s[i + 4..];
                let skip = rest.len() - rest.trim_start_matches([' ', '\u{3000}', '\u{a0}']).len();
                i += 4;
                if rest[skip..].starts_with('年') {
                    let y: u16 = s[start..start + 4].parse().unwrap_or(0);
                    if (2000..=2100).contains(&y) {
                        return Some((y, start, start + 4 + skip + '年'.len_utf8()));
                    }
                }
            } else {
                i += 1;
            }
        }
        None
    })
}

/// A statistical period whose date lost its 年 and 月 (`自202011日起至20201231日止`, a copy
/// that dropped the characters between the digits): a run of six to eight digits before 日 that
/// is a year and 1 January (`11`, `011`, `101`, `0101`) or 31 December (`1231`).
fn run_together_period(p: &str) -> Option<u16> {
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = p[i + len..].trim_start_matches(is_blank);
        if (6..=8).contains(&len) && after.starts_with('日') {
            let (y, md) = (&p[i..i + 4], &p[i + 4..i + len]);
            if matches!(md, "11" | "011" | "101" | "0101" | "1231")
                && let Ok(y) = y.parse::<u16>()
                && (2008..=2100).contains(&y)
            {
                return Some(y);
            }
        }
        i += len;
    }
    None
}

/// The report year: a title line (`…2024年…报告`), else the statistical period (`统计期限…
/// 2024年1月1日`), else the first paragraph opening with a year (`2024年，…`).
pub(super) fn detect_year(items: &[Item<'_, '_>]) -> Option<u16> {
    let paras = || items.iter().filter(|i| i.cells.iter().filter(|c| !c.is_empty()).count() == 1).filter_map(|i| i.cells.iter().find(|c| !c.is_empty()).copied());
    // 1. a short title line
    for p in paras().take(40) {
        if p.chars().count() <= 80 && (p.contains("报告") || p.contains("政府信息公开工作"))
            && let Some((y, _, _)) = years(p).next() {
                return Some(y);
            }
    }
    // 2. the statistical period
    for p in paras() {
        for (y, _, end) in years(p) {
            let after: String = p[end..].chars().filter(|c| !is_blank(*c)).take(4).collect();
            if after.starts_with("1月1日") || after.starts_with("01月01") {
                return Some(y);
            }
        }
    }
    // 2b. the period with its digits run together (自202011日起至20201231日止)
    for p in paras() {
        if let Some(y) = run_together_period(p) {
            return Some(y);
        }
    }
    // 3. a paragraph (or a long crawled line) opening with the year; not a date alone (the
    // 落款's 2025年1月20日 is the year after the report's, and nothing else says which)
    for p in paras() {
        let date_alone = p.chars().count() <= 12 && p.trim_end_matches(is_blank).ends_with('日');
        if date_alone {
            continue;
        }
        if let Some((y, 0, _)) = years(p).next() {
            return Some(y);
        }
    }
    None
}

/// Name endings of agencies, longest first.
const AGENCY_SUFFIXES: &[&str] = &[
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "街道办事处",
    "办事处",
    "综合实验区",
    "管理委员会",
    "委员会",
    "管委会",
    "新区",
    "开发区",
    "高新区",
    "局",
    "委",
    "办公室",
    "办公厅",
    "厅",
    "办",
    "中心",
    "署",
];

/// Common abbreviations of department names in titles (上海市科委 → 上海市科学技术委员会).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("科委", "科学技术委员会"),
    ("科技局", "科学技术局"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("经信委", "经济和信息化委员会"),
    ("经信局", "经济和信息化局"),
    ("人社局", "人力资源和社会保障局"),
    ("住建局", "住房和城乡建设局"),
    ("住建委", "住房和城乡建设委员会"),
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康局"),
    ("市监局", "市场监督管理局"),
    ("教委", "教育委员会"),
    ("生态环境局", "生态环境局"),
    ("交通局", "交通运输局"),
    ("农业农村局", "农业农村局"),
];

fn expand_abbreviation(name: &str) -> String {
    for (short, long) in ABBREVIATIONS {
        if let Some(prefix) = name.strip_suffix(short) {
            return format!("{prefix}{long}");
        }
    }
    name.to_owned()
}

fn has_agency_suffix(name: &str) -> bool {
    AGENCY_SUFFIXES.iter().any(|s| name.ends_with(s)) || ABBREVIATIONS.iter().any(|(s, _)| name.ends_with(s))
}

fn is_name_char(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) && !"的了在是和与及为由对于把被将从向以等".contains(c)
}

/// A plausible agency name: CJK only, 3-30 characters, ending with an agency suffix, not a
/// generic phrase (我区, 本机关, 全市 …).
fn plausible_name(s: &str) -> Option<String> {
    let s: String = s.chars().filter(|c| !is_blank(*c)).collect();
    let n = s.chars().count();
    if !(3..=30).contains(&n) || !s.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        return None;
    }
    if s.starts_with(['我', '本', '全', '各', '该', '市', '区', '县', '镇', '乡']) && n <= 4 {
        return None;
    }
    if ["政府信息公开", "年度报告", "工作报告"].iter().any(|w| s.contains(w)) {
        return None;
    }
    has_agency_suffix(&s).then(|| expand_abbreviation(&s))
}

/// The name ending right before `end` in `s`: the run of name characters, cut after the last
/// navigation word (首页 …年报 平潭综合实验区).
fn name_before(s: &str, end: usize) -> Option<String> {
    let head = &s[..end];
    let head = head.trim_end_matches(is_blank);
    let start = head.char_indices().rev().take_while(|(_, c)| ('\u{4E00}'..='\u{9FFF}').contains(c)).last().map_or(head.len(), |(i, _)| i);
    let mut run = &head[start..];
    for w in ["首页", "年报", "公开", "位置", "报告", "公布", "发布", "现将", "编制", "印发", "标题", "来源"] {
        if let Some(p) = run.rfind(w) {
            run = &run[p + w.len()..];
        }
    }
    plausible_name(run)
}

/// Agency name and report date from the preamble (title lines) and the last paragraphs.
pub(super) fn detect_meta(paras: &[(usize, u32, &str)], sections: &[Section]) -> (Option<String>, Option<NaiveDate>) {
    let preamble_end = paras.iter().position(|(s, _, _)| sections.get(*s).is_some_and(|x| x.id.is_some())).unwrap_or(paras.len());
    let preamble = &paras[..preamble_end];
    let mut title: Option<String> = None;
    let mut standalone: Option<String> = None;
    for (i, (_, _, p)) in preamble.iter().take(60).enumerate() {
        if p.chars().count() > 60 {
            continue;
        }
        // a title on two lines (…2024年政府信息 / 公开工作年度报告): the line and the next one
        let joined: String;
        let head: &str = match preamble.get(i + 1) {
            Some((_, _, next)) if !p.contains("报告") && next.contains("报告") && years(p).next().is_some() && p.chars().count() + next.chars().count() <= 60 => {
                joined = format!("{p}{next}");
                &joined
            }
            _ => p,
        };
        // X关于2024年…报告 / X2024年…报告 / 2024年X政府信息公开…: the 关于 of a title near the top,
        // never of a document cited in 《》 (《国务院办公厅政府信息与政务公开办公室关于印发…》)
        if i < 10
            && head.contains("报告")
            && let Some(pos) = head
                .match_indices("关于")
                .map(|(p, _)| p)
                // not a notice that publishes the report (X办公室关于印发《…报告》的通知): its
                // sender is not the report's agency
                .find(|&p| !crate::read::crawl::inside_book_title(head, p) && !["印发", "转发", "公布", "发布"].iter().any(|w| head[p + "关于".len()..].starts_with(w)))
            && let Some(n) = name_before(head, pos) {
                title = pick(title, n);
                continue;
            }
        if let Some((_, ystart, yend)) = years(head).next()
            && (head.contains("报告") || head.contains("政府信息公开") || head.contains("政务公开")) {
                if let Some(n) = name_before(head, ystart) {
                    title = pick(title, n);
                    continue;
                }
                let rest = &head[yend..];
                let rest = rest.strip_prefix('度').unwrap_or(rest);
                for w in ["政府信息公开", "政务公开", "信息公开"] {
                    if let Some(p) = rest.find(w) {
                        if let Some(n) = plausible_name(&rest[..p]) {
                            title = pick(title, n);
                        }
                        break;
                    }
                }
                continue;
            }
        if p.chars().count() <= 30
            && let Some(n) = plausible_name(p) {
                standalone = pick(standalone, n);
            }
    }
    let mut agency = match (title, standalone) {
        (Some(t), Some(s)) => Some(if s.ends_with(&t) { s } else { t }),
        (t, s) => t.or(s),
    };
    let first_text = || paras.iter().filter(|(s, _, _)| sections.get(*s).is_some_and(|x| x.id.as_deref() == Some("s1"))).map(|(_, _, p)| *p).next();
    if agency.is_none() {
        agency = signature(paras);
    }
    if agency.is_none() {
        // 本报告由X办公室…编制
        for (_, _, p) in preamble.iter().take(10) {
            if let Some(pos) = p.find("本报告由") {
                let rest = &p[pos + "本报告由".len()..];
                let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                let mut name = &rest[..end];
                for cut in ["根据", "编制", "负责"] {
                    if let Some(i) = name.find(cut) {
                        name = &name[..i];
                    }
                }
                let name = name.strip_suffix("办公室").filter(|n| n.ends_with("人民政府")).unwrap_or(name);
                agency = plausible_name(name);
                break;
            }
        }
    }
    if agency.is_none() {
        // 2024年，平潭综合实验区坚持…
        if let Some(p) = first_text()
            && let Some((_, 0, yend)) = years(p).next() {
                let rest = p[yend..].trim_start_matches(['，', ',', ' ', '度']);
                let window: String = rest.chars().take(24).collect();
                let mut best: Option<usize> = None;
                for s in AGENCY_SUFFIXES {
                    if let Some(i) = window.find(s) {
                        let e = i + s.len();
                        if best.is_none_or(|b| e < b) {
                            best = Some(e);
                        }
                    }
                }
                if let Some(e) = best {
                    agency = plausible_name(&window[..e]);
                }
            }
    }
    // a fuller form elsewhere in the preamble: 洪泽区人民政府 → 淮安市洪泽区人民政府
    if let Some(a) = &agency {
        for (_, _, p) in preamble.iter().take(10) {
            if let Some(pos) = p.find(a.as_str()) {
                let before = &p[..pos];
                let start = before.char_indices().rev().take_while(|(_, c)| is_name_char(*c) && !"本报告由据".contains(*c)).last().map_or(pos, |(i, _)| i);
                let prefix = &before[start..];
                let n = prefix.chars().count();
                if (2..=6).contains(&n) && prefix.ends_with(['市', '省', '州', '县', '区', '盟']) && !a.starts_with(prefix) {
                    agency = Some(format!("{prefix}{a}"));
                    break;
                }
            }
        }
    }
    // the date: the last paragraph that is (or ends with) a date, or a labelled date
    let mut date = None;
    for (_, _, p) in paras.iter().rev().take(12) {
        if let Some(d) = date_of_line(p) {
            date = Some(d);
            break;
        }
    }
    if date.is_none() {
        for (_, _, p) in preamble.iter().take(30) {
            if let Some(d) = date_of_line(p) {
                date = Some(d);
                break;
            }
        }
    }
    (agency, date)
}

/// The 落款 at the end of the report: the name on the line before the date (or before the date
/// on the date's own line), among the last paragraphs.
fn signature(paras: &[(usize, u32, &str)]) -> Option<String> {
    let tail: Vec<&str> = paras.iter().rev().take(8).map(|(_, _, p)| *p).collect();
    let at = tail.iter().position(|p| date_of_line(p).is_some())?;
    let dated: String = tail[at].chars().filter(|c| !is_blank(*c)).collect();
    let digit = dated.find(|c: char| c.is_ascii_digit() || matches!(c, '〇' | '○' | '二' | '一')).unwrap_or(0);
    if digit > 0 {
        return plausible_name(&dated[..digit]);
    }
    tail.get(at + 1).filter(|p| p.chars().count() <= 30).and_then(|p| plausible_name(p))
}

/// The level from how the report speaks of its agency (我镇, 本局 …), when its name is not found:
/// the one kind of agency the narrative names itself as, or none when it uses several (a
/// township report citing 我县's requirements is not told from a county's).
pub(super) fn level_from_phrases(sections: &[Section]) -> Option<AgencyLevel> {
    const KINDS: [(&[&str], AgencyLevel); 3] = [
        (&["我镇", "本镇", "我乡", "本乡", "我街道", "本街道"], AgencyLevel::Township),
        (&["我县", "本县"], AgencyLevel::County),
        (&["我局", "本局", "我委", "本委", "我厅", "本厅"], AgencyLevel::Department),
    ];
    let mut found: Option<AgencyLevel> = None;
    for (words, level) in KINDS {
        if sections.iter().any(|s| words.iter().any(|w| s.text.contains(w))) {
            if found.is_some() {
                return None;
            }
            found = Some(level);
        }
    }
    found
}

/// The first candidate stands, unless a later one is its fuller form (民主镇人民政府 →
/// 岚皋县民主镇人民政府).
fn pick(old: Option<String>, new: String) -> Option<String> {
    match old {
        Some(o) if !(new.ends_with(&o) && new.len() > o.len() && new.chars().count() <= o.chars().count() + 6) => Some(o),
        _ => Some(new),
    }
}

/// The level of an agency from its name.
pub fn level_of(name: &str) -> Option<AgencyLevel> {
    const MUNICIPALITIES: [&str; 4] = ["北京市", "上海市", "天津市", "重庆市"];
    if let Some(gov) = name.strip_suffix("人民政府") {
        if gov.ends_with('镇') || gov.ends_with('乡') || gov.ends_with("街道") {
            return Some(AgencyLevel::Township);
        }
        if MUNICIPALITIES.contains(&gov) || gov.ends_with('省') || gov.ends_with("自治区") {
            return Some(AgencyLevel::Province);
        }
        if gov.ends_with('县') || gov.ends_with('区') || gov.ends_with('旗') || gov.ends_with("自治县") {
            return Some(AgencyLevel::County);
        }
        if gov.ends_with('市') || gov.ends_with('州') || gov.ends_with('盟') {
            return Some(AgencyLevel::City);
        }
        return None;
    }
    if name.ends_with("办事处") {
        return Some(AgencyLevel::Township);
    }
    if ["综合实验区", "新区", "开发区", "高新区"].iter().any(|s| name.ends_with(s)) {
        return Some(AgencyLevel::County);
    }
    if ["局", "委员会", "委", "办公室", "办公厅", "厅", "办", "中心", "署", "管委会", "管理委员会"].iter().any(|s| name.ends_with(s)) {
        return Some(AgencyLevel::Department);
    }
    None
}

/// A line that is a date (`2025年1月20日`, `二〇二五年一月二十日`, `2025-01-20`), possibly after
/// a signature (`民主镇人民政府 2025年1月20日`) or a label (`发布日期：`, `时间：`).
fn date_of_line(p: &str) -> Option<NaiveDate> {
    if !p.contains('日') && !p.contains("时间") {
        return None;
    }
    let long = p.chars().filter(|c| !is_blank(*c)).nth(48).is_some();
    // a long paragraph only counts with a labelled date (日期：, 时间：)
    if long && !p.contains("日期") && !p.contains("时间") {
        return None;
    }
    if long {
        // a crawled page: look for a labelled date
        return labelled_date(p);
    }
    // without blanks: the runs between them copied whole
    let s: String = crate::read::crawl::words(p).collect();
    let s = s.trim_end_matches(['。', '.']);
    for label in ["发布日期：", "发布时间：", "成文日期：", "时间：", "日期：", "印发日期："] {
        if let Some(i) = s.find(label) {
            return parse_date_prefix(&s[i + label.len()..]);
        }
    }
    // the date at the end of the line, the rest (if any) an agency name
    // where the year starts: the first Arabic digit or Chinese year digit
    let i = s.find(|c: char| c.is_ascii_digit() || matches!(c, '〇' | '○' | '二' | '一'))?;
    let head = &s[..i];
    if !head.is_empty() && plausible_name(head).is_none() {
        return None;
    }
    parse_date_exact(&s[i..])
}

/// The date after the first of each label (`发布日期：`, in the text without blanks) that is
/// followed by one, in the labels' order. Every label ends with its only `：`: an occurrence is
/// a `：` of the text whose preceding non-blank characters are the rest of the label, so a long
/// text is not copied without its blanks to find them.
fn labelled_date(p: &str) -> Option<NaiveDate> {
    let colons: Vec<usize> = p.match_indices('：').map(|(i, _)| i).collect();
    for label in ["发布日期", "发布时间", "成文日期", "时间", "日期"] {
        let n = label.chars().count();
        let first = colons.iter().find(|&&c| p[..c].chars().rev().filter(|ch| !is_blank(*ch)).take(n).eq(label.chars().rev()));
        if let Some(&c) = first {
            let rest: String = p[c + '：'.len_utf8()..].chars().filter(|ch| !is_blank(*ch)).take(12).collect();
            if let Some(d) = parse_date_prefix(&rest) {
                return Some(d);
            }
        }
    }
    None
}

fn parse_date_prefix(s: &str) -> Option<NaiveDate> {
    // YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日 at the start
    let b = s.as_bytes();
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) {
        let y: i32 = s[..4].parse().ok()?;
        let rest = &s[4..];
        let sep = rest.chars().next()?;
        let parts: Vec<&str> = rest[sep.len_utf8()..].splitn(2, [sep, '月']).collect();
        let m: u32 = parts.first()?.parse().ok()?;
        let d_str: String = parts.get(1)?.chars().take_while(char::is_ascii_digit).take(2).collect();
        let d: u32 = d_str.parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    parse_date_exact(s).or_else(|| {
        let end = s.find('日').map(|i| i + '日'.len_utf8())?;
        parse_date_exact(&s[..end])
    })
}

/// Exactly a date in Chinese style, Arabic or Chinese numerals.
fn parse_date_exact(s: &str) -> Option<NaiveDate> {
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let y = if y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit()) {
        y.parse().ok()?
    } else {
        let digits: Option<String> = y
            .chars()
            .map(|c| match c {
                '〇' | '○' | '零' | 'Ｏ' | 'O' | '0' => Some('0'),
                _ => "一二三四五六七八九".chars().position(|x| x == c).and_then(|p| char::from_digit(u32::try_from(p + 1).ok()?, 10)),
            })
            .collect();
        let digits = digits?;
        if digits.len() != 4 {
            return None;
        }
        digits.parse().ok()?
    };
    let m = small_number(m)?;
    let d = small_number(d)?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn small_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| "一二三四五六七八九".chars().position(|x| x == c).and_then(|p| u32::try_from(p + 1).ok());
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', c] => Some(10 + digit(*c)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', c] => Some(digit(*a)? * 10 + digit(*c)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_with_its_digits_run_together_gives_the_year() {
        assert_eq!(run_together_period("本报告所列数据的统计期限自202011日起至20201231日止。"), Some(2020));
        assert_eq!(run_together_period("统计期限自2023年1月1日"), None);
        assert_eq!(run_together_period("电话 05278359305日"), None);
        assert_eq!(run_together_period("20240101 日"), Some(2024));
    }

    #[test]
    fn dates_in_every_style() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 20);
        assert_eq!(date_of_line("2025年1月20日"), d);
        assert_eq!(date_of_line("二〇二五年一月二十日"), d);
        assert_eq!(date_of_line("民主镇人民政府 2025年1月20日"), d);
        assert_eq!(date_of_line("发布日期：2025-01-20"), d);
        assert_eq!(date_of_line("本年度未收取信息处理费。"), None);
        // a long crawled paragraph: a labelled date only, blanks anywhere in the label
        let filler = "本机关按照条例规定编制并公布本年度政府信息公开工作年度报告，";
        assert_eq!(date_of_line(&format!("{filler}{filler}发 布 日 期 ： 2025 - 01-20 时间：2024年1月1日")), d);
        assert_eq!(date_of_line(&format!("{filler}{filler}来源：本站 时间：2025年1月20日 日期：无")), d);
        assert_eq!(date_of_line(&format!("{filler}{filler}日期：不详 ，时间：无")), None);
    }

    #[test]
    fn levels_from_names() {
        assert_eq!(level_of("岚皋县民主镇人民政府"), Some(AgencyLevel::Township));
        assert_eq!(level_of("淮安市人民政府"), Some(AgencyLevel::City));
        assert_eq!(level_of("淮安市洪泽区人民政府"), Some(AgencyLevel::County));
        assert_eq!(level_of("沭阳县发展和改革局"), Some(AgencyLevel::Department));
        assert_eq!(level_of("上海市科学技术委员会"), Some(AgencyLevel::Department));
        assert_eq!(level_of("平潭综合实验区"), Some(AgencyLevel::County));
        assert_eq!(level_of("上海市人民政府"), Some(AgencyLevel::Province));
        assert_eq!(level_of("福建省人民政府"), Some(AgencyLevel::Province));
    }
}
