//! Placeholder until this command family lands in this session.

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// (not yet available)
    ClockPending,
}

pub fn run(_cmd: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("该命令尚未实现")
}
