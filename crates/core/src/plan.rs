//! Compares what the feed asks for with what the platform has, so a run sends only real changes (a
//! re-run of the same file sends nothing) and every row that cannot go says why before anything is
//! sent.
//!
//! One [`PlanRow`] per feed record and per feed problem, sorted by line; one [`Change`] per
//! (agent, skill) pair that needs a write. Duplicates that agree collapse onto their first row;
//! duplicates that disagree send nothing for the pair.

use crate::model::{
    fmt_value, same_value, Action, Change, Feed, FeedRecord, ItemKind, Lines, Name, PlanRow, PlatformKind, RowProblem,
    Snapshot, Target,
};
use crate::resolve::{fold, AgentMatch, Directory, SkillMatch};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

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
    /// Rows excluded by their line, with the pair they must still name.
    excluded_lines: HashSet<(String, String, usize)>,
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
                .filter(|r| r.line.is_none())
                .map(|r| (fold(&r.agent).into_owned(), fold(&r.skill).into_owned()))
                .collect(),
            excluded_lines: feed
                .exclude
                .rows
                .iter()
                .filter_map(|r| Some((fold(&r.agent).into_owned(), fold(&r.skill).into_owned(), r.line?)))
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
        if self.excluded_agents.is_empty()
            && self.excluded_skills.is_empty()
            && self.excluded_rows.is_empty()
            && self.excluded_lines.is_empty()
        {
            return false;
        }
        let (agent, skill) = (fold(&rec.agent), fold(&rec.skill));
        let (to_agent, to_skill) = (fold(self.agent(&rec.agent)), fold(self.skill(&rec.skill)));
        if [agent.as_ref(), to_agent.as_ref()].iter().any(|a| self.excluded_agents.contains(*a))
            || [skill.as_ref(), to_skill.as_ref()].iter().any(|s| self.excluded_skills.contains(*s))
        {
            return true;
        }
        let pair = (agent.into_owned(), skill.into_owned());
        if self.excluded_rows.contains(&pair) {
            return true;
        }
        !self.excluded_lines.is_empty() && self.excluded_lines.contains(&(pair.0, pair.1, rec.line))
    }
}

/// Collects each distinct unresolved input once, in order of first use.
#[derive(Default)]
struct Names {
    index: FxHashMap<Name, usize>,
    list: Vec<UnresolvedName>,
}

impl Names {
    fn add(&mut self, input: &Name, line: usize, suggestions: &[String]) {
        match self.index.get(input.as_str()) {
            Some(&i) => self.list[i].lines.push(line),
            None => {
                self.index.insert(input.clone(), self.list.len());
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
struct Collected {
    unknown_skills: Names,
    unknown_agents: Names,
    inactive_skills: Names,
    inactive_agents: Names,
    ambiguous_agents: Names,
    ambiguous_skills: Names,
}

/// A record whose agent, skill and value all resolved: the agent's and the skill's index in the
/// snapshot, and the target in 8 bytes ([`Valid::REMOVE`] for a removal). A record that did not
/// resolve has `agent == u32::MAX`: 16 bytes a row, where `Option<(u32, u32, Target)>` takes 32.
#[derive(Clone, Copy)]
struct Valid {
    agent: u32,
    skill: u32,
    value: f64,
}

impl Valid {
    /// A removal: no level on either scale is NaN (the mapping refuses values that are no number).
    const REMOVE: f64 = f64::NAN;
    const NONE: Valid = Valid { agent: u32::MAX, skill: u32::MAX, value: 0.0 };

    fn new(agent: u32, skill: u32, target: Target) -> Self {
        let value = match target {
            Target::Set(v) => v,
            Target::Remove => Self::REMOVE,
        };
        Valid { agent, skill, value }
    }

    fn get(self) -> Option<Valid> {
        (self.agent != u32::MAX).then_some(self)
    }
}

/// The target a value in [`Valid`]'s 8-byte form stands for.
fn target_of(value: f64) -> Target {
    if value.is_nan() {
        Target::Remove
    } else {
        Target::Set(value)
    }
}

/// Each agent's and each skill's place in the order of their ids: the plan groups rows by pair and
/// lists changes by (agent id, skill id), and sorting small numbers in that order does both without
/// comparing a million pairs of id strings.
///
/// It also holds the snapshot's assignments by those numbers, so the diff looks a pair up by one
/// number instead of hashing two id strings.
struct Order<'s> {
    snapshot: &'s Snapshot,
    agent_index: FxHashMap<&'s str, u32>,
    skill_index: FxHashMap<&'s str, u32>,
    agent_rank: Vec<u32>,
    skill_rank: Vec<u32>,
    /// The index of the agent (skill) of each rank.
    agent_by_rank: Vec<u32>,
    skill_by_rank: Vec<u32>,
    /// Each agent's and skill's id as a name the plan's rows and changes share.
    agent_names: Vec<Name>,
    skill_names: Vec<Name>,
    /// (agent index, skill index) as one number → the current level and the assignment's own
    /// on/off state (`None` on a platform without one).
    assigned: FxHashMap<u64, (f64, Option<bool>)>,
}

impl<'s> Order<'s> {
    fn new(snapshot: &'s Snapshot) -> Self {
        /// Each item's rank in the order of ids, and the item of each rank.
        fn ranks<T>(items: &[T], id: impl Fn(&T) -> &str) -> (Vec<u32>, Vec<u32>) {
            let mut by_id: Vec<u32> = (0..items.len() as u32).collect();
            by_id.sort_by(|&a, &b| id(&items[a as usize]).cmp(id(&items[b as usize])));
            let mut rank = vec![0; items.len()];
            for (r, &i) in by_id.iter().enumerate() {
                rank[i as usize] = r as u32;
            }
            (rank, by_id)
        }
        let index = |ids: &mut dyn Iterator<Item = &'s str>| ids.enumerate().map(|(i, id)| (id, i as u32)).collect();
        let agent_index: FxHashMap<&str, u32> = index(&mut snapshot.agents.iter().map(|a| a.id.as_str()));
        let skill_index: FxHashMap<&str, u32> = index(&mut snapshot.skills.iter().map(|s| s.id.as_str()));
        let stateful = !snapshot.disabled.is_empty();
        let mut assigned = FxHashMap::default();
        assigned.reserve(snapshot.assignments.len());
        for ((agent, skill), &value) in &snapshot.assignments {
            // An assignment of an agent or skill the snapshot does not list can match no row.
            let (Some(&a), Some(&s)) = (agent_index.get(agent.as_str()), skill_index.get(skill.as_str())) else {
                continue;
            };
            let active = stateful.then(|| !snapshot.disabled.contains(&(agent.clone(), skill.clone())));
            assigned.insert(pair(a, s), (value, active));
        }
        let (agent_rank, agent_by_rank) = ranks(&snapshot.agents, |a| a.id.as_str());
        let (skill_rank, skill_by_rank) = ranks(&snapshot.skills, |s| s.id.as_str());
        Order {
            snapshot,
            agent_index,
            skill_index,
            agent_rank,
            skill_rank,
            agent_by_rank,
            skill_by_rank,
            agent_names: snapshot.agents.iter().map(|a| Name::from(a.id.as_str())).collect(),
            skill_names: snapshot.skills.iter().map(|s| Name::from(s.id.as_str())).collect(),
            assigned,
        }
    }

    /// The agent's and the skill's index of a pair of ranks.
    fn numbers(&self, ranks: u64) -> (u32, u32) {
        let (agent, skill) = ((ranks >> 32) as usize, (ranks & u64::from(u32::MAX)) as usize);
        (self.agent_by_rank[agent], self.skill_by_rank[skill])
    }
}

/// An (agent index, skill index) pair as one number.
fn pair(agent: u32, skill: u32) -> u64 {
    (u64::from(agent) << 32) | u64::from(skill)
}

/// Distinct feed texts numbered in order of first sight (with `K`, e.g. the row's kind). A name is
/// found by its shared text's address first (rows of one feed share one `Name` per distinct text,
/// so that hashes one number), and by the text only the first time an address is seen; the entry
/// keeps the name, so its address names no other text while the map lives.
struct Numbered<K> {
    by_address: FxHashMap<(usize, K), (Name, usize)>,
    by_text: FxHashMap<(Name, K), usize>,
}

impl<K: Copy + Eq + std::hash::Hash> Numbered<K> {
    fn new() -> Self {
        Numbered { by_address: FxHashMap::default(), by_text: FxHashMap::default() }
    }

    /// The number of `name` with `extra`, and whether the text is new (numbers count from 0).
    fn number(&mut self, name: &Name, extra: K) -> (usize, bool) {
        if let Some((_, n)) = self.by_address.get(&(name.key(), extra)) {
            return (*n, false);
        }
        let count = self.by_text.len();
        let n = *self.by_text.entry((name.clone(), extra)).or_insert(count);
        self.by_address.insert((name.key(), extra), (name.clone(), n));
        (n, n == count)
    }
}

/// How a distinct feed name resolved: the match, the snapshot index of what it found (`u32::MAX`
/// when nothing), and that id as a name the rows share.
type Seen<M> = (M, u32, Option<Name>);

/// The rows a change came from: a range of the diff's row list (empty for an unlisted removal).
type Members = std::ops::Range<u32>;

/// Builds the plan for `feed` against `snapshot`. Never fails: every problem becomes a row.
pub fn build(platform: PlatformKind, feed: &Feed, snapshot: &Snapshot, options: &PlanOptions) -> Plan {
    build_from(platform, feed, feed.records.iter().cloned(), snapshot, options)
}

/// [`build`] of a feed that is not needed afterwards: each record's names move into its plan row,
/// and the records' memory is given back before the changes are built, so a million-row plan
/// does not hold the feed and the plan at once.
pub fn build_owned(platform: PlatformKind, mut feed: Feed, snapshot: &Snapshot, options: &PlanOptions) -> Plan {
    let records = GivenBack::new(std::mem::take(&mut feed.records));
    build_from(platform, &feed, records, snapshot, options)
}

/// The records of a feed given away, in order, their memory given back as they are taken: the
/// vector is reversed once and taken from its end, shrinking every [`GivenBack::STEP`] records, so
/// the feed's records and the plan's rows never take their full size at the same time.
struct GivenBack(Vec<FeedRecord>);

impl GivenBack {
    const STEP: usize = 1 << 16;

    fn new(mut records: Vec<FeedRecord>) -> Self {
        records.reverse();
        GivenBack(records)
    }
}

impl Iterator for GivenBack {
    type Item = FeedRecord;

    fn next(&mut self) -> Option<FeedRecord> {
        if self.0.capacity() - self.0.len() >= Self::STEP {
            self.0.shrink_to_fit();
        }
        self.0.pop()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.0.len(), Some(self.0.len()))
    }
}

impl ExactSizeIterator for GivenBack {}

/// The plan of `records` (the feed's, by value), with the rest of `feed` (its problems, columns,
/// corrections; its own `records` are not read).
fn build_from(
    platform: PlatformKind,
    feed: &Feed,
    records: impl ExactSizeIterator<Item = FeedRecord>,
    snapshot: &Snapshot,
    options: &PlanOptions,
) -> Plan {
    let dir = Directory::new(snapshot);
    let order = Order::new(snapshot);
    // Each distinct agent and skill text is resolved once, at its number, with its snapshot index
    // (u32::MAX when not found) and its id as a name every row of it shares.
    let mut agents: Vec<Seen<AgentMatch<'_>>> = Vec::new();
    let mut agent_numbers = Numbered::new();
    let mut skills: Vec<Seen<SkillMatch<'_>>> = Vec::new();
    let mut skill_numbers = Numbered::new();
    let mut names = Collected::default();
    let mut rows: Vec<PlanRow> = Vec::with_capacity(records.len() + feed.problems.len());
    let mut valid: Vec<Valid> = Vec::with_capacity(records.len());
    // Each kept row's value column, as an index into the few distinct columns (messages about
    // duplicates name it).
    let (mut columns, mut column_of): (Vec<Name>, Vec<u32>) = (Vec::new(), Vec::with_capacity(records.len()));
    let mut column_numbers = Numbered::new();
    // A row the mapping refused takes its agent from a record of the same line (wide files).
    let problem_lines: FxHashMap<usize, ()> = feed.problems.iter().map(|p| (p.line, ())).collect();
    let mut agent_by_line: FxHashMap<usize, Name> = FxHashMap::default();
    let corrections = Corrections::new(feed);
    let mut excluded = 0;

    for rec in records {
        if !problem_lines.is_empty() && problem_lines.contains_key(&rec.line) {
            agent_by_line.entry(rec.line).or_insert_with(|| rec.agent.clone());
        }
        if corrections.excludes(&rec) {
            excluded += 1;
            continue;
        }
        let (column, new) = column_numbers.number(&rec.value_column, ());
        if new {
            columns.push(rec.value_column.clone());
        }
        let (at, new) = agent_numbers.number(&rec.agent, ());
        if new {
            let m = dir.agent(corrections.agent(&rec.agent), feed.agent_key);
            let index = match &m {
                AgentMatch::Found(a) => order.agent_index.get(a.id.as_str()).copied(),
                _ => None,
            };
            agents.push((m, index.unwrap_or(u32::MAX), index.map(|i| order.agent_names[i as usize].clone())));
        }
        let (agent, agent_no, agent_id) = &agents[at];
        let (at, new) = skill_numbers.number(&rec.skill, rec.kind);
        if new {
            let m = dir.skill_of_kind(corrections.skill(&rec.skill), rec.kind);
            let index = match &m {
                SkillMatch::Found(s) => order.skill_index.get(s.id.as_str()).copied(),
                _ => None,
            };
            skills.push((m, index.unwrap_or(u32::MAX), index.map(|i| order.skill_names[i as usize].clone())));
        }
        let (skill, skill_no, skill_id) = &skills[at];
        let problem = agent_problem(&rec, agent, feed, &mut names)
            .or_else(|| skill_problem(&rec, skill, &feed.skill_column, &mut names))
            .or_else(|| value_problem(&rec, options))
            .or_else(|| language_level_problem(&rec, skill));
        column_of.push(column as u32);
        let FeedRecord { line, agent: agent_text, skill: skill_text, value, .. } = rec;
        let mut row = PlanRow {
            line,
            agent: agent_text,
            skill: skill_text,
            agent_id: agent_id.clone(),
            skill_id: skill_id.clone(),
            before: None,
            requested: None,
            action: Action::Invalid,
            problem: None,
        };
        if let Ok(Target::Set(v)) = value {
            row.requested = Some(v);
        }
        let found = matches!((agent, skill), (AgentMatch::Found(_), SkillMatch::Found(_)))
            && *agent_no != u32::MAX
            && *skill_no != u32::MAX;
        match (problem, found, &value) {
            (None, true, Ok(target)) => {
                valid.push(Valid::new(*agent_no, *skill_no, *target));
            }
            (problem, ..) => {
                row.problem = problem.map(Box::new);
                valid.push(Valid::NONE);
            }
        }
        rows.push(row);
    }

    let Diffed { mut changes, mut ranges, agents: mut change_agents, members } =
        diff(&mut rows, (&columns, &column_of), valid, &order);
    drop(column_of);
    // Unlisted removals are planned before the skill limit is checked: the room they make counts.
    if options.remove_unlisted {
        remove_unlisted(&mut rows, &mut changes, &mut ranges, &mut change_agents, &order);
    }
    if let Some(max) = options.max_skills_per_agent {
        enforce_skill_limit(&mut rows, &mut changes, (&mut ranges, &mut change_agents), &members, &order, max);
    }
    drop((ranges, members, change_agents));
    for p in &feed.problems {
        rows.push(problem_row(p, agent_by_line.get(&p.line).cloned().unwrap_or_default()));
    }
    if !rows.is_sorted_by_key(|r| r.line) {
        rows.sort_by_key(|r| r.line);
    }
    // The diff lists changes in this order already; only unlisted removals join out of it.
    if options.remove_unlisted {
        let by_pair = |a: &Change, b: &Change| {
            (a.agent_id.as_str(), a.skill_id.as_str()).cmp(&(b.agent_id.as_str(), b.skill_id.as_str()))
        };
        changes.sort_by(by_pair);
    }
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

fn agent_problem(rec: &FeedRecord, m: &AgentMatch<'_>, feed: &Feed, names: &mut Collected) -> Option<RowProblem> {
    if let AgentMatch::Found(_) = m {
        return None;
    }
    let key = feed.agent_key;
    let (field, col) = column_name(&feed.agent_column, "agent");
    let (line, input, by) = (rec.line, rec.agent.as_str(), key.as_str());
    match m {
        AgentMatch::Found(_) => None,
        AgentMatch::Unknown { suggestions } => {
            names.unknown_agents.add(&rec.agent, line, suggestions);
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
            names.inactive_agents.add(&rec.agent, line, &[]);
            let msg = format!(
                "line {line}, column {col}: agent '{input}' ({}) is inactive on the platform; reactivate the agent or exclude the row.",
                a.email
            );
            problem(rec, "inactive_agent", field, msg)
        }
        AgentMatch::Ambiguous(list) => {
            let emails: Vec<String> = list.iter().map(|a| a.email.clone()).collect();
            names.ambiguous_agents.add(&rec.agent, line, &emails);
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

fn skill_problem(rec: &FeedRecord, m: &SkillMatch<'_>, header: &str, names: &mut Collected) -> Option<RowProblem> {
    if let SkillMatch::Found(_) = m {
        return None;
    }
    let (line, input, (field, col)) = (rec.line, rec.skill.as_str(), skill_column(rec, header));
    match m {
        SkillMatch::Found(_) => None,
        SkillMatch::Unknown { suggestions } => {
            names.unknown_skills.add(&rec.skill, line, suggestions);
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
            names.inactive_skills.add(&rec.skill, line, &[]);
            let msg = format!(
                "line {line}, column {col}: skill '{input}' is inactive on the platform; reactivate it or exclude the row."
            );
            problem(rec, "inactive_skill", field, msg)
        }
        SkillMatch::Ambiguous(list) if list.iter().any(|s| s.kind != list[0].kind) => {
            names.ambiguous_skills.add(&rec.skill, line, &[]);
            let msg = format!(
                "line {line}, column {col}: '{input}' is both a skill and a routing language; add a kind column \
                 (skill or language) and name it in the mapping's [columns] kind, or use the id instead."
            );
            problem(rec, "skill_or_language", field, msg)
        }
        SkillMatch::Ambiguous(list) => {
            let ids: Vec<String> = list.iter().map(|s| s.id.clone()).collect();
            names.ambiguous_skills.add(&rec.skill, line, &ids);
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

pub(crate) fn same_target(a: Target, b: Target) -> bool {
    match (a, b) {
        (Target::Set(x), Target::Set(y)) => same_value(x, y),
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

/// The distinct value columns and each kept row's index into them.
type ValueColumns<'a> = (&'a [Name], &'a [u32]);

fn value_column<'a>((columns, column_of): ValueColumns<'a>, row: usize) -> &'a Name {
    &columns[column_of[row] as usize]
}

/// Groups valid rows by (agent, skill), settles duplicates and conflicts and diffs each pair against
/// the current assignment. Returns the changes to send, each with the rows it came from, in the
/// order of (agent id, skill id).
///
/// Rows are grouped by sorting a (agent, skill, row) key of three numbers rather than by a map of
/// vectors: no allocation per pair, and a pair's rows come out in line order.
fn diff(rows: &mut [PlanRow], columns: ValueColumns<'_>, valid: Vec<Valid>, order: &Order<'_>) -> Diffed {
    // Everything the grouping reads travels in the key, so walking the groups reads one array
    // in order instead of jumping between a million rows.
    let mut keys: Vec<Key> = valid
        .iter()
        .zip(rows.iter())
        .enumerate()
        .filter_map(|(i, (v, row))| {
            let v = v.get()?;
            let (agent, skill) = (order.agent_rank[v.agent as usize], order.skill_rank[v.skill as usize]);
            Some(Key { pair: pair(agent, skill), row: i as u32, line: row.line as u32, value: v.value })
        })
        .collect();
    drop(valid);
    keys.sort_unstable_by_key(|k| (k.pair, k.row));

    // What each row becomes, written in key order into this small array and copied into the rows
    // in row order afterwards.
    let mut outcome = vec![Outcome::default(); rows.len()];
    // Sized once for a change per pair (at most): a million changes are not grown by doubling.
    let pairs = keys.chunk_by(|a, b| a.pair == b.pair).count();
    let mut out = Diffed {
        changes: Vec::with_capacity(pairs),
        ranges: Vec::with_capacity(pairs),
        agents: Vec::with_capacity(pairs),
        members: Vec::new(),
    };
    let mut start = 0u32;
    for group in keys.chunk_by(|a, b| a.pair == b.pair) {
        let range = start..start + group.len() as u32;
        start = range.end;
        let first = group[0];
        let target = first.target();
        if !group.iter().all(|k| same_target(k.target(), target)) {
            mark_conflict(rows, columns, group);
            continue;
        }
        let (agent, skill) = order.numbers(first.pair);
        let current = order.assigned.get(&pair(agent, skill)).copied();
        let before = current.map(|c| c.0);
        let action = match (target, before) {
            (Target::Set(_), None) => Action::Add,
            (Target::Set(v), Some(b)) if !same_value(v, b) => Action::Update,
            (Target::Remove, Some(_)) => Action::Remove,
            _ => Action::Unchanged,
        };
        let before_bits = before.unwrap_or(f64::NAN);
        outcome[first.row as usize] = Outcome { before: before_bits, same_as: 0, action: Some(action) };
        for k in &group[1..] {
            outcome[k.row as usize] =
                Outcome { before: before_bits, same_as: first.line, action: Some(Action::Unchanged) };
        }
        if action != Action::Unchanged {
            out.changes.push(Change {
                agent_id: order.agent_names[agent as usize].clone(),
                skill_id: order.skill_names[skill as usize].clone(),
                before,
                target,
                lines: group.iter().map(|k| k.line as usize).collect(),
                active: current.and_then(|c| c.1),
            });
            out.ranges.push(range);
            out.agents.push(agent);
        }
    }
    for (i, (row, o)) in rows.iter_mut().zip(outcome).enumerate() {
        let Some(action) = o.action else { continue };
        row.before = (!o.before.is_nan()).then_some(o.before);
        row.action = action;
        if o.same_as != 0 {
            row.problem = Some(Box::new(RowProblem {
                line: row.line,
                code: "duplicate_row".into(),
                column: value_column(columns, i).to_string(),
                message: format!("same as line {}", o.same_as),
            }));
        }
    }
    // A vector of its own: collected from `keys` in place, it would keep the keys' larger memory.
    out.members = Vec::with_capacity(keys.len());
    out.members.extend(keys.iter().map(|k| k.row));
    drop(keys);
    out.changes.shrink_to_fit();
    out.ranges.shrink_to_fit();
    out.agents.shrink_to_fit();
    out
}

/// A valid row as the diff groups it: its pair by the ranks of the agent's and the skill's ids
/// (the changes' order), its place and line, its target ([`Valid::REMOVE`] for a removal).
#[derive(Clone, Copy)]
struct Key {
    pair: u64,
    row: u32,
    line: u32,
    value: f64,
}

impl Key {
    fn target(self) -> Target {
        target_of(self.value)
    }
}

/// What the diff decided for a row: the current level (NaN when not assigned), the line of the
/// row it repeats (0 when none), the action (`None`: not decided here).
#[derive(Clone, Copy, Default)]
struct Outcome {
    before: f64,
    same_as: u32,
    action: Option<Action>,
}

/// The changes, each with its rows (a range of `members`, the rows in key order) and its agent's
/// index in the snapshot.
#[derive(Default)]
struct Diffed {
    changes: Vec<Change>,
    ranges: Vec<Members>,
    agents: Vec<u32>,
    members: Vec<u32>,
}

fn mark_conflict(rows: &mut [PlanRow], columns: ValueColumns<'_>, group: &[Key]) {
    let listing: Vec<String> = group.iter().map(|k| format!("line {} ({})", k.line, show_target(k.target()))).collect();
    let first = group[0].row as usize;
    let message = format!(
        "conflicting rows for agent '{}' and skill '{}': {}; keep one value, nothing is sent for this pair.",
        rows[first].agent,
        rows[first].skill,
        listing.join(", ")
    );
    for k in group {
        let i = k.row as usize;
        rows[i].action = Action::Invalid;
        rows[i].problem = Some(Box::new(RowProblem {
            line: rows[i].line,
            code: "conflicting_rows".into(),
            column: value_column(columns, i).to_string(),
            message: message.clone(),
        }));
    }
}

/// Refuses every add of an agent whose skill count would pass `max` (updates still go). Removals
/// of the same plan make room: the apply sends them before any add.
///
/// Agents are counted by their index in the snapshot (`agents` holds each change's), in arrays
/// rather than maps of id strings.
fn enforce_skill_limit(
    rows: &mut [PlanRow],
    changes: &mut Vec<Change>,
    (ranges, agents): (&mut Vec<Members>, &mut Vec<u32>),
    members: &[u32],
    order: &Order<'_>,
    max: usize,
) {
    let count = order.snapshot.agents.len();
    let (mut adds, mut removes) = (vec![0usize; count], vec![0usize; count]);
    for (c, &agent) in changes.iter().zip(agents.iter()) {
        match (c.before, c.target) {
            (None, Target::Set(_)) => adds[agent as usize] += 1,
            (Some(_), Target::Remove) => removes[agent as usize] += 1,
            _ => {}
        }
    }
    if adds.iter().all(|&n| n == 0) {
        return;
    }
    let mut current = vec![0usize; count];
    for (agent, n) in order.snapshot.skill_counts() {
        if let Some(&a) = order.agent_index.get(agent) {
            current[a as usize] = n;
        }
    }
    let over: Vec<Option<(usize, usize)>> = (0..count)
        .map(|a| {
            let (now, n) = (current[a].saturating_sub(removes[a]), adds[a]);
            (n > 0 && now + n > max).then_some((now, n))
        })
        .collect();
    if over.iter().all(Option::is_none) {
        return;
    }
    // Which changes stay: an add of an agent over the limit goes, and its rows say why.
    let keep: Vec<bool> = changes
        .iter()
        .zip(ranges.iter().zip(agents.iter()))
        .map(|(c, (range, &agent))| {
            let Some((now, n)) = over[agent as usize] else { return true };
            if c.before.is_some() || !matches!(c.target, Target::Set(_)) {
                return true;
            }
            for i in members[range.start as usize..range.end as usize].iter().map(|&i| i as usize) {
                let message = format!(
                    "line {}: agent '{}' keeps {now} skills and this plan adds {n}, {} in all; the platform allows at most {max}. Remove {} of the additions or some of the agent's current skills.",
                    rows[i].line,
                    rows[i].agent,
                    now + n,
                    now + n - max
                );
                rows[i].action = Action::Invalid;
                rows[i].problem = Some(Box::new(RowProblem {
                    line: rows[i].line,
                    code: "too_many_skills".into(),
                    column: rows[i].skill.to_string(),
                    message,
                }));
            }
            false
        })
        .collect();
    let mut flags = keep.iter();
    ranges.retain(|_| flags.next().copied().unwrap_or(true));
    let mut flags = keep.iter();
    agents.retain(|_| flags.next().copied().unwrap_or(true));
    let mut flags = keep.iter();
    changes.retain(|_| flags.next().copied().unwrap_or(true));
}

/// The confirmed "feed is the whole truth" mode: every current skill of a listed agent that the
/// feed does not mention is removed. Any row naming the skill (even an invalid one) keeps it, so
/// a typo in a value never turns into a removal.
fn remove_unlisted(
    rows: &mut Vec<PlanRow>,
    changes: &mut Vec<Change>,
    ranges: &mut Vec<Members>,
    agents: &mut Vec<u32>,
    order: &Order<'_>,
) {
    let snapshot = order.snapshot;
    let mut listed: HashMap<&str, (Name, HashSet<&str>)> = HashMap::new();
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
        let Some(&agent) = order.agent_index.get(agent_id.as_str()) else { continue };
        if skills.contains(skill_id.as_str()) {
            continue;
        }
        extra.push(PlanRow {
            line: 0,
            agent: agent_text.clone(),
            skill: skill_names.get(skill_id.as_str()).copied().unwrap_or(skill_id).into(),
            agent_id: Some(agent_id.into()),
            skill_id: Some(skill_id.into()),
            before: Some(value),
            requested: None,
            action: Action::Remove,
            problem: None,
        });
        let change = Change {
            agent_id: agent_id.into(),
            skill_id: skill_id.into(),
            before: Some(value),
            target: Target::Remove,
            lines: Lines::default(),
            active: snapshot.active_of(agent_id, skill_id),
        };
        changes.push(change);
        ranges.push(0..0);
        agents.push(agent);
    }
    // The snapshot's map has no order; the plan must be deterministic.
    extra.sort_by(|a, b| (&a.agent_id, &a.skill_id).cmp(&(&b.agent_id, &b.skill_id)));
    rows.extend(extra);
}

/// A row that never became a record: the agent is taken from a record of the same line when one
/// exists (wide files), the rest is unknown.
fn problem_row(p: &RowProblem, agent: Name) -> PlanRow {
    PlanRow {
        line: p.line,
        agent,
        skill: Name::default(),
        agent_id: None,
        skill_id: None,
        before: None,
        requested: None,
        action: Action::Invalid,
        problem: Some(Box::new(p.clone())),
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
