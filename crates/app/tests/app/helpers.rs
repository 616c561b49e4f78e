//! A test office: a temporary data directory and SQLite database, a fixed clock, an operator
//! and users with roles.

use std::sync::Arc;

use chrono::NaiveDate;
use gongkai_app::cases::{self, NewCase};
use gongkai_app::clock::FixedClock;
use gongkai_app::model::{Agency, AgencyLevel, Applicant, ApplicantKind, Application, Channel, Role};
use gongkai_app::office::{Office, OpenMode};
use gongkai_app::people::{self, InitRequest};
use gongkai_app::records::Records;
use tempfile::TempDir;

pub const PASSWORD: &str = "a-good-password";

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An office with a county (岚皋县人民政府办公室) and a township below it (民主镇人民政府).
pub struct TestOffice {
    pub dir: TempDir,
    pub office: Office,
    pub county: Agency,
    pub town: Agency,
}

impl TestOffice {
    pub async fn new(today: &str) -> TestOffice {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("gongkai.db").display());
        let office = Office::open_at(&url, dir.path(), OpenMode::Create, Arc::new(FixedClock(d(today)))).await.unwrap();
        people::bootstrap(
            &office,
            InitRequest {
                agency: "岚皋县人民政府办公室".into(),
                level: AgencyLevel::County,
                parent: None,
                region: None,
                admin: "admin".into(),
                password: Some(PASSWORD.into()),
            },
            "tester",
        )
        .await
        .unwrap();
        let op = office.operator("tester");
        people::add_agency(
            &op,
            InitRequest {
                agency: "民主镇人民政府".into(),
                level: AgencyLevel::Township,
                parent: Some("岚皋县人民政府办公室".into()),
                region: None,
                admin: "admin".into(),
                password: None,
            },
        )
        .await
        .unwrap();
        let county = op.agency("岚皋县人民政府办公室").await.unwrap();
        let town = op.agency("民主镇人民政府").await.unwrap();
        TestOffice { dir, office, county, town }
    }

    pub fn operator(&self) -> Records {
        self.office.operator("tester")
    }

    /// Adds `login` holding `roles` at `agency` (a user may hold several).
    pub async fn user(&self, login: &str, agency: &Agency, roles: &[Role]) -> Records {
        let op = self.operator();
        if !self.office.user_exists(login).await.unwrap() {
            people::add_user(&op, login, login, PASSWORD).await.unwrap();
        }
        for r in roles {
            people::grant(&op, login, agency, *r).await.unwrap();
        }
        self.office.login(login, PASSWORD).await.unwrap()
    }

    /// Logs in again (roles as they are now).
    pub async fn login(&self, login: &str) -> Records {
        self.office.login(login, PASSWORD).await.unwrap()
    }
}

/// A plain application received in person.
pub fn new_case(received: &str, officer: Option<&str>) -> NewCase {
    NewCase {
        number: None,
        applicant: Applicant {
            kind: ApplicantKind::NaturalPerson,
            name: "张三".into(),
            id_document: String::new(),
            contact: String::new(),
            address: String::new(),
        },
        channel: Channel::InPerson,
        received_on: d(received),
        confirmed_on: None,
        content: "村道修建资金的使用情况".into(),
        requested_form: String::new(),
        delivery: String::new(),
        officer: officer.map(str::to_string),
        remarks: String::new(),
        same_day_contact_failed: false,
    }
}

/// Registers a case at `agency` as `rec`.
pub async fn add_case(rec: &Records, agency: &Agency, received: &str, officer: Option<&str>) -> Application {
    cases::add(rec, agency, new_case(received, officer)).await.unwrap()
}
