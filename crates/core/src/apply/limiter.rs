//! One rate limiter per token, shared by every task of a run. It spaces requests evenly (GCRA with
//! a burst of one), learns the real limit from `inin-ratelimit-*` headers, and on `Retry-After` makes
//! every task wait — so the pipe stays full without a storm of 429s.
//!
//! `governor` was the first choice, but its quota is fixed at construction and this limiter must
//! change its rate when the platform announces a different `inin-ratelimit-allowed`.

use parking_lot::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Aim a little under the announced limit: the server's window and ours never line up exactly.
const HEADROOM: f64 = 0.98;

#[derive(Debug)]
pub struct Limiter {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Time between two requests; `None` = no limit known.
    interval: Option<Duration>,
    /// The earliest moment the next request may start.
    next: Instant,
    /// Nobody starts before this (a 429's Retry-After, or an exhausted window).
    paused_until: Instant,
    per_minute: Option<f64>,
}

impl Limiter {
    /// `per_minute`: the limit to assume until the platform says otherwise (`None`: unlimited).
    pub fn new(per_minute: Option<f64>) -> Self {
        let now = Instant::now();
        Limiter {
            state: Mutex::new(State {
                interval: per_minute.and_then(interval_for),
                next: now,
                paused_until: now,
                per_minute,
            }),
        }
    }

    /// Waits for this task's turn.
    pub async fn acquire(&self) {
        tokio::time::sleep_until(self.reserve()).await;
    }

    /// Takes the next turn and says when it comes; the caller waits until then (and may give up
    /// the wait when the run is cancelled).
    pub fn reserve(&self) -> Instant {
        let mut s = self.state.lock();
        let now = Instant::now();
        let at = now.max(s.next).max(s.paused_until);
        if let Some(iv) = s.interval {
            s.next = at + iv;
        }
        at
    }

    /// The requests-per-minute the limiter currently keeps to.
    pub fn per_minute(&self) -> Option<f64> {
        self.state.lock().per_minute
    }

    /// Adopts the platform's announced limit (Genesys `inin-ratelimit-allowed`, per minute).
    pub fn set_limit(&self, per_minute: f64) {
        let mut s = self.state.lock();
        if s.per_minute == Some(per_minute) {
            return;
        }
        s.per_minute = Some(per_minute);
        let (old, new) = (s.interval, interval_for(per_minute));
        s.interval = new;
        // The turn already handed out was spaced at the old rate, assumed before the platform said
        // its own: space it from the last request at the new one, or a faster limit would still
        // wait one interval of the slower (a fifth of a second at Genesys' assumed 300/min).
        if let Some(old) = old {
            let last = s.next.checked_sub(old).unwrap_or(s.next);
            let sooner = last + new.unwrap_or(Duration::ZERO);
            if sooner < s.next {
                s.next = sooner;
            }
        }
    }

    /// Everyone waits `wait` from now (Retry-After).
    pub fn pause(&self, wait: Duration) {
        let mut s = self.state.lock();
        let until = crate::bounded::from_now(wait);
        if until > s.paused_until {
            s.paused_until = until;
        }
    }

    /// Reads the window's state from a response: when the window is used up, wait for its reset
    /// instead of sending requests that can only be refused.
    pub fn observe_window(&self, count: u64, allowed: u64, reset: Duration) {
        if allowed == 0 {
            return;
        }
        self.set_limit(allowed as f64);
        if count >= allowed {
            self.pause(reset);
        }
    }
}

fn interval_for(per_minute: f64) -> Option<Duration> {
    if !per_minute.is_finite() || per_minute <= 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(60.0 / (per_minute * HEADROOM)).ok().map(|d| d.min(crate::bounded::HORIZON))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_requests_evenly_at_the_limit() {
        let l = Limiter::new(Some(600.0));
        let start = Instant::now();
        for _ in 0..11 {
            l.acquire().await;
        }
        let took = start.elapsed().as_secs_f64();
        // 10 gaps of 60/(600*0.98) s each.
        let want = 10.0 * 60.0 / (600.0 * HEADROOM);
        assert!((took - want).abs() < 0.01, "took {took}s, want {want}s");
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_never_waits() {
        let l = Limiter::new(None);
        let start = Instant::now();
        for _ in 0..1000 {
            l.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_pauses_everyone() {
        let l = Limiter::new(None);
        l.pause(Duration::from_secs(3));
        let start = Instant::now();
        l.acquire().await;
        assert!(start.elapsed() >= Duration::from_secs(3), "waited {:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_faster_announced_limit_applies_to_the_next_turn_at_once() {
        // The client assumes 300/min until the first answer announces a million: the second
        // request must not wait the assumed 0.2 s.
        let l = Limiter::new(Some(300.0));
        let start = Instant::now();
        l.acquire().await;
        l.set_limit(1_000_000.0);
        l.acquire().await;
        assert!(start.elapsed() <= Duration::from_millis(2), "waited {:?}", start.elapsed());
        // A slower limit still spaces the next turn at the slower rate.
        let l = Limiter::new(Some(6000.0));
        l.acquire().await;
        l.set_limit(60.0);
        let start = Instant::now();
        l.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(9), "waited {:?}", start.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn adopts_announced_limit_and_waits_out_an_exhausted_window() {
        let l = Limiter::new(Some(300.0));
        l.observe_window(120, 120, Duration::from_secs(5));
        assert_eq!(l.per_minute(), Some(120.0));
        let start = Instant::now();
        l.acquire().await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }
}
