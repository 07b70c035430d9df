//! `plan`, `apply` and `export`: connect, run the engine's job, print the result.

use crate::args::{ApplyArgs, ExportArgs, FeedArgs, PlanArgs};
use crate::connect;
use crate::print;
use skillsync_core::apply::{ApplyOptions, Control};
use skillsync_core::approval::SavedPlan;
use skillsync_core::export::{self, ExportOptions};
use skillsync_core::import::{self, ReadOptions};
use skillsync_core::job::{self, Accepted, ExecuteOptions, LoadedFeed, Prepared};
use skillsync_core::journal::{self, JobId, Journal, Previous};
use skillsync_core::mapping::Mapping;
use skillsync_core::plan::PlanOptions;
use skillsync_core::platform::{self, PlatformClient};
use skillsync_core::{Error, Events, PlatformKind, Result};
use std::io::{BufRead, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::time::Instant;

/// Reads the feed (the sheet asked for, when a workbook) and maps it, as `job::load_feed` does;
/// `accepted` is told once the file is read and the mapping fits it.
fn load(feed: &FeedArgs, platform: PlatformKind, accepted: Accepted) -> Result<LoadedFeed> {
    let path = feed
        .feed
        .as_deref()
        .ok_or_else(|| Error::Config("give a feed file (or --plan PLAN.json to apply a saved plan)".into()))?;
    let mapping = feed.mapping.as_deref().map(Mapping::load).transpose()?;
    let options = ReadOptions { sheet: feed.sheet.clone() };
    let (digest, table) = import::read_file_with(path, &options)?;
    let mapping = match mapping {
        Some(m) => m,
        None => Mapping::detect(&table)?,
    };
    if let (Some(w), false) = (&table.workbook, feed.json) {
        eprintln!("Reading sheet '{}' of {} (sheets: {})", w.sheet, path.display(), w.sheets.join(", "));
    }
    mapping.check(&table, platform)?;
    accepted.accept();
    LoadedFeed::new(path, digest, &table, mapping, platform)
}

fn plan_options(feed: &FeedArgs, platform: PlatformKind) -> PlanOptions {
    let mut o = PlanOptions::for_platform(platform);
    o.allow_remove = feed.allow_remove;
    o.remove_unlisted = feed.remove_unlisted;
    o
}

pub(crate) fn client(conn: &crate::args::ConnArgs) -> Result<(Arc<dyn PlatformClient>, connect::Resolved)> {
    let resolved = connect::resolve(conn)?;
    let client = platform::client(&resolved.connection, connect::settings(conn)?)?;
    Ok((client, resolved))
}

/// Loads the feed while the tenant is read, then plans: [`job::load_while_reading`]. The feed and
/// the plan are left to the operating system at exit (`ManuallyDrop`): freeing a million rows one
/// by one would only delay the end of the command.
async fn load_and_prepare(
    client: &dyn PlatformClient,
    feed: &FeedArgs,
    options: &PlanOptions,
) -> Result<(ManuallyDrop<LoadedFeed>, ManuallyDrop<Prepared>)> {
    let (args, kind) = (feed.clone(), client.kind());
    let progress = print::Progress::new(!feed.json);
    let events = progress.events();
    let loaded = job::load_while_reading(client, move |accepted| load(&args, kind, accepted), &events).await;
    let prepared = loaded.map(|(mut loaded, snapshot)| {
        // The rest of the command reads the feed's path, digest and mapping, never its records:
        // the plan takes them over and gives their memory back as it goes.
        let feed = std::mem::take(&mut loaded.feed);
        let prepared = job::plan_against_owned(client, feed, snapshot, options, &events);
        (ManuallyDrop::new(loaded), ManuallyDrop::new(prepared))
    });
    progress.finish();
    prepared
}

pub async fn plan(args: PlanArgs) -> Result<i32> {
    let started = Instant::now();
    if let Some(out) = &args.out {
        let inputs: Vec<&std::path::Path> =
            [args.feed.feed.as_deref(), args.feed.mapping.as_deref()].into_iter().flatten().collect();
        skillsync_core::files::check_output("--out", out, &inputs, "nothing was read or written")?;
        for copy in skillsync_core::report::plan_copy::copy_paths(out) {
            skillsync_core::files::check_output("--out", &copy, &inputs, "nothing was read or written")?;
        }
    }
    let (client, resolved) = client(&args.conn)?;
    let options = plan_options(&args.feed, client.kind());
    let (loaded, prepared) = load_and_prepare(client.as_ref(), &args.feed, &options).await?;
    if let Some(out) = &args.out {
        let base_url = &resolved.connection.base_url;
        let names = skillsync_core::report::Names::of_plan(&prepared.plan.rows, &prepared.snapshot);
        let saved = SavedPlan::new(client.kind(), base_url, &resolved.tenant, &loaded, &options, &prepared);
        let written = saved.save_for_approval(out, &names)?;
        if !args.feed.json {
            eprintln!("saved the plan for approval to {} (apply it with: skillsync apply --plan …)", out.display());
            let copies: Vec<String> = written[1..].iter().map(|p| p.display().to_string()).collect();
            eprintln!("  a readable copy for the approver: {}", copies.join(", "));
        }
    }
    let summary = job::plan_summary(&prepared, started.elapsed().as_millis() as u64);
    if args.feed.json {
        print::json_summary(&summary, None);
    } else {
        print::plan(&loaded, &prepared, &resolved.tenant);
    }
    Ok(if summary.rows > 0 && summary.invalid == summary.rows { 2 } else { 0 })
}

pub async fn apply(args: ApplyArgs) -> Result<i32> {
    if args.plan.is_some() {
        return crate::approved::apply(args).await;
    }
    let started = Instant::now();
    let (client, resolved) = client(&args.conn)?;
    let kind = client.kind();
    let (loaded, prepared) = load_and_prepare(client.as_ref(), &args.feed, &plan_options(&args.feed, kind)).await?;
    let job_id = job::job_id(kind, &resolved.connection.base_url, &loaded);
    let journal_path = match &args.journal {
        Some(p) => p.clone(),
        None => journal::default_path(&job_id)?,
    };
    // Read an interrupted run's journal before anything is sent, so a wrong one stops us early.
    let resumed = if args.resume {
        if !journal_path.exists() {
            return Err(Error::Journal(format!("nothing to resume: {} does not exist", journal_path.display())));
        }
        Some(Journal::resume(&journal_path, &job_id)?)
    } else {
        prior_run(&journal_path, &job_id, args.feed.json)?
    };
    if !args.feed.json {
        print::plan(&loaded, &prepared, &resolved.tenant);
    }
    let s = &prepared.plan.summary;
    if s.rows > 0 && s.invalid == s.rows {
        if args.feed.json {
            print::json_summary(&job::plan_summary(&prepared, started.elapsed().as_millis() as u64), None);
        }
        eprintln!("nothing valid to apply: every row is invalid (see the reasons above); nothing was sent");
        return Ok(2);
    }
    let mapping = args.feed.mapping.clone();
    let inputs: Vec<&std::path::Path> =
        [Some(loaded.path.as_path()), mapping.as_deref(), Some(journal_path.as_path())].into_iter().flatten().collect();
    if let Some(report) = &args.report {
        skillsync_core::report::check_outputs(report, &inputs)?;
    }
    let job = Job { client: client.as_ref(), tenant: &resolved.tenant, feed: &loaded.path, journal_path, job_id };
    send(&args, &job, &prepared, resumed, started).await
}

/// A plain apply over a journal an interrupted run of the same job left: that run is continued,
/// never replaced, so the report and the undo file cover what it changed too.
pub(crate) fn prior_run(path: &std::path::Path, job: &JobId, json: bool) -> Result<Option<(Journal, Previous)>> {
    Ok(match journal::prior(path, job)? {
        journal::Prior::Fresh => None,
        journal::Prior::Interrupted(j, p) => {
            if !json {
                eprintln!(
                    "an earlier run of this job was interrupted ({}): continuing it, so the report and the undo file cover what it changed",
                    path.display()
                );
            }
            Some((j, p))
        }
    })
}

/// What the sending part of an apply needs to know about the job.
pub(crate) struct Job<'a> {
    pub client: &'a dyn PlatformClient,
    /// How the tenant is named in the report.
    pub tenant: &'a str,
    /// The feed the report names.
    pub feed: &'a std::path::Path,
    pub journal_path: std::path::PathBuf,
    pub job_id: JobId,
}

/// Confirms, sends the prepared plan under a journal, verifies, writes the report and prints the
/// outcome: the part of an apply a feed and a saved plan share.
pub(crate) async fn send(
    args: &ApplyArgs,
    job: &Job<'_>,
    prepared: &Prepared,
    resumed: Option<(Journal, Previous)>,
    started: Instant,
) -> Result<i32> {
    let s = &prepared.plan.summary;
    if s.remove > 0
        && !args.confirm_remove
        && !confirm(&format!("This REMOVES {} skill assignment(s). Type 'remove' to confirm", s.remove), "remove")?
    {
        eprintln!("removal not confirmed: nothing was sent (pass --confirm-remove to confirm without a prompt)");
        return Ok(2);
    }
    let writes = prepared.estimate.writes;
    if writes > 0 && !args.yes && !confirm(&format!("Send {writes} write call(s)? [y/N]"), "y")? {
        eprintln!("not applied: nothing was sent (pass --yes to apply without a prompt)");
        return Ok(2);
    }
    let (journal, previous) = match resumed {
        Some((j, p)) => (Some(j), Some(p)),
        None if writes > 0 => (Some(Journal::create(&job.journal_path, &job.job_id)?), None),
        None => (None, None),
    };
    let control = Control::default();
    let ctrl_c = control.clone();
    let interactive = !args.feed.json;
    tokio::spawn(async move {
        // The first Ctrl-C stops sending and ends every wait at once; the calls already sent are
        // verified and the report lists what was skipped. A second one exits at once: the journal
        // already holds every call's intent, so `--resume` picks up from there.
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        ctrl_c.cancel();
        if interactive {
            eprintln!("\ncancelling: no new calls; verifying what was sent (Ctrl-C again to quit at once)");
        }
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nquit: resume later with --resume");
            std::process::exit(130);
        }
    });
    let progress = print::Progress::new(!args.feed.json);
    let options = ExecuteOptions {
        apply: ApplyOptions { concurrency: args.concurrency.max(1), control, events: progress.events() },
        undo: journal.as_ref().and(args.report.as_deref()).map(skillsync_core::report::undo_path),
        journal,
        previous,
    };
    let run = job::execute(job.client, prepared, options, started).await;
    progress.finish();
    let run = run?;
    for e in &run.journal_errors {
        eprintln!("warning: the journal could not be written ({e}): a crash now could not be resumed");
    }
    // The writes are sent: a report that cannot be written now is a failed run (exit 1), never
    // "nothing sent", and says where the record of what was sent is.
    let mut report_failed = false;
    let report = match &args.report {
        Some(path) => match job::write_report(path, job.client.kind(), job.tenant, job.feed, &run) {
            Ok(written) => {
                if !args.feed.json {
                    for p in &written {
                        eprintln!("wrote {}", p.display());
                    }
                }
                Some(path.display().to_string())
            }
            Err(e) => {
                report_failed = true;
                let undo = skillsync_core::report::undo_path(path);
                eprintln!(
                    "error [{}]: the changes were sent, but the report could not be written: {e}\n  undo file: {} ({})\n  journal: {} (run the same command again with --resume and another --report to write the report and the undo file from it)",
                    e.code(),
                    undo.display(),
                    if undo.is_file() { "written" } else { "not written" },
                    job.journal_path.display()
                );
                None
            }
        },
        None => None,
    };
    if args.feed.json {
        print::json_summary(&run.summary, report.as_deref());
    } else {
        print::run(&run, writes);
    }
    Ok(if report_failed { 1 } else { job::exit_code(&run.summary, run.cancelled) })
}

/// Asks on the terminal; without one the answer is no (use the flag instead).
fn confirm(question: &str, yes: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("{question} ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| Error::io("reading the answer", e))?;
    Ok(line.trim().eq_ignore_ascii_case(yes))
}

pub async fn export(args: ExportArgs) -> Result<i32> {
    let layout = args.layout.parse()?;
    let inputs: Vec<&std::path::Path> = args.agents.as_deref().into_iter().collect();
    skillsync_core::files::check_output("export", &args.out, &inputs, "nothing was read or written")?;
    let agents = args.agents.as_deref().map(export::read_agent_list).transpose()?;
    let (client, _) = client(&args.conn)?;
    client.connect().await?;
    let snapshot = client.snapshot(&Events::none()).await?;
    let n = export::write_feed(&args.out, &snapshot, &ExportOptions { layout, skills: args.skills.clone(), agents })?;
    eprintln!("wrote {} row(s) to {} ({} reads)", n, args.out.display(), client.counts().read);
    Ok(0)
}
