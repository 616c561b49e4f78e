use gongkai_store::{Backend, Store};

#[test]
fn sqlite_and_postgres_migrations_have_identical_names() {
    let s = Store::migration_names(Backend::Sqlite);
    let p = Store::migration_names(Backend::Postgres);
    assert!(!s.is_empty());
    assert_eq!(s, p);
    // and the files on disk match too (a migration added to one tree only is caught here)
    let list = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(list("sqlite"), list("postgres"));
}
