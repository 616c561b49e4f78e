//! `gongkai init`, `case …`, `audit verify`, `export`, `import`, `backup`, run as a user would.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const ADMIN_PASSWORD: &str = "correct horse";
const USER_PASSWORD: &str = "a-good-password";

pub(crate) struct Gk {
    dir: TempDir,
}

impl Gk {
    pub(crate) fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs as the local operator (`--operator`), or as `user` with their password.
    pub(crate) fn run_as(&self, user: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongkai"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("GONGKAI_DATA_DIR", self.dir.path().join("data"))
            .env("GONGKAI_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("GONGKAI_NEW_PASSWORD", USER_PASSWORD)
            .env_remove("GONGKAI_USER")
            .env_remove("GONGKAI_PASSWORD")
            .env_remove("GONGKAI_OPERATOR")
            .env_remove("GONGKAI_DATABASE")
            .env_remove("XDG_DATA_HOME")
            .stdin(Stdio::null());
        match user {
            Some(u) => {
                cmd.env("GONGKAI_USER", u).env("GONGKAI_PASSWORD", if u == "admin" { ADMIN_PASSWORD } else { USER_PASSWORD });
            }
            None => {
                cmd.env("GONGKAI_OPERATOR", "1");
            }
        }
        cmd.output().unwrap()
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.run_as(None, args)
    }

    pub(crate) fn ok_as(&self, user: Option<&str>, args: &[&str]) -> String {
        let out = self.run_as(user, args);
        assert!(
            out.status.success(),
            "gongkai {args:?} as {user:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub(crate) fn fails_as(&self, user: Option<&str>, args: &[&str]) -> String {
        let out = self.run_as(user, args);
        assert_eq!(out.status.code(), Some(1), "gongkai {args:?} as {user:?} should have failed with exit 1");
        String::from_utf8(out.stderr).unwrap()
    }

    pub(crate) fn ok(&self, args: &[&str]) -> String {
        self.ok_as(None, args)
    }

    pub(crate) fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "gongkai {args:?} should have failed");
        String::from_utf8(out.stderr).unwrap()
    }

    /// Adds a user (as the local operator) holding `role` at `agency`.
    pub(crate) fn user(&self, login: &str, role: &str, agency: &str) {
        self.ok(&["user", "add", login, "--name", login]);
        self.ok(&["user", "grant", login, "--agency", agency, "--role", role]);
    }

    pub(crate) fn write(&self, name: &str, text: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

pub(crate) const LEDGER: &str = "编号,申请人,申请人类型,申请方式,收到日期,申请内容,承办人,补正通知日期,补正收到日期,征求意见开始日期,征求意见结束日期,延期日期,延期批准人,答复日期,办理结果,告知书文号,送达方式,备注
A1,张三,自然人,网络,2025-01-20,某项目批复,officer,,,,,,,2025-02-10,予以公开,某民公开〔2025〕1号,,
A2,某公司,商业企业,当面提交,2025-01-22,\"文件,含逗号\",,2025-01-24,2025-02-05,,,,,,,,,
A3,李四,自然人,邮寄,2025-12-20,征地补偿,officer,,,2025-12-22,2025-12-30,2026-01-10,head,2026-02-10,部分公开,,,跨年
";

/// A county with a department; the department has a case officer `officer` and an office head
/// `head` (the ledger names them).
/// The codes of a report's findings, sorted.
fn codes(findings: &serde_json::Value) -> Vec<String> {
    let mut c: Vec<String> =
        findings.as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect();
    c.sort();
    c.dedup();
    c
}

pub(crate) fn setup(gk: &Gk) {
    gk.ok(&["init", "--agency", "某某县人民政府", "--level", "county", "--admin", "admin"]);
    let out = gk.ok(&[
        "init", "--agency", "某某县民政局", "--level", "department", "--parent", "某某县人民政府", "--admin", "admin",
    ]);
    assert!(out.contains("已添加机关“某某县民政局”"), "{out}");
    staff(gk, "某某县民政局");
}

/// The ledger's officer and office head at `agency` (users created once).
pub(crate) fn staff(gk: &Gk, agency: &str) {
    for (login, role) in [("officer", "case_officer"), ("head", "office_head")] {
        // Added with the first agency; "已存在" afterwards.
        let _ = gk.run(&["user", "add", login, "--name", login]);
        gk.ok(&["user", "grant", login, "--agency", agency, "--role", role]);
    }
}

/// Section 五 as an office writes it (a generated draft holds the template's placeholder there,
/// which may not be locked).
const NARRATIVE: &str = r#"{"s5": "一是答复文书的规范性有待提高。二是将加强培训，严格按期限答复。"}"#;

#[test]
fn init_import_list_show_and_verify() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    let out = gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    assert!(out.contains("已导入 3 件申请"), "{out}");

    let list = gk.ok(&["case", "list", "--today", "2025-02-10", "--due-within", "30"]);
    assert!(list.contains("A2") && !list.contains("A1"), "{list}");
    let all = gk.ok(&["case", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);

    let show = gk.ok(&["case", "show", "A2", "--today", "2025-02-10"]);
    assert!(show.contains("答复期限：2025-03-04"), "{show}");
    assert!(show.contains("收到补正材料"), "{show}");

    let verify = gk.ok(&["audit", "verify"]);
    assert!(verify.contains("哈希链校验通过"), "{verify}");
    let err = gk.fails(&["case", "show", "不存在"]);
    assert!(err.contains("未找到"), "{err}");
}

#[test]
fn a_bad_ledger_imports_nothing_and_names_row_and_column() {
    let gk = Gk::new();
    setup(&gk);
    let bad = gk.write(
        "bad.csv",
        "编号,申请人,申请人类型,申请方式,收到日期,申请内容,答复日期,办理结果\nB1,王五,自然人,网络,2025-01-20,内容,2025-01-10,予以公开\nB2,赵六,自然人,网络,2025-01-20,内容,,\n",
    );
    let err = gk.fails(&["case", "import", &bad, "--agency", "某某县民政局"]);
    assert!(err.contains("第 2 行，“答复日期”列"), "{err}");
    assert!(err.contains("未导入任何记录"), "{err}");
    let list = gk.ok(&["case", "list"]);
    assert!(list.contains("没有符合条件的案件"), "{list}");
    let out = gk.ok(&["case", "import", &bad, "--agency", "某某县民政局", "--skip-invalid"]);
    assert!(out.contains("已导入 1 件") && out.contains("跳过了 1 处"), "{out}");
}

#[test]
fn ledger_export_round_trips_through_xlsx_and_csv() {
    let gk = Gk::new();
    setup(&gk);
    gk.ok(&["init", "--agency", "测试镇", "--level", "township", "--parent", "某某县人民政府", "--admin", "admin"]);
    staff(&gk, "测试镇");
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let xlsx = gk.path("out.xlsx").display().to_string();
    let csv1 = gk.path("out1.csv").display().to_string();
    let csv2 = gk.path("out2.csv").display().to_string();
    gk.ok(&["case", "export", "--agency", "某某县民政局", "--out", &xlsx]);
    gk.ok(&["case", "export", "--agency", "某某县民政局", "-o", &csv1]);
    gk.ok(&["case", "import", &xlsx, "--agency", "测试镇"]);
    gk.ok(&["case", "export", "--agency", "测试镇", "--out", &csv2]);
    let a = std::fs::read_to_string(&csv1).unwrap();
    assert_eq!(a, std::fs::read_to_string(&csv2).unwrap());
    // and the exported CSV is the imported ledger, with a BOM and CRLF for Excel
    assert_eq!(a.trim_start_matches('\u{feff}').replace("\r\n", "\n"), LEDGER);
}

#[test]
fn whole_database_export_import_and_backup() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let dump = gk.path("dump.jsonl").display().to_string();
    gk.ok(&["export", "-o", &dump]);
    let copy = format!("sqlite:{}", gk.path("copy.db").display());
    gk.ok(&["import", &dump, "--database", &copy]);
    let again = gk.path("again.jsonl").display().to_string();
    gk.ok(&["export", "--out", &again, "--database", &copy]);
    assert_eq!(std::fs::read(&dump).unwrap(), std::fs::read(&again).unwrap());
    let err = gk.fails(&["import", &dump, "--database", &copy]);
    assert!(err.contains("不是空库"), "{err}");

    let bk = gk.path("backup.db");
    gk.ok(&["backup", "--out", &bk.display().to_string()]);
    let url = format!("sqlite:{}", bk.display());
    assert!(gk.ok(&["audit", "verify", "--database", &url]).contains("校验通过"));
    assert!(Path::new(&bk).exists());

    if let Ok(pg) = std::env::var("GONGKAI_TEST_POSTGRES_URL") {
        // A PostgreSQL database needs `migrate` first; import into a fresh schema.
        let schema = format!("cli_{}", std::process::id());
        let url = if pg.contains('?') { format!("{pg}&options=-csearch_path%3D{schema}") } else { format!("{pg}?options=-csearch_path%3D{schema}") };
        let status = Command::new("psql").arg(&pg).args(["-qc", &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")]).status();
        if status.map(|s| s.success()).unwrap_or(false) {
            // An empty schema is not a gongkai database: only init and import create one.
            let err = gk.fails(&["case", "list", "--database", &url]);
            assert!(err.contains("尚未初始化") && err.contains("gongkai init"), "{err}");
            gk.ok(&["import", &dump, "--database", &url]);
            assert!(gk.ok(&["migrate", "--database", &url]).contains("已迁移到最新版本"));
            assert!(gk.ok(&["audit", "verify", "--database", &url]).contains("校验通过"));
            assert!(gk.ok(&["case", "list", "--database", &url]).contains("A3"));
            let _ = Command::new("psql").arg(&pg).args(["-qc", &format!("DROP SCHEMA {schema} CASCADE")]).status();
        } else {
            panic!("GONGKAI_TEST_POSTGRES_URL is set but psql cannot reach it");
        }
    } else {
        eprintln!("跳过 PostgreSQL 部分：未设置 GONGKAI_TEST_POSTGRES_URL");
    }
}

#[test]
fn unknown_database_urls_are_refused_clearly() {
    let gk = Gk::new();
    let err = gk.fails(&["case", "list", "--database", "mysql://x"]);
    assert!(err.contains("无法识别的数据库地址"), "{err}");
}

#[test]
fn the_annual_report_is_generated_from_the_records_in_every_format() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let json = gk.ok(&["report", "generate", "--agency", "某某县民政局", "--year", "2025", "--to", "json", "--save"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let r = &v["reports"][0];
    assert_eq!(r["tables"]["t3"]["new_received"], serde_json::json!([2, 1, 0, 0, 0, 0, 3]));
    assert_eq!(r["tables"]["t3"]["carried_forward"], serde_json::json!([1, 1, 0, 0, 0, 0, 2]));
    // Computed from the records: no error in the tables; the typed-in counts not given yet are
    // blank, a 2025 report drawn up today is late (its 落款 date is today), and section 五 is
    // still the template's placeholder for the office to write (an error until it does).
    assert_eq!(codes(&r["findings"]), ["BLANK_CELL", "LATE_PUBLICATION", "PLACEHOLDER_TEXT"]);
    assert!(r["agency"] == "某某县民政局" && r["date"].is_string(), "{r}");
    let next = gk.ok(&["report", "generate", "--agency", "某某县民政局", "--year", "2026", "--to", "json"]);
    let v: serde_json::Value = serde_json::from_str(&next).unwrap();
    assert_eq!(v["reports"][0]["tables"]["t3"]["carried_over"], serde_json::json!([1, 1, 0, 0, 0, 0, 2]));
    assert_eq!(v["reports"][0]["tables"]["t3"]["partial"], serde_json::json!([1, 0, 0, 0, 0, 0, 1]));
    for f in ["txt", "md", "html", "docx", "xlsx"] {
        let out = gk.path(&format!("r.{f}")).display().to_string();
        gk.ok(&["report", "generate", "--agency", "某某县民政局", "--year", "2025", "--to", f, "--out", &out]);
        assert!(std::fs::metadata(&out).unwrap().len() > 500, "{f}");
    }
    let drill = gk.ok(&["report", "generate", "--agency", "某某县民政局", "--year", "2025", "--drill", "t3:carried_forward:total"]);
    assert!(drill.contains("申请 A2") && drill.contains("申请 A3") && !drill.contains("A1"), "{drill}");
    let err = gk.fails(&["report", "generate", "--agency", "某某县民政局", "--year", "2025", "--drill", "t9:x"]);
    assert!(err.contains("无法识别的单元格"), "{err}");
}

#[test]
fn events_appeals_register_and_counts_feed_the_report() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    // An extension is approved by an office head acting as themselves: the operator cannot, nor
    // the case officer, nor anyone naming an approver.
    let err = gk.fails(&["case", "event", "A2", "--type", "extension_approved", "--date", "2025-02-20"]);
    assert!(err.contains("审批延期答复") && err.contains("办公室负责人"), "{err}");
    let err = gk.fails_as(Some("officer"), &["case", "event", "A2", "--type", "extension_approved", "--date", "2025-02-20"]);
    assert!(err.contains("无权") && err.contains("审批延期答复"), "{err}");
    assert!(gk.fails(&["user", "grant", "head", "--agency", "某某县民政局", "--role", "boss"]).contains("未知的角色"));
    let ext = gk.ok_as(Some("head"), &["case", "event", "A2", "--type", "extension_approved", "--date", "2025-02-20", "--days", "10"]);
    assert!(ext.contains("答复期限"), "{ext}");
    let err = gk.fails(&["case", "event", "A2", "--type", "replied", "--date", "2025-03-05"]);
    assert!(err.contains("办理结果"), "{err}");
    let err = gk.fails(&["case", "event", "A2", "--type", "replied", "--date", "2025-01-01", "--outcome", "予以公开"]);
    assert!(err.contains("早于"), "{err}");
    gk.ok(&["case", "event", "A2", "--type", "答复", "--date", "2025-03-05", "--outcome", "本机关不掌握相关政府信息"]);

    gk.ok(&["appeal", "add", "--case", "A2", "--kind", "reconsideration", "--filed", "2025-04-01"]);
    gk.ok(&["appeal", "add", "--case", "A1", "--kind", "litigation-direct", "--filed", "2025-03-01", "--result", "upheld", "--closed", "2025-06-01"]);
    gk.ok(&["appeal", "close", "1", "--result", "corrected", "--closed", "2025-07-01"]);
    // A3 was received 2025-12-20: on 2025-12-30 it is unanswered, its clock paused for a
    // consultation, so there is neither a decision nor an overdue silence to appeal against.
    let err = gk.fails(&["appeal", "add", "--case", "A3", "--kind", "reconsideration", "--filed", "2025-12-30"]);
    assert!(err.contains("不能以逾期不答复为由"), "{err}");

    gk.ok(&["register", "add", "--agency", "某某县民政局", "--kind", "normative-document", "--number", "某民规〔2025〕1号", "--title", "关于某某的通知", "--made", "2025-03-01"]);
    assert!(gk.fails(&["register", "add", "--agency", "某某县民政局", "--kind", "regulation", "--number", "令1号", "--title", "规章", "--made", "2025-03-01"]).contains("规章制定权"));
    gk.ok(&["counts", "set", "--agency", "某某县民政局", "--year", "2025", "--licensing", "12", "--penalty", "3", "--fees-wan", "1.5"]);

    let json = gk.ok(&["report", "generate", "--agency", "某某县民政局", "--year", "2025"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let t = &v["reports"][0]["tables"];
    assert_eq!(t["t2"]["normative_docs"]["made"], 1);
    assert_eq!(t["t2"]["admin_licensing"]["decisions"], 12);
    assert_eq!(t["t2"]["admin_fees"]["fee_amount"], 1.5);
    assert_eq!(t["t3"]["unable_not_held"][6], 1);
    assert_eq!(t["t4"]["review_corrected"], 1);
    assert_eq!(t["t4"]["lit_direct_upheld"], 1);
    // Only the coercion count was not given (and section 五 is not written yet).
    assert_eq!(codes(&v["reports"][0]["findings"]), ["BLANK_CELL", "LATE_PUBLICATION", "PLACEHOLDER_TEXT"]);
    assert_eq!(t["t2"]["admin_coercion"]["decisions"], serde_json::Value::Null);
    assert!(gk.ok(&["audit", "verify"]).contains("校验通过"));
}

#[test]
fn a_locked_report_changes_only_by_a_recorded_correction() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let a = ["--agency", "某某县民政局", "--year", "2025"];
    let err = gk.fails(&[&["report", "lock"][..], &a].concat());
    assert!(err.contains("尚未保存草稿"), "{err}");
    let s5 = gk.write("s5.json", NARRATIVE);
    let json = gk.ok(&[&["report", "generate", "--save", "--narrative", &s5][..], &a].concat());
    gk.ok(&[&["report", "lock"][..], &a].concat());
    let err = gk.fails(&[&["report", "generate", "--save"][..], &a].concat());
    assert!(err.contains("更正"), "{err}");
    let fixed = json.replace("办结1件", "办结1件（已更正）");
    let file = gk.write("fixed.json", &fixed);
    assert!(gk.fails(&[&["report", "correct", "--corrected", &file][..], &a].concat()).contains("原因"));
    let out = gk.ok(&[&["report", "correct", "--corrected", &file, "--reason", "文字更正"][..], &a].concat());
    assert!(out.contains("第 1 次更正"), "{out}");
    // the one who locked does not publish: another person of the agency does
    assert!(gk.fails(&[&["report", "publish"][..], &a].concat()).contains("锁定者不能自己发布"));
    gk.user("zhao", "leader", "某某县民政局");
    gk.ok_as(Some("zhao"), &[&["report", "publish"][..], &a].concat());
    assert!(gk.fails(&[&["report", "lock"][..], &a].concat()).contains("不能从"));
    let same = gk.ok(&[&["report", "status"][..], &a].concat());
    assert!(same.contains("已发布") && same.contains("已更正 1 次") && same.contains("与当前办理记录一致"), "{same}");
    // A case of 2025 recorded after publication: `report status` names the cells it changes,
    // with the drill-down to each, and exits 1.
    let late = gk.write("补录.csv", "编号,申请人,申请人类型,申请方式,收到日期,申请内容,答复日期,办理结果\nA9,王五,自然人,网络,2025-03-03,补录,2025-03-20,予以公开\n");
    gk.ok(&["case", "import", &late, "--agency", "某某县民政局"]);
    let out = gk.run(&[&["report", "status"][..], &a].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("report generate --drill t3:new_received:natural_person"), "{text}");
    assert!(text.contains("report correct"), "{text}");
    assert!(gk.ok(&["audit", "verify"]).contains("校验通过"));
}

#[test]
fn narrative_text_is_saved_with_the_draft_and_a_locked_report_is_output_as_stored() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let a = ["--agency", "某某县民政局", "--year", "2025"];
    let narrative = gk.write("叙述.json", r#"{"s5": "一是答复文书不够规范。二是……", "s6": "本年度未收取信息处理费。"}"#);
    gk.ok(&[&["report", "generate", "--save", "--narrative", &narrative][..], &a].concat());
    let md = gk.ok(&[&["report", "generate", "--to", "md"][..], &a].concat());
    assert!(md.contains("一是答复文书不够规范"), "{md}");
    gk.ok(&[&["report", "lock"][..], &a].concat());
    // a record added after locking changes the recomputation, not the locked report
    let late = gk.write("late.csv", "编号,申请人,申请人类型,申请方式,收到日期,申请内容\nL1,后来者,自然人,网络,2025-06-01,内容\n");
    gk.ok(&["case", "import", &late, "--agency", "某某县民政局"]);
    let stored: serde_json::Value = serde_json::from_str(&gk.ok(&[&["report", "generate"][..], &a].concat())).unwrap();
    assert_eq!(stored["reports"][0]["tables"]["t3"]["new_received"][6], 3);
    let fresh: serde_json::Value = serde_json::from_str(&gk.ok(&[&["report", "generate", "--recompute"][..], &a].concat())).unwrap();
    assert_eq!(fresh["reports"][0]["tables"]["t3"]["new_received"][6], 4);
    let bad = gk.write("bad.json", r#"{"s9": "x"}"#);
    assert!(gk.fails(&[&["report", "generate", "--narrative", &bad][..], &a].concat()).contains("s1 至 s6"));
}

#[test]
fn an_unknown_gongkai_user_is_refused() {
    let gk = Gk::new();
    setup(&gk);
    let err = gk.fails_as(Some("nobody"), &["case", "list"]);
    assert!(err.contains("登录名或密码错误"), "{err}");
    // the administrator named by init is a user like any other
    assert!(gk.ok_as(Some("admin"), &["case", "list"]).contains("没有符合条件的案件"));
}

#[test]
fn a_county_supervisor_reads_the_townships_below_but_writes_nothing() {
    let gk = Gk::new();
    setup(&gk);
    gk.ok(&["init", "--agency", "测试镇", "--level", "township", "--parent", "某某县人民政府", "--admin", "admin"]);
    staff(&gk, "测试镇");
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "测试镇"]);
    gk.user("du", "county_supervisor", "某某县人民政府");

    let list = gk.ok_as(Some("du"), &["case", "list", "--agency", "测试镇"]);
    assert!(list.contains("A1") && list.contains("测试镇"), "{list}");
    assert!(gk.ok_as(Some("du"), &["case", "show", "A2"]).contains("编号：A2"));
    gk.ok_as(Some("du"), &["report", "generate", "--agency", "测试镇", "--year", "2025"]);

    let err = gk.fails_as(Some("du"), &["case", "import", &ledger, "--agency", "测试镇"]);
    assert!(err.contains("用户“du”无权在“测试镇”登记申请"), "{err}");
    let err = gk.fails_as(Some("du"), &["case", "event", "A2", "--type", "withdrawn", "--date", "2025-02-01"]);
    assert!(err.contains("无权在“测试镇”办理申请"), "{err}");
    let err = gk.fails_as(Some("du"), &["user", "grant", "du", "--agency", "测试镇", "--role", "case_officer"]);
    assert!(err.contains("无权在“测试镇”管理用户"), "{err}");
    let err = gk.fails_as(Some("du"), &["export"]);
    assert!(err.contains("整库导出"), "{err}");
}

#[test]
fn a_case_officer_of_one_township_cannot_read_another() {
    let gk = Gk::new();
    setup(&gk);
    for t in ["甲镇", "乙镇"] {
        gk.ok(&["init", "--agency", t, "--level", "township", "--parent", "某某县人民政府", "--admin", "admin"]);
        staff(&gk, t);
    }
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "乙镇"]);
    gk.user("li", "case_officer", "甲镇");

    // Another agency's records answer "not found", exactly as a missing agency would.
    let missing = gk.fails_as(Some("li"), &["case", "list", "--agency", "丁镇"]);
    let err = gk.fails_as(Some("li"), &["case", "list", "--agency", "乙镇"]);
    assert_eq!(err.replace("乙镇", "丁镇"), missing);
    assert!(err.contains("未找到机关“乙镇”"), "{err}");
    let err = gk.fails_as(Some("li"), &["case", "show", "A1", "--agency", "乙镇"]);
    assert!(err.contains("未找到"), "{err}");
    let err = gk.fails_as(Some("li"), &["report", "generate", "--agency", "乙镇", "--year", "2025"]);
    assert!(err.contains("未找到"), "{err}");
    let err = gk.fails_as(Some("li"), &["appeal", "list", "--agency", "乙镇"]);
    assert!(err.contains("未找到"), "{err}");
    // without --agency: only what li may read, so 乙镇's cases are not found at all
    assert!(gk.ok_as(Some("li"), &["case", "list"]).contains("没有符合条件的案件"));
    assert!(gk.fails_as(Some("li"), &["case", "show", "A1"]).contains("未找到"));
    // but li works in 甲镇
    let out = gk.ok_as(Some("li"), &["case", "import", &ledger, "--agency", "甲镇"]);
    assert!(out.contains("已导入 3 件"), "{out}");
    assert!(gk.ok_as(Some("li"), &["case", "list"]).contains("甲镇"));
    // and cannot add agencies or users
    let err = gk.fails_as(Some("li"), &["user", "add", "x", "--name", "x"]);
    assert!(err.contains("不是系统管理员"), "{err}");
    let err = gk.fails_as(Some("li"), &["init", "--agency", "丙镇", "--level", "township", "--parent", "甲镇", "--admin", "li"]);
    assert!(err.contains("无权在“甲镇”管理用户"), "{err}");
    let err = gk.fails_as(Some("li"), &["init", "--agency", "丙镇", "--level", "township", "--parent", "某某县人民政府", "--admin", "li"]);
    assert!(err.contains("未找到机关“某某县人民政府”"), "{err}");
}

#[test]
fn the_one_who_locked_a_report_does_not_publish_it() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    gk.user("wang", "office_head", "某某县民政局");
    gk.user("zhao", "leader", "某某县民政局");
    let a = ["--agency", "某某县民政局", "--year", "2025"];
    let s5 = gk.write("s5.json", NARRATIVE);
    gk.ok_as(Some("wang"), &[&["report", "generate", "--save", "--narrative", &s5][..], &a].concat());
    gk.ok_as(Some("wang"), &[&["report", "lock"][..], &a].concat());
    let err = gk.fails_as(Some("wang"), &[&["report", "publish"][..], &a].concat());
    assert!(err.contains("锁定者不能自己发布") && err.contains("由 wang 锁定"), "{err}");
    let out = gk.ok_as(Some("zhao"), &[&["report", "publish"][..], &a].concat());
    assert!(out.contains("已标记为已发布"), "{out}");
}
