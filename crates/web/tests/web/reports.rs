//! The annual report in the browser: list, page, drill-down, narrative with the concurrency
//! guard, lock, publish, correction, downloads; the checker page; county supervision.

use axum::http::StatusCode;

use crate::helpers::*;

const S5: &str = "上年度未发现问题。本年度将继续加强培训，规范答复文书。";

fn page_of(t: &TestWeb) -> String {
    format!("/reports/{}/2025", t.town.id.0)
}

/// Saves the narrative through the page's own form (its version field), expecting a redirect.
async fn save_s5(t: &TestWeb, s: &Session, text: &str) {
    let page = t.get(&page_of(t), Some(s)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let version = hidden(&page.body, "version").unwrap();
    let r = t.post(&format!("{}/draft", page_of(t)), Some(s), &[("csrf", &s.csrf), ("version", &version), ("s5", text)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn the_list_shows_the_reports_one_may_read_with_state_deadline_and_verdict() {
    let t = TestWeb::new().await;
    let reg = t.login("registrar").await;
    let list = t.get("/reports", Some(&reg)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("民主镇人民政府") && !list.body.contains("堰门镇人民政府"), "{}", list.body);
    assert!(list.body.contains("尚未编制"));
    // A township's default deadline: 31 January of the next year.
    assert!(list.body.contains("2026-01-31"), "{}", list.body);
    let r = t.post(&format!("{}/generate", page_of(&t)), Some(&reg), &[("csrf", &reg.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = t.get("/reports", Some(&reg)).await;
    assert!(list.body.contains("草稿"), "{}", list.body);
    // The checker's verdict on the saved draft.
    assert!(list.body.contains("class=\"verdict"), "{}", list.body);
}

#[tokio::test]
async fn every_non_zero_cell_links_to_the_cases_behind_it() {
    let t = TestWeb::new().await;
    let reg = t.login("registrar").await;
    let page = t.get(&page_of(&t), Some(&reg)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let link = format!("{}/drill?cell=t3:new_received:natural_person", page_of(&t));
    assert!(page.body.contains(&link), "{}", page.body);
    // A zero cell is not a link.
    assert!(!page.body.contains("drill?cell=t3:new_received:commercial"));
    let drill = t.get(&link, Some(&reg)).await;
    assert_eq!(drill.status, StatusCode::OK, "{}", drill.body);
    assert!(drill.body.contains(&format!("/cases/{}", t.case_town.id.0)), "{}", drill.body);
    assert!(drill.body.contains("民主-2025-001"));
    assert!(drill.body.contains("共 1 条记录"), "{}", drill.body);
    assert_eq!(t.get(&format!("{link}&page=x"), Some(&reg)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A cell that does not exist is bad input, said in Chinese.
    let bad = t.get(&format!("{}/drill?cell=t9:x", page_of(&t)), Some(&reg)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("无法识别的单元格"), "{}", bad.body);
}

#[tokio::test]
async fn a_stale_draft_save_is_refused_with_409_and_the_text_is_kept() {
    let t = TestWeb::new().await;
    let reg = t.login("registrar").await;
    let head = t.login("head").await;
    // Both open the page before anyone saved.
    let a = t.get(&page_of(&t), Some(&reg)).await;
    let b = t.get(&page_of(&t), Some(&head)).await;
    let (va, vb) = (hidden(&a.body, "version").unwrap(), hidden(&b.body, "version").unwrap());
    assert_eq!(va, vb);
    let r = t.post(&format!("{}/draft", page_of(&t)), Some(&head), &[("csrf", &head.csrf), ("version", &vb), ("s5", "负责人写的第五部分。")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mine = "登记员写的第五部分，不能丢。";
    let r = t.post(&format!("{}/draft", page_of(&t)), Some(&reg), &[("csrf", &reg.csrf), ("version", &va), ("s5", mine)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains(mine), "the user's text is in the form again");
    assert!(r.body.contains("负责人写的第五部分"), "the other version is shown beside it");
    // Nothing was overwritten.
    let page = t.get(&page_of(&t), Some(&head)).await;
    assert!(page.body.contains("负责人写的第五部分") && !page.body.contains(mine));
    // Sending again with the version the conflict page carries saves it.
    let v = hidden(&r.body, "version").unwrap();
    let again = t.post(&format!("{}/draft", page_of(&t)), Some(&reg), &[("csrf", &reg.csrf), ("version", &v), ("s5", mine)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert!(t.get(&page_of(&t), Some(&head)).await.body.contains(mine));
}

#[tokio::test]
async fn a_bad_section_answers_with_the_form_and_the_problem_at_the_field_nothing_saved() {
    let t = TestWeb::new().await;
    let reg = t.login("registrar").await;
    let page = t.get(&page_of(&t), Some(&reg)).await;
    let v = hidden(&page.body, "version").unwrap();
    let long = "长".repeat(20_001);
    for (text, problem) in [(long.as_str(), "内容过长"), ("含有\u{7}响铃", "控制字符")] {
        let r = t.post(&format!("{}/draft", page_of(&t)), Some(&reg), &[("csrf", &reg.csrf), ("version", &v), ("s5", text)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(problem) && r.body.contains("err-s5"), "{}", r.body);
    }
    let list = t.get("/reports", Some(&reg)).await;
    assert!(list.body.contains("尚未编制"), "nothing saved: {}", list.body);
}

#[tokio::test]
async fn section_one_figures_follow_the_records_after_a_draft_save() {
    let t = TestWeb::new().await;
    let reg = t.login("registrar").await;
    save_s5(&t, &reg, S5).await;
    assert!(t.get(&page_of(&t), Some(&reg)).await.body.contains("本年度新收政府信息公开申请1件"));
    // Another application registered after the draft was saved.
    let op = t.office.operator("tester");
    gongkai_app::cases::add(&op, &t.town, new_case("2025-06-10")).await.unwrap();
    let page = t.get(&page_of(&t), Some(&reg)).await;
    assert!(page.body.contains("本年度新收政府信息公开申请2件"), "{}", page.body);
}

#[tokio::test]
async fn lock_publish_and_correct_follow_the_rules_of_the_app() {
    let t = TestWeb::new().await;
    let head = t.login("head").await;
    let leader = t.login("leader").await;
    let base = page_of(&t);
    // Nothing saved yet: locking is refused as a rule of the order (422), not a missing page.
    let r = t.post(&format!("{base}/lock"), Some(&head), &[("csrf", &head.csrf)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不能锁定"), "{}", r.body);
    let r = t.post(&format!("{base}/generate"), Some(&head), &[("csrf", &head.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    save_s5(&t, &head, S5).await;
    let r = t.post(&format!("{base}/lock"), Some(&head), &[("csrf", &head.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Locked: no more draft saves.
    let r = t.post(&format!("{base}/draft"), Some(&head), &[("csrf", &head.csrf), ("version", ""), ("s5", "改")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // The locker may not publish; another leader may.
    let r = t.post(&format!("{base}/publish"), Some(&head), &[("csrf", &head.csrf)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("锁定者不能自己发布"), "{}", r.body);
    let r = t.post(&format!("{base}/publish"), Some(&leader), &[("csrf", &leader.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&base, Some(&head)).await;
    assert!(page.body.contains("已发布") && page.body.contains("保存更正"), "{}", page.body);
    // A record added after publication shows as a difference; the correction needs a reason.
    let op = t.office.operator("tester");
    gongkai_app::cases::add(&op, &t.town, new_case("2025-06-10")).await.unwrap();
    let page = t.get(&base, Some(&head)).await;
    assert!(page.body.contains("锁定后登记记录有变化的单元格"), "{}", page.body);
    let r = t.post(&format!("{base}/correct"), Some(&head), &[("csrf", &head.csrf), ("reason", " "), ("s5", S5)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写更正原因") && r.body.contains("err-reason"), "{}", r.body);
    let r = t.post(&format!("{base}/correct"), Some(&head), &[("csrf", &head.csrf), ("reason", "补登一件漏登的申请"), ("s5", S5)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&base, Some(&head)).await;
    assert!(page.body.contains("补登一件漏登的申请"), "{}", page.body);
    assert!(!page.body.contains("锁定后登记记录有变化的单元格"), "the correction took the records' figures");
    // The leader may publish but not correct.
    let r = t.post(&format!("{base}/correct"), Some(&leader), &[("csrf", &leader.csrf), ("reason", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_report_downloads_in_every_renderer_format() {
    let t = TestWeb::new().await;
    let reg = t.login("reviewer").await;
    for (format, kind, head) in [
        ("txt", "text/plain", "民主镇人民政府"),
        ("md", "text/markdown", "民主镇人民政府"),
        ("html", "text/html", "<!DOCTYPE html"),
        ("docx", "wordprocessingml", "PK"),
        ("xlsx", "spreadsheetml", "PK"),
        ("json", "application/json", "{"),
    ] {
        let r = t.get(&format!("{}/download/{format}", page_of(&t)), Some(&reg)).await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.body);
        let ct = r.headers.get("content-type").unwrap().to_str().unwrap();
        assert!(ct.contains(kind), "{format}: {ct}");
        let cd = r.headers.get("content-disposition").unwrap().to_str().unwrap();
        assert!(cd.starts_with("attachment;") && cd.contains(&format!(".{format}")), "{cd}");
        assert!(r.body.trim_start().starts_with(head) || r.body.contains(head), "{format}: {}", &r.body[..r.body.len().min(200)]);
    }
    let r = t.get(&format!("{}/download/pdf", page_of(&t)), Some(&reg)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_township_and_a_supervisor_are_refused_what_they_may_not_do() {
    let t = TestWeb::new().await;
    let reg = t.login("registrar").await;
    let other = format!("/reports/{}/2025", t.other.id.0);
    // Another township's report: not found, for reading and for every action.
    assert_eq!(t.get(&other, Some(&reg)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&format!("{other}/download/json"), Some(&reg)).await.status, StatusCode::NOT_FOUND);
    for action in ["generate", "draft", "lock", "publish", "correct"] {
        let r = t.post(&format!("{other}/{action}"), Some(&reg), &[("csrf", &reg.csrf), ("s5", "x"), ("reason", "x")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{action}");
    }
    // The county supervisor reads every township's report but changes nothing.
    let sup = t.login("supervisor").await;
    assert_eq!(t.get(&other, Some(&sup)).await.status, StatusCode::OK);
    for action in ["generate", "draft", "lock", "publish", "correct"] {
        let r = t.post(&format!("{}/{action}", page_of(&t)), Some(&sup), &[("csrf", &sup.csrf), ("s5", "x"), ("reason", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}: {}", r.body);
    }
    assert!(t.get("/reports", Some(&reg)).await.body.contains("民主镇"));
    // Nothing was saved by any of it.
    assert!(t.get("/reports", Some(&sup)).await.body.matches("尚未编制").count() >= 3);
}

#[tokio::test]
async fn the_checker_reads_uploads_and_shows_the_findings_against_the_reports_text() {
    let t = TestWeb::new().await;
    let user = t.login("reviewer").await;
    let form = t.get("/checker", Some(&user)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("multipart/form-data"));
    // A report as another agency published it: generated here, downloaded as text and HTML.
    let reg = t.login("registrar").await;
    let txt = t.get(&format!("{}/download/txt", page_of(&t)), Some(&reg)).await.body;
    let html = t.get(&format!("{}/download/html", page_of(&t)), Some(&reg)).await.body;
    let r = t
        .post_multipart(
            "/checker",
            &user,
            &[
                ("csrf", None, user.csrf.as_bytes()),
                ("report", Some("民主镇2025.txt"), txt.as_bytes()),
                ("report", Some("民主镇2025.html"), html.as_bytes()),
                ("report", Some("照片.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
                ("report", Some("空白.txt"), b"   "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("民主镇2025.txt") && r.body.contains("民主镇2025.html"));
    // The report's own text, with the finding about section 五's placeholder beside it.
    assert!(r.body.contains("待填写"), "{}", r.body);
    assert!(r.body.contains("<ul class=\"findings\">") && r.body.contains("BLANK_CELL"), "{}", r.body);
    // The unreadable ones, each with its reason in Chinese.
    assert!(r.body.contains("照片.png") && r.body.contains("图片"), "{}", r.body);
    assert!(r.body.contains("文件为空"), "{}", r.body);
    // Only unreadable uploads: 422 with the reason.
    let r = t.post_multipart("/checker", &user, &[("csrf", None, user.csrf.as_bytes()), ("report", Some("x.txt"), "这是一段随便的文字，不是年度报告。".as_bytes())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未识别出政府信息公开工作年度报告"), "{}", r.body);
    // Without the token first: refused before anything is read.
    let r = t.post_multipart("/checker", &user, &[("report", Some("x.txt"), txt.as_bytes())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.post_multipart("/checker", &user, &[("csrf", None, b"0000"), ("report", Some("x.txt"), txt.as_bytes())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // No file chosen.
    let r = t.post_multipart("/checker", &user, &[("csrf", None, user.csrf.as_bytes()), ("report", Some(""), b"")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择要检查的报告文件"));
}

#[tokio::test]
async fn the_supervisor_sees_every_agency_below_and_downloads_the_aggregate() {
    let t = TestWeb::new().await;
    let sup = t.login("supervisor").await;
    let r = t.get("/supervision", Some(&sup)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get("location").unwrap(), "/supervision/2025");
    let page = t.get("/supervision/2025", Some(&sup)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for name in ["岚皋县人民政府办公室", "民主镇人民政府", "堰门镇人民政府"] {
        assert!(page.body.contains(name), "{name}");
    }
    assert!(page.body.contains("还没有已报送的报告可以汇总"));
    // Nothing collected: no aggregate to download (422, said why).
    let r = t.get("/supervision/2025/download/json", Some(&sup)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // 民主镇 locks its report: collected, summed, downloadable.
    let head = t.login("head").await;
    save_s5(&t, &head, S5).await;
    let r = t.post(&format!("{}/lock", page_of(&t)), Some(&head), &[("csrf", &head.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get("/supervision/2025", Some(&sup)).await;
    assert!(page.body.contains("汇总已报送的 1 份报告"), "{}", page.body);
    assert!(page.body.contains("已锁定"));
    let r = t.get("/supervision/2025/download/json", Some(&sup)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("岚皋县人民政府办公室（汇总）"), "{}", &r.body[..r.body.len().min(300)]);
    // The 汇总 in every renderer format.
    for (format, kind, head) in [
        ("txt", "text/plain", "汇总"),
        ("md", "text/markdown", "汇总"),
        ("html", "text/html", "<!DOCTYPE html"),
        ("docx", "wordprocessingml", "PK"),
        ("xlsx", "spreadsheetml", "PK"),
        ("json", "application/json", "{"),
    ] {
        let r = t.get(&format!("/supervision/2025/download/{format}"), Some(&sup)).await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.body);
        let ct = r.headers.get("content-type").unwrap().to_str().unwrap();
        assert!(ct.contains(kind), "{format}: {ct}");
        let cd = r.headers.get("content-disposition").unwrap().to_str().unwrap();
        assert!(cd.starts_with("attachment;") && cd.contains(&format!(".{format}")), "{cd}");
        assert!(r.body.contains(head), "{format}: {}", &r.body[..r.body.len().min(200)]);
    }
    assert_eq!(t.get("/supervision/2025/download/pdf", Some(&sup)).await.status, StatusCode::NOT_FOUND);
    // Nobody else has the right: a township's head, an administrator.
    for login in ["head", "admin"] {
        let s = t.login(login).await;
        assert_eq!(t.get("/supervision/2025", Some(&s)).await.status, StatusCode::FORBIDDEN, "{login}");
    }
    assert_eq!(t.get("/supervision/1900", Some(&sup)).await.status, StatusCode::NOT_FOUND);
    let _ = &t.county;
}

/// The page compares the year with last year's report as published (not recomputed): a case of
/// last year registered after its publication shows as a carry-over that does not match.
#[tokio::test]
async fn the_report_page_compares_with_last_years_published_report() {
    let t = TestWeb::new().await;
    let (reg, head, leader) = (t.login("registrar").await, t.login("head").await, t.login("leader").await);
    let op = t.office.operator("tester");
    gongkai_app::cases::add(&op, &t.town, new_case("2024-12-20")).await.unwrap();
    let last = format!("/reports/{}/2024", t.town.id.0);
    let r = t.post(&format!("{last}/generate"), Some(&reg), &[("csrf", &reg.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let version = hidden(&t.get(&last, Some(&reg)).await.body, "version").unwrap();
    let r = t.post(&format!("{last}/draft"), Some(&reg), &[("csrf", &reg.csrf), ("version", &version), ("s5", S5)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.post(&format!("{last}/lock"), Some(&head), &[("csrf", &head.csrf)]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(t.post(&format!("{last}/publish"), Some(&leader), &[("csrf", &leader.csrf)]).await.status, StatusCode::SEE_OTHER);
    // As published: one application carried into 2025, matching 2025's records.
    let page = t.get(&page_of(&t), Some(&reg)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("与上年比较") && page.body.contains("有变化的项目"), "{}", page.body);
    let section = &page.body[page.body.find("与上年比较").unwrap()..];
    assert!(section.contains("<span class=\"verdict good\">一致</span>"), "{section}");
    // A 2024 application registered late: 2025's records carry two over, the published 2024
    // report one. The comparison says so instead of recomputing last year.
    gongkai_app::cases::add(&op, &t.town, new_case("2024-11-04")).await.unwrap();
    let page = t.get(&page_of(&t), Some(&reg)).await;
    let section = &page.body[page.body.find("与上年比较").unwrap()..];
    assert!(section.contains("<span class=\"verdict bad\">不一致</span>"), "{section}");
    assert!(section.contains("<td>1</td><td>2</td>"), "{section}");
}
