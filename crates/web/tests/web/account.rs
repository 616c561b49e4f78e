//! 修改密码: bad input at its field with nothing changed; a change ends every other session and
//! keeps this browser logged in.

use axum::http::{StatusCode, header};

use crate::helpers::*;

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions_and_keeps_this_one() {
    let t = TestWeb::new().await;
    let here = t.login("officer").await;
    let elsewhere = t.login("officer").await;
    assert_eq!(t.get("/password", Some(&here)).await.status, StatusCode::OK);
    let bad: &[(&str, &str, &str, &str)] = &[
        ("", "new-password-1", "new-password-1", "请填写原密码"),
        (PASSWORD, "short", "short", "新密码至少需要 8 个字符"),
        (PASSWORD, "new-password-1", "new-password-2", "两次输入的新密码不一致"),
        ("wrong-password", "new-password-1", "new-password-1", "原密码不正确"),
        (PASSWORD, PASSWORD, PASSWORD, "新密码不能与原密码相同"),
    ];
    for (old, new, confirm, message) in bad {
        let r = t.post("/password", Some(&here), &[("csrf", &here.csrf), ("old", old), ("new", new), ("confirm", confirm)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}: {}", r.body);
        assert!(r.body.contains("field-error") && r.body.contains(message), "{message}: {}", r.body);
        assert!(!r.body.contains(&format!("value=\"{new}\"")), "a password is never echoed");
    }
    // Nothing changed: the old password still logs in, the other session still works.
    assert!(t.office.login("officer", PASSWORD).await.is_ok());
    assert_eq!(t.get("/", Some(&elsewhere)).await.status, StatusCode::OK);

    let r = t
        .post("/password", Some(&here), &[("csrf", &here.csrf), ("old", PASSWORD), ("new", "new-password-1"), ("confirm", "new-password-1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    // The other browser is logged out; so is the old cookie of this one; the new cookie works.
    assert_eq!(t.get("/", Some(&elsewhere)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(t.get("/", Some(&here)).await.status, StatusCode::SEE_OTHER);
    let renewed = Session { cookie, csrf: String::new() };
    assert_eq!(t.get("/", Some(&renewed)).await.status, StatusCode::OK);
    assert!(t.office.login("officer", PASSWORD).await.is_err());
    assert!(t.office.login("officer", "new-password-1").await.is_ok());
}
