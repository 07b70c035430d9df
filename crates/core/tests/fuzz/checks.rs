//! What one fuzzed input goes through — import, mapping (detected, saved, mutated), the plan on
//! both platforms with the default and the confirmed-removal options — and what must hold.

use super::{Context, Input, Stats};
use skillsync_core::import::{read_bytes, Table};
use skillsync_core::mapping::{Layout, Mapping};
use skillsync_core::plan::{self, Plan, PlanOptions};
use skillsync_core::{Action, Error, Feed, PlatformKind, RowProblem, Target};
use std::collections::{HashMap, HashSet};

const PLATFORMS: [PlatformKind; 2] = [PlatformKind::Genesys, PlatformKind::Cxone];

pub fn exercise(ctx: &Context, input: &Input, stats: &mut Stats) {
    let table = match read_bytes(&input.feed) {
        Ok(table) => table,
        Err(e) => {
            check_error(&e);
            stats.unreadable += 1;
            return;
        }
    };
    check_table(&table);
    let mut mappings: Vec<&Mapping> = Vec::new();
    let detected = Mapping::detect(&table);
    match &detected {
        Ok(m) => {
            let back = Mapping::from_toml(&m.to_toml()).expect("a detected mapping reads back from its TOML");
            assert_eq!(&back, m, "a detected mapping survives its TOML");
            mappings.push(m);
        }
        Err(e) => {
            check_error(e);
            stats.no_mapping += 1;
        }
    }
    mappings.extend(&ctx.mappings);
    if let Some(m) = &input.mapping {
        // A mutated mapping is saved by the mapping screen as any other (NaN makes equality moot).
        let _ = Mapping::from_toml(&m.to_toml());
        mappings.push(m);
    }
    for mapping in mappings {
        let values = mapping.distinct_values(&table);
        for platform in PLATFORMS {
            // The mapping screen converts every distinct value, whether or not the mapping checks.
            for (value, _) in values.iter().take(50) {
                let _ = mapping.convert_value(&table, platform, value);
            }
            let checked = mapping.check(&table, platform);
            let feed = mapping.apply(&table, platform);
            let problems = mapping.diagnose(&table, platform);
            if let Err(e) = checked {
                // The job stops here; apply must still not panic.
                check_error(&e);
                continue;
            }
            check_feed(&table, mapping, &feed, &problems, platform);
            let confirmed = PlanOptions { max_skills_per_agent: Some(3), allow_remove: true, remove_unlisted: true };
            for options in [PlanOptions::for_platform(platform), confirmed] {
                let plan = plan::build(platform, &feed, &ctx.snapshot, &options);
                check_plan(&table, &feed, &plan, &options, platform);
                if options.remove_unlisted {
                    let again = plan::build(platform, &feed, &ctx.snapshot, &options);
                    assert_eq!(again.rows, plan.rows, "the same feed plans the same rows");
                    assert_eq!(again.changes, plan.changes, "the same feed plans the same changes");
                }
                // The CLI gives its feed away to the plan (build_owned): the same plan, to the byte.
                let owned = plan::build_owned(platform, feed.clone(), &ctx.snapshot, &options);
                assert_eq!(owned.rows, plan.rows, "a feed given away plans the same rows");
                assert_eq!(owned.changes, plan.changes, "a feed given away plans the same changes");
                assert_eq!(owned.summary, plan.summary);
                assert_eq!(owned.unresolved, plan.unresolved);
                stats.plans += 1;
                stats.plan_rows += plan.rows.len() as u64;
            }
        }
    }
}

fn check_error(e: &Error) {
    let message = e.to_string();
    assert!(
        matches!(e.code(), "input.unreadable" | "input.invalid" | "config.invalid"),
        "unexpected error kind {}: {message}",
        e.code()
    );
    assert!(!message.trim().is_empty(), "an error says something");
    let chars = message.chars().count();
    assert!(chars <= 1_000, "a file-level error of {chars} characters: {}…", short(&message));
}

fn check_table(table: &Table) {
    assert!(!table.is_empty(), "a table has data rows");
    let mut last = 1;
    for row in table.rows() {
        assert!(row.line > last, "row lines increase past the header: {} after {last}", row.line);
        last = row.line;
        assert!(row.cells().any(|c| !c.trim().is_empty()), "line {}: blank rows are skipped", row.line);
    }
    for h in &table.headers {
        assert_eq!(h.trim(), h, "header names are trimmed");
    }
}

fn check_message(p: &RowProblem, what: &str) {
    assert!(p.message.starts_with(&format!("line {}", p.line)), "{what} names its row: {}", short(&p.message));
    assert!(!p.column.is_empty(), "{what} names its column: {}", short(&p.message));
    assert!(p.message.contains(&p.column), "{what} names its column '{}': {}", short(&p.column), short(&p.message));
}

/// The layout the mapping reads the table with.
fn layout(table: &Table, mapping: &Mapping) -> Option<(Layout, Mapping)> {
    let m = mapping.columns.agent.is_none()
        && mapping.columns.skill.is_none()
        && mapping.columns.proficiency.is_none()
        && mapping.columns.skill_columns.is_empty()
        && mapping.columns.skill_pairs.is_none();
    let effective = if m { Mapping::detect(table).ok()? } else { mapping.clone() };
    Some((effective.columns.layout, effective))
}

/// The cell as the mapping reads it: trimmed, one pair of quotes dropped.
fn cleaned(cell: &str) -> &str {
    let t = cell.trim();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.trim();
        }
    }
    t
}

/// A column by name as the mapping finds it: exact, else case-insensitive.
fn column(table: &Table, name: &str) -> Option<usize> {
    let want = name.trim();
    table.headers.iter().position(|h| h == want).or_else(|| {
        let lower = want.to_lowercase();
        table.headers.iter().position(|h| h.to_lowercase() == lower)
    })
}

fn check_feed(table: &Table, mapping: &Mapping, feed: &Feed, problems: &[RowProblem], platform: PlatformKind) {
    let lines: HashSet<usize> = table.rows().map(|r| r.line).collect();
    let mut yielded: HashMap<usize, usize> = HashMap::new();
    let mut unconvertible = 0;
    for rec in &feed.records {
        assert!(lines.contains(&rec.line), "record line {} is a row of the file", rec.line);
        *yielded.entry(rec.line).or_default() += 1;
        assert!(!rec.agent.is_empty(), "line {}: a record has an agent", rec.line);
        match &rec.value {
            Ok(Target::Set(v)) => {
                assert!(platform.scale().check(*v).is_none(), "line {}: {v} is on the {platform} scale", rec.line)
            }
            Ok(Target::Remove) => {}
            Err(message) => {
                unconvertible += 1;
                let p = RowProblem {
                    line: rec.line,
                    code: String::new(),
                    column: rec.value_column.to_string(),
                    message: message.clone(),
                };
                check_message(&p, "an unconvertible value");
            }
        }
    }
    for p in &feed.problems {
        assert!(lines.contains(&p.line), "problem line {} is a row of the file", p.line);
        *yielded.entry(p.line).or_default() += 1;
        check_message(p, "a row problem");
    }
    assert_eq!(problems.len(), feed.problems.len() + unconvertible, "diagnose lists every problem once");
    assert!(problems.windows(2).all(|w| w[0].line <= w[1].line), "diagnose is ordered by line");
    let Some((layout, effective)) = layout(table, mapping) else { return };
    for row in table.rows() {
        let n = yielded.get(&row.line).copied().unwrap_or(0);
        match layout {
            Layout::Long => assert_eq!(n, 1, "line {}: a long row yields one record or one problem", row.line),
            Layout::Wide if n == 0 => {
                for name in &effective.columns.skill_columns {
                    let cell = column(table, name).and_then(|i| row.cell(i)).map_or("", cleaned);
                    assert!(cell.is_empty(), "line {}: the '{name}' cell {cell:?} was lost", row.line);
                }
            }
            Layout::Packed if n == 0 => {
                let name = effective.columns.skill_pairs.as_deref().unwrap_or_default();
                let text = column(table, name).and_then(|i| row.cell(i)).map_or("", cleaned);
                let semi = text.contains([';', '|']);
                let mut pieces = text.split(|c| if semi { c == ';' || c == '|' } else { c == ',' });
                assert!(pieces.all(|p| p.trim().is_empty()), "line {}: the pairs {text:?} were lost", row.line);
            }
            _ => {}
        }
    }
}

fn check_plan(table: &Table, feed: &Feed, plan: &Plan, options: &PlanOptions, platform: PlatformKind) {
    let lines: HashSet<usize> = table.rows().map(|r| r.line).collect();
    let unlisted = plan.rows.iter().filter(|r| r.line == 0).count();
    assert!(unlisted == 0 || options.remove_unlisted, "a row without a line only in the removal mode");
    assert_eq!(
        plan.rows.len(),
        feed.records.len() + feed.problems.len() + unlisted,
        "plan rows are the records, the problems and the unlisted removals"
    );
    assert!(plan.rows.windows(2).all(|w| w[0].line <= w[1].line), "plan rows are ordered by line");
    let s = plan.summary;
    assert_eq!(s.rows, plan.rows.len(), "the summary counts every row");
    assert_eq!(s.add + s.update + s.remove + s.unchanged + s.invalid, s.rows, "the summary adds up");
    let mut acting = 0;
    for r in &plan.rows {
        if r.line == 0 {
            assert_eq!(r.action, Action::Remove, "an unlisted skill is removed");
        } else {
            assert!(lines.contains(&r.line), "plan line {} is a row of the file", r.line);
        }
        if let Some(v) = r.requested {
            assert!(v.is_finite(), "line {}: requested {v}", r.line);
        }
        match r.action {
            Action::Invalid => {
                let p = r.problem.as_ref().unwrap_or_else(|| panic!("line {}: invalid without a reason", r.line));
                assert!(!p.message.trim().is_empty(), "line {}: an empty reason", r.line);
                assert_eq!(p.line, r.line, "a row's problem is about its own line");
                assert!(
                    p.message.contains(&format!("line {}", p.line)),
                    "{} names its row: {}",
                    p.code,
                    short(&p.message)
                );
                assert!(!p.column.is_empty(), "{} names its column: {}", p.code, short(&p.message));
            }
            Action::Add | Action::Update | Action::Remove => {
                acting += 1;
                assert!(r.agent_id.is_some() && r.skill_id.is_some(), "line {}: a change names its ids", r.line);
            }
            Action::Unchanged => {}
        }
    }
    assert_eq!(acting, plan.changes.len(), "one change per acting row");
    let mut pairs = HashSet::new();
    for c in &plan.changes {
        assert!(pairs.insert((&c.agent_id, &c.skill_id)), "one change per pair: {} {}", c.agent_id, c.skill_id);
        match c.target {
            Target::Set(v) => {
                assert!(platform.scale().check(v).is_none(), "a change to {v} is off the {platform} scale")
            }
            Target::Remove => assert!(options.allow_remove || options.remove_unlisted, "a removal was confirmed"),
        }
        if c.lines.is_empty() {
            assert!(
                options.remove_unlisted && c.target == Target::Remove,
                "a change without a line is an unlisted removal"
            );
        }
        for line in &c.lines {
            let backed = plan.rows.iter().any(|r| {
                r.line == *line
                    && r.action != Action::Invalid
                    && r.agent_id.as_ref() == Some(&c.agent_id)
                    && r.skill_id.as_ref() == Some(&c.skill_id)
            });
            assert!(backed, "line {line} of a change is a valid row for its pair");
        }
    }
}

fn short(text: &str) -> &str {
    match text.char_indices().nth(200) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}
