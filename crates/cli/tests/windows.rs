//! The Windows build of `skillsync` (x86_64-pc-windows-gnu) under Wine, against the Linux sandbox
//! on 127.0.0.1: the whole job (plan, apply with report and undo file, a re-run of nothing,
//! export, rollback to the start), an approved plan refused for drift, Ctrl-C mid-apply (Wine turns
//! SIGINT into the console's CTRL_C_EVENT) then `--resume`, and what only Windows does: profiles
//! with the secret in Credential Manager, config and data under %APPDATA%, drive-letter paths with
//! backslashes and CRLF feeds, a company root CA refused until it is trusted (through `--ca-file`,
//! or installed in the Windows certificate store), and a proxy from HTTPS_PROXY and from the Windows
//! Internet settings in the registry.
//!
//! `scripts/windows.sh` builds the .exe (with the Wine-only ProcessPrng shim beside it), makes a
//! fresh WINEPREFIX and runs these tests one at a time with `SKILLSYNC_WINDOWS_EXE` set. Without
//! it each test says it was skipped — unless `SKILLSYNC_REQUIRE_WINE=1`, when that is a failure.

#[path = "../../../tests/support/corporate.rs"]
mod corporate;
mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Tenant;

const WINE: &str = "/usr/lib/wine/wine64";
const FEED: &str = "email,skill,proficiency\r\nana.lee@example.com,Billing - English,3\r\nbo.chen@example.com,Retention,5\r\ndi.evans@example.com,Sales - Spanish,2\r\n";

/// The .exe to run, or `None` (skipped) when this run is not the Windows part.
fn exe() -> Option<PathBuf> {
    match std::env::var_os("SKILLSYNC_WINDOWS_EXE") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            assert!(
                std::env::var("SKILLSYNC_REQUIRE_WINE").as_deref() != Ok("1"),
                "SKILLSYNC_REQUIRE_WINE=1 but SKILLSYNC_WINDOWS_EXE is not set: run scripts/windows.sh"
            );
            eprintln!("skipped: the Windows build runs from scripts/windows.sh");
            None
        }
    }
}

fn prefix() -> PathBuf {
    PathBuf::from(std::env::var_os("WINEPREFIX").expect("scripts/windows.sh sets WINEPREFIX"))
}

/// A Linux path as a Windows program names it: drive Z: and backslashes.
fn win(p: &Path) -> String {
    format!("Z:{}", p.display()).replace('/', "\\")
}

/// What one run printed.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("exit {}\nstdout:\n{}\nstderr:\n{}", self.code, self.stdout, self.stderr)
    }
    fn json(&self) -> Value {
        let line = self.stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        serde_json::from_str(line).unwrap_or_else(|e| panic!("the last line is JSON ({e}): {}", self.all()))
    }
}

/// `wine64 skillsync.exe ARGS`, with the Windows environment Wine gives (no XDG folders: config
/// and data go where Windows puts them) and nothing of Skillsync's own inherited.
fn wine(exe: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(WINE);
    cmd.arg(exe).args(args).env("WINEDEBUG", "-all").stdin(Stdio::null());
    for v in support::SKILLSYNC_ENV.into_iter().chain([
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "NO_PROXY",
        "no_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ]) {
        cmd.env_remove(v);
    }
    cmd
}

/// As [`wine`], connected to the tenant at `base_url` with its secrets in the environment.
fn job(exe: &Path, t: &Tenant, args: &[&str], base_url: &str) -> Command {
    let mut cmd = wine(exe, args);
    cmd.args(["--platform", t.platform, "--base-url", base_url, "--client-id", &t.client_id()]);
    cmd.env("SKILLSYNC_CLIENT_SECRET", &t.secrets()[0]);
    let (id, secret) = t.access_key();
    if !secret.is_empty() {
        cmd.env("SKILLSYNC_ACCESS_KEY_ID", id).env("SKILLSYNC_ACCESS_KEY_SECRET", secret);
    }
    cmd
}

fn run(cmd: Command) -> Out {
    finish(spawn(cmd), Duration::from_secs(180))
}

/// A started run whose output goes to files, not pipes: Wine's own helper processes (services,
/// devices) may inherit the handles and outlive the program, and a pipe would then never end.
struct Running {
    child: Child,
    out: tempfile::NamedTempFile,
    err: tempfile::NamedTempFile,
}

fn spawn(mut cmd: Command) -> Running {
    let out = tempfile::NamedTempFile::new().expect("a file for stdout");
    let err = tempfile::NamedTempFile::new().expect("a file for stderr");
    cmd.stdout(out.reopen().expect("stdout")).stderr(err.reopen().expect("stderr"));
    Running { child: cmd.spawn().expect("wine64 starts"), out, err }
}

fn finish(mut r: Running, limit: Duration) -> Out {
    let started = Instant::now();
    let code = loop {
        if let Some(status) = r.child.try_wait().expect("wait") {
            break status.code().unwrap_or(-1);
        }
        if started.elapsed() > limit {
            r.child.kill().ok();
            r.child.wait().ok();
            panic!("still running after {limit:?}: {}", std::fs::read_to_string(r.err.path()).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let read = |f: &tempfile::NamedTempFile| {
        String::from_utf8_lossy(&std::fs::read(f.path()).unwrap_or_default()).into_owned()
    };
    Out { code, stdout: read(&r.out), stderr: read(&r.err) }
}

fn whole_job(platform: &'static str) {
    let Some(exe) = exe() else { return };
    let t = Tenant::start(platform, |_| {});
    let start = t.state();
    let feed = t.write("levels.csv", FEED);
    let (feed_w, report_w, journal_w) =
        (win(&feed), win(&t.path("out\u{20}dir/run.html")), win(&t.path("journal.jsonl")));
    let url = t.base_url().to_string();

    let out = run(job(&exe, &t, &["plan", &feed_w, "--json"], &url));
    assert_eq!(out.code, 0, "plan: {}", out.all());
    let v = out.json();
    assert_eq!((v["rows"].as_u64(), v["added"].as_u64(), v["updated"].as_u64()), (Some(3), Some(2), Some(1)), "{v}");

    let args = ["apply", &feed_w, "--yes", "--json", "--report", &report_w, "--journal", &journal_w];
    let out = run(job(&exe, &t, &args, &url));
    assert_eq!(out.code, 0, "apply: {}", out.all());
    assert_eq!(out.json()["verified"], 3, "{}", out.all());
    for name in ["run.html", "run.csv", "run.json", "run.undo.csv"] {
        assert!(t.path("out dir").join(name).is_file(), "{name} is written at the backslashed path");
    }
    let undo = t.path("out dir/run.undo.csv");
    assert!(
        std::fs::read_to_string(&undo).expect("undo").lines().count() == 4,
        "the undo file holds the three changes"
    );

    let out = run(job(&exe, &t, &["apply", &feed_w, "--yes", "--json"], &url));
    assert_eq!(out.code, 0, "re-run: {}", out.all());
    assert_eq!(out.json()["requests"]["write"], 0, "a re-run sends nothing: {}", out.all());

    let export = t.path("export.csv");
    let out = run(job(&exe, &t, &["export", &win(&export)], &url));
    assert_eq!(out.code, 0, "export: {}", out.all());
    let text = std::fs::read_to_string(&export).expect("the export");
    assert!(text.contains("bo.chen@example.com") && text.contains("Retention"), "{text}");

    let undo_w = win(&undo);
    let out = run(job(&exe, &t, &["apply", &undo_w, "--yes", "--allow-remove", "--confirm-remove", "--json"], &url));
    assert_eq!(out.code, 0, "rollback: {}", out.all());
    assert_eq!(t.state(), start, "the rollback restores the start");
    for secret in t.secrets() {
        assert!(!out.stdout.contains(&secret) && !out.stderr.contains(&secret), "no secret printed");
    }
}

#[test]
fn wine_whole_job_genesys() {
    whole_job("genesys")
}

#[test]
fn wine_whole_job_cxone() {
    whole_job("cxone")
}

#[test]
fn wine_an_approved_plan_is_refused_for_drift() {
    let Some(exe) = exe() else { return };
    let t = Tenant::start("genesys", |_| {});
    let feed = t.write("levels.csv", FEED);
    let plan = t.path("approved.json");
    let url = t.base_url().to_string();
    let out = run(job(&exe, &t, &["plan", &win(&feed), "--out", &win(&plan)], &url));
    assert_eq!(out.code, 0, "plan --out: {}", out.all());
    let other = t.write("other.csv", "email,skill,proficiency\r\nana.lee@example.com,Billing - English,1\r\n");
    let out = run(job(&exe, &t, &["apply", &win(&other), "--yes"], &url));
    assert_eq!(out.code, 0, "someone changes Ana's level: {}", out.all());
    let writes = t.writes();
    let out = run(job(&exe, &t, &["apply", "--plan", &win(&plan), "--yes"], &url));
    assert_eq!(out.code, 4, "refused for drift: {}", out.all());
    assert!(out.stderr.contains("ana.lee@example.com"), "the drifted pair is named: {}", out.all());
    assert_eq!(t.writes(), writes, "nothing was sent");
}

#[test]
fn wine_ctrl_c_mid_apply_then_resume() {
    let Some(exe) = exe() else { return };
    let t = Tenant::start("genesys", |c| c.latency = Duration::from_millis(1500));
    let feed = t.write("levels.csv", FEED);
    let journal = t.path("journal.jsonl");
    let report = t.path("report.csv");
    let url = t.base_url().to_string();
    let (feed_w, journal_w, report_w) = (win(&feed), win(&journal), win(&report));
    let args =
        ["apply", &feed_w, "--yes", "--json", "--concurrency", "1", "--journal", &journal_w, "--report", &report_w];
    let child = spawn(job(&exe, &t, &args, &url));
    let deadline = Instant::now() + Duration::from_secs(90);
    while !std::fs::read_to_string(&journal).is_ok_and(|j| j.contains("\"type\":\"intent\"")) {
        assert!(Instant::now() < deadline, "no write call started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let sent = Command::new("kill").args(["-INT", &child.child.id().to_string()]).status().expect("kill");
    assert!(sent.success());
    let out = finish(child, Duration::from_secs(60));
    assert_eq!(out.code, 1, "Ctrl-C stops the run, what was sent verified: {}", out.all());
    assert!(std::fs::read_to_string(&report).expect("the report").contains("skipped"), "the rest is skipped");
    let args = ["apply", &feed_w, "--yes", "--json", "--resume", "--journal", &journal_w];
    let out = run(job(&exe, &t, &args, &url));
    assert_eq!(out.code, 0, "--resume finishes it: {}", out.all());
    let out = run(job(&exe, &t, &["plan", &feed_w, "--json"], &url));
    let v = out.json();
    assert_eq!((v["added"].as_u64(), v["updated"].as_u64()), (Some(0), Some(0)), "the tenant matches the feed: {v}");
}

/// Every file of the prefix (Wine's C: drive and registry) under `limit` bytes.
fn prefix_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else { continue };
        if meta.is_dir() {
            prefix_files(&e.path(), out);
        } else if meta.is_file() && meta.len() < 64 << 20 {
            out.push(e.path());
        }
    }
}

#[test]
fn wine_profiles_keep_the_secret_in_credential_manager_and_config_in_appdata() {
    let Some(exe) = exe() else { return };
    let t = Tenant::start("genesys", |_| {});
    let feed = t.write("levels.csv", FEED);
    let secret = t.secrets()[0].clone();
    let mut add = wine(&exe, &["profile", "add", "wine-office", "--platform", "genesys", "--base-url", t.base_url()]);
    add.args(["--client-id", &t.client_id(), "--test"]).env("SKILLSYNC_CLIENT_SECRET", &secret);
    let out = run(add);
    assert_eq!(out.code, 0, "profile add --test: {}", out.all());
    let out = run(wine(&exe, &["profile", "test", "wine-office"]));
    assert_eq!(out.code, 0, "profile test, the secret from Credential Manager: {}", out.all());
    let out = run(wine(&exe, &["plan", &win(&feed), "--profile", "wine-office", "--json"]));
    assert_eq!(out.code, 0, "plan --profile: {}", out.all());
    assert_eq!(out.json()["rows"], 3);
    // A journal in the default place: %APPDATA%\skillsync\data\journals.
    let out = run(wine(&exe, &["apply", &win(&feed), "--profile", "wine-office", "--yes"]));
    assert_eq!(out.code, 0, "apply --profile: {}", out.all());

    let mut files = Vec::new();
    prefix_files(&prefix(), &mut files);
    let under_appdata = |name: &str| {
        files.iter().any(|f| {
            let s = f.to_string_lossy();
            s.contains("/AppData/Roaming/skillsync/") && s.contains(name)
        })
    };
    assert!(under_appdata("config/profiles.toml"), "profiles under %APPDATA%\\skillsync\\config");
    assert!(under_appdata("data/journals/"), "journals under %APPDATA%\\skillsync\\data");
    let utf16: Vec<u8> = secret.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_default();
        for needle in [secret.as_bytes(), utf16.as_slice()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the secret is in {} in plain text",
                f.display()
            );
        }
    }
    let out = run(wine(&exe, &["profile", "remove", "wine-office"]));
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn wine_a_company_ca_file_and_proxies_from_the_environment_and_the_registry() {
    let Some(exe) = exe() else { return };
    assert!(corporate::tools_present(), "scripts/setup.sh installs openssl, socat and tinyproxy");
    let t = Tenant::start("genesys", |_| {});
    let pki = corporate::make_pki(t.dir.path());
    let (_tls, https) = corporate::tls_terminator(&pki, corporate::port_of(t.base_url()));
    let feed = win(&t.write("levels.csv", FEED));
    let ca = win(&pki.ca);

    let out = run(job(&exe, &t, &["plan", &feed], &https));
    assert_eq!(out.code, 3, "an untrusted inspection CA stops the run: {}", out.all());
    assert!(out.stderr.contains("connection.certificate"), "{}", out.all());

    let out = run(job(&exe, &t, &["plan", &feed, "--json", "--ca-file", &ca], &https));
    assert_eq!(out.code, 0, "trusted with --ca-file (a Windows path): {}", out.all());

    // The root installed in the Windows certificate store (the current user's ROOT, as Wine keeps
    // it in its registry): trusted with no CA file at all.
    let der = t.path("ca.der");
    let converted = Command::new("openssl")
        .args(["x509", "-in"])
        .arg(&pki.ca)
        .args(["-outform", "der", "-out"])
        .arg(&der)
        .status()
        .expect("openssl runs");
    assert!(converted.success(), "the CA as DER");
    let added = run(wine(&exe.with_file_name("addroot.exe"), &[&win(&der)]));
    assert_eq!(added.code, 0, "the root goes into the store: {}", added.all());
    let out = run(job(&exe, &t, &["plan", &feed, "--json"], &https));
    assert_eq!(out.code, 0, "trusted through the Windows certificate store: {}", out.all());

    let proxy = corporate::Proxy::start(t.dir.path(), "proxy", &[]);
    let mut cmd = job(&exe, &t, &["plan", &feed, "--json", "--ca-file", &ca], &https);
    cmd.env("HTTPS_PROXY", &proxy.url);
    let out = run(cmd);
    assert_eq!(out.code, 0, "through HTTPS_PROXY: {}", out.all());
    let port = corporate::port_of(&https);
    let tunnel = format!("CONNECT 127.0.0.1:{port}");
    let seen = |p: &corporate::Proxy| {
        (0..50).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            p.connects().iter().any(|l| l.contains(&tunnel))
        })
    };
    assert!(seen(&proxy), "the proxy carried the tunnel: {}", proxy.log_text());

    // The proxy a Windows user sets in Internet Options: HKCU\…\Internet Settings.
    let settings = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings";
    let registry = corporate::Proxy::start(t.dir.path(), "registry", &[]);
    let address = registry.url.trim_start_matches("http://").to_string();
    for (name, kind, value) in [("ProxyEnable", "REG_DWORD", "1"), ("ProxyServer", "REG_SZ", address.as_str())] {
        let mut reg = Command::new(WINE);
        reg.args(["reg", "add", settings, "/v", name, "/t", kind, "/d", value, "/f"])
            .env("WINEDEBUG", "-all")
            .stdout(Stdio::null());
        assert!(reg.status().expect("reg runs").success(), "reg add {name}");
    }
    let out = run(job(&exe, &t, &["plan", &feed, "--json", "--ca-file", &ca], &https));
    let mut reg = Command::new(WINE);
    reg.args(["reg", "delete", settings, "/v", "ProxyEnable", "/f"]).env("WINEDEBUG", "-all").stdout(Stdio::null());
    reg.status().ok();
    assert_eq!(out.code, 0, "through the registry's proxy: {}", out.all());
    assert!(seen(&registry), "the proxy from the Windows settings carried the tunnel: {}", registry.log_text());
}
