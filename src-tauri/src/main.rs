//! The desktop app's entry point; everything lives in the library so tests can build it too.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    skillsync_app::run();
}
