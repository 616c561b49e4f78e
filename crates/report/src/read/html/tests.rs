use super::*;

fn grid(doc: &Doc, i: usize) -> Vec<Vec<String>> {
    let tables: Vec<_> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table { rows, .. } => Some(rows.iter().map(|r| r.cells.iter().map(|c| c.to_string()).collect()).collect::<Vec<_>>()),
            Block::Para { .. } => None,
        })
        .collect();
    tables[i].clone()
}

fn paras<'a>(doc: &'a Doc<'_>) -> Vec<&'a str> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para { text, .. } => Some(text.as_ref()),
            Block::Table { .. } => None,
        })
        .collect()
}

#[test]
fn spans_expand_with_text_top_left() {
    let doc = scan(
        "<table><tr><td rowspan=2 colspan=2>a</td><td>b</td></tr><tr><td>c</td></tr>\
         <tr><td>d</td><td colspan=\"2\">e</td></tr></table>",
    );
    assert_eq!(
        grid(&doc, 0),
        vec![vec!["a", "", "b"], vec!["", "", "c"], vec!["d", "e", ""]]
            .into_iter()
            .map(|r| r.into_iter().map(String::from).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
}

#[test]
fn rowspan_in_last_column_still_covers() {
    let doc = scan("<table><tr><td>a</td><td rowspan=3>t</td></tr><tr><td>b</td></tr><tr><td>c</td></tr></table>");
    assert_eq!(grid(&doc, 0)[2], vec!["c".to_owned(), String::new()]);
}

#[test]
fn entities_and_nbsp_cells() {
    let doc = scan("<p>a&amp;b &lt;c&gt; &#20013;&#x6587; &ldquo;x&rdquo; &bogus; &nbsp</p><table><tr><td>&nbsp;</td><td>&nbsp;12&nbsp;</td></tr></table>");
    assert_eq!(paras(&doc), vec!["a&b <c> 中文 “x” &bogus;"]);
    assert_eq!(grid(&doc, 0), vec![vec![String::new(), "12".to_owned()]]);
}

#[test]
fn script_style_comments_and_head_are_skipped() {
    let doc = scan(
        "<html><head><title>T</title><script>var a='<p>x</p>';</script></head><body>\
         <!-- <p>hidden</p> --><style>p{}</style><SCRIPT type=x>if (a</b) {}</SCRIPT><p>shown</p></body></html>",
    );
    assert_eq!(paras(&doc), vec!["shown"]);
}

#[test]
fn nested_layout_tables_yield_the_inner_data_table() {
    let doc = scan(
        "<table><tr><td><p>一、总体情况</p><p>text</p><table><tr><td>规章</td><td>0</td></tr></table>\
         <p>after</p></td></tr></table>",
    );
    assert_eq!(paras(&doc), vec!["一、总体情况", "text", "after"]);
    assert_eq!(grid(&doc, 0), vec![vec!["规章".to_owned(), "0".to_owned()]]);
    assert!(matches!(doc.blocks[2], Block::Table { .. }));
}

#[test]
fn malformed_markup_is_tolerated() {
    let doc = scan("<p>a</td></tr><table><tr><td>1<td>2<tr><td>3</table><div class=x>b<table><td>z");
    assert_eq!(grid(&doc, 0), vec![vec!["1".to_owned(), "2".to_owned()], vec!["3".to_owned(), String::new()]]);
    assert_eq!(grid(&doc, 1), vec![vec!["z".to_owned()]]);
    assert_eq!(paras(&doc), vec!["a", "b"]);
    // unclosed quotes, comments and tags at the end
    let doc = scan("<p title=\"never closed>x</p><p>y<!-- open");
    assert_eq!(paras(&doc), vec!["x", "y"]);
    let doc = scan("a < b <");
    assert_eq!(paras(&doc), vec!["a < b <"]);
}

#[test]
fn lines_are_where_text_starts() {
    let doc = scan("<p>\n\n  a</p>\n<table>\n<tr>\n<td>1</td></tr>\n<tr><td>2</td></tr></table>");
    assert!(matches!(&doc.blocks[0], Block::Para { line: 3, .. }));
    match &doc.blocks[1] {
        Block::Table { rows, line } => {
            assert_eq!(*line, 4);
            assert_eq!(rows[0].line, 5);
            assert_eq!(rows[1].line, 7);
        }
        Block::Para { .. } => panic!("expected a table"),
    }
    // a form feed is whitespace but the text's line is where the form feed is
    let doc = scan("<p>\n\x0c\nb</p>\n<p>\x0c \n</p><p>\n c</p>");
    assert!(matches!(&doc.blocks[0], Block::Para { line: 2, .. }));
    assert!(matches!(&doc.blocks[1], Block::Para { line: 6, .. }));
    assert_eq!(paras(&doc), vec!["b", "c"]);
}

#[test]
fn block_elements_inside_cells_become_spaces() {
    let doc = scan("<table><tr><td><p>三、本年度</p><p>办理结果</p></td><td><span>2</span><span>3</span></td></tr></table>");
    assert_eq!(grid(&doc, 0), vec![vec!["三、本年度 办理结果".to_owned(), "23".to_owned()]]);
}

#[test]
fn charset_declarations_are_found() {
    assert_eq!(declared_charset(b"<META http-equiv=Content-Type content=\"text/html; charset=GB2312\">").as_deref(), Some("gb2312"));
    assert_eq!(declared_charset(b"<meta charset='gbk'>").as_deref(), Some("gbk"));
    assert_eq!(declared_charset(b"<meta name=x content=y>"), None);
}

/// `TextBuf::push_str` as it was written first, a character at a time: the oracle of the
/// eight-bytes-at-a-time search.
fn push_str_oracle<'a>(t: &mut TextBuf<'a>, at: usize, s: &'a str, line: u32) {
    let b = s.as_bytes();
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        let (len, space) = match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0C => (1, true),
            0xC2 | 0xE2 | 0xE3 | 0xEF => match s[i..].chars().next() {
                Some(c @ ('\u{a0}' | '\u{3000}' | '\u{2002}'..='\u{200a}')) => (c.len_utf8(), true),
                Some(c @ ('\u{200b}' | '\u{feff}' | '\u{200c}' | '\u{200d}')) => (c.len_utf8(), false),
                _ => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        t.push_run(at + run, &s[run..i], line);
        if space {
            t.pending_space = true;
        }
        i += len;
        run = i;
    }
    t.push_run(at + run, &s[run..], line);
}

/// `count` pieces drawn by a linear congruential generator (deterministic, no crate).
fn random_text(seed: &mut u64, pieces: &[&str], count: usize) -> String {
    let mut s = String::new();
    for _ in 0..count {
        *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        s.push_str(pieces[(*seed >> 33) as usize % pieces.len()]);
    }
    s
}

#[test]
fn push_str_collapses_like_the_char_by_char_oracle() {
    let pieces = [
        "a", "中", "。", "，", "“", "é", "Â", " ", "\t", "\n", "\r", "\x0c", "\x0b", "\x01", "\u{a0}", "\u{3000}", "\u{2002}",
        "\u{200a}", "\u{200b}", "\u{200d}", "\u{2010}", "\u{feff}", "\u{2003}", "\u{ff10}", "\u{3001}", "12", "&",
    ];
    let mut seed = 7u64;
    for n in 0..4000 {
        let s = random_text(&mut seed, &pieces, n % 40);
        let src = format!("x{s}");
        let (mut a, mut b) = (TextBuf::new(&src), TextBuf::new(&src));
        a.push_str(1, &src[1..], 3);
        push_str_oracle(&mut b, 1, &src[1..], 3);
        assert_eq!(a.pending_space, b.pending_space, "{s:?}");
        assert_eq!(a.take(), b.take(), "{s:?}");
    }
}

#[test]
fn tag_end_is_where_attributes_end() {
    let pieces = [" ", "\n", "a", "=", "\"", "'", ">", "/", "x=\"v>w\"", "b='>'", "c=d>", "style=\"a:b\" ", "= \"q\"", "e='"];
    let mut seed = 11u64;
    for n in 0..5000 {
        let s = random_text(&mut seed, &pieces, n % 24);
        let want = Scanner::new(&s).attributes(0).1;
        assert_eq!(Scanner::new(&s).tag_end(0), want, "{s:?}");
    }
}

#[test]
fn huge_spans_stay_bounded() {
    let mut html = String::from("<table>");
    for _ in 0..1000 {
        html.push_str("<tr><td colspan=100000 rowspan=100000>x</td></tr>");
    }
    html.push_str("</table>");
    let doc = scan(&html);
    let cells: usize = match &doc.blocks[0] {
        Block::Table { rows, .. } => rows.iter().map(|r| r.cells.len()).sum(),
        Block::Para { .. } => 0,
    };
    assert!(cells <= MAX_COVERED_CELLS + 1000);
}
