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
