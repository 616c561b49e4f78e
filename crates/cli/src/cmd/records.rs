//! The office's records: `gongkai init`, `migrate`, `case …`, `audit verify`, `export`, `import`,
//! `backup`, and `report generate` (wired in by the report command family through
//! [`GenerateArgs`] and [`generate`]).
//!
//! Every command is scriptable: flags instead of prompts, exit 0 on success, non-zero with a
//! Chinese message on failure. All take `--database URL` (`sqlite:PATH` or `postgres://…`;
//! default: `sqlite:<data dir>/gongkai.db`).

use std::io::{BufRead, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use gongkai_app::clock::{Clock, FixedClock, SystemClock};
use gongkai_app::ledger;
use gongkai_app::records::{CaseQuery, InitRequest, Records, default_backup_path, runtime};
use gongkai_store::{AgencyLevel, Storage};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 初始化：添加机关和系统管理员（数据库不存在时创建；也可向已有数据库添加机关）
    Init(InitArgs),
    /// 数据库迁移（PostgreSQL 需先运行；SQLite 打开时自动迁移）
    Migrate(DbArgs),
    /// 依申请公开案件：导入、导出台账，列表，详情
    #[command(subcommand)]
    Case(CaseCommand),
    /// 审计日志
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 整库导出为 JSON Lines（备份，或在 SQLite 与 PostgreSQL 之间迁移）
    Export(ExportArgs),
    /// 把整库导出文件导入到一个空数据库
    Import(ImportArgs),
    /// 在线备份（SQLite：一致的数据库文件副本；PostgreSQL：一致快照的 JSON Lines）
    Backup(BackupArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// 数据库地址：sqlite:路径 或 postgres://…（默认：数据目录中的 gongkai.db）
    #[arg(long, env = "GONGKAI_DATABASE")]
    pub database: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// 乡镇（街道）
    Township,
    /// 县级人民政府
    County,
    /// 设区的市级人民政府
    City,
    /// 省级人民政府
    Province,
    /// 政府部门
    Department,
}

impl From<Level> for AgencyLevel {
    fn from(l: Level) -> Self {
        match l {
            Level::Township => AgencyLevel::Township,
            Level::County => AgencyLevel::County,
            Level::City => AgencyLevel::City,
            Level::Province => AgencyLevel::Province,
            Level::Department => AgencyLevel::Department,
        }
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 机关级别
    #[arg(long, value_enum)]
    pub level: Level,
    /// 上级机关全称（县政府之下的部门、乡镇）
    #[arg(long)]
    pub parent: Option<String>,
    /// 地区（使用导入的地方假日）
    #[arg(long)]
    pub region: Option<String>,
    /// 系统管理员登录名；新用户的密码取自环境变量 GONGKAI_ADMIN_PASSWORD，未设置时从标准输入读取
    #[arg(long)]
    pub admin: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// 导入台账（CSV 或 XLSX，中文表头）；任何一行有误则全部不导入
    Import(CaseImportArgs),
    /// 导出台账（格式由文件扩展名决定：.csv 或 .xlsx）
    Export(CaseExportArgs),
    /// 案件列表
    List(CaseListArgs),
    /// 案件详情：时间线和答复期限的计算说明
    Show(CaseShowArgs),
}

#[derive(Debug, Args)]
pub struct CaseImportArgs {
    /// 台账文件（.csv 或 .xlsx）
    pub file: PathBuf,
    /// 导入到该机关
    #[arg(long)]
    pub agency: String,
    /// 跳过有误的行（并列出跳过了哪些），其余照常导入
    #[arg(long)]
    pub skip_invalid: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct CaseExportArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 输出文件（.csv 或 .xlsx）
    #[arg(long)]
    pub to: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 中文表格
    Human,
    /// JSON
    Json,
}

#[derive(Debug, Args)]
pub struct CaseListArgs {
    /// 只列该机关的案件
    #[arg(long)]
    pub agency: Option<String>,
    /// 只列 N 天内（含今天）到期的未办结案件，按期限排序
    #[arg(long, value_name = "N")]
    pub due_within: Option<u32>,
    /// 只列已超期的未办结案件
    #[arg(long, conflicts_with = "due_within")]
    pub overdue: bool,
    /// 只列未办结案件
    #[arg(long)]
    pub open: bool,
    /// 最多列出多少件（0 = 全部）
    #[arg(long, default_value_t = 0)]
    pub limit: u32,
    /// 以该日为“今天”（YYYY-MM-DD），默认为北京时间的今天
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct CaseShowArgs {
    /// 案件编号（台账中的编号）或内部序号
    pub id: String,
    /// 在该机关内查找编号
    #[arg(long)]
    pub agency: Option<String>,
    /// 以该日为“今天”（YYYY-MM-DD）
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志的哈希链：发现被修改、删除或调换顺序的记录
    Verify(DbArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// 输出文件（默认：标准输出）
    #[arg(long)]
    pub to: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 整库导出文件（JSON Lines）
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份文件（默认：数据目录 backups/ 下带时间的文件名）
    #[arg(long)]
    pub to: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Prints a line to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("“{s}”不是有效日期，应为 YYYY-MM-DD"))
}

/// `gongkai report generate`: the annual report computed from the records (wired into the
/// `report` command family by its owner).
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
    /// 输出文件（默认：标准输出；docx、xlsx 在终端上需要指定）
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 同时保存为本年度报告草稿（已锁定的报告不会被覆盖）
    #[arg(long)]
    pub save: bool,
    /// 不输出报告，而是列出某个单元格背后的记录，例如 t3:granted:natural_person、t4:review_upheld
    #[arg(long, value_name = "CELL")]
    pub drill: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs `gongkai report generate`.
pub fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let rt = runtime()?;
    rt.block_on(generate_async(args))
}

async fn generate_async(a: GenerateArgs) -> anyhow::Result<ExitCode> {
    use gongkai_app::annual;
    use gongkai_report::render::{OutputFormat, render};
    let format: OutputFormat = a.to.parse()?;
    let rec = open(&a.db, false, None).await?;
    let agency = rec.agency_named(&a.agency).await?;
    if let Some(cell) = &a.drill {
        let lines = annual::drill(&rec, &agency, a.year, cell).await?;
        rec.store.close().await;
        if lines.is_empty() {
            say!("该单元格没有对应的记录（数值为 0）");
        }
        for l in lines {
            say!("{l}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (report, findings) = annual::generate(&rec, &agency, a.year).await?;
    if a.save {
        annual::save_draft(&rec, &agency, a.year, &report).await?;
        eprintln!("已保存为 {} 年度报告草稿", a.year);
    }
    rec.store.close().await;
    let bytes = render(&report, &findings, format)?;
    match &a.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("无法写入 {}", path.display()))?;
            eprintln!("已生成 {}", path.display());
        }
        None => {
            let binary = matches!(format, OutputFormat::Docx | OutputFormat::Xlsx);
            if binary && std::io::stdout().is_terminal() {
                bail!("{} 为二进制格式，请用 --out 指定输出文件", format.id());
            }
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(&bytes);
            let _ = o.flush();
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn clock(today: Option<NaiveDate>) -> Box<dyn Clock> {
    match today {
        Some(d) => Box::new(FixedClock(d)),
        None => Box::new(SystemClock),
    }
}

async fn open(db: &DbArgs, migrate: bool, today: Option<NaiveDate>) -> anyhow::Result<Records> {
    Records::open(db.database.as_deref(), migrate, clock(today).as_ref()).await
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let rt = runtime()?;
    rt.block_on(run_async(cmd))
}

async fn run_async(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Init(a) => init(a).await,
        Command::Migrate(db) => {
            let rec = open(&db, true, None).await?;
            let names = gongkai_store::Store::migration_names(rec.store.backend());
            say!("数据库已迁移到最新版本（{}）", names.last().map(String::as_str).unwrap_or("-"));
            rec.store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Case(c) => case(c).await,
        Command::Audit(AuditCommand::Verify(db)) => {
            let rec = open(&db, false, None).await?;
            let v = rec.store.audit_verify().await?;
            rec.store.close().await;
            if v.problems.is_empty() {
                say!("审计日志完整：共 {} 条记录，哈希链校验通过", v.entries);
                Ok(ExitCode::SUCCESS)
            } else {
                say!("审计日志校验未通过：共 {} 条记录，发现 {} 处问题", v.entries, v.problems.len());
                for p in &v.problems {
                    say!("  {p}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Export(a) => {
            let rec = open(&a.db, false, None).await?;
            let summary = match &a.to {
                Some(path) => {
                    let file = std::fs::File::create(path)
                        .with_context(|| format!("无法创建 {}", path.display()))?;
                    let mut w = std::io::BufWriter::new(file);
                    let s = rec.store.export_jsonl(&mut w).await?;
                    w.flush()?;
                    s
                }
                None => {
                    let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
                    let s = rec.store.export_jsonl(&mut w).await?;
                    w.flush()?;
                    s
                }
            };
            rec.store.close().await;
            eprintln!("已导出：{}", summarise(&summary.tables));
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(a) => {
            let rec = open(&a.db, true, None).await?;
            let file = std::fs::File::open(&a.file)
                .with_context(|| format!("无法打开 {}", a.file.display()))?;
            let mut r = std::io::BufReader::new(file);
            let summary = rec.store.import_jsonl(&mut r).await?;
            let v = rec.store.audit_verify().await?;
            rec.store.close().await;
            say!("已导入：{}", summarise(&summary.tables));
            if !v.problems.is_empty() {
                bail!("导入的审计日志校验未通过：{}", v.problems.join("；"));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup(a) => {
            let rec = open(&a.db, false, None).await?;
            let pg = rec.store.backend() == gongkai_store::Backend::Postgres;
            let to = match a.to {
                Some(t) => t,
                None => default_backup_path(pg)?,
            };
            if let Some(dir) = to.parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
            }
            rec.store.backup(&to).await?;
            rec.store.close().await;
            say!("已备份到 {}", to.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn summarise(tables: &[(String, u64)]) -> String {
    if tables.is_empty() {
        return "空数据库".into();
    }
    tables.iter().map(|(t, n)| format!("{t} {n} 行")).collect::<Vec<_>>().join("，")
}

fn admin_password() -> anyhow::Result<Option<String>> {
    if let Ok(p) = std::env::var("GONGKAI_ADMIN_PASSWORD")
        && !p.is_empty()
    {
        return Ok(Some(p));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("请输入管理员密码（输入内容会显示在屏幕上；也可用环境变量 GONGKAI_ADMIN_PASSWORD 提供）：");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    Ok((!p.is_empty()).then_some(p))
}

async fn init(a: InitArgs) -> anyhow::Result<ExitCode> {
    let rec = open(&a.db, true, None).await?;
    let password = if rec.store.user_by_login(&a.admin).await?.is_some() {
        None
    } else {
        admin_password()?
    };
    let lines = rec
        .init(InitRequest {
            agency: a.agency,
            level: a.level.into(),
            parent: a.parent,
            region: a.region,
            admin: a.admin,
            password,
        })
        .await?;
    rec.store.close().await;
    for l in lines {
        say!("{l}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn case(c: CaseCommand) -> anyhow::Result<ExitCode> {
    match c {
        CaseCommand::Import(a) => {
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let out = ledger::import_ledger(&rec, &a.file, &agency, a.skip_invalid).await?;
            rec.store.close().await;
            say!("已导入 {} 件申请到“{}”", out.imported, agency.name);
            if !out.skipped.is_empty() {
                say!("跳过了 {} 处有误的行：", out.skipped.len());
                for e in &out.skipped {
                    say!("  {e}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::Export(a) => {
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let n = ledger::export_ledger(&rec, &agency, &a.to).await?;
            rec.store.close().await;
            say!("已导出 {n} 件申请到 {}", a.to.display());
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::List(a) => {
            let rec = open(&a.db, false, a.today).await?;
            let q = CaseQuery {
                agency: a.agency,
                due_within_days: a.due_within,
                overdue: a.overdue,
                open_only: a.open,
                limit: a.limit,
            };
            let cases = rec.case_list(&q).await?;
            let names = rec.agency_names().await?;
            rec.store.close().await;
            let name_of = |id| names.iter().find(|(a, _)| *a == id).map(|(_, n)| n.as_str()).unwrap_or("");
            match a.format {
                Format::Json => {
                    let v: Vec<_> = cases
                        .iter()
                        .map(|c| {
                            json!({
                                "id": c.id, "agency": name_of(c.agency), "number": c.number,
                                "applicant": c.applicant_name, "received_on": c.received_on,
                                "state": c.state, "due_on": c.due_on, "closed_on": c.closed_on,
                                "outcome": c.outcome.map(|o| o.code()),
                            })
                        })
                        .collect();
                    say!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Human => {
                    if cases.is_empty() {
                        say!("没有符合条件的案件");
                    }
                    for c in &cases {
                        let due = match (c.closed_on, c.due_on) {
                            (Some(d), _) => format!("{d} 已答复"),
                            (None, Some(d)) if d < rec.today => format!("{d} 到期（已超期）"),
                            (None, Some(d)) => format!("{d} 到期"),
                            (None, None) => "期限暂停".into(),
                        };
                        say!(
                            "{}\t{}\t{}\t收到 {}\t{}\t{}",
                            c.number,
                            name_of(c.agency),
                            c.applicant_name,
                            c.received_on,
                            c.state.label(),
                            due
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::Show(a) => {
            let rec = open(&a.db, false, a.today).await?;
            let app = rec.find_case(&a.id, a.agency.as_deref()).await?;
            let explanation = rec.explain(&app).await?;
            let agency = rec.store.agency(app.agency).await?;
            rec.store.close().await;
            match a.format {
                Format::Json => {
                    let v = json!({ "application": app, "agency": agency.name, "explanation": explanation });
                    say!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Human => {
                    say!("编号：{}（{}）", app.number, agency.name);
                    say!(
                        "申请人：{}（{}）  申请方式：{}",
                        app.applicant.name,
                        app.applicant.kind.label(),
                        app.channel.label()
                    );
                    say!("申请内容：{}", app.content);
                    say!("状态：{}", app.state.label());
                    if let Some(d) = app.due_on {
                        say!("答复期限：{d}");
                    }
                    if let Some(c) = &app.closing {
                        say!("办理结果：{}", c.outcome.label());
                    }
                    say!("时间线：");
                    for e in &app.events {
                        say!("  {}  {}", e.on, e.kind.label());
                    }
                    say!("期限计算说明：");
                    for l in &explanation {
                        say!("  {l}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
