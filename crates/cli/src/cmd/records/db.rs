//! `gongkai init`, `migrate`, `audit …`, `export`, `import`, `backup`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use gongkai_app::model::AgencyLevel;
use gongkai_app::office::{Office, OpenMode, now};
use gongkai_app::people::{self, InitRequest};
use gongkai_app::transfer::{self, AuditCheck, Receipt};

use super::{Access, Format, clock, open, principal, read_secret, system_user};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// 乡镇（街道）
    #[value(alias = "乡镇", alias = "街道")]
    Township,
    /// 县级人民政府
    #[value(alias = "县级人民政府", alias = "县")]
    County,
    /// 设区的市级人民政府
    #[value(alias = "设区的市级人民政府", alias = "市")]
    City,
    /// 省级人民政府
    #[value(alias = "省级人民政府", alias = "省")]
    Province,
    /// 政府部门
    #[value(alias = "政府部门", alias = "部门")]
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
    /// 上级机关全称（县政府之下的部门、乡镇）；向已有数据库添加机关时须以其系统管理员身份运行
    #[arg(long)]
    pub parent: Option<String>,
    /// 地区（使用导入的地方假日；须先用 gongkai calendar import --region 导入）
    #[arg(long)]
    pub region: Option<String>,
    /// 系统管理员登录名；新用户的密码取自环境变量 GONGKAI_ADMIN_PASSWORD，未设置时在终端输入
    #[arg(long)]
    pub admin: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志：哈希链、锚点文件、保存的回执；加 --records 时逐条核对记录与日志
    Verify(VerifyArgs),
    /// 查看审计日志（本人有权查看的机关）
    Log(AuditLogArgs),
    /// 重建锚点文件：先校验哈希链，再把锚点设在日志末尾（数据库从别处复制、从备份恢复，或在新机器上访问 PostgreSQL 时）
    Anchor(Access),
    /// 打印 PostgreSQL 的授权语句：应用使用的数据库角色不能修改、删除或清空审计日志
    Grants(GrantsArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// 以前保存的回执（序号:哈希值，可多次给出）：日志中该条记录必须仍在且未被改写
    #[arg(long, value_name = "序号:哈希值")]
    pub expect: Vec<String>,
    /// 逐条核对记录（申请、事件、复议诉讼、文件、机关、用户、角色、数量、年报）与审计日志中最后一次写入的内容
    #[arg(long)]
    pub records: bool,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct GrantsArgs {
    /// 应用连接数据库所用的角色（由数据库管理员事先创建）
    #[arg(long, value_name = "角色名")]
    pub role: String,
    /// gongkai 的表所在的模式
    #[arg(long, default_value = "public")]
    pub schema: String,
}

#[derive(Debug, Args)]
pub struct AuditLogArgs {
    /// 从该序号之后开始
    #[arg(long, default_value_t = 0)]
    pub after: i64,
    /// 最多列出多少条
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// 输出文件（默认：标准输出）；写完后才出现，仅本人可读
    #[arg(short = 'o', long = "out", value_name = "文件")]
    pub out: Option<PathBuf>,
    /// 覆盖已有的输出文件（正在使用的数据库永远不会被覆盖）
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 整库导出文件（JSON Lines）
    pub file: PathBuf,
    /// 导入到的新数据库地址：sqlite:路径 或 postgres://…（默认：数据目录中的 gongkai.db）
    #[arg(long, env = "GONGKAI_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份文件（默认：数据目录 backups/ 下带时间的文件名）；写完后才出现，仅本人可读
    #[arg(short = 'o', long = "out", value_name = "文件")]
    pub out: Option<PathBuf>,
    /// 覆盖已有的备份文件（正在使用的数据库永远不会被覆盖）
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub access: Access,
}

pub async fn init(a: InitArgs) -> anyhow::Result<ExitCode> {
    let office = Office::open(a.access.database.as_deref(), OpenMode::Create, clock(None)).await?;
    let request = |password| InitRequest {
        agency: a.agency.clone(),
        level: a.level.into(),
        parent: a.parent.clone(),
        region: a.region.clone(),
        admin: a.admin.clone(),
        password,
    };
    let fresh = office.agency_count().await? == 0;
    let lines = if fresh {
        let password = read_secret("GONGKAI_ADMIN_PASSWORD", &format!("新管理员“{}”的密码：", a.admin.trim()))?;
        people::bootstrap(&office, request(password), &system_user()).await?
    } else {
        let rec = principal(&office, &a.access).await?;
        let password = if office.user_exists(&a.admin).await? {
            None
        } else {
            read_secret("GONGKAI_ADMIN_PASSWORD", &format!("新管理员“{}”的密码：", a.admin.trim()))?
        };
        people::add_agency(&rec, request(password)).await?
    };
    office.close().await;
    for l in lines {
        say!("{l}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn migrate(a: Access) -> anyhow::Result<ExitCode> {
    let office = Office::open(a.database.as_deref(), OpenMode::Migrate, clock(None)).await?;
    let rec = principal(&office, &a).await?;
    let names = transfer::migrate(&rec).await?;
    office.close().await;
    say!("数据库已迁移到最新版本（{}）", names.last().map(String::as_str).unwrap_or("-"));
    Ok(ExitCode::SUCCESS)
}

pub async fn audit(c: AuditCommand) -> anyhow::Result<ExitCode> {
    match c {
        AuditCommand::Verify(a) => {
            let expect = a
                .expect
                .iter()
                .map(|r| r.parse::<Receipt>().map_err(anyhow::Error::msg))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let rec = open(&a.access, None).await?;
            let v = transfer::verify(&rec, &AuditCheck { expect, records: a.records }).await?;
            rec.office().close().await;
            for n in &v.notes {
                say!("{n}");
            }
            if v.problems.is_empty() {
                say!("审计日志完整：共 {} 条记录，哈希链校验通过", v.entries);
                if let Some(n) = v.records {
                    say!("记录核对通过：{n} 条记录与审计日志一致");
                }
                if let Some(head) = &v.head {
                    say!("回执：{head}");
                    say!("（请把回执保存在数据库以外的地方；以后用 gongkai audit verify --expect {head} 核对日志未被改写）");
                }
                Ok(ExitCode::SUCCESS)
            } else {
                say!("审计日志校验未通过：共 {} 条记录，发现 {} 处问题", v.entries, v.problems.len());
                for p in &v.problems {
                    say!("  {p}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
        AuditCommand::Anchor(a) => {
            let rec = open(&a, None).await?;
            let r = transfer::anchor(&rec).await?;
            rec.office().close().await;
            match &r.previous {
                Some(p) => say!("锚点文件 {} 原记下第 {} 条（{}…）", r.path.display(), p.seq, p.short()),
                None => say!("锚点文件 {} 原先不存在或无法读取", r.path.display()),
            }
            say!("已重建锚点（审计日志中记下了这次操作）");
            say!("回执：{}", r.receipt);
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Grants(a) => {
            say!("{}", transfer::grants_sql(&a.role, &a.schema)?);
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Log(a) => {
            let rec = open(&a.access, None).await?;
            let entries = transfer::audit_entries(&rec, a.after, a.limit).await?;
            rec.office().close().await;
            match a.format {
                Format::Json => say!("{}", serde_json::to_string_pretty(&entries)?),
                Format::Human => {
                    if entries.is_empty() {
                        say!("没有审计记录");
                    }
                    for e in &entries {
                        let reason = if e.reason.is_empty() { String::new() } else { format!("（原因：{}）", e.reason) };
                        say!("{}\t{}\t{}\t{}{} {}{reason}", e.seq, e.at, e.actor, action_zh(&e.action), entity_zh(&e.entity), e.entity_id);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    let rec = open(&a.access, None).await?;
    let bar = crate::progress::writing("正在导出");
    let summary = match &a.out {
        Some(path) => transfer::export_to_tracked(&rec, path, a.force, &|n| bar.set_position(n)).await,
        None => {
            let mut w = bar.wrap_write(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
            let s = transfer::export(&rec, &mut w).await;
            s.and_then(|s| {
                w.flush().map_err(|e| gongkai_app::error::AppError::invalid(format!("无法写入标准输出：{}", gongkai_app::describe_io(&e))))?;
                Ok(s)
            })
        }
    };
    bar.finish_and_clear();
    let summary = summary?;
    rec.office().close().await;
    eprintln!("已导出：{}", summarise(&summary.tables));
    if let Some(head) = &summary.head {
        eprintln!("审计日志回执：{head}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    let file = gongkai_app::limits::open_file(&a.file)?;
    // A SQLite file this command creates is removed again when nothing could be imported.
    let url = match &a.database {
        Some(u) => u.trim().to_owned(),
        None => gongkai_app::office::default_database_url()?,
    };
    let created = gongkai_app::office::sqlite_path(&url).is_some_and(|p| !p.exists());
    let office = Office::open(a.database.as_deref(), OpenMode::Create, clock(None)).await?;
    let bar = crate::progress::reading(format!("正在导入 {}", a.file.display()));
    let mut r = std::io::BufReader::new(bar.wrap_read(file));
    let summary = transfer::import(&office, &mut r).await;
    bar.finish_and_clear();
    office.close().await;
    if summary.is_err() && created {
        for f in office.files() {
            let _ = std::fs::remove_file(f);
        }
    }
    let summary = summary.with_context(|| format!("{} 未导入（数据库未作任何改动）", a.file.display()))?;
    say!("已导入：{}", summarise(&summary.tables));
    say!("审计日志校验通过，各条记录与审计日志一致");
    if let Some(head) = &summary.head {
        say!("回执：{head}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn backup(a: BackupArgs) -> anyhow::Result<ExitCode> {
    let rec = open(&a.access, None).await?;
    let to = match a.out {
        Some(t) => t,
        None => {
            let ext = if rec.office().is_postgres() { "jsonl" } else { "db" };
            let stamp = now().format("%Y%m%d-%H%M%S");
            let dir = gongkai_app::clock::data_dir()?.join("backups");
            std::fs::create_dir_all(&dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
            dir.join(format!("gongkai-{stamp}.{ext}"))
        }
    };
    let bar = crate::progress::spinner(format!("正在备份到 {}", to.display()));
    let receipt = transfer::backup(&rec, &to, a.force).await;
    bar.finish_and_clear();
    let receipt = receipt?;
    rec.office().close().await;
    say!("已备份到 {}", to.display());
    say!("备份的审计日志回执：{receipt}");
    Ok(ExitCode::SUCCESS)
}

fn summarise(tables: &[(String, u64)]) -> String {
    if tables.is_empty() {
        return "空数据库".into();
    }
    tables.iter().map(|(t, n)| format!("{} {n} 条", table_zh(t))).collect::<Vec<_>>().join("，")
}

/// An audit entry's action, in Chinese (the code itself is in `--format json`).
fn action_zh(action: &str) -> &str {
    match action {
        "create" => "新建",
        "update" => "修改",
        "correct" => "更正",
        "correct_event" => "更正事件：",
        "void" => "作废",
        "close" => "审结",
        "grant" => "授予",
        "revoke" => "收回",
        "import" => "导入",
        "issue" => "出具",
        "login" => "登录：",
        "logout" => "退出：",
        "decide" => "审批",
        "approve" => "批准",
        "refuse" => "不批准",
        "request" => "提出",
        "repeal" => "废止",
        "save" => "保存",
        "lock" => "锁定",
        "publish" => "发布",
        "status" => "改变状态：",
        "add_event" => "记录事件：",
        "assign" => "分派承办人：",
        "set" => "填报",
        "reset" => "恢复默认",
        "password" => "修改密码：",
        "disable" | "disabled" => "停用",
        "enable" | "enabled" => "启用",
        "anchor" => "重建锚点：",
        other => other,
    }
}

/// An audit entry's kind of record, in Chinese.
fn entity_zh(entity: &str) -> &str {
    match entity {
        "agency" => "机关",
        "user" => "用户",
        "role" => "角色",
        "application" => "申请",
        "appeal" => "复议诉讼",
        "document" => "文件登记",
        "extension" => "延期申请",
        "letter" => "文书",
        "letter_template" => "文书模板",
        "yearly_counts" => "年度数量",
        "annual_report" => "年度报告",
        "audit_anchor" | "anchor" => "审计日志锚点",
        other => other,
    }
}

/// What a table of the export holds, in Chinese.
fn table_zh(table: &str) -> &str {
    match table {
        "agencies" => "机关",
        "users" => "用户",
        "user_roles" => "角色",
        "applications" => "申请",
        "application_events" => "办理事件",
        "extension_requests" => "延期申请",
        "appeals" => "复议诉讼",
        "register_documents" => "规章和规范性文件",
        "yearly_counts" => "年度数量",
        "annual_reports" => "年度报告",
        "report_corrections" => "年度报告更正",
        "letter_templates" => "文书模板",
        "document_numbers" => "文号",
        "letters" => "文书",
        "audit_log" => "审计日志",
        "audit_head" => "审计日志链头",
        other => other,
    }
}
