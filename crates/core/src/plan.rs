//! Compares what the feed asks for with what the platform has, so a run sends only real changes (a
//! re-run of the same file sends nothing) and every row that cannot go says why before anything is
//! sent.
//!
//! One [`PlanRow`] per feed record and per feed problem, sorted by line; one [`Change`] per
//! (agent, skill) pair that needs a write. Duplicates that agree collapse onto their first row;
//! duplicates that disagree send nothing for the pair.

use crate::model::{
    fmt_value, Action, Change, Feed, FeedRecord, ItemKind, PlanRow, PlatformKind, RowProblem, Snapshot, Target,
};
use crate::resolve::{fold, AgentMatch, Directory, SkillMatch};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Two proficiencies closer than this are the same value (feeds carry decimals written by
/// spreadsheets; the platform echoes floats).
const VALUE_TOLERANCE: f64 = 1e-9;

/// What the plan may do beyond adds and updates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Most skills an agent may hold (Genesys: 50). Adds past it are refused before sending.
    pub max_skills_per_agent: Option<usize>,
    /// Explicit removal rows (`remove` cells, as the undo file writes) may plan. Off unless the user
    /// confirmed the removal mode.
    pub allow_remove: bool,
    /// Remove every current assignment of a listed agent that the feed does not list: the feed is
    /// the whole truth for the agents it names.
    pub remove_unlisted: bool,
}

impl PlanOptions {
    /// The safe defaults for a platform: adds and updates only, within its limits.
    pub fn for_platform(p: PlatformKind) -> Self {
        let max_skills_per_agent = match p {
            PlatformKind::Genesys => Some(50),
            PlatformKind::Cxone => None,
        };
        PlanOptions { max_skills_per_agent, allow_remove: false, remove_unlisted: false }
    }
}

/// The diff the user reviews before anything is sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub platform: PlatformKind,
    pub rows: Vec<PlanRow>,
    pub changes: Vec<Change>,
    pub summary: PlanSummary,
    pub unresolved: Unresolved,
}

/// Row counts by action; `rows` is the number of plan rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub rows: usize,
    /// Feed rows the mapping's `[exclude]` left out: not plan rows, never sent.
    #[serde(default)]
    pub excluded: usize,
    pub add: usize,
    pub update: usize,
    pub remove: usize,
    pub unchanged: usize,
    pub invalid: usize,
}

/// Names the user must fix or exclude, each listed once with every line that used it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Unresolved {
    pub unknown_skills: Vec<UnresolvedName>,
    pub unknown_agents: Vec<UnresolvedName>,
    pub inactive_skills: Vec<UnresolvedName>,
    pub inactive_agents: Vec<UnresolvedName>,
    pub ambiguous_agents: Vec<UnresolvedName>,
    /// Skill names shared by several active skills (suggestions: their ids).
    pub ambiguous_skills: Vec<UnresolvedName>,
}

/// One unresolved input: the lines that used it and what it may have meant (for ambiguous agents,
/// the candidates' emails).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnresolvedName {
    pub input: String,
    pub lines: Vec<usize>,
    pub suggestions: Vec<String>,
}

/// The mapping's name corrections, folded once: renames applied before resolution, exclusions
/// checked on the feed's text and on the corrected name alike.
struct Corrections<'f> {
    skills: HashMap<String, &'f str>,
    agents: HashMap<String, &'f str>,
    excluded_agents: HashSet<String>,
    excluded_skills: HashSet<String>,
    excluded_rows: HashSet<(String, String)>,
}

impl<'f> Corrections<'f> {
    fn new(feed: &'f Feed) -> Self {
        let map = |m: &'f std::collections::BTreeMap<String, String>| {
            m.iter().map(|(from, to)| (fold(from).into_owned(), to.as_str())).collect()
        };
        let set = |v: &[String]| v.iter().map(|s| fold(s).into_owned()).collect();
        Corrections {
            skills: map(&feed.rename.skills),
            agents: map(&feed.rename.agents),
            excluded_agents: set(&feed.exclude.agents),
            excluded_skills: set(&feed.exclude.skills),
            excluded_rows: feed
                .exclude
                .rows
                .iter()
                .map(|r| (fold(&r.agent).into_owned(), fold(&r.skill).into_owned()))
                .collect(),
        }
    }

    fn skill<'a>(&'a self, name: &'a str) -> &'a str {
        if self.skills.is_empty() {
            return name;
        }
        self.skills.get(fold(name).as_ref()).copied().unwrap_or(name)
    }

    fn agent<'a>(&'a self, name: &'a str) -> &'a str {
        if self.agents.is_empty() {
            return name;
        }
        self.agents.get(fold(name).as_ref()).copied().unwrap_or(name)
    }

    fn excludes(&self, rec: &FeedRecord) -> bool {
        if self.excluded_agents.is_empty() && self.excluded_skills.is_empty() && self.excluded_rows.is_empty() {
            return false;
        }
        let (agent, skill) = (fold(&rec.agent), fold(&rec.skill));
        let (to_agent, to_skill) = (fold(self.agent(&rec.agent)), fold(self.skill(&rec.skill)));
        [agent.as_ref(), to_agent.as_ref()].iter().any(|a| self.excluded_agents.contains(*a))
            || [skill.as_ref(), to_skill.as_ref()].iter().any(|s| self.excluded_skills.contains(*s))
            || self.excluded_rows.contains(&(agent.into_owned(), skill.into_owned()))
    }
}

/// Collects each distinct unresolved input once, in order of first use.
#[derive(Default)]
struct Names<'f> {
    index: HashMap<&'f str, usize>,
    list: Vec<UnresolvedName>,
}

impl<'f> Names<'f> {
    fn add(&mut self, input: &'f str, line: usize, suggestions: &[String]) {
        match self.index.get(input) {
            Some(&i) => self.list[i].lines.push(line),
            None => {
                self.index.insert(input, self.list.len());
                self.list.push(UnresolvedName {
                    input: input.to_string(),
                    lines: vec![line],
                    suggestions: suggestions.to_vec(),
                });
            }
        }
    }
}

#[derive(Default)]
struct Collected<'f> {
    unknown_skills: Names<'f>,
    unknown_agents: Names<'f>,
    inactive_skills: Names<'f>,
    inactive_agents: Names<'f>,
    ambiguous_agents: Names<'f>,
    ambiguous_skills: Names<'f>,
}

/// A record whose agent, skill and value all resolved.
#[derive(Clone, Copy)]
struct Valid<'s> {
    agent_id: &'s str,
    skill_id: &'s str,
    target: Target,
}

/// Builds the plan for `feed` against `snapshot`. Never fails: every problem becomes a row.
pub fn build(platform: PlatformKind, feed: &Feed, snapshot: &Snapshot, options: &PlanOptions) -> Plan {
    let dir = Directory::new(snapshot);
    let mut agents: HashMap<&str, AgentMatch<'_>> = HashMap::new();
    let mut skills: HashMap<(&str, Option<ItemKind>), SkillMatch<'_>> = HashMap::new();
    let mut names = Collected::default();
    let mut rows: Vec<PlanRow> = Vec::with_capacity(feed.records.len() + feed.problems.len());
    let mut valid: Vec<Option<Valid<'_>>> = Vec::with_capacity(feed.records.len());
    let corrections = Corrections::new(feed);
    let mut excluded = 0;

    let mut kept: Vec<&FeedRecord> = Vec::with_capacity(feed.records.len());
    for rec in &feed.records {
        if corrections.excludes(rec) {
            excluded += 1;
            continue;
        }
        kept.push(rec);
        let agent = agents
            .entry(rec.agent.as_str())
            .or_insert_with(|| dir.agent(corrections.agent(&rec.agent), feed.agent_key));
        let skill = skills
            .entry((rec.skill.as_str(), rec.kind))
            .or_insert_with(|| dir.skill_of_kind(corrections.skill(&rec.skill), rec.kind));
        let mut row = PlanRow {
            line: rec.line,
            agent: rec.agent.clone(),
            skill: rec.skill.clone(),
            agent_id: None,
            skill_id: None,
            before: None,
            requested: None,
            action: Action::Invalid,
            problem: None,
        };
        if let AgentMatch::Found(a) = agent {
            row.agent_id = Some(a.id.clone());
        }
        if let SkillMatch::Found(s) = skill {
            row.skill_id = Some(s.id.clone());
        }
        if let Ok(Target::Set(v)) = rec.value {
            row.requested = Some(v);
        }
        let problem = agent_problem(rec, agent, feed, &mut names)
            .or_else(|| skill_problem(rec, skill, &feed.skill_column, &mut names))
            .or_else(|| value_problem(rec, options))
            .or_else(|| language_level_problem(rec, skill));
        let found = match (&*agent, &*skill) {
            (AgentMatch::Found(a), SkillMatch::Found(s)) => Some((*a, *s)),
            _ => None,
        };
        match (problem, found, &rec.value) {
            (None, Some((a, s)), Ok(target)) => {
                valid.push(Some(Valid { agent_id: &a.id, skill_id: &s.id, target: *target }));
            }
            (problem, ..) => {
                row.problem = problem;
                valid.push(None);
            }
        }
        rows.push(row);
    }

    let mut changes = diff(&mut rows, &kept, &valid, snapshot);
    // Unlisted removals are planned before the skill limit is checked: the room they make counts.
    if options.remove_unlisted {
        remove_unlisted(&mut rows, &mut changes, snapshot);
    }
    if let Some(max) = options.max_skills_per_agent {
        enforce_skill_limit(&mut rows, &mut changes, snapshot, max);
    }
    let mut changes: Vec<Change> = changes.into_iter().map(|(c, _)| c).collect();
    if !feed.problems.is_empty() {
        let agent_by_line: HashMap<usize, &str> =
            feed.records.iter().rev().map(|r| (r.line, r.agent.as_str())).collect();
        for p in &feed.problems {
            rows.push(problem_row(p, agent_by_line.get(&p.line).copied().unwrap_or_default()));
        }
    }
    rows.sort_by_key(|r| r.line);
    changes.sort_by(|a, b| (a.agent_id.as_str(), a.skill_id.as_str()).cmp(&(b.agent_id.as_str(), b.skill_id.as_str())));
    let summary = PlanSummary { excluded, ..summarize(&rows) };
    let unresolved = Unresolved {
        unknown_skills: names.unknown_skills.list,
        unknown_agents: names.unknown_agents.list,
        inactive_skills: names.inactive_skills.list,
        inactive_agents: names.inactive_agents.list,
        ambiguous_agents: names.ambiguous_agents.list,
        ambiguous_skills: names.ambiguous_skills.list,
    };
    Plan { platform, rows, changes, summary, unresolved }
}

fn problem(rec: &FeedRecord, code: &str, column: &str, message: String) -> Option<RowProblem> {
    Some(RowProblem { line: rec.line, code: code.into(), column: column.into(), message })
}

/// "did you mean 'a' or 'b'?" or nothing.
fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" — did you mean '{one}'?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|s| format!("'{s}'")).collect();
            format!(" — did you mean {}?", quoted.join(" or "))
        }
    }
}

fn agent_problem<'f>(
    rec: &'f FeedRecord,
    m: &AgentMatch<'_>,
    feed: &Feed,
    names: &mut Collected<'f>,
) -> Option<RowProblem> {
    let key = feed.agent_key;
    let (field, col) = column_name(&feed.agent_column, "agent");
    let (line, input, by) = (rec.line, rec.agent.as_str(), key.as_str());
    match m {
        AgentMatch::Found(_) => None,
        AgentMatch::Unknown { suggestions } => {
            names.unknown_agents.add(input, line, suggestions);
            let fix = if suggestions.is_empty() {
                " Check the spelling and that the agent exists on the platform, or exclude the row.".to_string()
            } else {
                format!("{} Fix the cell or exclude the row.", did_you_mean(suggestions))
            };
            problem(
                rec,
                "unknown_agent",
                field,
                format!("line {line}, column {col}: no agent has {by} '{input}'.{fix}"),
            )
        }
        AgentMatch::Inactive(a) => {
            names.inactive_agents.add(input, line, &[]);
            let msg = format!(
                "line {line}, column {col}: agent '{input}' ({}) is inactive on the platform; reactivate the agent or exclude the row.",
                a.email
            );
            problem(rec, "inactive_agent", field, msg)
        }
        AgentMatch::Ambiguous(list) => {
            let emails: Vec<String> = list.iter().map(|a| a.email.clone()).collect();
            names.ambiguous_agents.add(input, line, &emails);
            let msg = format!(
                "line {line}, column {col}: '{input}' matches {} agents ({}); identify the agent by email instead.",
                list.len(),
                emails.join(", ")
            );
            problem(rec, "ambiguous_agent", field, msg)
        }
    }
}

/// A column as a problem's `column` field holds it (the header) and as its message shows it (the
/// header in quotes); the role ("agent") when the feed was built without headers.
fn column_name<'a>(header: &'a str, role: &'a str) -> (&'a str, String) {
    if header.is_empty() {
        (role, role.to_string())
    } else {
        (header, format!("'{header}'"))
    }
}

/// The skill's column: the header itself in wide files (the skill is the column), else the skill
/// (or pairs) column's header.
fn skill_column<'a>(rec: &'a FeedRecord, header: &'a str) -> (&'a str, String) {
    if !rec.value_column.is_empty() && rec.value_column == rec.skill {
        column_name(&rec.value_column, "skill")
    } else {
        column_name(header, "skill")
    }
}

fn skill_problem<'f>(
    rec: &'f FeedRecord,
    m: &SkillMatch<'_>,
    header: &str,
    names: &mut Collected<'f>,
) -> Option<RowProblem> {
    let (line, input, (field, col)) = (rec.line, rec.skill.as_str(), skill_column(rec, header));
    match m {
        SkillMatch::Found(_) => None,
        SkillMatch::Unknown { suggestions } => {
            names.unknown_skills.add(input, line, suggestions);
            let fix = if suggestions.is_empty() {
                " Check the name, or create the skill on the platform first.".to_string()
            } else {
                format!("{} Fix the name or exclude the row.", did_you_mean(suggestions))
            };
            problem(
                rec,
                "unknown_skill",
                field,
                format!("line {line}, column {col}: no skill is named '{input}'.{fix}"),
            )
        }
        SkillMatch::Inactive(_) => {
            names.inactive_skills.add(input, line, &[]);
            let msg = format!(
                "line {line}, column {col}: skill '{input}' is inactive on the platform; reactivate it or exclude the row."
            );
            problem(rec, "inactive_skill", field, msg)
        }
        SkillMatch::Ambiguous(list) if list.iter().any(|s| s.kind != list[0].kind) => {
            names.ambiguous_skills.add(input, line, &[]);
            let msg = format!(
                "line {line}, column {col}: '{input}' is both a skill and a routing language; add a kind column \
                 (skill or language) and name it in the mapping's [columns] kind, or use the id instead."
            );
            problem(rec, "skill_or_language", field, msg)
        }
        SkillMatch::Ambiguous(list) => {
            let ids: Vec<String> = list.iter().map(|s| s.id.clone()).collect();
            names.ambiguous_skills.add(input, line, &ids);
            let msg = format!(
                "line {line}, column {col}: '{input}' names {} skills (ids {}); use the skill id instead.",
                list.len(),
                ids.join(", ")
            );
            problem(rec, "ambiguous_skill", field, msg)
        }
    }
}

fn value_problem(rec: &FeedRecord, options: &PlanOptions) -> Option<RowProblem> {
    match &rec.value {
        Err(msg) => problem(rec, "invalid_value", &rec.value_column, msg.clone()),
        Ok(Target::Remove) if !options.allow_remove => problem(
            rec,
            "removal_not_confirmed",
            &rec.value_column,
            format!(
                "line {}, column {}: removal rows are applied only in the confirmed removal mode.",
                rec.line, rec.value_column
            ),
        ),
        Ok(_) => None,
    }
}

/// Routing languages take whole levels 0–5 (the platform rounds anything else): a fractional
/// level is the analyst's to fix, never rounded silently.
fn language_level_problem(rec: &FeedRecord, m: &SkillMatch<'_>) -> Option<RowProblem> {
    let SkillMatch::Found(s) = m else { return None };
    match rec.value {
        Ok(Target::Set(v)) if s.kind == ItemKind::Language && v.fract() != 0.0 => problem(
            rec,
            "language_level",
            &rec.value_column,
            format!(
                "line {}, column '{}': '{}' is a routing language, whose levels are whole numbers 0–5, not {}; map the value to a whole number.",
                rec.line,
                rec.value_column,
                rec.skill,
                fmt_value(v)
            ),
        ),
        _ => None,
    }
}

fn same_target(a: Target, b: Target) -> bool {
    match (a, b) {
        (Target::Set(x), Target::Set(y)) => (x - y).abs() <= VALUE_TOLERANCE,
        (Target::Remove, Target::Remove) => true,
        _ => false,
    }
}

fn show_target(t: Target) -> String {
    match t {
        Target::Set(v) => fmt_value(v),
        Target::Remove => "remove".into(),
    }
}

/// Groups valid rows by (agent, skill), settles duplicates and conflicts and diffs each pair against
/// the current assignment. Returns the changes to send, each with the rows it came from.
fn diff(
    rows: &mut [PlanRow],
    records: &[&FeedRecord],
    valid: &[Option<Valid<'_>>],
    snapshot: &Snapshot,
) -> Vec<(Change, Vec<usize>)> {
    let mut groups: HashMap<(&str, &str), Vec<usize>> = HashMap::with_capacity(valid.len());
    let mut order: Vec<(&str, &str)> = Vec::new();
    for (i, v) in valid.iter().enumerate() {
        if let Some(v) = v {
            let members = groups.entry((v.agent_id, v.skill_id)).or_default();
            if members.is_empty() {
                order.push((v.agent_id, v.skill_id));
            }
            members.push(i);
        }
    }

    // Reused lookup key: the snapshot's map is keyed by owned strings, so this avoids two
    // allocations per pair.
    let mut key = (String::new(), String::new());
    let mut changes: Vec<(Change, Vec<usize>)> = Vec::new();
    for pair in order {
        let Some(members) = groups.get_mut(&pair) else { continue };
        members.sort_by_key(|&i| rows[i].line);
        let first = members[0];
        let Some(target) = valid[first].map(|v| v.target) else { continue };
        let agrees = members.iter().all(|&i| valid[i].is_some_and(|v| same_target(v.target, target)));
        if !agrees {
            mark_conflict(rows, records, valid, members);
            continue;
        }
        key.0.clear();
        key.0.push_str(pair.0);
        key.1.clear();
        key.1.push_str(pair.1);
        let before = snapshot.assignments.get(&key).copied();
        let action = match (target, before) {
            (Target::Set(_), None) => Action::Add,
            (Target::Set(v), Some(b)) if (v - b).abs() > VALUE_TOLERANCE => Action::Update,
            (Target::Remove, Some(_)) => Action::Remove,
            _ => Action::Unchanged,
        };
        for (n, &i) in members.iter().enumerate() {
            rows[i].before = before;
            if n == 0 {
                rows[i].action = action;
            } else {
                rows[i].action = Action::Unchanged;
                rows[i].problem = Some(RowProblem {
                    line: rows[i].line,
                    code: "duplicate_row".into(),
                    column: records[i].value_column.clone(),
                    message: format!("same as line {}", rows[first].line),
                });
            }
        }
        if action != Action::Unchanged {
            let lines = members.iter().map(|&i| rows[i].line).collect();
            let active = before.and_then(|_| snapshot.active_of(pair.0, pair.1));
            let change = Change { agent_id: pair.0.into(), skill_id: pair.1.into(), before, target, lines, active };
            changes.push((change, members.clone()));
        }
    }
    changes
}

fn mark_conflict(rows: &mut [PlanRow], records: &[&FeedRecord], valid: &[Option<Valid<'_>>], members: &[usize]) {
    let listing: Vec<String> = members
        .iter()
        .filter_map(|&i| valid[i].map(|v| format!("line {} ({})", rows[i].line, show_target(v.target))))
        .collect();
    let first = members[0];
    let message = format!(
        "conflicting rows for agent '{}' and skill '{}': {}; keep one value, nothing is sent for this pair.",
        rows[first].agent,
        rows[first].skill,
        listing.join(", ")
    );
    for &i in members {
        rows[i].action = Action::Invalid;
        rows[i].problem = Some(RowProblem {
            line: rows[i].line,
            code: "conflicting_rows".into(),
            column: records[i].value_column.clone(),
            message: message.clone(),
        });
    }
}

/// Refuses every add of an agent whose skill count would pass `max` (updates still go). Removals
/// of the same plan make room: the apply sends them before any add.
fn enforce_skill_limit(rows: &mut [PlanRow], changes: &mut Vec<(Change, Vec<usize>)>, snapshot: &Snapshot, max: usize) {
    let mut adds: HashMap<&str, usize> = HashMap::new();
    let mut removes: HashMap<&str, usize> = HashMap::new();
    for (c, _) in changes.iter() {
        match (c.before, c.target) {
            (None, Target::Set(_)) => *adds.entry(c.agent_id.as_str()).or_default() += 1,
            (Some(_), Target::Remove) => *removes.entry(c.agent_id.as_str()).or_default() += 1,
            _ => {}
        }
    }
    if adds.is_empty() {
        return;
    }
    let current = snapshot.skill_counts();
    let over: HashMap<String, (usize, usize)> = adds
        .into_iter()
        .filter_map(|(agent, n)| {
            let now = current.get(agent).copied().unwrap_or(0).saturating_sub(removes.get(agent).copied().unwrap_or(0));
            (now + n > max).then(|| (agent.to_string(), (now, n)))
        })
        .collect();
    if over.is_empty() {
        return;
    }
    changes.retain(|(c, members)| {
        let Some(&(now, n)) = over.get(c.agent_id.as_str()) else { return true };
        if c.before.is_some() || !matches!(c.target, Target::Set(_)) {
            return true;
        }
        for &i in members {
            let message = format!(
                "line {}: agent '{}' keeps {now} skills and this plan adds {n}, {} in all; the platform allows at most {max}. Remove {} of the additions or some of the agent's current skills.",
                rows[i].line,
                rows[i].agent,
                now + n,
                now + n - max
            );
            rows[i].action = Action::Invalid;
            rows[i].problem = Some(RowProblem {
                line: rows[i].line,
                code: "too_many_skills".into(),
                column: rows[i].skill.clone(),
                message,
            });
        }
        false
    });
}

/// The confirmed "feed is the whole truth" mode: every current skill of a listed agent that the
/// feed does not mention is removed. Any row naming the skill (even an invalid one) keeps it, so
/// a typo in a value never turns into a removal.
fn remove_unlisted(rows: &mut Vec<PlanRow>, changes: &mut Vec<(Change, Vec<usize>)>, snapshot: &Snapshot) {
    let mut listed: HashMap<&str, (String, HashSet<&str>)> = HashMap::new();
    let mut live: HashSet<&str> = HashSet::new();
    for r in rows.iter() {
        let Some(agent_id) = r.agent_id.as_deref() else { continue };
        let entry = listed.entry(agent_id).or_insert_with(|| (r.agent.clone(), HashSet::new()));
        if let Some(skill_id) = r.skill_id.as_deref() {
            entry.1.insert(skill_id);
        }
        if r.action != Action::Invalid {
            live.insert(agent_id);
        }
    }
    let skill_names: HashMap<&str, &str> = snapshot.skills.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    // A feed of skills only leaves the agents' routing languages alone (and the other way round).
    let kinds: HashSet<ItemKind> = rows.iter().filter_map(|r| r.skill_id.as_deref()).map(ItemKind::of_id).collect();
    let mut extra: Vec<PlanRow> = Vec::new();
    for ((agent_id, skill_id), &value) in &snapshot.assignments {
        if !live.contains(agent_id.as_str()) || !kinds.contains(&ItemKind::of_id(skill_id)) {
            continue;
        }
        let Some((agent_text, skills)) = listed.get(agent_id.as_str()) else { continue };
        if skills.contains(skill_id.as_str()) {
            continue;
        }
        extra.push(PlanRow {
            line: 0,
            agent: agent_text.clone(),
            skill: skill_names.get(skill_id.as_str()).copied().unwrap_or(skill_id).to_string(),
            agent_id: Some(agent_id.clone()),
            skill_id: Some(skill_id.clone()),
            before: Some(value),
            requested: None,
            action: Action::Remove,
            problem: None,
        });
        let change = Change {
            agent_id: agent_id.clone(),
            skill_id: skill_id.clone(),
            before: Some(value),
            target: Target::Remove,
            lines: Vec::new(),
            active: snapshot.active_of(agent_id, skill_id),
        };
        changes.push((change, Vec::new()));
    }
    // The snapshot's map has no order; the plan must be deterministic.
    extra.sort_by(|a, b| (&a.agent_id, &a.skill_id).cmp(&(&b.agent_id, &b.skill_id)));
    rows.extend(extra);
}

/// A row that never became a record: the agent is taken from a record of the same line when one
/// exists (wide files), the rest is unknown.
fn problem_row(p: &RowProblem, agent: &str) -> PlanRow {
    PlanRow {
        line: p.line,
        agent: agent.to_string(),
        skill: String::new(),
        agent_id: None,
        skill_id: None,
        before: None,
        requested: None,
        action: Action::Invalid,
        problem: Some(p.clone()),
    }
}

fn summarize(rows: &[PlanRow]) -> PlanSummary {
    let mut s = PlanSummary { rows: rows.len(), ..Default::default() };
    for r in rows {
        match r.action {
            Action::Add => s.add += 1,
            Action::Update => s.update += 1,
            Action::Remove => s.remove += 1,
            Action::Unchanged => s.unchanged += 1,
            Action::Invalid => s.invalid += 1,
        }
    }
    s
}
