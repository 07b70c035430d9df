//! Starts one sandbox from the command line, for benchmarks and manual tries before the CLI's
//! `skillsync sandbox` exists: prints the same JSON line, then serves until Ctrl-C.
//!
//! `serve genesys|cxone [--port N] [--agents N] [--skills N] [--seed N] [--tenant FILE]
//!  [--rate-limit N] [--token-ttl SECONDS] [--latency-ms N] [--faults SPEC] [--page-cap N] [--expand-drop P]`

use std::time::{Duration, Instant};

use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantSource};

fn usage(problem: &str) -> ! {
    eprintln!("{problem}");
    eprintln!("usage: serve genesys|cxone [--port N] [--agents N] [--skills N] [--seed N] [--tenant FILE] [--rate-limit N] [--token-ttl SECONDS] [--latency-ms N] [--faults SPEC] [--page-cap N] [--expand-drop P]");
    std::process::exit(2);
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<String>) -> T {
    value.and_then(|v| v.parse().ok()).unwrap_or_else(|| usage(&format!("{flag} needs a number")))
}

fn config_from_args() -> SandboxConfig {
    let mut args = std::env::args().skip(1);
    let platform: Platform =
        args.next().unwrap_or_else(|| usage("name a platform")).parse().unwrap_or_else(|e| usage(&format!("{e}")));
    let mut config = SandboxConfig::new(platform);
    let (mut agents, mut skills, mut seed) = (50, 12, 1);
    let mut tenant_file = None;
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--port" => config.port = number(&flag, args.next()),
            "--agents" => agents = number(&flag, args.next()),
            "--skills" => skills = number(&flag, args.next()),
            "--seed" => seed = number(&flag, args.next()),
            "--tenant" => tenant_file = Some(args.next().unwrap_or_else(|| usage("--tenant needs a path"))),
            "--rate-limit" => config.rate_limit_per_minute = Some(number(&flag, args.next())),
            "--token-ttl" => config.token_ttl = Duration::from_secs(number(&flag, args.next())),
            "--latency-ms" => config.latency = Duration::from_millis(number(&flag, args.next())),
            "--page-cap" => config.page_cap = Some(number(&flag, args.next())),
            "--expand-drop" => config.expand_drop = number(&flag, args.next()),
            "--faults" => {
                let spec = args.next().unwrap_or_else(|| usage("--faults needs a spec"));
                config.faults = spec.parse().unwrap_or_else(|e| usage(&format!("{e}")));
            }
            other => usage(&format!("unknown flag {other}")),
        }
    }
    config.seed = seed;
    config.tenant = match tenant_file {
        Some(path) => TenantSource::File(path.into()),
        None => TenantSource::Generated { agents, skills, seed },
    };
    config
}

#[tokio::main]
async fn main() {
    let config = config_from_args();
    let started = Instant::now();
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{} ({})", e, e.code());
            std::process::exit(2);
        }
    };
    eprintln!("sandbox ready in {} ms", started.elapsed().as_millis());
    println!("{}", sandbox.info_json());
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
}
