//! `gongkai report …` run as a user would: exit codes, compiler-style output, JSON contract.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn example(name: &str) -> String {
    examples().join(name).display().to_string()
}

fn gk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn check_a_clean_report_exits_0_with_a_one_line_summary() {
    let path = example("2024-example-town.txt");
    let o = gk(&["report", "check", &path]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // the verdict first, the counts last
    assert_eq!(stdout(&o), format!("{path}（示例县城关镇人民政府 2024年度）：通过：未发现问题\n\n示例县城关镇人民政府 2024年度：0 个错误，0 个警告\n"));
}

#[test]
fn check_a_report_with_errors_exits_1_and_prints_finding_source_line_and_fix() {
    let path = example("2024-example-bureau-defects.txt");
    let o = gk(&["report", "check", &path]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(
        out.lines().next().unwrap(),
        format!("{path}（示例县民政局 2024年度）：不通过：5 个错误（表三勾稽关系不成立 ×2、表三办理结果总计与各项之和不符 ×2、表四总计与各项之和不符），3 个警告（文号年份括号不规范、正文数字与表格不符、未说明信息处理费收费情况）"),
        "the verdict comes first:\n{out}"
    );
    assert!(out.contains("错误[T3_BALANCE]: 表三“总计”列：第一项 15 + 第二项 0 = 15，但第三项（七）16 + 第四项 0 = 16，勾稽关系不成立"), "{out}");
    assert!(out.contains(&format!("  --> {path}:")), "{out}");
    assert!(out.contains("| （七）总计"), "the source line is quoted:\n{out}");
    assert!(out.contains("  = 修改建议："), "{out}");
    assert!(out.contains("错误[T4_GROUP_TOTAL]"));
    assert!(out.contains("警告[DOC_NUMBER_FORMAT]: 发文字号“民政字[2025]6号”"));
    assert!(out.contains("警告[FEE_STATEMENT_MISSING]"));
    assert!(out.contains("警告[NARRATIVE_MISMATCH]"));
    assert!(out.ends_with("示例县民政局 2024年度：5 个错误，3 个警告\n"), "{out}");
}

#[test]
fn check_a_directory_prints_a_summary_table() {
    let o = gk(&["report", "check", "-q", &examples().display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let header = out.lines().next().unwrap();
    for h in ["文件", "机关", "年度", "错误", "警告", "结论"] {
        assert!(header.contains(h), "{header}");
    }
    let town = out.lines().find(|l| l.contains("2024-example-town.html")).unwrap();
    assert!(town.trim_end().ends_with("通过"), "{town}");
    let bureau = out.lines().find(|l| l.contains("2024-example-bureau-defects.txt")).unwrap();
    assert!(bureau.trim_end().ends_with("不通过"), "{bureau}");
    assert!(out.contains("2024-example-town.html"));
    assert!(out.contains("共 5 份：10 个错误，6 个警告"), "{out}");
    // no progress bar when stderr is not a terminal
    assert_eq!(stderr(&o), "");
}

#[test]
fn check_json_is_the_contract_with_every_finding() {
    let o = gk(&["report", "check", "--format", "json", &example("2024-example-bureau-defects.txt"), &example("2024-example-town.md")]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    let bad = &reports[0];
    assert_eq!(bad["agency"], "示例县民政局");
    assert_eq!(bad["year"], 2024);
    assert_eq!(bad["format"], "2021");
    assert_eq!(bad["tables"]["t3"]["new_received"].as_array().unwrap().len(), 7);
    assert!(bad["tables"]["t4"]["review_total"].is_number());
    let codes: Vec<&str> = bad["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"T3_BALANCE") && codes.contains(&"FEE_STATEMENT_MISSING"), "{codes:?}");
    let f = &bad["findings"][0];
    assert!(f["severity"].is_string() && f["message"].is_string() && f["location"].is_object());
    assert_eq!(reports[1]["findings"].as_array().unwrap().len(), 0);
    // the verdict on each report, first thing a person reads: status and one line
    assert_eq!(bad["verdict"]["status"], "fail");
    assert!(bad["verdict"]["text"].as_str().unwrap().starts_with("不通过：5 个错误（表三勾稽关系不成立 ×2"), "{}", bad["verdict"]);
    assert_eq!(reports[1]["verdict"], serde_json::json!({"status": "pass", "text": "通过：未发现问题"}));
}

#[test]
fn an_unreadable_input_exits_2_even_when_another_has_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, [0u8, 159, 146, 150, 0, 0, 7, 255, 0, 1].repeat(50)).unwrap();
    let o = gk(&["report", "check", &empty.display().to_string(), &example("2024-example-bureau-defects.txt")]);
    assert_eq!(o.status.code(), Some(2));
    // The unreadable input is named on stderr; the summary table on stdout lists it too.
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("错误：无法读取") && err.contains("文件为空"), "{err}");
    assert!(stdout(&o).contains("（无法读取）"), "{}", stdout(&o));
    let o = gk(&["report", "check", &junk.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法读取"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = gk(&["report", "check", "--format", "json", &dir.path().join("missing.txt").display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 0);
    assert!(v["unreadable"][0]["error"].as_str().unwrap().contains("文件或目录不存在"));
}

#[test]
fn check_json_written_report_by_report_is_the_pretty_document_of_the_whole() {
    // The document is written as the reports are checked; it must be exactly what serde_json
    // prints for the whole document (keys sorted, two-space indents): with reports and
    // unreadable inputs, with unreadable inputs only, with reports only.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    let missing = dir.path().join("missing.txt").display().to_string();
    let cases: [Vec<String>; 3] = [
        vec![examples().display().to_string(), dir.path().display().to_string(), missing.clone()],
        vec![missing],
        vec![example("2024-example-town.html")],
    ];
    for args in cases {
        let mut all = vec!["report", "check", "--format", "json"];
        all.extend(args.iter().map(String::as_str));
        let out = stdout(&gk(&all));
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(out, format!("{}\n", serde_json::to_string_pretty(&v).unwrap()), "{args:?}");
    }
}

#[test]
fn check_with_previous_adds_the_cross_year_checks() {
    // the same report as its own previous year: wrong year pairing is skipped, so fake one year back
    let dir = tempfile::tempdir().unwrap();
    let prev = dir.path().join("prev.json");
    let o = gk(&["report", "render", &example("2024-example-town.txt"), "--to", "json"]);
    let mut v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &mut v["reports"][0];
    r["year"] = Value::from(2023);
    r["tables"]["t3"]["carried_forward"] = serde_json::json!([5, 0, 0, 0, 0, 0, 5]);
    std::fs::write(&prev, v.to_string()).unwrap();
    let o = gk(&["report", "check", "--previous", &prev.display().to_string(), &example("2024-example-town.txt")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("错误[CARRYOVER_MISMATCH]"), "{}", stdout(&o));
}

#[test]
fn render_to_stdout_and_files_and_back() {
    let o = gk(&["report", "render", &example("2024-example-town.txt"), "--to", "md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("|"));
    let dir = tempfile::tempdir().unwrap();
    for ext in ["txt", "md", "html", "docx", "xlsx", "json"] {
        let out = dir.path().join(format!("r.{ext}"));
        let o = gk(&["report", "render", &example("2024-example-town.txt"), "-o", &out.display().to_string()]);
        assert_eq!(o.status.code(), Some(0), "{ext}: {}", stderr(&o));
        assert!(std::fs::metadata(&out).unwrap().len() > 100, "{ext}");
        let o = gk(&["report", "check", &out.display().to_string()]);
        if ext == "xlsx" {
            // The workbook is read back (issue 7 item 12): its tables check clean, and what it
            // cannot hold — the narrative sections — is named missing, nothing else.
            assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
            let text = stdout(&o);
            let found: Vec<&str> = text.lines().filter(|l| l.starts_with("错误[") || l.starts_with("警告[")).collect();
            assert!(!found.is_empty() && found.iter().all(|l| l.starts_with("错误[MISSING_SECTION]")), "{text}");
        } else {
            assert_eq!(o.status.code(), Some(0), "{ext}: {}", stdout(&o));
        }
    }
    let o = gk(&["report", "render", &example("2024-example-town.txt"), "--to", "docx"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("请用 -o 指定输出文件"), "{}", stderr(&o));
    let o = gk(&["report", "render", &example("2024-example-town.txt"), "--to", "pdf"]);
    assert_eq!(o.status.code(), Some(2), "clap rejects an unknown format");
    assert!(stderr(&o).contains("不支持的输出格式"), "{}", stderr(&o));
}

#[test]
fn compare_prints_changes_carry_over_and_similarity() {
    let o = gk(&["report", "compare", &example("2024-example-town.txt"), &example("2024-example-bureau-defects.txt")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("年度报告比对：示例县城关镇人民政府2024年度（旧） → 示例县民政局2024年度（新）"), "{out}");
    assert!(out.contains("结转核对"));
    assert!(out.contains("正文相似度"));
    let o = gk(&["report", "compare", &example("2024-example-town.txt"), &example("2024-example-town.md"), "--to", "html"]);
    assert!(stdout(&o).starts_with("<!DOCTYPE html>"));
}

#[test]
fn aggregate_sums_reports_and_names_units_with_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sum.json");
    let o = gk(&[
        "report",
        "aggregate",
        &example("2024-example-town.txt"),
        &example("2024-example-bureau-defects.txt"),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 个单位的报告有错误"), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let new = &v["reports"][0]["tables"]["t3"]["new_received"];
    assert_eq!(new[6], 15 + 15, "{}", new);
    assert_eq!(v["units"][1]["has_errors"], true);
    let out = dir.path().join("sum.xlsx");
    let o = gk(&["report", "aggregate", &examples().display().to_string(), "-o", &out.display().to_string(), "--name", "示例县汇总"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::metadata(&out).unwrap().len() > 1000);
}

/// A valid 1×1 grey PNG (stored deflate block), made here.
fn tiny_png() -> Vec<u8> {
    fn crc(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in data {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let body: Vec<u8> = kind.iter().chain(data).copied().collect();
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    // zlib: header, one stored block of [filter 0, white], Adler-32
    chunk(&mut png, b"IDAT", &[0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0xFF, 0x01, 0x01, 0x01, 0x00]);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn an_image_without_tesseract_is_unreadable_and_names_the_packages() {
    let dir = std::env::temp_dir().join(format!("gongkai-cli-ocr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("表三.png");
    std::fs::write(&png, tiny_png()).unwrap();
    let path = png.display().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["report", "check", &path])
        .env("GONGKAI_TESSERACT", "gongkai-no-such-tesseract")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("tesseract-ocr tesseract-ocr-chi-sim") && all.contains("PNG"), "{all}");
    // switched off: said so
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai")).args(["report", "check", &path]).env("GONGKAI_OCR", "off").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(format!("{}{}", stdout(&o), stderr(&o)).contains("GONGKAI_OCR=off"));
    // a page whose table 三 is that image: MISSING_TABLE, saying why it was not read
    let page = std::fs::read_to_string(example("2024-example-town.html")).unwrap();
    let (a, b) = (page.find("<table").unwrap(), page.find("</table>").unwrap());
    let i = a + 1 + page[a + 1..].find("<table").unwrap();
    let j = b + 1 + page[b + 1..].find("</table>").unwrap() + "</table>".len();
    let with_image = format!("{}<p><img src=\"表三.png\"></p>{}", &page[..i], &page[j..]);
    let html = dir.join("page.html");
    std::fs::write(&html, with_image).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["report", "check", &html.display().to_string()])
        .env("GONGKAI_TESSERACT", "gongkai-no-such-tesseract")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("MISSING_TABLE") && out.contains("表三.png") && out.contains("tesseract-ocr-chi-sim"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_report_without_an_agency_is_named_once_and_its_findings_are_headed_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("无机关.txt");
    std::fs::write(&path, "一、总体情况\n本年度……\n").unwrap();
    let path = path.display().to_string();
    let o = gk(&["report", "check", &path]);
    let out = stdout(&o);
    assert!(out.starts_with(&format!("{path}（未识别机关）：未能完整核对")), "{out}");
    assert!(!out.contains("（（") && !out.contains("））"), "{out}");
    assert!(out.contains("\n错误[TRUNCATED_INPUT]: "), "{out}");
    assert!(out.ends_with("未识别机关：1 个错误，0 个警告\n"), "{out}");
    for english in ["error[", "warning[", "info["] {
        assert!(!out.contains(english), "{out}");
    }
}
