//! 修改密码: a user changes their own password with the old one. Every session of theirs ends
//! (other browsers, other devices); this browser gets a new session at once.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::error::ErrorKind;
use gongkai_app::people;
use gongkai_app::session::MAX_HOURS;
use serde::Deserialize;

use crate::AppState;
use crate::error::WebResult;
use crate::pages::Chrome;
use crate::pages::form::FieldErrors;
use crate::session::{Staff, cookie};

/// The form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub csrf: String,
    pub old: String,
    pub new: String,
    pub confirm: String,
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    chrome: &'a Chrome,
    errors: &'a FieldErrors,
    min: usize,
}

async fn render(staff: &Staff, status: StatusCode, errors: &FieldErrors) -> WebResult<Response> {
    let chrome = Chrome::new(staff, "/password", "修改密码").await?;
    let body = PasswordPage { chrome: &chrome, errors, min: gongkai_app::auth::MIN_PASSWORD_CHARS }.render()?;
    Ok((status, Html(body)).into_response())
}

/// `GET /password`.
pub async fn page(staff: Staff) -> WebResult<Response> {
    render(&staff, StatusCode::OK, &FieldErrors::default()).await
}

/// `POST /password`: the form again with the problem at its field (nothing changed), or the
/// password changed, every session ended, and a new one for this browser.
pub async fn change(State(state): State<AppState>, staff: Staff, Form(f): Form<PasswordForm>) -> WebResult<Response> {
    staff.check(&f.csrf)?;
    let mut e = FieldErrors::default();
    let Some(login) = staff.rec.principal().user_account().map(|u| u.login.clone()) else {
        return render(&staff, StatusCode::UNPROCESSABLE_ENTITY, &FieldErrors::whole("本机操作员没有密码")).await;
    };
    if f.old.is_empty() {
        e.add("old", "请填写原密码");
    }
    let min = gongkai_app::auth::MIN_PASSWORD_CHARS;
    if f.new.chars().count() < min {
        e.add("new", format!("新密码至少需要 {min} 个字符"));
    } else if f.new.chars().count() > 256 {
        e.add("new", "新密码过长（最多 256 个字符）");
    }
    if f.confirm != f.new {
        e.add("confirm", "两次输入的新密码不一致");
    }
    if !e.is_empty() {
        return render(&staff, StatusCode::UNPROCESSABLE_ENTITY, &e).await;
    }
    match people::change_own_password(&staff.rec, &f.old, &f.new).await {
        Ok(_) => {}
        Err(err) if err.kind() == ErrorKind::Forbidden => {
            e.add("old", err.message());
            return render(&staff, StatusCode::UNPROCESSABLE_ENTITY, &e).await;
        }
        Err(err) if err.kind() == ErrorKind::Invalid => {
            e.add("new", err.message());
            return render(&staff, StatusCode::UNPROCESSABLE_ENTITY, &e).await;
        }
        Err(err) => return Err(err.into()),
    }
    // Every session ended with the change; this browser continues in a new one.
    let (_, s) = state.office.start_session(&login, &f.new).await?;
    let mut r = Redirect::to("/").into_response();
    r.headers_mut().insert(header::SET_COOKIE, cookie(&state, &s.token, MAX_HOURS * 3600)?);
    Ok(r)
}
