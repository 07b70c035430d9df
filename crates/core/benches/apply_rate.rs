//! Benchmark: the write phase against a rate-limited Genesys sandbox. 1,000 changed agents under a
//! limit of 600 requests/min must run at ≥ 90% of the limit with ≤ 1% of requests answered 429, and
//! send exactly one PATCH per changed agent.
//!
//! Run: `cargo bench -p skillsync-core --bench apply_rate` (about two minutes: the limit is the point).
//! Env: `APPLY_RATE_AGENTS` (default 1000), `APPLY_RATE_LIMIT` (default 600).

use skillsync_core::apply::ApplyOptions;
use skillsync_core::job::{self, ExecuteOptions};
use skillsync_core::model::{Feed, FeedRecord, Target};
use skillsync_core::plan::PlanOptions;
use skillsync_core::platform::{self, Connection, HttpSettings, Secret};
use skillsync_core::{Event, Events, Phase, PlatformKind};
use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantSource};
use std::sync::{Arc, Mutex};
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo test --benches asks for the list of tests; this bench has none
    }
    let agents = env("APPLY_RATE_AGENTS", 1000);
    let limit = env("APPLY_RATE_LIMIT", 600) as u32;
    let mut cfg = SandboxConfig::new(Platform::Genesys);
    cfg.tenant = TenantSource::Generated { agents: agents + agents / 10, skills: 40, seed: 7 };
    cfg.rate_limit_per_minute = Some(limit);
    let sandbox = Sandbox::start(cfg).await.expect("sandbox starts");
    let creds = sandbox.credentials();
    let conn = Connection::new(
        PlatformKind::Genesys,
        sandbox.base_url(),
        &creds.client_id,
        Secret::new(creds.client_secret.clone()),
    );
    let client = platform::client(&conn, HttpSettings::default()).expect("client");

    // A feed that changes one existing assignment of each of `agents` active agents.
    client.connect().await.expect("connect");
    let snap = client.snapshot(&Events::none()).await.expect("snapshot");
    let names: std::collections::HashMap<&str, &str> =
        snap.skills.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let mut records = Vec::new();
    for a in snap.agents.iter().filter(|a| a.active) {
        let Some(((_, skill), v)) = snap
            .assignments
            .iter()
            .find(|((ag, s), _)| ag == &a.id && snap.skills.iter().any(|k| &k.id == s && k.active))
        else {
            continue;
        };
        let new = if *v >= 4.0 { 1.0 } else { v + 1.0 };
        records.push(FeedRecord {
            line: records.len() + 2,
            agent: a.email.as_str().into(),
            skill: names[skill.as_str()].into(),
            raw_value: new.to_string().into(),
            value_column: "proficiency".into(),
            value: Ok(Target::Set(new)),
            kind: None,
        });
        if records.len() == agents {
            break;
        }
    }
    let feed = Feed { records, ..Default::default() };
    let prepared =
        job::prepare(client.as_ref(), &feed, &PlanOptions::for_platform(PlatformKind::Genesys), &Events::none())
            .await
            .expect("plan");
    let planned_writes = prepared.estimate.writes;

    let marks: Arc<Mutex<(Option<Instant>, Option<Instant>)>> = Arc::default();
    let m = marks.clone();
    let events = Events::new(move |e| {
        if let Event::Phase { phase } = e {
            let mut g = m.lock().unwrap();
            match phase {
                Phase::Apply => g.0 = Some(Instant::now()),
                Phase::Verify => g.1 = Some(Instant::now()),
                _ => {}
            }
        }
    });
    let before = client.counts();
    let run = job::execute(
        client.as_ref(),
        &prepared,
        ExecuteOptions { apply: ApplyOptions { events, ..Default::default() }, ..Default::default() },
        Instant::now(),
    )
    .await
    .expect("apply");
    let (start, end) = *marks.lock().unwrap();
    let secs = (end.unwrap() - start.unwrap()).as_secs_f64();
    let after = client.counts();
    let writes = after.write - before.write;
    let sent = writes + (after.retried - before.retried);
    let rate = sent as f64 / secs * 60.0;
    let stats = sandbox.stats();
    println!("apply_rate: {agents} changed agents, limit {limit}/min");
    println!("  planned writes        {planned_writes}");
    println!("  writes sent           {writes} (retries {})", after.retried - before.retried);
    println!("  write phase           {secs:.1} s");
    println!("  achieved rate         {rate:.1} requests/min = {:.1}% of the limit", rate / limit as f64 * 100.0);
    println!(
        "  429 answers (client)  {} = {:.2}% of requests",
        after.throttled - before.throttled,
        (after.throttled - before.throttled) as f64 / sent.max(1) as f64 * 100.0
    );
    println!("  sandbox throttled     {}", stats["throttled"]);
    println!(
        "  rows verified         {} of {}, failed {}",
        run.summary.verified,
        feed.records.len(),
        run.summary.failed
    );
    sandbox.shutdown().await;
}
