//! The fuzzing of `fuzz_feed.rs`: what an input is made of ([`inputs`]) and what must hold for
//! it ([`checks`]), over the corpus and the tenant of `corpus`.

pub mod checks;
pub mod inputs;

use crate::corpus;
use skillsync_core::mapping::Mapping;
use skillsync_core::Snapshot;

/// Inputs are capped at this size: large enough for the 1 MB fixture's neighbours, small enough
/// to keep the rate up.
pub const MAX_INPUT: usize = 1_200_000;

/// The corpus and the tenant every input is made from and run against.
pub struct Context {
    pub feeds: Vec<(String, Vec<u8>)>,
    pub mappings: Vec<Mapping>,
    pub mapping_texts: Vec<String>,
    pub snapshot: Snapshot,
}

impl Context {
    pub fn load() -> Context {
        Context {
            feeds: corpus::feeds(),
            mappings: corpus::saved_mappings().into_iter().map(|(_, m)| m).collect(),
            mapping_texts: corpus::mapping_texts(),
            snapshot: corpus::snapshot(),
        }
    }
}

/// One input: a feed, and sometimes a mutated mapping to run beside the detected and saved ones.
pub struct Input {
    pub feed: Vec<u8>,
    pub mapping: Option<Mapping>,
}

/// What the inputs came to, for the run's summary line.
#[derive(Default)]
pub struct Stats {
    pub unreadable: u64,
    pub no_mapping: u64,
    pub plans: u64,
    pub plan_rows: u64,
}
