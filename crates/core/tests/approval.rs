//! The saved plan's drift check over real HTTP: a plan made against one tenant state, checked
//! against the same tenant unchanged (no drift) and against an identical tenant whose pairs moved
//! (the sandbox generates the same ids for the same names) — exactly the moved pairs are listed,
//! in the fewest reads; on CXone an assignment switched off is drift too.

mod support;

use skillsync_core::approval::{self, SavedPlan};
use skillsync_core::plan::PlanOptions;
use skillsync_core::PlatformKind;
use skillsync_sandbox::TenantFile;
use support::{client, fast, load, prepare, start, tenant};

const SKILLS: &[(&str, bool)] = &[("Billing", true), ("Sales", true)];
const USERS: &[(&str, &str, bool)] =
    &[("ana@example.com", "Ana", true), ("bo@example.com", "Bo", true), ("cy@example.com", "Cy", true)];

/// Ana updates 2 → 4, Bo gets Billing 2, Cy updates 1 → 2.
const FEED: &str =
    "email,skill,proficiency\nana@example.com,Billing,4\nbo@example.com,Billing,2\ncy@example.com,Billing,2\n";

fn before() -> TenantFile {
    tenant(SKILLS, USERS, &[("ana@example.com", "Billing", 2.0), ("cy@example.com", "Billing", 1.0)])
}

async fn saved_plan(kind: PlatformKind, dir: &std::path::Path) -> SavedPlan {
    let sb = start(kind, before(), |_| {}).await;
    let c = client(&sb, kind, fast());
    let feed = load(dir, "feed.csv", FEED, None, kind);
    let options = PlanOptions::for_platform(kind);
    let prepared = prepare(c.as_ref(), &feed, &options).await;
    assert_eq!(prepared.plan.changes.len(), 3, "three changes: {:?}", prepared.plan.changes);
    let saved = SavedPlan::new(kind, sb.base_url(), "test", &feed, &options, &prepared);
    let path = dir.join("plan.json");
    saved.save(&path).expect("the plan is saved");
    let saved = SavedPlan::load(&path).expect("and reads back");

    let fresh = client(&sb, kind, fast());
    fresh.connect().await.expect("connects");
    let drift = approval::drift(fresh.as_ref(), &saved.plan, Some(saved.tenant_size)).await.expect("reads back");
    assert_eq!(drift, vec![], "the same tenant, unchanged: no drift");
    sb.shutdown().await;
    saved
}

async fn the_pairs_that_moved_are_listed_and_no_other(kind: PlatformKind) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let saved = saved_plan(kind, dir.path()).await;
    // Ana's value changed, Bo got the skill meanwhile, Cy is as planned.
    let moved = tenant(
        SKILLS,
        USERS,
        &[("ana@example.com", "Billing", 3.0), ("bo@example.com", "Billing", 1.0), ("cy@example.com", "Billing", 1.0)],
    );
    let sb = start(kind, moved, |_| {}).await;
    let c = client(&sb, kind, fast());
    c.connect().await.expect("connects");
    let reads = c.counts().read;
    let drift = approval::drift(c.as_ref(), &saved.plan, Some(saved.tenant_size)).await.expect("reads back");
    let got: Vec<(String, Option<f64>, Option<f64>)> =
        drift.iter().map(|d| (d.agent.clone(), d.planned, d.now)).collect();
    assert_eq!(
        got,
        vec![("ana@example.com".to_string(), Some(2.0), Some(3.0)), ("bo@example.com".to_string(), None, Some(1.0))],
        "{drift:?}"
    );
    assert_eq!(drift[0].skill, "Billing", "the skill as the feed named it");
    let reads = c.counts().read - reads;
    // Genesys: one users page holds the three agents; CXone: one skill's enabled and disabled
    // assignments.
    assert_eq!(reads, if kind == PlatformKind::Genesys { 1 } else { 2 }, "the fewest reads");
    sb.shutdown().await;
}

#[tokio::test]
async fn genesys_the_pairs_that_moved_since_the_plan_are_listed_and_no_other() {
    the_pairs_that_moved_are_listed_and_no_other(PlatformKind::Genesys).await;
}

#[tokio::test]
async fn cxone_the_pairs_that_moved_since_the_plan_are_listed_and_no_other() {
    the_pairs_that_moved_are_listed_and_no_other(PlatformKind::Cxone).await;
}

#[tokio::test]
async fn cxone_an_assignment_switched_off_since_the_plan_is_drift() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let saved = saved_plan(PlatformKind::Cxone, dir.path()).await;
    let mut off = before();
    for a in &mut off.assignments {
        if a.email == "cy@example.com" {
            a.active = false;
        }
    }
    let sb = start(PlatformKind::Cxone, off, |_| {}).await;
    let c = client(&sb, PlatformKind::Cxone, fast());
    c.connect().await.expect("connects");
    let drift = approval::drift(c.as_ref(), &saved.plan, Some(saved.tenant_size)).await.expect("reads back");
    assert_eq!(drift.len(), 1, "{drift:?}");
    let d = &drift[0];
    assert_eq!((d.agent.as_str(), d.planned, d.now), ("cy@example.com", Some(1.0), Some(1.0)), "{d:?}");
    assert_eq!((d.planned_active, d.now_active), (Some(true), Some(false)), "{d:?}");
    assert!(d.describe().contains("switched on → off"), "{}", d.describe());
    sb.shutdown().await;
}
