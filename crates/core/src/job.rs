//! The whole job as two calls both faces share: `prepare` (read the feed, read the tenant, plan;
//! nothing is written) and `execute` (apply, verify, second chance, report). The CLI prints what
//! they return; the app streams their events.

use crate::apply::{self, ApplyOptions};
use crate::error::Result;
use crate::events::{Event, Events, Phase};
use crate::import::Table;
use crate::journal::{JobId, Journal, Previous};
use crate::mapping::Mapping;
use crate::model::{Action, Change, Feed, Outcome, PlatformKind, RequestCounts, RowResult, Snapshot, Target};
use crate::plan::{self, Plan, PlanOptions};
use crate::platform::PlatformClient;
use crate::report::{Report, RunSummary};
use crate::verify;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A feed read and mapped, with what identifies it for the journal.
#[derive(Debug, Clone)]
pub struct LoadedFeed {
    pub path: PathBuf,
    pub feed: Feed,
    pub mapping: Mapping,
    /// How the file was read, for the plan's header line.
    pub encoding: String,
    pub delimiter: char,
    /// Bytes of the feed (hashed into the job id).
    pub bytes_sha_input: Vec<u8>,
}

/// Reads and maps a feed: local work only, nothing is sent.
pub fn load_feed(path: &Path, mapping: Option<Mapping>, platform: PlatformKind) -> Result<LoadedFeed> {
    let (bytes, table) = crate::import::read_file(path)?;
    let mapping = match mapping {
        Some(m) => m,
        None => Mapping::detect(&table)?,
    };
    LoadedFeed::new(path, bytes, &table, mapping, platform)
}

impl LoadedFeed {
    /// A feed already read into `table` (from `bytes`), mapped for `platform`; the mapping must fit
    /// the table's columns.
    pub fn new(path: &Path, bytes: Vec<u8>, table: &Table, mapping: Mapping, platform: PlatformKind) -> Result<Self> {
        mapping.check(table, platform)?;
        Ok(LoadedFeed {
            path: path.to_path_buf(),
            feed: mapping.apply(table, platform),
            encoding: table.encoding.to_string(),
            delimiter: table.delimiter as char,
            mapping,
            bytes_sha_input: bytes,
        })
    }
}

/// The plan with the requests it will take.
#[derive(Debug, Clone, Serialize)]
pub struct Prepared {
    pub plan: Plan,
    #[serde(skip)]
    pub snapshot: Snapshot,
    pub estimate: Estimate,
    /// Reads made to build the plan.
    pub reads: u64,
}

/// What the apply will cost: the write calls, the reads that verify them, and the time at the
/// platform's rate limit.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Estimate {
    pub writes: u64,
    pub verify_reads: u64,
    pub rate_per_minute: Option<f64>,
    /// `None` when the platform publishes no limit.
    pub seconds: Option<f64>,
}

pub async fn prepare(
    client: &dyn PlatformClient,
    feed: &Feed,
    options: &PlanOptions,
    events: &Events,
) -> Result<Prepared> {
    events.emit(Event::Phase { phase: Phase::Connect });
    client.connect().await?;
    events.emit(Event::Phase { phase: Phase::Read });
    let snapshot = client.snapshot(events).await?;
    events.emit(Event::Phase { phase: Phase::Plan });
    let plan = plan::build(client.kind(), feed, &snapshot, options);
    let estimate = estimate(client, &plan, &snapshot);
    Ok(Prepared { plan, snapshot, estimate, reads: client.counts().read })
}

fn estimate(client: &dyn PlatformClient, plan: &Plan, snapshot: &Snapshot) -> Estimate {
    let writes = client.batches(&plan.changes).len() as u64;
    let verify_reads = if client.kind() == PlatformKind::Cxone {
        let pairs: Vec<(String, String)> =
            plan.changes.iter().map(|c| (c.agent_id.clone(), c.skill_id.clone())).collect();
        client.read_back_cost(&pairs, snapshot.assignments.len())
    } else {
        0 // Genesys' bulk PATCH answers with the user's skills: its reply confirms.
    };
    let rate = client.rate_per_minute();
    Estimate {
        writes,
        verify_reads,
        rate_per_minute: rate,
        seconds: rate.map(|r| (writes + verify_reads) as f64 / r * 60.0),
    }
}

/// How `execute` runs.
#[derive(Debug, Default)]
pub struct ExecuteOptions {
    pub apply: ApplyOptions,
    /// Journal to write (and, with `previous`, to continue).
    pub journal: Option<Journal>,
    /// What an interrupted earlier run of this job sent (from `--resume`).
    pub previous: Option<Previous>,
}

/// The finished run.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub rows: Vec<RowResult>,
    pub summary: RunSummary,
    pub cancelled: bool,
    pub journal_errors: Vec<String>,
}

pub async fn execute(
    client: &dyn PlatformClient,
    prepared: &Prepared,
    options: ExecuteOptions,
    started: Instant,
) -> Result<Run> {
    let events = &options.apply.events;
    client.set_events(events.clone());
    let plan = &prepared.plan;
    events.emit(Event::Phase { phase: Phase::Apply });
    let batches = client.batches(&plan.changes);
    let applied = apply::run(client, &plan.changes, batches, &options.apply, options.journal.as_ref()).await;
    let mut journal_errors = applied.journal_errors.clone();
    events.emit(Event::Phase { phase: Phase::Verify });
    let mut states = verify::collect(&plan.changes, &applied);
    verify::read_back(client, &plan.changes, &mut states).await?;

    // Second chance, once: items that failed inside an accepted call (CXone's 200 with a failed
    // item), or were accepted but did not land, are re-planned from what the platform now holds.
    if !applied.cancelled {
        let again: Vec<usize> = (0..plan.changes.len())
            .filter(|&i| {
                let s = &states[i];
                s.attempted && !s.call_failed && !s.reached(plan.changes[i].target) && s.after.is_some()
            })
            .collect();
        if !again.is_empty() {
            events
                .emit(Event::Note { message: format!("{} item(s) did not land; sending them once more", again.len()) });
            let retry: Vec<Change> = again
                .iter()
                .map(|&i| Change { before: states[i].after.flatten(), ..plan.changes[i].clone() })
                .collect();
            let batches = client.batches(&retry);
            let second = apply::run(client, &retry, batches, &options.apply, options.journal.as_ref()).await;
            journal_errors.extend(second.journal_errors.iter().cloned());
            let mut s2 = verify::collect(&retry, &second);
            verify::read_back(client, &retry, &mut s2).await?;
            for (k, &i) in again.iter().enumerate() {
                let s = &mut states[i];
                s.correlation_ids.extend(s2[k].correlation_ids.iter().cloned());
                s.errors.extend(s2[k].errors.iter().cloned());
                if s2[k].attempted {
                    s.after = s2[k].after.or(s.after);
                    s.accepted = s2[k].accepted;
                }
            }
        }
    }

    events.emit(Event::Phase { phase: Phase::Report });
    let mut rows = verify::results(plan, &states, applied.cancelled);
    if let Some(prev) = &options.previous {
        merge_previous(&mut rows, plan, prev);
    }
    if let Some(j) = &options.journal {
        if !applied.cancelled {
            if let Err(e) = j.finish() {
                journal_errors.push(e.to_string());
            }
        }
    }
    let summary = RunSummary::from_rows(&rows, client.counts(), started.elapsed().as_millis() as u64);
    Ok(Run { rows, summary, cancelled: applied.cancelled, journal_errors })
}

/// After `--resume`: rows the interrupted run already changed now plan as unchanged. Report them
/// as what they were — added or updated, with the original before value and correlation ids.
fn merge_previous(rows: &mut [RowResult], plan: &Plan, prev: &Previous) {
    let by_line: HashMap<usize, &crate::model::PlanRow> = plan.rows.iter().map(|r| (r.line, r)).collect();
    for r in rows.iter_mut().filter(|r| r.outcome == Outcome::Unchanged) {
        let (Some(a), Some(s)) = (&r.agent_id, &r.skill_id) else { continue };
        let Some(p) = prev.items.get(&(a.clone(), s.clone())) else { continue };
        if !p.accepted || !verify::reaches(r.after, p.target) {
            continue;
        }
        if by_line.get(&r.line).is_some_and(|pr| pr.action != Action::Unchanged || pr.problem.is_some()) {
            continue;
        }
        r.outcome = match (p.target, p.before) {
            (Target::Remove, _) => Outcome::Removed,
            (Target::Set(_), None) => Outcome::Added,
            (Target::Set(_), Some(_)) => Outcome::Updated,
        };
        r.before = p.before;
        r.correlation_ids = p.correlation_ids.clone();
    }
}

/// Writes the report files (the given path's format, the two others beside it, the undo file).
pub fn write_report(
    path: &Path,
    client_kind: PlatformKind,
    tenant: &str,
    feed: &Path,
    run: &Run,
) -> Result<Vec<PathBuf>> {
    let name = feed.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let report = Report {
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        platform: client_kind,
        tenant: tenant.to_string(),
        feed: name,
        summary: run.summary,
        rows: run.rows.clone(),
    };
    crate::report::write_all(path, &report)
}

/// The journal's identity of this job.
pub fn job_id(platform: PlatformKind, tenant: &str, feed: &LoadedFeed) -> JobId {
    JobId::new(platform, tenant, &feed.bytes_sha_input, &feed.mapping.to_toml())
}

/// Exit code per the CLI contract: 0 all valid rows done (or nothing to do), 1 some failed,
/// 2 nothing valid to send at all.
pub fn exit_code(summary: &RunSummary, cancelled: bool) -> i32 {
    if summary.failed > 0 || cancelled {
        1
    } else if summary.rows > 0 && summary.invalid == summary.rows {
        2
    } else {
        0
    }
}

/// Plan counts in the run summary's shape (for `plan --json`).
pub fn plan_summary(prepared: &Prepared, elapsed_ms: u64) -> RunSummary {
    let s = &prepared.plan.summary;
    RunSummary {
        rows: s.rows,
        invalid: s.invalid,
        unchanged: s.unchanged,
        added: s.add,
        updated: s.update,
        removed: s.remove,
        failed: 0,
        verified: 0,
        requests: RequestCounts { read: prepared.reads, ..Default::default() },
        elapsed_ms,
    }
}
