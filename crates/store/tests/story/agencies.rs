use gongkai_store::*;

use crate::helpers::*;
use crate::story;

async fn agencies_form_a_tree_and_users_hold_roles(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let dept = s
        .create_agency(
            &ctx(),
            NewAgency {
                name: "某某县民政局".into(),
                level: AgencyLevel::Department,
                parent: Some(c.id),
                region: String::new(),
                settings: AgencySettings { review_chain: vec!["办公室主任".into(), "分管领导".into()], report_deadline: None, ..AgencySettings::default() },
            },
        )
        .await
        .unwrap();
    assert_eq!(dept.parent, Some(c.id));
    assert_eq!(s.agency_by_name("某某县民政局").await.unwrap().unwrap(), dept);
    assert_eq!(s.agencies().await.unwrap().len(), 2);
    let dup = s
        .create_agency(
            &ctx(),
            NewAgency { name: "某某县民政局".into(), level: AgencyLevel::Department, parent: None, region: String::new(), settings: AgencySettings::default() },
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "{dup}");
    assert!(dup.to_string().contains("已存在"));

    let u = s
        .create_user(&ctx(), NewUser { login: "li".into(), name: "李四".into(), password_hash: "$argon2id$x".into() })
        .await
        .unwrap();
    s.grant_role(&ctx(), u.id, dept.id, Role::CaseOfficer).await.unwrap();
    s.grant_role(&ctx(), u.id, dept.id, Role::Reviewer(2)).await.unwrap();
    s.grant_role(&ctx(), u.id, dept.id, Role::Reviewer(2)).await.unwrap();
    let roles: Vec<Role> = s.roles(u.id).await.unwrap().into_iter().map(|g| g.role).collect();
    assert_eq!(roles, vec![Role::CaseOfficer, Role::Reviewer(2)]);
    assert_eq!(s.user_by_login("li").await.unwrap().unwrap().password_hash, "$argon2id$x");
    // the password hash never reaches the audit log
    let log = s.audit_entries(0, 100).await.unwrap();
    assert!(log.iter().all(|e| !e.after.contains("argon2")));
}
story!(agencies_form_a_tree_and_users_hold_roles);

async fn an_agency_is_renamed_with_its_region_and_settings_and_the_log_says_so(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let other = s
        .create_agency(
            &ctx(),
            NewAgency { name: "某某县民政局".into(), level: AgencyLevel::Department, parent: Some(c.id), region: String::new(), settings: AgencySettings::default() },
        )
        .await
        .unwrap();
    let settings = AgencySettings {
        address: "县城政府街 1 号".into(),
        phone: "0915-2512345".into(),
        office_hours: "工作日 8:30-17:30".into(),
        document_prefix: "民政信公开".into(),
        ..AgencySettings::default()
    };
    let update = AgencyUpdate { name: "某某县民政局（更名）".into(), region: String::new(), settings: settings.clone() };
    let after = s.update_agency(&ctx(), other.id, update).await.unwrap();
    assert_eq!((after.name.as_str(), &after.settings), ("某某县民政局（更名）", &settings));
    assert_eq!(s.agency(other.id).await.unwrap(), after);
    let last = s.audit_entries(0, 1000).await.unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.entity.as_str(), last.agency), ("update", "agency", Some(other.id)));
    assert!(last.after.contains("0915-2512345") && last.before.contains("某某县民政局"));
    // Another agency's name is taken; an empty name is refused; nothing changes.
    let taken = AgencyUpdate { name: c.name.clone(), region: String::new(), settings: AgencySettings::default() };
    let e = s.update_agency(&ctx(), other.id, taken).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let empty = AgencyUpdate { name: " ".into(), region: String::new(), settings: AgencySettings::default() };
    assert!(matches!(s.update_agency(&ctx(), other.id, empty).await.unwrap_err(), StoreError::Rule(_)));
    assert_eq!(s.agency(other.id).await.unwrap(), after);
    // Settings written by an older version (without the new fields) still read.
    assert_eq!(serde_json::from_str::<AgencySettings>(r#"{"review_chain": [], "report_deadline": null}"#).unwrap(), AgencySettings::default());
}
story!(an_agency_is_renamed_with_its_region_and_settings_and_the_log_says_so);
