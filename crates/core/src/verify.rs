//! Verify: no row is reported done on the platform's word alone. Each change is confirmed from the
//! write response where it shows the value (Genesys' bulk PATCH lists the user's skills), and
//! otherwise — every CXone write, whose 200 may hide failed items — by reading the pairs back.

use crate::apply::Applied;
use crate::error::Result;
use crate::model::{fmt_value, same_value, Action, Change, Outcome, PlanRow, RowResult, Target};
use crate::plan::Plan;
use crate::platform::PlatformClient;
use std::collections::HashMap;

/// What is known about one change after apply (and read-back).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeState {
    /// A write carrying it was sent.
    pub attempted: bool,
    /// The platform accepted it (no item or call error).
    pub accepted: bool,
    /// The confirmed value after the run: `Some(None)` = confirmed not assigned; `None` = unknown.
    pub after: Option<Option<f64>>,
    /// Why it failed, per attempt.
    pub errors: Vec<String>,
    /// Correlation ids of every request that carried it.
    pub correlation_ids: Vec<String>,
    /// The call as a whole failed (after its own retries), rather than one item in it.
    pub call_failed: bool,
    /// Write calls that carried it.
    pub attempts: u32,
    /// The assignment's own on/off state as read back (CXone), when it exists.
    pub active: Option<bool>,
}

impl ChangeState {
    /// Folds a later round for the same change into this one.
    pub fn absorb(&mut self, later: &ChangeState) {
        self.correlation_ids.extend(later.correlation_ids.iter().cloned());
        self.errors.extend(later.errors.iter().cloned());
        self.attempts += later.attempts;
        if later.attempted {
            self.after = later.after.or(self.after);
            self.accepted = later.accepted;
            self.call_failed = later.call_failed;
            self.active = later.active.or(self.active);
        }
    }

    pub fn reached(&self, target: Target) -> bool {
        matches!(self.after, Some(after) if reaches(after, target))
    }
}

pub fn reaches(after: Option<f64>, target: Target) -> bool {
    match (after, target) {
        (Some(a), Target::Set(v)) => same_value(a, v),
        (None, Target::Remove) => true,
        _ => false,
    }
}

/// Folds the write results into per-change states.
pub fn collect(changes: &[Change], applied: &Applied) -> Vec<ChangeState> {
    let mut states = vec![ChangeState::default(); changes.len()];
    for (_, result) in &applied.results {
        for item in &result.items {
            let Some(s) = states.get_mut(item.change) else { continue };
            s.attempted = true;
            s.attempts += 1;
            s.accepted = item.accepted;
            s.call_failed = result.error.is_some();
            s.correlation_ids.extend(result.correlation_ids.iter().cloned());
            if let Some(e) = &item.error {
                s.errors.push(e.clone());
            }
            if item.accepted {
                if let Some(v) = item.confirmed {
                    s.after = Some(v);
                }
            }
        }
    }
    states
}

/// Reads back every attempted change the write responses did not confirm, and records what the
/// platform holds now. Returns the number of changes that needed a read-back.
pub async fn read_back(client: &dyn PlatformClient, changes: &[Change], states: &mut [ChangeState]) -> Result<usize> {
    let need: Vec<usize> =
        (0..changes.len()).filter(|&i| states[i].attempted && !states[i].reached(changes[i].target)).collect();
    if need.is_empty() {
        return Ok(0);
    }
    let pairs: Vec<(String, String)> =
        need.iter().map(|&i| (changes[i].agent_id.to_string(), changes[i].skill_id.to_string())).collect();
    match client.read_back(&pairs).await {
        Ok((current, ids)) => {
            for (&i, pair) in need.iter().zip(&pairs) {
                let value = current.values.get(pair).copied();
                states[i].after = Some(value);
                states[i].active = value.map(|_| !current.disabled.contains(pair));
                states[i].correlation_ids.extend(ids.iter().cloned());
            }
        }
        // A failed read-back leaves those rows unconfirmed — reported failed with the reason —
        // rather than losing every row's outcome to one error.
        Err(e) => {
            for &i in &need {
                states[i].errors.push(format!("the read-back that verifies it failed: {e}"));
            }
        }
    }
    Ok(need.len())
}

/// The report's rows: one per plan row, each with its outcome and explained error.
pub fn results(plan: &Plan, states: &[ChangeState], cancelled: bool) -> Vec<RowResult> {
    let index: HashMap<(&str, &str), usize> =
        plan.changes.iter().enumerate().map(|(i, c)| ((c.agent_id.as_str(), c.skill_id.as_str()), i)).collect();
    plan.rows
        .iter()
        .map(|row| {
            let change = match (&row.agent_id, &row.skill_id) {
                (Some(a), Some(s)) => index.get(&(a.as_str(), s.as_str())).copied(),
                _ => None,
            };
            row_result(row, change.map(|i| (&plan.changes[i], &states[i])), cancelled)
        })
        .collect()
}

fn row_result(row: &PlanRow, change: Option<(&Change, &ChangeState)>, cancelled: bool) -> RowResult {
    let mut r = RowResult {
        line: row.line,
        agent: row.agent.clone(),
        skill: row.skill.clone(),
        agent_id: row.agent_id.clone(),
        skill_id: row.skill_id.clone(),
        before: row.before,
        requested: row.requested,
        after: row.before,
        outcome: Outcome::Unchanged,
        error: row.problem.as_ref().map(|p| p.message.clone()),
        correlation_ids: vec![],
        attempts: 0,
    };
    match row.action {
        Action::Invalid => {
            r.outcome = Outcome::Invalid;
            r.after = row.before;
        }
        // A copy of another row of the pair (`duplicate_row`) sends nothing itself, but the report
        // of record shows what the pair holds after the run, as the row that carried the write does.
        Action::Unchanged => {
            if let Some((c, s)) = change {
                r.after = after_run(row, c, s);
            }
        }
        Action::Add | Action::Update | Action::Remove => {
            let Some((c, s)) = change else {
                r.outcome = Outcome::Failed;
                r.error = Some("internal: the plan row has no change to send".into());
                return r;
            };
            r.correlation_ids = s.correlation_ids.clone();
            r.correlation_ids.dedup();
            r.attempts = s.attempts;
            r.after = after_run(row, c, s);
            if s.reached(c.target) {
                r.outcome = match row.action {
                    Action::Add => Outcome::Added,
                    Action::Update => Outcome::Updated,
                    _ => Outcome::Removed,
                };
                r.error = None;
            } else if !s.attempted {
                r.outcome = if cancelled { Outcome::Skipped } else { Outcome::Failed };
                r.error = Some(if cancelled { "not sent: the run was cancelled".into() } else { "not sent".into() });
            } else {
                r.outcome = Outcome::Failed;
                r.error = Some(explain(c, s));
            }
        }
    }
    r
}

/// The pair's value after the run: the confirmed one, or the value before when nothing confirmed
/// another (a write not sent, or one whose read-back failed).
fn after_run(row: &PlanRow, c: &Change, s: &ChangeState) -> Option<f64> {
    if s.reached(c.target) {
        s.after.flatten()
    } else {
        s.after.flatten().or(row.before)
    }
}

fn explain(c: &Change, s: &ChangeState) -> String {
    let mut errors = s.errors.clone();
    errors.dedup();
    let shown = match s.after {
        Some(Some(v)) => format!("the platform shows {}", fmt_value(v)),
        Some(None) => "the platform shows no assignment".into(),
        None => "it could not be read back".into(),
    };
    let wanted = match c.target {
        Target::Set(v) => format!("wanted {}", fmt_value(v)),
        Target::Remove => "wanted it removed".into(),
    };
    if errors.is_empty() {
        format!("not confirmed: the write was accepted, but {shown} ({wanted})")
    } else {
        format!("{} — {shown} ({wanted})", errors.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{Batch, BatchResult, ItemResult, WriteOp};

    fn change(v: f64) -> Change {
        Change {
            agent_id: "a".into(),
            skill_id: "s".into(),
            before: None,
            target: Target::Set(v),
            lines: vec![2].into(),
            active: None,
        }
    }

    #[test]
    fn a_200_with_a_failed_item_is_never_a_success() {
        let changes = vec![change(5.0)];
        let applied = Applied {
            results: vec![(
                Batch { op: WriteOp::CxoneAssign { skill_id: "s".into() }, items: vec![0] },
                BatchResult {
                    items: vec![ItemResult {
                        change: 0,
                        accepted: false,
                        confirmed: None,
                        error: Some("Agent not found".into()),
                    }],
                    correlation_ids: vec!["c1".into()],
                    error: None,
                    unsent: false,
                },
            )],
            ..Default::default()
        };
        let mut states = collect(&changes, &applied);
        assert!(!states[0].reached(Target::Set(5.0)));
        states[0].after = Some(None);
        let msg = explain(&changes[0], &states[0]);
        assert!(msg.contains("Agent not found") && msg.contains("no assignment"), "{msg}");
    }

    #[test]
    fn a_read_back_value_exactly_at_the_tolerance_counts_as_the_requested_one() {
        let at = crate::model::VALUE_TOLERANCE;
        assert!(reaches(Some(at), Target::Set(0.0)), "verify must accept a value exactly at the tolerance");
        assert!(same_value(at, 0.0), "the one comparison includes the boundary");
        assert!(!reaches(Some(at * 2.0), Target::Set(0.0)), "twice the tolerance is another value");
    }

    #[test]
    fn accepted_but_unchanged_is_explained_as_not_confirmed() {
        let c = change(5.0);
        let s = ChangeState { attempted: true, accepted: true, after: Some(Some(3.0)), ..Default::default() };
        assert_eq!(explain(&c, &s), "not confirmed: the write was accepted, but the platform shows 3 (wanted 5)");
    }
}
