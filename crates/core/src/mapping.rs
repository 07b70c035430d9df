//! Step 2 of the job: say which columns hold the agent, the skill and the proficiency, and how the
//! feed's values become the platform's scale — then turn every row into requests or row problems.
//!
//! A mapping is the SPEC's TOML template (`[columns]`, `[values]`, `[scale]`), saved once and reused
//! for every nightly file; without one, [`Mapping::detect`] reads the columns from common header
//! names. A mapping whose `[columns]` table is empty also detects its columns from the file, so a
//! template may carry only the value map.

use crate::error::{Error, Result};
use crate::import::headers::{self, normalize};
use crate::import::{self, SpecialCell, Table, TableRow};
use crate::model::{
    fmt_value, AgentKey, Exclude, Feed, FeedRecord, Interner, ItemKind, Name, PlatformKind, Rename, RowProblem, Target,
};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A column and value mapping, as written in a mapping file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub columns: Columns,
    /// Source text (matched trimmed and case-insensitively) → platform value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", serialize_with = "whole::values")]
    pub values: BTreeMap<String, f64>,
    /// A linear rescale of numeric source values onto the platform scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<ScaleMap>,
    /// Feed names corrected to the platform's (`[rename.skills]`, `[rename.agents]`).
    #[serde(default, skip_serializing_if = "Rename::is_empty")]
    pub rename: Rename,
    /// Rows left out (`[exclude] agents`, `skills`, `rows`).
    #[serde(default, skip_serializing_if = "Exclude::is_empty")]
    pub exclude: Exclude,
}

/// Which columns hold what. Column names match the header trimmed, then case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    #[serde(default)]
    pub layout: Layout,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// What the agent column holds; guessed from its header when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_key: Option<AgentKey>,
    /// Long layout: the skill column (names or ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// Long layout: the proficiency column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proficiency: Option<String>,
    /// Wide layout: the columns that are skills (the header is the skill's name or id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skill_columns: Vec<String>,
    /// Packed layout: the column of `Skill:level` pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill_pairs: Option<String>,
    /// Long layout, optional: the column that says `skill` or `language` (Genesys keeps routing
    /// languages apart; needed only where a name is both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// How a feed lays out its requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per agent and skill.
    #[default]
    Long,
    /// One row per agent, one column per skill.
    Wide,
    /// One row per agent, one cell of `Skill:level` pairs.
    Packed,
}

/// `from = [a, b]` maps linearly onto `to = [c, d]`; `c > d` inverts (CXone: 1 is best).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleMap {
    #[serde(serialize_with = "whole::pair")]
    pub from: [f64; 2],
    #[serde(serialize_with = "whole::pair")]
    pub to: [f64; 2],
}

/// Numbers as a person writes them in a mapping file: a whole number as `5`, not `5.0`; a
/// fraction as itself (`2.5`). TOML reads either back as the same value.
mod whole {
    use serde::ser::{Serialize, SerializeMap, Serializer};
    use std::collections::BTreeMap;

    struct Num(f64);

    impl Serialize for Num {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            // Below 2^53 every whole f64 is exactly an i64.
            if self.0.is_finite() && self.0.fract() == 0.0 && self.0.abs() < 9_007_199_254_740_992.0 {
                s.serialize_i64(self.0 as i64)
            } else {
                s.serialize_f64(self.0)
            }
        }
    }

    pub fn values<S: Serializer>(values: &BTreeMap<String, f64>, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(values.len()))?;
        for (k, &v) in values {
            map.serialize_entry(k, &Num(v))?;
        }
        map.end()
    }

    pub fn pair<S: Serializer>(pair: &[f64; 2], s: S) -> Result<S::Ok, S::Error> {
        [Num(pair[0]), Num(pair[1])].serialize(s)
    }
}

/// The columns of one table, found: indexes into each row's cells.
struct Resolved {
    layout: Layout,
    agent: (usize, String),
    agent_key: AgentKey,
    skill: Option<(usize, String)>,
    proficiency: Option<(usize, String)>,
    skill_columns: Vec<(usize, String)>,
    skill_pairs: Option<(usize, String)>,
    kind: Option<(usize, String)>,
}

impl Mapping {
    /// Reads a mapping file; a TOML mistake is a configuration error naming the file and line.
    pub fn load(path: &Path) -> Result<Mapping> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("cannot read the mapping file {}", path.display()), e))?;
        Mapping::from_toml(&text).map_err(|e| Error::Config(format!("mapping file {}, {e}", path.display())))
    }

    pub fn from_toml(text: &str) -> Result<Mapping> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map_or(1, |s| text.as_bytes()[..s.start.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1);
            Error::Config(format!("line {line}: {}", e.message().trim_end()))
        })
    }

    pub fn to_toml(&self) -> String {
        // Only strings, numbers, arrays and tables: serializing such a value cannot fail.
        toml::to_string(self).expect("a mapping serializes to TOML")
    }

    /// The mapping a file's header implies, by common column names (see `import::headers`).
    pub fn detect(table: &Table) -> Result<Mapping> {
        let norms: Vec<String> = table.headers.iter().map(|h| normalize(h)).collect();
        let seen = || format!("the header has: {}", headers::listed(&table.headers));
        let agent = norms
            .iter()
            .enumerate()
            .filter_map(|(i, n)| headers::agent_key(n).map(|k| (headers::agent_key_rank(k), i, k)))
            .min_by_key(|&(rank, i, _)| (rank, i));
        let Some((_, agent, key)) = agent else {
            return Err(Error::Input(format!(
                "no agent column: name one 'email', 'username', 'agent_id' or 'agent name', or say which it is \
                 in a mapping file ([columns] agent = \"…\"); {}",
                seen()
            )));
        };
        let key = if key == AgentKey::Name && mostly_emails(table, agent) { AgentKey::Email } else { key };
        let mut columns =
            Columns { agent: Some(table.headers[agent].clone()), agent_key: Some(key), ..Columns::default() };
        let skill = norms.iter().enumerate().filter_map(|(i, n)| headers::skill_rank(n).map(|r| (r, i))).min();
        let proficiency = norms.iter().position(|n| headers::is_proficiency(n));
        let packed = norms.iter().position(|n| headers::is_packed(n));
        if let Some((_, skill)) = skill {
            let Some(proficiency) = proficiency else {
                return Err(Error::Input(format!(
                    "found the agent column '{}' and the skill column '{}' but no proficiency column: name it \
                     'proficiency' or 'level', or map it in a mapping file; {}",
                    headers::cut(&table.headers[agent]),
                    headers::cut(&table.headers[skill]),
                    seen()
                )));
            };
            columns.skill = Some(table.headers[skill].clone());
            columns.proficiency = Some(table.headers[proficiency].clone());
            columns.kind = norms.iter().position(|n| headers::is_kind(n)).map(|k| table.headers[k].clone());
        } else if let Some(packed) = packed.filter(|&p| looks_packed(table, p)) {
            columns.layout = Layout::Packed;
            columns.skill_pairs = Some(table.headers[packed].clone());
        } else if let Some(proficiency) = proficiency {
            return Err(Error::Input(format!(
                "found the agent column '{}' and the proficiency column '{}' but no skill column: name it \
                 'skill' or 'skill_id', or map it in a mapping file; {}",
                headers::cut(&table.headers[agent]),
                headers::cut(&table.headers[proficiency]),
                seen()
            )));
        } else {
            columns.layout = Layout::Wide;
            columns.skill_columns = norms
                .iter()
                .enumerate()
                .filter(|(i, n)| *i != agent && !n.is_empty() && !headers::is_non_skill(n) && !headers::is_packed(n))
                .map(|(i, _)| table.headers[i].clone())
                .collect();
            if columns.skill_columns.is_empty() {
                return Err(Error::Input(format!(
                    "found the agent column '{}' but no skills: add 'skill' and 'proficiency' columns, one column \
                     per skill, or a 'skills' column of Skill:level pairs; {}",
                    headers::cut(&table.headers[agent]),
                    seen()
                )));
            }
        }
        Ok(Mapping { columns, ..Mapping::default() })
    }

    /// Fails when a named column is not in the file, or a `[values]`/`[scale]` target is not on the
    /// platform's scale: the mapping itself is wrong, so no row could be right.
    pub fn check(&self, table: &Table, platform: PlatformKind) -> Result<()> {
        self.resolve(table)?;
        let scale = platform.scale();
        for (source, &target) in &self.values {
            if let Some(why) = scale.check(target) {
                return Err(Error::Config(format!(
                    "[values] \"{}\" = {}: {why} on {platform}: map it to a value the platform accepts",
                    headers::cut(source),
                    fmt_value(target)
                )));
            }
        }
        if let Some(ScaleMap { from: [a, b], to: [c, d] }) = self.scale {
            if !(a.is_finite() && b.is_finite()) || a == b {
                return Err(Error::Config(format!(
                    "[scale] from = [{}, {}] must be two different numbers: the lowest and highest value of the feed",
                    fmt_value(a),
                    fmt_value(b)
                )));
            }
            for end in [c, d] {
                if let Some(why) = scale.check(end) {
                    return Err(Error::Config(format!(
                        "[scale] to = [{}, {}]: {why} on {platform}: use for example to = {}",
                        fmt_value(c),
                        fmt_value(d),
                        example_scale(platform)
                    )));
                }
            }
        }
        Ok(())
    }

    /// Turns every row into feed records; rows that cannot become a record are `Feed.problems`,
    /// records whose value is wrong carry the reason in `value`.
    pub fn apply(&self, table: &Table, platform: PlatformKind) -> Feed {
        self.run(table, platform).0
    }

    /// Every row-level problem [`Mapping::apply`] finds, with its stable code — both the rows that
    /// yield no record and the records whose value is wrong — ordered by line. For the mapping
    /// screen's list of what to fix, and for tests that pin the codes.
    pub fn diagnose(&self, table: &Table, platform: PlatformKind) -> Vec<RowProblem> {
        let (feed, mut value_problems) = self.run(table, platform);
        value_problems.extend(feed.problems);
        value_problems.sort_by_key(|p| p.line);
        value_problems
    }

    /// What one source value becomes on the platform's scale under this mapping, or why it
    /// cannot (the message a row with that value gets). The mapping screen shows it per value.
    pub fn convert_value(
        &self,
        table: &Table,
        platform: PlatformKind,
        raw: &str,
    ) -> std::result::Result<Target, String> {
        Converter::new(self, platform, table.decimal_comma).convert(raw).map_err(|(_, message)| message)
    }

    /// The distinct source values of the proficiency cells with how often each occurs (case-
    /// insensitively, shown as first written): numbers in ascending order, then words.
    pub fn distinct_values(&self, table: &Table) -> Vec<(String, usize)> {
        let Ok(r) = self.resolve(table) else { return Vec::new() };
        let mut counts: HashMap<String, (String, usize)> = HashMap::new();
        let mut add = |raw: &str| {
            let v = import::clean(raw);
            if !v.is_empty() {
                counts.entry(v.to_lowercase()).or_insert_with(|| (v.to_string(), 0)).1 += 1;
            }
        };
        // A workbook's dates and formula errors are no values to map: their rows get a reason.
        for row in table.rows() {
            match r.layout {
                Layout::Long => add(plain(row, r.proficiency.as_ref())),
                Layout::Wide => r.skill_columns.iter().for_each(|c| add(plain(row, Some(c)))),
                Layout::Packed => {
                    for pair in pairs(plain(row, r.skill_pairs.as_ref())) {
                        if let Some((_, level)) = pair.rsplit_once(':') {
                            add(level);
                        }
                    }
                }
            }
        }
        let mut out: Vec<(String, usize)> = counts.into_values().collect();
        let key = |v: &str| import::number(v, table.decimal_comma);
        out.sort_by(|(x, _), (y, _)| match (key(x), key(y)) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => x.to_lowercase().cmp(&y.to_lowercase()),
        });
        out
    }

    /// The columns this mapping names (or, when it names none, the detected ones), found in the table.
    fn resolve(&self, table: &Table) -> Result<Resolved> {
        let detected;
        let columns = if self.columns.names_nothing() {
            detected = Mapping::detect(table)?.columns;
            &detected
        } else {
            &self.columns
        };
        let find = |role: &str, name: &Option<String>| -> Result<(usize, String)> {
            let name = name.as_deref().ok_or_else(|| {
                Error::Input(format!(
                    "the mapping's {} layout needs [columns] {role} = \"<header>\"; the header has: {}",
                    layout_name(columns.layout),
                    headers::listed(&table.headers)
                ))
            })?;
            find_column(table, name, role)
        };
        let agent = find("agent", &columns.agent)?;
        let agent_key = columns.agent_key.unwrap_or_else(|| {
            let guessed = headers::agent_key(&normalize(&agent.1)).unwrap_or_default();
            if guessed == AgentKey::Name && mostly_emails(table, agent.0) {
                AgentKey::Email
            } else {
                guessed
            }
        });
        let mut r = Resolved {
            layout: columns.layout,
            agent,
            agent_key,
            skill: None,
            proficiency: None,
            skill_columns: Vec::new(),
            skill_pairs: None,
            kind: None,
        };
        match columns.layout {
            Layout::Long => {
                r.skill = Some(find("skill", &columns.skill)?);
                r.proficiency = Some(find("proficiency", &columns.proficiency)?);
                if columns.kind.is_some() {
                    r.kind = Some(find("kind", &columns.kind)?);
                }
            }
            Layout::Wide => {
                if columns.skill_columns.is_empty() {
                    return Err(Error::Input(
                        "the mapping's wide layout needs [columns] skill_columns = [\"<skill header>\", …]".into(),
                    ));
                }
                for name in &columns.skill_columns {
                    r.skill_columns.push(find_column(table, name, "skill_columns")?);
                }
            }
            Layout::Packed => r.skill_pairs = Some(find("skill_pairs", &columns.skill_pairs)?),
        }
        Ok(r)
    }

    fn run(&self, table: &Table, platform: PlatformKind) -> (Feed, Vec<RowProblem>) {
        let mut out = Output {
            feed: Feed::default(),
            value_problems: Vec::new(),
            names: Default::default(),
            conversions: FxHashMap::default(),
        };
        let r = match self.resolve(table) {
            Ok(r) => r,
            Err(e) => {
                out.feed.problems.push(RowProblem {
                    line: 1,
                    code: "missing_column".into(),
                    column: String::new(),
                    message: format!("line 1: {e}"),
                });
                return (out.feed, out.value_problems);
            }
        };
        out.feed.agent_key = r.agent_key;
        out.feed.agent_column = r.agent.1.clone();
        out.feed.rename = self.rename.clone();
        out.feed.exclude = self.exclude.clone();
        out.feed.skill_column = match r.layout {
            Layout::Long => r.skill.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
            Layout::Wide => String::new(),
            Layout::Packed => r.skill_pairs.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
        };
        let convert = Converter::new(self, platform, table.decimal_comma);
        if r.layout == Layout::Long {
            // One record a row: sized once rather than doubled (and copied) twenty times for a
            // million rows.
            out.feed.records.reserve_exact(table.len());
        }
        for row in table.rows() {
            if let Some(problem) = extra_cells(table, row) {
                out.feed.problems.push(problem);
                continue;
            }
            let agent = import::clean(cell(row, Some(&r.agent)));
            match r.layout {
                Layout::Long => out.long_row(&r, row, agent, &convert),
                Layout::Wide => out.wide_row(&r, row, agent, &convert),
                Layout::Packed => out.packed_row(&r, row, agent, &convert),
            }
        }
        (out.feed, out.value_problems)
    }
}

impl Columns {
    fn names_nothing(&self) -> bool {
        self.agent.is_none()
            && self.skill.is_none()
            && self.proficiency.is_none()
            && self.skill_columns.is_empty()
            && self.skill_pairs.is_none()
    }
}

/// A level as a row holds it: its text, its column's name, and its workbook kind when the cell holds
/// no plain value (a date, a formula's error), which no mapping can turn into a level.
struct Level<'a> {
    raw: &'a str,
    column: &'a str,
    special: Option<&'a SpecialCell>,
}

/// The records and problems of a run, built row by row.
struct Output {
    feed: Feed,
    value_problems: Vec<RowProblem>,
    /// One shared name per distinct agent, skill, value and column text.
    names: [Interner; 4],
    /// Each distinct value's conversion, by its shared name's address (the entry keeps the name):
    /// a million cells hold a handful of distinct values.
    conversions: FxHashMap<usize, (Name, Converted)>,
}

/// A cell's value on the platform's scale, or the code and the reason it has none.
type Converted = std::result::Result<Target, (&'static str, String)>;

impl Output {
    fn converted(&mut self, raw: &Name, convert: &Converter) -> Converted {
        if let Some((_, c)) = self.conversions.get(&raw.key()) {
            return c.clone();
        }
        let c = convert.convert(raw);
        self.conversions.insert(raw.key(), (raw.clone(), c.clone()));
        c
    }

    fn problem(&mut self, line: usize, code: &str, column: &str, what: String) {
        self.feed.problems.push(RowProblem {
            line,
            code: code.into(),
            column: column.into(),
            message: format!("line {line}, column '{column}': {what}"),
        });
    }

    fn missing_agent(&mut self, r: &Resolved, line: usize) {
        let what = format!("the agent cell is empty: fill in the agent's {}, or delete the row", r.agent_key.as_str());
        self.problem(line, "missing_agent", &r.agent.1, what);
    }

    /// One request from a level cell.
    fn record(
        &mut self,
        line: usize,
        agent: &str,
        skill: &str,
        kind: Option<ItemKind>,
        level: Level<'_>,
        convert: &Converter,
    ) {
        let Level { raw, column, special } = level;
        // A name Skillsync wrote neutralised (`'=…` in an export or undo file) is the name itself.
        let (agent, skill) = (crate::text::restore(agent), crate::text::restore(skill));
        let raw_value = self.names[2].get(raw);
        let converted = match special {
            Some(s) => Err(s.reason(raw)),
            None => self.converted(&raw_value, convert),
        };
        let value = converted.map_err(|(code, what)| {
            let message = format!("line {line}, column '{column}': {what}");
            self.value_problems.push(RowProblem {
                line,
                code: code.into(),
                column: column.into(),
                message: message.clone(),
            });
            message
        });
        self.feed.records.push(FeedRecord {
            line,
            agent: self.names[0].get(agent),
            skill: self.names[1].get(skill),
            raw_value,
            value_column: self.names[3].get(column),
            value,
            kind,
        });
    }

    fn long_row(&mut self, r: &Resolved, row: TableRow<'_>, agent: &str, convert: &Converter) {
        let (skill_col, prof_col) = (r.skill.as_ref(), r.proficiency.as_ref());
        let skill = import::clean(cell(row, skill_col));
        if agent.is_empty() {
            return self.missing_agent(r, row.line);
        }
        if skill.is_empty() {
            let what = "the skill cell is empty: fill in the skill's name or id, or delete the row".to_string();
            return self.problem(row.line, "missing_skill", column_name(skill_col), what);
        }
        let kind = match &r.kind {
            None => None,
            Some(col) => {
                let text = import::clean(cell(row, Some(col)));
                match ItemKind::parse(text) {
                    Some(k) => Some(k),
                    None if text.is_empty() => None,
                    None => {
                        let what = format!(
                            "'{}' is neither skill nor language: write one of the two",
                            text.chars().take(40).collect::<String>()
                        );
                        return self.problem(row.line, "invalid_kind", &col.1, what);
                    }
                }
            }
        };
        let level =
            Level { raw: cell(row, prof_col).trim(), column: column_name(prof_col), special: special(row, prof_col) };
        self.record(row.line, agent, skill, kind, level, convert);
    }

    fn wide_row(&mut self, r: &Resolved, row: TableRow<'_>, agent: &str, convert: &Converter) {
        let filled = || r.skill_columns.iter().filter(|c| !import::clean(cell(row, Some(c))).is_empty());
        if agent.is_empty() {
            if filled().next().is_some() {
                self.missing_agent(r, row.line);
            }
            return;
        }
        for c in filled() {
            let level = Level { raw: cell(row, Some(c)).trim(), column: &c.1, special: special(row, Some(c)) };
            self.record(row.line, agent, &c.1, None, level, convert);
        }
    }

    fn packed_row(&mut self, r: &Resolved, row: TableRow<'_>, agent: &str, convert: &Converter) {
        let Some(col) = r.skill_pairs.as_ref() else { return };
        let text = cell(row, Some(col));
        if agent.is_empty() {
            if !import::clean(text).is_empty() {
                self.missing_agent(r, row.line);
            }
            return;
        }
        if let Some(s) = special(row, Some(col)) {
            let (code, what) = s.reason(text);
            return self.problem(row.line, code, &col.1, what);
        }
        for pair in pairs(import::clean(text)) {
            match pair.rsplit_once(':').map(|(s, v)| (s.trim(), v.trim())) {
                Some((skill, level)) if !skill.is_empty() && !level.is_empty() => {
                    let level = Level { raw: level, column: &col.1, special: None };
                    self.record(row.line, agent, skill, None, level, convert)
                }
                _ => {
                    let what = format!(
                        "{} is not a Skill:level pair: write each skill as Name:level, e.g. \"Billing:4\", separated \
                         by ';' or ','",
                        import::shown(pair)
                    );
                    self.problem(row.line, "bad_pair", &col.1, what);
                }
            }
        }
    }
}

/// Turns one proficiency cell into a target on the platform scale, or says why not and how to fix it.
struct Converter {
    platform: PlatformKind,
    values: HashMap<String, f64>,
    scale: Option<ScaleMap>,
    decimal_comma: bool,
}

impl Converter {
    fn new(mapping: &Mapping, platform: PlatformKind, decimal_comma: bool) -> Self {
        let values = mapping.values.iter().map(|(k, &v)| (k.trim().to_lowercase(), v)).collect();
        Converter { platform, values, scale: mapping.scale, decimal_comma }
    }

    fn convert(&self, raw: &str) -> std::result::Result<Target, (&'static str, String)> {
        let v = import::clean(raw);
        if v.is_empty() {
            return Err(("missing_value", "the proficiency cell is empty: fill in a value, or delete the row".into()));
        }
        if v.eq_ignore_ascii_case("remove") {
            return Ok(Target::Remove);
        }
        if !self.values.is_empty() {
            if let Some(&mapped) = self.values.get(&v.to_lowercase()) {
                return self.on_scale(mapped, "after [values], ");
            }
        }
        let number = import::number(v, self.decimal_comma);
        let percent = || import::percent(v, self.decimal_comma);
        match (number, self.scale) {
            (Some(n), None) => self.on_scale(n, ""),
            (Some(n), Some(s)) => self.rescale(n, s),
            (None, Some(s)) if percent().is_some() => self.rescale(percent().unwrap_or_default(), s),
            (None, None) if percent().is_some() => Err((
                "unmapped_value",
                format!(
                    "{} is a percentage, which {} does not accept: add [scale] from = [0, 100], to = {} to the \
                     mapping file, or add it to [values], e.g. {} = {}",
                    import::shown(v),
                    self.platform,
                    example_scale(self.platform),
                    import::shown(v),
                    example_value(self.platform, v)
                ),
            )),
            _ => Err((
                "unmapped_value",
                format!(
                    "{} is not a number on {}'s scale: add it to [values] in the mapping file, e.g. {} = {}",
                    import::shown(v),
                    self.platform,
                    import::shown(v),
                    example_value(self.platform, v)
                ),
            )),
        }
    }

    fn rescale(&self, n: f64, s: ScaleMap) -> std::result::Result<Target, (&'static str, String)> {
        let ([a, b], [c, d]) = (s.from, s.to);
        if n < a.min(b) || n > a.max(b) || a == b {
            return Err((
                "value_out_of_range",
                format!(
                    "{} is outside the mapping's [scale] from = [{}, {}]: correct the value, or widen from",
                    fmt_value(n),
                    fmt_value(a),
                    fmt_value(b)
                ),
            ));
        }
        let mapped = c + (n - a) * (d - c) / (b - a);
        let mapped = if self.platform.scale().integer { mapped.round() } else { (mapped * 1e6).round() / 1e6 };
        self.on_scale(mapped, "after [scale], ")
    }

    /// `via` says which part of the mapping produced `v` ("" for a value taken as written).
    fn on_scale(&self, v: f64, via: &str) -> std::result::Result<Target, (&'static str, String)> {
        let scale = self.platform.scale();
        match scale.check(v) {
            None => Ok(Target::Set(v)),
            Some(why) if v.is_finite() && v >= scale.min && v <= scale.max => Err((
                "not_integer",
                format!("{via}{why} on {}: round it, or map the feed's scale with [scale]", self.platform),
            )),
            Some(why) => Err((
                "value_out_of_range",
                format!("{via}{why} on {}: correct the value, or map it with [values] or [scale]", self.platform),
            )),
        }
    }
}

/// The cell of `column` in `row`, or "" for a short row.
fn cell<'a>(row: TableRow<'a>, column: Option<&(usize, String)>) -> &'a str {
    column.and_then(|(i, _)| row.cell(*i)).unwrap_or("")
}

/// The workbook kind of the cell of `column` in `row`, when it holds no plain value.
fn special<'a>(row: TableRow<'a>, column: Option<&(usize, String)>) -> Option<&'a SpecialCell> {
    let (i, _) = column?;
    row.special().find(|s| s.column == *i)
}

/// The cell's text, or "" for a workbook cell that holds no plain value.
fn plain<'a>(row: TableRow<'a>, column: Option<&(usize, String)>) -> &'a str {
    if special(row, column).is_some() {
        ""
    } else {
        cell(row, column)
    }
}

fn column_name(column: Option<&(usize, String)>) -> &str {
    column.map_or("", |c| c.1.as_str())
}

/// Splits a packed cell: on `;` or `|` when it has any (then a comma may be a decimal comma or part
/// of a name), else on `,`. Empty pieces (a trailing separator) are dropped.
fn pairs(text: &str) -> impl Iterator<Item = &str> {
    let semi = text.contains([';', '|']);
    text.split(move |c| if semi { c == ';' || c == '|' } else { c == ',' }).map(str::trim).filter(|p| !p.is_empty())
}

/// A row with more cells than the header has names, holding data past the last one: the row is
/// probably shifted (an unquoted delimiter in a name), so none of its cells can be trusted.
fn extra_cells(table: &Table, row: TableRow<'_>) -> Option<RowProblem> {
    let width = table.headers.len();
    let extra = row.cells().enumerate().skip(width).find(|(_, c)| !c.trim().is_empty())?;
    let column = format!("column {}", extra.0 + 1);
    if table.workbook.is_some() {
        // A sheet cannot shift a row; the cell is simply under no header, so nothing can map it.
        let cell = format!("{}{}", import::workbook::column_letters(extra.0), row.line);
        let message = format!(
            "line {}, {column}: cell {cell} holds {} under no header: name the column in the header row, or clear \
             the cell",
            row.line,
            import::shown(extra.1.trim())
        );
        return Some(RowProblem { line: row.line, code: "extra_cells".into(), column, message });
    }
    let message = format!(
        "line {}, {column}: the row has {} cells but the header names {width} (extra {}): quote cells that contain \
         the {} delimiter, or remove the extra cells",
        row.line,
        row.len(),
        import::shown(extra.1.trim()),
        table.delimiter_name()
    );
    Some(RowProblem { line: row.line, code: "extra_cells".into(), column, message })
}

/// A column by name: exact first, then trimmed and case-insensitive. A name the header holds twice
/// is refused, since the second column would be silently ignored.
fn find_column(table: &Table, name: &str, role: &str) -> Result<(usize, String)> {
    let want = name.trim();
    let matches: Vec<usize> = match table.headers.iter().position(|h| h == want) {
        Some(_) => table.headers.iter().enumerate().filter(|(_, h)| *h == want).map(|(i, _)| i).collect(),
        None => {
            let lower = want.to_lowercase();
            table.headers.iter().enumerate().filter(|(_, h)| h.to_lowercase() == lower).map(|(i, _)| i).collect()
        }
    };
    match matches.as_slice() {
        [i] => Ok((*i, table.headers[*i].clone())),
        [] => Err(Error::Input(format!(
            "the mapping's {role} column '{}' is not in the file; the header has: {}",
            headers::cut(want),
            headers::listed(&table.headers)
        ))),
        [first, second, ..] => Err(Error::Input(format!(
            "the {role} column '{}' appears more than once in the header (columns {} and {}): rename one",
            headers::cut(want),
            first + 1,
            second + 1
        ))),
    }
}

/// Whether most filled cells of a column look like `Skill:level` pairs (an empty column counts, so
/// a packed file whose agents hold no skills yet still reads as packed).
fn looks_packed(table: &Table, col: usize) -> bool {
    let filled = table.rows().take(200).filter_map(|r| r.cell(col)).filter(|c| !c.trim().is_empty());
    let (mut total, mut pairs) = (0, 0);
    for c in filled {
        total += 1;
        pairs += usize::from(c.contains(':'));
    }
    pairs * 2 >= total
}

/// Whether a generic "agent"/"name" column in fact holds email addresses.
fn mostly_emails(table: &Table, col: usize) -> bool {
    let filled = table.rows().take(200).filter_map(|r| r.cell(col)).filter(|c| !c.trim().is_empty());
    let (mut total, mut emails) = (0, 0);
    for c in filled {
        total += 1;
        emails +=
            usize::from(c.trim().split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.')));
    }
    total > 0 && emails * 5 >= total * 4
}

fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Long => "long",
        Layout::Wide => "wide",
        Layout::Packed => "packed",
    }
}

/// A `[scale] to` that suits the platform, best end last as the source's usually is.
fn example_scale(platform: PlatformKind) -> &'static str {
    match platform {
        PlatformKind::Genesys => "[0, 5]",
        PlatformKind::Cxone => "[20, 1]",
    }
}

/// A platform value to suggest for the source word `word`: low, middle or top of the platform's
/// scale when the word says how skilled it is (Trainee, Intermediate, Expert), else the middle —
/// never the top for a word that means a beginner.
fn example_value(platform: PlatformKind, word: &str) -> &'static str {
    const LOW: [&str; 8] = ["trainee", "beginner", "novice", "basic", "junior", "learner", "entry", "low"];
    const TOP: [&str; 7] = ["expert", "advanced", "master", "senior", "high", "excellent", "specialist"];
    let w = word.trim().to_lowercase();
    let level = if LOW.contains(&w.as_str()) {
        0
    } else if TOP.contains(&w.as_str()) {
        2
    } else {
        // Intermediate, Competent, or a word that says nothing about the level.
        1
    };
    match (platform, level) {
        (PlatformKind::Genesys, 0) => "1",
        (PlatformKind::Genesys, 2) => "5",
        (PlatformKind::Genesys, _) => "3",
        // CXone: 1 is best.
        (PlatformKind::Cxone, 0) => "20",
        (PlatformKind::Cxone, 2) => "1",
        (PlatformKind::Cxone, _) => "10",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        import::read_bytes(text.as_bytes()).expect("test table parses")
    }

    #[test]
    fn toml_round_trips_every_field() {
        let text = r#"
[columns]
layout = "wide"
agent = "Agent Email"
agent_key = "email"
skill_columns = ["Billing", "Sales: EMEA"]

[values]
Expert = 5
"85%" = 4.25

[scale]
from = [1, 5]
to = [20, 1]
"#;
        let m = Mapping::from_toml(text).expect("parses");
        assert_eq!(m.columns.layout, Layout::Wide);
        assert_eq!(m.values.get("85%"), Some(&4.25));
        assert_eq!(m.scale, Some(ScaleMap { from: [1.0, 5.0], to: [20.0, 1.0] }));
        assert_eq!(Mapping::from_toml(&m.to_toml()).expect("re-parses"), m, "round trip");
    }

    #[test]
    fn toml_writes_whole_numbers_without_a_fraction() {
        let mut values = BTreeMap::new();
        values.insert("Expert".to_string(), 5.0);
        values.insert("Basic".to_string(), 2.5);
        values.insert("Trainee".to_string(), 0.0);
        values.insert("Odd".to_string(), -1.0);
        let m = Mapping { values, scale: Some(ScaleMap { from: [0.0, 100.0], to: [0.5, 5.0] }), ..Mapping::default() };
        let text = m.to_toml();
        assert!(text.contains("Expert = 5\n"), "{text}");
        assert!(text.contains("Basic = 2.5\n"), "{text}");
        assert!(text.contains("Trainee = 0\n"), "{text}");
        assert!(text.contains("Odd = -1\n"), "{text}");
        assert!(text.contains("from = [0, 100]"), "{text}");
        assert!(text.contains("to = [0.5, 5]"), "{text}");
        assert!(!text.contains(".0"), "{text}");
        assert_eq!(Mapping::from_toml(&text).expect("re-parses"), m, "round trip");
    }

    #[test]
    fn toml_mistakes_name_the_line() {
        let err = Mapping::from_toml("[columns]\nagent = \"email\"\nagnet_key = \"email\"\n").expect_err("typo");
        assert_eq!(err.code(), "config.invalid");
        assert!(err.to_string().starts_with("line 3:"), "{err}");
    }

    #[test]
    fn scale_inverts_and_rounds_for_cxone() {
        let m = Mapping { scale: Some(ScaleMap { from: [1.0, 5.0], to: [20.0, 1.0] }), ..Mapping::default() };
        let c = Converter::new(&m, PlatformKind::Cxone, false);
        assert_eq!(c.convert("5"), Ok(Target::Set(1.0)), "best maps to best");
        assert_eq!(c.convert("1"), Ok(Target::Set(20.0)), "worst maps to worst");
        assert_eq!(c.convert("3"), Ok(Target::Set(11.0)), "10.5 rounds half away from zero");
        assert_eq!(c.convert("4"), Ok(Target::Set(6.0)), "5.75 rounds to 6");
        assert_eq!(c.convert("6").map_err(|e| e.0), Err("value_out_of_range"));
    }

    #[test]
    fn without_a_map_only_numbers_on_the_scale_pass() {
        let c = Converter::new(&Mapping::default(), PlatformKind::Genesys, true);
        assert_eq!(c.convert(" 4,5 "), Ok(Target::Set(4.5)));
        assert_eq!(c.convert("REMOVE"), Ok(Target::Remove));
        let code = |raw| c.convert(raw).map_err(|e| e.0).err();
        assert_eq!(code("Expert"), Some("unmapped_value"));
        assert_eq!(code("85%"), Some("unmapped_value"));
        assert_eq!(code("7"), Some("value_out_of_range"));
        assert_eq!(code(""), Some("missing_value"));
        let cx = Converter::new(&Mapping::default(), PlatformKind::Cxone, false);
        assert_eq!(cx.convert("4.5").map_err(|e| e.0), Err("not_integer"));
    }

    #[test]
    fn unmapped_word_message_names_the_fix() {
        let c = Converter::new(&Mapping::default(), PlatformKind::Genesys, false);
        let (_, message) = c.convert("Expert").expect_err("a word needs a mapping");
        assert!(message.contains("add it to [values] in the mapping file, e.g. \"Expert\" = 5"), "{message}");
    }

    #[test]
    fn unmapped_word_example_fits_the_word() {
        let hint = |platform, word: &str| {
            let c = Converter::new(&Mapping::default(), platform, false);
            c.convert(word).expect_err("a word needs a mapping").1
        };
        let g = PlatformKind::Genesys;
        assert!(hint(g, "Trainee").contains("e.g. \"Trainee\" = 1"), "{}", hint(g, "Trainee"));
        assert!(hint(g, "beginner").contains("e.g. \"beginner\" = 1"));
        assert!(hint(g, "Intermediate").contains("e.g. \"Intermediate\" = 3"));
        assert!(hint(g, "Advanced").contains("e.g. \"Advanced\" = 5"));
        assert!(hint(g, "Gold").contains("e.g. \"Gold\" = 3"), "an unknown word gets the middle");
        // CXone: 1 is best, so a low word is near 20 and a top word is 1.
        let cx = PlatformKind::Cxone;
        assert!(hint(cx, "Novice").contains("e.g. \"Novice\" = 20"), "{}", hint(cx, "Novice"));
        assert!(hint(cx, "Expert").contains("e.g. \"Expert\" = 1"));
        assert!(hint(cx, "Gold").contains("e.g. \"Gold\" = 10"));
    }

    #[test]
    fn generic_agent_column_of_emails_is_keyed_by_email() {
        let m = Mapping::detect(&table("Agent,Skill,Level\njo@x.com,Billing,4\n")).expect("detects");
        assert_eq!(m.columns.agent_key, Some(AgentKey::Email));
    }

    #[test]
    fn packed_cells_split_on_semicolons_before_commas() {
        assert_eq!(pairs("A:1; B:2,5 |C:3;").collect::<Vec<_>>(), vec!["A:1", "B:2,5", "C:3"]);
        assert_eq!(pairs("A:1, B:2").collect::<Vec<_>>(), vec!["A:1", "B:2"]);
    }
}
