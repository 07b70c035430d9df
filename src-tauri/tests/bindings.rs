//! The UI's TypeScript types are generated from the IPC types; this test fails when the committed
//! files in `ui/src/bindings/` drift from the Rust side. `UPDATE_BINDINGS=1` rewrites them.

use skillsync_app::dto::*;
use skillsync_app::error::UiError;
use std::path::PathBuf;
use ts_rs::{Config, TS};

fn generated() -> Vec<(String, String)> {
    let cfg = Config::new().with_large_int("number");
    let mut out = Vec::new();
    macro_rules! each {
        ($($t:ty),* $(,)?) => {$(
            out.push((
                <$t as TS>::name(&cfg),
                <$t as TS>::export_to_string(&cfg).expect(concat!("ts-rs renders ", stringify!($t))),
            ));
        )*};
    }
    each!(
        UiError,
        Platform,
        AgentKey,
        Layout,
        Action,
        Outcome,
        Phase,
        ProfileView,
        ProfileInput,
        Check,
        FilePurpose,
        About,
        ConnectionCheck,
        FeedView,
        Columns,
        ScaleMap,
        MappingInput,
        RenameInput,
        ExcludeInput,
        ExcludedRowInput,
        Scale,
        DistinctValue,
        PreviewRow,
        MappingPreview,
        PlanOptionsInput,
        PlanSummary,
        Estimate,
        UnresolvedName,
        Unresolved,
        PlanView,
        ApprovedPlanView,
        RowQuery,
        PlanRowView,
        PlanRowPage,
        ApplyInput,
        ProgressEvent,
        RequestCounts,
        RunSummary,
        RunView,
        RunRowView,
        RunRowPage,
        HistoryEntry,
    );
    out
}

#[test]
fn bindings_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
    let update = std::env::var_os("UPDATE_BINDINGS").is_some();
    let mut stale = Vec::new();
    for (name, text) in generated() {
        let path = dir.join(format!("{name}.ts"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "ui/src/bindings is out of date for {stale:?}: run `UPDATE_BINDINGS=1 cargo test -p skillsync-app --test bindings`"
    );
}

#[test]
fn large_integers_are_plain_numbers() {
    // Counts and milliseconds never reach 2^53; `bigint` would make every screen convert them.
    let text = generated().into_iter().find(|(n, _)| n == "RunSummary").unwrap().1;
    assert!(text.contains("elapsed_ms: number"), "{text}");
    assert!(!text.contains("bigint"), "{text}");
}
