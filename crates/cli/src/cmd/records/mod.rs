//! The office's records: `gongkai init`, `migrate`, `case …`, `user …`, `appeal …`, `register …`,
//! `counts …`, `audit …`, `export`, `import`, `backup`, and the annual report's life from the
//! records (`report generate|lock|publish|correct|status`, wired in by the report family).
//!
//! Every command is scriptable: flags instead of prompts (a password may come from the
//! environment), exit 0 on success, non-zero with a Chinese message on failure. All take
//! `--database URL` (`sqlite:PATH` or `postgres://…`; default: `sqlite:<data dir>/gongkai.db`).
//!
//! Who acts (docs/STORAGE.md): `--as LOGIN` (or `GONGKAI_USER`) with the user's password
//! (`GONGKAI_PASSWORD`, else asked on the terminal without echo), or `--operator` (the local
//! operator, asked for by name). There is no default: a command that touches the records without
//! either is refused. Only `init` and `import` create a database.

use std::io::{BufRead, IsTerminal as _};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::bail;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use gongkai_app::clock::{Clock, FixedClock, SystemClock};
use gongkai_app::office::{Office, OpenMode};
use gongkai_app::records::Records;

/// Prints a line to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod annual;
mod case;
mod db;
mod register;
mod user;

pub use annual::{CorrectArgs, GenerateArgs, StatusArgs, StatusChange, generate, report_correct, report_status};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 初始化：创建数据库并添加第一个机关及其系统管理员；或向已有数据库添加下级机关
    Init(db::InitArgs),
    /// 数据库迁移（PostgreSQL 需先运行；SQLite 打开时自动迁移）
    Migrate(Access),
    /// 依申请公开案件：登记、办理、更正、导入导出台账、列表、详情
    #[command(subcommand)]
    Case(Box<case::CaseCommand>),
    /// 用户与角色
    #[command(subcommand)]
    User(user::UserCommand),
    /// 针对本机关政府信息公开工作的行政复议、行政诉讼（年报表四）：登记、审结、更正、作废、列表
    #[command(subcommand)]
    Appeal(register::AppealCommand),
    /// 规章、行政规范性文件登记（年报表二）
    #[command(subcommand)]
    Register(register::RegisterCommand),
    /// 本年度行政许可、行政处罚、行政强制数量和行政事业性收费金额（年报表二）
    #[command(subcommand)]
    Counts(register::CountsCommand),
    /// 审计日志
    #[command(subcommand)]
    Audit(db::AuditCommand),
    /// 整库导出为 JSON Lines（备份，或在 SQLite 与 PostgreSQL 之间迁移）
    Export(db::ExportArgs),
    /// 把整库导出文件导入到一个新的空数据库
    Import(db::ImportArgs),
    /// 在线备份（SQLite：一致的数据库文件副本；PostgreSQL：一致快照的 JSON Lines）
    Backup(db::BackupArgs),
}

/// Which database, and who acts on it.
#[derive(Debug, Clone, Args)]
pub struct Access {
    /// 数据库地址：sqlite:路径 或 postgres://…（默认：数据目录中的 gongkai.db）
    #[arg(long, env = "GONGKAI_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
    /// 以该用户身份操作（登录名）；密码取自环境变量 GONGKAI_PASSWORD，未设置时在终端输入（不显示）
    #[arg(long = "as", value_name = "登录名", env = "GONGKAI_USER", hide_env_values = true)]
    pub user: Option<String>,
    /// 以本机操作员身份操作（不登录；审计日志记为本机的系统用户）
    #[arg(
        long,
        env = "GONGKAI_OPERATOR",
        hide_env_values = true,
        conflicts_with = "user",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub operator: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 中文表格
    Human,
    /// JSON
    Json,
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    gongkai_app::ledger::parse_date(s).ok_or_else(|| format!("“{s}”不是有效日期，应为 YYYY-MM-DD"))
}

fn clock(today: Option<NaiveDate>) -> Arc<dyn Clock> {
    match today {
        Some(d) => Arc::new(FixedClock(d)),
        None => Arc::new(SystemClock),
    }
}

/// The system user, as the audit log names the operator.
fn system_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into())
}

/// Opens an existing database and authenticates the principal.
async fn open(a: &Access, today: Option<NaiveDate>) -> anyhow::Result<Records> {
    let office = Office::open(a.database.as_deref(), OpenMode::Existing, clock(today)).await?;
    principal(&office, a).await
}

/// The principal of `a` on an open database.
async fn principal(office: &Office, a: &Access) -> anyhow::Result<Records> {
    if a.operator {
        return Ok(office.operator(&system_user()));
    }
    let Some(login) = &a.user else {
        bail!(
            "请指定操作身份：--as 登录名（或环境变量 GONGKAI_USER）以用户身份操作，或 --operator 以本机操作员身份操作"
        );
    };
    if login.trim().is_empty() {
        bail!("操作用户为空：--as（或 GONGKAI_USER）须为登录名");
    }
    let Some(password) = read_secret("GONGKAI_PASSWORD", &format!("用户“{}”的密码：", login.trim()))? else {
        bail!("需要用户“{}”的密码：请在提示时输入，或设置环境变量 GONGKAI_PASSWORD", login.trim());
    };
    Ok(office.login(login, &password).await?)
}

/// A secret from the environment variable `var`, else typed on the terminal without echo, else
/// one line of standard input (scripts). Never echoed.
fn read_secret(var: &str, prompt: &str) -> anyhow::Result<Option<String>> {
    if let Ok(p) = std::env::var(var)
        && !p.is_empty()
    {
        return Ok(Some(p));
    }
    let p = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map_err(|_| anyhow::anyhow!("无法从终端读取密码"))?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|_| anyhow::anyhow!("无法从标准输入读取密码"))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    Ok((!p.is_empty()).then_some(p))
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let rt = gongkai_app::runtime()?;
    rt.block_on(run_async(cmd))
}

async fn run_async(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Init(a) => db::init(a).await,
        Command::Migrate(a) => db::migrate(a).await,
        Command::Case(c) => case::run(*c).await,
        Command::User(c) => user::run(c).await,
        Command::Appeal(c) => register::appeal(c).await,
        Command::Register(c) => register::register(c).await,
        Command::Counts(c) => register::counts(c).await,
        Command::Audit(c) => db::audit(c).await,
        Command::Export(a) => db::export(a).await,
        Command::Import(a) => db::import(a).await,
        Command::Backup(a) => db::backup(a).await,
    }
}
