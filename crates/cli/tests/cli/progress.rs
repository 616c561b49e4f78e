//! Issue 7, item 21: progress on long work is drawn on a terminal and nowhere else. Through a
//! pipe (a script, a log) stderr carries the messages only: no bar, no spinner, no control
//! sequences. On a terminal (a pseudo-terminal from `script`) the work is shown while it runs.

use std::process::Command;

use crate::records::{Gk, LEDGER, setup};

/// Drawing: a carriage return, an escape sequence, a braille spinner frame or a bar's block.
fn drawing(text: &str) -> bool {
    text.contains('\r')
        || text.contains('\u{1b}')
        || text.chars().any(|c| ('\u{2800}'..='\u{28FF}').contains(&c) || ('\u{2580}'..='\u{259F}').contains(&c))
        || text.contains("正在")
}

#[test]
fn long_work_through_a_pipe_draws_no_progress() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    let reports = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").display().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec!["case".into(), "import".into(), ledger.clone(), "--agency".into(), "某某县民政局".into()],
        vec!["case".into(), "export".into(), "--agency".into(), "某某县民政局".into(), "-o".into(), gk.path("台账.xlsx").display().to_string()],
        vec!["export".into(), "-o".into(), gk.path("整库.jsonl").display().to_string()],
        vec!["export".into()],
        vec!["backup".into(), "-o".into(), gk.path("备份.db").display().to_string()],
        vec!["import".into(), gk.path("整库.jsonl").display().to_string(), "--database".into(), format!("sqlite:{}", gk.path("副本.db").display())],
        vec!["report".into(), "check".into(), "--quiet".into(), reports],
    ];
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = gk.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}: {err}");
        assert!(!drawing(&err), "{args:?}: progress drawn into a pipe:\n{err:?}");
    }
}

#[test]
fn long_work_on_a_terminal_shows_what_it_is_doing() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("跳过：没有 script（util-linux），无法提供伪终端");
        return;
    }
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    let bin = env!("CARGO_BIN_EXE_gongkai");
    for (line, shown) in [
        (format!("'{bin}' case import '{ledger}' --agency 某某县民政局"), "正在"),
        (format!("'{bin}' export -o '{}'", gk.path("整库.jsonl").display()), "正在导出"),
        (format!("'{bin}' backup -o '{}'", gk.path("备份.db").display()), "正在备份"),
    ] {
        let out = Command::new("script")
            .args(["-qefc", &line, "/dev/null"])
            .current_dir(gk.path(""))
            .env("GONGKAI_DATA_DIR", gk.path("data"))
            .env("GONGKAI_OPERATOR", "1")
            .env_remove("GONGKAI_USER")
            .env_remove("GONGKAI_DATABASE")
            .output()
            .expect("script runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{line}: {text}");
        assert!(text.contains(shown) && text.contains("\u{1b}[2K"), "{line}: no progress on the terminal:\n{text:?}");
    }
}
