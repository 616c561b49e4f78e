//! `gongkai appeal …`, `register …`, `counts …`: tables 四 and 二.

use std::io::Write as _;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use gongkai_app::cases;
use gongkai_app::model::{AppealKind, AppealResult, Document, DocumentId, DocumentKind, NewAppeal, Validity, YearlyCounts};
use gongkai_app::registers;

use super::{Access, open, parse_date};

#[derive(Debug, Subcommand)]
pub enum AppealCommand {
    /// 登记针对某件申请的行政复议或行政诉讼（不服答复，或逾期未答复的不作为）
    Add(AppealAddArgs),
    /// 登记审结结果（只能登记一次；之后的改动用 appeal correct）
    Close(AppealCloseArgs),
    /// 更正复议、诉讼案件的登记（须说明原因）
    Correct(AppealCorrectArgs),
    /// 作废误登记的复议、诉讼案件（须说明原因）
    Void(AppealVoidArgs),
    /// 列出某机关的复议、诉讼案件
    List(AgencyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppealKindArg {
    /// 行政复议
    #[value(alias = "行政复议")]
    Reconsideration,
    /// 未经复议直接起诉
    #[value(alias = "直接起诉")]
    LitigationDirect,
    /// 复议后起诉
    #[value(alias = "复议后起诉")]
    LitigationAfterReconsideration,
}

impl From<AppealKindArg> for AppealKind {
    fn from(k: AppealKindArg) -> Self {
        match k {
            AppealKindArg::Reconsideration => AppealKind::Reconsideration,
            AppealKindArg::LitigationDirect => AppealKind::LitigationDirect,
            AppealKindArg::LitigationAfterReconsideration => AppealKind::LitigationAfterReconsideration,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppealResultArg {
    /// 维持
    #[value(alias = "维持")]
    Upheld,
    /// 纠正
    #[value(alias = "纠正")]
    Corrected,
    /// 其他
    #[value(alias = "其他")]
    Other,
}

impl From<AppealResultArg> for AppealResult {
    fn from(r: AppealResultArg) -> Self {
        match r {
            AppealResultArg::Upheld => AppealResult::Upheld,
            AppealResultArg::Corrected => AppealResult::Corrected,
            AppealResultArg::Other => AppealResult::Other,
        }
    }
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
    pub access: Access,
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
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct AppealCorrectArgs {
    /// 复议、诉讼案件的序号
    pub id: i64,
    /// 更正原因（必填）
    #[arg(long)]
    pub reason: String,
    /// 类型
    #[arg(long, value_enum)]
    pub kind: Option<AppealKindArg>,
    /// 立案日期
    #[arg(long, value_parser = parse_date)]
    pub filed: Option<NaiveDate>,
    /// 结果（尚未审结的案件用 --pending）
    #[arg(long, value_enum, conflicts_with = "pending")]
    pub result: Option<AppealResultArg>,
    /// 审结日期
    #[arg(long, value_parser = parse_date)]
    pub closed: Option<NaiveDate>,
    /// 改为尚未审结
    #[arg(long)]
    pub pending: bool,
    /// 备注
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct AppealVoidArgs {
    /// 复议、诉讼案件的序号
    pub id: i64,
    /// 作废原因（必填）
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct AgencyArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// 登记一件规章或行政规范性文件
    Add(RegisterAddArgs),
    /// 登记废止（或修改）
    Repeal(RegisterRepealArgs),
    /// 更正文件登记（须说明原因）
    Correct(RegisterCorrectArgs),
    /// 作废误登记的文件（须说明原因）
    Void(RegisterVoidArgs),
    /// 列出某机关的文件登记
    List(AgencyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocKindArg {
    /// 规章
    #[value(alias = "规章")]
    Regulation,
    /// 行政规范性文件
    #[value(alias = "行政规范性文件", alias = "规范性文件")]
    NormativeDocument,
}

impl From<DocKindArg> for DocumentKind {
    fn from(k: DocKindArg) -> Self {
        match k {
            DocKindArg::Regulation => DocumentKind::Regulation,
            DocKindArg::NormativeDocument => DocumentKind::NormativeDocument,
        }
    }
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
    pub access: Access,
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
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct RegisterCorrectArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 登记的文号
    #[arg(long)]
    pub number: String,
    /// 更正原因（必填）
    #[arg(long)]
    pub reason: String,
    /// 更正后的文号
    #[arg(long)]
    pub new_number: Option<String>,
    /// 标题
    #[arg(long)]
    pub title: Option<String>,
    /// 类别
    #[arg(long, value_enum)]
    pub kind: Option<DocKindArg>,
    /// 制发日期
    #[arg(long, value_parser = parse_date)]
    pub made: Option<NaiveDate>,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct RegisterVoidArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 文号
    #[arg(long)]
    pub number: String,
    /// 作废原因（必填）
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Subcommand)]
pub enum CountsCommand {
    /// 填报（只改给出的数字；修改已填报的数字须用 --reason 说明原因）
    Set(CountsSetArgs),
    /// 查看已填报的数字
    Show(CountsShowArgs),
}

#[derive(Debug, Args)]
pub struct CountsSetArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 年度
    #[arg(long)]
    pub year: i32,
    /// 行政许可本年处理决定数量
    #[arg(long)]
    pub licensing: Option<i64>,
    /// 行政处罚本年处理决定数量
    #[arg(long)]
    pub penalty: Option<i64>,
    /// 行政强制本年处理决定数量
    #[arg(long)]
    pub coercion: Option<i64>,
    /// 行政事业性收费本年收费金额（万元）
    #[arg(long)]
    pub fees_wan: Option<String>,
    /// 修改已填报数字的原因
    #[arg(long, default_value = "")]
    pub reason: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CountsShowArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 年度
    #[arg(long)]
    pub year: i32,
    #[command(flatten)]
    pub access: Access,
}

pub async fn appeal(c: AppealCommand) -> anyhow::Result<ExitCode> {
    match c {
        AppealCommand::Add(a) => {
            let rec = open(&a.access, None).await?;
            let app = cases::find(&rec, &a.case_id, a.agency.as_deref()).await?;
            let closed = a.result.zip(a.closed).map(|(r, d)| (r.into(), d));
            let ap = registers::add_appeal(&rec, &app, a.kind.into(), a.filed, closed, a.note).await?;
            rec.office().close().await;
            say!(
                "已登记{}（序号 {}），针对申请 {}（{}），{}",
                ap.kind.label(),
                ap.id,
                app.number,
                ap.ground.label(),
                ap.result.label()
            );
        }
        AppealCommand::Close(a) => {
            let rec = open(&a.access, None).await?;
            let ap = registers::close_appeal(&rec, a.id, a.result.into(), a.closed).await?;
            rec.office().close().await;
            say!("{}（序号 {}）已审结：{}", ap.kind.label(), ap.id, ap.result.label());
        }
        AppealCommand::Correct(a) => {
            let rec = open(&a.access, None).await?;
            let (old, _) = registers::appeal(&rec, a.id).await?;
            let (result, closed_on) = if a.pending {
                (AppealResult::Pending, None)
            } else {
                (a.result.map(Into::into).unwrap_or(old.result), a.closed.or(old.closed_on))
            };
            let corrected = NewAppeal {
                application: old.application,
                kind: a.kind.map(Into::into).unwrap_or(old.kind),
                filed_on: a.filed.unwrap_or(old.filed_on),
                result,
                closed_on,
                note: a.note.unwrap_or(old.note),
            };
            let ap = registers::correct_appeal(&rec, a.id, Some(corrected), &a.reason).await?;
            rec.office().close().await;
            say!("已更正{}（序号 {}）：{}（原因：{}）", ap.kind.label(), ap.id, ap.result.label(), a.reason.trim());
        }
        AppealCommand::Void(a) => {
            let rec = open(&a.access, None).await?;
            let ap = registers::correct_appeal(&rec, a.id, None, &a.reason).await?;
            rec.office().close().await;
            say!("{}（序号 {}）已作废（原因：{}）", ap.kind.label(), ap.id, a.reason.trim());
        }
        AppealCommand::List(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let appeals = registers::appeals(&rec, &agency).await?;
            let mut lines = Vec::new();
            for ap in &appeals {
                let app = cases::get(&rec, ap.application).await?;
                lines.push(format!(
                    "{}\t{}\t申请 {}\t{}\t立案 {}\t{}{}{}",
                    ap.id,
                    ap.kind.label(),
                    app.number,
                    ap.ground.label(),
                    ap.filed_on,
                    ap.result.label(),
                    ap.closed_on.map(|d| format!("（{d}）")).unwrap_or_default(),
                    if ap.voided.is_some() { "\t已作废" } else { "" }
                ));
            }
            rec.office().close().await;
            if lines.is_empty() {
                say!("没有复议、诉讼案件");
            }
            for l in lines {
                say!("{l}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn register(c: RegisterCommand) -> anyhow::Result<ExitCode> {
    match c {
        RegisterCommand::Add(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let d = registers::add_document(&rec, &agency, a.kind.into(), &a.number, &a.title, a.made).await?;
            rec.office().close().await;
            say!("已登记{}：{}《{}》", d.kind.label(), d.doc_number, d.title);
        }
        RegisterCommand::Repeal(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let v = if a.amended { Validity::Amended } else { Validity::Repealed };
            let d = registers::repeal_document(&rec, &agency, &a.number, a.date, v).await?;
            rec.office().close().await;
            say!("{}《{}》{}（{}）", d.doc_number, d.title, d.validity.label(), a.date);
        }
        RegisterCommand::Correct(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let old = registers::documents(&rec, &agency)
                .await?
                .into_iter()
                .find(|d| d.doc_number == a.number.trim() && d.voided.is_none());
            let Some(old) = old else {
                anyhow::bail!("“{}”的文件登记中没有文号 {}", agency.name, a.number);
            };
            let corrected = Document {
                id: DocumentId(0),
                doc_number: a.new_number.unwrap_or(old.doc_number.clone()),
                title: a.title.unwrap_or(old.title.clone()),
                kind: a.kind.map(Into::into).unwrap_or(old.kind),
                made_on: a.made.unwrap_or(old.made_on),
                ..old
            };
            let d = registers::correct_document(&rec, &agency, &a.number, Some(corrected), &a.reason).await?;
            rec.office().close().await;
            say!("已更正{}：{}《{}》（原因：{}）", d.kind.label(), d.doc_number, d.title, a.reason.trim());
        }
        RegisterCommand::Void(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let d = registers::correct_document(&rec, &agency, &a.number, None, &a.reason).await?;
            rec.office().close().await;
            say!("{}《{}》已作废（原因：{}）", d.doc_number, d.title, a.reason.trim());
        }
        RegisterCommand::List(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let docs = registers::documents(&rec, &agency).await?;
            rec.office().close().await;
            for d in &docs {
                say!(
                    "{}\t{}\t{}\t制发 {}\t{}{}{}",
                    d.kind.label(),
                    d.doc_number,
                    d.title,
                    d.made_on,
                    d.validity.label(),
                    d.repealed_on.map(|r| format!("（{r}）")).unwrap_or_default(),
                    if d.voided.is_some() { "\t已作废" } else { "" }
                );
            }
            if docs.is_empty() {
                say!("没有登记的文件");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn counts(c: CountsCommand) -> anyhow::Result<ExitCode> {
    let blank = |v: Option<i64>| v.map_or("（未填报）".to_string(), |n| n.to_string());
    let show = |c: &YearlyCounts| {
        say!("行政许可：{}", blank(c.admin_licensing));
        say!("行政处罚：{}", blank(c.admin_penalty));
        say!("行政强制：{}", blank(c.admin_coercion));
        say!("行政事业性收费（万元）：{}", c.admin_fees_wan.clone().unwrap_or_else(|| "（未填报）".into()));
    };
    match c {
        CountsCommand::Set(a) => {
            if a.licensing.is_none() && a.penalty.is_none() && a.coercion.is_none() && a.fees_wan.is_none() {
                anyhow::bail!("没有要填报的数字：请给出 --licensing、--penalty、--coercion 或 --fees-wan");
            }
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let update = YearlyCounts {
                admin_licensing: a.licensing,
                admin_penalty: a.penalty,
                admin_coercion: a.coercion,
                admin_fees_wan: a.fees_wan,
            };
            let now = registers::set_counts(&rec, &agency, a.year, update, &a.reason).await?;
            rec.office().close().await;
            say!("已填报“{}” {} 年度的数字：", agency.name, a.year);
            show(&now);
        }
        CountsCommand::Show(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let c = registers::counts(&rec, &agency, a.year).await?;
            rec.office().close().await;
            match c {
                Some(c) => {
                    say!("“{}” {} 年度：", agency.name, a.year);
                    show(&c);
                }
                None => say!("“{}” {} 年度尚未填报", agency.name, a.year),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
