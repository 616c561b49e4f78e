//! Settings for rules the regulation leaves open or that are not yet checked against the official
//! text (tagged **[M]** in `regulation.md`). Changing one is data, not code: a serde struct with the
//! documented defaults; unknown keys are rejected so a typo cannot silently fall back to a default.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The deadline engine's and the annual report's adjustable conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// [M] Whether the start day (receipt, receipt of the correction) is day 1 when it is a working
    /// day. Default `false`: day 1 is the first working day *after* the start day.
    pub start_day_counts: bool,
    /// [M] Whether the time from the fee notice to payment is excluded from the reply period.
    /// Default `true` (the clock is paused).
    pub fee_wait_pauses_clock: bool,
    /// [M] When a township's (乡镇、街道) annual report is due each year (Art. 49 names only
    /// county-level-and-above bodies). Default `01-31`.
    pub township_report_due: MonthDay,
    /// [M] Which day counts when an ordinary letter or an e-mail was confirmed with the applicant
    /// after the day it arrived (Art. 31 asks for confirmation on the day of arrival). Default
    /// [`LateConfirmation::ArrivalUnlessContactFailed`].
    pub late_confirmation: LateConfirmation,
    /// [M] The shortest correction period (working days from the 补正 notice) below which a
    /// `correction_expired` is flagged with a warning (Art. 30 asks for a *reasonable* period and
    /// names no number). Default 10.
    pub min_correction_period_days: u32,
}

/// The receipt date of an ordinary letter or e-mail confirmed after the day it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateConfirmation {
    /// The day of arrival, unless the timeline records that the office tried and failed to reach
    /// the applicant that day (`same_day_contact_failed`); then the day of confirmation. The safe
    /// reading: an office that did not confirm on the day of arrival cannot gain time by it.
    #[default]
    ArrivalUnlessContactFailed,
    /// The day of confirmation, as Art. 31 words it, however late.
    Confirmation,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            start_day_counts: false,
            fee_wait_pauses_clock: true,
            township_report_due: MonthDay { month: 1, day: 31 },
            late_confirmation: LateConfirmation::default(),
            min_correction_period_days: 10,
        }
    }
}

/// A day of the year, written `MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    month: u8,
    day: u8,
}

impl MonthDay {
    /// A valid month and day (29 February allowed).
    pub fn new(month: u8, day: u8) -> Result<Self, SettingsError> {
        let max = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 => 29,
            _ => 0,
        };
        if day == 0 || day > max {
            return Err(SettingsError::BadMonthDay(format!("{month:02}-{day:02}")));
        }
        Ok(Self { month, day })
    }

    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl From<MonthDay> for String {
    fn from(md: MonthDay) -> Self {
        md.to_string()
    }
}

impl TryFrom<String> for MonthDay {
    type Error = SettingsError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bad = || SettingsError::BadMonthDay(s.clone());
        let (m, d) = s.split_once('-').ok_or_else(bad)?;
        let month = m.parse().map_err(|_| bad())?;
        let day = d.parse().map_err(|_| bad())?;
        Self::new(month, day)
    }
}

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// Not a valid `MM-DD`.
    #[error("日期“{0}”无效：应为 MM-DD 格式的月日，例如 01-31")]
    BadMonthDay(String),
}
