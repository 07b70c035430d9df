//! SIGKILL at many points of a real `skillsync apply`, then `--resume`, then the undo file.
//!
//! Each scenario (Genesys and CXone; long and wide feeds; unlisted removals, explicit removal
//! cells) first runs once uninterrupted against a slowed-down sandbox (latency per request, two
//! calls in flight), to learn when its writes start and end. Then, for a fixed list of points —
//! one during the reads, seven spread over the writes, one after the end — a fresh sandbox gets
//! the same job, the binary is killed with SIGKILL (`Child::kill`) at that point, and:
//!
//! 1. `skillsync apply FEED --resume` with the same journal runs to completion: exit code 0, and
//!    the tenant equals the plan's target exactly;
//! 2. the resumed run's undo file (`<report stem>.undo.csv`), applied with
//!    `--allow-remove --confirm-remove`, puts the tenant back exactly as it started.
//!
//! Where each kill landed is read from what the killed run left behind (its journal against the
//! calls the job needs), not assumed from the clock. The test prints one summary line and fails
//! when fewer than 20 kills landed mid-apply (some calls journaled, not all of them done).
//!
//! `cargo test -p skillsync-cli --test kill_resume -- --nocapture`

use serde_json::{json, Value};
use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantFile, TenantSource};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type State = BTreeMap<(String, String), f64>;

const AGENTS: usize = 24;
const SKILLS: usize = 16;
const LATENCY: Duration = Duration::from_millis(40);
/// Where, between the first and the last write of the uninterrupted run, the mid-apply kills aim.
const MID: [f64; 7] = [0.08, 0.22, 0.36, 0.5, 0.64, 0.78, 0.92];
const WANT_MID_APPLY: usize = 20;

fn email(n: usize) -> String {
    format!("agent{n:02}@example.com")
}

fn skill(n: usize) -> String {
    format!("Skill {n:02}")
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    Long,
    Wide,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Removal {
    None,
    /// `--remove-unlisted --confirm-remove`
    Unlisted,
    /// `remove` cells with `--allow-remove --confirm-remove`
    Cells,
}

#[derive(Clone, Copy, Debug)]
struct Scenario {
    platform: &'static str,
    layout: Layout,
    removal: Removal,
}

impl Scenario {
    fn name(&self) -> String {
        format!("{} {:?} feed, removal {:?}", self.platform, self.layout, self.removal)
    }

    fn value(&self, n: usize) -> f64 {
        if self.platform == "genesys" {
            (n % 6) as f64
        } else {
            (1 + n % 20) as f64
        }
    }

    /// Agent n holds skills n and n+3, and even agents n+7 too (mod 16).
    fn start(&self) -> State {
        let mut s = State::new();
        for n in 1..=AGENTS {
            s.insert((email(n), skill(n % SKILLS + 1)), self.value(n));
            s.insert((email(n), skill((n + 3) % SKILLS + 1)), self.value(n + 1));
            if n % 2 == 0 {
                s.insert((email(n), skill((n + 7) % SKILLS + 1)), self.value(n + 2));
            }
        }
        s
    }

    fn tenant(&self) -> TenantFile {
        let assignments: Vec<Value> =
            self.start().into_iter().map(|((e, s), v)| json!({"email": e, "skill": s, "proficiency": v})).collect();
        serde_json::from_value(json!({
            "skills": (1..=SKILLS).map(|n| json!({"name": skill(n)})).collect::<Vec<_>>(),
            "users": (1..=AGENTS).map(|n| json!({"email": email(n), "name": format!("Agent {n:02}")})).collect::<Vec<_>>(),
            "assignments": assignments,
        }))
        .expect("a valid tenant")
    }

    /// Per agent n: skill n updated, skill n+5 added, and in wide feeds skill n+9 added too; every
    /// third agent lists skill n+3 at its current value (unchanged, so never an unlisted removal);
    /// with removal cells, skill n+3 of the others is removed. Returns the feed and the target.
    fn feed(&self) -> (String, State) {
        let start = self.start();
        let mut cells: Vec<(usize, usize, String)> = Vec::new();
        for n in 1..=AGENTS {
            let own = n % SKILLS + 1;
            cells.push((n, own, fmt(self.value(n + 4))));
            cells.push((n, (n + 5) % SKILLS + 1, fmt(self.value(n + 5))));
            if self.layout == Layout::Wide {
                cells.push((n, (n + 9) % SKILLS + 1, fmt(self.value(n + 6))));
            }
            let third = (n + 3) % SKILLS + 1;
            if n % 3 == 0 {
                cells.push((n, third, fmt(start[&(email(n), skill(third))])));
            } else if self.removal == Removal::Cells {
                cells.push((n, third, "remove".into()));
            }
        }
        let mut target = start.clone();
        for (n, s, cell) in &cells {
            let key = (email(*n), skill(*s));
            if cell == "remove" {
                target.remove(&key);
            } else {
                target.insert(key, cell.parse().expect("a number"));
            }
        }
        if self.removal == Removal::Unlisted {
            target.retain(|(e, s), _| cells.iter().any(|(n, k, _)| email(*n) == *e && skill(*k) == *s));
        }
        let text = match self.layout {
            Layout::Long => {
                let mut t = String::from("email,skill,proficiency\n");
                for (n, s, cell) in &cells {
                    t.push_str(&format!("{},{},{cell}\n", email(*n), skill(*s)));
                }
                t
            }
            Layout::Wide => {
                let mut t = String::from("email");
                for s in 1..=SKILLS {
                    t.push_str(&format!(",{}", skill(s)));
                }
                t.push('\n');
                for n in 1..=AGENTS {
                    t.push_str(&email(n));
                    for s in 1..=SKILLS {
                        t.push(',');
                        if let Some((_, _, cell)) = cells.iter().find(|(a, k, _)| *a == n && *k == s) {
                            t.push_str(cell);
                        }
                    }
                    t.push('\n');
                }
                t
            }
        };
        (text, target)
    }

    fn removal_flags(&self) -> &'static [&'static str] {
        match self.removal {
            Removal::None => &[],
            Removal::Unlisted => &["--remove-unlisted", "--confirm-remove"],
            Removal::Cells => &["--allow-remove", "--confirm-remove"],
        }
    }
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// An in-process sandbox on a runtime of its own, so this thread is free to run the binary.
struct Tenant {
    sandbox: Sandbox,
    _runtime: tokio::runtime::Runtime,
}

impl Tenant {
    fn start(s: &Scenario) -> Tenant {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a runtime");
        let platform: Platform = s.platform.parse().expect("a platform");
        let mut config = SandboxConfig::new(platform);
        config.tenant = TenantSource::Inline(s.tenant());
        config.rate_limit_per_minute = Some(0);
        config.latency = LATENCY;
        let sandbox = runtime.block_on(Sandbox::start(config)).expect("the sandbox starts");
        Tenant { sandbox, _runtime: runtime }
    }

    fn state(&self) -> State {
        let v = self.sandbox.state();
        v["assignments"]
            .as_array()
            .expect("assignments")
            .iter()
            .map(|a| {
                let k = (a["email"].as_str().unwrap_or("").to_string(), a["skill"].as_str().unwrap_or("").to_string());
                (k, a["proficiency"].as_f64().expect("a number"))
            })
            .collect()
    }

    fn writes(&self) -> u64 {
        let stats = self.sandbox.stats();
        let Some(routes) = stats["by_route"].as_object() else { return 0 };
        routes
            .iter()
            .filter(|(k, _)| !k.starts_with("GET ") && !k.ends_with("/oauth/token") && !k.ends_with("/auth/token"))
            .map(|(_, v)| v.as_u64().unwrap_or(0))
            .sum()
    }

    /// `skillsync ARGS… --platform P --base-url URL --client-id ID`, secrets in the environment,
    /// data and config directories inside `home`.
    fn command(&self, platform: &str, home: &Path, args: &[&str]) -> Command {
        let c = self.sandbox.credentials();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillsync"));
        for var in [
            "SKILLSYNC_CLIENT_SECRET",
            "SKILLSYNC_ACCESS_KEY_ID",
            "SKILLSYNC_ACCESS_KEY_SECRET",
            "SKILLSYNC_CONFIG_DIR",
            "SKILLSYNC_LOG",
            "SKILLSYNC_NO_KEYCHAIN",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("XDG_DATA_HOME", home.join("data")).env("XDG_CONFIG_HOME", home.join("config")).env("HOME", home);
        cmd.args(args).args([
            "--platform",
            platform,
            "--base-url",
            self.sandbox.base_url(),
            "--client-id",
            &c.client_id,
        ]);
        cmd.env("SKILLSYNC_CLIENT_SECRET", &c.client_secret);
        if let (Some(id), Some(secret)) = (&c.access_key_id, &c.access_key_secret) {
            cmd.env("SKILLSYNC_ACCESS_KEY_ID", id).env("SKILLSYNC_ACCESS_KEY_SECRET", secret);
        }
        cmd.stdin(Stdio::null());
        cmd
    }
}

struct Done {
    code: i32,
    summary: Value,
    all: String,
}

fn finish(mut cmd: Command) -> Done {
    let out = cmd.output().expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    Done {
        code: out.status.code().unwrap_or(-1),
        summary: serde_json::from_str(line).unwrap_or(Value::Null),
        all: format!("exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}", out.status.code()),
    }
}

/// Lines of each type in a journal.
fn journal_counts(path: &Path) -> (usize, usize, bool) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let count = |t: &str| text.lines().filter(|l| l.contains(&format!("\"type\":\"{t}\""))).count();
    (count("intent"), count("outcome"), count("finish") > 0)
}

/// What the uninterrupted run showed: when its writes started and ended, and how many calls and
/// changes the job takes.
struct Reference {
    first_write: Duration,
    last_write: Duration,
    exit: Duration,
    calls: usize,
    changes: u64,
}

fn apply_args<'a>(feed: &'a str, journal: &'a str, report: &'a str, s: &Scenario) -> Vec<&'a str> {
    let mut a = vec!["apply", feed, "--yes", "--json", "--concurrency", "2", "--journal", journal, "--report", report];
    a.extend_from_slice(s.removal_flags());
    a
}

fn reference(s: &Scenario) -> Reference {
    let t = Tenant::start(s);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (text, target) = s.feed();
    let feed = dir.path().join("feed.csv");
    std::fs::write(&feed, text).expect("feed written");
    let (feed, journal, report) = (path(&feed), dir.path().join("journal.jsonl"), dir.path().join("report.csv"));
    let mut cmd = t.command(s.platform, dir.path(), &apply_args(&feed, &path(&journal), &path(&report), s));
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("apply starts");
    let (mut first, mut last, mut seen) = (None, Duration::ZERO, 0);
    let status = loop {
        let w = t.writes();
        if w > seen {
            seen = w;
            first.get_or_insert(started.elapsed());
            last = started.elapsed();
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let exit = started.elapsed();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut out).ok();
    let summary: Value = serde_json::from_str(out.lines().last().unwrap_or("")).unwrap_or(Value::Null);
    assert_eq!(status.code(), Some(0), "{}: the uninterrupted run exits 0: {out}", s.name());
    assert_eq!(t.state(), target, "{}: the uninterrupted run reaches the target", s.name());
    let (intents, outcomes, finished) = journal_counts(&journal);
    assert!(finished && intents == outcomes, "{}: the journal is complete", s.name());
    Reference {
        first_write: first.expect("the run wrote"),
        last_write: last,
        exit,
        calls: intents,
        changes: summary["verified"].as_u64().expect("a summary"),
    }
}

fn path(p: &Path) -> String {
    p.to_str().expect("a UTF-8 path").to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Landed {
    /// No call journaled yet (reading, planning, or no journal at all).
    BeforeAnyWrite,
    /// Some calls journaled, not all of them done.
    MidApply,
    /// Every call done, the journal's finish line not yet written (verifying, second chances).
    AfterTheWrites,
    /// The finish line written, or the process already gone.
    AfterTheEnd,
}

/// One kill point: kill, resume, compare; undo, compare. Returns where the kill landed.
/// When the kill comes: after a time, or once the journal shows a number of calls under way (then
/// after a few more milliseconds), so the points spread over the apply however loaded the machine.
#[derive(Clone, Copy, Debug)]
enum When {
    After(Duration),
    AtCall(usize, Duration),
}

/// `plain`: the run after the kill is the same command without `--resume`, as a person or a
/// scheduler would run it again; it must continue the interrupted run just the same.
fn kill_point(s: &Scenario, r: &Reference, when: When, plain: bool) -> (Landed, String) {
    let t = Tenant::start(s);
    let start = t.state();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (text, target) = s.feed();
    let feed = dir.path().join("feed.csv");
    std::fs::write(&feed, text).expect("feed written");
    let feed = path(&feed);
    let journal = dir.path().join("journal.jsonl");
    let (journal_s, first_report) = (path(&journal), path(&dir.path().join("first.csv")));
    let what = format!("{} killed {when:?}{}", s.name(), if plain { ", run again without --resume" } else { "" });

    let mut child = t
        .command(s.platform, dir.path(), &apply_args(&feed, &journal_s, &first_report, s))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("apply starts");
    match when {
        When::After(delay) => std::thread::sleep(delay),
        When::AtCall(k, extra) => {
            let deadline = Instant::now() + Duration::from_secs(60);
            while journal_counts(&journal).0 < k && Instant::now() < deadline {
                if child.try_wait().expect("wait").is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(extra);
        }
    }
    let exited = child.try_wait().expect("wait").is_some();
    if !exited {
        child.kill().expect("SIGKILL");
    }
    let status = child.wait().expect("reaped");
    let (intents, outcomes, finished) = journal_counts(&journal);
    let landed = if exited || finished {
        Landed::AfterTheEnd
    } else if intents == 0 {
        Landed::BeforeAnyWrite
    } else if outcomes < r.calls {
        Landed::MidApply
    } else {
        Landed::AfterTheWrites
    };
    let detail = format!("{what}: {landed:?} ({intents} intents, {outcomes} outcomes of {} calls; {status})", r.calls);

    // Resume with the same journal (a kill before the journal existed leaves nothing to resume:
    // the job is simply run again).
    let resumed_report = dir.path().join("resumed.csv");
    let mut args =
        apply_args(&feed, &journal_s, &path(&resumed_report), s).into_iter().map(String::from).collect::<Vec<_>>();
    if journal.exists() && !plain {
        args.push("--resume".into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let resumed = finish(t.command(s.platform, dir.path(), &args));
    assert_eq!(resumed.code, 0, "{detail}: the resumed run exits 0: {}", resumed.all);
    assert_eq!(resumed.summary["failed"].as_u64(), Some(0), "{detail}: {}", resumed.all);
    assert_eq!(t.state(), target, "{detail}: the resumed run reaches the plan's target exactly");
    assert_eq!(
        resumed.summary["verified"].as_u64(),
        Some(r.changes),
        "{detail}: the resumed report covers every change of every attempt: {}",
        resumed.all
    );

    // The resumed run's undo file puts the start back.
    let undo = dir.path().join("resumed.undo.csv");
    assert!(undo.exists(), "{detail}: the undo file is written beside the report");
    let undo_lines = std::fs::read_to_string(&undo).unwrap_or_default().lines().count() - 1;
    assert_eq!(undo_lines as u64, r.changes, "{detail}: one undo line per change");
    let (undo_s, undo_journal, undo_report) =
        (path(&undo), path(&dir.path().join("undo-journal.jsonl")), path(&dir.path().join("undo-report.csv")));
    let args = [
        "apply",
        &undo_s,
        "--yes",
        "--json",
        "--allow-remove",
        "--confirm-remove",
        "--journal",
        &undo_journal,
        "--report",
        &undo_report,
    ];
    let rollback = finish(t.command(s.platform, dir.path(), &args));
    assert_eq!(rollback.code, 0, "{detail}: the undo run exits 0: {}", rollback.all);
    assert_eq!(t.state(), start, "{detail}: the undo file restores the start exactly");
    (landed, detail)
}

fn scenario_points(s: Scenario) -> Vec<(Landed, String)> {
    let r = reference(&s);
    println!(
        "kill-resume: {}: uninterrupted run {:?}, writes from {:?} to {:?}, {} calls, {} changes",
        s.name(),
        r.exit,
        r.first_write,
        r.last_write,
        r.calls,
        r.changes
    );
    let mut whens = vec![(When::After(r.first_write.mul_f64(0.3)), false)];
    // Mid-apply: once the k-th call's intent is on disk (k spread over the calls), right away or
    // a few milliseconds later (the call then in flight or answered); every other one is run
    // again without `--resume`.
    whens.extend(MID.iter().enumerate().map(|(i, f)| {
        let k = ((f * r.calls as f64).round() as usize).clamp(1, r.calls.max(2) - 1);
        (When::AtCall(k, Duration::from_millis(if i % 2 == 0 { 0 } else { 25 })), i % 2 == 1)
    }));
    whens.push((When::After(r.exit + Duration::from_millis(400)), false));
    whens.into_iter().map(|(w, plain)| kill_point(&s, &r, w, plain)).collect()
}

#[test]
fn sigkill_at_many_points_then_resume_reaches_the_plan_and_undo_restores_the_start() {
    let scenarios = [
        Scenario { platform: "genesys", layout: Layout::Long, removal: Removal::None },
        Scenario { platform: "genesys", layout: Layout::Wide, removal: Removal::Unlisted },
        Scenario { platform: "cxone", layout: Layout::Long, removal: Removal::Unlisted },
        Scenario { platform: "cxone", layout: Layout::Wide, removal: Removal::Cells },
    ];
    let started = Instant::now();
    let handles: Vec<_> = scenarios.into_iter().map(|s| std::thread::spawn(move || scenario_points(s))).collect();
    let mut points: Vec<(Landed, String)> = Vec::new();
    let mut panics = Vec::new();
    for h in handles {
        match h.join() {
            Ok(p) => points.extend(p),
            Err(e) => panics.push(e),
        }
    }
    if let Some(e) = panics.into_iter().next() {
        std::panic::resume_unwind(e);
    }
    for (_, d) in &points {
        println!("kill-resume: {d}");
    }
    let count = |l: Landed| points.iter().filter(|(x, _)| *x == l).count();
    println!(
        "kill-resume: {} SIGKILL points: {} mid-apply, {} after the last write (verifying), {} before any write, \
         {} after the end; every one resumed to the plan and undone to the start ({:.1} s)",
        points.len(),
        count(Landed::MidApply),
        count(Landed::AfterTheWrites),
        count(Landed::BeforeAnyWrite),
        count(Landed::AfterTheEnd),
        started.elapsed().as_secs_f64()
    );
    assert!(
        count(Landed::MidApply) >= WANT_MID_APPLY,
        "only {} of {} kills landed mid-apply (want {WANT_MID_APPLY})",
        count(Landed::MidApply),
        points.len()
    );
}
