//! The tenant as it really is, not as tidy as a demo: CXone assignments an admin switched off,
//! servers that answer shorter pages than asked, Genesys users listed without their skills (the
//! vendor calls the expand best effort), and tokens refused mid-run.

mod support;

use skillsync_core::job::{self, ExecuteOptions};
use skillsync_core::plan::PlanOptions;
use skillsync_core::{Action, Outcome, PlatformKind};
use skillsync_sandbox::{TenantAssignment, TenantFile, TenantSkill, TenantUser};
use std::time::{Duration, Instant};
use support::State;

fn email(n: usize) -> String {
    format!("agent{n:02}@example.com")
}

fn queue(n: usize) -> String {
    format!("Queue {n:02}")
}

/// `agents` agents and `skills` queues; agent n holds queues 1..=held(n) at 2.
fn tenant(agents: usize, skills: usize, held: impl Fn(usize) -> usize) -> TenantFile {
    let mut t = TenantFile::default();
    for s in 1..=skills {
        t.skills.push(TenantSkill { name: queue(s), active: true });
    }
    for n in 1..=agents {
        t.users.push(TenantUser { email: email(n), username: None, name: Some(format!("Agent {n:02}")), active: true });
        for s in 1..=held(n) {
            t.assignments.push(TenantAssignment::new(email(n), queue(s), 2.0));
        }
    }
    t
}

/// The sandbox's assignments with CXone's per-assignment flag: (email, skill) → (value, active).
fn flagged(sb: &skillsync_sandbox::Sandbox) -> std::collections::BTreeMap<(String, String), (f64, bool)> {
    sb.state()["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| {
            let key = (a["email"].as_str().unwrap().to_string(), a["skill"].as_str().unwrap().to_string());
            (key, (a["proficiency"].as_f64().unwrap(), a["active"].as_bool().unwrap_or(true)))
        })
        .collect()
}

/// An admin disabled two of Agent 01's assignments. A default listing leaves them out; the plan
/// must still see them (an update, not an add that the platform refuses), send their state back
/// unchanged, remove one of them in the removal mode, and read them back to verify.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cxone_disabled_assignments_are_seen_updated_in_place_and_removed() {
    let kind = PlatformKind::Cxone;
    let mut t = tenant(3, 4, |_| 2);
    for a in t.assignments.iter_mut().filter(|a| a.email == email(1)) {
        a.active = false;
    }
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let text = format!(
        "email,skill,proficiency\n{a},{q1},7\n{a},{q2},remove\n{a},{q3},5\n{b},{q1},9\n",
        a = email(1),
        b = email(2),
        q1 = queue(1),
        q2 = queue(2),
        q3 = queue(3)
    );
    let feed = support::load(dir.path(), "feed.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { allow_remove: true, ..PlanOptions::for_platform(kind) };
    let prepared = support::prepare(client.as_ref(), &feed, &options).await;
    let actions: Vec<Action> = prepared.plan.rows.iter().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [Action::Update, Action::Remove, Action::Add, Action::Update],
        "a disabled assignment still exists: {:#?}",
        prepared.plan.rows
    );
    assert_eq!(prepared.plan.rows[0].before, Some(2.0));
    let run = support::execute(client.as_ref(), &prepared, ExecuteOptions::default()).await;
    support::assert_all_done(&run);
    assert_eq!((run.summary.failed, run.summary.verified), (0, 4), "{:?}", support::outcomes(&run));
    let state = flagged(&sb);
    let key = |n: usize, q: usize| (email(n), queue(q));
    assert_eq!(state.get(&key(1, 1)), Some(&(7.0, false)), "updated, and still switched off");
    assert_eq!(state.get(&key(1, 2)), None, "the disabled assignment was removed");
    assert_eq!(state.get(&key(1, 3)), Some(&(5.0, true)), "a new assignment starts active");
    assert_eq!(state.get(&key(2, 1)), Some(&(9.0, true)), "an enabled one stays enabled");
    // A re-run sends nothing: the disabled assignment is read as it is.
    let again = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(again.as_ref(), &feed, &options).await;
    assert!(prepared.plan.changes.is_empty(), "{:#?}", prepared.plan.changes);
}

/// Every listing page holds at most 7 items, whatever the client asks for: the plan still sees
/// every assignment (a re-run of an export plans nothing) and a removal is only verified when the
/// pair is really gone.
async fn short_pages_lose_nothing(kind: PlatformKind) {
    let sb = support::start(kind, tenant(30, 12, |n| 1 + n % 4), |c| c.page_cap = Some(7)).await;
    let start = support::state(&sb);
    let dir = support::temp();
    // Every current assignment at 3, and Agent 30's last queue removed.
    let mut text = String::from("email,skill,proficiency\n");
    for (e, s) in start.keys() {
        let v = if e == &email(30) && s == &queue(3) { "remove".to_string() } else { "3".to_string() };
        text.push_str(&format!("{e},{s},{v}\n"));
    }
    let feed = support::load(dir.path(), "all.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { allow_remove: true, ..PlanOptions::for_platform(kind) };
    let prepared = support::prepare(client.as_ref(), &feed, &options).await;
    assert_eq!(prepared.snapshot.assignments.len(), start.len(), "every assignment was read from short pages");
    let s = prepared.plan.summary;
    assert_eq!((s.add, s.update, s.remove, s.invalid), (0, start.len() - 1, 1, 0), "{s:?}");
    let run = support::execute(client.as_ref(), &prepared, ExecuteOptions::default()).await;
    support::assert_all_done(&run);
    assert_eq!(run.summary.failed, 0);
    let mut want: State = start.keys().map(|k| (k.clone(), 3.0)).collect();
    want.remove(&(email(30), queue(3)));
    assert_eq!(support::state(&sb), want);
    let removed = run.rows.iter().find(|r| r.requested.is_none()).expect("the removal row");
    assert_eq!(removed.outcome, Outcome::Removed, "{removed:?}");
    let again = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(again.as_ref(), &feed, &options).await;
    assert!(prepared.plan.changes.is_empty(), "a re-run plans nothing: {:?}", prepared.plan.summary);
}

/// Half the users come back from the listing without a `skills` field: they are read one by one,
/// so nobody's current skills are taken as none (which would plan adds the platform then
/// "re-adds", and hide what removal mode must remove).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genesys_users_listed_without_skills_are_read_one_by_one() {
    let kind = PlatformKind::Genesys;
    let sb = support::start(kind, tenant(20, 6, |n| 1 + n % 3), |c| c.expand_drop = 0.5).await;
    let start = support::state(&sb);
    let dir = support::temp();
    let mut text = String::from("email,skill,proficiency\n");
    for n in 1..=20 {
        text.push_str(&format!("{},{},2\n", email(n), queue(1)));
    }
    let feed = support::load(dir.path(), "feed.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { remove_unlisted: true, allow_remove: true, ..PlanOptions::for_platform(kind) };
    let prepared = support::prepare(client.as_ref(), &feed, &options).await;
    assert_eq!(prepared.snapshot.assignments.len(), start.len(), "every user's skills were read");
    let per_user = support::route(&sb.stats(), "GET /api/v2/users/{id}/routingskills");
    assert!((5..=15).contains(&per_user), "about half the users were read one by one: {per_user}");
    let s = prepared.plan.summary;
    assert_eq!((s.add, s.unchanged), (0, 20), "everyone already holds Queue 01 at 2: {s:?}");
    assert_eq!(s.remove, start.len() - 20, "every other skill is removed in this mode");
    let run = support::execute(client.as_ref(), &prepared, ExecuteOptions::default()).await;
    assert_eq!(run.summary.failed, 0, "{:?}", support::outcomes(&run));
    let want: State = (1..=20).map(|n| ((email(n), queue(1)), 2.0)).collect();
    assert_eq!(support::state(&sb), want);
}

/// Every token is revoked while eight calls go out with it: the client fetches one new token for
/// all of them, not one per refused request, and every row still lands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_renewed_once_for_every_request_in_flight() {
    let kind = PlatformKind::Genesys;
    let sb = support::start(kind, tenant(40, 2, |_| 0), |c| c.latency = Duration::from_millis(150)).await;
    let dir = support::temp();
    let mut text = String::from("email,skill,proficiency\n");
    for n in 1..=40 {
        text.push_str(&format!("{},{},4\n", email(n), queue(1)));
    }
    let feed = support::load(dir.path(), "feed.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &PlanOptions::for_platform(kind)).await;
    let tokens_before = support::route(&sb.stats(), "POST /oauth/token");
    // Revoked between the plan and the apply: the first eight calls leave together with the
    // refused token.
    sb.revoke_tokens();
    let options = ExecuteOptions { apply: support::apply_options(8), ..Default::default() };
    let run = job::execute(client.as_ref(), &prepared, options, Instant::now()).await.expect("a run");
    assert_eq!((run.summary.failed, run.summary.verified), (0, 40), "{:?}", support::outcomes(&run));
    let fetched = support::route(&sb.stats(), "POST /oauth/token") - tokens_before;
    assert_eq!(fetched, 1, "one new token for all the refused requests: {}", sb.stats());
    assert!(
        run.summary.requests.retried >= 2,
        "several requests in flight were refused and sent again: {:?}",
        run.summary.requests
    );
}

/// A token that lives three seconds is renewed before it dies: a run of several seconds never
/// sends a dying token (no 401), and fetches a handful of tokens, not one per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_lived_tokens_are_renewed_early_without_a_refusal() {
    let kind = PlatformKind::Genesys;
    let sb = support::start(kind, tenant(60, 2, |_| 0), |c| {
        c.latency = Duration::from_millis(120);
        c.token_ttl = Duration::from_secs(3);
    })
    .await;
    let dir = support::temp();
    let mut text = String::from("email,skill,proficiency\n");
    for n in 1..=60 {
        text.push_str(&format!("{},{},4\n", email(n), queue(1)));
    }
    let feed = support::load(dir.path(), "feed.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let started = Instant::now();
    let prepared = support::prepare(client.as_ref(), &feed, &PlanOptions::for_platform(kind)).await;
    let options = ExecuteOptions { apply: support::apply_options(2), ..Default::default() };
    let run = support::execute(client.as_ref(), &prepared, options).await;
    let took = started.elapsed();
    assert_eq!((run.summary.failed, run.summary.verified), (0, 60));
    assert!(took > Duration::from_secs(3), "the run outlived a token: {took:?}");
    assert_eq!(run.summary.requests.retried, 0, "no request was refused for a dying token");
    let fetched = support::route(&sb.stats(), "POST /oauth/token");
    assert!(fetched >= 2 && fetched as f64 <= took.as_secs_f64() / 2.0 + 2.0, "{fetched} tokens in {took:?}");
}

both!(short_pages_lose_nothing);
