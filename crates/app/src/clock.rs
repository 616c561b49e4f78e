//! Today, and the calendar and settings as this installation knows them.
//!
//! The only place that reads the wall clock ([`SystemClock`]); everything below the app layer takes
//! today as a parameter. Imported calendar years and regional overrides live as YAML files in the
//! data directory ([`data_dir`]): `calendar/national/YYYY.yaml` and `calendar/regions/<R>/YYYY.yaml`,
//! one validated year per file, loaded on start on top of the embedded 2019-2026 data.

use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use chrono::{FixedOffset, NaiveDate, Utc};
use gongkai_calendar::{Calendar, CalendarFile, Region};
use gongkai_domain::settings::Settings;

/// Where today comes from.
pub trait Clock: Debug + Send + Sync {
    /// Today's date in China (UTC+8), where the deadlines run.
    fn today(&self) -> NaiveDate;
}

/// The real clock, read in Beijing time whatever the server's time zone.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(clippy::disallowed_methods, reason = "the one place that reads the wall clock")]
    fn today(&self) -> NaiveDate {
        let now = Utc::now();
        match FixedOffset::east_opt(8 * 3600) {
            Some(beijing) => now.with_timezone(&beijing).date_naive(),
            None => now.date_naive(),
        }
    }
}

/// A fixed day, for tests and for `--today`.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub NaiveDate);

impl Clock for FixedClock {
    fn today(&self) -> NaiveDate {
        self.0
    }
}

/// The data directory: `$GONGKAI_DATA_DIR`, else `$XDG_DATA_HOME/gongkai`, else
/// `~/.local/share/gongkai`.
pub fn data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("GONGKAI_DATA_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir).join("gongkai"));
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/gongkai")),
        None => bail!("无法确定数据目录：请设置环境变量 GONGKAI_DATA_DIR"),
    }
}

/// Loads the deadline settings: `path` if given, else `<data dir>/settings.yaml` if it exists,
/// else the defaults. YAML (JSON is YAML too); unknown keys are errors.
pub fn load_settings(data_dir: &Path, path: Option<&Path>) -> anyhow::Result<Settings> {
    let default_path = data_dir.join("settings.yaml");
    let path = match path {
        Some(p) => p.to_path_buf(),
        None if default_path.is_file() => default_path,
        None => return Ok(Settings::default()),
    };
    let text = crate::limits::read_text_file(&path).with_context(|| "无法读取设置文件".to_owned())?;
    if text.trim().is_empty() {
        return Ok(Settings::default());
    }
    serde_yaml::from_str(&text).map_err(|e| {
        let at = e.location().map(|l| format!("第 {} 行第 {} 列：", l.line(), l.column())).unwrap_or_default();
        anyhow::anyhow!(
            "设置文件 {} 有误：{at}{}（可用的设置：start_day_counts、fee_wait_pauses_clock、township_report_due）",
            path.display(),
            gongkai_calendar::serde_message_zh(&e.to_string())
        )
    })
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The years written.
    pub years: Vec<i32>,
    /// Where.
    pub dir: PathBuf,
    /// Whether existing years were replaced.
    pub replaced: Vec<i32>,
}

/// The calendar files in the data directory.
#[derive(Debug, Clone)]
pub struct CalendarStore {
    dir: PathBuf,
}

impl CalendarStore {
    /// The store under `data_dir/calendar`.
    pub fn new(data_dir: &Path) -> Self {
        Self { dir: data_dir.join("calendar") }
    }

    fn national_dir(&self) -> PathBuf {
        self.dir.join("national")
    }

    fn region_dir(&self, region: &str) -> anyhow::Result<PathBuf> {
        Region::check_name(region)?;
        Ok(self.dir.join("regions").join(region))
    }

    /// The embedded national data with the imported years on top.
    pub fn national(&self) -> anyhow::Result<CalendarFile> {
        let mut file = CalendarFile::embedded()?;
        for imported in read_years(&self.national_dir())? {
            // Validated when imported; a stored year replaces the embedded one (a corrected notice).
            file.merge(imported, true)?;
        }
        Ok(file)
    }

    /// A region's imported overrides.
    pub fn region(&self, region: &str) -> anyhow::Result<Region> {
        let dir = self.region_dir(region)?;
        let mut files = read_years(&dir)?.into_iter();
        let Some(mut file) = files.next() else {
            bail!("未找到地区“{region}”的日历覆盖；请先运行 `gongkai calendar import FILE --region {region}`");
        };
        for more in files {
            file.merge(more, true)?;
        }
        Ok(Region::new(region, file)?)
    }

    /// The calendar to compute with: national data, imported years, and the region if named.
    pub fn calendar(&self, region: Option<&str>) -> anyhow::Result<Calendar> {
        let national = self.national()?;
        let region = region.map(|r| self.region(r)).transpose()?;
        Ok(Calendar::new(&national, region.as_ref())?)
    }

    /// Validates `text` (a calendar file: one or more years) and stores each year. A year already
    /// known (embedded or imported; for a region: imported for that region) needs `replace`.
    pub fn import(&self, text: &str, region: Option<&str>, replace: bool) -> anyhow::Result<Imported> {
        let incoming = CalendarFile::from_yaml(text)?;
        let (existing, dir) = match region {
            None => (self.national()?, self.national_dir()),
            Some(r) => {
                let dir = self.region_dir(r)?;
                let existing = read_years(&dir)?.into_iter().try_fold(None::<CalendarFile>, |acc, f| {
                    let mut acc = acc.unwrap_or_else(|| CalendarFile { meta: None, years: Default::default() });
                    acc.merge(f, true).map(|()| Some(acc))
                })?;
                (existing.unwrap_or(CalendarFile { meta: None, years: Default::default() }), dir)
            }
        };
        let replaced: Vec<i32> = incoming.years.keys().copied().filter(|y| existing.years.contains_key(y)).collect();
        if let (false, Some(&year)) = (replace, replaced.first()) {
            let what = region.map_or_else(|| "全国".to_owned(), |r| format!("地区“{r}”"));
            bail!("{what}{year}年的节假日安排已经存在；如确需替换（例如国务院办公厅发布了调整通知），请加 --replace");
        }
        // The whole calendar must still build (e.g. a region's dates inside the table).
        let mut national = self.national()?;
        if region.is_none() {
            national.merge(incoming.clone(), true)?;
        }
        Calendar::new(&national, None)?;
        fs::create_dir_all(&dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
        let mut years = Vec::new();
        for (year, schedule) in incoming.years {
            let one = CalendarFile { meta: incoming.meta.clone(), years: [(year, schedule)].into_iter().collect() };
            let path = dir.join(format!("{year}.yaml"));
            let tmp = dir.join(format!(".{year}.yaml.tmp"));
            fs::write(&tmp, one.to_yaml()?).with_context(|| format!("无法写入 {}", tmp.display()))?;
            fs::rename(&tmp, &path).with_context(|| format!("无法写入 {}", path.display()))?;
            years.push(year);
        }
        Ok(Imported { years, dir, replaced })
    }
}

/// Every `YYYY.yaml` in `dir` (none if the directory does not exist), in year order.
fn read_years(dir: &Path) -> anyhow::Result<Vec<CalendarFile>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("无法读取目录 {}", dir.display())),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml") && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).with_context(|| format!("无法读取 {}", p.display()))?;
            CalendarFile::from_yaml(&text).with_context(|| format!("已导入的日历文件 {} 无效", p.display()))
        })
        .collect()
}
