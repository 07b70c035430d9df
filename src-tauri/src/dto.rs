//! What crosses the IPC boundary, shaped for the screens. The UI's TypeScript types are generated
//! from these (`ui/src/bindings/`, see `bindings_are_current`), so a renamed field breaks the build
//! of the UI rather than a screen at runtime. The engine's own types stay free of UI concerns.

use serde::{Deserialize, Serialize};
use skillsync_core::mapping::{Columns as CoreColumns, Layout as CoreLayout, Mapping, ScaleMap as CoreScaleMap};
use skillsync_core::plan::{PlanSummary as CorePlanSummary, UnresolvedName as CoreName};
use skillsync_core::report::RunSummary as CoreRunSummary;
use skillsync_core::{AgentKey as CoreAgentKey, PlatformKind};
use skillsync_core::{Exclude, ExcludedRow, Rename};
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Genesys,
    Cxone,
}

impl From<PlatformKind> for Platform {
    fn from(p: PlatformKind) -> Self {
        match p {
            PlatformKind::Genesys => Platform::Genesys,
            PlatformKind::Cxone => Platform::Cxone,
        }
    }
}

impl From<Platform> for PlatformKind {
    fn from(p: Platform) -> Self {
        match p {
            Platform::Genesys => PlatformKind::Genesys,
            Platform::Cxone => PlatformKind::Cxone,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AgentKey {
    Email,
    Username,
    Id,
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Long,
    Wide,
    Packed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Add,
    Update,
    Remove,
    Unchanged,
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Added,
    Updated,
    Removed,
    Unchanged,
    Invalid,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Connect,
    Read,
    Plan,
    Apply,
    Verify,
    Report,
}

// ---- profiles ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProfileView {
    pub name: String,
    pub platform: Platform,
    /// The built-in Sandbox profiles: an imitation tenant in the app, no account needed.
    pub builtin: bool,
    /// The region or base URL, for display.
    pub location: String,
    pub client_id: String,
    pub api_version: Option<String>,
    /// Every secret the platform needs is in the keychain.
    pub has_secrets: bool,
    /// The company root CA file trusted for this profile, if any.
    pub ca_file: Option<String>,
}

/// The wizard's answers. Secrets travel once, to be tested or stored in the keychain.
#[derive(Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProfileInput {
    pub name: String,
    pub platform: Platform,
    pub region: Option<String>,
    pub base_url: Option<String>,
    pub client_id: String,
    pub api_version: Option<String>,
    pub client_secret: String,
    pub access_key_id: Option<String>,
    pub access_key_secret: Option<String>,
    /// A PEM file with the company's root CA, picked with `choose_file("ca_file")`.
    pub ca_file: Option<String>,
}

impl std::fmt::Debug for ProfileInput {
    // Never print the secrets, not even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileInput")
            .field("name", &self.name)
            .field("platform", &self.platform)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("ca_file", &self.ca_file)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
    /// The error code of a failed check (e.g. `connection.certificate`), for the UI's advice.
    pub code: Option<String>,
}

/// What a file dialog is for: which dialog (open or save), its filters, and whether the answer
/// may then be read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    /// Open a feed to import.
    Feed,
    /// Open a PEM file with the company's root CA.
    CaFile,
    /// Save today's assignments as a feed.
    Export,
    /// Save the last run's report.
    Report,
    /// Save the current plan for approval.
    Plan,
    /// Open a plan saved for approval.
    ApprovedPlan,
}

/// The app's version and where it keeps things, for the About line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct About {
    pub version: String,
    pub config_dir: String,
    pub data_dir: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConnectionCheck {
    pub ok: bool,
    pub platform: Platform,
    pub tenant: String,
    /// Routing skills (Genesys routing languages are counted apart in `languages`).
    pub skills: usize,
    /// Genesys routing languages; 0 on CXone.
    pub languages: usize,
    pub agents: usize,
    pub assignments: usize,
    pub elapsed_ms: u64,
    pub checks: Vec<Check>,
}

// ---- feed and mapping ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedView {
    pub path: String,
    pub file_name: String,
    /// The CSV's encoding, or the workbook's format ("Excel workbook (.xlsx)").
    pub encoding: String,
    /// "comma", "semicolon", "tab" or "pipe"; "none" for a workbook.
    pub delimiter: String,
    pub rows: usize,
    pub headers: Vec<String>,
    /// The first data rows, cells as written.
    pub sample: Vec<Vec<String>>,
    /// Detected from the header; `None` when detection failed (see `detect_error`).
    pub mapping: Option<MappingInput>,
    pub detect_error: Option<String>,
    /// The platform the file was made for (the sample feed, an export).
    pub suggested_platform: Option<Platform>,
    /// The sheet read, when the feed is a workbook.
    pub sheet: Option<String>,
    /// The workbook's visible sheets, to choose another (empty for a CSV).
    pub sheets: Vec<String>,
    /// The template last saved from a feed of this file name, to offer for it again.
    pub saved_template: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Columns {
    pub layout: Layout,
    pub agent: Option<String>,
    pub agent_key: Option<AgentKey>,
    pub skill: Option<String>,
    pub proficiency: Option<String>,
    pub skill_columns: Vec<String>,
    pub skill_pairs: Option<String>,
    /// Long layout: the column saying `skill` or `language` (Genesys routing languages).
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct ScaleMap {
    pub from: [f64; 2],
    pub to: [f64; 2],
}

/// A mapping as the mapping screen edits it; the same content as a mapping TOML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MappingInput {
    pub columns: Columns,
    #[ts(type = "Record<string, number>")]
    pub values: BTreeMap<String, f64>,
    pub scale: Option<ScaleMap>,
    /// Feed names corrected to the platform's (`[rename.skills]`, `[rename.agents]`).
    #[serde(default)]
    pub rename: RenameInput,
    /// Rows left out (`[exclude] agents`, `skills`, `rows`).
    #[serde(default)]
    pub exclude: ExcludeInput,
}

/// Feed text → the platform's name, as the Plan screen's fixes write them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RenameInput {
    #[ts(type = "Record<string, string>")]
    pub skills: BTreeMap<String, String>,
    #[ts(type = "Record<string, string>")]
    pub agents: BTreeMap<String, String>,
}

/// Names and rows the analyst left out; excluded rows are counted apart and never sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExcludeInput {
    pub agents: Vec<String>,
    pub skills: Vec<String>,
    pub rows: Vec<ExcludedRowInput>,
}

/// One agent's one skill, as the feed names them; with `line`, only the row on that line (one of
/// two conflicting rows, so the other one's level is planned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExcludedRowInput {
    pub agent: String,
    pub skill: String,
    #[serde(default)]
    pub line: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub integer: bool,
    pub higher_is_better: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DistinctValue {
    pub value: String,
    pub count: usize,
    /// The platform value it becomes; `None` when it is a removal or cannot be mapped.
    pub mapped: Option<f64>,
    pub remove: bool,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewRow {
    pub line: usize,
    pub agent: String,
    pub skill: String,
    pub raw_value: String,
    pub value: Option<f64>,
    pub remove: bool,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MappingPreview {
    /// The mapping cannot be applied to this file at all (a column it names is missing…).
    pub error: Option<String>,
    pub scale: Scale,
    pub records: usize,
    pub valid: usize,
    pub problems: usize,
    /// Every distinct source value, most frequent first.
    pub values: Vec<DistinctValue>,
    pub rows: Vec<PreviewRow>,
    /// The mapping as a TOML file, as a template is saved.
    pub toml: String,
    /// Why no row would plan (nothing valid), in the app's words; `None` when some row is valid.
    pub blocked: Option<String>,
}

// ---- plan ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct PlanOptionsInput {
    pub allow_remove: bool,
    pub remove_unlisted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanSummary {
    pub rows: usize,
    /// Feed rows left out by the mapping's exclusions: not plan rows, never sent.
    pub excluded: usize,
    pub add: usize,
    pub update: usize,
    pub remove: usize,
    pub unchanged: usize,
    pub invalid: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Estimate {
    pub writes: u64,
    pub verify_reads: u64,
    pub rate_per_minute: Option<f64>,
    pub seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UnresolvedName {
    pub input: String,
    pub lines: Vec<usize>,
    pub suggestions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Unresolved {
    pub unknown_skills: Vec<UnresolvedName>,
    pub unknown_agents: Vec<UnresolvedName>,
    pub inactive_skills: Vec<UnresolvedName>,
    pub inactive_agents: Vec<UnresolvedName>,
    pub ambiguous_agents: Vec<UnresolvedName>,
    pub ambiguous_skills: Vec<UnresolvedName>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanView {
    pub profile: String,
    pub platform: Platform,
    pub tenant: String,
    pub summary: PlanSummary,
    pub estimate: Estimate,
    pub unresolved: Unresolved,
    pub reads: u64,
    pub elapsed_ms: u64,
    /// An interrupted apply of this same job (feed, mapping, tenant) can be resumed.
    pub resumable: bool,
    /// The first removals with names, for the confirmation (all of them up to 200).
    pub removals: Vec<PlanRowView>,
    /// Re-planned against the tenant already read (a fix or exclusion), not read again.
    pub replanned: bool,
    /// Set when this is an approved plan opened from a file: which file, when and for which tenant
    /// it was made, so every screen says what is about to be sent.
    pub approved: Option<ApprovedPlanView>,
}

/// An approved plan as the screens name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApprovedPlanView {
    pub file_name: String,
    pub path: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// How the tenant was named when the plan was made (a profile or the base URL).
    pub tenant: String,
    /// The feed it was made from.
    pub feed: String,
}

/// A page of rows: `filter` is an action (plan) or outcome (results) name, `search` a
/// case-insensitive part of the agent or skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RowQuery {
    pub filter: Option<String>,
    pub search: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanRowView {
    pub line: usize,
    pub agent: String,
    pub skill: String,
    /// Who the agent is on the platform ("Ana Silva <ana@x>"), also when the feed names an id.
    pub agent_label: Option<String>,
    /// The skill's name on the platform when the feed names an id or a corrected name.
    pub skill_label: Option<String>,
    pub before: Option<f64>,
    pub requested: Option<f64>,
    pub action: Action,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanRowPage {
    pub total: usize,
    pub rows: Vec<PlanRowView>,
}

// ---- apply and results ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct ApplyInput {
    /// The user typed the removal confirmation (required when the plan removes skills).
    pub confirm_remove: bool,
    /// Continue an interrupted run of this job from its journal.
    pub resume: bool,
}

/// The engine's progress events, as the UI's channel receives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProgressEvent {
    Phase { phase: Phase },
    Read { done: u64, total: Option<u64> },
    Apply { done: u64, failed: u64, total: u64, requests_per_minute: f64, eta_seconds: Option<f64> },
    Retry { method: String, path: String, status: u16, attempt: u32, wait_ms: u64 },
    Throttled { wait_ms: u64 },
    Note { message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct RequestCounts {
    pub read: u64,
    pub write: u64,
    pub retried: u64,
    pub throttled: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunSummary {
    pub rows: usize,
    pub invalid: usize,
    /// Feed rows the mapping left out: not among `rows`, never sent.
    pub excluded: usize,
    pub unchanged: usize,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub failed: usize,
    /// Rows never sent because the run was cancelled first (the CLI's JSON has no such key).
    pub skipped: usize,
    pub verified: usize,
    pub requests: RequestCounts,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunView {
    pub id: String,
    pub summary: RunSummary,
    pub cancelled: bool,
    /// The CLI's exit code for the same run (0 done, 1 some failed or cancelled, 2 nothing valid).
    pub exit_code: i32,
    /// report.html, report.csv, report.json and undo.csv in the run's folder.
    pub report_files: Vec<String>,
    pub journal_errors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunRowView {
    pub line: usize,
    pub agent: String,
    pub skill: String,
    pub agent_label: Option<String>,
    pub skill_label: Option<String>,
    pub before: Option<f64>,
    pub requested: Option<f64>,
    pub after: Option<f64>,
    pub outcome: Outcome,
    pub error: Option<String>,
    pub correlation_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunRowPage {
    pub total: usize,
    pub rows: Vec<RunRowView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HistoryEntry {
    pub id: String,
    pub started_at: String,
    pub profile: String,
    pub platform: Platform,
    pub feed: String,
    pub summary: RunSummary,
    pub cancelled: bool,
    pub report_files: Vec<String>,
    /// The job (journal file stem): a resumed run shares it with the attempt it finished.
    #[serde(default)]
    pub job: Option<String>,
    /// This run resumed an interrupted one of the same job.
    #[serde(default)]
    pub resumed: bool,
    /// The run whose undo file this run applied.
    #[serde(default)]
    pub rollback_of: Option<String>,
}

// ---- conversions from the engine ----

impl From<CoreAgentKey> for AgentKey {
    fn from(k: CoreAgentKey) -> Self {
        match k {
            CoreAgentKey::Email => AgentKey::Email,
            CoreAgentKey::Username => AgentKey::Username,
            CoreAgentKey::Id => AgentKey::Id,
            CoreAgentKey::Name => AgentKey::Name,
        }
    }
}

impl From<AgentKey> for CoreAgentKey {
    fn from(k: AgentKey) -> Self {
        match k {
            AgentKey::Email => CoreAgentKey::Email,
            AgentKey::Username => CoreAgentKey::Username,
            AgentKey::Id => CoreAgentKey::Id,
            AgentKey::Name => CoreAgentKey::Name,
        }
    }
}

impl From<&Mapping> for MappingInput {
    fn from(m: &Mapping) -> Self {
        let c = &m.columns;
        MappingInput {
            columns: Columns {
                layout: match c.layout {
                    CoreLayout::Long => Layout::Long,
                    CoreLayout::Wide => Layout::Wide,
                    CoreLayout::Packed => Layout::Packed,
                },
                agent: c.agent.clone(),
                agent_key: c.agent_key.map(Into::into),
                skill: c.skill.clone(),
                proficiency: c.proficiency.clone(),
                skill_columns: c.skill_columns.clone(),
                skill_pairs: c.skill_pairs.clone(),
                kind: c.kind.clone(),
            },
            values: m.values.clone(),
            scale: m.scale.map(|s| ScaleMap { from: s.from, to: s.to }),
            rename: RenameInput { skills: m.rename.skills.clone(), agents: m.rename.agents.clone() },
            exclude: ExcludeInput {
                agents: m.exclude.agents.clone(),
                skills: m.exclude.skills.clone(),
                rows: m
                    .exclude
                    .rows
                    .iter()
                    .map(|r| ExcludedRowInput { agent: r.agent.clone(), skill: r.skill.clone(), line: r.line })
                    .collect(),
            },
        }
    }
}

impl From<&MappingInput> for Mapping {
    fn from(m: &MappingInput) -> Self {
        let c = &m.columns;
        // The screen sends empty strings for "not chosen"; a mapping file leaves them out.
        let chosen = |s: &Option<String>| s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        Mapping {
            columns: CoreColumns {
                layout: match c.layout {
                    Layout::Long => CoreLayout::Long,
                    Layout::Wide => CoreLayout::Wide,
                    Layout::Packed => CoreLayout::Packed,
                },
                agent: chosen(&c.agent),
                agent_key: c.agent_key.map(Into::into),
                skill: chosen(&c.skill),
                proficiency: chosen(&c.proficiency),
                skill_columns: c.skill_columns.clone(),
                skill_pairs: chosen(&c.skill_pairs),
                kind: chosen(&c.kind),
            },
            values: m.values.iter().filter(|(k, _)| !k.trim().is_empty()).map(|(k, v)| (k.clone(), *v)).collect(),
            scale: m.scale.map(|s| CoreScaleMap { from: s.from, to: s.to }),
            rename: Rename { skills: named_pairs(&m.rename.skills), agents: named_pairs(&m.rename.agents) },
            exclude: Exclude {
                agents: named(&m.exclude.agents),
                skills: named(&m.exclude.skills),
                rows: m
                    .exclude
                    .rows
                    .iter()
                    .filter(|r| !r.agent.trim().is_empty() && !r.skill.trim().is_empty())
                    .map(|r| ExcludedRow {
                        agent: r.agent.trim().to_string(),
                        skill: r.skill.trim().to_string(),
                        line: r.line,
                    })
                    .collect(),
            },
        }
    }
}

/// Blank entries dropped, each name trimmed and listed once.
fn named(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in v.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(n)) {
            out.push(n.to_string());
        }
    }
    out
}

fn named_pairs(m: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    m.iter()
        .filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

impl From<&CorePlanSummary> for PlanSummary {
    fn from(s: &CorePlanSummary) -> Self {
        PlanSummary {
            rows: s.rows,
            excluded: s.excluded,
            add: s.add,
            update: s.update,
            remove: s.remove,
            unchanged: s.unchanged,
            invalid: s.invalid,
        }
    }
}

impl From<&CoreName> for UnresolvedName {
    fn from(n: &CoreName) -> Self {
        UnresolvedName { input: n.input.clone(), lines: n.lines.clone(), suggestions: n.suggestions.clone() }
    }
}

impl From<&CoreRunSummary> for RunSummary {
    fn from(s: &CoreRunSummary) -> Self {
        let r = s.requests;
        RunSummary {
            rows: s.rows,
            invalid: s.invalid,
            excluded: s.excluded,
            unchanged: s.unchanged,
            added: s.added,
            updated: s.updated,
            removed: s.removed,
            failed: s.failed,
            skipped: 0,
            verified: s.verified,
            requests: RequestCounts { read: r.read, write: r.write, retried: r.retried, throttled: r.throttled },
            elapsed_ms: s.elapsed_ms,
        }
    }
}

impl From<skillsync_core::Action> for Action {
    fn from(a: skillsync_core::Action) -> Self {
        use skillsync_core::Action as A;
        match a {
            A::Add => Action::Add,
            A::Update => Action::Update,
            A::Remove => Action::Remove,
            A::Unchanged => Action::Unchanged,
            A::Invalid => Action::Invalid,
        }
    }
}

impl From<skillsync_core::Outcome> for Outcome {
    fn from(o: skillsync_core::Outcome) -> Self {
        use skillsync_core::Outcome as O;
        match o {
            O::Added => Outcome::Added,
            O::Updated => Outcome::Updated,
            O::Removed => Outcome::Removed,
            O::Unchanged => Outcome::Unchanged,
            O::Invalid => Outcome::Invalid,
            O::Failed => Outcome::Failed,
            O::Skipped => Outcome::Skipped,
        }
    }
}

impl From<skillsync_core::Event> for ProgressEvent {
    fn from(e: skillsync_core::Event) -> Self {
        use skillsync_core::{Event as E, Phase as P};
        match e {
            E::Phase { phase } => ProgressEvent::Phase {
                phase: match phase {
                    P::Connect => Phase::Connect,
                    P::Read => Phase::Read,
                    P::Plan => Phase::Plan,
                    P::Apply => Phase::Apply,
                    P::Verify => Phase::Verify,
                    P::Report => Phase::Report,
                },
            },
            E::Read { done, total } => ProgressEvent::Read { done, total },
            E::Apply { done, failed, total, requests_per_minute, eta_seconds } => {
                ProgressEvent::Apply { done, failed, total, requests_per_minute, eta_seconds }
            }
            E::Retry { method, path, status, attempt, wait_ms } => {
                ProgressEvent::Retry { method, path, status, attempt, wait_ms }
            }
            E::Throttled { wait_ms } => ProgressEvent::Throttled { wait_ms },
            E::Note { message } => ProgressEvent::Note { message },
        }
    }
}

impl From<skillsync_core::Scale> for Scale {
    fn from(s: skillsync_core::Scale) -> Self {
        Scale { min: s.min, max: s.max, integer: s.integer, higher_is_better: s.higher_is_better }
    }
}
