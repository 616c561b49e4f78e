//! `gongkai user …`: users, roles and passwords.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, Subcommand};
use gongkai_app::model::Role;
use gongkai_app::people;

use super::{Access, Format, open, read_secret};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加用户；密码取自环境变量 GONGKAI_NEW_PASSWORD，未设置时在终端输入（不显示）
    Add(UserAddArgs),
    /// 授予用户在某机关的角色
    Grant(UserRoleArgs),
    /// 收回用户在某机关的角色
    Revoke(UserRoleArgs),
    /// 列出用户及其角色（系统管理员）
    List(UserListArgs),
    /// 停用用户（不能再登录和操作；记录保留）
    Disable(UserLoginArgs),
    /// 重新启用用户
    Enable(UserLoginArgs),
    /// 修改密码：不带登录名时修改本人密码（须输入原密码），带登录名时由系统管理员重置；
    /// 新密码取自环境变量 GONGKAI_NEW_PASSWORD，未设置时在终端输入（不显示）
    Passwd(UserPasswdArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// 登录名
    pub login: String,
    /// 姓名
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct UserRoleArgs {
    /// 登录名
    pub login: String,
    /// 机关全称
    #[arg(long)]
    pub agency: String,
    /// 角色：registrar（登记员）、case_officer（承办人）、office_head（办公室负责人）、
    /// reviewer_1、reviewer_2…（第 N 级审核人）、leader（领导）、county_supervisor（县级督查，只读）、
    /// administrator（系统管理员）
    #[arg(long)]
    pub role: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct UserLoginArgs {
    /// 登录名
    pub login: String,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub access: Access,
}

#[derive(Debug, Args)]
pub struct UserPasswdArgs {
    /// 要重置密码的用户（系统管理员）；省略时修改本人密码
    pub login: Option<String>,
    #[command(flatten)]
    pub access: Access,
}

fn role_of(code: &str) -> anyhow::Result<Role> {
    match Role::from_code(code.trim()) {
        Some(r) => Ok(r),
        None => bail!(
            "未知的角色“{code}”（可用：registrar、case_officer、office_head、reviewer_N、leader、county_supervisor、administrator）"
        ),
    }
}

fn new_password() -> anyhow::Result<String> {
    match read_secret("GONGKAI_NEW_PASSWORD", "新密码：")? {
        Some(p) => Ok(p),
        None => bail!("需要新密码：请在提示时输入，或设置环境变量 GONGKAI_NEW_PASSWORD"),
    }
}

pub async fn run(c: UserCommand) -> anyhow::Result<ExitCode> {
    match c {
        UserCommand::Add(a) => {
            let rec = open(&a.access, None).await?;
            let password = new_password()?;
            let u = people::add_user(&rec, &a.login, &a.name, &password).await?;
            rec.office().close().await;
            say!("已添加用户“{}”（{}）", u.login, u.name);
        }
        UserCommand::Grant(a) => {
            let role = role_of(&a.role)?;
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let u = people::grant(&rec, &a.login, &agency, role).await?;
            rec.office().close().await;
            say!("“{}”为“{}”的{}", u.login, agency.name, role.label());
        }
        UserCommand::Revoke(a) => {
            let role = role_of(&a.role)?;
            let rec = open(&a.access, None).await?;
            let agency = rec.agency(&a.agency).await?;
            let held = people::revoke(&rec, &a.login, &agency, role).await?;
            rec.office().close().await;
            if held {
                say!("已收回“{}”在“{}”的{}角色", a.login.trim(), agency.name, role.label());
            } else {
                say!("“{}”在“{}”没有{}角色", a.login.trim(), agency.name, role.label());
            }
        }
        UserCommand::List(a) => {
            let rec = open(&a.access, None).await?;
            let users = people::list_users(&rec).await?;
            let names = rec.agency_names().await?;
            rec.office().close().await;
            let name_of = |id| names.iter().find(|(a, _)| *a == id).map(|(_, n)| n.clone()).unwrap_or_default();
            match a.format {
                Format::Json => {
                    let v: Vec<_> = users
                        .iter()
                        .map(|u| {
                            serde_json::json!({
                                "login": u.user.login, "name": u.user.name, "disabled": u.user.disabled,
                                "roles": u.roles.iter().map(|g| serde_json::json!({
                                    "agency": name_of(g.agency), "role": g.role.code(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    say!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Human => {
                    for u in &users {
                        let roles: Vec<String> =
                            u.roles.iter().map(|g| format!("{}：{}", name_of(g.agency), g.role.label())).collect();
                        let state = if u.user.disabled { "（已停用）" } else { "" };
                        say!("{}\t{}{state}\t{}", u.user.login, u.user.name, if roles.is_empty() { "无角色".into() } else { roles.join("；") });
                    }
                }
            }
        }
        UserCommand::Disable(a) => {
            let rec = open(&a.access, None).await?;
            let u = people::set_disabled(&rec, &a.login, true).await?;
            rec.office().close().await;
            say!("已停用用户“{}”", u.login);
        }
        UserCommand::Enable(a) => {
            let rec = open(&a.access, None).await?;
            let u = people::set_disabled(&rec, &a.login, false).await?;
            rec.office().close().await;
            say!("已重新启用用户“{}”", u.login);
        }
        UserCommand::Passwd(a) => {
            let rec = open(&a.access, None).await?;
            let u = match &a.login {
                Some(login) => people::reset_password(&rec, login, &new_password()?).await?,
                None => {
                    let Some(old) = read_secret("GONGKAI_PASSWORD", "原密码：")? else {
                        bail!("需要原密码");
                    };
                    people::change_own_password(&rec, &old, &new_password()?).await?
                }
            };
            rec.office().close().await;
            say!("用户“{}”的密码已修改", u.login);
        }
    }
    Ok(ExitCode::SUCCESS)
}
