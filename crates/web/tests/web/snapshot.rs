//! Snapshot tests (insta, as the CLI's; files in `tests/web/snapshots/`): the text of every kind
//! of letter as its DOCX holds it (word/document.xml, paragraph by paragraph, with its style and
//! alignment), and the HTML skeleton of the console's main pages (elements with their id, classes
//! and form attributes; only headings, labels, table heads and buttons keep their text).
//!
//! A change to a template or a letter shows here as a diff to review. To accept one:
//! `INSTA_UPDATE=always cargo test -p gongkai-web --test web snapshot` (or `cargo insta review`),
//! then commit the changed `.snap` files.

use std::io::Read as _;

use axum::http::StatusCode;
use gongkai_app::letters::{self, KINDS};

use crate::helpers::*;

/// Elements whose own text is part of the skeleton (what a page asks and offers).
const KEEP_TEXT: &[&str] = &["h1", "h2", "h3", "h4", "th", "button", "summary", "legend", "label", "dt"];
/// Attributes shown (values that say what a form does; never a token or a value typed).
const KEEP_ATTRS: &[&str] = &["id", "class", "name", "type", "method", "action", "role", "enctype"];
/// Elements without an end tag.
const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// The skeleton of a page: one line per element, indented by depth.
pub fn skeleton(html: &str) -> String {
    let mut out = String::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            text(&mut out, &stack, rest);
            break;
        };
        text(&mut out, &stack, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if rest.starts_with("<!") {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[1..end];
        rest = rest.get(end + 1..).unwrap_or("");
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(at) = stack.iter().rposition(|t| *t == name) {
                stack.truncate(at);
            }
            continue;
        }
        let (name, attrs) = parse_tag(tag);
        let mut line = name.clone();
        let mut more = String::new();
        for (k, v) in &attrs {
            match k.as_str() {
                "id" => line.push_str(&format!("#{v}")),
                "class" => v.split_whitespace().for_each(|c| line.push_str(&format!(".{c}"))),
                k if KEEP_ATTRS.contains(&k) => more.push_str(&format!(" {k}={v}")),
                _ => {}
            }
        }
        line.push_str(&more);
        out.push_str(&"  ".repeat(stack.len()));
        out.push_str(&line);
        out.push('\n');
        if !VOID.contains(&name.as_str()) && !tag.trim_end().ends_with('/') {
            // Script and style bodies are not markup.
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                rest = rest.find(&close).map_or("", |e| &rest[e..]);
            }
            stack.push(name);
        }
    }
    out
}

/// The index of the `>` that ends the tag at the start of `s` (quotes respected).
fn tag_end(s: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i,
            _ => {}
        }
    }
    s.len()
}

/// A start tag's name and attributes (lower-case names, values unquoted).
fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
    let tag = tag.trim_end_matches('/');
    let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let name = tag[..name_end].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let e = body.find(q).unwrap_or(body.len());
                    (&body[..e], body.get(e + 1..).unwrap_or(""))
                }
                _ => {
                    let e = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..e], &after[e..])
                }
            };
            rest = r.trim_start();
            v.to_string()
        } else {
            String::new()
        };
        if !key.is_empty() {
            attrs.push((key, value));
        }
    }
    (name, attrs)
}

fn text(out: &mut String, stack: &[String], raw: &str) {
    let words: Vec<&str> = raw.split_whitespace().collect();
    if words.is_empty() || !stack.last().is_some_and(|t| KEEP_TEXT.contains(&t.as_str())) {
        return;
    }
    out.push_str(&"  ".repeat(stack.len()));
    out.push_str(&format!("“{}”\n", words.join(" ")));
}

/// A DOCX's paragraphs as word/document.xml holds them: `[style|alignment] text`, one a line.
pub fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut out = String::new();
    let mut paras = Vec::new();
    let mut at = 0;
    while let Some(i) = xml[at..].find("<w:p") {
        let start = at + i;
        at = start + 4;
        if matches!(xml.as_bytes().get(start + 4), Some(b'>' | b' ')) {
            let end = xml[start..].find("</w:p>").map_or(xml.len(), |e| start + e);
            paras.push(&xml[start..end]);
            at = end;
        }
    }
    for para in paras {
        let attr = |tag: &str| -> String {
            para.find(&format!("<{tag} w:val=\""))
                .map(|i| {
                    let v = &para[i + tag.len() + 9..];
                    v[..v.find('"').unwrap()].to_string()
                })
                .unwrap_or_default()
        };
        let mut text = String::new();
        let mut rest = para;
        while let Some(i) = rest.find("<w:t") {
            let after = &rest[i..];
            let open_end = after.find('>').unwrap();
            if after[..open_end].starts_with("<w:tab") || after[..open_end].starts_with("<w:tbl") {
                rest = &after[open_end..];
                continue;
            }
            let body = &after[open_end + 1..];
            let close = body.find("</w:t>").unwrap();
            text.push_str(&body[..close]);
            rest = &body[close..];
        }
        let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
        out.push_str(&format!("[{}|{}] {text}\n", attr("w:pStyle"), attr("w:jc")));
    }
    out
}

/// Values for every placeholder a letter may use (those a kind does not use are ignored).
fn sample_values() -> letters::Values {
    vec![
        ("答复内容", "经检索，您申请的信息由本机关制作并保存，现予以公开，见附件。".into()),
        ("法律依据", "《中华人民共和国政府信息公开条例》第三十六条第（二）项".into()),
        ("救济途径", gongkai_domain::guide::remedies(false, "岚皋县人民政府")),
        ("补正事项", "1.请写明所需信息的名称、文号或者其他特征性描述。".into()),
        ("补正期限", "2025年7月15日".into()),
        ("延期理由", "所需信息涉及多个年度，需要检索核实".into()),
        ("延期天数", "20".into()),
        ("答复期限", "2025年7月28日".into()),
        ("征求对象", "某某公司".into()),
        ("征求事项", "某某项目的合同文本".into()),
        ("意见期限", "2025年7月21日".into()),
        ("收费明细", "收费依据：国办函〔2020〕109号\n计收方式：按量计收，本件共40页".into()),
        ("应缴金额", "100".into()),
        ("缴费方式", "到本机关财务室缴纳".into()),
    ]
}

#[tokio::test]
async fn every_kind_of_letter_as_its_docx_reads() {
    let t = TestWeb::new().await;
    let op = t.office.operator("tester");
    let s = t.login("officer").await;
    let on = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    for kind in KINDS.iter().filter(|k| !k.setting) {
        let letter = letters::issue(&op, &t.case_town, kind, sample_values(), on).await.unwrap();
        let bytes = t.get_bytes(&format!("/letters/{}/docx", letter.id), &s).await;
        insta::assert_snapshot!(format!("letter_{}", kind.code), docx_text(&bytes));
    }
}

/// The main pages snapshotted (name, who opens it, path), each as the user who works with it:
/// `{case}` is the township's case, `{town}` the township, `{letter}` the case's letter.
const PAGES: &[(&str, &str, &str)] = &[
    ("desk_officer", "officer", "/"),
    ("desk_supervisor", "supervisor", "/"),
    ("case_list", "officer", "/cases"),
    ("case_page", "officer", "/cases/{case}"),
    ("case_page_admin", "admin", "/cases/{case}"),
    ("case_page_head", "head", "/cases/{case}"),
    ("guide", "officer", "/cases/{case}/reply"),
    ("letter", "officer", "/letters/{letter}"),
    ("intake", "registrar", "/intake"),
    ("intake_ledger", "registrar", "/intake/ledger"),
    ("receipt", "registrar", "/receipts/{case}"),
    ("reports", "registrar", "/reports"),
    ("report_page", "registrar", "/reports/{town}/2025"),
    ("report_drill", "registrar", "/reports/{town}/2025/drill?cell=t3:new_received:natural_person"),
    ("checker", "reviewer", "/checker"),
    ("supervision", "supervisor", "/supervision/2025"),
    ("registers", "registrar", "/registers/{town}"),
    ("admin", "admin", "/admin"),
    ("admin_agency", "admin", "/admin/agencies/{town}"),
    ("letter_templates", "admin", "/agencies/{town}/letters"),
    ("letter_template", "admin", "/agencies/{town}/letters/correction"),
    ("audit", "admin", "/audit"),
    ("password", "officer", "/password"),
    ("not_found", "officer", "/no-such-page"),
];

/// No snapshot file is left that no test writes (a page or letter kind dropped from the lists),
/// and none is pending review.
#[test]
fn every_snapshot_file_belongs_to_a_page_or_letter_kind_snapshotted() {
    let mut expected: Vec<String> = PAGES.iter().map(|(n, _, _)| format!("web__snapshot__page_{n}.snap")).collect();
    expected.push("web__snapshot__page_login.snap".into());
    expected.extend(KINDS.iter().filter(|k| !k.setting).map(|k| format!("web__snapshot__letter_{}.snap", k.code)));
    expected.sort();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/snapshots");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".snap.new"))
        .collect();
    found.sort();
    assert_eq!(found, expected, "snapshot files in {} (delete the ones no test writes)", dir.display());
}

/// The main pages, each as the user who works with it.
#[tokio::test]
async fn the_main_pages_keep_their_skeleton() {
    let t = TestWeb::new().await;
    let town = t.town.id.0;
    let case = t.case_town.id.0;
    let reg = t.login("registrar").await;
    let r = t.post(&format!("/reports/{town}/2025/generate"), Some(&reg), &[("csrf", &reg.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let login = t.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    insta::assert_snapshot!("page_login", skeleton(&login.body));
    for &(name, user, path) in PAGES {
        let path = path.replace("{case}", &case.to_string()).replace("{town}", &town.to_string()).replace("{letter}", &t.letter_town.id.to_string());
        let s = t.login(user).await;
        let r = t.get(&path, Some(&s)).await;
        let expected = if name == "not_found" { StatusCode::NOT_FOUND } else { StatusCode::OK };
        assert_eq!(r.status, expected, "{name} {path}: {}", r.body);
        insta::assert_snapshot!(format!("page_{name}"), skeleton(&r.body));
    }
}

#[test]
fn the_skeleton_keeps_structure_and_form_fields_and_drops_text_and_tokens() {
    let html = r#"<!doctype html><html><body><!-- note --><main><h1>申请 <b>X</b></h1>
        <p class="muted big">随便的文字 2025-06-30</p>
        <form method="post" action="/cases/1/fee" class="form"><input type="hidden" name="csrf" value="secret-token">
        <label>页数 <input name="pages" value="40" data-x='a>b'></label><br><button type="submit">发出</button></form>
        <script src="/static/app.js"></script></main></body></html>"#;
    let s = skeleton(html);
    assert_eq!(
        s,
        "html\n  body\n    main\n      h1\n        “申请”\n        b\n      p.muted.big\n      form.form method=post action=/cases/1/fee\n        input type=hidden name=csrf\n        label\n          “页数”\n          input name=pages\n        br\n        button type=submit\n          “发出”\n      script\n"
    );
    assert!(!s.contains("secret-token") && !s.contains("随便"));
}
