//! `apply --plan`: a plan saved for approval, applied exactly as saved — once a read-back shows the
//! tenant still holds every before value the plan was made against. Otherwise nothing is sent and
//! the exit code is 4, with every drifted pair listed.

use crate::args::ApplyArgs;
use crate::print;
use crate::run::{self, Job};
use skillsync_core::approval::{self, SavedPlan};
use skillsync_core::journal;
use skillsync_core::{job, Error, Event, Phase, Result};
use std::path::PathBuf;
use std::time::Instant;

/// The exit code of a saved plan that no longer matches the tenant (SPEC).
pub const DRIFTED: i32 = 4;

pub async fn apply(args: ApplyArgs) -> Result<i32> {
    let started = Instant::now();
    let path = args.plan.clone().ok_or_else(|| Error::Config("--plan PLAN.json is missing".into()))?;
    let saved = SavedPlan::load(&path)?;
    let (client, resolved) = run::client(&args.conn)?;
    saved.check_target(&resolved.connection)?;
    let json = args.feed.json;

    let progress = print::Progress::new(!json);
    let events = progress.events();
    let drifted = async {
        events.emit(Event::Phase { phase: Phase::Connect });
        client.connect().await?;
        events.emit(Event::Phase { phase: Phase::Read });
        approval::drift(client.as_ref(), &saved.plan, Some(saved.tenant_size)).await
    }
    .await;
    progress.finish();
    let drifted = drifted?;
    let prepared = saved.prepared(client.as_ref());
    if !json {
        print::saved_plan(&saved, &prepared, &path);
    }
    if !drifted.is_empty() {
        eprintln!("error [plan.drifted]: {}", approval::drift_message(&drifted));
        if json {
            let mut summary = job::plan_summary(&prepared, started.elapsed().as_millis() as u64);
            (summary.added, summary.updated, summary.removed) = (0, 0, 0);
            print::json_summary(&summary, None);
        }
        return Ok(DRIFTED);
    }
    let job_id = saved.job_id();
    let journal_path = match &args.journal {
        Some(p) => p.clone(),
        None => journal::default_path(&job_id)?,
    };
    if let Some(report) = &args.report {
        skillsync_core::report::check_outputs(report, &[path.as_path(), journal_path.as_path()])?;
    }
    let feed = PathBuf::from(&saved.feed.name);
    let job = Job { client: client.as_ref(), tenant: &resolved.tenant, feed: &feed, journal_path, job_id };
    let resumed = run::prior_run(&job.journal_path, &job.job_id, json)?;
    run::send(&args, &job, &prepared, resumed, started).await
}
