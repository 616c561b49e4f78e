//! The calendar file: the shape of `data/cn-calendar.yaml`, which is also the shape of an imported
//! year's notice and of a region's override file. Parsed and validated before any table is built.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::{CalendarError, FIRST_YEAR, LAST_YEAR};

/// The national schedule 2019-2026, embedded in the binary.
pub const EMBEDDED_YAML: &str = include_str!("../data/cn-calendar.yaml");

/// A calendar file: optional free-form `meta`, and the schedule of one or more years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    /// Free-form provenance notes; kept, never interpreted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_yaml::Value>,
    /// Year → its schedule.
    pub years: BTreeMap<i32, YearSchedule>,
}

/// One year's schedule, as set by that year's notice (国务院办公厅关于YYYY年部分节假日安排的通知).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearSchedule {
    /// The notice (title, document number, issue date); free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<serde_yaml::Value>,
    /// Amendments to the notice; free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendments: Option<serde_yaml::Value>,
    /// How the data was checked; free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<serde_yaml::Value>,
    /// Every day off (放假), weekend days inside a block included.
    #[serde(default)]
    pub holidays: Vec<HolidayEntry>,
    /// Saturdays and Sundays that are working days (调休上班).
    #[serde(default)]
    pub workdays: Vec<WorkdayEntry>,
}

/// A day off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    /// The day.
    pub date: NaiveDate,
    /// Optional annotation (`Mon` … `Sun`); checked against the date when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    /// The festival's Chinese name (春节) or, in a region file, the local holiday's name.
    pub festival: String,
    /// English name; informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub festival_en: Option<String>,
    /// A weekday given off by 调休 (paid back by a make-up working day).
    #[serde(default)]
    pub in_lieu: bool,
}

/// A make-up working day (调休上班).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkdayEntry {
    /// The day (a Saturday or Sunday).
    pub date: NaiveDate,
    /// Optional annotation (`Sat` / `Sun`); checked against the date when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    /// The festival it pays for (春节).
    pub for_festival: String,
    /// English name; informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub festival_en: Option<String>,
}

impl CalendarFile {
    /// Parses and validates YAML text: every date inside its year, no day both a holiday and a
    /// make-up working day, make-up days on weekends, no duplicates, weekday annotations right.
    pub fn from_yaml(text: &str) -> Result<Self, CalendarError> {
        let file: Self = serde_yaml::from_str(text).map_err(|e| {
            let loc = e.location();
            CalendarError::Parse {
                line: loc.as_ref().map(serde_yaml::Location::line),
                column: loc.as_ref().map(serde_yaml::Location::column),
                message: crate::serde_message_zh(&e.to_string()),
            }
        })?;
        file.validate()?;
        Ok(file)
    }

    /// The embedded national schedule.
    pub fn embedded() -> Result<Self, CalendarError> {
        Self::from_yaml(EMBEDDED_YAML)
    }

    /// Checks the rules listed at [`CalendarFile::from_yaml`].
    pub fn validate(&self) -> Result<(), CalendarError> {
        if self.years.is_empty() {
            return Err(CalendarError::NoYears);
        }
        for (&year, schedule) in &self.years {
            schedule.validate(year)?;
        }
        Ok(())
    }

    /// Serialises back to YAML (for storing an imported year).
    pub fn to_yaml(&self) -> Result<String, CalendarError> {
        serde_yaml::to_string(self).map_err(|e| CalendarError::Parse {
            line: None,
            column: None,
            message: e.to_string(),
        })
    }

    /// Adds `other`'s years to this file. A year already present is an error unless `replace`.
    pub fn merge(&mut self, other: Self, replace: bool) -> Result<(), CalendarError> {
        if !replace
            && let Some(&year) = other.years.keys().find(|y| self.years.contains_key(y))
        {
            return Err(CalendarError::DuplicateYear { year });
        }
        self.years.extend(other.years);
        Ok(())
    }
}

impl YearSchedule {
    fn validate(&self, year: i32) -> Result<(), CalendarError> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(CalendarError::YearOutOfRange { year });
        }
        if self.holidays.is_empty() && self.workdays.is_empty() {
            return Err(CalendarError::EmptyYear { year });
        }
        let mut off = BTreeSet::new();
        for h in &self.holidays {
            check_day(year, h.date, h.weekday.as_deref(), &h.festival)?;
            if !off.insert(h.date) {
                return Err(CalendarError::DuplicateDate { date: h.date, list: "放假日" });
            }
        }
        let mut on = BTreeSet::new();
        for w in &self.workdays {
            check_day(year, w.date, w.weekday.as_deref(), &w.for_festival)?;
            if off.contains(&w.date) {
                return Err(CalendarError::HolidayAndWorkday { date: w.date });
            }
            if !matches!(w.date.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(CalendarError::MakeUpNotWeekend { date: w.date });
            }
            if !on.insert(w.date) {
                return Err(CalendarError::DuplicateDate { date: w.date, list: "调休上班日" });
            }
        }
        Ok(())
    }
}

fn check_day(year: i32, date: NaiveDate, weekday: Option<&str>, name: &str) -> Result<(), CalendarError> {
    if date.year() != year {
        return Err(CalendarError::DateOutsideYear { year, date });
    }
    if name.trim().is_empty() {
        return Err(CalendarError::MissingName { date });
    }
    if let Some(stated) = weekday {
        let actual = date.weekday();
        let matches = stated.parse::<Weekday>().map(|w| w == actual).unwrap_or(false)
            || stated == crate::weekday_zh(date);
        if !matches {
            return Err(CalendarError::WeekdayMismatch { date, stated: stated.to_owned() });
        }
    }
    Ok(())
}

/// A region's overrides: extra local days off (e.g. an ethnic-minority festival set under
/// 全国年节及纪念日放假办法 第四条, or a provincial extension such as Hubei's in 2020) and, rarely,
/// extra working days. Same file shape as the national data.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    name: String,
    file: CalendarFile,
}

impl Region {
    /// A region with a validated name and schedule.
    pub fn new(name: &str, file: CalendarFile) -> Result<Self, CalendarError> {
        Self::check_name(name)?;
        file.validate()?;
        Ok(Self { name: name.to_owned(), file })
    }

    /// Region names become file names: no separators, not empty, not hidden.
    pub fn check_name(name: &str) -> Result<(), CalendarError> {
        let trimmed = name.trim();
        if trimmed.is_empty()
            || trimmed != name
            || name.starts_with('.')
            || name.contains(['/', '\\', '\0'])
        {
            return Err(CalendarError::BadRegionName { name: name.to_owned() });
        }
        Ok(())
    }

    /// The region's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The region's schedule.
    pub fn file(&self) -> &CalendarFile {
        &self.file
    }
}
