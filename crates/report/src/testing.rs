//! Deterministic random annual reports for tests and benchmarks (not part of the stable API).
//!
//! [`sample_report`] makes a report of either format whose arithmetic holds by construction:
//! row totals, the results total and the balance rule 一 + 二 = 三（七）+ 四 in every column,
//! table 四's group totals; with realistic agency names and levels, narrative paragraphs that
//! agree with the tables, and in some seeds blank cells (a blank is not 0) and decimal fees.
//! [`sample_inconsistent_report`] plants one known arithmetic defect.

use chrono::NaiveDate;
use gongkai_domain::report::spec::{CellKind, T3_TOTAL, T4_ROW, t3_result_leaves};
use gongkai_domain::report::{
    AgencyLevel, CheckCode, Decimal, FormatVersion, Report, Row, Section, Table, TableId, Value,
};

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = u64::try_from(hi - lo).unwrap_or(u64::MAX).saturating_add(1);
        lo + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// True with probability `p` percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let n = u64::try_from(items.len()).unwrap_or(1).max(1);
        &items[usize::try_from(self.next_u64() % n).unwrap_or(0)]
    }

    /// A count that is usually 0 and otherwise up to `max`.
    fn sparse(&mut self, zero_percent: u64, max: i64) -> i64 {
        if self.chance(zero_percent) {
            0
        } else {
            self.range(1, max.max(1))
        }
    }
}

/// What a generated report may contain beyond clean whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleOptions {
    /// Print some zero cells blank (read as 0, but not the same as 0).
    pub blanks: bool,
    /// Give the fee amounts decimals.
    pub decimals: bool,
    /// Add an introductory paragraph after the title, before 一、总体情况.
    pub preamble: bool,
    /// Print the date (落款 with 成文日期).
    pub date: bool,
}

impl SampleOptions {
    /// The options a seed implies (each feature in a good share of seeds).
    pub fn for_seed(seed: u64) -> Self {
        let mut rng = Rng::new(seed.rotate_left(17) ^ 0xA5A5);
        SampleOptions {
            blanks: rng.chance(30),
            decimals: rng.chance(50),
            preamble: rng.chance(70),
            date: rng.chance(60),
        }
    }

    /// Whole numbers only, no blanks, no preamble, no date.
    pub const PLAIN: SampleOptions = SampleOptions {
        blanks: false,
        decimals: false,
        preamble: false,
        date: false,
    };
}

const COUNTIES: &[&str] = &[
    "岚皋", "洪泽", "沭阳", "平和", "安远", "青田", "凤台", "宁陵", "太和", "永和", "定远", "临泽",
    "通渭", "宜川", "紫阳", "旬阳",
];
const TOWNS: &[&str] = &[
    "民主", "城关", "花园", "石门", "龙泉", "双河", "新华", "红星", "和平", "长安", "蔺河", "四季",
];
const CITIES: &[&str] = &[
    "淮安", "宿迁", "安康", "商洛", "信阳", "泉州", "汉中", "衢州", "赣州", "宜宾",
];
const PROVINCES: &[&str] = &[
    "陕西", "江苏", "福建", "河南", "浙江", "江西", "四川", "安徽",
];
const DEPARTMENTS: &[&str] = &[
    "发展和改革局",
    "教育局",
    "财政局",
    "自然资源局",
    "卫生健康委员会",
    "市场监督管理局",
    "生态环境局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
];
const PROVINCE_DEPARTMENTS: &[&str] =
    &["科学技术厅", "教育厅", "民政厅", "交通运输厅", "生态环境厅"];

fn agency(rng: &mut Rng, level: AgencyLevel) -> String {
    let county = *rng.pick(COUNTIES);
    let city = *rng.pick(CITIES);
    match level {
        AgencyLevel::Township => match rng.range(0, 2) {
            0 => format!("{county}县{}镇人民政府", rng.pick(TOWNS)),
            1 => format!("{county}县{}乡人民政府", rng.pick(TOWNS)),
            _ => format!("{city}市{county}区{}街道办事处", rng.pick(TOWNS)),
        },
        AgencyLevel::County => {
            if rng.chance(50) {
                format!("{county}县人民政府")
            } else {
                format!("{city}市{county}区人民政府")
            }
        }
        AgencyLevel::City => format!("{city}市人民政府"),
        AgencyLevel::Province => format!("{}省人民政府", rng.pick(PROVINCES)),
        AgencyLevel::Department => match rng.range(0, 2) {
            0 => format!("{county}县{}", rng.pick(DEPARTMENTS)),
            1 => format!("{city}市{}", rng.pick(DEPARTMENTS)),
            _ => format!(
                "{}省{}",
                rng.pick(PROVINCES),
                rng.pick(PROVINCE_DEPARTMENTS)
            ),
        },
    }
}

/// How large the counts of an agency's level are.
fn scale(level: AgencyLevel) -> i64 {
    match level {
        AgencyLevel::Township => 3,
        AgencyLevel::Department => 20,
        AgencyLevel::County => 40,
        AgencyLevel::City => 150,
        AgencyLevel::Province => 300,
    }
}

/// A deterministic random report: both formats, every level, consistent tables.
pub fn sample_report(seed: u64) -> Report {
    sample_report_with(seed, SampleOptions::for_seed(seed))
}

/// [`sample_report`] with explicit options.
pub fn sample_report_with(seed: u64, options: SampleOptions) -> Report {
    let mut rng = Rng::new(seed);
    let report = tables_only(&mut rng, options);
    finish(report, &mut rng, options)
}

fn tables_only(rng: &mut Rng, options: SampleOptions) -> Report {
    let year = u16::try_from(rng.range(2019, 2025)).unwrap_or(2024);
    let format = FormatVersion::for_year(year);
    let level = *rng.pick(&[
        AgencyLevel::Township,
        AgencyLevel::Township,
        AgencyLevel::County,
        AgencyLevel::City,
        AgencyLevel::Province,
        AgencyLevel::Department,
        AgencyLevel::Department,
    ]);
    let mut report = Report::new(format);
    report.year = Some(year);
    report.level = Some(level);
    report.agency = Some(agency(rng, level));
    if options.date {
        let month = u32::try_from(rng.range(1, 3)).unwrap_or(1);
        let day = u32::try_from(rng.range(1, 28)).unwrap_or(15);
        report.date = NaiveDate::from_ymd_opt(i32::from(year) + 1, month, day);
    }
    report.tables = vec![
        t2(rng, format, level, options),
        t3(rng, format, level),
        t4(rng, level),
    ];
    if options.blanks {
        plant_blanks(rng, &mut report);
    }
    report
}

fn t2(rng: &mut Rng, format: FormatVersion, level: AgencyLevel, options: SampleOptions) -> Table {
    let spec = format.spec().table(TableId::T2);
    let s = scale(level);
    let mut table = Table::filled(spec, &Value::Int(0));
    for row in &mut table.rows {
        let Some((block, _)) = spec.row(row.id) else {
            continue;
        };
        for (i, c) in block.columns.iter().enumerate() {
            let v = match (row.id, c.id, c.kind) {
                ("regulations", _, _) if !level.may_make_regulations() => Value::Int(0),
                (_, _, CellKind::Amount) => {
                    amount(rng, level, options.decimals, c.id == "procurement_amount")
                }
                (_, _, CellKind::SignedCount) => Value::Int(rng.range(-s, s)),
                (_, "valid" | "published_total", _) => Value::Int(rng.range(5, 40 * s)),
                ("admin_licensing" | "admin_penalty", _, _) => Value::Int(rng.sparse(20, 100 * s)),
                _ => Value::Int(rng.sparse(40, s)),
            };
            row.cells[i] = v;
        }
    }
    table
}

fn amount(rng: &mut Rng, level: AgencyLevel, decimals: bool, yuan: bool) -> Value {
    if level == AgencyLevel::Township && !yuan && rng.chance(70) {
        return Value::Int(0);
    }
    let whole = if yuan {
        rng.range(0, 90_000_000)
    } else {
        rng.range(0, scale(level) * 300)
    };
    if !decimals {
        return Value::Int(whole);
    }
    let places = u32::try_from(rng.range(1, 2)).unwrap_or(1);
    let frac = rng.range(1, 10i64.pow(places) - 1);
    let mantissa = i128::from(whole) * 10i128.pow(places) + i128::from(frac);
    Value::from_decimal(Decimal::new(mantissa, places))
}

fn t3(rng: &mut Rng, format: FormatVersion, level: AgencyLevel) -> Table {
    let spec = format.spec().table(TableId::T3);
    let s = scale(level);
    let leaves: Vec<&str> = t3_result_leaves(format).map(|r| r.id).collect();
    let mut table = Table::filled(spec, &Value::Int(0));
    let set = |table: &mut Table, row: &str, col: usize, v: i64| {
        if let Some(r) = table.row_mut(row) {
            r.cells[col] = Value::Int(v);
        }
    };
    // Natural persons apply most; the legal-person columns are mostly empty.
    for col in 0..T3_TOTAL {
        let (zero, max) = if col == 0 {
            (30, s)
        } else {
            (85, (s / 4).max(1))
        };
        let mut results = 0;
        for leaf in &leaves {
            let v = if *leaf == "granted" || *leaf == "unable_not_held" {
                rng.sparse(zero, max)
            } else {
                rng.sparse(zero + 10, max / 2 + 1)
            };
            set(&mut table, leaf, col, v);
            results += v;
        }
        set(&mut table, "results_total", col, results);
        let carried_over = rng.sparse(70, 3);
        let mut carried_forward = rng.sparse(70, 3);
        if results + carried_forward < carried_over {
            carried_forward = carried_over - results;
        }
        set(&mut table, "carried_over", col, carried_over);
        set(&mut table, "carried_forward", col, carried_forward);
        set(
            &mut table,
            "new_received",
            col,
            results + carried_forward - carried_over,
        );
    }
    for row in &mut table.rows {
        let total: i64 = row.cells[..T3_TOTAL].iter().filter_map(Value::as_int).sum();
        row.cells[T3_TOTAL] = Value::Int(total);
    }
    table
}

fn t4(rng: &mut Rng, level: AgencyLevel) -> Table {
    let s = (scale(level) / 3).max(1);
    let mut cells = Vec::with_capacity(15);
    for _ in 0..3 {
        let parts: Vec<i64> = (0..4).map(|_| rng.sparse(60, s)).collect();
        let total = parts.iter().sum();
        cells.extend(parts.into_iter().map(Value::Int));
        cells.push(Value::Int(total));
    }
    let spec = FormatVersion::V2021.spec().table(TableId::T4);
    let label = spec.blocks[0].rows[0].text.to_owned();
    Table {
        id: TableId::T4,
        rows: vec![Row {
            id: T4_ROW,
            label,
            cells,
            line: None,
        }],
        line: None,
        ocr: false,
    }
}

/// Blank out zero cells: either the five legal-person columns of table 三 throughout (as some
/// agencies print them), or scattered zero cells anywhere.
fn plant_blanks(rng: &mut Rng, report: &mut Report) {
    let legal_columns = rng.chance(50);
    for table in &mut report.tables {
        for row in &mut table.rows {
            for (i, cell) in row.cells.iter_mut().enumerate() {
                if *cell != Value::Int(0) {
                    continue;
                }
                let blank = if legal_columns {
                    table.id == TableId::T3 && (1..T3_TOTAL).contains(&i)
                } else {
                    rng.chance(20)
                };
                if blank {
                    *cell = Value::Blank;
                }
            }
        }
    }
}

fn count(report: &Report, table: TableId, row: &str, column: &str) -> i64 {
    report
        .value(table, row, column)
        .and_then(Value::as_int)
        .unwrap_or(0)
}

/// The narrative sections, written after the tables so that the numbers they state agree.
fn finish(mut report: Report, rng: &mut Rng, options: SampleOptions) -> Report {
    let year = report.year.unwrap_or(2024);
    let short = report.agency.clone().unwrap_or_default();
    let new_received = count(&report, TableId::T3, "new_received", "total");
    let carried_over = count(&report, TableId::T3, "carried_over", "total");
    let concluded = count(&report, TableId::T3, "results_total", "total");
    let reviews = count(&report, TableId::T4, T4_ROW, "review_total");
    let mut sections = Vec::new();
    // Readers keep the title in the preamble (the text before 一), so a report carries its title
    // there; the renderers print it as the title.
    let title = format!("{short}{year}年政府信息公开工作年度报告");
    let preamble = if options.preamble {
        format!(
            "{title}\n本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》要求编制。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{short}办公室联系。"
        )
    } else {
        title
    };
    sections.push(Section {
        text: preamble,
        ..Section::default()
    });
    let openers = [
        format!(
            "{year}年，{short}坚持以公开为常态、不公开为例外，认真贯彻落实《条例》，持续深化政务公开，各项工作有序推进。"
        ),
        format!(
            "{year}年，{short}严格落实《条例》各项规定，围绕中心工作推进决策、执行、管理、服务、结果公开。"
        ),
    ];
    let publication = [
        "通过政府门户网站、政务新媒体等渠道及时发布政策文件、工作动态和通知公告，做好政策解读和回应关切。",
        "聚焦重点领域信息公开，规范发布财政预决算、重大建设项目、公共资源配置等信息，提升公开质量。",
        "持续做好行政规范性文件的公开和动态更新，确保群众能够及时获取重要信息。",
    ];
    let mut s1 = vec![
        rng.pick(&openers).clone(),
        "（一）主动公开情况".to_owned(),
        (*rng.pick(&publication)).to_owned(),
        "（二）依申请公开情况".to_owned(),
        format!(
            "本年度共收到政府信息公开申请{new_received}件，上年结转{carried_over}件，办结{concluded}件，均在法定期限内答复。"
        ),
        "（三）政府信息管理情况".to_owned(),
        "健全政府信息公开审查机制，落实初审、复审、终审三级审核，防止泄露国家秘密和个人隐私。"
            .to_owned(),
        "（四）政府信息公开平台建设情况".to_owned(),
        "加强政府网站和政务新媒体的内容保障与安全管理，及时更新栏目内容。".to_owned(),
        "（五）监督保障情况".to_owned(),
        format!(
            "将政务公开工作纳入年度考核，本年度发生涉及政府信息公开的行政复议{reviews}件，未发生责任追究情况。"
        ),
    ];
    if rng.chance(20) {
        // Characters that must be escaped in HTML and XML.
        s1.push(
            "推动“互联网+政务服务”与科研院所R&D信息公开相结合，做到<应公开、尽公开>。".to_owned(),
        );
    }
    let problems = [
        "存在的问题：一是政策解读形式还不够丰富；二是基层政务公开标准化规范化水平有待提高。",
        "工作中仍存在信息发布时效性不强、公开内容与群众需求结合不够紧密等问题。",
    ];
    let measures = [
        "改进措施：进一步加强业务培训，提升工作人员能力；丰富解读形式，增强公开实效。",
        "下一步将完善信息发布审核机制，加强督促检查，推动政务公开工作提质增效。",
    ];
    let fee = if rng.chance(75) {
        "本年度未收取政府信息公开信息处理费。".to_owned()
    } else {
        format!(
            "本年度依据《政府信息公开信息处理费管理办法》收取信息处理费{}元。",
            rng.range(100, 5000)
        )
    };
    let mut s6 = vec![fee];
    if rng.chance(50) {
        s6.push("本机关认真落实上级年度政务公开工作要点，人大代表建议和政协提案办理结果均已按要求公开。".to_owned());
    }
    let spec = report.format.spec();
    for s in spec.sections {
        let text = match s.id {
            "s1" => s1.join("\n"),
            "s5" => format!("{}\n{}", rng.pick(&problems), rng.pick(&measures)),
            "s6" => {
                // Readers keep the 落款 (agency and date) at the end of the last section.
                if let Some(d) = report.date {
                    use chrono::Datelike;
                    s6.push(short.clone());
                    s6.push(format!("{}年{}月{}日", d.year(), d.month(), d.day()));
                }
                s6.join("\n")
            }
            _ => String::new(),
        };
        sections.push(Section {
            id: Some(s.id.to_owned()),
            number: s.number.to_owned(),
            title: s.title.to_owned(),
            text,
            line: None,
        });
    }
    report.sections = sections;
    report
}

fn add(report: &mut Report, table: TableId, row: &str, column: &str, delta: i64) {
    let v = report
        .value(table, row, column)
        .and_then(Value::as_int)
        .unwrap_or(0);
    report.set(table, row, column, Value::Int(v + delta));
}

/// A sample report with one planted arithmetic defect, and the check code that must find it.
/// Cycles through T3_BALANCE, T3_ROW_TOTAL, T3_RESULTS_TOTAL, T4_GROUP_TOTAL and NEGATIVE_VALUE by
/// seed; every other relation still holds, and the narrative agrees with the tables.
pub fn sample_inconsistent_report(seed: u64) -> (Report, CheckCode) {
    let mut rng = Rng::new(seed);
    let options = SampleOptions {
        blanks: false,
        ..SampleOptions::for_seed(seed)
    };
    let mut report = tables_only(&mut rng, options);
    let t = TableId::T3;
    let code = match seed % 5 {
        0 => {
            // 四、结转下年度 one too many: the balance fails in the 自然人 and 总计 columns.
            add(&mut report, t, "carried_forward", "natural_person", 1);
            add(&mut report, t, "carried_forward", "total", 1);
            CheckCode::T3Balance
        }
        1 => {
            // 一 and 四 总计 each one too many: their row totals fail, the balance still holds.
            add(&mut report, t, "new_received", "total", 1);
            add(&mut report, t, "carried_forward", "total", 1);
            CheckCode::T3RowTotal
        }
        2 => {
            // （七）总计 and 一 one too many: the leaves no longer sum to （七）.
            for col in ["natural_person", "total"] {
                add(&mut report, t, "results_total", col, 1);
                add(&mut report, t, "new_received", col, 1);
            }
            CheckCode::T3ResultsTotal
        }
        3 => {
            add(&mut report, TableId::T4, T4_ROW, "review_total", 1);
            CheckCode::T4GroupTotal
        }
        _ => {
            // A negative leaf balanced by (一)予以公开, so every sum still holds.
            for col in ["natural_person", "total"] {
                add(&mut report, t, "denied_state_secret", col, -1);
                add(&mut report, t, "granted", col, 1);
            }
            let v = report
                .value(t, "denied_state_secret", "natural_person")
                .and_then(Value::as_int)
                .unwrap_or(0);
            if v >= 0 {
                // it was above 0: push it below
                for col in ["natural_person", "total"] {
                    add(&mut report, t, "denied_state_secret", col, -(v + 1));
                    add(&mut report, t, "granted", col, v + 1);
                }
            }
            CheckCode::NegativeValue
        }
    };
    (finish(report, &mut rng, options), code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(r: &Report, t: TableId, row: &str, col: &str) -> i64 {
        r.value(t, row, col)
            .and_then(Value::number)
            .and_then(Decimal::as_int)
            .unwrap_or(-999)
    }

    #[test]
    fn sample_reports_hold_every_relation_of_the_format() {
        for seed in 0..300 {
            let r = sample_report(seed);
            assert_eq!(r.format, FormatVersion::for_year(r.year.unwrap()));
            let spec = r.format.spec().table(TableId::T3);
            let t3 = r.table(TableId::T3).unwrap();
            assert_eq!(t3.rows.len(), spec.data_rows().count());
            for row in &t3.rows {
                let sum: i64 = row.cells[..6]
                    .iter()
                    .map(|v| v.number().unwrap().as_int().unwrap())
                    .sum();
                assert_eq!(
                    sum,
                    row.cells[6].number().unwrap().as_int().unwrap(),
                    "seed {seed} row {}",
                    row.id
                );
            }
            for col in ["natural_person", "commercial", "total"] {
                let leaves: i64 = t3_result_leaves(r.format)
                    .map(|l| int(&r, TableId::T3, l.id, col))
                    .sum();
                assert_eq!(leaves, int(&r, TableId::T3, "results_total", col));
                assert_eq!(
                    int(&r, TableId::T3, "new_received", col)
                        + int(&r, TableId::T3, "carried_over", col),
                    int(&r, TableId::T3, "results_total", col)
                        + int(&r, TableId::T3, "carried_forward", col),
                );
                assert!(int(&r, TableId::T3, "new_received", col) >= 0);
            }
            for g in ["review", "lit_direct", "lit_after"] {
                let parts: i64 = ["upheld", "corrected", "other", "pending"]
                    .iter()
                    .map(|p| int(&r, TableId::T4, T4_ROW, &format!("{g}_{p}")))
                    .sum();
                assert_eq!(parts, int(&r, TableId::T4, T4_ROW, &format!("{g}_total")));
            }
            assert_eq!(r.sections.iter().filter(|s| s.id.is_some()).count(), 6);
        }
    }

    #[test]
    fn samples_are_deterministic_and_cover_both_formats_levels_blanks_and_decimals() {
        assert_eq!(sample_report(7), sample_report(7));
        let all: Vec<Report> = (0..200).map(sample_report).collect();
        assert!(all.iter().any(|r| r.format == FormatVersion::V2019));
        assert!(all.iter().any(|r| r.format == FormatVersion::V2021));
        for l in [
            AgencyLevel::Township,
            AgencyLevel::County,
            AgencyLevel::City,
            AgencyLevel::Province,
            AgencyLevel::Department,
        ] {
            assert!(all.iter().any(|r| r.level == Some(l)), "{l:?}");
        }
        let cells = || {
            all.iter().flat_map(|r| {
                r.tables
                    .iter()
                    .flat_map(|t| t.rows.iter().flat_map(|row| row.cells.iter()))
            })
        };
        assert!(cells().any(Value::is_blank));
        assert!(cells().any(|v| matches!(v, Value::Dec(_))));
    }

    #[test]
    fn inconsistent_samples_break_exactly_the_planted_relation() {
        for seed in 0..50 {
            let (r, code) = sample_inconsistent_report(seed);
            let t3 = |row: &str, col: &str| int(&r, TableId::T3, row, col);
            let balance_ok = t3("new_received", "total") + t3("carried_over", "total")
                == t3("results_total", "total") + t3("carried_forward", "total");
            assert_eq!(balance_ok, code != CheckCode::T3Balance, "seed {seed}");
            if code == CheckCode::NegativeValue {
                assert!(t3("denied_state_secret", "natural_person") < 0);
            }
        }
    }
}
