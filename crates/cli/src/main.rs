//! `skillsync`: the command line over the engine, for nightly runs and scripts. Argument parsing,
//! prompts and printing only; the work is `skillsync_core::job`. Exit codes follow the SPEC:
//! 0 done, 1 some rows failed, 2 invalid input or configuration, 3 authentication or connection
//! (an untrusted certificate or a proxy failure included), 4 a saved plan no longer matches.

mod approved;
mod args;
mod connect;
mod print;
mod profile_cmd;
mod run;
mod sandbox_cmd;

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_logging(cli.verbose);
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let code = rt.block_on(async move {
        match cli.command {
            args::Command::Plan(a) => {
                let conn = a.conn.clone();
                connect::explained(run::plan(a).await, &conn).await
            }
            args::Command::Apply(a) => {
                let conn = a.conn.clone();
                connect::explained(run::apply(a).await, &conn).await
            }
            args::Command::Export(a) => {
                let conn = a.conn.clone();
                connect::explained(run::export(a).await, &conn).await
            }
            args::Command::Sandbox(a) => sandbox_cmd::run(a).await,
            args::Command::Profile(a) => profile_cmd::run(a).await,
        }
    });
    let code = match code {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            e.exit_code()
        }
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}

/// Logs go to stderr, never stdout (stdout carries the plan or the JSON summary). Secrets never
/// reach them: the engine's secret type prints as `<redacted>`.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info,skillsync_core=info",
        _ => "debug,hyper=info,reqwest=info,rustls=info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SKILLSYNC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colours(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR")))
        .with_target(false)
        .try_init();
}

/// Colours only for a person at a terminal: a log redirected to a file or read by a scheduler
/// must hold no escape codes, and `NO_COLOR` (set to anything but empty) turns them off everywhere.
fn colours(stderr_is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::colours;

    #[test]
    fn colours_only_at_a_terminal_and_never_under_no_color() {
        assert!(colours(true, None), "a person at a terminal gets colours");
        assert!(!colours(false, None), "a log redirected to a file holds no escape codes");
        assert!(!colours(true, Some("1".into())), "NO_COLOR turns them off");
        assert!(colours(true, Some("".into())), "an empty NO_COLOR is as if unset");
    }
}
