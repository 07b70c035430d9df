//! Genesys reads: the skills and users listings, user search, and one user's skills, all in the
//! contract's listing shape.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::error;
use crate::config::Platform;
use crate::http::{json_response, parse_count, Call};
use crate::state::Shared;
use crate::tenant::{proficiency_json, Tenant, User};

/// Genesys' default page size.
const DEFAULT_PAGE_SIZE: usize = 25;
/// The largest page the sandbox serves (the contract leaves the real maximum open).
pub(crate) const MAX_PAGE_SIZE: usize = 500;

/// `pageSize` (after the page cap) and `pageNumber` of a request, or the 400 that refuses them.
pub(crate) fn paging(shared: &Shared, call: &Call, correlation: &str) -> Result<(usize, usize), Response> {
    let bad = |m: String| error(StatusCode::BAD_REQUEST, "bad.request", &m, correlation, Vec::new());
    let size = match call.param("pageSize") {
        None => DEFAULT_PAGE_SIZE,
        Some(v) => match parse_count(v) {
            Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => return Err(bad(format!("pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}, got `{v}`."))),
        },
    };
    let number = match call.param("pageNumber") {
        None => 1,
        Some(v) => match parse_count(v) {
            Some(n) if n >= 1 => n,
            _ => return Err(bad(format!("pageNumber must be a whole number from 1, got `{v}`."))),
        },
    };
    Ok((shared.capped(size), number))
}

/// The contract's listing shape. URIs are relative, carry the request's other filters, and
/// `nextUri`/`previousUri` are absent on the last/first page.
pub(crate) fn listing(
    entities: Vec<Value>,
    total: usize,
    size: usize,
    number: usize,
    path: &str,
    filters: &[(&str, &str)],
) -> Value {
    let page_count = total.div_ceil(size);
    let uri = |n: usize| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("pageSize", &size.to_string()).append_pair("pageNumber", &n.to_string());
        for (k, v) in filters {
            q.append_pair(k, v);
        }
        format!("{path}?{}", q.finish())
    };
    let mut body = json!({
        "entities": entities,
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "lastUri": uri(page_count.max(1)),
        "selfUri": uri(number),
    });
    if number < page_count {
        body["nextUri"] = json!(uri(number + 1));
    }
    if number > 1 {
        body["previousUri"] = json!(uri(number - 1));
    }
    body
}

/// The slice of `items` a page covers.
pub(crate) fn page<T: Clone>(items: &[T], size: usize, number: usize) -> &[T] {
    let start = size.saturating_mul(number - 1).min(items.len());
    let end = start.saturating_add(size).min(items.len());
    &items[start..end]
}

pub(crate) fn skill_json(t: &Tenant, skill: usize) -> Value {
    let s = &t.skills[skill];
    json!({
        "id": s.guid_text,
        "name": s.name,
        "state": if s.active { "active" } else { "inactive" },
        "version": "1",
        "dateModified": s.date_modified,
        "selfUri": format!("/api/v2/routing/skills/{}", s.guid_text),
    })
}

/// A UserRoutingSkill.
pub(crate) fn user_skill_json(t: &Tenant, user: &User, skill: usize, proficiency: f64) -> Value {
    let s = &t.skills[skill];
    json!({
        "id": s.guid_text,
        "name": s.name,
        "proficiency": proficiency_json(Platform::Genesys, proficiency),
        "state": if s.active { "active" } else { "inactive" },
        "skillUri": format!("/api/v2/routing/skills/{}", s.guid_text),
        "selfUri": format!("/api/v2/users/{}/routingskills/{}", user.guid_text, s.guid_text),
    })
}

/// A user's skills sorted by name, as UserRoutingSkills.
pub(crate) fn user_skills(t: &Tenant, user: &User) -> Vec<Value> {
    let mut skills: Vec<(&str, Value)> = user
        .skills
        .iter()
        .map(|(skill, a)| (t.skills[*skill].name.as_str(), user_skill_json(t, user, *skill, a.proficiency)))
        .collect();
    skills.sort_by(|a, b| a.0.cmp(b.0));
    skills.into_iter().map(|(_, v)| v).collect()
}

/// What `expand` asks to fill on each user.
#[derive(Clone, Copy, Default)]
struct Expand {
    skills: bool,
    languages: bool,
}

impl Expand {
    /// From `expand` values, each a comma list (`expand=skills,languages` or repeated `expand`).
    fn of<'a>(values: impl Iterator<Item = &'a str>) -> Expand {
        let mut expand = Expand::default();
        for v in values.flat_map(|v| v.split(',')).map(str::trim) {
            expand.skills |= v.eq_ignore_ascii_case("skills");
            expand.languages |= v.eq_ignore_ascii_case("languages");
        }
        expand
    }

    /// The `expand` value the listing's URIs carry.
    fn text(self) -> Option<&'static str> {
        match (self.skills, self.languages) {
            (true, true) => Some("skills,languages"),
            (true, false) => Some("skills"),
            (false, true) => Some("languages"),
            (false, false) => None,
        }
    }
}

/// A user with what `expand` asks for; the `expand_drop` quirk may leave `skills` out.
fn user_json(shared: &Shared, t: &Tenant, user: &User, expand: Expand) -> Value {
    let mut body = json!({
        "id": user.guid_text,
        "name": user.name,
        "email": user.email,
        "username": user.username,
        "state": if user.active { "active" } else { "inactive" },
        "version": user.version,
        "selfUri": format!("/api/v2/users/{}", user.guid_text),
    });
    if expand.skills && !shared.drops_expand(&user.guid) {
        body["skills"] = Value::Array(user_skills(t, user));
    }
    if expand.languages {
        body["languages"] = Value::Array(super::languages::user_languages(t, user));
    }
    body
}

/// `GET /api/v2/routing/skills`: `name` is a case-insensitive prefix filter.
pub(crate) fn list_skills(shared: &Shared, call: &Call, correlation: &str) -> Response {
    let (size, number) = match paging(shared, call, correlation) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let prefix = call.param("name").map(str::to_lowercase).unwrap_or_default();
    let t = shared.tenant.read();
    let matching: Vec<usize> = (0..t.skills.len())
        .filter(|i| prefix.is_empty() || t.skills[*i].name.to_lowercase().starts_with(&prefix))
        .collect();
    let entities = page(&matching, size, number).iter().map(|i| skill_json(&t, *i)).collect();
    let filters: Vec<(&str, &str)> = call.param("name").map(|n| ("name", n)).into_iter().collect();
    json_response(StatusCode::OK, &listing(entities, matching.len(), size, number, "/api/v2/routing/skills", &filters))
}

/// `GET /api/v2/users`: `state` active (default) | inactive | deleted | any; `expand=skills,languages`.
pub(crate) fn list_users(shared: &Shared, call: &Call, correlation: &str) -> Response {
    let (size, number) = match paging(shared, call, correlation) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let state = call.param("state").unwrap_or("active").to_ascii_lowercase();
    let wanted: fn(&User) -> bool = match state.as_str() {
        "active" => |u| u.active,
        "inactive" => |u| !u.active,
        // The sandbox holds no deleted users.
        "deleted" => |_| false,
        "any" => |_| true,
        _ => {
            let m = format!("state must be active, inactive, deleted or any, got `{state}`.");
            return error(StatusCode::BAD_REQUEST, "bad.request", &m, correlation, Vec::new());
        }
    };
    let expand = Expand::of(call.query.iter().filter(|(k, _)| k == "expand").map(|(_, v)| v.as_str()));
    let t = shared.tenant.read();
    let matching: Vec<usize> = (0..t.users.len()).filter(|i| wanted(&t.users[*i])).collect();
    let entities = page(&matching, size, number).iter().map(|i| user_json(shared, &t, &t.users[*i], expand)).collect();
    let mut filters = vec![("state", state.as_str())];
    if let Some(text) = expand.text() {
        filters.push(("expand", text));
    }
    json_response(StatusCode::OK, &listing(entities, matching.len(), size, number, "/api/v2/users", &filters))
}

/// `GET /api/v2/users/{id}/routingskills`.
pub(crate) fn list_user_skills(shared: &Shared, call: &Call, user: &str, correlation: &str) -> Response {
    let (size, number) = match paging(shared, call, correlation) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let t = shared.tenant.read();
    let Some(u) = t.user_by_guid(user) else { return user_not_found(user, correlation) };
    let u = &t.users[u];
    let all = user_skills(&t, u);
    let entities = page(&all, size, number).to_vec();
    let path = format!("/api/v2/users/{}/routingskills", u.guid_text);
    json_response(StatusCode::OK, &listing(entities, all.len(), size, number, &path, &[]))
}

pub(crate) fn user_not_found(user: &str, correlation: &str) -> Response {
    error(StatusCode::NOT_FOUND, "not.found", &format!("User {user} not found."), correlation, Vec::new())
}

/// `POST /api/v2/users/search` with EXACT queries on email, username, name or id. Items of
/// `query` must all match; within one item any field and any value may match.
pub(crate) fn search_users(shared: &Shared, call: &Call, correlation: &str) -> Response {
    let bad = |m: &str| error(StatusCode::BAD_REQUEST, "bad.request", m, correlation, Vec::new());
    let body = match call.json() {
        Ok(Value::Object(o)) => o,
        Ok(_) => return bad("The search body must be a JSON object with a `query` array."),
        Err(e) => return bad(&e),
    };
    let Some(items) = body.get("query").and_then(Value::as_array).filter(|q| !q.is_empty()) else {
        return bad("The search body needs a non-empty `query` array.");
    };
    let mut criteria = Vec::with_capacity(items.len());
    for item in items {
        match criterion(item) {
            Ok(c) => criteria.push(c),
            Err(m) => return bad(&m),
        }
    }
    let number_of = |key: &str, default: usize, max: usize| match body.get(key) {
        None => Some(default),
        Some(v) => v.as_u64().map(|n| n as usize).filter(|n| (1..=max).contains(n)),
    };
    let (Some(size), Some(number)) =
        (number_of("pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), number_of("pageNumber", 1, usize::MAX))
    else {
        return bad(&format!("pageSize must be from 1 to {MAX_PAGE_SIZE} and pageNumber from 1."));
    };
    let size = shared.capped(size);
    let expand = body
        .get("expand")
        .and_then(Value::as_array)
        .map(|e| Expand::of(e.iter().filter_map(Value::as_str)))
        .unwrap_or_default();

    let t = shared.tenant.read();
    let candidates: Vec<usize> = match indexed(&t, &criteria[0]) {
        Some(found) => found,
        None => (0..t.users.len()).collect(),
    };
    let matching: Vec<usize> =
        candidates.into_iter().filter(|u| criteria.iter().all(|c| c.matches(&t.users[*u]))).collect();
    let results: Vec<Value> =
        page(&matching, size, number).iter().map(|u| user_json(shared, &t, &t.users[*u], expand)).collect();
    json_response(
        StatusCode::OK,
        &json!({
            "total": matching.len(),
            "pageCount": matching.len().div_ceil(size),
            "pageSize": size,
            "pageNumber": number,
            "results": results,
        }),
    )
}

struct Criterion {
    fields: Vec<String>,
    values: Vec<String>,
}

impl Criterion {
    fn matches(&self, u: &User) -> bool {
        self.fields.iter().any(|f| {
            let have = match f.as_str() {
                "email" => &u.email,
                "username" => &u.username,
                "name" => &u.name,
                _ => &u.guid_text,
            };
            self.values.iter().any(|v| have.eq_ignore_ascii_case(v.trim()))
        })
    }
}

fn criterion(item: &Value) -> Result<Criterion, String> {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
    if !kind.eq_ignore_ascii_case("EXACT") {
        return Err(format!("Query type `{kind}` is not supported; use EXACT."));
    }
    let fields: Vec<String> = item
        .get("fields")
        .and_then(Value::as_array)
        .map(|f| f.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if fields.is_empty() || fields.iter().any(|f| !["email", "username", "name", "id"].contains(&f.as_str())) {
        return Err("Query fields must be among email, username, name and id.".into());
    }
    let mut values: Vec<String> = item
        .get("values")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(v) = item.get("value").and_then(Value::as_str) {
        values.push(v.to_string());
    }
    if values.is_empty() {
        return Err("A query needs a `value` or `values`.".into());
    }
    Ok(Criterion { fields, values })
}

/// Candidates from the indexes when the first criterion only names indexed fields.
fn indexed(t: &Tenant, c: &Criterion) -> Option<Vec<usize>> {
    if c.fields.iter().any(|f| f == "name") {
        return None;
    }
    let mut found: Vec<usize> = c
        .fields
        .iter()
        .flat_map(|f| {
            c.values.iter().filter_map(move |v| match f.as_str() {
                "email" => t.user_by_email(v),
                "username" => t.user_by_username(v),
                _ => t.user_by_guid(v.trim()),
            })
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    Some(found)
}
