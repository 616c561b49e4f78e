//! An Excel workbook: one sheet per table (表二, 表三, 表四) laid out as the national format with
//! merged heading cells, numbers as numbers and blank cells empty (a blank is not 0), and a
//! 说明 sheet with the report's metadata and the findings. Built with rust_xlsxwriter.

use gongkai_domain::report::{Finding, Report, TableId, Value};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::RenderError;
use super::layout::{self, Grid, Kind};

/// The sheet name of a table.
pub fn sheet_name(id: TableId) -> &'static str {
    match id {
        TableId::T2 => "表二",
        TableId::T3 => "表三",
        TableId::T4 => "表四",
    }
}

/// The name of the metadata sheet.
pub const INFO_SHEET: &str = "说明";

/// The workbook as XLSX bytes.
pub fn render(report: &Report, findings: &[Finding]) -> Result<Vec<u8>, RenderError> {
    build(report, findings).map_err(|e| RenderError::Xlsx(e.to_string()))
}

struct Formats {
    title: Format,
    head: Format,
    caption: Format,
    label: Format,
    vertical: Format,
    int: Format,
    dec: Format,
    text: Format,
    wrap: Format,
}

fn formats() -> Formats {
    let base = Format::new()
        .set_font_name("仿宋_GB2312")
        .set_font_size(10.5)
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    Formats {
        title: Format::new()
            .set_font_name("黑体")
            .set_font_size(14)
            .set_align(FormatAlign::Left),
        head: base
            .clone()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        caption: base
            .clone()
            .set_bold()
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::VerticalCenter),
        label: base
            .clone()
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::VerticalCenter),
        vertical: base
            .clone()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_rotation(270),
        int: base
            .clone()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_num_format("0"),
        dec: base
            .clone()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_num_format("0.00########"),
        text: base
            .clone()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        wrap: Format::new()
            .set_font_name("仿宋_GB2312")
            .set_font_size(10.5)
            .set_text_wrap()
            .set_align(FormatAlign::Top),
    }
}

fn build(report: &Report, findings: &[Finding]) -> Result<Vec<u8>, XlsxError> {
    let f = formats();
    let mut wb = Workbook::new();
    for g in layout::grids(report) {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(g.id))?;
        table_sheet(ws, report, &g, &f)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(INFO_SHEET)?;
    info_sheet(ws, report, findings, &f)?;
    wb.save_to_buffer()
}

/// The row where a table's grid starts (row 0 holds the sheet's title).
pub const GRID_ROW: u32 = 1;

fn num(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn col(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn table_sheet(
    ws: &mut Worksheet,
    report: &Report,
    g: &Grid,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_paper_size(9); // A4
    if g.id != TableId::T2 {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    let heading = report
        .format
        .spec()
        .section(g.id.section())
        .map(|s| layout::heading(s.number, s.title))
        .unwrap_or_default();
    ws.write_string_with_format(0, 0, &heading, &f.title)?;
    let widths: Vec<f64> = match g.id {
        TableId::T2 => vec![24.0, 16.0, 16.0, 16.0, 16.0],
        TableId::T3 => [6.0, 10.0, 36.0]
            .into_iter()
            .chain(std::iter::repeat_n(9.0, 7))
            .collect(),
        TableId::T4 => vec![7.0; 15],
    };
    for (i, w) in widths.iter().take(g.cols).enumerate() {
        ws.set_column_width(col(i), *w)?;
    }
    if g.header_rows > 0 {
        ws.set_repeat_rows(GRID_ROW, GRID_ROW + num(g.header_rows) - 1)?;
    }
    for c in &g.cells {
        let (r0, c0) = (GRID_ROW + num(c.row), col(c.col));
        let (r1, c1) = (
            r0 + num(c.rowspan.max(1)) - 1,
            c0 + col(c.colspan.max(1)) - 1,
        );
        let format = match c.kind {
            Kind::Caption => &f.caption,
            Kind::Head => &f.head,
            Kind::Label if c.rowspan > 3 && c.col == 0 => &f.vertical,
            Kind::Label => &f.label,
            Kind::Data => match c.value {
                Some(Value::Int(_)) => &f.int,
                Some(Value::Dec(_)) => &f.dec,
                _ => &f.text,
            },
        };
        if r1 > r0 || c1 > c0 {
            // A merged range: the text (or nothing) first, then the number over it.
            let text = if c.kind == Kind::Data {
                ""
            } else {
                c.text.as_str()
            };
            ws.merge_range(r0, c0, r1, c1, text, format)?;
        }
        match (&c.kind, &c.value) {
            (Kind::Data, Some(Value::Int(n))) => {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "report counts are far below 2^53"
                )]
                ws.write_number_with_format(r0, c0, *n as f64, format)?;
            }
            (Kind::Data, Some(Value::Dec(d))) => {
                ws.write_number_with_format(r0, c0, d.to_f64(), format)?;
            }
            (Kind::Data, Some(Value::Unreadable(s))) => {
                ws.write_string_with_format(r0, c0, s, format)?;
            }
            (Kind::Data, _) => {
                if r1 == r0 && c1 == c0 {
                    ws.write_blank(r0, c0, format)?;
                }
            }
            _ => {
                if r1 == r0 && c1 == c0 {
                    ws.write_string_with_format(r0, c0, &c.text, format)?;
                }
            }
        }
    }
    Ok(())
}

fn info_sheet(
    ws: &mut Worksheet,
    report: &Report,
    findings: &[Finding],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_column_width(0, 16.0)?;
    ws.set_column_width(1, 60.0)?;
    ws.set_column_width(2, 12.0)?;
    ws.set_column_width(3, 24.0)?;
    ws.set_column_width(4, 40.0)?;
    ws.write_string_with_format(0, 0, layout::printed_title(report), &f.title)?;
    let spec = report.format.spec();
    let format_name = match report.format {
        gongkai_domain::report::FormatVersion::V2021 => format!(
            "中华人民共和国政府信息公开工作年度报告格式（{}）",
            spec.doc_no
        ),
        gongkai_domain::report::FormatVersion::V2019 => format!(
            "中华人民共和国政府信息公开工作年度报告格式（试行）（{}）",
            spec.doc_no
        ),
    };
    let rows: [(&str, String); 6] = [
        ("机关名称", report.agency.clone().unwrap_or_default()),
        (
            "机关层级",
            report
                .level
                .map(|l| l.label().to_owned())
                .unwrap_or_default(),
        ),
        (
            "报告年度",
            report.year.map(|y| format!("{y}年")).unwrap_or_default(),
        ),
        ("报告格式", format_name),
        ("成文日期", layout::date_cn(report).unwrap_or_default()),
        ("来源", report.source.clone().unwrap_or_default()),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        let r = 2 + num(i);
        ws.write_string_with_format(r, 0, *k, &f.label)?;
        ws.write_string_with_format(r, 1, v, &f.label)?;
    }
    let mut r = 2 + num(rows.len()) + 1;
    ws.write_string_with_format(r, 0, "检查发现的问题", &f.title)?;
    r += 1;
    if findings.is_empty() {
        ws.write_string_with_format(r, 0, "未发现问题", &f.wrap)?;
        return Ok(());
    }
    for (i, h) in ["代码", "问题", "严重程度", "位置", "处理建议"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, col(i), *h, &f.head)?;
    }
    for finding in findings {
        r += 1;
        let loc = &finding.location;
        let place: Vec<String> = [
            loc.section.as_deref().map(|s| format!("部分 {s}")),
            loc.table.as_deref().map(|t| format!("表 {t}")),
            loc.row.as_deref().map(|x| format!("行 {x}")),
            loc.column.as_deref().map(|x| format!("列 {x}")),
            loc.line.map(|l| format!("第 {l} 行")),
        ]
        .into_iter()
        .flatten()
        .collect();
        ws.write_string_with_format(r, 0, finding.code.code(), &f.label)?;
        ws.write_string_with_format(r, 1, &finding.message, &f.label)?;
        ws.write_string_with_format(r, 2, finding.severity.label(), &f.label)?;
        ws.write_string_with_format(r, 3, place.join("，"), &f.label)?;
        ws.write_string_with_format(r, 4, &finding.fix, &f.label)?;
    }
    Ok(())
}
