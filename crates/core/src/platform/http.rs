//! The one place requests are sent: bearer token (refreshed before expiry and once on 401), the
//! shared rate limiter, retries with backoff and jitter for what a retry can fix (429, 5xx but
//! 501, 408, 409 version conflicts, timeouts, resets), correlation ids, and request counts.
//! Retries happen here, per request, so each one is counted and reported — never hidden.

use crate::apply::limiter::Limiter;
use crate::error::{Error, Result};
use crate::events::{Event, Events};
use crate::model::RequestCounts;
use async_trait::async_trait;
use backon::BackoffBuilder;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Genesys' own CLI gives up when Retry-After exceeds this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(180);
/// The most one API answer may hold. The largest page either client asks for (10,000 CXone
/// assignments, 500 Genesys users with their skills) is a few MiB; anything past this is refused
/// as it streams in, before it is held whole.
pub const MAX_BODY: usize = 64 << 20;
/// The most a token or discovery answer may hold.
pub const MAX_AUTH_BODY: usize = 1 << 20;
/// Redirects an API call follows (within its own origin) before it gives up.
const MAX_REDIRECTS: usize = 5;

/// Settings of the HTTP layer; the defaults suit the real platforms.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Attempts after the first.
    pub max_retries: u32,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// The rate to keep until the platform announces its own (`None`: no limit until a 429 says so).
    pub initial_rate_per_minute: Option<f64>,
    /// A PEM file of extra root CAs trusted beside the OS store and the built-in roots (a
    /// company's TLS inspection CA); a profile's `ca_file` or the CLI's `--ca-file`.
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 6,
            min_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            initial_rate_per_minute: None,
            ca_file: None,
        }
    }
}

/// A token and when it stops working.
#[derive(Clone)]
pub struct Token {
    pub access_token: String,
    pub expires_at: Instant,
}

impl Token {
    pub fn new(access_token: String, lifetime: Duration) -> Self {
        Token { access_token, expires_at: crate::bounded::from_now(lifetime) }
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token").field("access_token", &"<redacted>").field("expires_at", &self.expires_at).finish()
    }
}

/// The token in use, with when it was fetched and a number that changes with every new one (so a
/// 401 renews it once, however many requests in flight saw the old one refused).
struct Held {
    token: Token,
    fetched_at: Instant,
    generation: u64,
}

impl Held {
    /// Renewed once a quarter of its lifetime is left (at most five minutes early): no request
    /// carries a dying token, and a long token is not thrown away hours early.
    fn fresh(&self, now: Instant) -> bool {
        let lifetime = self.token.expires_at.saturating_duration_since(self.fetched_at);
        let margin = (lifetime / 4).min(Duration::from_secs(300));
        now + margin < self.token.expires_at
    }
}

/// How a platform obtains tokens.
#[async_trait]
pub trait Authenticator: Send + Sync {
    async fn token(&self, http: &reqwest::Client) -> Result<Token>;
}

/// Read or write, for the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
}

/// A platform's answer, kept whole so the client can read per-item results.
#[derive(Debug)]
pub struct Reply {
    /// The request's method, for error messages.
    pub method: Method,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    /// Correlation ids of every attempt (retries included), oldest first.
    pub correlation_ids: Vec<String>,
}

impl Reply {
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Api {
            method: self.method.to_string(),
            path: what.to_string(),
            status: self.status.as_u16(),
            message: format!("unexpected response shape: {e}"),
            correlation_id: self.correlation_ids.last().cloned(),
        })
    }
}

/// Headers that identify a request for a support ticket, in order of preference.
const ID_HEADERS: [&str; 4] = ["inin-correlation-id", "x-request-id", "x-amzn-requestid", "x-correlation-id"];

#[derive(Default)]
struct Counters {
    read: AtomicU64,
    write: AtomicU64,
    retried: AtomicU64,
    throttled: AtomicU64,
}

/// An authenticated session against one platform tenant.
pub struct Session {
    client: reqwest::Client,
    /// For token and discovery calls: follows no redirect at all (credentials travel in them).
    auth_client: reqwest::Client,
    auth: Box<dyn Authenticator>,
    token: tokio::sync::Mutex<Option<Held>>,
    /// Cancelled by the user: every wait (limiter, Retry-After, backoff) ends at once.
    cancel: parking_lot::RwLock<tokio_util::sync::CancellationToken>,
    pub limiter: Arc<Limiter>,
    settings: HttpSettings,
    counters: Counters,
    events: parking_lot::RwLock<Events>,
    /// How a platform reports errors: reads the message out of an error reply.
    describe: fn(&HeaderMap, &[u8]) -> String,
}

impl Session {
    pub fn new(
        settings: HttpSettings,
        auth: Box<dyn Authenticator>,
        describe: fn(&HeaderMap, &[u8]) -> String,
    ) -> Result<Self> {
        let client = build_client(&settings)?;
        let auth_client = build_auth_client(&settings)?;
        Ok(Session {
            client,
            auth_client,
            auth,
            token: tokio::sync::Mutex::new(None),
            cancel: parking_lot::RwLock::new(tokio_util::sync::CancellationToken::new()),
            limiter: Arc::new(Limiter::new(settings.initial_rate_per_minute)),
            settings,
            counters: Counters::default(),
            events: parking_lot::RwLock::new(Events::none()),
            describe,
        })
    }

    /// The client for token and discovery calls: it never follows a redirect.
    pub fn auth_http(&self) -> &reqwest::Client {
        &self.auth_client
    }

    pub fn set_events(&self, events: Events) {
        *self.events.write() = events;
    }

    pub fn counts(&self) -> RequestCounts {
        RequestCounts {
            read: self.counters.read.load(Ordering::Relaxed),
            write: self.counters.write.load(Ordering::Relaxed),
            retried: self.counters.retried.load(Ordering::Relaxed),
            throttled: self.counters.throttled.load(Ordering::Relaxed),
        }
    }

    /// The settings the session was built with (retry budget, backoff).
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Makes every wait of this session end when `cancel` fires.
    pub fn set_cancel(&self, cancel: tokio_util::sync::CancellationToken) {
        *self.cancel.write() = cancel;
    }

    /// Sleeps until `at`, or fails with `Cancelled` as soon as the run is cancelled. A wait that is
    /// already over passes even after a cancel, so a cancelled run can still read what it needs.
    pub async fn wait_until(&self, at: Instant) -> Result<()> {
        if at <= Instant::now() {
            return Ok(());
        }
        let cancel = self.cancel.read().clone();
        tokio::select! {
            _ = tokio::time::sleep_until(at) => Ok(()),
            _ = cancel.cancelled() => Err(Error::Cancelled),
        }
    }

    /// The current token, fetched when there is none or it is due for renewal. One caller fetches;
    /// the others wait for it and share the result.
    async fn bearer(&self) -> Result<(String, u64)> {
        let mut guard = self.token.lock().await;
        if let Some(h) = guard.as_ref().filter(|h| h.fresh(Instant::now())) {
            return Ok((h.token.access_token.clone(), h.generation));
        }
        let generation = guard.as_ref().map_or(1, |h| h.generation + 1);
        let token = self.auth.token(&self.auth_client).await?;
        let s = token.access_token.clone();
        *guard = Some(Held { token, fetched_at: Instant::now(), generation });
        Ok((s, generation))
    }

    /// After a 401 for the token of `refused`: a new token, unless another request has already
    /// replaced that one.
    async fn renew(&self, refused: u64) -> Result<()> {
        let mut guard = self.token.lock().await;
        if guard.as_ref().is_some_and(|h| h.generation != refused) {
            return Ok(());
        }
        let token = self.auth.token(&self.auth_client).await?;
        *guard = Some(Held { token, fetched_at: Instant::now(), generation: refused + 1 });
        Ok(())
    }

    /// Gets a token now, so bad credentials fail fast with exit code 3.
    pub async fn authenticate(&self) -> Result<()> {
        let refused = self.token.lock().await.as_ref().map_or(0, |h| h.generation);
        self.renew(refused).await
    }

    /// Sends one logical request, retrying what a retry can fix. A non-success reply that a retry
    /// cannot fix is returned as `Ok` when `accept` says the caller wants to read it, else `Err`.
    pub async fn send(&self, kind: Kind, method: Method, url: &str, body: Option<&serde_json::Value>) -> Result<Reply> {
        let path = url_path(url);
        let mut backoff = backon::ExponentialBuilder::default()
            .with_min_delay(self.settings.min_backoff)
            .with_max_delay(self.settings.max_backoff)
            .with_jitter()
            .with_max_times(self.settings.max_retries as usize)
            .build();
        let mut correlation_ids = Vec::new();
        let mut reauthed = false;
        let mut attempt = 0u32;
        // What an earlier attempt may have done: a cancel during a wait then means "never sent"
        // only if no attempt can have reached the platform's data (429, 401, 409 and refused
        // connections change nothing).
        let mut maybe_applied: Option<String> = None;
        let cancelled = |maybe: &Option<String>| match maybe {
            None => Error::Cancelled,
            Some(what) => Error::Api {
                method: method.to_string(),
                path: path.clone(),
                status: 0,
                message: format!("{what}; the run was cancelled before a retry, so whether it landed is unknown"),
                correlation_id: None,
            },
        };
        loop {
            attempt += 1;
            if self.wait_until(self.limiter.reserve()).await.is_err() {
                return Err(cancelled(&maybe_applied));
            }
            let (token, generation) = self.bearer().await?;
            let request_id = uuid_like();
            let mut req = self
                .client
                .request(method.clone(), url)
                .bearer_auth(&token)
                .header("accept", "application/json")
                .header("x-request-id", &request_id);
            if let Some(b) = body {
                req = req.json(b);
            }
            if attempt == 1 {
                // Counted when it leaves, so a call cancelled while it waited is never counted.
                match kind {
                    Kind::Read => self.counters.read.fetch_add(1, Ordering::Relaxed),
                    Kind::Write => self.counters.write.fetch_add(1, Ordering::Relaxed),
                };
            }
            let outcome = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match read_body(resp, MAX_BODY).await {
                        Ok(body) => Ok((status, headers, body)),
                        Err(BodyError::TooLarge(limit)) => {
                            correlation_ids.push(correlation_id(&headers).unwrap_or(request_id));
                            return Err(api_error(
                                &method,
                                &path,
                                status,
                                format!("the answer is larger than {} MiB; refused unread", limit >> 20),
                                &correlation_ids,
                            ));
                        }
                        Err(BodyError::Net(e)) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            let (status, headers, body) = match outcome {
                Ok(x) => x,
                Err(e) if e.is_redirect() => {
                    // Refused by the redirect policy: no retry goes anywhere else either.
                    let text = super::net::chain_of(&e);
                    let why = text.rsplit(": ").next().unwrap_or("a redirect that is not followed");
                    return Err(Error::Connection(format!("{method} {path}: the server {why}")));
                }
                Err(e) => {
                    correlation_ids.push(format!("{request_id} (no response)"));
                    if !e.is_connect() {
                        maybe_applied = Some(format!("attempt {attempt} got no answer"));
                    }
                    let Some(wait) = backoff.next() else {
                        return Err(network_error(&method, &path, &e, attempt));
                    };
                    if self.retry(&method, &path, 0, attempt, wait).await.is_err() {
                        return Err(cancelled(&maybe_applied));
                    }
                    continue;
                }
            };
            correlation_ids.push(correlation_id(&headers).unwrap_or(request_id));
            self.observe_limits(&headers);
            if status.is_success() || status == StatusCode::NO_CONTENT {
                return Ok(Reply { method, status, headers, body, correlation_ids });
            }
            if status == StatusCode::UNAUTHORIZED && !reauthed {
                // The token expired early or was revoked: fetch a new one once.
                reauthed = true;
                self.renew(generation).await?;
                self.counters.retried.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let message = (self.describe)(&headers, &body);
            if !matches!(status.as_u16(), 401 | 409 | 429) {
                maybe_applied = Some(format!("attempt {attempt} answered {status}"));
            }
            if retryable(status, &message) {
                if status == StatusCode::TOO_MANY_REQUESTS {
                    self.counters.throttled.fetch_add(1, Ordering::Relaxed);
                }
                let retry_after = retry_after(&headers);
                if let Some(ra) = retry_after {
                    if ra > MAX_RETRY_AFTER {
                        return Err(api_error(
                            &method,
                            &path,
                            status,
                            format!("{message} (asked to wait {}s; giving up)", ra.as_secs()),
                            &correlation_ids,
                        ));
                    }
                    self.limiter.pause(ra);
                    self.events.read().emit(Event::Throttled { wait_ms: ra.as_millis() as u64 });
                }
                if let Some(wait) = backoff.next() {
                    let wait = retry_after.map(|ra| ra.max(wait.min(Duration::from_millis(500)))).unwrap_or(wait);
                    if self.retry(&method, &path, status.as_u16(), attempt, wait).await.is_err() {
                        return Err(cancelled(&maybe_applied));
                    }
                    continue;
                }
            }
            return Err(match status {
                StatusCode::UNAUTHORIZED => Error::Auth(format!("{method} {path}: {message}")),
                StatusCode::FORBIDDEN => Error::Permission(format!("{method} {path}: {message}")),
                _ => api_error(&method, &path, status, message, &correlation_ids),
            });
        }
    }

    async fn retry(&self, method: &Method, path: &str, status: u16, attempt: u32, wait: Duration) -> Result<()> {
        self.counters.retried.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(%method, path, status, attempt, wait_ms = wait.as_millis() as u64, "retrying");
        self.events.read().emit(Event::Retry {
            method: method.to_string(),
            path: path.to_string(),
            status,
            attempt,
            wait_ms: wait.as_millis() as u64,
        });
        self.wait_until(crate::bounded::from_now(wait)).await
    }

    fn observe_limits(&self, headers: &HeaderMap) {
        let num =
            |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|s| s.trim().parse::<u64>().ok());
        if let (Some(count), Some(allowed)) = (num("inin-ratelimit-count"), num("inin-ratelimit-allowed")) {
            // A window that resets later than the longest wait the client accepts is not believed
            // (the platform's windows are a minute): it is ignored, and a 429 still says when to wait.
            let reset = crate::bounded::whole_seconds(num("inin-ratelimit-reset").unwrap_or(1).max(1));
            if reset <= MAX_RETRY_AFTER {
                self.limiter.observe_window(count, allowed, reset);
            }
        }
    }
}

/// The HTTP client: TLS through rustls trusting the OS certificate store (on Linux also
/// `SSL_CERT_FILE`/`SSL_CERT_DIR`) beside the built-in webpki roots and the settings' CA file; the
/// proxy from `HTTPS_PROXY`/`NO_PROXY`, else the OS settings (Windows, macOS).
///
/// `settings.timeout` is the longest silence: no byte for that long and the attempt has timed out.
/// Besides it, one attempt must be over, answer read whole, within [`deadline`]. Redirects are
/// followed only within the request's own origin (scheme, host and port): an API call is never
/// taken to another host, nor from https to http.
pub fn build_client(settings: &HttpSettings) -> Result<reqwest::Client> {
    builder(settings, same_origin_redirects())
}

/// The client for token and discovery calls: as [`build_client`], but no redirect is followed
/// at all (the caller reads a 3xx as an error naming where it pointed).
pub fn build_auth_client(settings: &HttpSettings) -> Result<reqwest::Client> {
    builder(settings, reqwest::redirect::Policy::none())
}

/// How long one attempt may take in all: four times the idle timeout, at most an hour.
pub fn deadline(settings: &HttpSettings) -> Duration {
    settings.timeout.saturating_mul(4).clamp(settings.timeout, Duration::from_secs(3600))
}

fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let from = attempt.previous().first().map(|u| u.origin());
        if from.as_ref() != Some(&attempt.url().origin()) {
            let to = attempt.url().origin().ascii_serialization();
            attempt.error(format!("redirected the call to another origin ({to}), which is never followed"))
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("redirected the call more than {MAX_REDIRECTS} times"))
        } else {
            attempt.follow()
        }
    })
}

fn builder(settings: &HttpSettings, redirects: reqwest::redirect::Policy) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .read_timeout(settings.timeout)
        .timeout(deadline(settings))
        .redirect(redirects)
        .connect_timeout(settings.connect_timeout)
        .user_agent(concat!("skillsync/", env!("CARGO_PKG_VERSION")))
        .pool_max_idle_per_host(32);
    if let Some(path) = &settings.ca_file {
        for cert in super::net::load_ca_file(path)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// Why an answer's body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// Longer than the limit (in bytes): announced or as it streamed in.
    TooLarge(usize),
    Net(reqwest::Error),
}

/// Reads an answer's body, refusing it as soon as it is known to exceed `cap` bytes: from its
/// `Content-Length` before a byte is read, else as the chunks arrive. Memory stays within `cap`.
pub async fn read_body(mut resp: reqwest::Response, cap: usize) -> std::result::Result<bytes::Bytes, BodyError> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooLarge(cap));
    }
    let mut buf = bytes::BytesMut::with_capacity(resp.content_length().map_or(0, |n| n as usize).min(cap));
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Net)? {
        if buf.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge(cap));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// A token or discovery answer: read within [`MAX_AUTH_BODY`]; a redirect is an error naming
/// where it pointed (credentials never follow one); a status other than success is returned for
/// the caller to word.
pub async fn read_auth_reply(url: &str, resp: reqwest::Response) -> Result<(StatusCode, bytes::Bytes)> {
    let status = resp.status();
    if status.is_redirection() {
        let to = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("nowhere");
        let to = super::redact_userinfo(to);
        return Err(Error::Connection(format!(
            "{url} answered {status}, a redirect to {to}; token and discovery calls never follow a redirect,              so nothing was sent there. Check the base URL (the platform's own host, not a login page or proxy)"
        )));
    }
    match read_body(resp, MAX_AUTH_BODY).await {
        Ok(body) => Ok((status, body)),
        Err(BodyError::TooLarge(cap)) => Err(Error::Connection(format!(
            "{url} answered with more than {} KiB; that is no token or discovery document",
            cap >> 10
        ))),
        Err(BodyError::Net(e)) => {
            Err(Error::Connection(format!("{url}: the answer broke off: {}", redact(&e.to_string()))))
        }
    }
}

fn retryable(status: StatusCode, message: &str) -> bool {
    match status.as_u16() {
        408 | 409 | 429 | 500 | 502 | 503 | 504 => true,
        // Genesys' Terraform provider retries this 400 too: a version race reported as a bad request.
        400 => message.contains("does not match the current version"),
        _ => false,
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get("retry-after")?.to_str().ok()?.trim();
    crate::bounded::seconds(v)
}

pub fn correlation_id(headers: &HeaderMap) -> Option<String> {
    ID_HEADERS.iter().find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()).map(str::to_string))
}

fn url_path(url: &str) -> String {
    url::Url::parse(url).map(|u| u.path().to_string()).unwrap_or_else(|_| url.to_string())
}

fn api_error(method: &Method, path: &str, status: StatusCode, message: String, ids: &[String]) -> Error {
    Error::Api {
        method: method.to_string(),
        path: path.to_string(),
        status: status.as_u16(),
        message,
        correlation_id: ids.last().cloned(),
    }
}

fn network_error(method: &Method, path: &str, e: &reqwest::Error, attempts: u32) -> Error {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "connection failed"
    };
    Error::Connection(format!("{method} {path} {what} after {attempts} attempts: {}", redact(&e.to_string())))
}

/// reqwest errors quote the URL; query strings never carry secrets here, but strip them anyway.
fn redact(s: &str) -> String {
    match s.find('?') {
        Some(i) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn uuid_like() -> String {
    use rand::Rng;
    let mut r = rand::rng();
    format!("skillsync-{:016x}{:016x}", r.random::<u64>(), r.random::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_what_a_retry_can_fix_and_nothing_else() {
        for s in [408u16, 409, 429, 500, 502, 503, 504] {
            assert!(retryable(StatusCode::from_u16(s).unwrap(), ""), "{s} should be retried");
        }
        for s in [400u16, 401, 403, 404, 501] {
            assert!(!retryable(StatusCode::from_u16(s).unwrap(), ""), "{s} must not be retried");
        }
        assert!(retryable(StatusCode::BAD_REQUEST, "The version supplied does not match the current version"));
    }

    #[test]
    fn reads_retry_after_in_seconds() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
        // Absurd numbers never panic: beyond the longest accepted wait the call fails at once.
        for huge in ["1e20", "1e308", "99999999999999999999999"] {
            h.insert("retry-after", huge.parse().unwrap());
            assert!(retry_after(&h).is_some_and(|ra| ra > MAX_RETRY_AFTER), "{huge} is a wait too long to accept");
        }
        for bad in ["-5", "NaN", "-inf"] {
            h.insert("retry-after", bad.parse().unwrap());
            assert_eq!(retry_after(&h), None, "{bad} is no wait");
        }
    }
}
