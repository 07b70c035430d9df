//! Progress as a stream of events, so the CLI (a progress bar) and the app (a Tauri channel) show
//! the same job without the engine ever printing.

use serde::Serialize;
use std::sync::Arc;

/// The job's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Connect,
    Read,
    Plan,
    Apply,
    Verify,
    Report,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A step started.
    Phase { phase: Phase },
    /// Reads of the current state: `done` of `total` pages (total unknown until the first page).
    Read { done: u64, total: Option<u64> },
    /// Apply progress in rows, with the measured request rate and the time left at that rate.
    Apply { done: u64, failed: u64, total: u64, requests_per_minute: f64, eta_seconds: Option<f64> },
    /// A request is being retried after `wait_ms` (status 0: a network error or timeout).
    Retry { method: String, path: String, status: u16, attempt: u32, wait_ms: u64 },
    /// The platform asked us to slow down; every task waits `wait_ms`.
    Throttled { wait_ms: u64 },
    /// A human-readable note worth showing (never carries secrets).
    Note { message: String },
}

/// Where events go. Cheap to clone; `Events::none()` drops them.
#[derive(Clone)]
pub struct Events(Option<Arc<dyn Fn(Event) + Send + Sync>>);

impl Events {
    pub fn none() -> Self {
        Events(None)
    }

    pub fn new(f: impl Fn(Event) + Send + Sync + 'static) -> Self {
        Events(Some(Arc::new(f)))
    }

    pub fn emit(&self, e: Event) {
        if let Some(f) = &self.0 {
            f(e)
        }
    }
}

impl Default for Events {
    fn default() -> Self {
        Events::none()
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Events(sink)" } else { "Events(none)" })
    }
}
