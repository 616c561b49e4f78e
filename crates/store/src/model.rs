//! The records of a disclosure office, in domain terms (see shared/domain/glossary.md).
//!
//! These types are what the [`crate::Storage`] trait speaks. Codes are stable English ids (stored
//! in the database and in the JSONL export); `label()` gives the official Chinese wording for the
//! user interface and the ledger.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// An agency (行政机关).
    AgencyId
);
id_type!(
    /// A staff user.
    UserId
);
id_type!(
    /// An application (依申请公开 case).
    ApplicationId
);
id_type!(
    /// An administrative reconsideration or litigation case.
    AppealId
);
id_type!(
    /// A 规章 or 行政规范性文件 in the register.
    DocumentId
);
id_type!(
    /// A stored annual report.
    ReportId
);

/// Who makes a change, and when: every write carries it into the audit log. The time comes from the
/// app layer's clock (today is a parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ctx {
    /// Who acts, as the audit log names them: the user's login, or `operator:<system user>` for
    /// the local operator, `init:<system user>` for set-up.
    pub actor: String,
    /// The acting user, when the actor is one (checks of separation of duties run on it inside
    /// the transaction that writes).
    pub user: Option<UserId>,
    /// When the change happens.
    pub at: DateTime<Utc>,
}

/// Defines a string-coded enum with `code()`, `label()`, `from_code()` and `from_label()`.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The official Chinese wording.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a stored code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Parses the Chinese wording.
            pub fn from_label(label: &str) -> Option<Self> {
                match label { $($label => Some($name::$variant),)+ _ => None }
            }

            /// Parses a stored code; an unknown one means corrupt data.
            pub fn parse_code(code: &str) -> Result<Self, StoreError> {
                Self::from_code(code).ok_or_else(|| StoreError::Corrupt(format!(
                    "{}：未知代码 {code}", stringify!($name))))
            }
        }
    };
}

coded_enum!(
    /// Agency level; decides the report deadline and whether 规章 are possible.
    AgencyLevel {
        Township = ("township", "乡镇（街道）"),
        County = ("county", "县级人民政府"),
        City = ("city", "设区的市级人民政府"),
        Province = ("province", "省级人民政府"),
        Department = ("department", "政府部门"),
    }
);

/// Per-agency settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgencySettings {
    /// Publication review chain, one title per stage (e.g. 办公室主任 → 分管领导 → 党委委员).
    pub review_chain: Vec<String>,
    /// Annual report deadline as `MM-DD` (Art. 49: 01-31 for departments, 03-31 for governments;
    /// townships: local rule, default 01-31). `None` = the default for the level.
    pub report_deadline: Option<String>,
    /// 通信地址 (the 回执 and letters show it).
    pub address: String,
    /// 联系电话.
    pub phone: String,
    /// 办公时间, e.g. 工作日 8:30-12:00，14:30-17:30.
    pub office_hours: String,
    /// 发文字号 prefix of the agency's letters, e.g. 民政信公开 (〔年份〕N号 follows).
    pub document_prefix: String,
}

/// What an administrator may change of an agency: its name, the region of its calendar, its
/// settings (the level and the place in the tree stay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyUpdate {
    /// Full official name, unique.
    pub name: String,
    /// Region code for the calendar (empty = national calendar).
    pub region: String,
    /// Settings.
    pub settings: AgencySettings,
}

/// A new agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgency {
    /// Full official name, unique.
    pub name: String,
    /// Level.
    pub level: AgencyLevel,
    /// The agency above it in the tree (a county for its departments and townships).
    pub parent: Option<AgencyId>,
    /// Region code for the calendar (empty = national calendar).
    pub region: String,
    /// Settings.
    pub settings: AgencySettings,
}

/// An agency in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// Id.
    pub id: AgencyId,
    /// Full official name.
    pub name: String,
    /// Level.
    pub level: AgencyLevel,
    /// Parent agency.
    pub parent: Option<AgencyId>,
    /// Region code for the calendar.
    pub region: String,
    /// Settings.
    pub settings: AgencySettings,
}

/// A role a user holds at an agency. One person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// 登记员: registers applications.
    Registrar,
    /// 承办人: handles cases.
    CaseOfficer,
    /// 办公室负责人: approves extensions.
    OfficeHead,
    /// 审核人: publication reviewer at a stage (1-based).
    Reviewer(u8),
    /// 领导.
    Leader,
    /// 县级督查: read-only over the agencies below.
    CountySupervisor,
    /// 系统管理员.
    Administrator,
}

impl Role {
    /// The stored code (`reviewer_2` for a second-stage reviewer).
    pub fn code(self) -> String {
        match self {
            Role::Registrar => "registrar".into(),
            Role::CaseOfficer => "case_officer".into(),
            Role::OfficeHead => "office_head".into(),
            Role::Reviewer(n) => format!("reviewer_{n}"),
            Role::Leader => "leader".into(),
            Role::CountySupervisor => "county_supervisor".into(),
            Role::Administrator => "administrator".into(),
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Some(match code {
            "registrar" => Role::Registrar,
            "case_officer" => Role::CaseOfficer,
            "office_head" => Role::OfficeHead,
            "leader" => Role::Leader,
            "county_supervisor" => Role::CountySupervisor,
            "administrator" => Role::Administrator,
            other => Role::Reviewer(other.strip_prefix("reviewer_")?.parse().ok().filter(|n| *n > 0)?),
        })
    }

    /// Chinese name.
    pub fn label(self) -> String {
        match self {
            Role::Registrar => "登记员".into(),
            Role::CaseOfficer => "承办人".into(),
            Role::OfficeHead => "办公室负责人".into(),
            Role::Reviewer(n) => format!("第{n}级审核人"),
            Role::Leader => "领导".into(),
            Role::CountySupervisor => "县级督查".into(),
            Role::Administrator => "系统管理员".into(),
        }
    }
}

/// A new user; the password is already hashed (argon2id, in the app layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login name, unique.
    pub login: String,
    /// Display name.
    pub name: String,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
}

/// A staff user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// PHC string of the argon2id hash.
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// A disabled user cannot log in or act (their records and audit entries stay).
    #[serde(default)]
    pub disabled: bool,
    /// Failed logins since the last success.
    #[serde(default)]
    pub failed_logins: i64,
    /// Login refused until then (RFC 3339), after repeated failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<String>,
}

/// The administrator of a new agency: an existing user or a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminAccount {
    /// An existing user.
    Existing(UserId),
    /// A new user.
    New(NewUser),
}

/// A change to a user account (administrators, or the user for their own password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    /// A new password hash.
    Password(String),
    /// Disable (true) or re-enable.
    Disabled(bool),
    /// A failed login: the counter goes up; `lock_until` locks the account until then.
    LoginFailed {
        /// Lock the account until this time (RFC 3339).
        lock_until: Option<String>,
    },
    /// A successful login: the failure counter and any lock are cleared.
    LoginSucceeded,
}

/// A role held at an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    /// The user.
    pub user: UserId,
    /// The agency.
    pub agency: AgencyId,
    /// The role.
    pub role: Role,
}

coded_enum!(
    /// The 6 applicant kinds: the data columns of table 三 (ids as in report-format.yaml).
    ApplicantKind {
        NaturalPerson = ("natural_person", "自然人"),
        Commercial = ("commercial", "商业企业"),
        Research = ("research", "科研机构"),
        PublicWelfare = ("public_welfare", "社会公益组织"),
        LegalService = ("legal_service", "法律服务机构"),
        OtherOrg = ("other_org", "其他"),
    }
);

coded_enum!(
    /// How the application arrived (Art. 31 decides the receipt date per channel).
    Channel {
        InPerson = ("in_person", "当面提交"),
        RegisteredPost = ("registered_post", "邮寄"),
        OrdinaryLetter = ("ordinary_letter", "平信"),
        Online = ("online", "网络"),
        Fax = ("fax", "传真"),
        Email = ("email", "电子邮件"),
        WeChat = ("wechat", "微信"),
        Oral = ("oral", "口头申请"),
        Other = ("other", "其他"),
    }
);

coded_enum!(
    /// 办理结果: the leaf rows of table 三 (ids as in report-format.yaml). Each concluded application
    /// has exactly one.
    Outcome {
        Granted = ("granted", "予以公开"),
        Partial = ("partial", "部分公开"),
        DeniedStateSecret = ("denied_state_secret", "属于国家秘密"),
        DeniedLawForbidden = ("denied_law_forbidden", "其他法律行政法规禁止公开"),
        DeniedSecurityStability = ("denied_security_stability", "危及“三安全一稳定”"),
        DeniedThirdParty = ("denied_third_party", "保护第三方合法权益"),
        DeniedInternalAffairs = ("denied_internal_affairs", "属于三类内部事务信息"),
        DeniedProcessInfo = ("denied_process_info", "属于四类过程性信息"),
        DeniedEnforcementFile = ("denied_enforcement_file", "属于行政执法案卷"),
        DeniedAdminQuery = ("denied_admin_query", "属于行政查询事项"),
        UnableNotHeld = ("unable_not_held", "本机关不掌握相关政府信息"),
        UnableNeedsCreation = ("unable_needs_creation", "没有现成信息需要另行制作"),
        UnableUnclearAfterCorrection = ("unable_unclear_after_correction", "补正后申请内容仍不明确"),
        NpPetitionComplaint = ("np_petition_complaint", "信访举报投诉类申请"),
        NpRepeat = ("np_repeat", "重复申请"),
        NpPublication = ("np_publication", "要求提供公开出版物"),
        NpMassRepeat = ("np_mass_repeat", "无正当理由大量反复申请"),
        NpConfirmOrReissue = ("np_confirm_or_reissue", "要求行政机关确认或重新出具已获取信息"),
        OhNoCorrection = ("oh_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        OhFeeUnpaid = ("oh_fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        OhOther = ("oh_other", "其他"),
    }
);

impl Outcome {
    /// Parses a ledger's 办理结果: the row label with or without its printed numbering
    /// (`（一）予以公开`, `1.属于国家秘密`), or the code.
    pub fn from_ledger(text: &str) -> Option<Outcome> {
        let t = text.trim();
        if let Some(o) = Outcome::from_label(t).or_else(|| Outcome::from_code(t)) {
            return Some(o);
        }
        // Strip 「（一）」 or 「1.」 / 「1、」 numbering.
        let stripped = if let Some(rest) = t.strip_prefix('（') {
            rest.split_once('）').map(|(_, r)| r).unwrap_or(t)
        } else {
            t.trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', '、', '．'])
        };
        match stripped {
            "危及\"三安全一稳定\"" | "危及三安全一稳定" => Some(Outcome::DeniedSecurityStability),
            "逾期不补正" => Some(Outcome::OhNoCorrection),
            "逾期未缴费" => Some(Outcome::OhFeeUnpaid),
            s => Outcome::from_label(s),
        }
    }
}

coded_enum!(
    /// One entry of an application's timeline: the deadline engine's event types
    /// (`gongkai_domain::deadline::EVENT_TYPES`, docs/CLOCK.md).
    EventKind {
        Received = ("received", "收到申请"),
        CorrectionRequested = ("correction_requested", "发出补正通知"),
        CorrectionReceived = ("correction_received", "收到补正材料"),
        CorrectionExpired = ("correction_expired", "补正期限届满未补正"),
        ConsultationStarted = ("consultation_started", "开始征求意见"),
        ConsultationAnswered = ("consultation_answered", "收到意见"),
        ConsultationExpired = ("consultation_expired", "征求意见期满"),
        ExtensionApproved = ("extension_approved", "批准延期答复"),
        LaterDateSet = ("later_date_set", "确定合理答复期限"),
        FeeNoticeSent = ("fee_notice_sent", "发出收费通知"),
        FeeNoticeReceived = ("fee_notice_received", "申请人收到收费通知"),
        FeePaid = ("fee_paid", "缴纳信息处理费"),
        FeeExpired = ("fee_expired", "逾期未缴费"),
        Replied = ("replied", "答复"),
        Withdrawn = ("withdrawn", "撤回申请"),
    }
);

impl EventKind {
    /// Whether this event concludes the application (it then needs a [`Closing`]).
    pub fn concludes(self) -> bool {
        matches!(
            self,
            EventKind::Replied
                | EventKind::Withdrawn
                | EventKind::CorrectionExpired
                | EventKind::FeeExpired
        )
    }
}

coded_enum!(
    /// Whose views are sought (Arts. 32, 34).
    Party {
        ThirdParty = ("third_party", "第三方"),
        Agency = ("agency", "其他机关"),
    }
);

coded_enum!(
    /// How the reply was delivered (国办公开办函〔2016〕235号).
    DeliveryMode {
        Direct = ("direct", "直接送达"),
        Entrusted = ("entrusted", "委托送达"),
        Post = ("post", "邮寄送达"),
        Electronic = ("electronic", "电子送达"),
    }
);

/// The per-type details of an event (as in the deadline engine's JSON); all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventDetail {
    /// `received` by registered post: the day the agency signed for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed: Option<NaiveDate>,
    /// `received` by letter, online, fax or e-mail: the day both sides confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<NaiveDate>,
    /// `received` by ordinary letter or e-mail, confirmed after the day of arrival: the office could
    /// not reach the applicant on the day of arrival (Art. 31).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_day_contact_failed: Option<bool>,
    /// Consultation events: whose views.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<Party>,
    /// `extension_approved`: working days added (default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// `extension_approved`: who approved, as written on the approval (when not a user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// `later_date_set`: the new deadline (Art. 35).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_date: Option<NaiveDate>,
    /// `replied`: how it was delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliveryMode>,
}

impl EventDetail {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        *self == EventDetail::default()
    }
}

/// An event in an application's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// On which day.
    pub on: NaiveDate,
    /// The staff member who did it or approved it (the office head for an extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<UserId>,
    /// Amount in yuan, for fee notices and payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_yuan: Option<i64>,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Per-type details.
    #[serde(default, skip_serializing_if = "EventDetail::is_empty")]
    pub detail: EventDetail,
}

impl Event {
    /// An event with no actor, amount, note or details.
    pub fn new(kind: EventKind, on: NaiveDate) -> Event {
        Event { kind, on, by: None, amount_yuan: None, note: String::new(), detail: EventDetail::default() }
    }
}

/// A record taken out of every count, with who-knows-why kept: the record itself stays (and the
/// audit log names who voided it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voided {
    /// When (RFC 3339).
    pub at: String,
    /// Why.
    pub reason: String,
}

/// The applicant (Art. 29: name, ID proof, contact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// Table 三 column.
    pub kind: ApplicantKind,
    /// Name of the person or organisation.
    pub name: String,
    /// ID document (type and number), or the organisation's credit code.
    #[serde(default)]
    pub id_document: String,
    /// Phone, e-mail.
    #[serde(default)]
    pub contact: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
}

/// The decision that concludes an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    /// The table-三 leaf.
    pub outcome: Outcome,
    /// The Art. 36 reply type, e.g. `36(2)` (free text).
    #[serde(default)]
    pub reply_type: String,
    /// Legal basis cited in the reply, e.g. 《条例》第十四条.
    #[serde(default)]
    pub legal_basis: String,
    /// Reference of the reply letter (告知书 number).
    #[serde(default)]
    pub reply_letter_ref: String,
}

/// Where a case stands, derived from its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Being handled, the clock runs.
    Open,
    /// Clock paused: waiting for a correction, a consultation or a fee payment.
    Paused,
    /// Replied.
    Closed,
}

impl CaseState {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Paused => "paused",
            CaseState::Closed => "closed",
        }
    }
    /// Parses a stored code.
    pub fn parse_code(s: &str) -> Result<Self, StoreError> {
        match s {
            "open" => Ok(CaseState::Open),
            "paused" => Ok(CaseState::Paused),
            "closed" => Ok(CaseState::Closed),
            other => Err(StoreError::Corrupt(format!("CaseState：未知代码 {other}"))),
        }
    }
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Open => "办理中",
            CaseState::Paused => "暂停计时",
            CaseState::Closed => "已办结",
        }
    }
}

/// A new application, with the events already known (a ledger row carries several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplication {
    /// The agency that received it.
    pub agency: AgencyId,
    /// 编号: unique within the agency; `None` = assigned by the store (`YYYY-NNNNNN`).
    pub number: Option<String>,
    /// Applicant.
    pub applicant: Applicant,
    /// Channel.
    pub channel: Channel,
    /// 申请内容.
    pub content: String,
    /// Requested form (纸质 / 电子 …).
    #[serde(default)]
    pub requested_form: String,
    /// Requested way of obtaining (邮寄 / 自行领取 / 电子邮件 …).
    #[serde(default)]
    pub delivery: String,
    /// The case officer, if assigned.
    #[serde(default)]
    pub case_officer: Option<UserId>,
    /// Receipt date (Art. 31).
    pub received_on: NaiveDate,
    /// Details of the `received` event: the day of signature (registered post) or of
    /// confirmation (letter, online, fax, e-mail).
    #[serde(default)]
    pub receipt: EventDetail,
    /// The code printed on the 回执 with which the applicant asks after the case (unique).
    #[serde(default)]
    pub query_code: Option<String>,
    /// Further events after receipt, in order (the `received` event is implied).
    #[serde(default)]
    pub events: Vec<Event>,
    /// Set when `events` ends with a concluding event (reply, withdrawal, expiry).
    #[serde(default)]
    pub closing: Option<Closing>,
    /// 备注.
    #[serde(default)]
    pub remarks: String,
}

/// An application with its timeline and derived state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Id.
    pub id: ApplicationId,
    /// Agency.
    pub agency: AgencyId,
    /// 编号.
    pub number: String,
    /// Applicant.
    pub applicant: Applicant,
    /// Channel.
    pub channel: Channel,
    /// 申请内容.
    pub content: String,
    /// Requested form.
    pub requested_form: String,
    /// Requested delivery.
    pub delivery: String,
    /// Case officer.
    pub case_officer: Option<UserId>,
    /// Receipt date.
    pub received_on: NaiveDate,
    /// The full timeline, starting with `received`.
    pub events: Vec<Event>,
    /// Derived state.
    pub state: CaseState,
    /// Derived reply due date (none while paused or once closed).
    pub due_on: Option<NaiveDate>,
    /// Reply date.
    pub closed_on: Option<NaiveDate>,
    /// Decision, once closed.
    pub closing: Option<Closing>,
    /// 备注.
    pub remarks: String,
    /// While paused: the day the pause's own window ends (the correction period, the consulted
    /// party's 15 working days, the payment window).
    #[serde(default)]
    pub pause_due_on: Option<NaiveDate>,
    /// Voided: counts nowhere.
    #[serde(default)]
    pub voided: Option<Voided>,
    /// Bumped by every change: a write that names an older version is refused (two people
    /// editing one case).
    #[serde(default)]
    pub version: i64,
    /// The code printed on the 回执.
    #[serde(default)]
    pub query_code: Option<String>,
}

/// The fields of an application that a correction may change (the timeline is corrected event by
/// event). The store re-runs every rule on the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFields {
    /// 编号.
    pub number: String,
    /// Applicant.
    pub applicant: Applicant,
    /// Channel.
    pub channel: Channel,
    /// 申请内容.
    pub content: String,
    /// Requested form.
    pub requested_form: String,
    /// Requested delivery.
    pub delivery: String,
    /// Receipt date (the `received` event moves with it).
    pub received_on: NaiveDate,
    /// 备注.
    pub remarks: String,
}

impl CaseFields {
    /// The fields as stored.
    pub fn of(a: &Application) -> CaseFields {
        CaseFields {
            number: a.number.clone(),
            applicant: a.applicant.clone(),
            channel: a.channel,
            content: a.content.clone(),
            requested_form: a.requested_form.clone(),
            delivery: a.delivery.clone(),
            received_on: a.received_on,
            remarks: a.remarks.clone(),
        }
    }
}

/// A correction of a case: new fields, or a new timeline, always with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseCorrection {
    /// New values for the case's fields.
    Fields(CaseFields),
    /// The timeline after `received` replaced (an event corrected, removed or inserted), with the
    /// decision when it ends with a concluding event.
    Timeline {
        /// Events after `received`.
        events: Vec<Event>,
        /// The decision.
        closing: Option<Closing>,
    },
    /// The decision's texts (reply type, legal basis, letter reference, outcome) of a closed case.
    Closing(Closing),
    /// Taken out of every count.
    Void,
}

/// An extension asked for by the case officer (Art. 33), waiting for an office head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    /// Id.
    pub id: i64,
    /// The application.
    pub application: ApplicationId,
    /// Working days asked for.
    pub days: u32,
    /// Why (the letter to the applicant states it).
    pub reason: String,
    /// Who asked.
    pub requested_by: UserId,
    /// When.
    pub requested_on: NaiveDate,
    /// `pending`, `approved` or `refused`.
    pub status: ExtensionStatus,
    /// Who decided.
    pub decided_by: Option<UserId>,
    /// When.
    pub decided_on: Option<NaiveDate>,
}

coded_enum!(
    /// Where an extension request stands.
    ExtensionStatus {
        Pending = ("pending", "待审批"),
        Approved = ("approved", "已批准"),
        Refused = ("refused", "未批准"),
    }
);

/// The largest fee a notice may carry, in yuan (a stored amount never makes a report overflow).
pub const MAX_FEE_YUAN: i64 = 10_000_000;

/// One row of a case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    /// Id.
    pub id: ApplicationId,
    /// Agency.
    pub agency: AgencyId,
    /// 编号.
    pub number: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's kind (the table-三 column).
    pub applicant_kind: ApplicantKind,
    /// Receipt date.
    pub received_on: NaiveDate,
    /// State.
    pub state: CaseState,
    /// Reply due date.
    pub due_on: Option<NaiveDate>,
    /// While paused: the end of the pause's own window.
    pub pause_due_on: Option<NaiveDate>,
    /// Reply date.
    pub closed_on: Option<NaiveDate>,
    /// Outcome.
    pub outcome: Option<Outcome>,
    /// The case officer.
    pub case_officer: Option<UserId>,
    /// Voided.
    pub voided: bool,
}

/// Filter for [`crate::Storage::list_cases`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only these agencies (empty = all).
    pub agencies: Vec<AgencyId>,
    /// Only cases not yet replied to.
    pub open_only: bool,
    /// Only open cases whose next date (the reply due date, or while paused the pause's end) is
    /// on or before this day.
    pub due_on_or_before: Option<NaiveDate>,
    /// Order by that next date (nearest first) instead of by receipt.
    pub by_due_date: bool,
    /// Newest receipt first (when not by due date).
    pub newest_first: bool,
    /// Only this state.
    pub state: Option<CaseState>,
    /// Only received in this year.
    pub received_year: Option<i32>,
    /// Only with this outcome.
    pub outcome: Option<Outcome>,
    /// Only this applicant kind.
    pub applicant_kind: Option<ApplicantKind>,
    /// Only this case officer's.
    pub officer: Option<UserId>,
    /// 编号, applicant or content containing this text.
    pub text: Option<String>,
    /// Include voided cases.
    pub include_voided: bool,
    /// At most this many rows (0 = no limit).
    pub limit: u32,
    /// Skip this many rows (pagination).
    pub offset: u32,
}

/// Filter for extension requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionFilter {
    /// Only these agencies' cases (empty = all).
    pub agencies: Vec<AgencyId>,
    /// Only this case.
    pub application: Option<ApplicationId>,
    /// Only those waiting for a decision.
    pub pending_only: bool,
}

coded_enum!(
    /// The three kinds of remedy counted in table 四.
    AppealKind {
        Reconsideration = ("reconsideration", "行政复议"),
        LitigationDirect = ("litigation_direct", "未经复议直接起诉"),
        LitigationAfterReconsideration = ("litigation_after_reconsideration", "复议后起诉"),
    }
);

coded_enum!(
    /// Result of an appeal (table 四 leaves).
    AppealResult {
        Upheld = ("upheld", "维持"),
        Corrected = ("corrected", "纠正"),
        Other = ("other", "其他"),
        Pending = ("pending", "尚未审结"),
    }
);

/// A new appeal against a decision on an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAppeal {
    /// The application appealed against.
    pub application: ApplicationId,
    /// Kind.
    pub kind: AppealKind,
    /// Filing date.
    pub filed_on: NaiveDate,
    /// Result (`Pending` until closed).
    pub result: AppealResult,
    /// Closing date (required unless pending).
    pub closed_on: Option<NaiveDate>,
    /// Free text (case number of the court or reconsideration body).
    #[serde(default)]
    pub note: String,
}

/// An appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    /// Id.
    pub id: AppealId,
    /// The application.
    pub application: ApplicationId,
    /// The agency whose decision is appealed.
    pub agency: AgencyId,
    /// Kind.
    pub kind: AppealKind,
    /// Filing date.
    pub filed_on: NaiveDate,
    /// Result.
    pub result: AppealResult,
    /// Closing date.
    pub closed_on: Option<NaiveDate>,
    /// Free text.
    pub note: String,
    /// Against a decision or against inaction.
    #[serde(default)]
    pub ground: AppealGround,
    /// Voided: counts nowhere.
    #[serde(default)]
    pub voided: Option<Voided>,
}

/// What an appeal is against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealGround {
    /// The reply (or other decision) on the application.
    #[default]
    Decision,
    /// Inaction: the application was overdue and unanswered when the appeal was filed.
    Inaction,
}

impl AppealGround {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            AppealGround::Decision => "decision",
            AppealGround::Inaction => "inaction",
        }
    }
    /// Parses a stored code.
    pub fn parse_code(s: &str) -> Result<Self, StoreError> {
        match s {
            "decision" => Ok(AppealGround::Decision),
            "inaction" => Ok(AppealGround::Inaction),
            other => Err(StoreError::Corrupt(format!("AppealGround：未知代码 {other}"))),
        }
    }
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            AppealGround::Decision => "不服答复",
            AppealGround::Inaction => "不作为（逾期未答复）",
        }
    }
}

coded_enum!(
    /// Kinds of documents in the register (table 二, Art. 20(1)).
    DocumentKind {
        Regulation = ("regulation", "规章"),
        NormativeDocument = ("normative_document", "行政规范性文件"),
    }
);

coded_enum!(
    /// Validity of a registered document.
    Validity {
        Valid = ("valid", "现行有效"),
        Repealed = ("repealed", "已废止"),
        Amended = ("amended", "已修改"),
    }
);

/// A 规章 or 行政规范性文件.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Id (ignored when adding).
    pub id: DocumentId,
    /// Agency that made it.
    pub agency: AgencyId,
    /// Kind.
    pub kind: DocumentKind,
    /// 文号, e.g. 民政字〔2025〕6号.
    pub doc_number: String,
    /// Title.
    pub title: String,
    /// Date made (issued).
    pub made_on: NaiveDate,
    /// Date repealed.
    pub repealed_on: Option<NaiveDate>,
    /// Validity.
    pub validity: Validity,
    /// Voided (registered by mistake): counts nowhere.
    #[serde(default)]
    pub voided: Option<Voided>,
}

/// The year's typed-in counts for table 二; a figure not given is `None` (blank in the report).
/// As an update, only the figures given change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearlyCounts {
    /// 行政许可 decisions.
    pub admin_licensing: Option<i64>,
    /// 行政处罚 decisions.
    pub admin_penalty: Option<i64>,
    /// 行政强制 decisions.
    pub admin_coercion: Option<i64>,
    /// 行政事业性收费 in 万元, as typed (a decimal string, e.g. `12.5`).
    pub admin_fees_wan: Option<String>,
}

coded_enum!(
    /// Life of a stored annual report.
    ReportStatus {
        Draft = ("draft", "草稿"),
        Locked = ("locked", "已锁定"),
        Published = ("published", "已发布"),
    }
);

/// A stored annual report: the report toolkit's JSON plus its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredReport {
    /// Id.
    pub id: ReportId,
    /// Agency.
    pub agency: AgencyId,
    /// Report year.
    pub year: i32,
    /// Status.
    pub status: ReportStatus,
    /// Who locked it (the audit actor), empty while a draft.
    #[serde(default)]
    pub locked_by: String,
    /// The report (the report toolkit's JSON contract).
    pub content: serde_json::Value,
    /// Corrections made after locking.
    pub corrections: Vec<ReportCorrection>,
}

impl StoredReport {
    /// A fingerprint of the stored content: what an editor saw, so that saving over a draft
    /// someone else changed meanwhile can be refused ([`crate::Storage::save_report`]).
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.content)
    }
}

/// The fingerprint of report content (SHA-256 of its JSON, hex, first 32 digits).
pub fn fingerprint(content: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    let text = serde_json::to_string(content).unwrap_or_default();
    Sha256::digest(text.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A change to a locked or published report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCorrection {
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// The content before.
    pub before: serde_json::Value,
}

/// Raw counts for an agency's year, from which tables 三 and 四 are built (see `report` module).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTallies {
    /// Applications received in the year, per applicant kind.
    pub new_received: Vec<(ApplicantKind, i64)>,
    /// Applications received before the year and open on 1 January.
    pub carried_over: Vec<(ApplicantKind, i64)>,
    /// Applications concluded in the year, per outcome and applicant kind.
    pub concluded: Vec<(Outcome, ApplicantKind, i64)>,
    /// Applications open on 31 December.
    pub carried_forward: Vec<(ApplicantKind, i64)>,
    /// Appeals counted in the year, per kind and result as of 31 December.
    pub appeals: Vec<(AppealKind, AppealResult, i64)>,
    /// Documents made, repealed in the year and valid at its end, per kind.
    pub documents: Vec<(DocumentKind, i64, i64, i64)>,
    /// Typed-in counts.
    pub typed: Option<YearlyCounts>,
    /// 信息处理费 paid in the year, in yuan (section 六).
    pub fees_collected_yuan: i64,
    /// Applications with a fee payment in the year.
    pub fee_cases: i64,
}

/// A cell of table 三 or 四 or 二, for drill-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "table")]
pub enum Cell {
    /// Table 三, a row (`new_received`, `carried_over`, an outcome, `carried_forward`) and a
    /// column (`None` = 总计).
    T3 {
        /// Row.
        row: T3Row,
        /// Column.
        column: Option<ApplicantKind>,
    },
    /// Table 四: kind and result (`None` = 总计).
    T4 {
        /// Group.
        kind: AppealKind,
        /// Result.
        result: Option<AppealResult>,
    },
    /// Table 二 document counts.
    T2 {
        /// Kind.
        kind: DocumentKind,
        /// `made`, `repealed` or `valid`.
        column: T2Column,
    },
}

/// A table-三 data row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum T3Row {
    /// 一、本年新收.
    NewReceived,
    /// 二、上年结转.
    CarriedOver,
    /// A leaf of 三、本年度办理结果.
    Result(Outcome),
    /// （七）总计.
    ResultsTotal,
    /// 四、结转下年度.
    CarriedForward,
}

/// A table-二 document column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum T2Column {
    /// 本年制发件数.
    Made,
    /// 本年废止件数.
    Repealed,
    /// 现行有效件数.
    Valid,
}

/// The records behind a cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "ids")]
pub enum CellRecords {
    /// Applications.
    Applications(Vec<ApplicationId>),
    /// Appeals.
    Appeals(Vec<AppealId>),
    /// Register documents.
    Documents(Vec<DocumentId>),
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What (`create`, `update`, `add_event`, …).
    pub action: String,
    /// Which kind of record.
    pub entity: String,
    /// Which record.
    pub entity_id: String,
    /// JSON before the change (empty for creations).
    pub before: String,
    /// JSON after the change.
    pub after: String,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
    /// The agency whose records changed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<AgencyId>,
    /// Why the change was made (corrections, voids), empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Result of `audit verify`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: i64,
    /// Problems found (empty = intact), in Chinese.
    pub problems: Vec<String>,
    /// The receipt of the last entry read (`SEQ:HASH`; seq 0 for an empty log): keep it
    /// elsewhere and check it later with [`AuditCheck::expect`].
    #[serde(default)]
    pub head: Option<crate::audit::Receipt>,
    /// What was checked besides the chain (the anchor file, receipts, records), in Chinese.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Records reconciled with the log's latest after-images (`--records`), if asked.
    #[serde(default)]
    pub records: Option<u64>,
}

/// What `audit verify` checks besides the chain itself (which it always checks, with the anchor
/// file when there is one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditCheck {
    /// Receipts kept from earlier (`--expect SEQ:HASH`): the chain must still hold each.
    pub expect: Vec<crate::audit::Receipt>,
    /// Reconcile every record with the latest after-image in the log (`--records`).
    pub records: bool,
}

/// Counts written or read by a whole-database export or import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferSummary {
    /// Rows per table (tables with rows).
    pub tables: Vec<(String, u64)>,
    /// The receipt of the last audit entry exported or imported.
    #[serde(default)]
    pub head: Option<crate::audit::Receipt>,
}

/// What `audit anchor` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorReset {
    /// The anchor file.
    pub path: std::path::PathBuf,
    /// What it held before (`None`: missing or unreadable).
    pub previous: Option<crate::audit::Receipt>,
    /// What it holds now: the head, after the audit entry recording the re-anchoring.
    pub receipt: crate::audit::Receipt,
}

/// A web session: the SHA-256 of the cookie's token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Whose.
    pub user: UserId,
    /// The session's CSRF token (sent with every form).
    pub csrf: String,
    /// When it started (RFC 3339).
    pub created_at: String,
    /// Last request seen (RFC 3339, updated at most once a minute).
    pub last_seen: String,
    /// When it ends (RFC 3339).
    pub expires_at: String,
}

/// Stands for the document number in a letter's body until the number is taken, in the
/// transaction that stores the letter.
pub const DOC_NUMBER_MARK: &str = "\u{1}文号\u{1}";

/// A letter to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLetter {
    /// The case.
    pub application: ApplicationId,
    /// Which letter (答复告知书, 补正告知书 …; the app's code).
    pub kind: String,
    /// The day it is issued (its year numbers it).
    pub issued_on: NaiveDate,
    /// The document number's prefix, e.g. 民政公开 (from the agency's settings).
    pub prefix: String,
    /// The letter's content with [`DOC_NUMBER_MARK`] where the number goes.
    pub body: String,
    /// The reply's 告知书: its number becomes the concluded case's `reply_letter_ref` (告知书文号)
    /// in the same transaction, unless the case already has one.
    pub reply: bool,
}

/// An issued letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// Id.
    pub id: i64,
    /// The case.
    pub application: ApplicationId,
    /// The agency.
    pub agency: AgencyId,
    /// Which letter.
    pub kind: String,
    /// Year of the number.
    pub year: i32,
    /// The number within the year.
    pub seq: i64,
    /// `{prefix}〔{year}〕{seq}号`.
    pub doc_number: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// The content as issued.
    pub body: String,
    /// When it was recorded (RFC 3339).
    pub created_at: String,
}
