//! What the corpus test and the fuzzing share: the fixture folders, the saved mappings and a small
//! fixed tenant that the fixtures' names resolve against — some found, some inactive, some
//! ambiguous, one agent at Genesys' 50-skill limit — so `plan::build` runs without a network.

#![allow(dead_code)]

use skillsync_core::mapping::Mapping;
use skillsync_core::{Agent, Skill, Snapshot};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// The agent of the undo fixture's ids, so its rows resolve.
pub const UNDO_AGENT: &str = "4f7c2a10-0000-4000-8000-000000000001";
/// An agent holding 50 skills already: any add for it meets the Genesys limit.
pub const FULL_AGENT: &str = "max.load@example.com";

/// The fixed tenant: the skill and agent names the fixtures use.
pub fn snapshot() -> Snapshot {
    let mut skills: Vec<Skill> = [
        ("s-billing", "Billing", true),
        ("s-billing-en", "Billing - English", true),
        ("s-billing-es", "Billing - Español", true),
        ("s-sales", "Sales", true),
        ("s-chat", "Chat", true),
        ("s-queue", "Queue: Priority", true),
        ("s-ventes", "Ventes", false),
        ("s-email-1", "Email", true),
        ("s-email-2", "Email", true),
        ("9a1e7c33-0000-4000-8000-000000000010", "Undo A", true),
        ("9a1e7c33-0000-4000-8000-000000000011", "Undo B", true),
    ]
    .into_iter()
    .map(|(id, name, active)| Skill { id: id.into(), name: name.into(), active, kind: Default::default() })
    .collect();
    skills.extend((1..=50).map(|i| Skill {
        id: format!("s-load-{i}"),
        name: format!("Load {i}"),
        active: true,
        kind: Default::default(),
    }));
    let agents: Vec<Agent> = [
        (UNDO_AGENT, "Ana García", "ana.garcia@example.com", "ana.garcia", true),
        ("a-zoe", "Zoë Müller", "zoe.muller@example.com", "zoe.muller", true),
        ("a-francois", "François Leduc", "francois.leduc@example.com", "francois.leduc", true),
        ("a-old", "Old Agent", "old.agent@example.com", "old.agent", false),
        ("a-jo-1", "Jo Smith", "jo.smith@example.com", "jo.smith", true),
        ("a-jo-2", "Jo Smith", "jo.smith2@example.com", "jo.smith2", true),
        ("a-full", "Max Load", FULL_AGENT, "max.load", true),
    ]
    .into_iter()
    .map(|(id, name, email, username, active)| Agent {
        id: id.into(),
        name: name.into(),
        email: email.into(),
        username: username.into(),
        active,
    })
    .collect();
    let mut assignments: HashMap<(String, String), f64> = [
        (UNDO_AGENT, "s-billing", 3.0),
        (UNDO_AGENT, "s-sales", 2.5),
        (UNDO_AGENT, "9a1e7c33-0000-4000-8000-000000000011", 1.0),
        ("a-zoe", "s-billing-en", 3.0),
        ("a-francois", "s-chat", 1.0),
    ]
    .into_iter()
    .map(|(a, s, v)| ((a.to_string(), s.to_string()), v))
    .collect();
    for i in 1..=50 {
        assignments.insert(("a-full".into(), format!("s-load-{i}")), 2.0);
    }
    Snapshot { skills, agents, assignments, ..Snapshot::default() }
}

/// The mapping files kept beside the good fixtures, by file name.
pub fn saved_mappings() -> Vec<(String, Mapping)> {
    let mut out = Vec::new();
    for path in files_in(&fixtures(), &["toml"]) {
        let mapping = Mapping::load(&path).unwrap_or_else(|e| panic!("{} loads: {e}", path.display()));
        out.push((file_name(&path), mapping));
    }
    assert!(out.len() >= 2, "saved mappings found: {}", out.len());
    out
}

/// Every feed of the corpus, good (`tests/fixtures/*.csv|txt`) and bad (`tests/fixtures/bad/*.csv`),
/// with its file name.
pub fn feeds() -> Vec<(String, Vec<u8>)> {
    let mut paths = files_in(&fixtures(), &["csv", "txt"]);
    paths.extend(files_in(&fixtures().join("bad"), &["csv"]));
    paths.into_iter().map(|p| (file_name(&p), std::fs::read(&p).expect("corpus feed"))).collect()
}

/// The text of every mapping file of the corpus (good and bad), for mutating mappings too.
pub fn mapping_texts() -> Vec<String> {
    let mut paths = files_in(&fixtures(), &["toml"]);
    paths.extend(files_in(&fixtures().join("bad"), &["toml"]));
    paths.into_iter().map(|p| std::fs::read_to_string(p).expect("mapping file")).collect()
}

fn files_in(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("folder entry").path())
        .filter(|p| p.is_file() && p.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e)))
        .collect();
    out.sort();
    out
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).expect("utf-8 file name").to_string()
}
