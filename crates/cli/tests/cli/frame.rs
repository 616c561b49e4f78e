//! Issue 7, item 20: the clap frame in Chinese. Usage, headings, option help and possible values
//! of every command are Chinese; argument errors come in the program's own `错误：…` form with
//! exit code 2; `-o/--out` is the one spelling of an output file.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::process::{Command, Output};

use crate::errors::english;

fn gk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_USER")
        .env_remove("GONGKAI_OPERATOR")
        .env_remove("GONGKAI_DATABASE")
        .output()
        .unwrap()
}

fn help(path: &[&str]) -> String {
    let mut args = path.to_vec();
    args.push("--help");
    let o = gk(&args);
    assert_eq!(o.status.code(), Some(0), "{path:?} --help: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// clap's English words, and placeholders derived from field names (`<AGENCY>`).
fn clap_english(text: &str) -> Vec<String> {
    let mut found: Vec<String> = ["Usage", "Options", "Commands", "Arguments", "Print help", "Print version", "possible values", "default:", "env:", "[OPTIONS]", "<COMMAND>", "已已"]
        .iter()
        .filter(|w| text.contains(*w))
        .map(ToString::to_string)
        .collect();
    for part in text.split('<').skip(1) {
        let name = part.split('>').next().unwrap_or("");
        if name.len() > 1 && name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            found.push(format!("<{name}>"));
        }
    }
    found
}

/// The subcommands listed under 命令：in a help text.
fn subcommands(help: &str) -> Vec<String> {
    let Some((_, rest)) = help.split_once("命令：\n") else { return Vec::new() };
    rest.lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_command_s_help_is_chinese() {
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = 0;
    let mut wrong = Vec::new();
    while let Some(path) = todo.pop() {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&p);
        seen += 1;
        let bad = clap_english(&text);
        if !bad.is_empty() {
            wrong.push(format!("gongkai {} --help: {bad:?}", p.join(" ")));
        }
        assert!(text.contains("用法：gongkai"), "{p:?}: {text}");
        assert!(text.contains("选项：") && text.contains("-h, --help"), "{p:?}: {text}");
        for sub in subcommands(&text) {
            let mut next = path.clone();
            next.push(sub);
            todo.push(next);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(seen > 60, "only {seen} commands walked");
    // `gongkai help …` is the same as `… --help`.
    let o = gk(&["help", "case", "export"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), help(&["case", "export"]));
    let o = gk(&["--version"]);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), format!("gongkai（公开）{}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_snapshots() {
    insta::assert_snapshot!("gongkai_help", help(&[]));
    insta::assert_snapshot!("report_lock_help", help(&["report", "lock"]));
    insta::assert_snapshot!("case_export_help", help(&["case", "export"]));
}

#[test]
fn help_texts_say_what_each_command_takes() {
    // lock and publish take no reason; a correction needs one.
    for c in ["lock", "publish", "status"] {
        let h = help(&["report", c]);
        assert!(!h.contains("--reason") && !h.contains("--corrected"), "report {c}: {h}");
    }
    let h = help(&["report", "correct"]);
    assert!(h.contains("--reason <原因>") && h.contains("--corrected <文件>"), "{h}");
    let top = help(&[]);
    assert!(top.contains("appeal    针对本机关政府信息公开工作的行政复议、行政诉讼（年报表四）"), "{top}");
    // Every command that writes a file spells it -o/--out.
    for path in [
        &["case", "export"][..],
        &["case", "template"],
        &["export"],
        &["backup"],
        &["report", "generate"],
        &["report", "render"],
        &["report", "compare"],
        &["report", "aggregate"],
    ] {
        let h = help(path);
        assert!(h.contains("-o, --out <文件>"), "{path:?}: {h}");
        assert!(!h.contains("--output"), "{path:?}: {h}");
    }
}

#[test]
fn argument_errors_are_chinese_with_exit_code_2() {
    let table: &[(&[&str], &[&str])] = &[
        (&["case", "list", "--frobnicate"], &["无法识别的参数“--frobnicate”", "查看帮助：gongkai case list --help"]),
        (&["case", "list", "--limit"], &["--limit 需要一个值"]),
        (&["case", "list", "--format", "xml"], &["--format 的值“xml”无效（可选：human、json）"]),
        (&["case", "add", "--received", "2025-02-30"], &["--received 的值无效：“2025-02-30”不是有效日期"]),
        (&["case", "lst"], &["没有“lst”这个命令", "相近的命令：list", "查看帮助：gongkai case --help"]),
        (&["report", "correct", "--agency", "某机关", "--year", "2025", "--corrected", "x.json"], &["缺少必需的参数：--reason"]),
        (&["case", "list", "--overdue", "--due-within", "3"], &["--overdue", "--due-within", "不能", "同时使用"]),
        (&["case", "list", "--format", "json", "--format", "human"], &["参数 --format 只能给出一次"]),
        (&["report", "render", "x.txt", "--to", "pdf"], &["--to 的值无效", "不支持的输出格式"]),
        (&["frobnicate"], &["没有“frobnicate”这个命令"]),
    ];
    for (args, expected) in table {
        let o = gk(args);
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(err.starts_with("错误："), "{args:?}: {err}");
        for e in *expected {
            assert!(err.contains(e), "{args:?}: “{e}” not in {err}");
        }
        assert!(english(&err).is_empty(), "{args:?}: English {:?} in {err}", english(&err));
    }
    // The old spelling of an output flag still works (hidden).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.txt");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/2024-example-town.txt");
    let o = gk(&["report", "render", &example.display().to_string(), "--output", &out.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.exists());
}

#[test]
fn possible_values_may_be_given_in_chinese() {
    let gk = crate::records::Gk::new();
    gk.ok(&["init", "--agency", "某某县人民政府", "--level", "县", "--admin", "admin"]);
    gk.ok(&["init", "--agency", "某某县民政局", "--level", "政府部门", "--parent", "某某县人民政府", "--admin", "admin"]);
    let out = gk.ok(&[
        "case", "add", "--agency", "某某县民政局", "--applicant", "某公司", "--kind", "商业企业", "--channel", "网络", "--received",
        "2025-03-03", "--content", "某文件", "--number", "Z1",
    ]);
    assert!(out.contains("已登记申请 Z1"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&gk.ok(&["case", "show", "Z1", "--format", "json"])).unwrap();
    assert_eq!(v["application"]["applicant"]["kind"], "commercial");
    gk.ok(&["appeal", "add", "--case", "Z1", "--kind", "行政复议", "--filed", "2025-05-06"]);
    assert!(gk.ok(&["appeal", "list", "--agency", "某某县民政局"]).contains("行政复议"));
    // The help names them.
    let h = help(&["case", "add"]);
    assert!(h.contains("（也可填中文：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他组织）"), "{h}");
    // A wrong one is refused in Chinese with the choices.
    let o = gk.run(&["init", "--agency", "某镇", "--level", "村", "--admin", "admin"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--level 的值“村”无效（可选：township、county、city、province、department）"), "{err}");
}
