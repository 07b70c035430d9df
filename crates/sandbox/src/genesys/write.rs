//! Genesys writes to one user's skills: add one, update one, remove one, and the PATCH/PUT bulk
//! calls, with the 50-skill cap (the caller holds the user, see `hold_user`).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::read::{listing, user_skill_json, user_skills};
use super::{detail, error};
use crate::config::Platform;
use crate::http::{json_response, Call};
use crate::state::Shared;
use crate::tenant::{on_scale, scale_text, Tenant};

/// Genesys' cap on skills per user and on items per bulk call.
const MAX_SKILLS: usize = 50;

fn bad_request(message: &str, details: Vec<Value>, correlation: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "bad.request", message, correlation, details)
}

/// A proficiency from a body item, or the detail that refuses it.
fn proficiency_of(item: &Map<String, Value>, skill_id: &str) -> Result<f64, Value> {
    match item.get("proficiency").and_then(Value::as_f64) {
        Some(p) if on_scale(Platform::Genesys, p) => Ok(p),
        _ => Err(detail(
            "invalid.value",
            "proficiency",
            skill_id,
            &format!("proficiency must be {}", scale_text(Platform::Genesys)),
        )),
    }
}

/// The skill an item's `id` names, or the detail that refuses it.
fn skill_of(t: &Tenant, item: &Map<String, Value>) -> Result<usize, Value> {
    match item.get("id") {
        Some(Value::String(id)) => {
            t.skill_by_guid(id).ok_or_else(|| detail("invalid.skill", "id", id, "no skill with this id"))
        }
        Some(_) => Err(detail("invalid.value", "id", "", "id must be a skill id (text)")),
        None if item.contains_key("skillId") => {
            Err(detail("missing.field", "id", "", "the skill id goes in `id`, not `skillId`"))
        }
        None => Err(detail("missing.field", "id", "", "id is required")),
    }
}

/// `POST /api/v2/users/{id}/routingskills`: adds one skill; 409 `duplicate` when already assigned.
pub(crate) fn add(shared: &Shared, call: &Call, index: usize, correlation: &str) -> Response {
    let item = match call.json() {
        Ok(Value::Object(o)) => o,
        Ok(_) => {
            return bad_request("The body must be a JSON object {\"id\", \"proficiency\"}.", Vec::new(), correlation)
        }
        Err(e) => return bad_request(&e, Vec::new(), correlation),
    };
    let mut t = shared.tenant.write();
    let skill = match skill_of(&t, &item) {
        Ok(s) => s,
        Err(d) => return bad_request("Invalid skill in the request body.", vec![d], correlation),
    };
    let proficiency = match proficiency_of(&item, &t.skills[skill].guid_text) {
        Ok(p) => p,
        Err(d) => return bad_request("Invalid proficiency in the request body.", vec![d], correlation),
    };
    if t.users[index].skills.contains_key(&skill) {
        return error(
            StatusCode::CONFLICT,
            "duplicate",
            "Skill assignment already exists for user.",
            correlation,
            Vec::new(),
        );
    }
    if t.users[index].skills.len() >= MAX_SKILLS {
        let d = detail("skill.limit.exceeded", "id", &t.users[index].guid_text, "a user can hold at most 50 skills");
        return bad_request("The user already holds 50 skills.", vec![d], correlation);
    }
    t.assign(index, skill, proficiency, true);
    json_response(StatusCode::OK, &user_skill_json(&t, &t.users[index], skill, proficiency))
}

/// `PUT /api/v2/users/{id}/routingskills/{skillId}`: updates one existing assignment.
pub(crate) fn set(shared: &Shared, call: &Call, index: usize, skill: &str, correlation: &str) -> Response {
    let item = match call.json() {
        Ok(Value::Object(o)) => o,
        Ok(_) => return bad_request("The body must be a JSON object {\"proficiency\"}.", Vec::new(), correlation),
        Err(e) => return bad_request(&e, Vec::new(), correlation),
    };
    let mut t = shared.tenant.write();
    let Some(s) = t.skill_by_guid(skill).filter(|s| t.users[index].skills.contains_key(s)) else {
        let m = format!("Skill {skill} is not assigned to user {}.", t.users[index].guid_text);
        return error(StatusCode::NOT_FOUND, "not.found", &m, correlation, Vec::new());
    };
    let proficiency = match proficiency_of(&item, skill) {
        Ok(p) => p,
        Err(d) => return bad_request("Invalid proficiency in the request body.", vec![d], correlation),
    };
    t.assign(index, s, proficiency, true);
    json_response(StatusCode::OK, &user_skill_json(&t, &t.users[index], s, proficiency))
}

/// `DELETE /api/v2/users/{id}/routingskills/{skillId}`: 204, or 404 when not assigned.
pub(crate) fn remove(shared: &Shared, index: usize, skill: &str, correlation: &str) -> Response {
    let mut t = shared.tenant.write();
    match t.skill_by_guid(skill) {
        Some(s) if t.unassign(index, s) => {
            let mut response = Response::new(axum::body::Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        _ => {
            let m = format!("Skill {skill} is not assigned to user {}.", t.users[index].guid_text);
            error(StatusCode::NOT_FOUND, "not.found", &m, correlation, Vec::new())
        }
    }
}

/// `PATCH` (upsert, removes nothing) or `PUT` (replaces the set) `/api/v2/users/{id}/routingskills/bulk`.
/// Answers the user's whole skill set afterwards as a UserSkillEntityListing.
pub(crate) fn bulk(shared: &Shared, call: &Call, index: usize, replace: bool, correlation: &str) -> Response {
    let items = match call.json() {
        Ok(Value::Array(items)) => items,
        Ok(_) => {
            let d = detail("invalid.value", "body", "", "the body must be a JSON array of {\"id\", \"proficiency\"}");
            return bad_request("Invalid request body: expected an array.", vec![d], correlation);
        }
        Err(e) => return bad_request(&e, Vec::new(), correlation),
    };
    if items.len() > MAX_SKILLS {
        let d = detail("too.many.items", "body", "", "at most 50 skills per call");
        return bad_request(&format!("{} items sent; at most 50 are allowed.", items.len()), vec![d], correlation);
    }
    let mut t = shared.tenant.write();
    let mut wanted: BTreeMap<usize, f64> = BTreeMap::new();
    let mut details = Vec::new();
    for item in &items {
        let Some(item) = item.as_object() else {
            details.push(detail("invalid.value", "body", "", "each item must be an object {\"id\", \"proficiency\"}"));
            continue;
        };
        match skill_of(&t, item) {
            Ok(skill) => match proficiency_of(item, &t.skills[skill].guid_text) {
                Ok(p) => {
                    wanted.insert(skill, p);
                }
                Err(d) => details.push(d),
            },
            Err(d) => details.push(d),
        }
    }
    if !details.is_empty() {
        return bad_request("Invalid request body: see details.", details, correlation);
    }
    let current = &t.users[index].skills;
    let kept = if replace { 0 } else { current.keys().filter(|s| !wanted.contains_key(s)).count() };
    if kept + wanted.len() > MAX_SKILLS {
        let d = detail("skill.limit.exceeded", "id", &t.users[index].guid_text, "a user can hold at most 50 skills");
        let m = format!("The user would hold {} skills; at most 50 are allowed.", kept + wanted.len());
        return bad_request(&m, vec![d], correlation);
    }
    if replace {
        let drop: Vec<usize> = current.keys().filter(|s| !wanted.contains_key(s)).copied().collect();
        for skill in drop {
            t.unassign(index, skill);
        }
    }
    for (skill, p) in wanted {
        t.assign(index, skill, p, true);
    }
    let u = &t.users[index];
    let entities = user_skills(&t, u);
    let total = entities.len();
    let path = format!("/api/v2/users/{}/routingskills", u.guid_text);
    json_response(StatusCode::OK, &listing(entities, total, MAX_SKILLS, 1, &path, &[]))
}
