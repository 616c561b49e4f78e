//! Decoding, sniffing and label matching: the reader core every flavour shares.

use gongkai_domain::report::spec::{FORMAT_2019, FORMAT_2021, FormatVersion, SECTIONS, TableId};
use gongkai_domain::report::{CheckCode, Value};
use gongkai_report::read::label::{Quality, match_row, match_section, match_t2_caption, normalize};
use gongkai_report::read::{self, ReadError, decode};
use proptest::prelude::*;

// ---- labels ----

#[test]
fn every_spec_label_matches_itself_in_both_formats() {
    for (format, spec) in [(FormatVersion::V2021, &FORMAT_2021), (FormatVersion::V2019, &FORMAT_2019)] {
        for t in [TableId::T2, TableId::T3] {
            for (_, row) in spec.table(t).rows() {
                let m = match_row(format, t, row.text, row.parent).unwrap_or_else(|| panic!("{:?} {}", format, row.text));
                assert_eq!((m.row.id, m.quality), (row.id, Quality::Exact), "{:?} {}", format, row.text);
                // spacing, half-width parentheses and numbering style are not differences
                let noisy = row.text.replace('（', "(").replace('）', ") ").replacen('.', "、 ", 1);
                let m = match_row(format, t, &noisy, row.parent).unwrap_or_else(|| panic!("{noisy}"));
                assert_eq!((m.row.id, m.quality), (row.id, Quality::Exact), "{noisy}");
            }
        }
    }
}

#[test]
fn label_variants_match_their_row_with_a_mismatch() {
    let cases: &[(TableId, &str, Option<&str>, &str)] = &[
        (TableId::T3, "2.其他法律行政止公开", Some("denied"), "denied_law_forbidden"),
        (TableId::T3, "2.其他法律行政止公开", None, "denied_law_forbidden"),
        (TableId::T3, "2. 其他法律行政法规禁止公", None, "denied_law_forbidden"),
        (TableId::T3, "1. 申请人无正当理由逾期不补正、行政机关不再受理其政府信息公开申请", None, "oh_no_correction"),
        (TableId::T3, "2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再受理其政府信息公开申请", None, "oh_fee_unpaid"),
        (TableId::T3, "一、本年新收政府信息公开申请数", None, "new_received"),
        (TableId::T2, "规范性文件", None, "normative_docs"),
    ];
    for (t, label, group, id) in cases {
        let m = match_row(FormatVersion::V2021, *t, label, *group).unwrap_or_else(|| panic!("{label}"));
        assert_eq!((m.row.id, m.quality), (*id, Quality::Variant), "{label}");
    }
    // tolerated: （二）部分公开 without its note
    let m = match_row(FormatVersion::V2021, TableId::T3, "（二）部分公开", None).unwrap();
    assert_eq!((m.row.id, m.quality), ("partial", Quality::Exact));
    // the 2019 format's own wording is exact there
    let m = match_row(FormatVersion::V2019, TableId::T2, "规范性文件", None).unwrap();
    assert_eq!((m.row.id, m.quality), ("normative_docs", Quality::Exact));
}

#[test]
fn nonsense_and_bare_words_match_no_row() {
    for label in ["", "合计", "其他", "总计", "信息内容", "本年度工作情况说明", "abc", "行政", "2.", "电话：0517-87222589"] {
        for t in [TableId::T2, TableId::T3] {
            assert!(match_row(FormatVersion::V2021, t, label, None).is_none(), "{label} matched in {t:?}");
        }
    }
    // but 其他 under its group, or with its number, is 3.其他
    assert_eq!(match_row(FormatVersion::V2021, TableId::T3, "3.其他", None).map(|m| m.row.id), Some("oh_other"));
    assert_eq!(match_row(FormatVersion::V2021, TableId::T3, "其他", Some("other_handling")).map(|m| m.row.id), Some("oh_other"));
    // similar short labels are never confused
    assert_eq!(match_row(FormatVersion::V2021, TableId::T2, "行政处理", None), None);
}

#[test]
fn section_headings_exact_and_variant() {
    for (i, s) in SECTIONS.iter().enumerate() {
        let m = match_section(&format!("{}、{}", s.number, s.title), Some(i)).unwrap();
        assert_eq!((m.spec.id, m.quality), (s.id, Quality::Exact));
        let m = match_section(&format!("  {} .  {} ", s.number, s.title.replace('、', "，")), Some(i)).map(|m| m.spec.id);
        assert_eq!(m, Some(s.id));
    }
    for (text, id) in [
        ("五、存在的主要问题及下步打算", "s5"),
        ("五、存在的主要问题及整改措施", "s5"),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼的情况", "s4"),
        ("二、主动公开政府信息的情况", "s2"),
    ] {
        let m = match_section(text, None).unwrap_or_else(|| panic!("{text}"));
        assert_eq!((m.spec.id, m.quality), (id, Quality::Variant), "{text}");
    }
    // crawler text: heading and text on one line
    let m = match_section("一、总体情况2024年，平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导，全面学习贯彻党的二十大精神。", Some(0)).unwrap();
    assert_eq!(m.spec.id, "s1");
    assert!(m.end < 30);
    for text in ["一是加强培训", "一、加强宣传力度，通过线下活动、线上推送等多种方式，向群众普及政府信息公开的相关知识。", "二、工作机制保障", "总体情况"] {
        assert!(match_section(text, None).is_none(), "{text}");
    }
}

#[test]
fn normalisation_and_captions() {
    assert_eq!(normalize("（本列数据的钩稽关系为：第一项加第二项之和）"), normalize("(本列数据的勾稽关系为:第一项加第二项之和)"));
    assert_eq!(normalize("行政&nbsp;许可\u{3000}"), "行政许可");
    assert_eq!(match_t2_caption(FormatVersion::V2021, "第二十条第(五)项"), Some(1));
    assert_eq!(match_t2_caption(FormatVersion::V2019, "第二十条第（九）项"), Some(4));
    assert_eq!(match_t2_caption(FormatVersion::V2021, "第二十条第（九）项"), None);
}

// ---- decoding ----

#[test]
fn decode_handles_gbk_boms_and_declarations() {
    let text = "一、总体情况\n本年度未收取信息处理费。";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    assert_eq!(decode::decode(&gbk, None).unwrap(), text);
    assert_eq!(decode::decode(&gbk, Some("gb2312")).unwrap(), text);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    assert_eq!(decode::decode(&bom, None).unwrap(), text);
    let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert_eq!(decode::decode(&le, None).unwrap(), text);
    let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    assert_eq!(decode::decode(&be, None).unwrap(), text);
    // BOM-less UTF-16 (ASCII-heavy)
    let plain = "2024 annual report 2024 annual report";
    let le: Vec<u8> = plain.encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert_eq!(decode::decode(&le, None).unwrap(), plain);
}

#[test]
fn decode_rejects_empty_binary_and_oversized_input() {
    assert!(matches!(decode::decode(b"", None), Err(ReadError::Empty)));
    assert!(matches!(decode::decode(b" \n\t\r\n", None), Err(ReadError::Empty)));
    assert!(matches!(decode::decode("\u{3000}\u{a0}".as_bytes(), None), Err(ReadError::Empty)));
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert!(matches!(decode::decode(&junk, None), Err(ReadError::Binary { .. } | ReadError::Encoding { .. })));
    assert!(matches!(decode::decode(b"abc\x00def", None), Err(ReadError::Binary { .. })));
    assert!(matches!(decode::check_size(decode::MAX_INPUT + 1), Err(ReadError::TooLarge { .. })));
    let e = decode::check_size(decode::MAX_INPUT + 1).unwrap_err().to_string();
    assert!(e.contains("文件过大") && e.contains(&(decode::MAX_INPUT + 1).to_string()), "{e}");
}

// ---- sniffing ----

#[test]
fn read_bytes_errors_are_clear() {
    let err = |b: &[u8]| read::read_bytes(b, Some("x")).unwrap_err();
    assert!(matches!(err(b""), ReadError::Empty));
    assert!(matches!(err(b"\x89PNG\r\n\x1a\n...."), ReadError::Binary { .. }));
    assert!(matches!(err(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]), ReadError::Unsupported { .. }));
    let e = err("今天天气很好。\n我们去公园散步。".as_bytes());
    assert!(matches!(e, ReadError::NotAReport { .. }), "{e:?}");
    assert!(e.to_string().contains("未识别出政府信息公开工作年度报告"));
    let missing = read::read_path(std::path::Path::new("/nonexistent/report.txt")).unwrap_err();
    assert!(matches!(missing, ReadError::Io { .. }) && missing.to_string().contains("无法读取文件"));
}

#[test]
fn a_title_alone_is_a_truncated_report() {
    let r = read::read_bytes("某某镇人民政府2024年政府信息公开工作年度报告\n".as_bytes(), None).unwrap();
    assert!(r.reader_findings.iter().any(|f| f.code == CheckCode::TruncatedInput));
}

#[test]
fn json_reports_are_read_bare_or_in_a_list() {
    let bare = serde_json::json!({"format": "2021", "agency": "某某镇人民政府", "year": 2024, "tables": {"t3": {"new_received": [1, 0, 0, 0, 0, 0, 1]}}});
    let r = read::read_bytes(bare.to_string().as_bytes(), Some("a.json")).unwrap();
    assert_eq!(r.agency.as_deref(), Some("某某镇人民政府"));
    assert_eq!(r.source.as_deref(), Some("a.json"));
    assert_eq!(r.value(TableId::T3, "new_received", "total"), Some(&Value::Int(1)));
    let list = serde_json::json!({"reports": [bare]});
    let r2 = read::read_bytes(list.to_string().as_bytes(), None).unwrap();
    assert!(r2.same_content(&r));
    let bad = serde_json::json!({"format": "1999"});
    assert!(matches!(read::read_bytes(bad.to_string().as_bytes(), None), Err(ReadError::Json(_))));
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/json/clean-2021-township.json");
    let from_file = read::read_path(&fixture).unwrap();
    let from_txt = read::read_path(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/txt/clean-2021-township.txt")).unwrap();
    assert!(from_file.same_content(&from_txt));
}

// ---- robustness ----

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary bytes never panic, and always give a report or an error.
    #[test]
    fn read_bytes_never_panics_on_junk(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read::read_bytes(&bytes, None);
    }

    /// Report-like text assembled from real labels, numbers and separators in any order never
    /// panics, and every number read back is one that was printed.
    #[test]
    fn plain_text_from_report_pieces_never_panics(pieces in proptest::collection::vec(prop_oneof![
        Just("一、本年新收政府信息公开申请数量".to_owned()),
        Just("（三）不予公开".to_owned()),
        Just("2.其他法律行政止公开".to_owned()),
        Just("三、收到和处理政府信息公开申请情况".to_owned()),
        Just("四、政府信息公开行政复议、行政诉讼情况".to_owned()),
        Just("第二十条第（一）项".to_owned()),
        Just("信息内容".to_owned()),
        Just("本年度止件数".to_owned()),
        Just("规章".to_owned()),
        Just("\t".to_owned()),
        Just("  ".to_owned()),
        Just("\n".to_owned()),
        Just("—".to_owned()),
        (0u32..100_000).prop_map(|n| n.to_string()),
    ], 0..200)) {
        let text = pieces.concat();
        if let Ok(r) = read::read_bytes(text.as_bytes(), None) {
            for t in &r.tables {
                for row in &t.rows {
                    for c in &row.cells {
                        if let Value::Int(n) = c {
                            prop_assert!(text.contains(&n.to_string()), "{n} not in the text");
                        }
                    }
                }
            }
        }
    }
}
