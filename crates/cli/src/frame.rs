//! The clap frame in Chinese: headings, usage, value names, the help and version flags, and
//! argument errors in the program's own `错误：…` form.
//!
//! clap's own words ("Usage:", "Options:", "[possible values: …]", "error: unexpected argument")
//! are English and partly fixed in its renderer. Without forking clap this module:
//! - rebuilds the command tree ([`command`]) with a Chinese help template, "命令"/"选项"/"参数"
//!   headings ([`clap::Command::subcommand_help_heading`], [`clap::Arg::help_heading`] through
//!   [`clap::Command::mut_args`]), Chinese value names and `-h/--help`, `-V/--version` flags of
//!   its own;
//! - renders help itself and replaces the few bracketed notes clap writes in English
//!   (`[default: …]`, `[possible values: …]`, `[env: …]`, `[OPTIONS]`);
//! - turns every other [`clap::Error`] into a Chinese message from its [`ErrorKind`] and context,
//!   never clap's English rendering.
//!
//! Exit codes (README, docs/STORAGE.md): 0 success; 1 the command failed (refused, bad data);
//! 2 the command line is wrong (this module), or a report command could not read an input.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory as _, FromArgMatches as _};

use crate::Cli;

/// The exit code of a wrong command line.
pub const USAGE_ERROR: u8 = 2;

const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Chinese value names for the arguments whose value name clap derives from the field name.
fn value_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "agency" | "parent" => "机关",
        "year" => "年度",
        "database" => "地址",
        "format" | "to" => "格式",
        "file" | "paths" | "previous" | "old" | "new" | "out" | "output" | "settings" | "corrected" | "narrative" => "文件",
        "date" | "received" | "confirmed" | "today" | "filed" | "closed" | "new_date" | "issued" | "repealed" => "日期",
        "level" => "级别",
        "region" => "地区",
        "admin" | "login" | "officer" => "登录名",
        "name" => "名称",
        "applicant" => "申请人",
        "kind" => "类型",
        "channel" => "申请方式",
        "content" => "内容",
        "number" => "编号",
        "id" | "case_id" => "编号",
        "request" => "序号",
        "position" => "序号",
        "reason" => "原因",
        "role" => "角色",
        "outcome" => "办理结果",
        "party" => "对象",
        "days" | "n" | "due_within" | "limit" | "after" | "month_count" | "items" | "pages" => "数",
        "delivery" => "方式",
        "amount" => "金额",
        "result" => "结果",
        "title" => "标题",
        "schema" => "模式",
        "listen" => "地址:端口",
        "drill" => "单元格",
        "note" | "remarks" | "reply_type" | "legal_basis" | "letter" | "id_document" | "contact" | "address" | "form" => "文字",
        "licensing" | "penalty" | "enforcement" | "coercion" | "permits" | "punishments" => "数",
        "fees" | "fees_wan" => "万元",
        "new_number" => "文号",
        "made" => "日期",
        "expect" => "序号:哈希值",
        "role_name" => "角色名",
        _ => return None,
    })
}

/// The command tree with its Chinese frame.
pub fn command() -> Command {
    let help = Command::new("help")
        .about("显示帮助；gongkai help 命令 … 显示该命令的帮助（同 gongkai 命令 … --help）")
        .arg(Arg::new("命令").num_args(0..).help("要查看帮助的命令"));
    chinese(Cli::command()).disable_help_subcommand(true).subcommand(help)
}

fn chinese(cmd: Command) -> Command {
    let cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .mut_args(|a| {
            let a = if a.is_positional() { a.help_heading("参数") } else { a.help_heading("选项") };
            // An empty default says nothing (`[默认：""]`).
            let empty_default = !a.get_default_values().is_empty() && a.get_default_values().iter().all(|v| v.is_empty());
            let a = if empty_default { a.hide_default_value(true) } else { a };
            // A value may be given by its Chinese name (the enum's alias): say so, with the names.
            let chinese: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter_map(|v| v.get_name_and_aliases().find(|n| !n.is_ascii()).map(str::to_owned))
                .collect();
            let a = match (chinese.is_empty(), a.get_help().map(ToString::to_string)) {
                (false, Some(help)) => a.help(format!("{help}（也可填中文：{}）", chinese.join("、"))),
                _ => a,
            };
            let derived = a.get_value_names().is_none_or(|v| v.iter().all(|n| n.as_str() == a.get_id().as_str().to_uppercase()));
            match value_name(a.get_id().as_str()) {
                Some(v) if derived && a.get_action().takes_values() => a.value_name(v),
                _ => a,
            }
        })
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助").help_heading("选项"));
    let cmd = if cmd.get_name() == "gongkai" {
        cmd.arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本").help_heading("选项"))
    } else {
        cmd
    };
    cmd.mut_subcommands(chinese)
}

/// `gongkai help a b` and `gongkai a help b` are `gongkai a b --help`: a `help` where a command
/// name is expected.
fn rewrite_help(root: &Command, mut args: Vec<OsString>) -> Vec<OsString> {
    let mut at = root;
    for i in 1..args.len() {
        let Some(a) = args[i].to_str() else { break };
        if a == "help" && at.has_subcommands() {
            args.remove(i);
            args.push("--help".into());
            break;
        }
        match at.find_subcommand(a) {
            Some(sub) => at = sub,
            None => break,
        }
    }
    args
}

/// The parsed command line, or the exit code after help, version or an argument error was
/// printed.
pub fn parse() -> Result<Cli, ExitCode> {
    parse_from(std::env::args_os().collect())
}

fn parse_from(args: Vec<OsString>) -> Result<Cli, ExitCode> {
    let mut cmd = command();
    let args = rewrite_help(&cmd, args);
    let matches = cmd.try_get_matches_from_mut(args.clone()).and_then(|mut m| Cli::from_arg_matches_mut(&mut m));
    match matches {
        Ok(cli) => Ok(cli),
        Err(e) => Err(report(&command_path(&cmd, &args), &e)),
    }
}

/// The subcommand a command line names (`gongkai case list`), for the help hint.
fn command_path(root: &Command, args: &[OsString]) -> String {
    let mut path = vec![root.get_name().to_owned()];
    let mut at = root;
    for a in args.iter().skip(1) {
        let Some(a) = a.to_str() else { break };
        if let Some(sub) = at.find_subcommand(a) {
            path.push(sub.get_name().to_owned());
            at = sub;
        } else if !a.starts_with('-') {
            break;
        }
    }
    path.join(" ")
}

/// Prints help, the version or the error; the exit code.
fn report(path: &str, e: &clap::Error) -> ExitCode {
    use std::io::Write as _;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let text = localise(&e.render().to_string());
            let _ = if e.kind() == ErrorKind::DisplayHelp {
                write!(std::io::stdout(), "{text}")
            } else {
                write!(std::io::stderr(), "{text}")
            };
            ExitCode::from(if e.kind() == ErrorKind::DisplayHelp { 0 } else { USAGE_ERROR })
        }
        ErrorKind::DisplayVersion => {
            let _ = writeln!(std::io::stdout(), "gongkai（公开）{}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        _ => {
            let _ = writeln!(std::io::stderr(), "{}", message(path, e));
            ExitCode::from(USAGE_ERROR)
        }
    }
}

/// The notes clap writes in English inside help, in Chinese.
pub fn localise(help: &str) -> String {
    let help = help.replace("[possible values: ", "[可选值：");
    // The list of values is joined the Chinese way: [可选值：human、json].
    let mut out = String::with_capacity(help.len());
    let mut rest = help.as_str();
    while let Some(at) = rest.find("[可选值：") {
        let (before, list) = rest.split_at(at);
        out.push_str(before);
        let end = list.find(']').map_or(list.len(), |e| e + 1);
        out.push_str(&list[..end].replace(", ", "、"));
        rest = &list[end..];
    }
    out.push_str(rest);
    out.replace("[OPTIONS]", "[选项]")
        .replace("\n命令:\n", "\n命令：\n")
        .replace("\n选项:\n", "\n选项：\n")
        .replace("\n参数:\n", "\n参数：\n")
        .replace("Possible values:", "可选值：")
        .replace("[default: ", "[默认：")
        .replace("[env: ", "[环境变量：")
        .replace("[aliases: ", "[别名：")
        .replace("[alias: ", "[别名：")
        .replace("[short aliases: ", "[短别名：")
}

fn context(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// The Chinese message of an argument error: what is wrong, where, and how to get help.
fn message(path: &str, e: &clap::Error) -> String {
    // `--format <格式>` is named `--format`: the value's placeholder is for the help.
    let arg = context(e, ContextKind::InvalidArg)
        .iter()
        .map(|a| a.split(" <").next().unwrap_or(a).to_owned())
        .collect::<Vec<_>>()
        .join("、");
    let value = context(e, ContextKind::InvalidValue).join("、");
    let valid = context(e, ContextKind::ValidValue);
    let suggested_arg = context(e, ContextKind::SuggestedArg);
    let suggested_cmd = context(e, ContextKind::SuggestedSubcommand);
    let mut text = match e.kind() {
        ErrorKind::UnknownArgument => format!("无法识别的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => format!("没有“{}”这个命令", context(e, ContextKind::InvalidSubcommand).join("")),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 需要一个值"),
        ErrorKind::InvalidValue => {
            let choices = if valid.is_empty() { String::new() } else { format!("（可选：{}）", valid.join("、")) };
            format!("{arg} 的值“{value}”无效{choices}")
        }
        ErrorKind::ValueValidation => {
            // Our own value parsers speak Chinese: their message is the reason.
            let reason = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
            if reason.is_empty() || reason.is_ascii() {
                format!("{arg} 的值“{value}”无效")
            } else {
                format!("{arg} 的值无效：{reason}")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "请给出一个命令".to_owned(),
        ErrorKind::ArgumentConflict => {
            let prior: Vec<String> =
                context(e, ContextKind::PriorArg).iter().map(|a| a.split(" <").next().unwrap_or(a).to_owned()).collect();
            if prior.is_empty() {
                format!("参数 {arg} 不能与其他参数同时使用")
            } else if prior.iter().all(|p| *p == arg) {
                format!("参数 {arg} 只能给出一次")
            } else {
                format!("参数 {arg} 不能与 {} 同时使用", prior.join("、"))
            }
        }
        ErrorKind::TooManyValues => format!("{arg} 给出的值过多：“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let expected = context(e, ContextKind::ExpectedNumValues).join("");
            let actual = context(e, ContextKind::ActualNumValues).join("");
            format!("{arg} 需要 {expected} 个值，给出了 {actual} 个")
        }
        ErrorKind::InvalidUtf8 => "命令行参数不是有效的 UTF-8 文本".to_owned(),
        ErrorKind::NoEquals => format!("{arg} 的值须用“=”连接"),
        _ => "命令行参数有误".to_owned(),
    };
    if let Some(s) = suggested_arg.first() {
        text.push_str(&format!("；相近的参数：{s}"));
    }
    if !suggested_cmd.is_empty() {
        text.push_str(&format!("；相近的命令：{}", suggested_cmd.join("、")));
    }
    let usage = context(e, ContextKind::Usage).into_iter().next().unwrap_or_default();
    let usage = usage.trim().strip_prefix("Usage:").unwrap_or(usage.trim()).trim().to_owned();
    let mut out = format!("错误：{text}");
    if !usage.is_empty() {
        out.push_str(&format!("\n用法：{}", localise(&usage)));
    }
    out.push_str(&format!("\n查看帮助：{path} --help"));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn help_arguments_are_rewritten_to_the_help_flag() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let root = super::command();
        let rewrite = |v: &[&str]| super::rewrite_help(&root, args(v));
        assert_eq!(rewrite(&["gongkai", "help", "case", "list"]), args(&["gongkai", "case", "list", "--help"]));
        assert_eq!(rewrite(&["gongkai", "case", "help", "list"]), args(&["gongkai", "case", "list", "--help"]));
        assert_eq!(rewrite(&["gongkai", "case", "list", "help"]), args(&["gongkai", "case", "list", "help"]));
        assert_eq!(rewrite(&["gongkai", "case", "show", "help"]), args(&["gongkai", "case", "show", "help"]));
    }
}
