//! Setting up an office and its people: `gongkai init` (an agency with its administrator, in one
//! transaction), users, roles, passwords, disabling.
//!
//! Users belong to the installation; what they may do comes from roles held at agencies. An
//! administrator manages the users who hold roles only within the agencies they administer (and
//! users with no role yet); a user changes their own password with the old one.

use gongkai_store::{
    AccountChange, AdminAccount, Agency, AgencyLevel, AgencySettings, NewAgency, NewUser, Role, RoleGrant, Storage,
    User, UserId,
};

use crate::auth::{Right, hash_password, verify_password};
use crate::error::{AppError, Result};
use crate::office::Office;
use crate::records::Records;

/// Arguments of `gongkai init`.
#[derive(Debug, Clone)]
pub struct InitRequest {
    /// Agency name.
    pub agency: String,
    /// Level.
    pub level: AgencyLevel,
    /// Parent agency name.
    pub parent: Option<String>,
    /// Region for the calendar.
    pub region: Option<String>,
    /// Administrator login.
    pub admin: String,
    /// Administrator password (needed only for a new user).
    pub password: Option<String>,
}

/// Whether an agency of `level` may sit below one of `parent` (the administrative hierarchy: a
/// township below a county-level government, a county below a city or province, a city below a
/// province, a department below any government).
pub fn level_fits(level: AgencyLevel, parent: AgencyLevel) -> bool {
    use AgencyLevel::*;
    matches!(
        (level, parent),
        (Township, County) | (County, City | Province) | (City, Province) | (Department, County | City | Province)
    )
}

/// The levels an agency of `level` may sit below, in Chinese.
fn parents_of(level: AgencyLevel) -> String {
    AgencyLevel::ALL.iter().filter(|p| level_fits(level, **p)).map(|p| p.label()).collect::<Vec<_>>().join("或")
}

fn check_region(office: &Office, region: &str) -> Result<()> {
    gongkai_calendar::Region::check_name(region).map_err(|e| AppError::invalid(e.to_string()))?;
    // The region's calendar must load: agencies of a region compute with its imported holidays.
    office.engine.check_region(region).map_err(AppError::invalid)
}

/// `gongkai init` on a new (or empty) database: the first agency and its administrator, in one
/// transaction. Returns what was created, in Chinese.
pub async fn bootstrap(office: &Office, req: InitRequest, system_user: &str) -> Result<Vec<String>> {
    if !office.store.agencies().await?.is_empty() {
        return Err(AppError::conflict(format!(
            "数据库 {} 已经初始化：向其中添加机关须以系统管理员身份（--as 登录名）或本机操作员身份（--operator）运行 gongkai init --parent …",
            office.location()
        )));
    }
    if req.parent.is_some() {
        return Err(AppError::invalid("新数据库中还没有机关，不能指定 --parent：先初始化上级机关"));
    }
    establish(office, &office.operator(system_user), req, None).await
}

/// `gongkai init --parent P` on an existing database: a new agency below one the principal
/// administers (or below nothing, for the operator), with its administrator.
pub async fn add_agency(rec: &Records, req: InitRequest) -> Result<Vec<String>> {
    let parent = match &req.parent {
        Some(p) => {
            let p = rec.agency(p).await?;
            rec.require(Right::Administer, &p).await?;
            Some(p)
        }
        None if rec.principal().is_operator() => None,
        None => {
            return Err(AppError::forbidden(format!(
                "{}不能添加没有上级的机关：只有本机操作员（--operator）可以",
                rec.principal().name()
            )));
        }
    };
    establish(rec.office(), rec, req, parent).await
}

async fn establish(office: &Office, rec: &Records, req: InitRequest, parent: Option<Agency>) -> Result<Vec<String>> {
    rec.writable()?;
    let name = req.agency.trim();
    if name.is_empty() {
        return Err(AppError::invalid("机关名称不能为空（--agency）"));
    }
    if let Some(p) = &parent
        && !level_fits(req.level, p.level)
    {
        return Err(AppError::invalid(format!(
            "“{name}”是{}，不能设在{}“{}”之下（{}的上级应为{}）",
            req.level.label(),
            p.level.label(),
            p.name,
            req.level.label(),
            parents_of(req.level)
        )));
    }
    let region = req.region.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or_default().to_string();
    if !region.is_empty() {
        check_region(office, &region)?;
    }
    let store = &office.store;
    let admin_login = req.admin.trim();
    if admin_login.is_empty() {
        return Err(AppError::invalid("系统管理员登录名不能为空（--admin）"));
    }
    let mut done = Vec::new();
    let admin = match crate::records::user_by_login(store, admin_login).await? {
        Some(u) => {
            done.push(format!("用户“{}”已存在，沿用其原密码", u.login));
            AdminAccount::Existing(u.id)
        }
        None => {
            let Some(password) = &req.password else {
                return Err(AppError::invalid("新建管理员需要密码：请设置环境变量 GONGKAI_ADMIN_PASSWORD，或在提示时输入"));
            };
            let hash = hash_password(password)?;
            AdminAccount::New(NewUser { login: admin_login.to_string(), name: admin_login.to_string(), password_hash: hash })
        }
    };
    let new_user = matches!(admin, AdminAccount::New(_));
    let agency = NewAgency {
        name: name.to_string(),
        level: req.level,
        parent: parent.as_ref().map(|p| p.id),
        region,
        settings: AgencySettings::default(),
    };
    let (agency, user) = store.establish_agency(&rec.ctx(), agency, admin).await?;
    done.push(format!("已添加机关“{}”（{}）", agency.name, agency.level.label()));
    if new_user {
        done.push(format!("已添加用户“{}”", user.login));
    }
    done.push(format!("“{}”为“{}”的系统管理员", user.login, agency.name));
    Ok(done)
}

/// A user and the roles they hold (for `user list`).
#[derive(Debug, Clone)]
pub struct UserWithRoles {
    /// The user.
    pub user: User,
    /// Their roles.
    pub roles: Vec<RoleGrant>,
}

/// Whether the principal may manage `user` (their roles all sit in agencies the principal
/// administers).
async fn require_manage(rec: &Records, user: &User) -> Result<()> {
    rec.writable()?;
    let all = rec.all_agencies().await?;
    if !all.iter().any(|a| rec.principal().can(Right::Administer, a, &all)) {
        return Err(AppError::forbidden(format!("{}不是系统管理员，不能管理用户", rec.principal().name())));
    }
    let roles = rec.store().roles(user.id).await?;
    for g in &roles {
        let Some(a) = all.iter().find(|a| a.id == g.agency) else { continue };
        if !rec.principal().can(Right::Administer, a, &all) {
            return Err(AppError::forbidden(format!(
                "用户“{}”在“{}”担任{}，{}不是该机关的系统管理员，不能管理该用户",
                user.login,
                a.name,
                g.role.label(),
                rec.principal().name()
            )));
        }
    }
    Ok(())
}

async fn user_named(rec: &Records, login: &str) -> Result<User> {
    match crate::records::user_by_login(rec.store(), login).await? {
        Some(u) => Ok(u),
        None => Err(AppError::not_found(format!("未找到用户“{}”", login.trim()))),
    }
}

/// `gongkai user add` (an administrator of some agency).
pub async fn add_user(rec: &Records, login: &str, name: &str, password: &str) -> Result<User> {
    rec.writable()?;
    if rec.agencies_with(Right::Administer).await?.is_empty() {
        return Err(AppError::forbidden(format!("{}不是系统管理员，不能添加用户", rec.principal().name())));
    }
    let login = login.trim();
    if login.is_empty() || login.chars().count() > 64 || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::invalid("登录名须为 1 至 64 个字符，不含空格和控制字符"));
    }
    let hash = hash_password(password)?;
    let name = if name.trim().is_empty() { login } else { name.trim() };
    Ok(rec
        .store()
        .create_user(&rec.ctx(), NewUser { login: login.to_string(), name: name.to_string(), password_hash: hash })
        .await?)
}

/// `gongkai user grant`.
pub async fn grant(rec: &Records, login: &str, agency: &Agency, role: Role) -> Result<User> {
    rec.require(Right::Administer, agency).await?;
    let u = user_named(rec, login).await?;
    rec.store().grant_role(&rec.ctx(), u.id, agency.id, role).await?;
    Ok(u)
}

/// `gongkai user revoke`: `false` if the user did not hold the role.
pub async fn revoke(rec: &Records, login: &str, agency: &Agency, role: Role) -> Result<bool> {
    rec.require(Right::Administer, agency).await?;
    let u = user_named(rec, login).await?;
    Ok(rec.store().revoke_role(&rec.ctx(), u.id, agency.id, role).await?)
}

/// `gongkai user disable` / `enable`.
pub async fn set_disabled(rec: &Records, login: &str, disabled: bool) -> Result<User> {
    let u = user_named(rec, login).await?;
    require_manage(rec, &u).await?;
    if disabled && rec.principal().user_id() == Some(u.id) {
        return Err(AppError::invalid("不能停用自己的账户"));
    }
    let u = rec.store().change_account(&rec.ctx(), u.id, AccountChange::Disabled(disabled)).await?;
    if disabled {
        rec.office().end_sessions_of(rec, u.id).await?;
    }
    Ok(u)
}

/// An administrator resets another user's password (`gongkai user passwd LOGIN`).
pub async fn reset_password(rec: &Records, login: &str, new_password: &str) -> Result<User> {
    let u = user_named(rec, login).await?;
    require_manage(rec, &u).await?;
    let hash = hash_password(new_password)?;
    let u = rec.store().change_account(&rec.ctx(), u.id, AccountChange::Password(hash)).await?;
    rec.office().end_sessions_of(rec, u.id).await?;
    Ok(u)
}

/// The acting user changes their own password, proving the old one.
pub async fn change_own_password(rec: &Records, old: &str, new_password: &str) -> Result<User> {
    rec.writable()?;
    let Some(me) = rec.principal().user_account() else {
        return Err(AppError::invalid("本机操作员没有密码；请以用户身份（--as 登录名）修改自己的密码"));
    };
    let current = rec.store().user(me.id).await?;
    let hash = current.password_hash.clone();
    let old = old.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&old, &hash)).await.unwrap_or(false);
    if !ok {
        return Err(AppError::forbidden("原密码不正确"));
    }
    if old_equals_new(&current, new_password) {
        return Err(AppError::invalid("新密码不能与原密码相同"));
    }
    let hash = hash_password(new_password)?;
    let u = rec.store().change_account(&rec.ctx(), me.id, AccountChange::Password(hash)).await?;
    rec.office().end_sessions_of(rec, u.id).await?;
    Ok(u)
}

fn old_equals_new(user: &User, new_password: &str) -> bool {
    verify_password(new_password, &user.password_hash)
}

/// `gongkai user list`: the users an administrator manages (with roles in their agencies, or
/// none yet), with their roles.
pub async fn list_users(rec: &Records) -> Result<Vec<UserWithRoles>> {
    let administered = rec.agencies_with(Right::Administer).await?;
    if administered.is_empty() {
        return Err(AppError::forbidden(format!("{}不是系统管理员，不能查看用户列表", rec.principal().name())));
    }
    let mut out = Vec::new();
    for user in rec.store().users().await? {
        let roles = rec.store().roles(user.id).await?;
        if roles.is_empty() || roles.iter().any(|g| administered.iter().any(|a| a.id == g.agency)) {
            out.push(UserWithRoles { user, roles });
        }
    }
    Ok(out)
}

/// A user by id (their login and name appear on cases and in the log, for everyone who may read
/// those).
pub async fn user_by_id(rec: &Records, id: UserId) -> Result<User> {
    Ok(rec.store().user(id).await?)
}
