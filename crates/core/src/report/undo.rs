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

/// The undo file kept as the run goes: before a write call leaves, a line for each pair it
/// carries that the file does not hold yet (its value before the run, or `remove`), flushed to
/// disk. So the way back exists whatever happens later — a crash, a kill, a report that cannot be
/// written. It may name pairs whose call never landed; putting those back changes nothing. The
/// finished run replaces it with the exact file of what was confirmed.
pub struct LiveUndo {
    path: std::path::PathBuf,
    inner: parking_lot::Mutex<LiveInner>,
    names: Names,
}

struct LiveInner {
    w: ::csv::Writer<std::io::BufWriter<std::fs::File>>,
    held: std::collections::HashSet<(String, String)>,
}

impl LiveUndo {
    /// Starts the file at `path` (replacing what is there), naming agents and skills from `names`.
    pub fn create(path: &Path, names: Names) -> Result<LiveUndo> {
        let fail = |e: ::csv::Error| Error::io(format!("writing {}", path.display()), e.into());
        let mut w = ::csv::Writer::from_writer(create_csv(path)?);
        w.write_record(["agent_id", "skill_id", "proficiency", "agent name", "skill name"]).map_err(fail)?;
        w.flush().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        Ok(LiveUndo {
            path: path.to_path_buf(),
            inner: parking_lot::Mutex::new(LiveInner { w, held: Default::default() }),
            names,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds the pairs `(agent id, skill id, value before the run)` not yet held, and flushes.
    pub fn record<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str, Option<f64>)>) -> Result<()> {
        let path = &self.path;
        let fail = |e: ::csv::Error| Error::io(format!("writing {}", path.display()), e.into());
        let mut g = self.inner.lock();
        let LiveInner { w, held } = &mut *g;
        let mut wrote = false;
        for (agent_id, skill_id, before) in pairs {
            if !held.insert((agent_id.to_string(), skill_id.to_string())) {
                continue;
            }
            let value = before.map_or_else(|| "remove".to_string(), fmt_value);
            let agent = self.names.agents.get(agent_id).map_or(agent_id, String::as_str);
            let skill = self.names.skills.get(skill_id).map_or(skill_id, String::as_str);
            w.write_record([
                neutralise(agent_id).as_ref(),
                neutralise(skill_id).as_ref(),
                value.as_str(),
                neutralise(agent).as_ref(),
                neutralise(skill).as_ref(),
            ])
            .map_err(fail)?;
            wrote = true;
        }
        if wrote {
            w.flush().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            w.get_ref().get_ref().sync_data().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        }
        Ok(())
    }
}
