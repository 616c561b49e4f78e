//! `gongkai report generate|lock|publish|correct`: the annual report from the records, and its
//! life: draft → locked → published, corrections after locking (wired into the `report` command
//! family by `cmd/report.rs`).

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use gongkai_app::annual;
use gongkai_app::transfer::Privacy;

use super::{Access, open};

/// `gongkai report generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 报告年度
    #[arg(long)]
    pub year: i32,
    /// 输出格式：txt、md、html、docx、xlsx、json（json 为年报工具的数据接口）
    #[arg(long, default_value = "json")]
    pub to: String,
    /// 输出文件（默认：标准输出；docx、xlsx 在终端上需要指定）；写完后才出现
    #[arg(short = 'o', long = "out", value_name = "文件")]
    pub out: Option<PathBuf>,
    /// 覆盖已有的输出文件
    #[arg(long)]
    pub force: bool,
    /// 同时保存为本年度报告草稿（已锁定的报告不会被覆盖）
    #[arg(long)]
    pub save: bool,
    /// 不输出报告，而是列出某个单元格背后的记录，例如 t3:granted:natural_person、t4:review_upheld
    #[arg(long, value_name = "单元格")]
    pub drill: Option<String>,
    /// 正文各部分的文字：年度报告 JSON，或 {"s1": "……", "s5": "……"}；与 --save 一起保存到草稿
    #[arg(long, value_name = "文件")]
    pub narrative: Option<PathBuf>,
    /// 报告已锁定或已发布时，仍按当前记录重新计算（默认输出保存的版本）
    #[arg(long)]
    pub recompute: bool,
    #[command(flatten)]
    pub access: Access,
}

/// Runs `gongkai report generate`.
pub fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    gongkai_app::runtime()?.block_on(generate_async(args))
}

async fn generate_async(a: GenerateArgs) -> anyhow::Result<ExitCode> {
    use gongkai_report::render::{OutputFormat, render};
    let format: OutputFormat = a.to.parse()?;
    let rec = open(&a.access, None).await?;
    let agency = rec.agency(&a.agency).await?;
    if let Some(cell) = &a.drill {
        let lines = annual::drill(&rec, &agency, a.year, cell).await?;
        rec.office().close().await;
        if lines.is_empty() {
            say!("该单元格没有对应的记录（数值为 0）");
        }
        for l in lines {
            say!("{l}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let narrative = match &a.narrative {
        Some(path) => {
            let v = gongkai_app::limits::read_json_file(path, "叙述文件")?;
            Some(annual::narrative_from_json(&v)?)
        }
        None => None,
    };
    let g = annual::generate(&rec, &agency, a.year, narrative, a.recompute).await?;
    let (report, findings) = (g.report, g.findings);
    if let Some(status) = g.stored_status {
        eprintln!(
            "{} 年度报告{}：输出保存的版本（修改须作为更正；按当前记录重新计算请加 --recompute）",
            a.year,
            status.label()
        );
    }
    if a.save {
        annual::save_draft(&rec, &agency, a.year, &report).await?;
        eprintln!("已保存为 {} 年度报告草稿", a.year);
    }
    rec.office().close().await;
    let bytes = render(&report, &findings, format)?;
    match &a.out {
        Some(path) => {
            // Before publication a draft is not public (and a drill-down is not written here).
            gongkai_app::transfer::write_file(Some(rec.office()), path, &bytes, a.force, Privacy::Personal)?;
            eprintln!("已生成 {}", path.display());
        }
        None => {
            let binary = matches!(format, OutputFormat::Docx | OutputFormat::Xlsx);
            if binary && std::io::stdout().is_terminal() {
                bail!("{} 为二进制格式，请用 -o/--out 指定输出文件", format.id());
            }
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(&bytes);
            let _ = o.flush();
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `gongkai report lock|publish|status`: which report.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 报告年度
    #[arg(long)]
    pub year: i32,
    #[command(flatten)]
    pub access: Access,
}

/// `gongkai report correct`: which report, the corrected content and why.
#[derive(Debug, Args)]
pub struct CorrectArgs {
    /// 更正后的报告（JSON，格式同 report generate --to json）
    #[arg(long, value_name = "文件")]
    pub corrected: PathBuf,
    /// 更正原因（必填，记入审计日志）
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub report: StatusArgs,
}

/// What [`report_status`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    /// draft → locked.
    Lock,
    /// locked → published.
    Publish,
    /// A correction with a reason (locked or published).
    Correct,
    /// Where the report stands, and the cells the records now contradict (`report status`).
    Show,
}

/// Runs `gongkai report correct`.
pub fn report_correct(a: CorrectArgs) -> anyhow::Result<ExitCode> {
    let correction = (a.corrected, a.reason);
    report_status_with(StatusChange::Correct, a.report, Some(correction))
}

/// Runs `gongkai report lock|publish|status`.
pub fn report_status(change: StatusChange, a: StatusArgs) -> anyhow::Result<ExitCode> {
    report_status_with(change, a, None)
}

fn report_status_with(change: StatusChange, a: StatusArgs, correction: Option<(PathBuf, String)>) -> anyhow::Result<ExitCode> {
    gongkai_app::runtime()?.block_on(async move {
        let rec = open(&a.access, None).await?;
        let agency = rec.agency(&a.agency).await?;
        match change {
            StatusChange::Lock => {
                annual::lock(&rec, &agency, a.year).await?;
                say!("“{}” {} 年度报告已锁定；此后的修改须作为更正并说明原因", agency.name, a.year);
            }
            StatusChange::Publish => {
                annual::publish(&rec, &agency, a.year).await?;
                say!("“{}” {} 年度报告已标记为已发布", agency.name, a.year);
            }
            StatusChange::Correct => {
                let Some((file, reason)) = &correction else {
                    bail!("更正需要 --corrected 文件和 --reason 原因");
                };
                let v = gongkai_app::limits::read_json_file(file, "更正文件")?;
                let n = annual::correct(&rec, &agency, a.year, &v, reason).await?;
                say!("已记录第 {n} 次更正（{}）", reason.trim());
            }
            StatusChange::Show => {
                let state = annual::status(&rec, &agency, a.year).await?;
                rec.office().close().await;
                return Ok(print_status(&agency.name, a.year, &state));
            }
        }
        rec.office().close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Prints `report status`; exit 1 when a locked or published report no longer matches the
/// records.
fn print_status(agency: &str, year: i32, state: &annual::ReportState) -> ExitCode {
    let Some(stored) = &state.stored else {
        say!("“{agency}” {year} 年度报告：尚未保存（report generate --save 生成草稿）");
        return ExitCode::SUCCESS;
    };
    let by = if stored.locked_by.is_empty() { String::new() } else { format!("，锁定人 {}", stored.locked_by) };
    let corrections =
        if stored.corrections.is_empty() { String::new() } else { format!("，已更正 {} 次", stored.corrections.len()) };
    say!("“{agency}” {year} 年度报告：{}{by}{corrections}", stored.status.label());
    if state.differences.is_empty() {
        if stored.status != gongkai_app::model::ReportStatus::Draft {
            say!("与当前办理记录一致");
        }
        return ExitCode::SUCCESS;
    }
    say!("锁定后办理记录已改变，以下 {} 个单元格与当前记录不一致（报告值 → 记录值）：", state.differences.len());
    for d in &state.differences {
        say!("  {}：{} → {}    查看记录：report generate --drill {}", d.label, d.stored, d.current, d.cell);
    }
    say!("如需改正已发布的报告，请用 report correct 记录更正及原因");
    ExitCode::from(1)
}
