//! Issue 7, item 16: input limits. A crafted XLSX is refused before it can ask for memory, control
//! characters are refused by row and column (the same on SQLite and PostgreSQL), a CSV export
//! cannot carry a formula into a spreadsheet, and file arguments are read as files.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::io::Write as _;
use std::process::Command;

use crate::records::{Gk, LEDGER, setup};

/// A minimal XLSX workbook whose one sheet holds `sheet_data` (the `<sheetData>` children) and
/// declares `dimension`.
fn xlsx(dimension: &str, sheet_data: &str) -> Vec<u8> {
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
            ),
        ),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// An inline-string cell.
fn c(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A ledger sheet: the header row and one application.
fn ledger_rows() -> String {
    let cols = ["A", "B", "C", "D", "E", "F"];
    let header = ["编号", "申请人", "申请人类型", "申请方式", "收到日期", "申请内容"];
    let row = ["X1", "张三", "自然人", "网络", "2025-01-20", "某项目批复"];
    let cells = |r: usize, v: &[&str]| cols.iter().zip(v).map(|(col, t)| c(&format!("{col}{r}"), t)).collect::<String>();
    format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, cells(1, &header), cells(2, &row))
}

#[test]
fn a_crafted_xlsx_is_refused_before_it_asks_for_memory() {
    let gk = Gk::new();
    setup(&gk);
    // A few KB that declare (and use) a cell at XFD1048576: read as a grid, 17 billion cells.
    let far = format!(r#"{}<row r="1048576">{}</row>"#, ledger_rows(), c("XFD1048576", "x"));
    let bytes = xlsx("A1:XFD1048576", &far);
    assert!(bytes.len() < 8 * 1024, "{} bytes", bytes.len());
    let path = gk.path("大表.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let started = std::time::Instant::now();
    let err = gk.fails_as(None, &["case", "import", &path.display().to_string(), "--agency", "某某县民政局"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
    assert!(err.contains("第 1048576 行") && err.contains("上限"), "{err}");
    // A column far to the right is refused at its cell too.
    let wide = format!(r#"{}<row r="3">{}</row>"#, ledger_rows(), c("AAA3", "x"));
    std::fs::write(&path, xlsx("A1:AAA3", &wide)).unwrap();
    let err = gk.fails_as(None, &["case", "import", &path.display().to_string(), "--agency", "某某县民政局"]);
    assert!(err.contains("第 3 行第 703 列") && err.contains("上限"), "{err}");
    // The same workbook within bounds (a lying dimension is harmless) imports.
    std::fs::write(&path, xlsx("A1:XFD1048576", &ledger_rows())).unwrap();
    let out = gk.ok(&["case", "import", &path.display().to_string(), "--agency", "某某县民政局"]);
    assert!(out.contains("已导入 1 件申请"), "{out}");
    // Not a workbook at all: Chinese, no English from zip or calamine.
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    let err = gk.fails_as(None, &["case", "import", &path.display().to_string(), "--agency", "某某县民政局"]);
    assert!(err.contains("不是有效的 .xlsx") && !err.is_ascii() && !err.contains("archive"), "{err}");
}

/// The error lines of a failed import, sorted (they carry row and column).
fn problems(err: &str) -> Vec<String> {
    let mut v: Vec<String> = err.lines().filter(|l| l.starts_with("第 ")).map(str::to_string).collect();
    v.sort();
    v
}

const BAD_TEXT: &str = "编号,申请人,申请人类型,申请方式,收到日期,申请内容,备注\n\
    B1,张\u{0}三,自然人,网络,2025-01-20,某项目批复,\n\
    B2,李四,自然人,网络,2025-01-21,\"第一行\n第二行\",\u{1b}[31m红字\n";

#[test]
fn control_characters_are_refused_by_row_and_column_on_both_backends() {
    let gk = Gk::new();
    setup(&gk);
    let ledger = gk.write("坏字符.csv", BAD_TEXT);
    let err = gk.fails_as(None, &["case", "import", &ledger, "--agency", "某某县民政局"]);
    let sqlite = problems(&err);
    // Row 3 spans two lines of the file (a line break inside 申请内容 is allowed); its 备注 is not.
    assert_eq!(
        sqlite,
        vec![
            "第 2 行，“申请人”列：含有不可见的控制字符 U+0000（第 2 个字符），请删除后重试".to_string(),
            "第 3 行，“备注”列：含有不可见的控制字符 U+001B（第 1 个字符），请删除后重试".to_string(),
        ],
        "{err}"
    );
    assert!(gk.ok(&["case", "list"]).contains("没有符合条件的案件"), "nothing imported");
    // One application typed on the command line: the same rule, naming the field.
    let err = gk.fails_as(
        None,
        &["case", "add", "--agency", "某某县民政局", "--applicant", "王五", "--kind", "natural-person", "--channel", "网络", "--received", "2025-01-20", "--content", "a\u{7}b"],
    );
    assert!(err.contains("申请内容含有不可见的控制字符 U+0007"), "{err}");

    let Ok(pg) = std::env::var("GONGKAI_TEST_POSTGRES_URL") else {
        eprintln!("跳过 PostgreSQL 部分：未设置 GONGKAI_TEST_POSTGRES_URL");
        return;
    };
    let schema = format!("cli_limits_{}", std::process::id());
    let url = if pg.contains('?') { format!("{pg}&options=-csearch_path%3D{schema}") } else { format!("{pg}?options=-csearch_path%3D{schema}") };
    let status = Command::new("psql").arg(&pg).args(["-qc", &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")]).status();
    assert!(status.map(|s| s.success()).unwrap_or(false), "GONGKAI_TEST_POSTGRES_URL is set but psql cannot reach it");
    let dump = gk.path("dump.jsonl").display().to_string();
    gk.ok(&["export", "-o", &dump]);
    gk.ok(&["import", &dump, "--database", &url]);
    let err = gk.fails_as(None, &["case", "import", &ledger, "--agency", "某某县民政局", "--database", &url]);
    let _ = Command::new("psql").arg(&pg).args(["-qc", &format!("DROP SCHEMA {schema} CASCADE")]).status();
    assert_eq!(problems(&err), sqlite, "{err}");
}

#[test]
fn csv_export_neutralises_formulas_and_imports_them_back() {
    let gk = Gk::new();
    setup(&gk);
    gk.ok(&["init", "--agency", "测试镇", "--level", "township", "--parent", "某某县人民政府", "--admin", "admin"]);
    let ledger = gk.write(
        "公式.csv",
        "编号,申请人,申请人类型,申请方式,收到日期,申请内容,备注\n\
         F1,=HYPERLINK(\"http://x\"),自然人,网络,2025-01-20,+1+1,@SUM(A1)\n\
         F2,-张三,自然人,网络,2025-01-21,正常内容,\n",
    );
    gk.ok(&["case", "import", &ledger, "--agency", "某某县民政局"]);
    let out = gk.path("导出.csv");
    gk.ok(&["case", "export", "--agency", "某某县民政局", "--out", &out.display().to_string()]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(r#"F1,"'=HYPERLINK(""http://x"")",自然人"#), "{text}");
    assert!(text.contains(",'+1+1,") && text.contains(",'@SUM(A1)\r\n"), "{text}");
    assert!(text.contains("F2,'-张三,"), "{text}");
    // No cell of the export starts a formula.
    for line in text.lines().skip(1) {
        for cell in line.split(',') {
            assert!(!cell.trim_start_matches('"').starts_with(['=', '+', '-', '@']), "{cell} in {line}");
        }
    }
    // The `'` is the export's, not the record's: imported back, the values are unchanged.
    gk.ok(&["case", "import", &out.display().to_string(), "--agency", "测试镇"]);
    let show = gk.ok(&["case", "show", "F1", "--agency", "测试镇"]);
    assert!(show.contains("=HYPERLINK(\"http://x\")") && !show.contains("'=HYPERLINK"), "{show}");
}

#[test]
fn file_arguments_are_read_as_files_not_through_links() {
    let gk = Gk::new();
    setup(&gk);
    // A ledger name that links to a file outside: refused, its content never echoed.
    let secret = gk.write("secret.txt", "root:x:0:0:root:/root:/bin/bash\n");
    let link = gk.path("台账.csv");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let err = gk.fails_as(None, &["case", "import", &link.display().to_string(), "--agency", "某某县民政局"]);
    assert!(err.contains("符号链接") && !err.contains("root:x"), "{err}");
    // A directory, a missing file: Chinese, naming the path.
    let dir = gk.path("目录.csv");
    std::fs::create_dir(&dir).unwrap();
    let err = gk.fails_as(None, &["case", "import", &dir.display().to_string(), "--agency", "某某县民政局"]);
    assert!(err.contains("是一个目录"), "{err}");
    let err = gk.fails_as(None, &["case", "import", "不存在.csv", "--agency", "某某县民政局"]);
    assert!(err.contains("不存在.csv") && err.contains("文件或目录不存在") && !err.contains("No such file"), "{err}");
    // The whole-database import and a JSON narrative are file arguments too.
    let dump_link = gk.path("dump.jsonl");
    std::os::unix::fs::symlink(&secret, &dump_link).unwrap();
    let copy = format!("sqlite:{}", gk.path("copy.db").display());
    let err = gk.fails(&["import", &dump_link.display().to_string(), "--database", &copy]);
    assert!(err.contains("符号链接") && !err.contains("root:x"), "{err}");
    // Nothing was created by the refused import.
    assert!(!gk.path("copy.db").exists());
    let _ = LEDGER;
}
