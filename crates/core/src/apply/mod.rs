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
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Pause, resume and cancel a running apply from another task (the app's buttons, Ctrl-C).
#[derive(Clone, Debug)]
pub struct Control {
    cancel: CancellationToken,
    paused: tokio::sync::watch::Sender<bool>,
    clock: std::sync::Arc<parking_lot::Mutex<PauseClock>>,
}

/// The time spent paused, so rates and time left count only the time the run was sending.
#[derive(Debug, Default)]
struct PauseClock {
    since: Option<Instant>,
    total: Duration,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            cancel: CancellationToken::new(),
            paused: tokio::sync::watch::channel(false).0,
            clock: Default::default(),
        }
    }
}

impl Control {
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
    /// The token every wait of the run races, so a cancel ends limiter, Retry-After and backoff
    /// waits at once.
    pub fn token(&self) -> CancellationToken {
        self.cancel.clone()
    }
    pub fn pause(&self) {
        let mut clock = self.clock.lock();
        clock.since.get_or_insert_with(Instant::now);
        self.paused.send_replace(true);
    }
    pub fn resume(&self) {
        let mut clock = self.clock.lock();
        if let Some(since) = clock.since.take() {
            clock.total += since.elapsed();
        }
        self.paused.send_replace(false);
    }
    /// The time since `started` that the run was not paused.
    pub fn active_since(&self, started: Instant) -> Duration {
        let clock = self.clock.lock();
        let paused = clock.total + clock.since.map_or(Duration::ZERO, |s| s.elapsed());
        started.elapsed().saturating_sub(paused)
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

/// Orders the calls: each lane runs its calls one at a time, lanes run side by side, and each wave
/// starts when the one before it is done. Calls of one agent (Genesys) form one lane, removals first,
/// so the agent's skill limit counts the room they make. Calls that carry many agents (CXone, per
/// skill) are lanes of their own, every removal in a first wave.
pub fn lanes(batches: Vec<Batch>) -> Vec<Vec<Vec<Batch>>> {
    let mut by_agent: std::collections::BTreeMap<String, Vec<Batch>> = std::collections::BTreeMap::new();
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for b in batches {
        match b.op.agent() {
            Some(agent) => by_agent.entry(agent.to_string()).or_default().push(b),
            None if b.op.is_removal() => first.push(vec![b]),
            None => second.push(vec![b]),
        }
    }
    for (_, mut lane) in by_agent {
        lane.sort_by_key(|b| !b.op.is_removal());
        first.push(lane);
    }
    [first, second].into_iter().filter(|w| !w.is_empty()).collect()
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
            let mut journal_error = None;
            let call = match journal {
                Some(j) => match j.intent(&batch, changes).await {
                    Ok(call) => Some(call),
                    Err(e) => {
                        // Never send what could not be put back after a crash.
                        let msg = format!("not sent: the journal could not record the call ({e})");
                        let result = crate::platform::failed(&batch, crate::Error::Journal(msg));
                        return Some((batch, result, Some(e.to_string())));
                    }
                },
                None => None,
            };
            let result = client.write(&batch, changes).await;
            if let (Some(j), Some(call)) = (journal, call) {
                journal_error = j.outcome(call, &result, changes).await.err().map(|e| e.to_string());
            }
            if result.unsent {
                // Cancelled before anything of it reached the platform: its rows are skipped.
                return None;
            }
            let failed = result.items.iter().filter(|i| !i.accepted).count() as u64;
            let rows = done_rows.fetch_add(batch.items.len() as u64, Ordering::Relaxed) + batch.items.len() as u64;
            let failed = failed_rows.fetch_add(failed, Ordering::Relaxed) + failed;
            let calls = done_calls.fetch_add(1, Ordering::Relaxed) + 1;
            let minutes = control.active_since(started).as_secs_f64() / 60.0;
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
    let width = options.concurrency.max(1);
    let mut results: Vec<(Batch, BatchResult, Option<String>)> = Vec::new();
    for wave in lanes(batches) {
        let done: Vec<Vec<(Batch, BatchResult, Option<String>)>> = futures::stream::iter(wave)
            .map(|lane| async {
                // One agent's calls go one after another: overlapping writes to the same user are
                // version conflicts on the platform, and its skill limit needs the removals first.
                let mut out = Vec::with_capacity(lane.len());
                for batch in lane {
                    match send(batch).await {
                        Some(r) => out.push(r),
                        None => break,
                    }
                }
                out
            })
            .buffer_unordered(width)
            .collect()
            .await;
        results.extend(done.into_iter().flatten());
    }
    let mut applied = Applied { cancelled: control.is_cancelled(), ..Default::default() };
    for (batch, result, je) in results {
        if let Some(e) = je {
            applied.journal_errors.push(e);
        }
        applied.results.push((batch, result));
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_time_a_run_was_paused_is_not_counted_as_sending() {
        let control = Control::default();
        let started = Instant::now();
        tokio::time::advance(Duration::from_secs(10)).await;
        control.pause();
        tokio::time::advance(Duration::from_secs(600)).await;
        assert_eq!(control.active_since(started), Duration::from_secs(10), "still paused");
        control.resume();
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(control.active_since(started), Duration::from_secs(15));
        // A second pause, and a pause pressed twice, count once each.
        control.pause();
        control.pause();
        tokio::time::advance(Duration::from_secs(60)).await;
        control.resume();
        control.resume();
        assert_eq!(control.active_since(started), Duration::from_secs(15));
    }
}
