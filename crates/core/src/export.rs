//! Export: today's assignments as a feed that imports back with no mapping — a baseline to edit,
//! a backup before a big change, and a round trip that must plan zero changes.

use crate::error::{Error, Result};
use crate::model::{fmt_value, ItemKind, Snapshot};
use crate::text::neutralise;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportLayout {
    /// `email,skill,proficiency`, one row per assignment.
    #[default]
    Long,
    /// `email,<skill>,<skill>…`, one row per agent.
    Wide,
}

impl std::str::FromStr for ExportLayout {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "long" => Ok(ExportLayout::Long),
            "wide" => Ok(ExportLayout::Wide),
            o => Err(Error::Config(format!("unknown layout '{o}': use long or wide"))),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub layout: ExportLayout,
    /// Only these skills (names, case-insensitive); empty = all.
    pub skills: Vec<String>,
    /// Only these agents (emails, usernames or ids, case-insensitive); `None` = all.
    pub agents: Option<HashSet<String>>,
}

/// Reads an agents list: one per line, or the first column of a CSV; a header line is skipped.
pub fn read_agent_list(path: &Path) -> Result<HashSet<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let mut out = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let first = line.split([',', ';', '\t']).next().unwrap_or("").trim().trim_matches('"').trim();
        if first.is_empty()
            || (i == 0 && matches!(first.to_lowercase().as_str(), "email" | "username" | "agent" | "id" | "agent_id"))
        {
            continue;
        }
        out.insert(first.to_lowercase());
    }
    Ok(out)
}

/// Writes the feed; returns the number of data rows.
pub fn write_feed(path: &Path, snapshot: &Snapshot, options: &ExportOptions) -> Result<usize> {
    let wanted_skills: HashSet<String> = options.skills.iter().map(|s| s.trim().to_lowercase()).collect();
    let entries: BTreeMap<&str, (&str, ItemKind)> = snapshot
        .skills
        .iter()
        .filter(|s| s.active && (wanted_skills.is_empty() || wanted_skills.contains(&s.name.trim().to_lowercase())))
        .map(|s| (s.id.as_str(), (s.name.as_str(), s.kind)))
        .collect();
    let skills: BTreeMap<&str, &str> = entries.iter().map(|(id, (name, _))| (*id, *name)).collect();
    // Routing languages go out beside the skills with a kind column, so a name that is both a
    // skill and a language imports back as what it was.
    let with_kind = entries.values().any(|(_, k)| *k == ItemKind::Language);
    if !wanted_skills.is_empty() {
        let found: HashSet<String> = skills.values().map(|n| n.trim().to_lowercase()).collect();
        let missing: Vec<&String> = wanted_skills.iter().filter(|w| !found.contains(*w)).collect();
        if !missing.is_empty() {
            return Err(Error::Config(format!("no active skill named {missing:?} on the platform")));
        }
    }
    let agents: Vec<_> = snapshot
        .agents
        .iter()
        .filter(|a| a.active)
        .filter(|a| {
            options.agents.as_ref().is_none_or(|set| {
                [&a.email, &a.username, &a.id].iter().any(|k| !k.is_empty() && set.contains(&k.to_lowercase()))
            })
        })
        .collect();
    // Email is the key when every exported agent has one; otherwise the username.
    let by_email = agents.iter().all(|a| !a.email.is_empty());
    let key_header = if by_email { "email" } else { "username" };
    let mut per_agent: HashMap<&str, Vec<(&str, ItemKind, f64)>> = HashMap::new();
    for ((agent, skill), v) in &snapshot.assignments {
        if let Some((name, kind)) = entries.get(skill.as_str()) {
            per_agent.entry(agent.as_str()).or_default().push((name, *kind, *v));
        }
    }
    // With a BOM, so a spreadsheet reads accented names right and saves them back intact.
    let mut w = csv::Writer::from_writer(crate::report::create_csv(path)?);
    let io = |e: csv::Error| Error::io(format!("writing {}", path.display()), e.into());
    let mut rows = 0;
    match options.layout {
        ExportLayout::Long => {
            if with_kind {
                w.write_record([key_header, "skill", "kind", "proficiency"]).map_err(io)?;
            } else {
                w.write_record([key_header, "skill", "proficiency"]).map_err(io)?;
            }
            for a in &agents {
                let key = neutralise(if by_email { &a.email } else { &a.username });
                let mut list = per_agent.get(a.id.as_str()).cloned().unwrap_or_default();
                list.sort_by(|x, y| (x.1, x.0).cmp(&(y.1, y.0)));
                for (skill, kind, v) in list {
                    if with_kind {
                        w.write_record([key.as_ref(), neutralise(skill).as_ref(), kind.as_str(), &fmt_value(v)])
                            .map_err(io)?;
                    } else {
                        w.write_record([key.as_ref(), neutralise(skill).as_ref(), &fmt_value(v)]).map_err(io)?;
                    }
                    rows += 1;
                }
            }
        }
        ExportLayout::Wide => {
            let mut seen: HashMap<&str, ItemKind> = HashMap::new();
            for (name, kind) in entries.values() {
                if seen.insert(name, *kind).is_some_and(|k| k != *kind) {
                    return Err(Error::Config(format!(
                        "'{name}' is both a skill and a routing language: a wide file cannot tell them apart; export with --layout long"
                    )));
                }
            }
            let mut names: Vec<&str> = skills.values().copied().collect();
            names.sort();
            names.dedup();
            let mut header = vec![key_header.to_string()];
            header.extend(names.iter().map(|n| neutralise(n).into_owned()));
            w.write_record(&header).map_err(io)?;
            for a in &agents {
                let have: HashMap<&str, f64> =
                    per_agent.get(a.id.as_str()).into_iter().flatten().map(|(s, _, v)| (*s, *v)).collect();
                if have.is_empty() {
                    continue;
                }
                let key = neutralise(if by_email { &a.email } else { &a.username });
                let mut rec = vec![key.into_owned()];
                rec.extend(names.iter().map(|n| have.get(n).map(|v| fmt_value(*v)).unwrap_or_default()));
                w.write_record(&rec).map_err(io)?;
                rows += 1;
            }
        }
    }
    w.flush().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agent, Skill};

    fn snap() -> Snapshot {
        let mut s = Snapshot {
            skills: vec![
                Skill { id: "s1".into(), name: "Billing - English".into(), active: true, kind: ItemKind::Skill },
                Skill { id: "s2".into(), name: "Retention".into(), active: true, kind: ItemKind::Skill },
                Skill { id: "s3".into(), name: "Old".into(), active: false, kind: ItemKind::Skill },
            ],
            ..Snapshot::default()
        };
        s.agents = vec![
            Agent {
                id: "a1".into(),
                name: "Ana Ruiz".into(),
                email: "ana@x.com".into(),
                username: "ana".into(),
                active: true,
            },
            Agent {
                id: "a2".into(),
                name: "Bo Li".into(),
                email: "bo@x.com".into(),
                username: "bo".into(),
                active: false,
            },
        ];
        s.assignments.insert(("a1".into(), "s1".into()), 4.5);
        s.assignments.insert(("a1".into(), "s3".into()), 2.0);
        s.assignments.insert(("a2".into(), "s2".into()), 1.0);
        s
    }

    #[test]
    fn long_export_lists_active_agents_and_skills_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        let n = write_feed(&p, &snap(), &ExportOptions::default()).unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "\u{feff}email,skill,proficiency\nana@x.com,Billing - English,4.5\n"
        );
    }

    #[test]
    fn wide_export_has_a_column_per_skill() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_feed(&p, &snap(), &ExportOptions { layout: ExportLayout::Wide, ..Default::default() }).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "\u{feff}email,Billing - English,Retention\nana@x.com,4.5,\n");
    }

    #[test]
    fn unknown_skill_filter_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_feed(
            &dir.path().join("o.csv"),
            &snap(),
            &ExportOptions { skills: vec!["Nope".into()], ..Default::default() },
        )
        .unwrap_err();
        assert_eq!(e.code(), "config.invalid");
    }
}
