//! The result rows as CSV for a spreadsheet, with every cell a spreadsheet could run as a formula
//! neutralised, since agent and skill names come from outside.

use super::{create_csv, outcome_str};
use crate::error::{Error, Result};
use crate::model::{fmt_value, RowResult};
use std::path::Path;

pub use crate::text::neutralise;

const HEADER: [&str; 11] = [
    "line",
    "agent",
    "agent_id",
    "skill",
    "skill_id",
    "before",
    "requested",
    "after",
    "outcome",
    "error",
    "correlation_ids",
];

fn value(v: Option<f64>) -> String {
    v.map(fmt_value).unwrap_or_default()
}

/// Writes one line per row, header first.
pub fn write_csv(path: &Path, rows: &[RowResult]) -> Result<()> {
    let fail = |e: ::csv::Error| Error::io(format!("writing {}", path.display()), e.into());
    let mut w = ::csv::Writer::from_writer(create_csv(path)?);
    w.write_record(HEADER).map_err(fail)?;
    for r in rows {
        let cells = [
            r.line.to_string(),
            r.agent.to_string(),
            r.agent_id.as_deref().unwrap_or_default().to_string(),
            r.skill.to_string(),
            r.skill_id.as_deref().unwrap_or_default().to_string(),
            value(r.before),
            value(r.requested),
            value(r.after),
            outcome_str(r.outcome).to_string(),
            r.error.clone().unwrap_or_default(),
            r.correlation_ids.join(" "),
        ];
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned())).map_err(fail)?;
    }
    w.flush().map_err(|e| Error::io(format!("writing {}", path.display()), e))
}
