//! The whole app without a window: every command body is a `Desk` method, driven here against
//! the built-in sandboxes over real HTTP on 127.0.0.1, as the screens drive it.

use skillsync_app::desk::{Desk, Paths, BUILTIN_CXONE, BUILTIN_GENESYS};
use skillsync_app::dto::*;
use skillsync_core::profile::MemoryStore;
use skillsync_core::{Event, Events};
use skillsync_sandbox::{Sandbox, SandboxConfig};
use std::sync::{Arc, Mutex};

struct Host {
    desk: Arc<Desk>,
    dir: tempfile::TempDir,
}

fn host() -> Host {
    // No artificial latency: these tests measure behaviour, not feel.
    std::env::set_var("SKILLSYNC_SANDBOX_LATENCY_MS", "0");
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths { config: dir.path().join("config"), data: dir.path().join("data") };
    Host { desk: Arc::new(Desk::new(paths, Arc::new(MemoryStore::default()))), dir }
}

/// Collects the events a channel would carry.
fn recorder() -> (Events, Arc<Mutex<Vec<Event>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (Events::new(move |e| s.lock().unwrap().push(e)), seen)
}

fn no_remove() -> PlanOptionsInput {
    PlanOptionsInput::default()
}

fn query(filter: Option<&str>) -> RowQuery {
    RowQuery { filter: filter.map(str::to_string), search: None, offset: 0, limit: 1000 }
}

async fn whole_job(profile: &str, platform: Platform) {
    let h = host();
    let desk = &h.desk;
    let profiles = desk.list_profiles().await.unwrap();
    assert_eq!(profiles[0].name, BUILTIN_GENESYS, "the Genesys sandbox is first, the default");
    assert!(profiles.iter().take(2).all(|p| p.builtin && p.has_secrets));

    let feed = desk.open_sample(Some(platform)).unwrap();
    assert_eq!(feed.rows, 52, "the sample feed's data rows");
    let mapping = feed.mapping.clone().expect("the sample comes with its mapping");
    let preview = desk.preview_mapping(&mapping, platform).unwrap();
    assert_eq!(preview.error, None);
    let expert = preview.values.iter().find(|v| v.value == "Expert").expect("Expert is a source value");
    let best = if platform == Platform::Genesys { 5.0 } else { 1.0 };
    assert_eq!(expert.mapped, Some(best), "Expert maps to the platform's best level");

    let (events, seen) = recorder();
    let plan = desk.plan(profile, &mapping, no_remove(), events).await.unwrap();
    assert!(plan.summary.add + plan.summary.update > 0, "the sample changes the demo tenant: {plan:?}");
    assert_eq!(
        plan.summary.invalid, 5,
        "a misspelt skill, an unknown agent, an inactive agent's 3 rows: {:?}",
        plan.unresolved
    );
    assert_eq!(plan.unresolved.unknown_skills[0].suggestions[0], "Billing - English", "did you mean");
    assert!(plan.estimate.writes > 0);
    assert!(seen.lock().unwrap().contains(&Event::Phase { phase: skillsync_core::Phase::Read }));
    let adds = desk.plan_rows(&query(Some("add"))).unwrap();
    assert_eq!(adds.total, plan.summary.add, "the add filter pages exactly the added rows");
    assert!(adds.rows.iter().all(|r| r.action == Action::Add));
    let invalid = desk.plan_rows(&query(Some("invalid"))).unwrap();
    assert!(invalid.rows.iter().all(|r| r.problem.is_some()), "every invalid row says why");

    let (events, seen) = recorder();
    let run = desk.apply(ApplyInput::default(), events).await.unwrap();
    let s = run.summary;
    assert_eq!((s.failed, run.cancelled, run.exit_code), (0, false, 0), "{run:?}");
    assert_eq!(s.added, plan.summary.add);
    assert_eq!(s.updated, plan.summary.update);
    assert_eq!(s.verified, s.added + s.updated, "every change verified");
    assert!(seen.lock().unwrap().iter().any(|e| matches!(e, Event::Apply { .. })), "progress was streamed");
    let notes: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::Note { message } => Some(message.clone()),
            _ => None,
        })
        .collect();
    let checking =
        notes.iter().position(|n| n.starts_with("checking that the tenant")).expect("the drift check is told");
    assert!(
        notes[checking + 1..].iter().any(|n| n.contains("still matches the plan: sending")),
        "the events say when the check passed and sending began: {notes:?}"
    );
    assert_eq!(run.report_files.len(), 4, "html, csv, json and the undo file: {:?}", run.report_files);
    for f in &run.report_files {
        assert!(std::path::Path::new(f).exists(), "{f} was written");
    }
    let failed = desk.run_rows(&query(Some("failed"))).unwrap();
    assert_eq!(failed.total, 0);
    assert_eq!(desk.run_rows(&query(None)).unwrap().total, plan.summary.rows);
    assert!(matches!(desk.plan_rows(&query(None)), Err(e) if e.code == "state.no_plan"), "the plan is spent");

    let history = desk.history().unwrap();
    assert_eq!(history.len(), 1);
    let html = desk.report_file(&run.id, "report.html").unwrap();
    assert_eq!(html.display().to_string(), run.report_files[0], "a run's report by file name");
    let foreign = desk.report_file(&run.id, "/etc/passwd").unwrap_err();
    assert_eq!(foreign.code, "input.invalid", "nothing outside the run's folder is opened: {foreign}");
    assert_eq!((history[0].id.as_str(), history[0].platform), (run.id.as_str(), platform));

    // The same feed again: the platform already matches, so nothing to send.
    desk.open_sample(Some(platform)).unwrap();
    let again = desk.plan(profile, &mapping, no_remove(), Events::none()).await.unwrap();
    assert_eq!((again.summary.add, again.summary.update, again.estimate.writes), (0, 0, 0), "{again:?}");

    // Roll back with the undo file, then the original feed plans the same changes as at first.
    let undo = desk.open_undo(&run.id).unwrap();
    assert_eq!(undo.suggested_platform, Some(platform));
    let undo_mapping = undo.mapping.expect("the undo file maps with no set-up");
    let allow = PlanOptionsInput { allow_remove: true, remove_unlisted: false };
    let back = desk.plan(profile, &undo_mapping, allow, Events::none()).await.unwrap();
    assert_eq!(back.summary.remove, plan.summary.add, "added assignments are removed again");
    assert_eq!(back.removals.len(), back.summary.remove, "every removal is listed for the confirmation");
    for r in &back.removals {
        let who = r.agent_label.as_deref().unwrap_or_default();
        assert!(who.contains('@') && who.contains('<'), "the undo file's ids show as a person: {r:?}");
        assert!(r.skill_label.is_some() || !r.skill.is_empty(), "the skill by name: {r:?}");
    }
    let rolled = desk.apply(ApplyInput { confirm_remove: true, resume: false }, Events::none()).await.unwrap();
    assert_eq!(rolled.summary.failed, 0, "{rolled:?}");
    desk.open_sample(Some(platform)).unwrap();
    let fresh = desk.plan(profile, &mapping, no_remove(), Events::none()).await.unwrap();
    assert_eq!(fresh.summary, plan.summary, "the tenant is back where it started");
    let history = desk.history().unwrap();
    assert_eq!(history.len(), 2, "both runs are in the history, newest first");
    assert_eq!(history[0].rollback_of.as_deref(), Some(run.id.as_str()), "the rollback names the run it undid");
    assert_eq!(history[1].rollback_of, None);
    assert!(history.iter().all(|e| e.job.is_some() && !e.resumed));
    desk.shutdown().await;
    drop(h.dir);
}

#[tokio::test]
async fn the_sample_runs_the_whole_job_on_the_genesys_sandbox() {
    whole_job(BUILTIN_GENESYS, Platform::Genesys).await;
}

#[tokio::test]
async fn the_sample_runs_the_whole_job_on_the_cxone_sandbox() {
    whole_job(BUILTIN_CXONE, Platform::Cxone).await;
}

fn input(sb: &Sandbox, name: &str, secret: &str) -> ProfileInput {
    let c = sb.credentials();
    ProfileInput {
        name: name.into(),
        platform: Platform::Cxone,
        region: None,
        base_url: Some(sb.base_url().to_string()),
        client_id: c.client_id.clone(),
        api_version: None,
        client_secret: secret.to_string(),
        access_key_id: c.access_key_id.clone(),
        access_key_secret: c.access_key_secret.clone(),
        ca_file: None,
    }
}

#[tokio::test]
async fn the_wizard_tests_before_saving_and_keeps_secrets_out_of_files() {
    let h = host();
    let sb = Sandbox::start(SandboxConfig::new(skillsync_sandbox::Platform::Cxone)).await.unwrap();
    let secret = sb.credentials().client_secret.clone();

    let wrong = h.desk.test_connection(&input(&sb, "contoso", "not-the-secret")).await.unwrap();
    assert!(!wrong.ok, "{wrong:?}");
    assert!(wrong.checks[0].detail.contains("auth.failed"), "the code is shown: {:?}", wrong.checks);

    let right = h.desk.test_connection(&input(&sb, "contoso", &secret)).await.unwrap();
    assert!(right.ok, "{right:?}");
    assert_eq!((right.skills, right.agents), (12, 50), "the generated tenant's size");
    assert!(right.checks.iter().all(|c| c.ok));

    let mut plain = input(&sb, "remote", &secret);
    plain.base_url = Some("http://cxone.example.com".into());
    let e = h.desk.test_connection(&plain).await.unwrap_err();
    assert_eq!(e.code, "config.invalid", "plain HTTP is refused off loopback: {e}");

    let saved = h.desk.save_profile(&input(&sb, "contoso", &secret)).await.unwrap();
    assert!(saved.has_secrets && !saved.builtin, "{saved:?}");
    let file = std::fs::read_to_string(h.dir.path().join("config/profiles.toml")).unwrap();
    assert!(file.contains("contoso") && !file.contains(&secret), "no secret in profiles.toml:\n{file}");
    assert!(h.desk.test_profile("contoso").await.unwrap().ok);

    let e = h.desk.save_profile(&input(&sb, BUILTIN_GENESYS, &secret)).await.unwrap_err();
    assert_eq!(e.code, "config.invalid", "the sandbox's names are reserved");
    assert!(h.desk.remove_profile("contoso").unwrap());
    assert!(!h.desk.remove_profile("contoso").unwrap(), "gone");
    assert_eq!(h.desk.test_profile("contoso").await.unwrap_err().code, "profile.unknown");
    sb.shutdown().await;
}

#[tokio::test]
async fn steps_out_of_order_answer_with_state_codes() {
    let h = host();
    let m = MappingInput {
        columns: Columns {
            layout: Layout::Long,
            agent: None,
            agent_key: None,
            skill: None,
            proficiency: None,
            skill_columns: vec![],
            skill_pairs: None,
            kind: None,
        },
        values: Default::default(),
        scale: None,
        rename: Default::default(),
        exclude: Default::default(),
    };
    assert_eq!(h.desk.preview_mapping(&m, Platform::Genesys).unwrap_err().code, "state.no_feed");
    assert_eq!(h.desk.replan(&m).await.unwrap_err().code, "state.no_plan");
    let e = h.desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap_err();
    assert_eq!(e.code, "state.no_feed");
    assert_eq!(h.desk.apply(ApplyInput::default(), Events::none()).await.unwrap_err().code, "state.no_plan");
    assert_eq!(h.desk.run_rows(&query(None)).unwrap_err().code, "state.no_run");
    assert_eq!(h.desk.save_report(&h.dir.path().join("r.html")).unwrap_err().code, "state.no_run");
    let nope = h.desk.grant_read(h.dir.path().join("nope.csv"));
    let missing = h.desk.open_feed(&nope).unwrap_err();
    assert_eq!(missing.code, "io.failed", "{missing}");
}

fn write(h: &Host, name: &str, text: &str) -> std::path::PathBuf {
    let p = h.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    // The test is the user here: it hands the file over as a drop or the dialog would.
    h.desk.grant_read(p)
}

/// A feed that gives every agent of the demo tenant one skill: enough write calls (one per agent at
/// the sandbox's 300/min) to act while the apply runs.
fn every_agent(h: &Host, name: &str, skill: &str, level: f64) -> std::path::PathBuf {
    let mut csv = String::from("email,skill,proficiency\n");
    let tenant: serde_json::Value = serde_json::from_str(include_str!("../../examples/demo-tenant.json")).unwrap();
    for u in tenant["users"].as_array().unwrap() {
        csv.push_str(&format!("{},{skill},{level}\n", u["email"].as_str().unwrap()));
    }
    write(h, name, &csv)
}

/// Starts the planned apply in the background and returns once `done` rows are through.
async fn apply_until(
    desk: &Arc<Desk>,
    done: u64,
) -> tokio::task::JoinHandle<Result<RunView, skillsync_app::error::UiError>> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let events = Events::new(move |e| {
        if matches!(e, Event::Apply { done: d, .. } if d >= done) {
            let _ = tx.send(());
        }
    });
    let running = tokio::spawn({
        let desk = desk.clone();
        async move { desk.apply(ApplyInput::default(), events).await }
    });
    rx.recv().await.expect("progress arrives");
    running
}

#[tokio::test]
async fn the_mapping_preview_says_what_each_value_becomes_and_why_not() {
    let h = host();
    let p = write(&h, "iex.csv", "Email;Skill;Level\nana.ruiz@example.com;Retention;Guru\nben.okafor@example.com;Retention;85%\nchloe.martin@example.com;Retention;3\n");
    let feed = h.desk.open_feed(&p).unwrap();
    assert_eq!((feed.delimiter.as_str(), feed.rows), ("semicolon", 3));
    let mut m = feed.mapping.expect("detected from the header");
    let preview = h.desk.preview_mapping(&m, Platform::Genesys).unwrap();
    assert_eq!((preview.records, preview.valid, preview.problems), (3, 1, 2));
    let guru = preview.values.iter().find(|v| v.value == "Guru").unwrap();
    assert!(guru.mapped.is_none() && guru.problem.as_deref().unwrap_or("").contains("Guru"), "{guru:?}");

    m.values.insert("Guru".into(), 5.0);
    m.scale = Some(ScaleMap { from: [0.0, 100.0], to: [0.0, 5.0] });
    let preview = h.desk.preview_mapping(&m, Platform::Genesys).unwrap();
    assert_eq!(preview.problems, 0, "{:?}", preview.rows);
    let pct = preview.rows.iter().find(|r| r.raw_value == "85%").unwrap();
    assert_eq!(pct.value, Some(4.25), "85% rescaled onto 0–5");
    assert!(preview.toml.contains("[scale]") && preview.toml.contains("Guru = 5"), "{}", preview.toml);

    m.columns.proficiency = Some("Rating".into());
    let broken = h.desk.preview_mapping(&m, Platform::Genesys).unwrap();
    assert!(broken.error.as_deref().unwrap_or("").contains("Rating"), "{broken:?}");

    // Templates: the demo ones are there from the start; a saved one loads back as saved.
    m.columns.proficiency = Some("Level".into());
    let names = h.desk.list_templates().unwrap();
    assert!(names.contains(&"demo-genesys".to_string()) && names.contains(&"demo-cxone".to_string()), "{names:?}");
    assert_eq!(feed.saved_template, None, "nothing was saved from this file yet");
    h.desk.save_template("nightly iex", &m).unwrap();
    assert!(h.desk.list_templates().unwrap().contains(&"nightly iex".to_string()));
    let again = h.desk.open_feed(&p).unwrap();
    assert_eq!(again.saved_template.as_deref(), Some("nightly iex"), "opening the file again offers its template");
    assert_eq!(h.desk.load_template("nightly iex").unwrap(), m);
    assert_eq!(h.desk.save_template("../escape", &m).unwrap_err().code, "config.invalid");
}

#[tokio::test]
async fn removals_need_the_typed_confirmation() {
    let h = host();
    // Ana holds Tech Support Tier 2 in the demo tenant.
    let p = write(&h, "remove.csv", "email,skill,proficiency\nana.ruiz@example.com,Tech Support Tier 2,remove\n");
    let m = h.desk.open_feed(&p).unwrap().mapping.unwrap();
    let refused = h.desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    assert_eq!((refused.summary.remove, refused.summary.invalid), (0, 1), "remove mode is explicit: {refused:?}");
    let allow = PlanOptionsInput { allow_remove: true, remove_unlisted: false };
    let plan = h.desk.plan(BUILTIN_GENESYS, &m, allow, Events::none()).await.unwrap();
    assert_eq!(plan.summary.remove, 1, "{plan:?}");
    let e = h.desk.apply(ApplyInput::default(), Events::none()).await.unwrap_err();
    assert_eq!(e.code, "config.invalid", "{e}");
    let run = h.desk.apply(ApplyInput { confirm_remove: true, resume: false }, Events::none()).await.unwrap();
    assert_eq!((run.summary.removed, run.summary.failed), (1, 0), "{run:?}");
}

#[tokio::test]
async fn a_cancelled_apply_accounts_for_every_row_and_refuses_a_second_job_meanwhile() {
    let h = host();
    let desk = h.desk.clone();
    // 26 agents' worth of changes at the sandbox's 300/min: long enough to cancel midway.
    let p = every_agent(&h, "all.csv", "Onboarding", 3.5);
    let m = desk.open_feed(&p).unwrap().mapping.unwrap();
    let plan = desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    assert!(plan.estimate.writes >= 20, "{plan:?}");

    let running = apply_until(&desk, 3).await;
    let busy = desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap_err();
    assert_eq!(busy.code, "state.busy", "{busy}");
    desk.pause_run();
    desk.resume_run();
    desk.cancel_run();
    let run = running.await.unwrap().unwrap();
    assert!(run.cancelled, "{run:?}");
    let s = run.summary;
    assert!(s.added + s.updated < plan.summary.add + plan.summary.update, "cancel stopped it early: {s:?}");
    let rows = desk.run_rows(&query(None)).unwrap();
    assert_eq!(rows.total, plan.summary.rows, "every row is in the results");
    let skipped = desk.run_rows(&query(Some("skipped"))).unwrap().total;
    assert!(skipped > 0 && skipped == s.skipped, "rows never sent are counted as skipped: {s:?}");
    assert!(
        rows.rows.iter().all(|r| matches!(
            r.outcome,
            Outcome::Added
                | Outcome::Updated
                | Outcome::Skipped
                | Outcome::Failed
                | Outcome::Unchanged
                | Outcome::Invalid
        )),
        "each row has an outcome"
    );
    assert_eq!(run.exit_code, 1, "a cancelled run is not a success");

    // The journal lets the same job continue where it stopped.
    desk.open_feed(&p).unwrap();
    let again = desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    assert!(again.resumable, "the cut-off journal is offered for resuming");
    let resumed = desk.apply(ApplyInput { confirm_remove: false, resume: true }, Events::none()).await.unwrap();
    let r = resumed.summary;
    assert_eq!((r.failed, resumed.cancelled), (0, false), "{resumed:?}");
    assert_eq!(r.added + r.updated, plan.summary.add + plan.summary.update, "the resumed run reports the whole job");
    let history = desk.history().unwrap();
    assert!(history[0].resumed && !history[1].resumed, "the second attempt is marked resumed: {history:?}");
    assert_eq!(history[0].job, history[1].job, "both attempts name the same job, so History shows them as one");
}

#[tokio::test]
async fn an_export_of_the_tenant_plans_as_zero_changes() {
    let h = host();
    let out = h.desk.grant_write(h.dir.path().join("today.csv"));
    let feed = h.desk.export_assignments(BUILTIN_CXONE, &out, "long").await.unwrap();
    assert!(feed.rows > 0 && feed.suggested_platform == Some(Platform::Cxone), "{feed:?}");
    let plan = h.desk.plan(BUILTIN_CXONE, &feed.mapping.unwrap(), no_remove(), Events::none()).await.unwrap();
    assert_eq!((plan.summary.add, plan.summary.update, plan.summary.invalid), (0, 0, 0), "{plan:?}");
    assert_eq!(plan.summary.unchanged, feed.rows);
}

#[tokio::test]
async fn closing_the_window_mid_apply_stops_the_run_cleanly_and_keeps_its_report() {
    let h = host();
    let desk = h.desk.clone();
    assert!(!desk.stop_for_close(), "with nothing running the window closes at once");
    let p = every_agent(&h, "close.csv", "Escalations", 4.5);
    let m = desk.open_feed(&p).unwrap().mapping.unwrap();
    desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    let running = apply_until(&desk, 2).await;
    assert!(desk.stop_for_close(), "an apply is running: the window waits for it");
    tokio::time::timeout(std::time::Duration::from_secs(30), desk.wait_idle()).await.expect("the run ends soon after");
    let run = running.await.unwrap().unwrap();
    assert!(run.cancelled && run.summary.skipped > 0, "{run:?}");
    let history = desk.history().unwrap();
    assert_eq!(history.len(), 1, "the stopped run is in the history with its report");
    assert!(history[0].cancelled);
    assert!(history[0].report_files.iter().all(|f| std::path::Path::new(f).exists()));
    assert!(!desk.stop_for_close(), "idle again");
}

#[path = "../../tests/support/corporate.rs"]
mod corporate;

/// The page cannot name a file of its own: reading, writing and a CA file all need the user's
/// choice (a dialog answer or a drop), recorded in Rust.
#[tokio::test]
async fn a_path_the_user_did_not_choose_is_refused() {
    let h = host();
    let secret = h.dir.path().join("secret.csv");
    std::fs::write(&secret, "email,skill,proficiency\nana.ruiz@example.com,Retention,3\n").unwrap();
    let e = h.desk.open_feed(&secret).unwrap_err();
    assert_eq!(e.code, "path.not_chosen", "{e}");
    assert!(e.message.contains("dialog") && e.message.contains("dropped"), "the message says how to choose: {e}");
    assert_eq!(h.desk.open_feed(std::path::Path::new("/etc/passwd")).unwrap_err().code, "path.not_chosen");

    // A file chosen for reading is not thereby writable, and a save answer is not readable.
    let target = h.desk.grant_read(h.dir.path().join("export.csv"));
    let e = h.desk.export_assignments(BUILTIN_GENESYS, &target, "long").await.unwrap_err();
    assert_eq!(e.code, "path.not_chosen", "{e}");
    assert!(!target.exists(), "nothing was written");
    let out = h.desk.grant_write(h.dir.path().join("out.csv"));
    assert_eq!(h.desk.open_feed(&out).unwrap_err().code, "path.not_chosen");

    // The wizard's CA file too.
    let mut wizard = ProfileInput {
        name: "office".into(),
        platform: Platform::Genesys,
        region: Some("eu_west_1".into()),
        base_url: None,
        client_id: "id".into(),
        api_version: None,
        client_secret: "s".into(),
        access_key_id: None,
        access_key_secret: None,
        ca_file: Some("/etc/ssl/private/key.pem".into()),
    };
    assert_eq!(h.desk.test_connection(&wizard).await.unwrap_err().code, "path.not_chosen");
    wizard.ca_file = Some(secret.display().to_string());
    assert_eq!(h.desk.save_profile(&wizard).await.unwrap_err().code, "path.not_chosen");

    // Once chosen, the same file opens; a report goes only where the save dialog said.
    h.desk.grant_read(secret.clone());
    assert_eq!(h.desk.open_feed(&secret).unwrap().rows, 1);
    let m = h.desk.open_sample(Some(Platform::Genesys)).unwrap().mapping.unwrap();
    h.desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    h.desk.apply(ApplyInput::default(), Events::none()).await.unwrap();
    let e = h.desk.save_report(&h.dir.path().join("report.html")).unwrap_err();
    assert_eq!(e.code, "path.not_chosen", "{e}");
    let chosen = h.desk.grant_write(h.dir.path().join("chosen.html"));
    assert_eq!(h.desk.save_report(&chosen).unwrap().len(), 4, "html, csv, json and the undo file");
}

/// The wizard's Test connection on a company network: a sandbox behind TLS with a private root CA
/// fails with the certificate code and advice, and passes once the CA file is picked.
#[tokio::test(flavor = "multi_thread")]
async fn the_wizard_explains_an_untrusted_certificate_and_trusts_a_chosen_ca_file() {
    if !corporate::tools_present() {
        return;
    }
    let h = host();
    let mut config = SandboxConfig::new(skillsync_sandbox::Platform::Genesys);
    config.rate_limit_per_minute = Some(0);
    let sb = Sandbox::start(config).await.unwrap();
    let pki = corporate::make_pki(h.dir.path());
    let (_tls, https) = corporate::tls_terminator(&pki, corporate::port_of(sb.base_url()));
    let c = sb.credentials();
    let mut wizard = ProfileInput {
        name: "office".into(),
        platform: Platform::Genesys,
        region: None,
        base_url: Some(https.clone()),
        client_id: c.client_id.clone(),
        api_version: None,
        client_secret: c.client_secret.clone(),
        access_key_id: None,
        access_key_secret: None,
        ca_file: None,
    };
    let check = h.desk.test_connection(&wizard).await.unwrap();
    assert!(!check.ok, "{check:?}");
    let sign_in = &check.checks[0];
    assert_eq!(sign_in.code.as_deref(), Some("connection.certificate"), "{sign_in:?}");
    assert!(sign_in.detail.contains("not trusted"), "{sign_in:?}");

    let ca = h.desk.grant_read(pki.ca.clone());
    wizard.ca_file = Some(ca.display().to_string());
    let check = h.desk.test_connection(&wizard).await.unwrap();
    assert!(check.ok, "with the company CA the test passes: {check:?}");
    let saved = h.desk.save_profile(&wizard).await.unwrap();
    assert_eq!(saved.ca_file.as_deref(), Some(ca.display().to_string().as_str()));
    assert!(h.desk.test_profile("office").await.unwrap().ok, "the saved profile keeps trusting the CA");
}

#[tokio::test]
async fn a_workbook_opens_its_first_sheet_with_a_header_and_another_sheet_on_request() {
    let h = host();
    let book = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/workbooks/levels.xlsx");
    assert_eq!(h.desk.open_feed_sheet(&book, Some("Wide")).unwrap_err().code, "path.not_chosen", "a sheet too");
    let book = h.desk.grant_read(book);
    let feed = h.desk.open_feed(&book).unwrap();
    assert_eq!(feed.sheet.as_deref(), Some("Long"), "'Read me' holds no header: {feed:?}");
    assert_eq!(feed.sheets, ["Read me", "Long", "Wide", "Packed"], "every sheet is offered");
    assert_eq!((feed.encoding.as_str(), feed.delimiter.as_str()), ("Excel workbook (.xlsx)", "none"));
    assert_eq!(feed.sample[1], ["ana.lee@example.com", "Sales - Spanish", "4.5"], "numbers as written");

    let wide = h.desk.open_feed_sheet(&book, Some("Wide")).unwrap();
    assert_eq!(wide.sheet.as_deref(), Some("Wide"));
    let m = wide.mapping.expect("detected from the sheet's header");
    assert_eq!(m.columns.layout, Layout::Wide);
    let preview = h.desk.preview_mapping(&m, Platform::Genesys).unwrap();
    let date = preview.rows.iter().find(|r| r.raw_value == "2024-03-01").expect("the date cell is a row");
    assert!(date.problem.as_deref().unwrap_or("").contains("cell B4 holds a date"), "{date:?}");
    assert!(
        preview.values.iter().all(|v| v.value != "2024-03-01" && v.value != "#DIV/0!"),
        "no value to map: {:?}",
        preview.values
    );

    let err = h.desk.open_feed_sheet(&book, Some("March")).unwrap_err();
    let err = serde_json::to_value(&err).unwrap();
    assert_eq!(err["code"], "input.invalid", "{err}");
    assert!(err["message"].as_str().unwrap_or("").contains("'Read me', 'Long', 'Wide', 'Packed'"), "{err}");
}

/// Ana's Tech Support Tier 2 (held in the demo tenant) set to `level`.
fn ana_feed(h: &Host, name: &str, level: f64) -> (std::path::PathBuf, MappingInput) {
    let p = write(h, name, &format!("email,skill,proficiency\nana.ruiz@example.com,Tech Support Tier 2,{level}\n"));
    let m = h.desk.open_feed(&p).unwrap().mapping.unwrap();
    (p, m)
}

#[tokio::test]
async fn a_plan_saved_for_approval_opens_as_the_current_plan_and_applies_exactly() {
    let h = host();
    let (_, m) = ana_feed(&h, "ana.csv", 1.5);
    let plan = h.desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    assert_eq!(plan.summary.update, 1, "{plan:?}");

    let file = h.dir.path().join("approved.json");
    let e = h.desk.save_plan(&file).await.unwrap_err();
    assert_eq!(e.code, "path.not_chosen", "the plan is written only where the user chose: {e}");
    let file = h.desk.grant(FilePurpose::Plan, file);
    assert_eq!(h.desk.save_plan(&file).await.unwrap(), file.display().to_string());
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["feed"]["name"], "ana.csv", "{saved}");
    assert_eq!(saved["plan"]["changes"].as_array().map(Vec::len), Some(1), "{saved}");

    // Later (another feed opened meanwhile): the approved plan becomes the current plan.
    ana_feed(&h, "other.csv", 2.5);
    let e = h.desk.open_approved_plan(BUILTIN_GENESYS, &file).await.unwrap_err();
    assert_eq!(e.code, "path.not_chosen", "a save choice is not a read choice: {e}");
    let file = h.desk.grant(FilePurpose::ApprovedPlan, file);
    let opened = h.desk.open_approved_plan(BUILTIN_GENESYS, &file).await.unwrap();
    assert_eq!(opened.summary, plan.summary, "the same plan: {opened:?}");
    assert_eq!(opened.estimate.writes, 1);
    let rows = h.desk.plan_rows(&query(Some("update"))).unwrap();
    assert_eq!(rows.rows[0].agent, "ana.ruiz@example.com", "the Plan step shows the saved rows");
    assert_eq!(rows.rows[0].requested, Some(1.5), "the saved target, not the feed opened since");
    let ana = rows.rows[0].agent_label.as_deref().unwrap_or_default();
    assert!(
        ana.contains("Ana") && ana.contains("<ana.ruiz@example.com>"),
        "named as when it was approved, not a bare email: {ana}"
    );

    let run = h.desk.apply(ApplyInput::default(), Events::none()).await.unwrap();
    assert_eq!((run.summary.updated, run.summary.verified, run.summary.failed), (1, 1, 0), "{run:?}");
    assert_eq!(h.desk.history().unwrap()[0].feed, "ana.csv", "the run names the plan's feed");

    // Applied once, the tenant no longer matches it: opened again, the apply refuses.
    h.desk.open_approved_plan(BUILTIN_GENESYS, &file).await.unwrap();
    let e = h.desk.apply(ApplyInput::default(), Events::none()).await.unwrap_err();
    assert_eq!(e.code, "plan.drifted", "{e}");
    assert!(
        e.message.contains("ana.ruiz@example.com · Tech Support Tier 2: planned before")
            && e.message.contains("now 1.5"),
        "the message lists the pair, its planned before value and the value now: {e}"
    );
    assert_eq!(h.desk.history().unwrap().len(), 1, "no second run");
}

#[tokio::test]
async fn an_edited_plan_or_one_for_another_tenant_is_refused_when_opened() {
    let h = host();
    assert_eq!(h.desk.save_plan(&h.dir.path().join("p.json")).await.unwrap_err().code, "state.no_plan");
    let (_, m) = ana_feed(&h, "ana.csv", 1.5);
    h.desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    let file = h.desk.grant(FilePurpose::Plan, h.dir.path().join("p.json"));
    h.desk.save_plan(&file).await.unwrap();
    let file = h.desk.grant(FilePurpose::ApprovedPlan, file);

    let e = h.desk.open_approved_plan(BUILTIN_CXONE, &file).await.unwrap_err();
    assert_eq!(e.code, "config.invalid", "made for Genesys Cloud: {e}");
    assert!(e.message.contains("Genesys Cloud"), "{e}");

    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("1.5", "5", 1)).unwrap();
    let e = h.desk.open_approved_plan(BUILTIN_GENESYS, &file).await.unwrap_err();
    assert_eq!(e.code, "input.invalid", "{e}");
    assert!(e.message.contains("changed after it was saved"), "{e}");
}

/// Two windows on one tenant: a plan made in one is re-checked at Apply, after the other changed
/// the same pair — not trusted because it was seen.
#[tokio::test]
async fn every_apply_rechecks_the_plan_against_the_tenant() {
    let mut config = SandboxConfig::new(skillsync_sandbox::Platform::Genesys);
    config.tenant = skillsync_sandbox::TenantSource::Inline(
        serde_json::from_value(serde_json::json!({
            "skills": [{"name": "Billing"}],
            "users": [{"email": "ana@example.com", "name": "Ana"}],
            "assignments": [{"email": "ana@example.com", "skill": "Billing", "proficiency": 2}]
        }))
        .unwrap(),
    );
    let sb = Sandbox::start(config).await.unwrap();
    let profile = |sb: &Sandbox| {
        let mut p = input(sb, "tenant", &sb.credentials().client_secret);
        p.platform = Platform::Genesys;
        p
    };
    let (first, second) = (host(), host());
    let mut plans = vec![];
    for (h, level) in [(&first, 4.0), (&second, 5.0)] {
        h.desk.save_profile(&profile(&sb)).await.unwrap();
        let p = write(h, "f.csv", &format!("email,skill,proficiency\nana@example.com,Billing,{level}\n"));
        let m = h.desk.open_feed(&p).unwrap().mapping.unwrap();
        plans.push(h.desk.plan("tenant", &m, no_remove(), Events::none()).await.unwrap());
    }
    assert!(plans.iter().all(|p| p.summary.update == 1), "{plans:?}");
    let run = second.desk.apply(ApplyInput::default(), Events::none()).await.unwrap();
    assert_eq!(run.summary.updated, 1, "{run:?}");

    let writes = sb.stats()["total"].as_u64();
    let e = first.desk.apply(ApplyInput::default(), Events::none()).await.unwrap_err();
    assert_eq!(e.code, "plan.drifted", "{e}");
    assert!(e.message.contains("ana@example.com · Billing: planned before 2, now 5"), "{e}");
    let by_route = sb.stats()["by_route"].clone();
    let patches: u64 = by_route
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("PATCH"))
        .map(|(_, v)| v.as_u64().unwrap())
        .sum();
    assert_eq!(patches, 1, "only the second window's write reached the tenant: {by_route}");
    assert!(sb.stats()["total"].as_u64() > writes, "the check read the tenant");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_fixed_name_replans_against_the_tenant_already_read_and_the_template_keeps_it() {
    let h = host();
    let desk = &h.desk;
    let feed = desk.open_sample(Some(Platform::Genesys)).unwrap();
    let mut m = feed.mapping.unwrap();
    let plan = desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    let typo = plan.unresolved.unknown_skills[0].clone();
    let fixed_lines = typo.lines.len();

    m.rename.skills.insert(typo.input.clone(), typo.suggestions[0].clone());
    let fixed = desk.replan(&m).await.unwrap();
    assert!(fixed.replanned && fixed.reads == 0, "no request made: {fixed:?}");
    assert!(fixed.unresolved.unknown_skills.iter().all(|n| n.input != typo.input), "{:?}", fixed.unresolved);
    assert_eq!(fixed.summary.invalid, plan.summary.invalid - fixed_lines, "the renamed rows plan");
    let renamed =
        desk.plan_rows(&RowQuery { filter: None, search: Some(typo.input.clone()), offset: 0, limit: 10 }).unwrap();
    assert!(renamed.rows.iter().all(|r| r.action != Action::Invalid), "{renamed:?}");
    assert_eq!(
        renamed.rows[0].skill_label.as_deref(),
        Some(typo.suggestions[0].as_str()),
        "shown by its platform name"
    );

    let agent = plan.unresolved.unknown_agents[0].clone();
    m.exclude.agents.push(agent.input.clone());
    let excluded = desk.replan(&m).await.unwrap();
    assert_eq!(excluded.summary.excluded, agent.lines.len(), "excluded rows are counted apart");
    assert_eq!(excluded.summary.rows, fixed.summary.rows - agent.lines.len(), "and are not plan rows");

    let path = desk.save_template("nightly", &m).unwrap();
    let toml = std::fs::read_to_string(path).unwrap();
    assert!(toml.contains("[rename.skills]") && toml.contains(&typo.suggestions[0]), "{toml}");
    assert!(toml.contains("[exclude]") && toml.contains(&agent.input), "{toml}");
    assert_eq!(desk.load_template("nightly").unwrap(), m, "the template loads back with its fixes");
    desk.shutdown().await;
}

#[tokio::test]
async fn a_replan_of_twenty_thousand_rows_takes_a_fraction_of_a_read() {
    let h = host();
    let tenant: serde_json::Value = serde_json::from_str(include_str!("../../examples/demo-tenant.json")).unwrap();
    let emails: Vec<&str> = tenant["users"].as_array().unwrap().iter().filter_map(|u| u["email"].as_str()).collect();
    let skills = ["Billing - English", "Retention", "Sales - Spanish", "Biling - English"];
    let mut csv = String::from("email,skill,proficiency\n");
    for i in 0..20_000 {
        // The same level for each agent and skill, so duplicate rows agree.
        let (a, k) = (i % emails.len(), i % skills.len());
        csv.push_str(&format!("{},{},{}\n", emails[a], skills[k], (a * 7 + k % 3) % 5 + 1));
    }
    let p = write(&h, "big.csv", &csv);
    let mut m = h.desk.open_feed(&p).unwrap().mapping.unwrap();
    let started = std::time::Instant::now();
    let plan = h.desk.plan(BUILTIN_GENESYS, &m, no_remove(), Events::none()).await.unwrap();
    let plan_ms = started.elapsed().as_millis();
    assert!(plan.summary.invalid >= 5_000, "{:?}", plan.summary);
    m.rename.skills.insert("Biling - English".into(), "Billing - English".into());
    let started = std::time::Instant::now();
    let fixed = h.desk.replan(&m).await.unwrap();
    let replan_ms = started.elapsed().as_millis();
    eprintln!("20,000 rows: plan (reads the tenant) {plan_ms} ms, replan after a rename {replan_ms} ms");
    assert!(fixed.summary.invalid < plan.summary.invalid, "{:?}", fixed.summary);
    assert!(replan_ms < 3_000, "a re-plan stays interactive: {replan_ms} ms");
    h.desk.shutdown().await;
}

#[tokio::test]
async fn a_value_off_the_scale_is_marked_on_its_own_and_the_map_stays() {
    let h = host();
    let p = write(
        &h,
        "iex.csv",
        "Email;Skill;Level\nana.ruiz@example.com;Retention;Guru\nchloe.martin@example.com;Retention;3\n",
    );
    let mut m = h.desk.open_feed(&p).unwrap().mapping.unwrap();
    m.values.insert("Guru".into(), 7.0);
    let preview = h.desk.preview_mapping(&m, Platform::Genesys).unwrap();
    assert_eq!(preview.error, None, "only the value is wrong, not the map: {preview:?}");
    assert_eq!(preview.values.len(), 2, "every value is still listed");
    let guru = preview.values.iter().find(|v| v.value == "Guru").unwrap();
    let why = guru.problem.as_deref().unwrap_or_default();
    assert!(
        why.contains("0–5") && !why.contains("mapping file") && !why.contains("[values]"),
        "in the app's words: {why}"
    );
    assert_eq!((preview.valid, preview.blocked.as_deref()), (1, None));

    m.values.insert("3".into(), 9.0);
    let none = h.desk.preview_mapping(&m, Platform::Genesys).unwrap();
    assert_eq!(none.valid, 0);
    assert!(none.blocked.as_deref().unwrap_or_default().starts_with("No row would plan"), "{none:?}");
}

/// The wizard's test counts skills and Genesys routing languages apart (it said "84 skills" for 80
/// skills and 4 languages).
#[tokio::test]
async fn the_connection_test_counts_skills_and_routing_languages_apart() {
    let h = host();
    let mut config = SandboxConfig::new(skillsync_sandbox::Platform::Genesys);
    config.tenant = skillsync_sandbox::TenantSource::Inline(
        serde_json::from_value(serde_json::json!({
            "skills": [{"name": "Billing"}, {"name": "Sales"}, {"name": "Retention"}],
            "languages": [{"name": "Spanish"}, {"name": "French"}],
            "users": [{"email": "ana@example.com", "name": "Ana"}]
        }))
        .unwrap(),
    );
    let sb = Sandbox::start(config).await.unwrap();
    let mut profile = input(&sb, "langs", &sb.credentials().client_secret.clone());
    profile.platform = Platform::Genesys;
    let check = h.desk.test_connection(&profile).await.unwrap();
    assert!(check.ok, "{check:?}");
    assert_eq!((check.skills, check.languages), (3, 2), "{check:?}");
    let read = check.checks.iter().find(|c| c.name == "read skills").expect("the read");
    assert_eq!(read.detail, "3 skills and 2 routing languages");
}
