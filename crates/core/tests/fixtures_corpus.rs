//! Every bad feed in `tests/fixtures/bad/` gets exactly the answer its `<name>.expected.json` pins —
//! one file-level error code, or the row problems with their lines, codes and columns — and no
//! input, however mangled, makes import or mapping panic.
//!
//! An expectation is either a list `[{"line","code","column"}]` (Genesys, columns detected) or an
//! object with optional `platform` ("genesys"/"cxone"), optional `mapping` (a TOML file relative to
//! the corpus folder) and either `error` (a stable error code) or `problems` (that list). Problems
//! that only the plan can see (an agent the platform does not know) are pinned by `plan`: the
//! invalid rows of `plan::build` against the corpus tenant (`corpus::snapshot`), with `planned`
//! the number of rows that still plan.
//!
//! `CORPUS_SHOW=1 cargo test -p skillsync-core --test fixtures_corpus -- --nocapture` prints what
//! each bad feed gets, with the messages, to write a new expectation from.

mod corpus;

use corpus::fixtures;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use skillsync_core::import::{read_bytes, Table};
use skillsync_core::mapping::Mapping;
use skillsync_core::plan::{self, PlanOptions};
use skillsync_core::{Action, Error, Feed, PlatformKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Expected {
    line: usize,
    code: String,
    column: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expectation {
    Problems(Vec<Expected>),
    Case(Case),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    platform: Option<PlatformKind>,
    #[serde(default)]
    mapping: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    problems: Option<Vec<Expected>>,
    #[serde(default)]
    plan: Option<Vec<Expected>>,
    #[serde(default)]
    planned: Option<usize>,
}

impl Case {
    fn read(dir: &Path, name: &str) -> Case {
        let path = dir.join(format!("{name}.expected.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: no expectation: {e}"));
        match serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: bad expectation: {e}")) {
            Expectation::Problems(p) => Case { problems: Some(p), ..Case::default() },
            Expectation::Case(case) => case,
        }
    }

    fn platform(&self) -> PlatformKind {
        self.platform.unwrap_or(PlatformKind::Genesys)
    }
}

/// What the job makes of a file: a file-level error, or the feed (records and row problems).
fn outcome(bytes: &[u8], mapping: Option<&Path>, platform: PlatformKind) -> Result<(Table, Mapping, Feed), Error> {
    let table = read_bytes(bytes)?;
    let mapping = match mapping {
        Some(path) => Mapping::load(path)?,
        None => Mapping::detect(&table)?,
    };
    mapping.check(&table, platform)?;
    let feed = mapping.apply(&table, platform);
    Ok((table, mapping, feed))
}

fn sorted(list: impl IntoIterator<Item = (usize, String, String)>) -> Vec<Expected> {
    let mut out: Vec<Expected> = list.into_iter().map(|(line, code, column)| Expected { line, code, column }).collect();
    out.sort();
    out
}

fn bad_feeds() -> Vec<(String, PathBuf)> {
    let dir = fixtures().join("bad");
    let mut feeds: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| (p.file_stem().and_then(|s| s.to_str()).expect("utf-8 file name").to_string(), p))
        .collect();
    feeds.sort();
    feeds
}

#[test]
fn every_bad_feed_gets_its_expected_answer() {
    let dir = fixtures().join("bad");
    let feeds = bad_feeds();
    assert!(feeds.len() >= 30, "the corpus holds at least 30 bad feeds, found {}", feeds.len());
    let show = std::env::var_os("CORPUS_SHOW").is_some();
    let snapshot = corpus::snapshot();
    let mut failures = Vec::new();
    for (name, feed) in &feeds {
        let case = Case::read(&dir, name);
        let platform = case.platform();
        let mapping = case.mapping.as_ref().map(|m| dir.join(m));
        let bytes = std::fs::read(feed).expect("corpus feed");
        let got = outcome(&bytes, mapping.as_deref(), platform);
        if show {
            match &got {
                Err(e) => println!("{name}: {}: {e}", e.code()),
                Ok((_, _, feed)) => {
                    let plan = plan::build(platform, feed, &snapshot, &PlanOptions::for_platform(platform));
                    println!("{name}: {} records, plan {:?}", feed.records.len(), plan.summary);
                    for r in plan.rows.iter().filter(|r| r.action == Action::Invalid) {
                        let p = r.problem.as_ref().expect("an invalid row says why");
                        println!("    {} {} [{}] {}", p.line, p.code, p.column, p.message);
                    }
                }
            }
        }
        let mut differs = Vec::new();
        match (&got, &case.error) {
            (Err(e), Some(code)) if e.code() == code => {}
            (Err(e), _) => differs.push(format!("got error {}: {e}", e.code())),
            (Ok(_), Some(code)) => differs.push(format!("expected error {code}, the file was read")),
            (Ok((table, mapping, feed)), None) => {
                if let Some(want) = &case.problems {
                    let problems = mapping.diagnose(table, platform);
                    let found = sorted(problems.into_iter().map(|p| (p.line, p.code, p.column)));
                    if found != sorted(want.iter().map(|e| (e.line, e.code.clone(), e.column.clone()))) {
                        differs.push(format!("mapping problems {found:?}"));
                    }
                }
                if case.plan.is_some() || case.planned.is_some() {
                    let plan = plan::build(platform, feed, &snapshot, &PlanOptions::for_platform(platform));
                    let invalid = plan.rows.iter().filter(|r| r.action == Action::Invalid);
                    let found = sorted(invalid.filter_map(|r| r.problem.clone()).map(|p| (p.line, p.code, p.column)));
                    if let Some(want) = &case.plan {
                        if found != sorted(want.iter().map(|e| (e.line, e.code.clone(), e.column.clone()))) {
                            differs.push(format!("plan problems {found:?}"));
                        }
                    }
                    let planned = plan.summary.rows - plan.summary.invalid;
                    if case.planned.is_some_and(|n| n != planned) {
                        differs.push(format!("{planned} rows plan"));
                    }
                }
                if case.problems.is_none() && case.plan.is_none() {
                    differs.push("the expectation pins nothing".into());
                }
            }
        }
        if !differs.is_empty() {
            failures.push(format!("{name}: {}", differs.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} corpus files differ:\n{}", failures.len(), feeds.len(), failures.join("\n"));
}

/// The SPEC's promise for every bad feed: a file-level error is one short sentence with a fix; a
/// row problem names its row, its column and a fix — in the mapping's list and in the plan.
#[test]
fn every_answer_names_the_row_the_column_and_a_fix() {
    let dir = fixtures().join("bad");
    let snapshot = corpus::snapshot();
    for (name, feed) in bad_feeds() {
        let case = Case::read(&dir, &name);
        let platform = case.platform();
        let mapping = case.mapping.as_ref().map(|m| dir.join(m));
        let bytes = std::fs::read(feed).expect("corpus feed");
        let (table, mapping, feed) = match outcome(&bytes, mapping.as_deref(), platform) {
            Ok(got) => got,
            Err(e) => {
                let message = e.to_string();
                let chars = message.chars().count();
                assert!(chars < 600, "{name}: a short error, got {chars} characters: {message}");
                assert!(message.contains(": "), "{name}: a reason and a fix: {message}");
                continue;
            }
        };
        for p in mapping.diagnose(&table, platform) {
            assert!(p.message.starts_with(&format!("line {}", p.line)), "{name}: row named: {}", p.message);
            assert!(p.message.contains(&p.column), "{name}: column named: {}", p.message);
            assert!(p.message.contains(": "), "{name}: a reason and a fix: {}", p.message);
        }
        let plan = plan::build(platform, &feed, &snapshot, &PlanOptions::for_platform(platform));
        for r in plan.rows.iter().filter(|r| r.action == Action::Invalid) {
            let p = r.problem.as_ref().unwrap_or_else(|| panic!("{name}: line {} is invalid without a reason", r.line));
            assert!(p.message.contains(&format!("line {}", p.line)), "{name}: row named: {}", p.message);
            assert!(!p.column.is_empty(), "{name}: line {}: a column: {}", p.line, p.message);
        }
    }
}

#[test]
fn the_one_megabyte_cell_is_shortened_in_its_message() {
    let bytes = std::fs::read(fixtures().join("bad/one_mb_line.csv")).expect("corpus feed");
    let table = read_bytes(&bytes).expect("readable");
    let problems = Mapping::detect(&table).expect("detects").diagnose(&table, PlatformKind::Genesys);
    let message = &problems.first().expect("one problem").message;
    assert!(message.len() < 400, "message of {} bytes", message.len());
}

/// Runs everything a caller may run on a file, with the detected mapping and with the fixture
/// mappings (value map, inverted scale); only a panic can fail it.
fn exercise(bytes: &[u8], saved: &[Mapping]) {
    let Ok(table) = read_bytes(bytes) else { return };
    check_table_shape(&table);
    for mapping in saved {
        let _ = mapping.check(&table, PlatformKind::Cxone);
        let _ = mapping.diagnose(&table, PlatformKind::Cxone);
        let _ = mapping.distinct_values(&table);
    }
    let Ok(mapping) = Mapping::detect(&table) else { return };
    let _ = Mapping::from_toml(&mapping.to_toml());
    for platform in [PlatformKind::Genesys, PlatformKind::Cxone] {
        let _ = mapping.check(&table, platform);
        let feed = mapping.apply(&table, platform);
        for r in &feed.records {
            assert!(r.line >= 2, "a record comes from a data line, got {}", r.line);
        }
        let _ = mapping.diagnose(&table, platform);
    }
    let _ = mapping.distinct_values(&table);
}

fn check_table_shape(table: &Table) {
    let mut last = 0;
    for row in table.rows() {
        assert!(row.line > last, "lines increase: {} after {}", row.line, last);
        last = row.line;
    }
}

fn good_fixtures() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures()).expect("fixtures folder") {
        let path = entry.expect("fixture entry").path();
        if path.is_file() && path.extension().is_some_and(|e| e == "csv" || e == "txt") {
            out.push(std::fs::read(&path).expect("fixture"));
        }
    }
    assert!(out.len() >= 10, "good fixtures found: {}", out.len());
    out
}

#[test]
fn random_bytes_and_mutated_feeds_never_panic() {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(0x5EED_F00D);
    let alphabet: &[u8] = b"ab1.,;|\t\"\r\n:% \x00\xff\xfe\xef\xbb\xbf";
    let saved: Vec<Mapping> = ["mapping_values.toml", "mapping_cxone_scale.toml"]
        .map(|m| Mapping::load(&fixtures().join(m)).expect("fixture mapping loads"))
        .into();
    for _ in 0..600 {
        let len = rng.random_range(0..300);
        let random: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        exercise(&random, &saved);
        let textish: Vec<u8> = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
        exercise(&textish, &saved);
        let _ = Mapping::from_toml(&String::from_utf8_lossy(&textish));
    }
    let seeds = good_fixtures();
    for _ in 0..1500 {
        let mut bytes = seeds[rng.random_range(0..seeds.len())].clone();
        for _ in 0..rng.random_range(1..6) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.random_range(0..bytes.len());
            match rng.random_range(0..4) {
                0 => bytes[at] = alphabet[rng.random_range(0..alphabet.len())],
                1 => bytes.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        exercise(&bytes, &saved);
    }
    assert!(started.elapsed() < Duration::from_secs(10), "fuzz loop took {:?}", started.elapsed());
}
