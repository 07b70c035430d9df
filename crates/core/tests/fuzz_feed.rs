//! Fuzzing on the stable toolchain (no nightly, so no cargo-fuzz): the corpus — good feeds, bad
//! feeds and mapping files — is mutated byte-wise (flip, insert, delete, duplicate, truncate) and
//! structure-wise (lines duplicated, dropped and swapped, delimiters swapped, cells replaced by odd
//! levels and names, quotes, BOMs and NULs injected, line endings and encodings changed, files
//! spliced), and every input goes through import → mapping (detected, the saved mappings and
//! sometimes a mutated one) → `plan::build` against the corpus tenant, on both platforms. A panic
//! or a broken invariant is a finding: its input is shrunk and saved with its seed and index.
//!
//! Invariants: a file-level error is one short message; table lines increase; every feed problem
//! and every unconvertible value names its row and column; a long-layout row yields exactly one
//! record or problem, and a wide or packed row that yields nothing has nothing to read; every plan
//! row has a line of the file (or is a confirmed removal of an unlisted skill), plan rows are the
//! records plus the problems, every invalid row says why, the summary adds up, and every change is
//! on the platform's scale and backed by one valid row.
//!
//! The short run is an ordinary test. A long run, and the replay of a saved finding:
//!
//! ```text
//! FUZZ_SECONDS=600 FUZZ_SEED=1 cargo test -p skillsync-core --release --test fuzz_feed -- --ignored fuzz_for_a_while --nocapture
//! FUZZ_REPLAY=<finding>.csv cargo test -p skillsync-core --test fuzz_feed -- --ignored replay --nocapture
//! ```
//!
//! Findings go to `FUZZ_OUT` (default: `fuzz-findings` in Cargo's target tmp folder).

mod corpus;
mod fuzz;

use fuzz::checks::exercise;
use fuzz::inputs::generate;
use fuzz::{Context, Input, Stats};
use skillsync_core::mapping::Mapping;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

/// The seed of the run every `cargo test` makes.
const CI_SEED: u64 = 0x5EED_2026;
/// How long that run lasts.
const CI_DURATION: Duration = Duration::from_secs(20);
/// An input taking longer than this is a finding (a hang, or a quadratic blow-up). Wall-clock time
/// on a shared machine: the largest inputs (a wide file of 2,500 columns, 160,000 records per
/// platform) take several seconds, and over 10 s when other builds hold both cores.
const SLOW: Duration = Duration::from_secs(30);

#[test]
fn fuzz_the_corpus_briefly_with_a_fixed_seed() {
    let report = run(CI_SEED, CI_DURATION, &findings_dir());
    println!("{report}");
    assert!(report.findings.is_empty(), "{report}");
    assert!(report.executed >= 200, "only {} inputs in {:?}", report.executed, report.elapsed);
}

#[test]
#[ignore = "a long run: FUZZ_SECONDS (600), FUZZ_SEED (the clock), FUZZ_OUT"]
fn fuzz_for_a_while() {
    let seconds = env_number("FUZZ_SECONDS").unwrap_or(600);
    let seed = env_number("FUZZ_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs())
    });
    let report = run(seed, Duration::from_secs(seconds), &findings_dir());
    println!("{report}");
    assert!(report.findings.is_empty(), "{report}");
}

#[test]
#[ignore = "replays one input: FUZZ_REPLAY=<saved file>, or FUZZ_SEED and FUZZ_INDEX to make it again"]
fn replay() {
    let ctx = Context::load();
    let input = match std::env::var_os("FUZZ_REPLAY") {
        Some(path) => {
            // `cargo test` runs in the crate's folder; a relative path is meant from the workspace.
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
            let feed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mapping_path = path.with_extension("toml");
            let mapping = std::fs::read_to_string(mapping_path).ok().map(|t| Mapping::from_toml(&t).expect("mapping"));
            Input { feed, mapping }
        }
        None => {
            let seed = env_number("FUZZ_SEED").expect("FUZZ_REPLAY, or FUZZ_SEED and FUZZ_INDEX");
            let index = env_number("FUZZ_INDEX").expect("FUZZ_INDEX");
            let input = generate(&ctx, seed, index);
            let out = findings_dir();
            std::fs::create_dir_all(&out).expect("findings folder");
            let path = out.join(format!("seed-{seed:#x}-input-{index}.replay.csv"));
            std::fs::write(&path, &input.feed).expect("input written");
            println!("input {index} of seed {seed:#x}: {} bytes, written to {}", input.feed.len(), path.display());
            input
        }
    };
    let started = Instant::now();
    exercise(&ctx, &input, &mut Stats::default());
    println!("took {:?}", started.elapsed());
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn findings_dir() -> PathBuf {
    std::env::var_os("FUZZ_OUT")
        .map_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings"), Into::into)
}

struct Finding {
    index: u64,
    location: String,
    message: String,
    saved: PathBuf,
    bytes: usize,
}

struct Report {
    seed: u64,
    executed: u64,
    elapsed: Duration,
    stats: Stats,
    slowest: (Duration, u64),
    findings: Vec<Finding>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        writeln!(
            f,
            "fuzz seed {:#x}: {} inputs in {secs:.1} s ({:.0}/s); {} unreadable, {} without a mapping, {} plans with \
             {} rows; slowest input #{} took {:?}; {} findings",
            self.seed,
            self.executed,
            self.executed as f64 / secs.max(1e-9),
            self.stats.unreadable,
            self.stats.no_mapping,
            self.stats.plans,
            self.stats.plan_rows,
            self.slowest.1,
            self.slowest.0,
            self.findings.len()
        )?;
        for x in &self.findings {
            writeln!(
                f,
                "  #{} at {}: {} ({} bytes, saved to {})",
                x.index,
                x.location,
                x.message,
                x.bytes,
                x.saved.display()
            )?;
        }
        Ok(())
    }
}

fn run(seed: u64, duration: Duration, out: &Path) -> Report {
    install_panic_hook();
    let ctx = Context::load();
    let started = Instant::now();
    let mut report = Report {
        seed,
        executed: 0,
        elapsed: Duration::ZERO,
        stats: Stats::default(),
        slowest: (Duration::ZERO, 0),
        findings: Vec::new(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    while started.elapsed() < duration {
        let index = report.executed;
        let began = Instant::now();
        let input = generate(&ctx, seed, index);
        let outcome = attempt(&ctx, &input, &mut report.stats);
        let took = began.elapsed();
        report.executed += 1;
        if took > report.slowest.0 {
            report.slowest = (took, index);
        }
        let failure = match outcome {
            Err(failure) => Some(failure),
            Ok(()) if took > SLOW => Some(("slow".to_string(), format!("took {took:?}"))),
            Ok(()) => None,
        };
        let Some((location, message)) = failure else { continue };
        if !seen.insert(location.clone()) {
            continue;
        }
        let shrunk = if location == "slow" { input.feed.clone() } else { shrink(&ctx, &input, &location) };
        let saved = save(out, seed, index, &input, &shrunk, &location, &message);
        report.findings.push(Finding { index, location, message, saved, bytes: shrunk.len() });
    }
    report.elapsed = started.elapsed();
    report
}

thread_local! {
    /// Set while this thread runs an input: its panics are findings, not test failures.
    static FUZZING: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Panics of fuzzed inputs are recorded quietly (thousands of backtraces help nobody); any other
/// panic goes to the hook that was there before.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if FUZZING.with(Cell::get) {
                let location =
                    info.location().map_or_else(|| "unknown".into(), |l| format!("{}:{}", l.file(), l.line()));
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some((location, message)));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs one input; a panic comes back as (where, what).
fn attempt(ctx: &Context, input: &Input, stats: &mut Stats) -> Result<(), (String, String)> {
    FUZZING.with(|f| f.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| exercise(ctx, input, stats)));
    FUZZING.with(|f| f.set(false));
    result.map_err(|_| {
        LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| ("unknown".into(), "no message".into()))
    })
}

/// The smallest input (by removing ever smaller chunks) that still fails at the same place.
fn shrink(ctx: &Context, input: &Input, location: &str) -> Vec<u8> {
    let fails = |feed: &[u8]| {
        let candidate = Input { feed: feed.to_vec(), mapping: input.mapping.clone() };
        attempt(ctx, &candidate, &mut Stats::default()).err().is_some_and(|(at, _)| at == location)
    };
    let mut current = input.feed.clone();
    let mut chunk = (current.len() / 2).max(1);
    let mut budget = 4_000;
    while budget > 0 {
        let mut removed = false;
        let mut at = 0;
        while at < current.len() && budget > 0 {
            budget -= 1;
            let end = (at + chunk).min(current.len());
            let candidate: Vec<u8> = current[..at].iter().chain(&current[end..]).copied().collect();
            if fails(&candidate) {
                current = candidate;
                removed = true;
            } else {
                at += chunk;
            }
        }
        if chunk == 1 && !removed {
            break;
        }
        if !removed {
            chunk = (chunk / 2).max(1);
        }
    }
    current
}

fn save(out: &Path, seed: u64, index: u64, input: &Input, shrunk: &[u8], location: &str, message: &str) -> PathBuf {
    std::fs::create_dir_all(out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    let stem = out.join(format!("seed-{seed:#x}-input-{index}"));
    let path = stem.with_extension("csv");
    let write = |p: PathBuf, bytes: &[u8]| std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    write(path.clone(), shrunk);
    write(stem.with_extension("original.csv"), &input.feed);
    if let Some(m) = &input.mapping {
        write(stem.with_extension("toml"), m.to_toml().as_bytes());
    }
    let note = format!("seed {seed:#x}, input {index}\n{location}\n{message}\n");
    write(stem.with_extension("txt"), note.as_bytes());
    path
}
