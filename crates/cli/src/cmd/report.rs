//! `gongkai report …`: check, render, compare and aggregate annual reports; `generate` computes
//! one from the records (owned by `records.rs`, delegated to here).
//!
//! Exit codes of `report check`: 0 = no errors, 1 = errors found, 2 = an input could not be read
//! (2 wins over 1). The other subcommands exit 1 on failure, 2 when an input cannot be read.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use gongkai_domain::report::check::{CheckOptions, check, counts};
use gongkai_domain::report::json::ReportJson;
use gongkai_domain::report::verdict::{Status, verdict};
use gongkai_domain::report::{Finding, Report, Severity};

use crate::cmd::records;
use gongkai_report::aggregate::aggregate_with;
use gongkai_report::compare::compare;
use gongkai_report::read::{ReadError, decode, read_path};
use gongkai_report::render::{OutputFormat, render};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查年度报告：勾稽关系、完整性、格式和表述（文件或目录，可多个）
    Check(CheckArgs),
    /// 转换格式：txt、md、html、docx、xlsx、json
    Render(RenderArgs),
    /// 比对两份报告（通常为相邻两个年度）：逐项增减、结转核对、正文重复
    Compare(CompareArgs),
    /// 汇总多份同一年度、同一格式的报告
    Aggregate(AggregateArgs),
    /// 由本机关的办理记录生成年度报告
    Generate(crate::cmd::records::GenerateArgs),
    /// 锁定已保存的年度报告草稿（此后的修改须作为更正）
    Lock(crate::cmd::records::StatusArgs),
    /// 将已锁定的年度报告标记为已发布
    Publish(crate::cmd::records::StatusArgs),
    /// 更正已锁定或已发布的年度报告（记录更正人、时间和原因）
    Correct(crate::cmd::records::CorrectArgs),
    /// 年度报告的状态；已锁定或已发布后，列出办理记录已改变的单元格（退出码 1 表示有差异）
    Status(crate::cmd::records::StatusArgs),
}

/// Output of `report check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// 类似编译器的文字输出
    Human,
    /// JSON：{"reports":[…]}
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 报告文件或目录（目录会递归读取其中的每个文件，隐藏文件除外）
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// 上一年度的报告，用于跨年度检查（结转数、现行有效件数、正文重复）
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// 只输出汇总表，不逐条列出问题
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// 报告文件
    pub file: PathBuf,
    /// 输出格式（txt、md、html、docx、xlsx、json）；省略时按 -o 的扩展名
    #[arg(long, value_name = "格式")]
    pub to: Option<OutputFormat>,
    /// 输出文件；“-”或省略表示标准输出（仅限文字格式）
    #[arg(short = 'o', long = "out", alias = "output", value_name = "文件")]
    pub out: Option<PathBuf>,
    /// 覆盖已有的输出文件
    #[arg(long)]
    pub force: bool,
}

/// Output of `report compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// 文字
    Text,
    /// 可打印的网页
    Html,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// 较早的报告
    pub old: PathBuf,
    /// 较新的报告
    pub new: PathBuf,
    /// 输出格式；省略时按 -o 的扩展名，否则为 text
    #[arg(long, value_enum, value_name = "格式")]
    pub to: Option<CompareFormat>,
    /// 输出文件；“-”或省略表示标准输出
    #[arg(short = 'o', long = "out", alias = "output", value_name = "文件")]
    pub out: Option<PathBuf>,
    /// 覆盖已有的输出文件
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct AggregateArgs {
    /// 报告文件或目录
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// 输出文件（“-”表示标准输出，仅限文字格式）
    #[arg(short = 'o', long = "out", alias = "output", value_name = "文件")]
    pub out: PathBuf,
    /// 覆盖已有的输出文件
    #[arg(long)]
    pub force: bool,
    /// 输出格式（txt、md、html、docx、xlsx、json）；省略时按 -o 的扩展名
    #[arg(long, value_name = "格式")]
    pub to: Option<OutputFormat>,
    /// 汇总报告的机关名称
    #[arg(long)]
    pub name: Option<String>,
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Check(a) => run_check(&a),
        Command::Render(a) => run_render(&a),
        Command::Compare(a) => run_compare(&a),
        Command::Aggregate(a) => run_aggregate(&a),
        Command::Generate(a) => crate::cmd::records::generate(a),
        Command::Lock(a) => records::report_status(records::StatusChange::Lock, a),
        Command::Publish(a) => records::report_status(records::StatusChange::Publish, a),
        Command::Status(a) => records::report_status(records::StatusChange::Show, a),
        Command::Correct(a) => records::report_correct(a),
    }
}

// ---- inputs -------------------------------------------------------------------------------------

/// Every file under the given paths (directories recursively, sorted; hidden entries skipped).
fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = files.len();
            walk(p, &mut files, &mut problems);
            if files.len() == before && !problems.iter().any(|(q, _)| q == p) {
                problems.push((p.clone(), "目录中没有可读取的文件".to_owned()));
            }
        } else {
            files.push(p.clone());
        }
    }
    (files, problems)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<(PathBuf, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push((dir.to_path_buf(), format!("无法读取目录：{}", gongkai_app::describe_io(&e))));
            return;
        }
    };
    let mut list: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    list.sort();
    for p in list {
        if p.is_dir() {
            walk(&p, files, problems);
        } else {
            files.push(p);
        }
    }
}

/// Reads a report; the reason it cannot be read in Chinese (the operating system's error
/// described, never its English text).
fn read_report(path: &Path) -> Result<Report, String> {
    read_path(path).map_err(|e| match e {
        ReadError::Io { source, .. } => gongkai_app::describe_io(&source),
        other => other.to_string(),
    })
}

struct Checked {
    path: PathBuf,
    result: Result<(Report, Vec<Finding>), String>,
}

/// Run `work` on every file, on as many threads as the process may use, and hand each result to
/// `sink` in the files' order as soon as it and every result before it are done: nothing waits
/// for the whole run, and a result is dropped once `sink` has used it. On one core `work` runs
/// on this thread (no thread, no channel). Returns whether every file was done (false when
/// `work` panicked: that file is then missing, the others are there).
fn in_order<T: Send>(
    files: &[PathBuf],
    progress: bool,
    work: impl Fn(&Path) -> T + Sync,
    mut sink: impl FnMut(&Path, T) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let bar = if progress { crate::progress::bar(files.len() as u64, "份") } else { indicatif::ProgressBar::hidden() };
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(files.len().max(1));
    if workers <= 1 {
        // as a worker thread would, a panic loses its file, not the run
        let mut all = true;
        for p in files {
            let t = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(p)));
            bar.inc(1);
            match t {
                Ok(t) => sink(p, t)?,
                Err(_) => all = false,
            }
        }
        bar.finish_and_clear();
        return Ok(all);
    }
    let next = AtomicUsize::new(0);
    let result = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, T)>(workers * 4);
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (tx, next, work, bar) = (tx.clone(), &next, &work, bar.clone());
                s.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(p) = files.get(i) else { break };
                        let t = work(p);
                        bar.inc(1);
                        if tx.send((i, t)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(tx);
        // results that arrive before one of an earlier file wait here
        let mut early: std::collections::BTreeMap<usize, T> = std::collections::BTreeMap::new();
        let (mut want, mut fed) = (0, 0);
        let mut feed = |early: &mut std::collections::BTreeMap<usize, T>, want: &mut usize| -> anyhow::Result<()> {
            while let Some(t) = early.remove(want) {
                sink(&files[*want], t)?;
                *want += 1;
                fed += 1;
            }
            Ok(())
        };
        let mut status = Ok(());
        for (i, t) in &rx {
            early.insert(i, t);
            status = feed(&mut early, &mut want);
            if status.is_err() {
                next.store(files.len(), Ordering::Relaxed);
                break;
            }
        }
        drop(rx);
        let joined = handles.into_iter().map(|h| h.join().is_ok()).fold(true, |a, b| a & b);
        // a worker that panicked took its file with it: the results after it still count
        while status.is_ok() && let Some(&i) = early.keys().next() {
            want = i;
            status = feed(&mut early, &mut want);
        }
        status.map(|()| joined && fed == files.len())
    });
    bar.finish_and_clear();
    result
}

fn check_files(files: &[PathBuf], previous: Option<&Report>, progress: bool) -> Vec<Checked> {
    let opts = CheckOptions::default();
    let mut out: Vec<Checked> = Vec::with_capacity(files.len());
    let work = |path: &Path| {
        read_report(path).map(|r| {
            let f = check(&r, previous, &opts);
            (r, f)
        })
    };
    let done = in_order(files, progress, work, |path, result| {
        out.push(Checked { path: path.to_path_buf(), result });
        Ok(())
    });
    if !done.is_ok_and(|all| all) {
        out.push(Checked { path: PathBuf::new(), result: Err("内部错误：检查线程异常退出".to_owned()) });
    }
    out
}

// ---- check --------------------------------------------------------------------------------------

fn run_check(a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let previous = match &a.previous {
        None => None,
        Some(p) => match read_report(p) {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("错误：无法读取上一年度报告 {}：{e}", p.display());
                return Ok(ExitCode::from(2));
            }
        },
    };
    let (files, problems) = collect_files(&a.paths);
    let many = files.len() > 1 || a.paths.iter().any(|p| p.is_dir());
    let (unreadable, errors) = match a.format {
        CheckFormat::Json => check_json(&files, &problems, previous.as_ref(), many)?,
        CheckFormat::Human => {
            let checked = check_files(&files, previous.as_ref(), many);
            let unreadable = !problems.is_empty() || checked.iter().any(|c| c.result.is_err());
            let errors =
                checked.iter().any(|c| c.result.as_ref().is_ok_and(|(_, f)| f.iter().any(|x| x.severity == Severity::Error)));
            let mut out = std::io::stdout().lock();
            // An input that cannot be read is an error of the run, not a finding: on stderr.
            for (p, m) in &problems {
                eprintln!("错误：{}：{m}", p.display());
            }
            for c in &checked {
                match &c.result {
                    Err(m) => eprintln!("错误：无法读取 {}：{m}", c.path.display()),
                    Ok((r, f)) if !a.quiet => out.write_all(human_findings(&c.path, r, f).as_bytes())?,
                    Ok(_) => {}
                }
            }
            if many {
                out.write_all(summary_table(&checked).as_bytes())?;
            } else if let Some(Checked { result: Ok((r, f)), .. }) = checked.first() {
                let (e, w, i) = counts(f);
                let name = describe(r);
                writeln!(out, "{name}：{e} 个错误，{w} 个警告{}", if i > 0 { format!("，{i} 个提示") } else { String::new() })?;
            }
            out.flush()?;
            (unreadable, errors)
        }
    };
    Ok(ExitCode::from(if unreadable {
        2
    } else if errors {
        1
    } else {
        0
    }))
}

/// `report check --format json`: `{"reports":[…],"unreadable":[…]}`, the same document serde
/// prints for the whole (two-space indents, `unreadable` only when there are any), written as
/// the reports are checked: each report is serialised by the thread that read it, straight from
/// the model (no JSON value tree), and dropped; stdout is written in large blocks. Returns
/// (an input was unreadable, a report has errors).
fn check_json(
    files: &[PathBuf],
    problems: &[(PathBuf, String)],
    previous: Option<&Report>,
    progress: bool,
) -> anyhow::Result<(bool, bool)> {
    #[derive(serde::Serialize)]
    struct Unread<'a> {
        error: &'a str,
        source: String,
    }
    let opts = CheckOptions::default();
    // a report's JSON, ready to write at its place in the document, or why the file is unreadable
    let work = |path: &Path| -> Result<(Vec<u8>, bool), String> {
        let r = read_report(path)?;
        let f = check(&r, previous, &opts);
        let errors = f.iter().any(|x| x.severity == Severity::Error);
        let mut json = Vec::with_capacity(32 * 1024);
        nested_json(&mut json, &ReportJson { report: &r, findings: &f }, 2).map_err(|e| e.to_string())?;
        Ok((json, errors))
    };
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::with_capacity(1 << 18, stdout.lock());
    w.write_all(b"{\n  \"reports\": [")?;
    let (mut any_report, mut errors) = (false, false);
    let mut unread: Vec<(String, String)> = problems.iter().map(|(p, m)| (p.display().to_string(), m.clone())).collect();
    let done = in_order(files, progress, work, |path, result| {
        match result {
            Ok((json, e)) => {
                w.write_all(if any_report { b",\n    " } else { b"\n    " })?;
                w.write_all(&json)?;
                any_report = true;
                errors |= e;
            }
            Err(m) => unread.push((path.display().to_string(), m)),
        }
        Ok(())
    })?;
    if !done {
        unread.push((String::new(), "内部错误：检查线程异常退出".to_owned()));
    }
    w.write_all(if any_report { b"\n  ]" } else { b"]" })?;
    if !unread.is_empty() {
        w.write_all(b",\n  \"unreadable\": [")?;
        for (i, (source, error)) in unread.iter().enumerate() {
            w.write_all(if i > 0 { b",\n    " } else { b"\n    " })?;
            nested_json(&mut w, &Unread { error, source: source.clone() }, 2)?;
        }
        w.write_all(b"\n  ]")?;
    }
    w.write_all(b"\n}\n")?;
    w.flush()?;
    Ok((!unread.is_empty(), errors))
}

/// Print `value` as serde_json's pretty printer does, as if it stood `level` levels deep in a
/// larger document (its inner lines indented by 2 × `level` more spaces).
fn nested_json(out: impl std::io::Write, value: &impl serde::Serialize, level: usize) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(out, Nested { level, has_value: false }))
}

/// serde_json's `PrettyFormatter` (two spaces) starting at a given depth.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn describe(r: &Report) -> String {
    let agency = r.agency.as_deref().unwrap_or("未识别机关");
    match r.year {
        Some(y) => format!("{agency} {y}年度"),
        None => agency.to_owned(),
    }
}

/// The source's lines, for quoting (text-like files only: not PDF, DOCX or binary).
fn source_lines(path: &Path) -> Option<Vec<String>> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.starts_with(b"%PDF") || bytes.starts_with(b"PK") {
        return None;
    }
    let text = decode::decode(&bytes, None).ok()?;
    let html = text.trim_start().starts_with('<');
    Some(text.lines().map(|l| if html { strip_tags(l) } else { l.to_owned() }).collect())
}

fn strip_tags(line: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn quote(line: &str) -> String {
    let t = line.trim_end();
    let n = t.chars().count();
    if n > 100 {
        // a crawl page's one long line: show its start
        format!("{}…", t.chars().take(100).collect::<String>())
    } else {
        t.replace('\t', "  ")
    }
}

/// A verdict's outcome in a word or two, for the summary table.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Pass => "通过",
        Status::Warnings => "通过（有警告）",
        Status::Incomplete => "未能完整核对",
        Status::Fail => "不通过",
    }
}

fn human_findings(path: &Path, r: &Report, findings: &[Finding]) -> String {
    let mut s = String::new();
    // the verdict first: one line a person can act on, then the findings that explain it
    let _ = writeln!(s, "{}（{}）：{}
", path.display(), describe(r), verdict(findings).text);
    let mut lines: Option<Option<Vec<String>>> = None;
    for f in findings {
        let _ = writeln!(s, "{}[{}]: {}", f.severity.label(), f.code.code(), f.message);
        match f.location.line {
            Some(line) => {
                let _ = writeln!(s, "  --> {}:{line}", path.display());
                let src = lines.get_or_insert_with(|| source_lines(path));
                if let Some(text) = src.as_ref().and_then(|l| l.get(line as usize - 1)).filter(|t| !t.trim().is_empty()) {
                    let w = line.to_string().len();
                    let _ = writeln!(s, "{:w$} |", "");
                    let _ = writeln!(s, "{line} | {}", quote(text));
                    let _ = writeln!(s, "{:w$} |", "");
                }
            }
            None => {
                let _ = writeln!(s, "  --> {}", path.display());
            }
        }
        let _ = writeln!(s, "  = 修改建议：{}\n", f.fix);
    }
    s
}

/// Display width: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = u32::from(c);
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn summary_table(checked: &[Checked]) -> String {
    let header = ["文件", "机关", "年度", "错误", "警告", "结论"];
    let mut rows: Vec<[String; 6]> = Vec::new();
    let (mut te, mut tw, mut unread) = (0, 0, 0);
    for c in checked {
        let file = c.path.display().to_string();
        match &c.result {
            Ok((r, f)) => {
                let (e, w, _) = counts(f);
                te += e;
                tw += w;
                rows.push([
                    file,
                    r.agency.clone().unwrap_or_else(|| "（未识别）".into()),
                    r.year.map_or_else(|| "—".into(), |y| y.to_string()),
                    e.to_string(),
                    w.to_string(),
                    status_word(verdict(f).status).to_owned(),
                ]);
            }
            Err(_) => {
                unread += 1;
                rows.push([file, "（无法读取）".into(), "—".into(), "—".into(), "—".into(), "无法读取".into()]);
            }
        }
    }
    let widths: Vec<usize> =
        (0..header.len()).map(|i| rows.iter().map(|r| width(&r[i])).chain(std::iter::once(width(header[i]))).max().unwrap_or(0)).collect();
    let mut s = String::new();
    let line = |s: &mut String, cells: &[&str]| {
        let parts: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        let _ = writeln!(s, "{}", parts.join("  ").trim_end());
    };
    line(&mut s, &header);
    let _ = writeln!(s, "{}", "-".repeat(widths.iter().sum::<usize>() + 2 * (header.len() - 1)));
    for r in &rows {
        line(&mut s, &r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let _ = writeln!(
        s,
        "\n共 {} 份：{} 个错误，{} 个警告{}",
        checked.len(),
        te,
        tw,
        if unread > 0 { format!("，{unread} 份无法读取") } else { String::new() }
    );
    s
}

// ---- render / compare / aggregate ---------------------------------------------------------------

fn is_stdout(p: Option<&PathBuf>) -> bool {
    p.is_none_or(|p| p.as_os_str() == "-")
}

fn format_from(to: Option<OutputFormat>, output: Option<&PathBuf>) -> anyhow::Result<OutputFormat> {
    if let Some(f) = to {
        return Ok(f);
    }
    match output.filter(|p| p.as_os_str() != "-").and_then(|p| p.extension()) {
        Some(ext) => Ok(ext.to_string_lossy().parse()?),
        None => anyhow::bail!("请用 --to 指定输出格式（txt、md、html、docx、xlsx、json）"),
    }
}

/// Writes to standard output, or to a file that appears whole (not over an existing one unless
/// `force`).
fn write_output(output: Option<&PathBuf>, format_binary: bool, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    if is_stdout(output) {
        if format_binary {
            anyhow::bail!("docx、xlsx 为二进制格式，请用 -o 指定输出文件");
        }
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(());
    }
    let Some(path) = output else { return Ok(()) };
    Ok(gongkai_app::transfer::write_file(None, path, bytes, force, gongkai_app::transfer::Privacy::Public)?)
}

fn read_or_exit(path: &Path) -> Result<Report, ExitCode> {
    read_report(path).map_err(|e| {
        eprintln!("错误：无法读取 {}：{e}", path.display());
        ExitCode::from(2)
    })
}

fn run_render(a: &RenderArgs) -> anyhow::Result<ExitCode> {
    let format = format_from(a.to, a.out.as_ref())?;
    let report = match read_or_exit(&a.file) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let findings = check(&report, None, &CheckOptions::default());
    let bytes = render(&report, &findings, format)?;
    write_output(a.out.as_ref(), matches!(format, OutputFormat::Docx | OutputFormat::Xlsx), &bytes, a.force)?;
    Ok(ExitCode::SUCCESS)
}

fn run_compare(a: &CompareArgs) -> anyhow::Result<ExitCode> {
    let to = a.to.unwrap_or_else(|| {
        let ext = a.out.as_ref().and_then(|p| p.extension()).map(|e| e.to_string_lossy().to_ascii_lowercase());
        if matches!(ext.as_deref(), Some("html" | "htm")) { CompareFormat::Html } else { CompareFormat::Text }
    });
    let old = match read_or_exit(&a.old) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let new = match read_or_exit(&a.new) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let c = compare(&old, &new);
    let text = match to {
        CompareFormat::Text => c.to_text(),
        CompareFormat::Html => c.to_html(),
    };
    write_output(a.out.as_ref(), false, text.as_bytes(), a.force)?;
    Ok(ExitCode::SUCCESS)
}

fn run_aggregate(a: &AggregateArgs) -> anyhow::Result<ExitCode> {
    let format = format_from(a.to, Some(&a.out))?;
    let (files, problems) = collect_files(&a.paths);
    let checked = check_files(&files, None, files.len() > 1);
    let mut failed = problems.iter().map(|(p, m)| format!("{}：{m}", p.display())).collect::<Vec<_>>();
    failed.extend(checked.iter().filter_map(|c| c.result.as_ref().err().map(|m| format!("{}：{m}", c.path.display()))));
    if !failed.is_empty() {
        eprintln!("错误：以下文件无法读取，未进行汇总（汇总不能缺少单位）：");
        for f in failed {
            eprintln!("  {f}");
        }
        return Ok(ExitCode::from(2));
    }
    let reports: Vec<Report> = checked.into_iter().filter_map(|c| c.result.ok().map(|(r, _)| r)).collect();
    let agg = aggregate_with(&reports, a.name.as_deref(), &CheckOptions::default())?;
    let bytes = if format == OutputFormat::Json {
        let mut v = serde_json::to_string_pretty(&agg.to_json())?;
        v.push('\n');
        v.into_bytes()
    } else {
        let findings = check(&agg.report, None, &CheckOptions::default());
        render(&agg.report, &findings, format)?
    };
    write_output(Some(&a.out), matches!(format, OutputFormat::Docx | OutputFormat::Xlsx), &bytes, a.force)?;
    eprint!("{}", agg.to_text().lines().take_while(|l| !l.is_empty()).map(|l| format!("{l}\n")).collect::<String>());
    if !agg.units_with_errors.is_empty() {
        eprintln!("注意：{} 个单位的报告有错误，汇总数可能不准，请先核对这些报告", agg.units_with_errors.len());
    }
    Ok(ExitCode::SUCCESS)
}
