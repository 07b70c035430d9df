//! Routing languages beside skills on Genesys, over real HTTP: feeds that mix the two in every
//! layout land exactly with one PATCH per user per kind, a re-run sends nothing, the export imports
//! back as zero changes, the undo file restores the start, and the two rows an analyst must fix —
//! a name that is both a skill and a language, a fractional language level — say so.

mod support;

use skillsync_core::export::{self, ExportLayout, ExportOptions};
use skillsync_core::job;
use skillsync_core::plan::PlanOptions;
use skillsync_core::{Events, PlatformKind};
use skillsync_sandbox::{TenantFile, TenantLanguage, TenantLanguageAssignment};
use std::collections::BTreeMap;
use support::State;

const KIND: PlatformKind = PlatformKind::Genesys;
const ANA: &str = "ana.lee@example.com";
const BO: &str = "bo.chen@example.com";

/// Skills Billing, Sales and a skill named "Spanish"; languages English, Spanish and French. Ana
/// holds Billing 4 and the language English 3.
fn tenant() -> TenantFile {
    let mut t = support::tenant(
        &[("Billing", true), ("Sales", true), ("Spanish", true)],
        &[(ANA, "Ana Lee", true), (BO, "Bo Chen", true)],
        &[(ANA, "Billing", 4.0)],
    );
    t.languages = ["English", "Spanish", "French"].iter().map(|n| TenantLanguage { name: n.to_string() }).collect();
    t.language_assignments =
        vec![TenantLanguageAssignment { email: ANA.into(), language: "English".into(), proficiency: 3.0 }];
    t
}

/// The sandbox's languages: (email, language) → level.
fn languages(sb: &skillsync_sandbox::Sandbox) -> State {
    sb.state()["languages"]
        .as_array()
        .expect("Genesys state lists languages")
        .iter()
        .map(|a| {
            let key = (a["email"].as_str().unwrap().to_string(), a["language"].as_str().unwrap().to_string());
            (key, a["proficiency"].as_f64().unwrap())
        })
        .collect()
}

fn pairs(list: &[(&str, &str, f64)]) -> State {
    list.iter().map(|&(e, s, v)| ((e.to_string(), s.to_string()), v)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_feed_mixing_skills_and_languages_lands_exactly_and_a_rerun_sends_nothing() {
    let sb = support::start(KIND, tenant(), |_| {}).await;
    let start = (support::state(&sb), languages(&sb));
    let dir = support::temp();
    let text = format!(
        "email,skill,type,proficiency\n\
         {ANA},Spanish,language,4\n\
         {ANA},Spanish,skill,2\n\
         {ANA},French,,5\n\
         {ANA},English,,3\n\
         {BO},English,,2\n\
         {BO},Billing,skill,3\n"
    );
    let feed = support::load(dir.path(), "mixed.csv", &text, None, KIND);
    let client = support::client(&sb, KIND, support::fast());
    let (prepared, run) = support::run(client.as_ref(), &feed, &PlanOptions::for_platform(KIND)).await;
    let s = prepared.plan.summary;
    assert_eq!((s.add, s.update, s.unchanged, s.invalid), (5, 0, 1, 0), "{s:?}: {:#?}", prepared.plan.rows);
    support::assert_all_done(&run);
    assert_eq!(run.summary.verified, 5);
    // One skills PATCH and one languages PATCH for each of the two users: the lower bound.
    let stats = sb.stats();
    assert_eq!(support::route(&stats, "PATCH /api/v2/users/{id}/routingskills/bulk"), 2, "{stats}");
    assert_eq!(support::route(&stats, "PATCH /api/v2/users/{id}/routinglanguages/bulk"), 2, "{stats}");
    assert_eq!(support::sandbox_writes(&stats), 4, "{stats}");
    assert_eq!(
        support::state(&sb),
        pairs(&[(ANA, "Billing", 4.0), (ANA, "Spanish", 2.0), (BO, "Billing", 3.0)]),
        "skills"
    );
    assert_eq!(
        languages(&sb),
        pairs(&[(ANA, "English", 3.0), (ANA, "Spanish", 4.0), (ANA, "French", 5.0), (BO, "English", 2.0)]),
        "languages"
    );

    let again = support::client(&sb, KIND, support::fast());
    let prepared = support::prepare(again.as_ref(), &feed, &PlanOptions::for_platform(KIND)).await;
    assert!(prepared.plan.changes.is_empty(), "a re-run plans nothing: {:?}", prepared.plan.summary);

    // The undo file names languages by their own ids and puts both kinds back.
    let report = support::file(&dir, "report.csv");
    let written = job::write_report(&report, KIND, sb.base_url(), &feed.path, &run).expect("report");
    let undo = written.iter().find(|p| p.to_string_lossy().ends_with(".undo.csv")).expect("undo").clone();
    let back = support::load_path(&undo, None, KIND);
    let client = support::client(&sb, KIND, support::fast());
    let allow = PlanOptions { allow_remove: true, ..PlanOptions::for_platform(KIND) };
    let (_, rollback) = support::run(client.as_ref(), &back, &allow).await;
    assert_eq!((rollback.summary.failed, rollback.summary.verified), (0, 5), "{:?}", support::outcomes(&rollback));
    assert_eq!((support::state(&sb), languages(&sb)), start, "the undo file restores skills and languages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_and_packed_feeds_carry_languages_by_name() {
    let sb = support::start(KIND, tenant(), |_| {}).await;
    let dir = support::temp();
    let wide = format!("email,Billing,French,English\n{ANA},5,2,\n{BO},,4,1\n");
    let feed = support::load(dir.path(), "wide.csv", &wide, None, KIND);
    let client = support::client(&sb, KIND, support::fast());
    let (_, run) = support::run(client.as_ref(), &feed, &PlanOptions::for_platform(KIND)).await;
    assert_eq!((run.summary.failed, run.summary.verified, run.summary.invalid), (0, 4, 0), "{:#?}", run.rows);
    let packed = format!("email,skills\n{BO},French:5;Sales:2\n");
    let feed = support::load(dir.path(), "packed.csv", &packed, None, KIND);
    let (_, run) = support::run(client.as_ref(), &feed, &PlanOptions::for_platform(KIND)).await;
    assert_eq!((run.summary.failed, run.summary.verified), (0, 2), "{:#?}", run.rows);
    assert_eq!(
        languages(&sb),
        pairs(&[(ANA, "English", 3.0), (ANA, "French", 2.0), (BO, "French", 5.0), (BO, "English", 1.0)])
    );
    assert_eq!(support::state(&sb), pairs(&[(ANA, "Billing", 5.0), (BO, "Sales", 2.0)]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_both_skill_and_language_and_a_fractional_language_level_are_row_reasons() {
    let sb = support::start(KIND, tenant(), |_| {}).await;
    let dir = support::temp();
    let text = format!("email,skill,proficiency\n{ANA},Spanish,4\n{BO},French,2.5\n{BO},Billing,2.5\n");
    let feed = support::load(dir.path(), "bad.csv", &text, None, KIND);
    let client = support::client(&sb, KIND, support::fast());
    let prepared = support::prepare(client.as_ref(), &feed, &PlanOptions::for_platform(KIND)).await;
    let codes: BTreeMap<usize, Option<String>> =
        prepared.plan.rows.iter().map(|r| (r.line, r.problem.as_ref().map(|p| p.code.clone()))).collect();
    assert_eq!(codes[&2].as_deref(), Some("skill_or_language"), "{:#?}", prepared.plan.rows);
    assert_eq!(codes[&3].as_deref(), Some("language_level"), "{:#?}", prepared.plan.rows);
    assert_eq!(codes[&4], None, "a fractional skill level is fine on Genesys");
    let msg = &prepared.plan.rows[0].problem.as_ref().unwrap().message;
    assert!(msg.contains("both a skill and a routing language") && msg.contains("kind"), "{msg}");
    let msg = &prepared.plan.rows[1].problem.as_ref().unwrap().message;
    assert!(msg.contains("whole numbers 0–5") && msg.contains("2.5"), "{msg}");
    assert_eq!(prepared.plan.changes.len(), 1, "only the valid row is sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_with_languages_imports_back_as_zero_changes() {
    let sb = support::start(KIND, tenant(), |_| {}).await;
    let dir = support::temp();
    let client = support::client(&sb, KIND, support::fast());
    client.connect().await.expect("connects");
    // Give Bo a skill and a language named alike first, so the export must tell them apart.
    let text = format!("email,skill,kind,proficiency\n{BO},Spanish,language,3\n{BO},Spanish,skill,1\n");
    let feed = support::load(dir.path(), "setup.csv", &text, None, KIND);
    let (_, run) = support::run(client.as_ref(), &feed, &PlanOptions::for_platform(KIND)).await;
    assert_eq!(run.summary.verified, 2);
    let snapshot = client.snapshot(&Events::none()).await.expect("snapshot");
    let out = dir.path().join("export.csv");
    let rows = export::write_feed(&out, &snapshot, &ExportOptions { layout: ExportLayout::Long, ..Default::default() })
        .expect("exported");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(rows, 4, "Ana: Billing, English; Bo: Spanish twice (skill and language):\n{text}");
    assert!(text.lines().next().unwrap().contains("kind"), "{text}");
    let back = support::load_path(&out, None, KIND);
    let prepared = support::prepare(client.as_ref(), &back, &PlanOptions::for_platform(KIND)).await;
    let s = prepared.plan.summary;
    assert_eq!((s.rows, s.unchanged, s.invalid), (4, 4, 0), "{:#?}", prepared.plan.rows);
    // A wide export cannot tell a skill from a language of the same name: it says so.
    let wide = export::write_feed(
        &dir.path().join("wide.csv"),
        &snapshot,
        &ExportOptions { layout: ExportLayout::Wide, ..Default::default() },
    );
    assert!(wide.is_err_and(|e| e.to_string().contains("--layout long")));
}
