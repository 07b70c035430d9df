//! The IPC surface: one line per command into `Desk`. Argument names stay snake_case as in
//! `docs/app.md`; progress goes through a `Channel` (events are not for throughput). Commands
//! that read files or walk rows run off the main thread (`async`), so the window never stalls.

use crate::desk::Desk;
use crate::dto::*;
use crate::error::UiResult;
use skillsync_core::Events;
use std::path::PathBuf;
use tauri::ipc::{Channel, Invoke};
use tauri::{AppHandle, Runtime, State};

/// The engine's events, forwarded to the window. A closed window drops them.
fn forward(channel: Channel<ProgressEvent>) -> Events {
    Events::new(move |e| {
        let _ = channel.send(ProgressEvent::from(e));
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_profiles(desk: State<'_, Desk>) -> UiResult<Vec<ProfileView>> {
    desk.list_profiles().await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn test_connection(desk: State<'_, Desk>, input: ProfileInput) -> UiResult<ConnectionCheck> {
    desk.test_connection(&input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_profile(desk: State<'_, Desk>, input: ProfileInput) -> UiResult<ProfileView> {
    desk.save_profile(&input).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn test_profile(desk: State<'_, Desk>, name: String) -> UiResult<ConnectionCheck> {
    desk.test_profile(&name).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn remove_profile(desk: State<'_, Desk>, name: String) -> UiResult<bool> {
    desk.remove_profile(&name)
}

/// Opens the dialog for `purpose` from Rust and records the answer as chosen by the user: the
/// only way a path the page names becomes one the app reads or writes (besides a drop).
#[tauri::command(rename_all = "snake_case")]
pub async fn choose_file<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    purpose: FilePurpose,
) -> UiResult<Option<String>> {
    Ok(crate::dialogs::choose(&app, purpose).await.map(|p| desk.grant(purpose, p).display().to_string()))
}

#[tauri::command(rename_all = "snake_case")]
pub fn about(desk: State<'_, Desk>) -> About {
    desk.about()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn open_feed(desk: State<'_, Desk>, path: PathBuf) -> UiResult<FeedView> {
    desk.open_feed(&path)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn open_sample(desk: State<'_, Desk>, platform: Option<Platform>) -> UiResult<FeedView> {
    desk.open_sample(platform)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn export_assignments(
    desk: State<'_, Desk>,
    profile: String,
    path: PathBuf,
    layout: String,
) -> UiResult<FeedView> {
    desk.export_assignments(&profile, &path, &layout).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn preview_mapping(desk: State<'_, Desk>, mapping: MappingInput, platform: Platform) -> UiResult<MappingPreview> {
    desk.preview_mapping(&mapping, platform)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn list_templates(desk: State<'_, Desk>) -> UiResult<Vec<String>> {
    desk.list_templates()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn save_template(desk: State<'_, Desk>, name: String, mapping: MappingInput) -> UiResult<String> {
    desk.save_template(&name, &mapping)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn load_template(desk: State<'_, Desk>, name: String) -> UiResult<MappingInput> {
    desk.load_template(&name)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn plan(
    desk: State<'_, Desk>,
    profile: String,
    mapping: MappingInput,
    options: PlanOptionsInput,
    events: Channel<ProgressEvent>,
) -> UiResult<PlanView> {
    desk.plan(&profile, &mapping, options, forward(events)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn replan(desk: State<'_, Desk>, mapping: MappingInput) -> UiResult<PlanView> {
    desk.replan(&mapping).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn plan_rows(desk: State<'_, Desk>, query: RowQuery) -> UiResult<PlanRowPage> {
    desk.plan_rows(&query)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn apply(desk: State<'_, Desk>, options: ApplyInput, events: Channel<ProgressEvent>) -> UiResult<RunView> {
    desk.apply(options, forward(events)).await
}

#[tauri::command(rename_all = "snake_case")]
pub fn pause_run(desk: State<'_, Desk>) {
    desk.pause_run()
}

#[tauri::command(rename_all = "snake_case")]
pub fn resume_run(desk: State<'_, Desk>) {
    desk.resume_run()
}

#[tauri::command(rename_all = "snake_case")]
pub fn cancel_run(desk: State<'_, Desk>) {
    desk.cancel_run()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn run_rows(desk: State<'_, Desk>, query: RowQuery) -> UiResult<RunRowPage> {
    desk.run_rows(&query)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn save_report(desk: State<'_, Desk>, path: PathBuf) -> UiResult<Vec<String>> {
    desk.save_report(&path)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn history(desk: State<'_, Desk>) -> UiResult<Vec<HistoryEntry>> {
    desk.history()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn open_report(desk: State<'_, Desk>, run_id: String, file: String) -> UiResult<()> {
    desk.open_report(&run_id, &file)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn open_undo(desk: State<'_, Desk>, run_id: String) -> UiResult<FeedView> {
    desk.open_undo(&run_id)
}

/// Every command above; `build.rs` lists the same names for their permissions.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        about,
        choose_file,
        list_profiles,
        test_connection,
        save_profile,
        test_profile,
        remove_profile,
        open_feed,
        open_sample,
        export_assignments,
        preview_mapping,
        list_templates,
        save_template,
        load_template,
        plan,
        replan,
        plan_rows,
        apply,
        pause_run,
        resume_run,
        cancel_run,
        run_rows,
        save_report,
        history,
        open_report,
        open_undo,
    ]
}
