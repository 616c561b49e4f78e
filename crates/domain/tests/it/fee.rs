//! 信息处理费 (国办函〔2020〕109号): per item per calendar month, per page per application.
#![expect(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::NaiveDate;
use gongkai_domain::fee::{month_ordinal, FeeMethod, FeeQuote};

fn item(ordinal: u32, items: u32) -> u64 {
    FeeQuote::new(FeeMethod::PerItem { ordinal, items }).unwrap().amount_yuan
}

fn pages(pages: u32) -> u64 {
    FeeQuote::new(FeeMethod::PerPage { pages }).unwrap().amount_yuan
}

#[test]
fn per_item_tiers() {
    let cases = [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)];
    for (n, yuan) in cases {
        assert_eq!(item(n, 1), yuan, "item {n}");
    }
    // Items 9-12 of the month: two free, two at 100.
    assert_eq!(item(9, 4), 200);
    let q = FeeQuote::new(FeeMethod::PerItem { ordinal: 29, items: 4 }).unwrap();
    assert_eq!(q.tiers.iter().map(|t| (t.from, t.to, t.rate)).collect::<Vec<_>>(), [(29, 30, 100), (31, 32, 200)]);
    assert_eq!(q.amount_yuan, 600);
}

#[test]
fn per_page_tiers() {
    let cases = [(1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)];
    for (n, yuan) in cases {
        assert_eq!(pages(n), yuan, "{n} pages");
    }
}

#[test]
fn notice_lines_carry_basis_breakdown_and_amount() {
    let q = FeeQuote::new(FeeMethod::PerPage { pages: 120 }).unwrap();
    let text = q.notice_lines().join("\n");
    assert!(text.contains("国办函〔2020〕109号"));
    assert!(text.contains("第31-100页：70页 × 10元 = 700元"), "{text}");
    assert!(text.contains("第101-120页：20页 × 20元 = 400元"), "{text}");
    assert!(text.contains("应缴金额：1100元"));
}

#[test]
fn zero_counts_are_rejected() {
    assert!(FeeQuote::new(FeeMethod::PerItem { ordinal: 0, items: 1 }).is_err());
    assert!(FeeQuote::new(FeeMethod::PerPage { pages: 0 }).is_err());
    assert!(FeeQuote::new(FeeMethod::PerItem { ordinal: u32::MAX, items: 2 }).is_err());
    assert!(FeeQuote::new(FeeMethod::PerItem { ordinal: u32::MAX, items: 1 }).is_ok());
}

#[test]
fn month_ordinal_counts_the_applicants_calendar_month() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let dates = [d("2025-02-28"), d("2025-03-01"), d("2025-03-05"), d("2025-03-05"), d("2025-03-20"), d("2025-04-01")];
    assert_eq!(month_ordinal(&dates, d("2025-03-05")), 3);
    assert_eq!(month_ordinal(&dates, d("2025-03-20")), 4);
    assert_eq!(month_ordinal(&dates, d("2025-04-01")), 1);
}
