//! The office's records: `gongkai init`, `migrate`, `case …`, `audit verify`, `export`, `import`,
//! `backup`, and `report generate` (wired in by the report command family through
//! [`GenerateArgs`] and [`generate`]).
//!
//! Every command is scriptable: flags instead of prompts, exit 0 on success, non-zero with a
//! Chinese message on failure. All take `--database URL` (`sqlite:PATH` or `postgres://…`;
//! default: `sqlite:<data dir>/gongkai.db`).
//!
//! Who acts: `$GONGKAI_USER` (an existing user, whose roles the app layer checks), or, unset, the
//! local operator with administrator rights (the CLI has no login; see docs/STORAGE.md).

use std::io::{BufRead, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use gongkai_app::clock::{Clock, FixedClock, SystemClock};
use gongkai_app::{entry, ledger};
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
    /// 用户与角色
    #[command(subcommand)]
    User(UserCommand),
    /// 年度报告的锁定、发布与更正（供 gongkai report 命令族接入）
    /// 行政复议、行政诉讼案件（年报表四）
    #[command(subcommand)]
    Appeal(AppealCommand),
    /// 规章、行政规范性文件登记（年报表二）
    #[command(subcommand)]
    Register(RegisterCommand),
    /// 填报本年度行政许可、行政处罚、行政强制数量和行政事业性收费金额（年报表二）
    Counts(CountsArgs),
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
    /// 记录案件的一个事件（补正、征求意见、延期、收费、答复等），答复时填写办理结果
    Event(CaseEventArgs),
}

#[derive(Debug, Args)]
pub struct CaseEventArgs {
    /// 案件编号
    pub id: String,
    /// 在该机关内查找编号
    #[arg(long)]
    pub agency: Option<String>,
    /// 事件类型：correction_requested（发出补正通知）、correction_received、correction_expired、
    /// consultation_started（开始征求意见）、consultation_answered、consultation_expired、
    /// extension_approved（批准延期答复）、later_date_set、fee_notice_sent、fee_notice_received、
    /// fee_paid、fee_expired、replied（答复）、withdrawn（撤回），也可用中文名称
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: String,
    /// 日期，YYYY-MM-DD
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    /// 办理结果（答复时必填），年报表三的项目名称，如 予以公开、部分公开、本机关不掌握相关政府信息
    #[arg(long)]
    pub outcome: Option<String>,
    /// 征求意见的对象
    #[arg(long, value_enum)]
    pub party: Option<PartyArg>,
    /// 延期的工作日数（默认 20）
    #[arg(long)]
    pub days: Option<u32>,
    /// 批准延期的办公室负责人（登录名）
    #[arg(long)]
    pub approver: Option<String>,
    /// 条例第三十五条确定的合理答复期限
    #[arg(long, value_parser = parse_date)]
    pub new_date: Option<NaiveDate>,
    /// 答复的送达方式
    #[arg(long, value_enum)]
    pub delivery: Option<DeliveryArg>,
    /// 金额（元），用于收费通知和缴费
    #[arg(long)]
    pub amount: Option<i64>,
    /// 答复类型（如 条例第三十六条第（二）项）
    #[arg(long, default_value = "")]
    pub reply_type: String,
    /// 法律依据
    #[arg(long, default_value = "")]
    pub legal_basis: String,
    /// 告知书文号
    #[arg(long, default_value = "")]
    pub letter: String,
    /// 备注
    #[arg(long, default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartyArg {
    /// 第三方（条例第三十二条）
    ThirdParty,
    /// 其他机关（条例第三十四条）
    Agency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeliveryArg {
    /// 直接送达
    Direct,
    /// 委托送达
    Entrusted,
    /// 邮寄送达
    Post,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加用户；密码取自环境变量 GONGKAI_USER_PASSWORD，未设置时从标准输入读取
    Add(UserAddArgs),
    /// 授予用户在某机关的角色
    Grant(UserGrantArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// 登录名
    pub login: String,
    /// 姓名
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct UserGrantArgs {
    /// 登录名
    pub login: String,
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 角色：registrar（登记员）、case_officer（承办人）、office_head（办公室负责人）、
    /// reviewer_1、reviewer_2…（第 N 级审核人）、leader（领导）、county_supervisor（县级督查，只读）、
    /// administrator（系统管理员）
    #[arg(long)]
    pub role: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum AppealCommand {
    /// 登记针对某件申请的行政复议或行政诉讼
    Add(AppealAddArgs),
    /// 登记审结结果
    Close(AppealCloseArgs),
    /// 列出某机关的复议、诉讼案件
    List(AgencyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppealKindArg {
    /// 行政复议
    Reconsideration,
    /// 未经复议直接起诉
    LitigationDirect,
    /// 复议后起诉
    LitigationAfterReconsideration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppealResultArg {
    /// 维持
    Upheld,
    /// 纠正
    Corrected,
    /// 其他
    Other,
}

#[derive(Debug, Args)]
pub struct AppealAddArgs {
    /// 被复议或起诉的申请的编号
    #[arg(long = "case")]
    pub case_id: String,
    /// 在该机关内查找编号
    #[arg(long)]
    pub agency: Option<String>,
    /// 类型
    #[arg(long, value_enum)]
    pub kind: AppealKindArg,
    /// 立案（申请、起诉）日期
    #[arg(long, value_parser = parse_date)]
    pub filed: NaiveDate,
    /// 已审结的结果
    #[arg(long, value_enum, requires = "closed")]
    pub result: Option<AppealResultArg>,
    /// 审结日期
    #[arg(long, value_parser = parse_date, requires = "result")]
    pub closed: Option<NaiveDate>,
    /// 备注（复议机关或法院的案号）
    #[arg(long, default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct AppealCloseArgs {
    /// 复议、诉讼案件的序号（appeal list 中的第一列）
    pub id: i64,
    /// 结果
    #[arg(long, value_enum)]
    pub result: AppealResultArg,
    /// 审结日期
    #[arg(long, value_parser = parse_date)]
    pub closed: NaiveDate,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct AgencyArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// 登记一件规章或行政规范性文件
    Add(RegisterAddArgs),
    /// 登记废止（或修改）
    Repeal(RegisterRepealArgs),
    /// 列出某机关的文件登记
    List(AgencyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocKindArg {
    /// 规章
    Regulation,
    /// 行政规范性文件
    NormativeDocument,
}

#[derive(Debug, Args)]
pub struct RegisterAddArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 类别
    #[arg(long, value_enum)]
    pub kind: DocKindArg,
    /// 文号，如 某政规〔2025〕1号
    #[arg(long)]
    pub number: String,
    /// 标题
    #[arg(long)]
    pub title: String,
    /// 制发日期
    #[arg(long, value_parser = parse_date)]
    pub made: NaiveDate,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct RegisterRepealArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 文号
    #[arg(long)]
    pub number: String,
    /// 废止（或修改）日期
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    /// 是修改而非废止
    #[arg(long)]
    pub amended: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct CountsArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 年度
    #[arg(long)]
    pub year: i32,
    /// 行政许可本年处理决定数量
    #[arg(long, default_value_t = 0)]
    pub licensing: i64,
    /// 行政处罚本年处理决定数量
    #[arg(long, default_value_t = 0)]
    pub penalty: i64,
    /// 行政强制本年处理决定数量
    #[arg(long, default_value_t = 0)]
    pub coercion: i64,
    /// 行政事业性收费本年收费金额（万元）
    #[arg(long, default_value = "0")]
    pub fees_wan: String,
    #[command(flatten)]
    pub db: DbArgs,
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
    /// 只列答复期限在今后 N 天之内（含已超期）的未办结案件，按期限排序
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
    /// 正文各部分的文字：年度报告 JSON，或 {"s1": "……", "s5": "……"}；与 --save 一起保存到草稿
    #[arg(long, value_name = "FILE")]
    pub narrative: Option<PathBuf>,
    /// 报告已锁定或已发布时，仍按当前记录重新计算（默认输出保存的版本）
    #[arg(long)]
    pub recompute: bool,
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
    let narrative = match &a.narrative {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("无法读取 {}", path.display()))?;
            let v: serde_json::Value = serde_json::from_str(&text).context("叙述文件不是有效的 JSON")?;
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

/// `gongkai report lock|publish|correct` (for the report command family to wire): the life of
/// a saved report, draft → locked → published, and corrections after locking.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 报告年度
    #[arg(long)]
    pub year: i32,
    /// 更正：更正后的报告（JSON，格式同 report generate --to json）
    #[arg(long, value_name = "FILE")]
    pub corrected: Option<PathBuf>,
    /// 更正：原因（必填）
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
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
}

/// Runs `gongkai report lock|publish|correct`.
pub fn report_status(change: StatusChange, a: StatusArgs) -> anyhow::Result<ExitCode> {
    use gongkai_app::annual;
    runtime()?.block_on(async move {
        let rec = open(&a.db, false, None).await?;
        let agency = rec.agency_named(&a.agency).await?;
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
                let (Some(file), Some(reason)) = (&a.corrected, &a.reason) else {
                    bail!("更正需要 --corrected 文件和 --reason 原因");
                };
                let text = std::fs::read_to_string(file).with_context(|| format!("无法读取 {}", file.display()))?;
                let v: serde_json::Value = serde_json::from_str(&text).context("更正文件不是有效的 JSON")?;
                let n = annual::correct(&rec, &agency, a.year, &v, reason).await?;
                say!("已记录第 {n} 次更正（{}）", reason.trim());
            }
        }
        rec.store.close().await;
        Ok(ExitCode::SUCCESS)
    })
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
        Command::Appeal(c) => appeal(c).await,
        Command::User(UserCommand::Add(a)) => {
            let rec = open(&a.db, false, None).await?;
            rec.require_any_admin("添加用户")?;
            let Some(password) = read_password("GONGKAI_USER_PASSWORD")? else {
                bail!("新用户需要密码：请设置环境变量 GONGKAI_USER_PASSWORD");
            };
            let u = rec.add_user(a.login, a.name, &password).await?;
            rec.store.close().await;
            say!("已添加用户“{}”（{}）", u.login, u.name);
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Grant(a)) => {
            let Some(role) = gongkai_store::Role::from_code(a.role.trim()) else {
                bail!("未知的角色“{}”（可用：registrar、case_officer、office_head、reviewer_N、leader、county_supervisor、administrator）", a.role);
            };
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let u = rec.grant(&a.login, &agency, role).await?;
            rec.store.close().await;
            say!("“{}”为“{}”的{}", u.login, agency.name, role.label());
            Ok(ExitCode::SUCCESS)
        }
        Command::Register(c) => register(c).await,
        Command::Counts(a) => {
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let counts = gongkai_store::YearlyCounts {
                admin_licensing: a.licensing,
                admin_penalty: a.penalty,
                admin_coercion: a.coercion,
                admin_fees_wan: a.fees_wan,
            };
            entry::set_counts(&rec, &agency, a.year, counts).await?;
            rec.store.close().await;
            say!("已填报“{}” {} 年度的行政许可、行政处罚、行政强制数量和行政事业性收费金额", agency.name, a.year);
            Ok(ExitCode::SUCCESS)
        }
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
            rec.require_whole_database("整库导出").await?;
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
            rec.require_whole_database("整库导入").await?;
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
            rec.require_whole_database("备份数据库").await?;
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

fn read_password(var: &str) -> anyhow::Result<Option<String>> {
    if let Ok(p) = std::env::var(var)
        && !p.is_empty()
    {
        return Ok(Some(p));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("请输入密码（输入内容会显示在屏幕上；也可用环境变量 {var} 提供）：");
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
        read_password("GONGKAI_ADMIN_PASSWORD")?
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

async fn appeal(c: AppealCommand) -> anyhow::Result<ExitCode> {
    use gongkai_store::{AppealKind, AppealResult};
    let result = |r: AppealResultArg| match r {
        AppealResultArg::Upheld => AppealResult::Upheld,
        AppealResultArg::Corrected => AppealResult::Corrected,
        AppealResultArg::Other => AppealResult::Other,
    };
    match c {
        AppealCommand::Add(a) => {
            let rec = open(&a.db, false, None).await?;
            let app = rec.find_case(&a.case_id, a.agency.as_deref()).await?;
            let kind = match a.kind {
                AppealKindArg::Reconsideration => AppealKind::Reconsideration,
                AppealKindArg::LitigationDirect => AppealKind::LitigationDirect,
                AppealKindArg::LitigationAfterReconsideration => AppealKind::LitigationAfterReconsideration,
            };
            let closed = a.result.zip(a.closed).map(|(r, d)| (result(r), d));
            let ap = entry::add_appeal(&rec, &app, kind, a.filed, closed, a.note).await?;
            rec.store.close().await;
            say!("已登记{}（序号 {}），针对申请 {}，{}", ap.kind.label(), ap.id, app.number, ap.result.label());
        }
        AppealCommand::Close(a) => {
            let rec = open(&a.db, false, None).await?;
            let ap = entry::close_appeal(&rec, a.id, result(a.result), a.closed).await?;
            rec.store.close().await;
            say!("{}（序号 {}）已审结：{}", ap.kind.label(), ap.id, ap.result.label());
        }
        AppealCommand::List(a) => {
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let appeals = entry::appeals(&rec, &agency).await?;
            for ap in &appeals {
                let app = rec.store.application(ap.application).await?;
                say!(
                    "{}\t{}\t申请 {}\t立案 {}\t{}{}",
                    ap.id,
                    ap.kind.label(),
                    app.number,
                    ap.filed_on,
                    ap.result.label(),
                    ap.closed_on.map(|d| format!("（{d}）")).unwrap_or_default()
                );
            }
            if appeals.is_empty() {
                say!("没有复议、诉讼案件");
            }
            rec.store.close().await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn register(c: RegisterCommand) -> anyhow::Result<ExitCode> {
    use gongkai_store::{DocumentKind, Validity};
    match c {
        RegisterCommand::Add(a) => {
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let kind = match a.kind {
                DocKindArg::Regulation => DocumentKind::Regulation,
                DocKindArg::NormativeDocument => DocumentKind::NormativeDocument,
            };
            let d = entry::add_document(&rec, &agency, kind, &a.number, &a.title, a.made).await?;
            rec.store.close().await;
            say!("已登记{}：{}《{}》", d.kind.label(), d.doc_number, d.title);
        }
        RegisterCommand::Repeal(a) => {
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let v = if a.amended { Validity::Amended } else { Validity::Repealed };
            let d = entry::repeal_document(&rec, &agency, &a.number, a.date, v).await?;
            rec.store.close().await;
            say!("{}《{}》{}（{}）", d.doc_number, d.title, d.validity.label(), a.date);
        }
        RegisterCommand::List(a) => {
            let rec = open(&a.db, false, None).await?;
            let agency = rec.agency_named(&a.agency).await?;
            let docs = entry::documents(&rec, &agency).await?;
            rec.store.close().await;
            for d in &docs {
                say!(
                    "{}\t{}\t{}\t制发 {}\t{}{}",
                    d.kind.label(),
                    d.doc_number,
                    d.title,
                    d.made_on,
                    d.validity.label(),
                    d.repealed_on.map(|r| format!("（{r}）")).unwrap_or_default()
                );
            }
            if docs.is_empty() {
                say!("没有登记的文件");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn case(c: CaseCommand) -> anyhow::Result<ExitCode> {
    match c {
        CaseCommand::Event(a) => {
            let rec = open(&a.db, false, None).await?;
            let app = rec.find_case(&a.id, a.agency.as_deref()).await?;
            let Some(kind) = entry::parse_event_kind(&a.kind) else {
                bail!("未知的事件类型“{}”", a.kind);
            };
            let outcome = match &a.outcome {
                Some(o) => Some(gongkai_store::Outcome::from_ledger(o).with_context(|| {
                    format!("“{o}”不是年报表三的办理结果（如 予以公开、部分公开、本机关不掌握相关政府信息、重复申请、其他）")
                })?),
                None => None,
            };
            let input = entry::EventInput {
                kind,
                on: a.date,
                outcome,
                party: a.party.map(|p| match p {
                    PartyArg::ThirdParty => gongkai_store::Party::ThirdParty,
                    PartyArg::Agency => gongkai_store::Party::Agency,
                }),
                days: a.days,
                approver: a.approver,
                new_date: a.new_date,
                delivery: a.delivery.map(|d| match d {
                    DeliveryArg::Direct => gongkai_store::DeliveryMode::Direct,
                    DeliveryArg::Entrusted => gongkai_store::DeliveryMode::Entrusted,
                    DeliveryArg::Post => gongkai_store::DeliveryMode::Post,
                }),
                confirmed: None,
                amount_yuan: a.amount,
                note: a.note,
                reply_type: a.reply_type,
                legal_basis: a.legal_basis,
                reply_letter_ref: a.letter,
            };
            let app = entry::record_event(&rec, &app, input).await?;
            rec.store.close().await;
            say!("已记录：{} {}（{}）", app.number, kind.label(), a.date);
            match (app.closing.as_ref(), app.due_on) {
                (Some(c), _) => say!("已办结，办理结果：{}", c.outcome.label()),
                (None, Some(d)) => say!("状态：{}，答复期限：{d}", app.state.label()),
                (None, None) => say!("状态：{}", app.state.label()),
            }
            Ok(ExitCode::SUCCESS)
        }
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
