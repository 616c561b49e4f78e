//! The annual report computed from records: tables 二, 三 and 四 from [`YearTallies`], narrative
//! sections from the stored draft (or generated defaults), in the report model of
//! `gongkai_domain::report` (whose JSON is the report toolkit's contract).
//!
//! Counting rules (docs/STORAGE.md, "The annual report from records"):
//! - 一 new_received: applications received in the year; 二 carried_over: received before 1 January
//!   and not concluded before it (whatever year they came from); 三 results: concluded in the year,
//!   by outcome; 四 carried_forward: received by 31 December and not concluded by then. Each
//!   application therefore counts once per row group, in the column of its applicant kind, and
//!   一 + 二 = 三（七）+ 四 holds by construction.
//! - Table 四: appeals filed by 31 December and not closed before 1 January, with their result as
//!   of 31 December (尚未审结 if still open then).
//! - Table 二: documents made / repealed in the year and valid on 31 December; the typed counts.

use gongkai_domain::report::spec::{FormatVersion, T4_ROW, TableId};
use gongkai_domain::report::{AgencyLevel as RAgencyLevel, Decimal, Report, Section, Table, Value};

use crate::model::{
    Agency, AgencyLevel, AppealKind, AppealResult, ApplicantKind, Cell, DocumentKind, Outcome,
    T2Column, T3Row, YearTallies,
};

/// Narrative text for the sections, by id (`s1` … `s6`); missing ones get generated defaults.
pub type Narrative = Vec<(String, String)>;

fn level(l: AgencyLevel) -> RAgencyLevel {
    match l {
        AgencyLevel::Township => RAgencyLevel::Township,
        AgencyLevel::County => RAgencyLevel::County,
        AgencyLevel::City => RAgencyLevel::City,
        AgencyLevel::Province => RAgencyLevel::Province,
        AgencyLevel::Department => RAgencyLevel::Department,
    }
}

fn t3_column(k: ApplicantKind) -> usize {
    match k {
        ApplicantKind::NaturalPerson => 0,
        ApplicantKind::Commercial => 1,
        ApplicantKind::Research => 2,
        ApplicantKind::PublicWelfare => 3,
        ApplicantKind::LegalService => 4,
        ApplicantKind::OtherOrg => 5,
    }
}

/// Table 四's group prefix for an appeal kind.
pub fn t4_group(k: AppealKind) -> &'static str {
    match k {
        AppealKind::Reconsideration => "review",
        AppealKind::LitigationDirect => "lit_direct",
        AppealKind::LitigationAfterReconsideration => "lit_after",
    }
}

/// Table 四's column suffix for a result.
pub fn t4_suffix(r: Option<AppealResult>) -> &'static str {
    match r {
        Some(AppealResult::Upheld) => "upheld",
        Some(AppealResult::Corrected) => "corrected",
        Some(AppealResult::Other) => "other",
        Some(AppealResult::Pending) => "pending",
        None => "total",
    }
}

/// Seven counts (six applicant kinds and 总计).
type Line = [i64; 7];

fn line(v: &[(ApplicantKind, i64)]) -> Line {
    let mut l = [0; 7];
    for (k, n) in v {
        l[t3_column(*k)] += n;
    }
    l[6] = l[..6].iter().sum();
    l
}

/// The sentence of section 六 about 信息处理费, from the year's payments.
pub fn fee_sentence(t: &YearTallies) -> String {
    if t.fee_cases == 0 {
        "本年度未收取信息处理费。".to_string()
    } else {
        format!(
            "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度对{}件申请收取信息处理费{}元。",
            t.fee_cases, t.fees_collected_yuan
        )
    }
}

/// `text` with its generated fee sentence (any earlier version of it) replaced by `sentence`, put
/// first; the rest of the agency's text is kept as written.
pub fn with_fee_sentence(text: &str, sentence: &str) -> String {
    let generated = |s: &str| {
        s.starts_with("本年度未收取信息处理费")
            || (s.starts_with("依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度对")
                && s.contains("件申请收取信息处理费"))
    };
    let rest: String = text
        .split_inclusive('。')
        .filter(|s| !generated(s.trim()))
        .collect::<String>()
        .trim()
        .to_string();
    if rest.is_empty() { sentence.to_string() } else { format!("{sentence}{rest}") }
}

/// The sentence of section 一 with the year's figures (applications received, concluded).
pub fn figures_sentence(received: i64, concluded: i64) -> String {
    format!("本年度新收政府信息公开申请{received}件，办结{concluded}件。")
}

/// `text` with its generated figures sentence (any earlier version of it) replaced in place by
/// `sentence`; the rest of the agency's text is kept as written. Text without the sentence (the
/// agency wrote its own) is left alone: the checker's NARRATIVE_MISMATCH compares what it says.
pub fn with_figures_sentence(text: &str, sentence: &str) -> String {
    let generated = |s: &str| s.starts_with("本年度新收政府信息公开申请") && s.contains("件，办结") && s.ends_with("件。");
    text.split_inclusive('。')
        .map(|s| {
            let body = s.trim_start();
            if generated(body) { format!("{}{sentence}", &s[..s.len() - body.len()]) } else { s.to_string() }
        })
        .collect()
}

/// Builds the report for `agency` and `year` from its tallies.
pub fn build(agency: &Agency, year: i32, t: &YearTallies, narrative: &Narrative) -> Report {
    let format = FormatVersion::for_year(u16::try_from(year).unwrap_or(2021));
    let mut r = Report::new(format);
    r.agency = Some(agency.name.clone());
    r.level = Some(level(agency.level));
    r.year = u16::try_from(year).ok();
    // Every data cell starts at 0 (not blank): these tables are computed, not typed.
    for id in TableId::ALL {
        r.tables.push(Table::filled(format.spec().table(id), &Value::Int(0)));
    }
    let set = |r: &mut Report, table, row: &str, col: &str, n: i64| {
        r.set(table, row, col, Value::Int(n));
    };

    // Table 三.
    let cols: Vec<&str> = gongkai_domain::report::spec::T3_COLUMNS.iter().map(|c| c.id).collect();
    let put = |r: &mut Report, row: &str, l: &Line| {
        for (i, c) in cols.iter().enumerate() {
            set(r, TableId::T3, row, c, l[i]);
        }
    };
    put(&mut r, "new_received", &line(&t.new_received));
    put(&mut r, "carried_over", &line(&t.carried_over));
    put(&mut r, "carried_forward", &line(&t.carried_forward));
    let mut total = [0; 7];
    let mut other_handling = [0; 7];
    for o in Outcome::ALL {
        let v: Vec<(ApplicantKind, i64)> =
            t.concluded.iter().filter(|(oo, _, _)| oo == o).map(|(_, k, n)| (*k, *n)).collect();
        let l = line(&v);
        for i in 0..7 {
            total[i] += l[i];
        }
        if o.code().starts_with("oh_") {
            for i in 0..7 {
                other_handling[i] += l[i];
            }
        }
        put(&mut r, o.code(), &l);
    }
    if format == FormatVersion::V2019 {
        // The trial format prints （六）其他处理 as one data row.
        put(&mut r, "other_handling", &other_handling);
    }
    put(&mut r, "results_total", &total);

    // Table 四.
    for kind in AppealKind::ALL {
        let mut sum = 0;
        for res in AppealResult::ALL {
            let n: i64 =
                t.appeals.iter().filter(|(k, rr, _)| k == kind && rr == res).map(|x| x.2).sum();
            sum += n;
            set(&mut r, TableId::T4, T4_ROW, &format!("{}_{}", t4_group(*kind), t4_suffix(Some(*res))), n);
        }
        set(&mut r, TableId::T4, T4_ROW, &format!("{}_total", t4_group(*kind)), sum);
    }

    // Table 二.
    for (kind, made, repealed, valid) in &t.documents {
        let row = match kind {
            DocumentKind::Regulation => "regulations",
            DocumentKind::NormativeDocument => "normative_docs",
        };
        set(&mut r, TableId::T2, row, "made", *made);
        set(&mut r, TableId::T2, row, "repealed", *repealed);
        set(&mut r, TableId::T2, row, "valid", *valid);
    }
    // Typed-in figures: one not given is blank, not 0 (the checker reports the blank cell).
    let c = t.typed.clone().unwrap_or_default();
    for (row, v) in [
        ("admin_licensing", c.admin_licensing),
        ("admin_penalty", c.admin_penalty),
        ("admin_coercion", c.admin_coercion),
    ] {
        r.set(TableId::T2, row, "decisions", v.map_or(Value::Blank, Value::Int));
    }
    let fees = c.admin_fees_wan.as_deref().and_then(|f| f.parse::<Decimal>().ok());
    r.set(TableId::T2, "admin_fees", "fee_amount", fees.map_or(Value::Blank, Value::from_decimal));

    // Narrative.
    let received = line(&t.new_received)[6];
    let concluded = total[6];
    let defaults = [
        (
            "s1",
            format!(
                "{year}年，本机关依照《中华人民共和国政府信息公开条例》做好政府信息公开工作。{}",
                figures_sentence(received, concluded)
            ),
        ),
        ("s2", String::new()),
        ("s3", String::new()),
        ("s4", String::new()),
        ("s5", "（待填写：上年度问题的整改情况，本年度存在的主要问题及改进措施。）".to_string()),
        ("s6", fee_sentence(t)),
    ];
    for s in format.spec().sections.iter() {
        let mut text = narrative
            .iter()
            .find(|(id, _)| id == s.id)
            .map(|(_, t)| t.clone())
            .or_else(|| defaults.iter().find(|(id, _)| *id == s.id).map(|(_, t)| t.clone()))
            .unwrap_or_default();
        if s.id == "s6" {
            // Section 六's fee sentence is computed from the records, never carried over from an
            // older draft: the agency's own text around it stays.
            text = with_fee_sentence(&text, &fee_sentence(t));
        }
        if s.id == "s1" {
            // Likewise section 一's figures: a saved draft never keeps last month's counts.
            text = with_figures_sentence(&text, &figures_sentence(received, concluded));
        }
        r.sections.push(Section {
            id: Some(s.id.to_string()),
            number: s.number.to_string(),
            title: s.title.to_string(),
            text,
            line: None,
        });
    }
    r
}

/// The store [`Cell`] behind a report cell given by the report's ids (`t3`, row, column), for
/// drill-down. `None` for typed-in or computed-only cells.
pub fn cell_of(table: TableId, row: &str, column: &str) -> Option<Cell> {
    match table {
        TableId::T3 => {
            let col = if column == "total" {
                None
            } else {
                Some(ApplicantKind::from_code(column)?)
            };
            let row = match row {
                "new_received" => T3Row::NewReceived,
                "carried_over" => T3Row::CarriedOver,
                "results_total" => T3Row::ResultsTotal,
                "carried_forward" => T3Row::CarriedForward,
                other => T3Row::Result(Outcome::from_code(other)?),
            };
            Some(Cell::T3 { row, column: col })
        }
        TableId::T4 => {
            let (group, suffix) = column.rsplit_once('_')?;
            let kind = AppealKind::ALL.iter().copied().find(|k| t4_group(*k) == group)?;
            let result = match suffix {
                "total" => None,
                s => Some(AppealResult::ALL.iter().copied().find(|r| t4_suffix(Some(*r)) == s)?),
            };
            Some(Cell::T4 { kind, result })
        }
        TableId::T2 => {
            let kind = match row {
                "regulations" => DocumentKind::Regulation,
                "normative_docs" => DocumentKind::NormativeDocument,
                _ => return None,
            };
            let column = match column {
                "made" => T2Column::Made,
                "repealed" => T2Column::Repealed,
                "valid" => T2Column::Valid,
                _ => return None,
            };
            Some(Cell::T2 { kind, column })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_one_figures_follow_the_records_and_the_agencys_own_text_stays() {
        let old = "2025年，本机关做好政府信息公开工作。本年度新收政府信息公开申请3件，办结2件。主动公开信息120条。";
        let new = with_figures_sentence(old, &figures_sentence(5, 4));
        assert_eq!(new, "2025年，本机关做好政府信息公开工作。本年度新收政府信息公开申请5件，办结4件。主动公开信息120条。");
        let own = "本机关全年共受理申请若干件。";
        assert_eq!(with_figures_sentence(own, &figures_sentence(5, 4)), own);
        let para = "第一段。\n本年度新收政府信息公开申请1件，办结1件。";
        assert_eq!(with_figures_sentence(para, &figures_sentence(2, 2)), "第一段。\n本年度新收政府信息公开申请2件，办结2件。");
    }
}
