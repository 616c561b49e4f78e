//! The statutory clock: `gongkai calendar …`, `gongkai deadline …`, `gongkai fee …`.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use gongkai_app::clock::{data_dir, load_settings, CalendarStore, Clock, SystemClock};
use gongkai_calendar::{date_zh, provisional_note, Calendar, WorkingDays};
use gongkai_domain::deadline::{explain, DeadlineReport, MissedDeadline, Timeline};
use gongkai_domain::fee::{FeeMethod, FeeQuote};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 工作日历：查询某日、推算第 N 个工作日、导入节假日安排
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// 答复期限：读入一件申请的事件时间线（JSON），计算状态、各项期限、已用和剩余工作日及说明
    Deadline(DeadlineArgs),
    /// 信息处理费（国办函〔2020〕109号）：按件或按量计算，输出收费通知所需内容
    Fee(FeeArgs),
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// 某日是否为工作日，以及原因（节假日、调休上班、周末）
    Day {
        /// 日期，YYYY-MM-DD
        date: String,
        #[command(flatten)]
        common: Common,
    },
    /// DATE 之后的第 N 个工作日（DATE 当日不计），附推算说明
    Add {
        /// 起算日期，YYYY-MM-DD
        date: String,
        /// 工作日数
        n: u32,
        #[command(flatten)]
        common: Common,
    },
    /// 导入某年的节假日安排（与内置数据同样格式的 YAML），或用 --region 导入地区的地方假日
    Import {
        /// YAML 文件（years: 下按年份列出 holidays 与 workdays）
        file: PathBuf,
        /// 导入为该地区的地方安排（覆盖全国安排）
        #[arg(long)]
        region: Option<String>,
        /// 替换已存在的年份
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Args)]
pub struct Common {
    /// 使用该地区的地方假日（需先导入）
    #[arg(long)]
    region: Option<String>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 中文说明
    Human,
    /// JSON
    Json,
}

#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// 时间线 JSON 文件；`-` 表示从标准输入读取
    file: String,
    /// 以哪一天为“今天”（默认：北京时间的今天）
    #[arg(long)]
    today: Option<String>,
    /// 设置文件（YAML）；默认读取数据目录下的 settings.yaml，没有则用默认设置
    #[arg(long)]
    settings: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("method").required(true).args(["per_item", "per_page"]))]
pub struct FeeArgs {
    /// 按件计收
    #[arg(long, requires = "month_count")]
    per_item: bool,
    /// 本件是该申请人本自然月内向本机关提出的第几件申请（含本件）
    #[arg(long, requires = "per_item")]
    month_count: Option<u32>,
    /// 本次按件计收的件数（一件申请含多项内容、拆分计件时）
    #[arg(long, default_value_t = 1, requires = "per_item")]
    items: u32,
    /// 按量计收
    #[arg(long, requires = "pages")]
    per_page: bool,
    /// 页数
    #[arg(long, requires = "per_page")]
    pages: Option<u32>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Dates are parsed here rather than by clap so that a bad one gets the Chinese `错误：` and exit 1.
fn parse_date(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| anyhow::anyhow!("日期无效：“{s}”（应为 YYYY-MM-DD 格式的真实日期，例如 2025-01-20）"))
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Calendar(c) => calendar(c),
        Command::Deadline(a) => deadline(a),
        Command::Fee(a) => fee(&a),
    }
}

fn store() -> anyhow::Result<(CalendarStore, PathBuf)> {
    let dir = data_dir()?;
    Ok((CalendarStore::new(&dir), dir))
}

fn load_calendar(region: Option<&str>) -> anyhow::Result<Calendar> {
    store()?.0.calendar(region)
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn calendar(cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCommand::Day { date, common } => {
            let date = parse_date(&date)?;
            let cal = load_calendar(common.region.as_deref())?;
            let day = cal.day(date)?;
            match common.format {
                Format::Json => print_json(&json!({
                    "date": date,
                    "working_day": day.working_day,
                    "reason": day.reason_zh(),
                    "provisional": day.provisional,
                }))?,
                Format::Human => {
                    println!("{}", day.describe());
                    if day.provisional {
                        println!("{}", provisional_note(chrono::Datelike::year(&date)));
                    }
                }
            }
        }
        CalendarCommand::Add { date, n, common } => {
            let date = parse_date(&date)?;
            let cal = load_calendar(common.region.as_deref())?;
            let (due, lines) = cal.explain_add(date, WorkingDays::new(n))?;
            let provisional = cal.is_provisional(date, due);
            match common.format {
                Format::Json => print_json(&json!({
                    "date": due,
                    "provisional": provisional,
                    "explanation": lines,
                }))?,
                Format::Human => {
                    println!("{date} 之后第{n}个工作日：{}{}", date_zh(due), if provisional { "（临时结果）" } else { "" });
                    for line in lines {
                        println!("  {line}");
                    }
                }
            }
        }
        CalendarCommand::Import { file, region, replace } => {
            let text = gongkai_app::limits::read_text_file(&file)?;
            let (store, _) = store()?;
            let done = store
                .import(&text, region.as_deref(), replace)
                .with_context(|| format!("未导入 {}", file.display()))?;
            let what = region.as_deref().map_or_else(|| "全国节假日安排".to_owned(), |r| format!("地区“{r}”的地方安排"));
            let years: Vec<String> = done.years.iter().map(|y| format!("{y}年")).collect();
            println!("已导入{what}：{}（保存在 {}）", years.join("、"), done.dir.display());
            if !done.replaced.is_empty() {
                let replaced: Vec<String> = done.replaced.iter().map(|y| format!("{y}年")).collect();
                println!("已替换原有安排：{}", replaced.join("、"));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_input(file: &str) -> anyhow::Result<String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("无法从标准输入读取时间线")?;
        Ok(text)
    } else {
        gongkai_app::limits::read_text_file(std::path::Path::new(file))
    }
}

fn deadline(args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    let today = args.today.as_deref().map(parse_date).transpose()?;
    let text = read_input(&args.file)?;
    let timeline = Timeline::from_json(&text).with_context(|| format!("时间线 {} 无效", display_name(&args.file)))?;
    let (store, dir) = store()?;
    let settings = load_settings(&dir, args.settings.as_deref())?;
    let cal = store.calendar(args.common.region.as_deref())?;
    let today = today.unwrap_or_else(|| SystemClock.today());
    let report = explain(&timeline, &cal, &settings, today)?;
    match args.common.format {
        Format::Json => print_json(&report)?,
        Format::Human => print_report(&report, today),
    }
    Ok(ExitCode::SUCCESS)
}

fn display_name(file: &str) -> &str {
    if file == "-" { "（标准输入）" } else { file }
}

fn print_report(r: &DeadlineReport, today: NaiveDate) {
    let opt = |d: Option<NaiveDate>| d.map_or_else(|| "—".to_owned(), date_zh);
    println!("状态：{}（今天 {today}）", r.state.name_zh());
    println!("收到申请之日：{}", date_zh(r.receipt_date));
    println!("期限：");
    println!("  补正通知：{}", opt(r.due.correction_notice));
    println!("  答复：{}", opt(r.due.reply));
    if r.due.reply_extended.is_some() {
        println!("  延期答复：{}", opt(r.due.reply_extended));
    }
    if r.due.later_date.is_some() {
        println!("  合理期限（第三十五条）：{}", opt(r.due.later_date));
    }
    if r.due.third_party_answer.is_some() {
        println!("  第三方提出意见：{}", opt(r.due.third_party_answer));
    }
    if r.due.agency_answer.is_some() {
        println!("  其他机关提出意见：{}", opt(r.due.agency_answer));
    }
    if r.due.payment.is_some() {
        println!("  缴费：{}", opt(r.due.payment));
    }
    println!("已用 {} 个工作日，剩余 {} 个工作日", r.working_days_used, r.working_days_left);
    if r.missed.is_empty() {
        println!("逾期：否");
    } else {
        for m in &r.missed {
            let (due, n) = (m.due, m.working_days);
            match m.deadline {
                MissedDeadline::CorrectionNotice => println!("逾期：补正通知期限 {due}，逾期 {n} 个工作日"),
                MissedDeadline::ExtensionDecision => println!("逾期：延期决定晚于当时的答复期限 {due}，晚 {n} 个工作日"),
                MissedDeadline::LaterDateDecision => {
                    println!("逾期：确定合理期限的决定晚于当时的答复期限 {due}，晚 {n} 个工作日");
                }
                MissedDeadline::Reply => println!("逾期：答复期限 {due}，逾期 {n} 个工作日"),
            }
        }
    }
    for w in &r.warnings {
        println!("注意：{w}");
    }
    if r.provisional {
        println!("临时结果：是（涉及尚未载入节假日安排的年份，见说明）");
    }
    println!("说明：");
    for (i, line) in r.explanation.iter().enumerate() {
        println!("  {}. {line}", i + 1);
    }
}

fn fee(args: &FeeArgs) -> anyhow::Result<ExitCode> {
    let method = match (args.per_item, args.month_count, args.pages) {
        (true, Some(ordinal), _) => FeeMethod::PerItem { ordinal, items: args.items },
        (false, _, Some(pages)) => FeeMethod::PerPage { pages },
        _ => anyhow::bail!("请选择一种计收方式：--per-item --month-count N，或 --per-page --pages N"),
    };
    let quote = FeeQuote::new(method)?;
    match args.format {
        Format::Json => print_json(&quote)?,
        Format::Human => {
            for line in quote.notice_lines() {
                println!("{line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
