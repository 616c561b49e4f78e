//! Issue 7 items 1, 2, 5 and 11: who may act, on what; the rights table tested as one table.

use gongkai_app::annual;
use gongkai_app::auth::{RIGHTS, Right, role_has};
use gongkai_app::cases::{self, EventInput};
use gongkai_app::error::ErrorKind;
use gongkai_app::model::{ApplicationId, DocumentKind, EventKind, Role};
use gongkai_app::office::{Office, OpenMode};
use gongkai_app::people;
use gongkai_app::records::Records;
use gongkai_app::registers;
use gongkai_app::transfer;

use crate::helpers::*;

#[tokio::test]
async fn an_unknown_login_and_a_wrong_password_answer_alike() {
    let t = TestOffice::new("2025-03-03").await;
    t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let unknown = t.office.login("nobody", PASSWORD).await.unwrap_err();
    let wrong = t.office.login("wang", "not-the-password").await.unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::Unauthenticated);
    assert_eq!(unknown.message(), wrong.message());
    let blank = t.office.login("  ", PASSWORD).await.unwrap_err();
    assert!(blank.message().contains("登录名为空"), "{blank}");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_the_audit_log_says_so() {
    let t = TestOffice::new("2025-03-03").await;
    t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    for _ in 0..4 {
        assert!(t.office.login("wang", "wrong-password").await.unwrap_err().message().contains("错误"));
    }
    let locked = t.office.login("wang", "wrong-password").await.unwrap_err();
    assert!(locked.message().contains("已锁定"), "{locked}");
    // Even the right password waits for the lock to pass.
    let still = t.office.login("wang", PASSWORD).await.unwrap_err();
    assert!(still.message().contains("已锁定"), "{still}");
    let log = transfer::audit_entries(&t.operator(), 0, 1000).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "login_failed").count(), 4);
    assert!(log.iter().any(|e| e.action == "lock" && e.actor == "login:wang"));
    // An administrator resets the password: the lock is cleared.
    people::reset_password(&t.operator(), "wang", "a-new-password-1").await.unwrap();
    t.office.login("wang", "a-new-password-1").await.unwrap();
}

#[tokio::test]
async fn a_disabled_user_can_no_longer_log_in() {
    let t = TestOffice::new("2025-03-03").await;
    t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    people::set_disabled(&t.operator(), "wang", true).await.unwrap();
    let err = t.office.login("wang", PASSWORD).await.unwrap_err();
    assert!(err.message().contains("已停用"), "{err}");
    people::set_disabled(&t.operator(), "wang", false).await.unwrap();
    t.office.login("wang", PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_user_changes_their_own_password_with_the_old_one() {
    let t = TestOffice::new("2025-03-03").await;
    let wang = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let err = people::change_own_password(&wang, "wrong", "another-pass-1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    people::change_own_password(&wang, PASSWORD, "another-pass-1").await.unwrap();
    t.office.login("wang", "another-pass-1").await.unwrap();
    // Only an administrator resets someone else's.
    let err = people::reset_password(&wang, "admin", "hijacked-pass").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

/// The table in docs/STORAGE.md is the table the code checks (generated from `RIGHTS`).
#[test]
fn the_documented_rights_table_is_the_one_in_force() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/STORAGE.md")).unwrap();
    let table = gongkai_app::auth::rights_table_markdown();
    assert!(docs.contains(&table), "docs/STORAGE.md must contain the rights table:\n{table}");
}

/// The rights table spelled out, role by role: what each role may do at its own agency.
#[test]
fn the_rights_table_says_who_may_do_what() {
    use Right::*;
    let expected: [(Role, &[Right]); 7] = [
        (Role::Registrar, &[Read, Register, EditRegister, EditReport, LockReport]),
        (Role::CaseOfficer, &[Read, Register, Handle, Correct, EditRegister]),
        (
            Role::OfficeHead,
            &[Read, Register, Handle, Assign, ApproveExtension, Correct, Void, EditRegister, EditReport, LockReport, PublishReport, ReadAudit],
        ),
        (Role::Reviewer(1), &[Read]),
        (Role::Leader, &[Read, PublishReport]),
        (Role::CountySupervisor, &[Read, ReadAudit, Supervise]),
        (Role::Administrator, &[Read, Administer, ReadAudit]),
    ];
    for (role, rights) in expected {
        for right in Right::ALL {
            assert_eq!(role_has(role, right), rights.contains(&right), "{role:?} {right:?}");
        }
    }
    assert_eq!(RIGHTS.len(), 7);
}

/// What one action needs, and the action itself on the township's records.
async fn attempt(t: &TestOffice, rec: &Records, right: Right) -> Result<(), ErrorKind> {
    let op = t.operator();
    let fresh = add_case(&op, &t.town, "2025-03-03", Some("officer")).await;
    let r = match right {
        Right::Read => cases::find(rec, &fresh.number, Some("民主镇人民政府")).await.map(drop),
        Right::Register => cases::add(rec, &t.town, new_case("2025-03-03", None)).await.map(drop),
        Right::Handle => cases::record_event(rec, &fresh, EventInput::new(EventKind::CorrectionRequested, d("2025-03-04")), None)
            .await
            .map(drop),
        Right::Assign => cases::assign(rec, &fresh, Some("officer")).await.map(drop),
        Right::ApproveExtension => {
            let officer = t.login("officer").await;
            let req = cases::request_extension(&officer, &fresh, 10, "需要调取档案", d("2025-03-20")).await.unwrap();
            cases::decide_extension(rec, req.id, true, d("2025-03-21")).await.map(drop)
        }
        Right::Correct => {
            let mut f = gongkai_app::model::CaseFields::of(&fresh);
            f.content = "更正后的内容".into();
            cases::correct_fields(rec, &fresh, f, "登记时录入有误", None).await.map(drop)
        }
        Right::Void => cases::void(rec, &fresh, "重复登记").await.map(drop),
        Right::EditRegister => registers::add_document(
            rec,
            &t.town,
            DocumentKind::NormativeDocument,
            &format!("民政发〔2025〕{}号", fresh.id),
            "关于某事的通知",
            d("2025-03-01"),
        )
        .await
        .map(drop),
        Right::EditReport => {
            let g = annual::generate(rec, &t.town, 2025, None, false).await;
            match g {
                Ok(g) => annual::save_draft(rec, &t.town, 2025, &g.report).await,
                Err(e) => Err(e),
            }
        }
        Right::LockReport => annual::lock(rec, &t.town, 2025).await,
        Right::PublishReport => annual::publish(rec, &t.town, 2025).await,
        Right::Administer => people::grant(rec, "officer", &t.town, Role::Registrar).await.map(drop),
        Right::ReadAudit => transfer::audit_entries(rec, 0, 10).await.map(drop),
        Right::Supervise => gongkai_app::reports::supervision(rec, 2025).await.map(drop),
    };
    r.map_err(|e| e.kind())
}

/// Every role × every right, acted out on the township: allowed exactly where the table says
/// (an allowed action may still fail for another reason — never as forbidden or not found).
#[tokio::test]
async fn every_role_may_do_at_its_agency_exactly_what_the_table_says() {
    let t = TestOffice::new("2025-06-30").await;
    t.user("officer", &t.town, &[Role::CaseOfficer]).await;
    t.user("head", &t.town, &[Role::OfficeHead]).await;
    let roles = [
        Role::Registrar,
        Role::CaseOfficer,
        Role::OfficeHead,
        Role::Reviewer(1),
        Role::Leader,
        Role::CountySupervisor,
        Role::Administrator,
    ];
    for role in roles {
        let login = format!("u_{}", role.code());
        let rec = t.user(&login, &t.town, &[role]).await;
        for right in Right::ALL {
            let outcome = attempt(&t, &rec, right).await;
            let refused = matches!(outcome, Err(ErrorKind::Forbidden | ErrorKind::NotFound));
            assert_eq!(!refused, role_has(role, right), "{role:?} {right:?}: {outcome:?}");
        }
    }
}

#[tokio::test]
async fn a_supervisor_and_an_administrator_reach_the_agencies_below_only_as_the_table_says() {
    let t = TestOffice::new("2025-06-30").await;
    t.user("officer", &t.town, &[Role::CaseOfficer]).await;
    let du = t.user("du", &t.county, &[Role::CountySupervisor]).await;
    let admin = t.login("admin").await;
    for right in [Right::Read, Right::ReadAudit] {
        assert_eq!(attempt(&t, &du, right).await, Ok(()), "{right:?}");
    }
    for right in [Right::Register, Right::Handle, Right::EditReport, Right::Administer] {
        assert_eq!(attempt(&t, &du, right).await, Err(ErrorKind::Forbidden), "{right:?}");
    }
    assert_eq!(attempt(&t, &admin, Right::Administer).await, Ok(()));
    assert_eq!(attempt(&t, &admin, Right::Handle).await, Err(ErrorKind::Forbidden));
}

#[tokio::test]
async fn another_agencys_case_is_not_found_exactly_like_a_missing_one() {
    let t = TestOffice::new("2025-06-30").await;
    let op = t.operator();
    let other = people::add_agency(
        &op,
        people::InitRequest {
            agency: "堰门镇人民政府".into(),
            level: gongkai_app::model::AgencyLevel::Township,
            parent: Some("岚皋县人民政府办公室".into()),
            region: None,
            admin: "admin".into(),
            password: None,
        },
    )
    .await;
    assert!(other.is_ok());
    let yanmen = op.agency("堰门镇人民政府").await.unwrap();
    let theirs = add_case(&op, &yanmen, "2025-03-03", None).await;
    let wang = t.user("wang", &t.town, &[Role::CaseOfficer]).await;
    let id = theirs.id.0.to_string();
    let missing = (theirs.id.0 + 1000).to_string();
    let a = cases::find(&wang, &id, None).await.unwrap_err();
    let b = cases::find(&wang, &missing, None).await.unwrap_err();
    assert_eq!(a.kind(), ErrorKind::NotFound);
    assert_eq!(a.message().replace(&id, "#"), b.message().replace(&missing, "#"));
    assert_eq!(cases::get(&wang, theirs.id).await.unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(cases::get(&wang, ApplicationId(theirs.id.0 + 1000)).await.unwrap_err().kind(), ErrorKind::NotFound);
    // `--agency` is honoured with an internal id: the case must be that agency's.
    let mine = add_case(&op, &t.town, "2025-03-03", None).await;
    assert!(cases::find(&op, &mine.id.0.to_string(), Some("堰门镇人民政府")).await.is_err());
    assert_eq!(cases::find(&op, &mine.id.0.to_string(), Some("民主镇人民政府")).await.unwrap().id, mine.id);
    // Agencies too.
    let a = wang.agency("堰门镇人民政府").await.unwrap_err();
    let b = wang.agency("不存在的镇").await.unwrap_err();
    assert_eq!(a.message().replace("堰门镇人民政府", "X"), b.message().replace("不存在的镇", "X"));
}

#[tokio::test]
async fn only_init_and_import_create_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("typo.db").display());
    let clock = std::sync::Arc::new(gongkai_app::clock::FixedClock(d("2025-01-01")));
    let err = Office::open_at(&url, dir.path(), OpenMode::Existing, clock.clone()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.message().contains("typo.db") && err.message().contains("不存在"), "{err}");
    assert!(!dir.path().join("typo.db").exists());
    let err = Office::open_at(&url, dir.path(), OpenMode::Migrate, clock).await.unwrap_err();
    assert!(err.message().contains("typo.db"), "{err}");
}

#[tokio::test]
async fn init_checks_the_level_against_the_parent_and_the_region() {
    let t = TestOffice::new("2025-01-01").await;
    let op = t.operator();
    let req = |name: &str, level, parent: &str, region: Option<&str>| people::InitRequest {
        agency: name.into(),
        level,
        parent: Some(parent.into()),
        region: region.map(str::to_string),
        admin: "admin".into(),
        password: None,
    };
    use gongkai_app::model::AgencyLevel::*;
    let err = people::add_agency(&op, req("某县", County, "民主镇人民政府", None)).await.unwrap_err();
    assert!(err.message().contains("不能设在乡镇（街道）“民主镇人民政府”之下"), "{err}");
    let err = people::add_agency(&op, req("某村", Township, "民主镇人民政府", None)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    let err = people::add_agency(&op, req("某局", Department, "岚皋县人民政府办公室", Some("no-such-region"))).await.unwrap_err();
    assert!(err.message().contains("no-such-region"), "{err}");
    people::add_agency(&op, req("岚皋县民政局", Department, "岚皋县人民政府办公室", None)).await.unwrap();
    // A failed init leaves nothing behind: the agency and its administrator come together.
    let err = people::add_agency(
        &op,
        people::InitRequest { admin: "newadmin".into(), password: Some("短".into()), ..req("某镇", Township, "岚皋县人民政府办公室", None) },
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(op.agency("某镇").await.is_err());
    assert!(!t.office.user_exists("newadmin").await.unwrap());
}

#[cfg(unix)]
#[tokio::test]
async fn a_read_only_database_serves_reads_and_refuses_writes() {
    use std::os::unix::fs::PermissionsExt;
    let t = TestOffice::new("2025-03-03").await;
    let op = t.operator();
    add_case(&op, &t.town, "2025-03-03", None).await;
    t.office.close().await;
    let path = t.dir.path().join("gongkai.db");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let url = format!("sqlite:{}", path.display());
    let clock = std::sync::Arc::new(gongkai_app::clock::FixedClock(d("2025-03-03")));
    let office = Office::open_at(&url, t.dir.path(), OpenMode::Existing, clock).await.unwrap();
    assert!(office.read_only());
    let rec = office.operator("tester");
    let list = cases::list(&rec, &cases::CaseQuery::default()).await.unwrap();
    assert_eq!(list.len(), 1);
    let err = cases::add(&rec, &t.town, new_case("2025-03-03", None)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.message().contains("只读"), "{err}");
    // Logging in works too (a failed login cannot be counted on a read-only file, and is not).
    office.login("admin", PASSWORD).await.unwrap();
    assert!(office.login("admin", "wrong-password").await.is_err());
}
