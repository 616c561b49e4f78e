//! `gongkai case …`: registering, handling, correcting and listing applications.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use gongkai_app::cases::{self, CaseQuery, EventInput, NewCase};
use gongkai_app::ledger;
use gongkai_app::model::{Applicant, ApplicantKind, CaseFields, Channel, Closing, DeliveryMode, Outcome, Party};
use gongkai_app::records::Records;
use serde_json::json;

use super::{Access, Format, open, parse_date};

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// 登记一件申请（当面、邮寄、网络等各种方式收到的申请，以及代为填写的口头申请）
    Add(CaseAddArgs),
    /// 导入台账（CSV 或 XLSX，中文表头）；任何一行有误则全部不导入
    Import(CaseImportArgs),
    /// 导出台账（格式由文件扩展名决定：.csv 或 .xlsx）
    Export(CaseExportArgs),
    /// 生成台账模板（表头和一行示例；格式由文件扩展名决定：.csv 或 .xlsx），不需要数据库，填好后用 case import 导入
    Template(CaseTemplateArgs),
    /// 案件列表
    List(CaseListArgs),
    /// 案件详情：时间线和答复期限的计算说明
    Show(CaseShowArgs),
    /// 记录案件的一个事件（补正、征求意见、收费、答复、撤回等），答复时填写办理结果；
    /// 批准延期（extension_approved）须由办公室负责人本人以 --as 运行
    Event(CaseEventArgs),
    /// 分派承办人
    Assign(CaseAssignArgs),
    /// 延期答复：承办人申请，办公室负责人审批（条例第三十三条）
    #[command(subcommand)]
    Extension(ExtensionCommand),
    /// 更正案件信息或办理结果（须说明原因，记入审计日志）
    Correct(CaseCorrectArgs),
    /// 更正或删除时间线上的一个事件（须说明原因，记入审计日志）
    CorrectEvent(CaseCorrectEventArgs),
    /// 作废误登记的案件（须说明原因；作废的案件不计入任何统计）
    Void(CaseVoidArgs),
}

/// A case named by 编号 (or internal id), within an agency when given.
#[derive(Debug, Clone, Args)]
pub struct CaseKey {
    /// 案件编号（台账中的编号）或内部序号
    pub id: String,
    /// 在该机关内查找编号
    #[arg(long)]
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// 自然人
    #[value(alias = "自然人")]
    NaturalPerson,
    /// 商业企业
    #[value(alias = "商业企业")]
    Commercial,
    /// 科研机构
    #[value(alias = "科研机构")]
    Research,
    /// 社会公益组织
    #[value(alias = "社会公益组织")]
    PublicWelfare,
    /// 法律服务机构
    #[value(alias = "法律服务机构")]
    LegalService,
    /// 其他组织
    #[value(alias = "其他组织", alias = "其他")]
    OtherOrg,
}

impl From<KindArg> for ApplicantKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::NaturalPerson => ApplicantKind::NaturalPerson,
            KindArg::Commercial => ApplicantKind::Commercial,
            KindArg::Research => ApplicantKind::Research,
            KindArg::PublicWelfare => ApplicantKind::PublicWelfare,
            KindArg::LegalService => ApplicantKind::LegalService,
            KindArg::OtherOrg => ApplicantKind::OtherOrg,
        }
    }
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    ledger::parse_channel(s).ok_or_else(|| {
        format!("“{s}”不是有效的申请方式（如 当面提交、邮寄、平常信函、网络申请、传真、电子邮件、其他）")
    })
}

#[derive(Debug, Args)]
pub struct CaseAddArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 申请人姓名或名称
    #[arg(long)]
    pub applicant: String,
    /// 申请人类型（决定年报表三的列）
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// 申请方式，如 当面提交、邮寄、平常信函、网络申请、传真、电子邮件
    #[arg(long, value_parser = parse_channel)]
    pub channel: Channel,
    /// 申请到达之日，YYYY-MM-DD
    #[arg(long, value_parser = parse_date)]
    pub received: NaiveDate,
    /// 签收之日（邮寄）或与申请人确认之日（平常信函、网络、传真、电子邮件），晚于到达之日时填写
    #[arg(long, value_parser = parse_date)]
    pub confirmed: Option<NaiveDate>,
    /// 申请内容
    #[arg(long)]
    pub content: String,
    /// 编号（默认自动编号）
    #[arg(long)]
    pub number: Option<String>,
    /// 承办人（登录名）
    #[arg(long)]
    pub officer: Option<String>,
    /// 身份证件名称和号码，或统一社会信用代码
    #[arg(long, default_value = "")]
    pub id_document: String,
    /// 联系电话、电子邮箱
    #[arg(long, default_value = "")]
    pub contact: String,
    /// 通讯地址
    #[arg(long, default_value = "")]
    pub address: String,
    /// 所需信息的形式（纸质、电子等）
    #[arg(long, default_value = "")]
    pub form: String,
    /// 获取信息的方式（邮寄、自行领取、电子邮件等）
    #[arg(long, default_value = "")]
    pub delivery: String,
    /// 备注（如“口头申请，代为填写”）
    #[arg(long, default_value = "")]
    pub remarks: String,
    /// 收到当日未能联系上申请人确认（平常信函、电子邮件；以确认之日为收到申请之日）
    #[arg(long)]
    pub same_day_contact_failed: bool,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CaseEventArgs {
    #[command(flatten)]
    pub case: CaseKey,
    /// 事件类型：correction_requested（发出补正通知）、correction_received、correction_expired、
    /// consultation_started（开始征求意见）、consultation_answered、consultation_expired、
    /// extension_approved（批准延期答复）、later_date_set、fee_notice_sent、fee_notice_received、
    /// fee_paid、fee_expired、replied（答复）、withdrawn（撤回），也可用中文名称
    #[arg(long = "type", value_name = "事件类型")]
    pub kind: String,
    /// 日期，YYYY-MM-DD
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    #[command(flatten)]
    pub detail: EventDetailArgs,
    /// 办理人看到的案件版本（来自 case show；案件此后被他人修改时拒绝）
    #[arg(long = "case-version", value_name = "版本")]
    pub case_version: Option<i64>,
    #[command(flatten)]
    pub access: Access,
}

/// The details an event may carry.
#[derive(Debug, Clone, Args)]
pub struct EventDetailArgs {
    /// 办理结果（答复时必填），年报表三的项目名称，如 予以公开、部分公开、本机关不掌握相关政府信息
    #[arg(long)]
    pub outcome: Option<String>,
    /// 征求意见的对象
    #[arg(long, value_enum)]
    pub party: Option<PartyArg>,
    /// 延期的工作日数（默认 20）
    #[arg(long)]
    pub days: Option<u32>,
    /// 条例第三十五条确定的合理答复期限
    #[arg(long, value_parser = parse_date)]
    pub new_date: Option<NaiveDate>,
    /// 答复的送达方式
    #[arg(long, value_enum)]
    pub delivery: Option<DeliveryArg>,
    /// 金额（元）：收费通知须填写（可用 gongkai fee 计算）；缴费默认为通知的金额
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartyArg {
    /// 第三方（条例第三十二条）
    #[value(alias = "第三方")]
    ThirdParty,
    /// 其他机关（条例第三十四条）
    #[value(alias = "其他机关")]
    Agency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeliveryArg {
    /// 直接送达
    #[value(alias = "直接送达")]
    Direct,
    /// 委托送达
    #[value(alias = "委托送达")]
    Entrusted,
    /// 邮寄送达
    #[value(alias = "邮寄送达")]
    Post,
    /// 电子送达（平台、电子邮件：到达申请人账户或邮箱之日）
    #[value(alias = "电子送达")]
    Electronic,
}

fn outcome_of(o: &str) -> anyhow::Result<Outcome> {
    Outcome::from_ledger(o).with_context(|| {
        format!("“{o}”不是年报表三的办理结果（如 予以公开、部分公开、本机关不掌握相关政府信息、重复申请、其他）")
    })
}

impl EventDetailArgs {
    fn input(self, kind: &str, on: NaiveDate) -> anyhow::Result<EventInput> {
        let Some(kind) = cases::parse_event_kind(kind) else {
            bail!("未知的事件类型“{kind}”");
        };
        Ok(EventInput {
            outcome: self.outcome.as_deref().map(outcome_of).transpose()?,
            party: self.party.map(|p| match p {
                PartyArg::ThirdParty => Party::ThirdParty,
                PartyArg::Agency => Party::Agency,
            }),
            days: self.days,
            new_date: self.new_date,
            delivery: self.delivery.map(|d| match d {
                DeliveryArg::Direct => DeliveryMode::Direct,
                DeliveryArg::Entrusted => DeliveryMode::Entrusted,
                DeliveryArg::Post => DeliveryMode::Post,
                DeliveryArg::Electronic => DeliveryMode::Electronic,
            }),
            amount_yuan: self.amount,
            note: self.note,
            reply_type: self.reply_type,
            legal_basis: self.legal_basis,
            reply_letter_ref: self.letter,
            ..EventInput::new(kind, on)
        })
    }
}

#[derive(Debug, Args)]
pub struct CaseAssignArgs {
    #[command(flatten)]
    pub case: CaseKey,
    /// 承办人（登录名）
    #[arg(long, required_unless_present = "none")]
    pub officer: Option<String>,
    /// 取消分派
    #[arg(long, conflicts_with = "officer")]
    pub none: bool,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Subcommand)]
pub enum ExtensionCommand {
    /// 承办人申请延期答复
    Request(ExtensionRequestArgs),
    /// 办公室负责人批准延期申请（不得审批本人承办或本人提出的申请）
    Approve(ExtensionDecideArgs),
    /// 办公室负责人不批准延期申请
    Refuse(ExtensionDecideArgs),
    /// 待审批的延期申请（本人有权审批的机关）
    List(Access),
}

#[derive(Debug, Args)]
pub struct ExtensionRequestArgs {
    #[command(flatten)]
    pub case: CaseKey,
    /// 延长的工作日数（1 至 20）
    #[arg(long, default_value_t = 20)]
    pub days: u32,
    /// 延期理由（写入延期答复告知书）
    #[arg(long)]
    pub reason: String,
    /// 申请日期（默认今天）
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct ExtensionDecideArgs {
    /// 延期申请的序号（extension list 中的第一列）
    pub request: i64,
    /// 审批日期（默认今天）
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CaseCorrectArgs {
    #[command(flatten)]
    pub case: CaseKey,
    /// 更正原因（必填）
    #[arg(long)]
    pub reason: String,
    /// 编号
    #[arg(long)]
    pub number: Option<String>,
    /// 申请人姓名或名称
    #[arg(long)]
    pub applicant: Option<String>,
    /// 申请人类型
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// 申请方式
    #[arg(long, value_parser = parse_channel)]
    pub channel: Option<Channel>,
    /// 收到日期
    #[arg(long, value_parser = parse_date)]
    pub received: Option<NaiveDate>,
    /// 申请内容
    #[arg(long)]
    pub content: Option<String>,
    /// 身份证件
    #[arg(long)]
    pub id_document: Option<String>,
    /// 联系方式
    #[arg(long)]
    pub contact: Option<String>,
    /// 通讯地址
    #[arg(long)]
    pub address: Option<String>,
    /// 所需信息的形式
    #[arg(long)]
    pub form: Option<String>,
    /// 获取信息的方式
    #[arg(long)]
    pub delivery: Option<String>,
    /// 备注
    #[arg(long)]
    pub remarks: Option<String>,
    /// 办理结果（已办结的案件）
    #[arg(long)]
    pub outcome: Option<String>,
    /// 答复类型（已办结的案件）
    #[arg(long)]
    pub reply_type: Option<String>,
    /// 法律依据（已办结的案件）
    #[arg(long)]
    pub legal_basis: Option<String>,
    /// 告知书文号（已办结的案件）
    #[arg(long)]
    pub letter: Option<String>,
    /// 办理人看到的案件版本
    #[arg(long = "case-version", value_name = "版本")]
    pub case_version: Option<i64>,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CaseCorrectEventArgs {
    #[command(flatten)]
    pub case: CaseKey,
    /// 事件的序号（case show 时间线中的编号，收到申请之后从 1 起）
    #[arg(long)]
    pub position: usize,
    /// 更正原因（必填）
    #[arg(long)]
    pub reason: String,
    /// 删除该事件（而不是替换）
    #[arg(long, conflicts_with_all = ["kind", "date"])]
    pub remove: bool,
    /// 更正后的事件类型
    #[arg(long = "type", value_name = "事件类型", required_unless_present = "remove")]
    pub kind: Option<String>,
    /// 更正后的日期
    #[arg(long, value_parser = parse_date, required_unless_present = "remove")]
    pub date: Option<NaiveDate>,
    #[command(flatten)]
    pub detail: EventDetailArgs,
    /// 办理人看到的案件版本
    #[arg(long = "case-version", value_name = "版本")]
    pub case_version: Option<i64>,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CaseVoidArgs {
    #[command(flatten)]
    pub case: CaseKey,
    /// 作废原因（必填）
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub access: Access,
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
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CaseExportArgs {
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 输出文件（.csv 或 .xlsx）；写完后才出现，仅本人可读
    #[arg(short = 'o', long = "out", value_name = "文件")]
    pub out: PathBuf,
    /// 覆盖已有的输出文件
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CaseTemplateArgs {
    /// 模板文件（.csv 或 .xlsx），如 台账模板.xlsx
    #[arg(short = 'o', long = "out", alias = "to", value_name = "文件")]
    pub out: PathBuf,
    /// 覆盖已有的文件
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CaseListArgs {
    /// 只列该机关的案件
    #[arg(long)]
    pub agency: Option<String>,
    /// 只列今后 N 个工作日内到期（含已超期）的未办结案件，暂停计时的案件按其暂停期限计，按期限排序
    #[arg(long, value_name = "N")]
    pub due_within: Option<u32>,
    /// 只列已超期的未办结案件
    #[arg(long, conflicts_with = "due_within")]
    pub overdue: bool,
    /// 只列未办结案件
    #[arg(long)]
    pub open: bool,
    /// 只列该承办人（登录名）的案件
    #[arg(long)]
    pub officer: Option<String>,
    /// 只列该年度收到的案件
    #[arg(long)]
    pub year: Option<i32>,
    /// 也列出已作废的案件
    #[arg(long)]
    pub include_voided: bool,
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
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct CaseShowArgs {
    #[command(flatten)]
    pub case: CaseKey,
    /// 以该日为“今天”（YYYY-MM-DD）
    #[arg(long, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub access: Access,
}

async fn found(rec: &Records, key: &CaseKey) -> anyhow::Result<gongkai_app::model::Application> {
    Ok(cases::find(rec, &key.id, key.agency.as_deref()).await?)
}

fn print_state(app: &gongkai_app::model::Application) {
    match (app.closing.as_ref(), app.due_on) {
        (Some(c), _) => say!("已办结，办理结果：{}", c.outcome.label()),
        (None, Some(d)) => say!("状态：{}，答复期限：{d}", app.state.label()),
        (None, None) => say!("状态：{}", app.state.label()),
    }
}

pub async fn run(c: CaseCommand) -> anyhow::Result<ExitCode> {
    match c {
        CaseCommand::Add(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let app = cases::add(
                &rec,
                &agency,
                NewCase {
                    number: a.number,
                    applicant: Applicant {
                        kind: a.kind.into(),
                        name: a.applicant,
                        id_document: a.id_document,
                        contact: a.contact,
                        address: a.address,
                    },
                    channel: a.channel,
                    received_on: a.received,
                    confirmed_on: a.confirmed,
                    content: a.content,
                    requested_form: a.form,
                    delivery: a.delivery,
                    officer: a.officer,
                    remarks: a.remarks,
                    same_day_contact_failed: a.same_day_contact_failed,
                },
            )
            .await?;
            rec.office().close().await;
            say!("已登记申请 {}（{}）", app.number, agency.name);
            print_state(&app);
        }
        CaseCommand::Event(a) => {
            let rec = open(&a.access, None).await?;
            let app = found(&rec, &a.case).await?;
            let input = a.detail.input(&a.kind, a.date)?;
            let label = input.kind.label();
            let app = cases::record_event(&rec, &app, input, a.case_version).await?;
            rec.office().close().await;
            say!("已记录：{} {}（{}）", app.number, label, a.date);
            print_state(&app);
        }
        CaseCommand::Assign(a) => {
            let rec = open(&a.access, None).await?;
            let app = found(&rec, &a.case).await?;
            let app = cases::assign(&rec, &app, a.officer.as_deref()).await?;
            rec.office().close().await;
            match &a.officer {
                Some(o) => say!("申请 {} 的承办人：{o}", app.number),
                None => say!("申请 {} 已取消分派", app.number),
            }
        }
        CaseCommand::Extension(ExtensionCommand::Request(a)) => {
            let rec = open(&a.access, None).await?;
            let app = found(&rec, &a.case).await?;
            let on = a.date.unwrap_or(rec.today());
            let r = cases::request_extension(&rec, &app, a.days, &a.reason, on).await?;
            rec.office().close().await;
            say!("已提出延期申请（序号 {}）：申请 {} 延长 {} 个工作日，待办公室负责人审批", r.id, app.number, r.days);
        }
        CaseCommand::Extension(ExtensionCommand::Approve(a)) => decide(a, true).await?,
        CaseCommand::Extension(ExtensionCommand::Refuse(a)) => decide(a, false).await?,
        CaseCommand::Extension(ExtensionCommand::List(access)) => {
            let rec = open(&access, None).await?;
            let pending = cases::extension_requests(&rec, None, true).await?;
            let mut lines = Vec::new();
            for r in &pending {
                let app = cases::get(&rec, r.application).await?;
                lines.push(format!(
                    "{}\t申请 {}\t延长 {} 个工作日\t{} 提出\t理由：{}",
                    r.id, app.number, r.days, r.requested_on, r.reason
                ));
            }
            rec.office().close().await;
            if lines.is_empty() {
                say!("没有待审批的延期申请");
            }
            for l in lines {
                say!("{l}");
            }
        }
        CaseCommand::Correct(a) => correct(a).await?,
        CaseCommand::CorrectEvent(a) => {
            let rec = open(&a.access, None).await?;
            let app = found(&rec, &a.case).await?;
            let replacement = match (a.remove, a.kind, a.date) {
                (true, _, _) => None,
                (false, Some(kind), Some(date)) => Some(a.detail.input(&kind, date)?),
                _ => bail!("请用 --type 和 --date 给出更正后的事件，或用 --remove 删除该事件"),
            };
            let app = cases::correct_event(&rec, &app, a.position, replacement, &a.reason, a.case_version).await?;
            rec.office().close().await;
            say!("已更正申请 {} 的第 {} 个事件（原因：{}）", app.number, a.position, a.reason.trim());
            print_state(&app);
        }
        CaseCommand::Void(a) => {
            let rec = open(&a.access, None).await?;
            let app = found(&rec, &a.case).await?;
            let app = cases::void(&rec, &app, &a.reason).await?;
            rec.office().close().await;
            say!("申请 {} 已作废（原因：{}），不再计入任何统计", app.number, a.reason.trim());
        }
        CaseCommand::Import(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let bar = crate::progress::spinner(format!("正在读取台账 {}", a.file.display()));
            let table = ledger::read_table(&a.file);
            let out = match table {
                Ok(table) => {
                    bar.set_message(format!("正在核对并导入 {} 行", table.len().saturating_sub(1)));
                    ledger::import_read(&rec, &table, &agency, a.skip_invalid).await
                }
                Err(e) => Err(e.into()),
            };
            bar.finish_and_clear();
            let out = out?;
            rec.office().close().await;
            say!("已导入 {} 件申请到“{}”", out.imported, agency.name);
            if !out.skipped.is_empty() {
                say!("跳过了 {} 处有误的行：", out.skipped.len());
                for e in &out.skipped {
                    say!("  {e}");
                }
            }
        }
        CaseCommand::Export(a) => {
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let bar = crate::progress::spinner(format!("正在导出台账到 {}", a.out.display()));
            let n = ledger::export_ledger(&rec, &agency, &a.out, a.force).await;
            bar.finish_and_clear();
            let n = n?;
            rec.office().close().await;
            say!("已导出 {n} 件申请到 {}", a.out.display());
        }
        CaseCommand::Template(a) => {
            ledger::write_template(&a.out, a.force)?;
            say!("已生成台账模板 {}：表头 {} 列和一行示例（填写前请删除示例行）", a.out.display(), ledger::COLUMNS);
        }
        CaseCommand::List(a) => list(a).await?,
        CaseCommand::Show(a) => show(a).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn decide(a: ExtensionDecideArgs, approve: bool) -> anyhow::Result<()> {
    let rec = open(&a.access, None).await?;
    let on = a.date.unwrap_or(rec.today());
    let (r, app) = cases::decide_extension(&rec, a.request, approve, on).await?;
    rec.office().close().await;
    if approve {
        say!("已批准延期申请（序号 {}）：申请 {} 延长 {} 个工作日", r.id, app.number, r.days);
    } else {
        say!("未批准延期申请（序号 {}）：申请 {}", r.id, app.number);
    }
    print_state(&app);
    Ok(())
}

async fn correct(a: CaseCorrectArgs) -> anyhow::Result<()> {
    let rec = open(&a.access, None).await?;
    let app = found(&rec, &a.case).await?;
    let mut f = CaseFields::of(&app);
    let fields_given = a.number.is_some()
        || a.applicant.is_some()
        || a.kind.is_some()
        || a.channel.is_some()
        || a.received.is_some()
        || a.content.is_some()
        || a.id_document.is_some()
        || a.contact.is_some()
        || a.address.is_some()
        || a.form.is_some()
        || a.delivery.is_some()
        || a.remarks.is_some();
    let closing_given = a.outcome.is_some() || a.reply_type.is_some() || a.legal_basis.is_some() || a.letter.is_some();
    if !fields_given && !closing_given {
        bail!("没有要更正的内容：请给出更正后的值，如 --applicant、--received、--outcome");
    }
    let mut app = app;
    if fields_given {
        if let Some(v) = a.number {
            f.number = v;
        }
        if let Some(v) = a.applicant {
            f.applicant.name = v;
        }
        if let Some(v) = a.kind {
            f.applicant.kind = v.into();
        }
        if let Some(v) = a.channel {
            f.channel = v;
        }
        if let Some(v) = a.received {
            f.received_on = v;
        }
        if let Some(v) = a.content {
            f.content = v;
        }
        if let Some(v) = a.id_document {
            f.applicant.id_document = v;
        }
        if let Some(v) = a.contact {
            f.applicant.contact = v;
        }
        if let Some(v) = a.address {
            f.applicant.address = v;
        }
        if let Some(v) = a.form {
            f.requested_form = v;
        }
        if let Some(v) = a.delivery {
            f.delivery = v;
        }
        if let Some(v) = a.remarks {
            f.remarks = v;
        }
        app = cases::correct_fields(&rec, &app, f, &a.reason, a.case_version).await?;
    }
    if closing_given {
        let Some(old) = app.closing.clone() else {
            bail!("申请 {} 尚未办结，没有可更正的办理结果", app.number);
        };
        let closing = Closing {
            outcome: match &a.outcome {
                Some(o) => outcome_of(o)?,
                None => old.outcome,
            },
            reply_type: a.reply_type.unwrap_or(old.reply_type),
            legal_basis: a.legal_basis.unwrap_or(old.legal_basis),
            reply_letter_ref: a.letter.unwrap_or(old.reply_letter_ref),
        };
        let seen = if fields_given { Some(app.version) } else { a.case_version };
        app = cases::correct_closing(&rec, &app, closing, &a.reason, seen).await?;
    }
    rec.office().close().await;
    say!("已更正申请 {}（原因：{}）", app.number, a.reason.trim());
    Ok(())
}

async fn list(a: CaseListArgs) -> anyhow::Result<()> {
    let rec = open(&a.access, a.today).await?;
    let q = CaseQuery {
        agency: a.agency,
        due_within_working_days: a.due_within,
        overdue: a.overdue,
        open_only: a.open,
        officer: a.officer,
        year: a.year,
        include_voided: a.include_voided,
        limit: a.limit,
        ..CaseQuery::default()
    };
    let list = cases::list(&rec, &q).await?;
    let names = rec.agency_names().await?;
    rec.office().close().await;
    let name_of = |id| names.iter().find(|(a, _)| *a == id).map(|(_, n)| n.as_str()).unwrap_or("");
    match a.format {
        Format::Json => {
            let v: Vec<_> = list
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id, "agency": name_of(c.agency), "number": c.number,
                        "applicant": c.applicant_name, "applicant_kind": c.applicant_kind.code(),
                        "received_on": c.received_on, "state": c.state, "due_on": c.due_on,
                        "pause_due_on": c.pause_due_on, "closed_on": c.closed_on,
                        "outcome": c.outcome.map(|o| o.code()), "voided": c.voided,
                    })
                })
                .collect();
            say!("{}", serde_json::to_string_pretty(&v)?);
        }
        Format::Human => {
            if list.is_empty() {
                say!("没有符合条件的案件");
            }
            let today = rec.today();
            for c in &list {
                let due = match (c.closed_on, c.due_on, c.pause_due_on) {
                    _ if c.voided => "已作废".to_string(),
                    (Some(d), _, _) => format!("{d} 已办结"),
                    (None, Some(d), _) if c.state == gongkai_app::model::CaseState::Open && d < today => {
                        format!("{d} 到期（已超期）")
                    }
                    (None, Some(d), _) if c.state == gongkai_app::model::CaseState::Open => format!("{d} 到期"),
                    (None, _, Some(p)) => format!("暂停计时，暂停期限 {p}"),
                    (None, _, None) => "暂停计时".into(),
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
    Ok(())
}

async fn show(a: CaseShowArgs) -> anyhow::Result<()> {
    let rec = open(&a.access, a.today).await?;
    let app = found(&rec, &a.case).await?;
    let explanation = cases::explain(&rec, &app).await?;
    let agency = rec.agency_by_id(app.agency).await?;
    let extensions = cases::extension_requests(&rec, Some(&app), false).await?;
    let officer = match app.case_officer {
        Some(u) => gongkai_app::people::user_by_id(&rec, u).await?.login,
        None => String::new(),
    };
    rec.office().close().await;
    match a.format {
        Format::Json => {
            let v = json!({
                "application": app, "agency": agency.name, "officer": officer,
                "extension_requests": extensions, "explanation": explanation,
            });
            say!("{}", serde_json::to_string_pretty(&v)?);
        }
        Format::Human => {
            say!("编号：{}（{}）  版本：{}", app.number, agency.name, app.version);
            if let Some(v) = &app.voided {
                say!("已作废：{}（{}）", v.reason, v.at);
            }
            say!("申请人：{}（{}）  申请方式：{}", app.applicant.name, app.applicant.kind.label(), app.channel.label());
            say!("申请内容：{}", app.content);
            say!("承办人：{}", if officer.is_empty() { "未分派" } else { &officer });
            say!("状态：{}", app.state.label());
            if let Some(d) = app.due_on {
                say!("答复期限：{d}");
            }
            if let Some(d) = app.pause_due_on {
                say!("暂停期限：{d}");
            }
            if let Some(c) = &app.closing {
                say!("办理结果：{}", c.outcome.label());
            }
            say!("时间线：");
            for (i, e) in app.events.iter().enumerate() {
                let amount = e.amount_yuan.map(|y| format!("  {y} 元")).unwrap_or_default();
                if i == 0 {
                    say!("     {}  {}", e.on, e.kind.label());
                } else {
                    say!("  {i:>2} {}  {}{amount}", e.on, e.kind.label());
                }
            }
            for r in &extensions {
                say!("延期申请 {}：{} 个工作日，{} 提出，{}", r.id, r.days, r.requested_on, r.status.label());
            }
            say!("期限计算说明：");
            for l in &explanation {
                say!("  {l}");
            }
        }
    }
    Ok(())
}
