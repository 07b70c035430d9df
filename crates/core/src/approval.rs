//! Saved plans, for a change that is approved before it is applied: the plan written to a file with
//! what it was made from (tenant, feed digest, mapping digest) and a checksum, then applied later
//! exactly as approved — and never over a tenant that changed since. Before anything is sent, the
//! current value of every pair the plan changes is read back and compared with the plan's `before`;
//! one difference and nothing is sent.
//!
//! The checksum (SHA-256 over a canonical form of the rest of the file) catches edits and
//! corruption. It is not a signature: anyone who can edit the file can also recompute it.

use crate::error::{Error, Result};
use crate::job::{self, LoadedFeed, Prepared};
use crate::journal::JobId;
use crate::model::{fmt_value, same_value, Action, ItemKind, PlatformKind, Snapshot, Target};
use crate::plan::{Plan, PlanOptions};
use crate::platform::{Connection, PlatformClient};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A plan as saved for approval.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format_version: u32,
    pub platform: PlatformKind,
    /// The tenant as the job knows it: the connection's base URL (CXone: the issuer).
    pub tenant: String,
    /// How the tenant was named when the plan was made (a profile or the base URL), for people.
    pub tenant_label: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub feed: FeedDigest,
    /// SHA-256 of the mapping (as TOML) the feed was read with.
    pub mapping_sha256: String,
    pub options: PlanOptions,
    /// How big the tenant was, so the drift check can pick the fewest reads without a full read.
    pub tenant_size: TenantSize,
    /// Every row (with the feed's agent and skill text) and every change with its before value.
    pub plan: Plan,
    /// What the platform called the plan's agents and skills when it was made, so the plan reads
    /// by name wherever it is opened. Covered by the checksum; absent from older files.
    #[serde(default, skip_serializing_if = "crate::report::Names::is_empty")]
    pub names: crate::report::Names,
    /// SHA-256 over the canonical form of every other field; empty until written.
    #[serde(default)]
    pub checksum: String,
}

/// The feed a plan was made from: its file name and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedDigest {
    pub name: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSize {
    pub agents: usize,
    pub assignments: usize,
}

/// A pair whose current state is not what the saved plan was made against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// The agent and skill as the feed named them.
    pub agent: String,
    pub skill: String,
    pub agent_id: String,
    pub skill_id: String,
    /// The value the plan saw (`None`: not assigned) and the value now.
    pub planned: Option<f64>,
    pub now: Option<f64>,
    /// The assignment's on/off state the plan saw and now (CXone; `None` where not compared).
    pub planned_active: Option<bool>,
    pub now_active: Option<bool>,
    /// The tenant does not hold the agent at all (another organisation's plan, or a deleted agent).
    #[serde(default)]
    pub agent_missing: bool,
}

impl Drift {
    /// One line for a person: "ana@example.com · Billing: planned before 4, now 5".
    pub fn describe(&self) -> String {
        let v = |x: Option<f64>| x.map(fmt_value).unwrap_or_else(|| "not assigned".into());
        if self.agent_missing {
            return format!("{} · {}: the agent is not in this tenant", self.agent, self.skill);
        }
        let mut s = format!("{} · {}: planned before {}, now {}", self.agent, self.skill, v(self.planned), v(self.now));
        if let (Some(p), Some(n)) = (self.planned_active, self.now_active) {
            if p != n {
                let state = |b: bool| if b { "on" } else { "off" };
                s.push_str(&format!(" (assignment switched {} → {})", state(p), state(n)));
            }
        }
        s
    }
}

/// An id as the platforms issue them (a UUID, a number, an engine id such as `lang:…`): letters,
/// digits, `-`, `_` and `:`, at most 128 characters. Ids go into request paths, so nothing else
/// (a `/`, a `?`, `..`) may pass.
fn well_formed_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'))
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// JSON with object keys sorted at every level: the same value always gives the same bytes,
/// whatever order a serializer wrote the keys in.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The checksum of a saved plan's JSON object, its own `checksum` field left out.
fn checksum_of(v: &Value) -> String {
    let mut rest = v.clone();
    if let Some(o) = rest.as_object_mut() {
        o.remove("checksum");
    }
    let mut text = String::new();
    canonical(&rest, &mut text);
    sha256_hex(text.as_bytes())
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => crate::model::same_value(x, y),
        (None, None) => true,
        _ => false,
    }
}

/// The tenant's identity for comparison: the base URL without a trailing slash, case-folded.
fn tenant_key(url: &str) -> String {
    url.trim().trim_end_matches('/').to_ascii_lowercase()
}

impl SavedPlan {
    /// The plan `prepared` made of `loaded`, for saving. `tenant` is the connection's base URL,
    /// `tenant_label` how the user named it.
    pub fn new(
        platform: PlatformKind,
        tenant: &str,
        tenant_label: &str,
        loaded: &LoadedFeed,
        options: &PlanOptions,
        prepared: &Prepared,
    ) -> SavedPlan {
        let name = loaded.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        SavedPlan {
            format_version: FORMAT_VERSION,
            platform,
            tenant: tenant.trim_end_matches('/').to_string(),
            tenant_label: tenant_label.to_string(),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            feed: FeedDigest { name, sha256: loaded.digest.hex().to_string() },
            mapping_sha256: sha256_hex(loaded.mapping.to_toml().as_bytes()),
            options: options.clone(),
            tenant_size: TenantSize {
                agents: prepared.snapshot.agents.len(),
                assignments: prepared.snapshot.assignments.len(),
            },
            plan: prepared.plan.clone(),
            names: crate::report::Names::of_plan(&prepared.plan.rows, &prepared.snapshot),
            checksum: String::new(),
        }
    }

    /// The file's text: pretty JSON with the checksum filled in.
    pub fn to_json(&self) -> Result<String> {
        let bad = |e: serde_json::Error| Error::Input(format!("the plan cannot be written as JSON: {e}"));
        // The checksum is taken over the value as it will be read back (numbers parsed from their
        // text), so reading the file gives exactly the same canonical form.
        let text = serde_json::to_string(self).map_err(bad)?;
        let mut v: Value = serde_json::from_str(&text).map_err(bad)?;
        let sum = checksum_of(&v);
        if let Some(o) = v.as_object_mut() {
            o.insert("checksum".into(), Value::String(sum));
        }
        serde_json::to_string_pretty(&v).map_err(bad)
    }

    /// Writes the file (through a temporary file beside it, so a crash never leaves half a plan).
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = self.to_json()?;
        crate::files::write_atomic(path, text.as_bytes())
    }

    /// Writes the plan file and, beside it, its readable copies for the approver (`<stem>.html`,
    /// `<stem>.csv`, agents and skills named from `names`); returns every path, the plan first.
    /// The checksum in the copies is the one the file carries.
    pub fn save_for_approval(&self, path: &Path, names: &crate::report::Names) -> Result<Vec<std::path::PathBuf>> {
        let text = self.to_json()?;
        crate::files::write_atomic(path, text.as_bytes())?;
        let mut shown = self.clone();
        shown.checksum = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("checksum").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
        let mut paths = vec![path.to_path_buf()];
        paths.extend(crate::report::plan_copy::write_copies(path, &shown, names)?);
        Ok(paths)
    }

    /// Reads a saved plan; an edited, corrupted or foreign file is refused.
    pub fn load(path: &Path) -> Result<SavedPlan> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        Self::parse(&text).map_err(|e| match e {
            Error::Input(m) => Error::Input(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    pub fn parse(text: &str) -> Result<SavedPlan> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| Error::Input(format!("this is not a saved Skillsync plan (not JSON: {e})")))?;
        let Some(version) = v.get("format_version").and_then(Value::as_u64) else {
            return Err(Error::Input("this is not a saved Skillsync plan (no format_version)".into()));
        };
        if version != u64::from(FORMAT_VERSION) {
            return Err(Error::Input(format!(
                "the plan is in format {version}; this Skillsync reads format {FORMAT_VERSION}: make the plan again"
            )));
        }
        let stated = v.get("checksum").and_then(Value::as_str).unwrap_or_default();
        if stated.is_empty() || stated != checksum_of(&v) {
            return Err(Error::Input(
                "the plan file was changed after it was saved (its checksum does not match): nothing was sent; make and approve the plan again"
                    .into(),
            ));
        }
        let saved: SavedPlan =
            serde_json::from_value(v).map_err(|e| Error::Input(format!("the saved plan cannot be read: {e}")))?;
        saved.check().map_err(|why| {
            Error::Input(format!(
                "the saved plan does not hold together ({why}): nothing was sent; make and approve the plan again"
            ))
        })?;
        Ok(saved)
    }

    /// A matching checksum proves nothing (anyone can recompute it), so what the plan can do is
    /// checked against what it shows: every change is a valid value on the platform's scale for
    /// a well-formed pair of ids, every change comes from the rows shown (the same pair, before
    /// value and target), every row that shows a change has exactly that change, and the counts
    /// are the rows' own. The first disagreement is the reason the plan is refused.
    fn check(&self) -> std::result::Result<(), String> {
        let plan = &self.plan;
        for (what, digest) in [
            ("the feed's digest", &self.feed.sha256),
            ("the mapping's digest", &self.mapping_sha256),
            ("the checksum", &self.checksum),
        ] {
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(format!("{what} is not a SHA-256 in hex"));
            }
        }
        if plan.platform != self.platform {
            return Err(format!("its changes are for {}, the file says {}", plan.platform, self.platform));
        }
        let scale = self.platform.scale();
        let mut changes: HashMap<(&str, &str), &crate::model::Change> = HashMap::with_capacity(plan.changes.len());
        for c in &plan.changes {
            let pair = format!(
                "agent {} · skill {}",
                crate::text::prefix(&c.agent_id, 40),
                crate::text::prefix(&c.skill_id, 40)
            );
            if !well_formed_id(&c.agent_id) || !well_formed_id(&c.skill_id) {
                return Err(format!("a change names an id that is not one ({pair})"));
            }
            let language = ItemKind::of_id(&c.skill_id) == ItemKind::Language;
            if language && self.platform != PlatformKind::Genesys {
                return Err(format!("a change sets a routing language on {} ({pair})", self.platform));
            }
            match c.target {
                Target::Set(v) => {
                    if let Some(why) = scale.check(v) {
                        return Err(format!("the level of {pair} {why}"));
                    }
                    if language && v.fract() != 0.0 {
                        return Err(format!("the level of {pair} is not a whole number, as a routing language's is"));
                    }
                    if c.before.is_some_and(|b| same_value(b, v)) {
                        return Err(format!("{pair} is changed to the value it already holds"));
                    }
                }
                Target::Remove if c.before.is_none() => return Err(format!("{pair} is removed but was not assigned")),
                Target::Remove => {}
            }
            if c.before.is_some_and(|b| !b.is_finite()) {
                return Err(format!("the value before of {pair} is not a number"));
            }
            if changes.insert((c.agent_id.as_str(), c.skill_id.as_str()), c).is_some() {
                return Err(format!("{pair} is changed twice"));
            }
        }
        let mut shown: HashSet<(&str, &str)> = HashSet::with_capacity(changes.len());
        let mut counted = crate::plan::PlanSummary { excluded: plan.summary.excluded, ..Default::default() };
        counted.rows = plan.rows.len();
        for r in &plan.rows {
            match r.action {
                Action::Add => counted.add += 1,
                Action::Update => counted.update += 1,
                Action::Remove => counted.remove += 1,
                Action::Unchanged => counted.unchanged += 1,
                Action::Invalid => counted.invalid += 1,
            }
            let pair = r.agent_id.as_deref().zip(r.skill_id.as_deref());
            let change = pair.and_then(|p| changes.get(&p));
            if !matches!(r.action, Action::Add | Action::Update | Action::Remove) {
                // A row that sends nothing may share its pair with the row that does (a copy),
                // never show a change of its own.
                if change.is_some_and(|c| {
                    r.problem.is_none() && !shown.contains(&(c.agent_id.as_str(), c.skill_id.as_str()))
                }) {
                    return Err(format!("line {} shows no change, yet its pair is changed", r.line));
                }
                continue;
            }
            let Some(c) = change else {
                return Err(format!(
                    "line {} shows a change ({}) that the plan does not send",
                    r.line,
                    r.action.as_str()
                ));
            };
            let target_shown = match r.action {
                Action::Remove => Target::Remove,
                _ => match r.requested {
                    Some(v) => Target::Set(v),
                    None => return Err(format!("line {} shows a change with no level", r.line)),
                },
            };
            let same_target = crate::plan::same_target(c.target, target_shown);
            let same_before = same(c.before, r.before);
            let action_fits = matches!(
                (r.action, c.before),
                (Action::Add, None) | (Action::Update, Some(_)) | (Action::Remove, Some(_))
            );
            if !same_target || !same_before || !action_fits {
                return Err(format!("line {} shows another change than the plan sends for its pair", r.line));
            }
            if !shown.insert((c.agent_id.as_str(), c.skill_id.as_str())) {
                return Err(format!("line {} shows a change another line already shows", r.line));
            }
        }
        if let Some(c) = plan.changes.iter().find(|c| !shown.contains(&(c.agent_id.as_str(), c.skill_id.as_str()))) {
            return Err(format!(
                "it sends a change no row shows (agent {} · skill {})",
                crate::text::prefix(&c.agent_id, 40),
                crate::text::prefix(&c.skill_id, 40)
            ));
        }
        if counted != plan.summary {
            return Err(format!(
                "its counts are not its rows' (it says {} to add, {} to update, {} to remove, {} rows; the rows hold {}, {}, {}, {})",
                plan.summary.add,
                plan.summary.update,
                plan.summary.remove,
                plan.summary.rows,
                counted.add,
                counted.update,
                counted.remove,
                counted.rows
            ));
        }
        Ok(())
    }

    /// Refuses a connection to another platform or tenant than the plan was made for.
    pub fn check_target(&self, conn: &Connection) -> Result<()> {
        if conn.platform != self.platform {
            return Err(Error::Config(format!(
                "this plan was made for {}, and the connection is to {}: nothing was sent",
                self.platform, conn.platform
            )));
        }
        if tenant_key(&conn.base_url) != tenant_key(&self.tenant) {
            return Err(Error::Config(format!(
                "this plan was made for the tenant at {}, and the connection is to {}: nothing was sent",
                self.tenant, conn.base_url
            )));
        }
        Ok(())
    }

    /// The journal's identity of this job: the tenant and the plan's own checksum.
    pub fn job_id(&self) -> JobId {
        JobId { platform: self.platform, tenant: self.tenant.clone(), input_sha256: self.checksum.clone() }
    }

    /// What `job::execute` takes, built from the file: exactly the saved changes, the estimate
    /// recomputed for this client.
    pub fn prepared(&self, client: &dyn PlatformClient) -> Prepared {
        let snapshot = Snapshot::default();
        let estimate = job::estimate(client, &self.plan, &snapshot);
        Prepared { plan: self.plan.clone(), snapshot, estimate, reads: client.counts().read }
    }
}

/// Reads back every pair the plan changes, in the fewest reads, and lists (in the feed's line order)
/// those whose value (or, on CXone, whose on/off state) is not the plan's `before`. Empty: the tenant is as planned.
/// `size` (from the saved plan) lets the client choose between per-pair and full reads.
pub async fn drift(client: &dyn PlatformClient, plan: &Plan, size: Option<TenantSize>) -> Result<Vec<Drift>> {
    if plan.changes.is_empty() {
        return Ok(vec![]);
    }
    if let Some(s) = size {
        client.assume_tenant_size(s.agents, s.assignments);
    }
    let pairs: Vec<(String, String)> =
        plan.changes.iter().map(|c| (c.agent_id.to_string(), c.skill_id.to_string())).collect();
    let (now, _) = client.read_back(&pairs).await?;
    let names: HashMap<(&str, &str), (&str, &str)> = plan
        .rows
        .iter()
        .filter_map(|r| Some(((r.agent_id.as_deref()?, r.skill_id.as_deref()?), (r.agent.as_str(), r.skill.as_str()))))
        .collect();
    let on_off = plan.platform == PlatformKind::Cxone;
    // Listed in the feed's order, so the list reads like the plan.
    let mut out: Vec<(usize, Drift)> = Vec::new();
    for (c, pair) in plan.changes.iter().zip(&pairs) {
        let value = now.values.get(pair).copied();
        // CXone keeps an on/off state per assignment; the plan sends it back unchanged on an
        // update, so a switch since the plan is drift too. Unknown in the plan = on.
        let (planned_active, now_active) = if on_off && c.before.is_some() && value.is_some() {
            (Some(c.active.unwrap_or(true)), Some(!now.disabled.contains(pair)))
        } else {
            (None, None)
        };
        let agent_missing = now.missing_agents.contains(c.agent_id.as_str());
        if same(c.before, value) && planned_active == now_active && !agent_missing {
            continue;
        }
        let (agent, skill) = names.get(&(c.agent_id.as_str(), c.skill_id.as_str())).copied().unwrap_or_default();
        let line = c.lines.iter().copied().min().unwrap_or(usize::MAX);
        out.push((
            line,
            Drift {
                agent: if agent.is_empty() { c.agent_id.to_string() } else { agent.to_string() },
                skill: if skill.is_empty() { c.skill_id.to_string() } else { skill.to_string() },
                agent_id: c.agent_id.to_string(),
                skill_id: c.skill_id.to_string(),
                planned: c.before,
                now: value,
                planned_active,
                now_active,
                agent_missing,
            },
        ));
    }
    out.sort_by_key(|(line, _)| *line);
    Ok(out.into_iter().map(|(_, d)| d).collect())
}

/// The message for a refused apply: how many pairs changed, one line each.
pub fn drift_message(drifted: &[Drift]) -> String {
    let missing = drifted.iter().filter(|d| d.agent_missing).count();
    if missing > 0 {
        let mut s = format!(
            "{missing} pair(s) of this plan name agents this tenant does not hold: the plan was made for another organisation on the same address, or the agents were deleted since; nothing was sent. Make a new plan against this tenant."
        );
        for d in drifted.iter().filter(|d| d.agent_missing).take(20) {
            s.push_str("\n  ");
            s.push_str(&d.describe());
        }
        return s;
    }
    let mut s = format!(
        "the tenant changed since this plan was made: {} pair(s) no longer hold the value the plan was made against; nothing was sent. Make a new plan.",
        drifted.len()
    );
    for d in drifted {
        s.push_str("\n  ");
        s.push_str(&d.describe());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Change, PlanRow, Target};
    use crate::plan::{PlanSummary, Unresolved};

    fn saved() -> SavedPlan {
        let plan = Plan {
            platform: PlatformKind::Genesys,
            rows: vec![PlanRow {
                line: 2,
                agent: "ana@example.com".into(),
                skill: "Billing".into(),
                agent_id: Some("a1".into()),
                skill_id: Some("s1".into()),
                before: Some(4.1),
                requested: Some(0.3),
                action: Action::Update,
                problem: None,
            }],
            changes: vec![Change {
                agent_id: "a1".into(),
                skill_id: "s1".into(),
                before: Some(4.1),
                target: Target::Set(0.3),
                lines: vec![2].into(),
                active: None,
            }],
            summary: PlanSummary { rows: 1, update: 1, ..Default::default() },
            unresolved: Unresolved::default(),
        };
        SavedPlan {
            format_version: FORMAT_VERSION,
            platform: PlatformKind::Genesys,
            tenant: "http://127.0.0.1:1".into(),
            tenant_label: "http://127.0.0.1:1".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            feed: FeedDigest { name: "feed.csv".into(), sha256: "0".repeat(64) },
            mapping_sha256: "1".repeat(64),
            options: PlanOptions::for_platform(PlatformKind::Genesys),
            tenant_size: TenantSize { agents: 3, assignments: 2 },
            plan,
            names: Default::default(),
            checksum: String::new(),
        }
    }

    #[test]
    fn a_plan_saved_for_approval_comes_with_a_readable_copy_that_names_people() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("approve-me.json");
        let mut plan = saved();
        plan.plan.rows[0].skill = "=HYPERLINK(\"x\")<b>".into();
        let mut names = crate::report::Names::default();
        names.agents.insert("a1".into(), "Ana Lee <ana@example.com>".into());
        let written = plan.save_for_approval(&path, &names).expect("written");
        let [html, csv] = crate::report::plan_copy::copy_paths(&path);
        assert_eq!(written, vec![path.clone(), html.clone(), csv.clone()]);
        SavedPlan::load(&path).expect("the plan file itself is untouched by its copies");
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("Ana Lee &lt;ana@example.com&gt;"), "agents by name: {page}");
        assert!(page.contains("<td class=\"num\">4.1</td><td class=\"num\">0.3</td>"), "now and after: {page}");
        assert!(page.contains("&lt;b&gt;") && !page.contains("<b>\""), "markup escaped");
        assert!(page.contains("Only that file can be applied"), "the copy says what it is");
        let checksum = serde_json::from_str::<Value>(&std::fs::read_to_string(&path).unwrap()).unwrap()["checksum"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(page.contains(&checksum), "the copy names the file's checksum");
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.starts_with('\u{feff}'), "the CSV opens in Excel as UTF-8");
        assert!(text.contains(",\"'=HYPERLINK"), "formula-looking names neutralised: {text}");
        assert!(text.contains("2,Ana Lee <ana@example.com>,"), "{text}");
    }

    #[test]
    fn a_saved_plan_reads_back_as_written_with_its_checksum() {
        let text = saved().to_json().expect("writes");
        let back = SavedPlan::parse(&text).expect("reads back");
        assert_eq!(back.plan.changes, saved().plan.changes, "the changes survive the round trip");
        assert_eq!(back.checksum.len(), 64, "a SHA-256 in hex");
        let again = SavedPlan::parse(&back.to_json().expect("writes again")).expect("reads again");
        assert_eq!(again.checksum, back.checksum, "the checksum is stable over a round trip");
    }

    #[test]
    fn key_order_and_whitespace_do_not_change_the_checksum() {
        let text = saved().to_json().expect("writes");
        let v: Value = serde_json::from_str(&text).expect("json");
        let compact = serde_json::to_string(&v).expect("compact");
        assert!(SavedPlan::parse(&compact).is_ok(), "the same plan without indentation reads");
    }

    #[test]
    fn an_edited_value_or_a_missing_checksum_is_refused() {
        let text = saved().to_json().expect("writes");
        let edited = text.replace("\"before\": 4.1", "\"before\": 5.0");
        assert_ne!(edited, text, "the test edits a value");
        let e = SavedPlan::parse(&edited).expect_err("edited");
        assert_eq!(e.code(), "input.invalid");
        assert!(e.to_string().contains("changed after it was saved"), "{e}");
        let mut v: Value = serde_json::from_str(&text).expect("json");
        v.as_object_mut().expect("object").remove("checksum");
        assert!(SavedPlan::parse(&v.to_string()).is_err(), "no checksum, no plan");
        assert!(SavedPlan::parse("not json").is_err());
        assert!(SavedPlan::parse("{\"format_version\": 99}").expect_err("future").to_string().contains("format 99"));
    }

    #[test]
    fn another_platform_or_tenant_is_refused_with_the_reason() {
        let p = saved();
        let secret = crate::platform::Secret::new("s");
        let ok = Connection::new(PlatformKind::Genesys, "http://127.0.0.1:1/", "id", secret.clone());
        assert!(p.check_target(&ok).is_ok(), "a trailing slash is the same tenant");
        let other = Connection::new(PlatformKind::Genesys, "http://127.0.0.1:2", "id", secret.clone());
        let e = p.check_target(&other).expect_err("another tenant");
        assert_eq!((e.code(), e.exit_code()), ("config.invalid", 2));
        assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
        let cx = Connection::new(PlatformKind::Cxone, "http://127.0.0.1:1", "id", secret);
        assert!(p.check_target(&cx).expect_err("another platform").to_string().contains("NICE CXone"));
    }

    #[test]
    fn a_drift_line_names_the_pair_and_both_values() {
        let d = Drift {
            agent: "ana@example.com".into(),
            skill: "Billing".into(),
            agent_id: "a1".into(),
            skill_id: "s1".into(),
            planned: Some(4.0),
            now: None,
            planned_active: None,
            now_active: None,
            agent_missing: false,
        };
        assert_eq!(d.describe(), "ana@example.com · Billing: planned before 4, now not assigned");
    }

    /// A removal of Ana's Sales, which no row of [`saved`] shows.
    fn removal() -> Change {
        Change {
            agent_id: "a1".into(),
            skill_id: "s2".into(),
            before: Some(3.0),
            target: Target::Remove,
            lines: vec![].into(),
            active: None,
        }
    }

    /// Edits the plan as a forger would and writes it with a freshly computed checksum.
    fn forged(edit: impl FnOnce(&mut SavedPlan)) -> Result<SavedPlan> {
        let mut p = saved();
        edit(&mut p);
        SavedPlan::parse(&p.to_json().expect("serialises"))
    }

    #[test]
    fn a_plan_whose_sent_changes_differ_from_what_it_shows_is_refused_whatever_its_checksum() {
        forged(|_| {}).expect("the untouched plan reads");
        type Edit = Box<dyn FnOnce(&mut SavedPlan)>;
        let cases: Vec<(&str, Edit, &str)> = vec![
            ("target edited", Box::new(|p| p.plan.changes[0].target = Target::Set(5.0)), "another change"),
            (
                "level out of range",
                Box::new(|p| {
                    p.plan.changes[0].target = Target::Set(999.0);
                    p.plan.rows[0].requested = Some(999.0);
                }),
                "outside the platform's range",
            ),
            (
                "fraction on CXone",
                Box::new(|p| {
                    p.plan.changes[0].target = Target::Set(2.5);
                    p.plan.rows[0].requested = Some(2.5);
                    p.platform = PlatformKind::Cxone;
                    p.plan.platform = PlatformKind::Cxone;
                }),
                "not a whole number",
            ),
            (
                "hidden removal",
                Box::new(|p| {
                    p.plan.changes.push(removal());
                }),
                "no row shows",
            ),
            (
                "removal shown but not counted",
                Box::new(|p| {
                    p.plan.changes.push(removal());
                    p.plan.rows.push(PlanRow {
                        line: 0,
                        agent: "ana@example.com".into(),
                        skill: "Sales".into(),
                        agent_id: Some("a1".into()),
                        skill_id: Some("s2".into()),
                        before: Some(3.0),
                        requested: None,
                        action: Action::Remove,
                        problem: None,
                    });
                    p.plan.summary.rows = 2;
                }),
                "counts are not its rows'",
            ),
            ("row shows a change never sent", Box::new(|p| p.plan.changes.clear()), "does not send"),
            (
                "path in an id",
                Box::new(|p| {
                    p.plan.changes[0].agent_id = "../users/x".into();
                    p.plan.rows[0].agent_id = Some("../users/x".into());
                }),
                "not one",
            ),
            ("digest not a digest", Box::new(|p| p.feed.sha256 = "é".repeat(40)), "SHA-256"),
            (
                "pair changed twice",
                Box::new(|p| {
                    let again = p.plan.changes[0].clone();
                    p.plan.changes.push(again);
                }),
                "changed twice",
            ),
            (
                "language on CXone",
                Box::new(|p| {
                    p.platform = PlatformKind::Cxone;
                    p.plan.platform = PlatformKind::Cxone;
                    p.plan.changes[0].skill_id = "lang:x".into();
                    p.plan.rows[0].skill_id = Some("lang:x".into());
                    p.plan.changes[0].target = Target::Set(2.0);
                    p.plan.rows[0].requested = Some(2.0);
                }),
                "routing language",
            ),
        ];
        for (name, edit, why) in cases {
            let err = forged(edit).expect_err(name);
            assert_eq!(err.code(), "input.invalid", "{name}: {err}");
            let msg = err.to_string();
            assert!(msg.contains(why) && msg.contains("nothing was sent"), "{name}: the reason is named: {msg}");
        }
    }
}
