//! Plan, apply and results: the engine's `prepare` and `execute` with the app's progress channel,
//! pause and cancel, a journal per job, and every finished run written to its own folder.

use super::{page, Desk, Selector};
use crate::dto::{
    ApplyInput, Estimate, MappingInput, PlanOptionsInput, PlanRowPage, PlanRowView, PlanView, RowQuery, RunRowPage,
    RunRowView, RunView, Unresolved,
};
use crate::error::{codes, UiError, UiResult};
use skillsync_core::apply::{ApplyOptions, Control};
use skillsync_core::approval::{self, SavedPlan};
use skillsync_core::job::{self, ExecuteOptions, LoadedFeed, Prepared, Run};
use skillsync_core::journal::{self, JobId, Journal};
use skillsync_core::mapping::Mapping;
use skillsync_core::plan::PlanOptions;
use skillsync_core::platform::{self, HttpSettings, PlatformClient};
use skillsync_core::{Error, Events, PlatformKind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// A plan the user has seen, with what the apply needs to send exactly it.
pub struct Planned {
    pub profile: String,
    pub tenant: String,
    pub client: Arc<dyn PlatformClient>,
    /// Where the plan came from: a feed planned here, or a saved plan opened for approval.
    pub source: PlanSource,
    pub prepared: Prepared,
    pub job_id: JobId,
    pub journal_path: PathBuf,
    /// The options it was planned with, for a re-plan after a fix.
    pub options: PlanOptions,
    /// The tenant's address, part of the job id.
    pub base_url: String,
    /// Who the tenant's ids are, for every screen that lists rows.
    pub names: Arc<Names>,
    /// The run whose undo file is the feed (a rollback), if it is one.
    pub rollback_of: Option<String>,
}

/// The tenant's agents and skills by id, read once with the plan: rows show people and skills by
/// name even when the feed (an undo file) names them by id.
pub use skillsync_core::report::Names;

pub enum PlanSource {
    Feed { loaded: Box<LoadedFeed>, options: PlanOptions },
    Approved(Box<SavedPlan>),
}

impl PlanSource {
    /// The feed the report and the history name.
    pub fn feed_path(&self) -> PathBuf {
        match self {
            PlanSource::Feed { loaded, .. } => loaded.path.clone(),
            PlanSource::Approved(saved) => PathBuf::from(&saved.feed.name),
        }
    }
}

/// The last finished run.
pub struct Finished {
    pub id: String,
    pub names: Arc<Names>,
    pub platform: PlatformKind,
    pub tenant: String,
    pub feed: PathBuf,
    pub run: Arc<Run>,
    pub report_files: Vec<String>,
}

/// Removals listed by name on the Plan screen and in Apply's confirmation.
const REMOVALS_SHOWN: usize = 200;

fn plan_row_view(r: &skillsync_core::PlanRow, names: &Names) -> PlanRowView {
    PlanRowView {
        line: r.line,
        agent: r.agent.to_string(),
        skill: r.skill.to_string(),
        agent_label: names.agent(r.agent_id.as_deref()),
        skill_label: names.skill(r.skill_id.as_deref(), &r.skill),
        before: r.before,
        requested: r.requested,
        action: r.action.into(),
        problem: r.problem.as_ref().map(|p| super::feed::app_words(&p.message)),
    }
}

/// Runs file and parsing work on a blocking thread, off the async workers that keep the window's
/// other commands and the run's calls moving.
pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Error> + Send + 'static) -> UiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Input(format!("the background task stopped: {e}")))?
        .map_err(Into::into)
}

impl Desk {
    /// Reads the tenant and diffs the open feed against it under `mapping`. Nothing is written.
    pub async fn plan(
        &self,
        profile: &str,
        mapping: &MappingInput,
        options: PlanOptionsInput,
        events: Events,
    ) -> UiResult<PlanView> {
        let _busy = self.begin("a plan")?;
        let started = Instant::now();
        let feed = self.current_feed()?;
        let (conn, tenant) = self.connection(profile).await?;
        let kind = conn.platform;
        let mapping = Mapping::from(mapping);
        let loaded =
            blocking(move || LoadedFeed::new(&feed.path, feed.digest.clone(), &feed.table, mapping, kind)).await?;
        let client = platform::client(&conn, HttpSettings::default())?;
        let mut plan_options = PlanOptions::for_platform(kind);
        plan_options.allow_remove = options.allow_remove || options.remove_unlisted;
        plan_options.remove_unlisted = options.remove_unlisted;

        let cancel = CancellationToken::new();
        *self.plan_cancel.lock() = Some(cancel.clone());
        let prepared = tokio::select! {
            p = job::prepare(client.as_ref(), &loaded.feed, &plan_options, &events) => p,
            _ = cancel.cancelled() => Err(Error::Cancelled),
        };
        *self.plan_cancel.lock() = None;
        let prepared = prepared?;

        let job_id = job::job_id(kind, &conn.base_url, &loaded);
        let names = Arc::new(Names::all(&prepared.snapshot));
        let planned = Planned {
            profile: profile.to_string(),
            tenant,
            client,
            source: PlanSource::Feed { loaded: Box::new(loaded), options: plan_options.clone() },
            prepared,
            journal_path: self.paths.journals().join(format!("{}.jsonl", job_id.file_stem())),
            job_id,
            options: plan_options,
            base_url: conn.base_url.clone(),
            names,
            rollback_of: self.rollback_of.lock().clone(),
        };
        self.keep_plan(planned, started, false).await
    }

    /// Plans the open feed again under `mapping` (a name fixed or excluded on the Plan screen)
    /// against the tenant the last plan read: no request is made, so the answer is immediate.
    pub async fn replan(&self, mapping: &MappingInput) -> UiResult<PlanView> {
        let _busy = self.begin("a plan")?;
        let started = Instant::now();
        let last = self.plan.lock().clone().ok_or_else(UiError::no_plan)?;
        if matches!(last.source, PlanSource::Approved(_)) {
            return Err(Error::Config(
                "an approved plan is applied exactly as it was approved: fix names in the feed's own plan and save it for approval again".into(),
            )
            .into());
        }
        let feed = self.current_feed()?;
        let kind = last.client.kind();
        let mapping = Mapping::from(mapping);
        let loaded =
            blocking(move || LoadedFeed::new(&feed.path, feed.digest.clone(), &feed.table, mapping, kind)).await?;
        let snapshot = last.prepared.snapshot.clone();
        let plan = skillsync_core::plan::build(kind, &loaded.feed, &snapshot, &last.options);
        let client = last.client.clone();
        let estimate = job::estimate(client.as_ref(), &plan, &snapshot);
        let prepared = Prepared { plan, snapshot, estimate, reads: last.prepared.reads };
        let job_id = job::job_id(kind, &last.base_url, &loaded);
        let planned = Planned {
            profile: last.profile.clone(),
            tenant: last.tenant.clone(),
            client,
            source: PlanSource::Feed { loaded: Box::new(loaded), options: last.options.clone() },
            prepared,
            journal_path: self.paths.journals().join(format!("{}.jsonl", job_id.file_stem())),
            job_id,
            options: last.options.clone(),
            base_url: last.base_url.clone(),
            names: last.names.clone(),
            rollback_of: last.rollback_of.clone(),
        };
        self.keep_plan(planned, started, true).await
    }

    /// Records `planned` as the plan Apply sends, and answers what the Plan screen shows.
    pub(super) async fn keep_plan(&self, planned: Planned, started: Instant, replanned: bool) -> UiResult<PlanView> {
        // An unfinished journal of this very job: the last apply was cut off.
        let resumable = {
            let (path, id) = (planned.journal_path.clone(), planned.job_id.clone());
            blocking(move || Ok(path.exists() && journal::read(&path, &id).is_ok_and(|p| !p.finished))).await?
        };
        let prepared = &planned.prepared;
        let plan = &prepared.plan;
        let u = &plan.unresolved;
        let names = |v: &[skillsync_core::plan::UnresolvedName]| v.iter().map(Into::into).collect();
        let removals = plan
            .rows
            .iter()
            .filter(|r| r.action == skillsync_core::Action::Remove)
            .take(REMOVALS_SHOWN)
            .map(|r| plan_row_view(r, &planned.names))
            .collect();
        let view = PlanView {
            profile: planned.profile.clone(),
            platform: planned.client.kind().into(),
            tenant: planned.tenant.clone(),
            summary: (&plan.summary).into(),
            estimate: Estimate {
                writes: prepared.estimate.writes,
                verify_reads: prepared.estimate.verify_reads,
                rate_per_minute: prepared.estimate.rate_per_minute,
                seconds: prepared.estimate.seconds,
            },
            unresolved: Unresolved {
                unknown_skills: names(&u.unknown_skills),
                unknown_agents: names(&u.unknown_agents),
                inactive_skills: names(&u.inactive_skills),
                inactive_agents: names(&u.inactive_agents),
                ambiguous_agents: names(&u.ambiguous_agents),
                ambiguous_skills: names(&u.ambiguous_skills),
            },
            reads: if replanned { 0 } else { prepared.reads },
            elapsed_ms: started.elapsed().as_millis() as u64,
            resumable,
            removals,
            replanned,
            approved: None,
        };
        *self.plan.lock() = Some(Arc::new(planned));
        Ok(view)
    }

    pub fn plan_rows(&self, q: &RowQuery) -> UiResult<PlanRowPage> {
        let planned = self.plan.lock().clone().ok_or_else(UiError::no_plan)?;
        let wanted = Selector::new(q);
        let rows =
            planned.prepared.plan.rows.iter().filter(|r| wanted.selects(r.action.as_str(), &[&r.agent, &r.skill]));
        let (total, rows) = page(rows, q.offset, q.limit);
        Ok(PlanRowPage { total, rows: rows.into_iter().map(|r| plan_row_view(r, &planned.names)).collect() })
    }

    /// Sends the plan last made, verifies every row, writes the run's report, undo file and
    /// history entry, and returns the run. The plan is spent: applying again needs a new plan.
    pub async fn apply(&self, input: ApplyInput, events: Events) -> UiResult<RunView> {
        let _busy = self.begin("an apply")?;
        let planned = self.plan.lock().clone().ok_or_else(UiError::no_plan)?;
        let started_at = chrono::Utc::now();
        let started = Instant::now();
        let summary = &planned.prepared.plan.summary;
        if summary.remove > 0 && !input.confirm_remove {
            return Err(Error::Config(format!(
                "this plan removes {} skill assignment(s): confirm the removal to apply it",
                summary.remove
            ))
            .into());
        }
        // Never trusted, however recent: every pair the plan changes must still hold its before
        // value, or nothing is sent.
        let size = match &planned.source {
            PlanSource::Approved(saved) => Some(saved.tenant_size),
            PlanSource::Feed { .. } => None,
        };
        events.emit(skillsync_core::Event::Note { message: "checking that the tenant still matches the plan".into() });
        let drifted = approval::drift(planned.client.as_ref(), &planned.prepared.plan, size).await?;
        if !drifted.is_empty() {
            return Err(UiError::new(codes::PLAN_DRIFTED, approval::drift_message(&drifted)));
        }
        let writes = planned.prepared.estimate.writes;
        events.emit(skillsync_core::Event::Note { message: sending_note(writes) });
        let (path, id, resume) = (planned.journal_path.clone(), planned.job_id.clone(), input.resume);
        let (journal, previous) = blocking(move || {
            Ok(if resume {
                let (j, p) = Journal::resume(&path, &id)?;
                (Some(j), Some(p))
            } else if writes > 0 {
                (Some(Journal::create(&path, &id)?), None)
            } else {
                (None, None)
            })
        })
        .await?;
        let control = Control::default();
        *self.control.lock() = Some(control.clone());
        let id = super::history::new_run_id(started_at);
        let dir = self.paths.runs().join(&id);
        // The run's undo file is kept as calls go out, so it exists even if the app stops mid-run.
        let undo = journal.as_ref().map(|_| skillsync_core::report::undo_path(&dir.join("report.html")));
        let options = ExecuteOptions {
            apply: ApplyOptions { control, events, ..ApplyOptions::default() },
            journal,
            previous,
            undo,
        };
        let run = job::execute(planned.client.as_ref(), &planned.prepared, options, started).await;
        *self.control.lock() = None;
        let run = run?;
        // Spent either way: what was sent changed the tenant the plan was made against.
        *self.plan.lock() = None;

        let kind = planned.client.kind();
        let run = Arc::new(run);
        let feed_path = planned.source.feed_path();
        let files = {
            let (path, tenant, feed, run) =
                (dir.join("report.html"), planned.tenant.clone(), feed_path.clone(), run.clone());
            blocking(move || job::write_report(&path, kind, &tenant, &feed, &run)).await?
        };
        let report_files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        let mut summary: crate::dto::RunSummary = (&run.summary).into();
        summary.skipped = run.rows.iter().filter(|r| r.outcome == skillsync_core::Outcome::Skipped).count();
        let view = RunView {
            id: id.clone(),
            summary,
            cancelled: run.cancelled,
            exit_code: job::exit_code(&run.summary, run.cancelled),
            report_files: report_files.clone(),
            journal_errors: run.journal_errors.clone(),
        };
        let lineage = super::history::Lineage {
            job: planned.job_id.file_stem(),
            resumed: input.resume,
            rollback_of: planned.rollback_of.clone(),
        };
        super::history::record(&dir, &id, started_at, &planned.profile, kind, &feed_path, &view, lineage)?;
        *self.run.lock() = Some(Arc::new(Finished {
            id,
            names: planned.names.clone(),
            platform: kind,
            tenant: planned.tenant.clone(),
            feed: feed_path,
            run,
            report_files,
        }));
        Ok(view)
    }

    pub fn pause_run(&self) {
        if let Some(c) = self.control.lock().as_ref() {
            c.pause();
        }
    }

    pub fn resume_run(&self) {
        if let Some(c) = self.control.lock().as_ref() {
            c.resume();
        }
    }

    /// Cancels the apply in flight (calls already sent finish and are verified) or the plan's reads.
    pub fn cancel_run(&self) {
        if let Some(c) = self.control.lock().as_ref() {
            c.cancel();
        }
        if let Some(c) = self.plan_cancel.lock().as_ref() {
            c.cancel();
        }
    }

    pub fn run_rows(&self, q: &RowQuery) -> UiResult<RunRowPage> {
        let finished = self.run.lock().clone().ok_or_else(UiError::no_run)?;
        let wanted = Selector::new(q);
        let rows = finished
            .run
            .rows
            .iter()
            .filter(|r| wanted.selects(skillsync_core::report::outcome_str(r.outcome), &[&r.agent, &r.skill]));
        let (total, rows) = page(rows, q.offset, q.limit);
        Ok(RunRowPage {
            total,
            rows: rows
                .into_iter()
                .map(|r| RunRowView {
                    line: r.line,
                    agent: r.agent.to_string(),
                    skill: r.skill.to_string(),
                    agent_label: finished.names.agent(r.agent_id.as_deref()),
                    skill_label: finished.names.skill(r.skill_id.as_deref(), &r.skill),
                    before: r.before,
                    requested: r.requested,
                    after: r.after,
                    outcome: r.outcome.into(),
                    error: r.error.as_deref().map(super::feed::app_words),
                    correlation_ids: r.correlation_ids.clone(),
                })
                .collect(),
        })
    }

    /// Writes the last run's report where the user chose in the save dialog (its format by
    /// extension), with the two other formats and the undo file beside it.
    pub fn save_report(&self, path: &std::path::Path) -> UiResult<Vec<String>> {
        let f = self.run.lock().clone().ok_or_else(UiError::no_run)?;
        self.check_write(path)?;
        let files = job::write_report(path, f.platform, &f.tenant, &f.feed, &f.run)?;
        Ok(files.iter().map(|p| p.display().to_string()).collect())
    }

    /// The last run, for a window that reloads.
    pub fn last_run_id(&self) -> Option<String> {
        self.run.lock().as_ref().map(|f| f.id.clone())
    }
}

/// The line that follows the drift check in the run's events, so the log never ends on "checking".
fn sending_note(writes: u64) -> String {
    match writes {
        0 => "the tenant still matches the plan: nothing to send".into(),
        1 => "the tenant still matches the plan: sending 1 request".into(),
        n => format!("the tenant still matches the plan: sending {n} requests"),
    }
}
