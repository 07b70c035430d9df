//! The IPC layer as the window sees it: the real app (its configuration and capability) on
//! Tauri's mock runtime. Commands answer JSON, failures cross as `{code, message}`, and the
//! capability grants Skillsync's commands and nothing the window does not need.

use skillsync_app::desk::{Desk, Paths};
use skillsync_core::profile::MemoryStore;
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;

fn app(dir: &std::path::Path) -> tauri::App<tauri::test::MockRuntime> {
    let paths = Paths { config: dir.join("config"), data: dir.join("data") };
    let desk = Desk::new(paths, Arc::new(MemoryStore::default()));
    skillsync_app::app(mock_builder(), desk).build(tauri::generate_context!()).expect("the app builds")
}

/// The window the capability names (`main`), as tauri.conf.json declares it.
fn window(app: &tauri::App<tauri::test::MockRuntime>) -> tauri::WebviewWindow<tauri::test::MockRuntime> {
    match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(app, "main", Default::default()).build().expect("the main window"),
    }
}

fn call(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|b| b.deserialize::<serde_json::Value>().unwrap())
}

#[test]
fn commands_answer_json_and_failures_carry_a_stable_code() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app);

    let profiles = call(&main, "list_profiles", serde_json::json!({})).expect("list_profiles answers");
    assert_eq!(profiles[0]["name"], "sandbox-genesys", "{profiles}");
    assert_eq!(profiles[0]["builtin"], true);

    // A path the page names by itself is refused; once the user dropped it (recorded in Rust),
    // the same call reads it and says why it cannot.
    let nope = dir.path().join("nope.csv");
    let refused = call(&main, "open_feed", serde_json::json!({"path": nope})).unwrap_err();
    assert_eq!(refused["code"], "path.not_chosen", "{refused}");
    app.state::<Desk>().grant_read(nope.clone());
    let missing = call(&main, "open_feed", serde_json::json!({"path": nope})).unwrap_err();
    assert_eq!(missing["code"], "io.failed", "{missing}");
    assert!(missing["message"].as_str().unwrap().contains("nope.csv"), "the message names the file: {missing}");

    let no_plan = call(
        &main,
        "plan_rows",
        serde_json::json!({"query": {"filter": null, "search": null, "offset": 0, "limit": 10}}),
    )
    .unwrap_err();
    assert_eq!(
        no_plan,
        serde_json::json!({"code": "state.no_plan", "message": "make a plan first: nothing is sent before the plan has been seen"})
    );

    let feed = call(&main, "open_sample", serde_json::json!({"platform": "cxone"})).expect("the sample opens");
    assert_eq!(feed["suggested_platform"], "cxone");
    let preview =
        call(&main, "preview_mapping", serde_json::json!({"mapping": feed["mapping"], "platform": "cxone"})).unwrap();
    assert_eq!(preview["error"], serde_json::Value::Null, "{preview}");
    assert_eq!(preview["scale"]["max"], 20.0);

    let open = call(&main, "open_report", serde_json::json!({"run_id": "nope", "file": "/etc/passwd"})).unwrap_err();
    assert_eq!(open["code"], "input.invalid", "only a run's own reports open: {open}");

    // snake_case argument names, as docs/app.md writes them.
    let undo = call(&main, "open_undo", serde_json::json!({"run_id": "20260101-000000-abcdef"})).unwrap_err();
    assert_eq!(undo["code"], "input.invalid", "{undo}");
}

#[test]
fn the_window_may_not_call_what_it_was_not_granted() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app);
    // No dialog from the page at all: Rust opens them (`choose_file`), so the page never holds a
    // path the user did not pick.
    for cmd in ["plugin:dialog|open", "plugin:dialog|save", "plugin:dialog|message", "plugin:dialog|ask"] {
        let refused = call(&main, cmd, serde_json::json!({"options": {}, "message": "hi"})).unwrap_err();
        assert!(refused.to_string().contains("not allowed"), "{cmd}: {refused}");
    }
    // Nor may it write a report or an export where it likes.
    let refused = call(&main, "save_report", serde_json::json!({"path": dir.path().join("r.html")})).unwrap_err();
    assert_eq!(refused["code"], "state.no_run", "{refused}");
    let target = dir.path().join("x.csv");
    let refused = call(
        &main,
        "export_assignments",
        serde_json::json!({"profile": "sandbox-genesys", "path": target, "layout": "long"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "path.not_chosen", "{refused}");
    assert!(!target.exists(), "nothing was written");
}

/// A build for people has no dialog stand-in: the `e2e` feature that compiles it in is not a
/// default, and the suite turns it on by name.
#[test]
fn the_dialog_stand_in_is_off_by_default() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).expect("manifest");
    let features = manifest.split("[features]").nth(1).and_then(|s| s.split("\n[").next()).unwrap_or("");
    assert!(features.contains("e2e = []"), "the feature exists:\n{features}");
    assert!(!features.lines().any(|l| l.trim_start().starts_with("default")), "and nothing turns it on by default");
    for script in ["main.sh", "package.sh"] {
        let path = format!("{}/../scripts/{script}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("the script");
        assert!(!text.contains("skillsync-app/e2e"), "{script} builds the app for people, without it");
    }
}

/// The dialog's answer (here the stand-in the end-to-end tests use) is what makes a path usable.
#[cfg(feature = "e2e")]
#[test]
fn a_file_chosen_in_the_dialog_opens_and_a_cancelled_dialog_answers_null() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app);
    let feed = dir.path().join("feed.csv");
    std::fs::write(&feed, "email,skill,proficiency\nana.ruiz@example.com,Retention,3\n").unwrap();
    let answer = dir.path().join("answer.txt");
    std::fs::write(&answer, feed.display().to_string()).unwrap();
    std::env::set_var(skillsync_app::dialogs::STANDIN_VAR, &answer);
    let chosen = call(&main, "choose_file", serde_json::json!({"purpose": "feed"})).expect("the dialog answers");
    assert_eq!(chosen, serde_json::json!(feed.display().to_string()));
    let opened = call(&main, "open_feed", serde_json::json!({"path": chosen})).expect("the chosen file opens");
    assert_eq!(opened["rows"], 1, "{opened}");
    std::fs::write(&answer, "").unwrap();
    let cancelled = call(&main, "choose_file", serde_json::json!({"purpose": "export"})).expect("answers");
    assert_eq!(cancelled, serde_json::Value::Null, "a cancelled dialog is null");
    std::env::remove_var(skillsync_app::dialogs::STANDIN_VAR);
    let about = call(&main, "about", serde_json::json!({})).expect("about answers");
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
}

/// The command list lives in three places that must agree: the handler, the permissions of
/// `build.rs`, and the permission set the capability grants (plus the contract in docs/app.md).
#[test]
fn every_command_is_listed_granted_and_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let quoted = |text: &str, start: &str, end: &str| -> Vec<String> {
        let from = text.find(start).unwrap() + start.len();
        let body = &text[from..from + text[from..].find(end).unwrap()];
        body.split('"').skip(1).step_by(2).map(str::to_string).collect()
    };
    let built = quoted(&read("build.rs"), "ALL: &[&str] = &[", "];");
    let granted: Vec<String> = quoted(&read("permissions/skillsync.toml"), "permissions = [", "]")
        .iter()
        .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
        .collect();
    let commands = read("src/commands.rs");
    let handler = &commands[commands.find("generate_handler![").unwrap()..];
    let handled: Vec<String> = handler[18..handler.find(']').unwrap()]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let docs = read("../docs/app.md");
    assert_eq!(built, handled, "build.rs and commands.rs list the same commands");
    assert_eq!(built, granted, "the capability grants every command");
    for c in &built {
        assert!(docs.contains(&format!("`{c}`")), "docs/app.md documents {c}");
    }
}
