//! The plan's rules and the report's exports, on snapshots and feeds built in memory.

use skillsync_core::plan::{self, Plan, PlanOptions};
use skillsync_core::report::{self, Report, RunSummary};
use skillsync_core::{
    Action, Agent, AgentKey, Feed, FeedRecord, Outcome, PlatformKind, RequestCounts, RowProblem, RowResult, Skill,
    Snapshot, Target,
};
use std::collections::HashMap;

fn skill(id: &str, name: &str, active: bool) -> Skill {
    Skill { id: id.into(), name: name.into(), active, kind: Default::default() }
}

fn agent(id: &str, name: &str, email: &str, active: bool) -> Agent {
    let username = email.split('@').next().unwrap_or_default().to_string();
    Agent { id: id.into(), name: name.into(), email: email.into(), username, active }
}

/// Three active skills and an inactive one; agents ana, ben, two namesakes and an inactive one.
/// ana holds Billing - English at 3 and Sales at 2.
fn snapshot() -> Snapshot {
    let mut assignments = HashMap::new();
    assignments.insert(("a1".to_string(), "s1".to_string()), 3.0);
    assignments.insert(("a1".to_string(), "s3".to_string()), 2.0);
    Snapshot {
        skills: vec![
            skill("s1", "Billing - English", true),
            skill("s2", "Billing - Spanish", true),
            skill("s3", "Sales", true),
            skill("s4", "Legacy Support", false),
        ],
        agents: vec![
            agent("a1", "Ana Silva", "ana@example.com", true),
            agent("a2", "Ben Okafor", "ben@example.com", true),
            agent("a3", "Chris Lee", "chris.lee@example.com", true),
            agent("a4", "Chris Lee", "c.lee@example.com", true),
            agent("a5", "Dee Gone", "dee@example.com", false),
        ],
        assignments,
        ..Snapshot::default()
    }
}

fn rec(line: usize, agent: &str, skill: &str, value: Result<Target, String>) -> FeedRecord {
    let raw_value = match &value {
        Ok(Target::Set(v)) => v.to_string(),
        Ok(Target::Remove) => "remove".into(),
        Err(_) => "?".into(),
    };
    FeedRecord {
        line,
        agent: agent.into(),
        skill: skill.into(),
        raw_value: raw_value.into(),
        value_column: "proficiency".into(),
        value,
        kind: None,
    }
}

fn set(v: f64) -> Result<Target, String> {
    Ok(Target::Set(v))
}

fn feed(records: Vec<FeedRecord>) -> Feed {
    Feed { records, problems: vec![], agent_key: AgentKey::Email, ..Default::default() }
}

/// The plan of `f`, checked to be the same whether the feed is lent (the app) or given away (the
/// CLI's `build_owned`).
fn plan_cxone(f: &Feed, snap: &Snapshot) -> Plan {
    let options = PlanOptions::for_platform(PlatformKind::Cxone);
    let plan = plan::build(PlatformKind::Cxone, f, snap, &options);
    let owned = plan::build_owned(PlatformKind::Cxone, f.clone(), snap, &options);
    assert_eq!((&owned.rows, &owned.changes, &owned.unresolved), (&plan.rows, &plan.changes, &plan.unresolved));
    plan
}

fn row_at(p: &Plan, line: usize) -> &skillsync_core::PlanRow {
    p.rows.iter().find(|r| r.line == line).unwrap_or_else(|| panic!("no row for line {line}: {:#?}", p.rows))
}

fn code_at(p: &Plan, line: usize) -> Option<&str> {
    row_at(p, line).problem.as_ref().map(|x| x.code.as_str())
}

#[test]
fn rows_diff_into_add_update_and_unchanged_with_a_tolerance() {
    let snap = snapshot();
    let f = feed(vec![
        rec(2, "ana@example.com", "Billing - Spanish", set(4.0)),
        rec(3, "ana@example.com", "Billing - English", set(4.5)),
        rec(4, "ana@example.com", "Sales", set(2.0 + 1e-12)),
    ]);
    let p = plan_cxone(&f, &snap);
    assert_eq!(row_at(&p, 2).action, Action::Add, "absent assignment is added");
    assert_eq!(row_at(&p, 3).action, Action::Update, "different value is updated");
    assert_eq!(row_at(&p, 3).before, Some(3.0), "update carries the old value");
    assert_eq!(row_at(&p, 4).action, Action::Unchanged, "equal within 1e-9 is unchanged");
    assert_eq!(p.changes.len(), 2, "only real changes are sent: {:?}", p.changes);
    assert_eq!(p.changes[0].skill_id, "s1", "changes ordered by agent then skill");
    assert_eq!(p.changes[1].target, Target::Set(4.0));
    assert_eq!(p.changes[1].lines, vec![2], "the change names its feed line");
}

#[test]
fn a_rerun_of_the_current_state_plans_nothing() {
    let snap = snapshot();
    let f = feed(vec![
        rec(2, "ana@example.com", "Billing - English", set(3.0)),
        rec(3, "ANA@example.com ", "sales", set(2.0)),
    ]);
    let p = plan_cxone(&f, &snap);
    assert!(p.changes.is_empty(), "nothing to send: {:?}", p.changes);
    assert_eq!(p.summary.unchanged, 2, "{:?}", p.summary);
}

#[test]
fn unknown_skill_is_invalid_with_a_did_you_mean_naming_line_and_input() {
    let snap = snapshot();
    let f = feed(vec![
        rec(2, "ana@example.com", "Biling - English", set(4.0)),
        rec(5, "ben@example.com", "Biling - English", set(4.0)),
    ]);
    let p = plan_cxone(&f, &snap);
    let problem = row_at(&p, 2).problem.clone().expect("a problem");
    assert_eq!(problem.code, "unknown_skill");
    assert_eq!(problem.column, "skill");
    assert!(problem.message.contains("line 2"), "names the line: {}", problem.message);
    assert!(problem.message.contains("'Biling - English'"), "names the input: {}", problem.message);
    assert!(problem.message.contains("did you mean 'Billing - English'?"), "suggests: {}", problem.message);
    assert_eq!(p.unresolved.unknown_skills.len(), 1, "listed once: {:?}", p.unresolved);
    assert_eq!(p.unresolved.unknown_skills[0].lines, vec![2, 5], "with every line");
    assert_eq!(p.unresolved.unknown_skills[0].suggestions[0], "Billing - English");
}

#[test]
fn unknown_inactive_and_ambiguous_agents_and_inactive_skills_are_invalid() {
    let snap = snapshot();
    let f = feed(vec![
        rec(2, "ana@exmaple.com", "Sales", set(4.0)),
        rec(3, "dee@example.com", "Sales", set(4.0)),
        rec(4, "ben@example.com", "Legacy Support", set(4.0)),
        rec(5, "nobody-at-all@nowhere.test", "Sales", set(4.0)),
    ]);
    let p = plan_cxone(&f, &snap);
    assert_eq!(code_at(&p, 2), Some("unknown_agent"));
    let msg = &row_at(&p, 2).problem.as_ref().expect("problem").message;
    assert!(msg.contains("did you mean 'ana@example.com'?"), "{msg}");
    assert_eq!(code_at(&p, 3), Some("inactive_agent"));
    assert_eq!(code_at(&p, 4), Some("inactive_skill"));
    assert_eq!(code_at(&p, 5), Some("unknown_agent"));
    assert!(p.unresolved.unknown_agents[1].suggestions.is_empty(), "no wild guesses: {:?}", p.unresolved);
    assert_eq!(p.unresolved.inactive_agents[0].input, "dee@example.com");
    assert_eq!(p.unresolved.inactive_skills[0].input, "Legacy Support");

    let by_name = Feed { agent_key: AgentKey::Name, ..feed(vec![rec(2, "chris  LEE", "Sales", set(1.0))]) };
    let p = plan_cxone(&by_name, &snap);
    let problem = row_at(&p, 2).problem.clone().expect("a problem");
    assert_eq!(problem.code, "ambiguous_agent");
    assert!(
        problem.message.contains("chris.lee@example.com") && problem.message.contains("c.lee@example.com"),
        "lists the candidates' emails: {}",
        problem.message
    );
    assert_eq!(p.unresolved.ambiguous_agents[0].suggestions.len(), 2);
}

#[test]
fn a_value_that_could_not_be_mapped_is_invalid_with_its_message() {
    let snap = snapshot();
    let f = feed(vec![rec(2, "ana@example.com", "Sales", Err("'Expert' has no mapping".into()))]);
    let p = plan_cxone(&f, &snap);
    let problem = row_at(&p, 2).problem.clone().expect("a problem");
    assert_eq!((problem.code.as_str(), problem.column.as_str()), ("invalid_value", "proficiency"));
    assert_eq!(problem.message, "'Expert' has no mapping");
    assert!(p.changes.is_empty());
}

#[test]
fn removal_rows_plan_only_in_the_confirmed_mode() {
    let snap = snapshot();
    let f = feed(vec![
        rec(2, "ana@example.com", "Sales", Ok(Target::Remove)),
        rec(3, "ana@example.com", "Billing - Spanish", Ok(Target::Remove)),
    ]);
    let p = plan_cxone(&f, &snap);
    assert_eq!(code_at(&p, 2), Some("removal_not_confirmed"));
    let msg = &row_at(&p, 2).problem.as_ref().expect("problem").message;
    assert!(msg.contains("removal rows are applied only in the confirmed removal mode"), "{msg}");
    assert!(p.changes.is_empty(), "nothing removed without confirmation");

    let opts = PlanOptions { allow_remove: true, ..PlanOptions::for_platform(PlatformKind::Cxone) };
    let p = plan::build(PlatformKind::Cxone, &f, &snap, &opts);
    assert_eq!(row_at(&p, 2).action, Action::Remove, "assigned skill is removed");
    assert_eq!(row_at(&p, 3).action, Action::Unchanged, "unassigned skill: nothing to remove");
    assert_eq!(p.changes.len(), 1);
    assert_eq!((p.changes[0].before, p.changes[0].target), (Some(2.0), Target::Remove));
}

#[test]
fn duplicate_rows_that_agree_send_once_and_warn() {
    let snap = snapshot();
    let f = feed(vec![rec(2, "ben@example.com", "Sales", set(4.0)), rec(7, "BEN@example.com", "sales", set(4.0))]);
    let p = plan_cxone(&f, &snap);
    assert_eq!(row_at(&p, 2).action, Action::Add, "the first row carries the action");
    assert_eq!(row_at(&p, 7).action, Action::Unchanged, "later rows are unchanged");
    let warn = row_at(&p, 7).problem.clone().expect("a warning");
    assert_eq!((warn.code.as_str(), warn.message.as_str()), ("duplicate_row", "same as line 2"));
    assert_eq!(p.changes.len(), 1);
    assert_eq!(p.changes[0].lines, vec![2, 7], "the change lists every line that asked for it");
    assert_eq!(p.summary.invalid, 0, "a duplicate is a warning, not an error");
}

#[test]
fn conflicting_rows_are_all_invalid_and_send_nothing() {
    let snap = snapshot();
    let f = feed(vec![
        rec(2, "ben@example.com", "Sales", set(4.0)),
        rec(4, "ben@example.com", "Sales", set(4.0)),
        rec(9, "ben@example.com", "Sales", set(2.0)),
        rec(10, "ben@example.com", "Billing - Spanish", set(1.0)),
    ]);
    let p = plan_cxone(&f, &snap);
    for line in [2, 4, 9] {
        assert_eq!(code_at(&p, line), Some("conflicting_rows"), "line {line}");
        assert_eq!(row_at(&p, line).action, Action::Invalid, "line {line}");
    }
    let msg = &row_at(&p, 9).problem.as_ref().expect("problem").message;
    assert!(msg.contains("line 2 (4)") && msg.contains("line 9 (2)"), "names lines and values: {msg}");
    assert_eq!(p.changes.len(), 1, "only the other pair is sent: {:?}", p.changes);
    assert_eq!(p.changes[0].skill_id, "s2");
}

fn crowded_snapshot(held: usize) -> Snapshot {
    let mut snap = snapshot();
    for i in 0..60 {
        snap.skills.push(skill(&format!("x{i:02}"), &format!("Extra {i:02}"), true));
    }
    for i in 0..held {
        snap.assignments.insert(("a2".into(), format!("x{i:02}")), 1.0);
    }
    snap
}

#[test]
fn removals_of_the_same_plan_make_room_under_the_fifty_skill_limit() {
    let snap = crowded_snapshot(50);
    let options = PlanOptions { allow_remove: true, ..PlanOptions::for_platform(PlatformKind::Genesys) };
    let remove = rec(2, "ben@example.com", "Extra 00", Ok(Target::Remove));
    let one = feed(vec![remove.clone(), rec(3, "ben@example.com", "Extra 50", set(1.0))]);
    let p = plan::build(PlatformKind::Genesys, &one, &snap, &options);
    assert_eq!(row_at(&p, 2).action, Action::Remove);
    assert_eq!(row_at(&p, 3).action, Action::Add, "one removal makes room for one add");

    let two = feed(vec![
        remove,
        rec(3, "ben@example.com", "Extra 50", set(1.0)),
        rec(4, "ben@example.com", "Extra 51", set(1.0)),
    ]);
    let p = plan::build(PlatformKind::Genesys, &two, &snap, &options);
    assert_eq!(row_at(&p, 2).action, Action::Remove, "the removal still goes");
    for line in [3, 4] {
        assert_eq!(code_at(&p, line), Some("too_many_skills"), "two adds would make 51: line {line}");
    }
    let msg = &row_at(&p, 4).problem.as_ref().expect("problem").message;
    assert!(msg.contains("keeps 49 skills and this plan adds 2, 51 in all"), "{msg}");
}

#[test]
fn genesys_refuses_adds_past_fifty_skills_but_still_updates() {
    let snap = crowded_snapshot(48);
    let f = feed(vec![
        rec(2, "ben@example.com", "Extra 50", set(1.0)),
        rec(3, "ben@example.com", "Extra 51", set(1.0)),
        rec(4, "ben@example.com", "Extra 52", set(1.0)),
        rec(5, "ben@example.com", "Extra 00", set(3.0)),
        rec(6, "ana@example.com", "Billing - Spanish", set(3.0)),
    ]);
    let p = plan::build(PlatformKind::Genesys, &f, &snap, &PlanOptions::for_platform(PlatformKind::Genesys));
    for line in [2, 3, 4] {
        assert_eq!(code_at(&p, line), Some("too_many_skills"), "line {line}");
    }
    let msg = &row_at(&p, 2).problem.as_ref().expect("problem").message;
    assert!(msg.contains("48") && msg.contains("51") && msg.contains("50"), "explains the count: {msg}");
    assert_eq!(row_at(&p, 5).action, Action::Update, "updates still go");
    assert_eq!(row_at(&p, 6).action, Action::Add, "other agents are unaffected");
    assert_eq!(p.changes.len(), 2, "{:?}", p.changes);

    let within = crowded_snapshot(47);
    let p = plan::build(PlatformKind::Genesys, &f, &within, &PlanOptions::for_platform(PlatformKind::Genesys));
    assert_eq!(p.summary.add, 4, "47 + 3 = 50 is allowed: {:?}", p.summary);
    let p = plan_cxone(&f, &snap);
    assert_eq!(p.summary.invalid, 0, "CXone has no such limit");
}

#[test]
fn remove_unlisted_removes_what_a_listed_agent_no_longer_has() {
    let mut snap = snapshot();
    snap.assignments.insert(("a1".into(), "s2".into()), 1.0);
    snap.assignments.insert(("a2".into(), "s3".into()), 5.0);
    snap.assignments.insert(("a2".into(), "s1".into()), 5.0);
    let f = feed(vec![
        rec(2, "ana@example.com", "Billing - English", set(3.0)),
        rec(3, "ana@example.com", "Billing - Spanish", Err("bad".into())),
        rec(4, "ben@example.com", "Sales", Err("bad".into())),
    ]);
    let opts = PlanOptions { remove_unlisted: true, ..PlanOptions::for_platform(PlatformKind::Cxone) };
    let p = plan::build(PlatformKind::Cxone, &f, &snap, &opts);
    let removals: Vec<_> = p.rows.iter().filter(|r| r.action == Action::Remove).collect();
    assert_eq!(removals.len(), 1, "only ana's unlisted Sales goes: {removals:#?}");
    assert_eq!((removals[0].line, removals[0].skill.as_str()), (0, "Sales"), "line 0, named by skill name");
    assert_eq!(removals[0].before, Some(2.0));
    assert_eq!(p.rows[0].line, 0, "rows sorted by line");
    let change = p.changes.iter().find(|c| c.target == Target::Remove).expect("a removal change");
    assert!(change.lines.is_empty(), "no feed line asked for it");
    assert_eq!(p.summary.remove, 1);
}

#[test]
fn feed_problems_become_invalid_rows_in_line_order_and_the_summary_adds_up() {
    let snap = snapshot();
    let mut f = feed(vec![
        rec(2, "ana@example.com", "Billing - Spanish", set(4.0)),
        rec(4, "ana@example.com", "Sales", set(2.0)),
        rec(5, "ben@example.com", "Nope", set(2.0)),
    ]);
    f.problems.push(RowProblem {
        line: 3,
        code: "missing_cell".into(),
        column: "skill".into(),
        message: "line 3: the skill cell is empty".into(),
    });
    let p = plan_cxone(&f, &snap);
    let lines: Vec<usize> = p.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 5], "sorted by line");
    assert_eq!(code_at(&p, 3), Some("missing_cell"), "the problem is kept as is");
    let s = p.summary;
    assert_eq!((s.rows, s.add, s.update, s.remove, s.unchanged, s.invalid), (4, 1, 0, 0, 1, 2), "{s:?}");
    assert_eq!(s.add + s.update + s.remove + s.unchanged + s.invalid, s.rows, "every row counted once");
}

#[test]
fn the_plan_serializes_for_the_app() {
    let snap = snapshot();
    let p = plan_cxone(&feed(vec![rec(2, "ana@example.com", "Sales", set(4.0))]), &snap);
    let json = serde_json::to_value(&p).expect("serializes");
    assert_eq!(json["summary"]["update"], 1, "{json}");
    assert_eq!(json["platform"], "cxone");
}

fn result(line: usize, agent: &str, outcome: Outcome, before: Option<f64>, after: Option<f64>) -> RowResult {
    RowResult {
        line,
        agent: agent.into(),
        skill: "Sales".into(),
        agent_id: Some(format!("id-{line}").into()),
        skill_id: Some("s3".into()),
        before,
        requested: after,
        after,
        outcome,
        error: None,
        correlation_ids: vec![format!("c-{line}a"), format!("c-{line}b")],
        attempts: 1,
    }
}

fn sample_report() -> Report {
    let mut failed = result(5, "<script>alert(1)</script>", Outcome::Failed, Some(2.0), None);
    failed.error = Some("PATCH answered 400: \"bad\" & <worse>".into());
    let rows = vec![
        result(2, "=HYPERLINK(\"http://x\",\"y\")", Outcome::Added, None, Some(4.0)),
        result(3, "ben@example.com", Outcome::Updated, Some(1.5), Some(3.0)),
        result(4, "cy@example.com", Outcome::Removed, Some(2.0), None),
        failed,
        result(6, "dee@example.com", Outcome::Unchanged, Some(2.0), Some(2.0)),
    ];
    let requests = RequestCounts { read: 3, write: 2, retried: 1, throttled: 0 };
    Report::new(PlatformKind::Genesys, "https://tenant.example", "feed.csv", rows, requests, 1234)
}

#[test]
fn run_summary_counts_outcomes() {
    let r = sample_report();
    let s: RunSummary = r.summary;
    assert_eq!((s.rows, s.added, s.updated, s.removed, s.failed, s.unchanged), (5, 1, 1, 1, 1, 1), "{s:?}");
    assert_eq!(s.verified, 3, "verified = added + updated + removed");
    assert!(chrono::DateTime::parse_from_rfc3339(&r.generated_at).is_ok(), "RFC 3339: {}", r.generated_at);
}

#[test]
fn csv_report_neutralises_formulas_and_joins_correlation_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.csv");
    report::write_csv(&path, &sample_report().rows).expect("written");
    let mut reader = csv::Reader::from_path(&path).expect("readable CSV");
    let header: Vec<String> = reader.headers().expect("header").iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "line",
            "agent",
            "agent_id",
            "skill",
            "skill_id",
            "before",
            "requested",
            "after",
            "outcome",
            "error",
            "correlation_ids"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(&rows[0][1], "'=HYPERLINK(\"http://x\",\"y\")", "formula neutralised");
    assert_eq!(&rows[1][5], "1.5", "values via fmt_value");
    assert_eq!(&rows[1][7], "3", "whole numbers without .0");
    assert_eq!(&rows[1][8], "updated");
    assert_eq!(&rows[1][10], "c-3a c-3b", "correlation ids joined with spaces");
}

#[test]
fn html_report_escapes_values_and_puts_failures_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.html");
    report::write_html(&path, &sample_report()).expect("written");
    let html = std::fs::read_to_string(&path).expect("read");
    assert!(!html.contains("<script>alert(1)"), "agent name is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "and still shown");
    assert!(html.contains("&quot;bad&quot; &amp; &lt;worse&gt;"), "errors are escaped");
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "no external fetches");
    let failed = html.find("c-5a").expect("failed row shown with its correlation id");
    let added = html.find("c-2a").expect("added row shown");
    assert!(failed < added, "failed rows come first");
    assert!(html.contains("https://tenant.example") && html.contains("feed.csv"), "header names tenant and feed");
}

#[test]
fn undo_file_restores_before_values_and_removes_additions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.undo.csv");
    let mut names = report::Names::default();
    names.agents.insert("id-3".into(), "Ben Okafor <ben@example.com>".into());
    names.skills.insert("s3".into(), "Sales".into());
    let n = report::write_undo(&path, &sample_report().rows, &names).expect("written");
    assert_eq!(n, 3, "added, updated and removed rows only");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        text,
        "\u{feff}agent_id,skill_id,proficiency,agent name,skill name\n\
         id-2,s3,remove,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Sales\n\
         id-3,s3,1.5,Ben Okafor <ben@example.com>,Sales\n\
         id-4,s3,2,cy@example.com,Sales\n",
        "ids first, then names a person can read (a name that is not known falls back to the feed's text)"
    );
}

#[test]
fn row_messages_name_the_columns_as_the_file_heads_them() {
    let csv = "Agent E-mail;Routing Skill;Level\nnobody@example.com;Sales;3\nana@example.com;Biling - English;3\n";
    let table = skillsync_core::import::read_bytes(csv.as_bytes()).expect("readable");
    let mapping = skillsync_core::mapping::Mapping::detect(&table).expect("columns detected");
    let feed = mapping.apply(&table, PlatformKind::Cxone);
    let p = plan_cxone(&feed, &snapshot());
    let agent = row_at(&p, 2).problem.as_ref().expect("unknown agent");
    assert_eq!(agent.column, "Agent E-mail", "the field holds the header");
    assert!(agent.message.starts_with("line 2, column 'Agent E-mail': no agent"), "{}", agent.message);
    let skill = row_at(&p, 3).problem.as_ref().expect("unknown skill");
    assert_eq!(skill.column, "Routing Skill");
    assert!(skill.message.starts_with("line 3, column 'Routing Skill': no skill is named"), "{}", skill.message);
}

/// The app's "did you mean" and "exclude" land in the mapping template; the nightly run reads the
/// same TOML and plans the next file the same way.
#[test]
fn renames_and_exclusions_from_the_mapping_template_plan_the_next_file_alike() {
    let snap = snapshot();
    let mapping = skillsync_core::mapping::Mapping::from_toml(
        r#"
[rename.skills]
"Biling - English" = "Billing - English"
[rename.agents]
"ana.old@example.com" = "ana@example.com"
[exclude]
agents = ["nobody@example.com"]
skills = ["Legacy Support"]
rows = [{ agent = "ben@example.com", skill = "Sales" }]
"#,
    )
    .expect("the template parses");
    let text = mapping.to_toml();
    assert!(text.contains("[rename.skills]") && text.contains("[exclude]"), "the template writes back:\n{text}");
    assert_eq!(skillsync_core::mapping::Mapping::from_toml(&text).expect("round trip"), mapping);
    let mut f = feed(vec![
        rec(2, "ANA.OLD@example.com", "  biling - english ", set(4.0)),
        rec(3, "nobody@example.com", "Sales", set(2.0)),
        rec(4, "ben@example.com", "Legacy Support", set(2.0)),
        rec(5, "ben@example.com", "sales", set(2.0)),
        rec(6, "ben@example.com", "Billing - Spanish", set(2.0)),
    ]);
    f.rename = mapping.rename.clone();
    f.exclude = mapping.exclude.clone();
    let p = plan_cxone(&f, &snap);
    assert_eq!(p.summary.excluded, 3, "lines 3, 4 and 5 are left out: {:?}", p.summary);
    assert_eq!((p.summary.rows, p.summary.invalid), (2, 0), "excluded rows are neither rows nor invalid");
    assert_eq!(row_at(&p, 2).action, Action::Update, "renamed agent and skill resolve: {:?}", row_at(&p, 2));
    assert_eq!(row_at(&p, 2).skill_id.as_deref(), Some("s1"));
    assert_eq!(row_at(&p, 6).action, Action::Add);
    assert!(p.changes.iter().all(|c| c.agent_id != "a2" || c.skill_id != "s3"), "an excluded row is never sent");
}

/// Two rows that disagree on one pair: excluding one of them by its line leaves the other planned
/// (excluding the pair without a line would leave out both).
#[test]
fn excluding_one_of_two_conflicting_rows_by_its_line_plans_the_other() {
    let snap = snapshot();
    let rows = || {
        feed(vec![
            rec(2, "ben@example.com", "Sales", set(2.0)),
            rec(3, "ben@example.com", "Sales", set(4.0)),
            rec(4, "ana@example.com", "Sales", set(1.0)),
        ])
    };
    let p = plan_cxone(&rows(), &snap);
    assert_eq!(row_at(&p, 2).problem.as_ref().map(|x| x.code.as_str()), Some("conflicting_rows"));
    let mapping = skillsync_core::mapping::Mapping::from_toml(
        "[exclude]\nrows = [{ agent = \"ben@example.com\", skill = \"sales\", line = 2 }]\n",
    )
    .expect("a row by its line parses");
    assert!(mapping.to_toml().contains("line = 2"), "and writes back:\n{}", mapping.to_toml());
    let mut f = rows();
    f.exclude = mapping.exclude.clone();
    let p = plan_cxone(&f, &snap);
    assert_eq!(p.summary.excluded, 1, "only line 2 is left out: {:?}", p.summary);
    let kept = row_at(&p, 3);
    assert!(kept.problem.is_none(), "line 3 is no longer in conflict: {kept:?}");
    let ben = p.changes.iter().find(|c| c.agent_id == "a2" && c.skill_id == "s3");
    assert_eq!(
        ben.map(|c| c.target),
        Some(skillsync_core::Target::Set(4.0)),
        "the kept level is the one sent: {:?}",
        p.changes
    );
    // The same exclusion on another line of the feed excludes nothing.
    let mut f = rows();
    f.exclude.rows =
        vec![skillsync_core::ExcludedRow { agent: "ben@example.com".into(), skill: "Sales".into(), line: Some(4) }];
    assert_eq!(plan_cxone(&f, &snap).summary.excluded, 0, "line 4 is Ana's row, not Ben's");
}
