//! A generated tenant: realistic names, a few inactive agents and skills, a few assignments per
//! agent, all drawn from one seeded RNG so the same seed gives the same tenant, ids included.
//! Genesys tenants also get four routing languages, drawn from a second RNG so that adding them
//! left every skill assignment of a seed as it was.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::names::{skill_names, slug, FIRST_NAMES, LAST_NAMES};
use super::Draft;
use crate::config::Platform;

/// Share of agents generated inactive.
const INACTIVE_AGENTS: f64 = 0.03;
/// The routing languages of a generated Genesys tenant.
const LANGUAGES: [&str; 4] = ["English", "Spanish", "French", "German"];
/// Share of generated Genesys agents holding languages (one or two each).
const LANGUAGE_HOLDERS: f64 = 0.4;
/// Genesys proficiencies a generated assignment draws from.
const GENESYS_LEVELS: [f64; 8] = [1.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0];

pub(crate) fn generate(platform: Platform, agents: usize, skills: usize, seed: u64) -> Draft {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);

    let mut pool = skill_names();
    let picked = skills.min(pool.len());
    // A partial Fisher-Yates shuffle: the first `picked` names become the tenant's skills.
    for i in 0..picked {
        let j = rng.random_range(i..pool.len());
        pool.swap(i, j);
    }
    pool.truncate(picked);
    pool.extend((pool.len()..skills).map(|n| format!("Special Project {}", n + 1)));
    let mut skill_rows: Vec<(String, bool)> = pool.into_iter().map(|n| (n, true)).collect();
    if skills >= 5 {
        for _ in 0..(skills / 15).max(1) {
            let i = rng.random_range(0..skills);
            skill_rows[i].1 = false;
        }
    }

    let mut users = Vec::with_capacity(agents);
    let mut assignments = Vec::with_capacity(agents * 3);
    let mut chosen: Vec<usize> = Vec::with_capacity(4);
    for i in 0..agents {
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
        let n = i + 1;
        let email = format!("{}.{}.{n}@example.com", slug(first), slug(last));
        let username = format!("{}{}{n}", &slug(first)[..1], slug(last));
        let active = rng.random::<f64>() >= INACTIVE_AGENTS;
        users.push((format!("{first} {last}"), email, username, active));

        if skills == 0 {
            continue;
        }
        let count = rng.random_range(1..=skills.min(4));
        chosen.clear();
        while chosen.len() < count {
            let s = rng.random_range(0..skills);
            if !chosen.contains(&s) {
                chosen.push(s);
            }
        }
        for &s in &chosen {
            let proficiency = match platform {
                Platform::Genesys => GENESYS_LEVELS[rng.random_range(0..GENESYS_LEVELS.len())],
                Platform::Cxone => f64::from(rng.random_range(1u8..=20)),
            };
            assignments.push((i, s, proficiency, true));
        }
    }
    let (languages, language_assignments) = match platform {
        Platform::Genesys => generate_languages(agents, seed),
        Platform::Cxone => (Vec::new(), Vec::new()),
    };
    Draft { skills: skill_rows, users, assignments, languages, language_assignments }
}

/// Four languages, and one or two of them, whole levels 1–5, for about 40 % of the agents.
#[allow(clippy::type_complexity)]
fn generate_languages(agents: usize, seed: u64) -> (Vec<String>, Vec<(usize, usize, f64)>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    let mut held = Vec::new();
    for user in 0..agents {
        if rng.random::<f64>() >= LANGUAGE_HOLDERS {
            continue;
        }
        let first = rng.random_range(0..LANGUAGES.len());
        held.push((user, first, f64::from(rng.random_range(1u8..=5))));
        if rng.random::<f64>() < 0.3 {
            let second = (first + rng.random_range(1..LANGUAGES.len())) % LANGUAGES.len();
            held.push((user, second, f64::from(rng.random_range(1u8..=5))));
        }
    }
    (LANGUAGES.iter().map(|l| l.to_string()).collect(), held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::{on_scale, Tenant};

    #[test]
    fn same_seed_same_tenant_other_seed_other_tenant() {
        let a = Tenant::build(generate(Platform::Genesys, 200, 30, 7));
        let b = Tenant::build(generate(Platform::Genesys, 200, 30, 7));
        let c = Tenant::build(generate(Platform::Genesys, 200, 30, 8));
        assert_eq!(a.state_json(Platform::Genesys), b.state_json(Platform::Genesys), "same seed, same state");
        assert_eq!(a.users[3].guid, b.users[3].guid, "same seed, same ids");
        assert_ne!(a.state_json(Platform::Genesys), c.state_json(Platform::Genesys), "other seed differs");
    }

    #[test]
    fn generated_tenant_is_plausible() {
        let t = Tenant::build(generate(Platform::Cxone, 2_000, 40, 3));
        let emails: std::collections::HashSet<&str> = t.users.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(emails.len(), 2_000, "emails are unique");
        let inactive = t.users.iter().filter(|u| !u.active).count();
        assert!((20..=120).contains(&inactive), "about 3% inactive, got {inactive}");
        assert!(t.skills.iter().any(|s| !s.active), "a few skills inactive");
        for u in &t.users {
            assert!(!u.skills.is_empty() && u.skills.len() <= 4, "each agent has a few skills");
            assert!(u.skills.values().all(|a| on_scale(Platform::Cxone, a.proficiency)), "CXone scale");
        }
    }

    #[test]
    fn genesys_gets_languages_without_changing_the_skill_assignments() {
        let g = generate(Platform::Genesys, 500, 20, 4);
        let c = generate(Platform::Cxone, 500, 20, 4);
        assert_eq!(g.languages, ["English", "Spanish", "French", "German"], "four languages");
        assert!(c.languages.is_empty() && c.language_assignments.is_empty(), "CXone has none");
        let holders: std::collections::BTreeSet<usize> = g.language_assignments.iter().map(|a| a.0).collect();
        assert!((150..=250).contains(&holders.len()), "about 40 % hold languages: {}", holders.len());
        assert!(
            g.language_assignments.iter().all(|a| (1.0..=5.0).contains(&a.2) && a.2.fract() == 0.0),
            "whole levels"
        );
        let pairs = |d: &Draft| d.assignments.iter().map(|a| (a.0, a.1)).collect::<Vec<_>>();
        assert_eq!(pairs(&g), pairs(&c), "the skill draws are the same on both platforms");
    }

    #[test]
    fn more_skills_than_names_still_unique() {
        let d = generate(Platform::Genesys, 1, 700, 1);
        let names: std::collections::HashSet<&String> = d.skills.iter().map(|s| &s.0).collect();
        assert_eq!(names.len(), 700, "all names distinct");
    }

    #[test]
    fn twenty_thousand_agents_build_fast() {
        let started = std::time::Instant::now();
        let t = Tenant::build(generate(Platform::Genesys, 20_000, 200, 1));
        let took = started.elapsed();
        assert_eq!(t.users.len(), 20_000, "all agents built");
        // Generous for debug builds; the release figure is in docs/sandbox.md.
        assert!(took.as_secs_f64() < 5.0, "20k agents took {took:?}");
    }
}
