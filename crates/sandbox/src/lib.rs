//! Imitation Genesys Cloud and NICE CXone tenants over real HTTP on 127.0.0.1, written from
//! `API-CONTRACTS.md` alone, so tests, demos and benchmarks run the real clients without an account.

// Handlers return a finished `Response` as their early-exit error; boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod auth;
mod config;
mod cxone;
mod error;
mod genesys;
mod http;
mod state;
mod tenant;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{Credentials, FaultKind, Faults, Platform, SandboxConfig, TenantSource};
pub use error::SandboxError;
pub use tenant::{TenantAssignment, TenantFile, TenantLanguage, TenantLanguageAssignment, TenantSkill, TenantUser};

use state::{Shared, SharedParts};

/// How long `shutdown` waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox. Dropping it stops the server too.
pub struct Sandbox {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Builds the tenant, binds 127.0.0.1 and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        config.check()?;
        let platform = config.platform;
        let tenant = tenant::load(&config.tenant, platform)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|source| SandboxError::Bind { port: config.port, source })?;
        let port = listener.local_addr().map_err(|source| SandboxError::Bind { port: config.port, source })?.port();
        let (stop, stopped) = watch::channel(false);
        let jwt_key: Vec<u8> =
            uuid::Uuid::new_v4().as_bytes().iter().chain(uuid::Uuid::new_v4().as_bytes()).copied().collect();
        let shared = Arc::new(Shared::new(SharedParts {
            platform,
            base_url: format!("http://127.0.0.1:{port}"),
            credentials: auth::new_credentials(platform),
            tenant_id: uuid::Uuid::new_v4().to_string(),
            jwt_key,
            tenant,
            token_ttl: config.token_ttl,
            latency: config.latency,
            rate_limit: config.rate_limit_per_minute.unwrap_or(platform.default_rate_limit()),
            faults: config.faults,
            seed: config.seed,
            page_cap: config.page_cap,
            expand_drop: config.expand_drop,
            shutdown: stopped.clone(),
        }));
        let app = Router::new().fallback(http::dispatch).with_state(shared.clone());
        let mut stopped = stopped;
        let task = tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(signal).await {
                tracing::warn!("sandbox server stopped: {e}");
            }
        });
        tracing::debug!(base_url = %shared.base_url, platform = %platform, "sandbox started");
        Ok(Sandbox { shared, stop, task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`: the Genesys API base, or the CXone issuer.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    pub fn platform(&self) -> Platform {
        self.shared.platform
    }

    pub fn credentials(&self) -> &Credentials {
        &self.shared.credentials
    }

    /// The one JSON line `skillsync sandbox` prints.
    pub fn info_json(&self) -> Value {
        let c = &self.shared.credentials;
        let mut info = json!({
            "base_url": self.shared.base_url,
            "platform": self.shared.platform,
            "client_id": c.client_id,
            "client_secret": c.client_secret,
        });
        if let (Some(id), Some(secret)) = (&c.access_key_id, &c.access_key_secret) {
            info["access_key_id"] = json!(id);
            info["access_key_secret"] = json!(secret);
        }
        info
    }

    /// The body of `GET /__sandbox/state`.
    pub fn state(&self) -> Value {
        self.shared.tenant.read().state_json(self.shared.platform)
    }

    /// The body of `GET /__sandbox/stats`.
    pub fn stats(&self) -> Value {
        self.shared.stats.json()
    }

    /// Replaces the injected faults from the next request on.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults);
    }

    /// Revokes every token issued so far (tests of how a client renews a refused token).
    pub fn revoke_tokens(&self) {
        self.shared.revoke_tokens();
    }

    /// Changes the per-token limit (0 = unlimited) from the next request on.
    pub fn set_rate_limit(&self, per_minute: u32) {
        self.shared.set_rate_limit(per_minute);
    }

    /// Stops accepting, lets open requests finish (a hanging `timeout` fault ends at once), and
    /// cuts whatever is still open after a short grace period.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
