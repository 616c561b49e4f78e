//! `gongkai serve --demo`: a fresh database seeded with a realistic county, so that a newcomer sees
//! the whole system in one command. Everything is written through the same use cases as real
//! work (so every rule holds), dated relative to today:
//!
//! - 岚皋县人民政府办公室 (the county office) with three townships (民主镇, 城关镇, 堰门镇) and two
//!   county departments (民政局, 自然资源局) below it;
//! - a user for every role (logins and passwords returned, passwords random per run);
//! - last year's applications covering every table-三 outcome and every channel, with
//!   corrections, consultations, extensions, fees and withdrawals, and last year's report
//!   published (locked by the office head, published by the leader);
//! - this year's open cases: due soon, overdue, paused for a correction, a consultation and a fee;
//!   an extension awaiting approval; appeals (one against inaction); register entries and counts.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use gongkai_store::{
    Agency, AgencyLevel, AppealKind, AppealResult, Applicant, ApplicantKind, Channel, DeliveryMode, DocumentKind,
    EventKind, Outcome, Party, Role, Validity, YearlyCounts,
};

use crate::annual;
use crate::cases::{self, EventInput, NewCase};
use crate::error::Result;
use crate::office::Office;
use crate::people::{self, InitRequest};
use crate::records::Records;
use crate::registers;

/// An account of the demo.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// The role, in Chinese.
    pub role: String,
    /// The agency.
    pub agency: String,
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
}

const COUNTY: &str = "岚皋县人民政府办公室";
const TOWN: &str = "民主镇人民政府";

/// Who works where: login, name, role, agency.
const STAFF: &[(&str, &str, Role, &str)] = &[
    ("admin", "系统管理员", Role::Administrator, COUNTY),
    ("xzf_du", "杜明（县政府办督查）", Role::CountySupervisor, COUNTY),
    ("mz_dengji", "王丽", Role::Registrar, TOWN),
    ("mz_zhang", "张伟", Role::CaseOfficer, TOWN),
    ("mz_li", "李强", Role::CaseOfficer, TOWN),
    ("mz_chen", "陈静（党政办主任）", Role::OfficeHead, TOWN),
    ("mz_liu", "刘洋（分管领导）", Role::Leader, TOWN),
    ("mz_shenhe", "赵敏", Role::Reviewer(1), TOWN),
    ("cg_wu", "吴刚", Role::CaseOfficer, "城关镇人民政府"),
    ("cg_zhou", "周芳（党政办主任）", Role::OfficeHead, "城关镇人民政府"),
    ("ym_sun", "孙涛", Role::CaseOfficer, "堰门镇人民政府"),
    ("mzj_he", "何琳", Role::CaseOfficer, "岚皋县民政局"),
    ("mzj_ma", "马骏（办公室主任）", Role::OfficeHead, "岚皋县民政局"),
    ("zrj_guo", "郭平", Role::CaseOfficer, "岚皋县自然资源局"),
];

/// What applicants ask, by outcome (realistic requests of a township).
fn content_for(o: Outcome) -> &'static str {
    match o {
        Outcome::Granted => "2024年村级公路硬化项目的招标公告及中标结果",
        Outcome::Partial => "本村土地征收补偿安置方案及补偿款发放明细",
        Outcome::DeniedStateSecret => "辖区内人民武装部民兵编组及武器装备配置情况",
        Outcome::DeniedLawForbidden => "某企业纳税申报的具体数额",
        Outcome::DeniedSecurityStability => "水库大坝安全隐患排查中的重点部位防护方案",
        Outcome::DeniedThirdParty => "邻居建房审批时提交的身份证件和家庭成员信息",
        Outcome::DeniedInternalAffairs => "镇政府机关内部考勤及人员请假记录",
        Outcome::DeniedProcessInfo => "镇党委会讨论集镇规划调整的会议记录",
        Outcome::DeniedEnforcementFile => "对某养殖场环境违法行为的行政处罚案卷",
        Outcome::DeniedAdminQuery => "本人社保缴费记录（可通过社保查询系统获取）",
        Outcome::UnableNotHeld => "县城规划区控制性详细规划图",
        Outcome::UnableNeedsCreation => "近十年全镇每户农户收入变化的统计分析",
        Outcome::UnableUnclearAfterCorrection => "关于那件事的所有文件",
        Outcome::NpPetitionComplaint => "投诉村干部在低保评定中优亲厚友，要求调查处理",
        Outcome::NpRepeat => "2024年村级公路硬化项目的招标公告及中标结果（已答复）",
        Outcome::NpPublication => "《岚皋县志》（已正式出版）",
        Outcome::NpMassRepeat => "全镇所有项目的全部文件（同一申请人本月第十五次申请）",
        Outcome::NpConfirmOrReissue => "要求对已获取的征收补偿文件盖章确认",
        Outcome::OhNoCorrection => "有关部门的相关材料",
        Outcome::OhFeeUnpaid => "全镇2015年以来全部建设项目的审批材料复印件",
        Outcome::OhOther => "撤回：本村低保名单",
    }
}

/// The article a reply of this outcome cites.
fn basis_for(o: Outcome) -> &'static str {
    match o {
        Outcome::Granted => "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
        Outcome::Partial => "《中华人民共和国政府信息公开条例》第三十七条",
        Outcome::DeniedStateSecret | Outcome::DeniedLawForbidden | Outcome::DeniedSecurityStability => {
            "《中华人民共和国政府信息公开条例》第十四条"
        }
        Outcome::DeniedThirdParty => "《中华人民共和国政府信息公开条例》第十五条",
        Outcome::DeniedInternalAffairs | Outcome::DeniedProcessInfo | Outcome::DeniedEnforcementFile => {
            "《中华人民共和国政府信息公开条例》第十六条"
        }
        Outcome::DeniedAdminQuery => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
        Outcome::UnableNotHeld => "《中华人民共和国政府信息公开条例》第三十六条第（五）项",
        Outcome::UnableNeedsCreation => "《中华人民共和国政府信息公开条例》第三十八条",
        Outcome::UnableUnclearAfterCorrection => "《中华人民共和国政府信息公开条例》第三十条",
        Outcome::NpPetitionComplaint => "《中华人民共和国政府信息公开条例》第三十九条",
        Outcome::NpRepeat => "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
        Outcome::NpPublication => "《中华人民共和国政府信息公开条例》第三十九条第二款",
        Outcome::NpMassRepeat => "《中华人民共和国政府信息公开条例》第三十五条",
        Outcome::NpConfirmOrReissue => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
        Outcome::OhNoCorrection | Outcome::OhFeeUnpaid | Outcome::OhOther => "",
    }
}

const NAMES: &[&str] = &["张三", "李秀兰", "王建国", "陈思远", "刘芳", "杨志强", "赵丽华", "黄海", "周晓燕", "吴国平"];
const ORGS: &[(ApplicantKind, &str)] = &[
    (ApplicantKind::Commercial, "岚皋县汉江茶业有限公司"),
    (ApplicantKind::Research, "陕西省社会科学院农村发展研究所"),
    (ApplicantKind::PublicWelfare, "安康市乡村振兴公益服务中心"),
    (ApplicantKind::LegalService, "陕西秦巴律师事务所"),
    (ApplicantKind::OtherOrg, "民主镇红岩村股份经济合作社"),
];

/// The demo's random passwords: easy to type, never reused across runs.
fn password() -> Result<String> {
    Ok(format!("demo-{}", crate::token::query_code()?.to_lowercase()))
}

struct Seeder {
    office: Office,
    today: NaiveDate,
    i: usize,
}

impl Seeder {
    fn applicant(&mut self) -> Applicant {
        self.i += 1;
        // Every third an organisation, cycling through their kinds; the rest natural persons.
        let (kind, name) = if self.i.is_multiple_of(3) {
            ORGS[(self.i / 3) % ORGS.len()]
        } else {
            (ApplicantKind::NaturalPerson, NAMES[self.i % NAMES.len()])
        };
        Applicant {
            kind,
            name: name.to_string(),
            id_document: if kind == ApplicantKind::NaturalPerson {
                format!("居民身份证 61092619{:02}0{}1{:04}", 60 + self.i % 30, 1 + self.i % 9, 1000 + self.i * 37 % 9000)
            } else {
                format!("统一社会信用代码 91610926MA{:08}", 70_000_000 + self.i * 7919)
            },
            contact: format!("1389156{:04}", 1000 + self.i * 53 % 9000),
            address: "陕西省安康市岚皋县民主镇".to_string(),
        }
    }

    fn channel(&self) -> Channel {
        Channel::ALL[self.i % Channel::ALL.len()]
    }

    /// The `n`th working day after `d`.
    fn wd(&self, d: NaiveDate, n: u32) -> NaiveDate {
        self.office.engine.add_working_days(d, n)
    }

    /// The working day `n` working days before today.
    fn working_days_before(&self, n: u32) -> NaiveDate {
        let mut d = self.today;
        let mut k = 0;
        while k < n {
            let Some(p) = d.pred_opt() else { break };
            d = p;
            // `d` is a working day when the first working day after the day before it is `d`.
            if d.pred_opt().is_some_and(|q| self.wd(q, 1) == d) {
                k += 1;
            }
        }
        d
    }

    /// The first working day on or after `d` (weekends only; good enough for spreading dates).
    fn working_day_near(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            d = d.checked_add_days(Days::new(1)).unwrap_or(d);
        }
        d
    }

    async fn case(&mut self, rec: &Records, agency: &Agency, received: NaiveDate, officer: &str, content: &str) -> Result<gongkai_store::Application> {
        let applicant = self.applicant();
        let channel = self.channel();
        let oral = self.i.is_multiple_of(11);
        cases::add(
            rec,
            agency,
            NewCase {
                number: None,
                applicant,
                channel,
                received_on: received,
                confirmed_on: None,
                content: content.to_string(),
                requested_form: if self.i.is_multiple_of(2) { "纸质".into() } else { "电子".into() },
                delivery: if self.i.is_multiple_of(2) { "邮寄".into() } else { "电子邮件".into() },
                officer: Some(officer.to_string()),
                remarks: if oral { "口头申请，由登记员代为填写，经申请人确认".into() } else { String::new() },
                same_day_contact_failed: false,
            },
        )
        .await
    }
}

/// An event of `kind` on `on`, adjusted by `f`, with its kind and date for ordering.
fn step(kind: EventKind, on: NaiveDate, f: &dyn Fn(EventInput) -> EventInput) -> (EventKind, NaiveDate, EventInput) {
    (kind, on, f(EventInput::new(kind, on)))
}

fn reply(on: NaiveDate, o: Outcome, delivery: DeliveryMode) -> EventInput {
    EventInput {
        outcome: Some(o),
        delivery: Some(delivery),
        legal_basis: basis_for(o).to_string(),
        ..EventInput::new(EventKind::Replied, on)
    }
}

/// Seeds a fresh database (just created with [`Office::open_at`] in `Create` mode).
pub async fn seed(office: &Office, system_user: &str) -> Result<Vec<DemoAccount>> {
    let today = office.today();
    let admin_password = password()?;
    let init = |agency: &str, level, parent: Option<&str>| InitRequest {
        agency: agency.to_string(),
        level,
        parent: parent.map(str::to_string),
        region: None,
        admin: "admin".to_string(),
        password: Some(admin_password.clone()),
    };
    people::bootstrap(office, init(COUNTY, AgencyLevel::County, None), system_user).await?;
    let op = office.operator(system_user);
    for (name, level) in [
        (TOWN, AgencyLevel::Township),
        ("城关镇人民政府", AgencyLevel::Township),
        ("堰门镇人民政府", AgencyLevel::Township),
        ("岚皋县民政局", AgencyLevel::Department),
        ("岚皋县自然资源局", AgencyLevel::Department),
    ] {
        people::add_agency(&op, init(name, level, Some(COUNTY))).await?;
    }
    // Each agency's contact details (the 回执 prints them) and the 机关代字 of its letters.
    for (name, address, phone, prefix) in [
        (COUNTY, "岚皋县城关镇滨河路 1 号", "0915-2521001", "岚政办信公开"),
        (TOWN, "岚皋县民主镇政府街 1 号", "0915-2512345", "民政信公开"),
        ("城关镇人民政府", "岚皋县城关镇肖家坝 8 号", "0915-2521200", "城政信公开"),
        ("堰门镇人民政府", "岚皋县堰门镇集镇 12 号", "0915-2530100", "堰政信公开"),
        ("岚皋县民政局", "岚皋县城关镇西街 20 号", "0915-2522310", "岚民政信公开"),
        ("岚皋县自然资源局", "岚皋县城关镇东街 5 号", "0915-2523456", "岚自然资信公开"),
    ] {
        let a = op.agency(name).await?;
        let settings = gongkai_store::AgencySettings {
            address: address.into(),
            phone: phone.into(),
            office_hours: "工作日 8:30-12:00，14:30-17:30".into(),
            document_prefix: prefix.into(),
            ..a.settings.clone()
        };
        op.update_agency_settings(&a, settings).await?;
    }
    let mut accounts = vec![DemoAccount {
        role: Role::Administrator.label(),
        agency: COUNTY.to_string(),
        login: "admin".into(),
        password: admin_password.clone(),
    }];
    for (login, name, role, agency) in STAFF.iter().filter(|s| s.0 != "admin") {
        let pw = password()?;
        people::add_user(&op, login, name, &pw).await?;
        let a = op.agency(agency).await?;
        people::grant(&op, login, &a, *role).await?;
        accounts.push(DemoAccount { role: role.label(), agency: agency.to_string(), login: login.to_string(), password: pw });
    }
    let logins: Vec<(String, String)> = accounts.iter().map(|a| (a.login.clone(), a.password.clone())).collect();
    let as_user = async |login: &str| -> Result<Records> {
        let pw = logins.iter().find(|(l, _)| l == login).map(|(_, p)| p.as_str()).unwrap_or_default();
        office.login(login, pw).await
    };
    let town = op.agency(TOWN).await?;
    let zhang = as_user("mz_zhang").await?;
    let li = as_user("mz_li").await?;
    let chen = as_user("mz_chen").await?;
    let liu = as_user("mz_liu").await?;
    let dengji = as_user("mz_dengji").await?;
    let mut s = Seeder { office: office.clone(), today, i: 0 };
    let last_year = today.year() - 1;

    // Last year: one application per outcome leaf, spread over the year, each with the events its
    // outcome implies.
    for (k, o) in Outcome::ALL.iter().copied().enumerate() {
        // January to September, so that every event of the year is in the past even in January.
        let month = 1 + (k as u32 * 9 / Outcome::ALL.len() as u32);
        let received = s.working_day_near(NaiveDate::from_ymd_opt(last_year, month, 3 + (k as u32 % 20)).unwrap_or(today));
        let officer = if k % 2 == 0 { "mz_zhang" } else { "mz_li" };
        let rec = if k % 2 == 0 { &zhang } else { &li };
        let app = s.case(&dengji, &town, received, officer, content_for(o)).await?;
        let mut app = app;
        let mut events: Vec<(EventKind, NaiveDate, EventInput)> = Vec::new();
        match o {
            Outcome::UnableUnclearAfterCorrection => {
                events.push(step(EventKind::CorrectionRequested, s.wd(received, 3), &|e| e));
                events.push(step(EventKind::CorrectionReceived, s.wd(received, 8), &|e| e));
                events.push((EventKind::Replied, s.wd(received, 20), reply(s.wd(received, 20), o, DeliveryMode::Post)));
            }
            Outcome::OhNoCorrection => {
                events.push(step(EventKind::CorrectionRequested, s.wd(received, 4), &|e| e));
                events.push(step(EventKind::CorrectionExpired, s.wd(received, 25), &|e| e));
            }
            Outcome::DeniedThirdParty | Outcome::Partial => {
                let party = |e: EventInput| EventInput { party: Some(Party::ThirdParty), ..e };
                events.push(step(EventKind::ConsultationStarted, s.wd(received, 5), &party));
                events.push(step(EventKind::ConsultationAnswered, s.wd(received, 14), &party));
                events.push((EventKind::Replied, s.wd(received, 25), reply(s.wd(received, 25), o, DeliveryMode::Direct)));
            }
            Outcome::UnableNeedsCreation => {
                events.push(step(EventKind::ConsultationStarted, s.wd(received, 6), &|e| EventInput { party: Some(Party::Agency), ..e }));
                events.push(step(EventKind::ConsultationExpired, s.wd(received, 22), &|e| EventInput { party: Some(Party::Agency), ..e }));
                events.push((EventKind::Replied, s.wd(received, 30), reply(s.wd(received, 30), o, DeliveryMode::Post)));
            }
            Outcome::OhFeeUnpaid => {
                events.push(step(EventKind::FeeNoticeSent, s.wd(received, 8), &|e| EventInput { amount_yuan: Some(1_600), ..e }));
                events.push(step(EventKind::FeeNoticeReceived, s.wd(received, 10), &|e| e));
                events.push(step(EventKind::FeeExpired, s.wd(received, 32), &|e| e));
            }
            Outcome::Granted => {
                events.push(step(EventKind::FeeNoticeSent, s.wd(received, 6), &|e| EventInput { amount_yuan: Some(200), ..e }));
                events.push(step(EventKind::FeeNoticeReceived, s.wd(received, 7), &|e| e));
                events.push(step(EventKind::FeePaid, s.wd(received, 9), &|e| e));
                events.push((EventKind::Replied, s.wd(received, 18), reply(s.wd(received, 18), o, DeliveryMode::Electronic)));
            }
            Outcome::OhOther => {
                events.push(step(EventKind::Withdrawn, s.wd(received, 6), &|e| e));
            }
            _ => {
                let on = s.wd(received, 8 + (k as u32 % 10));
                events.push((EventKind::Replied, on, reply(on, o, DeliveryMode::Direct)));
            }
        }
        // An extension on a few cases, asked by the officer and approved by the office head.
        if matches!(o, Outcome::UnableNotHeld | Outcome::DeniedEnforcementFile) {
            let asked = s.wd(received, 15);
            let req = cases::request_extension(rec, &app, 10, "涉及档案调取，需要延长答复期限", asked).await?;
            app = cases::decide_extension(&chen, req.id, true, asked).await?.1;
            if let Some(last) = events.last_mut() {
                let on = s.wd(received, 27);
                last.1 = on;
                last.2.on = on;
            }
        }
        for (_, _, e) in events {
            app = cases::record_event(rec, &app, e, None).await?;
        }
    }

    // Last year: typed-in counts, the register, an appeal, and the published report.
    registers::set_counts(
        &chen,
        &town,
        last_year,
        YearlyCounts { admin_licensing: Some(46), admin_penalty: Some(12), admin_coercion: Some(0), admin_fees_wan: Some("0".into()) },
        "",
    )
    .await?;
    let made = |m, d| NaiveDate::from_ymd_opt(last_year, m, d).unwrap_or(today);
    registers::add_document(&chen, &town, DocumentKind::NormativeDocument, &format!("民政发〔{last_year}〕3号"), "民主镇村级公益事业一事一议筹资筹劳管理办法", made(3, 15)).await?;
    let repealed = registers::add_document(&chen, &town, DocumentKind::NormativeDocument, &format!("民政发〔{}〕8号", last_year - 1), "民主镇农村危房改造补助资金管理办法", made(1, 10)).await?;
    registers::repeal_document(&chen, &town, &repealed.doc_number, made(9, 1), Validity::Repealed).await?;
    let denied = cases::list(&chen, &cases::CaseQuery { outcome: Some(Outcome::DeniedThirdParty), ..Default::default() }).await?;
    if let Some(c) = denied.first() {
        let app = cases::get(&chen, c.id).await?;
        let filed = s.wd(app.closed_on.unwrap_or(today), 10);
        let closed = s.wd(filed, 40);
        registers::add_appeal(&chen, &app, AppealKind::Reconsideration, filed, Some((AppealResult::Upheld, closed)), "岚皋县人民政府行政复议决定书".into()).await?;
    }
    let narrative = vec![
        ("s1".to_string(), format!("{last_year}年，民主镇人民政府深入贯彻《中华人民共和国政府信息公开条例》，围绕乡村振兴、惠民政策落实等群众关注事项，持续做好政府信息主动公开和依申请公开工作。")),
        ("s2".to_string(), "本年度通过镇政府信息公开专栏、村务公开栏主动公开各类信息，行政规范性文件均按规定公开。".to_string()),
        ("s3".to_string(), String::new()),
        ("s4".to_string(), String::new()),
        ("s5".to_string(), "一是部分答复文书引用条款不够准确；二是主动公开的及时性有待提高。下一步将加强业务培训，规范答复文书。".to_string()),
    ];
    let g = annual::generate(&chen, &town, last_year, Some(narrative), false).await?;
    annual::save_draft(&chen, &town, last_year, &g.report).await?;
    annual::lock(&chen, &town, last_year).await?;
    annual::publish(&liu, &town, last_year).await?;

    // This year: open work on the desk.
    let received_due_soon = s.working_days_before(17);
    let received_overdue = s.working_days_before(26);
    let received_paused = s.working_days_before(8);
    let received_new = s.working_days_before(2);
    let soon = s.case(&dengji, &town, received_due_soon, "mz_zhang", "民主镇2025年度财政预算执行情况").await?;
    let overdue = s.case(&dengji, &town, received_overdue, "mz_li", "红岩村集体经济项目资金使用情况").await?;
    let correction = s.case(&dengji, &town, received_paused, "mz_zhang", "那个项目的材料").await?;
    cases::record_event(&zhang, &correction, EventInput::new(EventKind::CorrectionRequested, s.wd(received_paused, 2)), None).await?;
    let consult = s.case(&dengji, &town, received_paused, "mz_li", "某商户营业执照及经营许可情况").await?;
    let party = EventInput { party: Some(Party::ThirdParty), ..EventInput::new(EventKind::ConsultationStarted, s.wd(received_paused, 3)) };
    cases::record_event(&li, &consult, party, None).await?;
    let fee = s.case(&dengji, &town, received_paused, "mz_zhang", "2018年以来全镇道路建设项目的全部合同文本复印件").await?;
    let notice = EventInput { amount_yuan: Some(900), ..EventInput::new(EventKind::FeeNoticeSent, s.wd(received_paused, 4)) };
    let fee = cases::record_event(&zhang, &fee, notice, None).await?;
    cases::record_event(&zhang, &fee, EventInput::new(EventKind::FeeNoticeReceived, s.wd(received_paused, 5)), None).await?;
    cases::request_extension(&zhang, &soon, 15, "需向县自然资源局调取历史档案", received_new.max(s.wd(received_due_soon, 1))).await?;
    s.case(&dengji, &town, received_new, "mz_li", "本镇2026年惠民惠农财政补贴资金发放名单").await?;
    // The overdue case: the applicant asked for reconsideration of the silence.
    registers::add_appeal(&chen, &overdue, AppealKind::Reconsideration, today, None, "申请人以逾期未答复为由申请行政复议".into()).await?;
    registers::add_document(&chen, &town, DocumentKind::NormativeDocument, &format!("民政发〔{}〕2号", today.year()), "民主镇人居环境整治奖补办法", s.working_day_near(NaiveDate::from_ymd_opt(today.year(), 2, 20).unwrap_or(today)).min(today)).await?;

    // The other agencies: a few cases each, so the county's desk has something to supervise.
    for (agency, officer) in [("城关镇人民政府", "cg_wu"), ("堰门镇人民政府", "ym_sun"), ("岚皋县民政局", "mzj_he"), ("岚皋县自然资源局", "zrj_guo")] {
        let a = op.agency(agency).await?;
        let rec = as_user(officer).await?;
        let done = s.case(&rec, &a, s.working_day_near(NaiveDate::from_ymd_opt(last_year, 6, 10).unwrap_or(today)), officer, "本单位年度工作报告").await?;
        let on = s.wd(done.received_on, 9);
        cases::record_event(&rec, &done, reply(on, Outcome::Granted, DeliveryMode::Electronic), None).await?;
        s.case(&rec, &a, s.working_days_before(12), officer, "本单位政府信息公开指南和目录").await?;
    }
    Ok(accounts)
}
