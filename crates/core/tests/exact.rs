//! The promises users lean on when something must be put back, each tried where it is easiest to
//! break: an agent at the 50-skill limit swapping skills and rolled back, resume after a kill that
//! came mid-call (wide feed, unlisted removals, a torn journal line), item errors among other
//! faults, and a cancel while the platform asks us to wait a minute.

mod support;

use skillsync_core::apply::{ApplyOptions, Control};
use skillsync_core::job::{self, ExecuteOptions};
use skillsync_core::journal::Journal;
use skillsync_core::plan::PlanOptions;
use skillsync_core::{Event, Events, Outcome, PlatformKind};
use skillsync_sandbox::{FaultKind, Faults, TenantAssignment, TenantFile, TenantSkill};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::State;

const FAY: &str = "fay.full@example.com";

fn queue(n: usize) -> String {
    format!("Queue {n:02}")
}

/// Fay holds queues 1–50 at 3: the platform's limit on Genesys. Queues 51–60 exist too.
fn full_tenant() -> TenantFile {
    let mut t = support::tenant(&[], &[(FAY, "Fay Full", true), ("bo.chen@example.com", "Bo Chen", true)], &[]);
    for n in 1..=60 {
        t.skills.push(TenantSkill { name: queue(n), active: true });
    }
    for n in 1..=50 {
        t.assignments.push(TenantAssignment::new(FAY, queue(n), 3.0));
    }
    t
}

/// Fay swaps ten skills in "the feed is the whole truth" mode, then the run is rolled back through
/// its undo file. Overlapping writes to one user are version conflicts, so the sandbox is slowed
/// down enough that any overlap shows; neither run may need a single retry.
async fn a_full_agent_swapping_ten_skills_ends_with_the_feeds_fifty_and_undo_restores_the_start(kind: PlatformKind) {
    let sb = support::start(kind, full_tenant(), |c| c.latency = Duration::from_millis(15)).await;
    let start = support::state(&sb);
    let dir = support::temp();
    let mut text = String::from("email,skill,proficiency\n");
    for n in 11..=60 {
        text.push_str(&format!("{FAY},{},4\n", queue(n)));
    }
    let feed = support::load(dir.path(), "swap.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { remove_unlisted: true, allow_remove: true, ..PlanOptions::for_platform(kind) };
    let prepared = support::prepare(client.as_ref(), &feed, &options).await;
    let s = prepared.plan.summary;
    assert_eq!((s.add, s.update, s.remove, s.invalid), (10, 40, 10, 0), "the removals make room: {s:?}");
    let run = support::execute(
        client.as_ref(),
        &prepared,
        ExecuteOptions { apply: support::apply_options(8), ..Default::default() },
    )
    .await;
    support::assert_all_done(&run);
    assert_eq!(run.summary.failed, 0, "{:?}", support::outcomes(&run));
    assert_eq!(run.summary.requests.retried, 0, "no retry caused by the tool's own concurrency");
    let want: State = (11..=60).map(|n| ((FAY.to_string(), queue(n)), 4.0)).collect();
    assert_eq!(support::state(&sb), want, "Fay holds exactly the feed's fifty");
    assert_eq!(job::exit_code(&run.summary, run.cancelled), 0);

    // Roll back: ten removals and forty updates for one user, ten re-adds.
    let report = support::file(&dir, "report.csv");
    let written = job::write_report(&report, kind, sb.base_url(), &feed.path, &run).expect("report written");
    let undo = written.iter().find(|p| p.to_string_lossy().ends_with(".undo.csv")).expect("an undo file").clone();
    let back = support::load_path(&undo, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { allow_remove: true, ..PlanOptions::for_platform(kind) };
    let prepared = support::prepare(client.as_ref(), &back, &options).await;
    assert_eq!(prepared.plan.summary.invalid, 0, "the undo file plans whole: {:?}", prepared.plan.summary);
    let rollback = support::execute(
        client.as_ref(),
        &prepared,
        ExecuteOptions { apply: support::apply_options(8), ..Default::default() },
    )
    .await;
    support::assert_all_done(&rollback);
    assert_eq!(rollback.summary.failed, 0, "{:?}", support::outcomes(&rollback));
    assert_eq!(rollback.summary.requests.retried, 0, "no retry caused by the tool's own concurrency");
    assert_eq!(support::state(&sb), start, "the undo file restores the start exactly");
}

fn email(n: usize) -> String {
    format!("agent{n:02}@example.com")
}

/// Twelve agents; agent n holds queue n at 2 when n is even, and everyone holds "Old Queue" at 1.
fn resume_tenant() -> TenantFile {
    let mut t = support::tenant(&[("Old Queue", true), ("Retention", true)], &[], &[]);
    for n in 1..=12 {
        t.skills.push(TenantSkill { name: queue(n), active: true });
        t.users.push(skillsync_sandbox::TenantUser {
            email: email(n),
            username: None,
            name: Some(format!("Agent {n:02}")),
            active: true,
        });
        t.assignments.push(TenantAssignment::new(email(n), "Old Queue", 1.0));
        if n % 2 == 0 {
            t.assignments.push(TenantAssignment::new(email(n), queue(n), 2.0));
        }
    }
    t
}

/// A wide feed: each line sets the agent's own queue to 4 and Retention to 3; blank cells change
/// nothing. With unlisted removal, everyone's "Old Queue" goes.
fn wide_feed() -> String {
    let mut text = String::from("email,Retention");
    for n in 1..=12 {
        text.push_str(&format!(",{}", queue(n)));
    }
    text.push('\n');
    for n in 1..=12 {
        text.push_str(&format!("{},3", email(n)));
        for m in 1..=12 {
            text.push(',');
            if m == n {
                text.push('4');
            }
        }
        text.push('\n');
    }
    text
}

fn cancel_after(control: &Control, after: usize) -> Events {
    let control = control.clone();
    let seen = Arc::new(AtomicUsize::new(0));
    Events::new(move |e| {
        if matches!(e, Event::Apply { .. }) && seen.fetch_add(1, Ordering::SeqCst) + 1 >= after {
            control.cancel();
        }
    })
}

/// The first attempt is stopped after a few calls, and the kill is made worse than a clean stop:
/// the last call's outcome never reached the journal (it was in flight) and a half-written line
/// ends the file. The resumed job must still report every pair any attempt changed — removals
/// included — with the value before the job's first call, and its undo file must restore the start.
async fn resume_after_a_kill_mid_call_reports_every_pair_and_undo_restores_the_start(kind: PlatformKind) {
    let sb = support::start(kind, resume_tenant(), |c| c.latency = Duration::from_millis(10)).await;
    let start = support::state(&sb);
    let dir = support::temp();
    let feed = support::load(dir.path(), "wide.csv", &wide_feed(), None, kind);
    let options = PlanOptions { remove_unlisted: true, allow_remove: true, ..PlanOptions::for_platform(kind) };
    let job_id = job::job_id(kind, sb.base_url(), &feed);
    let journal_path = support::file(&dir, "journal.jsonl");

    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &options).await;
    let planned = prepared.plan.changes.len();
    assert_eq!(planned, 12 + 12 + 12, "a queue, Retention and the old queue's removal per agent");
    let control = Control::default();
    let first = support::execute(
        client.as_ref(),
        &prepared,
        ExecuteOptions {
            apply: ApplyOptions { concurrency: 2, events: cancel_after(&control, 4), control },
            journal: Some(Journal::create(&journal_path, &job_id).expect("journal")),
            previous: None,
            undo: None,
        },
    )
    .await;
    assert!(first.cancelled, "the first attempt stopped early");

    // The kill: drop the last outcome (that call was in flight) and leave a torn line behind.
    let text = std::fs::read_to_string(&journal_path).expect("journal readable");
    let mut lines: Vec<&str> = text.lines().collect();
    let last_outcome = lines.iter().rposition(|l| l.contains("\"type\":\"outcome\"")).expect("an outcome");
    lines.remove(last_outcome);
    let mut torn = lines.join("\n");
    torn.push_str("\n{\"type\":\"intent\",\"call\":99,\"op\":\"Gen");
    std::fs::write(&journal_path, torn).expect("journal rewritten");

    let (journal, previous) = Journal::resume(&journal_path, &job_id).expect("the journal resumes");
    assert!(previous.items.values().any(|p| p.in_flight), "the call cut off mid-flight is known by its intent");
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &options).await;
    assert!(prepared.plan.changes.len() < planned, "only what is left is planned");
    let second = support::execute(
        client.as_ref(),
        &prepared,
        ExecuteOptions {
            apply: support::apply_options(2),
            journal: Some(journal),
            previous: Some(previous),
            undo: None,
        },
    )
    .await;
    assert!(!second.cancelled);
    assert_eq!(second.summary.failed, 0, "{:?}", support::outcomes(&second));

    let mut want: State = (1..=12).map(|n| ((email(n), queue(n)), 4.0)).collect();
    want.extend((1..=12).map(|n| ((email(n), "Retention".to_string()), 3.0)));
    assert_eq!(support::state(&sb), want, "the resumed job reaches the plan");
    // Every pair any attempt changed has exactly one row, reported as what it was.
    for n in 1..=12 {
        let rows_of =
            |skill: &str| second.rows.iter().filter(|r| r.agent == email(n) && r.skill == skill).collect::<Vec<_>>();
        let q = rows_of(&queue(n));
        assert_eq!(q.len(), 1, "{}", email(n));
        let want_q = if n % 2 == 0 { (Outcome::Updated, Some(2.0)) } else { (Outcome::Added, None) };
        assert_eq!((q[0].outcome, q[0].before), want_q, "{:?}", q[0]);
        let r = rows_of("Retention");
        assert_eq!((r.len(), r[0].outcome, r[0].before), (1, Outcome::Added, None), "{:?}", r);
        let old = rows_of("Old Queue");
        assert_eq!(old.len(), 1, "the removal of agent {n}'s old queue has a row after resume: {:#?}", second.rows);
        assert_eq!((old[0].outcome, old[0].before), (Outcome::Removed, Some(1.0)), "{:?}", old[0]);
    }
    assert_eq!(second.summary.verified, planned, "every change of every attempt is counted once");

    // The resumed run's undo file restores the starting state exactly.
    let report = support::file(&dir, "report.json");
    let written = job::write_report(&report, kind, sb.base_url(), &feed.path, &second).expect("report");
    let undo = written.iter().find(|p| p.to_string_lossy().ends_with(".undo.csv")).expect("undo").clone();
    let back = support::load_path(&undo, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let allow = PlanOptions { allow_remove: true, ..PlanOptions::for_platform(kind) };
    let (_, rollback) = support::run(client.as_ref(), &back, &allow).await;
    assert_eq!(rollback.summary.failed, 0, "{:?}", support::outcomes(&rollback));
    assert_eq!(support::state(&sb), start, "undo after resume restores the start");
}

/// CXone answers 200 with failed items, among throttling, 5xx and dropped connections: every row
/// still ends applied and verified, and the rows that needed another round say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cxone_with_eight_percent_item_errors_among_other_faults_verifies_every_row() {
    let kind = PlatformKind::Cxone;
    let mut t = support::tenant(&[], &[], &[]);
    for n in 1..=40 {
        t.skills.push(TenantSkill { name: queue(n), active: true });
        t.users.push(skillsync_sandbox::TenantUser {
            email: email(n),
            username: None,
            name: Some(format!("Agent {n:02}")),
            active: true,
        });
    }
    let sb = support::start(kind, t, |c| {
        c.seed = 11;
    })
    .await;
    let dir = support::temp();
    let mut text = String::from("email,skill,proficiency\n");
    for n in 1..=40 {
        for m in [n, n % 40 + 1, (n + 7) % 40 + 1] {
            text.push_str(&format!("{},{},{}\n", email(n), queue(m), 1 + (n + m) % 20));
        }
    }
    let feed = support::load(dir.path(), "feed.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &PlanOptions::for_platform(kind)).await;
    sb.set_faults(
        Faults::default()
            .with(FaultKind::ItemError, 0.08)
            .and_then(|f| f.with(FaultKind::Internal, 0.04))
            .and_then(|f| f.with(FaultKind::TooMany, 0.04))
            .and_then(|f| f.with(FaultKind::Reset, 0.02))
            .expect("a valid fault mix"),
    );
    let run = support::execute(client.as_ref(), &prepared, ExecuteOptions::default()).await;
    sb.set_faults(Faults::default());
    support::assert_all_done(&run);
    assert_eq!((run.summary.failed, run.summary.verified), (0, 120), "{:?}", support::outcomes(&run));
    assert_eq!(job::exit_code(&run.summary, run.cancelled), 0);
    let stats = sb.stats();
    assert!(stats["faults"].as_u64().unwrap_or(0) > 0, "faults were injected: {stats}");
    assert!(run.rows.iter().any(|r| r.attempts > 1), "rows sent again show their attempts");
    let want: State = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[0].to_string(), f[1].to_string()), f[2].parse::<f64>().unwrap())
        })
        .collect();
    assert_eq!(support::state(&sb), want);
}

/// The platform asks for a minute's pause (Retry-After) and the user cancels: the run stops within
/// seconds, what was sent is accounted for, the rest is skipped, and the report can be written.
async fn a_cancel_during_retry_after_stops_within_seconds(kind: PlatformKind) {
    let mut t = support::tenant(&[], &[], &[]);
    for n in 1..=12 {
        t.skills.push(TenantSkill { name: queue(n), active: true });
        t.users.push(skillsync_sandbox::TenantUser { email: email(n), username: None, name: None, active: true });
    }
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let mut text = String::from("email,skill,proficiency\n");
    for n in 1..=12 {
        text.push_str(&format!("{},{},4\n", email(n), queue(n)));
    }
    let feed = support::load(dir.path(), "feed.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &PlanOptions::for_platform(kind)).await;
    // Four requests a minute from now on: the next window is a minute away.
    sb.set_rate_limit(4);
    let control = Control::default();
    let stop = control.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        stop.cancel();
    });
    let started = Instant::now();
    let options =
        ExecuteOptions { apply: ApplyOptions { concurrency: 4, control, ..Default::default() }, ..Default::default() };
    let run = tokio::time::timeout(Duration::from_secs(30), job::execute(client.as_ref(), &prepared, options, started))
        .await
        .expect("the run stops long before the platform's minute is up")
        .expect("a run");
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(6),
        "stopped {took:?} after starting, {:?} after the cancel",
        took.saturating_sub(Duration::from_millis(1500))
    );
    assert!(run.cancelled);
    let skipped = run.rows.iter().filter(|r| r.outcome == Outcome::Skipped).count();
    assert!(skipped > 0, "{:?}", support::outcomes(&run));
    for r in &run.rows {
        assert!(
            matches!(r.outcome, Outcome::Added | Outcome::Skipped) || r.error.is_some(),
            "every row is done, skipped or failed with a reason: {r:?}"
        );
    }
    let report = support::file(&dir, "report.html");
    job::write_report(&report, kind, sb.base_url(), &feed.path, &run).expect("the report is written");
    assert!(dir.path().join("report.csv").exists() && dir.path().join("report.undo.csv").exists());
}

both!(
    a_full_agent_swapping_ten_skills_ends_with_the_feeds_fifty_and_undo_restores_the_start,
    resume_after_a_kill_mid_call_reports_every_pair_and_undo_restores_the_start,
    a_cancel_during_retry_after_stops_within_seconds,
);
