//! `serve --demo`'s county: seeded through the use cases on any day of the year.

use std::sync::Arc;

use gongkai_app::cases::{self, CaseQuery};
use gongkai_app::clock::FixedClock;
use gongkai_app::dashboard;
use gongkai_app::model::{Channel, Outcome, ReportStatus};
use gongkai_app::office::{Office, OpenMode};
use gongkai_app::{annual, demo, transfer};

use crate::helpers::d;

async fn seeded(today: &str) -> (tempfile::TempDir, Office, Vec<demo::DemoAccount>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let office = Office::open_at(&url, dir.path(), OpenMode::Create, Arc::new(FixedClock(d(today)))).await.unwrap();
    let accounts = demo::seed(&office, "tester").await.unwrap();
    (dir, office, accounts)
}

#[tokio::test]
async fn the_demo_county_covers_every_outcome_channel_and_desk_item() {
    for today in ["2026-12-04", "2027-01-06", "2026-04-01"] {
        let (_dir, office, accounts) = seeded(today).await;
        let roles: Vec<&str> = accounts.iter().map(|a| a.role.as_str()).collect();
        for r in ["系统管理员", "县级督查", "登记员", "承办人", "办公室负责人", "领导", "第1级审核人"] {
            assert!(roles.contains(&r), "{today}: no {r} account");
        }
        // Every account logs in with the printed password.
        for a in &accounts {
            office.login(&a.login, &a.password).await.unwrap();
        }
        let head = accounts.iter().find(|a| a.login == "mz_chen").unwrap();
        let chen = office.login("mz_chen", &head.password).await.unwrap();
        let town = chen.agency("民主镇人民政府").await.unwrap();
        // The 回执's contact details and the letters' 机关代字 are set.
        assert!(!town.settings.phone.is_empty() && !town.settings.address.is_empty(), "{today}");
        assert_eq!(gongkai_app::letters::document_prefix(&chen, &town).await.unwrap(), "民政信公开");
        let last_year = d(today).format("%Y").to_string().parse::<i32>().unwrap() - 1;
        let all = cases::list(&chen, &CaseQuery { agency: Some(town.name.clone()), ..CaseQuery::default() }).await.unwrap();
        for o in Outcome::ALL {
            assert!(all.iter().any(|c| c.outcome == Some(*o)), "{today}: no case with {o:?}");
        }
        let mut channels = Vec::new();
        for c in &all {
            channels.push(cases::get(&chen, c.id).await.unwrap().channel);
        }
        for ch in Channel::ALL {
            assert!(channels.contains(ch), "{today}: no case by {ch:?}");
        }
        let report = annual::status(&chen, &town, last_year).await.unwrap();
        assert_eq!(report.stored.unwrap().status, ReportStatus::Published, "{today}");
        let desk = dashboard::dashboard(&chen).await.unwrap();
        assert!(!desk.overdue.is_empty() && !desk.due_soon.is_empty() && desk.paused.len() >= 3, "{today}: {desk:?}");
        assert_eq!(desk.awaiting_approval.len(), 1, "{today}");
        let check = gongkai_app::model::AuditCheck { expect: Vec::new(), records: true };
        let v = transfer::verify(&office.operator("tester"), &check).await.unwrap();
        assert!(v.problems.is_empty(), "{today}: {:?}", v.problems);
    }
}
