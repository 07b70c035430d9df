//! Saved plans over real HTTP: `plan FEED --out PLAN.json`, then `apply --plan PLAN.json` with no
//! feed — applied exactly as saved, refused with exit 4 and zero writes when the tenant changed
//! since, refused with exit 2 when the file was edited or names another tenant.

mod support;

use serde_json::Value;
use support::{assert_summary, run, Tenant};

const GENESYS: &str = "genesys";
const CXONE: &str = "cxone";

/// One unchanged row, two adds (Ana Retention, Di Sales), one update (Bo Billing 2 → 3) and an
/// unknown skill.
const FEED: &str = "email,skill,proficiency
ana.lee@example.com,Billing - English,4
ana.lee@example.com,Retention,3
bo.chen@example.com,Billing - English,3
di.evans@example.com,Sales - Spanish,2
di.evans@example.com,Nope,2
";

fn assignment(state: &Value, email: &str, skill: &str) -> Option<f64> {
    state["assignments"]
        .as_array()?
        .iter()
        .find(|a| a["email"] == email && a["skill"] == skill)
        .and_then(|a| a["proficiency"].as_f64())
}

/// Plans FEED into `plan.json` and removes the feed, so an apply can only work from the plan.
fn saved_plan(t: &Tenant) -> String {
    let feed = t.write("feed.csv", FEED);
    let plan = t.path("plan.json");
    let plan = plan.to_str().expect("a UTF-8 path").to_string();
    let out = run(t.cmd(&["plan", feed.to_str().expect("a UTF-8 path"), "--out", &plan]));
    assert_eq!(out.code, 0, "plan --out exits 0: {}", out.all());
    for copy in ["plan.html", "plan.csv"] {
        let text = std::fs::read_to_string(t.path(copy)).unwrap_or_else(|e| panic!("{copy} beside the plan: {e}"));
        assert!(text.contains("Ana Lee"), "{copy} names the agents as the tenant has them:\n{text}");
    }
    std::fs::remove_file(&feed).expect("the feed is removed");
    plan
}

fn read_json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the plan file")).expect("the plan file is JSON")
}

fn a_saved_plan_is_applied_exactly(platform: &'static str) {
    let t = Tenant::start(platform, |_| {});
    let plan = saved_plan(&t);
    let v = read_json(&plan);
    assert_eq!(v["format_version"], 1, "{v}");
    assert_eq!(v["platform"], platform, "the plan names its platform");
    assert_eq!(v["tenant"], t.base_url(), "the plan names its tenant");
    assert_eq!(v["feed"]["name"], "feed.csv");
    assert_eq!(v["feed"]["sha256"].as_str().map(str::len), Some(64), "the feed's SHA-256: {v}");
    assert_eq!(v["checksum"].as_str().map(str::len), Some(64), "a checksum: {v}");
    assert_eq!(v["plan"]["rows"].as_array().map(Vec::len), Some(5), "every row: {v}");
    let changes = v["plan"]["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 3, "three changes: {v}");
    assert!(changes.iter().all(|c| c.get("before").is_some()), "every change carries its before value: {v}");
    assert_eq!(t.writes(), 0, "plan sends no write");

    let journal = t.path("journal.jsonl");
    let report = t.path("out/run.json");
    let out = run(t.cmd(&[
        "apply",
        "--plan",
        &plan,
        "--yes",
        "--json",
        "--journal",
        journal.to_str().unwrap_or_default(),
        "--report",
        report.to_str().unwrap_or_default(),
    ]));
    assert_eq!(out.code, 0, "apply --plan exits 0: {}", out.all());
    // Genesys: the drift check reads the three agents in one users page, and the PATCH replies
    // confirm. CXone: the drift check and the verify read-back each relist the enabled and the
    // disabled assignments (one page each), fewer than a listing per skill.
    let reads = if platform == GENESYS { 1 } else { 4 };
    assert_summary(&out.json(), [5, 1, 1, 2, 1, 0, 3], [reads, 3], "apply --plan");
    assert_eq!(t.writes(), 3, "exactly the plan's three changes were sent: {}", t.stats());
    let state = t.state();
    assert_eq!(assignment(&state, "ana.lee@example.com", "Retention"), Some(3.0), "{state}");
    assert_eq!(assignment(&state, "bo.chen@example.com", "Billing - English"), Some(3.0), "{state}");
    assert_eq!(assignment(&state, "di.evans@example.com", "Sales - Spanish"), Some(2.0), "{state}");

    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("the report")).expect("JSON");
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 5, "the report has every row of the plan: {r}");
    assert!(rows.iter().any(|x| x["agent"] == "bo.chen@example.com" && x["skill"] == "Billing - English"), "{r}");
    assert_eq!(r["feed"], "feed.csv", "the report names the plan's feed: {r}");
    let undo = std::fs::read_to_string(t.path("out/run.undo.csv")).expect("the undo file");
    assert_eq!(undo.lines().count(), 4, "the undo file has a header and the three changes:\n{undo}");
    let journal = std::fs::read_to_string(&journal).expect("the journal");
    assert!(journal.contains(v["checksum"].as_str().unwrap_or("?")), "the journal's job is the plan's digest");

    // Applied once, the plan no longer matches: a second apply is refused, and sends nothing.
    let out = run(t.cmd(&["apply", "--plan", &plan, "--yes"]));
    assert_eq!(out.code, 4, "a plan already applied has drifted: {}", out.all());
    assert_eq!(t.writes(), 3, "nothing more was sent");
}

#[test]
fn genesys_a_saved_plan_is_applied_exactly_without_the_feed() {
    a_saved_plan_is_applied_exactly(GENESYS);
}

#[test]
fn cxone_a_saved_plan_is_applied_exactly_without_the_feed() {
    a_saved_plan_is_applied_exactly(CXONE);
}

fn a_drifted_plan_is_refused(platform: &'static str) {
    let t = Tenant::start(platform, |_| {});
    let plan = saved_plan(&t);
    // Someone changes the tenant after the plan was approved: Bo's Billing 2 → 5, and Ana gets
    // Retention (the plan would have added it).
    let other = t.write(
        "other.csv",
        "email,skill,proficiency\nbo.chen@example.com,Billing - English,5\nana.lee@example.com,Retention,1\n",
    );
    let out = run(t.cmd(&["apply", other.to_str().unwrap_or_default(), "--yes"]));
    assert_eq!(out.code, 0, "the other change lands: {}", out.all());
    let writes = t.writes();
    let state = t.state();

    let out = run(t.cmd(&["apply", "--plan", &plan, "--yes", "--json"]));
    assert_eq!(out.code, 4, "a drifted plan exits 4: {}", out.all());
    assert_eq!(t.writes(), writes, "zero writes: {}", t.stats());
    assert_eq!(t.state(), state, "the tenant is as it was");
    assert!(out.stderr.contains("plan.drifted") && out.stderr.contains("2 pair(s)"), "{}", out.all());
    assert!(
        out.stderr.contains("bo.chen@example.com · Billing - English: planned before 2, now 5"),
        "names the pair, the planned before and the value now: {}",
        out.all()
    );
    assert!(
        out.stderr.contains("ana.lee@example.com · Retention: planned before not assigned, now 1"),
        "an assignment added since is drift too: {}",
        out.all()
    );
    assert!(!out.stderr.contains("di.evans"), "Di's pair did not change: {}", out.all());
    let s = out.json();
    assert_eq!((s["added"].as_u64(), s["updated"].as_u64()), (Some(0), Some(0)), "nothing applied: {s}");
    assert_eq!(s["requests"]["write"].as_u64(), Some(0), "{s}");
}

#[test]
fn genesys_a_drifted_plan_is_refused_with_exit_4_and_zero_writes() {
    a_drifted_plan_is_refused(GENESYS);
}

#[test]
fn cxone_a_drifted_plan_is_refused_with_exit_4_and_zero_writes() {
    a_drifted_plan_is_refused(CXONE);
}

#[test]
fn an_edited_plan_is_refused_before_anything_is_sent() {
    let t = Tenant::start(GENESYS, |_| {});
    let plan = saved_plan(&t);
    let mut v = read_json(&plan);
    v["plan"]["changes"][0]["target"]["value"] = serde_json::json!(5);
    std::fs::write(&plan, serde_json::to_string_pretty(&v).expect("json")).expect("edited");
    let requests = t.stats()["total"].as_u64();

    let out = run(t.cmd(&["apply", "--plan", &plan, "--yes"]));
    assert_eq!(out.code, 2, "an edited plan exits 2: {}", out.all());
    assert!(out.stderr.contains("changed after it was saved"), "says why: {}", out.all());
    assert_eq!(t.stats()["total"].as_u64(), requests, "not even a read was sent: {}", t.stats());

    std::fs::write(&plan, "{\"format_version\": 1, \"plan\": {}}").expect("written");
    let out = run(t.cmd(&["apply", "--plan", &plan, "--yes"]));
    assert_eq!(out.code, 2, "a file without a checksum exits 2: {}", out.all());
    assert_eq!(t.writes(), 0);
}

#[test]
fn a_plan_for_another_tenant_or_platform_is_refused_with_exit_2() {
    let t = Tenant::start(GENESYS, |_| {});
    let plan = saved_plan(&t);
    let other = Tenant::start(GENESYS, |_| {});
    let out = run(other.cmd(&["apply", "--plan", &plan, "--yes"]));
    assert_eq!(out.code, 2, "another tenant: {}", out.all());
    assert!(out.stderr.contains(t.base_url()), "names the plan's tenant: {}", out.all());
    assert_eq!((t.writes(), other.writes()), (0, 0), "nothing sent to either");

    let cx = Tenant::start(CXONE, |_| {});
    let out = run(cx.cmd(&["apply", "--plan", &plan, "--yes"]));
    assert_eq!(out.code, 2, "another platform: {}", out.all());
    assert!(out.stderr.contains("Genesys Cloud"), "names the plan's platform: {}", out.all());
    assert_eq!(cx.writes(), 0);
}

/// Rewrites a saved plan as someone who can edit the file would, checksum recomputed.
fn forge(plan: &str, edit: impl FnOnce(&mut skillsync_core::approval::SavedPlan)) {
    let text = std::fs::read_to_string(plan).expect("the plan file");
    let mut saved: skillsync_core::approval::SavedPlan = serde_json::from_str(&text).expect("the plan parses");
    edit(&mut saved);
    std::fs::write(plan, saved.to_json().expect("serialises")).expect("forged plan written");
}

#[test]
fn a_forged_plan_with_a_valid_checksum_sends_nothing() {
    let t = Tenant::start(GENESYS, |_| {});
    let plan = saved_plan(&t);
    // The change sends 5 while every row, the screen and the report would show 3.
    forge(&plan, |p| {
        let c = p.plan.changes.iter_mut().find(|c| c.before.is_some()).expect("an update");
        c.target = skillsync_core::Target::Set(5.0);
    });
    let out = run(t.cmd(&["apply", "--plan", &plan, "--yes"]));
    assert_eq!(out.code, 2, "a plan that sends what it does not show exits 2: {}", out.all());
    assert!(out.stderr.contains("does not hold together"), "says why: {}", out.all());
    assert_eq!(t.writes(), 0, "nothing sent");
}

#[test]
fn a_plan_of_another_organisation_on_the_same_address_exits_4_naming_the_missing_agents() {
    let t = Tenant::start(GENESYS, |_| {});
    let plan = saved_plan(&t);
    // Another organisation: Genesys serves every organisation of a region from one address, so the
    // plan's address matches; its agents are not there.
    let other = Tenant::start(GENESYS, |c| {
        c.tenant = skillsync_sandbox::TenantSource::Generated { agents: 6, skills: 3, seed: 11 };
    });
    forge(&plan, |p| {
        p.tenant = other.base_url().to_string();
        p.tenant_label = other.base_url().to_string();
    });
    let out = run(other.cmd(&["apply", "--plan", &plan, "--yes"]));
    assert_eq!(out.code, 4, "the plan does not match this tenant: {}", out.all());
    assert!(out.stderr.contains("not in this tenant"), "names the agents not found: {}", out.all());
    assert!(!out.stderr.contains("404"), "no raw API error: {}", out.all());
    assert_eq!((t.writes(), other.writes()), (0, 0), "nothing sent to either");
}
