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

    // --- A letter application from intake to the reply letter. ---
    login(&d, &base, "registrar");
    d.goto(&format!("{base}/intake"));
    d.set_value("select[name=agency]", &web.town.id.0.to_string());
    d.set_value("select[name=channel]", "registered_post");
    d.set_value("input[name=received_on]", "2025-06-23");
    d.fill("input[name=name]", "李明");
    d.fill("input[name=contact]", "13800000000");
    d.fill("textarea[name=content]", "2024年度本镇农村公路养护资金的分配和使用情况");
    d.click_on("button[name=step][value=preview]");
    d.find("button[name=step][value=save]");
    capture(&d, db, "intake-preview");
    d.click_on("button[name=step][value=save]");
    d.find(".receipt");
    let receipt = d.text();
    assert!(d.url().contains("/receipts/"), "{}", d.url());
    assert!(receipt.contains("查询码") && receipt.contains("李明"), "{receipt}");
    let id: i64 = d.url().rsplit('/').next().unwrap().parse().unwrap();
    let case = format!("{base}/cases/{id}");
    capture(&d, db, "receipt");

    // The officer sends a 补正 notice, records the correction, and asks for an extension.
    login(&d, &base, "officer");
    d.goto(&case);
    d.click_on("#form-correction summary");
    d.fill("#form-correction textarea[name=items]", "请写明所需信息的具体年份和村名");
    d.set_value("#form-correction input[name=on]", "2025-06-24");
    d.set_value("#form-correction input[name=correct_by]", "2025-07-10");
    d.click_on("#form-correction button[type=submit]");
    // The notice is issued with its numbered letter, ready to print.
    d.find("main .letter, main section.clock");
    d.goto(&case);
    assert!(d.text().contains("补正告知书"), "{}", d.text());
    let letter = d.attr_of("a[href^='/letters/']:not([href$='/docx']), a[href*='/letters/']:not([href$='/docx'])", "href");
    d.goto(&letter);
    d.find(".letter");
    assert!(d.text().contains("〔2025〕") && d.text().contains("补正"), "{}", d.text());
    capture(&d, db, "letter");
    d.goto(&case);
    d.click_on("#form-event summary");
    d.set_value("#form-event select[name=kind]", "correction_received");
    d.set_value("#form-event input[name=on]", "2025-06-27");
    d.click_on("#form-event button[type=submit]");
    d.find("section.clock");
    assert!(d.text().contains("收到补正"), "{}", d.text());
    d.click_on("#form-extension summary");
    d.fill("#form-extension textarea[name=reason]", "需调取各村养护台账，工作量大");
    d.set_value("#form-extension input[name=on]", "2025-06-30");
    d.click_on("#form-extension button[type=submit]");
    d.find("section.clock");
    // The officer cannot approve their own request: no approval form for them.
    assert!(!d.has("form[action$='/extension/decide']"), "the officer is offered the approval");
    capture(&d, db, "case-actions");

    // The office head approves it.
    login(&d, &base, "head");
    d.goto(&case);
    d.click_on("form[action$='/extension/decide'] input[value=approve]");
    d.click_on("form[action$='/extension/decide'] button[type=submit]");
    d.find("main .letter, main section.clock");
    d.goto(&case);
    assert!(d.text().contains("延期答复告知书"), "{}", d.text());

    // The officer answers through the outcome guide and downloads the letter as DOCX.
    login(&d, &base, "officer");
    d.goto(&format!("{case}/reply"));
    // Each step: the first answer offered (the request is clear, it is government information,
    // held by this agency, may be disclosed…), until the guide shows the reply to record.
    for step in 0.. {
        assert!(step < 12, "the guide did not end: {}", d.text());
        d.find("input[name=answer][type=radio], input[name=record]");
        if !d.has("input[name=answer][type=radio]") {
            break;
        }
        let before = d.source();
        d.click_on("input[name=answer][type=radio]");
        d.click_on("form[action$='/reply'] button[type=submit]");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while d.source() == before && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    capture(&d, db, "reply-guide");
    d.click_on("input[name=record] ~ button[type=submit]");
    d.find("main .letter, main section.clock");
    d.goto(&case);
    let answered = d.text();
    assert!(answered.contains("已办结") || answered.contains("已答复"), "{answered}");
    // The reply letter's number is the case's 告知书文号.
    assert!(answered.contains("告知书文号") && answered.contains("信息公开〔2025〕"), "{answered}");
    let docx = d.attr_of("a[href$='/docx']", "href");
    let (status, mime, len) = d.download(&docx);
    assert_eq!(status, 200, "{docx}");
    assert!(mime.contains("wordprocessingml") && len > 1000, "{mime} {len}");

    // --- The annual report: generated, drilled into, locked by the clerk, published by a leader. ---
    let report = format!("{base}/reports/{}/2025", web.town.id.0);
    login(&d, &base, "registrar");
    d.goto(&report);
    d.click_on("form[action$='/generate'] button");
    d.find("form[action$='/draft']");
    d.fill("textarea[name=s5]", "一是答复文书的规范性有待提高。二是将加强培训，严格按期限答复。");
    d.click_on("form[action$='/draft'] button[type=submit]");
    // Saved: the placeholder's error finding is gone from the page.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while d.text().contains("PLACEHOLDER_TEXT") {
        assert!(std::time::Instant::now() < deadline, "section 五 still a placeholder after saving: {}", d.text());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    d.find("form[action$='/lock']");
    capture(&d, db, "report");
    let drill = d.attr_of("table a[href*='/drill']", "href");
    d.goto(&drill);
    assert!(d.text().contains("民主-2025-001") || d.has("a[href^='/cases/']"), "{}", d.text());
    d.goto(&report);
    d.click_on("form[action$='/lock'] button");
    d.find("main");
    assert!(d.text().contains("已锁定"), "{}", d.text());
    login(&d, &base, "leader");
    d.goto(&report);
    d.click_on("form[action$='/publish'] button");
    d.find("main");
    assert!(d.text().contains("已发布"), "{}", d.text());

    // The county supervisor sees it among the agencies and can change nothing.
    login(&d, &base, "supervisor");
    d.goto(&format!("{base}/supervision/2025"));
    assert!(d.text().contains("民主镇人民政府"), "{}", d.text());
    capture(&d, db, "supervision");
    d.goto(&report);
    assert!(!d.has("main form[method=post]"), "the supervisor is offered a change to the report");
    d.goto(&format!("{base}{town_case}"));
    d.find("section.clock");
    assert!(!d.has("main form[method=post]"), "the supervisor is offered a change: {}", d.source());
    capture(&d, db, "case-supervisor");

    // The clerk of another township: 民主镇's report and case are closed to them.
    login(&d, &base, "yanmen");
    d.goto(&report);
    assert!(d.text().starts_with("404") || d.text().starts_with("403"), "{}", d.text());

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
