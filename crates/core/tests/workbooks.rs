//! Workbooks as feeds, planned against the sandbox over real HTTP on 127.0.0.1: every layout from
//! an `.xlsx` plans exactly as the same rows from a CSV; the committed `.xlsx`, `.xls` and `.ods`
//! fixtures (one source, `tests/fixtures/workbooks/levels.fods`) plan alike; the sheet is the one
//! named or the first with a recognisable header; numbers stay numbers; dates, formula errors and
//! formulas without a calculated value in a level cell get a reason naming the cell and the fix.

mod support;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use skillsync_core::import::{self, ReadOptions};
use skillsync_core::job::{LoadedFeed, Prepared};
use skillsync_core::mapping::{Layout, Mapping};
use skillsync_core::plan::PlanOptions;
use skillsync_core::{Action, PlanRow, PlatformKind};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const ANA: &str = "ana.lee@example.com";
const BO: &str = "bo.chen@example.com";
const DI: &str = "di.evans@example.com";
const BILLING: &str = "Billing - English";
const SALES: &str = "Sales - Spanish";
const RETENTION: &str = "Retention";

/// Ana holds Billing 4 and Sales 2, Bo Billing 2; Di holds nothing. Whole numbers valid on both
/// platforms' scales.
fn tenant() -> skillsync_sandbox::TenantFile {
    support::tenant(
        &[(BILLING, true), (SALES, true), (RETENTION, true)],
        &[(ANA, "Ana Lee", true), (BO, "Bo Chen", true), (DI, "Di Evans", true)],
        &[(ANA, BILLING, 4.0), (ANA, SALES, 2.0), (BO, BILLING, 2.0)],
    )
}

/// One cell of a generated workbook.
#[derive(Clone)]
enum C {
    S(String),
    N(f64),
    Date(u16, u8, u8),
    /// A formula and the result the file stores for it.
    F(&'static str, &'static str),
    /// A formula stored without any result, as programs that do not calculate write it.
    Uncalculated(&'static str),
    Blank,
}

fn s(text: &str) -> C {
    C::S(text.to_string())
}

/// Rows of a sheet from CSV-like text: numbers become number cells, empty cells stay blank.
fn cells(csv: &str) -> Vec<Vec<C>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| {
            r.expect("test CSV parses")
                .iter()
                .map(|c| match c.parse::<f64>() {
                    Ok(n) => C::N(n),
                    Err(_) if c.is_empty() => C::Blank,
                    Err(_) => s(c),
                })
                .collect()
        })
        .collect()
}

const NO_VALUE: &str = "__no_value__";

/// An `.xlsx` of the given sheets (name, hidden, rows); a formula without a result is written with
/// a marker result that is then cut from the sheet's XML.
fn xlsx(sheets: &[(&str, bool, Vec<Vec<C>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (name, hidden, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("a valid sheet name");
        sheet.set_hidden(*hidden);
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let written = match cell {
                    C::S(text) => sheet.write_string(r, c, text).map(|_| ()),
                    C::N(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    C::Date(y, m, d) => {
                        let date = ExcelDateTime::from_ymd(*y, *m, *d).expect("a valid date");
                        sheet.write_datetime_with_format(r, c, &date, &date_format).map(|_| ())
                    }
                    C::F(f, result) => sheet.write_formula(r, c, Formula::new(*f).set_result(*result)).map(|_| ()),
                    C::Uncalculated(f) => sheet.write_formula(r, c, Formula::new(*f).set_result(NO_VALUE)).map(|_| ()),
                    C::Blank => Ok(()),
                };
                written.expect("the cell is written");
            }
        }
    }
    let bytes = book.save_to_buffer().expect("the workbook is written");
    drop_marked_results(&bytes)
}

/// The same archive with every `<v>__no_value__</v>` removed from the worksheets.
fn drop_marked_results(bytes: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the workbook is a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("a zip entry");
        let name = entry.name().expect("an entry name").to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("the entry reads");
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(content).expect("sheet XML is UTF-8");
            content = text.replace(&format!("<v>{NO_VALUE}</v>"), "").into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("entry starts");
        out.write_all(&content).expect("entry written");
    }
    out.finish().expect("the archive is written").into_inner()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/workbooks").join(name)
}

/// Reads a feed (with a sheet chosen, or not) and maps it by detection, as the CLI does.
fn load(path: &Path, sheet: Option<&str>, kind: PlatformKind) -> LoadedFeed {
    let options = ReadOptions { sheet: sheet.map(str::to_string) };
    let (bytes, table) =
        import::read_file_with(path, &options).unwrap_or_else(|e| panic!("{} reads: {e}", path.display()));
    let mapping = Mapping::detect(&table).unwrap_or_else(|e| panic!("{} detects: {e}", path.display()));
    LoadedFeed::new(path, bytes, &table, mapping, kind).unwrap_or_else(|e| panic!("{} maps: {e}", path.display()))
}

async fn plan(kind: PlatformKind, feed: &LoadedFeed) -> Prepared {
    let sb = support::start(kind, tenant(), |_| {}).await;
    let client = support::client(&sb, kind, support::fast());
    support::prepare(client.as_ref(), feed, &PlanOptions::for_platform(kind)).await
}

/// (line, agent, skill, action, requested, problem code) of every plan row.
type Row = (usize, String, String, Action, Option<f64>, Option<String>);

fn rows(prepared: &Prepared) -> Vec<Row> {
    prepared
        .plan
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.agent.to_string(),
                r.skill.to_string(),
                r.action,
                r.requested,
                r.problem.as_ref().map(|p| p.code.clone()),
            )
        })
        .collect()
}

fn row<'p>(prepared: &'p Prepared, line: usize, skill: &str) -> &'p PlanRow {
    prepared
        .plan
        .rows
        .iter()
        .find(|r| r.line == line && (r.skill == skill || skill.is_empty()))
        .unwrap_or_else(|| panic!("no plan row for line {line} / {skill}: {:#?}", prepared.plan.rows))
}

fn message(prepared: &Prepared, line: usize, skill: &str) -> String {
    row(prepared, line, skill).problem.clone().expect("a reason").message
}

fn ok(line: usize, agent: &str, skill: &str, action: Action, requested: f64) -> Row {
    (line, agent.into(), skill.into(), action, Some(requested), None)
}

const LONG: &str = "email,skill,proficiency
ana.lee@example.com,Billing - English,4
ana.lee@example.com,Sales - Spanish,3
bo.chen@example.com,Retention,1
di.evans@example.com,Billing - English,5
di.evans@example.com,Nope,2
";
const WIDE: &str = "email,Billing - English,Sales - Spanish,Retention
ana.lee@example.com,4,3,
bo.chen@example.com,,,1
di.evans@example.com,5,,
";
const PACKED: &str = "email,skills
ana.lee@example.com,Billing - English:4; Sales - Spanish:3
bo.chen@example.com,Retention:1
di.evans@example.com,Billing - English:5
";

/// Each layout written as an `.xlsx` (numbers as number cells, blanks as blank cells) plans row
/// for row as the same feed written as a CSV.
async fn every_layout_from_a_workbook_plans_as_its_csv(kind: PlatformKind) {
    let dir = support::temp();
    for (name, csv, layout) in
        [("long", LONG, Layout::Long), ("wide", WIDE, Layout::Wide), ("packed", PACKED, Layout::Packed)]
    {
        let csv_path = dir.path().join(format!("{name}.csv"));
        std::fs::write(&csv_path, csv).expect("CSV written");
        let xlsx_path = dir.path().join(format!("{name}.xlsx"));
        std::fs::write(&xlsx_path, xlsx(&[("Levels", false, cells(csv))])).expect("workbook written");

        let from_csv = plan(kind, &load(&csv_path, None, kind)).await;
        let loaded = load(&xlsx_path, None, kind);
        assert_eq!(loaded.mapping.columns.layout, layout, "{name}: layout detected from the sheet");
        let from_xlsx = plan(kind, &loaded).await;
        assert_eq!(rows(&from_xlsx), rows(&from_csv), "{name}: the workbook plans as the CSV");
        let s = from_xlsx.plan.summary;
        assert_eq!((s.add, s.update, s.unchanged), (2, 1, 1), "{name}: adds, updates, unchanged: {s:?}");
    }
}

both!(every_layout_from_a_workbook_plans_as_its_csv);

/// The committed fixtures in three formats, every sheet: the same plan, numbers as written, and a
/// reason for each bad level cell naming its row, column, cell and fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixtures_in_every_format_plan_alike_with_reasons_for_bad_cells() {
    let kind = PlatformKind::Genesys;
    for ext in ["xlsx", "xls", "ods"] {
        let path = fixture(&format!("levels.{ext}"));

        // Default sheet: "Read me" holds no header, so "Long", whose header is on row 3 under a title.
        let long = load(&path, None, kind);
        let raw: Vec<&str> = long.feed.records.iter().map(|r| r.raw_value.as_str()).collect();
        assert_eq!(raw, ["4", "4.5", "3", "", "2024-03-01", "#DIV/0!", "5"], "{ext}: level cells as text");
        let p = plan(kind, &long).await;
        let invalid = |line: usize, agent: &str, skill: &str| -> Row {
            (line, agent.into(), skill.into(), Action::Invalid, None, Some("invalid_value".into()))
        };
        assert_eq!(
            rows(&p),
            vec![
                ok(4, ANA, BILLING, Action::Unchanged, 4.0),
                ok(5, ANA, SALES, Action::Update, 4.5),
                ok(6, BO, BILLING, Action::Update, 3.0),
                invalid(7, BO, RETENTION),
                invalid(8, DI, BILLING),
                invalid(9, DI, RETENTION),
                ok(10, DI, SALES, Action::Add, 5.0),
            ],
            "{ext}: sheet Long, lines are the sheet's rows"
        );
        let date = message(&p, 8, BILLING);
        assert!(
            date.starts_with("line 8, column 'proficiency': cell C8 holds a date or time (\"2024-03-01\")")
                && date.contains("format the column as Number or Text"),
            "{ext}: {date}"
        );
        let error = message(&p, 9, RETENTION);
        assert!(
            error.starts_with("line 9, column 'proficiency': cell C9 shows the error \"#DIV/0!\"")
                && error.contains("correct the formula"),
            "{ext}: {error}"
        );
        let codes: Vec<(usize, String)> = long
            .mapping
            .diagnose(&import::read_file(&path).expect("reads").1, kind)
            .into_iter()
            .map(|p| (p.line, p.code))
            .collect();
        assert_eq!(
            codes,
            [(7, "missing_value".into()), (8, "date_cell".into()), (9, "formula_error".into())],
            "{ext}: stable codes"
        );

        // Wide: blank cells are no change (no row at all); bad cells are reasons, good ones plan.
        let p = plan(kind, &load(&path, Some("Wide"), kind)).await;
        assert_eq!(
            rows(&p),
            vec![
                ok(2, ANA, BILLING, Action::Unchanged, 4.0),
                ok(2, ANA, SALES, Action::Update, 4.5),
                ok(3, BO, BILLING, Action::Update, 3.0),
                ok(3, BO, RETENTION, Action::Add, 1.0),
                invalid(4, DI, BILLING),
                invalid(4, DI, SALES),
                ok(4, DI, RETENTION, Action::Add, 5.0),
            ],
            "{ext}: sheet Wide"
        );
        assert!(message(&p, 4, BILLING).contains("cell B4 holds a date"), "{ext}: {}", message(&p, 4, BILLING));
        assert!(message(&p, 4, SALES).contains("cell C4 shows the error"), "{ext}: {}", message(&p, 4, SALES));

        // Packed, named in another case: a failed formula in the pairs cell is the row's reason.
        let p = plan(kind, &load(&path, Some("packed"), kind)).await;
        assert_eq!(p.plan.summary.update, 2, "{ext}: Ana's Sales and Bo's Billing");
        assert_eq!(p.plan.summary.add, 1, "{ext}: Bo's Retention");
        let di = row(&p, 4, "").problem.clone().expect("a reason for Di's row");
        assert_eq!(di.code, "formula_error", "{ext}: {di:?}");
        assert!(di.message.starts_with("line 4, column 'skills': cell B4 shows the error"), "{ext}: {}", di.message);
    }
}

/// The default sheet is the first visible one whose first rows hold a header the mapping knows;
/// a hidden sheet is read only when named; an unknown name lists the sheets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sheet_is_the_named_one_or_the_first_with_a_header() {
    let kind = PlatformKind::Genesys;
    let dir = support::temp();
    let path = dir.path().join("march.xlsx");
    let old = cells("email,skill,proficiency\nana.lee@example.com,Sales - Spanish,1\n");
    let notes = vec![vec![s("Levels for March")], vec![s("see the Levels sheet"), s("ask Ana")]];
    let mut levels = vec![vec![s("March routing model")], vec![]];
    levels.extend(cells("Agent Email,Skill Name,Level\nana.lee@example.com,Sales - Spanish,5\n"));
    std::fs::write(&path, xlsx(&[("Notes", false, notes), ("Old", true, old), ("Levels", false, levels)]))
        .expect("workbook written");

    let table = import::read_path(&path).expect("reads");
    let choice = table.workbook.clone().expect("a workbook");
    assert_eq!(choice.sheet, "Levels", "hidden Old and header-less Notes are passed over");
    assert_eq!(choice.sheets, ["Notes", "Levels"], "the sheets offered: visible worksheets");
    assert_eq!(table.headers, ["Agent Email", "Skill Name", "Level"], "the header below the title");
    let p = plan(kind, &load(&path, None, kind)).await;
    assert_eq!(rows(&p), vec![ok(4, ANA, SALES, Action::Update, 5.0)], "row 4 of Levels");

    let p = plan(kind, &load(&path, Some(" old "), kind)).await;
    assert_eq!(rows(&p), vec![ok(2, ANA, SALES, Action::Update, 1.0)], "the hidden sheet, named");

    let err = import::read_file_with(&path, &ReadOptions { sheet: Some("April".into()) }).expect_err("no such sheet");
    assert_eq!(err.code(), "input.invalid");
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "the workbook has no sheet 'April': its sheets are 'Notes', 'Levels'; name one of them",
        "the error lists the sheets"
    );
}

/// A formula stored without a result (as programs that do not calculate write it) cannot be
/// planned: the row says which cell and how to get the value into the file. Numbers stay numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_stay_numbers_and_uncalculated_formulas_get_a_reason() {
    let kind = PlatformKind::Genesys;
    let dir = support::temp();
    let path = dir.path().join("levels.xlsx");
    let sheet = vec![
        vec![s("email"), s("skill"), s("proficiency")],
        vec![s(ANA), s(SALES), C::N(4.5)],
        vec![s(BO), s(BILLING), C::Uncalculated("=2+2")],
        vec![s(BO), s(RETENTION), C::N(5.0)],
        vec![s(DI), s(BILLING), C::F("=1+1.25", "2.25")],
        vec![s(DI), s(RETENTION), C::Date(2024, 3, 1)],
        vec![s(DI), s(SALES), C::N(0.25)],
    ];
    std::fs::write(&path, xlsx(&[("Sheet1", false, sheet)])).expect("workbook written");
    let loaded = load(&path, None, kind);
    let raw: Vec<&str> = loaded.feed.records.iter().map(|r| r.raw_value.as_str()).collect();
    assert_eq!(raw, ["4.5", "=2+2", "5", "2.25", "2024-03-01", "0.25"], "never 5.0, never 4,5");

    let p = plan(kind, &loaded).await;
    assert_eq!(row(&p, 2, SALES).requested, Some(4.5));
    assert_eq!(row(&p, 4, RETENTION).requested, Some(5.0));
    assert_eq!(row(&p, 5, BILLING).requested, Some(2.25), "a calculated formula plans its value");
    assert_eq!(row(&p, 7, SALES).requested, Some(0.25));
    let uncalculated = row(&p, 3, BILLING);
    assert_eq!(uncalculated.action, Action::Invalid);
    let message = &uncalculated.problem.as_ref().expect("a reason").message;
    assert!(
        message.starts_with("line 3, column 'proficiency': cell C3 holds a formula (\"=2+2\") but no calculated value")
            && message.contains("open the workbook in Excel or LibreOffice and save it"),
        "{message}"
    );
    assert_eq!(row(&p, 6, RETENTION).action, Action::Invalid, "a date is no level");
    let s = p.plan.summary;
    assert_eq!((s.add, s.update, s.invalid), (3, 1, 2), "{s:?}");
}

#[test]
fn a_sheet_asked_of_a_csv_and_empty_workbooks_are_clear_errors() {
    let err = import::read_bytes_with(b"email,skill,level\na,b,1\n", &ReadOptions { sheet: Some("Levels".into()) })
        .expect_err("a CSV has no sheets");
    assert_eq!(err.code(), "input.invalid");
    assert!(err.to_string().contains("has no sheets"), "{err}");

    let empty = xlsx(&[("Sheet1", false, vec![]), ("Sheet2", false, vec![])]);
    let err = import::read_bytes(&empty).expect_err("nothing to read");
    assert_eq!(err.code(), "input.unreadable");
    assert!(err.to_string().contains("every sheet ('Sheet1', 'Sheet2') is empty"), "{err}");

    let header_only = xlsx(&[("Levels", false, cells("email,skill,level\n"))]);
    let err = import::read_bytes(&header_only).expect_err("no data rows");
    assert_eq!(err.to_string(), "sheet 'Levels', row 1 is a header (email, skill, level) and no data rows follow: the feed lists no agent or skill");

    let err = import::read_bytes(b"PK\x03\x04 not really a zip").expect_err("broken archive");
    assert_eq!(err.code(), "input.unreadable", "{err}");
    assert!(err.to_string().starts_with("this Excel workbook (.xlsx) cannot be read"), "{err}");
}

/// An `.ods` as a program that does not calculate writes it: the formula cell has no value.
fn ods_without_results() -> Vec<u8> {
    let cell =
        |t: &str| format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>");
    let row = |cells: Vec<String>| format!("<table:table-row>{}</table:table-row>", cells.concat());
    let rows = [
        row(vec![cell("email"), cell("skill"), cell("proficiency")]),
        row(vec![cell(ANA), cell(SALES), "<table:table-cell table:formula=\"of:=2*2\"/>".into()]),
        row(vec![
            cell(BO),
            cell(RETENTION),
            "<table:table-cell office:value-type=\"float\" office:value=\"4.5\"><text:p>4,5</text:p></table:table-cell>".into(),
        ]),
    ];
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body>\
         <office:spreadsheet><table:table table:name=\"Levels\">{}</table:table></office:spreadsheet>\
         </office:body></office:document-content>",
        rows.concat()
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
         xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
         <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
         <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let files = [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", stored),
        ("META-INF/manifest.xml", manifest, zip::write::SimpleFileOptions::default()),
        ("content.xml", content.as_str(), zip::write::SimpleFileOptions::default()),
    ];
    for (name, text, options) in files {
        out.start_file(name, options).expect("entry starts");
        out.write_all(text.as_bytes()).expect("entry written");
    }
    out.finish().expect("the archive is written").into_inner()
}

/// The same for OpenDocument, told by its `mimetype` entry whatever the file is called: a formula
/// without a value is a reason, a number displayed as "4,5" is read as 4.5.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ods_formula_without_a_value_gets_a_reason_and_displayed_commas_do_not_matter() {
    let kind = PlatformKind::Genesys;
    let dir = support::temp();
    let path = dir.path().join("levels.bin");
    std::fs::write(&path, ods_without_results()).expect("workbook written");
    let loaded = load(&path, None, kind);
    let p = plan(kind, &loaded).await;
    assert_eq!(row(&p, 3, RETENTION).requested, Some(4.5), "the value, not its display");
    let message = message(&p, 2, SALES);
    assert!(message.starts_with("line 2, column 'proficiency': cell C2 holds a formula (\"=2*2\")"), "{message}");
}

/// A value right of the header's last named column cannot be mapped: its row says which cell, so
/// nothing in the sheet goes unread. Gaps in a row are blank cells, not missing ones.
#[test]
fn a_cell_under_no_header_is_a_reason_not_a_lost_value() {
    let sheet = vec![
        vec![s("email"), s("skill"), s("proficiency")],
        vec![s(ANA), s(SALES), C::N(3.0), C::Blank, s("checked")],
        vec![s(BO), s(SALES), C::N(2.0)],
    ];
    let table = import::read_bytes(&xlsx(&[("Levels", false, sheet)])).expect("reads");
    assert_eq!(table.headers, ["email", "skill", "proficiency"]);
    let mapping = Mapping::detect(&table).expect("detects");
    let problems = mapping.diagnose(&table, PlatformKind::Genesys);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!((problems[0].line, problems[0].code.as_str()), (2, "extra_cells"));
    assert_eq!(
        problems[0].message,
        "line 2, column 5: cell E2 holds \"checked\" under no header: name the column in the header row, or clear the cell"
    );
    assert_eq!(mapping.apply(&table, PlatformKind::Genesys).records.len(), 1, "Bo's row still plans");
}

/// Damaged workbooks — truncated, bytes changed — are one clear error or a table, never a panic.
#[test]
fn damaged_workbooks_never_panic() {
    let mut state = 0x5eed_b00c_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for name in ["levels.xlsx", "levels.xls", "levels.ods"] {
        let good = std::fs::read(fixture(name)).expect("fixture");
        for round in 0..200 {
            let mut bytes = good.clone();
            if round % 4 == 0 {
                bytes.truncate(next(bytes.len()));
            } else {
                for _ in 0..1 + next(8) {
                    let at = next(bytes.len());
                    bytes[at] = next(256) as u8;
                }
            }
            let outcome = std::panic::catch_unwind(|| import::read_bytes(&bytes).map(|t| t.len()));
            match outcome {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => assert!(
                    ["input.unreadable", "input.invalid"].contains(&e.code()),
                    "{name} round {round}: {} {e}",
                    e.code()
                ),
                Err(_) => panic!("{name} round {round}: reading panicked"),
            }
        }
    }
}
