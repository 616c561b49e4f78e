//! Issue 7, item 19: every message a user sees is Chinese and names the place. Each subcommand is
//! run with bad input (a missing file, a directory, binary garbage, a truncated workbook or Word
//! document, bad JSON and YAML, an unreachable database) and its stderr is held to the exit code,
//! the Chinese message and the absence of English from the libraries underneath.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::time::{Duration, Instant};

use crate::records::{Gk, LEDGER};

/// English phrases of zip, calamine, sqlx, serde, clap or the OS that must never reach a user
/// (matched case-insensitively).
const ENGLISH: &[&str] = &[
    "error:",
    "error[",
    "no such file",
    "os error",
    "invalid",
    "expected",
    "timed out",
    "trailing comma",
    "unknown variant",
    "unknown field",
    "missing field",
    "eof",
    "archive",
    "could not",
    "cannot",
    "failed",
    "permission denied",
    "is a directory",
    "not found",
    "connection refused",
    "pool",
    "panicked",
    "usage:",
    "for more information",
    " at line ",
];

/// The English phrases in `text`.
pub(crate) fn english(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    ENGLISH.iter().copied().filter(|p| lower.contains(p)).collect()
}

/// What is wrong with a failed run: its exit code, `错误：` and every expected piece on stderr,
/// no English, no raw bytes (None when all is as it should be).
fn chinese_failure(what: &str, out: &std::process::Output, code: i32, expected: &[&str]) -> Option<String> {
    let err = String::from_utf8_lossy(&out.stderr);
    let mut wrong = Vec::new();
    if out.status.code() != Some(code) {
        wrong.push(format!("exit code {:?}, not {code}", out.status.code()));
    }
    if !err.starts_with("错误：") {
        wrong.push("does not start with 错误：".to_owned());
    }
    for e in expected {
        if !err.contains(e) {
            wrong.push(format!("“{e}” missing"));
        }
    }
    if !english(&err).is_empty() {
        wrong.push(format!("English {:?}", english(&err)));
    }
    if err.contains('\u{FFFD}') || err.contains('\0') {
        wrong.push("raw bytes".to_owned());
    }
    (!wrong.is_empty()).then(|| format!("{what}: {}\n{err}", wrong.join("; ")))
}

fn assert_chinese_failure(what: &str, out: &std::process::Output, code: i32, expected: &[&str]) {
    let wrong = chinese_failure(what, out, code, expected);
    assert!(wrong.is_none(), "{}", wrong.unwrap_or_default());
}

/// A ZIP archive cut short (what a download cut short leaves of a workbook or a Word document).
fn truncated_zip() -> Vec<u8> {
    use std::io::Write as _;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(&[b'x'; 4000]).unwrap();
    zip.finish().unwrap();
    let mut bytes = out.into_inner();
    bytes.truncate(bytes.len() / 2);
    bytes
}

#[test]
fn bad_input_to_every_subcommand_is_answered_in_chinese_naming_the_place() {
    let gk = Gk::new();
    gk.ok(&["init", "--agency", "某某县人民政府", "--level", "county", "--admin", "admin"]);
    let garbage: Vec<u8> = (0u8..=255).cycle().take(3000).collect();
    std::fs::create_dir(gk.path("目录.csv")).unwrap();
    std::fs::create_dir(gk.path("空目录")).unwrap();
    std::fs::write(gk.path("乱码.csv"), &garbage).unwrap();
    std::fs::write(gk.path("乱码.json"), &garbage).unwrap();
    std::fs::write(gk.path("乱码.txt"), &garbage).unwrap();
    std::fs::write(gk.path("截断.xlsx"), truncated_zip()).unwrap();
    std::fs::write(gk.path("截断.docx"), truncated_zip()).unwrap();
    gk.write("逗号.json", "{\"events\": [{\"type\": \"received\", \"date\": \"2025-01-02\", \"channel\": \"online\"},]}");
    gk.write("类型.json", "{\"events\": {\"type\": \"received\"}}");
    gk.write("布尔.json", "{\"events\": [{\"type\": \"received\", \"date\": \"2025-01-02\", \"channel\": \"online\",\n \"signed\": true}]}");
    gk.write("对象.json", "{\"events\": [{\"type\": \"received\", \"date\": \"2025-01-02\", \"channel\": \"online\"},\n {\"type\": \"consultation_started\", \"date\": \"2025-01-03\", \"party\": \"邻居\"}]}");
    gk.write("语法.yaml", "years:\n  2030:\n   holidays:\n  - a: [\n");
    gk.write("类型.yaml", "years:\n  2030:\n    holidays: [1]\n");
    gk.write("字段.yaml", "{\"a\": 1}\n");
    gk.write("叙述.json", "{\"s5\": \"一是……\",}");
    let dump = gk.path("整库.jsonl").display().to_string();
    gk.ok(&["export", "-o", &dump]);
    let text = std::fs::read_to_string(&dump).unwrap();
    std::fs::write(gk.path("截断.jsonl"), &text[..text.len() / 2]).unwrap();
    let fresh = |name: &str| format!("sqlite:{}", gk.path(name).display());

    // (what, arguments, exit code, pieces of the message)
    let table: Vec<(&str, Vec<String>, i32, Vec<&str>)> = vec![
        ("ledger: missing file", vec!["case import 不存在.csv --agency 某某县人民政府".into()], 1, vec!["不存在.csv", "文件或目录不存在"]),
        ("ledger: a directory", vec!["case import 目录.csv --agency 某某县人民政府".into()], 1, vec!["目录.csv", "是一个目录"]),
        ("ledger: binary garbage", vec!["case import 乱码.csv --agency 某某县人民政府".into()], 1, vec!["乱码.csv", "不是文本文件"]),
        ("ledger: a truncated workbook", vec!["case import 截断.xlsx --agency 某某县人民政府".into()], 1, vec!["截断.xlsx", "不是有效的 .xlsx"]),
        ("ledger: an unknown kind of file", vec!["case import 逗号.json --agency 某某县人民政府".into()], 1, vec!["逗号.json", "应为 .csv 或 .xlsx"]),
        ("calendar: missing file", vec!["calendar import 不存在.yaml".into()], 1, vec!["不存在.yaml", "文件或目录不存在"]),
        ("calendar: a directory", vec!["calendar import 空目录".into()], 1, vec!["空目录", "是一个目录"]),
        ("calendar: binary garbage", vec!["calendar import 乱码.txt".into()], 1, vec!["乱码.txt", "不是 UTF-8 文本"]),
        ("calendar: YAML syntax", vec!["calendar import 语法.yaml".into()], 1, vec!["语法.yaml", "第4行第3列", "YAML 语法错误"]),
        ("calendar: a value of the wrong type", vec!["calendar import 类型.yaml".into()], 1, vec!["第3行", "years.2030.holidays[0]", "类型不对，此处是整数 1"]),
        ("calendar: an unknown field", vec!["calendar import 字段.yaml".into()], 1, vec!["第1行第2列", "未知字段“a”", "meta、years"]),
        ("deadline: missing file", vec!["deadline 不存在.json".into()], 1, vec!["不存在.json", "文件或目录不存在"]),
        ("deadline: a directory", vec!["deadline 空目录".into()], 1, vec!["空目录", "是一个目录"]),
        ("deadline: binary garbage", vec!["deadline 乱码.json".into()], 1, vec!["乱码.json", "不是 UTF-8 文本"]),
        ("deadline: a trailing comma", vec!["deadline 逗号.json".into()], 1, vec!["逗号.json", "第1行第77列", "多余的逗号"]),
        ("deadline: a map for a list", vec!["deadline 类型.json".into()], 1, vec!["第1行第11列", "类型不对，此处是一组字段，应为列表"]),
        ("deadline: a boolean for a date", vec!["deadline 布尔.json".into()], 1, vec!["第2行第15列", "此处是布尔值 true，应为字符串"]),
        ("deadline: an unknown party", vec!["deadline 对象.json".into()], 1, vec!["第2个事件", "“邻居”", "third_party、agency"]),
        ("report check: missing file", vec!["report check 不存在.txt".into()], 2, vec!["不存在.txt", "文件或目录不存在"]),
        ("report check: binary garbage", vec!["report check 乱码.txt".into()], 2, vec!["乱码.txt", "不是文本文件"]),
        ("report check: a truncated Word document", vec!["report check 截断.docx".into()], 2, vec!["截断.docx", "不是完整的 ZIP 压缩包"]),
        ("report check: an empty directory", vec!["report check 空目录".into()], 2, vec!["空目录", "没有可读取的文件"]),
        ("report render: missing file", vec!["report render 不存在.txt --to txt".into()], 2, vec!["不存在.txt", "文件或目录不存在"]),
        ("report compare: binary garbage", vec!["report compare 乱码.txt 乱码.txt".into()], 2, vec!["乱码.txt", "不是文本文件"]),
        ("import: a truncated export", vec![format!("import 截断.jsonl --database {}", fresh("new1.db"))], 1, vec!["截断.jsonl", "未导入", "不完整"]),
        ("import: binary garbage", vec![format!("import 乱码.json --database {}", fresh("new2.db"))], 1, vec!["乱码.json", "未导入", "第 1 行"]),
        ("import: a directory", vec![format!("import 空目录 --database {}", fresh("new3.db"))], 1, vec!["空目录", "是一个目录"]),
        ("a database that does not exist", vec![format!("case list --database {}", fresh("typo.db"))], 1, vec!["typo.db", "不存在", "gongkai init"]),
        ("narrative: bad JSON", vec!["report generate --agency 某某县人民政府 --year 2025 --narrative 叙述.json".into()], 1, vec!["叙述.json", "第 1 行第 15 列", "多余的逗号"]),
        ("case export into a missing directory", vec!["case export --agency 某某县人民政府 -o 没有/台账.csv".into()], 1, vec!["没有", "不存在"]),
        ("report generate into a missing directory", vec!["report generate --agency 某某县人民政府 --year 2025 --to txt -o 没有/报告.txt".into()], 1, vec!["目录 没有 不存在"]),
    ];
    let _ = LEDGER;
    let mut wrong = Vec::new();
    for (what, args, code, expected) in &table {
        let args: Vec<&str> = args[0].split(' ').collect();
        let out = gk.run(&args);
        wrong.extend(chinese_failure(what, &out, *code, expected));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(!gk.path("typo.db").exists() && !gk.path("new1.db").exists(), "no database was created by a refused command");
}

#[test]
fn an_unreachable_postgresql_fails_within_five_seconds_naming_the_address_without_the_password() {
    let gk = Gk::new();
    // A server that takes the connection and never answers (what a firewall dropping packets or
    // a non-routable address looks like from here, where 10.255.255.1 may be refused at once).
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("postgres://x:secret@127.0.0.1:{}/db", silent.local_addr().unwrap().port());
    for url in [
        "postgres://x:secret@127.0.0.1:1/db",
        "postgres://x:secret@10.255.255.1/db",
        "postgres://x:secret@no-such-host.invalid/db",
        silent_url.as_str(),
    ] {
        let started = Instant::now();
        let out = gk.run(&["case", "list", "--database", url]);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{url}: took {took:?}");
        let shown = url.replace(":secret@", ":***@");
        // The address itself may hold English (a host name): the rest of the message may not.
        let mut masked = out.clone();
        masked.stderr = String::from_utf8_lossy(&out.stderr).replace(&shown, "«地址»").into_bytes();
        assert!(String::from_utf8_lossy(&out.stderr).contains(&shown), "{url}: the address is not named");
        assert_chinese_failure(url, &masked, 1, &["«地址»", "无法连接数据库服务器"]);
        assert!(!String::from_utf8_lossy(&out.stderr).contains("secret"), "{url}: the password was shown");
    }
    // A refused port is named as refused (not as a busy database after a wait); a silent one as
    // not answering.
    let out = gk.run(&["case", "list", "--database", "postgres://x:secret@127.0.0.1:1/db"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("连接被拒绝"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = gk.run(&["case", "list", "--database", &silent_url]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("连接超时，服务器没有应答"), "{}", String::from_utf8_lossy(&out.stderr));
    drop(silent);
}
