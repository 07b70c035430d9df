//! `skillsync sandbox`: starts an imitation tenant, prints the SPEC's one JSON line (URL and
//! credentials) on stdout, then serves until killed.

use crate::args::SandboxArgs;
use skillsync_core::{Error, Result};
use skillsync_sandbox::{Faults, Platform, Sandbox, SandboxConfig, TenantSource};
use std::io::Write;
use std::time::Duration;

pub async fn run(args: SandboxArgs) -> Result<i32> {
    let bad = |e: skillsync_sandbox::SandboxError| Error::Config(e.to_string());
    let platform: Platform = args.platform.parse().map_err(bad)?;
    let mut config = SandboxConfig::new(platform);
    config.port = args.port;
    config.seed = args.seed;
    config.tenant = match (&args.tenant, args.agents, args.skills) {
        (Some(path), _, _) => TenantSource::File(path.clone()),
        (None, None, None) => TenantSource::Generated { agents: 50, skills: 12, seed: args.seed },
        (None, a, s) => TenantSource::Generated { agents: a.unwrap_or(50), skills: s.unwrap_or(12), seed: args.seed },
    };
    config.rate_limit_per_minute = args.rate_limit;
    if let Some(ttl) = args.token_ttl {
        config.token_ttl = Duration::from_secs(ttl.max(1));
    }
    config.latency = Duration::from_millis(args.latency_ms);
    config.page_cap = args.page_cap;
    config.expand_drop = args.expand_drop;
    if let Some(spec) = &args.faults {
        config.faults = spec.parse::<Faults>().map_err(bad)?;
    }
    let sandbox = Sandbox::start(config).await.map_err(|e| match e {
        skillsync_sandbox::SandboxError::Bind { .. } => Error::Connection(e.to_string()),
        other => Error::Config(other.to_string()),
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", sandbox.info_json())
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("writing to stdout", e))?;
    drop(out);
    wait_for_termination().await;
    sandbox.shutdown().await;
    Ok(0)
}

async fn wait_for_termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
