//! Genesys Cloud (Platform API v2). Reads: skills pages and one users listing with
//! `expand=skills` (pages of 500) give the whole state. Writes: one `PATCH …/routingskills/bulk`
//! per changed user, at most 50 skills a call — `id`, never `skillId`; `PUT` bulk is never used,
//! because it replaces the user's whole skill set.

use super::http::{Authenticator, Kind, Session, Token};
use super::{
    enc, failed, oauth_error, Batch, BatchResult, Connection, HttpSettings, ItemResult, PlatformClient, ReadBack,
    WriteOp,
};
use crate::error::{Error, Result};
use crate::events::{Event, Events};
use crate::model::{language_id, wire_id, Agent, Change, ItemKind, PlatformKind, Skill, Snapshot, Target};
use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Largest page the listings take (the contract leaves the real maximum open; 500 is what
/// community scripts use and what the sandbox allows).
pub const PAGE_SIZE: usize = 500;
/// Items a `PATCH …/routingskills/bulk` takes.
pub const MAX_BULK: usize = 50;
/// Pages read at once while listing.
const READ_CONCURRENCY: usize = 4;
/// Genesys' default limit per client-credentials token, until the headers say otherwise.
pub const DEFAULT_RATE_PER_MINUTE: f64 = 300.0;

pub struct Genesys {
    session: Session,
    base: String,
    /// Users in the tenant, learnt from the snapshot: a full relisting may be cheaper than
    /// reading many users one by one.
    users_total: AtomicUsize,
}

struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: super::Secret,
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[async_trait]
impl Authenticator for ClientCredentials {
    async fn token(&self, http: &reqwest::Client) -> Result<Token> {
        let resp = http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .map_err(|e| Error::Connection(format!("token request to {} failed: {e}", self.token_url)))?;
        let (status, body) = super::http::read_auth_reply(&self.token_url, resp).await?;
        if !status.is_success() {
            let why = oauth_error(&body);
            return Err(Error::Auth(format!(
                "{} refused the client credentials ({status}): {why}. Check the client id and secret, and that the OAuth client uses the Client Credentials grant",
                self.token_url
            )));
        }
        let t: TokenReply = serde_json::from_slice(&body)
            .map_err(|e| Error::Auth(format!("the token reply from {} is not a token: {e}", self.token_url)))?;
        Ok(Token {
            access_token: t.access_token,
            expires_at: crate::bounded::from_now(crate::bounded::whole_seconds(t.expires_in.unwrap_or(86_400))),
        })
    }
}

/// The message of a Genesys ErrorBody, with the fields it names (`details[].fieldName`).
fn describe(_headers: &HeaderMap, body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let mut msg = v.get("message").and_then(|m| m.as_str()).unwrap_or("").to_string();
    if msg.is_empty() {
        msg = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    }
    if let Some(code) = v.get("code").and_then(|c| c.as_str()) {
        msg = format!("{msg} [{code}]");
    }
    let fields: Vec<String> = v
        .get("details")
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let f = d.get("fieldName").and_then(|x| x.as_str())?;
            let e = d.get("entityId").and_then(|x| x.as_str()).map(|e| format!(" of {e}")).unwrap_or_default();
            Some(format!("field '{f}'{e}"))
        })
        .collect();
    if !fields.is_empty() {
        msg = format!("{msg} ({})", fields.join(", "));
    }
    msg
}

/// The token endpoint: `login.` in place of `api.` on real hosts, `{base}/oauth/token` elsewhere.
pub fn token_url(base: &str) -> String {
    if let Ok(mut u) = url::Url::parse(base) {
        if let Some(host) = u.host_str().and_then(|h| h.strip_prefix("api.")).map(|h| format!("login.{h}")) {
            if u.set_host(Some(&host)).is_ok() {
                u.set_path("/oauth/token");
                return u.to_string();
            }
        }
    }
    format!("{}/oauth/token", base.trim_end_matches('/'))
}

#[derive(Deserialize)]
struct Listing<T> {
    #[serde(default = "Vec::new")]
    entities: Vec<T>,
    #[serde(rename = "pageCount", default)]
    page_count: Option<u64>,
    #[serde(default)]
    total: Option<u64>,
}

/// A user's collection of that kind under `/api/v2/users/{id}/`.
fn user_collection(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Skill => "routingskills",
        ItemKind::Language => "routinglanguages",
    }
}

/// Page size of a user's own skill listing (a user holds at most 50 skills).
const USER_SKILLS_PAGE: usize = 100;

#[derive(Deserialize)]
struct WireSkill {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Deserialize)]
struct WireUser {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    skills: Option<Vec<WireUserSkill>>,
    #[serde(default)]
    languages: Option<Vec<WireUserSkill>>,
}

impl WireUser {
    /// The user's skills and languages, as engine pairs (language ids prefixed).
    fn assignments(&self) -> impl Iterator<Item = ((String, String), f64)> + '_ {
        let skills =
            self.skills.iter().flatten().filter_map(|s| Some(((self.id.clone(), s.id.clone()), s.proficiency?)));
        let languages = self
            .languages
            .iter()
            .flatten()
            .filter_map(|l| Some(((self.id.clone(), language_id(&l.id)), l.proficiency?)));
        skills.chain(languages)
    }
}

/// The users listing with everyone's current skills and languages.
const USERS: &str = "/api/v2/users?state=any&expand=skills,languages";

#[derive(Deserialize)]
struct WireUserSkill {
    id: String,
    #[serde(default)]
    proficiency: Option<f64>,
}

impl Genesys {
    pub fn new(conn: &Connection, mut settings: HttpSettings) -> Result<Self> {
        if settings.initial_rate_per_minute.is_none() {
            settings.initial_rate_per_minute = Some(DEFAULT_RATE_PER_MINUTE);
        }
        let base = conn.base_url.trim_end_matches('/').to_string();
        let auth = ClientCredentials {
            token_url: token_url(&base),
            client_id: conn.client_id.clone(),
            client_secret: conn.client_secret.clone(),
        };
        Ok(Genesys {
            session: Session::new(settings, Box::new(auth), describe)?,
            base,
            users_total: AtomicUsize::new(0),
        })
    }

    /// Reads every page of a listing: the first tells how many there are, the rest go in parallel.
    async fn list_all<T: serde::de::DeserializeOwned + Send>(
        &self,
        path_and_query: &str,
        events: &Events,
    ) -> Result<Vec<T>> {
        let url = |page: u64| format!("{}{path_and_query}&pageSize={PAGE_SIZE}&pageNumber={page}", self.base);
        let first: Listing<T> =
            self.session.send(Kind::Read, Method::GET, &url(1), None).await?.json(path_and_query)?;
        let pages =
            crate::bounded::pages(path_and_query, first.page_count.unwrap_or(1).max(1), crate::bounded::MAX_PAGES)?;
        events.emit(Event::Read { done: 1, total: Some(pages) });
        let mut all = first.entities;
        let rest: Vec<Vec<T>> = futures::stream::iter(2..=pages)
            .map(|p| {
                let u = url(p);
                async move {
                    let l: Listing<T> =
                        self.session.send(Kind::Read, Method::GET, &u, None).await?.json(path_and_query)?;
                    events.emit(Event::Read { done: p, total: Some(pages) });
                    Ok::<_, Error>(l.entities)
                }
            })
            .buffered(READ_CONCURRENCY)
            .try_collect()
            .await?;
        all.extend(rest.into_iter().flatten());
        if let Some(total) = first.total.filter(|&t| t != all.len() as u64) {
            return Err(Error::Api {
                method: "GET".into(),
                path: path_and_query.trim_end_matches(['?', '&']).to_string(),
                status: 200,
                message: format!(
                    "the listing said {total} entities but its pages held {}; the tenant may be changing — run again",
                    all.len()
                ),
                correlation_id: None,
            });
        }
        Ok(all)
    }

    /// One user's skills (`…/routingskills`) or languages (`…/routinglanguages`), every page.
    async fn user_items(&self, user_id: &str, kind: ItemKind) -> Result<(Vec<WireUserSkill>, Vec<String>)> {
        let what = user_collection(kind);
        let mut skills = Vec::new();
        let mut ids = Vec::new();
        let mut page = 1u64;
        loop {
            let url = format!(
                "{}/api/v2/users/{}/{what}?pageSize={USER_SKILLS_PAGE}&pageNumber={page}",
                self.base,
                enc(user_id)
            );
            let reply = self.session.send(Kind::Read, Method::GET, &url, None).await?;
            let l: Listing<WireUserSkill> = reply.json(what)?;
            ids.extend(reply.correlation_ids);
            let empty = l.entities.is_empty();
            skills.extend(l.entities);
            if empty || page >= l.page_count.unwrap_or(1) {
                return Ok((skills, ids));
            }
            page += 1;
            crate::bounded::pages(what, page, crate::bounded::MAX_USER_PAGES)?;
        }
    }

    /// Users listed without their `skills` or `languages` (the vendor calls `expand` best effort):
    /// those come from the per-user endpoints instead, a few at a time.
    async fn fill_missing(&self, users: &mut [WireUser]) -> Result<()> {
        let live = |u: &WireUser| u.state.as_deref() != Some("deleted");
        let missing: Vec<(usize, ItemKind)> = (0..users.len())
            .filter(|&i| live(&users[i]))
            .flat_map(|i| {
                let skills = users[i].skills.is_none().then_some((i, ItemKind::Skill));
                let languages = users[i].languages.is_none().then_some((i, ItemKind::Language));
                skills.into_iter().chain(languages)
            })
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        tracing::debug!(reads = missing.len(), "users listed without skills or languages; reading them one by one");
        let read: Vec<(usize, ItemKind, Vec<WireUserSkill>)> = futures::stream::iter(missing)
            .map(|(i, kind)| {
                let id = users[i].id.clone();
                async move { self.user_items(&id, kind).await.map(|(s, _)| (i, kind, s)) }
            })
            .buffer_unordered(READ_CONCURRENCY)
            .try_collect()
            .await?;
        for (i, kind, items) in read {
            match kind {
                ItemKind::Skill => users[i].skills = Some(items),
                ItemKind::Language => users[i].languages = Some(items),
            }
        }
        Ok(())
    }

    /// The tenant's routing languages; a client whose role may not see them gets none (a feed that
    /// names a language then reads it as an unknown skill, and says so).
    async fn languages(&self, events: &Events) -> Result<Vec<WireSkill>> {
        match self.list_all("/api/v2/routing/languages?", events).await {
            Err(Error::Permission(why)) => {
                events
                    .emit(Event::Note { message: format!("routing languages are not readable ({why}); skills only") });
                Ok(Vec::new())
            }
            other => other,
        }
    }

    async fn patch(&self, agent_id: &str, kind: ItemKind, batch: &Batch, changes: &[Change]) -> BatchResult {
        let body: Vec<serde_json::Value> = batch
            .items
            .iter()
            .filter_map(|&i| match changes[i].target {
                Target::Set(v) => Some(json!({"id": wire_id(&changes[i].skill_id), "proficiency": v})),
                Target::Remove => None,
            })
            .collect();
        let what = user_collection(kind);
        let url = format!("{}/api/v2/users/{}/{what}/bulk", self.base, enc(agent_id));
        match self.session.send(Kind::Write, Method::PATCH, &url, Some(&serde_json::Value::Array(body))).await {
            Ok(reply) => {
                // The reply lists the user's skills (or languages) after the change: confirm each
                // item from it.
                let shown: Option<HashMap<String, f64>> = reply
                    .json::<Listing<WireUserSkill>>(what)
                    .ok()
                    .map(|l| l.entities.into_iter().filter_map(|s| Some((s.id, s.proficiency?))).collect());
                let items = batch
                    .items
                    .iter()
                    .map(|&i| ItemResult {
                        change: i,
                        accepted: true,
                        confirmed: shown.as_ref().and_then(|m| m.get(wire_id(&changes[i].skill_id)).map(|v| Some(*v))),
                        error: None,
                    })
                    .collect();
                BatchResult { items, correlation_ids: reply.correlation_ids, error: None, unsent: false }
            }
            Err(e) => failed(batch, e),
        }
    }

    async fn delete(&self, agent_id: &str, skill_id: &str, batch: &Batch) -> BatchResult {
        let what = user_collection(ItemKind::of_id(skill_id));
        let url = format!("{}/api/v2/users/{}/{what}/{}", self.base, enc(agent_id), enc(wire_id(skill_id)));
        match self.session.send(Kind::Write, Method::DELETE, &url, None).await {
            Ok(reply) => BatchResult {
                items: batch
                    .items
                    .iter()
                    .map(|&i| ItemResult { change: i, accepted: true, confirmed: Some(None), error: None })
                    .collect(),
                correlation_ids: reply.correlation_ids,
                error: None,
                unsent: false,
            },
            Err(e) => failed(batch, e),
        }
    }
}

#[async_trait]
impl PlatformClient for Genesys {
    fn kind(&self) -> PlatformKind {
        PlatformKind::Genesys
    }

    fn session(&self) -> &Session {
        &self.session
    }

    async fn connect(&self) -> Result<()> {
        self.session.authenticate().await
    }

    async fn snapshot(&self, events: &Events) -> Result<Snapshot> {
        let skills: Vec<WireSkill> = self.list_all("/api/v2/routing/skills?", events).await?;
        let languages = self.languages(events).await?;
        let mut users: Vec<WireUser> = self.list_all(USERS, events).await?;
        self.fill_missing(&mut users).await?;
        let entry = |s: WireSkill, kind: ItemKind| {
            let id = match kind {
                ItemKind::Skill => s.id,
                ItemKind::Language => language_id(&s.id),
            };
            Skill { active: s.state.as_deref().is_none_or(|st| st == "active"), id, name: s.name, kind }
        };
        let skills = skills
            .into_iter()
            .map(|s| (s, ItemKind::Skill))
            .chain(languages.into_iter().map(|l| (l, ItemKind::Language)))
            .filter(|(s, _)| s.state.as_deref() != Some("deleted"))
            .map(|(s, kind)| entry(s, kind))
            .collect();
        let mut snap = Snapshot { skills, ..Snapshot::default() };
        self.users_total.store(users.len(), Ordering::Relaxed);
        for u in users {
            if u.state.as_deref() == Some("deleted") {
                continue;
            }
            snap.assignments.extend(u.assignments());
            snap.agents.push(Agent {
                active: u.state.as_deref().is_none_or(|st| st == "active"),
                id: u.id,
                name: u.name,
                email: u.email.unwrap_or_default(),
                username: u.username.unwrap_or_default(),
            });
        }
        Ok(snap)
    }

    fn batches(&self, changes: &[Change]) -> Vec<Batch> {
        // Per agent: skill sets, language sets, removals (indexes into `changes`).
        type Calls = (Vec<usize>, Vec<usize>, Vec<usize>);
        // A hash map, then the agents sorted once: a million changes cost a million hashes, not
        // a million searches of a tree comparing ids.
        let mut by_agent: rustc_hash::FxHashMap<&str, Calls> = Default::default();
        for (i, c) in changes.iter().enumerate() {
            let e = by_agent.entry(&c.agent_id).or_default();
            match (c.target, ItemKind::of_id(&c.skill_id)) {
                (Target::Set(_), ItemKind::Skill) => e.0.push(i),
                (Target::Set(_), ItemKind::Language) => e.1.push(i),
                (Target::Remove, _) => e.2.push(i),
            }
        }
        let mut by_agent: Vec<(&str, Calls)> = by_agent.into_iter().collect();
        by_agent.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut out = Vec::new();
        for (agent, (sets, languages, removes)) in by_agent {
            for chunk in sets.chunks(MAX_BULK) {
                out.push(Batch { op: WriteOp::GenesysPatch { agent_id: agent.to_string() }, items: chunk.to_vec() });
            }
            for chunk in languages.chunks(MAX_BULK) {
                out.push(Batch {
                    op: WriteOp::GenesysLanguagePatch { agent_id: agent.to_string() },
                    items: chunk.to_vec(),
                });
            }
            for i in removes {
                out.push(Batch {
                    op: WriteOp::GenesysDelete {
                        agent_id: agent.to_string(),
                        skill_id: changes[i].skill_id.to_string(),
                    },
                    items: vec![i],
                });
            }
        }
        out
    }

    async fn write(&self, batch: &Batch, changes: &[Change]) -> BatchResult {
        match &batch.op {
            WriteOp::GenesysPatch { agent_id } => self.patch(agent_id, ItemKind::Skill, batch, changes).await,
            WriteOp::GenesysLanguagePatch { agent_id } => {
                self.patch(agent_id, ItemKind::Language, batch, changes).await
            }
            WriteOp::GenesysDelete { agent_id, skill_id } => self.delete(agent_id, skill_id, batch).await,
            other => failed(batch, Error::Input(format!("{other:?} is not a Genesys Cloud write"))),
        }
    }

    fn assume_tenant_size(&self, agents: usize, _assignments: usize) {
        if self.users_total.load(Ordering::Relaxed) == 0 {
            self.users_total.store(agents, Ordering::Relaxed);
        }
    }

    fn read_back_cost(&self, pairs: &[(&str, &str)], _snapshot_assignments: usize) -> u64 {
        let agents: rustc_hash::FxHashSet<&str> = pairs.iter().map(|&(a, _)| a).collect();
        let relist = self.users_total.load(Ordering::Relaxed).div_ceil(PAGE_SIZE).max(1) as u64;
        (agents.len() as u64).min(relist)
    }

    async fn read_back(&self, pairs: &[(String, String)]) -> Result<(ReadBack, Vec<String>)> {
        let agents: std::collections::BTreeSet<&str> = pairs.iter().map(|(a, _)| a.as_str()).collect();
        let relist = self.users_total.load(Ordering::Relaxed).div_ceil(PAGE_SIZE).max(1);
        let mut out = ReadBack::default();
        if agents.is_empty() {
            return Ok((out, vec![]));
        }
        if relist < agents.len() {
            let mut users: Vec<WireUser> = self.list_all(USERS, &Events::none()).await?;
            self.fill_missing(&mut users).await?;
            for u in &users {
                out.values.extend(u.assignments());
            }
            let held: std::collections::HashSet<&str> = users.iter().map(|u| u.id.as_str()).collect();
            out.missing_agents = agents.iter().filter(|a| !held.contains(*a)).map(|a| a.to_string()).collect();
            return Ok((out, vec![]));
        }
        // Per agent, the kinds its pairs need: its skills, its languages, or both.
        let reads: std::collections::BTreeSet<(String, ItemKind)> =
            pairs.iter().map(|(a, s)| (a.clone(), ItemKind::of_id(s))).collect();
        let replies: Vec<(String, ItemKind, Option<Vec<WireUserSkill>>, Vec<String>)> = futures::stream::iter(reads)
            .map(|(a, kind): (String, ItemKind)| async move {
                // A user the tenant does not hold holds nothing; the caller is told who.
                match self.user_items(&a, kind).await {
                    Ok((items, ids)) => Ok::<_, Error>((a, kind, Some(items), ids)),
                    Err(Error::Api { status: 404, .. }) => Ok((a, kind, None, vec![])),
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(READ_CONCURRENCY)
            .try_collect()
            .await?;
        let mut ids = Vec::new();
        for (a, kind, items, c) in replies {
            ids.extend(c);
            let Some(items) = items else {
                out.missing_agents.insert(a);
                continue;
            };
            for s in items {
                if let Some(p) = s.proficiency {
                    let id = match kind {
                        ItemKind::Skill => s.id,
                        ItemKind::Language => language_id(&s.id),
                    };
                    out.values.insert((a.clone(), id), p);
                }
            }
        }
        Ok((out, ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_url_swaps_api_for_login_on_real_hosts() {
        assert_eq!(token_url("https://api.mypurecloud.ie"), "https://login.mypurecloud.ie/oauth/token");
        assert_eq!(token_url("http://127.0.0.1:9000"), "http://127.0.0.1:9000/oauth/token");
        assert_eq!(token_url("http://localhost:9000/"), "http://localhost:9000/oauth/token");
    }

    #[test]
    fn describes_error_bodies_with_their_fields() {
        let body = br#"{"message":"Invalid proficiency","code":"bad.request","status":400,"details":[{"fieldName":"proficiency","entityId":"abc"}]}"#;
        assert_eq!(describe(&HeaderMap::new(), body), "Invalid proficiency [bad.request] (field 'proficiency' of abc)");
    }

    #[test]
    fn batches_one_patch_per_user_and_at_most_fifty_items() {
        let conn = Connection::new(PlatformKind::Genesys, "http://127.0.0.1:1", "id", super::super::Secret::new("s"));
        let g = Genesys::new(&conn, HttpSettings::default()).unwrap();
        let mut changes = Vec::new();
        for s in 0..120 {
            changes.push(Change {
                agent_id: "u1".into(),
                skill_id: format!("s{s}").into(),
                before: None,
                target: Target::Set(3.0),
                lines: vec![s].into(),
                active: None,
            });
        }
        changes.push(Change {
            agent_id: "u2".into(),
            skill_id: "s1".into(),
            before: Some(1.0),
            target: Target::Set(2.0),
            lines: vec![1].into(),
            active: None,
        });
        let b = g.batches(&changes);
        assert_eq!(b.len(), 4, "120 items → 3 calls for u1, 1 for u2");
        assert!(b.iter().all(|x| x.items.len() <= MAX_BULK));
    }
}
