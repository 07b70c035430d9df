//! What a person sees: the plan, progress on a terminal (indicatif, on stderr), the run's outcome;
//! and the one JSON object scripts read.

use indicatif::{ProgressBar, ProgressStyle};
use skillsync_core::approval::SavedPlan;
use skillsync_core::job::{LoadedFeed, Prepared, Run};
use skillsync_core::model::{fmt_value, Action, Outcome};
use skillsync_core::report::RunSummary;
use skillsync_core::{Event, Events, Phase};
use std::io::IsTerminal;
use std::time::Duration;

/// Most rows listed on the terminal; the report has all of them.
const MAX_LISTED: usize = 20;

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A progress line on stderr when it is a terminal and output is for a person.
    pub fn new(enabled: bool) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new_spinner();
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Progress { bar }
    }

    pub fn events(&self) -> Events {
        let Some(bar) = self.bar.clone() else { return Events::none() };
        Events::new(move |e| match e {
            Event::Phase { phase } => {
                let what = match phase {
                    Phase::Connect => "connecting",
                    Phase::Read => "reading the current state",
                    Phase::Plan => "planning",
                    Phase::Apply => "applying",
                    Phase::Verify => "verifying",
                    Phase::Report => "reporting",
                };
                bar.set_message(what.to_string());
            }
            Event::Read { done, total } => {
                bar.set_message(format!("reading pages {done}/{}", total.map(|t| t.to_string()).unwrap_or("?".into())))
            }
            Event::Apply { done, failed, total, requests_per_minute, eta_seconds } => {
                if bar.length() != Some(total) {
                    bar.set_style(
                        ProgressStyle::with_template("{bar:30} {pos}/{len} rows  {msg}")
                            .unwrap_or(ProgressStyle::default_bar()),
                    );
                    bar.set_length(total);
                }
                bar.set_position(done);
                let eta = eta_seconds.map(|s| format!(", ETA {}s", s.round())).unwrap_or_default();
                bar.set_message(format!("{failed} failed, {requests_per_minute:.0} req/min{eta}"));
            }
            Event::Retry { method, path, status, attempt, wait_ms } => {
                bar.println(format!("  retry {attempt}: {method} {path} answered {status}; waiting {wait_ms} ms"))
            }
            Event::Throttled { wait_ms } => bar.println(format!("  throttled: everyone waits {wait_ms} ms")),
            Event::Note { message } => bar.println(format!("  {message}")),
        })
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

pub fn json_summary(s: &RunSummary, report: Option<&str>) {
    let v = serde_json::json!({
        "rows": s.rows,
        "invalid": s.invalid,
        "excluded": s.excluded,
        "unchanged": s.unchanged,
        "added": s.added,
        "updated": s.updated,
        "failed": s.failed,
        "verified": s.verified,
        "requests": {"read": s.requests.read, "write": s.requests.write, "retried": s.requests.retried, "throttled": s.requests.throttled},
        "elapsed_ms": s.elapsed_ms,
        "report": report,
    });
    println!("{v}");
}

fn v(x: Option<f64>) -> String {
    x.map(fmt_value).unwrap_or_else(|| "–".into())
}

pub fn plan(loaded: &LoadedFeed, p: &Prepared, tenant: &str) {
    let separated = match loaded.delimiter {
        '\0' => String::new(), // a workbook
        '\t' => ", '\\t'-separated".to_string(),
        d => format!(", '{d}'-separated"),
    };
    println!(
        "Feed {} ({}{separated}, {} layout) → {} at {}",
        loaded.path.display(),
        loaded.encoding,
        format!("{:?}", loaded.mapping.columns.layout).to_lowercase(),
        p.plan.platform,
        tenant
    );
    plan_body(p);
}

/// A plan saved for approval: where it came from, then the plan as `plan` prints it.
pub fn saved_plan(saved: &SavedPlan, p: &Prepared, file: &std::path::Path) {
    println!(
        "Saved plan {} (made {} from {}, feed SHA-256 {}…) → {} at {}",
        file.display(),
        saved.created_at,
        saved.feed.name,
        skillsync_core::text::prefix(&saved.feed.sha256, 12),
        saved.platform,
        saved.tenant_label
    );
    plan_body(p);
}

fn plan_body(p: &Prepared) {
    let plan = &p.plan;
    let s = &plan.summary;
    let excluded = if s.excluded > 0 { format!(" ({} excluded by the mapping)", s.excluded) } else { String::new() };
    println!(
        "Plan: {} rows — {} add, {} update, {} remove, {} unchanged, {} invalid{excluded}",
        s.rows, s.add, s.update, s.remove, s.unchanged, s.invalid
    );
    let e = &p.estimate;
    let time = match e.seconds {
        Some(sec) => format!("about {} at {:.0} requests/min", human_secs(sec), e.rate_per_minute.unwrap_or(0.0)),
        None => "time depends on the platform's unpublished limit".into(),
    };
    println!(
        "Requests: {} read(s) made; apply sends {} write call(s) and {} verify read(s), {time}",
        p.reads, e.writes, e.verify_reads
    );
    let u = &plan.unresolved;
    for (label, list) in [
        ("unknown skill", &u.unknown_skills),
        ("unknown agent", &u.unknown_agents),
        ("inactive skill", &u.inactive_skills),
        ("inactive agent", &u.inactive_agents),
        ("ambiguous agent", &u.ambiguous_agents),
    ] {
        for n in list.iter().take(MAX_LISTED) {
            let lines: Vec<String> = n.lines.iter().take(8).map(|l| l.to_string()).collect();
            let more = if n.lines.len() > 8 { ", …" } else { "" };
            let hint = if n.suggestions.is_empty() {
                String::new()
            } else {
                format!(" — did you mean '{}'?", n.suggestions.join("', '"))
            };
            println!("  {label} '{}' (line {}{more}){hint}", n.input, lines.join(", "));
        }
    }
    let changes: Vec<_> =
        plan.rows.iter().filter(|r| matches!(r.action, Action::Add | Action::Update | Action::Remove)).collect();
    for r in changes.iter().take(MAX_LISTED) {
        let what = match r.action {
            Action::Add => format!("add {}", v(r.requested)),
            Action::Update => format!("update {} → {}", v(r.before), v(r.requested)),
            _ => format!("remove (was {})", v(r.before)),
        };
        println!("  line {:>5}  {}  {}  {what}", r.line, r.agent, r.skill);
    }
    if changes.len() > MAX_LISTED {
        println!("  … and {} more change(s)", changes.len() - MAX_LISTED);
    }
    let invalid: Vec<_> = plan.rows.iter().filter(|r| r.action == Action::Invalid).collect();
    for r in invalid.iter().take(MAX_LISTED) {
        let (code, msg) = r.problem.as_ref().map(|p| (p.code.as_str(), p.message.as_str())).unwrap_or(("invalid", ""));
        println!("  line {:>5}  invalid [{code}] {msg}", r.line);
    }
    if invalid.len() > MAX_LISTED {
        println!("  … and {} more invalid row(s)", invalid.len() - MAX_LISTED);
    }
}

pub fn run(run: &Run, writes: u64) {
    let s = &run.summary;
    let r = &s.requests;
    println!(
        "Done in {}: {} added, {} updated, {} removed, {} unchanged, {} invalid, {} failed — {} verified",
        human_secs(s.elapsed_ms as f64 / 1000.0),
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        s.invalid,
        s.failed,
        s.verified
    );
    println!(
        "Requests: {} read, {} write (planned {writes}), {} retried, {} throttled",
        r.read, r.write, r.retried, r.throttled
    );
    if run.cancelled {
        println!("Cancelled: rows not sent are marked skipped; run again with --resume to finish.");
    }
    let failed: Vec<_> = run.rows.iter().filter(|r| r.outcome == Outcome::Failed).collect();
    for r in failed.iter().take(MAX_LISTED) {
        println!(
            "  line {:>5}  {}  {}  FAILED: {}{}",
            r.line,
            r.agent,
            r.skill,
            r.error.as_deref().unwrap_or(""),
            if r.correlation_ids.is_empty() {
                String::new()
            } else {
                format!(" (correlation id {})", r.correlation_ids.join(" "))
            }
        );
    }
    if failed.len() > MAX_LISTED {
        println!("  … and {} more failed row(s): see the report", failed.len() - MAX_LISTED);
    }
}

fn human_secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 90.0 {
        format!("{s:.1} s")
    } else {
        format!("{:.0} min {:.0} s", (s / 60.0).floor(), s % 60.0)
    }
}
