//! The records' integrity as a user meets it: `audit verify` with its anchor and receipts,
//! `audit anchor`, `--records`, exports and backups that never overwrite and never leave half a
//! file, an import that refuses a truncated export, a large ledger import that does not hold off
//! another process, and passwords never shown.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;

const ADMIN_PASSWORD: &str = "correct horse";
const USER_PASSWORD: &str = "a-good-password";
const COUNTY: &str = "某某县人民政府";

/// A data directory with an office in it, and the built binary.
struct Office {
    dir: TempDir,
}

impl Office {
    fn new() -> Office {
        let o = Office { dir: tempfile::tempdir().unwrap() };
        o.ok(&["init", "--agency", COUNTY, "--level", "county", "--admin", "admin"]);
        o
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self) -> PathBuf {
        self.path("data/gongkai.db")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongkai"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("GONGKAI_DATA_DIR", self.path("data"))
            .env("GONGKAI_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("GONGKAI_NEW_PASSWORD", USER_PASSWORD)
            .env("GONGKAI_OPERATOR", "1")
            .env_remove("GONGKAI_USER")
            .env_remove("GONGKAI_PASSWORD")
            .env_remove("GONGKAI_DATABASE")
            .env_remove("XDG_DATA_HOME")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "gongkai {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Fails with exit 1; stdout and stderr together.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "gongkai {args:?} should have failed:\n{}", String::from_utf8_lossy(&out.stdout));
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    }

    fn add_case(&self, number: &str) {
        self.ok(&[
            "case", "add", "--agency", COUNTY, "--applicant", "张三", "--kind", "natural-person", "--channel", "网络",
            "--received", "2025-01-20", "--content", "某项目批复", "--number", number,
        ]);
    }
}

/// The receipt `audit verify` printed.
fn receipt(verify: &str) -> String {
    verify.lines().find_map(|l| l.strip_prefix("回执：")).unwrap().trim().to_string()
}

/// The files in a directory (to see that nothing was left behind).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn an_old_copy_put_back_is_caught_by_the_anchor_and_by_the_receipt() {
    let o = Office::new();
    o.add_case("A1");
    let early = o.ok(&["audit", "verify"]);
    assert!(early.contains("哈希链校验通过") && early.contains("锚点文件"), "{early}");
    let n: i64 = receipt(&early).split(':').next().unwrap().parse().unwrap();
    let old = std::fs::read(o.db()).unwrap();
    o.add_case("A2");
    o.add_case("A3");
    let later = receipt(&o.ok(&["audit", "verify"]));
    assert!(later.starts_with(&format!("{}:", n + 2)), "{later}");
    // Someone puts the older database back: the two newest records are gone, and the chain and
    // its head are consistent in themselves.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(o.path(&format!("data/gongkai.db{suffix}")));
    }
    std::fs::write(o.db(), old).unwrap();
    let out = o.fails(&["audit", "verify"]);
    assert!(out.contains("锚点文件") && out.contains("最新的记录被删除"), "{out}");
    // Even with the anchor file put back too, the receipt kept elsewhere tells.
    let anchor = o.path("data/gongkai.db.audit-anchor");
    std::fs::remove_file(&anchor).unwrap();
    let out = o.fails(&["audit", "verify", "--expect", &later]);
    assert!(out.contains("回执") && out.contains("最新的记录被删除"), "{out}");
    assert!(out.contains("锚点文件") && out.contains("不存在"), "{out}");
    // A receipt that is not one is refused before anything is read.
    let out = o.fails(&["audit", "verify", "--expect", "4:abc"]);
    assert!(out.contains("回执") && out.contains("格式不对"), "{out}");
    // `audit anchor` anchors what is there now, and says so in the log.
    let out = o.ok(&["audit", "anchor"]);
    assert!(out.contains("已重建锚点") && out.contains(&format!("回执：{}:", n + 1)), "{out}");
    assert!(o.ok(&["audit", "verify"]).contains("哈希链校验通过"));
    assert!(o.ok(&["audit", "log", "--after", "2"]).contains("重建锚点：审计日志锚点"));
}

#[test]
fn export_and_backup_never_overwrite_and_leave_no_partial_file() {
    let o = Office::new();
    o.add_case("A1");
    let out_dir = o.path("out");
    std::fs::create_dir(&out_dir).unwrap();
    let dump = out_dir.join("all.jsonl");
    let dump_s = dump.display().to_string();
    o.ok(&["export", "-o", &dump_s]);
    let first = std::fs::read(&dump).unwrap();
    assert!(String::from_utf8_lossy(&first).trim_end().lines().last().unwrap().contains("gongkai_export_end"));
    #[cfg(unix)]
    assert_eq!(mode(&dump), 0o600, "an export holds personal data");
    o.add_case("A2");
    let err = o.fails(&["export", "-o", &dump_s]);
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&dump).unwrap(), first);
    o.ok(&["export", "-o", &dump_s, "--force"]);
    assert_ne!(std::fs::read(&dump).unwrap(), first);

    // Never onto the live database or its companions, not even with --force.
    let before = std::fs::read(o.db()).unwrap();
    let db = o.db().display().to_string();
    let via_dots = o.path("out/../data/gongkai.db").display().to_string();
    for (cmd, to) in [("export", &db), ("backup", &db), ("export", &via_dots), ("backup", &format!("{db}.audit-anchor"))] {
        let err = o.fails(&[cmd, "-o", to, "--force"]);
        assert!(err.contains("正在使用的数据库"), "{cmd} -o {to}: {err}");
    }
    assert_eq!(std::fs::read(o.db()).unwrap(), before);
    assert!(o.ok(&["audit", "verify"]).contains("哈希链校验通过"));

    // A backup: whole, private, with its anchor, never over another unless asked.
    let bk = out_dir.join("backup.db");
    let bk_s = bk.display().to_string();
    let out = o.ok(&["backup", "-o", &bk_s]);
    assert!(out.contains("回执："), "{out}");
    #[cfg(unix)]
    assert_eq!(mode(&bk), 0o600, "a backup holds personal data");
    assert!(out_dir.join("backup.db.audit-anchor").exists());
    assert!(o.fails(&["backup", "-o", &bk_s]).contains("已存在"));
    o.ok(&["backup", "-o", &bk_s, "--force"]);
    let copy = format!("sqlite:{bk_s}");
    assert!(o.ok(&["audit", "verify", "--records", "--database", &copy]).contains("记录核对通过"));

    // A failure leaves nothing behind: a user who may not export, a directory that is missing.
    o.ok(&["user", "add", "li", "--name", "李四"]);
    let denied = out_dir.join("denied.jsonl").display().to_string();
    let mut cmd = o.command(&["export", "-o", &denied]);
    let out = cmd.env_remove("GONGKAI_OPERATOR").env("GONGKAI_USER", "li").env("GONGKAI_PASSWORD", USER_PASSWORD).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不能整库导出"), "{}", String::from_utf8_lossy(&out.stderr));
    let err = o.fails(&["export", "-o", &o.path("nowhere/x.jsonl").display().to_string()]);
    assert!(err.contains("目录") && err.contains("不存在"), "{err}");
    assert_eq!(names(&out_dir), ["all.jsonl", "backup.db", "backup.db.audit-anchor"]);
}

#[test]
fn import_refuses_a_truncated_export_and_commits_nothing() {
    let o = Office::new();
    o.add_case("A1");
    o.add_case("A2");
    let dump = o.path("all.jsonl");
    o.ok(&["export", "-o", &dump.display().to_string()]);
    let text = std::fs::read_to_string(&dump).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut = o.path("cut.jsonl");
    std::fs::write(&cut, lines[..lines.len() - 3].join("\n")).unwrap();
    let target = format!("sqlite:{}", o.path("copy.db").display());
    let err = o.fails(&["import", &cut.display().to_string(), "--database", &target]);
    assert!(err.contains("不完整") && err.contains("未作任何改动"), "{err}");
    let out = o.ok(&["import", &dump.display().to_string(), "--database", &target]);
    assert!(out.contains("已导入") && out.contains("回执："), "{out}");
    assert!(o.ok(&["audit", "verify", "--records", "--database", &target]).contains("记录核对通过"));
}

#[test]
fn a_large_ledger_import_does_not_hold_off_another_process() {
    let o = Office::new();
    let mut csv = String::from("编号,申请人,申请人类型,申请方式,收到日期,申请内容,答复日期,办理结果\n");
    for i in 0..30_000 {
        csv.push_str(&format!("L{i},申请人{i},自然人,网络,2025-01-20,关于第{i}号事项的政府信息,2025-02-10,予以公开\n"));
    }
    let ledger = o.path("台账.csv");
    std::fs::write(&ledger, csv).unwrap();
    let mut import = o.command(&["case", "import", &ledger.display().to_string(), "--agency", COUNTY]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut added = 0;
    while import.try_wait().unwrap().is_none() {
        o.add_case(&format!("B{added}"));
        added += 1;
    }
    let status = import.wait().unwrap();
    assert!(status.success(), "the import failed");
    assert!(added >= 2, "only {added} cases were added while the ledger was imported");
    let list = o.ok(&["case", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert!(v.as_array().unwrap().len() >= 30_000 + added);
    assert!(o.ok(&["audit", "verify"]).contains("哈希链校验通过"));
}

#[test]
fn passwords_in_a_database_url_are_never_shown() {
    let o = Office::new();
    for url in [
        "postgres://gk:s3cret-pw@127.0.0.1:1/office",
        "postgres://gk:s3c?ret-pw@127.0.0.1:1/office",
        "postgres://gk@127.0.0.1:1/office?password=s3cret-pw",
    ] {
        let err = o.fails(&["case", "list", "--database", url]);
        assert!(err.contains("127.0.0.1:1"), "{url}: {err}");
        assert!(!err.contains("s3c") && !err.contains("ret-pw"), "{url}: {err}");
    }
}

#[test]
fn audit_grants_prints_what_the_application_role_may_not_do() {
    let o = Office::new();
    let sql = o.ok(&["audit", "grants", "--role", "gongkai_app"]);
    assert!(sql.contains("REVOKE UPDATE, DELETE, TRUNCATE ON \"public\".audit_log FROM \"gongkai_app\""), "{sql}");
}

/// PostgreSQL, with `psql` (both set up by .ci/run): a row changed, and the log truncated, by
/// someone with the database's own tools.
#[test]
fn postgres_edits_behind_the_apps_back_are_found() {
    let Ok(pg) = std::env::var("GONGKAI_TEST_POSTGRES_URL") else {
        eprintln!("跳过 PostgreSQL 部分：未设置 GONGKAI_TEST_POSTGRES_URL");
        return;
    };
    let o = Office::new();
    o.add_case("A1");
    let dump = o.path("all.jsonl");
    o.ok(&["export", "-o", &dump.display().to_string()]);
    let schema = format!("integrity_{}", std::process::id());
    let psql = |sql: &str| {
        let status = Command::new("psql")
            .arg(&pg)
            .args(["-v", "ON_ERROR_STOP=1", "-qc", sql])
            .env("PGOPTIONS", "--client-min-messages=warning")
            .status()
            .unwrap();
        assert!(status.success(), "psql: {sql}");
    };
    psql(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"));
    let sep = if pg.contains('?') { '&' } else { '?' };
    let url = format!("{pg}{sep}options=-csearch_path%3D{schema}");
    o.ok(&["import", &dump.display().to_string(), "--database", &url]);
    assert!(o.ok(&["audit", "verify", "--records", "--database", &url]).contains("记录核对通过"));

    psql(&format!("UPDATE {schema}.applications SET applicant_name = '王五'"));
    let out = o.fails(&["audit", "verify", "--records", "--database", &url]);
    assert!(out.contains("申请 A1") && out.contains("applicant") && out.contains("应用之外被改动"), "{out}");

    psql(&format!(
        "ALTER TABLE {schema}.audit_log DISABLE TRIGGER USER; ALTER TABLE {schema}.audit_head DISABLE TRIGGER USER; \
         TRUNCATE {schema}.audit_log; UPDATE {schema}.audit_head SET seq = 0, hash = repeat('0', 64)"
    ));
    let out = o.fails(&["audit", "verify", "--database", &url]);
    assert!(out.contains("锚点文件") && out.contains("最新的记录被删除"), "{out}");
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
}
