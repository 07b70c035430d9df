//! The undo file: a feed that, imported with no mapping, puts back what a run changed. Added
//! assignments come back as explicit `remove` cells, updated and removed ones as their old value.

use super::{create_csv, Names};
use crate::error::{Error, Result};
use crate::model::{fmt_value, Outcome, RowResult};
use crate::text::neutralise;
use std::path::Path;

/// Writes `agent_id,skill_id,proficiency` for every confirmed change, with the agent's and the
/// skill's names beside the ids so a person can read what it puts back (import takes the ids; the
/// name columns rank below them). Returns the rows written. Rows without ids (never the case for a
/// confirmed change) or without a known old value are left out, since no correct undo can be
/// written for them.
pub fn write_undo(path: &Path, rows: &[RowResult], names: &Names) -> Result<usize> {
    let fail = |e: ::csv::Error| Error::io(format!("writing {}", path.display()), e.into());
    let mut w = ::csv::Writer::from_writer(create_csv(path)?);
    w.write_record(["agent_id", "skill_id", "proficiency", "agent name", "skill name"]).map_err(fail)?;
    let mut written = 0;
    for r in rows {
        let (Some(agent_id), Some(skill_id)) = (r.agent_id.as_deref(), r.skill_id.as_deref()) else { continue };
        let value = match (r.outcome, r.before) {
            (Outcome::Added, _) => "remove".to_string(),
            (Outcome::Updated | Outcome::Removed, Some(before)) => fmt_value(before),
            _ => continue,
        };
        let agent = names.agents.get(agent_id).map_or(r.agent.as_str(), String::as_str);
        let skill = names.skills.get(skill_id).map_or(r.skill.as_str(), String::as_str);
        w.write_record([
            neutralise(agent_id).as_ref(),
            neutralise(skill_id).as_ref(),
            value.as_str(),
            neutralise(agent).as_ref(),
            neutralise(skill).as_ref(),
        ])
        .map_err(fail)?;
        written += 1;
    }
    w.flush().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    Ok(written)
}
