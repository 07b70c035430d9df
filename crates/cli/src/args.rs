//! The command line's shape (the SPEC's CLI contract): commands, flags and environment variables.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "skillsync",
    version,
    about = "Make Genesys Cloud or NICE CXone skill proficiencies match a WFM feed."
)]
pub struct Cli {
    /// More log output on stderr (-v, -vv). SKILLSYNC_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show what would change; sends no write.
    Plan(PlanArgs),
    /// Apply the plan, verify every row, write the report and the undo file.
    Apply(ApplyArgs),
    /// Write today's assignments as a feed that imports back with no mapping.
    Export(ExportArgs),
    /// Serve an imitation Genesys Cloud or CXone tenant on 127.0.0.1.
    Sandbox(SandboxArgs),
    /// Saved connections (secrets in the OS keychain).
    Profile(ProfileArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ConnArgs {
    /// genesys or cxone (taken from the profile when --profile is given).
    #[arg(long)]
    pub platform: Option<String>,
    /// A saved profile (`skillsync profile add`); its secrets come from the OS keychain.
    #[arg(long, conflicts_with_all = ["base_url", "region"])]
    pub profile: Option<String>,
    /// Genesys: the API base URL; CXone: the issuer. Secrets from SKILLSYNC_CLIENT_SECRET (and for
    /// CXone SKILLSYNC_ACCESS_KEY_ID, SKILLSYNC_ACCESS_KEY_SECRET).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Genesys region (us_east_1, eu_west_1, …) instead of --base-url.
    #[arg(long, conflicts_with = "base_url")]
    pub region: Option<String>,
    #[arg(long)]
    pub client_id: Option<String>,
    /// CXone Admin API version.
    #[arg(long, default_value = "v33.0")]
    pub api_version: String,
    /// Seconds of silence before a request counts as timed out (then retried); one attempt's whole
    /// answer must also arrive within four times this.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Retries of a failed call, and further rounds for items that failed inside an accepted call,
    /// each after a growing pause.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// A PEM file with extra root CAs to trust (a company's TLS inspection CA), beside the OS
    /// certificate store. Overrides the profile's `ca_file`.
    #[arg(long, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct FeedArgs {
    /// The feed: a CSV/TSV or a workbook (.xlsx, .xls, .ods); apply takes a saved plan with --plan instead.
    pub feed: Option<PathBuf>,
    /// A mapping file (TOML); without it columns are detected from their headers.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The workbook's sheet to read (default: the first whose first rows hold a recognisable header).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Print one JSON summary object last on stdout, and no progress.
    #[arg(long)]
    pub json: bool,
    /// Plan removal of every current assignment of a listed agent that the feed does not list.
    #[arg(long)]
    pub remove_unlisted: bool,
    /// Let explicit removal rows (the undo file's `remove`) plan.
    #[arg(long)]
    pub allow_remove: bool,
}

#[derive(Args, Debug)]
#[command(mut_arg("feed", |a| a.required(true)))]
pub struct PlanArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    #[command(flatten)]
    pub feed: FeedArgs,
    /// Save the plan for approval (every row and change with its before value, the tenant, the
    /// feed's digest and a checksum); apply it later with `apply --plan`.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(mut_arg("feed", |a| a.required_unless_present("plan")))]
pub struct ApplyArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    #[command(flatten)]
    pub feed: FeedArgs,
    /// Apply exactly a plan saved with `plan --out` (no feed): when any pair it changes no longer
    /// holds its planned before value, nothing is sent and the exit code is 4.
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["feed", "mapping", "remove_unlisted", "allow_remove", "resume"])]
    pub plan: Option<PathBuf>,
    /// Apply without asking.
    #[arg(long)]
    pub yes: bool,
    /// Confirms a removal mode (--remove-unlisted / --allow-remove) without a prompt.
    #[arg(long)]
    pub confirm_remove: bool,
    /// Report path: .csv, .json or .html (the other two and <stem>.undo.csv go beside it).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Journal path (default: under the OS data directory, named after the job).
    #[arg(long)]
    pub journal: Option<PathBuf>,
    /// Continue an interrupted run of the same job from its journal.
    #[arg(long)]
    pub resume: bool,
    /// Write calls in flight at once (the rate limiter sets the pace).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    /// Where to write the feed.
    pub out: PathBuf,
    #[arg(long, default_value = "long")]
    pub layout: String,
    /// Only these skills (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    pub skills: Vec<String>,
    /// Only the agents listed in this file (one email, username or id per line).
    #[arg(long)]
    pub agents: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SandboxArgs {
    #[arg(long)]
    pub platform: String,
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A tenant file: {"skills":[{"name"}],"users":[{"email","username","name","active"}],"assignments":[…]}.
    #[arg(long, conflicts_with_all = ["agents", "skills"])]
    pub tenant: Option<PathBuf>,
    #[arg(long)]
    pub agents: Option<usize>,
    #[arg(long)]
    pub skills: Option<usize>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Requests a minute per token (0: no limit). Default: 300 for Genesys, none for CXone.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Token lifetime in seconds.
    #[arg(long)]
    pub token_ttl: Option<u64>,
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Comma list of KIND=PROBABILITY; kinds 429 500 502 503 409 timeout reset itemerror.
    #[arg(long)]
    pub faults: Option<String>,
    /// No listing page holds more than N items, whatever the client asks (at least 1).
    #[arg(long)]
    pub page_cap: Option<usize>,
    /// Genesys: the share (0 to 1) of users listed with expand=skills that come back without skills.
    #[arg(long, default_value_t = 0.0)]
    pub expand_drop: f64,
}

#[derive(Args, Debug)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub command: ProfileCommand,
}

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Save a profile; secrets go to the OS keychain (from the environment, or asked for).
    Add {
        name: String,
        #[arg(long)]
        platform: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        client_id: String,
        #[arg(long)]
        api_version: Option<String>,
        /// A PEM file with the company's root CA, trusted for this profile beside the OS store.
        #[arg(long, value_name = "PATH")]
        ca_file: Option<PathBuf>,
        /// Check the connection before saving.
        #[arg(long)]
        test: bool,
    },
    /// List saved profiles (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile and its keychain entries.
    Remove { name: String },
    /// Connect with a profile and read the tenant: checks credentials and permissions.
    Test { name: String },
}
