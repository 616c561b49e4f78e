//! The deadline engine (`gongkai_domain::deadline`) as the store's [`DeadlineRules`]: every
//! timeline the store accepts is validated and evaluated by it, with the agency's regional
//! calendar, the installation's settings, and today from the app's clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use gongkai_calendar::{Calendar, WorkingDays};
use gongkai_domain::deadline::{
    self, ConsultedParty, Delivery, Event as DEvent, EventKind as DKind, State, Timeline,
};
use gongkai_domain::settings::Settings;
use gongkai_store::{
    Agency, CaseState, Channel, DeadlineRules, DeliveryMode, Evaluation, Event, EventKind, Party,
};

use crate::clock::{CalendarStore, Clock};

/// The deadline engine with its calendars.
#[derive(Debug)]
pub struct EngineRules {
    calendars: CalendarStore,
    national: Arc<Calendar>,
    regions: Mutex<HashMap<String, Arc<Calendar>>>,
    settings: Settings,
    clock: Arc<dyn Clock>,
}

impl EngineRules {
    /// Loads the national calendar (embedded plus imported years) from the data directory.
    pub fn new(
        calendars: CalendarStore,
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<EngineRules> {
        let national = Arc::new(calendars.calendar(None)?);
        Ok(EngineRules { calendars, national, regions: Mutex::new(HashMap::new()), settings, clock })
    }

    /// The day `n` working days after `from` on the national calendar (reminders); a date the
    /// calendar cannot place counts calendar days.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        self.national
            .add(from, WorkingDays::new(n))
            .unwrap_or_else(|_| from.checked_add_days(chrono::Days::new(u64::from(n))).unwrap_or(from))
    }

    /// Whether a region's calendar loads (its overrides were imported).
    pub fn check_region(&self, region: &str) -> Result<(), String> {
        self.calendar_of_region(region).map(drop)
    }

    /// Today, from the clock (a server's day changes while it runs).
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    fn calendar(&self, agency: &Agency) -> Result<Arc<Calendar>, String> {
        let region = agency.region.trim();
        if region.is_empty() {
            return Ok(self.national.clone());
        }
        self.calendar_of_region(region)
    }

    fn calendar_of_region(&self, region: &str) -> Result<Arc<Calendar>, String> {
        let mut map = self.regions.lock().map_err(|_| "日历缓存不可用".to_string())?;
        if let Some(c) = map.get(region) {
            return Ok(c.clone());
        }
        let cal = Arc::new(
            self.calendars
                .calendar(Some(region))
                .map_err(|e| format!("无法加载地区日历 {region}：{e:#}"))?,
        );
        map.insert(region.to_string(), cal.clone());
        Ok(cal)
    }

    /// The engine's report with its step-by-step explanation (for `case show`).
    pub fn explain_report(
        &self,
        agency: &Agency,
        channel: Channel,
        events: &[Event],
    ) -> Result<deadline::DeadlineReport, String> {
        let timeline = to_timeline(channel, events)?;
        let cal = self.calendar(agency)?;
        deadline::explain(&timeline, &cal, &self.settings, self.today()).map_err(|e| e.to_string())
    }
}

/// Converts stored events to the engine's timeline (validated by its constructor).
pub fn to_timeline(channel: Channel, events: &[Event]) -> Result<Timeline, String> {
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let d = &e.detail;
        let party = || match d.party {
            Some(Party::Agency) => ConsultedParty::Agency,
            _ => ConsultedParty::ThirdParty,
        };
        let kind = match e.kind {
            EventKind::Received => DKind::Received {
                channel: engine_channel(channel),
                signed: d.signed,
                confirmed: d.confirmed,
                same_day_contact_failed: d.same_day_contact_failed.unwrap_or(false),
            },
            EventKind::CorrectionRequested => DKind::CorrectionRequested,
            EventKind::CorrectionReceived => DKind::CorrectionReceived,
            EventKind::CorrectionExpired => DKind::CorrectionExpired,
            EventKind::ConsultationStarted => DKind::ConsultationStarted { party: party() },
            EventKind::ConsultationAnswered => DKind::ConsultationAnswered { party: party() },
            EventKind::ConsultationExpired => DKind::ConsultationExpired { party: party() },
            EventKind::ExtensionApproved => DKind::ExtensionApproved {
                days: WorkingDays::new(d.days.unwrap_or(20)),
                approver: d
                    .approver
                    .clone()
                    .or_else(|| e.by.map(|u| format!("用户 {u}")))
                    .unwrap_or_else(|| "办公室负责人".to_string()),
            },
            EventKind::LaterDateSet => DKind::LaterDateSet {
                new_date: d.new_date.ok_or("确定合理答复期限事件缺少新的期限日期")?,
            },
            EventKind::FeeNoticeSent => DKind::FeeNoticeSent,
            EventKind::FeeNoticeReceived => DKind::FeeNoticeReceived,
            EventKind::FeePaid => DKind::FeePaid,
            EventKind::FeeExpired => DKind::FeeExpired,
            EventKind::Replied => DKind::Replied {
                delivery: match d.delivery {
                    Some(DeliveryMode::Entrusted) => Delivery::Entrusted,
                    Some(DeliveryMode::Post) => Delivery::Post,
                    Some(DeliveryMode::Electronic) => Delivery::Electronic,
                    _ => Delivery::Direct,
                },
            },
            EventKind::Withdrawn => DKind::Withdrawn,
        };
        out.push(DEvent::new(e.on, kind));
    }
    Timeline::new(out).map_err(|e| e.to_string())
}

fn engine_channel(c: Channel) -> deadline::Channel {
    match c {
        Channel::InPerson => deadline::Channel::InPerson,
        Channel::RegisteredPost => deadline::Channel::RegisteredPost,
        Channel::OrdinaryLetter => deadline::Channel::OrdinaryLetter,
        Channel::Online => deadline::Channel::Online,
        Channel::Fax => deadline::Channel::Fax,
        Channel::Email => deadline::Channel::Email,
        Channel::WeChat => deadline::Channel::WeChat,
        Channel::Oral => deadline::Channel::Oral,
        Channel::Other => deadline::Channel::Other,
    }
}

impl DeadlineRules for EngineRules {
    fn evaluate(
        &self,
        agency: &Agency,
        channel: Channel,
        events: &[Event],
    ) -> Result<Evaluation, String> {
        let timeline = to_timeline(channel, events)?;
        let cal = self.calendar(agency)?;
        let r = deadline::evaluate(&timeline, &cal, &self.settings, self.today())
            .map_err(|e| e.to_string())?;
        // While paused, the pause's own window: the consulted party's 15 working days, the
        // payment, the reasonable correction period.
        let pause_due_on = match r.state {
            State::Paused => [r.due.third_party_answer, r.due.agency_answer].into_iter().flatten().min(),
            State::AwaitingPayment => r.due.payment,
            State::AwaitingCorrection => r.due.correction_period,
            _ => None,
        };
        // `due_on` is the operative deadline: for a case made overdue by a decision after its
        // deadline (or a fee wait past the payment deadline) it is the deadline that passed, so
        // `case list --overdue` shows it.
        Ok(match r.state {
            State::Running | State::PaymentLapsed => {
                Evaluation { state: CaseState::Open, due_on: r.final_due, pause_due_on: None }
            }
            State::Paused | State::AwaitingCorrection | State::AwaitingPayment => {
                Evaluation { state: CaseState::Paused, due_on: r.final_due, pause_due_on }
            }
            State::Replied | State::Closed => Evaluation { state: CaseState::Closed, due_on: None, pause_due_on: None },
        })
    }

    fn explain(&self, agency: &Agency, channel: Channel, events: &[Event]) -> Vec<String> {
        match self.explain_report(agency, channel, events) {
            Ok(r) => r.explanation,
            Err(m) => vec![m],
        }
    }
}
