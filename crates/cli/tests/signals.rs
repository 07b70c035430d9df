//! Ctrl-C as a person presses it at a terminal: once during a run the platform is throttling (the
//! run stops within seconds, verifies what was sent, writes its report and says what was skipped),
//! and twice (the second quits at once; the journal keeps what a resume needs).

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Tenant;

/// Twelve agents and queues, none assigned yet: twelve adds, one write call each.
fn feed(t: &Tenant) -> std::path::PathBuf {
    let mut text = String::from("email,skill,proficiency\n");
    for (email, skill) in [
        ("ana.lee@example.com", "Billing - English"),
        ("ana.lee@example.com", "Sales - Spanish"),
        ("ana.lee@example.com", "Retention"),
        ("bo.chen@example.com", "Sales - Spanish"),
        ("bo.chen@example.com", "Retention"),
        ("di.evans@example.com", "Billing - English"),
        ("di.evans@example.com", "Sales - Spanish"),
        ("di.evans@example.com", "Retention"),
    ] {
        text.push_str(&format!("{email},{skill},3\n"));
    }
    t.write("feed.csv", &text)
}

/// The real binary started in the background, as a terminal starts it (its own process).
fn spawn(t: &Tenant, args: &[&str]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillsync"));
    let home = t.dir.path();
    cmd.args(args)
        .args(["--platform", t.platform, "--base-url", t.base_url(), "--client-id", &t.client_id()])
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("HOME", home)
        .env_remove("SKILLSYNC_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let secrets = t.secrets();
    cmd.env("SKILLSYNC_CLIENT_SECRET", &secrets[0]);
    if t.platform == "cxone" {
        let (id, secret) = t.access_key();
        cmd.env("SKILLSYNC_ACCESS_KEY_ID", id).env("SKILLSYNC_ACCESS_KEY_SECRET", secret);
    }
    cmd.spawn().expect("the binary starts")
}

/// Waits until the journal shows a write call about to go out: the apply has begun.
fn wait_for_a_write(journal: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(40);
    while !std::fs::read_to_string(journal).is_ok_and(|j| j.contains("\"type\":\"intent\"")) {
        assert!(Instant::now() < deadline, "no write call was started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn interrupt(child: &Child) {
    let ok = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(ok.success(), "SIGINT delivered");
}

/// Waits for the child at most `limit`; its exit code and output, and how long it took.
fn finish(mut child: Child, limit: Duration) -> (i32, String, String, Duration) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let out = child.wait_with_output().expect("output");
            return (
                status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
                started.elapsed(),
            );
        }
        if started.elapsed() > limit {
            child.kill().ok();
            let out = child.wait_with_output().expect("output");
            panic!(
                "still running after {limit:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn one_ctrl_c_during_retry_after_stops_within_seconds_with_its_report(platform: &'static str) {
    // The reads (Genesys 2, CXone 6) and a write or two, then the platform wants a minute's pause.
    let per_minute = if platform == "cxone" { 9 } else { 5 };
    let t = Tenant::start(platform, |c| c.rate_limit_per_minute = Some(per_minute));
    let feed = feed(&t);
    let report = t.path("report.csv");
    let journal = t.path("journal.jsonl");
    let child = spawn(
        &t,
        &[
            "apply",
            feed.to_str().unwrap(),
            "--yes",
            "--json",
            "--report",
            report.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
        ],
    );
    wait_for_a_write(&journal);
    std::thread::sleep(Duration::from_millis(1000));
    interrupt(&child);
    let (code, stdout, stderr, took) = finish(child, Duration::from_secs(20));
    assert!(took < Duration::from_secs(6), "stopped {took:?} after Ctrl-C\n{stderr}");
    assert_eq!(code, 1, "a cancelled run exits 1\n{stdout}\n{stderr}");
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("the JSON summary is printed");
    assert_eq!(summary["rows"], 8, "{summary}");
    let done = summary["verified"].as_u64().unwrap() + summary["failed"].as_u64().unwrap();
    assert!(done < 8, "the run was cut short: {summary}");
    // Calls cancelled while they waited for the limiter were never sent, and are not counted.
    let sent = t.writes();
    assert!(
        summary["requests"]["write"].as_u64().is_some_and(|w| w <= sent),
        "requests.write counts only calls that left ({sent} reached the platform): {summary}"
    );
    let csv = std::fs::read_to_string(&report).expect("the report was written");
    assert!(csv.contains("skipped"), "the report lists what was skipped:\n{csv}");
    assert!(t.path("report.undo.csv").exists(), "the undo file was written");
}

fn a_second_ctrl_c_quits_at_once(platform: &'static str) {
    // Every answer takes three seconds: after the first Ctrl-C the calls in flight are still out.
    let t = Tenant::start(platform, |c| c.latency = Duration::from_secs(3));
    let feed = feed(&t);
    let journal = t.path("journal.jsonl");
    let child = spawn(&t, &["apply", feed.to_str().unwrap(), "--yes", "--journal", journal.to_str().unwrap()]);
    // Connect, read the tenant (a few answers of three seconds each), then writes go out.
    wait_for_a_write(&journal);
    interrupt(&child);
    std::thread::sleep(Duration::from_millis(300));
    let second = Instant::now();
    interrupt(&child);
    let (code, _, stderr, _) = finish(child, Duration::from_secs(10));
    assert!(second.elapsed() < Duration::from_secs(1), "quit {:?} after the second Ctrl-C", second.elapsed());
    assert_eq!(code, 130, "{stderr}");
    assert!(stderr.contains("--resume"), "says how to go on: {stderr}");
    let text = std::fs::read_to_string(&journal).expect("journal");
    assert!(text.lines().any(|l| l.contains("\"type\":\"intent\"")), "the journal holds the calls' intents: {text}");
}

#[test]
fn one_ctrl_c_during_retry_after_stops_within_seconds_with_its_report_genesys() {
    one_ctrl_c_during_retry_after_stops_within_seconds_with_its_report("genesys")
}

#[test]
fn one_ctrl_c_during_retry_after_stops_within_seconds_with_its_report_cxone() {
    one_ctrl_c_during_retry_after_stops_within_seconds_with_its_report("cxone")
}

#[test]
fn a_second_ctrl_c_quits_at_once_genesys() {
    a_second_ctrl_c_quits_at_once("genesys")
}

#[test]
fn a_second_ctrl_c_quits_at_once_cxone() {
    a_second_ctrl_c_quits_at_once("cxone")
}

/// Killed outright mid-apply (no Ctrl-C, no report): the undo file was kept as the calls went
/// out, and applying it puts the tenant back as it was before the run.
fn a_killed_run_leaves_an_undo_file_that_restores_the_start(platform: &'static str) {
    let t = Tenant::start(platform, |c| c.latency = Duration::from_millis(700));
    let start = t.state();
    let feed = feed(&t);
    let report = t.path("out/run.html");
    let journal = t.path("journal.jsonl");
    // One call at a time: the first lands, the kill comes while a later one is out.
    let args = [
        "apply",
        feed.to_str().unwrap(),
        "--yes",
        "--concurrency",
        "1",
        "--report",
        report.to_str().unwrap(),
        "--journal",
    ];
    let mut child = spawn(&t, &[&args[..], &[journal.to_str().unwrap()]].concat());
    wait_for_a_write(&journal);
    std::thread::sleep(Duration::from_millis(1200));
    child.kill().expect("killed");
    child.wait().ok();
    assert!(!report.exists(), "the run never reached its report");
    let undo = t.path("out/run.undo.csv");
    let text = std::fs::read_to_string(&undo).expect("the undo file exists although the run was killed");
    assert!(text.lines().count() >= 2, "it holds the calls sent so far:\n{text}");
    assert_ne!(t.state(), start, "something landed before the kill");
    let mut cmd = support::bare(t.dir.path());
    cmd.args(["apply", undo.to_str().unwrap(), "--yes", "--allow-remove", "--confirm-remove", "--journal"])
        .arg(t.path("undo-journal.jsonl"))
        .args(["--platform", t.platform, "--base-url", t.base_url(), "--client-id", &t.client_id()])
        .env("SKILLSYNC_CLIENT_SECRET", &t.secrets()[0]);
    if platform == "cxone" {
        let (id, secret) = t.access_key();
        cmd.env("SKILLSYNC_ACCESS_KEY_ID", id).env("SKILLSYNC_ACCESS_KEY_SECRET", secret);
    }
    let out = support::run(cmd);
    assert_eq!(out.code, 0, "the undo file applies: {}", out.all());
    assert_eq!(t.state(), start, "the tenant is as it was before the killed run; undo file:\n{text}\n{}", out.all());
}

#[test]
fn a_killed_run_leaves_an_undo_file_that_restores_the_start_genesys() {
    a_killed_run_leaves_an_undo_file_that_restores_the_start("genesys")
}

#[test]
fn a_killed_run_leaves_an_undo_file_that_restores_the_start_cxone() {
    a_killed_run_leaves_an_undo_file_that_restores_the_start("cxone")
}
