//! Skillsync's desktop app: the engine's job one screen per step, over the same core as the CLI.
//! `app` is generic over the runtime so tests build it with `tauri::test::mock_builder()`.

pub mod commands;
pub mod desk;
pub mod dialogs;
pub mod dto;
pub mod error;

use desk::{Desk, Paths};
use skillsync_core::profile::Keychain;
use std::sync::Arc;
use tauri::{Manager, Runtime};

/// Files dropped on the window count as chosen by the user: recorded here, from the native
/// event, before the page hears of the drop and asks to open them.
fn record_drop<R: Runtime>(app: &tauri::AppHandle<R>, event: &tauri::DragDropEvent) {
    if let tauri::DragDropEvent::Drop { paths, .. } = event {
        let desk = app.state::<Desk>();
        for p in paths {
            desk.grant_read(p.clone());
        }
    }
}

/// The app on any runtime: the dialog plugin (used from Rust only), the desk as state, the
/// commands, drops recorded as the user's choice, and a close that never cuts a run short (see
/// `Desk::stop_for_close`).
pub fn app<R: Runtime>(builder: tauri::Builder<R>, desk: Desk) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(desk)
        .invoke_handler(commands::handler())
        .on_webview_event(|webview, event| {
            if let tauri::WebviewEvent::DragDrop(drop) = event {
                record_drop(webview.app_handle(), drop);
            }
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(drop) = event {
                record_drop(window.app_handle(), drop);
            }
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.state::<Desk>().stop_for_close() {
                    api.prevent_close();
                    let window = window.clone();
                    tauri::async_runtime::spawn(async move {
                        window.state::<Desk>().wait_idle().await;
                        if let Err(e) = window.destroy() {
                            tracing::warn!("closing the window after the run: {e}");
                        }
                    });
                }
            }
        })
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SKILLSYNC_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let paths = match Paths::from_env() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!("{e}");
            std::process::exit(2);
        }
    };
    tracing::info!(config = %paths.config.display(), data = %paths.data.display(), "starting");
    let desk = Desk::new(paths, Arc::new(Keychain));
    if let Err(e) = app(tauri::Builder::default(), desk).run(tauri::generate_context!()) {
        tracing::error!("the window could not start: {e}");
        std::process::exit(1);
    }
}
