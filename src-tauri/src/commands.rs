//! The IPC surface: one line per command into `Desk`. Argument names stay snake_case as in
//! `docs/app.md`; progress goes through a `Channel` (events are not for throughput). Commands
//! that read files or walk rows run on blocking threads (`blocking`), so neither the window nor a
//! run's calls ever stall.

use crate::desk::Desk;
use crate::dto::*;
use crate::error::UiResult;
use skillsync_core::Events;
use std::path::PathBuf;
use tauri::ipc::{Channel, Invoke};
use tauri::{AppHandle, Manager, Runtime, State};

/// Runs `f` with the app's `Desk` on a blocking thread: file reads, parsing, keychain calls and
/// walks over many rows never stall the async workers that carry the window's other commands and a
/// run's calls. (A plain command marked `async` runs its body on those workers.)
async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&Desk) -> UiResult<T> + Send + 'static,
) -> UiResult<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<Desk>()))
        .await
        .map_err(|e| skillsync_core::Error::Input(format!("the background task stopped: {e}")))?
}

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

#[tauri::command(rename_all = "snake_case")]
pub async fn remove_profile<R: Runtime>(app: AppHandle<R>, name: String) -> UiResult<bool> {
    blocking(app, move |desk| desk.remove_profile(&name)).await
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

#[tauri::command(rename_all = "snake_case")]
pub async fn open_feed<R: Runtime>(app: AppHandle<R>, path: PathBuf, sheet: Option<String>) -> UiResult<FeedView> {
    blocking(app, move |desk| desk.open_feed_sheet(&path, sheet.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_sample<R: Runtime>(app: AppHandle<R>, platform: Option<Platform>) -> UiResult<FeedView> {
    blocking(app, move |desk| desk.open_sample(platform)).await
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

#[tauri::command(rename_all = "snake_case")]
pub async fn preview_mapping<R: Runtime>(
    app: AppHandle<R>,
    mapping: MappingInput,
    platform: Platform,
) -> UiResult<MappingPreview> {
    blocking(app, move |desk| desk.preview_mapping(&mapping, platform)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_templates<R: Runtime>(app: AppHandle<R>) -> UiResult<Vec<String>> {
    blocking(app, move |desk| desk.list_templates()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_template<R: Runtime>(app: AppHandle<R>, name: String, mapping: MappingInput) -> UiResult<String> {
    blocking(app, move |desk| desk.save_template(&name, &mapping)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn load_template<R: Runtime>(app: AppHandle<R>, name: String) -> UiResult<MappingInput> {
    blocking(app, move |desk| desk.load_template(&name)).await
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

#[tauri::command(rename_all = "snake_case")]
pub async fn plan_rows<R: Runtime>(app: AppHandle<R>, query: RowQuery) -> UiResult<PlanRowPage> {
    blocking(app, move |desk| desk.plan_rows(&query)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_plan(desk: State<'_, Desk>, path: PathBuf) -> UiResult<String> {
    desk.save_plan(&path).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_approved_plan(desk: State<'_, Desk>, profile: String, path: PathBuf) -> UiResult<PlanView> {
    desk.open_approved_plan(&profile, &path).await
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

#[tauri::command(rename_all = "snake_case")]
pub async fn run_rows<R: Runtime>(app: AppHandle<R>, query: RowQuery) -> UiResult<RunRowPage> {
    blocking(app, move |desk| desk.run_rows(&query)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_report<R: Runtime>(app: AppHandle<R>, path: PathBuf) -> UiResult<Vec<String>> {
    blocking(app, move |desk| desk.save_report(&path)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn history<R: Runtime>(app: AppHandle<R>) -> UiResult<Vec<HistoryEntry>> {
    blocking(app, move |desk| desk.history()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_report<R: Runtime>(app: AppHandle<R>, run_id: String, file: String) -> UiResult<()> {
    blocking(app, move |desk| desk.open_report(&run_id, &file)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_undo<R: Runtime>(app: AppHandle<R>, run_id: String) -> UiResult<FeedView> {
    blocking(app, move |desk| desk.open_undo(&run_id)).await
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
        save_plan,
        open_approved_plan,
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
