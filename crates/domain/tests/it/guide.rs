//! The outcome guide as a table: every path ends in exactly one leaf, every table-三 leaf a reply
//! can reach is reached, the remedies follow 行政复议法 / 行政诉讼法.

use std::collections::BTreeSet;

use gongkai_domain::guide::{self, GuideError, Step, walk};
use gongkai_domain::report::{FormatVersion, TableId};

/// A path of answers.
type Answers = &'static [(&'static str, &'static str)];

/// The leaves that come from an event, not from a reply: 逾期不补正, 逾期未缴费 (视为放弃).
const NOT_A_REPLY: [&str; 2] = ["oh_no_correction", "oh_fee_unpaid"];

#[test]
fn every_table_three_leaf_a_reply_can_have_is_reachable_and_nothing_else() {
    let spec = FormatVersion::for_year(2025).spec();
    let leaves: BTreeSet<&str> = spec
        .table(TableId::T3)
        .data_rows()
        .map(|(_, r)| r.id)
        .filter(|id| !["new_received", "carried_over", "results_total", "carried_forward"].contains(id))
        .filter(|id| !NOT_A_REPLY.contains(id))
        .collect();
    let reached: BTreeSet<&str> = guide::paths().iter().map(|(_, l)| l.outcome).collect();
    assert_eq!(reached, leaves);
}

#[test]
fn every_path_ends_in_exactly_one_leaf_and_each_prefix_asks_the_next_question() {
    let paths = guide::paths();
    assert!(paths.len() > 20, "{}", paths.len());
    for (answers, leaf) in &paths {
        // Every proper prefix asks exactly the question answered next.
        for i in 0..answers.len() {
            match walk(&answers[..i]).unwrap() {
                Step::Ask(q) => assert_eq!(q.id, answers[i].0, "{answers:?}"),
                Step::Leaf(l) => panic!("{answers:?} ends early at {}", l.outcome),
            }
        }
        assert_eq!(walk(answers).unwrap(), Step::Leaf(leaf.clone()));
        assert!(!leaf.reply.is_empty() && leaf.legal_basis.starts_with(guide::REGULATION), "{leaf:?}");
        // One more answer after the leaf is refused.
        let mut longer = answers.clone();
        longer.push(("provide", "paper"));
        assert!(walk(&longer).is_err(), "{longer:?}");
    }
    // No two paths are the same.
    let distinct: BTreeSet<_> = paths.iter().map(|(a, _)| a.clone()).collect();
    assert_eq!(distinct.len(), paths.len());
}

#[test]
fn worked_paths_end_where_the_regulation_says() {
    let table: &[(Answers, &str, &str)] = &[
        (&[("kind", "petition")], "np_petition_complaint", "第三十九条第一款"),
        (&[("kind", "normal"), ("clear", "after_correction")], "unable_unclear_after_correction", "第三十条"),
        (&[("kind", "normal"), ("clear", "yes"), ("info", "yes"), ("whose", "other")], "unable_not_held", "第三十六条第（五）项"),
        (
            &[("kind", "normal"), ("clear", "yes"), ("info", "yes"), ("whose", "this"), ("exists", "not_found")],
            "unable_not_held",
            "第三十六条第（四）项",
        ),
        (
            &[("kind", "normal"), ("clear", "yes"), ("info", "yes"), ("whose", "this"), ("exists", "yes"), ("disclose", "yes"), ("provide", "paper")],
            "granted",
            "第三十六条第（二）项",
        ),
        (
            &[
                ("kind", "normal"),
                ("clear", "yes"),
                ("info", "yes"),
                ("whose", "this"),
                ("exists", "yes"),
                ("disclose", "partly"),
                ("reason", "third_party"),
                ("provide", "electronic"),
            ],
            "partial",
            "第三十七条、第十五条",
        ),
        (
            &[("kind", "normal"), ("clear", "yes"), ("info", "yes"), ("whose", "this"), ("exists", "yes"), ("disclose", "no"), ("reason", "process_info")],
            "denied_process_info",
            "第十六条第二款",
        ),
    ];
    for (answers, outcome, article) in table {
        let Step::Leaf(l) = walk(answers).unwrap() else { panic!("{answers:?} asks more") };
        assert_eq!(l.outcome, *outcome, "{answers:?}");
        assert!(l.legal_basis.ends_with(article), "{answers:?}: {}", l.legal_basis);
    }
}

#[test]
fn answers_out_of_order_unknown_or_repeated_are_refused() {
    assert!(matches!(walk(&[("clear", "yes")]), Err(GuideError::UnexpectedQuestion(_))));
    assert!(matches!(walk(&[("kind", "maybe")]), Err(GuideError::UnknownChoice { .. })));
    assert!(matches!(walk(&[("kind", "normal"), ("kind", "normal")]), Err(GuideError::Repeated("kind"))));
    assert!(matches!(walk(&[("kind", "repeat"), ("clear", "yes")]), Err(GuideError::Extra(_))));
    assert_eq!(walk(&[]).unwrap(), Step::Ask(&guide::KIND));
}

#[test]
fn a_refusal_sends_to_reconsideration_first_and_other_replies_offer_both_remedies() {
    let r = guide::remedies(true, "岚皋县人民政府");
    assert!(r.contains("六十日内向岚皋县人民政府申请行政复议") && r.contains("十五日内") && !r.contains("六个月"), "{r}");
    let o = guide::remedies(false, "岚皋县人民政府");
    assert!(o.contains("六十日内") && o.contains("六个月内") && o.contains("或者"), "{o}");
    // Every refusal leaf (不予公开, 部分公开) carries the refusal notice.
    for (_, l) in guide::paths() {
        assert_eq!(l.refusal, l.outcome.starts_with("denied_") || l.outcome == "partial", "{}", l.outcome);
    }
}
