//! Findings: what the checker (and the readers) say about a report. Codes and severities are the
//! `checks` of report-format.yaml, plus `AMBIGUOUS_CELLS` for run-together cells that more than
//! one split explains and `PLACEHOLDER_TEXT` for a template's fill-in marks left in the report
//! (待填写, 【填写】, XXX, ××, ____; documented in docs/REPORT.md), `OCR_READ` for a table whose
//! numbers were read from an image and `OCR_UNCERTAIN` for such a table whose sums do not hold.

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The numbers cannot all be right.
    Error,
    /// Likely wrong or non-compliant.
    Warning,
    /// Worth a look.
    Info,
}

impl Severity {
    /// 错误 / 警告 / 提示.
    pub fn label(self) -> &'static str {
        match self {
            Self::Error => "错误",
            Self::Warning => "警告",
            Self::Info => "提示",
        }
    }
}

macro_rules! check_codes {
    ($($variant:ident = $code:literal : $sev:ident),* $(,)?) => {
        /// A check's code, exactly as in report-format.yaml.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum CheckCode {
            $(
                #[doc = $code]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl CheckCode {
            /// Every code.
            pub const ALL: &'static [CheckCode] = &[$(CheckCode::$variant),*];

            /// The code as written in report-format.yaml and JSON.
            pub fn code(self) -> &'static str {
                match self { $(CheckCode::$variant => $code),* }
            }

            /// The severity report-format.yaml gives this check.
            pub fn severity(self) -> Severity {
                match self { $(CheckCode::$variant => Severity::$sev),* }
            }
        }
    };
}

check_codes! {
    T3Balance = "T3_BALANCE": Error,
    T3RowTotal = "T3_ROW_TOTAL": Error,
    T3ResultsTotal = "T3_RESULTS_TOTAL": Error,
    T4GroupTotal = "T4_GROUP_TOTAL": Error,
    NegativeValue = "NEGATIVE_VALUE": Error,
    UnreadableValue = "UNREADABLE_VALUE": Error,
    BlankCell = "BLANK_CELL": Warning,
    MissingSection = "MISSING_SECTION": Error,
    MissingTable = "MISSING_TABLE": Error,
    MissingRow = "MISSING_ROW": Error,
    SectionTitle = "SECTION_TITLE": Warning,
    LabelMismatch = "LABEL_MISMATCH": Warning,
    OutdatedFormat = "OUTDATED_FORMAT": Warning,
    CollapsedRows = "COLLAPSED_ROWS": Warning,
    TruncatedInput = "TRUNCATED_INPUT": Error,
    TownshipRegulations = "TOWNSHIP_REGULATIONS": Warning,
    FeeUnit = "FEE_UNIT": Warning,
    FeeStatementMissing = "FEE_STATEMENT_MISSING": Warning,
    NarrativeMismatch = "NARRATIVE_MISMATCH": Warning,
    DocNumberFormat = "DOC_NUMBER_FORMAT": Warning,
    LatePublication = "LATE_PUBLICATION": Warning,
    CarryoverMismatch = "CARRYOVER_MISMATCH": Error,
    ValidDocsDrift = "VALID_DOCS_DRIFT": Info,
    CopiedText = "COPIED_TEXT": Warning,
    AmbiguousCells = "AMBIGUOUS_CELLS": Error,
    PlaceholderText = "PLACEHOLDER_TEXT": Error,
    OcrRead = "OCR_READ": Info,
    OcrUncertain = "OCR_UNCERTAIN": Warning,
}

/// Where a finding points: as precise as the check can be. Ids are report-format.yaml's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    /// `s1` … `s6`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub section: Option<String>,
    /// `t2`, `t3`, `t4`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub table: Option<String>,
    /// A row id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub row: Option<String>,
    /// A column id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<String>,
    /// 1-based line in the source.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The check that found it.
    pub code: CheckCode,
    /// Its severity (the check's, from report-format.yaml).
    pub severity: Severity,
    /// What is wrong, in Chinese a clerk understands, with the numbers involved.
    pub message: String,
    /// Where.
    pub location: Location,
    /// What to do about it, in Chinese.
    pub fix: String,
}

impl Finding {
    /// A finding with the check's own severity.
    pub fn new(code: CheckCode, message: impl Into<String>, location: Location, fix: impl Into<String>) -> Self {
        Finding { code, severity: code.severity(), message: message.into(), location, fix: fix.into() }
    }
}
