//! Issue 7, item 22: users (list, disable, revoke, passwd) and every ledger column at once (承办人,
//! 延期批准人, 告知书文号, 送达方式, a withdrawal as 撤回) round-tripped; the template, the
//! withdrawal events and Excel's "Unicode 文本" are in ledger.rs.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::process::{Command, Output, Stdio};

use crate::records::{Gk, setup};

/// Runs as `user` with `password`, `new_password` offered for a password change.
fn run_with(gk: &Gk, user: &str, password: &str, new_password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .current_dir(gk.path(""))
        .env("GONGKAI_DATA_DIR", gk.path("data"))
        .env("GONGKAI_USER", user)
        .env("GONGKAI_PASSWORD", password)
        .env("GONGKAI_NEW_PASSWORD", new_password)
        .env_remove("GONGKAI_OPERATOR")
        .env_remove("GONGKAI_DATABASE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn users_are_listed_revoked_disabled_and_their_passwords_changed() {
    let gk = Gk::new();
    setup(&gk);
    gk.user("clerk", "registrar", "某某县民政局");
    let list = gk.ok_as(Some("admin"), &["user", "list"]);
    let clerk = list.lines().find(|l| l.starts_with("clerk\t")).unwrap_or_default().to_owned();
    assert!(clerk.contains("某某县民政局：登记员"), "{list}");
    let v: serde_json::Value = serde_json::from_str(&gk.ok_as(Some("admin"), &["user", "list", "--format", "json"])).unwrap();
    let c = v.as_array().unwrap().iter().find(|u| u["login"] == "clerk").unwrap();
    assert_eq!(c["roles"][0]["role"], "registrar");
    assert_eq!(c["disabled"], false);
    // A registrar may not list users (administrators only).
    assert!(!gk.run_as(Some("clerk"), &["user", "list"]).status.success());

    // Revoked: the clerk can no longer register at the agency.
    let add = ["case", "add", "--agency", "某某县民政局", "--applicant", "王五", "--kind", "natural-person", "--channel", "网络", "--received", "2025-03-03", "--content", "某文件"];
    gk.ok_as(Some("clerk"), &add);
    let out = gk.ok_as(Some("admin"), &["user", "revoke", "clerk", "--agency", "某某县民政局", "--role", "registrar"]);
    assert!(out.contains("已收回“clerk”在“某某县民政局”的登记员角色"), "{out}");
    let err = gk.fails_as(Some("clerk"), &add);
    assert!(err.contains("错误：") && !err.is_ascii(), "{err}");
    assert!(gk.ok_as(Some("admin"), &["user", "list"]).lines().any(|l| l.starts_with("clerk\t") && l.ends_with("无角色")));

    // Disabled: cannot log in at all; enabled again: can.
    gk.ok_as(Some("admin"), &["user", "grant", "clerk", "--agency", "某某县民政局", "--role", "registrar"]);
    assert!(gk.ok_as(Some("admin"), &["user", "disable", "clerk"]).contains("已停用用户“clerk”"));
    let err = gk.fails_as(Some("clerk"), &["case", "list"]);
    assert!(err.contains("停用"), "{err}");
    assert!(gk.ok_as(Some("admin"), &["user", "list"]).contains("clerk\tclerk（已停用）"));
    gk.ok_as(Some("admin"), &["user", "enable", "clerk"]);
    gk.ok_as(Some("clerk"), &["case", "list"]);

    // passwd: an administrator resets it; the user changes their own (knowing the old one).
    let o = run_with(&gk, "admin", "correct horse", "reset-by-admin-1", &["user", "passwd", "clerk"]);
    assert!(o.status.success() && text(&o).contains("用户“clerk”的密码已修改"), "{}", text(&o));
    assert!(!run_with(&gk, "clerk", "a-good-password", "x", &["case", "list"]).status.success(), "the old password is gone");
    let o = run_with(&gk, "clerk", "reset-by-admin-1", "chosen-by-clerk-2", &["user", "passwd"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(run_with(&gk, "clerk", "chosen-by-clerk-2", "x", &["case", "list"]).status.success());
    // A clerk may not reset another user's password.
    let o = run_with(&gk, "clerk", "chosen-by-clerk-2", "stolen-password-3", &["user", "passwd", "officer"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(run_with(&gk, "officer", "a-good-password", "x", &["case", "list"]).status.success(), "officer's password unchanged");

    // The audit log says what happened in Chinese (the codes are in --format json).
    let log = gk.ok_as(Some("admin"), &["audit", "log", "--limit", "1000"]);
    for said in ["新建机关", "新建用户", "授予角色", "收回角色", "停用用户", "修改密码：用户", "新建申请"] {
        assert!(log.contains(said), "“{said}” not in\n{log}");
    }
    for code in ["create ", "grant ", "revoke ", "password ", " application ", " user "] {
        assert!(!log.contains(code), "“{code}” in\n{log}");
    }
}

/// A ledger using every column: an officer, an extension and its approver, a reply with its
/// letter number and delivery, a withdrawal.
const FULL: &str = "编号,申请人,申请人类型,申请方式,收到日期,申请内容,承办人,补正通知日期,补正收到日期,征求意见开始日期,征求意见结束日期,延期日期,延期批准人,答复日期,办理结果,告知书文号,送达方式,备注
W1,张三,自然人,网络,2025-03-03,某项目批复,officer,,,,,2025-03-20,head,2025-04-10,部分公开,某民公开〔2025〕7号,邮寄送达,
W2,李四,自然人,当面提交,2025-03-04,征地补偿,officer,,,,,,,2025-03-06,撤回,,,申请人书面撤回
";

#[test]
fn ledger_columns_officer_approver_letter_delivery_and_withdrawal_round_trip() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("全列.csv", FULL);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let show = gk.ok(&["case", "show", "W1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["officer"], "officer");
    assert_eq!(v["application"]["closing"]["reply_letter_ref"], "某民公开〔2025〕7号");
    let replied = v["application"]["events"].as_array().unwrap().iter().find(|e| e["kind"] == "replied").unwrap().clone();
    assert_eq!(replied["detail"]["delivery"], "post", "{replied}");
    let show = gk.ok(&["case", "show", "W2"]);
    assert!(show.contains("1 2025-03-06  撤回申请"), "a withdrawal is not a reply: {show}");

    let out = gk.path("导出.csv");
    gk.ok(&["case", "export", "--agency", "某某县民政局", "-o", &out.display().to_string()]);
    let exported = std::fs::read_to_string(&out).unwrap();
    assert_eq!(exported.trim_start_matches('\u{feff}').replace("\r\n", "\n"), FULL, "every column exported as imported");
    // The annual report counts the withdrawal under 其他 (table 三), the ledger keeps 撤回.
    assert!(exported.contains(",撤回,"), "{exported}");

    // A withdrawal or no outcome cannot carry a delivery; an unknown delivery is named.
    let bad = gk.write(
        "坏列.csv",
        "编号,申请人,申请人类型,申请方式,收到日期,申请内容,答复日期,办理结果,告知书文号,送达方式\n\
         X1,王五,自然人,网络,2025-03-03,内容,2025-03-05,撤回,,邮寄送达\n\
         X2,王五,自然人,网络,2025-03-03,内容,2025-03-05,予以公开,,飞鸽传书\n\
         X3,王五,自然人,网络,2025-03-03,内容,,,某号,\n",
    );
    let err = gk.fails(&["case", "import", &bad, "--agency", "某某县民政局"]);
    assert!(err.contains("第 2 行，“送达方式”列：撤回的申请没有答复"), "{err}");
    assert!(err.contains("第 3 行，“送达方式”列：“飞鸽传书”不是有效的送达方式"), "{err}");
    assert!(err.contains("第 4 行，“告知书文号”列：填写了告知书文号，但没有办理结果"), "{err}");
}
