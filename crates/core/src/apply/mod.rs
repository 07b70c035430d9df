//! Apply: send the plan's write calls, concurrently up to what the shared limiter allows, each
//! completed call journaled before it counts as done, with pause and cancel. Retries live in the
//! HTTP layer (per request, counted); this module only schedules calls and keeps every result.

pub mod limiter;

use crate::events::{Event, Events};
use crate::journal::Journal;
use crate::model::Change;
use crate::platform::{Batch, BatchResult, PlatformClient};
use futures::StreamExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// Pause, resume and cancel a running apply from another task (the app's buttons, Ctrl-C).
#[derive(Clone, Debug)]
pub struct Control {
    cancel: CancellationToken,
    paused: tokio::sync::watch::Sender<bool>,
}

impl Default for Control {
    fn default() -> Self {
        Control { cancel: CancellationToken::new(), paused: tokio::sync::watch::channel(false).0 }
    }
}

impl Control {
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
    pub fn pause(&self) {
        self.paused.send_replace(true);
    }
    pub fn resume(&self) {
        self.paused.send_replace(false);
    }
    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// Waits while paused; false when cancelled meanwhile.
    async fn proceed(&self) -> bool {
        let mut rx = self.paused.subscribe();
        loop {
            if self.cancel.is_cancelled() {
                return false;
            }
            if !*rx.borrow_and_update() {
                return true;
            }
            tokio::select! {
                _ = self.cancel.cancelled() => return false,
                r = rx.changed() => if r.is_err() { return true },
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Calls in flight at once; the limiter decides the pace, this only keeps the pipe full.
    pub concurrency: usize,
    pub control: Control,
    pub events: Events,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions { concurrency: 8, control: Control::default(), events: Events::none() }
    }
}

/// Every call that was sent and what it came to; calls never started (cancel) are absent.
#[derive(Debug, Default)]
pub struct Applied {
    pub results: Vec<(Batch, BatchResult)>,
    pub cancelled: bool,
    /// Errors writing the journal (the run goes on, but the user must know resume is unsafe).
    pub journal_errors: Vec<String>,
}

pub async fn run(
    client: &dyn PlatformClient,
    changes: &[Change],
    batches: Vec<Batch>,
    options: &ApplyOptions,
    journal: Option<&Journal>,
) -> Applied {
    let total_rows: u64 = batches.iter().map(|b| b.items.len() as u64).sum();
    let total_calls = batches.len() as u64;
    let done_rows = AtomicU64::new(0);
    let failed_rows = AtomicU64::new(0);
    let done_calls = AtomicU64::new(0);
    let started = Instant::now();
    let control = &options.control;
    let events = &options.events;
    let send = |batch: Batch| {
        let (done_rows, failed_rows, done_calls) = (&done_rows, &failed_rows, &done_calls);
        async move {
            if !control.proceed().await {
                return None;
            }
            let result = client.write(&batch, changes).await;
            let journal_error = journal.and_then(|j| j.record(&batch, &result, changes).err()).map(|e| e.to_string());
            let failed = result.items.iter().filter(|i| !i.accepted).count() as u64;
            let rows = done_rows.fetch_add(batch.items.len() as u64, Ordering::Relaxed) + batch.items.len() as u64;
            let failed = failed_rows.fetch_add(failed, Ordering::Relaxed) + failed;
            let calls = done_calls.fetch_add(1, Ordering::Relaxed) + 1;
            let minutes = started.elapsed().as_secs_f64() / 60.0;
            let rpm = if minutes > 0.0 { calls as f64 / minutes } else { 0.0 };
            let eta = (rpm > 0.0).then(|| (total_calls - calls) as f64 / rpm * 60.0);
            events.emit(Event::Apply {
                done: rows,
                failed,
                total: total_rows,
                requests_per_minute: rpm,
                eta_seconds: eta,
            });
            Some((batch, result, journal_error))
        }
    };
    // Two waves: every removal first, then adds and updates, so a skill limit counts the room the
    // removals make. Within a wave the limiter sets the pace and calls overlap.
    let (removals, writes): (Vec<Batch>, Vec<Batch>) = batches.into_iter().partition(|b| b.op.is_removal());
    let width = options.concurrency.max(1);
    let mut results: Vec<Option<(Batch, BatchResult, Option<String>)>> =
        futures::stream::iter(removals).map(send).buffer_unordered(width).collect().await;
    results.extend(futures::stream::iter(writes).map(send).buffer_unordered(width).collect::<Vec<_>>().await);
    let mut applied = Applied { cancelled: control.is_cancelled(), ..Default::default() };
    for (batch, result, je) in results.into_iter().flatten() {
        if let Some(e) = je {
            applied.journal_errors.push(e);
        }
        applied.results.push((batch, result));
    }
    applied
}
