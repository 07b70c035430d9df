//! The tenant file of the CLI contract and its checks: duplicates, unknown references and
//! off-scale values refuse to start rather than serve a tenant no platform could hold.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{on_scale, scale_text, Draft, Tenant};
use crate::config::Platform;
use crate::error::SandboxError;

/// The tenant file of the CLI contract. Proficiencies are on the platform's own scale.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TenantFile {
    #[serde(default)]
    pub skills: Vec<TenantSkill>,
    #[serde(default)]
    pub users: Vec<TenantUser>,
    #[serde(default)]
    pub assignments: Vec<TenantAssignment>,
    /// Genesys routing languages (a CXone tenant has none).
    #[serde(default)]
    pub languages: Vec<TenantLanguage>,
    /// Genesys users' languages, proficiency a whole number from 0 to 5.
    #[serde(default)]
    pub language_assignments: Vec<TenantLanguageAssignment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantLanguage {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantLanguageAssignment {
    pub email: String,
    pub language: String,
    pub proficiency: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantSkill {
    pub name: String,
    /// Absent means active.
    #[serde(default = "yes")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantUser {
    pub email: String,
    /// Absent means the email.
    #[serde(default)]
    pub username: Option<String>,
    /// Absent means the part of the email before `@`.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantAssignment {
    pub email: String,
    pub skill: String,
    pub proficiency: f64,
    /// CXone's per-assignment flag (an admin can disable an assignment without removing it).
    /// Absent means true; Genesys has no such flag and refuses `false`.
    #[serde(default = "yes")]
    pub active: bool,
}

impl TenantAssignment {
    /// An active assignment.
    pub fn new(email: impl Into<String>, skill: impl Into<String>, proficiency: f64) -> Self {
        TenantAssignment { email: email.into(), skill: skill.into(), proficiency, active: true }
    }
}

fn yes() -> bool {
    true
}

pub(super) fn from_file(path: &Path, platform: Platform) -> Result<Tenant, SandboxError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SandboxError::TenantFile { path: path.to_path_buf(), reason: e.to_string() })?;
    let file: TenantFile = serde_json::from_str(&text)
        .map_err(|e| SandboxError::TenantFile { path: path.to_path_buf(), reason: e.to_string() })?;
    Ok(Tenant::build(draft_from_file(&file, platform)?))
}

/// Checks a tenant file for duplicates, unknown references and off-scale proficiencies.
pub(super) fn draft_from_file(file: &TenantFile, platform: Platform) -> Result<Draft, SandboxError> {
    let bad = |m: String| SandboxError::BadTenant(m);
    let mut skill_index = HashMap::new();
    let mut skills = Vec::with_capacity(file.skills.len());
    for s in &file.skills {
        let name = s.name.trim();
        if name.is_empty() {
            return Err(bad("a skill has an empty name".into()));
        }
        if skill_index.insert(name.to_lowercase(), skills.len()).is_some() {
            return Err(bad(format!("skill `{name}` appears twice")));
        }
        skills.push((name.to_string(), s.active));
    }
    let mut user_index = HashMap::new();
    let mut usernames = HashMap::new();
    let mut users = Vec::with_capacity(file.users.len());
    for u in &file.users {
        let email = u.email.trim();
        let Some((local, _)) = email.split_once('@').filter(|(l, d)| !l.is_empty() && !d.is_empty()) else {
            return Err(bad(format!("`{email}` is not an email address")));
        };
        if user_index.insert(email.to_lowercase(), users.len()).is_some() {
            return Err(bad(format!("user `{email}` appears twice")));
        }
        let username = u.username.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(email);
        if usernames.insert(username.to_lowercase(), users.len()).is_some() {
            return Err(bad(format!("username `{username}` appears twice")));
        }
        let name = u.name.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(local);
        users.push((name.to_string(), email.to_string(), username.to_string(), u.active));
    }
    let mut seen = BTreeSet::new();
    let mut assignments = Vec::with_capacity(file.assignments.len());
    for a in &file.assignments {
        let user = *user_index
            .get(&a.email.trim().to_lowercase())
            .ok_or_else(|| bad(format!("assignment names unknown user `{}`", a.email)))?;
        let skill = *skill_index
            .get(&a.skill.trim().to_lowercase())
            .ok_or_else(|| bad(format!("assignment names unknown skill `{}`", a.skill)))?;
        if !on_scale(platform, a.proficiency) {
            return Err(bad(format!(
                "proficiency {} of `{}` on `{}` is off the {} scale ({})",
                a.proficiency,
                a.email,
                a.skill,
                platform,
                scale_text(platform)
            )));
        }
        if !seen.insert((user, skill)) {
            return Err(bad(format!("`{}` is assigned `{}` twice", a.email, a.skill)));
        }
        if !a.active && platform == Platform::Genesys {
            return Err(bad(format!(
                "`{}` on `{}` is inactive, but Genesys assignments have no active flag",
                a.email, a.skill
            )));
        }
        assignments.push((user, skill, a.proficiency, a.active));
    }
    let (languages, language_assignments) = languages_of(file, platform, &user_index)?;
    Ok(Draft { skills, users, assignments, languages, language_assignments })
}

/// The Genesys languages of a tenant file and who holds them.
#[allow(clippy::type_complexity)]
fn languages_of(
    file: &TenantFile,
    platform: Platform,
    user_index: &HashMap<String, usize>,
) -> Result<(Vec<String>, Vec<(usize, usize, f64)>), SandboxError> {
    let bad = |m: String| SandboxError::BadTenant(m);
    if platform != Platform::Genesys && !(file.languages.is_empty() && file.language_assignments.is_empty()) {
        return Err(bad("routing languages are Genesys only; a CXone tenant has none".into()));
    }
    let mut language_index = HashMap::new();
    let mut languages = Vec::with_capacity(file.languages.len());
    for l in &file.languages {
        let name = l.name.trim();
        if name.is_empty() {
            return Err(bad("a language has an empty name".into()));
        }
        if language_index.insert(name.to_lowercase(), languages.len()).is_some() {
            return Err(bad(format!("language `{name}` appears twice")));
        }
        languages.push(name.to_string());
    }
    let mut seen = BTreeSet::new();
    let mut held = Vec::with_capacity(file.language_assignments.len());
    for a in &file.language_assignments {
        let user = *user_index
            .get(&a.email.trim().to_lowercase())
            .ok_or_else(|| bad(format!("language assignment names unknown user `{}`", a.email)))?;
        let language = *language_index
            .get(&a.language.trim().to_lowercase())
            .ok_or_else(|| bad(format!("language assignment names unknown language `{}`", a.language)))?;
        if !(0.0..=5.0).contains(&a.proficiency) || a.proficiency.fract() != 0.0 {
            return Err(bad(format!(
                "language proficiency {} of `{}` on `{}` is not a whole number from 0 to 5",
                a.proficiency, a.email, a.language
            )));
        }
        if !seen.insert((user, language)) {
            return Err(bad(format!("`{}` holds `{}` twice", a.email, a.language)));
        }
        held.push((user, language, a.proficiency));
    }
    Ok((languages, held))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_active_defaults_to_true_and_only_cxone_may_disable_one() {
        let file: TenantFile = serde_json::from_value(serde_json::json!({
            "skills": [{"name": "Billing"}, {"name": "Sales"}],
            "users": [{"email": "a@x.com"}],
            "assignments": [
                {"email": "a@x.com", "skill": "Billing", "proficiency": 3},
                {"email": "a@x.com", "skill": "Sales", "proficiency": 4, "active": false}
            ]
        }))
        .expect("parses");
        assert_eq!(file.assignments[0], TenantAssignment::new("a@x.com", "Billing", 3.0), "active by default");
        let draft = draft_from_file(&file, Platform::Cxone).expect("CXone keeps the flag");
        assert!(draft.languages.is_empty(), "no languages unless the file names some");
        assert_eq!(draft.assignments[1], (0, 1, 4.0, false), "disabled assignment kept");
        let err = draft_from_file(&file, Platform::Genesys).err().expect("Genesys has no such flag");
        assert_eq!(err.code(), "sandbox.bad_tenant", "{err}");
    }
}

#[cfg(test)]
mod language_tests {
    use super::*;

    fn file(proficiency: f64) -> TenantFile {
        serde_json::from_value(serde_json::json!({
            "skills": [],
            "users": [{"email": "a@x.com"}],
            "languages": [{"name": "Spanish"}, {"name": "French"}],
            "language_assignments": [{"email": "A@x.com", "language": "spanish", "proficiency": proficiency}]
        }))
        .expect("parses")
    }

    #[test]
    fn languages_are_genesys_only_with_whole_levels_from_0_to_5() {
        let draft = draft_from_file(&file(4.0), Platform::Genesys).expect("valid");
        assert_eq!(draft.languages, ["Spanish", "French"], "names in file order");
        assert_eq!(draft.language_assignments, [(0, 0, 4.0)], "matched case-insensitively");
        for bad in [4.5, 6.0, -1.0] {
            let err = draft_from_file(&file(bad), Platform::Genesys).err().expect("off the language scale");
            assert_eq!(err.code(), "sandbox.bad_tenant", "{bad}: {err}");
        }
        let err = draft_from_file(&file(4.0), Platform::Cxone).err().expect("CXone has no languages");
        assert_eq!(err.code(), "sandbox.bad_tenant", "{err}");
        let mut twice = file(4.0);
        twice.language_assignments.push(twice.language_assignments[0].clone());
        assert!(draft_from_file(&twice, Platform::Genesys).is_err(), "a language held twice");
    }
}
