//! The tenant's data (skills, users, assignments) with the indexes every handler looks things up by,
//! built from a tenant file or generated; both platforms read and write this one store.

mod file;
mod generate;
mod names;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};
use uuid::Uuid;

use crate::config::{Platform, TenantSource};
use crate::error::SandboxError;

use file::{draft_from_file, from_file};
pub use file::{TenantAssignment, TenantFile, TenantLanguage, TenantLanguageAssignment, TenantSkill, TenantUser};
pub(crate) use generate::generate;

/// The first CXone skill id; skills count up from here in tenant order.
pub(crate) const FIRST_SKILL_NUMBER: i64 = 1001;
/// The first CXone agent id; agents count up from here in tenant order.
pub(crate) const FIRST_AGENT_NUMBER: i64 = 5001;
/// The teams CXone agents are spread over (CXone requires every agent to have one).
pub(crate) const TEAMS: [&str; 4] = ["Customer Care", "Technical Support", "Sales", "Back Office"];
/// The first CXone team id.
pub(crate) const FIRST_TEAM_NUMBER: i64 = 301;

pub(crate) struct Skill {
    pub name: String,
    pub active: bool,
    pub guid: Uuid,
    pub guid_text: String,
    /// CXone's integer id.
    pub number: i64,
    pub date_modified: String,
}

pub(crate) struct User {
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub username: String,
    pub active: bool,
    pub guid: Uuid,
    pub guid_text: String,
    /// CXone's integer agent id.
    pub number: i64,
    pub team: usize,
    /// Genesys' user version: goes up on every change of the user's skills.
    pub version: u64,
    /// Skill index → assignment.
    pub skills: BTreeMap<usize, Assignment>,
    /// Language index → proficiency (Genesys routing languages, whole numbers 0–5).
    pub languages: BTreeMap<usize, f64>,
}

/// A Genesys routing language.
pub(crate) struct Language {
    pub name: String,
    pub guid: Uuid,
    pub guid_text: String,
    pub date_modified: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Assignment {
    pub proficiency: f64,
    /// CXone's per-assignment flag; Genesys ignores it.
    pub active: bool,
}

/// All of a tenant with its lookup indexes. CXone ids are dense (first id + index), so they need no map.
pub(crate) struct Tenant {
    pub skills: Vec<Skill>,
    pub users: Vec<User>,
    pub languages: Vec<Language>,
    skill_by_guid: HashMap<Uuid, usize>,
    language_by_guid: HashMap<Uuid, usize>,
    user_by_guid: HashMap<Uuid, usize>,
    user_by_email: HashMap<String, usize>,
    user_by_username: HashMap<String, usize>,
    /// Skill index → users holding it, for the per-skill listings.
    skill_users: Vec<BTreeSet<usize>>,
}

/// A parsed but not yet indexed tenant, the common output of the file reader and the generator.
pub(crate) struct Draft {
    pub skills: Vec<(String, bool)>,
    /// name, email, username, active
    pub users: Vec<(String, String, String, bool)>,
    /// user index, skill index, proficiency, active (CXone's per-assignment flag)
    pub assignments: Vec<(usize, usize, f64, bool)>,
    /// Genesys routing language names.
    pub languages: Vec<String>,
    /// user index, language index, proficiency
    pub language_assignments: Vec<(usize, usize, f64)>,
}

/// Loads or generates the tenant a configuration names.
pub(crate) fn load(source: &TenantSource, platform: Platform) -> Result<Tenant, SandboxError> {
    match source {
        TenantSource::Generated { agents, skills, seed } => {
            Ok(Tenant::build(generate(platform, *agents, *skills, *seed)))
        }
        TenantSource::File(path) => from_file(path, platform),
        TenantSource::Inline(file) => Ok(Tenant::build(draft_from_file(file, platform)?)),
    }
}

/// Whether a proficiency is valid on the platform's scale (Genesys 0–5, CXone integers 1–20).
pub(crate) fn on_scale(platform: Platform, p: f64) -> bool {
    match platform {
        Platform::Genesys => (0.0..=5.0).contains(&p),
        Platform::Cxone => (1.0..=20.0).contains(&p) && p.fract() == 0.0,
    }
}

pub(crate) fn scale_text(platform: Platform) -> &'static str {
    match platform {
        Platform::Genesys => "a number from 0 to 5",
        Platform::Cxone => "an integer from 1 to 20",
    }
}

/// Ids derive from names, so the same tenant gets the same ids on every start.
fn guid(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("skillsync-sandbox:{kind}:{}", key.to_lowercase()).as_bytes())
}

/// A fixed, plausible modification date per skill, so listings are stable across starts.
fn date_modified(index: usize) -> String {
    let secs = 1_709_280_000 + (index as i64) * 2_237;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| "2024-03-01T08:00:00.000Z".to_string())
}

impl Tenant {
    pub(crate) fn build(draft: Draft) -> Tenant {
        let skills: Vec<Skill> = draft
            .skills
            .into_iter()
            .enumerate()
            .map(|(i, (name, active))| {
                let guid = guid("skill", &name);
                Skill {
                    guid_text: guid.to_string(),
                    guid,
                    number: FIRST_SKILL_NUMBER + i as i64,
                    date_modified: date_modified(i),
                    name,
                    active,
                }
            })
            .collect();
        let users: Vec<User> = draft
            .users
            .into_iter()
            .enumerate()
            .map(|(i, (name, email, username, active))| {
                let guid = guid("user", &email);
                let (first_name, last_name) = match name.split_once(' ') {
                    Some((f, l)) => (f.to_string(), l.trim().to_string()),
                    None => (name.clone(), String::new()),
                };
                User {
                    guid_text: guid.to_string(),
                    guid,
                    number: FIRST_AGENT_NUMBER + i as i64,
                    team: i % TEAMS.len(),
                    version: 1,
                    skills: BTreeMap::new(),
                    languages: BTreeMap::new(),
                    first_name,
                    last_name,
                    name,
                    email,
                    username,
                    active,
                }
            })
            .collect();
        let languages: Vec<Language> = draft
            .languages
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let guid = guid("language", &name);
                Language { guid_text: guid.to_string(), guid, date_modified: date_modified(i), name }
            })
            .collect();
        let mut tenant = Tenant {
            skill_by_guid: skills.iter().enumerate().map(|(i, s)| (s.guid, i)).collect(),
            language_by_guid: languages.iter().enumerate().map(|(i, l)| (l.guid, i)).collect(),
            user_by_guid: users.iter().enumerate().map(|(i, u)| (u.guid, i)).collect(),
            user_by_email: users.iter().enumerate().map(|(i, u)| (u.email.to_lowercase(), i)).collect(),
            user_by_username: users.iter().enumerate().map(|(i, u)| (u.username.to_lowercase(), i)).collect(),
            skill_users: vec![BTreeSet::new(); skills.len()],
            skills,
            users,
            languages,
        };
        for (user, skill, proficiency, active) in draft.assignments {
            tenant.assign(user, skill, proficiency, active);
        }
        for (user, language, proficiency) in draft.language_assignments {
            tenant.assign_language(user, language, proficiency);
        }
        for user in &mut tenant.users {
            user.version = 1;
        }
        tenant
    }

    pub(crate) fn skill_by_guid(&self, id: &str) -> Option<usize> {
        Uuid::parse_str(id).ok().and_then(|g| self.skill_by_guid.get(&g).copied())
    }

    pub(crate) fn language_by_guid(&self, id: &str) -> Option<usize> {
        Uuid::parse_str(id).ok().and_then(|g| self.language_by_guid.get(&g).copied())
    }

    pub(crate) fn user_by_guid(&self, id: &str) -> Option<usize> {
        Uuid::parse_str(id).ok().and_then(|g| self.user_by_guid.get(&g).copied())
    }

    pub(crate) fn user_by_email(&self, email: &str) -> Option<usize> {
        self.user_by_email.get(&email.trim().to_lowercase()).copied()
    }

    pub(crate) fn user_by_username(&self, username: &str) -> Option<usize> {
        self.user_by_username.get(&username.trim().to_lowercase()).copied()
    }

    pub(crate) fn skill_by_number(&self, number: i64) -> Option<usize> {
        number.checked_sub(FIRST_SKILL_NUMBER).and_then(|i| usize::try_from(i).ok()).filter(|i| *i < self.skills.len())
    }

    pub(crate) fn user_by_number(&self, number: i64) -> Option<usize> {
        number.checked_sub(FIRST_AGENT_NUMBER).and_then(|i| usize::try_from(i).ok()).filter(|i| *i < self.users.len())
    }

    /// The users holding a skill, in tenant order.
    pub(crate) fn holders(&self, skill: usize) -> impl Iterator<Item = usize> + '_ {
        self.skill_users.get(skill).into_iter().flatten().copied()
    }

    /// Adds or updates one assignment; returns whether anything changed.
    pub(crate) fn assign(&mut self, user: usize, skill: usize, proficiency: f64, active: bool) -> bool {
        let new = Assignment { proficiency, active };
        let Some(u) = self.users.get_mut(user) else { return false };
        let old = u.skills.insert(skill, new);
        if old == Some(new) {
            return false;
        }
        u.version += 1;
        if let Some(holders) = self.skill_users.get_mut(skill) {
            holders.insert(user);
        }
        true
    }

    /// Removes one assignment; returns whether it existed.
    pub(crate) fn unassign(&mut self, user: usize, skill: usize) -> bool {
        let Some(u) = self.users.get_mut(user) else { return false };
        if u.skills.remove(&skill).is_none() {
            return false;
        }
        u.version += 1;
        if let Some(holders) = self.skill_users.get_mut(skill) {
            holders.remove(&user);
        }
        true
    }

    /// Adds or updates one of a user's languages; returns whether anything changed.
    pub(crate) fn assign_language(&mut self, user: usize, language: usize, proficiency: f64) -> bool {
        let Some(u) = self.users.get_mut(user) else { return false };
        if u.languages.insert(language, proficiency) == Some(proficiency) {
            return false;
        }
        u.version += 1;
        true
    }

    /// Removes one of a user's languages; returns whether the user held it.
    pub(crate) fn unassign_language(&mut self, user: usize, language: usize) -> bool {
        let Some(u) = self.users.get_mut(user) else { return false };
        if u.languages.remove(&language).is_none() {
            return false;
        }
        u.version += 1;
        true
    }

    /// `GET /__sandbox/state`: every assignment by email then skill name, on the platform's scale.
    pub(crate) fn state_json(&self, platform: Platform) -> Value {
        let mut rows: Vec<(&str, &str, Assignment)> = Vec::new();
        for u in &self.users {
            for (skill, a) in &u.skills {
                if let Some(s) = self.skills.get(*skill) {
                    rows.push((&u.email, &s.name, *a));
                }
            }
        }
        rows.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(b.1)));
        let assignments: Vec<Value> = rows
            .into_iter()
            .map(|(email, skill, a)| {
                let mut row =
                    json!({"email": email, "skill": skill, "proficiency": proficiency_json(platform, a.proficiency)});
                if platform == Platform::Cxone {
                    row["active"] = json!(a.active);
                }
                row
            })
            .collect();
        let mut state = json!({ "assignments": assignments });
        if platform == Platform::Genesys {
            let mut held: Vec<(&str, &str, f64)> = Vec::new();
            for u in &self.users {
                for (language, p) in &u.languages {
                    if let Some(l) = self.languages.get(*language) {
                        held.push((&u.email, &l.name, *p));
                    }
                }
            }
            held.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(b.1)));
            let rows: Vec<Value> = held
                .into_iter()
                .map(|(email, language, p)| json!({"email": email, "language": language, "proficiency": p}))
                .collect();
            state["languages"] = Value::Array(rows);
        }
        state
    }
}

/// A proficiency as the platform writes it: Genesys a number, CXone an integer.
pub(crate) fn proficiency_json(platform: Platform, p: f64) -> Value {
    match platform {
        Platform::Genesys => json!(p),
        Platform::Cxone => json!(p.round() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> TenantFile {
        serde_json::from_value(json!({
            "skills": [{"name": "Billing"}, {"name": "Sales", "active": false}],
            "users": [{"email": "a@x.com", "username": "a", "name": "Ann Lee", "active": true}, {"email": "b@x.com"}],
            "assignments": [{"email": "a@x.com", "skill": "billing", "proficiency": 3}]
        }))
        .expect("tenant file parses")
    }

    #[test]
    fn file_tenant_gets_dense_cxone_ids_and_name_derived_guids() {
        let t = Tenant::build(draft_from_file(&file(), Platform::Cxone).expect("valid"));
        assert_eq!(t.skills[1].number, 1002, "second skill is 1002");
        assert_eq!(t.users[1].number, 5002, "second agent is 5002");
        assert_eq!(t.users[1].username, "b@x.com", "username defaults to the email");
        assert_eq!(t.users[0].last_name, "Lee", "last name split from the name");
        assert_eq!(t.skill_by_number(1002), Some(1), "dense lookup");
        assert_eq!(t.skill_by_number(1003), None, "past the end");
        assert_eq!(t.skill_by_number(7), None, "below the first id");
        assert_eq!(t.user_by_number(i64::MIN), None, "no overflow on extreme ids");
        let again = Tenant::build(draft_from_file(&file(), Platform::Cxone).expect("valid"));
        assert_eq!(t.users[0].guid, again.users[0].guid, "guids are deterministic");
        assert_eq!(t.holders(0).collect::<Vec<_>>(), vec![0], "skill index knows its holder");
    }

    #[test]
    fn file_tenant_rejects_inconsistencies() {
        let mut f = file();
        f.assignments[0].proficiency = 2.5;
        let err = draft_from_file(&f, Platform::Cxone).err().expect("2.5 is off the CXone scale");
        assert_eq!(err.code(), "sandbox.bad_tenant", "off-scale");
        assert!(draft_from_file(&f, Platform::Genesys).is_ok(), "2.5 is fine on Genesys");
        let mut f = file();
        f.assignments[0].skill = "Nope".into();
        assert!(draft_from_file(&f, Platform::Genesys).is_err(), "unknown skill");
        let mut f = file();
        f.users.push(f.users[0].clone());
        assert!(draft_from_file(&f, Platform::Genesys).is_err(), "duplicate user");
    }

    #[test]
    fn assign_and_unassign_keep_the_skill_index_and_version() {
        let mut t = Tenant::build(draft_from_file(&file(), Platform::Genesys).expect("valid"));
        assert!(t.assign(1, 1, 4.0, true), "new assignment changes");
        assert!(!t.assign(1, 1, 4.0, true), "same value is no change");
        assert_eq!(t.users[1].version, 2, "one change, one version step");
        assert!(t.unassign(1, 1), "existing assignment removed");
        assert!(!t.unassign(1, 1), "second removal finds nothing");
        assert_eq!(t.holders(1).count(), 0, "index follows removal");
        let state = t.state_json(Platform::Genesys);
        assert_eq!(state["assignments"][0]["skill"], "Billing", "state names the skill");
    }
}
