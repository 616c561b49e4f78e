//! Errors of the deadline engine. Display messages are user-facing Chinese naming the event
//! (position, type, date) and the rule it breaks.

use std::fmt;

use chrono::NaiveDate;
use gongkai_calendar::CalendarError;

/// Which event an error is about: 1-based position, type code, date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef {
    /// 1-based position in the timeline.
    pub index: usize,
    /// The event type's code name (`replied`).
    pub kind: &'static str,
    /// The event's date.
    pub date: NaiveDate,
}

impl fmt::Display for EventRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "第{}个事件 {}（{}，{}）",
            self.index,
            self.kind,
            super::timeline::kind_zh(self.kind),
            self.date
        )
    }
}

/// A timeline that cannot be read or cannot have happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    /// Empty input.
    #[error("时间线为空：输入没有内容（应为 JSON，例如 {{\"events\": [{{\"type\": \"received\", \"date\": \"2025-01-20\", \"channel\": \"in_person\"}}]}}）")]
    EmptyInput,
    /// Not JSON, or JSON of the wrong shape.
    #[error("时间线 JSON 有误（第{line}行第{column}列）：{message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// An event whose fields are wrong (unknown type, bad date, missing or foreign field).
    #[error("第{index}个事件：{message}")]
    Field {
        /// 1-based position.
        index: usize,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// No events at all.
    #[error("时间线没有事件：第一个事件必须是 received（收到申请）")]
    NoEvents,
    /// The first event is not the receipt.
    #[error("{event}：时间线必须以 received（收到申请）开始，答复期限自收到申请之日起算（《条例》第三十一条、第三十三条）")]
    FirstNotReceived {
        /// The event.
        event: EventRef,
    },
    /// An application that arrived before the revised regulation took effect.
    #[error("{event}：申请于2019年5月15日修订后的《条例》施行之前到达，当时适用2008年施行的《政府信息公开条例》（答复期限15个工作日，延长不超过15个工作日），本系统只按修订后的《条例》计算期限，请人工核算")]
    BeforeRegulation {
        /// The receipt event.
        event: EventRef,
    },
    /// A fee event before 国办函〔2020〕109号 took effect.
    #[error("{event}：信息处理费自2021年1月1日起按国办函〔2020〕109号收取，此前没有收费依据（《条例》第四十二条），不能记录收费事件")]
    FeeBeforeRules {
        /// The event.
        event: EventRef,
    },
    /// A second receipt.
    #[error("{event}：一个时间线只能有一个 received（收到申请）事件；新的申请请另建时间线")]
    DuplicateReceived {
        /// The event.
        event: EventRef,
    },
    /// An event dated before the receipt.
    #[error("{event}早于收到申请之日 {receipt}：任何办理事件都不能早于收到申请（《条例》第三十一条）")]
    BeforeReceipt {
        /// The event.
        event: EventRef,
        /// The receipt's date.
        receipt: NaiveDate,
    },
    /// Events out of date order.
    #[error("{event}早于前一个事件的日期 {previous}：事件必须按日期先后排列")]
    OutOfOrder {
        /// The event.
        event: EventRef,
        /// The previous event's date.
        previous: NaiveDate,
    },
    /// A receipt detail (signed / confirmed) that does not fit the channel or the dates.
    #[error("{event}：{message}（《条例》第三十一条）")]
    Receipt {
        /// The event.
        event: EventRef,
        /// What is wrong.
        message: String,
    },
    /// A second correction notice.
    #[error("{event}：补正只能一次性告知（第一次补正通知已于 {first} 发出），不能再次要求补正（《条例》第三十条）")]
    SecondCorrection {
        /// The event.
        event: EventRef,
        /// The first notice's date.
        first: NaiveDate,
    },
    /// Correction received or expired without a pending correction notice.
    #[error("{event}：此前没有待补正的补正通知（correction_requested），无法收到补正或补正期满（《条例》第三十条）")]
    NoPendingCorrection {
        /// The event.
        event: EventRef,
    },
    /// A consultation answered or expired that was never started.
    #[error("{event}：此前没有正在进行的征求{party}意见（consultation_started），无法结束（《条例》第三十二条、第三十四条）")]
    NoOpenConsultation {
        /// The event.
        event: EventRef,
        /// 第三方 / 其他机关.
        party: &'static str,
    },
    /// A consultation started while the same party's is still open.
    #[error("{event}：征求{party}意见尚未结束（{since} 开始），不能重复开始")]
    ConsultationAlreadyOpen {
        /// The event.
        event: EventRef,
        /// 第三方 / 其他机关.
        party: &'static str,
        /// When the open one started.
        since: NaiveDate,
    },
    /// An extension of zero working days.
    #[error("{event}：延长的工作日数必须至少为 1（《条例》第三十三条）")]
    ExtensionZero {
        /// The event.
        event: EventRef,
    },
    /// An extension beyond 20 working days (in total).
    #[error("{event}：延长{days}个工作日，累计延长{total}个工作日，超过上限：延长的期限最长不得超过20个工作日（《条例》第三十三条）")]
    ExtensionTooLong {
        /// The event.
        event: EventRef,
        /// This extension.
        days: u32,
        /// All extensions together.
        total: u32,
    },
    /// An extension without the approver.
    #[error("{event}：延期须经政府信息公开工作机构负责人同意（《条例》第三十三条），请填写 approver（批准人）")]
    ExtensionWithoutApprover {
        /// The event.
        event: EventRef,
    },
    /// An Art. 35 date not after the day it was set.
    #[error("{event}：合理期限 {new_date} 必须晚于确定之日（《条例》第三十五条）")]
    LaterDateNotLater {
        /// The event.
        event: EventRef,
        /// The date given.
        new_date: NaiveDate,
    },
    /// A fee event without a fee notice before it.
    #[error("{event}：此前没有发出收费通知（fee_notice_sent）（国办函〔2020〕109号）")]
    NoFeeNotice {
        /// The event.
        event: EventRef,
    },
    /// A second fee notice, or a second payment.
    #[error("{event}：{message}（国办函〔2020〕109号）")]
    FeeSequence {
        /// The event.
        event: EventRef,
        /// What is wrong.
        message: &'static str,
    },
    /// An event after the application was concluded.
    #[error("{event}：申请已于 {closed} 办结（{closed_by}），其后不能再有办理事件")]
    AfterClosing {
        /// The event.
        event: EventRef,
        /// The concluding event's date.
        closed: NaiveDate,
        /// The concluding event, in Chinese.
        closed_by: &'static str,
    },
}

/// A valid timeline that cannot be evaluated on this calendar or on this day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    /// An event dated after today.
    #[error("{event}晚于今天（{today}）：不能记录尚未发生的事件")]
    AfterToday {
        /// The event.
        event: EventRef,
        /// Today.
        today: NaiveDate,
    },
    /// A signature or confirmation date after today.
    #[error("{event}：{field} {date} 晚于今天（{today}）：不能记录尚未发生的签收或确认（《条例》第三十一条）")]
    ReceiptAfterToday {
        /// The receipt event.
        event: EventRef,
        /// signed（签收日期） / confirmed（确认日期）.
        field: &'static str,
        /// The date given.
        date: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// An event that ends a period before the period has run (视为放弃, 征求意见期满).
    #[error("{event}：{message}")]
    Premature {
        /// The event.
        event: EventRef,
        /// The period, when it ends, and the rule.
        message: String,
    },
    /// A date outside the calendar.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}
