//! The application's timeline: typed events, read from JSON and validated once.

use chrono::NaiveDate;
use gongkai_calendar::WorkingDays;
use serde::Deserialize;

use super::error::{EventRef, TimelineError};

/// How the application arrived (申请方式); decides which day is the receipt date (Art. 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// 当面提交: the day submitted.
    InPerson,
    /// 邮寄（需签收）: the day the agency signs for it.
    RegisteredPost,
    /// 平常信函 (no signature): the day the office confirms with the applicant.
    OrdinaryLetter,
    /// 互联网渠道: the day both sides confirm.
    Online,
    /// 传真 to the office: the day both sides confirm.
    Fax,
    /// 电子邮件 (an internet channel): the day both sides confirm.
    Email,
    /// 微信 (公众号, 小程序 — an internet channel): the day both sides confirm.
    WeChat,
    /// 口头申请 taken down by the office (Art. 29, 代为填写): the day it was taken down, as in person.
    Oral,
    /// Anything else: the day it arrived.
    Other,
}

impl Channel {
    /// The JSON code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::RegisteredPost => "registered_post",
            Self::OrdinaryLetter => "ordinary_letter",
            Self::Online => "online",
            Self::Fax => "fax",
            Self::Email => "email",
            Self::WeChat => "wechat",
            Self::Oral => "oral",
            Self::Other => "other",
        }
    }

    /// Every channel.
    pub const ALL: [Self; 9] = [
        Self::InPerson,
        Self::RegisteredPost,
        Self::OrdinaryLetter,
        Self::Online,
        Self::Fax,
        Self::Email,
        Self::WeChat,
        Self::Oral,
        Self::Other,
    ];

    /// 当面提交 / 邮寄 / ….
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::InPerson => "当面提交",
            Self::RegisteredPost => "邮寄（需签收）",
            Self::OrdinaryLetter => "平常信函",
            Self::Online => "网络申请",
            Self::Fax => "传真申请",
            Self::Email => "电子邮件申请",
            Self::WeChat => "微信申请",
            Self::Oral => "口头申请（代为填写）",
            Self::Other => "其他方式",
        }
    }
}

/// How the reply reached the applicant; decides which day is the reply date
/// (国办公开办函〔2016〕235号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// 直接送达: the day the applicant signs.
    Direct,
    /// 委托送达: the day the applicant signs.
    Entrusted,
    /// 邮寄送达 through a postal enterprise: the day handed to the post office (交邮之日).
    Post,
    /// 电子送达 (the application platform, e-mail): the day the reply reached the applicant's
    /// account or mailbox (by analogy with 《民事诉讼法》 Art. 90: 到达受送达人特定系统的日期).
    Electronic,
}

impl Delivery {
    /// The JSON code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Entrusted => "entrusted",
            Self::Post => "post",
            Self::Electronic => "electronic",
        }
    }

    /// Every delivery.
    pub const ALL: [Self; 4] = [Self::Direct, Self::Entrusted, Self::Post, Self::Electronic];
}

/// Whose views are sought (the time is not counted, Arts. 32-34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsultedParty {
    /// 第三方 (Art. 32).
    ThirdParty,
    /// 其他机关 (Art. 34).
    Agency,
}

impl ConsultedParty {
    /// The JSON code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::ThirdParty => "third_party",
            Self::Agency => "agency",
        }
    }

    /// 第三方 / 其他机关.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::ThirdParty => "第三方",
            Self::Agency => "其他机关",
        }
    }

    /// The article that governs it.
    pub const fn article(self) -> &'static str {
        match self {
            Self::ThirdParty => "《条例》第三十二条",
            Self::Agency => "《条例》第三十四条",
        }
    }

    pub(crate) const fn slot(self) -> usize {
        match self {
            Self::ThirdParty => 0,
            Self::Agency => 1,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// 收到申请. `signed`: the day the agency signed for registered post; `confirmed`: the day the
    /// office and the applicant confirmed (ordinary letter, online, fax, e-mail).
    Received {
        /// The channel.
        channel: Channel,
        /// Registered post: the day the agency signed for it.
        signed: Option<NaiveDate>,
        /// Ordinary letter, online, fax, e-mail: the day of confirmation.
        confirmed: Option<NaiveDate>,
        /// Ordinary letter, e-mail confirmed after the day of arrival: the office tried to reach the
        /// applicant on the day of arrival and could not (Art. 31 asks for same-day confirmation).
        same_day_contact_failed: bool,
    },
    /// 发出补正通知 (Art. 30).
    CorrectionRequested,
    /// 收到补正材料: the clock restarts (Art. 30).
    CorrectionReceived,
    /// 补正期限届满 without correction: deemed abandoned; concludes the application.
    CorrectionExpired,
    /// 开始征求意见: the clock pauses.
    ConsultationStarted {
        /// Whose views.
        party: ConsultedParty,
    },
    /// 收到意见: the clock resumes.
    ConsultationAnswered {
        /// Whose views.
        party: ConsultedParty,
    },
    /// 征求意见期满 without answer: the clock resumes.
    ConsultationExpired {
        /// Whose views.
        party: ConsultedParty,
    },
    /// 延期答复 approved (Art. 33).
    ExtensionApproved {
        /// Working days added (1-20, all extensions together at most 20).
        days: WorkingDays,
        /// Who approved (the head of the disclosure office).
        approver: String,
    },
    /// Art. 35: a reasonable later deadline set for an excessive application.
    LaterDateSet {
        /// The new deadline.
        new_date: NaiveDate,
    },
    /// 发出收费通知.
    FeeNoticeSent,
    /// The applicant received the fee notice: 20 working days to pay from the next day.
    FeeNoticeReceived,
    /// 缴费.
    FeePaid,
    /// Not paid in time: deemed abandoned; concludes the application.
    FeeExpired,
    /// 答复; the event date is the day that counts (signature, or hand-over to the post office).
    Replied {
        /// How it was delivered.
        delivery: Delivery,
    },
    /// 申请人撤回申请; concludes the application.
    Withdrawn,
}

impl EventKind {
    /// The JSON `type`.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Received { .. } => "received",
            Self::CorrectionRequested => "correction_requested",
            Self::CorrectionReceived => "correction_received",
            Self::CorrectionExpired => "correction_expired",
            Self::ConsultationStarted { .. } => "consultation_started",
            Self::ConsultationAnswered { .. } => "consultation_answered",
            Self::ConsultationExpired { .. } => "consultation_expired",
            Self::ExtensionApproved { .. } => "extension_approved",
            Self::LaterDateSet { .. } => "later_date_set",
            Self::FeeNoticeSent => "fee_notice_sent",
            Self::FeeNoticeReceived => "fee_notice_received",
            Self::FeePaid => "fee_paid",
            Self::FeeExpired => "fee_expired",
            Self::Replied { .. } => "replied",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Whether this event concludes the application.
    pub const fn concludes(&self) -> bool {
        matches!(self, Self::CorrectionExpired | Self::FeeExpired | Self::Replied { .. } | Self::Withdrawn)
    }
}

/// Every event type code, in the documented order.
pub const EVENT_TYPES: [&str; 15] = [
    "received",
    "correction_requested",
    "correction_received",
    "correction_expired",
    "consultation_started",
    "consultation_answered",
    "consultation_expired",
    "extension_approved",
    "later_date_set",
    "fee_notice_sent",
    "fee_notice_received",
    "fee_paid",
    "fee_expired",
    "replied",
    "withdrawn",
];

/// The Chinese name of an event type code.
pub(crate) fn kind_zh(code: &str) -> &'static str {
    match code {
        "received" => "收到申请",
        "correction_requested" => "发出补正通知",
        "correction_received" => "收到补正材料",
        "correction_expired" => "补正期限届满未补正",
        "consultation_started" => "开始征求意见",
        "consultation_answered" => "收到意见",
        "consultation_expired" => "征求意见期满",
        "extension_approved" => "批准延期答复",
        "later_date_set" => "确定合理答复期限",
        "fee_notice_sent" => "发出收费通知",
        "fee_notice_received" => "申请人收到收费通知",
        "fee_paid" => "缴纳信息处理费",
        "fee_expired" => "逾期未缴费",
        "replied" => "答复",
        "withdrawn" => "撤回申请",
        _ => "未知事件",
    }
}

/// One dated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The day it happened (for `received`: the day the application arrived; for `replied`: the
    /// day that counts).
    pub date: NaiveDate,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// An event.
    pub const fn new(date: NaiveDate, kind: EventKind) -> Self {
        Self { date, kind }
    }

    pub(crate) fn at(&self, index: usize) -> EventRef {
        EventRef { index: index + 1, kind: self.kind.code(), date: self.date }
    }
}

/// A validated timeline: starts with the receipt, in date order, nothing after the conclusion,
/// at most one correction, extensions within 20 working days and approved, paired pauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    events: Vec<Event>,
    receipt: Receipt,
}

/// The receipt event's details (the first event of every timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The day the application arrived.
    pub arrival: NaiveDate,
    /// How it arrived.
    pub channel: Channel,
    /// Registered post: the day the agency signed for it.
    pub signed: Option<NaiveDate>,
    /// The day of confirmation (ordinary letter, online, fax, e-mail).
    pub confirmed: Option<NaiveDate>,
    /// A failed same-day contact is on record (ordinary letter, e-mail).
    pub same_day_contact_failed: bool,
}

/// The revised regulation (State Council Decree No. 711) is in force from this day (Art. 56).
pub const REGULATION_IN_FORCE: (i32, u32, u32) = (2019, 5, 15);
/// 国办函〔2020〕109号, the only basis for a processing fee, is in force from this day.
pub const FEE_RULES_IN_FORCE: (i32, u32, u32) = (2021, 1, 1);

fn day((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl Timeline {
    /// Validates `events` (see the type's docs) and builds the timeline.
    pub fn new(events: Vec<Event>) -> Result<Self, TimelineError> {
        let receipt = validate(&events)?;
        Ok(Self { events, receipt })
    }

    /// Reads `{"events": [...]}` JSON (see docs/CLOCK.md) and validates it.
    pub fn from_json(text: &str) -> Result<Self, TimelineError> {
        if text.trim().is_empty() {
            return Err(TimelineError::EmptyInput);
        }
        let raw: RawTimeline = serde_json::from_str(text).map_err(|e| TimelineError::Json {
            line: e.line(),
            column: gongkai_calendar::char_column(text, e.line(), e.column()),
            message: serde_message_zh(&e),
        })?;
        let events = raw
            .events
            .into_iter()
            .enumerate()
            .map(|(i, r)| r.into_event().map_err(|message| TimelineError::Field { index: i + 1, message }))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(events)
    }

    /// The events, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The receipt (first event).
    pub fn receipt(&self) -> Receipt {
        self.receipt
    }
}

fn validate(events: &[Event]) -> Result<Receipt, TimelineError> {
    let Some(first) = events.first() else { return Err(TimelineError::NoEvents) };
    let EventKind::Received { channel, signed, confirmed, same_day_contact_failed } = &first.kind else {
        return Err(TimelineError::FirstNotReceived { event: first.at(0) });
    };
    if first.date < day(REGULATION_IN_FORCE) {
        return Err(TimelineError::BeforeRegulation { event: first.at(0) });
    }
    check_receipt(first, *channel, *signed, *confirmed, *same_day_contact_failed)?;
    // Art. 31: the receipt date (signature or confirmation) cannot come after the office acted on
    // the application.
    if let Some(next) = events.get(1) {
        for (field, d) in [("signed（签收日期）", signed), ("confirmed（确认日期）", confirmed)] {
            if let Some(d) = d
                && *d > next.date
            {
                return Err(TimelineError::Receipt {
                    event: first.at(0),
                    message: format!("{field} {d} 晚于其后的{}：收到申请之日不能晚于对申请的办理", next.at(1)),
                });
            }
        }
    }
    let receipt = first.date;
    let mut previous = receipt;
    let mut closed: Option<(NaiveDate, &'static str)> = None;
    let mut correction: Option<NaiveDate> = None;
    let mut correction_open = false;
    let mut consultation: [Option<NaiveDate>; 2] = [None, None];
    let mut extension_total = 0u32;
    let mut fee_notice = false;
    let mut fee_received = false;
    let mut fee_paid = false;
    for (i, ev) in events.iter().enumerate().skip(1) {
        let event = ev.at(i);
        if ev.date < receipt {
            return Err(TimelineError::BeforeReceipt { event, receipt });
        }
        if ev.date < previous {
            return Err(TimelineError::OutOfOrder { event, previous });
        }
        previous = ev.date;
        if let Some((closed, code)) = closed {
            return Err(TimelineError::AfterClosing { event, closed, closed_by: kind_zh(code) });
        }
        let fee_event = matches!(
            ev.kind,
            EventKind::FeeNoticeSent | EventKind::FeeNoticeReceived | EventKind::FeePaid | EventKind::FeeExpired
        );
        if fee_event && ev.date < day(FEE_RULES_IN_FORCE) {
            return Err(TimelineError::FeeBeforeRules { event });
        }
        match &ev.kind {
            EventKind::Received { .. } => return Err(TimelineError::DuplicateReceived { event }),
            EventKind::CorrectionRequested => {
                if let Some(first) = correction {
                    return Err(TimelineError::SecondCorrection { event, first });
                }
                correction = Some(ev.date);
                correction_open = true;
            }
            EventKind::CorrectionReceived | EventKind::CorrectionExpired => {
                if !correction_open {
                    return Err(TimelineError::NoPendingCorrection { event });
                }
                correction_open = false;
            }
            EventKind::ConsultationStarted { party } => {
                let slot = &mut consultation[party.slot()];
                if let Some(since) = *slot {
                    return Err(TimelineError::ConsultationAlreadyOpen { event, party: party.name_zh(), since });
                }
                *slot = Some(ev.date);
            }
            EventKind::ConsultationAnswered { party } | EventKind::ConsultationExpired { party } => {
                if consultation[party.slot()].take().is_none() {
                    return Err(TimelineError::NoOpenConsultation { event, party: party.name_zh() });
                }
            }
            EventKind::ExtensionApproved { days, approver } => {
                if days.get() == 0 {
                    return Err(TimelineError::ExtensionZero { event });
                }
                let total = extension_total.saturating_add(days.get());
                if total > 20 {
                    return Err(TimelineError::ExtensionTooLong { event, days: days.get(), total });
                }
                if approver.trim().is_empty() {
                    return Err(TimelineError::ExtensionWithoutApprover { event });
                }
                extension_total = total;
            }
            EventKind::LaterDateSet { new_date } => {
                if *new_date <= ev.date {
                    return Err(TimelineError::LaterDateNotLater { event, new_date: *new_date });
                }
            }
            EventKind::FeeNoticeSent => {
                if fee_notice {
                    return Err(TimelineError::FeeSequence { event, message: "收费通知已经发出过；一件申请只能选择一种计收方式、发出一次收费通知" });
                }
                fee_notice = true;
            }
            EventKind::FeeNoticeReceived => {
                if !fee_notice {
                    return Err(TimelineError::NoFeeNotice { event });
                }
                if fee_received {
                    return Err(TimelineError::FeeSequence { event, message: "申请人收到收费通知已经记录过；缴费期限只能自一次收到起算" });
                }
                if fee_paid {
                    return Err(TimelineError::FeeSequence { event, message: "申请人已经缴费，不能再记录其后收到收费通知" });
                }
                fee_received = true;
            }
            EventKind::FeeExpired => {
                if !fee_notice {
                    return Err(TimelineError::NoFeeNotice { event });
                }
                if fee_paid {
                    return Err(TimelineError::FeeSequence { event, message: "申请人已经缴费，不能视为逾期未缴费而放弃申请" });
                }
                if !fee_received {
                    return Err(TimelineError::FeeSequence {
                        event,
                        message: "没有记录申请人收到收费通知（fee_notice_received）：缴费期限自收到通知次日起算，无从判断是否已过，不能视为放弃",
                    });
                }
            }
            EventKind::FeePaid => {
                if !fee_notice {
                    return Err(TimelineError::NoFeeNotice { event });
                }
                if fee_paid {
                    return Err(TimelineError::FeeSequence { event, message: "信息处理费已经缴纳过" });
                }
                fee_paid = true;
            }
            EventKind::Replied { .. } | EventKind::Withdrawn => {}
        }
        if ev.kind.concludes() {
            closed = Some((ev.date, ev.kind.code()));
        }
    }
    Ok(Receipt {
        arrival: receipt,
        channel: *channel,
        signed: *signed,
        confirmed: *confirmed,
        same_day_contact_failed: *same_day_contact_failed,
    })
}

fn check_receipt(
    ev: &Event,
    channel: Channel,
    signed: Option<NaiveDate>,
    confirmed: Option<NaiveDate>,
    same_day_contact_failed: bool,
) -> Result<(), TimelineError> {
    let event = ev.at(0);
    let err = |message: String| Err(TimelineError::Receipt { event, message });
    if signed.is_some() && channel != Channel::RegisteredPost {
        return err(format!("signed（签收日期）只适用于 registered_post（邮寄需签收），不适用于 {}", channel.code()));
    }
    let confirms =
        matches!(channel, Channel::OrdinaryLetter | Channel::Online | Channel::Fax | Channel::Email | Channel::WeChat);
    if confirmed.is_some() && !confirms {
        return err(format!(
            "confirmed（确认日期）只适用于 ordinary_letter、online、fax、email、wechat，不适用于 {}",
            channel.code()
        ));
    }
    for (field, d) in [("signed（签收日期）", signed), ("confirmed（确认日期）", confirmed)] {
        if let Some(d) = d
            && d < ev.date
        {
            return err(format!("{field} {d} 早于申请到达之日 {}", ev.date));
        }
    }
    if same_day_contact_failed {
        if !matches!(channel, Channel::OrdinaryLetter | Channel::Email) {
            return err(format!(
                "same_day_contact_failed（到达当日联系申请人未果）只适用于 ordinary_letter、email，不适用于 {}",
                channel.code()
            ));
        }
        if confirmed.is_none_or(|c| c <= ev.date) {
            return err("same_day_contact_failed（到达当日联系申请人未果）只在确认日期 confirmed 晚于到达之日时适用".to_owned());
        }
    }
    Ok(())
}

/// The JSON shape, before typing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeline {
    events: Vec<RawEvent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    #[serde(rename = "type")]
    kind: String,
    date: String,
    channel: Option<String>,
    signed: Option<String>,
    confirmed: Option<String>,
    party: Option<String>,
    days: Option<i64>,
    approver: Option<String>,
    new_date: Option<String>,
    delivery: Option<String>,
    same_day_contact_failed: Option<bool>,
    /// Free text for people; ignored by the engine.
    #[serde(default)]
    #[expect(dead_code, reason = "accepted so that records can carry a remark; never interpreted")]
    note: Option<String>,
}

impl RawEvent {
    fn into_event(self) -> Result<Event, String> {
        let date = parse_date("date", &self.date)?;
        let allowed: &[&str] = match self.kind.as_str() {
            "received" => &["channel", "signed", "confirmed", "same_day_contact_failed"],
            "consultation_started" | "consultation_answered" | "consultation_expired" => &["party"],
            "extension_approved" => &["days", "approver"],
            "later_date_set" => &["new_date"],
            "replied" => &["delivery"],
            k if EVENT_TYPES.contains(&k) => &[],
            other => {
                return Err(format!("未知的事件类型“{other}”；可用的类型：{}", EVENT_TYPES.join("、")));
            }
        };
        let present = [
            ("channel", self.channel.is_some()),
            ("signed", self.signed.is_some()),
            ("confirmed", self.confirmed.is_some()),
            ("party", self.party.is_some()),
            ("days", self.days.is_some()),
            ("approver", self.approver.is_some()),
            ("new_date", self.new_date.is_some()),
            ("delivery", self.delivery.is_some()),
            ("same_day_contact_failed", self.same_day_contact_failed.is_some()),
        ];
        if let Some((field, _)) = present.iter().find(|(f, p)| *p && !allowed.contains(f)) {
            return Err(format!("字段 {field} 不适用于 {} 事件", self.kind));
        }
        let require = |field: &str, v: Option<String>| v.ok_or_else(|| format!("{} 事件缺少字段 {field}", self.kind));
        let kind = match self.kind.as_str() {
            "received" => {
                let channel = require("channel", self.channel.clone())?;
                let channel = Channel::ALL.into_iter().find(|c| c.code() == channel).ok_or_else(|| {
                    format!(
                        "未知的申请方式 channel “{channel}”；可用：{}",
                        Channel::ALL.map(Channel::code).join("、")
                    )
                })?;
                let signed = self.signed.as_deref().map(|s| parse_date("signed", s)).transpose()?;
                let confirmed = self.confirmed.as_deref().map(|s| parse_date("confirmed", s)).transpose()?;
                let same_day_contact_failed = self.same_day_contact_failed.unwrap_or(false);
                EventKind::Received { channel, signed, confirmed, same_day_contact_failed }
            }
            "correction_requested" => EventKind::CorrectionRequested,
            "correction_received" => EventKind::CorrectionReceived,
            "correction_expired" => EventKind::CorrectionExpired,
            "consultation_started" | "consultation_answered" | "consultation_expired" => {
                let party = match require("party", self.party.clone())?.as_str() {
                    "third_party" => ConsultedParty::ThirdParty,
                    "agency" => ConsultedParty::Agency,
                    other => return Err(format!("未知的征求意见对象 party “{other}”；可用：third_party、agency")),
                };
                match self.kind.as_str() {
                    "consultation_started" => EventKind::ConsultationStarted { party },
                    "consultation_answered" => EventKind::ConsultationAnswered { party },
                    _ => EventKind::ConsultationExpired { party },
                }
            }
            "extension_approved" => {
                let days = self.days.ok_or_else(|| "extension_approved 事件缺少字段 days（延长的工作日数）".to_owned())?;
                let days = u32::try_from(days)
                    .map_err(|_| format!("days（延长的工作日数）必须是 1 到 20 之间的整数，而不是 {days}"))?;
                let approver = require("approver", self.approver.clone())
                    .map_err(|_| "extension_approved 事件缺少字段 approver（批准人）：延期须经政府信息公开工作机构负责人同意（《条例》第三十三条）".to_owned())?;
                EventKind::ExtensionApproved { days: WorkingDays::new(days), approver }
            }
            "later_date_set" => {
                let new_date = require("new_date", self.new_date.clone())?;
                EventKind::LaterDateSet { new_date: parse_date("new_date", &new_date)? }
            }
            "fee_notice_sent" => EventKind::FeeNoticeSent,
            "fee_notice_received" => EventKind::FeeNoticeReceived,
            "fee_paid" => EventKind::FeePaid,
            "fee_expired" => EventKind::FeeExpired,
            "replied" => {
                let delivery = require("delivery", self.delivery.clone())?;
                let delivery = Delivery::ALL.into_iter().find(|d| d.code() == delivery).ok_or_else(|| {
                    format!("未知的送达方式 delivery “{delivery}”；可用：{}", Delivery::ALL.map(Delivery::code).join("、"))
                })?;
                EventKind::Replied { delivery }
            }
            _ => EventKind::Withdrawn,
        };
        Ok(Event { date, kind })
    }
}

fn parse_date(field: &str, s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| format!("{field} 日期无效：“{s}”（应为 YYYY-MM-DD 格式的真实日期，例如 2025-01-20）"))
}

/// serde_json's message, in Chinese where we know the pattern.
fn serde_message_zh(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let msg = e.to_string();
    match e.classify() {
        Category::Eof => "内容不完整（JSON 意外结束）".to_owned(),
        Category::Io => "读取失败".to_owned(),
        Category::Syntax => format!("不是有效的 JSON：{}", gongkai_calendar::serde_message_zh(&msg)),
        Category::Data if msg.starts_with("unknown field ") => format!(
            "{}（事件可用的字段：type、date、channel、signed、confirmed、same_day_contact_failed、party、days、approver、new_date、delivery、note）",
            gongkai_calendar::serde_message_zh(msg.split(", expected").next().unwrap_or(&msg))
        ),
        Category::Data => gongkai_calendar::serde_message_zh(&msg),
    }
}
