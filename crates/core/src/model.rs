//! The job's data, shared by every step: what the feed asked for, what the platform has, what the
//! plan will change and what happened. Kept in one place so each step's file reads as a function
//! from one of these to the next.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The contact-center platform a job targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlatformKind {
    Genesys,
    Cxone,
}

impl PlatformKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformKind::Genesys => "genesys",
            PlatformKind::Cxone => "cxone",
        }
    }

    /// The proficiency scale on the wire (API-CONTRACTS: the two scales run in opposite directions).
    pub fn scale(self) -> Scale {
        match self {
            PlatformKind::Genesys => Scale { min: 0.0, max: 5.0, integer: false, higher_is_better: true },
            PlatformKind::Cxone => Scale { min: 1.0, max: 20.0, integer: true, higher_is_better: false },
        }
    }
}

impl std::fmt::Display for PlatformKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PlatformKind::Genesys => "Genesys Cloud",
            PlatformKind::Cxone => "NICE CXone",
        })
    }
}

impl std::str::FromStr for PlatformKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "genesys" | "genesys-cloud" | "purecloud" => Ok(PlatformKind::Genesys),
            "cxone" | "nice" | "nice-cxone" | "incontact" => Ok(PlatformKind::Cxone),
            other => Err(format!("unknown platform '{other}': use genesys or cxone")),
        }
    }
}

/// A platform's proficiency scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    /// CXone takes integers only.
    pub integer: bool,
    /// Genesys: 5.0 is best. CXone: 1 is best.
    pub higher_is_better: bool,
}

impl Scale {
    /// Why `v` is not a valid value on this scale, or `None` when it is.
    pub fn check(&self, v: f64) -> Option<String> {
        if !v.is_finite() {
            return Some("is not a number".into());
        }
        if v < self.min || v > self.max {
            return Some(format!(
                "{} is outside the platform's range {}–{}",
                fmt_value(v),
                fmt_value(self.min),
                fmt_value(self.max)
            ));
        }
        if self.integer && v.fract() != 0.0 {
            return Some(format!(
                "{} is not a whole number (the platform takes integers {}–{})",
                fmt_value(v),
                fmt_value(self.min),
                fmt_value(self.max)
            ));
        }
        None
    }
}

/// Two proficiencies at most this far apart are the same value: feeds carry decimals written by
/// spreadsheets and the platforms echo floats. The plan, verify and the saved-plan check all ask
/// [`same_value`], so a value never counts as reached in one step and as changed in another.
pub const VALUE_TOLERANCE: f64 = 1e-9;

/// Whether `a` counts as `b` (within [`VALUE_TOLERANCE`], the boundary included).
pub fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= VALUE_TOLERANCE
}

/// Formats a proficiency without a trailing `.0` for whole numbers ("4", "4.5").
pub fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A name or id the feed or the platform wrote, shared rather than copied: every row naming the
/// same agent, skill or column holds the same text (one allocation per distinct name, and a thin
/// pointer of 8 bytes a row — `Option<Name>` too), so a million rows cost their distinct names,
/// not a million strings.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Name(std::sync::Arc<Box<str>>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Name {
    /// Whether both are the same shared text (not merely equal text): one comparison of pointers.
    pub fn same(&self, other: &Name) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }

    /// The shared text's address, which names it among the names of one interner as long as it
    /// lives: a key that hashes as one number.
    pub fn key(&self) -> usize {
        std::sync::Arc::as_ptr(&self.0) as usize
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(std::sync::Arc::new(s.into()))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(std::sync::Arc::new(s.into_boxed_str()))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name::from(s.as_str())
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        n.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Name::from)
    }
}

/// Hands out one [`Name`] per distinct text. The last name handed out is checked first: feeds
/// list an agent's rows together and repeat one column, so most rows cost a comparison, not a hash.
#[derive(Default)]
pub struct Interner {
    all: rustc_hash::FxHashSet<Name>,
    last: Option<Name>,
}

impl Interner {
    pub fn get(&mut self, text: &str) -> Name {
        if let Some(n) = self.last.as_ref().filter(|n| n.as_str() == text) {
            return n.clone();
        }
        let n = match self.all.get(text) {
            Some(n) => n.clone(),
            None => {
                let n = Name::from(text);
                self.all.insert(n.clone());
                n
            }
        };
        self.last = Some(n.clone());
        n
    }
}

/// What the agent column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AgentKey {
    #[default]
    Email,
    Username,
    Id,
    Name,
}

impl AgentKey {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKey::Email => "email",
            AgentKey::Username => "username",
            AgentKey::Id => "id",
            AgentKey::Name => "name",
        }
    }
}

/// What a feed row's "skill" is on the platform. Genesys keeps routing languages apart from skills,
/// with their own endpoints; CXone has no languages (there they are skills).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    #[default]
    Skill,
    Language,
}

/// Language ids carry this prefix inside the engine, so a pair (agent, id) names a skill or a
/// language without ambiguity everywhere — plan, journal, report, undo file — even if the platform
/// reused an id. The clients strip it on the wire.
pub const LANGUAGE_ID_PREFIX: &str = "lang:";

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Skill => "skill",
            ItemKind::Language => "language",
        }
    }

    /// The kind an engine id names.
    pub fn of_id(id: &str) -> ItemKind {
        if id.starts_with(LANGUAGE_ID_PREFIX) {
            ItemKind::Language
        } else {
            ItemKind::Skill
        }
    }

    /// Reads `skill`/`language` as a feed's kind column writes it (case and spaces ignored).
    pub fn parse(text: &str) -> Option<ItemKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "skill" | "skills" | "routing skill" => Some(ItemKind::Skill),
            "language" | "languages" | "routing language" | "lang" => Some(ItemKind::Language),
            _ => None,
        }
    }
}

/// The engine's id of a platform language id.
pub fn language_id(platform_id: &str) -> String {
    format!("{LANGUAGE_ID_PREFIX}{platform_id}")
}

/// The platform's id of an engine id (a language's without its prefix).
pub fn wire_id(id: &str) -> &str {
    id.strip_prefix(LANGUAGE_ID_PREFIX).unwrap_or(id)
}

/// A skill (or, on Genesys, a routing language) as the platform has it. Ids are strings on both
/// platforms (CXone's integers are converted at the client edge, so the rest of the engine never
/// cares); a language's id carries [`LANGUAGE_ID_PREFIX`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skill {
    pub id: String,
    pub name: String,
    pub active: bool,
    #[serde(default)]
    pub kind: ItemKind,
}

/// An agent (Genesys user, CXone agent) as the platform has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    pub id: String,
    pub name: String,
    pub email: String,
    pub username: String,
    pub active: bool,
}

/// Everything the plan needs to know about the tenant, read in the fewest calls.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub skills: Vec<Skill>,
    pub agents: Vec<Agent>,
    /// (agent id, skill id) → current proficiency on the platform's scale.
    pub assignments: HashMap<(String, String), f64>,
    /// Assignments that exist but are switched off (CXone's per-assignment `isActive`). They count
    /// as assigned everywhere; an update sends their state back unchanged.
    #[serde(default)]
    pub disabled: HashSet<(String, String)>,
}

impl Snapshot {
    /// The on/off state of an existing assignment on a platform that keeps one (`None` where the
    /// platform has no such state or the pair is not assigned).
    pub fn active_of(&self, agent_id: &str, skill_id: &str) -> Option<bool> {
        if self.disabled.is_empty() {
            return None;
        }
        let key = (agent_id.to_string(), skill_id.to_string());
        self.assignments.contains_key(&key).then(|| !self.disabled.contains(&key))
    }

    /// Number of skills (not languages) each agent holds now (Genesys refuses more than 50).
    pub fn skill_counts(&self) -> rustc_hash::FxHashMap<&str, usize> {
        let mut m = rustc_hash::FxHashMap::<&str, usize>::default();
        for (agent, skill) in self.assignments.keys() {
            if ItemKind::of_id(skill) == ItemKind::Skill {
                *m.entry(agent.as_str()).or_default() += 1;
            }
        }
        m
    }
}

/// One (agent, skill, value) request read from the feed, before resolution. `line` is the 1-based
/// line of the source file (the header is line 1), so every message can name the row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedRecord {
    pub line: usize,
    /// The agent cell as written (trimmed).
    pub agent: Name,
    /// The skill cell, or for wide files the skill column's header (trimmed).
    pub skill: Name,
    /// The proficiency cell as written.
    pub raw_value: Name,
    /// The column the value came from, for messages ("column 'Billing - English'").
    pub value_column: Name,
    /// The value on the platform scale (or an explicit removal), or why it could not be mapped.
    pub value: Result<Target, String>,
    /// Skill or language, when the feed's kind column says (needed only where a name is both).
    #[serde(default)]
    pub kind: Option<ItemKind>,
}

/// What a feed row asks for. `Remove` comes only from an explicit removal cell (the undo file
/// writes `remove` for assignments a run added) and is applied only in the confirmed removal mode.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum Target {
    Set(f64),
    Remove,
}

/// A row that is wrong, and how to fix it. Every problem names the row, the column and the fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: usize,
    /// Stable code, e.g. `unknown_skill`, `value_out_of_range`, `duplicate_row`.
    pub code: String,
    pub column: String,
    pub message: String,
}

/// What the plan does with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Add,
    Update,
    /// Remove the assignment: only from explicit removal rows or the confirmed "remove unlisted" mode.
    Remove,
    Unchanged,
    Invalid,
}

impl Action {
    /// The name as written in JSON and in filters ("add", "update", …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Update => "update",
            Action::Remove => "remove",
            Action::Unchanged => "unchanged",
            Action::Invalid => "invalid",
        }
    }
}

/// One row of the plan: a request from the feed, resolved and compared with what the platform has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub line: usize,
    /// The agent as the feed wrote it.
    pub agent: Name,
    /// The skill as the feed wrote it.
    pub skill: Name,
    pub agent_id: Option<Name>,
    pub skill_id: Option<Name>,
    pub before: Option<f64>,
    pub requested: Option<f64>,
    pub action: Action,
    /// Set when `action` is `Invalid` (or for warnings such as a duplicate that agrees).
    /// Boxed: most rows have none, and a row should not carry the size of one.
    pub problem: Option<Box<RowProblem>>,
}

/// How a row ended after apply and verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Assignment created and confirmed.
    Added,
    /// Proficiency changed and confirmed.
    Updated,
    /// Assignment removed and confirmed.
    Removed,
    /// Already as requested: nothing sent.
    Unchanged,
    /// Never sent: the row is wrong (see the error).
    Invalid,
    /// Sent (or attempted) and not confirmed: see the error.
    Failed,
    /// Not attempted because the run was cancelled.
    Skipped,
}

/// One row of the result report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowResult {
    pub line: usize,
    pub agent: Name,
    pub skill: Name,
    pub agent_id: Option<Name>,
    pub skill_id: Option<Name>,
    pub before: Option<f64>,
    pub requested: Option<f64>,
    /// What the platform holds after the run, as confirmed by the write response or a read-back.
    pub after: Option<f64>,
    pub outcome: Outcome,
    /// Explained error for invalid and failed rows.
    pub error: Option<String>,
    /// Correlation ids of every request that carried this row (retries included).
    pub correlation_ids: Vec<String>,
    /// Write calls that carried this row, over every round and every attempt of the job (HTTP
    /// retries of one call show as its several correlation ids).
    #[serde(default)]
    pub attempts: u32,
}

/// Request counts of a run. `write` counts write calls the job needed (one per batch); retries of a
/// call are counted in `retried`, and 429 answers in `throttled`, so `write` meets the lower bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCounts {
    pub read: u64,
    pub write: u64,
    pub retried: u64,
    pub throttled: u64,
}

/// Names the analyst corrected: feed text (matched trimmed and case-insensitively) → the name on
/// the platform, as the app's "did you mean" writes them into the mapping template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub skills: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub agents: std::collections::BTreeMap<String, String>,
}

/// Rows the analyst chose to leave out: by agent, by skill, or one agent's one skill. Excluded
/// rows are counted apart, never invalid and never sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclude {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<ExcludedRow>,
}

/// One agent's one skill, as the feed names them; with `line`, only the row on that line of the
/// feed (one of two conflicting rows, so the other is planned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludedRow {
    pub agent: String,
    pub skill: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Rename {
    pub fn is_empty(&self) -> bool {
        self.skills.is_empty() && self.agents.is_empty()
    }
}

impl Exclude {
    pub fn is_empty(&self) -> bool {
        self.agents.is_empty() && self.skills.is_empty() && self.rows.is_empty()
    }
}

/// The feed after import and mapping: one record per (agent, skill) request, plus the rows that
/// could not become a record at all (each with its reason).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Feed {
    pub records: Vec<FeedRecord>,
    pub problems: Vec<RowProblem>,
    /// What the agent cells hold.
    pub agent_key: AgentKey,
    /// The header of the agent column, so row messages name the column as the file does.
    #[serde(default)]
    pub agent_column: String,
    /// The header of the skill column (long) or of the `Skill:level` pairs (packed); empty for
    /// wide files, where each skill is its own column.
    #[serde(default)]
    pub skill_column: String,
    /// Name corrections from the mapping, applied when names are resolved.
    #[serde(default)]
    pub rename: Rename,
    /// Rows to leave out, from the mapping.
    #[serde(default)]
    pub exclude: Exclude,
}

/// The feed lines a change came from. Almost always one, kept inline: a plan of a million changes
/// holds no million one-element vectors. Reads as a slice; serialized as a list.
#[derive(Clone, PartialEq, Eq)]
pub enum Lines {
    One(usize),
    Many(Box<[usize]>),
}

impl Default for Lines {
    fn default() -> Self {
        Lines::Many(Box::default())
    }
}

impl std::ops::Deref for Lines {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        match self {
            Lines::One(line) => std::slice::from_ref(line),
            Lines::Many(lines) => lines,
        }
    }
}

impl From<Vec<usize>> for Lines {
    fn from(lines: Vec<usize>) -> Self {
        match lines.as_slice() {
            [one] => Lines::One(*one),
            _ => Lines::Many(lines.into_boxed_slice()),
        }
    }
}

impl FromIterator<usize> for Lines {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut iter = iter.into_iter();
        match (iter.next(), iter.next()) {
            (None, _) => Lines::default(),
            (Some(one), None) => Lines::One(one),
            (Some(a), Some(b)) => Lines::Many([a, b].into_iter().chain(iter).collect()),
        }
    }
}

impl<'a> IntoIterator for &'a Lines {
    type Item = &'a usize;
    type IntoIter = std::slice::Iter<'a, usize>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq<Vec<usize>> for Lines {
    fn eq(&self, other: &Vec<usize>) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Lines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Lines {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Lines {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<usize>::deserialize(d).map(Lines::from)
    }
}

/// One write the apply must make: an (agent, skill) pair and its new state, with the feed lines it
/// came from (several when duplicate rows agree).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub agent_id: Name,
    pub skill_id: Name,
    pub before: Option<f64>,
    pub target: Target,
    pub lines: Lines,
    /// The assignment's own on/off state, sent back unchanged on an update (CXone); `None` for a
    /// new assignment or a platform without such a state.
    #[serde(default)]
    pub active: Option<bool>,
}
