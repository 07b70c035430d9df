//! The whole job as two calls both faces share: `prepare` (read the feed, read the tenant, plan;
//! nothing is written) and `execute` (apply, verify, second chance, report). The CLI prints what
//! they return; the app streams their events.

use crate::apply::{self, ApplyOptions};
use crate::error::Result;
use crate::events::{Event, Events, Phase};
use crate::import::{FeedDigest, Table};
use crate::journal::{JobId, Journal, Previous};
use crate::mapping::Mapping;
use crate::model::{Change, Feed, Outcome, PlatformKind, RequestCounts, RowResult, Snapshot, Target};
use crate::plan::{self, Plan, PlanOptions};
use crate::platform::PlatformClient;
use crate::report::{Report, RunSummary};
use crate::verify;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
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
    /// SHA-256 of the feed (its bytes, and the sheet read for a workbook), hashed into the job id;
    /// the bytes are not kept.
    pub digest: FeedDigest,
}

/// Reads and maps a feed: local work only, nothing is sent.
pub fn load_feed(path: &Path, mapping: Option<Mapping>, platform: PlatformKind) -> Result<LoadedFeed> {
    let (digest, table) = crate::import::read_file(path)?;
    let mapping = match mapping {
        Some(m) => m,
        None => Mapping::detect(&table)?,
    };
    LoadedFeed::new(path, digest, &table, mapping, platform)
}

impl LoadedFeed {
    /// A feed already read into `table` (from bytes whose digest is `digest`), mapped for
    /// `platform`; the mapping must fit the table's columns.
    pub fn new(
        path: &Path,
        digest: FeedDigest,
        table: &Table,
        mapping: Mapping,
        platform: PlatformKind,
    ) -> Result<Self> {
        mapping.check(table, platform)?;
        Ok(LoadedFeed {
            path: path.to_path_buf(),
            feed: mapping.apply(table, platform),
            encoding: table.encoding.to_string(),
            delimiter: table.delimiter as char,
            mapping,
            digest,
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
    let snapshot = read_tenant(client, events).await?;
    Ok(plan_against(client, feed, snapshot, options, events))
}

/// Connects and reads what the tenant has now: the first half of [`prepare`].
pub async fn read_tenant(client: &dyn PlatformClient, events: &Events) -> Result<Snapshot> {
    events.emit(Event::Phase { phase: Phase::Connect });
    client.connect().await?;
    events.emit(Event::Phase { phase: Phase::Read });
    client.snapshot(events).await
}

/// Plans `feed` against a tenant already read: the second half of [`prepare`].
pub fn plan_against(
    client: &dyn PlatformClient,
    feed: &Feed,
    snapshot: Snapshot,
    options: &PlanOptions,
    events: &Events,
) -> Prepared {
    events.emit(Event::Phase { phase: Phase::Plan });
    let plan = plan::build(client.kind(), feed, &snapshot, options);
    prepared(client, plan, snapshot)
}

/// [`plan_against`] for a feed that is not needed afterwards ([`plan::build_owned`]): the feed's
/// memory goes back while the plan is built.
pub fn plan_against_owned(
    client: &dyn PlatformClient,
    feed: Feed,
    snapshot: Snapshot,
    options: &PlanOptions,
    events: &Events,
) -> Prepared {
    events.emit(Event::Phase { phase: Phase::Plan });
    let plan = plan::build_owned(client.kind(), feed, &snapshot, options);
    prepared(client, plan, snapshot)
}

fn prepared(client: &dyn PlatformClient, plan: Plan, snapshot: Snapshot) -> Prepared {
    let estimate = estimate(client, &plan, &snapshot);
    Prepared { plan, snapshot, estimate, reads: client.counts().read }
}

/// Reads the tenant while `load` maps the feed on a blocking thread. The loader calls
/// [`Accepted::accept`] once the file is read and its mapping fits it (the errors a feed can still
/// give); only then does the tenant's read start, so a feed that cannot be used sends nothing, not
/// even a read. Mapping a million rows and reading the tenant then go side by side, and the plan
/// starts after the longer of them. A loader's error wins over anything the tenant says and is
/// reported as soon as it is known (a read under way is dropped).
pub async fn load_while_reading<T: Send + 'static>(
    client: &dyn PlatformClient,
    load: impl FnOnce(Accepted) -> Result<T> + Send + 'static,
    events: &Events,
) -> Result<(T, Snapshot)> {
    let (accept, accepted) = tokio::sync::oneshot::channel();
    let loading = tokio::task::spawn_blocking(move || load(Accepted(accept)));
    // `None`: the loader ended without accepting, and nothing was read.
    let tenant = async {
        match accepted.await {
            Ok(()) => Some(read_tenant(client, events).await),
            Err(_) => None,
        }
    };
    tokio::pin!(loading, tenant);
    let mut read = None;
    let loaded = loop {
        tokio::select! {
            loaded = &mut loading => {
                // A panic in the loader is the loader's, as if it had run here.
                break loaded.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
            }
            r = &mut tenant, if read.is_none() => read = Some(r),
        }
    };
    let read = match read {
        Some(r) => r,
        None => tenant.await,
    };
    let snapshot = match read {
        Some(r) => r?,
        None => read_tenant(client, events).await?,
    };
    Ok((loaded, snapshot))
}

/// Handed to the loader of [`load_while_reading`]: says the feed can be used, so the tenant's
/// read may start. A loader that returns without calling it has the tenant read after it.
pub struct Accepted(tokio::sync::oneshot::Sender<()>);

impl Accepted {
    pub fn accept(self) {
        // The receiver is gone only when the job is being dropped: nothing to start then.
        let _ = self.0.send(());
    }
}

/// What applying `plan` will cost against the tenant in `snapshot`.
pub fn estimate(client: &dyn PlatformClient, plan: &Plan, snapshot: &Snapshot) -> Estimate {
    let writes = client.batches(&plan.changes).len() as u64;
    let verify_reads = if client.kind() == PlatformKind::Cxone {
        let pairs: Vec<(&str, &str)> =
            plan.changes.iter().map(|c| (c.agent_id.as_str(), c.skill_id.as_str())).collect();
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
    /// The undo file to keep as calls go out (the report's `<stem>.undo.csv`), so it exists even
    /// if the run never gets to its report. Needs `journal`.
    pub undo: Option<PathBuf>,
}

/// The finished run.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub rows: Vec<RowResult>,
    /// What the platform calls the agents and skills the rows name (for the undo file and the
    /// screens, also when the feed named them by id).
    pub names: crate::report::Names,
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
    let control = &options.apply.control;
    client.set_events(events.clone());
    client.set_cancel(control.token());
    let plan = &prepared.plan;
    events.emit(Event::Phase { phase: Phase::Apply });
    if let (Some(j), Some(path)) = (options.journal.as_ref(), options.undo.as_deref()) {
        let names = crate::report::Names::of_changes(&plan.changes, &prepared.snapshot);
        j.keep_undo(crate::report::LiveUndo::create(path, names)?, options.previous.as_ref())?;
    }
    let batches = client.batches(&plan.changes);
    let applied = apply::run(client, &plan.changes, batches, &options.apply, options.journal.as_ref()).await;
    let mut journal_errors = applied.journal_errors.clone();
    events.emit(Event::Phase { phase: Phase::Verify });
    let mut states = verify::collect(&plan.changes, &applied);
    verify::read_back(client, &plan.changes, &mut states).await?;
    let mut cancelled = applied.cancelled;

    // Items that failed inside an accepted call (CXone's 200 with a failed item), or were accepted
    // but did not land, go again — re-planned from what the read-back shows, with backoff, within
    // the same retry budget a failed call gets.
    let budget = client.session().settings().max_retries;
    let mut round = 0;
    while !cancelled && round < budget {
        let again: Vec<usize> = (0..plan.changes.len())
            .filter(|&i| {
                let s = &states[i];
                s.attempted && !s.call_failed && !s.reached(plan.changes[i].target) && s.after.is_some()
            })
            .collect();
        if again.is_empty() {
            break;
        }
        round += 1;
        events.emit(Event::Note {
            message: format!("{} item(s) did not land; sending them again (round {round} of {budget})", again.len()),
        });
        if client.session().wait_until(crate::bounded::from_now(round_backoff(client, round))).await.is_err() {
            cancelled = true;
            break;
        }
        let retry: Vec<Change> = again
            .iter()
            .map(|&i| {
                let now = states[i].after.flatten();
                let c = &plan.changes[i];
                Change {
                    before: now,
                    active: if now.is_some() { states[i].active.or(c.active) } else { None },
                    ..c.clone()
                }
            })
            .collect();
        let batches = client.batches(&retry);
        let next = apply::run(client, &retry, batches, &options.apply, options.journal.as_ref()).await;
        journal_errors.extend(next.journal_errors.iter().cloned());
        cancelled |= next.cancelled;
        let mut s2 = verify::collect(&retry, &next);
        verify::read_back(client, &retry, &mut s2).await?;
        for (k, &i) in again.iter().enumerate() {
            states[i].absorb(&s2[k]);
        }
    }

    events.emit(Event::Phase { phase: Phase::Report });
    let mut rows = verify::results(plan, &states, cancelled);
    if let Some(prev) = &options.previous {
        merge_previous(&mut rows, plan, &prepared.snapshot, prev);
    }
    if let Some(j) = &options.journal {
        if !cancelled {
            if let Err(e) = j.finish() {
                journal_errors.push(e.to_string());
            }
        }
    }
    let summary = RunSummary {
        excluded: plan.summary.excluded,
        ..RunSummary::from_rows(&rows, client.counts(), started.elapsed().as_millis() as u64)
    };
    let names = crate::report::Names::of(&rows, &prepared.snapshot);
    Ok(Run { rows, names, summary, cancelled, journal_errors })
}

/// The pause before another round of failed items: doubling from the session's shortest backoff,
/// capped at its longest, with jitter so many clients do not retry in step.
fn round_backoff(client: &dyn PlatformClient, round: u32) -> std::time::Duration {
    use rand::Rng;
    let s = client.session().settings();
    let base = s.min_backoff.saturating_mul(1 << round.min(16)).min(s.max_backoff);
    base.mul_f64(rand::rng().random_range(0.5..1.0))
}

/// After `--resume`: the report and undo file cover every pair any attempt of the job changed.
/// Rows are matched to the journal by (agent, skill), never by line (a wide or packed line holds
/// many pairs). A pair the earlier attempt already changed plans as unchanged now: it is reported
/// as what it was, with the value before the job's first call. Pairs no row of this plan names
/// (removals of unlisted skills done before the crash) get rows of their own.
fn merge_previous(rows: &mut Vec<RowResult>, plan: &Plan, snapshot: &Snapshot, prev: &Previous) {
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (r, pr) in rows.iter_mut().zip(&plan.rows) {
        // Rows with a problem (invalid, or a duplicate of the pair's first row) never carry the
        // pair's change.
        let (Some(a), Some(s), None) = (&r.agent_id, &r.skill_id, &pr.problem) else { continue };
        let key = (a.to_string(), s.to_string());
        let Some(p) = prev.items.get(&key) else { continue };
        let first_row_of_pair = seen.insert(key);
        match r.outcome {
            // Done by an earlier attempt: a call carried the pair (whatever its answer said: a
            // write can land and its answer be lost) and the platform now holds the target.
            Outcome::Unchanged if first_row_of_pair && verify::reaches(r.after, p.target) => {
                r.outcome = outcome_of(p.target, p.before);
                r.before = p.before;
                r.correlation_ids = p.correlation_ids.clone();
                r.attempts += p.calls;
            }
            Outcome::Added | Outcome::Updated | Outcome::Removed => {
                r.outcome = outcome_of(p.target, p.before);
                r.before = p.before;
                r.correlation_ids.splice(0..0, p.correlation_ids.iter().cloned());
                r.attempts += p.calls;
            }
            Outcome::Failed | Outcome::Skipped => {
                r.before = p.before;
                r.correlation_ids.splice(0..0, p.correlation_ids.iter().cloned());
                r.attempts += p.calls;
            }
            _ => {}
        }
    }
    let agents: HashMap<&str, &crate::model::Agent> = snapshot.agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let skills: HashMap<&str, &str> = snapshot.skills.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let mut extra: Vec<RowResult> = prev
        .items
        .iter()
        .filter(|(key, _)| !seen.contains(*key))
        .filter_map(|((a, s), p)| {
            let now = snapshot.assignments.get(&(a.clone(), s.clone())).copied();
            if !verify::reaches(now, p.target) {
                return None;
            }
            let agent =
                agents.get(a.as_str()).map(|x| if x.email.is_empty() { x.username.clone() } else { x.email.clone() });
            Some(RowResult {
                line: 0,
                agent: agent.unwrap_or_else(|| a.clone()).into(),
                skill: skills.get(s.as_str()).map_or_else(|| s.into(), |&n| n.into()),
                agent_id: Some(a.into()),
                skill_id: Some(s.into()),
                before: p.before,
                requested: match p.target {
                    Target::Set(v) => Some(v),
                    Target::Remove => None,
                },
                after: now,
                outcome: outcome_of(p.target, p.before),
                error: None,
                correlation_ids: p.correlation_ids.clone(),
                attempts: p.calls,
            })
        })
        .collect();
    if !extra.is_empty() {
        extra.sort_by(|x, y| (&x.agent_id, &x.skill_id).cmp(&(&y.agent_id, &y.skill_id)));
        rows.extend(extra);
        rows.sort_by_key(|r| r.line);
    }
}

fn outcome_of(target: Target, before: Option<f64>) -> Outcome {
    match (target, before) {
        (Target::Remove, _) => Outcome::Removed,
        (Target::Set(_), None) => Outcome::Added,
        (Target::Set(_), Some(_)) => Outcome::Updated,
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
        names: run.names.clone(),
    };
    crate::report::write_all(path, &report)
}

/// The journal's identity of this job.
pub fn job_id(platform: PlatformKind, tenant: &str, feed: &LoadedFeed) -> JobId {
    JobId::from_digest(platform, tenant, &feed.digest, &feed.mapping.to_toml())
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
        excluded: s.excluded,
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
