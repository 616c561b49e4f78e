//! Issue 7, item 22 (the ledger's part): `case template`, the columns 告知书文号 and 送达方式, a
//! withdrawal exported as 撤回 and imported back as a withdrawal, Excel's "Unicode 文本" read.

use crate::records::{Gk, setup, staff};

#[test]
fn the_ledger_template_has_the_header_and_an_example_that_imports() {
    let gk = Gk::new();
    // No database is needed to write a template.
    let csv = gk.path("台账模板.csv");
    let out = gk.ok(&["case", "template", "--to", &csv.display().to_string()]);
    assert!(out.contains("已生成台账模板"), "{out}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("编号,申请人,申请人类型,申请方式,收到日期,申请内容,承办人,"), "{text}");
    assert!(lines[0].ends_with(",答复日期,办理结果,告知书文号,送达方式,备注"), "{text}");
    assert!(lines[1].contains("予以公开,某政公开〔2025〕1号,邮寄送达,"), "{text}");
    // Never over an existing file.
    let err = gk.fails(&["case", "template", "--to", &csv.display().to_string()]);
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    // The XLSX template too; both import (the example row is a valid application).
    let xlsx = gk.path("台账模板.xlsx");
    gk.ok(&["case", "template", "--to", &xlsx.display().to_string()]);
    setup(&gk);
    let out = gk.ok(&["case", "import", &xlsx.display().to_string(), "--agency", "某某县民政局"]);
    assert!(out.contains("已导入 1 件申请"), "{out}");
    let show = gk.ok(&["case", "show", "示例-0001"]);
    assert!(show.contains("予以公开"), "{show}");
    let err = gk.fails(&["case", "template", "--to", &gk.path("模板.docx").display().to_string()]);
    assert!(err.contains("无法识别台账文件类型"), "{err}");
}

const LEDGER: &str = "编号,申请人,申请人类型,申请方式,收到日期,申请内容,答复日期,办理结果,告知书文号,送达方式,备注
W1,张三,自然人,网络,2025-01-20,某项目批复,2025-02-10,予以公开,某政公开〔2025〕3号,电子送达,
W2,李四,自然人,当面提交,2025-01-22,征地补偿,2025-01-25,撤回,,,申请人书面撤回
";

#[test]
fn letter_reference_delivery_and_withdrawal_round_trip() {
    let gk = Gk::new();
    setup(&gk);
    gk.ok(&["init", "--agency", "测试镇", "--level", "township", "--parent", "某某县人民政府", "--admin", "admin"]);
    staff(&gk, "测试镇");
    let ledger = gk.write("台账.csv", LEDGER);
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    // W2 is a withdrawal, not a reply.
    let show = gk.ok(&["case", "show", "W2"]);
    assert!(show.contains("撤回申请") && !show.contains("答复（"), "{show}");
    // A withdrawal recorded as an event exports as 撤回 too.
    gk.ok(&[
        "case", "add", "--agency", "某某县民政局", "--applicant", "王五", "--kind", "natural-person", "--channel", "网络",
        "--received", "2025-03-03", "--content", "某文件", "--number", "W3",
    ]);
    gk.ok(&["case", "event", "W3", "--type", "withdrawn", "--date", "2025-03-05"]);
    let csv1 = gk.path("out1.csv");
    gk.ok(&["case", "export", "--agency", "某某县民政局", "--out", &csv1.display().to_string()]);
    let text = std::fs::read_to_string(&csv1).unwrap();
    assert!(text.contains(",2025-02-10,予以公开,某政公开〔2025〕3号,电子送达,"), "{text}");
    assert!(text.contains(",2025-01-25,撤回,,,申请人书面撤回"), "{text}");
    assert!(text.contains(",2025-03-05,撤回,,,"), "{text}");
    assert!(!text.contains(",其他,"), "{text}");
    // Imported elsewhere and exported again: the same ledger, the withdrawals still withdrawals.
    gk.ok(&["case", "import", &csv1.display().to_string(), "--agency", "测试镇"]);
    let csv2 = gk.path("out2.csv");
    gk.ok(&["case", "export", "--agency", "测试镇", "--out", &csv2.display().to_string()]);
    assert_eq!(text, std::fs::read_to_string(&csv2).unwrap());
    let show = gk.ok(&["case", "show", "W3", "--agency", "测试镇"]);
    assert!(show.contains("撤回申请"), "{show}");
    // The columns are checked.
    let bad = gk.write(
        "坏.csv",
        "编号,申请人,申请人类型,申请方式,收到日期,申请内容,答复日期,办理结果,告知书文号,送达方式\n\
         X1,甲,自然人,网络,2025-01-20,某文件,2025-02-10,予以公开,,飞鸽传书\n\
         X2,乙,自然人,网络,2025-01-20,某文件,2025-02-10,撤回,,邮寄送达\n\
         X3,丙,自然人,网络,2025-01-20,某文件,,,某政公开〔2025〕9号,\n",
    );
    let err = gk.fails(&["case", "import", &bad, "--agency", "某某县民政局"]);
    assert!(err.contains("第 2 行，“送达方式”列：“飞鸽传书”不是有效的送达方式"), "{err}");
    assert!(err.contains("第 3 行，“送达方式”列：撤回的申请没有答复"), "{err}");
    assert!(err.contains("第 4 行，“告知书文号”列：填写了告知书文号，但没有办理结果"), "{err}");
}

#[test]
fn excel_unicode_text_is_read() {
    let gk = Gk::new();
    setup(&gk);
    // Excel's "Unicode 文本": UTF-16 LE with a BOM, tab-separated, CRLF.
    let text = "编号\t申请人\t申请人类型\t申请方式\t收到日期\t申请内容\r\n\
                U1\t张三\t自然人\t网络\t2025-01-20\t文件，含逗号,和英文逗号\r\n\
                U2\t某公司\t商业企业\t邮寄\t2025-01-21\t\"带引号的\t内容\"\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let path = gk.path("台账.txt");
    std::fs::write(&path, bytes).unwrap();
    let out = gk.ok(&["case", "import", &path.display().to_string(), "--agency", "某某县民政局"]);
    assert!(out.contains("已导入 2 件申请"), "{out}");
    let show = gk.ok(&["case", "show", "U1"]);
    assert!(show.contains("文件，含逗号,和英文逗号"), "{show}");
    assert!(gk.ok(&["case", "show", "U2"]).contains("带引号的\t内容"));
}
