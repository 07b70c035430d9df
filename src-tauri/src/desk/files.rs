//! Which files the window may read or write: only those the user chose in a dialog or dropped on
//! the window (both recorded here by Rust, never by the page), and the folders the app owns (the
//! sample, the runs' reports and undo files). A path the page names by itself is refused with
//! `path.not_chosen`, so a compromised page cannot read or overwrite the user's files.

use super::Desk;
use crate::dto::FilePurpose;
use crate::error::{codes, UiError, UiResult};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The paths the user has handed to the app in this session.
#[derive(Debug, Default)]
pub struct Chosen {
    read: HashSet<PathBuf>,
    write: HashSet<PathBuf>,
}

impl FilePurpose {
    /// A save dialog (the app writes there) or an open dialog (the app reads it).
    pub fn writes(self) -> bool {
        matches!(self, FilePurpose::Export | FilePurpose::Report | FilePurpose::Plan)
    }
}

fn refuse(path: &Path, what: &str) -> UiError {
    UiError::new(
        codes::PATH_NOT_CHOSEN,
        format!(
            "{} was not chosen by you: the app {what} only files picked in its dialog or dropped on the window",
            path.display()
        ),
    )
}

impl Desk {
    /// Records a file the user picked in an open dialog or dropped on the window.
    pub fn grant_read(&self, path: PathBuf) -> PathBuf {
        self.chosen.lock().read.insert(path.clone());
        path
    }

    /// Records where the user chose, in a save dialog, to have a file written.
    pub fn grant_write(&self, path: PathBuf) -> PathBuf {
        self.chosen.lock().write.insert(path.clone());
        path
    }

    /// Records a dialog's answer for its purpose.
    pub fn grant(&self, purpose: FilePurpose, path: PathBuf) -> PathBuf {
        if purpose.writes() {
            self.grant_write(path)
        } else {
            self.grant_read(path)
        }
    }

    pub(super) fn check_read(&self, path: &Path) -> UiResult<()> {
        if self.chosen.lock().read.contains(path) {
            Ok(())
        } else {
            Err(refuse(path, "opens"))
        }
    }

    pub(super) fn check_write(&self, path: &Path) -> UiResult<()> {
        if self.chosen.lock().write.contains(path) {
            Ok(())
        } else {
            Err(refuse(path, "writes"))
        }
    }
}
