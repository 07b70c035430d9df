//! The whole job against the sandbox over real HTTP on 127.0.0.1, each scenario once and run for both
//! platforms: feeds in every layout, the plan's counts and row rules, exact request counts (the
//! lower bound the SPEC promises), the state the platform ends in, the undo file and the export
//! round trip.

mod support;

use skillsync_core::export::{self, ExportLayout, ExportOptions};
use skillsync_core::job::{self, ExecuteOptions};
use skillsync_core::plan::{PlanOptions, PlanSummary};
use skillsync_core::{Action, Events, Outcome, PlatformKind, RowResult};
use skillsync_sandbox::{TenantAssignment, TenantFile, TenantSkill};
use support::State;

const ANA: &str = "ana.lee@example.com";
const BO: &str = "bo.chen@example.com";
const CY: &str = "cy.diaz@example.com";
const DI: &str = "di.evans@example.com";
const FAY: &str = "fay.full@example.com";
const GUS: &str = "gus.bulk@example.com";

fn queue(n: usize) -> String {
    format!("Queue {n:02}")
}

/// Four named skills, an inactive one and fifty queues; eight users, one inactive and two namesakes.
/// Ana holds Billing - English 4 and Sales - Spanish 2, Bo Billing - English 2, inactive Cy Sales -
/// Spanish 4, and Fay queues 1–48 at 3. Every value is a whole number from 1 to 5, valid on both
/// platforms' scales.
fn tenant() -> TenantFile {
    let mut t = support::tenant(
        &[
            ("Billing - English", true),
            ("Sales - Spanish", true),
            ("Retention", true),
            ("Tech Support", true),
            ("Legacy Support", false),
        ],
        &[
            (ANA, "Ana Lee", true),
            (BO, "Bo Chen", true),
            (CY, "Cy Diaz", false),
            (DI, "Di Evans", true),
            ("sam.park@example.com", "Sam Park", true),
            ("s.park@example.com", "Sam Park", true),
            (FAY, "Fay Full", true),
            (GUS, "Gus Bulk", true),
        ],
        &[
            (ANA, "Billing - English", 4.0),
            (ANA, "Sales - Spanish", 2.0),
            (BO, "Billing - English", 2.0),
            (CY, "Sales - Spanish", 4.0),
        ],
    );
    for n in 1..=50 {
        t.skills.push(TenantSkill { name: queue(n), active: true });
    }
    for n in 1..=48 {
        t.assignments.push(TenantAssignment::new(FAY, queue(n), 3.0));
    }
    t
}

fn with(state: &State, changes: &[(&str, &str, Option<f64>)]) -> State {
    let mut s = state.clone();
    for &(email, skill, value) in changes {
        let key = (email.to_string(), skill.to_string());
        match value {
            Some(v) => s.insert(key, v),
            None => s.remove(&key),
        };
    }
    s
}

fn defaults(kind: PlatformKind) -> PlanOptions {
    PlanOptions::for_platform(kind)
}

fn find<'r>(run: &'r job::Run, agent: &str, skill: &str) -> &'r RowResult {
    run.rows
        .iter()
        .find(|r| r.agent == agent && r.skill == skill)
        .unwrap_or_else(|| panic!("no row for {agent} / {skill}: {:#?}", run.rows))
}

/// A long feed with one row of every kind the plan knows.
const LONG_FEED: &str = "email,skill,proficiency
ana.lee@example.com,Billing - English,4
ana.lee@example.com,Sales - Spanish,5
ana.lee@example.com,Retention,3
bo.chen@example.com,Billing - English,3
bo.chen@example.com,Tech Support,1
di.evans@example.com,Billing - English,2
di.evans@example.com,Biling - English,2
cy.diaz@example.com,Retention,3
di.evans@example.com,Legacy Support,3
bo.chen@example.com,Tech Support,1
di.evans@example.com,Sales - Spanish,2
di.evans@example.com,Sales - Spanish,4
di.evans@example.com,Retention,high
";

/// The changes the long feed makes, as (email, skill, new value).
const LONG_CHANGES: [(&str, &str, Option<f64>); 5] = [
    (ANA, "Sales - Spanish", Some(5.0)),
    (ANA, "Retention", Some(3.0)),
    (BO, "Billing - English", Some(3.0)),
    (BO, "Tech Support", Some(1.0)),
    (DI, "Billing - English", Some(2.0)),
];

/// The lower bound of write calls for the long feed: Genesys one PATCH per changed user (Ana, Bo,
/// Di); CXone one call per (skill, new|changed) group: Sales updated, Retention new, Billing
/// updated, Tech new, Billing new.
fn long_writes(kind: PlatformKind) -> u64 {
    match kind {
        PlatformKind::Genesys => 3,
        PlatformKind::Cxone => 5,
    }
}

async fn long_feed_plans_applies_verifies_and_a_rerun_sends_nothing(kind: PlatformKind) {
    let t = tenant();
    let before = support::initial_state(&t);
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let feed = support::load(dir.path(), "long.csv", LONG_FEED, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;

    let s = prepared.plan.summary;
    assert_eq!(
        (s.rows, s.add, s.update, s.unchanged, s.invalid, s.remove),
        (13, 3, 2, 2, 6, 0),
        "plan counts (rows, add, update, unchanged, invalid, remove): {s:?}"
    );
    let action = |line: usize| prepared.plan.rows.iter().find(|r| r.line == line).map(|r| r.action);
    let code = |line: usize| {
        prepared.plan.rows.iter().find(|r| r.line == line).and_then(|r| r.problem.as_ref()).map(|p| p.code.clone())
    };
    assert_eq!(action(2), Some(Action::Unchanged), "line 2 already holds 4");
    assert_eq!(action(3), Some(Action::Update), "line 3 changes 2 → 5");
    assert_eq!(action(4), Some(Action::Add), "line 4 is new");
    assert_eq!(code(8).as_deref(), Some("unknown_skill"), "line 8 misspells the skill");
    let unknown = &prepared.plan.unresolved.unknown_skills;
    assert_eq!(unknown.len(), 1, "one unknown skill name: {unknown:?}");
    assert_eq!(unknown[0].suggestions, vec!["Billing - English".to_string()], "the suggestion for 'Biling - English'");
    let msg = prepared.plan.rows.iter().find(|r| r.line == 8).and_then(|r| r.problem.as_ref());
    let msg = msg.map(|p| p.message.clone()).unwrap_or_default();
    assert!(msg.contains("did you mean 'Billing - English'"), "line 8 says what was meant: {msg}");
    assert_eq!(code(9).as_deref(), Some("inactive_agent"), "line 9 names the inactive agent");
    assert_eq!(code(10).as_deref(), Some("inactive_skill"), "line 10 names the inactive skill");
    assert_eq!(code(11).as_deref(), Some("duplicate_row"), "line 11 repeats line 6");
    assert_eq!(action(11), Some(Action::Unchanged), "an agreeing duplicate sends nothing of its own");
    assert_eq!(code(12).as_deref(), Some("conflicting_rows"), "line 12 conflicts with line 13");
    assert_eq!(code(13).as_deref(), Some("conflicting_rows"), "line 13 conflicts with line 12");
    assert_eq!(code(14).as_deref(), Some("invalid_value"), "line 14's value is a word no mapping names");
    assert!(
        !prepared.plan.changes.iter().any(|c| c.lines.contains(&12) || c.lines.contains(&13)),
        "nothing is sent for a conflicting pair: {:?}",
        prepared.plan.changes
    );
    assert_eq!(prepared.estimate.writes, long_writes(kind), "the estimate names the lower bound of writes");

    let run = support::execute(client.as_ref(), &prepared, ExecuteOptions::default()).await;
    support::assert_all_done(&run);
    let r = &run.summary;
    assert_eq!(
        (r.added, r.updated, r.unchanged, r.invalid, r.failed, r.verified),
        (3, 2, 2, 6, 0, 5),
        "run counts: {:?}",
        support::outcomes(&run)
    );
    let updated = support::row(&run, 3);
    assert_eq!((updated.before, updated.after), (Some(2.0), Some(5.0)), "line 3 before and after: {updated:?}");
    assert!(!updated.correlation_ids.is_empty(), "a changed row carries its request's correlation id");
    assert_eq!(support::row(&run, 13).outcome, Outcome::Invalid, "conflicts end invalid");
    // A copy of a changed row shows what the pair holds after the run, as the row that sent it.
    let (sent, copy) = (support::row(&run, 6), support::row(&run, 11));
    assert_ne!(sent.before, sent.after, "line 6 changed its pair: {sent:?}");
    assert_eq!(copy.after, sent.after, "the duplicate line 11 shows the pair's value after the run: {copy:?}");
    assert_eq!(support::state(&sb), with(&before, &LONG_CHANGES), "the tenant holds exactly the requested values");

    // The lower bound, measured on both sides of the wire.
    let (reads, verify_reads) = match kind {
        // Skills, routing languages and users pages; the PATCH replies confirm.
        PlatformKind::Genesys => (3, 0),
        // /skills + /agents + /agents/skills in four listings (enabled and disabled assignments, of
        // active and inactive skills); relisting the enabled and disabled ones verifies.
        PlatformKind::Cxone => (6, 2),
    };
    let stats = sb.stats();
    assert_eq!(r.requests.write, long_writes(kind), "client-side write count");
    assert_eq!(r.requests.read, reads + verify_reads, "client-side read count");
    assert_eq!((r.requests.retried, r.requests.throttled), (0, 0), "nothing to retry without faults");
    assert_eq!(support::sandbox_writes(&stats), long_writes(kind), "writes the sandbox saw: {stats}");
    assert_eq!(support::sandbox_reads(&stats), reads + verify_reads, "reads the sandbox saw: {stats}");
    match kind {
        PlatformKind::Genesys => {
            assert_eq!(support::route(&stats, "PATCH /api/v2/users/{id}/routingskills/bulk"), 3, "{stats}");
            assert_eq!(support::route(&stats, "GET /api/v2/routing/skills"), 1, "{stats}");
            assert_eq!(support::route(&stats, "GET /api/v2/users"), 1, "{stats}");
        }
        PlatformKind::Cxone => {
            assert_eq!(support::route(&stats, "POST /incontactapi/services/v33.0/skills/{id}/agents"), 3, "{stats}");
            assert_eq!(support::route(&stats, "PUT /incontactapi/services/v33.0/skills/{id}/agents"), 2, "{stats}");
            assert_eq!(support::route(&stats, "GET /incontactapi/services/v33.0/agents/skills"), 4 + 2, "{stats}");
        }
    }

    // The same file again: a fresh session plans nothing and writes nothing.
    let again = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(again.as_ref(), &feed, &defaults(kind)).await;
    let s = prepared.plan.summary;
    assert_eq!((s.add, s.update, s.invalid), (0, 0, 6), "a re-run plans no change: {s:?}");
    assert_eq!(prepared.estimate.writes, 0, "and estimates no write");
    let rerun = support::execute(again.as_ref(), &prepared, ExecuteOptions::default()).await;
    assert_eq!(again.counts().write, 0, "a re-run sends zero writes");
    assert_eq!(rerun.summary.unchanged, 7, "every valid row is unchanged: {:?}", support::outcomes(&rerun));
    assert_eq!(support::sandbox_writes(&sb.stats()), long_writes(kind), "the sandbox saw no new write");
}

async fn wide_and_packed_feeds_with_word_values_land_exactly(kind: PlatformKind) {
    let t = tenant();
    let before = support::initial_state(&t);
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let client = support::client(&sb, kind, support::fast());

    // Wide, detected from the header: one column per skill, a blank cell asks for nothing.
    let wide = "email,Billing - English,Sales - Spanish,Retention
ana.lee@example.com,4,5,
bo.chen@example.com,2,,1
di.evans@example.com,,3,2
";
    let feed = support::load(dir.path(), "wide.csv", wide, None, kind);
    let (prepared, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let s = prepared.plan.summary;
    assert_eq!((s.rows, s.add, s.update, s.unchanged, s.invalid), (6, 3, 1, 2, 0), "wide plan: {s:?}");
    support::assert_all_done(&run);
    assert_eq!(find(&run, DI, "Retention").outcome, Outcome::Added, "a wide cell adds");
    let after_wide = with(
        &before,
        &[
            (ANA, "Sales - Spanish", Some(5.0)),
            (BO, "Retention", Some(1.0)),
            (DI, "Sales - Spanish", Some(3.0)),
            (DI, "Retention", Some(2.0)),
        ],
    );
    assert_eq!(support::state(&sb), after_wide, "state after the wide feed");

    // Packed, with words mapped per platform (CXone's 1 is best).
    let (expert, intermediate, novice) = match kind {
        PlatformKind::Genesys => (5.0, 3.0, 1.0),
        PlatformKind::Cxone => (1.0, 10.0, 20.0),
    };
    let mapping = format!(
        "[columns]\nlayout = \"packed\"\nagent = \"email\"\nskill_pairs = \"skills\"\n\n[values]\nExpert = {expert}\nIntermediate = {intermediate}\nNovice = {novice}\n"
    );
    let packed = "email,skills
ana.lee@example.com,\"Tech Support:Expert;Retention:novice\"
gus.bulk@example.com,\"Billing - English:Intermediate;Sales - Spanish:Guru\"
";
    let feed = support::load(dir.path(), "packed.csv", packed, Some(&mapping), kind);
    let (prepared, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let s = prepared.plan.summary;
    assert_eq!((s.rows, s.add, s.invalid), (4, 3, 1), "packed plan: {s:?}");
    let guru = find(&run, GUS, "Sales - Spanish");
    assert_eq!(guru.outcome, Outcome::Invalid, "a word the mapping does not name is refused: {guru:?}");
    assert!(guru.error.as_deref().unwrap_or("").contains("[values]"), "and the error says how to map it: {guru:?}");
    support::assert_all_done(&run);
    assert_eq!(find(&run, ANA, "Retention").after, Some(novice), "'novice' matched case-insensitively");
    let after_packed = with(
        &after_wide,
        &[
            (ANA, "Tech Support", Some(expert)),
            (ANA, "Retention", Some(novice)),
            (GUS, "Billing - English", Some(intermediate)),
        ],
    );
    assert_eq!(support::state(&sb), after_packed, "state after the packed feed");
}

/// CXone only: a "higher is better" 1–5 feed lands inverted on CXone's 1 (best) to 20 scale.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inverted_scale_lands_a_higher_is_better_feed_on_cxone() {
    let kind = PlatformKind::Cxone;
    let t = tenant();
    let before = support::initial_state(&t);
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let mapping = "[columns]\nagent = \"email\"\nskill = \"skill\"\nproficiency = \"level\"\n\n[values]\nExpert = 1\n\n[scale]\nfrom = [1, 5]\nto = [20, 1]\n";
    let feed = "email,skill,level
gus.bulk@example.com,Queue 01,5
gus.bulk@example.com,Queue 02,4
gus.bulk@example.com,Queue 03,3
gus.bulk@example.com,Queue 04,2
gus.bulk@example.com,Queue 05,1
gus.bulk@example.com,Queue 06,Expert
gus.bulk@example.com,Queue 07,6
";
    let feed = support::load(dir.path(), "scaled.csv", feed, Some(mapping), kind);
    let client = support::client(&sb, kind, support::fast());
    let (prepared, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    assert_eq!(prepared.plan.summary.invalid, 1, "6 is outside from = [1, 5]: {:?}", prepared.plan.summary);
    assert_eq!(support::row(&run, 8).outcome, Outcome::Invalid, "line 8 is out of the source range");
    support::assert_all_done(&run);
    // 20 + (v - 1) * (1 - 20) / 4, rounded: CXone takes integers only.
    let want = [(1, 1.0), (2, 6.0), (3, 11.0), (4, 15.0), (5, 20.0), (6, 1.0)];
    let changes: Vec<(&str, String, Option<f64>)> = want.iter().map(|&(n, v)| (GUS, queue(n), Some(v))).collect();
    let changes: Vec<(&str, &str, Option<f64>)> = changes.iter().map(|(e, s, v)| (*e, s.as_str(), *v)).collect();
    assert_eq!(support::state(&sb), with(&before, &changes), "the inverted values on the platform");
}

async fn names_resolve_exactly_with_suggestions_inactivity_and_ambiguity(kind: PlatformKind) {
    let t = tenant();
    let before = support::initial_state(&t);
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let mapping =
        "[columns]\nagent = \"agent\"\nagent_key = \"name\"\nskill = \"skill\"\nproficiency = \"proficiency\"\n";
    let feed = "agent,skill,proficiency
  ana   LEE ,retention,3
Sam Park,Retention,3
Ana Le,Retention,3
Cy Diaz,Retention,3
";
    let feed = support::load(dir.path(), "names.csv", feed, Some(mapping), kind);
    let client = support::client(&sb, kind, support::fast());
    let (prepared, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let u = &prepared.plan.unresolved;
    assert_eq!(u.ambiguous_agents.len(), 1, "'Sam Park' names two agents: {u:?}");
    let mut emails = u.ambiguous_agents[0].suggestions.clone();
    emails.sort();
    assert_eq!(emails, ["s.park@example.com", "sam.park@example.com"], "the candidates are listed by email");
    assert_eq!(u.unknown_agents.len(), 1, "'Ana Le' is unknown: {u:?}");
    assert_eq!(u.unknown_agents[0].suggestions, ["Ana Lee"], "with a suggestion");
    assert_eq!(u.inactive_agents.len(), 1, "Cy is inactive: {u:?}");
    assert_eq!(support::row(&run, 2).outcome, Outcome::Added, "case and spacing do not matter: {:?}", run.rows[0]);
    for line in 3..=5 {
        assert_eq!(support::row(&run, line).outcome, Outcome::Invalid, "line {line} is not sent");
    }
    assert_eq!(run.summary.requests.write, 1, "one write, for Ana");
    assert_eq!(support::state(&sb), with(&before, &[(ANA, "Retention", Some(3.0))]), "only Ana changed");
}

async fn fifty_changes_of_one_agent_take_one_genesys_call_and_the_skill_limit_holds(kind: PlatformKind) {
    let t = tenant();
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let mut feed = String::from("email,skill,proficiency\n");
    for n in 1..=50 {
        feed.push_str(&format!("{GUS},{},2\n", queue(n)));
    }
    // Fay holds 48: three adds would make 51. Her update of a skill she holds still goes.
    feed.push_str(&format!("{FAY},Queue 49,4\n{FAY},Queue 50,4\n{FAY},Retention,4\n{FAY},Queue 01,5\n"));
    let feed = support::load(dir.path(), "fifty.csv", &feed, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let (prepared, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let s = prepared.plan.summary;
    let state = support::state(&sb);
    let gus_skills = state.keys().filter(|(e, _)| e == GUS).count();
    assert_eq!(gus_skills, 50, "Gus holds all fifty queues");
    assert_eq!(state.get(&(FAY.to_string(), queue(1))), Some(&5.0), "Fay's update went");
    support::assert_all_done(&run);
    match kind {
        PlatformKind::Genesys => {
            assert_eq!((s.add, s.update, s.invalid), (50, 1, 3), "Genesys plan: {s:?}");
            for line in 52..=54 {
                let r = support::row(&run, line);
                assert_eq!(r.outcome, Outcome::Invalid, "line {line} would pass 50 skills: {r:?}");
                let e = r.error.as_deref().unwrap_or("");
                assert!(e.contains("at most 50") && e.contains("48"), "line {line} explains the limit: {e}");
            }
            let code = prepared.plan.rows.iter().find(|r| r.line == 52).and_then(|r| r.problem.as_ref());
            assert_eq!(code.map(|p| p.code.as_str()), Some("too_many_skills"), "the limit's code");
            assert_eq!(run.summary.requests.write, 2, "Gus's fifty in one PATCH, Fay's update in another");
            assert_eq!(
                support::route(&sb.stats(), "PATCH /api/v2/users/{id}/routingskills/bulk"),
                2,
                "sandbox PATCHes"
            );
            assert_eq!(state.keys().filter(|(e, _)| e == FAY).count(), 48, "Fay still holds 48");
        }
        PlatformKind::Cxone => {
            assert_eq!((s.add, s.update, s.invalid), (53, 1, 0), "CXone has no skill cap: {s:?}");
            // Fifty queues and Retention each get one POST; Queue 01's update one PUT.
            assert_eq!(run.summary.requests.write, 52, "one call per (skill, new|changed) group");
            assert_eq!(support::sandbox_writes(&sb.stats()), 52, "sandbox writes");
        }
    }
}

async fn removal_rows_are_refused_unless_removal_is_confirmed(kind: PlatformKind) {
    let t = tenant();
    let before = support::initial_state(&t);
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let text = "email,skill,proficiency\nana.lee@example.com,Sales - Spanish,remove\nbo.chen@example.com,Retention,3\n";
    let feed = support::load(dir.path(), "remove.csv", text, None, kind);

    let client = support::client(&sb, kind, support::fast());
    let (prepared, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    let refused = prepared.plan.rows.iter().find(|r| r.line == 2).and_then(|r| r.problem.clone());
    assert_eq!(refused.map(|p| p.code), Some("removal_not_confirmed".into()), "removal is off by default");
    assert_eq!(support::row(&run, 3).outcome, Outcome::Added, "the other row still goes");
    let after_first = with(&before, &[(BO, "Retention", Some(3.0))]);
    assert_eq!(support::state(&sb), after_first, "Ana keeps Sales - Spanish");

    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { allow_remove: true, ..defaults(kind) };
    let (prepared, run) = support::run(client.as_ref(), &feed, &options).await;
    assert_eq!((prepared.plan.summary.remove, prepared.plan.summary.unchanged), (1, 1), "{:?}", prepared.plan.summary);
    let removed = support::row(&run, 2);
    assert_eq!((removed.outcome, removed.before, removed.after), (Outcome::Removed, Some(2.0), None), "{removed:?}");
    assert_eq!(support::state(&sb), with(&after_first, &[(ANA, "Sales - Spanish", None)]), "the assignment is gone");
    let route = match kind {
        PlatformKind::Genesys => "DELETE /api/v2/users/{id}/routingskills/{skillId}",
        PlatformKind::Cxone => "DELETE /incontactapi/services/v33.0/skills/{id}/agents",
    };
    assert_eq!(support::route(&sb.stats(), route), 1, "one removal call: {}", sb.stats());
}

async fn the_undo_file_puts_the_tenant_back(kind: PlatformKind) {
    let t = tenant();
    let sb = support::start(kind, t, |_| {}).await;
    let original = support::state(&sb);
    let dir = support::temp();
    let feed = support::load(dir.path(), "long.csv", LONG_FEED, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let (_, run) = support::run(client.as_ref(), &feed, &defaults(kind)).await;
    assert_eq!(run.summary.verified, 5, "the run changed five pairs");
    assert_ne!(support::state(&sb), original, "the tenant changed");

    let report = support::file(&dir, "run.json");
    let written = job::write_report(&report, kind, sb.base_url(), &feed.path, &run).expect("report written");
    let undo = support::file(&dir, "run.undo.csv");
    assert!(written.contains(&undo), "the undo file is among {written:?}");
    let text = std::fs::read_to_string(&undo).expect("undo file");
    assert_eq!(text.lines().count(), 6, "a header and one line per change:\n{text}");
    assert_eq!(text.lines().filter(|l| l.contains(",remove,")).count(), 3, "the three adds come back as removals");

    let undo_feed = support::load_path(&undo, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { allow_remove: true, ..defaults(kind) };
    let (prepared, run) = support::run(client.as_ref(), &undo_feed, &options).await;
    let s = prepared.plan.summary;
    assert_eq!((s.remove, s.update, s.invalid), (3, 2, 0), "undo plan: {s:?}");
    support::assert_all_done(&run);
    assert_eq!(support::state(&sb), original, "the tenant is back where it started");
}

/// Exports `t` in both layouts and plans each export back against it: (file name, the file's
/// text, the plan's summary).
async fn export_and_plan_back(kind: PlatformKind, t: TenantFile) -> Vec<(&'static str, String, PlanSummary)> {
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let client = support::client(&sb, kind, support::fast());
    client.connect().await.expect("connects");
    let snapshot = client.snapshot(&Events::none()).await.expect("reads the tenant");
    let mut planned = Vec::new();
    for (layout, name) in [(ExportLayout::Long, "long.csv"), (ExportLayout::Wide, "wide.csv")] {
        let path = support::file(&dir, name);
        let options = ExportOptions { layout, ..ExportOptions::default() };
        let n = export::write_feed(&path, &snapshot, &options).expect("export written");
        assert!(n > 0, "{name}: rows exported");
        let text = std::fs::read_to_string(&path).expect("export readable");
        let feed = support::load_path(&path, None, kind);
        let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
        planned.push((name, text, prepared.plan.summary));
    }
    planned
}

async fn an_export_imports_back_as_a_plan_of_zero_changes(kind: PlatformKind) {
    for (name, _, s) in export_and_plan_back(kind, tenant()).await {
        // Inactive Cy's assignment is not exported; every other one comes back unchanged.
        assert_eq!((s.add, s.update, s.remove, s.invalid), (0, 0, 0, 0), "{name}: the round trip plans nothing: {s:?}");
        assert_eq!(s.unchanged, 51, "{name}: Ana's two, Bo's one and Fay's 48 assignments");
    }
}

/// Names a spreadsheet would run as formulas leave the export neutralised (a leading `'`, as in
/// the report and the undo file) and read back as themselves: the round trip still plans nothing.
async fn an_export_of_formula_looking_names_is_neutralised_and_imports_back_unchanged(kind: PlatformKind) {
    const RISKY: [&str; 5] = ["=HYPERLINK(\"http://x\",\"y\")", "+Night", "-Weekend", "@Home", "'=Quoted"];
    let skills: Vec<(&str, bool)> = RISKY.iter().map(|n| (*n, true)).collect();
    let held: Vec<(&str, &str, f64)> = RISKY.iter().map(|n| (ANA, *n, 3.0)).chain([(BO, RISKY[0], 2.0)]).collect();
    let t = support::tenant(&skills, &[(ANA, "Ana Lee", true), (BO, "Bo Chen", true)], &held);
    for (name, text, s) in export_and_plan_back(kind, t).await {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        for record in reader.records() {
            for cell in record.expect("the export is CSV").iter() {
                let cell = cell.trim_start_matches('\u{feff}');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{name}: a cell a spreadsheet would run as a formula: {cell:?}\n{text}"
                );
            }
        }
        assert_eq!(
            (s.add, s.update, s.remove, s.invalid, s.unchanged),
            (0, 0, 0, 0, 6),
            "{name}: every name reads back as itself: {s:?}\n{text}"
        );
    }
}

/// Paged reads in the fewest calls: Genesys lists 500 a page, CXone 1,000 agents and 10,000
/// assignments a page.
async fn a_large_tenant_is_read_in_the_fewest_pages(kind: PlatformKind) {
    const AGENTS: u64 = 1_200;
    let sb = support::start(kind, TenantFile::default(), |c| {
        c.tenant = skillsync_sandbox::TenantSource::Generated { agents: AGENTS as usize, skills: 12, seed: 3 };
    })
    .await;
    let dir = support::temp();
    let feed =
        support::load(dir.path(), "one.csv", "email,skill,proficiency\nnobody@example.com,Nothing,1\n", None, kind);
    let client = support::client(&sb, kind, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &defaults(kind)).await;
    let assignments = support::state(&sb).len() as u64;
    assert!(assignments > 0, "the generated tenant has assignments");
    let (want, route) = match kind {
        // One skills page, one languages page, three users pages (with everyone's skills and
        // languages).
        PlatformKind::Genesys => (2 + AGENTS.div_ceil(500), "GET /api/v2/users"),
        // One skills page, two agents pages, the enabled assignments in pages of 10,000 and one
        // page (or an empty 204) for each of the three other filtered listings.
        PlatformKind::Cxone => {
            (1 + AGENTS.div_ceil(1000) + assignments.div_ceil(10_000) + 3, "GET /incontactapi/services/v33.0/agents")
        }
    };
    assert_eq!(prepared.reads, want, "reads of the whole state");
    assert_eq!(support::sandbox_reads(&sb.stats()), want, "reads the sandbox saw: {}", sb.stats());
    assert_eq!(
        support::route(&sb.stats(), route),
        AGENTS.div_ceil(if kind == PlatformKind::Genesys { 500 } else { 1000 }),
        "agent pages"
    );
    assert_eq!(prepared.snapshot.agents.len() as u64, AGENTS, "every agent was read");
    // CXone: the assignments of active agents (an inactive agent's rows are invalid anyway, and
    // an export must import back); Genesys lists every user with their skills.
    let active: std::collections::HashSet<&str> =
        prepared.snapshot.agents.iter().filter(|a| a.active).map(|a| a.email.as_str()).collect();
    let held = support::state(&sb)
        .keys()
        .filter(|(email, _)| kind == PlatformKind::Genesys || active.contains(email.as_str()))
        .count();
    assert!(kind == PlatformKind::Genesys || held < assignments as usize, "the tenant has inactive agents with skills");
    // Genesys: the users' routing languages come with the same pages.
    let languages = sb.state()["languages"].as_array().map_or(0, Vec::len);
    assert!(kind == PlatformKind::Cxone || languages > 0, "the generated Genesys tenant has languages");
    assert_eq!(prepared.snapshot.assignments.len(), held + languages, "every assignment was read");
}

/// Fay holds 48 queues. Removing 2 and adding 4 keeps her at 50: allowed, because every removal is
/// sent before any add (the sandbox, like Genesys, refuses a PATCH that would pass 50 skills).
async fn removals_make_room_under_the_skill_limit_in_the_same_run(kind: PlatformKind) {
    let t = tenant();
    let sb = support::start(kind, t, |_| {}).await;
    let dir = support::temp();
    let mut text = String::from("email,skill,proficiency\n");
    for n in [1, 2] {
        text.push_str(&format!("{FAY},{},remove\n", queue(n)));
    }
    for skill in ["Queue 49", "Queue 50", "Retention", "Tech Support"] {
        text.push_str(&format!("{FAY},{skill},4\n"));
    }
    let feed = support::load(dir.path(), "room.csv", &text, None, kind);
    let client = support::client(&sb, kind, support::fast());
    let options = PlanOptions { allow_remove: true, ..defaults(kind) };
    let (prepared, run) = support::run(client.as_ref(), &feed, &options).await;
    let s = prepared.plan.summary;
    assert_eq!((s.remove, s.add, s.invalid), (2, 4, 0), "the removals make room for the adds: {s:?}");
    support::assert_all_done(&run);
    let state = support::state(&sb);
    assert_eq!(state.keys().filter(|(e, _)| e == FAY).count(), 50, "Fay ends at the limit");
    assert!(!state.contains_key(&(FAY.to_string(), queue(1))), "Queue 01 was removed");
    assert_eq!(state.get(&(FAY.to_string(), "Tech Support".to_string())), Some(&4.0), "Tech Support was added");
}

both!(
    a_large_tenant_is_read_in_the_fewest_pages,
    removals_make_room_under_the_skill_limit_in_the_same_run,
    long_feed_plans_applies_verifies_and_a_rerun_sends_nothing,
    wide_and_packed_feeds_with_word_values_land_exactly,
    names_resolve_exactly_with_suggestions_inactivity_and_ambiguity,
    fifty_changes_of_one_agent_take_one_genesys_call_and_the_skill_limit_holds,
    removal_rows_are_refused_unless_removal_is_confirmed,
    the_undo_file_puts_the_tenant_back,
    an_export_imports_back_as_a_plan_of_zero_changes,
    an_export_of_formula_looking_names_is_neutralised_and_imports_back_unchanged,
);
