//! Fuzzing the readers with proptest (the fuzzer of record: no nightly here for cargo-fuzz).
//!
//! `read::read_bytes` must never panic, must return promptly, and any report it returns must have
//! tables whose rows are rows of the format spec with one cell per column. Inputs: random bytes
//! (bare and behind each flavour's magic), and mutations — truncation, byte flips, insertions of
//! random bytes and of structural tokens (`<td colspan="999999">`, tabs, `|`, section numbers,
//! huge numbers), deletions, duplications — of the seed corpus in `crates/report/fuzz/corpus/`,
//! which holds a report in every flavour (txt, crawl one-liner, pdftotext layout, md, html, GBK
//! html, UTF-16 text, docx, json, pdf). DOCX seeds are also mutated inside: their
//! `word/document.xml` is mutated and re-zipped. Plus targeted bad inputs: empty, one byte, NUL
//! junk, and 50 MB of digits, of `<table>` nesting, of one huge line, of pipe rows.
//!
//! The corpus is regenerated from the sample generator with
//! `cargo test -p gongkai-report --test it regenerate_fuzz_corpus -- --ignored` (the PDF and its
//! layout text were made once with LibreOffice and pdftotext and are kept as they are).

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on unexpected input"
)]

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gongkai_domain::report::Report;
use gongkai_report::read::{ReadError, read_bytes};
use gongkai_report::render::{self, OutputFormat};
use gongkai_report::testing::{SampleOptions, sample_report_with};
use proptest::prelude::*;

/// Generous: a debug build on a loaded machine. The readers are linear; a blow-up shows as
/// minutes, not seconds.
const TIME_LIMIT: Duration = Duration::from_secs(10);

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

/// The seed corpus: (file name, bytes), sorted by name.
fn corpus() -> &'static [(String, Vec<u8>)] {
    static CORPUS: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(corpus_dir())
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter(|e| e.path().is_file())
                    .filter_map(|e| {
                        Some((
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read(e.path()).ok()?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    })
}

fn pdf_allowed(name: &str) -> bool {
    // Every mutated PDF spawns pdftotext: keep those to their own, smaller test.
    !name.ends_with(".pdf")
}

/// The invariants of any report a reader returns.
fn check_report(report: &Report) -> Result<(), String> {
    let spec = report.format.spec();
    let mut seen_tables = Vec::new();
    for table in &report.tables {
        if seen_tables.contains(&table.id) {
            return Err(format!("table {} twice", table.id.id()));
        }
        seen_tables.push(table.id);
        let tspec = spec.table(table.id);
        let mut seen_rows: Vec<&str> = Vec::new();
        for row in &table.rows {
            let Some((block, _)) = tspec.row(row.id) else {
                return Err(format!(
                    "table {} has row {} that the {} format lacks",
                    table.id.id(),
                    row.id,
                    report.format.id()
                ));
            };
            if row.cells.len() != block.columns.len() {
                return Err(format!(
                    "table {} row {}: {} cells for {} columns",
                    table.id.id(),
                    row.id,
                    row.cells.len(),
                    block.columns.len()
                ));
            }
            if seen_rows.contains(&row.id) {
                return Err(format!("table {} row {} twice", table.id.id(), row.id));
            }
            seen_rows.push(row.id);
        }
    }
    Ok(())
}

/// Read, time it, check the invariants. Panics propagate (proptest reports them as failures).
fn read_checked(bytes: &[u8]) -> Result<Option<Report>, String> {
    let start = Instant::now();
    let result = read_bytes(bytes, Some("fuzz-input"));
    let took = start.elapsed();
    if took > TIME_LIMIT {
        return Err(format!("read_bytes took {took:?} on {} bytes", bytes.len()));
    }
    match result {
        Ok(report) => check_report(&report).map(|()| Some(report)),
        Err(e) => {
            // Every error has a Chinese message for the clerk.
            let msg = e.to_string();
            if msg.is_empty() || msg.is_ascii() {
                return Err(format!("error without a Chinese message: {e:?}"));
            }
            Ok(None)
        }
    }
}

// ---- mutations ---------------------------------------------------------------------------------

/// Tokens that mean something to one reader or another.
const TOKENS: &[&str] = &[
    "\t",
    "\n",
    "\r\n",
    "|",
    "| --- |",
    "\u{3000}",
    "&nbsp;",
    "<td>",
    "</td>",
    "<tr>",
    "</table>",
    "<table>",
    "<td colspan=\"999999\">",
    "<td rowspan=\"99999999\">",
    "<!--",
    "<![CDATA[",
    "<w:gridSpan w:val=\"4000000\"/>",
    "<w:vMerge/>",
    "一、",
    "三、收到和处理政府信息公开申请情况",
    "（七）总计",
    "四、结转下年度继续办理",
    "0",
    "-1",
    "99999999999999999999999999",
    "1.5",
    "—",
    "-3-",
    "%PDF",
    "\u{FEFF}",
    "\u{0}",
];

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(u16),
    Flip(u32, u8),
    Insert(u32, Vec<u8>),
    Token(u32, usize),
    Delete(u32, u16),
    Duplicate(u32, u16),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0u16..1000).prop_map(Mutation::Truncate),
        (any::<u32>(), 1u8..=255).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<u32>(), proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(p, b)| Mutation::Insert(p, b)),
        (any::<u32>(), 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Token(p, t)),
        (any::<u32>(), 1u16..2000).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<u32>(), 1u16..2000).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    let at = |p: u32| {
        if len == 0 {
            0
        } else {
            usize::try_from(p).unwrap_or(0) % (len + 1)
        }
    };
    match m {
        Mutation::Truncate(permille) => bytes.truncate(len * usize::from(*permille) / 1000),
        Mutation::Flip(p, b) => {
            if len > 0 {
                let i = at(*p).min(len - 1);
                bytes[i] ^= b;
            }
        }
        Mutation::Insert(p, b) => {
            let i = at(*p);
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Token(p, t) => {
            let i = at(*p);
            bytes.splice(i..i, TOKENS[*t].bytes());
        }
        Mutation::Delete(p, n) => {
            let i = at(*p);
            let end = (i + usize::from(*n)).min(len);
            bytes.drain(i..end);
        }
        Mutation::Duplicate(p, n) => {
            let i = at(*p);
            let end = (i + usize::from(*n)).min(len);
            let copy = bytes[i..end].to_vec();
            bytes.splice(end..end, copy);
        }
    }
}

/// Replace one part of a zip package, keeping the others.
fn rezip(package: &[u8], name: &str, body: &[u8]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let fname = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        zout.start_file(fname.as_str(), options).unwrap();
        zout.write_all(if fname == name { body } else { &data })
            .unwrap();
    }
    zout.finish().unwrap().into_inner()
}

fn zip_part(package: &[u8], name: &str) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    let mut out = Vec::new();
    zin.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(0x6675_7A7A);
    }
    c
}

fn text_seeds() -> Vec<&'static (String, Vec<u8>)> {
    corpus().iter().filter(|(n, _)| pdf_allowed(n)).collect()
}

#[test]
fn the_corpus_has_a_seed_in_every_flavour_and_each_reads() {
    let names: Vec<&str> = corpus().iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        ".txt",
        ".crawl.txt",
        ".layout.txt",
        ".md",
        ".html",
        ".gbk.html",
        ".utf16.txt",
        ".docx",
        ".json",
        ".pdf",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(want)),
            "no {want} seed in {names:?}"
        );
    }
    for (name, bytes) in corpus() {
        if name.ends_with(".pdf") && !gongkai_report::read::pdf::pdftotext_available() {
            continue;
        }
        let report = read_checked(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = report.unwrap_or_else(|| panic!("{name}: not read"));
        assert!(
            report.table(gongkai_domain::report::TableId::T3).is_some(),
            "{name}: no table 三"
        );
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn random_bytes_never_panic_or_hang(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        read_checked(&bytes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn random_bytes_behind_each_flavours_magic_never_panic_or_hang(
        magic in prop::sample::select(vec![&b"PK\x03\x04"[..], b"{\"reports\":[", b"<html><table><tr><td>", b"| a | b |\n| --- | --- |\n", b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xD0\xCF\x11\xE0"]),
        tail in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        read_checked(&bytes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn mutated_corpus_seeds_never_panic_or_hang(
        seed in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let seeds = text_seeds();
        let (_, original) = seeds[seed.index(seeds.len())];
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        read_checked(&bytes).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn docx_with_a_mutated_document_xml_never_panics_or_hangs(
        seed in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let docx: Vec<&(String, Vec<u8>)> = corpus().iter().filter(|(n, _)| n.ends_with(".docx")).collect();
        prop_assume!(!docx.is_empty());
        let (_, package) = docx[seed.index(docx.len())];
        let mut xml = zip_part(package, "word/document.xml");
        for m in &mutations {
            apply(&mut xml, m);
        }
        read_checked(&rezip(package, "word/document.xml", &xml)).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn mutated_pdfs_never_panic_or_hang(mutations in proptest::collection::vec(mutation(), 1..4)) {
        prop_assume!(gongkai_report::read::pdf::pdftotext_available());
        let Some((_, pdf)) = corpus().iter().find(|(n, _)| n.ends_with(".pdf")) else { return Ok(()) };
        let mut bytes = pdf.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        read_checked(&bytes).map_err(TestCaseError::fail)?;
    }
}

// ---- targeted bad inputs ---------------------------------------------------------------------------

#[test]
fn empty_and_whitespace_inputs_say_the_file_is_empty() {
    for input in [
        &b""[..],
        b"   \n\t  ",
        "\u{3000}\u{3000}\n".as_bytes(),
        b"\xEF\xBB\xBF",
    ] {
        match read_bytes(input, None) {
            Err(ReadError::Empty) => {}
            other => panic!("{input:?}: {other:?}"),
        }
    }
}

#[test]
fn every_one_byte_input_is_answered_without_panic() {
    for b in 0..=255u8 {
        read_checked(&[b]).unwrap_or_else(|e| panic!("byte {b}: {e}"));
        read_checked(&[b, b]).unwrap_or_else(|e| panic!("bytes {b} {b}: {e}"));
    }
}

#[test]
fn nul_junk_is_not_text() {
    let junk = vec![0u8; 1 << 20];
    assert!(
        matches!(
            read_bytes(&junk, None),
            Err(ReadError::Binary { .. }) | Err(ReadError::Empty)
        ),
        "{:?}",
        read_bytes(&junk, None).err()
    );
    let mut mixed =
        b"\xE4\xB8\x80\xE3\x80\x81\xE6\x80\xBB\xE4\xBD\x93\xE6\x83\x85\xE5\x86\xB5".to_vec();
    mixed.extend(std::iter::repeat_n([0u8, 7, 200, 31], 1000).flatten());
    assert!(read_bytes(&mixed, None).is_err());
}

const BIG: usize = 50 * 1024 * 1024;

/// The big inputs run one at a time, so their times are their own.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Read a big input made by `make(size)` at 5 MB and at 50 MB; print the times; hold the reader
/// to linear time (50 MB may take at most 20× the time of 5 MB, where linear is 10×) and to a
/// generous absolute bound that only a hang or a quadratic blow-up breaks.
fn big(name: &str, make: impl Fn(usize) -> Vec<u8>) {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let time = |bytes: &[u8]| {
        let start = Instant::now();
        let result = read_bytes(bytes, Some("big-input"));
        let took = start.elapsed();
        if let Ok(report) = &result {
            check_report(report).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        (took, result.map(|_| "a report").unwrap_or("an error"))
    };
    let (small, _) = time(&make(BIG / 10));
    let (large, outcome) = time(&make(BIG));
    println!("{name}: 5 MB in {small:?}, 50 MB in {large:?} → {outcome}");
    assert!(
        large < Duration::from_secs(120),
        "{name}: 50 MB took {large:?}"
    );
    assert!(
        large < small * 20 + Duration::from_millis(500),
        "{name}: not linear: 5 MB {small:?}, 50 MB {large:?}"
    );
}

fn repeat_to(unit: &str, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + unit.len());
    while out.len() < size {
        out.extend_from_slice(unit.as_bytes());
    }
    out
}

#[test]
fn fifty_megabytes_of_digits_return_promptly() {
    big("digits", |n| repeat_to("1234567890", n));
}

#[test]
fn fifty_megabytes_of_table_nesting_return_promptly() {
    big("<table> nesting", |n| repeat_to("<table><tr><td>", n));
}

#[test]
fn fifty_megabytes_of_one_huge_line_return_promptly() {
    // A crawler's one-line text, its table rows repeated without end.
    big("one line", |n| {
        repeat_to(
            "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量21710000218（七）总计",
            n,
        )
    });
}

#[test]
fn fifty_megabytes_of_pipe_rows_return_promptly() {
    big("pipe rows", |n| {
        repeat_to(
            "| 一、本年新收政府信息公开申请数量 | 1 | 2 | 3 |\n| --- | --- |\n",
            n,
        )
    });
}

#[test]
fn huge_spans_do_not_allocate_a_huge_grid() {
    let html = "<html><body><p>三、收到和处理政府信息公开申请情况</p><table><tr><td colspan=\"2000000000\" rowspan=\"2000000000\">一、本年新收政府信息公开申请数量</td><td>5</td></tr><tr><td colspan=\"99999999\">1</td></tr></table></body></html>";
    read_checked(html.as_bytes()).unwrap();
    let md = "| a |\n| --- |\n".to_owned() + &"| x ".repeat(100_000) + "|\n";
    read_checked(md.as_bytes()).unwrap();
}

// ---- the corpus --------------------------------------------------------------------------------

/// Rewrite the generated part of the corpus (seed reports 11 and 12 in every generated flavour).
#[test]
#[ignore = "run by hand to regenerate crates/report/fuzz/corpus"]
fn regenerate_fuzz_corpus() {
    let dir = corpus_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let all = SampleOptions {
        blanks: true,
        decimals: true,
        preamble: true,
        date: true,
    };
    let seeds = [
        (
            2021,
            (0..)
                .map(|s| (s, sample_report_with(s, all)))
                .find(|(_, r)| r.year == Some(2024))
                .unwrap(),
        ),
        (
            2019,
            (0..)
                .map(|s| (s, sample_report_with(s, all)))
                .find(|(_, r)| r.year == Some(2020))
                .unwrap(),
        ),
    ];
    for (label, (_, report)) in &seeds {
        let stem = dir.join(format!("sample-{label}"));
        let write =
            |ext: &str, bytes: &[u8]| std::fs::write(stem.with_extension(ext), bytes).unwrap();
        for f in [
            OutputFormat::Txt,
            OutputFormat::Md,
            OutputFormat::Html,
            OutputFormat::Docx,
            OutputFormat::Json,
        ] {
            write(f.id(), &render::render(report, &[], f).unwrap());
        }
        let txt =
            String::from_utf8(render::render(report, &[], OutputFormat::Txt).unwrap()).unwrap();
        // A crawler's copy: one line, cells run together.
        let crawl: String = txt.chars().filter(|c| !matches!(c, '\t' | '\n')).collect();
        write("crawl.txt", crawl.as_bytes());
        // UTF-16LE with BOM, as Notepad saves "Unicode".
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(txt.encode_utf16().flat_map(u16::to_le_bytes));
        write("utf16.txt", &utf16);
        // GBK without any declaration.
        let html =
            String::from_utf8(render::render(report, &[], OutputFormat::Html).unwrap()).unwrap();
        let html = html.replace("<meta charset=\"utf-8\">\n", "");
        let (gbk, _, _) = encoding_rs::GBK.encode(&html);
        write("gbk.html", &gbk);
        // Cut off in table 三.
        let cut = txt.find("（四）无法提供").unwrap_or(txt.len() / 2);
        write("truncated.txt", &txt.as_bytes()[..cut]);
    }
}
