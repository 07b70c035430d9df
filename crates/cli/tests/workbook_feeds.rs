//! `skillsync plan|apply WORKBOOK [--sheet NAME]` as a scheduler runs it, against a sandbox on
//! 127.0.0.1: the default sheet, a named sheet, numbers that reach the platform as written, and an
//! unknown sheet that exits 2 listing the sheets and sends nothing.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use support::{assert_summary, run, Tenant};

fn fixture() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/workbooks/levels.xlsx");
    path.to_str().expect("a UTF-8 path").to_string()
}

fn assignment(state: &Value, email: &str, skill: &str) -> Option<f64> {
    state["assignments"]
        .as_array()?
        .iter()
        .find(|a| a["email"] == email && a["skill"] == skill)
        .and_then(|a| a["proficiency"].as_f64())
}

#[test]
fn a_workbook_plans_its_default_sheet_and_applies_a_named_one() {
    let t = Tenant::start("genesys", |_| {});
    let feed = fixture();

    // Default: "Long" (the first sheet, "Read me", has no header); rows 4–10 under a title.
    let out = run(t.cmd(&["plan", &feed, "--json"]));
    assert_eq!(out.code, 0, "plan exits 0: {}", out.all());
    assert_summary(&out.json(), [7, 3, 1, 2, 1, 0, 0], [3, 0], "plan of the default sheet");

    let out = run(t.cmd(&["plan", &feed, "--sheet", "Wide"]));
    assert_eq!(out.code, 0, "plan exits 0: {}", out.all());
    assert!(out.stderr.contains("Reading sheet 'Wide'"), "the sheet read is named: {}", out.all());
    assert!(out.stdout.contains("(Excel workbook (.xlsx), wide layout)"), "the feed line: {}", out.all());
    assert!(out.stdout.contains("cell B4 holds a date"), "the bad cell's reason is printed: {}", out.all());

    let out = run(t.cmd(&["apply", &feed, "--sheet", "Wide", "--yes", "--json"]));
    assert_eq!(out.code, 0, "apply exits 0: {}", out.all());
    // Ana: Billing unchanged, Sales added at 4.5; Bo: Billing 2→3, Retention added; Di: Retention
    // added, a date and a #DIV/0! invalid. One PATCH per changed agent.
    assert_summary(&out.json(), [7, 2, 1, 3, 1, 0, 4], [3, 3], "apply of sheet Wide");
    let state = t.state();
    assert_eq!(assignment(&state, "ana.lee@example.com", "Sales - Spanish"), Some(4.5), "4.5 stays 4.5: {state}");
    assert_eq!(assignment(&state, "di.evans@example.com", "Retention"), Some(5.0), "{state}");
    assert_eq!(assignment(&state, "di.evans@example.com", "Billing - English"), None, "a date sends nothing");
}

#[test]
fn an_unknown_sheet_exits_2_listing_the_sheets() {
    let t = Tenant::start("genesys", |_| {});
    let out = run(t.cmd(&["plan", &fixture(), "--sheet", "March", "--json"]));
    assert_eq!(out.code, 2, "an unknown sheet: {}", out.all());
    assert!(
        out.stderr.contains("no sheet 'March': its sheets are 'Read me', 'Long', 'Wide', 'Packed'"),
        "the error lists the sheets: {}",
        out.all()
    );
    let csv = t.write("feed.csv", "email,skill,proficiency\nana.lee@example.com,Retention,3\n");
    let out = run(t.cmd(&["plan", csv.to_str().expect("a UTF-8 path"), "--sheet", "Levels"]));
    assert_eq!(out.code, 2, "a sheet asked of a CSV: {}", out.all());
    assert_eq!(t.stats()["total"], 0, "nothing was sent: {}", t.stats());
}
