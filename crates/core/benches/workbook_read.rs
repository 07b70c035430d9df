//! A 100,000-row feed read from an `.xlsx` against the same rows read from a CSV: reading, detecting
//! the columns and mapping every row (the step where the file's format matters), and the whole
//! local work up to the plan, against a 20,000-agent snapshot in memory (no network). The workbook
//! is written at run time with numbers as number cells and text as shared strings, as Excel writes
//! them. The two formats are measured in turn, iteration by iteration. Run:
//! `cargo bench -p skillsync-core --bench workbook_read`.

use rust_xlsxwriter::Workbook;
use skillsync_core::import;
use skillsync_core::mapping::Mapping;
use skillsync_core::plan::{self, PlanOptions};
use skillsync_core::{Agent, Feed, PlatformKind, Skill, Snapshot};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const AGENTS: usize = 20_000;
const SKILLS: usize = 300;
const ROWS_PER_AGENT: usize = 5;
const ITERATIONS: usize = 9;
const PLATFORM: PlatformKind = PlatformKind::Genesys;

/// A small deterministic generator, so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn snapshot(rng: &mut Rng) -> Snapshot {
    let skills: Vec<Skill> = (0..SKILLS)
        .map(|i| Skill {
            id: format!("00000000-0000-4000-8000-{i:012}"),
            name: format!("Queue {i:03} - Skill"),
            active: true,
            kind: Default::default(),
        })
        .collect();
    let agents: Vec<Agent> = (0..AGENTS)
        .map(|i| Agent {
            id: format!("10000000-0000-4000-8000-{i:012}"),
            name: format!("Agent {i}"),
            username: format!("agent.{i}"),
            email: format!("agent.{i}@contoso-support.com"),
            active: true,
        })
        .collect();
    let mut assignments = HashMap::new();
    for a in &agents {
        for _ in 0..4 {
            assignments.insert((a.id.clone(), skills[rng.below(SKILLS)].id.clone()), (1 + rng.below(5)) as f64);
        }
    }
    Snapshot { skills, agents, assignments, ..Snapshot::default() }
}

/// The feed's rows: (email, skill, level); a level is a whole number or a half ("4.5").
fn rows(snap: &Snapshot, rng: &mut Rng) -> Vec<(String, String, f64)> {
    let mut out = Vec::with_capacity(AGENTS * ROWS_PER_AGENT);
    for a in &snap.agents {
        for _ in 0..ROWS_PER_AGENT {
            let skill = snap.skills[rng.below(SKILLS)].name.clone();
            out.push((a.email.clone(), skill, rng.below(11) as f64 / 2.0));
        }
    }
    out
}

fn csv(rows: &[(String, String, f64)]) -> Vec<u8> {
    let mut out = String::from("email,skill,proficiency\n");
    for (email, skill, level) in rows {
        out.push_str(&format!("{email},{skill},{level}\n"));
    }
    out.into_bytes()
}

fn xlsx(rows: &[(String, String, f64)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["email", "skill", "proficiency"].into_iter().enumerate() {
        sheet.write_string(0, c as u16, h).expect("header written");
    }
    for (i, (email, skill, level)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, email).expect("cell written");
        sheet.write_string(r, 1, skill).expect("cell written");
        sheet.write_number(r, 2, *level).expect("cell written");
    }
    book.save_to_buffer().expect("the workbook is written")
}

fn map(bytes: &[u8]) -> Feed {
    let table = import::read_bytes(bytes).expect("the generated feed imports");
    let mapping = Mapping::detect(&table).expect("the generated header is detected");
    mapping.apply(&table, PLATFORM)
}

/// (min, median) of ITERATIONS runs of each of `a` and `b`, taken in turn so that a change in the
/// machine's load falls on both alike.
fn measure_pair<A, B>(mut a: impl FnMut() -> A, mut b: impl FnMut() -> B) -> [(Duration, Duration); 2] {
    let mut times = [Vec::with_capacity(ITERATIONS), Vec::with_capacity(ITERATIONS)];
    for _ in 0..ITERATIONS {
        let start = Instant::now();
        drop(std::hint::black_box(a()));
        times[0].push(start.elapsed());
        let start = Instant::now();
        drop(std::hint::black_box(b()));
        times[1].push(start.elapsed());
    }
    times.map(|mut t| {
        t.sort();
        (t[0], t[t.len() / 2])
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut rng = Rng(0x5eed_cafe_f00d_beef);
    let snap = snapshot(&mut rng);
    let rows = rows(&snap, &mut rng);
    let (csv, xlsx) = (csv(&rows), xlsx(&rows));

    let (from_csv, from_xlsx) = (map(&csv), map(&xlsx));
    assert_eq!(from_csv.records.len(), rows.len(), "every CSV row is a record");
    let same = from_csv.records.iter().zip(&from_xlsx.records).all(|(a, b)| {
        (a.line, &a.agent, &a.skill, &a.raw_value, &a.value) == (b.line, &b.agent, &b.skill, &b.raw_value, &b.value)
    });
    assert!(same && from_csv.records.len() == from_xlsx.records.len(), "the workbook maps to the same records");

    let options = PlanOptions::for_platform(PLATFORM);
    let [csv_map, xlsx_map] = measure_pair(|| map(&csv), || map(&xlsx));
    let [csv_whole, xlsx_whole] = measure_pair(
        || plan::build(PLATFORM, &map(&csv), &snap, &options),
        || plan::build(PLATFORM, &map(&xlsx), &snap, &options),
    );

    println!(
        "{} rows: CSV {:.1} MB, .xlsx {:.1} MB; the same {} records from both",
        rows.len(),
        csv.len() as f64 / 1e6,
        xlsx.len() as f64 / 1e6,
        from_csv.records.len()
    );
    println!("{:<40} {:>10} {:>10} {:>8}   ({ITERATIONS} iterations)", "step", "min", "median", "ratio");
    let steps =
        [("read + detect + map", csv_map, xlsx_map), ("whole local work (+ plan::build)", csv_whole, xlsx_whole)];
    for (name, c, x) in steps {
        println!("{:<40} {:>10} {:>10}", format!("{name}, CSV"), ms(c.0), ms(c.1));
        let ratio = x.1.as_secs_f64() / c.1.as_secs_f64();
        println!("{:<40} {:>10} {:>10} {:>7.2}×", format!("{name}, .xlsx"), ms(x.0), ms(x.1), ratio);
    }
}
