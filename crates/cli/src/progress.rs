//! Progress on long work (a ledger import, a whole-database export, a backup, a check of many
//! reports), drawn on stderr only when stderr is a terminal: a script or a pipe reads the
//! command's output and its messages, never a bar's control characters.

use std::borrow::Cow;
use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Whether progress is drawn (stderr is a terminal).
pub fn visible() -> bool {
    std::io::stderr().is_terminal()
}

/// A spinner with a message and the time taken so far, for work whose size is not known ahead.
pub fn spinner(message: impl Into<Cow<'static, str>>) -> ProgressBar {
    if !visible() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}（已用 {elapsed}）") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A spinner that also shows how much has been written (`{bytes}`), for exports.
pub fn writing(message: impl Into<Cow<'static, str>>) -> ProgressBar {
    let bar = spinner(message);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}：已写入 {bytes}（已用 {elapsed}）") {
        bar.set_style(style);
    }
    bar
}

/// A spinner that also shows how much has been read (`{bytes}`), for imports.
pub fn reading(message: impl Into<Cow<'static, str>>) -> ProgressBar {
    let bar = spinner(message);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}：已读取 {bytes}（已用 {elapsed}）") {
        bar.set_style(style);
    }
    bar
}

/// A bar over `len` items (`unit`: 份, 行 …).
pub fn bar(len: u64, unit: &str) -> ProgressBar {
    if !visible() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit} {{msg}}（已用 {{elapsed}}）")) {
        bar.set_style(style);
    }
    bar
}
