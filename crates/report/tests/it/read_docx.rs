//! The DOCX reader: real .docx files built in the test with the zip crate (paragraphs, runs,
//! tables with w:gridSpan and w:vMerge, a Word-style nested layout table), and the files that
//! arrive as "Word documents" but are not readable ones: damaged, password-protected, legacy .doc.
// Helpers outside #[test] functions unwrap too: the whole module is test code.
#![cfg(test)]

use std::io::Write;
use std::path::Path;

use gongkai_domain::report::check::{CheckOptions, check};
use gongkai_domain::report::json::report_json;
use gongkai_domain::report::spec::T4_ROW;
use gongkai_domain::report::{AgencyLevel, FormatVersion, Report, Severity, TableId, Value};
use gongkai_report::read::doc::Block;
use gongkai_report::read::{self, ReadError, docx};

// ---- building .docx files ----------------------------------------------------------------------

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A paragraph; the text is split into runs at `|` (Word splits runs at every format change).
fn p(text: &str) -> String {
    let runs: String = text.split('|').map(|r| format!("<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(r))).collect();
    format!("<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr>{runs}</w:p>")
}

#[derive(Clone, Copy)]
enum M {
    /// An ordinary cell.
    N,
    /// Spans `n` grid columns.
    Span(usize),
    /// Starts a vertical merge.
    Restart,
    /// Continues a vertical merge (the cell is covered).
    Cont,
    /// Starts a vertical merge and spans `n` columns.
    RestartSpan(usize),
    /// Continues a vertical merge of `n` columns.
    ContSpan(usize),
}

fn tc(text: &str, m: M) -> String {
    let pr = match m {
        M::N => String::new(),
        M::Span(n) => format!("<w:gridSpan w:val=\"{n}\"/>"),
        M::Restart => "<w:vMerge w:val=\"restart\"/>".to_owned(),
        M::Cont => "<w:vMerge/>".to_owned(),
        M::RestartSpan(n) => format!("<w:gridSpan w:val=\"{n}\"/><w:vMerge w:val=\"restart\"/>"),
        M::ContSpan(n) => format!("<w:gridSpan w:val=\"{n}\"/><w:vMerge/>"),
    };
    let body = if text.is_empty() { "<w:p/>".to_owned() } else { p(text) };
    format!("<w:tc><w:tcPr><w:tcW w:w=\"1000\" w:type=\"dxa\"/>{pr}</w:tcPr>{body}</w:tc>")
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr><w:trPr><w:jc w:val=\"center\"/></w:trPr>{}</w:tr>", cells.concat())
}

fn tbl(rows: &[String]) -> String {
    format!("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"1000\"/></w:tblGrid>{}</w:tbl>", rows.concat())
}

fn nums(v: &[i64]) -> Vec<String> {
    v.iter().map(|n| tc(&n.to_string(), M::N)).collect()
}

fn document(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>{body}\
         <w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
    )
}

fn docx_bytes(document_xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
                .to_owned(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
                .to_owned(),
        ),
        ("word/document.xml", document_xml.to_owned()),
    ];
    for (name, body) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const T3_ROWS: [(&str, Option<&str>); 25] = [
    ("一、本年新收政府信息公开申请数量", None),
    ("二、上年结转政府信息公开申请数量", None),
    ("（一）予以公开", Some("三、本年度办理结果")),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("1.属于国家秘密", Some("（三）不予公开")),
    ("2.其他法律行政法规禁止公开", None),
    ("3.危及“三安全一稳定”", None),
    ("4.保护第三方合法权益", None),
    ("5.属于三类内部事务信息", None),
    ("6.属于四类过程性信息", None),
    ("7.属于行政执法案卷", None),
    ("8.属于行政查询事项", None),
    ("1.本机关不掌握相关政府信息", Some("（四）无法提供")),
    ("2.没有现成信息需要另行制作", None),
    ("3.补正后申请内容仍不明确", None),
    ("1.信访举报投诉类申请", Some("（五）不予处理")),
    ("2.重复申请", None),
    ("3.要求提供公开出版物", None),
    ("4.无正当理由大量反复申请", None),
    ("5.要求行政机关确认或重新出具已获取信息", None),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", Some("（六）其他处理")),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", None),
    ("3.其他", None),
    ("（七）总计", None),
    ("四、结转下年度继续办理", None),
];

/// Table 三 in the national layout, merged cells as Word stores them.
fn t3_table(values: &[[i64; 7]; 25]) -> String {
    let mut rows = vec![
        tr(&[
            tc("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", M::RestartSpan(3)),
            tc("申请人情况", M::Span(7)),
        ]),
        tr(&[tc("", M::ContSpan(3)), tc("自然人", M::Restart), tc("法人或其他组织", M::Span(5)), tc("总计", M::Restart)]),
        tr(&[
            tc("", M::ContSpan(3)),
            tc("", M::Cont),
            tc("商业企业", M::N),
            tc("科研机构", M::N),
            tc("社会公益组织", M::N),
            tc("法律服务机构", M::N),
            tc("其他", M::N),
            tc("", M::Cont),
        ]),
    ];
    let mut in_results = false;
    let mut in_group = false;
    for (i, (label, group)) in T3_ROWS.iter().enumerate() {
        let mut cells = Vec::new();
        if label.starts_with(['一', '二', '四']) {
            cells.push(tc(label, M::Span(3)));
            in_results = false;
        } else if label.starts_with('（') {
            // （一）（二）（七）: under 三、本年度办理结果, two columns wide
            cells.push(tc(group.unwrap_or(""), if group.is_some() { M::Restart } else { M::Cont }));
            cells.push(tc(label, M::Span(2)));
            in_results = true;
            in_group = false;
        } else {
            cells.push(tc("", M::Cont));
            match group {
                Some(g) => {
                    cells.push(tc(g, M::Restart));
                    in_group = true;
                }
                None => cells.push(tc("", if in_group { M::Cont } else { M::N })),
            }
            cells.push(tc(label, M::N));
        }
        let _ = in_results;
        cells.extend(nums(&values[i]));
        rows.push(tr(&cells));
    }
    tbl(&rows)
}

fn t2_table(normative: [i64; 3], licensing: i64, penalty: i64, coercion: i64, fees: &str) -> String {
    let cap = |t: &str| tr(&[tc(t, M::Span(4))]);
    let head1 = |t: &str| tr(&[tc("信息内容", M::N), tc(t, M::Span(3))]);
    let one = |l: &str, v: &str| tr(&[tc(l, M::N), tc(v, M::Span(3))]);
    tbl(&[
        cap("第二十条第（一）项"),
        tr(&[tc("信息内容", M::N), tc("本年制发件数", M::N), tc("本年废止件数", M::N), tc("现行有效件数", M::N)]),
        tr(&[tc("规章", M::N), tc("0", M::N), tc("0", M::N), tc("0", M::N)]),
        tr(&[tc("行政规范性文件", M::N), tc(&normative[0].to_string(), M::N), tc(&normative[1].to_string(), M::N), tc(&normative[2].to_string(), M::N)]),
        cap("第二十条第（五）项"),
        head1("本年处理决定数量"),
        one("行政许可", &licensing.to_string()),
        cap("第二十条第（六）项"),
        head1("本年处理决定数量"),
        one("行政处罚", &penalty.to_string()),
        one("行政强制", &coercion.to_string()),
        cap("第二十条第（八）项"),
        head1("本年收费金额（单位：万元）"),
        one("行政事业性收费", fees),
    ])
}

fn t4_table(v: [i64; 15]) -> String {
    let heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut r2: Vec<String> = heads.iter().map(|h| tc(h, M::Restart)).collect();
    r2.push(tc("未经复议直接起诉", M::Span(5)));
    r2.push(tc("复议后起诉", M::Span(5)));
    let mut r3: Vec<String> = heads.iter().map(|_| tc("", M::Cont)).collect();
    r3.extend(heads.iter().chain(heads.iter()).map(|h| tc(h, M::N)));
    tbl(&[tr(&[tc("行政复议", M::Span(5)), tc("行政诉讼", M::Span(10))]), tr(&r2), tr(&r3), tr(&nums(&v))])
}

fn zero_t3() -> [[i64; 7]; 25] {
    [[0; 7]; 25]
}

/// A whole 2021-format report as a Word body.
fn report_body(agency: &str, year: u16, t3: &[[i64; 7]; 25], t4: [i64; 15], s5: &str) -> String {
    [
        p(&format!("{agency}|{year}年政府信息公开|工作年度报告")),
        p(&format!("本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为{year}年1月1日至{year}年12月31日。")),
        p("一、总体情况"),
        p(&format!("{year}年，{agency}认真贯彻落实《条例》。")),
        p("二、主动公开政府信息情况"),
        t2_table([3, 0, 27], 120, 8, 0, "0"),
        p("三、收到和处理政府信息公开申请情况"),
        t3_table(t3),
        p("四、政府信息公开行政复议、行政诉讼情况"),
        t4_table(t4),
        p(s5),
        p("一是公开内容有待丰富。"),
        p("六、其他需要报告的事项"),
        p("本年度未收取信息处理费。"),
        p(agency),
        p(&format!("{}年1月10日", year + 1)),
    ]
    .concat()
}

fn sample_t3() -> [[i64; 7]; 25] {
    let mut t = zero_t3();
    t[0] = [4, 1, 0, 0, 0, 0, 5]; // new_received
    t[2] = [3, 1, 0, 0, 0, 0, 4]; // granted
    t[12] = [1, 0, 0, 0, 0, 0, 1]; // unable_not_held
    t[23] = [4, 1, 0, 0, 0, 0, 5]; // results_total
    t
}

fn total(r: &Report, row: &str) -> Option<i64> {
    r.value(TableId::T3, row, "total").and_then(Value::as_int)
}

fn checked(r: &Report) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = check(r, None, &CheckOptions::default()).iter().map(|f| f.code.code()).collect();
    c.sort_unstable();
    c.dedup();
    c
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx").join(name)).unwrap()
}

// ---- tests ---------------------------------------------------------------------------------------

#[test]
fn word_tables_with_grid_span_and_vertical_merge() {
    let bytes = docx_bytes(&document(&report_body("示例县教育局", 2024, &sample_t3(), [0; 15], "五、存在的主要问题及改进情况")));
    let r = read::read_bytes(&bytes, Some("report.docx")).unwrap();
    insta::assert_json_snapshot!("docx__merged-cells-2024", report_json(&r, &r.reader_findings));
    assert_eq!(r.agency.as_deref(), Some("示例县教育局"));
    assert_eq!(r.level, Some(AgencyLevel::Department));
    assert_eq!((r.year, r.format), (Some(2024), FormatVersion::V2021));
    assert_eq!([total(&r, "new_received"), total(&r, "carried_over"), total(&r, "results_total"), total(&r, "carried_forward")], [
        Some(5),
        Some(0),
        Some(5),
        Some(0)
    ]);
    assert_eq!(r.table(TableId::T3).map(|t| t.rows.len()), Some(25));
    assert_eq!(r.value(TableId::T2, "admin_licensing", "decisions"), Some(&Value::Int(120)));
    let errors: Vec<_> = check(&r, None, &CheckOptions::default()).into_iter().filter(|f| f.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn planted_defects_in_a_word_report_are_found() {
    let mut t3 = sample_t3();
    t3[24] = [1, 0, 0, 0, 0, 0, 1]; // carried_forward: T3_BALANCE (5 + 0 ≠ 5 + 1)
    let t4 = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // review total 0: T4_GROUP_TOTAL
    let bytes = docx_bytes(&document(&report_body("示例县教育局", 2024, &t3, t4, "五、存在的主要问题及下步打算")));
    let r = docx::read(&bytes, Some("defects.docx")).unwrap();
    let c = checked(&r);
    for code in ["T3_BALANCE", "T4_GROUP_TOTAL", "SECTION_TITLE"] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    assert_eq!(r.value(TableId::T4, T4_ROW, "review_upheld"), Some(&Value::Int(2)));
}

#[test]
fn merged_cells_expand_to_an_aligned_grid() {
    let body = tbl(&[
        tr(&[tc("a", M::RestartSpan(2)), tc("b", M::N)]),
        tr(&[tc("", M::ContSpan(2)), tc("c", M::N)]),
        tr(&[tc("d", M::N), tc("e", M::Span(2))]),
    ]);
    let doc = docx::to_doc(&docx_bytes(&document(&body))).unwrap();
    let Block::Table { rows, .. } = &doc.blocks[0] else { panic!("{doc:?}") };
    let grid: Vec<Vec<&str>> = rows.iter().map(|r| r.cells.iter().map(|c| c.as_ref()).collect()).collect();
    assert_eq!(grid, vec![vec!["a", "", "b"], vec!["", "", "c"], vec!["d", "e", ""]]);
}

#[test]
fn a_layout_table_around_the_report_yields_its_inner_tables() {
    let inner = report_body("示例县水利局", 2023, &sample_t3(), [0; 15], "五、存在的主要问题及改进情况");
    let body = tbl(&[tr(&[format!("<w:tc><w:tcPr/>{inner}<w:p/></w:tc>")])]);
    let r = docx::read(&docx_bytes(&document(&body)), None).unwrap();
    assert_eq!(total(&r, "new_received"), Some(5));
    assert_eq!(r.sections.iter().filter(|s| s.id.is_some()).count(), 6);
}

#[test]
fn deleted_text_field_codes_and_fallbacks_are_not_read() {
    let body = "<w:p><w:r><w:t>一、总体</w:t></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>\
                <w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>情况</w:t></w:r>\
                <mc:AlternateContent><mc:Choice><w:r><w:t>甲</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>甲</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>";
    let doc = docx::to_doc(&docx_bytes(&document(body))).unwrap();
    assert_eq!(doc.blocks, vec![Block::Para { text: "一、总体情况甲".into(), line: 1 }]);
}

#[test]
fn damaged_encrypted_and_legacy_word_files_get_clear_errors() {
    // a .docx cut off in the middle of the download
    let full = docx_bytes(&document(&p("一、总体情况")));
    let cut = &full[..full.len() / 2];
    let err = read::read_bytes(cut, Some("cut.docx")).unwrap_err();
    assert!(matches!(err, ReadError::DocxCorrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("损坏"), "{err}");
    // the committed stand-ins (see tests/fixtures/docx/README.md)
    let err = read::read_bytes(&fixture("corrupt.docx"), None).unwrap_err();
    assert!(matches!(err, ReadError::DocxCorrupt { .. }), "{err:?}");
    let err = read::read_bytes(&fixture("password.docx"), None).unwrap_err();
    assert!(matches!(err, ReadError::DocxEncrypted), "{err:?}");
    assert!(err.to_string().contains("密码") && err.to_string().contains("另存为未加密的 .docx"), "{err}");
    let err = docx::to_doc(&fixture("password.docx")).unwrap_err();
    assert!(matches!(err, ReadError::DocxEncrypted), "{err:?}");
    let err = docx::to_doc(&fixture("legacy.doc")).unwrap_err();
    assert!(matches!(err, ReadError::Unsupported { .. }), "{err:?}");
    assert!(err.to_string().contains(".docx"), "{err}");
    // a zip that is not a Word document
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(b"<workbook/>").unwrap();
    let xlsx = zip.finish().unwrap().into_inner();
    let err = docx::to_doc(&xlsx).unwrap_err();
    assert!(err.to_string().contains("word/document.xml"), "{err}");
    // malformed XML
    let err = docx::to_doc(&docx_bytes("<w:document><w:body><w:p></w:body>")).unwrap_err();
    assert!(matches!(err, ReadError::DocxCorrupt { .. }), "{err:?}");
}

mod fuzz {
    use proptest::prelude::*;

    use super::{docx, docx_bytes, document};

    const PIECES: &[&str] = &[
        "<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "<w:tbl>", "</w:tbl>", "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>",
        "<w:gridSpan w:val=\"3\"/>", "<w:gridSpan w:val=\"99999\"/>", "<w:vMerge/>", "<w:vMerge w:val=\"restart\"/>",
        "<w:gridBefore w:val=\"2\"/>", "<w:br/>", "<w:tab/>", "一、总体情况", "12", "&amp;", "<w:delText>", "</w:delText>",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = docx::to_doc(&bytes);
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            let _ = docx::to_doc(&zipped);
        }

        #[test]
        fn arbitrary_word_markup_never_panics(parts in proptest::collection::vec(0..PIECES.len(), 0..200)) {
            let body: String = parts.iter().map(|&i| PIECES[i]).collect();
            let _ = docx::to_doc(&docx_bytes(&document(&body)));
        }
    }
}

/// A workbook whose cell lies beyond any report table is refused with its place, before a cell
/// array of the claimed size is made; a damaged workbook is named an Excel workbook.
#[test]
fn a_workbook_beyond_a_reports_size_or_damaged_is_refused_with_the_reason() {
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    let parts: [(&str, &str); 4] = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表三" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
    ];
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        for (name, text) in parts.iter().copied().chain([("xl/worksheets/sheet1.xml", sheet)]) {
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    let bytes = buf.into_inner();
    let err = read::read_bytes(&bytes, Some("crafted.xlsx")).unwrap_err();
    assert!(matches!(err, ReadError::XlsxCorrupt { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("Excel") && message.contains("第 1048576 行") && message.contains("表三"), "{message}");
    // cut short: still named an Excel workbook or a damaged ZIP, never a Word document
    let cut = &bytes[..bytes.len() * 2 / 3];
    let err = read::read_bytes(cut, Some("cut.xlsx")).unwrap_err().to_string();
    assert!(!err.contains("Word 正文"), "{err}");
}
