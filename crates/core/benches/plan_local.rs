//! Local planning at the largest tenant the product is for: a 100,000-row feed against 20,000
//! agents, 300 skills and ~150,000 assignments, everything in memory (no network), so the figures
//! are the engine's own cost. Run: `cargo bench -p skillsync-core --bench plan_local`.

use skillsync_core::import;
use skillsync_core::mapping::Mapping;
use skillsync_core::plan::{self, PlanOptions};
use skillsync_core::{Agent, Feed, PlatformKind, Skill, Snapshot};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const AGENTS: usize = 20_000;
const SKILLS: usize = 300;
const ROWS_PER_AGENT: usize = 5;
const ITERATIONS: usize = 7;
const PLATFORM: PlatformKind = PlatformKind::Genesys;

/// A small deterministic generator, so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FIRST: [&str; 40] = [
    "ana", "ben", "carla", "dmitri", "eva", "farid", "grace", "hugo", "ines", "jonas", "kemi", "liam", "maria",
    "nikos", "olga", "pablo", "quinn", "rosa", "sanjay", "tomas", "uma", "viktor", "wen", "ximena", "yusuf", "zoe",
    "aisha", "bruno", "chen", "daria", "emeka", "fatima", "goran", "hana", "ivan", "julia", "kofi", "lucia", "mateo",
    "nadia",
];
const LAST: [&str; 25] = [
    "silva", "okafor", "nguyen", "schmidt", "rossi", "kowalski", "tanaka", "garcia", "novak", "haddad", "murphy",
    "jensen", "moreau", "petrov", "santos", "kim", "ali", "costa", "dubois", "weber", "lopez", "ivanova", "berg",
    "patel", "mensah",
];
const AREAS: [&str; 30] = [
    "Billing",
    "Sales",
    "Retention",
    "Tech Support",
    "Claims",
    "Onboarding",
    "Collections",
    "Returns",
    "Shipping",
    "Accounts",
    "Fraud",
    "Loyalty",
    "Warranty",
    "Payments",
    "Upgrades",
    "Outages",
    "Installations",
    "Roaming",
    "Porting",
    "Complaints",
    "Escalations",
    "VIP",
    "Business",
    "Mortgages",
    "Loans",
    "Cards",
    "Insurance",
    "Travel",
    "Bookings",
    "Chat",
];
const LANGUAGES: [&str; 10] =
    ["English", "Spanish", "French", "German", "Portuguese", "Italian", "Dutch", "Polish", "Arabic", "Japanese"];

fn snapshot(rng: &mut Rng) -> Snapshot {
    let skills: Vec<Skill> = (0..SKILLS)
        .map(|i| Skill {
            id: format!("00000000-0000-4000-8000-{i:012}"),
            name: format!("{} - {}", AREAS[i / LANGUAGES.len()], LANGUAGES[i % LANGUAGES.len()]),
            active: i % 97 != 5,
            kind: Default::default(),
        })
        .collect();
    let agents: Vec<Agent> = (0..AGENTS)
        .map(|i| {
            let (first, last) = (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()]);
            let n = i / (FIRST.len() * LAST.len());
            let email = format!("{first}.{last}{n}@contoso-support.com");
            Agent {
                id: format!("10000000-0000-4000-8000-{i:012}"),
                name: format!("{} {}", first, last),
                username: email.split('@').next().unwrap_or_default().to_string(),
                email,
                active: i % 211 != 7,
            }
        })
        .collect();
    let mut assignments = HashMap::new();
    for a in &agents {
        for _ in 0..7 + rng.below(2) {
            let s = &skills[rng.below(SKILLS)];
            assignments.insert((a.id.clone(), s.id.clone()), (1 + rng.below(5)) as f64);
        }
    }
    Snapshot { skills, agents, assignments, ..Snapshot::default() }
}

/// A long feed `email,skill,proficiency`: mostly the current state (a nightly re-run), with
/// updates, adds, misspelt agents and skills, duplicates, conflicts and values that do not map.
fn feed_csv(snap: &Snapshot, rng: &mut Rng) -> Vec<u8> {
    let mut held: HashMap<&str, Vec<(&str, f64)>> = HashMap::new();
    for ((a, s), v) in &snap.assignments {
        held.entry(a.as_str()).or_default().push((s.as_str(), *v));
    }
    for list in held.values_mut() {
        list.sort_by(|x, y| x.0.cmp(y.0));
    }
    let skill_name: HashMap<&str, &str> = snap.skills.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let mut out = String::with_capacity(AGENTS * ROWS_PER_AGENT * 64);
    out.push_str("email,skill,proficiency\n");
    let mut previous = String::new();
    for a in &snap.agents {
        let current = held.get(a.id.as_str()).map(Vec::as_slice).unwrap_or_default();
        for k in 0..ROWS_PER_AGENT {
            let roll = rng.below(1000);
            let (mut skill, mut value) = match current.get(k) {
                Some(&(id, v)) if roll < 650 => (skill_name[id].to_string(), v.to_string()),
                Some(&(id, v)) if roll < 850 => (skill_name[id].to_string(), ((v as usize % 5) + 1).to_string()),
                _ => (snap.skills[rng.below(SKILLS)].name.clone(), (1 + rng.below(5)).to_string()),
            };
            let mut email = a.email.clone();
            match rng.below(1000) {
                0..=2 => email = email.replacen('.', "", 1),
                3..=5 => skill = skill.replacen('i', "", 1),
                6..=8 => value = ["Expert", "9", "", "high"][rng.below(4)].to_string(),
                9..=13 if !previous.is_empty() => {
                    out.push_str(&previous);
                    continue;
                }
                _ => {}
            }
            previous = format!("{email},{skill},{value}\n");
            out.push_str(&previous);
        }
    }
    out.into_bytes()
}

fn map(bytes: &[u8]) -> Feed {
    let table = import::read_bytes(bytes).expect("the generated feed imports");
    let mapping = Mapping::detect(&table).expect("the generated header is detected");
    mapping.apply(&table, PLATFORM)
}

struct Stats {
    min: Duration,
    median: Duration,
}

fn measure<T>(mut f: impl FnMut() -> T) -> (Stats, T) {
    let mut times = Vec::with_capacity(ITERATIONS);
    let mut last = None;
    for _ in 0..ITERATIONS {
        // Free the previous result first, so the memory peak is one pipeline's, not two.
        drop(last.take());
        let start = Instant::now();
        let out = std::hint::black_box(f());
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    let stats = Stats { min: times[0], median: times[times.len() / 2] };
    (stats, last.expect("at least one iteration"))
}

/// Resets the kernel's high-water mark (Linux 4.0+), so the next reading covers what follows.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut rng = Rng(0x5eed_cafe_f00d_beef);
    let snap = snapshot(&mut rng);
    let bytes = feed_csv(&snap, &mut rng);
    let options = PlanOptions::for_platform(PLATFORM);

    let resident = peak_memory_mb();
    reset_peak_memory();
    let (whole, _) = measure(|| plan::build(PLATFORM, &map(&bytes), &snap, &options));
    let peak = peak_memory_mb();
    let (parse, feed) = measure(|| map(&bytes));
    let (diff, plan) = measure(|| plan::build(PLATFORM, &feed, &snap, &options));

    let s = plan.summary;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "local planning: {} agents, {} skills, {} assignments; feed {} records ({:.1} MB), {} row problems",
        snap.agents.len(),
        snap.skills.len(),
        snap.assignments.len(),
        feed.records.len(),
        bytes.len() as f64 / 1e6,
        feed.problems.len()
    );
    let _ = writeln!(
        table,
        "plan: {} rows = {} add + {} update + {} remove + {} unchanged + {} invalid; {} changes",
        s.rows,
        s.add,
        s.update,
        s.remove,
        s.unchanged,
        s.invalid,
        plan.changes.len()
    );
    let _ = writeln!(
        table,
        "unresolved: {} unknown agents, {} unknown skills, {} inactive agents, {} inactive skills",
        plan.unresolved.unknown_agents.len(),
        plan.unresolved.unknown_skills.len(),
        plan.unresolved.inactive_agents.len(),
        plan.unresolved.inactive_skills.len()
    );
    let _ = writeln!(table, "{:<28} {:>12} {:>12}   ({ITERATIONS} iterations)", "step", "min", "median");
    for (name, st) in
        [("parse + detect + map", &parse), ("resolve + diff (plan::build)", &diff), ("whole local work", &whole)]
    {
        let _ = writeln!(table, "{:<28} {:>12} {:>12}", name, ms(st.min), ms(st.median));
    }
    match (resident, peak) {
        (Some(before), Some(peak)) => {
            let _ = writeln!(
                table,
                "peak memory (VmHWM) during the whole local work: {peak:.0} MB (snapshot and feed bytes alone: {before:.0} MB)"
            );
        }
        _ => table.push_str("peak memory: /proc/self/status not available\n"),
    }
    print!("{table}");
}
