//! NICE CXone (Admin API). Connects by discovery (issuer → token endpoint → password grant with an
//! access key → the `id_token`'s tenant → the API host). Reads `/skills`, `/agents` and the whole
//! `/agents/skills` listing. Writes per skill: one POST for new and one PUT for changed
//! assignments, up to 1,000 agents a call. Writes answer 200 even when items fail, so every item's
//! result is read, and success is only ever claimed after a read-back.

use super::http::{Authenticator, Kind, Session, Token};
use super::{
    enc, failed, oauth_error, Batch, BatchResult, Connection, HttpSettings, ItemResult, PlatformClient, ReadBack,
    Secret, WriteOp,
};
use crate::error::{Error, Result};
use crate::events::{Event, Events};
use crate::model::{Agent, Change, ItemKind, PlatformKind, Skill, Snapshot, Target};
use async_trait::async_trait;
use base64::Engine;
use futures::{StreamExt, TryStreamExt};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// Agents a write call takes (the contract leaves the real maximum open; NICE recommends 1,000
/// records per bulk upload, and the sandbox refuses more).
pub const MAX_BATCH: usize = 1000;
/// Page size of `/skills` and `/agents`.
pub const LIST_PAGE: usize = 1000;
/// Page size of `/agents/skills` (pages of 10,000 are seen in use).
pub const ASSIGNMENT_PAGE: usize = 10_000;
const READ_CONCURRENCY: usize = 4;
/// The assignment listings filter on `isActive`, `isAgentActive` and `isSkillActive`, each `true`
/// when absent, so disabled assignments (which still exist) are only seen when asked for. These are
/// the filters of the listings that together hold every assignment of an active agent.
const ASSIGNMENT_FILTERS: [&str; 4] = [
    "isActive=true&isAgentActive=true&isSkillActive=true",
    "isActive=false&isAgentActive=true&isSkillActive=true",
    "isActive=true&isAgentActive=true&isSkillActive=false",
    "isActive=false&isAgentActive=true&isSkillActive=false",
];

pub struct Cxone {
    session: Session,
    /// `{api_endpoint}/incontactapi/services/{version}`, known after `connect`.
    api: parking_lot::RwLock<Option<String>>,
    api_version: String,
    issuer: String,
    claims: Claims,
    /// Assignments in the tenant, learnt from the snapshot: decides how to read back.
    assignments_total: std::sync::atomic::AtomicUsize,
    /// Skill id → active, learnt from the snapshot: a skill's assignments are read back with the
    /// skill's own `isSkillActive`.
    skill_active: parking_lot::RwLock<HashMap<String, bool>>,
}

struct AccessKeyGrant {
    issuer: String,
    client_id: String,
    client_secret: Secret,
    key_id: Secret,
    key_secret: Secret,
    /// The `id_token`'s claims of the last grant: tenant and issuer for discovery.
    claims: Claims,
}

type Claims = std::sync::Arc<parking_lot::Mutex<Option<serde_json::Value>>>;

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    id_token: Option<String>,
}

#[async_trait]
impl Authenticator for AccessKeyGrant {
    async fn token(&self, http: &reqwest::Client) -> Result<Token> {
        let disco_url = format!("{}/.well-known/openid-configuration", self.issuer);
        let disco: serde_json::Value = get_json(http, &disco_url).await?;
        let token_url = disco
            .get("token_endpoint")
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Connection(format!("{disco_url} names no token_endpoint")))?
            .to_string();
        // The client secret and the access key travel to it.
        trusted_endpoint(&self.issuer, "token_endpoint", &token_url)?;
        let resp = http
            .post(&token_url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .form(&[
                ("grant_type", "password"),
                ("username", self.key_id.expose()),
                ("password", self.key_secret.expose()),
            ])
            .send()
            .await
            .map_err(|e| Error::Connection(format!("token request to {token_url} failed: {e}")))?;
        let (status, body) = super::http::read_auth_reply(&token_url, resp).await?;
        if !status.is_success() {
            return Err(Error::Auth(format!(
                "{token_url} refused the access key or the app's client id/secret ({status}): {}",
                oauth_error(&body)
            )));
        }
        let t: TokenReply =
            serde_json::from_slice(&body).map_err(|e| Error::Auth(format!("the token reply is not a token: {e}")))?;
        if let Some(id) = t.id_token.as_deref() {
            *self.claims.lock() = Some(jwt_claims(id)?);
        }
        Ok(Token {
            access_token: t.access_token,
            expires_at: crate::bounded::from_now(crate::bounded::whole_seconds(t.expires_in.unwrap_or(3600))),
        })
    }
}

/// A discovery document: no redirect followed, at most [`super::http::MAX_AUTH_BODY`].
async fn get_json(http: &reqwest::Client, url: &str) -> Result<serde_json::Value> {
    let resp = http.get(url).send().await.map_err(|e| Error::Connection(format!("GET {url} failed: {e}")))?;
    let (status, body) = super::http::read_auth_reply(url, resp).await?;
    if !status.is_success() {
        return Err(Error::Connection(format!("GET {url} answered {status}")));
    }
    serde_json::from_slice(&body).map_err(|e| Error::Connection(format!("GET {url}: not JSON: {e}")))
}

/// The domains NICE serves CXone from (API-CONTRACTS: issuers, API hosts, discovery).
pub const NICE_DOMAINS: [&str; 4] =
    ["niceincontact.com", "nice-incontact.com", "nicecxone-sov1.au", "nicecxone-sov1.eu"];

/// An endpoint learned from discovery or a token (`token_endpoint`, `iss`, `api_endpoint`) is
/// followed only when it is https (plain http on loopback aside) and within NICE's domains or on
/// the host the user configured as the issuer: a forged discovery answer cannot send the access
/// key, or the token, anywhere else.
pub fn trusted_endpoint(issuer: &str, what: &str, endpoint: &str) -> Result<url::Url> {
    let refuse = |why: &str| {
        Error::Config(format!(
            "discovery named the {what} {}, which {why}; nothing was sent there",
            super::redact_userinfo(endpoint)
        ))
    };
    let url = url::Url::parse(endpoint).map_err(|_| refuse("is not a URL"))?;
    let loopback = super::is_loopback(&url);
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(refuse("is not https://")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("carries a user name or password"));
    }
    let host = url.host_str().unwrap_or("").trim_end_matches('.').to_ascii_lowercase();
    let own = url::Url::parse(issuer).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    let in_family = NICE_DOMAINS.iter().any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if in_family || own.as_deref() == Some(host.as_str()) {
        Ok(url)
    } else {
        Err(refuse(&format!(
            "is outside NICE's domains ({}) and is not the issuer's own host",
            NICE_DOMAINS.join(", ")
        )))
    }
}

/// The claims of a JWT (its signature is the issuer's business: the token came over TLS from it).
pub fn jwt_claims(jwt: &str) -> Result<serde_json::Value> {
    let payload = jwt.split('.').nth(1).ok_or_else(|| Error::Auth("the id_token is not a JWT".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| Error::Auth(format!("the id_token's payload is not base64url: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Auth(format!("the id_token's claims are not JSON: {e}")))
}

/// CXone may put the error in an `icStatusDescription` header instead of the body.
fn describe(headers: &HeaderMap, body: &[u8]) -> String {
    if let Some(d) = headers.get("icstatusdescription").and_then(|v| v.to_str().ok()).filter(|s| !s.is_empty()) {
        return d.to_string();
    }
    oauth_error(body)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSkill {
    skill_id: i64,
    #[serde(default)]
    skill_name: String,
    #[serde(default)]
    is_active: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAgent {
    agent_id: i64,
    #[serde(default)]
    user_name: Option<String>,
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    is_active: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAssignment {
    agent_id: i64,
    skill_id: i64,
    #[serde(default)]
    agent_proficiency_value: Option<f64>,
    #[serde(default)]
    is_active: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Page {
    #[serde(default)]
    skills: Vec<WireSkill>,
    #[serde(default)]
    agents: Vec<WireAgent>,
    #[serde(default)]
    agent_skill_assignments: Vec<WireAssignment>,
    #[serde(default)]
    total_records: Option<u64>,
    #[serde(default, rename = "_links")]
    links: Option<serde_json::Value>,
}

impl Page {
    fn len(&self) -> usize {
        self.skills.len() + self.agents.len() + self.agent_skill_assignments.len()
    }
    /// Keeps the first `n` items (a page that reaches into the next one's records).
    fn truncate(&mut self, n: usize) {
        self.skills.truncate(n);
        self.agents.truncate(n);
        self.agent_skill_assignments.truncate(n);
    }
    fn is_empty_page(&self) -> bool {
        self.len() == 0
    }
    fn has_next(&self) -> bool {
        self.links.as_ref().and_then(|l| l.get("next")).is_some_and(|n| !n.is_null() && n.as_str() != Some(""))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultSet {
    #[serde(default)]
    error_count: u64,
    #[serde(default)]
    agent_results: Vec<ItemReply>,
    #[serde(default)]
    skill_results: Vec<ItemReply>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemReply {
    #[serde(default)]
    agent_id: Option<i64>,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    error: Option<String>,
}

impl Cxone {
    pub fn new(conn: &Connection, settings: HttpSettings) -> Result<Self> {
        let issuer = conn.base_url.trim_end_matches('/').to_string();
        let claims = Claims::default();
        let auth = AccessKeyGrant {
            issuer: issuer.clone(),
            client_id: conn.client_id.clone(),
            client_secret: conn.client_secret.clone(),
            key_id: conn.access_key_id.clone(),
            key_secret: conn.access_key_secret.clone(),
            claims: claims.clone(),
        };
        Ok(Cxone {
            session: Session::new(settings, Box::new(auth), describe)?,
            api: parking_lot::RwLock::new(None),
            api_version: conn.api_version.clone(),
            issuer,
            claims,
            assignments_total: std::sync::atomic::AtomicUsize::new(0),
            skill_active: parking_lot::RwLock::new(HashMap::new()),
        })
    }

    fn api(&self) -> Result<String> {
        self.api.read().clone().ok_or_else(|| Error::Config("not connected: call connect() first".into()))
    }

    /// GETs one page; 204 No Content is an empty page.
    async fn page(&self, url: &str) -> Result<Page> {
        let reply = self.session.send(Kind::Read, Method::GET, url, None).await?;
        if reply.status == reqwest::StatusCode::NO_CONTENT || reply.body.is_empty() {
            return Ok(Page::default());
        }
        reply.json(url)
    }

    /// Reads a listing whole. Pages are taken as the server gives them, never assumed full: the
    /// first page's length is the server's page size, the rest are read in parallel from there,
    /// a page that comes back short is followed from where it ended, and the records received must
    /// add up to `totalRecords`. Without a count, pages are followed by the records received until
    /// one is empty or names no next page.
    async fn list(&self, path: &str, top: usize, events: &Events) -> Result<Vec<Page>> {
        let api = self.api()?;
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = |skip: usize| format!("{api}{path}{sep}top={top}&skip={skip}");
        let first = self.page(&url(0)).await?;
        let step = first.len();
        let total = first.total_records.map(|t| t.min(usize::MAX as u64) as usize);
        let mut pages: Vec<(usize, Page)> = Vec::new();
        match total {
            Some(total) if step > 0 && step < total => {
                crate::bounded::pages(path, total.div_ceil(step) as u64, crate::bounded::MAX_PAGES)?;
                let offsets: Vec<usize> = (1..).map(|k| k * step).take_while(|&o| o < total).collect();
                let n = offsets.len() as u64 + 1;
                events.emit(Event::Read { done: 1, total: Some(n) });
                pages.push((0, first));
                let rest: Vec<(usize, Page)> = futures::stream::iter(offsets)
                    .map(|o| {
                        let u = url(o);
                        async move { self.page(&u).await.map(|p| (o, p)) }
                    })
                    .buffered(READ_CONCURRENCY)
                    .try_collect()
                    .await?;
                pages.extend(rest);
                self.fill_gaps(&mut pages, total, &url).await?;
            }
            Some(_) => pages.push((0, first)),
            None => {
                let mut more = step > 0 && (first.has_next() || first.links.is_none());
                let mut skip = step;
                pages.push((0, first));
                while more {
                    crate::bounded::pages(path, pages.len() as u64 + 1, crate::bounded::MAX_PAGES)?;
                    let p = self.page(&url(skip)).await?;
                    events.emit(Event::Read { done: pages.len() as u64 + 1, total: None });
                    more = !p.is_empty_page() && (p.has_next() || p.links.is_none());
                    let len = p.len();
                    pages.push((skip, p));
                    skip += len;
                }
            }
        }
        let received: usize = pages.iter().map(|(_, p)| p.len()).sum();
        if let Some(total) = total.filter(|&t| t != received) {
            return Err(Error::Api {
                method: "GET".into(),
                path: path.to_string(),
                status: 200,
                message: format!(
                    "the listing said totalRecords {total} but its pages held {received}; the tenant may be changing — run again"
                ),
                correlation_id: None,
            });
        }
        Ok(pages.into_iter().map(|(_, p)| p).collect())
    }

    /// Pages at `offset`s that came back shorter than the gap to the next one are followed from
    /// where they ended; pages that reach into the next one are cut.
    async fn fill_gaps(
        &self,
        pages: &mut Vec<(usize, Page)>,
        total: usize,
        url: &(dyn Fn(usize) -> String + Sync),
    ) -> Result<()> {
        pages.sort_by_key(|(o, _)| *o);
        let mut k = 0;
        while k < pages.len() {
            let end = pages.get(k + 1).map_or(total, |(o, _)| *o);
            let (o, p) = &mut pages[k];
            if *o + p.len() > end {
                p.truncate(end - *o);
            }
            let reached = *o + p.len();
            if reached < end {
                crate::bounded::pages("a listing", pages.len() as u64 + 1, crate::bounded::MAX_PAGES)?;
                let mut follow = self.page(&url(reached)).await?;
                if follow.is_empty_page() {
                    k += 1;
                    continue; // the count will not add up: reported by the caller
                }
                follow.truncate(end - reached);
                pages.insert(k + 1, (reached, follow));
            }
            k += 1;
        }
        Ok(())
    }

    async fn write_skill(&self, method: Method, skill_id: &str, batch: &Batch, changes: &[Change]) -> BatchResult {
        let api = match self.api() {
            Ok(a) => a,
            Err(e) => return failed(batch, e),
        };
        let mut agents = Vec::with_capacity(batch.items.len());
        let mut by_agent: HashMap<i64, usize> = HashMap::new();
        let mut bad = Vec::new();
        for &i in &batch.items {
            let c = &changes[i];
            match c.agent_id.parse::<i64>() {
                Ok(id) => {
                    by_agent.insert(id, i);
                    agents.push(match c.target {
                        // An update sends the assignment's own state back; a new one starts active.
                        Target::Set(v) => json!({
                            "agentId": id,
                            "proficiency": v.round() as i64,
                            "isActive": c.active.unwrap_or(true),
                        }),
                        Target::Remove => json!({"agentId": id}),
                    });
                }
                Err(_) => bad.push(i),
            }
        }
        let url = format!("{api}/skills/{}/agents", enc(skill_id));
        let reply = match self.session.send(Kind::Write, method, &url, Some(&json!({ "agents": agents }))).await {
            Ok(r) => r,
            Err(e) => return failed(batch, e),
        };
        let rs: Option<ResultSet> = serde_json::from_slice::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("resultSet").cloned())
            .and_then(|v| serde_json::from_value(v).ok());
        let mut results: HashMap<usize, ItemResult> = HashMap::new();
        if let Some(rs) = &rs {
            for item in rs.agent_results.iter().chain(&rs.skill_results) {
                let Some(&i) = item.agent_id.and_then(|a| by_agent.get(&a)) else { continue };
                let ok = item.success.unwrap_or(item.error.is_none());
                results.insert(
                    i,
                    ItemResult {
                        change: i,
                        accepted: ok,
                        confirmed: None,
                        error: if ok {
                            None
                        } else {
                            Some(
                                item.error.clone().unwrap_or_else(|| "the platform reported the item as failed".into()),
                            )
                        },
                    },
                );
            }
        }
        let error_count = rs.as_ref().map(|r| r.error_count).unwrap_or(0);
        let items = batch
            .items
            .iter()
            .map(|&i| {
                if bad.contains(&i) {
                    return ItemResult {
                        change: i,
                        accepted: false,
                        confirmed: None,
                        error: Some(format!("agent id '{}' is not a CXone agent id (an integer)", changes[i].agent_id)),
                    };
                }
                results.remove(&i).unwrap_or(ItemResult {
                    change: i,
                    // No per-item result: accepted only if the call reported no errors at all;
                    // the read-back decides either way.
                    accepted: error_count == 0,
                    confirmed: None,
                    error: (error_count > 0)
                        .then(|| format!("the platform reported {error_count} failed item(s) without naming this one")),
                })
            })
            .collect();
        BatchResult { items, correlation_ids: reply.correlation_ids, error: None, unsent: false }
    }
}

#[async_trait]
impl PlatformClient for Cxone {
    fn kind(&self) -> PlatformKind {
        PlatformKind::Cxone
    }

    fn session(&self) -> &Session {
        &self.session
    }

    async fn connect(&self) -> Result<()> {
        self.session.authenticate().await?;
        let claims = self.claims.lock().clone();
        let claims =
            claims.ok_or_else(|| Error::Auth("the token reply carried no id_token: cannot find the tenant".into()))?;
        let tenant = claims
            .get("tenantId")
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Auth("the id_token names no tenantId".into()))?;
        let iss = claims.get("iss").and_then(|v| v.as_str()).unwrap_or(&self.issuer).trim_end_matches('/').to_string();
        trusted_endpoint(&self.issuer, "issuer (iss)", &iss)?;
        let url = format!("{iss}/.well-known/cxone-configuration?tenantId={}", enc(tenant));
        let cfg = get_json(self.session.auth_http(), &url).await?;
        let endpoint = cfg
            .get("api_endpoint")
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Connection(format!("{url} names no api_endpoint")))?;
        let endpoint = endpoint.trim_end_matches('/');
        trusted_endpoint(&self.issuer, "api_endpoint", endpoint)?;
        *self.api.write() = Some(format!("{endpoint}/incontactapi/services/{}", self.api_version));
        Ok(())
    }

    async fn snapshot(&self, events: &Events) -> Result<Snapshot> {
        let skills = self.list("/skills", LIST_PAGE, events).await?;
        let agents = self.list("/agents", LIST_PAGE, events).await?;
        let assignments = self.all_assignments(events).await?;
        let mut snap = Snapshot::default();
        for s in skills.into_iter().flat_map(|p| p.skills) {
            snap.skills.push(Skill {
                id: s.skill_id.to_string(),
                name: s.skill_name,
                active: s.is_active.unwrap_or(true),
                kind: ItemKind::Skill,
            });
        }
        for a in agents.into_iter().flat_map(|p| p.agents) {
            let name =
                format!("{} {}", a.first_name.unwrap_or_default(), a.last_name.unwrap_or_default()).trim().to_string();
            snap.agents.push(Agent {
                id: a.agent_id.to_string(),
                name,
                email: a.email_address.unwrap_or_default(),
                username: a.user_name.unwrap_or_default(),
                active: a.is_active.unwrap_or(true),
            });
        }
        let mut out = ReadBack::default();
        collect_assignments(assignments, &mut out);
        snap.assignments = out.values;
        snap.disabled = out.disabled;
        *self.skill_active.write() = snap.skills.iter().map(|s| (s.id.clone(), s.active)).collect();
        self.assignments_total.store(snap.assignments.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(snap)
    }

    fn batches(&self, changes: &[Change]) -> Vec<Batch> {
        // Per skill: new assignments (POST), changed ones (PUT), removals (DELETE).
        let mut by_skill: rustc_hash::FxHashMap<(&str, u8), Vec<usize>> = Default::default();
        for (i, c) in changes.iter().enumerate() {
            let kind = match (c.target, c.before) {
                (Target::Set(_), None) => 0,
                (Target::Set(_), Some(_)) => 1,
                (Target::Remove, _) => 2,
            };
            by_skill.entry((&c.skill_id, kind)).or_default().push(i);
        }
        // Skills in order, as a tree would give them, sorted once rather than searched per change.
        let mut by_skill: Vec<((&str, u8), Vec<usize>)> = by_skill.into_iter().collect();
        by_skill.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        for ((skill, kind), items) in by_skill {
            for chunk in items.chunks(MAX_BATCH) {
                let skill_id = skill.to_string();
                let op = match kind {
                    0 => WriteOp::CxoneAssign { skill_id },
                    1 => WriteOp::CxoneUpdate { skill_id },
                    _ => WriteOp::CxoneRemove { skill_id },
                };
                out.push(Batch { op, items: chunk.to_vec() });
            }
        }
        out
    }

    async fn write(&self, batch: &Batch, changes: &[Change]) -> BatchResult {
        match &batch.op {
            WriteOp::CxoneAssign { skill_id } => self.write_skill(Method::POST, skill_id, batch, changes).await,
            WriteOp::CxoneUpdate { skill_id } => self.write_skill(Method::PUT, skill_id, batch, changes).await,
            WriteOp::CxoneRemove { skill_id } => self.write_skill(Method::DELETE, skill_id, batch, changes).await,
            other => failed(batch, Error::Input(format!("{other:?} is not a CXone write"))),
        }
    }

    fn assume_tenant_size(&self, _agents: usize, assignments: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        if self.assignments_total.load(Relaxed) == 0 {
            self.assignments_total.store(assignments, Relaxed);
        }
    }

    fn read_back_cost(&self, pairs: &[(&str, &str)], snapshot_assignments: usize) -> u64 {
        let skills: rustc_hash::FxHashSet<&str> = pairs.iter().map(|&(_, s)| s).collect();
        let known = snapshot_assignments.max(self.assignments_total.load(std::sync::atomic::Ordering::Relaxed));
        // Relisting: the filtered listings these skills need, one page each at least.
        let lists = self.relist_filters(skills.iter().copied()).len() as u64;
        let full = (known + pairs.len()).div_ceil(ASSIGNMENT_PAGE) as u64 + lists - 1;
        // Per skill: its enabled and its disabled assignments.
        (2 * skills.len() as u64).min(full)
    }

    async fn read_back(&self, pairs: &[(String, String)]) -> Result<(ReadBack, Vec<String>)> {
        let mut out = ReadBack::default();
        if pairs.is_empty() {
            return Ok((out, vec![]));
        }
        let skills: BTreeSet<&str> = pairs.iter().map(|(_, s)| s.as_str()).collect();
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(a, s)| (a.as_str(), s.as_str())).collect();
        let pages: Vec<Page> = if 2 * skills.len() as u64 <= self.read_back_cost(&borrowed, 0) {
            let lists: Vec<String> = skills
                .into_iter()
                .flat_map(|s| {
                    let skill_active = self.skill_active.read().get(s).copied().unwrap_or(true);
                    [true, false].map(|on| {
                        format!(
                            "/skills/{}/agents?isActive={on}&isAgentActive=true&isSkillActive={skill_active}",
                            enc(s)
                        )
                    })
                })
                .collect();
            let per: Vec<Vec<Page>> = futures::stream::iter(lists)
                .map(|path: String| async move { self.list(&path, ASSIGNMENT_PAGE, &Events::none()).await })
                .buffer_unordered(READ_CONCURRENCY)
                .try_collect()
                .await?;
            per.into_iter().flatten().collect()
        } else {
            self.assignment_lists(&self.relist_filters(pairs.iter().map(|(_, s)| s.as_str())), &Events::none()).await?
        };
        collect_assignments(pages, &mut out);
        Ok((out, vec![]))
    }
}

impl Cxone {
    /// Every assignment of every active agent, enabled or not, of active and inactive skills.
    async fn all_assignments(&self, events: &Events) -> Result<Vec<Page>> {
        self.assignment_lists(&ASSIGNMENT_FILTERS, events).await
    }

    /// The listings that hold `pairs`: enabled and disabled assignments, of inactive skills only
    /// when one of the pairs' skills is inactive.
    fn relist_filters<'p>(&self, skills: impl IntoIterator<Item = &'p str>) -> Vec<&'static str> {
        let active = self.skill_active.read();
        let any_inactive = skills.into_iter().any(|s| active.get(s) == Some(&false));
        ASSIGNMENT_FILTERS.iter().copied().filter(|f| any_inactive || f.ends_with("isSkillActive=true")).collect()
    }

    async fn assignment_lists(&self, filters: &[&str], events: &Events) -> Result<Vec<Page>> {
        let paths: Vec<String> = filters.iter().map(|f| format!("/agents/skills?{f}")).collect();
        let lists: Vec<Vec<Page>> = futures::stream::iter(paths)
            .map(|path: String| async move { self.list(&path, ASSIGNMENT_PAGE, events).await })
            .buffered(READ_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(lists.into_iter().flatten().collect())
    }
}

/// Folds assignment pages into values and the set of disabled pairs.
fn collect_assignments(pages: Vec<Page>, out: &mut ReadBack) {
    for a in pages.into_iter().flat_map(|p| p.agent_skill_assignments) {
        if let Some(v) = a.agent_proficiency_value {
            let key = (a.agent_id.to_string(), a.skill_id.to_string());
            if a.is_active == Some(false) {
                out.disabled.insert(key.clone());
            }
            out.values.insert(key, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovered_endpoints_must_be_https_and_nice_or_the_issuers_own_host() {
        let issuer = "https://cxone.niceincontact.com";
        for ok in [
            "https://cxone.niceincontact.com/auth/token",
            "https://api-na1.niceincontact.com",
            "https://na1.nice-incontact.com/x",
            "https://nicecxone-sov1.eu",
            "https://api.nicecxone-sov1.au",
        ] {
            assert!(trusted_endpoint(issuer, "api_endpoint", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api-na1.niceincontact.com",
            "https://niceincontact.com.evil.example",
            "https://evilniceincontact.com",
            "https://user:pw@api-na1.niceincontact.com",
            "ftp://api-na1.niceincontact.com",
            "not a url",
            "http://127.0.0.2:9/",
        ] {
            let e = trusted_endpoint(issuer, "api_endpoint", bad).unwrap_err();
            assert_eq!(e.code(), "config.invalid", "{bad}");
            assert!(!e.to_string().contains("pw@"), "a password is never shown: {e}");
        }
        // A sandbox or a private issuer the user named: its own host, plain http only on loopback.
        assert!(trusted_endpoint("http://127.0.0.1:9000", "token_endpoint", "http://127.0.0.1:9000/auth/token").is_ok());
        assert!(
            trusted_endpoint("http://127.0.0.1:9000", "token_endpoint", "http://127.0.0.2:9000/auth/token").is_err()
        );
        assert!(trusted_endpoint("https://id.example.org", "iss", "https://id.example.org").is_ok());
    }

    #[test]
    fn reads_jwt_claims() {
        let payload =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"tenantId":"t-1","iss":"https://x"}"#);
        let jwt = format!("e30.{payload}.sig");
        let c = jwt_claims(&jwt).unwrap();
        assert_eq!(c["tenantId"], "t-1");
        assert!(jwt_claims("garbage").is_err());
    }

    #[test]
    fn error_text_comes_from_the_header_first() {
        let mut h = HeaderMap::new();
        h.insert("icStatusDescription", "Skill not found".parse().unwrap());
        assert_eq!(describe(&h, b"{}"), "Skill not found");
        assert_eq!(describe(&HeaderMap::new(), br#"{"error_description":"bad"}"#), "bad");
    }
}
