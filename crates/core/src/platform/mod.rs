//! The platforms behind one trait: each client reads the tenant's current state in the fewest
//! calls its API allows, turns a plan's changes into the fewest write calls, and reads per-item
//! results. Room is left for more platforms: the engine only sees `PlatformClient`.

pub mod cxone;
pub mod genesys;
pub mod http;
pub mod net;

use crate::error::{Error, Result};
use crate::events::Events;
use crate::model::{Change, PlatformKind, RequestCounts, Snapshot};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

pub use http::HttpSettings;

/// A secret value: never printed, never serialised.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where and how to connect. `base_url`: Genesys' API host (or a sandbox), CXone's issuer.
#[derive(Debug, Clone)]
pub struct Connection {
    pub platform: PlatformKind,
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// CXone only: the access key pair of the password grant.
    pub access_key_id: Secret,
    pub access_key_secret: Secret,
    /// CXone Admin API version, e.g. "v33.0".
    pub api_version: String,
    /// A PEM file of extra root CAs for this tenant (a profile's `ca_file`).
    pub ca_file: Option<std::path::PathBuf>,
}

impl Connection {
    pub fn new(platform: PlatformKind, base_url: &str, client_id: &str, client_secret: Secret) -> Self {
        Connection {
            platform,
            base_url: base_url.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
            client_secret,
            access_key_id: Secret::default(),
            access_key_secret: Secret::default(),
            api_version: "v33.0".into(),
            ca_file: None,
        }
    }

    /// Refuses plain HTTP anywhere but loopback, and missing credentials, before anything is sent.
    pub fn validate(&self) -> Result<url::Url> {
        let url = url::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base URL '{}' is not a URL: {e}", redact_userinfo(&self.base_url))))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(format!(
                "the base URL {} carries a user name or password; secrets go in the profile's keychain entry or \
                 the environment (SKILLSYNC_CLIENT_SECRET), never in a URL",
                redact_userinfo(&self.base_url)
            )));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "plain http:// is accepted only for loopback hosts; use https:// for {}",
                    url.host_str().unwrap_or("")
                )))
            }
            s => return Err(Error::Config(format!("unsupported URL scheme '{s}': use https://"))),
        }
        if self.client_id.trim().is_empty() {
            return Err(Error::Config("the client id is missing (--client-id or the profile)".into()));
        }
        if self.client_secret.is_empty() {
            return Err(Error::Config(
                "the client secret is missing (SKILLSYNC_CLIENT_SECRET or the profile's keychain entry)".into(),
            ));
        }
        if self.platform == PlatformKind::Cxone && (self.access_key_id.is_empty() || self.access_key_secret.is_empty())
        {
            return Err(Error::Config(
                "CXone needs an access key: SKILLSYNC_ACCESS_KEY_ID and SKILLSYNC_ACCESS_KEY_SECRET (or the profile's keychain entries)".into(),
            ));
        }
        Ok(url)
    }
}

/// A URL as it may be shown: any `user:password@` before the host replaced by `***@`.
pub fn redact_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_string(),
    }
}

pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Genesys' regions and their API hosts (API-CONTRACTS.md).
pub const GENESYS_REGIONS: &[(&str, &str)] = &[
    ("us_east_1", "api.mypurecloud.com"),
    ("eu_west_1", "api.mypurecloud.ie"),
    ("ap_southeast_2", "api.mypurecloud.com.au"),
    ("ap_northeast_1", "api.mypurecloud.jp"),
    ("eu_central_1", "api.mypurecloud.de"),
    ("us_west_2", "api.usw2.pure.cloud"),
    ("ca_central_1", "api.cac1.pure.cloud"),
    ("ap_northeast_2", "api.apne2.pure.cloud"),
    ("eu_west_2", "api.euw2.pure.cloud"),
    ("ap_south_1", "api.aps1.pure.cloud"),
    ("us_east_2", "api.use2.us-gov-pure.cloud"),
    ("sa_east_1", "api.sae1.pure.cloud"),
    ("me_central_1", "api.mec1.pure.cloud"),
    ("ap_northeast_3", "api.apne3.pure.cloud"),
    ("eu_central_2", "api.euc2.pure.cloud"),
    ("mx_central_1", "api.mxc1.pure.cloud"),
    ("ap_southeast_1", "api.apse1.pure.cloud"),
];

/// The API base URL of a Genesys region, named as the SDKs do (`us_east_1`, also with dashes) or
/// by the domain people see in their browser (`mypurecloud.ie`, `usw2.pure.cloud`, with or
/// without `api.`/`login.`/`apps.`).
pub fn genesys_region_url(region: &str) -> Result<String> {
    let want = region.trim().to_ascii_lowercase();
    let name = want.replace('-', "_");
    let domain = ["api.", "login.", "apps."].iter().fold(want.as_str(), |d, p| d.strip_prefix(p).unwrap_or(d));
    GENESYS_REGIONS
        .iter()
        .find(|(r, host)| *r == name || host.strip_prefix("api.") == Some(domain))
        .map(|(_, host)| format!("https://{host}"))
        .ok_or_else(|| {
            Error::Config(format!(
                "unknown Genesys region '{region}'; known: {}",
                GENESYS_REGIONS.iter().map(|(r, _)| *r).collect::<Vec<_>>().join(", ")
            ))
        })
}

/// One write call the apply makes.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub op: WriteOp,
    /// Indexes into the plan's `changes`.
    pub items: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Genesys: `PATCH /api/v2/users/{agent}/routingskills/bulk` (adds and updates).
    GenesysPatch { agent_id: String },
    /// Genesys: `DELETE /api/v2/users/{agent}/routingskills/{skill}` (or `…/routinglanguages/{id}`
    /// for a language id).
    GenesysDelete { agent_id: String, skill_id: String },
    /// Genesys: `PATCH /api/v2/users/{agent}/routinglanguages/bulk` (adds and updates languages).
    GenesysLanguagePatch { agent_id: String },
    /// CXone: `POST /skills/{skill}/agents` (new assignments).
    CxoneAssign { skill_id: String },
    /// CXone: `PUT /skills/{skill}/agents` (changed proficiencies).
    CxoneUpdate { skill_id: String },
    /// CXone: `DELETE /skills/{skill}/agents`.
    CxoneRemove { skill_id: String },
}

impl WriteOp {
    /// Removals run before every other write, so an agent at the platform's skill limit has room
    /// for the adds of the same plan.
    pub fn is_removal(&self) -> bool {
        matches!(self, WriteOp::GenesysDelete { .. } | WriteOp::CxoneRemove { .. })
    }

    /// The one agent whose assignments the call changes, when it changes only one agent's.
    pub fn agent(&self) -> Option<&str> {
        match self {
            WriteOp::GenesysPatch { agent_id }
            | WriteOp::GenesysLanguagePatch { agent_id }
            | WriteOp::GenesysDelete { agent_id, .. } => Some(agent_id),
            WriteOp::CxoneAssign { .. } | WriteOp::CxoneUpdate { .. } | WriteOp::CxoneRemove { .. } => None,
        }
    }
}

/// What one item of a write call came to.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult {
    /// Index into the plan's `changes`.
    pub change: usize,
    /// The platform accepted the item.
    pub accepted: bool,
    /// The value the write response shows for the pair, when it shows one: `Some(None)` = shown
    /// as not assigned. `None` = the response does not say; a read-back decides.
    pub confirmed: Option<Option<f64>>,
    pub error: Option<String>,
}

/// What a write call came to. `error` set: the call as a whole failed (after its retries).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchResult {
    pub items: Vec<ItemResult>,
    pub correlation_ids: Vec<String>,
    pub error: Option<String>,
    /// The run was cancelled before any attempt of the call could change anything (it was never
    /// sent, or only ever refused with 429): its rows are skipped, not failed.
    pub unsent: bool,
}

/// The current assignments of a set of pairs, as read back.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReadBack {
    /// (agent id, skill id) → proficiency; absent = not assigned.
    pub values: HashMap<(String, String), f64>,
    /// Assigned but switched off (CXone).
    pub disabled: std::collections::HashSet<(String, String)>,
    /// Agents asked about that the tenant does not hold at all (Genesys: a user id it answers 404
    /// for, or one its listing lacks): a plan naming them was made for another organisation or
    /// the agents were deleted since.
    pub missing_agents: std::collections::HashSet<String>,
}

#[async_trait]
pub trait PlatformClient: Send + Sync {
    fn kind(&self) -> PlatformKind;

    /// The HTTP session every request of this client goes through.
    fn session(&self) -> &http::Session;

    /// Requests made so far.
    fn counts(&self) -> RequestCounts {
        self.session().counts()
    }

    /// The limit the client keeps to now (requests a minute), if known.
    fn rate_per_minute(&self) -> Option<f64> {
        self.session().limiter.per_minute()
    }

    fn set_events(&self, events: Events) {
        self.session().set_events(events)
    }

    /// Every wait of this client's requests ends when `cancel` fires.
    fn set_cancel(&self, cancel: tokio_util::sync::CancellationToken) {
        self.session().set_cancel(cancel)
    }

    /// What a saved plan recorded of the tenant's size, so `read_back` without a fresh snapshot
    /// still picks the fewest reads. Clients that do not need it ignore it.
    fn assume_tenant_size(&self, _agents: usize, _assignments: usize) {}

    /// Authenticates (and discovers the API host): fails fast on bad credentials.
    async fn connect(&self) -> Result<()>;

    /// Skills, agents and every current assignment, in the fewest reads.
    async fn snapshot(&self, events: &Events) -> Result<Snapshot>;

    /// The fewest write calls that carry `changes`.
    fn batches(&self, changes: &[Change]) -> Vec<Batch>;

    /// Sends one write call and reads every item's result. Never fails as a whole: a failed call
    /// is a `BatchResult` with `error` set, so every row keeps its reason.
    async fn write(&self, batch: &Batch, changes: &[Change]) -> BatchResult;

    /// How many reads `read_back` would need for these pairs (for the plan's estimate).
    fn read_back_cost(&self, pairs: &[(&str, &str)], snapshot_assignments: usize) -> u64;

    /// The current values of `pairs` (absent = not assigned), in the fewest reads.
    async fn read_back(&self, pairs: &[(String, String)]) -> Result<(ReadBack, Vec<String>)>;
}

/// The message of an OAuth-style error body (both platforms' token endpoints answer one).
pub(crate) fn oauth_error(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    ["error_description", "description", "message", "error"]
        .iter()
        .find_map(|k| v.get(*k).and_then(|x| x.as_str()).filter(|s| !s.is_empty()).map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned())
}

/// Every item of a call that failed as a whole carries the call's error.
pub(crate) fn failed(batch: &Batch, e: Error) -> BatchResult {
    let msg = e.to_string();
    let ids = match &e {
        Error::Api { correlation_id: Some(c), .. } => vec![c.clone()],
        _ => vec![],
    };
    BatchResult {
        items: batch
            .items
            .iter()
            .map(|&i| ItemResult { change: i, accepted: false, confirmed: None, error: Some(msg.clone()) })
            .collect(),
        correlation_ids: ids,
        error: Some(msg),
        unsent: matches!(e, Error::Cancelled),
    }
}

/// Percent-encodes an id for a URL path segment.
pub(crate) fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Builds the client for a connection.
/// The connection's CA file is used when the settings name none.
pub fn client(conn: &Connection, mut settings: HttpSettings) -> Result<Arc<dyn PlatformClient>> {
    conn.validate()?;
    if settings.ca_file.is_none() {
        settings.ca_file = conn.ca_file.clone();
    }
    Ok(match conn.platform {
        PlatformKind::Genesys => Arc::new(genesys::Genesys::new(conn, settings)?),
        PlatformKind::Cxone => Arc::new(cxone::Cxone::new(conn, settings)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesys_regions_by_name_or_by_domain() {
        let ie = Ok("https://api.mypurecloud.ie".to_string());
        for r in [
            "eu_west_1",
            "eu-west-1",
            "mypurecloud.ie",
            "login.mypurecloud.ie",
            "api.mypurecloud.ie",
            " MyPureCloud.IE ",
        ] {
            assert_eq!(genesys_region_url(r).map_err(|e| e.to_string()), ie, "{r}");
        }
        assert_eq!(genesys_region_url("usw2.pure.cloud").unwrap(), "https://api.usw2.pure.cloud");
        assert_eq!(genesys_region_url("use2.us-gov-pure.cloud").unwrap(), "https://api.use2.us-gov-pure.cloud");
        assert!(genesys_region_url("pure.cloud").is_err(), "a bare suffix is no region");
        assert!(genesys_region_url("example.com").is_err());
    }

    fn conn(url: &str) -> Connection {
        Connection::new(PlatformKind::Genesys, url, "id", Secret::new("s"))
    }

    #[test]
    fn a_base_url_with_a_password_is_refused_without_showing_it() {
        for url in ["https://me:hunter2@api.mypurecloud.com", "https://hunter2@api.mypurecloud.com"] {
            let e = conn(url).validate().unwrap_err();
            assert_eq!(e.code(), "config.invalid");
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
        assert_eq!(redact_userinfo("https://a:b@h.example/p?q=@"), "https://***@h.example/p?q=@");
        assert_eq!(redact_userinfo("https://h.example/p@x"), "https://h.example/p@x");
        assert_eq!(redact_userinfo("not a url"), "not a url");
    }

    #[test]
    fn plain_http_only_for_loopback() {
        assert!(conn("http://127.0.0.1:8080").validate().is_ok());
        assert!(conn("http://localhost:1").validate().is_ok());
        assert!(conn("https://api.mypurecloud.com").validate().is_ok());
        let e = conn("http://api.mypurecloud.com").validate().unwrap_err();
        assert_eq!(e.code(), "config.invalid");
        assert!(e.to_string().contains("loopback"), "{e}");
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        let c = conn("http://127.0.0.1:1");
        assert!(!format!("{c:?}").contains("\"s\""));
    }

    #[test]
    fn regions_map_to_api_hosts() {
        assert_eq!(genesys_region_url("eu_west_1").unwrap(), "https://api.mypurecloud.ie");
        assert_eq!(genesys_region_url("us-east-2").unwrap(), "https://api.use2.us-gov-pure.cloud");
        assert!(genesys_region_url("mars_1").is_err());
    }
}
