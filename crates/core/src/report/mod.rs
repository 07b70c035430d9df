//! What a run did, row by row, in the forms people and tools read it: CSV for spreadsheets, JSON for
//! scripts, one self-contained HTML page for support, and an undo file that rolls the run back.
//!
//! Reports only ever see [`RowResult`]s and counts, so no credential can reach them.

mod csv;
mod html;
pub mod plan_copy;
mod undo;

pub use self::csv::write_csv;
pub use self::html::write_html;
pub use self::undo::{write_undo, LiveUndo};

use crate::error::{Error, Result};
use crate::model::{Outcome, PlatformKind, RequestCounts, RowResult};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The result of one run, as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// RFC 3339, UTC.
    pub generated_at: String,
    pub platform: PlatformKind,
    /// Base URL or profile name: which tenant was changed.
    pub tenant: String,
    /// The feed's file name.
    pub feed: String,
    pub summary: RunSummary,
    pub rows: Vec<RowResult>,
    /// What the platform calls the agents and skills the rows name by id.
    #[serde(default)]
    pub names: Names,
}

/// Display names of ids: agents as "Name <email>", skills by name (a routing language marked so).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Names {
    pub agents: std::collections::BTreeMap<String, String>,
    pub skills: std::collections::BTreeMap<String, String>,
}

impl Names {
    /// The names of the ids `changes` use, from what the platform holds.
    pub fn of_changes(changes: &[crate::model::Change], snapshot: &crate::model::Snapshot) -> Names {
        let agents: std::collections::HashSet<&str> = changes.iter().map(|c| c.agent_id.as_str()).collect();
        let skills: std::collections::HashSet<&str> = changes.iter().map(|c| c.skill_id.as_str()).collect();
        Names::select(snapshot, |id| agents.contains(id), |id| skills.contains(id))
    }

    /// The names of the ids a plan's rows use, from what the platform holds.
    pub fn of_plan(rows: &[crate::model::PlanRow], snapshot: &crate::model::Snapshot) -> Names {
        let agents: std::collections::HashSet<&str> = rows.iter().filter_map(|r| r.agent_id.as_deref()).collect();
        let skills: std::collections::HashSet<&str> = rows.iter().filter_map(|r| r.skill_id.as_deref()).collect();
        Names::select(snapshot, |id| agents.contains(id), |id| skills.contains(id))
    }

    /// The names of the ids `rows` use, from what the platform holds.
    pub fn of(rows: &[RowResult], snapshot: &crate::model::Snapshot) -> Names {
        let agents: std::collections::HashSet<&str> = rows.iter().filter_map(|r| r.agent_id.as_deref()).collect();
        let skills: std::collections::HashSet<&str> = rows.iter().filter_map(|r| r.skill_id.as_deref()).collect();
        Names::select(snapshot, |id| agents.contains(id), |id| skills.contains(id))
    }

    pub fn is_empty(&self) -> bool {
        self.agents.is_empty() && self.skills.is_empty()
    }

    /// The names of every agent and skill the platform holds.
    pub fn all(snapshot: &crate::model::Snapshot) -> Names {
        Names::select(snapshot, |_| true, |_| true)
    }

    /// The agent as a person reads them ("Ana Silva <ana@x>").
    pub fn agent(&self, id: Option<&str>) -> Option<String> {
        id.and_then(|id| self.agents.get(id)).cloned()
    }

    /// The skill's platform name when the feed's text is not already it (an id, a corrected name,
    /// a routing language).
    pub fn skill(&self, id: Option<&str>, feed_text: &str) -> Option<String> {
        id.and_then(|id| self.skills.get(id)).filter(|n| !n.eq_ignore_ascii_case(feed_text.trim())).cloned()
    }

    fn select(
        snapshot: &crate::model::Snapshot,
        agent_wanted: impl Fn(&str) -> bool,
        skill_wanted: impl Fn(&str) -> bool,
    ) -> Names {
        let agents = snapshot
            .agents
            .iter()
            .filter(|a| agent_wanted(a.id.as_str()))
            .map(|a| {
                let label = match (a.name.trim(), a.email.trim()) {
                    ("", "") => a.username.clone(),
                    ("", email) => email.to_string(),
                    (name, "") => name.to_string(),
                    (name, email) => format!("{name} <{email}>"),
                };
                (a.id.clone(), label)
            })
            .collect();
        let skills = snapshot
            .skills
            .iter()
            .filter(|s| skill_wanted(s.id.as_str()))
            .map(|s| {
                let label = match s.kind {
                    crate::model::ItemKind::Skill => s.name.clone(),
                    crate::model::ItemKind::Language => format!("{} (language)", s.name),
                };
                (s.id.clone(), label)
            })
            .collect();
        Names { agents, skills }
    }
}

impl Report {
    /// A report stamped with the current time, its summary counted from `rows`.
    pub fn new(
        platform: PlatformKind,
        tenant: impl Into<String>,
        feed: impl Into<String>,
        rows: Vec<RowResult>,
        requests: RequestCounts,
        elapsed_ms: u64,
    ) -> Self {
        Report {
            generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            platform,
            tenant: tenant.into(),
            feed: feed.into(),
            summary: RunSummary::from_rows(&rows, requests, elapsed_ms),
            rows,
            names: Names::default(),
        }
    }
}

/// Row counts by outcome, with the run's requests and duration (the CLI's `--json` line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    pub rows: usize,
    pub invalid: usize,
    /// Feed rows the mapping left out (`[exclude]`): not among `rows`, never sent.
    #[serde(default)]
    pub excluded: usize,
    pub unchanged: usize,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub failed: usize,
    /// Rows whose change was confirmed: added + updated + removed.
    pub verified: usize,
    pub requests: RequestCounts,
    pub elapsed_ms: u64,
}

impl RunSummary {
    pub fn from_rows(rows: &[RowResult], requests: RequestCounts, elapsed_ms: u64) -> Self {
        let mut s = RunSummary { rows: rows.len(), requests, elapsed_ms, ..Default::default() };
        for r in rows {
            match r.outcome {
                Outcome::Added => s.added += 1,
                Outcome::Updated => s.updated += 1,
                Outcome::Removed => s.removed += 1,
                Outcome::Unchanged => s.unchanged += 1,
                Outcome::Invalid => s.invalid += 1,
                Outcome::Failed => s.failed += 1,
                // Counted in `rows` only: a cancelled run's untouched rows.
                Outcome::Skipped => {}
            }
        }
        s.verified = s.added + s.updated + s.removed;
        s
    }
}

/// The outcome as the reports spell it (the same word as the JSON).
pub fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Added => "added",
        Outcome::Updated => "updated",
        Outcome::Removed => "removed",
        Outcome::Unchanged => "unchanged",
        Outcome::Invalid => "invalid",
        Outcome::Failed => "failed",
        Outcome::Skipped => "skipped",
    }
}

/// Writes the report as JSON, exactly as serialized.
pub fn write_json(path: &Path, report: &Report) -> Result<()> {
    let file = create(path)?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, report)
        .map_err(|e| Error::io(format!("writing {}", path.display()), std::io::Error::other(e)))?;
    std::io::Write::flush(&mut w).map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

/// The files a report at `path` is written to: `path` in the format its extension names (`.csv`,
/// `.json`, `.html`; anything else gets CSV contents), the two other formats beside it with the
/// same stem, and `<stem>.undo.csv` — the undo file first, so it is the one written first.
fn outputs(path: &Path) -> Vec<(Option<Format>, PathBuf)> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let primary = match ext.as_deref() {
        Some("json") => Format::Json,
        Some("html") | Some("htm") => Format::Html,
        _ => Format::Csv,
    };
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("report");
    let sibling = |suffix: &str| path.with_file_name(format!("{stem}{suffix}"));
    let mut out = vec![(None, sibling(".undo.csv")), (Some(primary), path.to_path_buf())];
    for (format, suffix) in [(Format::Csv, ".csv"), (Format::Json, ".json"), (Format::Html, ".html")] {
        if format != primary {
            out.push((Some(format), sibling(suffix)));
        }
    }
    out
}

/// The undo file a report at `path` comes with.
pub fn undo_path(path: &Path) -> PathBuf {
    outputs(path).swap_remove(0).1
}

/// Checks, before anything is sent, that a report at `path` can be written and would overwrite
/// none of `inputs` (the feed, the mapping, the journal, the plan or undo file being applied):
/// every file it writes is a regular file or absent, its folder can be created and written to.
pub fn check_outputs(path: &Path, inputs: &[&Path]) -> Result<()> {
    let refuse = |why: String| Err(Error::Config(format!("--report {}: {why}; nothing was sent", path.display())));
    for (_, out) in outputs(path) {
        crate::files::check_output("--report", &out, inputs, "nothing was sent")?;
    }
    if let Err(e) = crate::files::create_parent(path) {
        return refuse(format!("its folder cannot be made ({e})"));
    }
    let probe = path.with_file_name(format!(".skillsync-probe-{}", std::process::id()));
    match crate::files::private_options().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => refuse(format!("its folder cannot be written ({e})")),
    }
}

/// Writes the report files of [`outputs`], the undo file first (so it exists even if a later one
/// fails). Each is written whole beside its place and then renamed over it, so a file that is
/// there is complete: a failure midway leaves the earlier file (the undo file kept during the run)
/// as it was, never half of a new one. Returns every path written, `path` first.
pub fn write_all(path: &Path, report: &Report) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (format, p) in outputs(path) {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let partial = p.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let done = match format {
            None => write_undo(&partial, &report.rows, &report.names).map(|_| ()),
            Some(f) => write_format(f, &partial, report),
        }
        .and_then(|_| std::fs::rename(&partial, &p).map_err(|e| Error::io(format!("writing {}", p.display()), e)));
        if let Err(e) = done {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        written.push(p);
    }
    // `path` first, the undo file last, as the list always read.
    written.rotate_left(1);
    Ok(written)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
    Html,
}

fn write_format(format: Format, path: &Path, report: &Report) -> Result<()> {
    match format {
        Format::Csv => write_csv(path, &report.rows),
        Format::Json => write_json(path, report),
        Format::Html => write_html(path, report),
    }
}

/// UTF-8's byte order mark. Excel opens a CSV as UTF-8 only when the file starts with it (without
/// it accents turn into mojibake, and an edited export comes back with unknown skills); the
/// importer accepts it.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A new CSV file for a spreadsheet: created with its folder, the BOM already written.
pub(crate) fn create_csv(path: &Path) -> Result<std::io::BufWriter<std::fs::File>> {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(create(path)?);
    w.write_all(UTF8_BOM).map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    Ok(w)
}

/// Creates the file (owner-only: reports name agents) and its parent directories.
pub(crate) fn create(path: &Path) -> Result<std::fs::File> {
    crate::files::create_private(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_files_start_with_a_utf8_bom_for_excel() {
        let dir = tempfile::tempdir().unwrap();
        let rows = [row(Outcome::Added)];
        let csv_path = dir.path().join("r.csv");
        csv::write_csv(&csv_path, &rows).unwrap();
        let undo_path = dir.path().join("r.undo.csv");
        write_undo(&undo_path, &rows, &Names::default()).unwrap();
        for p in [csv_path, undo_path] {
            let bytes = std::fs::read(&p).unwrap();
            assert!(bytes.starts_with(UTF8_BOM), "{} starts with the BOM", p.display());
            assert!(!bytes[3..].starts_with(UTF8_BOM), "{}: one BOM only", p.display());
        }
    }

    fn row(outcome: Outcome) -> RowResult {
        RowResult {
            line: 2,
            agent: "a@example.com".into(),
            skill: "Sales".into(),
            agent_id: Some("a1".into()),
            skill_id: Some("s1".into()),
            before: None,
            requested: Some(3.0),
            after: Some(3.0),
            outcome,
            error: None,
            correlation_ids: vec![],
            attempts: 1,
        }
    }

    #[test]
    fn summary_counts_each_outcome_and_verified_is_the_confirmed_changes() {
        let rows: Vec<RowResult> = [
            Outcome::Added,
            Outcome::Added,
            Outcome::Updated,
            Outcome::Removed,
            Outcome::Unchanged,
            Outcome::Invalid,
            Outcome::Failed,
            Outcome::Skipped,
        ]
        .into_iter()
        .map(row)
        .collect();
        let s = RunSummary::from_rows(&rows, RequestCounts { read: 1, write: 2, retried: 0, throttled: 0 }, 5);
        assert_eq!((s.rows, s.added, s.updated, s.removed), (8, 2, 1, 1), "{s:?}");
        assert_eq!((s.unchanged, s.invalid, s.failed, s.verified), (1, 1, 1, 4), "{s:?}");
        assert_eq!(s.requests.write, 2, "requests carried through");
    }

    #[test]
    fn write_all_writes_every_format_beside_the_named_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested/run.json");
        let report = Report::new(
            PlatformKind::Cxone,
            "sandbox",
            "feed.csv",
            vec![row(Outcome::Added)],
            RequestCounts::default(),
            1,
        );
        let written = write_all(&path, &report).expect("written");
        let names: Vec<String> =
            written.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["run.json", "run.csv", "run.html", "run.undo.csv"], "paths returned, named one first");
        for p in &written {
            assert!(p.is_file(), "{} exists", p.display());
        }
        let back: Report =
            serde_json::from_slice(&std::fs::read(&path).expect("read json")).expect("the JSON is the report");
        assert_eq!(back, report, "JSON round-trips");
    }

    #[test]
    fn write_all_with_an_unknown_extension_writes_csv_contents_there() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("run.txt");
        let report =
            Report::new(PlatformKind::Genesys, "t", "f.csv", vec![row(Outcome::Added)], RequestCounts::default(), 1);
        let written = write_all(&path, &report).expect("written");
        assert_eq!(written.len(), 4, "{written:?}");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("\u{feff}line,agent,agent_id"), "CSV header in the .txt file: {text}");
    }

    #[test]
    fn outputs_that_would_overwrite_an_input_or_cannot_be_written_are_refused_before_sending() {
        let dir = tempfile::tempdir().expect("temp dir");
        let feed = dir.path().join("levels.csv");
        std::fs::write(&feed, "email,skill,level\n").expect("feed");
        let journal = dir.path().join("jj.csv");
        std::fs::write(&journal, "{}\n").expect("journal");
        let undo = dir.path().join("run.undo.csv");
        std::fs::write(&undo, "agent_id\n").expect("undo being applied");
        let inputs = [feed.as_path(), journal.as_path(), undo.as_path()];
        for (report, why) in [
            (dir.path().join("levels.html"), "a file this command reads"),
            (dir.path().join("jj.csv"), "a file this command reads"),
            (dir.path().join("run.html"), "a file this command reads"),
            (std::path::PathBuf::from(if cfg!(windows) { "NUL" } else { "/dev/null" }), "not a file"),
            (dir.path().to_path_buf(), "not a file"),
            (feed.join("r.html"), "cannot be made"),
        ] {
            let err = check_outputs(&report, &inputs).expect_err(&report.display().to_string());
            assert_eq!(err.exit_code(), 2, "{err}");
            assert!(err.to_string().contains(why) && err.to_string().contains("nothing was sent"), "{err}");
        }
        check_outputs(&dir.path().join("out/new.html"), &inputs).expect("a new report in a new folder is fine");
        assert_eq!(std::fs::read_dir(dir.path().join("out")).expect("made").count(), 0, "the probe is gone");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let locked = dir.path().join("locked");
            std::fs::create_dir(&locked).expect("dir");
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).expect("read-only");
            // Root writes anywhere: the check is only meaningful for a normal user.
            if std::fs::write(locked.join("x"), "x").is_err() {
                let err = check_outputs(&locked.join("r.html"), &inputs).expect_err("unwritable folder");
                assert!(err.to_string().contains("cannot be written"), "{err}");
            }
        }
    }
}
