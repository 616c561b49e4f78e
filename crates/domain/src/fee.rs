//! 信息处理费: the processing fee of 国办函〔2020〕109号 (in force 2021-01-01).
//!
//! The agency picks **one** method per application, never both; both are progressive:
//! - 按件 ([`FeeMethod::PerItem`]): counted per applicant per **calendar month** across all the
//!   agency's applications: items 1-10 free, 11-30 100 yuan each, then bands of 10, each band
//!   100 yuan more per item (31-40: 200, 41-50: 300, …);
//! - 按量 ([`FeeMethod::PerPage`]): per application, pages 1-30 free, 31-100 10 yuan/page,
//!   101-200 20 yuan/page, 201 and more 40 yuan/page.
//!
//! A [`FeeQuote`] carries the amount and its tier breakdown, ready for a 收费通知.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The basis every quote cites.
pub const FEE_BASIS: &str = "《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）";

/// One method per application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeMethod {
    /// 按件: this application is the applicant's `ordinal`-th to this agency in the calendar month
    /// (earlier ones included in the count, whatever their outcome), covering `items` matters
    /// (a multi-matter application may be counted one matter per application; usually 1).
    PerItem {
        /// The position of the first item in the month's count (1-based).
        ordinal: u32,
        /// Items charged in this application.
        items: u32,
    },
    /// 按量: pages (or page equivalents) provided for this application.
    PerPage {
        /// The page count.
        pages: u32,
    },
}

/// One tier of a quote: `count` units from `from` to `to` at `rate` yuan each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeTier {
    /// First unit (item ordinal or page) in the tier.
    pub from: u32,
    /// Last unit in the tier.
    pub to: u32,
    /// Units charged in this tier.
    pub count: u32,
    /// Yuan per unit.
    pub rate: u32,
    /// `count × rate`.
    pub subtotal: u64,
}

/// The amount due and how it is made up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeQuote {
    /// The method used.
    pub method: FeeMethod,
    /// Total in yuan.
    pub amount_yuan: u64,
    /// Tiers touched, free tiers included, in order.
    pub tiers: Vec<FeeTier>,
}

/// A quote request that cannot be priced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    /// Zero or overflowing counts.
    #[error("{0}")]
    BadCount(&'static str),
}

impl FeeMethod {
    /// Rate in yuan for unit `n` (1-based) under this method.
    fn rate(self, n: u32) -> u32 {
        match self {
            Self::PerItem { .. } => match n {
                0..=10 => 0,
                11..=30 => 100,
                _ => 100u32.saturating_mul((n - 31) / 10 + 2),
            },
            Self::PerPage { .. } => match n {
                0..=30 => 0,
                31..=100 => 10,
                101..=200 => 20,
                _ => 40,
            },
        }
    }

    /// Last unit of the tier containing `n`.
    fn tier_end(self, n: u32) -> u32 {
        match self {
            Self::PerItem { .. } => match n {
                0..=10 => 10,
                11..=30 => 30,
                _ => ((n - 31) / 10 + 1).saturating_mul(10).saturating_add(30),
            },
            Self::PerPage { .. } => match n {
                0..=30 => 30,
                31..=100 => 100,
                101..=200 => 200,
                _ => u32::MAX,
            },
        }
    }
}

impl FeeQuote {
    /// Prices one application under one method.
    pub fn new(method: FeeMethod) -> Result<Self, FeeError> {
        let (first, count) = match method {
            FeeMethod::PerItem { ordinal, items } => {
                if ordinal == 0 || items == 0 {
                    return Err(FeeError::BadCount("按件计收：本月第几件、件数都必须至少为 1"));
                }
                (ordinal, items)
            }
            FeeMethod::PerPage { pages } => {
                if pages == 0 {
                    return Err(FeeError::BadCount("按量计收：页数必须至少为 1"));
                }
                (1, pages)
            }
        };
        let last = first.checked_add(count - 1).ok_or(FeeError::BadCount("数量过大"))?;
        let mut tiers = Vec::new();
        let mut n = first;
        loop {
            let end = method.tier_end(n).min(last);
            let rate = method.rate(n);
            let units = end - n + 1;
            tiers.push(FeeTier { from: n, to: end, count: units, rate, subtotal: u64::from(units) * u64::from(rate) });
            if end >= last {
                break;
            }
            n = end + 1;
        }
        let amount_yuan = tiers.iter().map(|t| t.subtotal).sum();
        Ok(Self { method, amount_yuan, tiers })
    }

    /// The lines of a 收费通知: basis, standard, breakdown, amount, how long to pay.
    pub fn notice_lines(&self) -> Vec<String> {
        let mut lines = vec![format!("收费依据：{FEE_BASIS}")];
        match self.method {
            FeeMethod::PerItem { ordinal, items } => {
                lines.push("计收方式：按件计收（同一申请人一个自然月内累计申请件数，1-10件免费；11-30件每件100元；31件起每10件为一档，每档每件增加100元）".to_owned());
                let last = ordinal.saturating_add(items - 1);
                if items == 1 {
                    lines.push(format!("本件为申请人本月第{ordinal}件"));
                } else {
                    lines.push(format!("本次计收为申请人本月第{ordinal}至第{last}件，共{items}件"));
                }
            }
            FeeMethod::PerPage { pages } => {
                lines.push("计收方式：按量计收（每件申请：30页以下免费；31-100页每页10元；101-200页每页20元；201页以上每页40元）".to_owned());
                lines.push(format!("本件共{pages}页"));
            }
        }
        let unit = match self.method {
            FeeMethod::PerItem { .. } => "件",
            FeeMethod::PerPage { .. } => "页",
        };
        for t in &self.tiers {
            let range = if t.from == t.to { format!("第{}{unit}", t.from) } else { format!("第{}-{}{unit}", t.from, t.to) };
            if t.rate == 0 {
                lines.push(format!("  {range}：{}{unit}，免费", t.count));
            } else {
                lines.push(format!("  {range}：{}{unit} × {}元 = {}元", t.count, t.rate, t.subtotal));
            }
        }
        lines.push(format!("应缴金额：{}元", self.amount_yuan));
        lines.push("申请人应当自收到收费通知的次日起20个工作日内缴纳；逾期未缴纳的，视为放弃申请".to_owned());
        lines.push("信息处理费属于政府非税收入，按规定缴入国库".to_owned());
        lines
    }
}

/// The 按件 ordinal of an application received on `date`: how many of `same_applicant_dates` (all
/// the applicant's applications to this agency, this one included) fall in the same calendar month
/// on or before `date`.
pub fn month_ordinal(same_applicant_dates: &[NaiveDate], date: NaiveDate) -> u32 {
    let n = same_applicant_dates
        .iter()
        .filter(|d| d.year() == date.year() && d.month() == date.month() && **d <= date)
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}
