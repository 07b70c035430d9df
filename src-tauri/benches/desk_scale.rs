//! The app's steps at the largest tenant the product is for: a generated 20,000-agent, 300-skill
//! sandbox (no rate limit, loopback), its assignments exported as a feed with every tenth row's
//! level changed and new skills added up to 100,000 rows, then opened, previewed, planned and
//! paged through the `Desk` — the same calls the screens make. Run: `cargo bench -p skillsync-app --bench desk_scale`.

use skillsync_app::desk::{Desk, Paths};
use skillsync_app::dto::{PlanOptionsInput, Platform, ProfileInput, RowQuery};
use skillsync_core::profile::MemoryStore;
use skillsync_core::Events;
use skillsync_sandbox::{Sandbox, SandboxConfig, TenantSource};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

const AGENTS: usize = 20_000;
const SKILLS: usize = 300;
const ITERATIONS: usize = 5;
const FEED_ROWS: usize = 100_000;

fn stats(name: &str, mut v: Vec<Duration>) {
    v.sort();
    println!(
        "{name:<34} min {:>8.1} ms   median {:>8.1} ms   ({} runs)",
        v[0].as_secs_f64() * 1e3,
        v[v.len() / 2].as_secs_f64() * 1e3,
        v.len()
    );
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

async fn run() {
    let mut config = SandboxConfig::new(skillsync_sandbox::Platform::Genesys);
    config.tenant = TenantSource::Generated { agents: AGENTS, skills: SKILLS, seed: 7 };
    config.rate_limit_per_minute = Some(0);
    let sb = Sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::new(
        Paths { config: dir.path().join("config"), data: dir.path().join("data") },
        Arc::new(MemoryStore::default()),
    );
    let c = sb.credentials();
    desk.save_profile(&ProfileInput {
        name: "big".into(),
        platform: Platform::Genesys,
        region: None,
        base_url: Some(sb.base_url().to_string()),
        client_id: c.client_id.clone(),
        api_version: None,
        client_secret: c.client_secret.clone(),
        access_key_id: None,
        access_key_secret: None,
        ca_file: None,
    })
    .await
    .unwrap();

    let export = dir.path().join("today.csv");
    let t = Instant::now();
    // As if picked in the save dialog.
    desk.grant_write(export.clone());
    let exported = desk.export_assignments("big", &export, "long").await.unwrap();
    println!("export of the tenant ({} rows)          {:>8.1} ms", exported.rows, t.elapsed().as_secs_f64() * 1e3);

    // Every tenth row asks for another level, and agents get skills they lack until the feed has
    // 100,000 rows: a nightly change set on top of a new routing model's roll-out.
    let text = std::fs::read_to_string(&export).unwrap();
    let mut feed = String::with_capacity(text.len() * 3);
    let mut held: HashMap<String, HashSet<String>> = HashMap::new();
    let mut skills: Vec<String> = Vec::new();
    let mut rows = 0;
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            feed.push_str(line);
            feed.push('\n');
            continue;
        }
        let (head, value) = line.rsplit_once(',').unwrap();
        let (agent, skill) = head.split_once(',').unwrap();
        if held.entry(agent.to_string()).or_default().insert(skill.to_string()) && !skills.iter().any(|s| s == skill) {
            skills.push(skill.to_string());
        }
        if i % 10 == 0 {
            let v: f64 = value.parse().unwrap_or(3.0);
            feed.push_str(&format!("{head},{}\n", if v >= 4.0 { v - 1.0 } else { v + 1.0 }));
        } else {
            feed.push_str(line);
            feed.push('\n');
        }
        rows += 1;
    }
    let mut agents: Vec<&String> = held.keys().collect();
    agents.sort();
    'fill: for k in 0..skills.len() {
        for a in &agents {
            if rows >= FEED_ROWS {
                break 'fill;
            }
            let skill = &skills[(k + a.len()) % skills.len()];
            if !held[*a].contains(skill) {
                feed.push_str(&format!("{a},{skill},3\n"));
                rows += 1;
            }
        }
    }
    let path = dir.path().join("nightly.csv");
    std::fs::write(&path, feed).unwrap();
    let path = desk.grant_read(path);

    let mut open = Vec::new();
    let mut preview = Vec::new();
    let mut view = None;
    for _ in 0..ITERATIONS {
        let (v, d) = timed(|| desk.open_feed(&path).unwrap());
        open.push(d);
        let m = v.mapping.clone().unwrap();
        let (p, d) = timed(|| desk.preview_mapping(&m, Platform::Genesys).unwrap());
        assert_eq!(p.problems, 0);
        preview.push(d);
        view = Some(v);
    }
    let view = view.unwrap();
    println!("feed: {} rows, {} bytes", view.rows, std::fs::metadata(&path).unwrap().len());
    stats("open_feed (read, detect)", open);
    stats("preview_mapping (whole feed)", preview);

    let mapping = view.mapping.unwrap();
    let mut plans = Vec::new();
    let mut summary = None;
    for _ in 0..ITERATIONS {
        let (p, d) = {
            let t = Instant::now();
            let p = desk.plan("big", &mapping, PlanOptionsInput::default(), Events::none()).await.unwrap();
            (p, t.elapsed())
        };
        plans.push(d);
        summary = Some(p);
    }
    let s = summary.unwrap();
    println!(
        "plan: {} rows, {} adds, {} updates, {} unchanged, {} invalid, {} reads, {} writes estimated",
        s.summary.rows,
        s.summary.add,
        s.summary.update,
        s.summary.unchanged,
        s.summary.invalid,
        s.reads,
        s.estimate.writes
    );
    stats("plan (read tenant over HTTP, diff)", plans);

    let mut pages = Vec::new();
    let mut searches = Vec::new();
    for i in 0..ITERATIONS {
        let q = RowQuery { filter: Some("update".into()), search: None, offset: 100 * i, limit: 100 };
        pages.push(timed(|| desk.plan_rows(&q).unwrap()).1);
        let q = RowQuery { filter: None, search: Some("billing".into()), offset: 0, limit: 100 };
        searches.push(timed(|| desk.plan_rows(&q).unwrap()).1);
    }
    stats("plan_rows (filtered page of 100)", pages);
    stats("plan_rows (search page of 100)", searches);
    sb.shutdown().await;
}
