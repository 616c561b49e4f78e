//! The working-day table: built once from the data, then every question is O(1).
//!
//! At construction a dense table covers every day from `FIRST_YEAR-01-01` to `LAST_YEAR-12-31`
//! (years absent from the data: weekends and the statutory holidays of 《全国年节及纪念日放假办法》,
//! see [`crate::statutory`]), with a prefix sum of working days and the index of every working day,
//! so [`Calendar::add`], [`Calendar::count_between`] and [`Calendar::is_working_day`] are array
//! look-ups. A year not in the data has two readings ([`Side`]): the early side counts only the
//! days off the law fixes; the late side also takes the 补假 the law owes as days off.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::data::{CalendarFile, Region};
use crate::statutory::{statutory_holidays, substitute_days};
use crate::zh::{date_zh, month_day_zh, provisional_note, weekday_zh};
use crate::CalendarError;

/// First year the table covers (the current regulation took effect on 2019-05-15).
pub const FIRST_YEAR: i32 = 2019;
/// Last year the table covers.
pub const LAST_YEAR: i32 = 2099;

/// A number of working days (工作日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkingDays(u32);

impl WorkingDays {
    /// `n` working days.
    pub const fn new(n: u32) -> Self {
        Self(n)
    }

    /// The count.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl std::fmt::Display for WorkingDays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}个工作日", self.0)
    }
}

/// Which reading of a year whose notice is not loaded (a *provisional* year). For loaded years the
/// two sides agree.
///
/// The law fixes the statutory holidays (Art. 2 of 《全国年节及纪念日放假办法》) but not the 补假 it
/// owes when one falls on a weekend (Art. 6), nor the 调休 of the yearly notice. A deadline that
/// binds the agency is computed on the early side (only the fixed days off: the real deadline can
/// only be the same or later); one that binds the applicant or a consulted party on the late side
/// (the 补假 taken as days off too), so nobody loses a right to a day the notice may still give off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Side {
    /// Statutory holidays and weekends only: for deadlines that bind the agency.
    #[default]
    Early,
    /// Also the 补假 owed by law, on the first free weekday after the festival: for deadlines that
    /// bind the applicant (payment, correction) or a consulted party.
    Late,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Weekday,
    Weekend,
    Holiday,
    HolidayInLieu,
    MakeUp,
    RegionalHoliday,
    RegionalWorkday,
    /// A provisional year's 补假 (Art. 6): a working day on the early side, a day off on the late.
    Substitute,
}

impl Kind {
    const fn is_working(self) -> bool {
        matches!(self, Self::Weekday | Self::MakeUp | Self::RegionalWorkday | Self::Substitute)
    }

    const fn is_working_on(self, side: Side) -> bool {
        match side {
            Side::Early => self.is_working(),
            Side::Late => self.is_working() && !matches!(self, Self::Substitute),
        }
    }

    const fn is_day_off_block(self) -> bool {
        matches!(self, Self::Holiday | Self::HolidayInLieu | Self::RegionalHoliday)
    }
}

#[derive(Debug, Clone, Copy)]
struct Day {
    kind: Kind,
    /// Index into `Calendar::names` (festival or local holiday name); 0 when none.
    name: u16,
}

/// Why a day is or is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayReason<'a> {
    /// Monday to Friday, no holiday.
    Weekday,
    /// Saturday or Sunday, not a make-up day.
    Weekend,
    /// A national day off.
    Holiday {
        /// The festival (春节).
        festival: &'a str,
        /// Given off by 调休 (paid back by a make-up working day).
        in_lieu: bool,
    },
    /// A Saturday or Sunday worked to pay for a holiday (调休上班).
    MakeUpWorkday {
        /// The festival it pays for.
        festival: &'a str,
    },
    /// A regional extra day off.
    RegionalHoliday {
        /// The local holiday.
        name: &'a str,
        /// The region.
        region: &'a str,
    },
    /// A regional extra working day.
    RegionalWorkday {
        /// What it is for.
        name: &'a str,
        /// The region.
        region: &'a str,
    },
    /// In a provisional year: a weekday the law owes as 补假 for a festival on a weekend (or two
    /// festivals on one day); its date is set by the notice. A working day on the early side, a day
    /// off on the late side (see [`Side`]).
    Substitute {
        /// The festival it makes up for.
        festival: &'a str,
    },
}

/// One day, looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayInfo<'a> {
    /// The date.
    pub date: NaiveDate,
    /// Whether it is a working day.
    pub working_day: bool,
    /// Why.
    pub reason: DayReason<'a>,
    /// The date's year is not in the data: weekends only, provisional.
    pub provisional: bool,
}

impl DayInfo<'_> {
    /// The reason in Chinese: `春节调休上班`, `春节假期（调休放假）`, `周末`, ….
    pub fn reason_zh(&self) -> String {
        let mut s = match self.reason {
            DayReason::Weekday => "星期一至星期五，非节假日".to_owned(),
            DayReason::Weekend => "周末".to_owned(),
            DayReason::Holiday { festival, in_lieu: false } => format!("{festival}假期"),
            DayReason::Holiday { festival, in_lieu: true } => format!("{festival}假期（调休放假）"),
            DayReason::MakeUpWorkday { festival } => format!("{festival}调休上班"),
            DayReason::RegionalHoliday { name, region } => format!("{region}地方假日：{name}"),
            DayReason::RegionalWorkday { name, region } => format!("{region}地方安排上班：{name}"),
            DayReason::Substitute { festival } => format!(
                "可能为{festival}补假：法定节日适逢周末或与其他节日重合，依法应在工作日补假，具体日期以通知为准；\
                 计算行政机关的期限时按工作日计，计算申请人的期限时按放假计"
            ),
        };
        if self.provisional {
            s.push_str(&format!("；{}年节假日安排尚未载入，暂按周末和法定节假日计算", self.date.year()));
        }
        s
    }

    /// `2025-01-26 星期日：工作日（春节调休上班）`.
    pub fn describe(&self) -> String {
        let what = if self.working_day { "工作日" } else { "非工作日" };
        format!("{} {}：{what}（{}）", self.date, weekday_zh(self.date), self.reason_zh())
    }
}

/// A notable day inside a counted span: a holiday block not counted, a make-up day counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The first day the note is about.
    pub date: NaiveDate,
    /// The note, in Chinese.
    pub text: String,
}

/// The working-day calendar: national data, optionally with one region's overrides.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// `num_days_from_ce` of `FIRST_YEAR-01-01`.
    first_ce: i32,
    days: Vec<Day>,
    /// Early side: `cum[i]` = working days among `days[..i]` (so `cum.len() == days.len() + 1`).
    cum: Vec<u32>,
    /// Early side: `work[k]` = index of the k-th working day (0-based).
    work: Vec<u32>,
    /// The same two for the late side.
    cum_late: Vec<u32>,
    work_late: Vec<u32>,
    /// `known[y - FIRST_YEAR]`: the national schedule of year `y` is loaded.
    known: Vec<bool>,
    names: Vec<String>,
    region: Option<String>,
}

impl Calendar {
    /// The embedded national calendar (2019-2026; later years provisional), no region.
    pub fn national() -> Result<Self, CalendarError> {
        Self::new(&CalendarFile::embedded()?, None)
    }

    /// Builds the table from national data and an optional region's overrides (the region wins
    /// where they disagree: a local day off on a national make-up day is a day off there).
    pub fn new(national: &CalendarFile, region: Option<&Region>) -> Result<Self, CalendarError> {
        national.validate()?;
        let first = ymd(FIRST_YEAR, 1, 1)?;
        let last = ymd(LAST_YEAR, 12, 31)?;
        let first_ce = first.num_days_from_ce();
        let len = usize::try_from(last.num_days_from_ce() - first_ce + 1).unwrap_or(0);
        let mut names = vec![String::new()];
        let mut days = Vec::with_capacity(len);
        for date in first.iter_days().take(len) {
            let kind = match date.weekday() {
                Weekday::Sat | Weekday::Sun => Kind::Weekend,
                _ => Kind::Weekday,
            };
            days.push(Day { kind, name: 0 });
        }
        let mut known = vec![false; usize::try_from(LAST_YEAR - FIRST_YEAR + 1).unwrap_or(0)];
        let mut cal = Self {
            first_ce,
            days,
            cum: Vec::new(),
            work: Vec::new(),
            cum_late: Vec::new(),
            work_late: Vec::new(),
            known: Vec::new(),
            names: Vec::new(),
            region: None,
        };
        let mut intern = |name: &str| -> u16 {
            if let Some(i) = names.iter().position(|n| n == name) {
                return u16::try_from(i).unwrap_or(0);
            }
            names.push(name.to_owned());
            u16::try_from(names.len() - 1).unwrap_or(0)
        };
        for (&year, schedule) in &national.years {
            if let Some(k) = usize::try_from(year - FIRST_YEAR).ok().and_then(|i| known.get_mut(i)) {
                *k = true;
            }
            for h in &schedule.holidays {
                let kind = if h.in_lieu { Kind::HolidayInLieu } else { Kind::Holiday };
                let name = intern(&h.festival);
                cal.set(h.date, Day { kind, name })?;
            }
            for w in &schedule.workdays {
                let name = intern(&w.for_festival);
                cal.set(w.date, Day { kind: Kind::MakeUp, name })?;
            }
        }
        // Years without a notice: what 《全国年节及纪念日放假办法》 already fixes.
        for year in FIRST_YEAR..=LAST_YEAR {
            if national.years.contains_key(&year) {
                continue;
            }
            let holidays = statutory_holidays(year);
            for (k, h) in holidays.iter().enumerate() {
                // Two festivals on one day (中秋 in the 国庆 days) make one day named after both.
                if holidays.get(k + 1).is_some_and(|next| next.date == h.date) {
                    continue;
                }
                let name = match k.checked_sub(1).and_then(|p| holidays.get(p)) {
                    Some(prev) if prev.date == h.date => intern(&format!("{}、{}", h.festival, prev.festival)),
                    _ => intern(h.festival),
                };
                cal.set(h.date, Day { kind: Kind::Holiday, name })?;
            }
            for s in substitute_days(year) {
                let name = intern(s.festival);
                cal.set(s.date, Day { kind: Kind::Substitute, name })?;
            }
        }
        if let Some(region) = region {
            for schedule in region.file().years.values() {
                for h in &schedule.holidays {
                    let name = intern(&h.festival);
                    cal.set(h.date, Day { kind: Kind::RegionalHoliday, name })?;
                }
                for w in &schedule.workdays {
                    let name = intern(&w.for_festival);
                    cal.set(w.date, Day { kind: Kind::RegionalWorkday, name })?;
                }
            }
            cal.region = Some(region.name().to_owned());
        }
        (cal.cum, cal.work) = prefix(&cal.days, Side::Early);
        (cal.cum_late, cal.work_late) = prefix(&cal.days, Side::Late);
        cal.known = known;
        cal.names = names;
        Ok(cal)
    }

    fn set(&mut self, date: NaiveDate, day: Day) -> Result<(), CalendarError> {
        let i = self.index(date)?;
        if let Some(slot) = self.days.get_mut(i) {
            *slot = day;
        }
        Ok(())
    }

    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        usize::try_from(date.num_days_from_ce() - self.first_ce)
            .ok()
            .filter(|&i| i < self.days.len())
            .ok_or(CalendarError::OutOfRange { date })
    }

    fn date_at(&self, index: usize) -> Result<NaiveDate, CalendarError> {
        let first = NaiveDate::from_num_days_from_ce_opt(self.first_ce);
        first
            .and_then(|f| f.checked_add_days(Days::new(index as u64)))
            .ok_or(CalendarError::OutOfRange { date: NaiveDate::MAX })
    }

    /// The region whose overrides are applied, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Whether `date` is a working day (early side).
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.is_working_day_on(Side::Early, date)
    }

    /// Whether `date` is a working day on `side`.
    pub fn is_working_day_on(&self, side: Side, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(date)?;
        Ok(self.days.get(i).is_some_and(|d| d.kind.is_working_on(side)))
    }

    fn sums(&self, side: Side) -> (&[u32], &[u32]) {
        match side {
            Side::Early => (&self.cum, &self.work),
            Side::Late => (&self.cum_late, &self.work_late),
        }
    }

    /// The day and why it is (not) a working day.
    pub fn day(&self, date: NaiveDate) -> Result<DayInfo<'_>, CalendarError> {
        let i = self.index(date)?;
        let day = self.days.get(i).copied().ok_or(CalendarError::OutOfRange { date })?;
        let name = self.names.get(usize::from(day.name)).map_or("", String::as_str);
        let region = self.region.as_deref().unwrap_or("");
        let reason = match day.kind {
            Kind::Weekday => DayReason::Weekday,
            Kind::Weekend => DayReason::Weekend,
            Kind::Holiday => DayReason::Holiday { festival: name, in_lieu: false },
            Kind::HolidayInLieu => DayReason::Holiday { festival: name, in_lieu: true },
            Kind::MakeUp => DayReason::MakeUpWorkday { festival: name },
            Kind::RegionalHoliday => DayReason::RegionalHoliday { name, region },
            Kind::RegionalWorkday => DayReason::RegionalWorkday { name, region },
            Kind::Substitute => DayReason::Substitute { festival: name },
        };
        Ok(DayInfo {
            date,
            working_day: day.kind.is_working(),
            reason,
            provisional: !self.is_known_year(date.year()),
        })
    }

    /// The `n`-th working day after `date` (`date` itself not counted); `date` when `n` is 0.
    /// Early side (deadlines that bind the agency).
    pub fn add(&self, date: NaiveDate, n: WorkingDays) -> Result<NaiveDate, CalendarError> {
        self.add_on(Side::Early, date, n)
    }

    /// [`Calendar::add`] on `side`.
    pub fn add_on(&self, side: Side, date: NaiveDate, n: WorkingDays) -> Result<NaiveDate, CalendarError> {
        if n.0 == 0 {
            return Ok(date);
        }
        let (cum, work) = self.sums(side);
        let i = self.index(date)?;
        let rank = cum.get(i + 1).copied().unwrap_or(u32::MAX);
        let target = rank.checked_add(n.0 - 1).ok_or(CalendarError::OutOfRange { date })?;
        match work.get(target as usize) {
            Some(&idx) => self.date_at(idx as usize),
            None => Err(CalendarError::OutOfRange { date: self.date_at(self.days.len() - 1).unwrap_or(date) }),
        }
    }

    /// The working days in `(from, to]`: after `from`, up to and including `to`; 0 if `to <= from`.
    /// Early side.
    pub fn count_between(&self, from: NaiveDate, to: NaiveDate) -> Result<WorkingDays, CalendarError> {
        self.count_between_on(Side::Early, from, to)
    }

    /// [`Calendar::count_between`] on `side`.
    pub fn count_between_on(&self, side: Side, from: NaiveDate, to: NaiveDate) -> Result<WorkingDays, CalendarError> {
        let (a, b) = (self.index(from)?, self.index(to)?);
        if b <= a {
            return Ok(WorkingDays(0));
        }
        let (cum, _) = self.sums(side);
        let hi = cum.get(b + 1).copied().unwrap_or(0);
        let lo = cum.get(a + 1).copied().unwrap_or(0);
        Ok(WorkingDays(hi.saturating_sub(lo)))
    }

    /// Whether the national schedule of `year` is loaded.
    pub fn is_known_year(&self, year: i32) -> bool {
        usize::try_from(year - FIRST_YEAR).ok().and_then(|i| self.known.get(i)).copied().unwrap_or(false)
    }

    /// Years between `from` and `to` (inclusive, either order) whose schedule is not loaded:
    /// anything computed over them is provisional.
    pub fn missing_years(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = i32> + '_ {
        let (a, b) = if from <= to { (from.year(), to.year()) } else { (to.year(), from.year()) };
        (a..=b).filter(move |&y| !self.is_known_year(y))
    }

    /// Whether anything between `from` and `to` is computed without a loaded notice.
    pub fn is_provisional(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.missing_years(from, to).next().is_some()
    }

    /// The loaded national years.
    pub fn known_years(&self) -> BTreeSet<i32> {
        (FIRST_YEAR..=LAST_YEAR).filter(|&y| self.is_known_year(y)).collect()
    }

    /// Notable days in `(from, to]`: each holiday block (`春节假期 1月28日至2月4日不计`) and each
    /// make-up or regional working day (`1月26日（星期日）春节调休上班，计入`). Weekends are not listed.
    pub fn notes(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Note>, CalendarError> {
        let (a, b) = (self.index(from)?, self.index(to)?);
        let mut notes = Vec::new();
        let mut i = a + 1;
        while i <= b {
            let Some(day) = self.days.get(i).copied() else { break };
            let date = self.date_at(i)?;
            let info = self.day(date)?;
            if day.kind.is_day_off_block() {
                // One note per run of days off, even where festivals meet (国庆节 + 中秋节).
                let mut j = i;
                while j < b && self.days.get(j + 1).is_some_and(|d| d.kind.is_day_off_block()) {
                    j += 1;
                }
                let mut what: Vec<String> = Vec::new();
                for k in i..=j {
                    let label = match self.day(self.date_at(k)?)?.reason {
                        DayReason::RegionalHoliday { name, region } => format!("{region}地方假日（{name}）"),
                        DayReason::Holiday { festival, .. } => festival.to_owned(),
                        _ => continue,
                    };
                    if !what.contains(&label) {
                        what.push(label);
                    }
                }
                let end = self.date_at(j)?;
                let span = if i == j {
                    month_day_zh(date)
                } else if end.year() == date.year() {
                    format!("{}至{}", month_day_zh(date), month_day_zh(end))
                } else {
                    format!("{}至{}年{}", month_day_zh(date), end.year(), month_day_zh(end))
                };
                let what = what.join("、");
                let what = if what.ends_with('）') { what } else { format!("{what}假期") };
                notes.push(Note { date, text: format!("{what} {span}不计") });
                i = j + 1;
                continue;
            }
            if matches!(day.kind, Kind::MakeUp | Kind::RegionalWorkday) {
                notes.push(Note {
                    date,
                    text: format!("{}（{}）{}，计入", month_day_zh(date), weekday_zh(date), info.reason_zh()),
                });
            }
            i += 1;
        }
        Ok(notes)
    }

    /// The `n`-th working day after `date`, with the explanation step by step, in Chinese.
    pub fn explain_add(&self, date: NaiveDate, n: WorkingDays) -> Result<(NaiveDate, Vec<String>), CalendarError> {
        let due = self.add(date, n)?;
        let mut lines = vec![format!("起算日 {}，当日不计", date_zh(date))];
        if n.0 == 0 {
            lines.push(format!("0个工作日：即起算日 {}", date_zh(date)));
        } else {
            let day1 = self.add(date, WorkingDays(1))?;
            lines.push(format!("第1个工作日 {}", date_zh(day1)));
            lines.extend(self.notes(date, due)?.into_iter().map(|n| n.text));
            if n.0 > 1 {
                lines.push(format!("第{}个工作日 {}", n.0, date_zh(due)));
            }
        }
        lines.extend(self.missing_years(date, due).map(provisional_note));
        Ok((due, lines))
    }
}

/// Prefix sums and working-day index of one side.
fn prefix(days: &[Day], side: Side) -> (Vec<u32>, Vec<u32>) {
    let mut cum = Vec::with_capacity(days.len() + 1);
    let mut work = Vec::with_capacity(days.len());
    let mut n = 0u32;
    cum.push(0);
    for (i, day) in days.iter().enumerate() {
        if day.kind.is_working_on(side) {
            work.push(u32::try_from(i).unwrap_or(u32::MAX));
            n += 1;
        }
        cum.push(n);
    }
    (cum, work)
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, CalendarError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or(CalendarError::YearOutOfRange { year: y })
}
