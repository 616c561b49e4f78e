//! A test console: a county with two townships, a user for every role, a case in each township,
//! and a router called in process.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use gongkai_app::cases::{self, NewCase};
use gongkai_app::letters;
use gongkai_app::clock::FixedClock;
use gongkai_app::model::{Agency, AgencyLevel, Applicant, ApplicantKind, Application, Channel, Letter, Role};
use gongkai_app::office::{Office, OpenMode};
use gongkai_app::people::{self, InitRequest};
use gongkai_web::{AppState, WebConfig};
use tempfile::TempDir;
use tower::ServiceExt as _;

pub const PASSWORD: &str = "a-good-password";

/// The roles tested, with the agency they are held at (`true`: the county; else 民主镇).
pub const USERS: &[(&str, Role, bool)] = &[
    ("registrar", Role::Registrar, false),
    ("officer", Role::CaseOfficer, false),
    ("head", Role::OfficeHead, false),
    ("reviewer", Role::Reviewer(1), false),
    ("leader", Role::Leader, false),
    ("supervisor", Role::CountySupervisor, true),
    ("admin", Role::Administrator, true),
];

/// Which database a test console runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    /// A fresh schema in `GONGKAI_TEST_POSTGRES_URL`.
    Postgres,
}

static SCHEMAS: AtomicU32 = AtomicU32::new(0);

pub struct TestWeb {
    pub _dir: TempDir,
    /// (URL, schema) of a PostgreSQL console, dropped by [`TestWeb::finish`].
    pub pg: Option<(String, String)>,
    pub office: Office,
    pub app: Router,
    pub county: Agency,
    /// 民主镇人民政府: where the users work.
    pub town: Agency,
    /// 堰门镇人民政府: another township.
    pub other: Agency,
    pub case_town: Application,
    pub case_other: Application,
    /// A letter issued on each case (the letter pages' fixtures).
    pub letter_town: Letter,
    pub letter_other: Letter,
}

impl TestWeb {
    pub async fn new() -> TestWeb {
        TestWeb::on(Db::Sqlite, "sqlite").await.unwrap()
    }

    /// The test console on a backend; `None` (with a message) for PostgreSQL when
    /// `GONGKAI_TEST_POSTGRES_URL` is not set.
    pub async fn on(db: Db, test: &str) -> Option<TestWeb> {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock(chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
        let (office, pg) = match db {
            Db::Sqlite => {
                let url = format!("sqlite:{}", dir.path().join("gongkai.db").display());
                (Office::open_at(&url, dir.path(), OpenMode::Create, clock).await.unwrap(), None)
            }
            Db::Postgres => {
                let Some(url) = std::env::var("GONGKAI_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
                    eprintln!("跳过 PostgreSQL 测试 {test}：未设置 GONGKAI_TEST_POSTGRES_URL");
                    return None;
                };
                let schema = format!("web_{}_{}", std::process::id(), SCHEMAS.fetch_add(1, Ordering::SeqCst));
                let office =
                    Office::open_in_schema(&url, Some(&schema), dir.path(), OpenMode::Create, clock).await.unwrap();
                (office, Some((url, schema)))
            }
        };
        let init = |agency: &str, level, parent: Option<&str>| InitRequest {
            agency: agency.into(),
            level,
            parent: parent.map(str::to_string),
            region: None,
            admin: "admin".into(),
            password: Some(PASSWORD.into()),
        };
        people::bootstrap(&office, init("岚皋县人民政府办公室", AgencyLevel::County, None), "tester").await.unwrap();
        let op = office.operator("tester");
        for t in ["民主镇人民政府", "堰门镇人民政府"] {
            people::add_agency(&op, init(t, AgencyLevel::Township, Some("岚皋县人民政府办公室"))).await.unwrap();
        }
        let county = op.agency("岚皋县人民政府办公室").await.unwrap();
        let town = op.agency("民主镇人民政府").await.unwrap();
        let other = op.agency("堰门镇人民政府").await.unwrap();
        for (login, role, at_county) in USERS {
            if !office.user_exists(login).await.unwrap() {
                people::add_user(&op, login, login, PASSWORD).await.unwrap();
            }
            people::grant(&op, login, if *at_county { &county } else { &town }, *role).await.unwrap();
        }
        // A clerk of the other township (for the stories: another agency's URLs are closed to them).
        people::add_user(&op, "yanmen", "堰门镇登记员", PASSWORD).await.unwrap();
        people::grant(&op, "yanmen", &other, Role::Registrar).await.unwrap();
        let numbered = |n: &str, d: &str| NewCase { number: Some(n.into()), ..new_case(d) };
        let case_town = cases::add(&op, &town, numbered("民主-2025-001", "2025-06-02")).await.unwrap();
        let case_other = cases::add(&op, &other, numbered("堰门-2025-001", "2025-06-03")).await.unwrap();
        let letter = |case: &Application| {
            let (op, case) = (op.clone(), case.clone());
            async move {
                let values = vec![("补正事项", "请写明所需信息的名称".to_string()), ("补正期限", "2025年7月10日".to_string())];
                letters::issue(&op, &case, letters::kind("correction").unwrap(), values, case.received_on).await.unwrap()
            }
        };
        let letter_town = letter(&case_town).await;
        let letter_other = letter(&case_other).await;
        let state = AppState { office: office.clone(), config: WebConfig { secure_cookies: false } };
        Some(TestWeb { _dir: dir, pg, app: gongkai_web::app(state), office, county, town, other, case_town, case_other, letter_town, letter_other })
    }

    /// Serves the console on a loopback port; returns its base URL (`http://127.0.0.1:N`).
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = self.app.clone();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    /// Closes the database (and drops a PostgreSQL schema).
    pub async fn finish(self) {
        self.office.close().await;
        if let Some((url, schema)) = &self.pg {
            Office::drop_schema(url, schema).await.unwrap();
        }
    }

    /// Sends a request; returns status, headers and body.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = String::from_utf8_lossy(&to_bytes(res.into_body(), 64 << 20).await.unwrap()).into_owned();
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> Reply {
        let mut b = Request::get(path);
        if let Some(s) = session {
            b = b.header(header::COOKIE, &s.cookie);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, path: &str, session: Option<&Session>, form: &[(&str, &str)]) -> Reply {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = session {
            b = b.header(header::COOKIE, &s.cookie);
        }
        let body = serde_urlencoded::to_string(form).unwrap();
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// The body of a GET as bytes (downloads).
    pub async fn get_bytes(&self, path: &str, session: &Session) -> Vec<u8> {
        let req = Request::get(path).header(header::COOKIE, &session.cookie).body(Body::empty()).unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        to_bytes(res.into_body(), 64 << 20).await.unwrap().to_vec()
    }

    /// Posts a multipart form: the text fields in order, then the file as `file`.
    pub async fn upload(&self, path: &str, session: &Session, fields: &[(&str, &str)], filename: &str, file: &[u8]) -> Reply {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> = fields.iter().map(|(k, v)| (*k, None, v.as_bytes())).collect();
        parts.push(("file", Some(filename), file));
        self.post_multipart(path, session, &parts).await
    }

    /// Posts a multipart form: `(name, file name, content)`, in order.
    pub async fn post_multipart(&self, path: &str, session: &Session, parts: &[(&str, Option<&str>, &[u8])]) -> Reply {
        let boundary = "gongkai-test-boundary-7d2c";
        let mut body: Vec<u8> = Vec::new();
        for (name, file, content) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header(header::COOKIE, &session.cookie)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Logs in through the form and reads the session's CSRF token off the desk.
    pub async fn login(&self, login: &str) -> Session {
        self.login_with(login, PASSWORD).await
    }

    /// Logs in with a password.
    pub async fn login_with(&self, login: &str, password: &str) -> Session {
        let r = self.post("/login", None, &[("login", login), ("password", password)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {login}: {}", r.body);
        let set = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
        let cookie = set.split(';').next().unwrap().to_string();
        let desk = self.get("/", Some(&Session { cookie: cookie.clone(), csrf: String::new() })).await;
        assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
        let csrf = hidden(&desk.body, "csrf").unwrap();
        Session { cookie, csrf }
    }
}

pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

/// The value of the first hidden input named `name`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key)? + key.len();
    Some(html[at..].split('"').next()?.to_string())
}

pub fn new_case(received: &str) -> NewCase {
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
        received_on: chrono::NaiveDate::parse_from_str(received, "%Y-%m-%d").unwrap(),
        confirmed_on: None,
        content: "村道修建资金的使用情况".into(),
        requested_form: String::new(),
        delivery: String::new(),
        officer: None,
        remarks: String::new(),
        same_day_contact_failed: false,
    }
}
