//! 系统管理 (administrators only): users (create, disable or enable, roles per agency, reset a
//! password), agencies (create under a parent, the level checked), and each agency's settings
//! (name, address, phone, office hours, calendar region, document-number prefix). Every form
//! validates on the server and comes back with the problem at its field, nothing saved.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::auth::{MIN_PASSWORD_CHARS, Right};
use gongkai_app::error::{AppError, ErrorKind};
use gongkai_app::model::{Agency, AgencyId, AgencyLevel, AgencyUpdate, Role};
use gongkai_app::people::{self, InitRequest, UserWithRoles};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::pages::Chrome;
use crate::pages::form::{self, FieldErrors};
use crate::pages::registers::Fields;
use crate::session::Staff;

fn val<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", |v| v.as_str())
}

/// The roles an administrator grants (reviewers of the first three stages).
pub fn grantable_roles() -> Vec<Role> {
    vec![
        Role::Registrar,
        Role::CaseOfficer,
        Role::OfficeHead,
        Role::Reviewer(1),
        Role::Reviewer(2),
        Role::Reviewer(3),
        Role::Leader,
        Role::CountySupervisor,
        Role::Administrator,
    ]
}

/// A user as listed: roles as (agency name, role label, agency id, role code).
#[derive(Debug)]
pub struct UserRow {
    pub u: UserWithRoles,
    pub roles: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage<'a> {
    chrome: &'a Chrome,
    users: &'a [UserRow],
    agencies: &'a [Agency],
    administered: &'a [Agency],
    roles: &'a [Role],
    levels: &'a [AgencyLevel],
    errors: &'a FieldErrors,
    values: &'a Fields,
    notice: &'a str,
    min: usize,
}

impl AdminPage<'_> {
    fn v(&self, k: &str) -> &str {
        val(self.values, k)
    }
    fn e(&self, k: &str) -> &str {
        self.errors.get(k)
    }
    fn parent_name(&self, a: &Agency) -> String {
        a.parent.and_then(|p| self.agencies.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default()
    }
}

/// The page's query.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdminQuery {
    pub done: String,
}

async fn render(staff: &Staff, status: StatusCode, errors: &FieldErrors, values: &Fields, notice: &str) -> WebResult<Response> {
    let rec = &staff.rec;
    let names = rec.agency_names().await?;
    let users: Vec<UserRow> = people::list_users(rec)
        .await?
        .into_iter()
        .map(|u| {
            let roles = u
                .roles
                .iter()
                .map(|g| {
                    let agency = names.iter().find(|(id, _)| *id == g.agency).map_or_else(|| g.agency.to_string(), |(_, n)| n.clone());
                    (agency, g.role.label(), g.agency.to_string(), g.role.code())
                })
                .collect();
            UserRow { u, roles }
        })
        .collect();
    let agencies = rec.agencies().await?;
    let administered = rec.agencies_with(Right::Administer).await?;
    let chrome = Chrome::new(staff, "/admin", "系统管理").await?;
    let body = AdminPage {
        chrome: &chrome,
        users: &users,
        agencies: &agencies,
        administered: &administered,
        roles: &grantable_roles(),
        levels: AgencyLevel::ALL,
        errors,
        values,
        notice,
        min: MIN_PASSWORD_CHARS,
    }
    .render()?;
    Ok((status, Html(body)).into_response())
}

/// `GET /admin`.
pub async fn page(staff: Staff, Query(q): Query<AdminQuery>) -> WebResult<Response> {
    let notice = match q.done.as_str() {
        "user" => "已添加用户。",
        "disabled" => "已停用账户，其登录已全部结束。",
        "enabled" => "已启用账户。",
        "granted" => "已授予角色。",
        "revoked" => "已撤销角色。",
        "password" => "已重设密码，该用户的登录已全部结束。",
        "agency" => "已添加机关。",
        _ => "",
    };
    render(&staff, StatusCode::OK, &FieldErrors::default(), &Fields::new(), notice).await
}

fn done(what: &str) -> Response {
    Redirect::to(&format!("/admin?done={what}")).into_response()
}

/// A refusal by a rule (invalid, conflict, not found) shown at `field`; anything else is the
/// request's answer.
fn at_field(e: AppError, field: &'static str) -> WebResult<FieldErrors> {
    match e.kind() {
        ErrorKind::Invalid | ErrorKind::Conflict | ErrorKind::NotFound => {
            let mut errors = FieldErrors::default();
            errors.add(field, e.message());
            Ok(errors)
        }
        _ => Err(e.into()),
    }
}

async fn invalid(staff: &Staff, errors: &FieldErrors, f: &Fields) -> WebResult<Response> {
    render(staff, StatusCode::UNPROCESSABLE_ENTITY, errors, f, "").await
}

fn password(e: &mut FieldErrors, field: &'static str, f: &Fields) -> String {
    let p = val(f, field).to_string();
    if p.chars().count() < MIN_PASSWORD_CHARS {
        e.add(field, format!("密码至少需要 {MIN_PASSWORD_CHARS} 个字符"));
    }
    p
}

/// `POST /admin/users`: a new user (login, name, initial password).
pub async fn create_user(staff: Staff, Form(f): Form<Fields>) -> WebResult<Response> {
    staff.check(val(&f, "csrf"))?;
    let mut e = FieldErrors::default();
    let login = form::required(&mut e, "u_login", "登录名", val(&f, "u_login"), 64);
    if login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        e.add("u_login", "登录名不能含空格");
    }
    let name = form::required(&mut e, "u_name", "姓名", val(&f, "u_name"), 50);
    let pw = password(&mut e, "u_password", &f);
    if !e.is_empty() {
        return invalid(&staff, &e, &f).await;
    }
    if staff.rec.office().user_exists(&login).await? {
        e.add("u_login", format!("登录名“{login}”已被使用"));
        return invalid(&staff, &e, &f).await;
    }
    match people::add_user(&staff.rec, &login, &name, &pw).await {
        Ok(_) => Ok(done("user")),
        Err(err) => invalid(&staff, &at_field(err, "u_login")?, &f).await,
    }
}

/// `POST /admin/users/disable`: `disabled=1` disables (and ends every session), else enables.
pub async fn disable_user(staff: Staff, Form(f): Form<Fields>) -> WebResult<Response> {
    staff.check(val(&f, "csrf"))?;
    let mut e = FieldErrors::default();
    let login = form::required(&mut e, "s_login", "登录名", val(&f, "s_login"), 64);
    if !e.is_empty() {
        return invalid(&staff, &e, &f).await;
    }
    let disabled = val(&f, "disabled") == "1";
    match people::set_disabled(&staff.rec, &login, disabled).await {
        Ok(_) => Ok(done(if disabled { "disabled" } else { "enabled" })),
        Err(err) => invalid(&staff, &at_field(err, "s_login")?, &f).await,
    }
}

/// `POST /admin/users/roles`: `op=grant` or `op=revoke` a role at an agency.
pub async fn change_role(staff: Staff, Form(f): Form<Fields>) -> WebResult<Response> {
    staff.check(val(&f, "csrf"))?;
    let mut e = FieldErrors::default();
    let login = form::required(&mut e, "g_login", "登录名", val(&f, "g_login"), 64);
    let administered = staff.rec.agencies_with(Right::Administer).await?;
    let agency = administered.iter().find(|a| a.id.to_string() == val(&f, "g_agency").trim()).cloned();
    if agency.is_none() {
        e.add("g_agency", "请选择您管理的机关");
    }
    let role = Role::from_code(val(&f, "g_role").trim());
    if role.is_none() {
        e.add("g_role", "请选择角色");
    }
    let grant = match val(&f, "op") {
        "grant" => true,
        "revoke" => false,
        _ => {
            e.add("g_role", "请选择授予或撤销");
            true
        }
    };
    let (Some(agency), Some(role), true) = (agency, role, e.is_empty()) else {
        return invalid(&staff, &e, &f).await;
    };
    if grant {
        match people::grant(&staff.rec, &login, &agency, role).await {
            Ok(_) => Ok(done("granted")),
            Err(err) => invalid(&staff, &at_field(err, "g_login")?, &f).await,
        }
    } else {
        match people::revoke(&staff.rec, &login, &agency, role).await {
            Ok(true) => Ok(done("revoked")),
            Ok(false) => {
                e.add("g_role", format!("“{login}”在“{}”没有{}角色", agency.name, role.label()));
                invalid(&staff, &e, &f).await
            }
            Err(err) => invalid(&staff, &at_field(err, "g_login")?, &f).await,
        }
    }
}

/// `POST /admin/users/password`: an administrator sets a new password for a user they manage
/// (every session of that user ends).
pub async fn reset_password(staff: Staff, Form(f): Form<Fields>) -> WebResult<Response> {
    staff.check(val(&f, "csrf"))?;
    let mut e = FieldErrors::default();
    let login = form::required(&mut e, "p_login", "登录名", val(&f, "p_login"), 64);
    let pw = password(&mut e, "p_password", &f);
    if !e.is_empty() {
        return invalid(&staff, &e, &f).await;
    }
    match people::reset_password(&staff.rec, &login, &pw).await {
        Ok(_) => Ok(done("password")),
        Err(err) => invalid(&staff, &at_field(err, "p_login")?, &f).await,
    }
}

/// `POST /admin/agencies`: a new agency below one the administrator administers, with its
/// administrator (an existing user, or a new one with the password given); the level must fit
/// the parent's.
pub async fn create_agency(staff: Staff, Form(f): Form<Fields>) -> WebResult<Response> {
    staff.check(val(&f, "csrf"))?;
    let mut e = FieldErrors::default();
    let name = form::required(&mut e, "ag_name", "机关名称", val(&f, "ag_name"), 100);
    let level = AgencyLevel::from_code(val(&f, "ag_level").trim());
    if level.is_none() {
        e.add("ag_level", "请选择层级");
    }
    let administered = staff.rec.agencies_with(Right::Administer).await?;
    let parent = administered.iter().find(|a| a.id.to_string() == val(&f, "ag_parent").trim()).cloned();
    if parent.is_none() {
        e.add("ag_parent", "请选择上级机关（您管理的机关）");
    }
    let region = form::optional(&mut e, "ag_region", "日历地区", val(&f, "ag_region"), 40);
    let admin = form::required(&mut e, "ag_admin", "该机关系统管理员的登录名", val(&f, "ag_admin"), 64);
    let pw = val(&f, "ag_password").to_string();
    if let (Some(level), Some(parent)) = (level, &parent)
        && !people::level_fits(level, parent.level)
    {
        e.add("ag_level", format!("{}不能设在{}“{}”之下", level.label(), parent.level.label(), parent.name));
    }
    let (Some(level), Some(parent), true) = (level, parent, e.is_empty()) else {
        return invalid(&staff, &e, &f).await;
    };
    let exists = staff.rec.office().user_exists(&admin).await?;
    if !exists && pw.chars().count() < MIN_PASSWORD_CHARS {
        e.add("ag_password", format!("“{admin}”是新用户：请设置至少 {MIN_PASSWORD_CHARS} 个字符的初始密码"));
        return invalid(&staff, &e, &f).await;
    }
    let req = InitRequest {
        agency: name,
        level,
        parent: Some(parent.id.to_string()),
        region: (!region.is_empty()).then_some(region),
        admin,
        password: (!exists).then_some(pw),
    };
    match people::add_agency(&staff.rec, req).await {
        Ok(_) => Ok(done("agency")),
        Err(err) => invalid(&staff, &at_field(err, "ag_name")?, &f).await,
    }
}

#[derive(Template)]
#[template(path = "agency_settings.html")]
struct SettingsPage<'a> {
    chrome: &'a Chrome,
    agency: &'a Agency,
    errors: &'a FieldErrors,
    values: &'a Fields,
    notice: &'a str,
    default_prefix: &'a str,
}

impl SettingsPage<'_> {
    fn v(&self, k: &str) -> &str {
        val(self.values, k)
    }
    fn e(&self, k: &str) -> &str {
        self.errors.get(k)
    }
}

fn fields_of(a: &Agency) -> Fields {
    let s = &a.settings;
    [
        ("name", a.name.clone()),
        ("region", a.region.clone()),
        ("address", s.address.clone()),
        ("phone", s.phone.clone()),
        ("office_hours", s.office_hours.clone()),
        ("document_prefix", s.document_prefix.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn agency_of(staff: &Staff, id: &str) -> WebResult<Agency> {
    let id: i64 = id.parse().map_err(|_| WebError::NoSuchPage)?;
    Ok(staff.rec.agency_by_id(AgencyId(id)).await?)
}

async fn render_settings(staff: &Staff, agency: &Agency, status: StatusCode, errors: &FieldErrors, values: &Fields, notice: &str) -> WebResult<Response> {
    let chrome = Chrome::new(staff, "/admin", format!("机关设置 · {}", agency.name)).await?;
    let default_prefix = gongkai_app::letters::DEFAULT_PREFIX;
    let body = SettingsPage { chrome: &chrome, agency, errors, values, notice, default_prefix }.render()?;
    Ok((status, Html(body)).into_response())
}

/// `GET /admin/agencies/{agency}`.
pub async fn settings(staff: Staff, Path(id): Path<String>, Query(q): Query<AdminQuery>) -> WebResult<Response> {
    let agency = agency_of(&staff, &id).await?;
    let notice = if q.done == "saved" { "已保存。" } else { "" };
    let mut values = fields_of(&agency);
    if agency.settings.document_prefix.is_empty() {
        // The 机关代字 an earlier version kept with the letter templates, shown to be saved here.
        let prefix = gongkai_app::letters::document_prefix(&staff.rec, &agency).await?;
        if prefix != gongkai_app::letters::DEFAULT_PREFIX {
            values.insert("document_prefix".to_string(), prefix);
        }
    }
    render_settings(&staff, &agency, StatusCode::OK, &FieldErrors::default(), &values, notice).await
}

/// `POST /admin/agencies/{agency}`.
pub async fn save_settings(staff: Staff, Path(id): Path<String>, Form(f): Form<Fields>) -> WebResult<Response> {
    staff.check(val(&f, "csrf"))?;
    let agency = agency_of(&staff, &id).await?;
    let mut e = FieldErrors::default();
    let name = form::required(&mut e, "name", "机关名称", val(&f, "name"), 100);
    let region = form::optional(&mut e, "region", "日历地区", val(&f, "region"), 40);
    let address = form::optional(&mut e, "address", "通信地址", val(&f, "address"), 200);
    let phone = form::optional(&mut e, "phone", "联系电话", val(&f, "phone"), 60);
    if phone.chars().any(|c| !(c.is_ascii_digit() || " -+()（）转,，、".contains(c))) {
        e.add("phone", "联系电话只能含数字、空格和 - + ( ) 转");
    }
    let office_hours = form::optional(&mut e, "office_hours", "办公时间", val(&f, "office_hours"), 200);
    let document_prefix = form::optional(&mut e, "document_prefix", "发文字号前缀", val(&f, "document_prefix"), 40);
    if let Err(m) = gongkai_app::letters::check_prefix(&document_prefix) {
        e.add("document_prefix", &m);
    }
    if !e.is_empty() {
        return render_settings(&staff, &agency, StatusCode::UNPROCESSABLE_ENTITY, &e, &f, "").await;
    }
    let settings = gongkai_app::model::AgencySettings { address, phone, office_hours, document_prefix, ..agency.settings.clone() };
    match staff.rec.update_agency(&agency, AgencyUpdate { name, region, settings }).await {
        Ok(a) => Ok(Redirect::to(&format!("/admin/agencies/{}?done=saved", a.id)).into_response()),
        Err(err) => {
            let field = if err.message().contains("地区") || err.message().contains("日历") { "region" } else { "name" };
            render_settings(&staff, &agency, StatusCode::UNPROCESSABLE_ENTITY, &at_field(err, field)?, &f, "").await
        }
    }
}
