//! The console's stories in a real browser: headless Chromium driven through WebDriver
//! (`webdriver.rs`), against the console served on a loopback port, on SQLite and on PostgreSQL.
//! Skipped with a message where Chromium is absent; `.ci/run` installs it and sets
//! `GONGKAI_REQUIRE_CHROMIUM`, and then a missing browser fails. Screenshots of the key pages,
//! at desktop width and at 390 px, are kept under `target/browser/` as test artefacts.

use std::path::PathBuf;

use crate::helpers::{Db, PASSWORD, TestWeb};
use crate::webdriver::{Driver, browsers};

/// Where the screenshots go: `target/browser/<backend>/`.
fn shots(db: Db) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("browser").join(match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    })
}

/// Screenshots of the page at desktop width and at phone width (390 px), and at phone width
/// nothing may be wider than the screen (no sideways scrolling of the whole page).
fn capture(d: &Driver, db: Db, name: &str) {
    let dir = shots(db);
    d.resize(1280, 900);
    d.screenshot(&dir.join(format!("{name}-desktop.png")));
    d.resize(390, 844);
    d.screenshot(&dir.join(format!("{name}-phone.png")));
    let overflow = d.script(
        "const w = document.documentElement.clientWidth; \
         const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 \
           && !e.closest('.scroll')).map(e => e.tagName + '.' + e.className).slice(0, 5); \
         return [document.documentElement.scrollWidth - w, wide.join(' ')];",
    );
    assert!(overflow[0].as_i64().unwrap_or(0) <= 1, "{name}: the page is wider than a 390 px screen: {overflow}");
    d.resize(1280, 900);
}

fn login(d: &Driver, base: &str, login: &str) {
    d.clear_cookies();
    d.goto(&format!("{base}/login"));
    d.fill("input[name=login]", login);
    d.fill("input[name=password]", PASSWORD);
    d.click_on("form button[type=submit]");
    d.find("header.top .who");
    assert!(!d.url().ends_with("/login"), "{login} did not get in: {}", d.text());
}

fn story(db: Db) {
    let Some(browsers) = browsers("story") else { return };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let Some(web) = rt.block_on(TestWeb::on(db, "browser story")) else { return };
    let base = rt.block_on(web.serve());
    let d = Driver::start(&browsers);
    let town_case = format!("/cases/{}", web.case_town.id.0);
    let other_case = format!("/cases/{}", web.case_other.id.0);

    // A wrong password: the form again, with the reason, and no way in.
    d.goto(&format!("{base}/login"));
    d.fill("input[name=login]", "registrar");
    d.fill("input[name=password]", "wrong-password");
    d.click_on("form button[type=submit]");
    let refused = d.text_of(&d.find("p.error"));
    assert!(refused.contains("登录名或密码错误"), "{refused}");
    capture(&d, db, "login-refused");

    // The registrar of 民主镇: the desk, the case list, a case page with its clock card.
    login(&d, &base, "registrar");
    assert!(d.text().contains("工作台"), "{}", d.text());
    capture(&d, db, "desk");
    d.click_on("nav.nav a[href='/cases']");
    let list = d.text();
    assert!(list.contains("民主-2025-001"), "{list}");
    assert!(!list.contains("堰门-2025-001"), "another township's case is listed: {list}");
    capture(&d, db, "cases");
    d.click_on(&format!("a[href='{town_case}']"));
    d.find("section.clock");
    let page = d.text();
    assert!(page.contains("村道修建资金的使用情况") && page.contains("期限"), "{page}");
    capture(&d, db, "case");

    // Another township's case: not found, the same as a case that does not exist (no id oracle).
    d.goto(&format!("{base}{other_case}"));
    let refused = d.text();
    d.goto(&format!("{base}/cases/999999"));
    let missing = d.text().replace("999999", "N");
    let other_id = web.case_other.id.0.to_string();
    assert_eq!(refused.replace(&other_id, "N"), missing, "another agency's case must answer like a missing one");
    assert!(missing.starts_with("404"), "{missing}");
    assert!(!refused.contains("堰门-2025-001"), "{refused}");

    // Logout ends the session: the desk asks for a login again.
    d.goto(&format!("{base}/"));
    d.click_on("form[action='/logout'] button");
    d.find("input[name=password]");
    d.goto(&format!("{base}/"));
    assert!(d.url().contains("/login"), "after logout: {}", d.url());

    // The clerk of 堰门镇 sees their own case and not 民主镇's.
    login(&d, &base, "yanmen");
    d.goto(&format!("{base}/cases"));
    assert!(d.text().contains("堰门-2025-001") && !d.text().contains("民主-2025-001"), "{}", d.text());
    d.goto(&format!("{base}{town_case}"));
    assert!(!d.text().contains("村道修建资金"), "{}", d.text());

    // The county supervisor reads 民主镇's case, and is offered no action on it.
    login(&d, &base, "supervisor");
    d.goto(&format!("{base}{town_case}"));
    d.find("section.clock");
    assert!(!d.has("main form[method=post]"), "the supervisor is offered a change: {}", d.source());
    capture(&d, db, "case-supervisor");

    drop(d);
    rt.block_on(web.finish());
}

#[test]
fn the_story_in_chromium_on_sqlite() {
    story(Db::Sqlite);
}

#[test]
fn the_story_in_chromium_on_postgres() {
    story(Db::Postgres);
}
