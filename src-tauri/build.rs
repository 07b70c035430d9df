//! Tauri's build step, with the app's commands listed so each gets an `allow-…` permission and
//! the capability file can grant exactly those (an unlisted command is refused at runtime).

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(skillsync_commands::ALL);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build step");
}

/// Kept in step with `src/commands.rs`' `generate_handler!` list (a test checks both).
mod skillsync_commands {
    pub const ALL: &[&str] = &[
        "about",
        "choose_file",
        "list_profiles",
        "test_connection",
        "save_profile",
        "test_profile",
        "remove_profile",
        "open_feed",
        "open_sample",
        "export_assignments",
        "preview_mapping",
        "list_templates",
        "save_template",
        "load_template",
        "plan",
        "replan",
        "plan_rows",
        "save_plan",
        "open_approved_plan",
        "apply",
        "pause_run",
        "resume_run",
        "cancel_run",
        "run_rows",
        "save_report",
        "history",
        "open_report",
        "open_undo",
    ];
}
