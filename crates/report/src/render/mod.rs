//! Renderers: a `Report` out as txt, md, html, docx, xlsx or json ([`render`]).
//!
//! Every renderer lays tables out from one grid ([`layout`]) that follows the national format:
//! HTML, DOCX and XLSX print its merged cells, txt and Markdown its expanded form. For every
//! format that has a reader, render → read gives back the same report (`Report::same_content`;
//! the round-trip property test in `tests/it/round_trip.rs`).

use std::fmt;
use std::str::FromStr;

use gongkai_domain::report::{Finding, Report};

pub mod docx;
pub mod html;
pub mod json;
pub(crate) mod layout;
pub mod md;
pub mod txt;
pub mod xlsx;

/// An output format of `gongkai report render --to …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// Plain text, tab-separated table cells (`txt`).
    Txt,
    /// Markdown with pipe tables (`md`).
    Md,
    /// A printable HTML page (`html`).
    Html,
    /// A Word document laid out per GB/T 9704-2012 (`docx`).
    Docx,
    /// An Excel workbook, one sheet per table (`xlsx`).
    Xlsx,
    /// The JSON contract (`json`).
    Json,
}

impl OutputFormat {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [OutputFormat; 6] = [
        Self::Txt,
        Self::Md,
        Self::Html,
        Self::Docx,
        Self::Xlsx,
        Self::Json,
    ];

    /// The id used by `--to` and as the file extension.
    pub fn id(self) -> &'static str {
        match self {
            Self::Txt => "txt",
            Self::Md => "md",
            Self::Html => "html",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Json => "json",
        }
    }

    /// The file extension (same as the id).
    pub fn extension(self) -> &'static str {
        self.id()
    }

    /// Whether `read::read_bytes` can read this format back.
    pub fn has_reader(self) -> bool {
        !matches!(self, Self::Xlsx)
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// `--to` named a format gongkai cannot write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("不支持的输出格式“{0}”，可选：txt、md、html、docx、xlsx、json")]
pub struct UnknownFormat(pub String);

impl FromStr for OutputFormat {
    type Err = UnknownFormat;

    /// Accepts the ids, case-insensitively, with or without a leading dot; `markdown`, `htm`
    /// and `text` as aliases.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches('.').to_ascii_lowercase();
        let alias = match t.as_str() {
            "markdown" => "md",
            "htm" => "html",
            "text" => "txt",
            other => other,
        };
        Self::ALL
            .into_iter()
            .find(|f| f.id() == alias)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// Why a report could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// Building the DOCX package failed.
    #[error("生成 Word 文档失败：{0}")]
    Docx(String),
    /// Building the XLSX workbook failed.
    #[error("生成 Excel 表格失败：{0}")]
    Xlsx(String),
    /// Serialising the JSON failed.
    #[error("生成 JSON 失败：{0}")]
    Json(String),
}

/// Render a report (and, where the format shows them, its findings) to bytes.
///
/// txt, md and docx show the report only; html lists the findings after the report; json carries
/// them in the contract; xlsx lists them on its 说明 sheet.
pub fn render(
    report: &Report,
    findings: &[Finding],
    format: OutputFormat,
) -> Result<Vec<u8>, RenderError> {
    match format {
        OutputFormat::Txt => Ok(txt::render(report).into_bytes()),
        OutputFormat::Md => Ok(md::render(report).into_bytes()),
        OutputFormat::Html => Ok(html::render(report, findings).into_bytes()),
        OutputFormat::Docx => docx::render(report),
        OutputFormat::Xlsx => xlsx::render(report, findings),
        OutputFormat::Json => json::render(report, findings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_format_ids_parse_back_and_unknown_ids_say_what_is_possible() {
        for f in OutputFormat::ALL {
            assert_eq!(f.id().parse::<OutputFormat>(), Ok(f));
            assert_eq!(f.to_string().to_uppercase().parse::<OutputFormat>(), Ok(f));
        }
        assert_eq!("markdown".parse::<OutputFormat>(), Ok(OutputFormat::Md));
        let e = "pdf".parse::<OutputFormat>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "不支持的输出格式“pdf”，可选：txt、md、html、docx、xlsx、json"
        );
    }
}
