//! Genesys routing languages, kept apart from skills as Genesys keeps them: the languages
//! listing, one user's languages, and the writes (PATCH bulk, POST one, PATCH one, DELETE one).
//! There is no PUT bulk for languages. Writes run while the caller holds the user, like skills.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::read::{listing, page, paging, user_not_found};
use super::{detail, error};
use crate::http::{json_response, Call};
use crate::state::Shared;
use crate::tenant::{Tenant, User};

/// Genesys' cap on items per language bulk call ("Max 50 routing languages in request body").
const MAX_ITEMS: usize = 50;

/// A Language of `GET /api/v2/routing/languages`.
fn language_json(t: &Tenant, language: usize) -> Value {
    let l = &t.languages[language];
    json!({
        "id": l.guid_text,
        "name": l.name,
        "state": "active",
        "version": "1",
        "dateModified": l.date_modified,
        "selfUri": format!("/api/v2/routing/languages/{}", l.guid_text),
    })
}

/// A UserRoutingLanguage.
fn user_language_json(t: &Tenant, user: &User, language: usize, proficiency: f64) -> Value {
    let l = &t.languages[language];
    json!({
        "id": l.guid_text,
        "name": l.name,
        "proficiency": proficiency,
        "state": "active",
        "languageUri": format!("/api/v2/routing/languages/{}", l.guid_text),
        "selfUri": format!("/api/v2/users/{}/routinglanguages/{}", user.guid_text, l.guid_text),
    })
}

/// A user's languages sorted by name, as UserRoutingLanguages (also the `languages` expand).
pub(crate) fn user_languages(t: &Tenant, user: &User) -> Vec<Value> {
    let mut held: Vec<(&str, Value)> = user
        .languages
        .iter()
        .map(|(l, p)| (t.languages[*l].name.as_str(), user_language_json(t, user, *l, *p)))
        .collect();
    held.sort_by(|a, b| a.0.cmp(b.0));
    held.into_iter().map(|(_, v)| v).collect()
}

/// `GET /api/v2/routing/languages`: paged, `name` a case-insensitive prefix as for skills.
pub(crate) fn list_languages(shared: &Shared, call: &Call, correlation: &str) -> Response {
    let (size, number) = match paging(shared, call, correlation) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let prefix = call.param("name").map(str::to_lowercase).unwrap_or_default();
    let t = shared.tenant.read();
    let matching: Vec<usize> = (0..t.languages.len())
        .filter(|i| prefix.is_empty() || t.languages[*i].name.to_lowercase().starts_with(&prefix))
        .collect();
    let entities = page(&matching, size, number).iter().map(|i| language_json(&t, *i)).collect();
    let filters: Vec<(&str, &str)> = call.param("name").map(|n| ("name", n)).into_iter().collect();
    let body = listing(entities, matching.len(), size, number, "/api/v2/routing/languages", &filters);
    json_response(StatusCode::OK, &body)
}

/// `GET /api/v2/users/{id}/routinglanguages`: a UserLanguageEntityListing.
pub(crate) fn list_user_languages(shared: &Shared, call: &Call, user: &str, correlation: &str) -> Response {
    let (size, number) = match paging(shared, call, correlation) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let t = shared.tenant.read();
    let Some(u) = t.user_by_guid(user) else { return user_not_found(user, correlation) };
    let u = &t.users[u];
    let all = user_languages(&t, u);
    let path = format!("/api/v2/users/{}/routinglanguages", u.guid_text);
    json_response(StatusCode::OK, &listing(page(&all, size, number).to_vec(), all.len(), size, number, &path, &[]))
}

fn bad_request(message: &str, details: Vec<Value>, correlation: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "bad.request", message, correlation, details)
}

/// The language an item's `id` names, or the detail that refuses it.
fn language_of(t: &Tenant, item: &Map<String, Value>) -> Result<usize, Value> {
    match item.get("id") {
        Some(Value::String(id)) => {
            t.language_by_guid(id).ok_or_else(|| detail("invalid.language", "id", id, "no language with this id"))
        }
        Some(_) => Err(detail("invalid.value", "id", "", "id must be a language id (text)")),
        None if item.contains_key("languageId") => {
            Err(detail("missing.field", "id", "", "the language id goes in `id`, not `languageId`"))
        }
        None => Err(detail("missing.field", "id", "", "id is required")),
    }
}

/// A language proficiency from 0 to 5. Genesys rounds it to the nearest whole number (the
/// contract, after Genesys' Terraform provider), so 3.5 is stored and answered as 4.
fn proficiency_of(item: &Map<String, Value>, id: &str) -> Result<f64, Value> {
    match item.get("proficiency").and_then(Value::as_f64) {
        Some(p) if (0.0..=5.0).contains(&p) => Ok(p.round()),
        _ => Err(detail("invalid.value", "proficiency", id, "proficiency must be a number from 0 to 5")),
    }
}

fn object_body(call: &Call, shape: &str, correlation: &str) -> Result<Map<String, Value>, Response> {
    match call.json() {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(bad_request(&format!("The body must be a JSON object {shape}."), Vec::new(), correlation)),
        Err(e) => Err(bad_request(&e, Vec::new(), correlation)),
    }
}

fn not_assigned(t: &Tenant, index: usize, language: &str, correlation: &str) -> Response {
    let m = format!("Language {language} is not assigned to user {}.", t.users[index].guid_text);
    error(StatusCode::NOT_FOUND, "not.found", &m, correlation, Vec::new())
}

/// `POST /api/v2/users/{id}/routinglanguages`: adds one language; 409 `duplicate` when the user
/// already holds it (the contract leaves this open; the sandbox answers as for skills).
pub(crate) fn add(shared: &Shared, call: &Call, index: usize, correlation: &str) -> Response {
    let item = match object_body(call, "{\"id\", \"proficiency\"}", correlation) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut t = shared.tenant.write();
    let language = match language_of(&t, &item) {
        Ok(l) => l,
        Err(d) => return bad_request("Invalid language in the request body.", vec![d], correlation),
    };
    let proficiency = match proficiency_of(&item, &t.languages[language].guid_text) {
        Ok(p) => p,
        Err(d) => return bad_request("Invalid proficiency in the request body.", vec![d], correlation),
    };
    if t.users[index].languages.contains_key(&language) {
        let m = "Language assignment already exists for user.";
        return error(StatusCode::CONFLICT, "duplicate", m, correlation, Vec::new());
    }
    t.assign_language(index, language, proficiency);
    json_response(StatusCode::OK, &user_language_json(&t, &t.users[index], language, proficiency))
}

/// `PATCH /api/v2/users/{id}/routinglanguages/{languageId}`: `{proficiency, state}` of one held
/// language. `proficiency` may be left out (kept); `state`, when sent, must be `active`, the only
/// state the sandbox keeps for an assignment.
pub(crate) fn update(shared: &Shared, call: &Call, index: usize, language: &str, correlation: &str) -> Response {
    let item = match object_body(call, "{\"proficiency\", \"state\"}", correlation) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut t = shared.tenant.write();
    let Some(l) = t.language_by_guid(language).filter(|l| t.users[index].languages.contains_key(l)) else {
        return not_assigned(&t, index, language, correlation);
    };
    let proficiency = match item.get("proficiency") {
        None | Some(Value::Null) => t.users[index].languages[&l],
        Some(_) => match proficiency_of(&item, language) {
            Ok(p) => p,
            Err(d) => return bad_request("Invalid proficiency in the request body.", vec![d], correlation),
        },
    };
    match item.get("state") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.eq_ignore_ascii_case("active") => {}
        Some(other) => {
            let d = detail("invalid.value", "state", language, "only an active language assignment can be kept");
            return bad_request(&format!("Unsupported state {other}."), vec![d], correlation);
        }
    }
    t.assign_language(index, l, proficiency);
    json_response(StatusCode::OK, &user_language_json(&t, &t.users[index], l, proficiency))
}

/// `DELETE /api/v2/users/{id}/routinglanguages/{languageId}`: 204, or 404 when not held.
pub(crate) fn remove(shared: &Shared, index: usize, language: &str, correlation: &str) -> Response {
    let mut t = shared.tenant.write();
    match t.language_by_guid(language) {
        Some(l) if t.unassign_language(index, l) => {
            let mut response = Response::new(axum::body::Body::empty());
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        _ => not_assigned(&t, index, language, correlation),
    }
}

/// `PATCH /api/v2/users/{id}/routinglanguages/bulk`: adds and updates, removes nothing, at most
/// 50 items; answers the user's whole language set as a UserLanguageEntityListing (one page).
pub(crate) fn bulk(shared: &Shared, call: &Call, index: usize, correlation: &str) -> Response {
    let items = match call.json() {
        Ok(Value::Array(items)) => items,
        Ok(_) => {
            let d = detail("invalid.value", "body", "", "the body must be a JSON array of {\"id\", \"proficiency\"}");
            return bad_request("Invalid request body: expected an array.", vec![d], correlation);
        }
        Err(e) => return bad_request(&e, Vec::new(), correlation),
    };
    if items.len() > MAX_ITEMS {
        let d = detail("too.many.items", "body", "", "Max 50 routing languages in request body");
        let m = format!("{} items sent; at most {MAX_ITEMS} routing languages are allowed.", items.len());
        return bad_request(&m, vec![d], correlation);
    }
    let mut t = shared.tenant.write();
    let mut wanted: BTreeMap<usize, f64> = BTreeMap::new();
    let mut details = Vec::new();
    for item in &items {
        let Some(item) = item.as_object() else {
            details.push(detail("invalid.value", "body", "", "each item must be an object {\"id\", \"proficiency\"}"));
            continue;
        };
        match language_of(&t, item).and_then(|l| proficiency_of(item, &t.languages[l].guid_text).map(|p| (l, p))) {
            Ok((l, p)) => {
                wanted.insert(l, p);
            }
            Err(d) => details.push(d),
        }
    }
    if !details.is_empty() {
        return bad_request("Invalid request body: see details.", details, correlation);
    }
    for (language, p) in wanted {
        t.assign_language(index, language, p);
    }
    let u = &t.users[index];
    let entities = user_languages(&t, u);
    let total = entities.len();
    let path = format!("/api/v2/users/{}/routinglanguages", u.guid_text);
    json_response(StatusCode::OK, &listing(entities, total, total.max(MAX_ITEMS), 1, &path, &[]))
}
