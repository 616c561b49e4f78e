//! `gongkai`: the one binary. Argument definitions live apart from execution: each `cmd` module
//! defines its clap types and a `run` function; this file only dispatches.
//!
//! Error policy: library crates return typed errors; here they become `anyhow` errors, printed once
//! in Chinese on stderr as `错误：…`, with exit code 1 (2 where a command documents it, e.g.
//! `report check` when an input cannot be read). A wrong command line is answered by [`frame`] in
//! the same form, with exit code 2.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: reading a report makes many small strings and vectors
/// (one per cell and label), and `report check` spent 11 % of its instructions in malloc/free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd;
mod frame;
mod progress;

/// gongkai（公开）：政府信息公开工作平台。
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about = "gongkai（公开）：政府信息公开工作平台", propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 年度报告：读取、检查、转换、比对、汇总
    #[command(subcommand)]
    Report(cmd::report::Command),
    /// 启动工作平台（网页）：登录、工作台、案件办理、年度报告
    Serve(cmd::serve::ServeArgs),
    #[command(flatten)]
    Clock(cmd::clock::Command),
    #[command(flatten)]
    Records(Box<cmd::records::Command>),
}

fn main() -> ExitCode {
    let cli = match frame::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let result = match cli.command {
        Command::Report(c) => cmd::report::run(c),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Clock(c) => cmd::clock::run(c),
        Command::Records(c) => cmd::records::run(*c),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // The causes joined the Chinese way (anyhow's `{:#}` would join them with ": ").
            let causes: Vec<String> = err.chain().map(ToString::to_string).collect();
            eprintln!("错误：{}", causes.join("："));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definitions_are_consistent() {
        super::frame::command().debug_assert();
    }
}
