//! gongkai-calendar: the official Chinese working-day calendar (工作日、法定节假日、调休).
//!
//! The national schedule for 2019-2026 is embedded (`data/cn-calendar.yaml`, the State Council
//! General Office's yearly notices). More years, and regional overrides (a region's extra local
//! holidays), are handed in as YAML text of the same shape and validated before use.
//!
//! A year that is not in the data keeps what the law fixes: weekends and the statutory holidays of
//! 《全国年节及纪念日放假办法》 (lunar dates and 清明 from [`statutory`]'s table); its 调休 is unknown
//! and every result that touches it is *provisional*: [`Calendar::missing_years`] names those years
//! and [`provisional_note`] says why and how to load them. [`Side`] chooses how the 补假 the law owes
//! but does not date is read (early side for the agency's deadlines, late side for the applicant's).
//!
//! Pure and synchronous: no IO except parsing the bytes handed in, no wall clock.
//!
//! ```
//! use chrono::NaiveDate;
//! use gongkai_calendar::{Calendar, WorkingDays};
//!
//! let cal = Calendar::national()?;
//! let receipt = NaiveDate::from_ymd_opt(2025, 1, 20).unwrap_or_default();
//! // The 20th working day after 2025-01-20 skips the Spring Festival and counts the make-up days.
//! assert_eq!(cal.add(receipt, WorkingDays::new(20))?.to_string(), "2025-02-21");
//! # Ok::<(), gongkai_calendar::CalendarError>(())
//! ```

mod calendar;
mod data;
mod error;
mod serde_zh;
pub mod statutory;
mod zh;

pub use calendar::{Calendar, DayInfo, DayReason, Note, Side, WorkingDays, FIRST_YEAR, LAST_YEAR};
pub use data::{CalendarFile, HolidayEntry, Region, WorkdayEntry, YearSchedule, EMBEDDED_YAML};
pub use error::CalendarError;
pub use serde_zh::{char_column, serde_message_zh};
pub use zh::{date_zh, month_day_zh, provisional_note, weekday_zh};
