//! The readable copy of a plan saved for approval: `plan.html` and `plan.csv` beside `plan.json`,
//! with the agents' and skills' names, each pair's level now and after, and the counts — for the
//! approver who has no Skillsync. Only the JSON file can be applied (and it is checked against the
//! tenant first); the copies say so.

use super::html::{escape, STYLE};
use super::{create_csv, Names};
use crate::approval::SavedPlan;
use crate::error::{Error, Result};
use crate::model::{fmt_value, Action, PlanRow};
use crate::text::neutralise;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The copies a plan saved at `path` comes with: `<stem>.html` and `<stem>.csv`.
pub fn copy_paths(path: &Path) -> [PathBuf; 2] {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("plan");
    [path.with_file_name(format!("{stem}.html")), path.with_file_name(format!("{stem}.csv"))]
}

/// Removals first (what an approver must see), then adds and updates, invalid rows, and the rows
/// that change nothing; by line within each.
fn rank(a: Action) -> u8 {
    match a {
        Action::Remove => 0,
        Action::Add | Action::Update => 1,
        Action::Invalid => 2,
        Action::Unchanged => 3,
    }
}

fn level(v: Option<f64>) -> String {
    v.map(fmt_value).unwrap_or_else(|| "—".into())
}

/// What the pair holds after the plan: the requested level, "removed", or as now.
fn after(r: &PlanRow) -> String {
    match r.action {
        Action::Remove => "removed".into(),
        Action::Add | Action::Update => level(r.requested),
        Action::Unchanged => level(r.before),
        Action::Invalid => String::new(),
    }
}

fn ordered(rows: &[PlanRow]) -> Vec<&PlanRow> {
    let mut v: Vec<&PlanRow> = rows.iter().collect();
    v.sort_by_key(|r| (rank(r.action), r.line));
    v
}

/// The HTML page.
pub fn render(saved: &SavedPlan, names: &Names) -> String {
    let plan = &saved.plan;
    let s = &plan.summary;
    let mut out = String::with_capacity(4096 + plan.rows.len() * 300);
    let title = format!("Skillsync plan for approval — {}", saved.feed.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n\
<p class=\"meta\"><span>{platform}</span><span>tenant {tenant}</span><span>feed {feed}</span><span>made {made}</span></p>\n\
<p>A readable copy of the plan file saved beside it. Only that file can be applied, and before \
anything is sent Skillsync checks that every pair below still holds its level <b>now</b>: if the \
tenant changed, nothing is sent.</p>\n<div class=\"cards\">",
        t = escape(&title),
        platform = escape(&saved.platform.to_string()),
        tenant = escape(&saved.tenant_label),
        feed = escape(&saved.feed.name),
        made = escape(&saved.created_at),
    );
    for (n, label) in [
        (s.add, "to add"),
        (s.update, "to update"),
        (s.remove, "to remove"),
        (s.unchanged, "unchanged"),
        (s.invalid, "invalid (not sent)"),
        (s.excluded, "excluded"),
        (s.rows, "rows"),
    ] {
        let _ = write!(out, "<div class=\"card\"><b>{n}</b><small>{label}</small></div>");
    }
    out.push_str(
        "</div>\n<table><thead><tr><th>line</th><th>agent</th><th>skill</th><th>now</th><th>after</th>\
<th>action</th><th>problem</th></tr></thead><tbody>\n",
    );
    for r in ordered(&plan.rows) {
        let agent = names.agent(r.agent_id.as_deref()).unwrap_or_else(|| r.agent.to_string());
        let skill = names.skill(r.skill_id.as_deref(), &r.skill).unwrap_or_else(|| r.skill.to_string());
        let line = if r.line == 0 { String::new() } else { r.line.to_string() };
        let action = r.action.as_str();
        let badge = match r.action {
            Action::Add => "added",
            Action::Update => "updated",
            Action::Remove => "failed",
            Action::Unchanged => "unchanged",
            Action::Invalid => "invalid",
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{line}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
<td><span class=\"badge {badge}\">{action}</span></td><td class=\"err\">{}</td></tr>",
            escape(&agent),
            escape(&skill),
            level(r.before),
            escape(&after(r)),
            escape(r.problem.as_ref().map(|p| p.message.as_str()).unwrap_or_default()),
        );
    }
    let _ =
        write!(out, "</tbody></table>\n<p class=\"meta\">checksum {}</p>\n</body></html>\n", escape(&saved.checksum));
    out
}

/// The CSV copy (for a spreadsheet): one row per plan row, in the HTML's order.
fn csv_bytes(saved: &SavedPlan, names: &Names, path: &Path) -> Result<()> {
    let fail = |e: ::csv::Error| Error::io(format!("writing {}", path.display()), e.into());
    let mut w = ::csv::Writer::from_writer(create_csv(path)?);
    w.write_record(["line", "agent", "skill", "now", "after", "action", "problem"]).map_err(fail)?;
    for r in ordered(&saved.plan.rows) {
        let agent = names.agent(r.agent_id.as_deref()).unwrap_or_else(|| r.agent.to_string());
        let skill = names.skill(r.skill_id.as_deref(), &r.skill).unwrap_or_else(|| r.skill.to_string());
        let line = if r.line == 0 { String::new() } else { r.line.to_string() };
        let now = r.before.map(fmt_value).unwrap_or_default();
        let problem = r.problem.as_ref().map(|p| p.message.as_str()).unwrap_or_default();
        w.write_record([
            line.as_str(),
            neutralise(&agent).as_ref(),
            neutralise(&skill).as_ref(),
            now.as_str(),
            after(r).as_str(),
            r.action.as_str(),
            neutralise(problem).as_ref(),
        ])
        .map_err(fail)?;
    }
    w.flush().map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

/// Writes both copies of `saved` for the plan file at `path`, each whole or not at all; returns
/// their paths.
pub fn write_copies(path: &Path, saved: &SavedPlan, names: &Names) -> Result<Vec<PathBuf>> {
    let [html, csv] = copy_paths(path);
    crate::files::write_atomic(&html, render(saved, names).as_bytes())?;
    let name = csv.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = csv.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let done = csv_bytes(saved, names, &partial)
        .and_then(|_| std::fs::rename(&partial, &csv).map_err(|e| Error::io(format!("writing {}", csv.display()), e)));
    if let Err(e) = done {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    Ok(vec![html, csv])
}
