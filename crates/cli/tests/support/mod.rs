//! What the CLI tests share: a sandbox served in-process on its own runtime while the `skillsync`
//! binary runs against it, commands pre-filled with the connection flags and the secrets in the
//! environment, and readers for the one JSON summary line.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantFile, TenantSource};
use std::path::{Path, PathBuf};

/// Environment variables the binary reads: cleared for every command, so a test only sees what it sets.
pub const SKILLSYNC_ENV: [&str; 6] = [
    "SKILLSYNC_CLIENT_SECRET",
    "SKILLSYNC_ACCESS_KEY_ID",
    "SKILLSYNC_ACCESS_KEY_SECRET",
    "SKILLSYNC_CONFIG_DIR",
    "SKILLSYNC_LOG",
    "SKILLSYNC_NO_KEYCHAIN",
];

/// Three skills, three agents; Ana holds Billing - English 4 and Bo holds it at 2 (whole numbers
/// from 1 to 5: valid on both platforms).
pub fn small_tenant() -> TenantFile {
    serde_json::from_value(serde_json::json!({
        "skills": [{"name": "Billing - English"}, {"name": "Sales - Spanish"}, {"name": "Retention"}],
        "users": [
            {"email": "ana.lee@example.com", "name": "Ana Lee"},
            {"email": "bo.chen@example.com", "name": "Bo Chen"},
            {"email": "di.evans@example.com", "name": "Di Evans"}
        ],
        "assignments": [
            {"email": "ana.lee@example.com", "skill": "Billing - English", "proficiency": 4},
            {"email": "bo.chen@example.com", "skill": "Billing - English", "proficiency": 2}
        ]
    }))
    .expect("the small tenant is valid")
}

/// A sandbox running on a runtime of its own, so the test thread is free to run the binary.
pub struct Tenant {
    // Field order matters: the sandbox stops before its runtime goes.
    sandbox: Sandbox,
    _runtime: tokio::runtime::Runtime,
    pub platform: &'static str,
    pub dir: tempfile::TempDir,
}

impl Tenant {
    pub fn start(platform: &'static str, tweak: impl FnOnce(&mut SandboxConfig)) -> Tenant {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the sandbox");
        let kind: Platform = platform.parse().expect("a sandbox platform");
        let mut config = SandboxConfig::new(kind);
        config.tenant = TenantSource::Inline(small_tenant());
        config.rate_limit_per_minute = Some(0);
        tweak(&mut config);
        let sandbox = runtime.block_on(Sandbox::start(config)).expect("the sandbox starts");
        Tenant { sandbox, _runtime: runtime, platform, dir: tempfile::tempdir().expect("a temporary directory") }
    }

    pub fn base_url(&self) -> &str {
        self.sandbox.base_url()
    }

    pub fn stats(&self) -> Value {
        self.sandbox.stats()
    }

    pub fn state(&self) -> Value {
        self.sandbox.state()
    }

    pub fn client_id(&self) -> String {
        self.sandbox.credentials().client_id.clone()
    }

    /// The secrets a leak check looks for.
    pub fn secrets(&self) -> Vec<String> {
        let c = self.sandbox.credentials();
        let mut s = vec![c.client_secret.clone()];
        s.extend(c.access_key_secret.clone());
        s
    }

    /// CXone's access key pair (id, secret).
    pub fn access_key(&self) -> (String, String) {
        let c = self.sandbox.credentials();
        (c.access_key_id.clone().unwrap_or_default(), c.access_key_secret.clone().unwrap_or_default())
    }

    /// A file in the test's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("file written");
        p
    }

    /// `skillsync SUBCOMMAND ARGS… --platform P --base-url URL --client-id ID`, secrets in the environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_at(args, self.base_url())
    }

    /// As [`Tenant::cmd`], with the sandbox's credentials sent to another base URL.
    pub fn cmd_at(&self, args: &[&str], base_url: &str) -> Command {
        let mut cmd = bare(self.dir.path());
        cmd.args(args).args(["--platform", self.platform, "--base-url", base_url]);
        let c = self.sandbox.credentials();
        cmd.args(["--client-id", &c.client_id]).env("SKILLSYNC_CLIENT_SECRET", &c.client_secret);
        if let (Some(id), Some(secret)) = (&c.access_key_id, &c.access_key_secret) {
            cmd.env("SKILLSYNC_ACCESS_KEY_ID", id).env("SKILLSYNC_ACCESS_KEY_SECRET", secret);
        }
        cmd
    }

    /// Writes that reached the sandbox (token calls excluded).
    pub fn writes(&self) -> u64 {
        let stats = self.stats();
        let Some(routes) = stats["by_route"].as_object() else { return 0 };
        routes
            .iter()
            .filter(|(k, _)| !k.starts_with("GET ") && !k.ends_with("/oauth/token") && !k.ends_with("/auth/token"))
            .map(|(_, v)| v.as_u64().unwrap_or(0))
            .sum()
    }
}

/// The binary with a clean environment: no inherited Skillsync variables, and data and config
/// directories (journals, profiles) inside `home`. The D-Bus session stays, for the keychain.
pub fn bare(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("skillsync").expect("the skillsync binary is built");
    for var in SKILLSYNC_ENV {
        cmd.env_remove(var);
    }
    cmd.env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("HOME", home)
        .timeout(std::time::Duration::from_secs(30));
    cmd
}

/// What a finished command printed.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command with an empty stdin (not a terminal: nothing can be confirmed by prompt).
pub fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> Output {
    let out = cmd.borrow_mut().write_stdin(Vec::new()).output().expect("the command runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Output {
    /// The last non-empty stdout line as JSON (the `--json` summary).
    pub fn json(&self) -> Value {
        let line = self.stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        serde_json::from_str(line).unwrap_or_else(|e| {
            panic!("the last stdout line is JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }

    /// Everything it printed, for messages.
    pub fn all(&self) -> String {
        format!("exit {}\nstdout:\n{}\nstderr:\n{}", self.code, self.stdout, self.stderr)
    }
}

/// The summary's keys, sorted, at the top and in `requests`.
pub fn keys(v: &Value) -> (Vec<String>, Vec<String>) {
    let top = v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    let requests = v["requests"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    (top, requests)
}

/// Asserts the SPEC's exact `--json` shape and the counts (rows, invalid, unchanged, added,
/// updated, failed, verified) and requests (read, write).
pub fn assert_summary(v: &Value, counts: [u64; 7], reads_writes: [u64; 2], what: &str) {
    let (top, requests) = keys(v);
    let mut want_top = [
        "rows",
        "invalid",
        "excluded",
        "unchanged",
        "added",
        "updated",
        "failed",
        "verified",
        "requests",
        "elapsed_ms",
        "report",
    ];
    want_top.sort();
    assert_eq!(top, want_top, "{what}: the summary's keys: {v}");
    assert_eq!(requests, ["read", "retried", "throttled", "write"], "{what}: the requests' keys: {v}");
    let names = ["rows", "invalid", "unchanged", "added", "updated", "failed", "verified"];
    let got: Vec<u64> = names.iter().map(|k| v[*k].as_u64().unwrap_or(u64::MAX)).collect();
    assert_eq!(got, counts, "{what}: {names:?} in {v}");
    let got = [v["requests"]["read"].as_u64(), v["requests"]["write"].as_u64()];
    assert_eq!(got, reads_writes.map(Some), "{what}: requests read, write in {v}");
    assert!(v["elapsed_ms"].is_u64(), "{what}: elapsed_ms is a count of milliseconds: {v}");
}
