//! The national annual report formats as static data, transcribed from
//! `shared/domain/report-format.yaml`: the 2021 format (国办公开办函〔2021〕30号) and the 2019 trial
//! format (国办公开办函〔2019〕60号). Ids are the yaml's ids; the 2019 table 二 has no ids in the
//! yaml, so its ids are ours (documented in docs/REPORT.md). A test in `tests/it/report_spec.rs`
//! compares this file with the yaml when `../shared` is present.

use serde::{Deserialize, Serialize};

/// Which national format a report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FormatVersion {
    /// 国办公开办函〔2021〕30号, report years 2021 onwards.
    #[serde(rename = "2021")]
    V2021,
    /// 国办公开办函〔2019〕60号 (试行), report years 2019 and 2020.
    #[serde(rename = "2019")]
    V2019,
}

impl FormatVersion {
    /// The id used in JSON: `"2021"` or `"2019"`.
    pub fn id(self) -> &'static str {
        match self {
            Self::V2021 => "2021",
            Self::V2019 => "2019",
        }
    }

    /// The static description of this format.
    pub fn spec(self) -> &'static FormatSpec {
        match self {
            Self::V2021 => &FORMAT_2021,
            Self::V2019 => &FORMAT_2019,
        }
    }

    /// The format in force for a report year (2019 and 2020: the trial format).
    pub fn for_year(year: u16) -> Self {
        if year <= 2020 { Self::V2019 } else { Self::V2021 }
    }
}

/// The three tables of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TableId {
    /// 二、主动公开政府信息情况
    #[serde(rename = "t2")]
    T2,
    /// 三、收到和处理政府信息公开申请情况
    #[serde(rename = "t3")]
    T3,
    /// 四、政府信息公开行政复议、行政诉讼情况
    #[serde(rename = "t4")]
    T4,
}

impl TableId {
    /// All tables in report order.
    pub const ALL: [TableId; 3] = [TableId::T2, TableId::T3, TableId::T4];

    /// `"t2"`, `"t3"` or `"t4"`.
    pub fn id(self) -> &'static str {
        match self {
            Self::T2 => "t2",
            Self::T3 => "t3",
            Self::T4 => "t4",
        }
    }

    /// The section that holds this table.
    pub fn section(self) -> &'static str {
        match self {
            Self::T2 => "s2",
            Self::T3 => "s3",
            Self::T4 => "s4",
        }
    }

    /// The table's number as printed in the format (二, 三, 四).
    pub fn number(self) -> &'static str {
        match self {
            Self::T2 => "二",
            Self::T3 => "三",
            Self::T4 => "四",
        }
    }
}

/// What a data cell may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A non-negative whole number.
    Count,
    /// A whole number that may be negative (2019 format: 本年增/减).
    SignedCount,
    /// A decimal amount (万元 in the 2021 table 二; 元 for 2019 采购总金额).
    Amount,
}

/// One column of a table block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Stable id (report-format.yaml).
    pub id: &'static str,
    /// The header text as printed in the format.
    pub text: &'static str,
    /// What its cells hold.
    pub kind: CellKind,
}

/// One row of a table block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowSpec {
    /// Stable id (report-format.yaml).
    pub id: &'static str,
    /// The label as printed in the format.
    pub text: &'static str,
    /// Nesting depth (0 = 一…四, 1 = （一）…（七）, 2 = 1., 2., …).
    pub level: u8,
    /// A group heading that carries no numbers (e.g. （三）不予公开).
    pub header_only: bool,
    /// The group this row belongs to (e.g. `denied` for `denied_state_secret`).
    pub parent: Option<&'static str>,
}

/// A block of a table: table 二 has four (2021) or five (2019) blocks with their own columns;
/// tables 三 and 四 have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSpec {
    /// Stable id (e.g. `art20_1`; `t3`, `t4` for the single-block tables).
    pub id: &'static str,
    /// The caption printed above the block (第二十条第（一）项), if any.
    pub caption: Option<&'static str>,
    /// The data columns (the label column is not listed).
    pub columns: &'static [ColumnSpec],
    /// The rows, in printed order.
    pub rows: &'static [RowSpec],
}

/// One table of a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    /// Which table.
    pub id: TableId,
    /// The section title it is printed under.
    pub title: &'static str,
    /// Its blocks.
    pub blocks: &'static [BlockSpec],
}

impl TableSpec {
    /// The block holding row `row_id`, with the row's spec.
    pub fn row(&self, row_id: &str) -> Option<(&'static BlockSpec, &'static RowSpec)> {
        self.blocks
            .iter()
            .find_map(|b| b.rows.iter().find(|r| r.id == row_id).map(|r| (b, r)))
    }

    /// Every row of every block, in printed order.
    pub fn rows(&self) -> impl Iterator<Item = (&'static BlockSpec, &'static RowSpec)> {
        self.blocks.iter().flat_map(|b| b.rows.iter().map(move |r| (b, r)))
    }

    /// The rows that carry numbers (not group headings), in printed order.
    pub fn data_rows(&self) -> impl Iterator<Item = (&'static BlockSpec, &'static RowSpec)> {
        self.rows().filter(|(_, r)| !r.header_only)
    }

    /// Interned row id: the `&'static str` equal to `id`, if the table has such a row.
    pub fn row_id(&self, id: &str) -> Option<&'static str> {
        self.row(id).map(|(_, r)| r.id)
    }

    /// The position of `column_id` in the block holding `row_id`.
    pub fn column_index(&self, row_id: &str, column_id: &str) -> Option<usize> {
        let (block, _) = self.row(row_id)?;
        block.columns.iter().position(|c| c.id == column_id)
    }
}

/// A section of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpec {
    /// `s1` … `s6`.
    pub id: &'static str,
    /// 一 … 六.
    pub number: &'static str,
    /// The heading as the format words it.
    pub title: &'static str,
    /// The table printed in this section, if any.
    pub table: Option<TableId>,
}

/// A whole format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatSpec {
    /// Which format.
    pub version: FormatVersion,
    /// The official document that issued it.
    pub doc_no: &'static str,
    /// The six sections.
    pub sections: &'static [SectionSpec; 6],
    /// Table 二.
    pub t2: TableSpec,
    /// Table 三.
    pub t3: TableSpec,
    /// Table 四.
    pub t4: TableSpec,
}

impl FormatSpec {
    /// The spec of one table.
    pub fn table(&self, id: TableId) -> &TableSpec {
        match id {
            TableId::T2 => &self.t2,
            TableId::T3 => &self.t3,
            TableId::T4 => &self.t4,
        }
    }

    /// The spec of a section by id (`s1` … `s6`).
    pub fn section(&self, id: &str) -> Option<&'static SectionSpec> {
        self.sections.iter().find(|s| s.id == id)
    }
}

const fn col(id: &'static str, text: &'static str) -> ColumnSpec {
    ColumnSpec { id, text, kind: CellKind::Count }
}

const fn row(id: &'static str, text: &'static str, level: u8, parent: Option<&'static str>) -> RowSpec {
    RowSpec { id, text, level, header_only: false, parent }
}

const fn group(id: &'static str, text: &'static str, level: u8, parent: Option<&'static str>) -> RowSpec {
    RowSpec { id, text, level, header_only: true, parent }
}

/// The six sections; identical wording in both formats.
pub const SECTIONS: [SectionSpec; 6] = [
    SectionSpec { id: "s1", number: "一", title: "总体情况", table: None },
    SectionSpec { id: "s2", number: "二", title: "主动公开政府信息情况", table: Some(TableId::T2) },
    SectionSpec { id: "s3", number: "三", title: "收到和处理政府信息公开申请情况", table: Some(TableId::T3) },
    SectionSpec { id: "s4", number: "四", title: "政府信息公开行政复议、行政诉讼情况", table: Some(TableId::T4) },
    SectionSpec { id: "s5", number: "五", title: "存在的主要问题及改进情况", table: None },
    SectionSpec { id: "s6", number: "六", title: "其他需要报告的事项", table: None },
];

// ---- table 二 ----------------------------------------------------------------------------------

const T2_2021_BLOCKS: [BlockSpec; 4] = [
    BlockSpec {
        id: "art20_1",
        caption: Some("第二十条第（一）项"),
        columns: &[col("made", "本年制发件数"), col("repealed", "本年废止件数"), col("valid", "现行有效件数")],
        rows: &[row("regulations", "规章", 0, None), row("normative_docs", "行政规范性文件", 0, None)],
    },
    BlockSpec {
        id: "art20_5",
        caption: Some("第二十条第（五）项"),
        columns: &[col("decisions", "本年处理决定数量")],
        rows: &[row("admin_licensing", "行政许可", 0, None)],
    },
    BlockSpec {
        id: "art20_6",
        caption: Some("第二十条第（六）项"),
        columns: &[col("decisions", "本年处理决定数量")],
        rows: &[row("admin_penalty", "行政处罚", 0, None), row("admin_coercion", "行政强制", 0, None)],
    },
    BlockSpec {
        id: "art20_8",
        caption: Some("第二十条第（八）项"),
        columns: &[ColumnSpec { id: "fee_amount", text: "本年收费金额（单位：万元）", kind: CellKind::Amount }],
        rows: &[row("admin_fees", "行政事业性收费", 0, None)],
    },
];

const PREV_CHANGE_DECISIONS: [ColumnSpec; 3] = [
    col("prev_items", "上一年项目数量"),
    ColumnSpec { id: "change", text: "本年增/减", kind: CellKind::SignedCount },
    col("decisions", "处理决定数量"),
];

const T2_2019_BLOCKS: [BlockSpec; 5] = [
    BlockSpec {
        id: "art20_1",
        caption: Some("第二十条第（一）项"),
        columns: &[
            col("new_made", "本年新制作数量"),
            col("new_published", "本年新公开数量"),
            col("published_total", "对外公开总数量"),
        ],
        rows: &[row("regulations", "规章", 0, None), row("normative_docs", "规范性文件", 0, None)],
    },
    BlockSpec {
        id: "art20_5",
        caption: Some("第二十条第（五）项"),
        columns: &PREV_CHANGE_DECISIONS,
        rows: &[row("admin_licensing", "行政许可", 0, None), row("other_admin_services", "其他对外管理服务事项", 0, None)],
    },
    BlockSpec {
        id: "art20_6",
        caption: Some("第二十条第（六）项"),
        columns: &PREV_CHANGE_DECISIONS,
        rows: &[row("admin_penalty", "行政处罚", 0, None), row("admin_coercion", "行政强制", 0, None)],
    },
    BlockSpec {
        id: "art20_8",
        caption: Some("第二十条第（八）项"),
        columns: &[col("prev_items", "上一年项目数量"), ColumnSpec { id: "change", text: "本年增/减", kind: CellKind::SignedCount }],
        rows: &[row("admin_fees", "行政事业性收费", 0, None)],
    },
    BlockSpec {
        id: "art20_9",
        caption: Some("第二十条第（九）项"),
        columns: &[
            col("procurement_items", "采购项目数量"),
            ColumnSpec { id: "procurement_amount", text: "采购总金额", kind: CellKind::Amount },
        ],
        rows: &[row("central_procurement", "政府集中采购", 0, None)],
    },
];

// ---- table 三 ----------------------------------------------------------------------------------

/// Table 三's seven data columns, in printed order.
pub const T3_COLUMNS: [ColumnSpec; 7] = [
    col("natural_person", "自然人"),
    col("commercial", "商业企业"),
    col("research", "科研机构"),
    col("public_welfare", "社会公益组织"),
    col("legal_service", "法律服务机构"),
    col("other_org", "其他"),
    col("total", "总计"),
];

/// Index of the 总计 column in table 三.
pub const T3_TOTAL: usize = 6;

const R: Option<&str> = Some("results");
const D: Option<&str> = Some("denied");
const U: Option<&str> = Some("unable");
const N: Option<&str> = Some("not_processed");
const O: Option<&str> = Some("other_handling");

macro_rules! t3_rows {
    ($other_handling:expr, $($oh:expr),*) => {
        [
            row("new_received", "一、本年新收政府信息公开申请数量", 0, None),
            row("carried_over", "二、上年结转政府信息公开申请数量", 0, None),
            group("results", "三、本年度办理结果", 0, None),
            row("granted", "（一）予以公开", 1, R),
            row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, R),
            group("denied", "（三）不予公开", 1, R),
            row("denied_state_secret", "1.属于国家秘密", 2, D),
            row("denied_law_forbidden", "2.其他法律行政法规禁止公开", 2, D),
            row("denied_security_stability", "3.危及“三安全一稳定”", 2, D),
            row("denied_third_party", "4.保护第三方合法权益", 2, D),
            row("denied_internal_affairs", "5.属于三类内部事务信息", 2, D),
            row("denied_process_info", "6.属于四类过程性信息", 2, D),
            row("denied_enforcement_file", "7.属于行政执法案卷", 2, D),
            row("denied_admin_query", "8.属于行政查询事项", 2, D),
            group("unable", "（四）无法提供", 1, R),
            row("unable_not_held", "1.本机关不掌握相关政府信息", 2, U),
            row("unable_needs_creation", "2.没有现成信息需要另行制作", 2, U),
            row("unable_unclear_after_correction", "3.补正后申请内容仍不明确", 2, U),
            group("not_processed", "（五）不予处理", 1, R),
            row("np_petition_complaint", "1.信访举报投诉类申请", 2, N),
            row("np_repeat", "2.重复申请", 2, N),
            row("np_publication", "3.要求提供公开出版物", 2, N),
            row("np_mass_repeat", "4.无正当理由大量反复申请", 2, N),
            row("np_confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息", 2, N),
            $other_handling,
            $($oh,)*
            row("results_total", "（七）总计", 1, R),
            row("carried_forward", "四、结转下年度继续办理", 0, None),
        ]
    };
}

const T3_2021_ROWS: [RowSpec; 30] = t3_rows!(
    group("other_handling", "（六）其他处理", 1, R),
    row("oh_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 2, O),
    row("oh_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 2, O),
    row("oh_other", "3.其他", 2, O)
);

const T3_2019_ROWS: [RowSpec; 27] = t3_rows!(row("other_handling", "（六）其他处理", 1, R),);

/// The leaf rows whose sum is （七）总计, for a given format (2021: with the three （六） sub-rows).
pub fn t3_result_leaves(version: FormatVersion) -> impl Iterator<Item = &'static RowSpec> {
    version
        .spec()
        .t3
        .blocks
        .iter()
        .flat_map(|b| b.rows.iter())
        .filter(|r| r.parent.is_some() && !r.header_only && r.id != "results_total")
}

// ---- table 四 ----------------------------------------------------------------------------------

/// Table 四's fifteen columns, in printed order: 行政复议, then 行政诉讼 未经复议直接起诉, 复议后起诉.
pub const T4_COLUMNS: [ColumnSpec; 15] = [
    col("review_upheld", "结果维持"),
    col("review_corrected", "结果纠正"),
    col("review_other", "其他结果"),
    col("review_pending", "尚未审结"),
    col("review_total", "总计"),
    col("lit_direct_upheld", "结果维持"),
    col("lit_direct_corrected", "结果纠正"),
    col("lit_direct_other", "其他结果"),
    col("lit_direct_pending", "尚未审结"),
    col("lit_direct_total", "总计"),
    col("lit_after_upheld", "结果维持"),
    col("lit_after_corrected", "结果纠正"),
    col("lit_after_other", "其他结果"),
    col("lit_after_pending", "尚未审结"),
    col("lit_after_total", "总计"),
];

/// Table 四's column groups: (id, printed text, first column index). Each group is 5 columns:
/// upheld, corrected, other, pending, total.
pub const T4_GROUPS: [(&str, &str, usize); 3] =
    [("review", "行政复议", 0), ("lit_direct", "未经复议直接起诉", 5), ("lit_after", "复议后起诉", 10)];

/// The id of table 四's single data row (internal; the JSON flattens it).
pub const T4_ROW: &str = "appeals";

const T4_BLOCKS: [BlockSpec; 1] = [BlockSpec {
    id: "t4",
    caption: None,
    columns: &T4_COLUMNS,
    rows: &[row(T4_ROW, "政府信息公开行政复议、行政诉讼情况", 0, None)],
}];

/// The 2021 national format.
pub static FORMAT_2021: FormatSpec = FormatSpec {
    version: FormatVersion::V2021,
    doc_no: "国办公开办函〔2021〕30号",
    sections: &SECTIONS,
    t2: TableSpec { id: TableId::T2, title: "主动公开政府信息情况", blocks: &T2_2021_BLOCKS },
    t3: TableSpec {
        id: TableId::T3,
        title: "收到和处理政府信息公开申请情况",
        blocks: &[BlockSpec { id: "t3", caption: None, columns: &T3_COLUMNS, rows: &T3_2021_ROWS }],
    },
    t4: TableSpec { id: TableId::T4, title: "政府信息公开行政复议、行政诉讼情况", blocks: &T4_BLOCKS },
};

/// The 2019 trial format.
pub static FORMAT_2019: FormatSpec = FormatSpec {
    version: FormatVersion::V2019,
    doc_no: "国办公开办函〔2019〕60号",
    sections: &SECTIONS,
    t2: TableSpec { id: TableId::T2, title: "主动公开政府信息情况", blocks: &T2_2019_BLOCKS },
    t3: TableSpec {
        id: TableId::T3,
        title: "收到和处理政府信息公开申请情况",
        blocks: &[BlockSpec { id: "t3", caption: None, columns: &T3_COLUMNS, rows: &T3_2019_ROWS }],
    },
    t4: TableSpec { id: TableId::T4, title: "政府信息公开行政复议、行政诉讼情况", blocks: &T4_BLOCKS },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_leaves_differ_only_in_other_handling() {
        let l21: Vec<_> = t3_result_leaves(FormatVersion::V2021).map(|r| r.id).collect();
        let l19: Vec<_> = t3_result_leaves(FormatVersion::V2019).map(|r| r.id).collect();
        assert_eq!(l21.len(), 21);
        assert_eq!(l19.len(), 19);
        assert!(l19.contains(&"other_handling"));
        assert!(!l21.contains(&"other_handling"));
        assert!(l21.contains(&"oh_other"));
    }

    #[test]
    fn row_ids_are_unique_per_table() {
        for f in [&FORMAT_2021, &FORMAT_2019] {
            for t in TableId::ALL {
                let ids: Vec<_> = f.table(t).rows().map(|(_, r)| r.id).collect();
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(ids.len(), sorted.len(), "{:?} {:?}", f.version, t);
            }
        }
    }
}
