//! 系统管理: users (create, disable, roles, password reset), agencies (level checks), agency
//! settings; bad input at its field, nothing saved; only administrators.

use axum::http::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn an_administrator_creates_a_user_grants_a_role_resets_and_disables() {
    let t = TestWeb::new().await;
    let s = t.login("admin").await;
    let r = t.get("/admin", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("registrar") && r.body.contains("民主镇人民政府：登记员"), "{}", r.body);
    // Bad input.
    let bad: &[(&[(&str, &str)], &str)] = &[
        (&[("u_login", ""), ("u_name", "王五"), ("u_password", "long-enough-1")], "请填写登录名"),
        (&[("u_login", "wang wu"), ("u_name", "王五"), ("u_password", "long-enough-1")], "登录名不能含空格"),
        (&[("u_login", "wangwu"), ("u_name", "王五"), ("u_password", "short")], "密码至少需要 8 个字符"),
        (&[("u_login", "officer"), ("u_name", "王五"), ("u_password", "long-enough-1")], "登录名“officer”已被使用"),
    ];
    for (fields, message) in bad {
        let mut form = vec![("csrf", s.csrf.as_str())];
        form.extend_from_slice(fields);
        let r = t.post("/admin/users", Some(&s), &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(r.body.contains("field-error") && r.body.contains(message), "{message}: {}", r.body);
    }
    assert!(!t.office.user_exists("wangwu").await.unwrap());
    let r = t.post("/admin/users", Some(&s), &[("csrf", &s.csrf), ("u_login", "wangwu"), ("u_name", "王五"), ("u_password", "long-enough-1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let town = t.town.id.to_string();
    let r = t.post("/admin/users/roles", Some(&s), &[("csrf", &s.csrf), ("op", "grant"), ("g_login", "wangwu"), ("g_agency", &town), ("g_role", "wizard")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择角色"), "{}", r.body);
    let r = t.post("/admin/users/roles", Some(&s), &[("csrf", &s.csrf), ("op", "grant"), ("g_login", "nobody"), ("g_agency", &town), ("g_role", "case_officer")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未找到用户"), "{}", r.body);
    let r = t.post("/admin/users/roles", Some(&s), &[("csrf", &s.csrf), ("op", "grant"), ("g_login", "wangwu"), ("g_agency", &town), ("g_role", "case_officer")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let w = t.office.login("wangwu", "long-enough-1").await.unwrap();
    assert!(w.can(gongkai_app::auth::Right::Handle, &t.town).await.unwrap());
    // Reset the password: the user's sessions end.
    let ws = t.login_with("wangwu", "long-enough-1").await;
    let r = t.post("/admin/users/password", Some(&s), &[("csrf", &s.csrf), ("p_login", "wangwu"), ("p_password", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.post("/admin/users/password", Some(&s), &[("csrf", &s.csrf), ("p_login", "wangwu"), ("p_password", "another-one-2")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.get("/", Some(&ws)).await.status, StatusCode::SEE_OTHER);
    assert!(t.office.login("wangwu", "another-one-2").await.is_ok());
    // Revoke, then disable.
    let r = t.post("/admin/users/roles", Some(&s), &[("csrf", &s.csrf), ("op", "revoke"), ("g_login", "wangwu"), ("g_agency", &town), ("g_role", "registrar")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("没有登记员角色"), "{}", r.body);
    let r = t.post("/admin/users/roles", Some(&s), &[("csrf", &s.csrf), ("op", "revoke"), ("g_login", "wangwu"), ("g_agency", &town), ("g_role", "case_officer")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = t.post("/admin/users/disable", Some(&s), &[("csrf", &s.csrf), ("s_login", "wangwu"), ("disabled", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.office.login("wangwu", "another-one-2").await.is_err());
    // An administrator does not disable themself.
    let r = t.post("/admin/users/disable", Some(&s), &[("csrf", &s.csrf), ("s_login", "admin"), ("disabled", "1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能停用自己的账户"), "{}", r.body);
    // Not an administrator: refused.
    let head = t.login("head").await;
    assert_eq!(t.get("/admin", Some(&head)).await.status, StatusCode::FORBIDDEN);
    let r = t.post("/admin/users", Some(&head), &[("csrf", &head.csrf), ("u_login", "x1"), ("u_name", "x"), ("u_password", "long-enough-1")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!t.office.user_exists("x1").await.unwrap());
}

#[tokio::test]
async fn agencies_are_added_under_a_parent_of_a_fitting_level_and_their_settings_saved() {
    let t = TestWeb::new().await;
    let s = t.login("admin").await;
    let county = t.county.id.to_string();
    let town = t.town.id.to_string();
    let n = || async { t.office.operator("tester").agencies().await.unwrap().len() };
    let before = n().await;
    // A township below a township: the level does not fit.
    let r = t
        .post("/admin/agencies", Some(&s), &[("csrf", &s.csrf), ("ag_name", "某村"), ("ag_level", "township"), ("ag_parent", &town), ("ag_admin", "admin")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能设在"), "{}", r.body);
    // A new administrator without a password.
    let r = t
        .post("/admin/agencies", Some(&s), &[("csrf", &s.csrf), ("ag_name", "岚皋县民政局"), ("ag_level", "department"), ("ag_parent", &county), ("ag_admin", "mzj-admin")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("初始密码"), "{}", r.body);
    assert_eq!(n().await, before);
    let r = t
        .post("/admin/agencies", Some(&s), &[("csrf", &s.csrf), ("ag_name", "岚皋县民政局"), ("ag_level", "department"), ("ag_parent", &county), ("ag_admin", "mzj-admin"), ("ag_password", "long-enough-1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(n().await, before + 1);
    // The same name again: at its field.
    let r = t
        .post("/admin/agencies", Some(&s), &[("csrf", &s.csrf), ("ag_name", "岚皋县民政局"), ("ag_level", "department"), ("ag_parent", &county), ("ag_admin", "admin")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已存在"), "{}", r.body);

    // Settings of 民主镇.
    let path = format!("/admin/agencies/{town}");
    assert_eq!(t.get(&path, Some(&s)).await.status, StatusCode::OK);
    let good = [("name", "民主镇人民政府"), ("address", "岚皋县民主镇政府街 1 号"), ("phone", "0915-2512345"), ("office_hours", "工作日 8:30-12:00，14:30-17:30"), ("region", ""), ("document_prefix", "民政信公开")];
    for (field, value, message) in [
        ("name", "", "请填写机关名称"),
        ("phone", "call me", "联系电话只能含数字"),
        ("document_prefix", "民政〔2025〕", "年份和序号由系统生成"),
        ("region", "no-such-region", "地区"),
        ("name", "堰门镇人民政府", "已存在"),
    ] {
        let mut form: Vec<(&str, &str)> = vec![("csrf", &s.csrf)];
        form.extend(good.iter().map(|(k, v)| if *k == field { (*k, value) } else { (*k, *v) }));
        let r = t.post(&path, Some(&s), &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        assert!(r.body.contains("field-error") && r.body.contains(message), "{field}: {}", r.body);
    }
    let op = t.office.operator("tester");
    assert_eq!(op.agency_by_id(t.town.id).await.unwrap().settings.phone, "");
    let mut form: Vec<(&str, &str)> = vec![("csrf", &s.csrf)];
    form.extend(good.iter().copied());
    let r = t.post(&path, Some(&s), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = op.agency_by_id(t.town.id).await.unwrap();
    assert_eq!((a.settings.phone.as_str(), a.settings.document_prefix.as_str()), ("0915-2512345", "民政信公开"));
    assert_eq!(a.settings.office_hours, "工作日 8:30-12:00，14:30-17:30");
    // The page links to the agency's letter templates; the next letter is numbered with the prefix
    // (its sequence goes on: the fixture's letter was 信息公开〔2025〕1号).
    let page = t.get(&path, Some(&s)).await;
    assert!(page.body.contains(&format!("href=\"/agencies/{town}/letters\"")), "{}", page.body);
    assert!(page.body.contains("value=\"民政信公开\""), "{}", page.body);
    let officer = t.login("officer").await;
    let case = format!("/cases/{}", t.case_town.id.0);
    let seen = hidden(&t.get(&case, Some(&officer)).await.body, "seen").unwrap();
    let r = t
        .post(&format!("{case}/correction"), Some(&officer), &[("csrf", &officer.csrf), ("seen", &seen), ("on", "2025-06-04"), ("items", "写明文号"), ("correct_by", "2025-06-20")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(t.get(&case, Some(&officer)).await.body.contains("民政信公开〔2025〕2号"));
    // Another township's administrator-less head cannot open it.
    let head = t.login("head").await;
    assert_eq!(t.get(&path, Some(&head)).await.status, StatusCode::FORBIDDEN);
}
