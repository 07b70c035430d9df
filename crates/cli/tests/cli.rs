//! The `skillsync` binary as a scheduler runs it, against sandboxes on 127.0.0.1: the `--json`
//! summary's exact shape and values, every exit code of the contract, the report files (safe in a
//! spreadsheet, free of secrets), export round trips, profiles in the OS keychain, and the
//! `sandbox` command's one JSON line.

mod support;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use skillsync_sandbox::{FaultKind, Faults};
use std::io::BufRead;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;
use support::{assert_summary, run, Tenant};

const GENESYS: &str = "genesys";
const CXONE: &str = "cxone";

/// One unchanged row, two adds, one update and an unknown skill.
const FEED: &str = "email,skill,proficiency
ana.lee@example.com,Billing - English,4
ana.lee@example.com,Retention,3
bo.chen@example.com,Billing - English,3
di.evans@example.com,Sales - Spanish,2
di.evans@example.com,Nope,2
";

/// Reads of a plan: Genesys a skills, a languages and a users page; CXone /skills, /agents and /agents/skills.
fn plan_reads(platform: &str) -> u64 {
    if platform == GENESYS {
        // Skills, routing languages, users.
        3
    } else {
        // Skills, agents, and the assignments in four listings: enabled and disabled ones, of
        // active and inactive skills (a listing without the filters leaves disabled ones out).
        6
    }
}

/// Reads of an apply: CXone verifies by relisting its enabled and disabled assignments; Genesys'
/// PATCH replies confirm.
fn apply_reads(platform: &str) -> u64 {
    if platform == GENESYS {
        3
    } else {
        8
    }
}

fn assignment(state: &Value, email: &str, skill: &str) -> Option<f64> {
    state["assignments"]
        .as_array()?
        .iter()
        .find(|a| a["email"] == email && a["skill"] == skill)
        .and_then(|a| a["proficiency"].as_f64())
}

fn plan_then_apply_then_apply_again(platform: &'static str) {
    let t = Tenant::start(platform, |_| {});
    let feed = t.write("feed.csv", FEED);
    let feed = feed.to_str().expect("a UTF-8 path");

    let out = run(t.cmd(&["plan", feed, "--json"]));
    assert_eq!(out.code, 0, "plan exits 0: {}", out.all());
    let v = out.json();
    assert_summary(&v, [5, 1, 1, 2, 1, 0, 0], [plan_reads(platform), 0], "plan");
    assert_eq!(v["report"], Value::Null, "plan writes no report");
    assert_eq!(t.writes(), 0, "plan sends no write");

    let journal = t.path("journal.jsonl");
    let journal = journal.to_str().expect("a UTF-8 path");
    let out = run(t.cmd(&["apply", feed, "--yes", "--json", "--journal", journal]));
    assert_eq!(out.code, 0, "apply exits 0: {}", out.all());
    let v = out.json();
    // Three writes on both: Genesys one PATCH each for Ana, Bo, Di; CXone Retention new,
    // Billing changed, Sales new.
    assert_summary(&v, [5, 1, 1, 2, 1, 0, 3], [apply_reads(platform), 3], "apply");
    assert_eq!((v["requests"]["retried"].as_u64(), v["requests"]["throttled"].as_u64()), (Some(0), Some(0)), "{v}");
    assert_eq!(t.writes(), 3, "the sandbox saw three writes: {}", t.stats());
    let state = t.state();
    assert_eq!(assignment(&state, "ana.lee@example.com", "Retention"), Some(3.0), "{state}");
    assert_eq!(assignment(&state, "bo.chen@example.com", "Billing - English"), Some(3.0), "{state}");
    assert_eq!(assignment(&state, "di.evans@example.com", "Sales - Spanish"), Some(2.0), "{state}");

    let out = run(t.cmd(&["apply", feed, "--yes", "--json", "--journal", journal]));
    assert_eq!(out.code, 0, "a second apply exits 0: {}", out.all());
    assert_summary(&out.json(), [5, 1, 4, 0, 0, 0, 0], [plan_reads(platform), 0], "second apply");
    assert_eq!(t.writes(), 3, "the second apply wrote nothing");
}

#[test]
fn genesys_plan_apply_and_a_second_apply_print_the_contracted_json() {
    plan_then_apply_then_apply_again(GENESYS);
}

#[test]
fn cxone_plan_apply_and_a_second_apply_print_the_contracted_json() {
    plan_then_apply_then_apply_again(CXONE);
}

/// `skillsync sandbox` as a child process: exactly one JSON line, then it serves until killed.
fn sandbox_command_prints_one_json_line_and_serves(platform: &'static str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let tenant = dir.path().join("tenant.json");
    std::fs::write(&tenant, serde_json::to_string(&support::small_tenant()).expect("json")).expect("tenant written");
    let mut child = std::process::Command::cargo_bin("skillsync")
        .expect("the skillsync binary is built")
        .args(["sandbox", "--platform", platform, "--port", "0", "--tenant"])
        .arg(&tenant)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sandbox starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(20));
    let info: Option<Value> = line.as_ref().ok().and_then(|l| serde_json::from_str(l).ok());
    let served = info.as_ref().map(|info| {
        let c = |k: &str| info[k].as_str().unwrap_or_default().to_string();
        let mut cmd = support::bare(dir.path());
        let feed = dir.path().join("feed.csv");
        std::fs::write(&feed, FEED).expect("feed written");
        cmd.arg("plan").arg(&feed).args(["--json", "--platform", platform, "--base-url", &c("base_url")]);
        cmd.args(["--client-id", &c("client_id")]).env("SKILLSYNC_CLIENT_SECRET", c("client_secret"));
        if platform == CXONE {
            cmd.env("SKILLSYNC_ACCESS_KEY_ID", c("access_key_id"))
                .env("SKILLSYNC_ACCESS_KEY_SECRET", c("access_key_secret"));
        }
        run(cmd)
    });
    // Stop the child before any assertion can leave it running.
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    let extra: Vec<String> = rx.try_iter().collect();

    let line = line.expect("the sandbox printed a line within 20 s");
    let info = info.unwrap_or_else(|| panic!("the line is JSON: {line}"));
    let mut keys: Vec<&str> = info.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    keys.sort();
    let want: &[&str] = if platform == CXONE {
        &["access_key_id", "access_key_secret", "base_url", "client_id", "client_secret", "platform"]
    } else {
        &["base_url", "client_id", "client_secret", "platform"]
    };
    assert_eq!(keys, want, "the sandbox line's keys: {info}");
    assert_eq!(info["platform"], platform, "{info}");
    assert!(info["base_url"].as_str().unwrap_or("").starts_with("http://127.0.0.1:"), "{info}");
    assert!(extra.is_empty(), "nothing else on stdout: {extra:?}");
    let out = served.expect("planned against the child");
    assert_eq!(out.code, 0, "a plan against the child sandbox: {}", out.all());
    assert_summary(&out.json(), [5, 1, 1, 2, 1, 0, 0], [plan_reads(platform), 0], "plan against the child");
}

#[test]
fn genesys_sandbox_command_prints_one_json_line_and_serves() {
    sandbox_command_prints_one_json_line_and_serves(GENESYS);
}

#[test]
fn cxone_sandbox_command_prints_one_json_line_and_serves() {
    sandbox_command_prints_one_json_line_and_serves(CXONE);
}

/// CXone's 200 with a failed item, on every write: the row fails even after its second chance.
#[test]
fn a_row_that_fails_exits_1_and_says_so_in_the_summary() {
    let faults = Faults::only(FaultKind::ItemError, 1.0).expect("valid");
    let t = Tenant::start(CXONE, |c| c.faults = faults);
    let feed = t.write("feed.csv", "email,skill,proficiency\nana.lee@example.com,Retention,3\n");
    let out = run(t.cmd(&["apply", feed.to_str().unwrap_or_default(), "--yes", "--json", "--retries", "2"]));
    assert_eq!(out.code, 1, "some rows failed: {}", out.all());
    let v = out.json();
    // Three writes: the call and two more rounds, each verified by reading the skill's enabled and
    // disabled assignments; six reads of the tenant (skills, agents, four assignment listings).
    assert_summary(&v, [1, 0, 0, 0, 0, 1, 0], [6 + 3 * 2, 3], "a failed row");
    assert_eq!(assignment(&t.state(), "ana.lee@example.com", "Retention"), None, "nothing landed");
}

#[test]
fn an_unreadable_or_missing_feed_exits_2_and_sends_nothing() {
    let t = Tenant::start(GENESYS, |_| {});
    let binary = t.path("feed.csv");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89")
        .expect("written");
    let out = run(t.cmd(&["plan", binary.to_str().unwrap_or_default(), "--json"]));
    assert_eq!(out.code, 2, "a binary file: {}", out.all());
    assert!(out.stderr.contains("input.unreadable"), "the error names the reason: {}", out.all());
    let missing = t.path("nowhere.csv");
    let out = run(t.cmd(&["plan", missing.to_str().unwrap_or_default()]));
    assert_eq!(out.code, 2, "a missing file: {}", out.all());
    assert!(out.stderr.contains("nowhere.csv"), "the error names the file: {}", out.all());
    assert_eq!(t.stats()["total"], 0, "nothing was sent: {}", t.stats());
}

#[test]
fn a_feed_without_a_proficiency_column_exits_2() {
    let t = Tenant::start(GENESYS, |_| {});
    let feed = t.write("feed.csv", "email,skill\nana.lee@example.com,Retention\n");
    let out = run(t.cmd(&["apply", feed.to_str().unwrap_or_default(), "--yes"]));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("proficiency"), "the error names the missing column: {}", out.all());
    assert_eq!(t.stats()["total"], 0, "nothing was sent: {}", t.stats());
}

#[test]
fn a_missing_secret_exits_2_before_anything_is_sent() {
    for (platform, var) in [(GENESYS, "SKILLSYNC_CLIENT_SECRET"), (CXONE, "SKILLSYNC_ACCESS_KEY_SECRET")] {
        let t = Tenant::start(platform, |_| {});
        let feed = t.write("feed.csv", FEED);
        let out = run(t.cmd(&["plan", feed.to_str().unwrap_or_default()]).env_remove(var));
        assert_eq!(out.code, 2, "{platform} without {var}: {}", out.all());
        assert!(out.stderr.contains(var), "{platform}: the error names {var}: {}", out.all());
        assert_eq!(t.stats()["total"], 0, "{platform}: nothing was sent: {}", t.stats());
    }
}

#[test]
fn plain_http_to_a_remote_host_exits_2() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let feed = dir.path().join("feed.csv");
    std::fs::write(&feed, FEED).expect("written");
    let mut cmd = support::bare(dir.path());
    cmd.arg("plan").arg(&feed).args(["--platform", GENESYS, "--base-url", "http://api.mypurecloud.com"]);
    let out = run(cmd.args(["--client-id", "id"]).env("SKILLSYNC_CLIENT_SECRET", "s"));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("https://") && out.stderr.contains("loopback"), "says why: {}", out.all());
}

#[test]
fn apply_without_yes_and_without_a_terminal_exits_2_and_writes_nothing() {
    let t = Tenant::start(GENESYS, |_| {});
    let feed = t.write("feed.csv", FEED);
    let out = run(t.cmd(&["apply", feed.to_str().unwrap_or_default(), "--json"]));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("nothing was sent"), "says so: {}", out.all());
    assert_eq!(t.writes(), 0, "no write reached the sandbox: {}", t.stats());
}

#[test]
fn a_feed_of_only_invalid_rows_exits_2_for_plan_and_apply() {
    let t = Tenant::start(CXONE, |_| {});
    let feed =
        t.write("feed.csv", "email,skill,proficiency\nnobody@example.com,Retention,3\nana.lee@example.com,Nope,3\n");
    let feed = feed.to_str().unwrap_or_default();
    let out = run(t.cmd(&["plan", feed, "--json"]));
    assert_eq!(out.code, 2, "plan: {}", out.all());
    assert_summary(&out.json(), [2, 2, 0, 0, 0, 0, 0], [plan_reads(CXONE), 0], "plan of invalid rows");
    let out = run(t.cmd(&["apply", feed, "--yes", "--json"]));
    assert_eq!(out.code, 2, "apply: {}", out.all());
    assert_eq!(t.writes(), 0, "nothing was written: {}", t.stats());
}

#[test]
fn bad_credentials_and_a_closed_port_exit_3() {
    for platform in [GENESYS, CXONE] {
        let t = Tenant::start(platform, |_| {});
        let feed = t.write("feed.csv", FEED);
        let feed = feed.to_str().unwrap_or_default();
        let out = run(t.cmd(&["plan", feed]).env("SKILLSYNC_CLIENT_SECRET", "wrong"));
        assert_eq!(out.code, 3, "{platform}, wrong client secret: {}", out.all());
        assert!(out.stderr.contains("auth.failed"), "{platform}: the error code: {}", out.all());
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let out = run(t.cmd_at(&["plan", feed], &format!("http://127.0.0.1:{port}")));
        assert_eq!(out.code, 3, "{platform}, closed port: {}", out.all());
        assert!(out.stderr.contains("connection.failed"), "{platform}: the error code: {}", out.all());
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn reports_are_complete_safe_and_free_of_secrets(platform: &'static str) {
    let t = Tenant::start(platform, |_| {});
    let feed = t.write(
        "feed.csv",
        "email,skill,proficiency\nana.lee@example.com,Retention,3\n=cmd,Retention,3\nbo.chen@example.com,Billing - English,3\n",
    );
    let report = t.path("out/run.html");
    let journal = t.path("journal.jsonl");
    let args = [
        "-vv",
        "apply",
        feed.to_str().unwrap_or_default(),
        "--yes",
        "--json",
        "--report",
        report.to_str().unwrap_or_default(),
        "--journal",
        journal.to_str().unwrap_or_default(),
    ];
    let out = run(t.cmd(&args));
    assert_eq!(out.code, 0, "an invalid row does not fail the run: {}", out.all());
    let v = out.json();
    assert_summary(&v, [3, 1, 0, 1, 1, 0, 2], [apply_reads(platform), 2], "apply with a report");
    assert_eq!(v["report"], report.to_str().unwrap_or_default(), "the summary names the report");
    for name in ["run.html", "run.csv", "run.json", "run.undo.csv"] {
        assert!(t.path("out").join(name).is_file(), "{name} is written beside the report");
    }
    let csv = std::fs::read_to_string(t.path("out/run.csv")).expect("the CSV report");
    assert!(csv.contains("'=cmd"), "the formula cell is neutralised:\n{csv}");
    assert!(csv.starts_with('\u{feff}'), "the CSV report starts with a UTF-8 BOM for Excel");
    assert!(
        !csv.lines().any(|l| l.starts_with('=') || l.contains(",=") || l.contains(",\"=")),
        "no cell starts with '=':\n{csv}"
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(t.path("out/run.json")).expect("json report"))
        .expect("the JSON report parses");
    assert_eq!(json["rows"].as_array().map(Vec::len), Some(3), "every row is in the JSON report");
    let undo = std::fs::read_to_string(t.path("out/run.undo.csv")).expect("the undo file");
    assert!(undo.starts_with('\u{feff}'), "the undo file starts with a UTF-8 BOM for Excel");
    assert_eq!(undo.lines().count(), 3, "the undo file has a header and the two changes:\n{undo}");
    assert!(journal.is_file(), "the journal is where --journal says");

    let mut texts = vec![("stdout".to_string(), out.stdout.clone()), ("stderr".to_string(), out.stderr.clone())];
    for f in files(t.dir.path()) {
        texts.push((f.display().to_string(), String::from_utf8_lossy(&std::fs::read(&f).expect("read")).into_owned()));
    }
    for secret in t.secrets() {
        for (name, text) in &texts {
            assert!(!text.contains(&secret), "{name} must not contain a secret");
        }
    }
}

#[test]
fn genesys_reports_are_complete_safe_and_free_of_secrets() {
    reports_are_complete_safe_and_free_of_secrets(GENESYS);
}

#[test]
fn cxone_reports_are_complete_safe_and_free_of_secrets() {
    reports_are_complete_safe_and_free_of_secrets(CXONE);
}

fn export_then_plan_shows_no_change(platform: &'static str) {
    let t = Tenant::start(platform, |_| {});
    for layout in ["long", "wide"] {
        let out_path = t.path(&format!("export-{layout}.csv"));
        let out_file = out_path.to_str().unwrap_or_default();
        let out = run(t.cmd(&["export", out_file, "--layout", layout]));
        assert_eq!(out.code, 0, "{platform} export {layout}: {}", out.all());
        let out = run(t.cmd(&["plan", out_file, "--json"]));
        assert_eq!(out.code, 0, "{platform} plan of the {layout} export: {}", out.all());
        assert_summary(&out.json(), [2, 0, 2, 0, 0, 0, 0], [plan_reads(platform), 0], layout);
    }
}

#[test]
fn genesys_export_then_plan_shows_no_change() {
    export_then_plan_shows_no_change(GENESYS);
}

#[test]
fn cxone_export_then_plan_shows_no_change() {
    export_then_plan_shows_no_change(CXONE);
}

/// Profiles keep their secrets in the OS keychain. Without a reachable keychain this fails, unless
/// SKILLSYNC_NO_KEYCHAIN=1 says the machine has none.
#[test]
fn profiles_are_added_used_listed_and_removed_with_secrets_in_the_keychain() {
    let t = Tenant::start(GENESYS, |_| {});
    let config = t.path("profiles");
    let name = format!(
        "cli-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
    );
    let secret = t.secrets().remove(0);
    let profile = |args: &[&str]| {
        let mut cmd = support::bare(t.dir.path());
        cmd.arg("profile").args(args).env("SKILLSYNC_CONFIG_DIR", &config);
        cmd
    };
    let client_id = t.client_id();
    let out =
        run(profile(&["add", &name, "--platform", GENESYS, "--base-url", t.base_url(), "--client-id", &client_id])
            .env("SKILLSYNC_CLIENT_SECRET", &secret));
    if out.code != 0 && out.stderr.contains("keychain.unavailable") {
        if std::env::var("SKILLSYNC_NO_KEYCHAIN").as_deref() == Ok("1") {
            eprintln!("note: no OS keychain here (SKILLSYNC_NO_KEYCHAIN=1): profile test skipped");
            return;
        }
        panic!("the OS keychain is unreachable; run inside a D-Bus session with an unlocked keyring, or set SKILLSYNC_NO_KEYCHAIN=1 to skip: {}", out.all());
    }
    assert_eq!(out.code, 0, "profile add: {}", out.all());

    let out = run(&mut profile(&["list", "--json"]));
    assert_eq!(out.code, 0, "profile list: {}", out.all());
    let list: Value = serde_json::from_str(out.stdout.trim()).expect("the list is JSON");
    assert_eq!(list[&name]["client_id"], client_id.as_str(), "the profile is listed: {list}");
    let file = std::fs::read_to_string(config.join("profiles.toml")).expect("profiles.toml");
    assert!(!file.contains(&secret) && !out.stdout.contains(&secret), "the secret stays in the keychain");

    let feed = t.write("feed.csv", FEED);
    let mut plan = support::bare(t.dir.path());
    plan.arg("plan").arg(&feed).args(["--json", "--profile", &name]).env("SKILLSYNC_CONFIG_DIR", &config);
    let out = run(&mut plan);
    assert_eq!(out.code, 0, "a plan with the profile reads its secret from the keychain: {}", out.all());
    assert_summary(&out.json(), [5, 1, 1, 2, 1, 0, 0], [3, 0], "plan with a profile");

    let out = run(&mut profile(&["remove", &name]));
    assert_eq!(out.code, 0, "profile remove: {}", out.all());
    let out = run(&mut profile(&["list", "--json"]));
    let list: Value = serde_json::from_str(out.stdout.trim()).expect("the list is JSON");
    assert!(list.get(&name).is_none(), "the profile is gone: {list}");
    let out = run(&mut plan);
    assert_eq!(out.code, 2, "a removed profile cannot be used: {}", out.all());
}

#[test]
fn a_report_that_would_overwrite_an_input_or_cannot_be_written_is_refused_before_anything_is_sent() {
    let t = Tenant::start("genesys", |_| {});
    let feed = t.write("levels.csv", FEED);
    let feed_s = feed.to_str().unwrap_or_default().to_string();
    let journal = t.path("jj.csv");
    let journal_s = journal.to_str().unwrap_or_default().to_string();
    let cases = [
        (t.path("levels.html"), "a file this command reads"),
        (journal.clone(), "a file this command reads"),
        (std::path::PathBuf::from("/dev/null"), "not a file"),
        (feed.join("r.html"), "cannot be made"),
    ];
    std::fs::write(&journal, "").expect("an empty journal file");
    for (report, why) in cases {
        let report_s = report.to_str().unwrap_or_default().to_string();
        let out = run(t.cmd(&["apply", &feed_s, "--yes", "--json", "--report", &report_s, "--journal", &journal_s]));
        assert_eq!(out.code, 2, "{report_s}: refused with exit 2: {}", out.all());
        assert!(out.stderr.contains(why) && out.stderr.contains("nothing was sent"), "{report_s}: {}", out.all());
        assert_eq!(t.writes(), 0, "{report_s}: nothing sent");
    }
    assert_eq!(std::fs::read_to_string(&feed).expect("the feed"), FEED, "the feed is untouched");
    assert!(!std::path::Path::new("/dev/null.json").exists(), "nothing written beside /dev/null");
}

#[test]
fn plan_out_and_export_out_never_write_over_what_they_read() {
    let t = Tenant::start("genesys", |_| {});
    let feed = t.write("levels.csv", FEED);
    let mapping = t.write("m.toml", "[columns]\nagent = \"agent\"\n");
    let agents = t.write("agents.txt", "ana.lee@example.com\n");
    let f = feed.to_str().unwrap_or_default();
    for out_path in [feed.to_str().unwrap_or_default(), mapping.to_str().unwrap_or_default(), "/dev/null"] {
        let out = run(t.cmd(&["plan", f, "--mapping", mapping.to_str().unwrap_or_default(), "--out", out_path]));
        assert_eq!(out.code, 2, "plan --out {out_path}: {}", out.all());
        assert!(out.stderr.contains("--out") && out.stderr.contains("nothing was read or written"), "{}", out.all());
    }
    let out =
        run(t.cmd(&["export", agents.to_str().unwrap_or_default(), "--agents", agents.to_str().unwrap_or_default()]));
    assert_eq!(out.code, 2, "export over its own agent list: {}", out.all());
    assert!(out.stderr.contains("a file this command reads"), "refused for that reason: {}", out.all());
    assert_eq!(std::fs::read_to_string(&feed).expect("feed"), FEED, "the feed is untouched");
    assert_eq!(std::fs::read_to_string(&agents).expect("list"), "ana.lee@example.com\n", "the list is untouched");
    assert_eq!(t.stats()["by_route"].as_object().map_or(0, |r| r.len()), 0, "nothing was read from the platform");
}

#[test]
fn an_absurd_timeout_is_refused_with_exit_2_never_a_panic() {
    let t = Tenant::start("genesys", |_| {});
    let feed = t.write("levels.csv", FEED);
    for timeout in ["1e30", "-1", "NaN", "0"] {
        let flag = format!("--timeout={timeout}");
        let out = run(t.cmd(&["plan", feed.to_str().unwrap_or_default(), &flag]));
        assert_eq!(out.code, 2, "--timeout {timeout}: {}", out.all());
        assert!(out.stderr.contains("--timeout") && !out.stderr.contains("panicked"), "{timeout}: {}", out.all());
    }
}
