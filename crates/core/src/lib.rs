//! Skillsync's engine: make Genesys Cloud or NICE CXone skill proficiencies match a WFM feed.
//!
//! The job's steps are the modules, in order: [`import`] reads the CSV, [`mapping`] turns its
//! columns and values into platform requests, [`resolve`] finds skill and agent ids, [`plan`] diffs
//! against the platform's current state, [`apply`] writes the changes under one rate limiter,
//! [`verify`] confirms every row, [`report`] exports the result and the undo file, and [`journal`]
//! makes an apply resumable. [`approval`] saves a plan for approval and applies it later only over
//! an unchanged tenant. The engine never prints: progress is a stream of [`events::Event`].

pub mod apply;
pub mod approval;
pub mod bounded;
pub mod error;
pub mod events;
pub mod export;
pub mod files;
pub mod import;
pub mod job;
pub mod journal;
pub mod mapping;
pub mod model;
pub mod plan;
pub mod platform;
pub mod profile;
pub mod report;
pub mod resolve;
pub mod text;
pub mod verify;

pub use error::{Error, Result};
pub use events::{Event, Events, Phase};
pub use model::*;
