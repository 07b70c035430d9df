//! CXone reads: skills, agents, every assignment, and one skill's or one agent's assignments,
//! paged with `skip`/`top`, 204 when there is nothing to list.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{error, Side};
use crate::http::{json_response, parse_count, Call};
use crate::state::Shared;
use crate::tenant::{Tenant, FIRST_TEAM_NUMBER, TEAMS};

/// Largest `top` for `/skills` and `/agents`.
pub(crate) const MAX_TOP: usize = 1_000;
/// Largest `top` for the assignment listings (`/agents/skills` is read in pages of 10,000).
pub(crate) const MAX_TOP_ASSIGNMENTS: usize = 10_000;

struct Window {
    skip: usize,
    top: usize,
}

/// `skip` and `top` of a request (top defaults to the maximum, then the page cap applies), or
/// the 400 that refuses them.
fn window(shared: &Shared, call: &Call, max: usize) -> Result<Window, Response> {
    let skip = match call.param("skip") {
        None => 0,
        Some(v) => parse_count(v).ok_or_else(|| {
            error(StatusCode::BAD_REQUEST, "invalid_request", &format!("skip must be a whole number, got `{v}`."))
        })?,
    };
    let top = match call.param("top") {
        None => max,
        Some(v) => match parse_count(v) {
            Some(n) if (1..=max).contains(&n) => n,
            _ => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    &format!("top must be a whole number from 1 to {max}, got `{v}`."),
                ))
            }
        },
    };
    Ok(Window { skip, top: shared.capped(top) })
}

/// A true/false query flag (case-insensitive), `None` when absent, or the 400 that refuses another value.
fn flag(call: &Call, name: &str) -> Result<Option<bool>, Response> {
    match call.param(name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => {
            Err(error(StatusCode::BAD_REQUEST, "invalid_request", &format!("{name} must be true or false, got `{v}`.")))
        }
    }
}

/// `isActive` of `/skills` and `/agents`: absent lists both.
fn is_active(call: &Call) -> Result<Option<bool>, Response> {
    flag(call, "isActive")
}

/// The three filters of the assignment listings. Each **defaults to true**, so a read without
/// them leaves out disabled assignments and those of inactive agents or skills.
struct AssignmentFilter {
    active: bool,
    agent_active: bool,
    skill_active: bool,
}

impl AssignmentFilter {
    fn of(call: &Call) -> Result<AssignmentFilter, Response> {
        Ok(AssignmentFilter {
            active: flag(call, "isActive")?.unwrap_or(true),
            agent_active: flag(call, "isAgentActive")?.unwrap_or(true),
            skill_active: flag(call, "isSkillActive")?.unwrap_or(true),
        })
    }

    fn keeps(&self, t: &Tenant, agent: usize, skill: usize) -> bool {
        t.users[agent].skills.get(&skill).is_some_and(|a| {
            a.active == self.active
                && t.users[agent].active == self.agent_active
                && t.skills[skill].active == self.skill_active
        })
    }
}

/// The listing body, or 204 with no body when the page is empty.
fn listing(shared: &Shared, call: &Call, key: &str, items: Vec<Value>, total: usize, w: &Window) -> Response {
    if items.is_empty() {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        return response;
    }
    let items = match fields(call) {
        Some(keep) => items.into_iter().map(|item| only(item, &keep)).collect(),
        None => items,
    };
    let link = |skip: usize| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in
            call.query.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("skip") && !k.eq_ignore_ascii_case("top"))
        {
            q.append_pair(k, v);
        }
        q.append_pair("skip", &skip.to_string()).append_pair("top", &w.top.to_string());
        format!("{}{}?{}", shared.base_url, call.path, q.finish())
    };
    let mut links = Map::new();
    links.insert("self".into(), json!(link(w.skip)));
    if w.skip.saturating_add(w.top) < total {
        links.insert("next".into(), json!(link(w.skip.saturating_add(w.top))));
    }
    if w.skip > 0 {
        links.insert("previous".into(), json!(link(w.skip.saturating_sub(w.top))));
    }
    let mut body = Map::new();
    body.insert(key.into(), Value::Array(items));
    body.insert("totalRecords".into(), json!(total));
    body.insert("_links".into(), Value::Object(links));
    json_response(StatusCode::OK, &Value::Object(body))
}

/// The `fields` parameter: which item fields to keep.
fn fields(call: &Call) -> Option<Vec<String>> {
    let list: Vec<String> =
        call.param("fields")?.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect();
    (!list.is_empty()).then_some(list)
}

fn only(item: Value, keep: &[String]) -> Value {
    match item {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(k, _)| keep.iter().any(|f| f.eq_ignore_ascii_case(k))).collect())
        }
        other => other,
    }
}

/// The media type CXone would show for a skill, read off its name.
fn media_type(name: &str) -> (i64, &'static str) {
    let n = name.to_ascii_lowercase();
    if n.contains("chat") {
        (3, "Chat")
    } else if n.contains("email") {
        (1, "Email")
    } else if n.contains("sms") || n.contains("social") {
        (9, "Digital")
    } else {
        (4, "Phone Call")
    }
}

fn skill_json(t: &Tenant, skill: usize) -> Value {
    let s = &t.skills[skill];
    let (media_id, media_name) = media_type(&s.name);
    json!({
        "skillId": s.number,
        "skillName": s.name,
        "mediaTypeId": media_id,
        "mediaTypeName": media_name,
        "isActive": s.active,
        "isOutbound": s.name.contains("Outbound"),
    })
}

fn agent_json(t: &Tenant, agent: usize) -> Value {
    let u = &t.users[agent];
    json!({
        "agentId": u.number,
        "userName": u.username,
        "emailAddress": u.email,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "isActive": u.active,
        "userID": u.guid_text,
        "teamId": FIRST_TEAM_NUMBER + u.team as i64,
        "teamName": TEAMS[u.team % TEAMS.len()],
    })
}

/// One agent-skill assignment as every assignment listing writes it.
fn assignment_json(t: &Tenant, agent: usize, skill: usize) -> Option<Value> {
    let u = &t.users[agent];
    let a = u.skills.get(&skill)?;
    let s = &t.skills[skill];
    let value = a.proficiency.round() as i64;
    Some(json!({
        "agentId": u.number,
        "skillId": s.number,
        "skillName": s.name,
        "agentProficiencyValue": value,
        "agentProficiencyName": format!("Level {value}"),
        "isActive": a.active,
        "isSkillActive": s.active,
        "isAgentActive": u.active,
    }))
}

/// `GET /skills`: `searchString` (name contains), `isActive`, `skip`, `top`, `fields`.
pub(crate) fn list_skills(shared: &Shared, call: &Call) -> Response {
    let (w, active) = match (window(shared, call, MAX_TOP), is_active(call)) {
        (Ok(w), Ok(a)) => (w, a),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let search = call.param("searchString").map(str::to_lowercase).unwrap_or_default();
    let t = shared.tenant.read();
    let matching: Vec<usize> = (0..t.skills.len())
        .filter(|i| {
            let s = &t.skills[*i];
            active.is_none_or(|a| s.active == a) && (search.is_empty() || s.name.to_lowercase().contains(&search))
        })
        .collect();
    let items = matching.iter().skip(w.skip).take(w.top).map(|i| skill_json(&t, *i)).collect();
    listing(shared, call, "skills", items, matching.len(), &w)
}

/// `GET /agents`: `searchString` (user name, email, first or last name contains), `isActive`, `skip`, `top`, `fields`.
pub(crate) fn list_agents(shared: &Shared, call: &Call) -> Response {
    let (w, active) = match (window(shared, call, MAX_TOP), is_active(call)) {
        (Ok(w), Ok(a)) => (w, a),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let search = call.param("searchString").map(str::to_lowercase).unwrap_or_default();
    let t = shared.tenant.read();
    let hit = |text: &str| text.to_lowercase().contains(&search);
    let matching: Vec<usize> = (0..t.users.len())
        .filter(|i| {
            let u = &t.users[*i];
            active.is_none_or(|a| u.active == a)
                && (search.is_empty() || hit(&u.username) || hit(&u.email) || hit(&u.first_name) || hit(&u.last_name))
        })
        .collect();
    let items = matching.iter().skip(w.skip).take(w.top).map(|i| agent_json(&t, *i)).collect();
    listing(shared, call, "agents", items, matching.len(), &w)
}

/// `GET /agents/skills`: the business unit's assignments that pass the filters, by agent then skill.
pub(crate) fn list_assignments(shared: &Shared, call: &Call) -> Response {
    let (w, filter) = match (window(shared, call, MAX_TOP_ASSIGNMENTS), AssignmentFilter::of(call)) {
        (Ok(w), Ok(f)) => (w, f),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let t = shared.tenant.read();
    let pairs: Vec<(usize, usize)> = (0..t.users.len())
        .flat_map(|u| t.users[u].skills.keys().map(move |s| (u, *s)))
        .filter(|(u, s)| filter.keeps(&t, *u, *s))
        .collect();
    let items = pairs.iter().skip(w.skip).take(w.top).filter_map(|(u, s)| assignment_json(&t, *u, *s)).collect();
    listing(shared, call, "agentSkillAssignments", items, pairs.len(), &w)
}

/// `GET /skills/{id}/agents` and `GET /agents/{id}/skills`, with the same filters as
/// `/agents/skills`; 404 for an unknown id.
pub(crate) fn list_of(shared: &Shared, call: &Call, side: Side, id: &str) -> Response {
    let (w, filter) = match (window(shared, call, MAX_TOP_ASSIGNMENTS), AssignmentFilter::of(call)) {
        (Ok(w), Ok(f)) => (w, f),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let t = shared.tenant.read();
    let pairs: Vec<(usize, usize)> = match side {
        Side::Skill => match id.parse().ok().and_then(|n| t.skill_by_number(n)) {
            Some(s) => t.holders(s).map(|u| (u, s)).collect(),
            None => return error(StatusCode::NOT_FOUND, "not_found", &format!("Skill {id} not found.")),
        },
        Side::Agent => match id.parse().ok().and_then(|n| t.user_by_number(n)) {
            Some(u) => t.users[u].skills.keys().map(|s| (u, *s)).collect(),
            None => return error(StatusCode::NOT_FOUND, "not_found", &format!("Agent {id} not found.")),
        },
    };
    let pairs: Vec<(usize, usize)> = pairs.into_iter().filter(|(u, s)| filter.keeps(&t, *u, *s)).collect();
    let items = pairs.iter().skip(w.skip).take(w.top).filter_map(|(u, s)| assignment_json(&t, *u, *s)).collect();
    listing(shared, call, "agentSkillAssignments", items, pairs.len(), &w)
}
