//! Who (issue 10, item 8): the agency and its level from the title, the heading before the
//! title, the signature (落款) and phrases like 本机关 / 我镇 — never from a sentence fragment.
//! A table of title and 落款 shapes around the body of a generated report (its own name taken
//! out), in the plain text, Markdown and one-cell-per-line layouts.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use gongkai_domain::report::{AgencyLevel, Report};
use gongkai_report::read::read_bytes;
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::{SampleOptions, sample_report_with};

use crate::read_layouts::{Layout, txt_in_layout};

/// The body of a generated 2024 report (sections and tables), its agency's name replaced by
/// `this` (本机关, 我镇 …) wherever the narrative says it, without title, preamble or 落款.
fn body(this: &str) -> String {
    let report = (0..200u64).map(|s| sample_report_with(s, SampleOptions::PLAIN)).find(|r| r.year == Some(2024)).unwrap();
    let txt = String::from_utf8(render::render(&report, &[], OutputFormat::Txt).unwrap()).unwrap();
    let name = report.agency.clone().unwrap();
    let start = txt.find("一、总体情况").unwrap();
    txt[start..].replace(&name, this)
}

/// (what comes before the body, the 落款 after it, the word the narrative uses for the agency,
/// the agency, its level)
type Case = (&'static str, &'static str, &'static str, Option<&'static str>, Option<AgencyLevel>);

const CASES: &[Case] = &[
    // the title names it
    ("岚皋县民主镇人民政府2024年政府信息公开工作年度报告\n", "", "本机关", Some("岚皋县民主镇人民政府"), Some(AgencyLevel::Township)),
    ("紫阳县双河乡人民政府2024年政府信息公开工作年度报告\n", "", "我乡", Some("紫阳县双河乡人民政府"), Some(AgencyLevel::Township)),
    ("淮安市清江浦区长西街道办事处2024年政府信息公开工作年度报告\n", "", "本机关", Some("淮安市清江浦区长西街道办事处"), Some(AgencyLevel::Township)),
    ("通渭县人民政府2024年度政府信息公开工作年度报告\n", "", "我县", Some("通渭县人民政府"), Some(AgencyLevel::County)),
    ("宿迁市宿城区人民政府2024年政府信息公开工作年度报告\n", "", "我区", Some("宿迁市宿城区人民政府"), Some(AgencyLevel::County)),
    ("淮安市人民政府关于2024年度政府信息公开工作年度报告\n", "", "我市", Some("淮安市人民政府"), Some(AgencyLevel::City)),
    ("安康市卫生健康委员会2024年政府信息公开工作年度报告\n", "", "我委", Some("安康市卫生健康委员会"), Some(AgencyLevel::Department)),
    ("旬阳市人民政府办公室2024年政府信息公开工作年度报告\n", "", "本机关", Some("旬阳市人民政府办公室"), Some(AgencyLevel::Department)),
    ("青山县民政局2024年政府信息公开工作年度报告\n", "", "我局", Some("青山县民政局"), Some(AgencyLevel::Department)),
    // the title on two lines
    ("淮安市洪泽区人民政府2024年政府信息\n公开工作年度报告\n", "", "我区", Some("淮安市洪泽区人民政府"), Some(AgencyLevel::County)),
    ("上海市科学技术委员会2024年政府信息公开工作\n年度报告\n", "", "本机关", Some("上海市科学技术委员会"), Some(AgencyLevel::Department)),
    ("沭阳县发展和改革局\n2024年政府信息公开工作年度报告\n", "", "我局", Some("沭阳县发展和改革局"), Some(AgencyLevel::Department)),
    ("岚皋县民主镇人民政府\n2024年度政府信息公开工作\n年度报告\n", "", "我镇", Some("岚皋县民主镇人民政府"), Some(AgencyLevel::Township)),
    // a title without the name: the 落款, with its date under it or beside it
    ("2024年政府信息公开工作年度报告\n", "青山县民政局\n2025年1月20日\n", "我局", Some("青山县民政局"), Some(AgencyLevel::Department)),
    ("2024年度政府信息公开工作年度报告\n", "石门镇人民政府    2025年1月10日\n", "我镇", Some("石门镇人民政府"), Some(AgencyLevel::Township)),
    ("2024年政府信息公开工作年度报告\n", "城关街道办事处\n二〇二五年一月十五日\n", "本机关", Some("城关街道办事处"), Some(AgencyLevel::Township)),
    ("2024年政府信息公开工作年度报告\n", "宜川县人民政府办公室\n2025年3月1日\n", "本机关", Some("宜川县人民政府办公室"), Some(AgencyLevel::Department)),
    // a sentence before the body is never the agency
    (
        "2024年政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开条例》和上级要求，现公布2024年度政府信息公开工作年度报告。\n",
        "花园镇人民政府\n2025年1月10日\n",
        "我镇",
        Some("花园镇人民政府"),
        Some(AgencyLevel::Township),
    ),
    (
        "2024年政府信息公开工作年度报告\n为进一步做好政务公开工作，现将我县2024年政府信息公开工作年度报告公布如下。\n",
        "",
        "我县",
        None,
        Some(AgencyLevel::County),
    ),
    (
        "2024年政府信息公开工作年度报告\n本报告由宜川县交通运输局根据《中华人民共和国政府信息公开条例》要求编制。\n",
        "",
        "本局",
        Some("宜川县交通运输局"),
        Some(AgencyLevel::Department),
    ),
    (
        "岚皋县人民政府办公室关于印发《岚皋县民主镇2024年政府信息公开工作年度报告》的通知\n岚皋县民主镇人民政府2024年政府信息公开工作年度报告\n",
        "",
        "我镇",
        Some("岚皋县民主镇人民政府"),
        Some(AgencyLevel::Township),
    ),
    (
        "根据《中华人民共和国政府信息公开条例》要求，现公布2024年度政府信息公开工作年度报告。\n",
        "",
        "我镇",
        None,
        Some(AgencyLevel::Township),
    ),
    (
        "2024年政府信息公开工作年度报告\n按照上级部署要求，结合工作实际，编制本报告。\n",
        "",
        "本局",
        None,
        Some(AgencyLevel::Department),
    ),
];

fn who(r: &Report) -> (Option<&str>, Option<AgencyLevel>) {
    (r.agency.as_deref(), r.level)
}

#[test]
fn the_agency_from_titles_headings_and_signatures_never_from_a_sentence() {
    let mut failures = Vec::new();
    for (i, (head, sign, this, agency, level)) in CASES.iter().enumerate() {
        let txt = format!("{head}{}\n{sign}", body(this));
        let mut inputs = vec![("txt", txt.clone())];
        inputs.push(("one cell", txt_in_layout(&txt, Layout::OneCell)));
        inputs.push(("pipes", txt_in_layout(&txt, Layout::PipesFramed)));
        for (what, input) in inputs {
            let r = read_bytes(input.as_bytes(), None).unwrap();
            if who(&r) != (*agency, *level) {
                failures.push(format!("case {i} {what} {head:?} / {sign:?}: got {:?}, want {:?}", who(&r), (agency, level)));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
