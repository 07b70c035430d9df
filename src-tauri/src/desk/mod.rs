//! The app's state and behaviour, with no Tauri in it: every command is one call into a `Desk`
//! method, so the whole app runs in a plain test host (`tests/test_host.rs`) against the sandbox.

mod approval;
mod feed;
mod files;
mod history;
mod job;
mod profiles;

use crate::error::{UiError, UiResult};
use parking_lot::Mutex;
use skillsync_core::profile::{Profiles, SecretStore};
use skillsync_core::{Error, PlatformKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use feed::OpenFeed;
pub use files::Chosen;
pub use job::{Finished, PlanSource, Planned};
pub use profiles::{BUILTIN_CXONE, BUILTIN_GENESYS};

/// Where the app keeps what it writes. Profiles and templates are configuration; runs (reports,
/// undo files, history) and journals are data.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl Paths {
    /// The OS folders, or `SKILLSYNC_CONFIG_DIR` / `SKILLSYNC_DATA_DIR` when set (the CLI reads
    /// the same profiles file).
    pub fn from_env() -> UiResult<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "skillsync");
        let pick = |var: &str, os: Option<&Path>| -> UiResult<PathBuf> {
            match (std::env::var_os(var), os) {
                (Some(d), _) => Ok(PathBuf::from(d)),
                (None, Some(d)) => Ok(d.to_path_buf()),
                (None, None) => Err(Error::Config(format!("no home directory: set {var}")).into()),
            }
        };
        Ok(Paths {
            config: pick("SKILLSYNC_CONFIG_DIR", dirs.as_ref().map(|d| d.config_dir()))?,
            data: pick("SKILLSYNC_DATA_DIR", dirs.as_ref().map(|d| d.data_dir()))?,
        })
    }

    pub fn templates(&self) -> PathBuf {
        self.config.join("templates")
    }
    pub fn runs(&self) -> PathBuf {
        self.data.join("runs")
    }
    pub fn journals(&self) -> PathBuf {
        self.data.join("journals")
    }
    pub fn samples(&self) -> PathBuf {
        self.data.join("samples")
    }
}

/// One app window's job: the open feed, the last plan, the last run, and what is running now.
pub struct Desk {
    paths: Paths,
    profiles: Profiles,
    /// The OS keychain in the app; a memory store in tests.
    secrets: Arc<dyn SecretStore>,
    sandboxes: tokio::sync::Mutex<HashMap<PlatformKind, skillsync_sandbox::Sandbox>>,
    feed: Mutex<Option<Arc<OpenFeed>>>,
    plan: Mutex<Option<Arc<Planned>>>,
    run: Mutex<Option<Arc<Finished>>>,
    /// Pause/cancel of the apply in flight.
    control: Mutex<Option<skillsync_core::apply::Control>>,
    /// Cancels a plan in flight (its reads).
    plan_cancel: Mutex<Option<tokio_util::sync::CancellationToken>>,
    busy: Mutex<Option<&'static str>>,
    /// Woken whenever a long step ends, for a window that waits to close.
    idle: tokio::sync::Notify,
    /// The files the user chose or dropped: the only ones the window may name.
    chosen: Mutex<Chosen>,
    /// The run whose undo file is the open feed (a rollback being prepared).
    rollback_of: Mutex<Option<String>>,
}

impl Desk {
    pub fn new(paths: Paths, secrets: Arc<dyn SecretStore>) -> Desk {
        let profiles = Profiles::at(&paths.config);
        let desk = Desk {
            paths,
            profiles,
            secrets,
            sandboxes: Default::default(),
            feed: Default::default(),
            plan: Default::default(),
            run: Default::default(),
            control: Default::default(),
            plan_cancel: Default::default(),
            busy: Default::default(),
            idle: tokio::sync::Notify::new(),
            chosen: Default::default(),
            rollback_of: Default::default(),
        };
        // The demo mappings as templates, so the sample feed maps with one click; a failure here
        // only means they are missing from the list.
        if let Err(e) = feed::seed_templates(&desk.paths) {
            tracing::warn!("could not write the demo mapping templates: {e}");
        }
        desk
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The version and folders, for the About line.
    pub fn about(&self) -> crate::dto::About {
        crate::dto::About {
            version: env!("CARGO_PKG_VERSION").to_string(),
            config_dir: self.paths.config.display().to_string(),
            data_dir: self.paths.data.display().to_string(),
        }
    }

    /// Marks a long step as running; a second one is refused until the guard drops.
    fn begin(&self, what: &'static str) -> UiResult<Busy<'_>> {
        let mut b = self.busy.lock();
        if let Some(running) = *b {
            return Err(UiError::busy(running));
        }
        *b = Some(what);
        Ok(Busy(self))
    }

    /// The window is closing. While an apply runs, it is cancelled instead (calls already sent
    /// finish and are verified, the journal and the report are written) and the answer is true:
    /// keep the window until `wait_idle` returns. Nothing is lost by closing.
    pub fn stop_for_close(&self) -> bool {
        let running = *self.busy.lock();
        match running {
            Some(_) => {
                tracing::info!("window closing while {} runs: cancelling it first", running.unwrap_or_default());
                self.cancel_run();
                true
            }
            None => false,
        }
    }

    /// Returns once no plan or apply is running.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.busy.lock().is_none() {
                return;
            }
            notified.await;
        }
    }

    /// Stops every built-in sandbox (on window close; dropping them would too).
    pub async fn shutdown(&self) {
        let mut sandboxes = self.sandboxes.lock().await;
        for (_, sb) in sandboxes.drain() {
            sb.shutdown().await;
        }
    }
}

struct Busy<'a>(&'a Desk);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        *self.0.busy.lock() = None;
        self.0.idle.notify_waiters();
    }
}

/// Applies an offset/limit page to filtered rows (limit capped so one page stays small).
fn page<T: Clone>(rows: impl Iterator<Item = T>, offset: usize, limit: usize) -> (usize, Vec<T>) {
    let limit = limit.clamp(1, 1000);
    let mut total = 0;
    let mut out = Vec::with_capacity(limit);
    for r in rows {
        if total >= offset && out.len() < limit {
            out.push(r);
        }
        total += 1;
    }
    (total, out)
}

/// A row query's filter tab and search box, read once per query rather than once per row.
struct Selector<'q> {
    /// An action or outcome name; `None` (or "all") takes every row.
    filter: Option<&'q str>,
    /// Lower-cased; `None` when the box is blank.
    search: Option<String>,
}

impl<'q> Selector<'q> {
    fn new(q: &'q crate::dto::RowQuery) -> Self {
        Selector {
            filter: q.filter.as_deref().filter(|f| !f.is_empty() && *f != "all"),
            search: q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase),
        }
    }

    /// The row's action/outcome is the tab's, and the search is a case-insensitive part of a field.
    fn selects(&self, name: &str, fields: &[&str]) -> bool {
        self.filter.is_none_or(|f| f == name)
            && self.search.as_deref().is_none_or(|s| fields.iter().any(|f| f.to_lowercase().contains(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_counts_all_and_returns_the_window() {
        let (total, rows) = page(0..250, 100, 100);
        assert_eq!(total, 250);
        assert_eq!(rows.first(), Some(&100));
        assert_eq!(rows.len(), 100);
        let (total, rows) = page(0..250, 200, 100);
        assert_eq!((total, rows.len()), (250, 50), "the last page is short");
    }

    fn query(filter: Option<&str>, search: Option<&str>) -> crate::dto::RowQuery {
        crate::dto::RowQuery { filter: filter.map(Into::into), search: search.map(Into::into), offset: 0, limit: 10 }
    }

    #[test]
    fn search_is_case_insensitive_and_blank_matches_all() {
        assert!(Selector::new(&query(None, None)).selects("add", &["a"]));
        assert!(Selector::new(&query(None, Some("  "))).selects("add", &["a"]));
        assert!(Selector::new(&query(None, Some("BILL"))).selects("add", &["ana@x", "Billing - English"]));
        assert!(!Selector::new(&query(None, Some("sales"))).selects("add", &["ana@x", "Billing"]));
    }

    #[test]
    fn the_filter_tab_takes_its_rows_and_all_or_blank_takes_every_row() {
        assert!(Selector::new(&query(Some("add"), None)).selects("add", &[]));
        assert!(!Selector::new(&query(Some("add"), None)).selects("update", &[]));
        assert!(Selector::new(&query(Some("all"), None)).selects("update", &[]));
        assert!(Selector::new(&query(Some(""), None)).selects("update", &[]));
        assert!(!Selector::new(&query(Some("add"), Some("bill"))).selects("add", &["ana@x", "Sales"]));
    }
}
