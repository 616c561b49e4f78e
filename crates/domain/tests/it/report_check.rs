//! The report checker: one table case per check (fires / does not fire), and the property that a
//! report consistent by construction has no error.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::NaiveDate;
use gongkai_domain::report::check::{CheckOptions, check, has_errors, sentence_similarity};
use gongkai_domain::report::finding::{Finding, Location};
use gongkai_domain::report::spec::{FormatVersion, T4_ROW, TableId, t3_result_leaves};
use gongkai_domain::report::{AgencyLevel, CheckCode, Report, Section, Severity, Value};
use proptest::prelude::*;

const T3_COLS: [&str; 7] = ["natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org", "total"];

/// Inputs of a consistent report: per leaf row the six applicant columns, carried over/forward.
#[derive(Debug, Clone)]
struct Spec {
    format: FormatVersion,
    level: AgencyLevel,
    leaves: Vec<[i64; 6]>,
    carried_over: [i64; 6],
    carried_forward: [i64; 6],
    t4: [[i64; 4]; 3],
    t2: Vec<i64>,
}

fn section(id: &str, number: &str, title: &str, text: &str, line: u32) -> Section {
    Section { id: Some(id.into()), number: number.into(), title: title.into(), text: text.into(), line: Some(line) }
}

fn build(spec: &Spec) -> Report {
    let mut r = Report::new(spec.format);
    r.agency = Some("测试县民政局".into());
    r.level = Some(spec.level);
    r.year = Some(if spec.format == FormatVersion::V2019 { 2020 } else { 2024 });
    r.date = NaiveDate::from_ymd_opt(i32::from(r.year.unwrap()) + 1, 1, 20);
    r.source = Some("test.txt".into());
    r.sections = vec![
        section("s1", "一", "总体情况", "本年度依法做好政府信息公开工作。", 3),
        section("s2", "二", "主动公开政府信息情况", "", 10),
        section("s3", "三", "收到和处理政府信息公开申请情况", "", 20),
        section("s4", "四", "政府信息公开行政复议、行政诉讼情况", "", 60),
        section("s5", "五", "存在的主要问题及改进情况", "问题仍然存在，将继续改进。", 70),
        section("s6", "六", "其他需要报告的事项", "本年度未收取信息处理费。", 80),
    ];
    // table 二
    let fspec = spec.format.spec();
    let mut k = 0;
    for (block, row) in fspec.t2.data_rows() {
        for c in block.columns {
            let mut v = spec.t2.get(k).copied().unwrap_or(0);
            k += 1;
            if row.id == "regulations" && !spec.level.may_make_regulations() {
                v = 0;
            }
            r.set(TableId::T2, row.id, c.id, Value::Int(v));
        }
    }
    // table 三
    let leaves: Vec<&str> = t3_result_leaves(spec.format).map(|x| x.id).collect();
    let mut results = [0i64; 6];
    let mut line = 21;
    let mut set_row = |r: &mut Report, id: &str, vals: [i64; 6]| {
        for (i, v) in vals.iter().enumerate() {
            r.set(TableId::T3, id, T3_COLS[i], Value::Int(*v));
        }
        r.set(TableId::T3, id, "total", Value::Int(vals.iter().sum()));
        r.table_mut(TableId::T3).unwrap().row_mut(id).unwrap().line = Some(line);
        line += 1;
    };
    let mut new = [0i64; 6];
    for (i, id) in leaves.iter().enumerate() {
        let vals = spec.leaves.get(i).copied().unwrap_or([0; 6]);
        for c in 0..6 {
            results[c] += vals[c];
        }
        set_row(&mut r, id, vals);
    }
    let mut carried_over = spec.carried_over;
    for c in 0..6 {
        carried_over[c] = carried_over[c].min(results[c] + spec.carried_forward[c]);
        new[c] = results[c] + spec.carried_forward[c] - carried_over[c];
    }
    set_row(&mut r, "new_received", new);
    set_row(&mut r, "carried_over", carried_over);
    set_row(&mut r, "results_total", results);
    set_row(&mut r, "carried_forward", spec.carried_forward);
    // table 四
    for (g, prefix) in ["review", "lit_direct", "lit_after"].iter().enumerate() {
        for (i, leaf) in ["upheld", "corrected", "other", "pending"].iter().enumerate() {
            r.set(TableId::T4, T4_ROW, &format!("{prefix}_{leaf}"), Value::Int(spec.t4[g][i]));
        }
        r.set(TableId::T4, T4_ROW, &format!("{prefix}_total"), Value::Int(spec.t4[g].iter().sum()));
    }
    r
}

fn clean(format: FormatVersion) -> Report {
    let mut leaves = vec![[0; 6]; 21];
    leaves[0] = [5, 1, 0, 0, 0, 0];
    leaves[3] = [2, 0, 0, 0, 1, 0];
    build(&Spec {
        format,
        level: AgencyLevel::County,
        leaves,
        carried_over: [1, 0, 0, 0, 0, 0],
        carried_forward: [2, 0, 0, 0, 0, 0],
        t4: [[1, 0, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]],
        t2: vec![0, 0, 0, 3, 1, 20, 7, 5, 2, 1],
    })
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|x| x.code.code()).collect()
}

fn run(r: &Report) -> Vec<Finding> {
    check(r, None, &CheckOptions::default())
}

fn set(r: &mut Report, t: TableId, row: &str, col: &str, v: Value) {
    assert!(r.set(t, row, col, v), "{row}.{col}");
}

#[test]
fn a_clean_report_has_no_findings_in_either_format() {
    for f in [FormatVersion::V2021, FormatVersion::V2019] {
        let r = clean(f);
        assert_eq!(run(&r), vec![], "{f:?}");
    }
}

#[test]
fn balance_fires_with_the_numbers_of_the_rule() {
    let mut r = clean(FormatVersion::V2021);
    // 一 总计 8 → 9 and its row stays consistent by moving one into 自然人
    set(&mut r, TableId::T3, "new_received", "natural_person", Value::Int(7));
    set(&mut r, TableId::T3, "new_received", "total", Value::Int(9));
    let f = run(&r);
    assert_eq!(codes(&f), ["T3_BALANCE", "T3_BALANCE"]);
    assert_eq!(f[0].location.column.as_deref(), Some("natural_person"));
    assert_eq!(f[1].message, "表三“总计”列：第一项 9 + 第二项 1 = 10，但第三项（七）9 + 第四项 2 = 11，勾稽关系不成立");
    assert_eq!(f[1].location.table.as_deref(), Some("t3"));
    assert_eq!(f[1].location.line, Some(42));
    assert!(f[1].fix.contains("更正"));
}

#[test]
fn row_total_fires_and_names_the_parts() {
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T3, "granted", "total", Value::Int(5));
    let f = run(&r);
    assert!(codes(&f).contains(&"T3_ROW_TOTAL"), "{f:#?}");
    let rt = f.iter().find(|x| x.code == CheckCode::T3RowTotal).unwrap();
    assert_eq!(rt.message, "表三“（一）予以公开”行：自然人与法人或其他组织各列之和为 6（自然人 5、商业企业 1），但“总计”列为 5");
    assert_eq!(rt.location.row.as_deref(), Some("granted"));
    assert_eq!(rt.location.column.as_deref(), Some("total"));
}

#[test]
fn results_total_uses_the_three_sub_rows_in_2021_and_the_single_row_in_2019() {
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T3, "oh_other", "natural_person", Value::Int(3));
    set(&mut r, TableId::T3, "oh_other", "total", Value::Int(3));
    let f = run(&r);
    assert_eq!(codes(&f), ["T3_RESULTS_TOTAL", "T3_RESULTS_TOTAL"]);
    assert!(f[0].message.contains("办理结果各项之和为 10"), "{}", f[0].message);
    assert!(f[0].message.contains("（六）其他处理 3.其他 3"), "{}", f[0].message);

    let mut r = clean(FormatVersion::V2019);
    set(&mut r, TableId::T3, "other_handling", "natural_person", Value::Int(3));
    set(&mut r, TableId::T3, "other_handling", "total", Value::Int(3));
    assert_eq!(codes(&run(&r)), ["T3_RESULTS_TOTAL", "T3_RESULTS_TOTAL"]);
}

#[test]
fn collapsed_other_handling_is_a_warning_and_its_row_counts_in_the_results() {
    let mut r = clean(FormatVersion::V2021);
    let t3 = r.table_mut(TableId::T3).unwrap();
    t3.rows.retain(|row| !row.id.starts_with("oh_"));
    // move 1 from granted into the collapsed （六）
    set(&mut r, TableId::T3, "granted", "natural_person", Value::Int(4));
    set(&mut r, TableId::T3, "granted", "total", Value::Int(5));
    for (c, v) in [("natural_person", 1), ("commercial", 0), ("research", 0), ("public_welfare", 0), ("legal_service", 0), ("other_org", 0), ("total", 1)] {
        set(&mut r, TableId::T3, "other_handling", c, Value::Int(v));
    }
    assert_eq!(codes(&run(&r)), ["COLLAPSED_ROWS"]);
    // and a wrong collapsed row is caught
    set(&mut r, TableId::T3, "other_handling", "natural_person", Value::Int(2));
    set(&mut r, TableId::T3, "other_handling", "total", Value::Int(2));
    assert_eq!(codes(&run(&r)), ["COLLAPSED_ROWS", "T3_RESULTS_TOTAL", "T3_RESULTS_TOTAL"]);
}

#[test]
fn t4_group_total_fires_per_group() {
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T4, T4_ROW, "review_total", Value::Int(0));
    set(&mut r, TableId::T4, T4_ROW, "lit_after_upheld", Value::Int(5));
    let f = run(&r);
    assert_eq!(codes(&f), ["T4_GROUP_TOTAL", "T4_GROUP_TOTAL"]);
    assert_eq!(f[0].message, "表四“行政复议”：结果维持 1 + 结果纠正 0 + 其他结果 0 + 尚未审结 1 = 2，但“总计”为 0");
    assert_eq!(f[1].location.column.as_deref(), Some("lit_after_total"));
}

#[test]
fn negative_values_are_errors_except_the_2019_change_column() {
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T2, "admin_penalty", "decisions", Value::Int(-3));
    assert_eq!(codes(&run(&r)), ["NEGATIVE_VALUE"]);

    let mut r = clean(FormatVersion::V2019);
    set(&mut r, TableId::T2, "admin_penalty", "change", Value::Int(-185));
    assert_eq!(run(&r), vec![]);
}

#[test]
fn unreadable_cells_are_errors_and_do_not_cause_derived_errors() {
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T3, "granted", "natural_person", Value::Unreadable("五".into()));
    let f = run(&r);
    assert_eq!(codes(&f), ["UNREADABLE_VALUE"]);
    assert!(f[0].message.contains("“五”"));
}

#[test]
fn a_rows_unreadable_cells_are_one_finding_naming_each() {
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T3, "granted", "natural_person", Value::Unreadable("五".into()));
    set(&mut r, TableId::T3, "granted", "total", Value::Unreadable("—六".into()));
    set(&mut r, TableId::T3, "partial", "total", Value::Unreadable("x".into()));
    let f = run(&r);
    assert_eq!(codes(&f), ["UNREADABLE_VALUE", "UNREADABLE_VALUE"], "{f:#?}");
    assert!(f[0].message.contains("有 2 个单元格不是数字") && f[0].message.contains("“五”") && f[0].message.contains("“—六”"), "{}", f[0].message);
    assert_eq!((f[0].location.row.as_deref(), f[0].location.column.as_deref()), (Some("granted"), None));
    assert_eq!(f[1].location.column.as_deref(), Some("total"));
}

#[test]
fn a_run_of_missing_rows_is_one_finding_and_separate_runs_are_not_joined() {
    let mut r = clean(FormatVersion::V2021);
    r.table_mut(TableId::T3).unwrap().rows.retain(|x| !matches!(x.id, "oh_no_correction" | "oh_fee_unpaid" | "oh_other" | "np_repeat"));
    let f = run(&r);
    let missing: Vec<&Finding> = f.iter().filter(|x| x.code == CheckCode::MissingRow).collect();
    assert_eq!(missing.len(), 2, "{f:#?}");
    assert!(missing[0].message.contains("重复申请") && !missing[0].message.contains("共"), "{}", missing[0].message);
    assert!(missing[1].message.contains("共 3 行"), "{}", missing[1].message);
    assert_eq!(missing[1].location.row.as_deref(), Some("oh_no_correction"));
}

#[test]
fn blank_cells_are_one_warning_per_run_of_rows_and_read_as_zero() {
    let mut r = clean(FormatVersion::V2021);
    for row in ["new_received", "carried_over"] {
        for c in ["research", "public_welfare"] {
            set(&mut r, TableId::T3, row, c, Value::Blank);
        }
    }
    let f = run(&r);
    assert_eq!(codes(&f), ["BLANK_CELL"]);
    assert!(f[0].message.contains("共 2 行"), "{}", f[0].message);
    assert!(f[0].message.contains("科研机构、社会公益组织"), "{}", f[0].message);
    assert!(f[0].message.contains("按 0"), "{}", f[0].message);
    assert_eq!(f[0].severity, Severity::Warning);
}

#[test]
fn a_blank_total_is_a_blank_cell_and_still_counts_as_zero_in_the_balance() {
    // As in the Shanghai science commission's 2024 report: 四 总计 blank.
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T3, "carried_forward", "total", Value::Blank);
    let f = run(&r);
    assert_eq!(codes(&f), ["T3_BALANCE", "BLANK_CELL"]);
    assert!(f[1].message.contains("该行各申请人类别之和为 2"), "{}", f[1].message);
}

#[test]
fn missing_sections_tables_rows_and_columns() {
    let mut r = clean(FormatVersion::V2021);
    r.sections.retain(|s| s.id.as_deref() != Some("s5"));
    assert_eq!(codes(&run(&r)), ["MISSING_SECTION"]);

    let mut r = clean(FormatVersion::V2021);
    r.tables.retain(|t| t.id != TableId::T4);
    r.sections.retain(|s| s.id.as_deref() != Some("s4"));
    assert_eq!(codes(&run(&r)), ["MISSING_SECTION", "MISSING_TABLE"]);

    let mut r = clean(FormatVersion::V2021);
    r.table_mut(TableId::T3).unwrap().rows.retain(|x| x.id != "np_repeat");
    assert_eq!(codes(&run(&r)), ["MISSING_ROW"]);

    let mut r = clean(FormatVersion::V2021);
    for row in &mut r.table_mut(TableId::T3).unwrap().rows {
        row.cells[5] = Value::Absent;
    }
    let f = run(&r);
    assert_eq!(codes(&f), ["MISSING_ROW"], "{f:#?}");
    assert!(f[0].message.contains("缺少“其他”这一列"));
}

#[test]
fn a_lost_heading_whose_content_is_there_is_not_a_missing_section() {
    let mut r = clean(FormatVersion::V2021);
    r.sections.retain(|s| s.id.as_deref() != Some("s5"));
    r.sections[3].text.push_str("\n（一）主要问题\n人员不足。");
    assert_eq!(run(&r), vec![]);
}

#[test]
fn outdated_format_for_2021_and_later() {
    let mut r = clean(FormatVersion::V2019);
    r.year = Some(2022);
    r.date = NaiveDate::from_ymd_opt(2023, 1, 10);
    let f = run(&r);
    assert_eq!(codes(&f), ["OUTDATED_FORMAT"]);
}

#[test]
fn township_regulations() {
    let mut r = clean(FormatVersion::V2021);
    r.level = Some(AgencyLevel::Township);
    set(&mut r, TableId::T2, "regulations", "valid", Value::Int(2));
    assert_eq!(codes(&run(&r)), ["TOWNSHIP_REGULATIONS"]);
    r.level = Some(AgencyLevel::City);
    assert_eq!(run(&r), vec![]);
}

#[test]
fn fee_unit_per_level() {
    let mut r = clean(FormatVersion::V2021);
    r.level = Some(AgencyLevel::Township);
    set(&mut r, TableId::T2, "admin_fees", "fee_amount", Value::Int(35_000));
    let f = run(&r);
    assert_eq!(codes(&f), ["FEE_UNIT"]);
    assert!(f[0].message.contains("35000 万元"));
    // Real county figures are not flagged.
    r.level = Some(AgencyLevel::County);
    set(&mut r, TableId::T2, "admin_fees", "fee_amount", Value::Dec("18651.06".parse().unwrap()));
    assert_eq!(run(&r), vec![]);
}

#[test]
fn fee_statement_missing_from_2021_only() {
    let mut r = clean(FormatVersion::V2021);
    r.sections[5].text = "无其他需要报告的事项".into();
    assert_eq!(codes(&run(&r)), ["FEE_STATEMENT_MISSING"]);
    for ok in ["2023 年度，政府信息公开未发生收费情况。", "2024年，无收取信息处理费情况。", "全年收取政府信息公开信息处理费 0 元。"] {
        r.sections[5].text = ok.into();
        assert_eq!(run(&r), vec![], "{ok}");
    }
    let mut r = clean(FormatVersion::V2019);
    r.sections[5].text = "无其他需要报告的事项".into();
    assert_eq!(run(&r), vec![]);
}

#[test]
fn narrative_mismatch_only_for_certain_phrasings() {
    let mut r = clean(FormatVersion::V2021);
    // new_received total: 10 (+ carried over 1); results 9; review 2; litigation 0 + 1
    for ok in [
        "2024 年，全县共受理政府信息公开申请 10 件，答复 9 件。",
        "本年度全区共收到10件申请，及时依法依规办结9件。",
        "全年收到政府信息公开申请 11 件（含上年结转）。",
        "区政府办代表区政府受理政府信息公开申请 17 件。",
        "全年受理网络问政 182 件。",
        "政府信息公开行政复议 2 件，行政诉讼 1 件。",
        "较上年共受理申请 30 件有所下降。",
    ] {
        r.sections[0].text = ok.into();
        assert_eq!(run(&r), vec![], "{ok}");
    }
    r.sections[0].text = "2024 年，全县共受理政府信息公开\n申请 12 件，答复 12 件。政府信息公开行政复议 5 件。".into();
    let f = run(&r);
    assert_eq!(codes(&f), ["NARRATIVE_MISMATCH", "NARRATIVE_MISMATCH", "NARRATIVE_MISMATCH"], "{f:#?}");
    assert!(f.iter().any(|x| x.message.contains("数字为 12，但表三“一、本年新收政府信息公开申请数量”总计为 10")), "{f:#?}");
    assert!(f.iter().any(|x| x.message.contains("表三“（七）总计”为 9")));
    assert!(f.iter().any(|x| x.message.contains("表四“行政复议·总计”为 2")));
    assert!(f.iter().all(|x| x.location.section.as_deref() == Some("s1") && x.location.line == Some(3)));
}

#[test]
fn doc_number_format() {
    let mut r = clean(FormatVersion::V2021);
    r.sections.insert(0, Section { id: None, number: String::new(), title: String::new(), text: "民政字〔2025〕6号".into(), line: Some(1) });
    assert_eq!(run(&r), vec![]);
    for bad in ["民政字[2025]6号", "民政字(2025)6号", "民政字【2025】6号", "民政字 [2025] 6 号", "民政字（2025）第6号"] {
        r.sections[0].text = bad.into();
        let f = run(&r);
        assert_eq!(codes(&f), ["DOC_NUMBER_FORMAT"], "{bad}");
        assert!(f[0].fix.contains("民政字〔2025〕"), "{}", f[0].fix);
    }
    r.sections[0].text = "《行动方案（2024－2027 年）》（2025）年度".into();
    assert_eq!(run(&r), vec![]);
}

#[test]
fn late_publication_by_level() {
    let mut r = clean(FormatVersion::V2021);
    r.level = Some(AgencyLevel::County);
    r.date = NaiveDate::from_ymd_opt(2025, 3, 31);
    assert_eq!(run(&r), vec![]);
    r.date = NaiveDate::from_ymd_opt(2025, 4, 1);
    let f = run(&r);
    assert_eq!(codes(&f), ["LATE_PUBLICATION"]);
    assert!(f[0].message.contains("2025年3月31日"), "{}", f[0].message);
    r.level = Some(AgencyLevel::Department);
    r.date = NaiveDate::from_ymd_opt(2025, 2, 1);
    assert_eq!(codes(&run(&r)), ["LATE_PUBLICATION"]);
    r.level = Some(AgencyLevel::Township);
    assert_eq!(codes(&run(&r)), ["LATE_PUBLICATION"]);
}

#[test]
fn carryover_mismatch_and_valid_docs_drift_with_the_previous_year() {
    let prev = {
        let mut p = clean(FormatVersion::V2021);
        p.year = Some(2023);
        p
    };
    let mut r = clean(FormatVersion::V2021);
    // clean(): carried_forward 2 last year, carried_over 1 this year → mismatch
    let f = check(&r, Some(&prev), &CheckOptions::default());
    assert_eq!(codes(&f), ["VALID_DOCS_DRIFT", "CARRYOVER_MISMATCH"], "{f:#?}");
    assert!(f[1].message.contains("本年报 1、上年报 2"), "{}", f[1].message);
    assert_eq!(f[0].severity, Severity::Info);
    // consistent: carried over 2; valid = 20 + 3 - 1 = 22
    let leaves = vec![[5, 1, 0, 0, 0, 0]];
    let spec = Spec {
        format: FormatVersion::V2021,
        level: AgencyLevel::County,
        leaves,
        carried_over: [2, 0, 0, 0, 0, 0],
        carried_forward: [0; 6],
        t4: [[0; 4]; 3],
        t2: vec![0, 0, 0, 3, 1, 22],
    };
    r = build(&spec);
    let f = check(&r, Some(&prev), &CheckOptions::default());
    assert_eq!(f, vec![]);
}

#[test]
fn carryover_across_the_format_change_compares_table_three() {
    let prev = {
        let mut p = clean(FormatVersion::V2019);
        p.year = Some(2020);
        p
    };
    let mut r = clean(FormatVersion::V2021);
    r.year = Some(2021);
    r.date = NaiveDate::from_ymd_opt(2022, 1, 20);
    assert_eq!(codes(&check(&r, Some(&prev), &CheckOptions::default())), ["CARRYOVER_MISMATCH"]);
}

#[test]
fn copied_text() {
    let text = "今年我们做了很多工作。一是加强组织领导工作。二是完善制度建设工作。三是强化平台管理工作。";
    let mut prev = clean(FormatVersion::V2021);
    prev.year = Some(2023);
    prev.table_mut(TableId::T3).unwrap().row_mut("carried_forward").unwrap().cells = vec![Value::Int(1), Value::Int(0), Value::Int(0), Value::Int(0), Value::Int(0), Value::Int(0), Value::Int(1)];
    prev.sections[0].text = text.into();
    let mut r = clean(FormatVersion::V2021);
    r.sections[0].text = text.replace("今年", "今 年\n");
    let f = check(&r, Some(&prev), &CheckOptions::default());
    assert!(codes(&f).contains(&"COPIED_TEXT"), "{f:#?}");
    let sim = sentence_similarity(text, "全新的一句话内容在这里。一是加强组织领导工作。");
    assert_eq!((sim.sentences, sim.identical), (2, 1));
}

#[test]
fn reader_findings_are_kept_and_not_duplicated() {
    let mut r = clean(FormatVersion::V2021);
    r.table_mut(TableId::T3).unwrap().rows.retain(|x| x.id != "np_repeat");
    r.reader_findings.push(Finding::new(
        CheckCode::MissingRow,
        "读取时未找到“2.重复申请”行",
        Location { section: Some("s3".into()), table: Some("t3".into()), row: Some("np_repeat".into()), column: None, line: Some(30) },
        "补上该行",
    ));
    r.reader_findings.push(Finding::new(CheckCode::LabelMismatch, "标签", Location { line: Some(5), ..Location::default() }, "改"));
    let f = run(&r);
    assert_eq!(codes(&f), ["LABEL_MISMATCH", "MISSING_ROW"]);
    assert_eq!(f[1].message, "读取时未找到“2.重复申请”行");
}

#[test]
fn findings_are_ordered_by_location_then_code() {
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T4, T4_ROW, "review_total", Value::Int(0));
    set(&mut r, TableId::T3, "granted", "total", Value::Int(5));
    set(&mut r, TableId::T2, "admin_penalty", "decisions", Value::Int(-1));
    r.sections[5].text = "无".into();
    let f = run(&r);
    let c = codes(&f);
    let pos = |code: &str| c.iter().position(|x| *x == code).unwrap();
    assert!(pos("NEGATIVE_VALUE") < pos("T3_ROW_TOTAL"));
    assert!(pos("T3_ROW_TOTAL") < pos("T4_GROUP_TOTAL"));
    assert!(pos("T4_GROUP_TOTAL") < pos("FEE_STATEMENT_MISSING"));
    assert_eq!(f, run(&r));
}

fn arb_spec() -> impl Strategy<Value = Spec> {
    (
        prop::bool::ANY,
        prop::sample::select(vec![AgencyLevel::Township, AgencyLevel::County, AgencyLevel::City, AgencyLevel::Province, AgencyLevel::Department]),
        prop::collection::vec(prop::array::uniform6(0i64..50), 21),
        prop::array::uniform6(0i64..20),
        prop::array::uniform6(0i64..20),
        prop::array::uniform3(prop::array::uniform4(0i64..30)),
        prop::collection::vec(0i64..10_000, 16),
    )
        .prop_map(|(v2019, level, leaves, carried_over, carried_forward, t4, t2)| Spec {
            format: if v2019 { FormatVersion::V2019 } else { FormatVersion::V2021 },
            level,
            leaves,
            carried_over,
            carried_forward,
            t4,
            t2,
        })
}

proptest! {
    #[test]
    fn a_report_consistent_by_construction_has_no_error(spec in arb_spec()) {
        let r = build(&spec);
        let f = run(&r);
        prop_assert!(!has_errors(&f), "{f:#?}");
        // and with itself, shifted a year, as the previous report: no cross-year error either
        let mut prev = r.clone();
        prev.year = r.year.map(|y| y - 1);
        for (i, v) in r.table(TableId::T3).unwrap().row("carried_over").unwrap().cells.clone().into_iter().enumerate() {
            prev.table_mut(TableId::T3).unwrap().row_mut("carried_forward").unwrap().cells[i] = v;
        }
        let f = check(&r, Some(&prev), &CheckOptions::default());
        prop_assert!(!has_errors(&f), "{f:#?}");
    }
}

#[test]
fn placeholder_text_is_an_error_per_section_and_naming_the_mark() {
    use gongkai_domain::report::check::placeholders;
    // marks a template leaves
    for t in [
        "本年度共收到申请待填写件。",
        "【填写】",
        "【请填写单位名称】",
        "【 】",
        "[填写]",
        "XX镇人民政府",
        "20XX年1月1日",
        "收到××件",
        "共 ____ 件",
        "共＿＿件",
        "（此处填写问题）",
        "此处填写",
        "（待补充）",
        "办结(待补充)件",
        "共xx件",
        "x__x___",
        "收到 XxX 件",
        "xx",
        "ＸＸ局",
    ] {
        assert!(!placeholders(t).is_empty(), "{t}");
    }
    // text that only looks like one
    for t in [
        "详见 http://www.example.gov.cn/zfxxgk/xxgkml/",
        "工作机制有待完善，信息公开工作仍待补充完善。",
        "申请人张某某申请公开……",
        "二〇二〇年、二○二一年",
        "X光机采购项目",
        "（一）主动公开情况",
        "【政策解读】",
        "按要求填写统计报表",
        "file_name",
        "a__b",
        "maxx_value",
        "3×4",
        "国办公开办函〔2021〕30号",
        "四、结转下年度继续办理（ ）",
    ] {
        assert!(placeholders(t).is_empty(), "{t}: {:?}", placeholders(t));
    }
    let mut r = clean(FormatVersion::V2021);
    r.sections[0].text = "本年度共收到申请XX件，办结【填写】件。".into();
    r.sections[4].text = "存在问题：待填写".into();
    let f = run(&r);
    let ph: Vec<&Finding> = f.iter().filter(|x| x.code == CheckCode::PlaceholderText).collect();
    assert_eq!(ph.len(), 2, "{ph:#?}");
    assert_eq!(ph[0].severity, Severity::Error);
    assert_eq!(ph[0].location.section.as_deref(), Some("s1"));
    assert!(ph[0].message.contains("申请XX件") && ph[0].message.contains("【填写】"), "{}", ph[0].message);
    assert_eq!(ph[1].location.section.as_deref(), Some("s5"));
    assert!(has_errors(&f));
    // the agency name and an unreadable cell
    let mut r = clean(FormatVersion::V2021);
    r.agency = Some("XX县人民政府".into());
    set(&mut r, TableId::T4, T4_ROW, "review_upheld", Value::Unreadable("××".into()));
    let f = run(&r);
    let ph: Vec<&Finding> = f.iter().filter(|x| x.code == CheckCode::PlaceholderText).collect();
    assert_eq!(ph.len(), 2, "{ph:#?}");
    assert!(ph.iter().any(|x| x.message.contains("XX县人民政府")));
    assert!(ph.iter().any(|x| x.location.table.as_deref() == Some("t4") && x.message.contains("××")));
}

#[test]
fn a_blank_total_column_in_the_leaf_rows_is_reported_and_the_sums_use_what_is_filled() {
    // the 2019 trial format as some agencies filled it: 总计 left blank in every leaf row
    for format in [FormatVersion::V2019, FormatVersion::V2021] {
        let mut r = clean(format);
        let leaves: Vec<&str> = t3_result_leaves(format).map(|x| x.id).collect();
        for id in &leaves {
            set(&mut r, TableId::T3, id, "total", Value::Blank);
        }
        let f = run(&r);
        assert!(!has_errors(&f), "{format:?}: {f:#?}");
        assert!(f.iter().any(|x| x.code == CheckCode::BlankCell && x.location.table.as_deref() == Some("t3")), "{f:#?}");
        // a real mismatch in the applicant columns is still found, through the derived totals
        set(&mut r, TableId::T3, leaves[0], "natural_person", Value::Int(9));
        let f = run(&r);
        let results: Vec<&Finding> = f.iter().filter(|x| x.code == CheckCode::T3ResultsTotal).collect();
        assert!(results.iter().any(|x| x.location.column.as_deref() == Some("total") && x.message.contains("之和为 13")), "{results:#?}");
        assert!(!f.iter().any(|x| x.message.contains("之和为 0")), "{f:#?}");
    }
    // blank applicant cells: only a filled sum above the total is certain
    let mut r = clean(FormatVersion::V2021);
    let leaves: Vec<&str> = t3_result_leaves(FormatVersion::V2021).map(|x| x.id).collect();
    set(&mut r, TableId::T3, leaves[0], "natural_person", Value::Blank);
    let f = run(&r);
    assert!(!f.iter().any(|x| x.code == CheckCode::T3ResultsTotal), "{f:#?}");
}

#[test]
fn a_table_printed_with_dashes_gets_one_blank_cell_finding_not_a_list() {
    let mut r = clean(FormatVersion::V2021);
    // every zero of table 三 printed as `—` (read as blank), in rows whose blank columns differ
    let t3 = r.table(TableId::T3).unwrap().clone();
    let mut blanked = 0;
    for row in &t3.rows {
        for (ci, v) in row.cells.iter().enumerate() {
            if *v == Value::Int(0) {
                let col = FormatVersion::V2021.spec().table(TableId::T3).row(row.id).unwrap().0.columns[ci].id;
                set(&mut r, TableId::T3, row.id, col, Value::Blank);
                blanked += 1;
            }
        }
    }
    let f = run(&r);
    let blanks: Vec<&Finding> = f.iter().filter(|x| x.code == CheckCode::BlankCell && x.location.table.as_deref() == Some("t3")).collect();
    assert_eq!(blanks.len(), 1, "{blanks:#?}");
    assert!(blanks[0].message.contains(&format!("共 {blanked} 个单元格")), "{}", blanks[0].message);
    assert!(!has_errors(&f), "{f:#?}");
    // three runs or fewer keep their own findings, each naming its rows and columns
    let mut r = clean(FormatVersion::V2021);
    set(&mut r, TableId::T3, "new_received", "total", Value::Blank);
    set(&mut r, TableId::T3, "granted", "natural_person", Value::Blank);
    let f = run(&r);
    assert_eq!(f.iter().filter(|x| x.code == CheckCode::BlankCell).count(), 2, "{f:#?}");
}
