//! The runs of this machine: each apply gets a folder under `runs/` with its report files, undo
//! file and a `run.json` entry; the history screen lists those entries newest first.

use super::Desk;
use crate::dto::{FeedView, HistoryEntry, RunView};
use crate::error::{codes, UiError, UiResult};
use skillsync_core::{Error, PlatformKind};
use std::path::{Path, PathBuf};

const ENTRY: &str = "run.json";

/// A folder name that sorts by time and never collides.
pub(super) fn new_run_id(at: chrono::DateTime<chrono::Utc>) -> String {
    let short = uuid::Uuid::new_v4().simple().to_string();
    format!("{}-{}", at.format("%Y%m%d-%H%M%S%3f"), &short[..6])
}

/// What a history entry says beyond the run itself: its job, whether it resumed an interrupted
/// attempt, and the run it rolled back.
pub(super) struct Lineage {
    pub job: String,
    pub resumed: bool,
    pub rollback_of: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn record(
    dir: &Path,
    id: &str,
    started_at: chrono::DateTime<chrono::Utc>,
    profile: &str,
    platform: PlatformKind,
    feed: &Path,
    run: &RunView,
    lineage: Lineage,
) -> UiResult<()> {
    let entry = HistoryEntry {
        id: id.to_string(),
        started_at: started_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        profile: profile.to_string(),
        platform: platform.into(),
        feed: feed.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        summary: run.summary,
        cancelled: run.cancelled,
        report_files: run.report_files.clone(),
        job: Some(lineage.job),
        resumed: lineage.resumed,
        rollback_of: lineage.rollback_of,
    };
    let path = dir.join(ENTRY);
    let text = serde_json::to_vec_pretty(&entry).map_err(|e| Error::Input(e.to_string()))?;
    skillsync_core::files::write_atomic(&path, &text)?;
    Ok(())
}

impl Desk {
    /// One recorded run, read from its own folder (an id is a folder name under `runs/`, never a
    /// path).
    fn entry(&self, run_id: &str) -> UiResult<HistoryEntry> {
        let missing = || Error::Input(format!("there is no run '{run_id}' in the history"));
        if Path::new(run_id).file_name().and_then(|n| n.to_str()) != Some(run_id) {
            return Err(missing().into());
        }
        let bytes = std::fs::read(self.paths.runs().join(run_id).join(ENTRY)).map_err(|_| missing())?;
        serde_json::from_slice(&bytes).map_err(|_| missing().into())
    }

    /// Every recorded run, newest first; a folder without a readable entry is skipped.
    pub fn history(&self) -> UiResult<Vec<HistoryEntry>> {
        let dir = self.paths.runs();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e).into()),
        };
        let mut out: Vec<HistoryEntry> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read(e.path().join(ENTRY)).ok())
            .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
            .collect();
        out.sort_by(|a, b| b.started_at.cmp(&a.started_at).then_with(|| b.id.cmp(&a.id)));
        Ok(out)
    }

    /// One of a run's own report files, by file name or full path; nothing outside the run's
    /// folder is ever handed out.
    pub fn report_file(&self, run_id: &str, file: &str) -> UiResult<PathBuf> {
        self.entry(run_id)?
            .report_files
            .iter()
            .find(|f| f.as_str() == file || Path::new(f).file_name().is_some_and(|n| n == file))
            .map(PathBuf::from)
            .ok_or_else(|| Error::Input(format!("'{file}' is not a report file of run {run_id}")).into())
    }

    /// Opens one of a run's report files with the system's default program (a browser for HTML).
    pub fn open_report(&self, run_id: &str, file: &str) -> UiResult<()> {
        let path = self.report_file(run_id, file)?;
        opener::open(&path)
            .map_err(|e| UiError::new(codes::OPEN_FAILED, format!("could not open {}: {e}", path.display())))
    }

    /// Opens a run's undo file as the feed: planning it puts back what that run changed.
    pub fn open_undo(&self, run_id: &str) -> UiResult<FeedView> {
        let entry = self.entry(run_id)?;
        let undo = entry
            .report_files
            .iter()
            .find(|f| f.ends_with(".undo.csv"))
            .ok_or_else(|| Error::Input(format!("run {run_id} has no undo file")))?;
        // The undo file lies in the app's own runs folder: no dialog needed.
        let mut view = self.open_feed_as(Path::new(undo), None, None, None)?;
        view.suggested_platform = Some(entry.platform);
        *self.rollback_of.lock() = Some(run_id.to_string());
        Ok(view)
    }
}
