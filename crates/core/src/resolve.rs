//! Turns the names a feed uses (skill names, agent emails, usernames, full names) into the platform's
//! records, exactly and case-insensitively, so a typo is caught with a "did you mean" instead of
//! being guessed silently.
//!
//! Matching is exact after [`fold`]: trim, collapse inner whitespace, Unicode lower-case. Never a
//! prefix match. Suggestions use normalized Damerau-Levenshtein over the folded text, behind cheap
//! filters (length and a character histogram) so one unknown name costs well under a millisecond
//! against 20,000 agents, and a budget caps the total when a feed is full of unknown names.

use crate::model::{Agent, AgentKey, ItemKind, Skill, Snapshot};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Lowest normalized Damerau-Levenshtein similarity a suggestion may have.
const SUGGESTION_THRESHOLD: f64 = 0.7;
/// Full comparisons one unknown name may cost, after the cheap filters: a safety net for a
/// directory of near-identical names, where the filters cannot tell candidates apart.
const MAX_COMPARISONS: usize = 2_000;
/// Suggestions must be within this much of the best one.
const SUGGESTION_MARGIN: f64 = 0.1;
/// How many suggestions one unknown name gets.
const MAX_SUGGESTIONS: usize = 3;
/// Distinct unknown names per directory that get suggestions. A feed with more unknown names than
/// this is almost always keyed by the wrong column, and suggestions would not help.
const SUGGESTION_BUDGET: usize = 500;

/// Folds a name for comparison: trims, collapses runs of whitespace to one space, lower-cases.
/// Borrows when the text is already folded, which is the common case for emails and ids.
pub fn fold(input: &str) -> Cow<'_, str> {
    let trimmed = input.trim();
    let mut prev_space = false;
    let already = trimmed.chars().all(|c| {
        let ok = !c.is_uppercase() && ((c == ' ' && !prev_space) || !c.is_whitespace());
        prev_space = c.is_whitespace();
        ok
    });
    if already {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut pending_space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    Cow::Owned(out)
}

/// How a skill cell resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum SkillMatch<'a> {
    Found(&'a Skill),
    /// The skill exists but is inactive: the platform refuses assignments to it.
    Inactive(&'a Skill),
    /// Several active skills share the name.
    Ambiguous(Vec<&'a Skill>),
    Unknown {
        suggestions: Vec<String>,
    },
}

/// How an agent cell resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentMatch<'a> {
    Found(&'a Agent),
    /// The agent exists but is inactive (deactivated user).
    Inactive(&'a Agent),
    /// Several active agents share the key (usually a full name); list them by email.
    Ambiguous(Vec<&'a Agent>),
    Unknown {
        suggestions: Vec<String>,
    },
}

/// Indexes over a [`Snapshot`], built once, for resolving every cell of a feed.
pub struct Directory<'a> {
    snapshot: &'a Snapshot,
    skill_ids: HashMap<String, Vec<usize>>,
    skill_names: HashMap<String, Vec<usize>>,
    /// One index per agent key, built on first use: a feed uses one key, so the others stay unbuilt.
    agents: [OnceLock<AgentIndex>; 4],
    skill_candidates: OnceLock<Candidates>,
    suggestions_left: AtomicUsize,
}

struct AgentIndex {
    by_key: HashMap<String, Vec<usize>>,
    candidates: OnceLock<Candidates>,
}

impl<'a> Directory<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Self {
        let mut skill_ids: HashMap<String, Vec<usize>> = HashMap::with_capacity(snapshot.skills.len());
        let mut skill_names: HashMap<String, Vec<usize>> = HashMap::with_capacity(snapshot.skills.len());
        for (i, s) in snapshot.skills.iter().enumerate() {
            skill_ids.entry(fold(&s.id).into_owned()).or_default().push(i);
            skill_names.entry(fold(&s.name).into_owned()).or_default().push(i);
        }
        Directory {
            snapshot,
            skill_ids,
            skill_names,
            agents: Default::default(),
            skill_candidates: OnceLock::new(),
            suggestions_left: AtomicUsize::new(SUGGESTION_BUDGET),
        }
    }

    /// Resolves a skill cell: by exact id first, then by name.
    pub fn skill(&self, input: &str) -> SkillMatch<'a> {
        self.skill_of_kind(input, None)
    }

    /// Resolves a skill or language cell, among one kind only when the feed says which.
    pub fn skill_of_kind(&self, input: &str, kind: Option<ItemKind>) -> SkillMatch<'a> {
        let key = fold(input);
        let skills = &self.snapshot.skills;
        let of_kind = |hits: &Vec<usize>| -> Option<Vec<usize>> {
            let kept: Vec<usize> = hits.iter().copied().filter(|&i| kind.is_none_or(|k| skills[i].kind == k)).collect();
            (!kept.is_empty()).then_some(kept)
        };
        let hits = self
            .skill_ids
            .get(key.as_ref())
            .and_then(of_kind)
            .or_else(|| self.skill_names.get(key.as_ref()).and_then(of_kind));
        let Some(hits) = hits.as_ref() else {
            let candidates = self
                .skill_candidates
                .get_or_init(|| Candidates::new(skills.iter().enumerate().map(|(i, s)| (i, s.name.as_str()))));
            let suggestions =
                self.suggest(&key, candidates).into_iter().map(|i| skills[i].name.clone()).collect::<Vec<_>>();
            return SkillMatch::Unknown { suggestions: dedup(suggestions) };
        };
        match pick(hits, |i| skills[i].active) {
            Pick::One(i) => SkillMatch::Found(&skills[i]),
            Pick::Inactive(i) => SkillMatch::Inactive(&skills[i]),
            Pick::Many(list) => SkillMatch::Ambiguous(list.into_iter().map(|i| &skills[i]).collect()),
        }
    }

    /// Resolves an agent cell by the feed's agent key.
    pub fn agent(&self, input: &str, key: AgentKey) -> AgentMatch<'a> {
        let agents = &self.snapshot.agents;
        let index = self.agents[key_slot(key)].get_or_init(|| AgentIndex::new(agents, key));
        let folded = fold(input);
        let Some(hits) = index.by_key.get(folded.as_ref()) else {
            let candidates = index
                .candidates
                .get_or_init(|| Candidates::new(agents.iter().enumerate().map(|(i, a)| (i, agent_field(a, key)))));
            let suggestions = self
                .suggest(&folded, candidates)
                .into_iter()
                .map(|i| agent_field(&agents[i], key).to_string())
                .collect::<Vec<_>>();
            return AgentMatch::Unknown { suggestions: dedup(suggestions) };
        };
        match pick(hits, |i| agents[i].active) {
            Pick::One(i) => AgentMatch::Found(&agents[i]),
            Pick::Inactive(i) => AgentMatch::Inactive(&agents[i]),
            Pick::Many(list) => AgentMatch::Ambiguous(list.into_iter().map(|i| &agents[i]).collect()),
        }
    }

    fn suggest(&self, folded: &str, candidates: &Candidates) -> Vec<usize> {
        let take = self.suggestions_left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        if take.is_err() || folded.is_empty() {
            return Vec::new();
        }
        candidates.nearest(folded)
    }
}

fn key_slot(key: AgentKey) -> usize {
    match key {
        AgentKey::Email => 0,
        AgentKey::Username => 1,
        AgentKey::Id => 2,
        AgentKey::Name => 3,
    }
}

fn agent_field(a: &Agent, key: AgentKey) -> &str {
    match key {
        AgentKey::Email => &a.email,
        AgentKey::Username => &a.username,
        AgentKey::Id => &a.id,
        AgentKey::Name => &a.name,
    }
}

impl AgentIndex {
    fn new(agents: &[Agent], key: AgentKey) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::with_capacity(agents.len());
        for (i, a) in agents.iter().enumerate() {
            let field = agent_field(a, key);
            if field.trim().is_empty() {
                continue;
            }
            by_key.entry(fold(field).into_owned()).or_default().push(i);
        }
        AgentIndex { by_key, candidates: OnceLock::new() }
    }
}

enum Pick {
    One(usize),
    Inactive(usize),
    Many(Vec<usize>),
}

/// Chooses among records sharing a key: the single active one wins (an inactive namesake cannot be
/// meant, since the platform refuses it anyway); several active ones are ambiguous.
fn pick(hits: &[usize], active: impl Fn(usize) -> bool) -> Pick {
    let live: Vec<usize> = hits.iter().copied().filter(|&i| active(i)).collect();
    match live.len() {
        0 => Pick::Inactive(hits[0]),
        1 => Pick::One(live[0]),
        _ => Pick::Many(live),
    }
}

fn dedup(mut names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

/// Bucketed character counts: an edit changes the L1 distance of two histograms by at most 2, so
/// half that distance is a lower bound on the edit distance, computed in a few vector instructions.
type Histogram = [u8; 64];

fn histogram(s: &str) -> Histogram {
    let mut h = [0u8; 64];
    for c in s.chars() {
        let b = match c {
            'a'..='z' => c as usize - 'a' as usize,
            // Digits get a bucket each: numeric ids and numbered names differ only in them.
            '0'..='9' => 26 + (c as usize - '0' as usize),
            '.' => 36,
            '_' => 37,
            '-' => 38,
            '@' => 39,
            ' ' => 40,
            _ => 41 + (c as usize % 23),
        };
        h[b] = h[b].saturating_add(1);
    }
    h
}

fn l1(a: &Histogram, b: &Histogram) -> u16 {
    // At most 64 × 255, so u16 holds it, and the narrow sum vectorizes.
    a.iter().zip(b.iter()).map(|(x, y)| x.abs_diff(*y) as u16).sum()
}

/// Folded names sorted by length in characters, with their histograms, for near-miss search.
struct Candidates {
    /// (char length, histogram, folded text, record index), sorted by length.
    entries: Vec<(usize, Histogram, String, usize)>,
}

impl Candidates {
    fn new<'s>(items: impl Iterator<Item = (usize, &'s str)>) -> Self {
        let mut entries: Vec<(usize, Histogram, String, usize)> = items
            .filter(|(_, s)| !s.trim().is_empty())
            .map(|(i, s)| {
                let f = fold(s).into_owned();
                (f.chars().count(), histogram(&f), f, i)
            })
            .collect();
        entries.sort_by_key(|e| e.0);
        Candidates { entries }
    }

    /// Indexes of the best few candidates at or above the similarity threshold, best first.
    ///
    /// The filters give every candidate an upper bound on its similarity; candidates are compared
    /// exactly in order of that bound, and the search stops once no remaining bound can enter the
    /// list. Names sharing a long common part (an email domain) pass the filters in thousands, but
    /// only a handful are ever compared exactly.
    fn nearest(&self, folded: &str) -> Vec<usize> {
        let len = folded.chars().count();
        let hist = histogram(folded);
        // similarity = 1 - edits / max(len, other): the widest length window that can still pass.
        let max_other = ((len as f64) / SUGGESTION_THRESHOLD).floor() as usize;
        let min_other = ((len as f64) * SUGGESTION_THRESHOLD).ceil() as usize;
        let start = self.entries.partition_point(|e| e.0 < min_other);
        let mut bounded: Vec<(u64, Reverse<usize>)> = Vec::new();
        for (pos, (other_len, other_hist, _, _)) in self.entries.iter().enumerate().skip(start) {
            if *other_len > max_other {
                break;
            }
            let longest = len.max(*other_len).max(1);
            let fewest_edits = len.abs_diff(*other_len).max((l1(&hist, other_hist) as usize).div_ceil(2));
            let bound = 1.0 - fewest_edits as f64 / longest as f64;
            if bound >= SUGGESTION_THRESHOLD {
                // Non-negative floats order like their bit patterns.
                bounded.push((bound.to_bits(), Reverse(pos)));
            }
        }
        let mut queue = BinaryHeap::from(bounded);
        let mut scored: Vec<(f64, usize)> = Vec::new();
        let mut compared = 0;
        while let Some((bound, Reverse(pos))) = queue.pop() {
            if compared == MAX_COMPARISONS || f64::from_bits(bound) < bar(&scored) {
                break;
            }
            compared += 1;
            let (_, _, text, index) = &self.entries[pos];
            if !near_miss(folded, text) {
                continue;
            }
            let sim = strsim::normalized_damerau_levenshtein(folded, text);
            if sim >= bar(&scored) {
                scored.push((sim, *index));
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            }
        }
        let best = scored.first().map_or(1.0, |s| s.0);
        scored
            .into_iter()
            .take_while(|s| s.0 >= best - SUGGESTION_MARGIN)
            .take(MAX_SUGGESTIONS)
            .map(|(_, i)| i)
            .collect()
    }
}

/// Only a near miss is worth suggesting: a few edits for the name's length (one for every five
/// characters, at least one), and for an email the same domain, with the edits before the `@`. A
/// new hire's address is similar to many colleagues' but a near miss of none, so it gets nothing
/// to pick by mistake.
fn near_miss(input: &str, candidate: &str) -> bool {
    let few_edits = |a: &str, b: &str| {
        let longest = a.chars().count().max(b.chars().count());
        strsim::damerau_levenshtein(a, b) <= (longest / 5).max(1)
    };
    match (input.rsplit_once('@'), candidate.rsplit_once('@')) {
        // A typo in the name before the `@`, or in the domain of the very same name.
        (Some((local_a, domain_a)), Some((local_b, domain_b))) => {
            (domain_a == domain_b && few_edits(local_a, local_b))
                || (local_a == local_b && few_edits(domain_a, domain_b))
        }
        _ => few_edits(input, candidate),
    }
}

/// The similarity a candidate needs to make the list: the threshold, close to the best so far,
/// and once the list is full, at least as good as its last entry.
fn bar(scored: &[(f64, usize)]) -> f64 {
    let mut bar = SUGGESTION_THRESHOLD;
    if let Some(best) = scored.first() {
        bar = bar.max(best.0 - SUGGESTION_MARGIN);
    }
    if let Some(last) = scored.get(MAX_SUGGESTIONS - 1) {
        bar = bar.max(last.0);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let skill = |id: &str, name: &str, active: bool| Skill {
            id: id.into(),
            name: name.into(),
            active,
            kind: ItemKind::Skill,
        };
        let agent = |id: &str, name: &str, email: &str, active: bool| Agent {
            id: id.into(),
            name: name.into(),
            email: email.into(),
            username: email.split('@').next().unwrap_or_default().into(),
            active,
        };
        Snapshot {
            skills: vec![
                skill("s1", "Billing - English", true),
                skill("s2", "Billing - Spanish", true),
                skill("s3", "Legacy", false),
                skill("s4", "Sales", true),
            ],
            agents: vec![
                agent("a1", "Ana Silva", "ana@example.com", true),
                agent("a2", "Ben Ode", "ben@example.com", true),
                agent("a3", "Ben Ode", "ben.ode@example.com", true),
                agent("a4", "Old Timer", "old@example.com", false),
            ],
            assignments: HashMap::new(),
            ..Snapshot::default()
        }
    }

    #[test]
    fn fold_trims_collapses_whitespace_and_lowercases() {
        assert_eq!(fold("  Billing \t -   ENGLISH "), "billing - english");
        assert_eq!(fold("ÉCOLE"), "école", "Unicode lower-casing");
        assert!(matches!(fold("already folded"), Cow::Borrowed(_)), "folded text is not copied");
    }

    #[test]
    fn skill_matches_by_id_then_case_insensitive_name_never_prefix() {
        let snap = snapshot();
        let dir = Directory::new(&snap);
        assert!(matches!(dir.skill("s2"), SkillMatch::Found(s) if s.name == "Billing - Spanish"), "by id");
        assert!(matches!(dir.skill(" billing -  english"), SkillMatch::Found(s) if s.id == "s1"), "by name");
        assert!(matches!(dir.skill("Billing"), SkillMatch::Unknown { .. }), "a prefix is not a match");
        assert!(matches!(dir.skill("legacy"), SkillMatch::Inactive(s) if s.id == "s3"));
    }

    #[test]
    fn unknown_skill_suggests_the_near_miss() {
        let snap = snapshot();
        let dir = Directory::new(&snap);
        match dir.skill("Biling - Englsh") {
            SkillMatch::Unknown { suggestions } => {
                assert_eq!(suggestions.first().map(String::as_str), Some("Billing - English"), "{suggestions:?}")
            }
            other => panic!("expected unknown, got {other:?}"),
        }
        assert_eq!(dir.skill("zzzzzz"), SkillMatch::Unknown { suggestions: vec![] }, "nothing near");
        assert_eq!(
            dir.skill("Billing - Frenchy"),
            SkillMatch::Unknown { suggestions: vec![] },
            "another language is a new skill, not a typo of English or Spanish"
        );
    }

    #[test]
    fn new_hires_get_no_look_alike_colleagues() {
        let snap = snapshot();
        let dir = Directory::new(&snap);
        let unknown = |email: &str| match dir.agent(email, AgentKey::Email) {
            AgentMatch::Unknown { suggestions } => suggestions,
            other => panic!("{email}: expected unknown, got {other:?}"),
        };
        assert_eq!(unknown("ana@other.org"), Vec::<String>::new(), "another domain is another person");
        assert_eq!(unknown("ana@exampel.com"), vec!["ana@example.com".to_string()], "a typo in the domain");
        assert_eq!(unknown("bon@example.com"), vec!["ben@example.com".to_string()], "a typo is a near miss");
        assert_eq!(unknown("ann.new@example.com"), Vec::<String>::new(), "a new name shares only the domain");
        assert!(near_miss("jane.doe@example.com", "jane.dow@example.com"));
        assert!(!near_miss("jane.doe@example.com", "john.roe@example.com"), "four edits in eight characters");
    }

    #[test]
    fn agents_resolve_by_each_key_and_shared_names_are_ambiguous() {
        let snap = snapshot();
        let dir = Directory::new(&snap);
        assert!(matches!(dir.agent("ANA@example.com", AgentKey::Email), AgentMatch::Found(a) if a.id == "a1"));
        assert!(matches!(dir.agent("ana", AgentKey::Username), AgentMatch::Found(a) if a.id == "a1"));
        assert!(matches!(dir.agent("a2", AgentKey::Id), AgentMatch::Found(a) if a.id == "a2"));
        match dir.agent("ben  ode", AgentKey::Name) {
            AgentMatch::Ambiguous(list) => assert_eq!(list.len(), 2, "both namesakes listed"),
            other => panic!("expected ambiguous, got {other:?}"),
        }
        assert!(matches!(dir.agent("old@example.com", AgentKey::Email), AgentMatch::Inactive(_)));
        match dir.agent("ana@exmple.com", AgentKey::Email) {
            AgentMatch::Unknown { suggestions } => assert_eq!(suggestions, vec!["ana@example.com".to_string()]),
            other => panic!("expected unknown, got {other:?}"),
        }
    }

    #[test]
    fn histogram_bound_never_exceeds_the_edit_distance() {
        let pairs = [("ana@example.com", "ana@exmple.com"), ("abcdef", "badcfe"), ("kitten", "sitting")];
        for (a, b) in pairs {
            let bound = (l1(&histogram(a), &histogram(b)) as usize).div_ceil(2);
            let edits = strsim::damerau_levenshtein(a, b);
            assert!(bound <= edits, "{a} vs {b}: bound {bound} > {edits}");
        }
    }
}
