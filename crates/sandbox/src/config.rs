//! What a sandbox is started with: the platform it imitates, its tenant, and how hostile it is
//! (rate limit, token lifetime, latency, injected faults).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;
use crate::tenant::TenantFile;

/// The platform a sandbox imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Genesys,
    Cxone,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Genesys => "genesys",
            Platform::Cxone => "cxone",
        }
    }

    /// Requests per minute per token when the configuration leaves it open: Genesys documents 300,
    /// CXone publishes none.
    pub fn default_rate_limit(self) -> u32 {
        match self {
            Platform::Genesys => 300,
            Platform::Cxone => 0,
        }
    }

    /// The token lifetime each platform hands out by default.
    pub fn default_token_ttl(self) -> Duration {
        match self {
            Platform::Genesys => Duration::from_secs(86_400),
            Platform::Cxone => Duration::from_secs(3_600),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = SandboxError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "genesys" => Ok(Platform::Genesys),
            "cxone" => Ok(Platform::Cxone),
            other => Err(SandboxError::UnknownPlatform(other.to_string())),
        }
    }
}

/// Where the tenant's skills, users and assignments come from.
#[derive(Debug, Clone)]
pub enum TenantSource {
    Generated { agents: usize, skills: usize, seed: u64 },
    File(PathBuf),
    Inline(TenantFile),
}

/// Everything [`crate::Sandbox::start`] needs.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub platform: Platform,
    /// 0 picks a free port.
    pub port: u16,
    pub tenant: TenantSource,
    /// `None` = the platform's default; `Some(0)` = unlimited.
    pub rate_limit_per_minute: Option<u32>,
    pub token_ttl: Duration,
    /// Added to every platform response.
    pub latency: Duration,
    pub faults: Faults,
    /// Drives the fault draws and the `expand_drop` choice, so a run repeats exactly.
    pub seed: u64,
    /// No listing page holds more than this many items, whatever the client asks (Genesys
    /// `pageSize`, CXone `top`); the paging metadata tells the capped size. `None` = no cap.
    pub page_cap: Option<usize>,
    /// Genesys: the share (0 to 1) of users listed with `expand=skills` that come back without a
    /// `skills` field, as the SDK warns expands are best effort. The same users every time for a
    /// seed.
    pub expand_drop: f64,
}

impl SandboxConfig {
    /// The platform's defaults with a generated tenant of 50 agents and 12 skills, seed 1.
    pub fn new(platform: Platform) -> Self {
        SandboxConfig {
            platform,
            port: 0,
            tenant: TenantSource::Generated { agents: 50, skills: 12, seed: 1 },
            rate_limit_per_minute: None,
            token_ttl: platform.default_token_ttl(),
            latency: Duration::ZERO,
            faults: Faults::none(),
            seed: 1,
            page_cap: None,
            expand_drop: 0.0,
        }
    }

    /// Refuses settings that make no sense: a page cap of 0, an `expand_drop` outside 0 to 1.
    pub(crate) fn check(&self) -> Result<(), SandboxError> {
        if self.page_cap == Some(0) {
            return Err(SandboxError::BadOption("the page cap must be at least 1".into()));
        }
        if !(0.0..=1.0).contains(&self.expand_drop) {
            return Err(SandboxError::BadOption(format!(
                "expand_drop is a share from 0 to 1, got {}",
                self.expand_drop
            )));
        }
        Ok(())
    }
}

/// The faults a sandbox can inject, named as in `--faults`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// 429 Too Many Requests, as if another client had used up the token's budget.
    TooMany,
    /// 500 Internal Server Error.
    Internal,
    /// 502 Bad Gateway.
    BadGateway,
    /// 503 Service Unavailable.
    Unavailable,
    /// 409 Conflict (Genesys' version conflict).
    Conflict,
    /// The write is applied, then the response hangs for 30 s.
    Timeout,
    /// The write is applied, then the connection breaks mid-response.
    Reset,
    /// CXone writes only: one item of the batch fails inside the 200.
    ItemError,
}

impl FaultKind {
    pub const ALL: [FaultKind; 8] = [
        FaultKind::TooMany,
        FaultKind::Internal,
        FaultKind::BadGateway,
        FaultKind::Unavailable,
        FaultKind::Conflict,
        FaultKind::Timeout,
        FaultKind::Reset,
        FaultKind::ItemError,
    ];

    /// The name used in `--faults` and in the docs.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::TooMany => "429",
            FaultKind::Internal => "500",
            FaultKind::BadGateway => "502",
            FaultKind::Unavailable => "503",
            FaultKind::Conflict => "409",
            FaultKind::Timeout => "timeout",
            FaultKind::Reset => "reset",
            FaultKind::ItemError => "itemerror",
        }
    }

    /// The HTTP status of the faults that answer instead of the handler.
    pub(crate) fn status(self) -> Option<u16> {
        match self {
            FaultKind::TooMany => Some(429),
            FaultKind::Internal => Some(500),
            FaultKind::BadGateway => Some(502),
            FaultKind::Unavailable => Some(503),
            FaultKind::Conflict => Some(409),
            FaultKind::Timeout | FaultKind::Reset | FaultKind::ItemError => None,
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FaultKind {
    type Err = SandboxError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        FaultKind::ALL.into_iter().find(|k| k.as_str() == wanted).ok_or_else(|| {
            SandboxError::BadFaultSpec(format!(
                "unknown fault kind `{}` (known: 429 500 502 503 409 timeout reset itemerror)",
                s.trim()
            ))
        })
    }
}

/// Fault kind → probability per API request. The probabilities add up to at most 1, because one
/// uniform draw per request picks at most one fault.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    probabilities: BTreeMap<FaultKind, f64>,
}

impl Faults {
    pub fn none() -> Self {
        Faults::default()
    }

    /// One kind at a probability; a convenience for tests.
    pub fn only(kind: FaultKind, probability: f64) -> Result<Self, SandboxError> {
        Faults::none().with(kind, probability)
    }

    /// Adds (or replaces) one kind, checking the same rules as the `--faults` parser.
    pub fn with(mut self, kind: FaultKind, probability: f64) -> Result<Self, SandboxError> {
        if !(0.0..=1.0).contains(&probability) {
            return Err(SandboxError::BadFaultSpec(format!(
                "probability of `{kind}` must be between 0 and 1, got {probability}"
            )));
        }
        self.probabilities.insert(kind, probability);
        let sum: f64 = self.probabilities.values().sum();
        if sum > 1.0 + 1e-9 {
            return Err(SandboxError::BadFaultSpec(format!("the probabilities add up to {sum}, more than 1")));
        }
        Ok(self)
    }

    pub fn probability(&self, kind: FaultKind) -> f64 {
        self.probabilities.get(&kind).copied().unwrap_or(0.0)
    }

    pub fn is_empty(&self) -> bool {
        self.probabilities.values().all(|p| *p <= 0.0)
    }

    /// Picks the fault for one request from a uniform draw in [0, 1); `item_errors` says whether
    /// `itemerror` applies to this request at all (CXone writes only).
    pub(crate) fn pick(&self, draw: f64, item_errors: bool) -> Option<FaultKind> {
        let mut edge = 0.0;
        for (kind, p) in &self.probabilities {
            edge += p;
            if draw < edge {
                return (*kind != FaultKind::ItemError || item_errors).then_some(*kind);
            }
        }
        None
    }
}

impl FromStr for Faults {
    type Err = SandboxError;

    /// `"429=0.1,500=0.05,timeout=0.01,itemerror=0.2"`; an empty string means no faults.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut faults = Faults::none();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, probability) = part
                .split_once('=')
                .ok_or_else(|| SandboxError::BadFaultSpec(format!("`{part}` is not KIND=PROBABILITY")))?;
            let kind: FaultKind = kind.parse()?;
            let probability: f64 = probability.trim().parse().map_err(|_| {
                SandboxError::BadFaultSpec(format!(
                    "`{}` is not a probability (a number from 0 to 1)",
                    probability.trim()
                ))
            })?;
            faults = faults.with(kind, probability)?;
        }
        Ok(faults)
    }
}

impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.probabilities.iter().map(|(k, p)| format!("{k}={p}")).collect();
        f.write_str(&parts.join(","))
    }
}

/// What a client needs to authenticate against the sandbox. Random per start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    /// CXone only: the access key id sent as the password grant's `username`.
    pub access_key_id: Option<String>,
    /// CXone only: always contains `=` or `+`, as real keys do, so a client that forgets to
    /// form-encode it fails here too.
    pub access_key_secret: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_spec_parses_every_kind_and_rejects_nonsense() {
        let f: Faults = "429=0.1,500=0.05,502=0.05,503=0.05,409=0.05,timeout=0.01,reset=0.01,itemerror=0.2"
            .parse()
            .expect("the documented spec parses");
        assert_eq!(f.probability(FaultKind::TooMany), 0.1, "429 probability");
        assert_eq!(f.probability(FaultKind::ItemError), 0.2, "itemerror probability");
        assert!("".parse::<Faults>().expect("empty spec").is_empty(), "empty spec means no faults");
        for bad in ["418=0.1", "429", "429=abc", "429=1.5", "429=0.7,500=0.6"] {
            let err = bad.parse::<Faults>().expect_err(bad);
            assert_eq!(err.code(), "sandbox.bad_faults", "{bad} must be a bad fault spec");
        }
    }

    #[test]
    fn fault_pick_walks_the_cumulative_probabilities() {
        let f: Faults = "500=0.25,itemerror=0.25".parse().expect("spec");
        assert_eq!(f.pick(0.1, true), Some(FaultKind::Internal), "low draw hits the first kind");
        assert_eq!(f.pick(0.3, true), Some(FaultKind::ItemError), "itemerror on a CXone write");
        assert_eq!(f.pick(0.3, false), None, "itemerror does not apply to other requests");
        assert_eq!(f.pick(0.9, true), None, "a draw above the sum is no fault");
    }

    #[test]
    fn platform_parses_case_insensitively() {
        assert_eq!("Genesys".parse::<Platform>().expect("genesys"), Platform::Genesys, "genesys");
        assert_eq!("cxone".parse::<Platform>().expect("cxone"), Platform::Cxone, "cxone");
        assert_eq!("five9".parse::<Platform>().expect_err("five9").code(), "sandbox.unknown_platform", "unknown");
    }
}
