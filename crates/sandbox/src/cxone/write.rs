//! CXone writes: POST (assign), PUT (update) and DELETE (unassign) batches per skill or per agent.
//! Item failures come back inside an HTTP 200, as CXone does; only a malformed or oversized body
//! is an HTTP error.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{error, Side};
use crate::http::{json_response, Call};
use crate::state::Shared;
use crate::tenant::Tenant;

/// Largest batch the sandbox accepts (the contract leaves the real maximum open).
pub(crate) const MAX_ITEMS: usize = 1_000;

/// The names a batch uses on each side: body key, item id field, result key.
fn names(side: Side) -> (&'static str, &'static str, &'static str) {
    match side {
        Side::Skill => ("agents", "agentId", "agentResults"),
        Side::Agent => ("skills", "skillId", "skillResults"),
    }
}

pub(crate) fn write(shared: &Shared, call: &Call, side: Side, id: &str, item_error: bool) -> Response {
    let (body_key, id_key, results_key) = names(side);
    let bad = |m: &str| error(StatusCode::BAD_REQUEST, "invalid_request", m);
    let items = match call.json() {
        Ok(Value::Object(mut body)) => match body.remove(body_key) {
            Some(Value::Array(items)) => items,
            _ => return bad(&format!("The body must be {{\"{body_key}\": [...]}}.")),
        },
        Ok(_) => return bad(&format!("The body must be {{\"{body_key}\": [...]}}.")),
        Err(e) => return bad(&e),
    };
    if items.is_empty() {
        return bad(&format!("`{body_key}` is empty."));
    }
    if items.len() > MAX_ITEMS {
        return bad(&format!("{} items sent; at most {MAX_ITEMS} are allowed per call.", items.len()));
    }
    let failing = item_error.then(|| shared.draw_index(items.len()));

    let mut t = shared.tenant.write();
    let anchor = match side {
        Side::Skill => id.parse().ok().and_then(|n| t.skill_by_number(n)),
        Side::Agent => id.parse().ok().and_then(|n| t.user_by_number(n)),
    };
    let Some(anchor) = anchor else {
        let what = if side == Side::Skill { "Skill" } else { "Agent" };
        return error(StatusCode::NOT_FOUND, "not_found", &format!("{what} {id} not found."));
    };
    let mut results = Vec::with_capacity(items.len());
    let mut errors = 0;
    for (i, item) in items.iter().enumerate() {
        let echo = item.get(id_key).cloned().unwrap_or(Value::Null);
        let outcome = if failing == Some(i) {
            Err("Internal error: the item was not processed.".to_string())
        } else {
            apply(&mut t, &call.method, side, anchor, item, id_key)
        };
        if outcome.is_err() {
            errors += 1;
        }
        let mut result = Map::new();
        result.insert(id_key.into(), echo);
        result.insert("success".into(), json!(outcome.is_ok()));
        result.insert("error".into(), outcome.err().map_or(Value::Null, Value::String));
        results.push(Value::Object(result));
    }
    let mut result_set = Map::new();
    result_set.insert("errorCount".into(), json!(errors));
    result_set.insert(results_key.into(), Value::Array(results));
    json_response(StatusCode::OK, &json!({ "resultSet": result_set }))
}

/// Applies one item; the error text is what CXone would put in the item's result.
fn apply(t: &mut Tenant, method: &Method, side: Side, anchor: usize, item: &Value, id_key: &str) -> Result<(), String> {
    let item = item.as_object().ok_or("Each item must be an object.")?;
    let other = match item.get(id_key) {
        Some(v) => v.as_i64().ok_or_else(|| format!("{id_key} must be an integer."))?,
        None => return Err(format!("{id_key} is required.")),
    };
    let (agent, skill) = match side {
        Side::Skill => (t.user_by_number(other).ok_or_else(|| format!("Agent {other} not found."))?, anchor),
        Side::Agent => (anchor, t.skill_by_number(other).ok_or_else(|| format!("Skill {other} not found."))?),
    };
    let proficiency = match item.get("proficiency") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(p) if (1.0..=20.0).contains(&p) && p.fract() == 0.0 => Some(p),
            _ => return Err(format!("Proficiency must be an integer from 1 to 20, got {v}.")),
        },
    };
    let active = match item.get("isActive") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(v) => return Err(format!("isActive must be true or false, got {v}.")),
    };
    let current = t.users[agent].skills.get(&skill).copied();
    match (method, current) {
        (&Method::POST, Some(_)) => Err("Agent is already assigned to skill".into()),
        (&Method::POST, None) => {
            let p = proficiency.ok_or("Proficiency is required when assigning a skill.")?;
            t.assign(agent, skill, p, active.unwrap_or(true));
            Ok(())
        }
        (&Method::PUT, Some(a)) => {
            // The contract: "on PUT `isActive` is required per item", on both PUT endpoints.
            let active = active.ok_or("isActive is required on PUT.")?;
            t.assign(agent, skill, proficiency.unwrap_or(a.proficiency), active);
            Ok(())
        }
        (&Method::DELETE, Some(_)) => {
            t.unassign(agent, skill);
            Ok(())
        }
        _ => Err("Agent is not assigned to skill".into()),
    }
}
