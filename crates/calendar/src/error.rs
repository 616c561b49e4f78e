//! Calendar errors. Display messages are user-facing, in Chinese.

use chrono::NaiveDate;

/// Everything that can go wrong when loading calendar data or asking about a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The YAML text could not be read as a calendar file.
    #[error("日历文件格式错误{}：{message}", location_zh(*.line, *.column))]
    Parse {
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// The parser's own description.
        message: String,
    },
    /// The file contains no year.
    #[error("日历文件中没有任何年度安排（应包含 years: 下的年份）")]
    NoYears,
    /// A year outside the range the calendar covers.
    #[error("{year}年超出日历支持的范围（{first}—{last}年）", first = crate::FIRST_YEAR, last = crate::LAST_YEAR)]
    YearOutOfRange {
        /// The offending year.
        year: i32,
    },
    /// A year lists neither holidays nor make-up working days.
    #[error("{year}年的安排为空：既没有放假日（holidays），也没有调休上班日（workdays）")]
    EmptyYear {
        /// The year.
        year: i32,
    },
    /// A date listed under a year that does not contain it.
    #[error("{year}年的安排中出现了不属于该年的日期 {date}")]
    DateOutsideYear {
        /// The year whose list contains the date.
        year: i32,
        /// The date.
        date: NaiveDate,
    },
    /// The same day is both a holiday and a make-up working day.
    #[error("{date} 同时被列为放假日和调休上班日，一天只能是其中之一")]
    HolidayAndWorkday {
        /// The date.
        date: NaiveDate,
    },
    /// A make-up working day that is not a Saturday or Sunday.
    #[error("调休上班日 {date} 是{weekday}：调休上班日必须是星期六或星期日", weekday = crate::weekday_zh(*.date))]
    MakeUpNotWeekend {
        /// The date.
        date: NaiveDate,
    },
    /// The same date listed twice in one list.
    #[error("{date} 在{list}中重复出现")]
    DuplicateDate {
        /// The date.
        date: NaiveDate,
        /// Which list (放假日 / 调休上班日).
        list: &'static str,
    },
    /// The `weekday` annotation does not match the date.
    #[error("{date} 标注为 {stated}，实际是{actual}", actual = crate::weekday_zh(*.date))]
    WeekdayMismatch {
        /// The date.
        date: NaiveDate,
        /// What the file says.
        stated: String,
    },
    /// A holiday or make-up day without a festival name.
    #[error("{date} 缺少节日名称（festival / for_festival）")]
    MissingName {
        /// The date.
        date: NaiveDate,
    },
    /// The year is already loaded and `replace` was not asked for.
    #[error("{year}年的安排已经存在；如确需替换，请加 --replace")]
    DuplicateYear {
        /// The year.
        year: i32,
    },
    /// An invalid region name.
    #[error("地区名称无效：“{name}”（不能为空，不能含 / \\ 或以 . 开头）")]
    BadRegionName {
        /// The name given.
        name: String,
    },
    /// A date outside the table the calendar covers.
    #[error("日期 {date} 超出日历支持的范围（{first}-01-01 至 {last}-12-31）", first = crate::FIRST_YEAR, last = crate::LAST_YEAR)]
    OutOfRange {
        /// The date.
        date: NaiveDate,
    },
}

fn location_zh(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("（第{l}行第{c}列）"),
        (Some(l), None) => format!("（第{l}行）"),
        _ => String::new(),
    }
}
