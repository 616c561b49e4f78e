//! Issue 7, item 18 (the rest): every command that writes a file — the ledger export and
//! template, the annual report generated, rendered, compared and aggregated — refuses to write
//! over an existing file without `--force`, never writes onto the live database, leaves no
//! temporary file behind, and creates files holding personal data readable by their owner only.
//! (`export` and `backup` are tested in integrity.rs.)
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::records::{Gk, LEDGER, setup};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// The names in `dir` (a temporary `.….partial` file would show here).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn every_writer_refuses_to_overwrite_without_force_and_sets_the_mode() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let example = |n: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(n).display().to_string();
    let (town, bureau) = (example("2024-example-town.txt"), example("2024-example-bureau-defects.txt"));
    let out = gk.path("输出");
    std::fs::create_dir(&out).unwrap();
    let at = |n: &str| out.join(n).display().to_string();

    // (what, arguments with the output file last, mode of a new file)
    let writers: Vec<(&str, Vec<String>, u32)> = vec![
        ("case export csv", vec!["case".into(), "export".into(), "--agency".into(), "某某县民政局".into(), "-o".into(), at("台账.csv")], 0o600),
        ("case export xlsx", vec!["case".into(), "export".into(), "--agency".into(), "某某县民政局".into(), "--out".into(), at("台账.xlsx")], 0o600),
        ("case template", vec!["case".into(), "template".into(), "--to".into(), at("台账模板.xlsx")], 0o644),
        (
            "report generate",
            vec!["report".into(), "generate".into(), "--agency".into(), "某某县民政局".into(), "--year".into(), "2025".into(), "--to".into(), "docx".into(), "-o".into(), at("草稿.docx")],
            0o600,
        ),
        ("report render", vec!["report".into(), "render".into(), town.clone(), "-o".into(), at("报告.html")], 0o644),
        ("report compare", vec!["report".into(), "compare".into(), town.clone(), bureau.clone(), "-o".into(), at("比对.txt")], 0o644),
        ("report aggregate", vec!["report".into(), "aggregate".into(), town.clone(), bureau.clone(), "-o".into(), at("汇总.json")], 0o644),
    ];
    for (what, args, new_mode) in &writers {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let file = Path::new(args[args.len() - 1]);
        // Written once: whole, with its mode.
        let o = gk.run(&args);
        assert_eq!(o.status.code(), Some(0), "{what}: {}", String::from_utf8_lossy(&o.stderr));
        let first = std::fs::read(file).unwrap();
        assert!(first.len() > 50, "{what}: {} bytes", first.len());
        assert_eq!(mode(file), *new_mode, "{what}: mode");
        // Not over an existing file: refused, the file as it was.
        std::fs::write(file, "原有的文件").unwrap();
        let o = gk.run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("已存在") && err.contains("--force"), "{what}: {err}");
        assert_eq!(std::fs::read_to_string(file).unwrap(), "原有的文件", "{what}");
        // With --force: replaced.
        let mut forced = args.clone();
        forced.push("--force");
        let o = gk.run(&forced);
        assert_eq!(o.status.code(), Some(0), "{what}: {}", String::from_utf8_lossy(&o.stderr));
        assert_ne!(std::fs::read(file).unwrap(), "原有的文件".as_bytes(), "{what}");
    }
    // Nothing but the files asked for: no temporary file left by any run.
    assert_eq!(names(&out), ["台账.csv", "台账.xlsx", "台账模板.xlsx", "报告.html", "比对.txt", "汇总.json", "草稿.docx"]);
    // The template is the ledger's header and a valid example row, read back by the import.
    let done = gk.ok(&["case", "import", &at("台账模板.xlsx"), "--agency", "某某县民政局"]);
    assert!(done.contains("已导入 1 件申请"), "the template's header is the ledger's: {done}");

    // Never onto the live database, not even with --force.
    let db = gk.path("data/gongkai.db");
    let before = std::fs::read(&db).unwrap();
    let err = gk.fails(&["report", "generate", "--agency", "某某县民政局", "--year", "2025", "--to", "txt", "-o", &db.display().to_string(), "--force"]);
    assert!(err.contains("正在使用的数据库"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
