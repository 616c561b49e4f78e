//! Chinese formatting of dates and the provisional-year note.

use chrono::{Datelike, NaiveDate, Weekday};

/// 星期一 … 星期日.
pub fn weekday_zh(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// `1月26日`.
pub fn month_day_zh(date: NaiveDate) -> String {
    format!("{}月{}日", date.month(), date.day())
}

/// `2025-01-26（星期日）`.
pub fn date_zh(date: NaiveDate) -> String {
    format!("{date}（{}）", weekday_zh(date))
}

/// Why a year's results are provisional, how they are computed, and the command that loads it.
pub fn provisional_note(year: i32) -> String {
    format!(
        "{year}年节假日安排尚未载入（国务院办公厅通知未发布或未导入），暂按周末和《全国年节及纪念日放假办法》\
         规定的法定节假日计算，调休安排未知，结果为临时结果：约束行政机关的期限按较早的可能日期计算，\
         约束申请人的期限（缴费、补正）另将法定补假计为放假、按较晚的可能日期计算；\
         通知发布后请运行 `gongkai calendar import FILE` 导入，再重新计算"
    )
}
