//! `gongkai calendar`, `gongkai deadline`, `gongkai fee`, run as a user would.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// A `gongkai` with its own empty data directory.
struct Gk {
    dir: TempDir,
}

impl Gk {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, None)
    }

    fn run_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(args)
            .current_dir(self.dir.path())
            .env("GONGKAI_DATA_DIR", self.dir.path().join("data"))
            .env_remove("XDG_DATA_HOME")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
        drop(input);
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Runs a failing command: exit code 1, and the Chinese error on stderr.
    fn err(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("错误："), "{stderr}");
        stderr
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
}

const YEAR_2027: &str = "years:
  2027:
    notice: {title: 国务院办公厅关于2027年部分节假日安排的通知}
    holidays:
      - {date: 2027-01-01, weekday: Fri, festival: 元旦}
    workdays:
      - {date: 2027-01-09, weekday: Sat, for_festival: 元旦}
";

#[test]
fn calendar_day_says_why() {
    let gk = Gk::new();
    assert_eq!(gk.ok(&["calendar", "day", "2025-01-26"]), "2025-01-26 星期日：工作日（春节调休上班）\n");
    assert_eq!(gk.ok(&["calendar", "day", "2025-10-04"]), "2025-10-04 星期六：非工作日（国庆节、中秋节假期）\n".replace("国庆节、中秋节", &gk.json(&["calendar", "day", "2025-10-04", "--format", "json"])["reason"].as_str().unwrap().replace("假期", "")));
    let v = gk.json(&["calendar", "day", "2025-01-28", "--format", "json"]);
    assert_eq!(v, serde_json::json!({"date": "2025-01-28", "working_day": false, "reason": "春节假期", "provisional": false}));
    let v = gk.json(&["calendar", "day", "2025-03-08", "--format", "json"]);
    assert_eq!(v["reason"], "周末");
}

#[test]
fn calendar_add_explains_the_count() {
    let gk = Gk::new();
    let v = gk.json(&["calendar", "add", "2025-01-20", "20", "--format", "json"]);
    insta::assert_json_snapshot!("calendar_add_2025_01_20_20", v);
    let human = gk.ok(&["calendar", "add", "2025-01-20", "7"]);
    assert!(human.starts_with("2025-01-20 之后第7个工作日：2025-02-05（星期三）\n"), "{human}");
    assert!(human.contains("春节假期 1月28日至2月4日不计"), "{human}");
}

#[test]
fn a_2027_date_is_provisional_until_the_year_is_imported() {
    let gk = Gk::new();
    // Before the notice: the statutory holiday of 元旦 is already a day off (办法 Art. 2).
    let v = gk.json(&["calendar", "day", "2027-01-01", "--format", "json"]);
    assert_eq!((v["working_day"].as_bool(), v["provisional"].as_bool()), (Some(false), Some(true)));
    let human = gk.ok(&["calendar", "day", "2027-01-01"]);
    assert!(human.contains("元旦假期") && human.contains("gongkai calendar import FILE"), "{human}");
    assert_eq!(gk.json(&["calendar", "day", "2027-01-09", "--format", "json"])["working_day"], false);

    let file = gk.file("2027.yaml", YEAR_2027);
    let out = gk.ok(&["calendar", "import", &file]);
    assert!(out.starts_with("已导入全国节假日安排：2027年"), "{out}");
    let v = gk.json(&["calendar", "day", "2027-01-01", "--format", "json"]);
    assert_eq!(v, serde_json::json!({"date": "2027-01-01", "working_day": false, "reason": "元旦假期", "provisional": false}));
    assert_eq!(gk.json(&["calendar", "day", "2027-01-09", "--format", "json"])["working_day"], true);

    let err = gk.err(&["calendar", "import", &file]);
    assert!(err.contains("2027年的节假日安排已经存在") && err.contains("--replace"), "{err}");
    let out = gk.ok(&["calendar", "import", &file, "--replace"]);
    assert!(out.contains("已替换原有安排：2027年"), "{out}");
    let err = gk.err(&["calendar", "import", &gk.file("2026.yaml", &YEAR_2027.replace("2027-01-09, weekday: Sat", "2027-01-11, weekday: Mon"))]);
    assert!(err.contains("调休上班日 2027-01-11 是星期一"), "{err}");
}

#[test]
fn deadline_into_2027_is_provisional_until_imported() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [{"type": "received", "date": "2026-12-10", "channel": "online", "confirmed": "2026-12-10"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2026-12-10", "--format", "json"]);
    assert_eq!(v["provisional"], true);
    // 2027-01-01 (元旦) is not counted even before the notice.
    assert_eq!(v["due"]["reply"], "2027-01-08");
    let last = v["explanation"].as_array().unwrap().last().unwrap().as_str().unwrap().to_owned();
    assert!(last.starts_with("2027年节假日安排尚未载入（国务院办公厅通知未发布或未导入），暂按周末和《全国年节及纪念日放假办法》规定的法定节假日计算"), "{last}");
    gk.ok(&["calendar", "import", &gk.file("2027.yaml", YEAR_2027)]);
    let v = gk.json(&["deadline", &t, "--today", "2026-12-10", "--format", "json"]);
    assert_eq!(v["provisional"], false);
    // 2027-01-01 off, 2027-01-09 (Sat) worked: the same 20 working days end on 01-08.
    assert_eq!(v["due"]["reply"], "2027-01-08");
}

#[test]
fn regional_holidays_apply_with_region() {
    let gk = Gk::new();
    let file = gk.file("xj.yaml", "years:\n  2025:\n    holidays:\n      - {date: 2025-03-31, festival: 肉孜节}\n");
    gk.ok(&["calendar", "import", &file, "--region", "新疆"]);
    assert_eq!(gk.ok(&["calendar", "day", "2025-03-31", "--region", "新疆"]), "2025-03-31 星期一：非工作日（新疆地方假日：肉孜节）\n");
    assert!(gk.ok(&["calendar", "day", "2025-03-31"]).contains("：工作日"));
    let t = gk.file("t.json", r#"{"events": [{"type": "received", "date": "2025-03-03", "channel": "in_person"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2025-03-03", "--format", "json", "--region", "新疆"]);
    assert_eq!(v["due"]["reply"], "2025-04-01");
    let err = gk.err(&["calendar", "day", "2025-03-31", "--region", "西藏"]);
    assert!(err.contains("未找到地区“西藏”"), "{err}");
}

#[test]
fn deadline_json_contract_for_the_worked_vector() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [{"type": "received", "date": "2025-01-20", "channel": "in_person"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2025-01-27", "--format", "json"]);
    assert_eq!(v["state"], "running");
    assert_eq!(v["due"]["correction_notice"], "2025-02-05");
    assert_eq!(v["due"]["reply"], "2025-02-21");
    assert_eq!(v["due"]["reply_extended"], Value::Null);
    assert_eq!(v["due"]["payment"], Value::Null);
    assert_eq!((v["working_days_used"].as_u64(), v["working_days_left"].as_u64()), (Some(6), Some(14)));
    assert_eq!((v["overdue"].as_bool(), v["provisional"].as_bool()), (Some(false), Some(false)));
    insta::assert_json_snapshot!("deadline_2025_01_20_running", v);
}

#[test]
fn deadline_reads_stdin_and_prints_chinese() {
    let gk = Gk::new();
    let timeline = r#"{"events": [
        {"type": "received", "date": "2025-01-20", "channel": "online", "confirmed": "2025-01-20"},
        {"type": "extension_approved", "date": "2025-02-14", "days": 20, "approver": "办公室主任"},
        {"type": "replied", "date": "2025-03-21", "delivery": "post"}
    ]}"#;
    let out = gk.run_stdin(&["deadline", "-", "--today", "2025-04-01"], Some(timeline));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("deadline_extended_reply_by_post_human", text);
}

#[test]
fn deadline_settings_are_data() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [{"type": "received", "date": "2025-01-20", "channel": "in_person"}]}"#);
    let s = gk.file("s.yaml", "start_day_counts: true\n");
    let v = gk.json(&["deadline", &t, "--today", "2025-01-20", "--format", "json", "--settings", &s]);
    assert_eq!(v["due"]["reply"], "2025-02-20");
    let bad = gk.file("bad.yaml", "start_day_count: true\n");
    let err = gk.err(&["deadline", &t, "--today", "2025-01-20", "--settings", &bad]);
    assert!(err.contains("设置文件") && err.contains("start_day_count"), "{err}");
}

#[test]
fn bad_timelines_get_clear_chinese_errors() {
    let gk = Gk::new();
    let cases = [
        ("", "时间线为空"),
        ("not json", "不是有效的 JSON"),
        ("{\"events\": [\n  {\"type\": \"received\", \"date\": \"2025-01-20\", \"channel\": \"in_person\"},\n  {\"type\": \"approved\", \"date\": \"2025-01-22\"}\n]}", "第2个事件：未知的事件类型“approved”"),
        (r#"{"events": [{"type": "received", "date": "2025-02-30", "channel": "in_person"}]}"#, "日期无效：“2025-02-30”"),
        ("{\"events\": [\n {\"type\": \"received\", \"date\": \"2025-01-20\", \"channel\": \"in_person\"},\n {\"type\": \"replied\", \"date\": \"2025-01-10\", \"delivery\": \"direct\"}]}", "第2个事件 replied（答复，2025-01-10）早于收到申请之日 2025-01-20"),
        ("{\"events\": [\n {\"type\": \"received\", \"date\": \"2025-01-20\",, }]}", "第2行"),
    ];
    for (text, expected) in cases {
        let t = gk.file("t.json", text);
        let err = gk.err(&["deadline", &t, "--today", "2025-03-01"]);
        assert!(err.contains(expected), "{text}\n→ {err}");
    }
    let err = gk.err(&["deadline", &gk.file("ok.json", "{}"), "--today", "2025-02-30"]);
    assert!(err.contains("日期无效：“2025-02-30”"), "{err}");
    let err = gk.err(&["calendar", "day", "2025-13-01"]);
    assert!(err.contains("日期无效：“2025-13-01”"), "{err}");
    let err = gk.err(&["calendar", "day", "2018-05-01"]);
    assert!(err.contains("超出日历支持的范围"), "{err}");
    let err = gk.err(&["deadline", "missing.json"]);
    assert!(err.contains("无法读取文件 missing.json：文件或目录不存在") && !err.contains("No such file"), "{err}");
    let t = gk.file("t.json", r#"{"events": [{"type": "received", "date": "2025-01-20", "channel": "in_person"}]}"#);
    let err = gk.err(&["deadline", &t, "--today", "2025-01-01"]);
    assert!(err.contains("晚于今天"), "{err}");
}

#[test]
fn fee_per_item_and_per_page() {
    let gk = Gk::new();
    let out = gk.ok(&["fee", "--per-item", "--month-count", "31"]);
    assert!(out.contains("本件为申请人本月第31件") && out.contains("应缴金额：200元"), "{out}");
    let v = gk.json(&["fee", "--per-page", "--pages", "120", "--format", "json"]);
    insta::assert_json_snapshot!("fee_per_page_120", v);
    assert_eq!(v["amount_yuan"], 1100);
    assert_eq!(gk.json(&["fee", "--per-item", "--month-count", "5", "--format", "json"])["amount_yuan"], 0);
    let out = gk.run(&["fee", "--per-item", "--month-count", "3", "--per-page", "--pages", "40"]);
    assert!(!out.status.success());
    let err = gk.err(&["fee", "--per-item", "--month-count", "0"]);
    assert!(err.contains("至少为 1"), "{err}");
}

// ---- issue 8: the statutory clock never hides an overdue reply nor accepts an unlawful closure ----

#[test]
fn deadline_an_extension_after_the_deadline_leaves_the_reply_overdue() {
    let gk = Gk::new();
    // Receipt 2025-03-03 → reply due 03-31; extension approved 04-02 (Art. 33); replied 04-10.
    let t = gk.file("t.json", r#"{"events": [
        {"type": "received", "date": "2025-03-03", "channel": "in_person"},
        {"type": "extension_approved", "date": "2025-04-02", "days": 20, "approver": "办公室主任"},
        {"type": "replied", "date": "2025-04-10", "delivery": "post"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2025-04-30", "--format", "json"]);
    assert_eq!(v["overdue"], true);
    assert_eq!(v["final_due"], "2025-03-31");
    assert_eq!(v["working_days_left"], 0);
    assert_eq!(
        v["missed"],
        serde_json::json!([
            {"deadline": "extension_decision", "due": "2025-03-31", "on": "2025-04-02", "working_days": 2},
            {"deadline": "reply", "due": "2025-03-31", "on": "2025-04-10", "working_days": 7}
        ])
    );
    let human = gk.ok(&["deadline", &t, "--today", "2025-04-30"]);
    assert!(human.contains("逾期：答复期限 2025-03-31，逾期 7 个工作日"), "{human}");
    assert!(human.contains("期限届满后不能再延长，答复自 2025-03-31 起逾期（《条例》第三十三条）"), "{human}");
    assert!(!human.contains("在期限内"), "{human}");
    insta::assert_snapshot!("deadline_extension_after_the_deadline_human", human);
}

#[test]
fn deadline_a_reply_posted_on_saturday_after_a_friday_deadline_is_one_working_day_late() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [
        {"type": "received", "date": "2025-01-20", "channel": "in_person"},
        {"type": "replied", "date": "2025-02-22", "delivery": "post"}]}"#);
    let human = gk.ok(&["deadline", &t, "--today", "2025-03-01"]);
    assert!(human.contains("于 2025-02-22 答复，超过答复期限 2025-02-21，逾期1个工作日"), "{human}");
    assert!(!human.contains("逾期0个工作日"), "{human}");
}

#[test]
fn deadline_refuses_premature_and_out_of_time_events() {
    let gk = Gk::new();
    let cases = [
        (r#"{"events": [{"type": "received", "date": "2025-03-03", "channel": "in_person"},
            {"type": "fee_notice_sent", "date": "2025-03-10"}, {"type": "fee_notice_received", "date": "2025-03-11"},
            {"type": "fee_expired", "date": "2025-04-09"}]}"#,
         "第4个事件 fee_expired（逾期未缴费，2025-04-09）：缴费期限为申请人收到收费通知次日起20个工作日，至 2025-04-09 届满"),
        (r#"{"events": [{"type": "received", "date": "2025-03-03", "channel": "in_person"},
            {"type": "consultation_started", "date": "2025-03-10", "party": "agency"},
            {"type": "consultation_expired", "date": "2025-03-25", "party": "agency"}]}"#,
         "期限届满前不能按“征求意见期满”处理（《条例》第三十四条）"),
        (r#"{"events": [{"type": "received", "date": "2025-03-03", "channel": "in_person"},
            {"type": "fee_notice_sent", "date": "2025-03-10"}, {"type": "fee_paid", "date": "2025-03-12"},
            {"type": "fee_expired", "date": "2025-05-12"}]}"#,
         "已经缴费，不能视为逾期未缴费而放弃申请"),
        (r#"{"events": [{"type": "received", "date": "2019-05-10", "channel": "in_person"}]}"#,
         "当时适用2008年施行的《政府信息公开条例》"),
        (r#"{"events": [{"type": "received", "date": "2020-12-01", "channel": "in_person"}, {"type": "fee_notice_sent", "date": "2020-12-20"}]}"#,
         "信息处理费自2021年1月1日起按国办函〔2020〕109号收取"),
        (r#"{"events": [{"type": "received", "date": "2025-03-03", "channel": "online", "confirmed": "2025-03-06"},
            {"type": "correction_requested", "date": "2025-03-05"}]}"#,
         "confirmed（确认日期） 2025-03-06 晚于其后的第2个事件 correction_requested"),
        (r#"{"events": [{"type": "received", "date": "2025-03-03", "channel": "online", "confirmed": "2025-03-06"}]}"#,
         "confirmed（确认日期） 2025-03-06 晚于今天（2025-03-05）"),
    ];
    for (text, expected) in cases {
        // The last case is about a confirmation after today: judged on 2025-03-05.
        let today = if expected.contains("晚于今天") { "2025-03-05" } else { "2025-06-30" };
        let err = gk.err(&["deadline", &gk.file("t.json", text), "--today", today]);
        assert!(err.contains(expected), "{text}\n→ {err}");
    }
}

#[test]
fn deadline_an_unpaid_fee_wait_ends_at_the_payment_deadline() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [
        {"type": "received", "date": "2025-03-03", "channel": "in_person"},
        {"type": "fee_notice_sent", "date": "2025-03-10"},
        {"type": "fee_notice_received", "date": "2025-03-11"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2025-04-20", "--format", "json"]);
    assert_eq!((v["state"].as_str(), v["due"]["payment"].as_str(), v["due"]["reply"].as_str()), (Some("payment_lapsed"), Some("2025-04-09"), Some("2025-04-29")));
    let human = gk.ok(&["deadline", &t, "--today", "2025-05-20"]);
    assert!(human.starts_with("状态：缴费期限已过，待确认视为放弃（今天 2025-05-20）"), "{human}");
    assert!(human.contains("缴费期限 2025-04-09 已过，未记录缴费，待确认视为放弃"), "{human}");
    assert!(human.contains("答复：2025-04-29"), "{human}");
}

#[test]
fn deadline_warns_about_a_late_confirmation_and_counts_from_arrival() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [{"type": "received", "date": "2025-03-03", "channel": "ordinary_letter", "confirmed": "2025-03-05"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2025-03-10", "--format", "json"]);
    assert_eq!((v["receipt_date"].as_str(), v["due"]["reply"].as_str()), (Some("2025-03-03"), Some("2025-03-31")));
    assert_eq!(v["warnings"].as_array().map(Vec::len), Some(1));
    let human = gk.ok(&["deadline", &t, "--today", "2025-03-10"]);
    assert!(human.contains("注意：平常信函于 2025-03-03 到达，2025-03-05 才与申请人确认"), "{human}");
    let s = gk.file("s.yaml", "late_confirmation: confirmation\n");
    let v = gk.json(&["deadline", &t, "--today", "2025-03-10", "--format", "json", "--settings", &s]);
    assert_eq!(v["receipt_date"], "2025-03-05");
}

#[test]
fn deadline_in_a_provisional_year_binds_the_agency_early_and_the_applicant_late() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [
        {"type": "received", "date": "2027-04-26", "channel": "in_person"},
        {"type": "fee_notice_sent", "date": "2027-04-26"},
        {"type": "fee_notice_received", "date": "2027-04-26"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2027-04-26", "--format", "json"]);
    assert_eq!(v["provisional"], true);
    // 劳动节 5/1-5/2 off; the two weekdays of 补假 it owes count for the applicant only.
    assert_eq!(v["due"]["payment"], "2027-05-26");
    // The 补正 notice binds the agency: the 补假 count as working days (early side).
    assert_eq!(v["due"]["correction_notice"], "2027-05-05");
    let out = gk.ok(&["calendar", "day", "2027-05-03"]);
    assert!(out.contains("：工作日（可能为劳动节补假") && out.contains("计算申请人的期限时按放假计"), "{out}");
    let out = gk.ok(&["calendar", "day", "2027-02-05"]);
    assert!(out.starts_with("2027-02-05 星期五：非工作日（春节假期"), "{out}");
}

#[test]
fn deadline_accepts_electronic_delivery() {
    let gk = Gk::new();
    let t = gk.file("t.json", r#"{"events": [{"type": "received", "date": "2025-01-20", "channel": "online", "confirmed": "2025-01-20"},
        {"type": "replied", "date": "2025-02-21", "delivery": "electronic"}]}"#);
    let v = gk.json(&["deadline", &t, "--today", "2025-03-01", "--format", "json"]);
    assert_eq!((v["overdue"].as_bool(), v["working_days_left"].as_u64()), (Some(false), Some(0)));
}
