//! The file dialogs, opened from Rust (the page has no dialog permission): the path the user picks
//! is recorded in the `Desk` as chosen before the page ever sees it, so the page can only hand
//! back a path the user chose. In a build with the `e2e` feature (the test suite's, never a
//! release), `SKILLSYNC_DIALOG_STANDIN` names a file whose content answers every dialog instead
//! (one path; empty for "cancelled"): the end-to-end tests' user, since a native dialog cannot be
//! driven through WebDriver. It is read from the process environment, which the page cannot set.

use crate::dto::FilePurpose;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

pub const STANDIN_VAR: &str = "SKILLSYNC_DIALOG_STANDIN";

/// The stand-in's answer, when the environment names one (builds with the `e2e` feature only).
#[cfg(feature = "e2e")]
fn standin() -> Option<Option<PathBuf>> {
    let file = std::env::var_os(STANDIN_VAR)?;
    let answer = std::fs::read_to_string(&file).unwrap_or_default();
    let answer = answer.trim();
    Some((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

/// Without the `e2e` feature every dialog is the native one, whatever the environment says.
#[cfg(not(feature = "e2e"))]
fn standin() -> Option<Option<PathBuf>> {
    None
}

/// Shows the dialog for `purpose` and returns the user's choice (`None`: cancelled).
pub async fn choose<R: Runtime>(app: &AppHandle<R>, purpose: FilePurpose) -> Option<PathBuf> {
    if let Some(answer) = standin() {
        return answer;
    }
    let mut dialog = app.dialog().file();
    dialog = match purpose {
        FilePurpose::Feed => dialog
            .set_title("Open a skills feed")
            .add_filter("CSV, text or workbook", &["csv", "txt", "tsv", "xlsx", "xls", "ods"])
            .add_filter("All files", &["*"]),
        FilePurpose::CaFile => dialog
            .set_title("Choose the company's root CA (PEM)")
            .add_filter("PEM certificate", &["pem", "crt", "cer"])
            .add_filter("All files", &["*"]),
        FilePurpose::Export => {
            dialog.set_title("Save today’s assignments as").set_file_name("assignments.csv").add_filter("CSV", &["csv"])
        }
        FilePurpose::Report => dialog
            .set_title("Save the report as")
            .set_file_name("skillsync-report.html")
            .add_filter("HTML, CSV or JSON", &["html", "csv", "json"]),
        FilePurpose::Plan => dialog
            .set_title("Save the plan for approval as")
            .set_file_name("skillsync-plan.json")
            .add_filter("Skillsync plan (JSON)", &["json"]),
        FilePurpose::ApprovedPlan => dialog
            .set_title("Open an approved plan")
            .add_filter("Skillsync plan (JSON)", &["json"])
            .add_filter("All files", &["*"]),
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let answer = move |p: Option<tauri_plugin_dialog::FilePath>| {
        let _ = tx.send(p.and_then(|p| p.into_path().ok()));
    };
    if purpose.writes() {
        dialog.save_file(answer);
    } else {
        dialog.pick_file(answer);
    }
    rx.await.ok().flatten()
}
