//! One self-contained HTML page of a run, for a person or a support ticket: no external fetches,
//! every value escaped, the rows that need attention first.

use super::{create, outcome_str, Report};
use crate::error::{Error, Result};
use crate::model::{fmt_value, Outcome, RowResult};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Escapes text for an HTML element or a quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) const STYLE: &str = r#"
:root { color-scheme: light dark; --bg:#fff; --fg:#1d2433; --muted:#5f6b7a; --line:#e3e7ee; --card:#f6f8fb; }
@media (prefers-color-scheme: dark) { :root { --bg:#14171c; --fg:#e6e9ef; --muted:#9aa4b2; --line:#2a3039; --card:#1b2027; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.meta span { margin-right: 16px; white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; min-width: 96px; }
.card b { display: block; font-size: 18px; }
.card small { color: var(--muted); }
.filters { margin: 12px 0; display: flex; flex-wrap: wrap; gap: 12px; }
.filters label { cursor: pointer; user-select: none; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { position: sticky; top: 0; background: var(--card); z-index: 1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.err { max-width: 480px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted); word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.added, .updated, .removed { background: #dcf5e3; color: #17603a; }
.unchanged, .skipped { background: #e9edf2; color: #4a5565; }
.invalid { background: #fff1d6; color: #8a5300; }
.failed { background: #fde2e1; color: #9b1c1c; }
"#;

const SCRIPT: &str = r#"
document.querySelectorAll('.filters input').forEach(function (box) {
  box.addEventListener('change', function () {
    document.querySelectorAll('tr[data-outcome="' + box.value + '"]').forEach(function (row) {
      row.hidden = !box.checked;
    });
  });
});
"#;

/// Failed and invalid rows first (they need attention), then by line.
fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::Failed => 0,
        Outcome::Invalid => 1,
        _ => 2,
    }
}

fn value(v: Option<f64>) -> String {
    v.map(fmt_value).unwrap_or_default()
}

fn elapsed(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

fn card(out: &mut String, value: impl std::fmt::Display, label: &str) {
    let _ = write!(out, "<div class=\"card\"><b>{value}</b><small>{label}</small></div>");
}

fn render_row(out: &mut String, r: &RowResult) {
    let outcome = outcome_str(r.outcome);
    let line = if r.line == 0 { String::new() } else { r.line.to_string() };
    let ids: Vec<String> = r.correlation_ids.iter().map(|c| format!("<code>{}</code>", escape(c))).collect();
    let _ = writeln!(
        out,
        "<tr data-outcome=\"{outcome}\"><td class=\"num\">{line}</td><td>{agent}<br><code>{agent_id}</code></td>\
<td>{skill}<br><code>{skill_id}</code></td><td class=\"num\">{before}</td><td class=\"num\">{requested}</td>\
<td class=\"num\">{after}</td><td><span class=\"badge {outcome}\">{outcome}</span></td>\
<td class=\"err\">{error}</td><td>{ids}</td></tr>",
        agent = escape(&r.agent),
        agent_id = escape(r.agent_id.as_deref().unwrap_or_default()),
        skill = escape(&r.skill),
        skill_id = escape(r.skill_id.as_deref().unwrap_or_default()),
        before = value(r.before),
        requested = value(r.requested),
        after = value(r.after),
        error = escape(r.error.as_deref().unwrap_or_default()),
        ids = ids.join("<br>"),
    );
}

/// Renders the whole page.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::with_capacity(4096 + report.rows.len() * 400);
    let title = format!("Skillsync report — {}", report.feed);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
<title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<p class=\"meta\"><span>{}</span><span>tenant {}</span><span>feed {}</span><span>{}</span></p>\n",
        escape(&title),
        escape(&title),
        escape(&report.platform.to_string()),
        escape(&report.tenant),
        escape(&report.feed),
        escape(&report.generated_at),
    );
    out.push_str("<div class=\"cards\">");
    card(&mut out, s.rows, "rows");
    card(&mut out, s.added, "added");
    card(&mut out, s.updated, "updated");
    card(&mut out, s.removed, "removed");
    card(&mut out, s.unchanged, "unchanged");
    card(&mut out, s.invalid, "invalid");
    card(&mut out, s.failed, "failed");
    card(&mut out, s.verified, "verified");
    out.push_str("</div>\n<div class=\"cards\">");
    card(&mut out, s.requests.read, "read requests");
    card(&mut out, s.requests.write, "write requests");
    card(&mut out, s.requests.retried, "retried");
    card(&mut out, s.requests.throttled, "throttled");
    card(&mut out, elapsed(s.elapsed_ms), "elapsed");
    out.push_str("</div>\n<div class=\"filters\">Show:");
    for o in [
        Outcome::Failed,
        Outcome::Invalid,
        Outcome::Added,
        Outcome::Updated,
        Outcome::Removed,
        Outcome::Unchanged,
        Outcome::Skipped,
    ] {
        let name = outcome_str(o);
        let _ = write!(out, "<label><input type=\"checkbox\" value=\"{name}\" checked> {name}</label>");
    }
    out.push_str(
        "</div>\n<table><thead><tr><th>line</th><th>agent</th><th>skill</th><th>before</th><th>requested</th>\
<th>after</th><th>outcome</th><th>error</th><th>correlation ids</th></tr></thead><tbody>\n",
    );
    let mut order: Vec<&RowResult> = report.rows.iter().collect();
    order.sort_by_key(|r| (rank(r.outcome), r.line));
    for r in order {
        render_row(&mut out, r);
    }
    let _ = write!(out, "</tbody></table>\n<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

/// Writes the page to `path`.
pub fn write_html(path: &Path, report: &Report) -> Result<()> {
    let mut file = std::io::BufWriter::new(create(path)?);
    file.write_all(render(report).as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn elapsed_reads_naturally() {
        assert_eq!(elapsed(250), "250 ms");
        assert_eq!(elapsed(1500), "1.5 s");
        assert_eq!(elapsed(125_000), "2 min 5 s");
    }
}
