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

use crate::clock::CalendarStore;

/// The deadline engine with its calendars.
#[derive(Debug)]
pub struct EngineRules {
    calendars: CalendarStore,
    national: Arc<Calendar>,
    regions: Mutex<HashMap<String, Arc<Calendar>>>,
    settings: Settings,
    today: NaiveDate,
}

impl EngineRules {
    /// Loads the national calendar (embedded plus imported years) from the data directory.
    pub fn new(
        calendars: CalendarStore,
        settings: Settings,
        today: NaiveDate,
    ) -> anyhow::Result<EngineRules> {
        let national = Arc::new(calendars.calendar(None)?);
        Ok(EngineRules { calendars, national, regions: Mutex::new(HashMap::new()), settings, today })
    }

    fn calendar(&self, agency: &Agency) -> Result<Arc<Calendar>, String> {
        let region = agency.region.trim();
        if region.is_empty() {
            return Ok(self.national.clone());
        }
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
        deadline::explain(&timeline, &cal, &self.settings, self.today).map_err(|e| e.to_string())
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
        let r = deadline::evaluate(&timeline, &cal, &self.settings, self.today)
            .map_err(|e| e.to_string())?;
        // `due_on` is the operative deadline: for a case made overdue by a decision after its
        // deadline (or a fee wait past the payment deadline) it is the deadline that passed, so
        // `case list --overdue` shows it.
        Ok(match r.state {
            State::Running | State::PaymentLapsed => Evaluation { state: CaseState::Open, due_on: r.final_due },
            State::Paused | State::AwaitingCorrection | State::AwaitingPayment => {
                Evaluation { state: CaseState::Paused, due_on: r.final_due }
            }
            State::Replied | State::Closed => Evaluation { state: CaseState::Closed, due_on: None },
        })
    }

    fn explain(&self, agency: &Agency, channel: Channel, events: &[Event]) -> Vec<String> {
        match self.explain_report(agency, channel, events) {
            Ok(r) => r.explanation,
            Err(m) => vec![m],
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{NaiveDate, TimeZone, Utc};
    use gongkai_store::*;

    use super::EngineRules;
    use crate::clock::CalendarStore;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The worked vectors of regulation.md §1, through the store with the real engine.
    #[tokio::test]
    async fn the_store_derives_due_dates_with_the_real_calendar() {
        let dir = tempfile::tempdir().unwrap();
        let rules = EngineRules::new(CalendarStore::new(dir.path()), Default::default(), d("2025-06-30")).unwrap();
        let url = format!("sqlite:{}", dir.path().join("t.db").display());
        let store = Store::open(&url, Arc::new(rules), OpenOptions::default()).await.unwrap();
        let ctx = Ctx { actor: "t".into(), at: Utc.with_ymd_and_hms(2025, 1, 20, 9, 0, 0).unwrap() };
        let agency = store
            .create_agency(&ctx, NewAgency { name: "县政府".into(), level: AgencyLevel::County, parent: None, region: String::new(), settings: AgencySettings::default() })
            .await
            .unwrap();
        let app = |received: &str| NewApplication {
            agency: agency.id,
            number: None,
            applicant: Applicant { kind: ApplicantKind::NaturalPerson, name: "张三".into(), id_document: String::new(), contact: String::new(), address: String::new() },
            channel: Channel::InPerson,
            content: "内容".into(),
            requested_form: String::new(),
            delivery: String::new(),
            case_officer: None,
            received_on: d(received),
            events: vec![],
            closing: None,
            remarks: String::new(),
        };
        for (received, due) in [("2025-01-20", "2025-02-21"), ("2024-12-30", "2025-01-27")] {
            let a = store.create_application(&ctx, app(received)).await.unwrap();
            assert_eq!(a.due_on, Some(d(due)), "received {received}");
        }
        let a = store.create_application(&ctx, app("2025-01-20")).await.unwrap();
        let ext = Event {
            detail: EventDetail { days: Some(20), approver: Some("办公室主任".into()), ..EventDetail::default() },
            ..Event::new(EventKind::ExtensionApproved, d("2025-02-10"))
        };
        let a = store.add_event(&ctx, a.id, ext, None).await.unwrap();
        assert_eq!(a.due_on, Some(d("2025-03-21")));
        // the engine refuses what the structural checks let through: a second correction notice
        let a = store.create_application(&ctx, app("2025-01-20")).await.unwrap();
        store.add_event(&ctx, a.id, Event::new(EventKind::CorrectionRequested, d("2025-01-21")), None).await.unwrap();
        store.add_event(&ctx, a.id, Event::new(EventKind::CorrectionReceived, d("2025-01-23")), None).await.unwrap();
        let err = store
            .add_event(&ctx, a.id, Event::new(EventKind::CorrectionRequested, d("2025-01-24")), None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Rule(_)), "{err}");
        store.close().await;
    }

    /// Issue 8: the engine's rules hold in the records — refusals refuse the event, and a case made
    /// overdue by a decision after its deadline is listed by `case list --overdue`'s filter.
    #[tokio::test]
    async fn the_records_follow_the_deadline_rules() {
        let dir = tempfile::tempdir().unwrap();
        let today = d("2025-06-30");
        let rules = EngineRules::new(CalendarStore::new(dir.path()), Default::default(), today).unwrap();
        let url = format!("sqlite:{}", dir.path().join("t.db").display());
        let store = Store::open(&url, Arc::new(rules), OpenOptions::default()).await.unwrap();
        let ctx = Ctx { actor: "t".into(), at: Utc.with_ymd_and_hms(2025, 6, 30, 9, 0, 0).unwrap() };
        let agency = store
            .create_agency(&ctx, NewAgency { name: "县政府".into(), level: AgencyLevel::County, parent: None, region: String::new(), settings: AgencySettings::default() })
            .await
            .unwrap();
        let app = |received: &str| NewApplication {
            agency: agency.id,
            number: None,
            applicant: Applicant { kind: ApplicantKind::NaturalPerson, name: "李四".into(), id_document: String::new(), contact: String::new(), address: String::new() },
            channel: Channel::InPerson,
            content: "内容".into(),
            requested_form: String::new(),
            delivery: String::new(),
            case_officer: None,
            received_on: d(received),
            events: vec![],
            closing: None,
            remarks: String::new(),
        };
        let overdue = CaseFilter { open_only: true, by_due_date: true, due_on_or_before: Some(d("2025-06-29")), ..CaseFilter::default() };

        // An extension approved two working days after the reply deadline (2025-03-31) does not
        // move the stored deadline: the case is overdue from 03-31.
        let late = store.create_application(&ctx, app("2025-03-03")).await.unwrap();
        let ext = Event {
            detail: EventDetail { days: Some(20), approver: Some("办公室主任".into()), ..EventDetail::default() },
            ..Event::new(EventKind::ExtensionApproved, d("2025-04-02"))
        };
        let late = store.add_event(&ctx, late.id, ext, None).await.unwrap();
        assert_eq!(late.due_on, Some(d("2025-03-31")));
        // An unpaid fee wait ends at the payment deadline (04-09): the due date stops moving (04-29).
        let unpaid = store.create_application(&ctx, app("2025-03-03")).await.unwrap();
        for (kind, on) in [(EventKind::FeeNoticeSent, "2025-03-10"), (EventKind::FeeNoticeReceived, "2025-03-11")] {
            store.add_event(&ctx, unpaid.id, Event::new(kind, d(on)), None).await.unwrap();
        }
        let unpaid = store.application(unpaid.id).await.unwrap();
        assert_eq!((unpaid.state, unpaid.due_on), (CaseState::Open, Some(d("2025-04-29"))));
        let listed: Vec<_> = store.list_cases(&overdue).await.unwrap().into_iter().map(|c| c.id).collect();
        assert!(listed.contains(&late.id) && listed.contains(&unpaid.id), "{listed:?}");

        // 视为放弃 before the payment period ran out: refused, nothing stored.
        let closing = Closing { outcome: Outcome::OhFeeUnpaid, reply_type: String::new(), legal_basis: String::new(), reply_letter_ref: String::new() };
        let err = store
            .add_event(&ctx, unpaid.id, Event::new(EventKind::FeeExpired, d("2025-04-09")), Some(closing.clone()))
            .await
            .unwrap_err();
        assert!(matches!(&err, StoreError::Rule(m) if m.contains("至 2025-04-09 届满")), "{err}");
        assert_eq!(store.application(unpaid.id).await.unwrap().events.len(), 3);
        store.add_event(&ctx, unpaid.id, Event::new(EventKind::FeeExpired, d("2025-04-10")), Some(closing)).await.unwrap();
        // A consultation closed as expired within the party's 15 working days: refused.
        let c = store.create_application(&ctx, app("2025-03-03")).await.unwrap();
        let party = |kind| Event { detail: EventDetail { party: Some(Party::ThirdParty), ..EventDetail::default() }, ..Event::new(kind, d("2025-03-10")) };
        store.add_event(&ctx, c.id, party(EventKind::ConsultationStarted), None).await.unwrap();
        let early = Event { on: d("2025-03-20"), ..party(EventKind::ConsultationExpired) };
        let err = store.add_event(&ctx, c.id, early, None).await.unwrap_err();
        assert!(matches!(&err, StoreError::Rule(m) if m.contains("第三十二条")), "{err}");
        // Before the revised regulation: refused.
        let err = store.create_application(&ctx, app("2019-05-14")).await.unwrap_err();
        assert!(matches!(&err, StoreError::Rule(m) if m.contains("2008年")), "{err}");
        store.close().await;
    }
}
