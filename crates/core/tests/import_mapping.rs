//! The feeds WFM tools really write — every encoding, delimiter and layout in `tests/fixtures/` —
//! come out of import and mapping as the same platform requests, and the mapping file behaves as
//! the SPEC's CLI contract says.

use skillsync_core::import::{read_bytes, read_path, Table};
use skillsync_core::mapping::{Layout, Mapping, ScaleMap};
use skillsync_core::{AgentKey, Feed, PlatformKind, Target};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

fn table(name: &str) -> Table {
    read_path(&fixture(name)).unwrap_or_else(|e| panic!("{name} reads: {e}"))
}

fn detected_feed(name: &str, platform: PlatformKind) -> Feed {
    let table = table(name);
    let mapping = Mapping::detect(&table).unwrap_or_else(|e| panic!("{name} detects: {e}"));
    mapping.check(&table, platform).unwrap_or_else(|e| panic!("{name} checks: {e}"));
    mapping.apply(&table, platform)
}

/// (line, agent, skill, value) of every record, for compact assertions.
fn requests(feed: &Feed) -> Vec<(usize, String, String, Result<Target, String>)> {
    feed.records.iter().map(|r| (r.line, r.agent.to_string(), r.skill.to_string(), r.value.clone())).collect()
}

fn set(line: usize, agent: &str, skill: &str, v: f64) -> (usize, String, String, Result<Target, String>) {
    (line, agent.into(), skill.into(), Ok(Target::Set(v)))
}

#[test]
fn every_encoding_and_delimiter_yields_the_same_requests() {
    let cases = [
        ("encoding_utf8.csv", "UTF-8", b','),
        ("encoding_utf8_bom_crlf.csv", "UTF-8 (BOM)", b';'),
        ("encoding_utf16le_bom.txt", "UTF-16LE", b'\t'),
        ("encoding_utf16be_bom.txt", "UTF-16BE", b'\t'),
        ("encoding_utf16le_nobom.txt", "UTF-16LE", b'\t'),
        ("encoding_windows1252.csv", "windows-1252", b';'),
        ("encoding_pipe.csv", "UTF-8", b'|'),
    ];
    let want = vec![
        set(2, "ana.garcia@example.com", "Billing - Español", 4.0),
        set(3, "zoe.muller@example.com", "Billing - English", 3.0),
        set(4, "francois.leduc@example.com", "Ventes", 5.0),
    ];
    for (name, encoding, delimiter) in cases {
        let t = table(name);
        assert_eq!(t.encoding, encoding, "{name}: encoding");
        assert_eq!(t.delimiter, delimiter, "{name}: delimiter");
        assert_eq!(t.headers, vec!["email", "name", "skill", "proficiency"], "{name}: headers without BOM");
        assert_eq!(t.row(1).cell(1), Some("Zoë Müller"), "{name}: accents survive decoding");
        let feed = detected_feed(name, PlatformKind::Genesys);
        assert_eq!(feed.agent_key, AgentKey::Email, "{name}: email preferred over name");
        assert_eq!(requests(&feed), want, "{name}: requests");
        assert!(feed.problems.is_empty(), "{name}: no problems, got {:?}", feed.problems);
    }
}

#[test]
fn long_feed_passes_numbers_on_the_scale_through() {
    let feed = detected_feed("long.csv", PlatformKind::Genesys);
    assert_eq!(
        requests(&feed),
        vec![
            set(2, "ana.garcia@example.com", "Billing - English", 4.0),
            set(3, "ana.garcia@example.com", "Sales", 2.5),
            set(4, "zoe.muller@example.com", "Billing - English", 5.0),
            set(5, "francois.leduc@example.com", "Chat", 0.0),
        ]
    );
    assert!(feed.records.iter().all(|r| r.value_column == "proficiency"), "value column named");
}

#[test]
fn wide_feed_makes_one_request_per_filled_skill_cell() {
    let t = table("wide.csv");
    let mapping = Mapping::detect(&t).expect("detects");
    assert_eq!(mapping.columns.layout, Layout::Wide);
    assert_eq!(mapping.columns.skill_columns, vec!["Billing - English", "Sales", "Chat"], "Team is no skill");
    let feed = mapping.apply(&t, PlatformKind::Genesys);
    assert_eq!(
        requests(&feed),
        vec![
            set(2, "ana.garcia@example.com", "Billing - English", 4.0),
            set(2, "ana.garcia@example.com", "Chat", 1.0),
            set(3, "zoe.muller@example.com", "Sales", 3.5),
            set(4, "francois.leduc@example.com", "Billing - English", 5.0),
            set(4, "francois.leduc@example.com", "Sales", 2.0),
            set(4, "francois.leduc@example.com", "Chat", 0.0),
        ],
        "empty cells mean no change"
    );
    let chat = feed.records.iter().find(|r| r.skill == "Chat").expect("a Chat record");
    assert_eq!(chat.value_column, "Chat", "the value column is the skill's header");
}

#[test]
fn packed_feed_splits_pairs_on_the_last_colon() {
    let t = table("packed.csv");
    let mapping = Mapping::detect(&t).expect("detects");
    assert_eq!(mapping.columns.layout, Layout::Packed);
    assert_eq!(mapping.columns.skill_pairs.as_deref(), Some("skills"));
    let feed = mapping.apply(&t, PlatformKind::Genesys);
    assert_eq!(
        requests(&feed),
        vec![
            set(2, "ana.garcia@example.com", "Billing - English", 4.0),
            set(2, "ana.garcia@example.com", "Sales", 2.5),
            set(3, "zoe.muller@example.com", "Queue: Priority", 5.0),
            set(3, "zoe.muller@example.com", "Chat", 3.0),
        ],
        "a skill name may hold a colon; an empty cell asks for nothing"
    );
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
}

#[test]
fn decimal_comma_feed_reads_four_comma_five_as_four_point_five() {
    let t = table("decimal_comma.csv");
    assert!(t.decimal_comma, "detected");
    assert_eq!(t.row(0).line, 2, "CRLF lines");
    let feed = detected_feed("decimal_comma.csv", PlatformKind::Genesys);
    let values: Vec<_> = feed.records.iter().map(|r| r.value.clone()).collect();
    assert_eq!(values, vec![Ok(Target::Set(4.5)), Ok(Target::Set(3.0)), Ok(Target::Set(0.5))]);
    assert_eq!(feed.agent_key, AgentKey::Email, "an 'Agent' column of emails is keyed by email");
}

#[test]
fn quoted_fields_keep_delimiters_newlines_and_quotes() {
    let t = table("quoted_crlf.csv");
    let lines: Vec<usize> = t.rows().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 4, 6], "a blank line and an embedded CRLF both count as lines");
    let feed = detected_feed("quoted_crlf.csv", PlatformKind::Genesys);
    let skills: Vec<&str> = feed.records.iter().map(|r| r.skill.as_str()).collect();
    assert_eq!(skills, vec!["Billing, West", "Sales\r\nEMEA", "The \"Gold\" queue"]);
}

#[test]
fn value_map_turns_words_letters_and_percentages_into_platform_values() {
    let t = table("words.csv");
    let mapping = Mapping::load(&fixture("mapping_values.toml")).expect("mapping loads");
    mapping.check(&t, PlatformKind::Genesys).expect("targets are on Genesys' scale");
    let values: Vec<_> = mapping.apply(&t, PlatformKind::Genesys).records.into_iter().map(|r| r.value).collect();
    let want = [5.0, 4.0, 4.25, 3.0, 3.0].map(|v| Ok(Target::Set(v)));
    assert_eq!(values, want, "Expert, b (case-insensitive), 85%, ' intermediate ' (trimmed), 3 (number)");
}

#[test]
fn words_without_a_value_map_are_row_problems_naming_the_fix() {
    let feed = detected_feed("words.csv", PlatformKind::Genesys);
    let expert = &feed.records[0];
    let message = expert.value.clone().expect_err("Expert needs a mapping");
    assert!(message.starts_with("line 2, column 'rating':"), "{message}");
    assert!(message.contains("add it to [values] in the mapping file, e.g. \"Expert\" = 5"), "{message}");
    assert_eq!(feed.records[4].value, Ok(Target::Set(3.0)), "numbers still pass");
}

#[test]
fn inverted_scale_maps_one_to_five_onto_cxone() {
    let t = table("cxone_1to5.csv");
    let mapping = Mapping::load(&fixture("mapping_cxone_scale.toml")).expect("mapping loads");
    assert_eq!(mapping.scale, Some(ScaleMap { from: [1.0, 5.0], to: [20.0, 1.0] }));
    mapping.check(&t, PlatformKind::Cxone).expect("20 and 1 are on CXone's scale");
    let feed = mapping.apply(&t, PlatformKind::Cxone);
    assert_eq!(feed.agent_key, AgentKey::Username);
    let values: Vec<_> = feed.records.iter().map(|r| r.value.clone()).collect();
    let want = [1.0, 20.0, 11.0, 6.0].map(|v| Ok(Target::Set(v)));
    assert_eq!(values, want, "5 is best (1), 1 is worst (20), 3 → 10.5 → 11, 4 → 5.75 → 6");
}

#[test]
fn undo_file_detects_ids_and_explicit_removals() {
    let t = table("undo.csv");
    let mapping = Mapping::detect(&t).expect("detects");
    assert_eq!(mapping.columns.agent.as_deref(), Some("agent_id"));
    assert_eq!(mapping.columns.agent_key, Some(AgentKey::Id));
    assert_eq!(mapping.columns.skill.as_deref(), Some("skill_id"));
    let feed = mapping.apply(&t, PlatformKind::Genesys);
    let values: Vec<_> = feed.records.iter().map(|r| r.value.clone()).collect();
    assert_eq!(values, vec![Ok(Target::Set(3.0)), Ok(Target::Remove), Ok(Target::Remove)]);
}

#[test]
fn detected_mapping_saves_and_reloads_as_toml() {
    for name in ["long.csv", "wide.csv", "packed.csv", "undo.csv"] {
        let mapping = Mapping::detect(&table(name)).expect("detects");
        let text = mapping.to_toml();
        assert_eq!(Mapping::from_toml(&text).expect("reloads"), mapping, "{name}:\n{text}");
    }
}

#[test]
fn a_mapping_with_only_values_detects_its_columns() {
    let mapping = Mapping::from_toml("[values]\nExpert = 5\nIntermediate = 3\n").expect("parses");
    let t = table("words.csv");
    mapping.check(&t, PlatformKind::Genesys).expect("columns detected from the header");
    let feed = mapping.apply(&t, PlatformKind::Genesys);
    assert_eq!(feed.records[0].value, Ok(Target::Set(5.0)));
}

#[test]
fn check_refuses_targets_off_the_platform_scale() {
    let t = table("long.csv");
    let cases = [
        ("[values]\nExpert = 5\n", PlatformKind::Cxone, None),
        ("[values]\nExpert = 25\n", PlatformKind::Cxone, Some("[values] \"Expert\" = 25")),
        ("[values]\nExpert = 2.5\n", PlatformKind::Cxone, Some("not a whole number")),
        ("[values]\nExpert = 6\n", PlatformKind::Genesys, Some("outside")),
        ("[scale]\nfrom = [1, 5]\nto = [0, 5]\n", PlatformKind::Cxone, Some("to = [20, 1]")),
        ("[scale]\nfrom = [3, 3]\nto = [0, 5]\n", PlatformKind::Genesys, Some("two different numbers")),
    ];
    for (toml, platform, problem) in cases {
        let result = Mapping::from_toml(toml).expect("parses").check(&t, platform);
        match problem {
            None => assert!(result.is_ok(), "{toml} on {platform}: {result:?}"),
            Some(words) => {
                let err = result.expect_err(toml);
                assert_eq!(err.code(), "config.invalid", "{toml}");
                assert!(err.to_string().contains(words), "{toml}: {err}");
            }
        }
    }
}

#[test]
fn check_names_a_missing_column_and_the_headers_seen() {
    let mapping =
        Mapping::from_toml("[columns]\nagent = \"Agent Email\"\nskill = \"skill\"\nproficiency = \"level\"\n")
            .expect("parses");
    let err = mapping.check(&table("long.csv"), PlatformKind::Genesys).expect_err("no such column");
    assert_eq!(err.code(), "input.invalid");
    let text = err.to_string();
    assert!(text.contains("'Agent Email'") && text.contains("email, skill, proficiency"), "{text}");
}

#[test]
fn columns_match_case_insensitively_after_trimming() {
    let mapping =
        Mapping::from_toml("[columns]\nagent = \" EMAIL \"\nskill = \"Skill\"\nproficiency = \"PROFICIENCY\"\n")
            .expect("parses");
    let t = table("long.csv");
    mapping.check(&t, PlatformKind::Genesys).expect("found");
    assert_eq!(mapping.apply(&t, PlatformKind::Genesys).records.len(), 4);
}

#[test]
fn detect_says_which_column_is_missing_and_what_it_saw() {
    let t = read_bytes(b"Team,Site\nNorth,Paris\n").expect("reads");
    let err = Mapping::detect(&t).expect_err("no agent column");
    assert_eq!(err.code(), "input.invalid");
    assert!(err.to_string().contains("no agent column") && err.to_string().contains("Team, Site"), "{err}");
    let t = read_bytes(b"email,skill\na@x.com,Billing\n").expect("reads");
    let err = Mapping::detect(&t).expect_err("no proficiency column");
    assert!(err.to_string().contains("no proficiency column"), "{err}");
}

#[test]
fn load_reports_the_file_and_line_of_a_toml_mistake() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[columns]\nagent = \"email\"\nlayout = \"diagonal\"\n").expect("write");
    let err = Mapping::load(&path).expect_err("unknown layout");
    assert_eq!(err.code(), "config.invalid");
    let text = err.to_string();
    assert!(text.contains("bad.toml") && text.contains("line 3"), "{text}");
}

#[test]
fn distinct_values_count_case_insensitively_numbers_first() {
    let t = table("words.csv");
    let mapping = Mapping::detect(&t).expect("detects");
    let got = mapping.distinct_values(&t);
    let want: Vec<(String, usize)> =
        [("3", 1), ("85%", 1), ("b", 1), ("Expert", 1), ("intermediate", 1)].map(|(v, n)| (v.into(), n)).into();
    assert_eq!(got, want);
    let wide = table("wide.csv");
    let counts = Mapping::detect(&wide).expect("detects").distinct_values(&wide);
    assert_eq!(counts.first(), Some(&("0".to_string(), 1)), "{counts:?}");
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<usize>(), 6, "one per filled skill cell: {counts:?}");
}

#[test]
fn a_hundred_thousand_row_feed_parses_and_maps_completely() {
    let mut csv = String::from("email,skill,proficiency\n");
    for i in 0..100_000 {
        csv.push_str(&format!("agent{}@example.com,Skill {},{}\n", i % 20_000, i % 300, i % 6));
    }
    let t = read_bytes(csv.as_bytes()).expect("reads");
    let feed = Mapping::detect(&t).expect("detects").apply(&t, PlatformKind::Genesys);
    assert_eq!(feed.records.len(), 100_000);
    assert_eq!(feed.records[99_999].line, 100_001, "last line number");
    assert!(feed.records.iter().all(|r| r.value.is_ok()), "every value on the scale");
}
