//! The end of the document: the report put together, and what the end says — a cut-off copy
//! (TRUNCATED_INPUT), a fragment, tables published as images, table 四 among its header words.

use gongkai_domain::report::spec::{T4_ROW, TableId};
use gongkai_domain::report::{CheckCode, Finding, Location, Report, Value};

use super::meta::{detect_meta, level_from_phrases, level_of};
use super::{Assembler, SECTION_INDEX, table_name, tix};

impl<'a> Assembler<'a> {
    pub(super) fn finish(mut self, source: Option<&str>, year: Option<u16>) -> Report {
        self.flush_pending();
        self.flush_loose();
        let mut report = Report::new(self.format);
        report.source = source.map(str::to_owned);
        report.year = year;
        let meta = detect_meta(&self.paras, &self.sections);
        report.agency = meta.0;
        report.level = report.agency.as_deref().and_then(level_of).or_else(|| level_from_phrases(&self.sections));
        report.date = meta.1;
        self.truncation();
        self.image_tables();
        self.stray_t4();
        let mut sections = std::mem::take(&mut self.sections);
        if sections.first().is_some_and(|s| s.id.is_none() && s.text.is_empty()) {
            sections.remove(0);
        }
        report.sections = sections;
        report.tables = self.tables.into_iter().flatten().collect();
        report.reader_findings = self.findings;
        report
    }

    /// TRUNCATED_INPUT: the input ends inside a table (its last row never came and nothing after
    /// it was read), or mid-sentence in a section before 六.
    fn truncation(&mut self) {
        let last_section = self.sections.iter().rev().find_map(|s| s.id.as_deref()).and_then(|id| SECTION_INDEX.iter().position(|x| *x == id));
        let later = |t: TableId| -> bool {
            let after = match t {
                TableId::T2 => 1,
                TableId::T3 => 2,
                TableId::T4 => 3,
            };
            last_section.is_some_and(|s| s > after)
        };
        let mut cut: Option<String> = None;
        if let Some((t, _)) = self.last_table {
            let table = self.tables[tix(t)].as_ref();
            let last_row = match t {
                TableId::T2 => self.spec.t2.blocks.last().and_then(|b| b.rows.last()).map(|r| r.id),
                TableId::T3 => Some("carried_forward"),
                TableId::T4 => Some(T4_ROW),
            };
            let complete = table.is_some_and(|tb| last_row.is_some_and(|r| tb.row(r).is_some()));
            let later_tables = TableId::ALL.iter().any(|x| *x > t && self.tables[tix(*x)].as_ref().is_some_and(|tb| !tb.rows.is_empty()));
            if !complete && !later(t) && !later_tables {
                // the row the input ends in, its label cut and no number after it, is part of
                // the cut: not a row with blank cells, not a misprinted label
                let last_line = self.last_line;
                if let Some(tb) = self.tables[tix(t)].as_mut()
                    && tb.rows.last().is_some_and(|r| r.line == Some(last_line) && !r.cells.iter().any(|c| matches!(c, Value::Int(_) | Value::Dec(_))))
                    && let Some(row) = tb.rows.pop()
                {
                    self.findings.retain(|f| f.location.line != Some(last_line));
                    cut = Some(format!("{}“{}”一行（行未完，没有数字）", table_name(t), row.label));
                }
                let table = self.tables[tix(t)].as_ref();
                let read = table.and_then(|tb| tb.rows.last()).map_or_else(
                    || format!("{}的表头", table_name(t)),
                    |r| format!("{}“{}”一行", table_name(t), r.label),
                );
                cut = cut.or(Some(read));
            }
        }
        // a heading cut short: the last thing read is a section heading whose title is the
        // beginning of the format's (五、存在的主), with nothing after it
        if cut.is_none()
            && let Some(last) = self.sections.last()
            && let Some(id) = last.id.as_deref()
            && last.text.is_empty()
            && let Some(spec) = self.spec.sections.iter().find(|x| x.id == id)
            && last.title.chars().count() < spec.title.chars().count()
            && !last.title.is_empty()
            && spec.title.starts_with(last.title.as_str())
            && !self.tables.iter().flatten().any(|t| t.id.section() == id && !t.rows.is_empty())
        {
            let printed = format!("{}、{}", last.number, last.title);
            cut = Some(format!("第{}部分的标题“{printed}”（标题未完）", spec.number));
            // the heading is cut, not misprinted
            self.findings.retain(|f| !(f.code == CheckCode::SectionTitle && f.location.section.as_deref() == Some(id)));
        }
        if cut.is_none()
            && let Some(s) = last_section.filter(|s| *s < 5) {
                let last_para = self.sections.last().and_then(|sec| sec.text.lines().last()).unwrap_or("");
                let ends_open = last_para.chars().count() > 20 && !last_para.trim_end().ends_with(['。', '！', '？', '”', '）', ')', '；', '.', '：']);
                if ends_open && SECTION_INDEX[s] != "s2" && SECTION_INDEX[s] != "s3" && SECTION_INDEX[s] != "s4" {
                    cut = Some(format!("第{}部分的正文（句子未完）", ["一", "二", "三", "四", "五", "六"][s]));
                }
            }
        // a report never ends after section 一: nothing but 一 read (no table either) is the
        // first page(s) of a longer document, whatever its last sentence looks like
        let tables_read = self.tables.iter().flatten().any(|t| !t.rows.is_empty());
        if cut.is_none() && last_section == Some(0) && !tables_read {
            cut = Some("第一部分的正文".to_owned());
        }
        // the input ends in a table's header: the last section read is a table's, with no row
        // of it (and no image standing for it) and nothing after
        if cut.is_none()
            && let Some(s) = last_section
            && let Some(t) = TableId::ALL.into_iter().find(|t| t.section() == SECTION_INDEX[s])
            && self.tables[tix(t)].as_ref().is_none_or(|tb| tb.rows.is_empty())
            && !self.images.iter().any(|(sec, _, _)| *sec == Some(s))
            && !TableId::ALL.iter().any(|x| *x > t && self.tables[tix(*x)].as_ref().is_some_and(|tb| !tb.rows.is_empty()))
        {
            cut = Some(format!("{}的表头", table_name(t)));
        }
        let fragment = self.fragment();
        let Some(read) = cut else {
            if let Some((start, line)) = fragment {
                self.findings.push(Finding::new(
                    CheckCode::TruncatedInput,
                    format!("这是报告的片段：输入从第{}部分开始，没有报告标题和第{}部分（可能是 PDF 的单页或部分页面、网页的部分复制）", NUM[start], NUM[..start].join("、")),
                    Location { line, ..Location::default() },
                    "用完整的报告重新检查；只核对片段时，缺少的部分不再另行列出",
                ));
            }
            return;
        };
        let missing: Vec<&str> = SECTION_INDEX
            .iter()
            .enumerate()
            .filter(|(i, id)| last_section.is_none_or(|s| *i > s) && !self.sections.iter().any(|x| x.id.as_deref() == Some(**id)))
            .map(|(i, _)| ["一", "二", "三", "四", "五", "六"][i])
            .collect();
        let read_parts: Vec<&str> = SECTION_INDEX
            .iter()
            .enumerate()
            .filter(|(_, id)| self.sections.iter().any(|x| x.id.as_deref() == Some(**id)))
            .map(|(i, _)| ["一", "二", "三", "四", "五", "六"][i])
            .collect();
        let read_desc = if read_parts.is_empty() { "未读到任何部分".to_owned() } else { format!("已读到第{}部分", read_parts.join("、")) };
        let missing_desc = match missing.len() {
            0 => String::new(),
            1 => format!("，第{}部分未读到", missing[0]),
            _ => format!("，第{}部分均未读到", missing.join("、")),
        };
        // a page range cut on both sides is one finding: where it starts and where it ends
        let message = match fragment {
            Some((start, _)) => format!(
                "这是报告的片段：输入从第{}部分开始（没有报告标题和第{}部分），在第 {} 行（{read}）之后就结束了{missing_desc}。{read_desc}（可能是 PDF 的部分页面、网页的部分复制）",
                NUM[start],
                NUM[..start].join("、"),
                self.last_line
            ),
            None => format!("报告不完整：输入在第 {} 行（{read}）之后就结束了{missing_desc}。{read_desc}", self.last_line),
        };
        self.findings.push(Finding::new(
            CheckCode::TruncatedInput,
            message,
            Location { line: Some(self.last_line), ..Location::default() },
            "核对原文件是否完整（下载、复制或转换时可能被截断），用完整的报告重新检查",
        ));
    }
}

const NUM: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

impl Assembler<'_> {
    /// Table 四 of which no row was read although its numbers are there, printed among its
    /// header words (pdftotext without -layout of a Word export): one AMBIGUOUS_CELLS naming
    /// them, not a table missing (the checker then adds no MISSING_TABLE).
    fn stray_t4(&mut self) {
        if self.t4_stray.is_empty() || self.tables[2].as_ref().is_some_and(|t| !t.rows.is_empty()) {
            return;
        }
        self.findings.push(Finding::new(
            CheckCode::AmbiguousCells,
            format!(
                "表四的 {} 个数字（{}）与表头文字交错印出，无法确定各数字所属的列，表四未读取",
                self.t4_stray.len(),
                self.t4_stray.iter().take(20).cloned().collect::<Vec<_>>().join(" ")
            ),
            Location { section: Some("s4".to_owned()), table: Some("t4".to_owned()), line: self.t4_stray_line, ..Location::default() },
            "核对原件中的表四（复制 PDF 文字时请保留版面，例如 pdftotext -layout），或直接检查 PDF 文件",
        ));
    }

    /// MISSING_TABLE for a table the report shows only as an image: no row of it was read and
    /// its section holds an image. One finding per table naming the image(s); the checker then
    /// lists none of its rows as missing.
    fn image_tables(&mut self) {
        for t in TableId::ALL {
            if self.tables[tix(t)].as_ref().is_some_and(|tb| !tb.rows.is_empty()) {
                continue;
            }
            let sec = SECTION_INDEX.iter().position(|x| *x == t.section());
            let imgs: Vec<&(Option<usize>, String, u32)> = self.images.iter().filter(|(s, _, _)| *s == sec).collect();
            let Some(&&(_, _, line)) = imgs.first() else { continue };
            let names: Vec<String> = imgs.iter().take(3).map(|(_, src, _)| format!("“{src}”")).collect();
            let more = if imgs.len() > 3 { format!(" 等 {} 张", imgs.len()) } else { String::new() };
            self.findings.push(Finding::new(
                CheckCode::MissingTable,
                format!("{}只以图片形式发布（{}{more}），没有可核对的文字表格", table_name(t), names.join("、")),
                Location { section: Some(t.section().to_owned()), table: Some(t.id().to_owned()), line: Some(line), ..Location::default() },
                format!("以文字表格形式发布{}，不要只发布图片", table_name(t)),
            ));
            self.tables[tix(t)] = None;
        }
    }
}

impl Assembler<'_> {
    /// A fragment: the input starts after section 一 (a single page or a page range of a PDF, a
    /// copied part of a page) — no section 一 heading and no title naming a report before the
    /// first part read. One TRUNCATED_INPUT finding names it; the checker then does not list
    /// what comes before as missing.
    fn fragment(&self) -> Option<(usize, Option<u32>)> {
        let first = self.sections.iter().find_map(|s| s.id.as_deref()).and_then(|id| SECTION_INDEX.iter().position(|x| *x == id));
        let first_table = TableId::ALL.iter().find(|t| self.tables[tix(**t)].as_ref().is_some_and(|tb| !tb.rows.is_empty())).map(|t| match t {
            TableId::T2 => 1,
            TableId::T3 => 2,
            TableId::T4 => 3,
        });
        let start = [first, first_table].into_iter().flatten().min()?;
        if start == 0 {
            return None;
        }
        // a title is a line of its own that names the report (section 一's body, the first
        // text of a page range, may say 政府信息公开 and 报告 in a long sentence)
        let titled = self.sections.iter().take_while(|s| s.id.is_none()).any(|s| {
            std::iter::once(s.title.as_str()).chain(s.text.lines()).any(|t| {
                t.chars().count() <= 80 && (t.contains("报告") || t.contains("年报")) && t.contains("政府信息公开")
            })
        });
        if titled {
            return None;
        }
        let line = self.sections.iter().find(|s| s.id.is_some()).and_then(|s| s.line);
        Some((start, line))
    }
}

/// Where a web page's footer starts in a paragraph: the site's imprint (版权所有, 主办单位,
/// ICP备 …), or a short paragraph of footer links (联系我们, 网站地图 …).
pub(super) fn footer_start(p: &str) -> Option<usize> {
    const LINKS: [&str; 5] = ["联系我们", "网站地图", "关于我们", "网站声明", "隐私声明"];
    // one pass: the imprint's words where their first character stands
    for (at, c) in p.char_indices() {
        let rest = &p[at..];
        let hit = match c {
            '版' => rest.starts_with("版权所有"),
            '主' => rest.starts_with("主办单位") || rest.starts_with("主办：") || rest.starts_with("主办:"),
            '承' => rest.starts_with("承办单位"),
            'I' => rest.starts_with("ICP备"),
            '网' => rest.starts_with("网站标识码"),
            '公' => rest.starts_with("公网安备"),
            '技' => rest.starts_with("技术支持："),
            'C' | 'c' => rest[1..].starts_with("opyright"),
            _ => false,
        };
        if hit {
            // 闽ICP备…, 京公网安备…: the province's abbreviation belongs to the number
            let before = &p[..at];
            return Some(if matches!(c, 'I' | '公') {
                before.char_indices().next_back().filter(|(_, c)| ('\u{4E00}'..='\u{9FFF}').contains(c)).map_or(at, |(i, _)| i)
            } else {
                at
            });
        }
    }
    (p.chars().count() <= 40 && LINKS.iter().any(|m| p.contains(m))).then_some(0)
}
