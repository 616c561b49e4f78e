//! A small W3C WebDriver client for the browser stories: Debian's `chromedriver` drives headless
//! `chromium` on this machine. It speaks HTTP/1.1 over a plain loopback socket (one request per
//! connection), which is all a local driver needs — no HTTP client, TLS stack or async runtime.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The browser and its driver, when this machine has them.
pub struct Browsers {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// Finds Chromium and ChromeDriver (`GONGKAI_CHROMIUM` / `GONGKAI_CHROMEDRIVER`, else Debian's
/// paths). `None` with a message when absent — unless `GONGKAI_REQUIRE_CHROMIUM` is set (CI
/// installs them), when their absence fails the test.
pub fn browsers(test: &str) -> Option<Browsers> {
    let find = |var: &str, default: &str| {
        let p = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
        p.is_file().then_some(p)
    };
    match (find("GONGKAI_CHROMIUM", "/usr/bin/chromium"), find("GONGKAI_CHROMEDRIVER", "/usr/bin/chromedriver")) {
        (Some(chromium), Some(chromedriver)) => Some(Browsers { chromium, chromedriver }),
        _ if std::env::var_os("GONGKAI_REQUIRE_CHROMIUM").is_some() => {
            panic!("GONGKAI_REQUIRE_CHROMIUM is set but chromium or chromedriver is missing")
        }
        _ => {
            eprintln!("跳过浏览器测试 {test}：未找到 chromium 与 chromedriver（apt-get install chromium chromium-driver）");
            None
        }
    }
}

/// A running driver with one browser session; both end when it is dropped.
pub struct Driver {
    port: u16,
    session: String,
    child: Child,
    _profile: tempfile::TempDir,
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl Driver {
    /// Starts `chromedriver` and a headless Chromium with a new empty profile and no background
    /// networking (this machine's network is closed).
    pub fn start(b: &Browsers) -> Driver {
        let port = free_port();
        let child = Command::new(&b.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        let mut d = Driver { port, session: String::new(), child, _profile: profile };
        let deadline = Instant::now() + Duration::from_secs(20);
        while d.raw("GET", "/status", None).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--lang=zh-CN",
            "--window-size=1280,900",
            &format!("--user-data-dir={}", d._profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": b.chromium.display().to_string(), "args": args},
        }}});
        let v = d.raw("POST", "/session", Some(&caps)).unwrap();
        d.session = v["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_string();
        d
    }

    /// One HTTP request to the driver; the `value` of its answer, or the error it reports.
    fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
        // The driver may keep the connection open: read the head, then exactly the body it announces.
        let mut buf = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        let (head, body) = loop {
            let n = s.read(&mut chunk).map_err(|e| e.to_string())?;
            buf.extend_from_slice(&chunk[..n]);
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..at]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok());
                let chunked = head.contains("transfer-encoding: chunked");
                loop {
                    let have = buf.len() - at - 4;
                    let done = match length {
                        Some(len) => have >= len,
                        None if chunked => buf.ends_with(b"0\r\n\r\n"),
                        None => n == 0,
                    };
                    if done {
                        break;
                    }
                    let m = s.read(&mut chunk).map_err(|e| e.to_string())?;
                    if m == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..m]);
                }
                let body = String::from_utf8_lossy(&buf[at + 4..]).into_owned();
                break (head, if chunked { dechunk(&body) } else { body });
            }
            if n == 0 {
                return Err("the driver closed the connection".into());
            }
        };
        let v: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
        let status = head.split_whitespace().nth(1).unwrap_or("");
        if status != "200" {
            return Err(format!("{method} {path} → {status}: {}", v["value"]));
        }
        Ok(v["value"].clone())
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.raw(method, &path, body.as_ref()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Opens a URL and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// The current URL.
    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap().to_string()
    }

    /// The page's HTML as the browser holds it now.
    pub fn source(&self) -> String {
        self.cmd("GET", "/source", None).as_str().unwrap().to_string()
    }

    /// The text of the whole page as a reader sees it. A page replaced between finding its body
    /// and reading it (a navigation still under way) is read again, up to 10 s.
    pub fn text(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let body = self.find("body");
            let path = format!("/session/{}/element/{}/text", self.session, body.0);
            match self.raw("GET", &path, None) {
                Ok(v) => return v.as_str().unwrap_or_default().to_string(),
                Err(err) if err.contains("stale element") && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(err) => panic!("text of the page: {err}"),
            }
        }
    }

    /// The first element matching a CSS selector, waiting up to 10 s for it to appear.
    pub fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let path = format!("/session/{}/element", self.session);
            match self.raw("POST", &path, Some(&json!({"using": "css selector", "value": css}))) {
                Ok(v) => return Element(v[ELEMENT].as_str().unwrap().to_string()),
                Err(_) if Instant::now() > deadline => {
                    let all: Vec<char> = self.text().chars().collect();
                    let text: String = all[all.len().saturating_sub(2000)..].iter().collect();
                    panic!("no element {css} on {}; the page says:\n{text}", self.url())
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Whether an element matching a CSS selector is on the page now (no wait).
    pub fn has(&self, css: &str) -> bool {
        let v = self.cmd("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array().is_some_and(|a| !a.is_empty())
    }

    /// Clicks the first element matching `css`. A page still being replaced (the element went
    /// stale between finding and clicking) is waited for, up to 10 s.
    pub fn click_on(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let e = self.find(css);
            let path = format!("/session/{}/element/{}/click", self.session, e.0);
            match self.raw("POST", &path, Some(&json!({}))) {
                Ok(_) => return,
                Err(err) if err.contains("stale element") && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(err) => panic!("click on {css}: {err}"),
            }
        }
    }

    /// Replaces the value of a form field by typing `text`. A page still being replaced (the
    /// field found on the page before a navigation went stale) is waited for, up to 10 s, and the
    /// field found again on the new page.
    pub fn fill(&self, css: &str, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let e = self.find(css);
            let clear = format!("/session/{}/element/{}/clear", self.session, e.0);
            let value = format!("/session/{}/element/{}/value", self.session, e.0);
            let typed = self
                .raw("POST", &clear, Some(&json!({})))
                .and_then(|_| self.raw("POST", &value, Some(&json!({ "text": text }))));
            match typed {
                Ok(_) => return,
                Err(err) if err.contains("stale element") && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(err) => panic!("fill {css}: {err}"),
            }
        }
    }

    /// Sets a field's value directly (date inputs and selects, whose typing depends on the
    /// browser's locale), as a user's choice would.
    pub fn set_value(&self, css: &str, value: &str) {
        self.find(css);
        let js = format!(
            "const e = document.querySelector({}); e.value = {}; e.dispatchEvent(new Event('change', {{bubbles: true}}));",
            json!(css),
            json!(value)
        );
        self.script(&js);
    }

    /// Fetches a URL with the page's session (a download): status, content type, body length.
    pub fn download(&self, url: &str) -> (i64, String, i64) {
        let js = format!(
            "const x = new XMLHttpRequest(); x.open('GET', {}, false); x.overrideMimeType('text/plain; charset=x-user-defined'); \
             x.send(); return [x.status, x.getResponseHeader('content-type') || '', x.responseText.length];",
            json!(url)
        );
        let v = self.script(&js);
        (v[0].as_i64().unwrap_or(0), v[1].as_str().unwrap_or_default().to_string(), v[2].as_i64().unwrap_or(0))
    }

    /// An attribute of the first element matching `css` (resolved as the browser resolves it:
    /// an `href` is absolute).
    pub fn attr_of(&self, css: &str, name: &str) -> String {
        let e = self.find(css);
        let v = self.cmd("GET", &format!("/element/{}/property/{name}", e.0), None);
        v.as_str().unwrap_or_default().to_string()
    }

    /// An element's visible text.
    pub fn text_of(&self, e: &Element) -> String {
        self.cmd("GET", &format!("/element/{}/text", e.0), None).as_str().unwrap_or_default().to_string()
    }

    /// Runs a script in the page and returns its value.
    pub fn script(&self, body: &str) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": body, "args": [] })))
    }

    /// Forgets every cookie (the next user logs in from a clean browser).
    pub fn clear_cookies(&self) {
        self.cmd("DELETE", "/cookie", None);
    }

    /// Sets the window's size.
    pub fn resize(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(json!({ "width": width, "height": height })));
    }

    /// Saves a PNG of the viewport.
    pub fn screenshot(&self, path: &Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64_decode(b64.as_str().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.raw("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let v: Vec<u32> = chunk.iter().map(|&c| u32::from(val(c))).collect();
        let n = v.iter().enumerate().fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
        let take = chunk.len() - 1;
        for i in 0..take {
            out.push(((n >> (16 - 8 * i)) & 0xff) as u8);
        }
    }
    out
}

#[test]
fn base64_decodes_padding() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("YWJj"), b"abc");
}
