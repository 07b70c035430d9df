//! Every bad feed in `tests/fixtures/bad/` gets exactly the answer its `<name>.expected.json` pins —
//! one file-level error code, or the row problems with their lines, codes and columns — and no
//! input, however mangled, makes import or mapping panic.
//!
//! An expectation is either a list `[{"line","code","column"}]` (Genesys, columns detected) or an
//! object with optional `platform` ("genesys"/"cxone"), optional `mapping` (a TOML file relative to
//! the corpus folder) and either `error` (a stable error code) or `problems` (that list).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use skillsync_core::import::{read_bytes, Table};
use skillsync_core::mapping::Mapping;
use skillsync_core::{Error, PlatformKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

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
    Case {
        #[serde(default)]
        platform: Option<PlatformKind>,
        #[serde(default)]
        mapping: Option<String>,
        #[serde(default)]
        error: Option<String>,
        #[serde(default)]
        problems: Option<Vec<Expected>>,
    },
}

/// What the job's first two steps make of a file: a file-level error, or the row problems.
fn outcome(bytes: &[u8], mapping: Option<&Path>, platform: PlatformKind) -> Result<Vec<Expected>, Error> {
    let table = read_bytes(bytes)?;
    let mapping = match mapping {
        Some(path) => Mapping::load(path)?,
        None => Mapping::detect(&table)?,
    };
    mapping.check(&table, platform)?;
    let mut found: Vec<Expected> = mapping
        .diagnose(&table, platform)
        .into_iter()
        .map(|p| Expected { line: p.line, code: p.code, column: p.column })
        .collect();
    found.sort();
    Ok(found)
}

#[test]
fn every_bad_feed_gets_its_expected_answer() {
    let dir = fixtures().join("bad");
    let mut feeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    feeds.sort();
    assert!(feeds.len() >= 15, "the corpus holds at least 15 bad feeds, found {}", feeds.len());
    let mut failures = Vec::new();
    for feed in &feeds {
        let name = feed.file_stem().and_then(|s| s.to_str()).expect("utf-8 file name");
        let expected_path = dir.join(format!("{name}.expected.json"));
        let text = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| panic!("{name}: no expectation: {e}"));
        let expectation: Expectation =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: bad expectation: {e}"));
        let (platform, mapping, error, mut problems) = match expectation {
            Expectation::Problems(p) => (None, None, None, Some(p)),
            Expectation::Case { platform, mapping, error, problems } => (platform, mapping, error, problems),
        };
        let mapping = mapping.map(|m| dir.join(m));
        let bytes = std::fs::read(feed).expect("corpus feed");
        let got = outcome(&bytes, mapping.as_deref(), platform.unwrap_or(PlatformKind::Genesys));
        let ok = match (&got, &error, problems.as_mut()) {
            (Err(e), Some(code), _) => e.code() == code,
            (Ok(found), None, Some(want)) => {
                want.sort();
                found == want
            }
            _ => false,
        };
        if !ok {
            let got = got.map_err(|e| format!("{}: {e}", e.code()));
            failures.push(format!("{name}: expected error {error:?} problems {problems:?}\n    got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} corpus files differ:\n{}", failures.len(), feeds.len(), failures.join("\n"));
}

#[test]
fn row_problem_messages_name_the_row_the_column_and_a_fix() {
    let dir = fixtures().join("bad");
    for name in ["unmapped_words", "ragged_rows", "bad_pairs", "whitespace_cells", "wide_bad_cells"] {
        let bytes = std::fs::read(dir.join(format!("{name}.csv"))).expect("corpus feed");
        let table = read_bytes(&bytes).expect("readable");
        let mapping = Mapping::detect(&table).expect("detects");
        for p in mapping.diagnose(&table, PlatformKind::Genesys) {
            assert!(p.message.starts_with(&format!("line {}", p.line)), "{name}: row named: {}", p.message);
            assert!(p.message.contains(&p.column), "{name}: column named: {}", p.message);
            assert!(p.message.contains(": "), "{name}: a reason and a fix: {}", p.message);
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
