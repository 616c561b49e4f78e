use gongkai_store::*;

use crate::helpers::*;
use crate::story;

async fn the_register_counts_documents_and_typed_figures(db: &TestDb) {
    let s = &db.store;
    let c = county(s).await;
    let doc = |n: &str, made: &str| Document {
        id: DocumentId(0),
        agency: c.id,
        kind: DocumentKind::NormativeDocument,
        doc_number: n.into(),
        title: format!("关于{n}的通知"),
        made_on: d(made),
        repealed_on: None,
        validity: Validity::Valid,
        voided: None,
    };
    let a = s.add_document(&ctx(), doc("某政规〔2023〕1号", "2023-05-01")).await.unwrap();
    s.add_document(&ctx(), doc("某政规〔2025〕1号", "2025-05-01")).await.unwrap();
    s.add_document(&ctx(), doc("某政规〔2025〕2号", "2025-06-01")).await.unwrap();
    assert!(s.add_document(&ctx(), doc("某政规〔2025〕2号", "2025-06-01")).await.is_err());
    let reg = Document { kind: DocumentKind::Regulation, ..doc("某政令第1号", "2025-01-01") };
    let err = s.add_document(&ctx(), reg).await.unwrap_err();
    assert!(err.to_string().contains("规章制定权"), "{err}");
    s.repeal_document(&ctx(), a.id, d("2025-07-01"), Validity::Repealed).await.unwrap();

    let figures = YearlyCounts {
        admin_licensing: Some(120),
        admin_penalty: Some(30),
        admin_coercion: Some(2),
        admin_fees_wan: Some("1.25".into()),
    };
    s.set_yearly_counts(&ctx(), c.id, 2025, figures, "").await.unwrap();
    let bad = YearlyCounts { admin_fees_wan: Some("一万".into()), ..YearlyCounts::default() };
    assert!(s.set_yearly_counts(&ctx(), c.id, 2025, bad, "").await.is_err());

    let t = s.tallies(c.id, 2025).await.unwrap();
    assert_eq!(t.documents, vec![(DocumentKind::NormativeDocument, 2, 1, 2)]);
    assert_eq!(t.typed.unwrap().admin_fees_wan.as_deref(), Some("1.25"));
    let cell = Cell::T2 { kind: DocumentKind::NormativeDocument, column: T2Column::Repealed };
    assert_eq!(s.cell_records(c.id, 2025, cell).await.unwrap(), CellRecords::Documents(vec![a.id]));
}
story!(the_register_counts_documents_and_typed_figures);
