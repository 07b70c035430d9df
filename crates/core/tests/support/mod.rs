//! What the engine and resilience tests share: a sandbox tenant small enough that every expectation
//! is exact, a client connected to it over real HTTP on 127.0.0.1, feeds written to disk and read
//! back through `job::load_feed`, and readers of the sandbox's own state and request counts.

#![allow(dead_code)]

use serde_json::Value;
use skillsync_core::apply::ApplyOptions;
use skillsync_core::job::{self, ExecuteOptions, LoadedFeed, Prepared, Run};
use skillsync_core::mapping::Mapping;
use skillsync_core::plan::PlanOptions;
use skillsync_core::platform::{self, Connection, HttpSettings, PlatformClient, Secret};
use skillsync_core::{Events, Outcome, PlatformKind, RowResult};
use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantAssignment, TenantFile, TenantSkill, TenantUser};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// (email, skill name) → proficiency, as `/__sandbox/state` lists it.
pub type State = BTreeMap<(String, String), f64>;

pub fn sandbox_platform(kind: PlatformKind) -> Platform {
    match kind {
        PlatformKind::Genesys => Platform::Genesys,
        PlatformKind::Cxone => Platform::Cxone,
    }
}

/// A tenant file from plain tuples: skills (name, active), users (email, full name, active),
/// assignments (email, skill, proficiency on the platform's scale).
pub fn tenant(skills: &[(&str, bool)], users: &[(&str, &str, bool)], assignments: &[(&str, &str, f64)]) -> TenantFile {
    TenantFile {
        skills: skills.iter().map(|&(name, active)| TenantSkill { name: name.into(), active }).collect(),
        users: users
            .iter()
            .map(|&(email, name, active)| TenantUser {
                email: email.into(),
                username: None,
                name: Some(name.into()),
                active,
            })
            .collect(),
        assignments: assignments
            .iter()
            .map(|&(email, skill, proficiency)| TenantAssignment::new(email, skill, proficiency))
            .collect(),
        ..TenantFile::default()
    }
}

/// The assignments a tenant file starts with, in the shape of [`state`].
pub fn initial_state(t: &TenantFile) -> State {
    t.assignments.iter().map(|a| ((a.email.clone(), a.skill.clone()), a.proficiency)).collect()
}

/// A sandbox over `tenant` with no rate limit and no latency unless `tweak` sets them.
pub async fn start(kind: PlatformKind, tenant: TenantFile, tweak: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig::new(sandbox_platform(kind));
    config.tenant = skillsync_sandbox::TenantSource::Inline(tenant);
    config.rate_limit_per_minute = Some(0);
    config.seed = 7;
    tweak(&mut config);
    Sandbox::start(config).await.expect("the sandbox starts on 127.0.0.1")
}

/// The connection a user would configure for this sandbox.
pub fn connection(sb: &Sandbox, kind: PlatformKind) -> Connection {
    let c = sb.credentials();
    let mut conn = Connection::new(kind, sb.base_url(), &c.client_id, Secret::new(&c.client_secret));
    if let (Some(id), Some(secret)) = (&c.access_key_id, &c.access_key_secret) {
        conn.access_key_id = Secret::new(id);
        conn.access_key_secret = Secret::new(secret);
    }
    conn
}

/// Retries that wait milliseconds, not seconds, and a timeout far below the sandbox's 30 s hang.
pub fn fast() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        max_retries: 6,
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        initial_rate_per_minute: None,
        ..HttpSettings::default()
    }
}

pub fn client(sb: &Sandbox, kind: PlatformKind, settings: HttpSettings) -> Arc<dyn PlatformClient> {
    platform::client(&connection(sb, kind), settings).expect("a client for the sandbox")
}

/// Writes a feed file and reads it the way both faces do (`mapping`: TOML text, or detection).
pub fn load(dir: &Path, name: &str, text: &str, mapping: Option<&str>, kind: PlatformKind) -> LoadedFeed {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("feed written");
    load_path(&path, mapping, kind)
}

pub fn load_path(path: &Path, mapping: Option<&str>, kind: PlatformKind) -> LoadedFeed {
    let mapping = mapping.map(|m| Mapping::from_toml(m).expect("the mapping parses"));
    job::load_feed(path, mapping, kind).unwrap_or_else(|e| panic!("{} loads: {e}", path.display()))
}

pub async fn prepare(client: &dyn PlatformClient, feed: &LoadedFeed, options: &PlanOptions) -> Prepared {
    job::prepare(client, &feed.feed, options, &Events::none()).await.expect("prepare reads the tenant and plans")
}

pub async fn execute(client: &dyn PlatformClient, prepared: &Prepared, options: ExecuteOptions) -> Run {
    job::execute(client, prepared, options, Instant::now()).await.expect("execute returns a run")
}

/// Prepare and execute with the defaults: one call, as a nightly run does.
pub async fn run(client: &dyn PlatformClient, feed: &LoadedFeed, options: &PlanOptions) -> (Prepared, Run) {
    let prepared = prepare(client, feed, options).await;
    let run = execute(client, &prepared, ExecuteOptions::default()).await;
    (prepared, run)
}

pub fn apply_options(concurrency: usize) -> ApplyOptions {
    ApplyOptions { concurrency, ..ApplyOptions::default() }
}

/// The sandbox's assignments now.
pub fn state(sb: &Sandbox) -> State {
    let v = sb.state();
    let list = v["assignments"].as_array().expect("state lists assignments");
    list.iter()
        .map(|a| {
            let key =
                (a["email"].as_str().expect("email").to_string(), a["skill"].as_str().expect("skill").to_string());
            (key, a["proficiency"].as_f64().expect("proficiency is a number"))
        })
        .collect()
}

/// Requests the sandbox counted on one route template ("PATCH /api/v2/users/{id}/routingskills/bulk").
pub fn route(stats: &Value, key: &str) -> u64 {
    stats["by_route"][key].as_u64().unwrap_or(0)
}

/// Every write the sandbox saw: POST/PUT/PATCH/DELETE outside the token endpoints.
pub fn sandbox_writes(stats: &Value) -> u64 {
    let Some(routes) = stats["by_route"].as_object() else { return 0 };
    routes
        .iter()
        .filter(|(k, _)| ["POST ", "PUT ", "PATCH ", "DELETE "].iter().any(|m| k.starts_with(m)))
        .filter(|(k, _)| !k.ends_with("/oauth/token") && !k.ends_with("/auth/token"))
        .map(|(_, v)| v.as_u64().unwrap_or(0))
        .sum()
}

/// The reads of the job itself: GETs of the platform's API (not discovery).
pub fn sandbox_reads(stats: &Value) -> u64 {
    let Some(routes) = stats["by_route"].as_object() else { return 0 };
    routes
        .iter()
        .filter(|(k, _)| k.starts_with("GET ") && !k.contains("/.well-known/"))
        .map(|(_, v)| v.as_u64().unwrap_or(0))
        .sum()
}

pub fn row(run: &Run, line: usize) -> &RowResult {
    run.rows.iter().find(|r| r.line == line).unwrap_or_else(|| panic!("no row for line {line}: {:#?}", run.rows))
}

/// Rows by outcome, for one-line assertion messages.
pub fn outcomes(run: &Run) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in &run.rows {
        *m.entry(format!("{:?}", r.outcome)).or_default() += 1;
    }
    m
}

/// Every row that should have changed did, with `after` equal to what it asked for.
pub fn assert_all_done(run: &Run) {
    for r in &run.rows {
        match r.outcome {
            Outcome::Added | Outcome::Updated => {
                assert_eq!(r.after, r.requested, "line {} reports after = requested: {r:?}", r.line)
            }
            Outcome::Removed => assert_eq!(r.after, None, "line {} reports no assignment after: {r:?}", r.line),
            Outcome::Unchanged | Outcome::Invalid => {}
            Outcome::Failed | Outcome::Skipped => panic!("line {} did not complete: {r:?}", r.line),
        }
    }
}

pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// A path in `dir`, for report and journal files.
pub fn file(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

/// Runs one scenario as two tests, one per platform: `both!(scenario_fn, …)` makes
/// `scenario_fn::genesys` and `scenario_fn::cxone`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn genesys() {
                super::$name(skillsync_core::PlatformKind::Genesys).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn cxone() {
                super::$name(skillsync_core::PlatformKind::Cxone).await
            }
        }
    )*};
}
