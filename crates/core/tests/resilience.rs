//! The job against a hostile sandbox: every injected fault, a rate limit, expiring tokens, item
//! errors inside a 200, bad credentials, a closed port, cancel, and resume after a kill. Whatever
//! happens, a row is reported done only when the platform holds its value, and nothing confirmed
//! is sent twice.

mod support;

use skillsync_core::apply::{ApplyOptions, Control};
use skillsync_core::job::{self, ExecuteOptions};
use skillsync_core::journal::{self, Journal};
use skillsync_core::plan::PlanOptions;
use skillsync_core::platform::{self, HttpSettings, Secret};
use skillsync_core::{Event, Events, Outcome, Phase, PlatformKind};
use skillsync_sandbox::{FaultKind, Faults, TenantFile};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::State;

fn email(n: usize) -> String {
    format!("agent{n:02}@example.com")
}

fn queue(n: usize) -> String {
    format!("Queue {n:02}")
}

/// `agents` agents and as many queues; agent n holds queue n at 2 when n is even.
fn tenant(agents: usize) -> TenantFile {
    let skills: Vec<String> = (1..=agents).map(queue).collect();
    let users: Vec<(String, String)> = (1..=agents).map(|n| (email(n), format!("Agent {n:02}"))).collect();
    let held: Vec<(String, String)> = (2..=agents).step_by(2).map(|n| (email(n), queue(n))).collect();
    support::tenant(
        &skills.iter().map(|s| (s.as_str(), true)).collect::<Vec<_>>(),
        &users.iter().map(|(e, n)| (e.as_str(), n.as_str(), true)).collect::<Vec<_>>(),
        &held.iter().map(|(e, s)| (e.as_str(), s.as_str(), 2.0)).collect::<Vec<_>>(),
    )
}

/// Agent n asks for queue n at 4: half adds, half updates, and on both platforms one write call
/// per row (Genesys: one PATCH per user; CXone: one call per skill group), so `agents` is the
/// lower bound of writes.
fn feed_text(agents: usize) -> String {
    let mut text = String::from("email,skill,proficiency\n");
    for n in 1..=agents {
        text.push_str(&format!("{},{},4\n", email(n), queue(n)));
    }
    text
}

/// What the tenant holds once every row of [`feed_text`] landed.
fn done_state(agents: usize) -> State {
    (1..=agents).map(|n| ((email(n), queue(n)), 4.0)).collect()
}

fn defaults(kind: PlatformKind) -> PlanOptions {
    PlanOptions::for_platform(kind)
}

/// The run ends with every row verified, after retries the sandbox can see it had to answer.
async fn survives(kind: PlatformKind, fault: FaultKind, probability: f64) {
    const AGENTS: usize = 40;
    let faults = Faults::only(fault, probability).expect("a valid fault spec");
    let sb = support::start(kind, tenant(AGENTS), |c| c.faults = faults).await;
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    let client = support::client(&sb, kind, support::fast());
    let (_, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let stats = sb.stats();
    let s = run.summary;
    assert_eq!((s.failed, s.verified), (0, AGENTS), "{fault} at {probability}: {:?}", support::outcomes(&run));
    support::assert_all_done(&run);
    assert!(s.requests.retried > 0, "{fault}: the client retried: {:?}", s.requests);
    assert!(stats["faults"].as_u64().unwrap_or(0) > 0, "{fault}: the sandbox injected faults: {stats}");
    assert_eq!(support::state(&sb), done_state(AGENTS), "{fault}: the tenant holds every requested value");
    assert_eq!(s.requests.write, AGENTS as u64, "{fault}: retries do not count as extra write calls");
    if fault == FaultKind::TooMany {
        assert!(s.requests.throttled > 0, "429s are counted as throttled: {:?}", s.requests);
    }
    assert_eq!(job::exit_code(&s, run.cancelled), 0, "{fault}: exit code 0");
}

macro_rules! survives {
    ($($name:ident: $fault:expr, $p:expr;)*) => {$(
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn genesys() {
                survives(PlatformKind::Genesys, $fault, $p).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn cxone() {
                survives(PlatformKind::Cxone, $fault, $p).await
            }
        }
    )*};
}

// 429 and 503 carry Retry-After: 1, so each one pauses the whole run a second: keep them rarer.
survives! {
    survives_429_too_many_requests: FaultKind::TooMany, 0.08;
    survives_500_internal_errors: FaultKind::Internal, 0.15;
    survives_502_bad_gateways: FaultKind::BadGateway, 0.15;
    survives_503_unavailable: FaultKind::Unavailable, 0.08;
    survives_409_conflicts: FaultKind::Conflict, 0.15;
    survives_timeouts_after_the_write_landed: FaultKind::Timeout, 0.08;
    survives_connection_resets_after_the_write_landed: FaultKind::Reset, 0.15;
}

/// Every write answers 500 however often it is retried; the reads that verify still work.
async fn writes_that_always_fail_end_failed_with_the_status_and_do_not_hang(kind: PlatformKind) {
    const AGENTS: usize = 6;
    let sb = Arc::new(support::start(kind, tenant(AGENTS), |_| {}).await);
    let before = support::state(&sb);
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    sb.set_faults(Faults::only(FaultKind::Internal, 1.0).expect("valid"));
    let healer = sb.clone();
    let events = Events::new(move |e| {
        if e == (Event::Phase { phase: Phase::Verify }) {
            healer.set_faults(Faults::none());
        }
    });
    let options = ExecuteOptions { apply: ApplyOptions { events, ..ApplyOptions::default() }, ..Default::default() };
    let started = Instant::now();
    let run = tokio::time::timeout(Duration::from_secs(20), job::execute(client.as_ref(), &prepared, options, started))
        .await
        .expect("the run ends instead of hanging")
        .expect("failed writes are rows, not an error of the run");
    assert!(started.elapsed() < Duration::from_secs(10), "gave up quickly: {:?}", started.elapsed());
    assert_failed_with_500(&run, AGENTS);
    assert_eq!(support::state(&sb), before, "the sandbox changed nothing");
    assert!(run.summary.requests.retried >= AGENTS as u64, "each write was retried: {:?}", run.summary.requests);
}

/// As above, but the reads that would verify fail too: the rows must still come back Failed with
/// their reasons, so the report and the exit code can say what happened.
async fn errors_that_never_stop_still_end_in_failed_rows(kind: PlatformKind) {
    const AGENTS: usize = 6;
    let sb = support::start(kind, tenant(AGENTS), |_| {}).await;
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    sb.set_faults(Faults::only(FaultKind::Internal, 1.0).expect("valid"));
    let run = tokio::time::timeout(
        Duration::from_secs(20),
        job::execute(client.as_ref(), &prepared, ExecuteOptions::default(), Instant::now()),
    )
    .await
    .expect("the run ends instead of hanging")
    .expect("failed writes and a failed read-back are rows, not an error of the run");
    assert_failed_with_500(&run, AGENTS);
}

fn assert_failed_with_500(run: &job::Run, rows: usize) {
    assert_eq!(run.summary.failed, rows, "every row failed: {:?}", support::outcomes(run));
    assert_eq!(run.summary.verified, 0, "nothing is reported done");
    for r in &run.rows {
        let e = r.error.as_deref().unwrap_or("");
        assert!(e.contains("500"), "line {} names the status: {e}", r.line);
        assert_ne!(r.after, r.requested, "line {} does not claim the requested value: {r:?}", r.line);
    }
    assert_eq!(job::exit_code(&run.summary, run.cancelled), 1, "exit code 1: some rows failed");
}

mod errors_that_never_stop_still_end_in_failed_rows {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn genesys() {
        errors_that_never_stop_still_end_in_failed_rows(PlatformKind::Genesys).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cxone() {
        errors_that_never_stop_still_end_in_failed_rows(PlatformKind::Cxone).await
    }
}

async fn a_rate_limited_burst_is_paced_retried_and_counted(kind: PlatformKind) {
    const AGENTS: usize = 10;
    // The sandbox's own window answers 429 until its minute is over, so the 429s come from a
    // fault that asks for one second; the 120/min limit is what the client must learn and keep.
    let faults = Faults::only(FaultKind::TooMany, 0.1).expect("valid");
    let sb = support::start(kind, tenant(AGENTS), |c| {
        c.rate_limit_per_minute = Some(120);
        c.faults = faults;
    })
    .await;
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    let client = support::client(&sb, kind, support::fast());
    let (_, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let stats = sb.stats();
    let r = run.summary.requests;
    assert_eq!((run.summary.failed, run.summary.verified), (0, AGENTS), "{:?}", support::outcomes(&run));
    assert_eq!(support::state(&sb), done_state(AGENTS), "every value landed");
    let sent_429 = stats["faults"].as_u64().unwrap_or(0) + stats["throttled"].as_u64().unwrap_or(0);
    assert!(sent_429 > 0, "the sandbox answered 429: {stats}");
    assert_eq!(r.throttled, sent_429, "every 429 the sandbox sent is counted as throttled: {stats}");
    assert!(r.retried >= r.throttled, "and retried: {r:?}");
    assert_eq!(stats["throttled"].as_u64(), Some(0), "the client never ran into the 120/min window: {stats}");
    if kind == PlatformKind::Genesys {
        assert_eq!(client.rate_per_minute(), Some(120.0), "learnt from inin-ratelimit-allowed");
    }
}

async fn expiring_tokens_are_refreshed_mid_run(kind: PlatformKind) {
    const AGENTS: usize = 20;
    let sb = support::start(kind, tenant(AGENTS), |c| {
        c.token_ttl = Duration::from_secs(1);
        c.latency = Duration::from_millis(120);
    })
    .await;
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    let client = support::client(&sb, kind, support::fast());
    let started = Instant::now();
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    // One call at a time, so the run spans several token lifetimes.
    let options = ExecuteOptions { apply: support::apply_options(1), ..ExecuteOptions::default() };
    let run = support::execute(client.as_ref(), &prepared, options).await;
    assert!(started.elapsed() > Duration::from_secs(2), "the run outlived two tokens: {:?}", started.elapsed());
    assert_eq!((run.summary.failed, run.summary.verified), (0, AGENTS), "{:?}", support::outcomes(&run));
    assert_eq!(support::state(&sb), done_state(AGENTS), "every value landed");
    let token_route = match kind {
        PlatformKind::Genesys => "POST /oauth/token",
        PlatformKind::Cxone => "POST /auth/token",
    };
    let tokens = support::route(&sb.stats(), token_route);
    assert!(tokens >= 3, "the client fetched fresh tokens ({tokens}): {}", sb.stats());
}

/// Genesys answers 409 to concurrent edits of a user; half the requests here get one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_409_storm_on_genesys_ends_with_every_row_verified() {
    const AGENTS: usize = 30;
    let kind = PlatformKind::Genesys;
    let faults = Faults::only(FaultKind::Conflict, 0.5).expect("valid");
    let sb = support::start(kind, tenant(AGENTS), |c| c.faults = faults).await;
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    // At one in two, a request may meet many 409s in a row: give it room.
    let settings = HttpSettings { max_retries: 20, ..support::fast() };
    let client = support::client(&sb, kind, settings);
    let (_, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    assert_eq!((run.summary.failed, run.summary.verified), (0, AGENTS), "{:?}", support::outcomes(&run));
    assert!(run.summary.requests.retried >= 10, "many retries: {:?}", run.summary.requests);
    assert_eq!(support::state(&sb), done_state(AGENTS), "every value landed");
}

/// CXone answers 200 with a failed item: such an item is never a success. The second chance
/// resends it once; what still fails ends Failed with the item's own error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cxone_item_errors_are_never_reported_as_success() {
    const AGENTS: usize = 40;
    let kind = PlatformKind::Cxone;
    let faults = Faults::only(FaultKind::ItemError, 0.5).expect("valid");
    let sb = support::start(kind, tenant(AGENTS), |c| c.faults = faults).await;
    let before = support::state(&sb);
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    let client = support::client(&sb, kind, support::fast());
    let (_, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let state = support::state(&sb);
    let (mut done, mut failed) = (0, 0);
    for r in &run.rows {
        let key = (r.agent.to_string(), r.skill.to_string());
        match r.outcome {
            Outcome::Added | Outcome::Updated => {
                done += 1;
                assert_eq!(state.get(&key).copied(), r.requested, "line {} is done on the platform too", r.line);
            }
            Outcome::Failed => {
                failed += 1;
                let e = r.error.as_deref().unwrap_or("");
                assert!(e.contains("the item was not processed"), "line {} carries the item's error: {e}", r.line);
                assert_eq!(state.get(&key), before.get(&key), "line {} left the platform as it was", r.line);
            }
            other => panic!("line {} ended {other:?}: {r:?}", r.line),
        }
    }
    let faults = sb.stats()["faults"].as_u64().unwrap_or(0);
    // Each call carries one item, so every fault beyond the rows that still failed was healed.
    assert!(faults as usize > failed, "item errors happened and some were healed ({faults} faults, {failed} failed)");
    assert_eq!(done + failed, AGENTS, "every row is accounted for");
    assert!(done > AGENTS / 2, "the second chance recovered most rows: {done} done, {failed} failed");
}

async fn bad_credentials_and_a_closed_port_fail_fast_with_exit_code_3(kind: PlatformKind) {
    let sb = support::start(kind, tenant(2), |_| {}).await;
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(2), None, kind);

    let mut wrong = support::connection(&sb, kind);
    wrong.client_secret = Secret::new("not-the-secret");
    let client = platform::client(&wrong, support::fast()).expect("a client");
    let e = job::prepare(client.as_ref(), &feed.feed, &defaults(kind), &Events::none()).await.err();
    let e = e.expect("wrong credentials are refused");
    assert_eq!((e.code(), e.exit_code()), ("auth.failed", 3), "{e}");
    assert!(!e.to_string().contains("not-the-secret"), "the error never quotes the secret: {e}");
    if kind == PlatformKind::Cxone {
        let mut wrong = support::connection(&sb, kind);
        wrong.access_key_secret = Secret::new("not=the+key");
        let client = platform::client(&wrong, support::fast()).expect("a client");
        let e = job::prepare(client.as_ref(), &feed.feed, &defaults(kind), &Events::none()).await.err();
        let e = e.expect("a wrong access key is refused");
        assert_eq!((e.code(), e.exit_code()), ("auth.failed", 3), "{e}");
    }
    assert_eq!(support::sandbox_writes(&sb.stats()), 0, "nothing was written");

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        l.local_addr().expect("its address").port()
    };
    let mut closed = support::connection(&sb, kind);
    closed.base_url = format!("http://127.0.0.1:{port}");
    let client = platform::client(&closed, support::fast()).expect("a client");
    let e = job::prepare(client.as_ref(), &feed.feed, &defaults(kind), &Events::none()).await.err();
    let e = e.expect("a closed port cannot be reached");
    assert_eq!((e.code(), e.exit_code()), ("connection.failed", 3), "{e}");
}

/// Counts Apply events and cancels the run after `after` of them.
fn cancel_after(control: &Control, after: usize) -> Events {
    let control = control.clone();
    let seen = Arc::new(AtomicUsize::new(0));
    Events::new(move |e| {
        if matches!(e, Event::Apply { .. }) && seen.fetch_add(1, Ordering::SeqCst) + 1 >= after {
            control.cancel();
        }
    })
}

async fn cancel_before_or_during_apply_skips_what_was_not_sent(kind: PlatformKind) {
    const AGENTS: usize = 12;
    let sb = support::start(kind, tenant(AGENTS), |c| c.latency = Duration::from_millis(40)).await;
    let before = support::state(&sb);
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);

    // Cancelled before anything is sent.
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    let control = Control::default();
    control.cancel();
    let options =
        ExecuteOptions { apply: ApplyOptions { control, ..ApplyOptions::default() }, ..ExecuteOptions::default() };
    let run = support::execute(client.as_ref(), &prepared, options).await;
    assert!(run.cancelled, "the run says it was cancelled");
    assert_eq!(run.summary.requests.write, 0, "nothing was sent");
    assert!(run.rows.iter().all(|r| r.outcome == Outcome::Skipped), "every row skipped: {:?}", support::outcomes(&run));
    let e = run.rows[0].error.as_deref().unwrap_or("");
    assert!(e.contains("cancelled"), "a skipped row says why: {e}");
    assert_eq!(job::exit_code(&run.summary, run.cancelled), 1, "a cancelled run is not a success");
    assert_eq!(support::state(&sb), before, "the tenant is untouched");

    // Cancelled while applying: in-flight calls finish, the rest are skipped.
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    let control = Control::default();
    let events = cancel_after(&control, 2);
    let options =
        ExecuteOptions { apply: ApplyOptions { concurrency: 2, control, events }, ..ExecuteOptions::default() };
    let run = support::execute(client.as_ref(), &prepared, options).await;
    assert!(run.cancelled, "the run says it was cancelled");
    let state = support::state(&sb);
    let (mut done, mut skipped) = (0, 0);
    for r in &run.rows {
        let key = (r.agent.to_string(), r.skill.to_string());
        match r.outcome {
            Outcome::Added | Outcome::Updated => {
                done += 1;
                assert_eq!(state.get(&key).copied(), r.requested, "line {} is done on the platform", r.line);
            }
            Outcome::Skipped => {
                skipped += 1;
                assert_eq!(state.get(&key), before.get(&key), "line {} was not sent", r.line);
            }
            other => panic!("line {} ended {other:?}: {r:?}", r.line),
        }
    }
    assert!(done >= 2 && skipped > 0, "cancelled mid-run: {done} done, {skipped} skipped");
    assert_eq!(run.summary.requests.write, done as u64, "one write per finished row, none for skipped ones");
}

async fn resume_after_a_kill_finishes_without_redoing_confirmed_work(kind: PlatformKind) {
    const AGENTS: usize = 12;
    let sb = support::start(kind, tenant(AGENTS), |c| c.latency = Duration::from_millis(40)).await;
    let original = support::state(&sb);
    let dir = support::temp();
    let feed = support::load(dir.path(), "feed.csv", &feed_text(AGENTS), None, kind);
    let job_id = job::job_id(kind, sb.base_url(), &feed);
    let journal_path = support::file(&dir, "journal.jsonl");

    // The first run is "killed" after a few batches; the journal holds what completed.
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    let control = Control::default();
    let events = cancel_after(&control, 3);
    let options = ExecuteOptions {
        apply: ApplyOptions { concurrency: 2, control, events },
        journal: Some(Journal::create(&journal_path, &job_id).expect("journal created")),
        previous: None,
        undo: None,
    };
    let first = support::execute(client.as_ref(), &prepared, options).await;
    assert!(first.cancelled, "the first run stopped early");
    let first_writes = first.summary.requests.write;
    assert!(first_writes >= 3 && first_writes < AGENTS as u64, "stopped mid-run after {first_writes} writes");
    let journal_text = std::fs::read_to_string(&journal_path).expect("journal readable");
    let entries = |kind: &str| journal_text.lines().filter(|l| l.contains(&format!("\"type\":\"{kind}\""))).count();
    assert_eq!(entries("intent") as u64, first_writes, "every call's intent is journaled:\n{journal_text}");
    assert_eq!(entries("outcome") as u64, first_writes, "every completed call's outcome is journaled:\n{journal_text}");

    // Resume: a fresh session plans what is left, the journal tells what was done before.
    let (journal, previous) = Journal::resume(&journal_path, &job_id).expect("the journal belongs to this job");
    assert!(!previous.finished, "the first run did not finish");
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    assert_eq!(prepared.plan.changes.len() as u64, AGENTS as u64 - first_writes, "only what is left is planned");
    let options = ExecuteOptions {
        apply: support::apply_options(2),
        journal: Some(journal),
        previous: Some(previous),
        undo: None,
    };
    let second = support::execute(client.as_ref(), &prepared, options).await;
    assert!(!second.cancelled, "the second run finished");
    assert_eq!(first_writes + second.summary.requests.write, AGENTS as u64, "nothing confirmed was sent twice");
    assert_eq!(support::sandbox_writes(&sb.stats()), AGENTS as u64, "the sandbox saw the lower bound of writes");
    assert_eq!((second.summary.failed, second.summary.verified), (0, AGENTS), "{:?}", support::outcomes(&second));
    for r in &second.rows {
        let key = (r.agent.to_string(), r.skill.to_string());
        let was = original.get(&key).copied();
        let want = if was.is_some() { Outcome::Updated } else { Outcome::Added };
        assert_eq!(r.outcome, want, "line {} is reported as what it was, not unchanged: {r:?}", r.line);
        assert_eq!(r.before, was, "line {} keeps its original before value", r.line);
        assert!(!r.correlation_ids.is_empty(), "line {} keeps its correlation ids", r.line);
    }
    assert_eq!(support::state(&sb), done_state(AGENTS), "every value landed");
    let finished = journal::read(&journal_path, &job_id).expect("journal readable");
    assert!(finished.finished, "the journal records the finish");
}

both!(
    writes_that_always_fail_end_failed_with_the_status_and_do_not_hang,
    a_rate_limited_burst_is_paced_retried_and_counted,
    expiring_tokens_are_refreshed_mid_run,
    bad_credentials_and_a_closed_port_fail_fast_with_exit_code_3,
    cancel_before_or_during_apply_skips_what_was_not_sent,
    resume_after_a_kill_finishes_without_redoing_confirmed_work,
);

/// The CLI maps the feed while the tenant is read (`job::load_while_reading`). The loader below
/// accepts the feed, then waits until the client has connected and started reading the tenant:
/// run one after the other, it would give up after 10 s and fail the test.
#[tokio::test]
async fn the_feed_loads_while_the_tenant_is_read() {
    for kind in [PlatformKind::Genesys, PlatformKind::Cxone] {
        let sb = support::start(kind, tenant(4), |c| c.latency = Duration::from_millis(100)).await;
        let client = support::client(&sb, kind, support::fast());
        let (tell, reading) = std::sync::mpsc::channel();
        let tell = std::sync::Mutex::new(tell);
        let events = Events::new(move |e| {
            if e == (Event::Phase { phase: Phase::Read }) {
                let _ = tell.lock().map(|t| t.send(()));
            }
        });
        let loader = move |accepted: job::Accepted| {
            accepted.accept();
            match reading.recv_timeout(Duration::from_secs(10)) {
                Ok(()) => Ok("loaded"),
                Err(_) => {
                    Err(skillsync_core::Error::Input("the tenant was not being read while the feed loaded".into()))
                }
            }
        };
        let (loaded, snapshot) = job::load_while_reading(client.as_ref(), loader, &events).await.expect("both succeed");
        assert_eq!(loaded, "loaded");
        assert_eq!(snapshot.agents.len(), 4, "{kind:?}");
    }
}

/// A feed that cannot be read is the error, and sends nothing, not even a read. One that fails
/// after it was accepted (the tenant's read under way, slowed to seconds a page here) is reported
/// as soon as it is known: the read is dropped rather than waited for.
#[tokio::test]
async fn a_feed_that_cannot_be_read_wins_at_once_over_a_slow_tenant() {
    for kind in [PlatformKind::Genesys, PlatformKind::Cxone] {
        let sb = support::start(kind, tenant(4), |c| c.latency = Duration::from_secs(3)).await;
        let client = support::client(&sb, kind, HttpSettings { timeout: Duration::from_secs(30), ..support::fast() });
        let started = Instant::now();
        let loader = |_: job::Accepted| Err::<(), _>(skillsync_core::Error::Input("line 2: not a feed".into()));
        let err = job::load_while_reading(client.as_ref(), loader, &Events::none()).await.expect_err("the feed fails");
        assert_eq!(err.code(), "input.invalid", "{kind:?}: {err}");
        assert!(started.elapsed() < Duration::from_secs(2), "{kind:?}: waited {:?} for the tenant", started.elapsed());
        assert_eq!(sb.stats()["total"], 0, "{kind:?}: a feed that cannot be used sends nothing: {}", sb.stats());

        let started = Instant::now();
        let loader = |accepted: job::Accepted| {
            accepted.accept();
            std::thread::sleep(Duration::from_millis(200)); // the tenant's read is under way
            Err::<(), _>(skillsync_core::Error::Input("line 2: not a feed".into()))
        };
        let err = job::load_while_reading(client.as_ref(), loader, &Events::none()).await.expect_err("the feed fails");
        assert_eq!(err.code(), "input.invalid", "{kind:?}: {err}");
        assert!(started.elapsed() < Duration::from_secs(2), "{kind:?}: waited {:?} for the tenant", started.elapsed());
    }
}
