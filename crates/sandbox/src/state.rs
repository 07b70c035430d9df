//! The running sandbox's shared state: tenant, tokens, per-token rate windows, fault RNG, counters
//! and the per-user write tracking behind Genesys' version conflicts.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::config::{Credentials, FaultKind, Faults, Platform};
use crate::tenant::Tenant;

/// Rate-limit windows are fixed 60 s spans starting at a token's first request.
const WINDOW: Duration = Duration::from_secs(60);
/// What `inin-ratelimit-allowed` says when the limit is off.
pub(crate) const UNLIMITED_ALLOWED: u32 = 1_000_000;

pub(crate) struct Shared {
    pub platform: Platform,
    pub base_url: String,
    pub credentials: Credentials,
    /// CXone's tenant id, carried in the id token and asked for by discovery.
    pub tenant_id: String,
    /// HS256 key of the CXone id token.
    pub jwt_key: Vec<u8>,
    pub tenant: RwLock<Tenant>,
    pub token_ttl: Duration,
    pub latency: Duration,
    /// The largest page any listing serves, if capped.
    pub page_cap: Option<usize>,
    /// Share of users whose `skills` expand is dropped (Genesys).
    expand_drop: f64,
    seed: u64,
    tokens: RwLock<HashMap<String, Arc<Token>>>,
    rate_limit: AtomicU32,
    faults: RwLock<Faults>,
    rng: Mutex<ChaCha8Rng>,
    pub stats: Stats,
    /// Users with a write in flight (Genesys): a second write to one of them is a version conflict.
    writes: Mutex<HashSet<usize>>,
    pub shutdown: watch::Receiver<bool>,
}

pub(crate) struct Token {
    expires_at: Instant,
    /// Start of the current window and the requests counted in it.
    window: Mutex<Option<(Instant, u32)>>,
}

/// What the rate-limit headers report for one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LimitInfo {
    pub count: u32,
    pub allowed: u32,
    /// Whole seconds until the window resets, at least 1.
    pub reset: u64,
}

pub(crate) enum TokenCheck {
    Missing,
    Unknown,
    Expired,
    Valid(Arc<Token>),
}

pub(crate) struct SharedParts {
    pub platform: Platform,
    pub base_url: String,
    pub credentials: Credentials,
    pub tenant_id: String,
    pub jwt_key: Vec<u8>,
    pub tenant: Tenant,
    pub token_ttl: Duration,
    pub latency: Duration,
    pub rate_limit: u32,
    pub faults: Faults,
    pub seed: u64,
    pub page_cap: Option<usize>,
    pub expand_drop: f64,
    pub shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn new(p: SharedParts) -> Shared {
        Shared {
            platform: p.platform,
            base_url: p.base_url,
            credentials: p.credentials,
            tenant_id: p.tenant_id,
            jwt_key: p.jwt_key,
            tenant: RwLock::new(p.tenant),
            token_ttl: p.token_ttl,
            latency: p.latency,
            page_cap: p.page_cap,
            expand_drop: p.expand_drop,
            seed: p.seed,
            tokens: RwLock::new(HashMap::new()),
            rate_limit: AtomicU32::new(p.rate_limit),
            faults: RwLock::new(p.faults),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(p.seed)),
            stats: Stats::default(),
            writes: Mutex::new(HashSet::new()),
            shutdown: p.shutdown,
        }
    }

    /// Issues a fresh bearer token valid for the configured lifetime.
    pub(crate) fn issue_token(&self) -> String {
        let token = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let state = Arc::new(Token { expires_at: Instant::now() + self.token_ttl, window: Mutex::new(None) });
        self.tokens.write().insert(token.clone(), state);
        token
    }

    /// Looks up the bearer token of a request's `Authorization` header.
    pub(crate) fn check_token(&self, authorization: Option<&str>) -> TokenCheck {
        let Some(value) = authorization else { return TokenCheck::Missing };
        let mut parts = value.trim().splitn(2, ' ');
        let scheme = parts.next().unwrap_or_default();
        let token = parts.next().unwrap_or_default().trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return TokenCheck::Missing;
        }
        match self.tokens.read().get(token) {
            None => TokenCheck::Unknown,
            Some(t) if Instant::now() >= t.expires_at => TokenCheck::Expired,
            Some(t) => TokenCheck::Valid(t.clone()),
        }
    }

    pub(crate) fn rate_limit(&self) -> u32 {
        self.rate_limit.load(Ordering::Relaxed)
    }

    /// Forgets every token issued so far: the next request with one gets 401, as after an
    /// administrator revoked the OAuth client's tokens.
    pub(crate) fn revoke_tokens(&self) {
        self.tokens.write().clear();
    }

    pub(crate) fn set_rate_limit(&self, per_minute: u32) {
        self.rate_limit.store(per_minute, Ordering::Relaxed);
    }

    pub(crate) fn set_faults(&self, faults: Faults) {
        *self.faults.write() = faults;
    }

    /// Counts one request against the token's window: `Err` when the limit is exhausted.
    pub(crate) fn count_request(&self, token: &Token) -> Result<LimitInfo, LimitInfo> {
        let limit = self.rate_limit();
        let now = Instant::now();
        let mut window = token.window.lock();
        let (start, count) = match *window {
            Some((start, count)) if now.duration_since(start) < WINDOW => (start, count),
            _ => (now, 0),
        };
        let left = WINDOW.saturating_sub(now.duration_since(start));
        let reset = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let allowed = if limit == 0 { UNLIMITED_ALLOWED } else { limit };
        if limit > 0 && count >= limit {
            *window = Some((start, count));
            self.stats.throttled.fetch_add(1, Ordering::Relaxed);
            return Err(LimitInfo { count, allowed, reset: reset.max(1) });
        }
        *window = Some((start, count + 1));
        Ok(LimitInfo { count: count + 1, allowed, reset: reset.max(1) })
    }

    /// What the headers say when no token could be counted (a 401).
    pub(crate) fn idle_limit(&self) -> LimitInfo {
        let limit = self.rate_limit();
        LimitInfo { count: 0, allowed: if limit == 0 { UNLIMITED_ALLOWED } else { limit }, reset: WINDOW.as_secs() }
    }

    /// Draws this request's fault, if any, from the seeded RNG.
    pub(crate) fn draw_fault(&self, item_errors: bool) -> Option<FaultKind> {
        let faults = self.faults.read();
        if faults.is_empty() {
            return None;
        }
        let draw: f64 = self.rng.lock().random();
        let fault = faults.pick(draw, item_errors);
        if fault.is_some() {
            self.stats.faults.fetch_add(1, Ordering::Relaxed);
        }
        fault
    }

    /// A random index below `n` from the seeded RNG (which item an `itemerror` hits).
    pub(crate) fn draw_index(&self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.rng.lock().random_range(0..n)
    }

    /// A page size after the cap: what the client asked, or less.
    pub(crate) fn capped(&self, size: usize) -> usize {
        self.page_cap.map_or(size, |cap| size.min(cap))
    }

    /// Whether a user's `skills` expand is left out of listings. Chosen per user from the seed
    /// (a hash, not the fault RNG), so the same users miss it on every request.
    pub(crate) fn drops_expand(&self, user: &uuid::Uuid) -> bool {
        if self.expand_drop <= 0.0 {
            return false;
        }
        let digest = Sha256::new().chain_update(self.seed.to_le_bytes()).chain_update(user.as_bytes()).finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        // The top 53 bits as a uniform draw in [0, 1).
        let draw = (u64::from_le_bytes(first) >> 11) as f64 / (1u64 << 53) as f64;
        draw < self.expand_drop
    }

    /// Starts a write to a user's skills or languages, or `None` while another write to the same
    /// user is in flight (a Genesys version conflict). The write stays in flight until the guard
    /// drops; a write that starts after the previous one finished never conflicts.
    pub(crate) fn begin_write(&self, user: usize) -> Option<WriteGuard<'_>> {
        let started = self.writes.lock().insert(user);
        // Built only when the user was free: dropping a guard releases the user.
        started.then(|| WriteGuard { shared: self, user })
    }
}

pub(crate) struct WriteGuard<'a> {
    shared: &'a Shared,
    user: usize,
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        self.shared.writes.lock().remove(&self.user);
    }
}

/// Counters behind `GET /__sandbox/stats`.
#[derive(Default)]
pub(crate) struct Stats {
    total: AtomicU64,
    by_route: Mutex<HashMap<String, u64>>,
    pub throttled: AtomicU64,
    pub faults: AtomicU64,
}

impl Stats {
    pub(crate) fn record(&self, route: &str) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let mut by_route = self.by_route.lock();
        match by_route.get_mut(route) {
            Some(n) => *n += 1,
            None => {
                by_route.insert(route.to_string(), 1);
            }
        }
    }

    pub(crate) fn json(&self) -> Value {
        let by_route: serde_json::Map<String, Value> =
            self.by_route.lock().iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        json!({
            "total": self.total.load(Ordering::Relaxed),
            "by_route": by_route,
            "throttled": self.throttled.load(Ordering::Relaxed),
            "faults": self.faults.load(Ordering::Relaxed),
        })
    }
}
