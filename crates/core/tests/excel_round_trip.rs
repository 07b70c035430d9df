//! The round trip an analyst makes with a spreadsheet: export today's assignments, open the file
//! in Excel, save it as "CSV UTF-8" (a BOM, CRLF line ends, quotes only where a cell needs them),
//! and import it again. Accented skill and agent names must come back as the same names, so the
//! plan is zero changes on both platforms.

mod support;

use skillsync_core::export::{self, ExportLayout, ExportOptions};
use skillsync_core::plan::PlanOptions;
use skillsync_core::{Events, PlatformKind};
use support::tenant;

const BOM: &str = "\u{feff}";

fn accented() -> skillsync_sandbox::TenantFile {
    tenant(
        &[("Facturación - Español", true), ("Réclamations, niveau 2", true), ("Kundenservice Übersee", true)],
        &[
            ("jose.munoz@example.com", "José Muñoz", true),
            ("chloe.lefevre@example.com", "Chloé Lefèvre", true),
            ("jurgen.strass@example.com", "Jürgen Straß", true),
        ],
        &[
            ("jose.munoz@example.com", "Facturación - Español", 4.0),
            ("jose.munoz@example.com", "Réclamations, niveau 2", 2.0),
            ("chloe.lefevre@example.com", "Réclamations, niveau 2", 5.0),
            ("jurgen.strass@example.com", "Kundenservice Übersee", 3.0),
        ],
    )
}

/// A cell as Excel writes it in a CSV: quoted only when it holds the delimiter, a quote or a line
/// break, quotes doubled.
fn excel_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// Reads a CSV the app wrote and saves it again the way Excel's "CSV UTF-8" does.
fn save_as_excel(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).expect("the export");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[..]);
    let mut out = String::from(BOM);
    for rec in r.records() {
        let rec = rec.expect("a CSV record");
        let cells: Vec<String> = rec.iter().map(|c| excel_cell(c.trim_start_matches(BOM))).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

async fn an_export_saved_by_excel_imports_back_as_zero_changes(kind: PlatformKind) {
    let sb = support::start(kind, accented(), |_| {}).await;
    let dir = support::temp();
    let client = support::client(&sb, kind, support::fast());
    client.connect().await.expect("connects");
    let snapshot = client.snapshot(&Events::none()).await.expect("reads the tenant");
    let options = PlanOptions::for_platform(kind);
    for (layout, name) in [(ExportLayout::Long, "long.csv"), (ExportLayout::Wide, "wide.csv")] {
        let path = support::file(&dir, name);
        export::write_feed(&path, &snapshot, &ExportOptions { layout, ..ExportOptions::default() }).expect("exported");
        let raw = std::fs::read(&path).expect("the export");
        assert!(
            raw.starts_with(BOM.as_bytes()),
            "{name}: the export starts with a UTF-8 BOM, so Excel reads it as UTF-8"
        );

        let excel = save_as_excel(&path);
        assert!(excel.contains("\"Réclamations, niveau 2\""), "{name}: Excel quotes the name with a comma:\n{excel}");
        assert!(excel.contains("\r\n") && excel.starts_with(BOM), "{name}: BOM and CRLF as Excel saves");
        let saved = support::file(&dir, &format!("excel-{name}"));
        std::fs::write(&saved, excel.as_bytes()).expect("saved");

        let feed = support::load_path(&saved, None, kind);
        let prepared = support::prepare(client.as_ref(), &feed, &options).await;
        let s = prepared.plan.summary;
        assert_eq!(
            (s.add, s.update, s.remove, s.invalid, s.unchanged),
            (0, 0, 0, 0, 4),
            "{name}: the Excel round trip plans no change and knows every accented skill: {s:?}"
        );
    }

    // A feed an analyst typed in Excel, agents by their accented full names.
    let typed = format!(
        "{BOM}Agent,Skill,Level\r\nJosé Muñoz,Facturación - Español,4\r\nChloé Lefèvre,\"Réclamations, niveau 2\",5\r\nJürgen Straß,Kundenservice Übersee,3\r\n"
    );
    let mapping = "[columns]\nagent = \"Agent\"\nagent_key = \"name\"\nskill = \"Skill\"\nproficiency = \"Level\"\n";
    let feed = support::load(dir.path(), "typed.csv", &typed, Some(mapping), kind);
    let s = support::prepare(client.as_ref(), &feed, &options).await.plan.summary;
    assert_eq!((s.add, s.update, s.invalid, s.unchanged), (0, 0, 0, 3), "accented agent names resolve: {s:?}");
}

#[tokio::test]
async fn genesys_an_export_saved_by_excel_imports_back_as_zero_changes() {
    an_export_saved_by_excel_imports_back_as_zero_changes(PlatformKind::Genesys).await;
}

#[tokio::test]
async fn cxone_an_export_saved_by_excel_imports_back_as_zero_changes() {
    an_export_saved_by_excel_imports_back_as_zero_changes(PlatformKind::Cxone).await;
}
