//! The imitation Genesys Cloud tenant: routes, the client-credentials token endpoint, and the
//! gate every `/api/v2` call passes (bearer token, rate limit, injected faults, headers).

mod languages;
mod read;
mod write;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::config::FaultKind;
use crate::http::{after_fault, delay, header_value, json_response, Call};
use crate::state::{LimitInfo, Shared, TokenCheck, WriteGuard};

/// Where a request goes; path ids are kept as text and resolved by the handler.
enum Route {
    Token,
    ListSkills,
    ListUsers,
    SearchUsers,
    ListUserSkills(String),
    AddUserSkill(String),
    Bulk { user: String, replace: bool },
    SetUserSkill { user: String, skill: String },
    RemoveUserSkill { user: String, skill: String },
    ListLanguages,
    ListUserLanguages(String),
    AddUserLanguage(String),
    LanguageBulk(String),
    SetUserLanguage { user: String, language: String },
    RemoveUserLanguage { user: String, language: String },
    NotAllowed,
    Unmatched,
}

impl Route {
    /// The user a write route changes: such a write holds the user while it is handled.
    fn written_user(&self) -> Option<&str> {
        match self {
            Route::AddUserSkill(user)
            | Route::Bulk { user, .. }
            | Route::SetUserSkill { user, .. }
            | Route::RemoveUserSkill { user, .. }
            | Route::AddUserLanguage(user)
            | Route::LanguageBulk(user)
            | Route::SetUserLanguage { user, .. }
            | Route::RemoveUserLanguage { user, .. } => Some(user),
            _ => None,
        }
    }

    /// The route and its template for `/__sandbox/stats`.
    fn of(method: &Method, path: &str) -> (Route, &'static str) {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let m = method.clone();
        match segments.as_slice() {
            ["oauth", "token"] if m == Method::POST => (Route::Token, "/oauth/token"),
            ["api", "v2", "routing", "skills"] => {
                (if m == Method::GET { Route::ListSkills } else { Route::NotAllowed }, "/api/v2/routing/skills")
            }
            ["api", "v2", "users"] => {
                (if m == Method::GET { Route::ListUsers } else { Route::NotAllowed }, "/api/v2/users")
            }
            ["api", "v2", "users", "search"] if m == Method::POST => (Route::SearchUsers, "/api/v2/users/search"),
            ["api", "v2", "users", user, "routingskills"] => {
                let user = user.to_string();
                let route = match m {
                    Method::GET => Route::ListUserSkills(user),
                    Method::POST => Route::AddUserSkill(user),
                    _ => Route::NotAllowed,
                };
                (route, "/api/v2/users/{id}/routingskills")
            }
            ["api", "v2", "users", user, "routingskills", "bulk"] if m == Method::PATCH || m == Method::PUT => (
                Route::Bulk { user: user.to_string(), replace: m == Method::PUT },
                "/api/v2/users/{id}/routingskills/bulk",
            ),
            ["api", "v2", "users", user, "routingskills", skill] => {
                let (user, skill) = (user.to_string(), skill.to_string());
                let route = match m {
                    Method::PUT => Route::SetUserSkill { user, skill },
                    Method::DELETE => Route::RemoveUserSkill { user, skill },
                    _ => Route::NotAllowed,
                };
                (route, "/api/v2/users/{id}/routingskills/{skillId}")
            }
            ["api", "v2", "routing", "languages"] => {
                (if m == Method::GET { Route::ListLanguages } else { Route::NotAllowed }, "/api/v2/routing/languages")
            }
            ["api", "v2", "users", user, "routinglanguages"] => {
                let user = user.to_string();
                let route = match m {
                    Method::GET => Route::ListUserLanguages(user),
                    Method::POST => Route::AddUserLanguage(user),
                    _ => Route::NotAllowed,
                };
                (route, "/api/v2/users/{id}/routinglanguages")
            }
            // Only PATCH: Genesys has no PUT bulk for languages.
            ["api", "v2", "users", user, "routinglanguages", "bulk"] => {
                let route = if m == Method::PATCH { Route::LanguageBulk(user.to_string()) } else { Route::NotAllowed };
                (route, "/api/v2/users/{id}/routinglanguages/bulk")
            }
            ["api", "v2", "users", user, "routinglanguages", language] => {
                let (user, language) = (user.to_string(), language.to_string());
                let route = match m {
                    Method::PATCH => Route::SetUserLanguage { user, language },
                    Method::DELETE => Route::RemoveUserLanguage { user, language },
                    _ => Route::NotAllowed,
                };
                (route, "/api/v2/users/{id}/routinglanguages/{languageId}")
            }
            _ => (Route::Unmatched, "(unmatched)"),
        }
    }
}

pub(crate) async fn serve(shared: &Shared, call: Call) -> Response {
    let correlation = uuid::Uuid::new_v4().to_string();
    let (route, template) = Route::of(&call.method, &call.path);
    shared.stats.record(&format!("{} {template}", call.method));
    // A write to a user spends the latency while it holds the user (see `api_call`).
    if route.written_user().is_none() {
        delay(shared).await;
    }
    let mut response = match route {
        Route::Token => token(shared, &call),
        Route::Unmatched => with_limit(
            error(
                StatusCode::NOT_FOUND,
                "not.found",
                &format!("No resource at {}.", call.path),
                &correlation,
                Vec::new(),
            ),
            shared.idle_limit(),
        ),
        route => api_call(shared, &call, route, &correlation).await,
    };
    response.headers_mut().insert("ININ-Correlation-Id", header_value(&correlation));
    response
}

/// Token, rate limit and faults, then the handler.
async fn api_call(shared: &Shared, call: &Call, route: Route, correlation: &str) -> Response {
    let refused = |status: StatusCode, code: &str, message: &str| {
        with_limit(error(status, code, message, correlation, Vec::new()), shared.idle_limit())
    };
    let token = match shared.check_token(call.header("authorization")) {
        TokenCheck::Valid(t) => t,
        TokenCheck::Missing => {
            return refused(
                StatusCode::UNAUTHORIZED,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            )
        }
        TokenCheck::Unknown => {
            return refused(StatusCode::UNAUTHORIZED, "bad.credentials", "Invalid login credentials.")
        }
        TokenCheck::Expired => {
            return refused(
                StatusCode::UNAUTHORIZED,
                "bad.credentials",
                "Invalid login credentials: the token has expired.",
            )
        }
    };
    let limit = match shared.count_request(&token) {
        Ok(limit) => limit,
        Err(limit) => return too_many(correlation, limit, limit.reset),
    };
    let fault = shared.draw_fault(false);
    if let Some(kind) = fault.filter(|k| k.status().is_some()) {
        return with_limit(fault_response(kind, correlation, limit), limit);
    }
    let written = match route.written_user() {
        Some(user) => match hold_user(shared, user, correlation).await {
            Ok(held) => Some(held),
            Err(refusal) => return with_limit(refusal, limit),
        },
        None => None,
    };
    let user = written.as_ref().map_or(0, |(index, _)| *index);
    let response = match route {
        Route::ListSkills => read::list_skills(shared, call, correlation),
        Route::ListUsers => read::list_users(shared, call, correlation),
        Route::SearchUsers => read::search_users(shared, call, correlation),
        Route::ListUserSkills(user) => read::list_user_skills(shared, call, &user, correlation),
        Route::AddUserSkill(_) => write::add(shared, call, user, correlation),
        Route::Bulk { replace, .. } => write::bulk(shared, call, user, replace, correlation),
        Route::SetUserSkill { skill, .. } => write::set(shared, call, user, &skill, correlation),
        Route::RemoveUserSkill { skill, .. } => write::remove(shared, user, &skill, correlation),
        Route::ListLanguages => languages::list_languages(shared, call, correlation),
        Route::ListUserLanguages(user) => languages::list_user_languages(shared, call, &user, correlation),
        Route::AddUserLanguage(_) => languages::add(shared, call, user, correlation),
        Route::LanguageBulk(_) => languages::bulk(shared, call, user, correlation),
        Route::SetUserLanguage { language, .. } => languages::update(shared, call, user, &language, correlation),
        Route::RemoveUserLanguage { language, .. } => languages::remove(shared, user, &language, correlation),
        Route::NotAllowed => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method.not.allowed",
            &format!("{} is not supported on {}.", call.method, call.path),
            correlation,
            Vec::new(),
        ),
        Route::Token | Route::Unmatched => error(
            StatusCode::NOT_FOUND,
            "not.found",
            &format!("No resource at {}.", call.path),
            correlation,
            Vec::new(),
        ),
    };
    // The user is released once the write is applied, before the answer goes out.
    drop(written);
    with_limit(after_fault(shared, fault, response).await, limit)
}

/// Takes hold of the user a write changes for as long as the write is handled, the configured
/// latency included: 404 for an unknown user, 409 while another write to the user is in flight.
async fn hold_user<'a>(shared: &'a Shared, user: &str, correlation: &str) -> Result<(usize, WriteGuard<'a>), Response> {
    let found = {
        let t = shared.tenant.read();
        t.user_by_guid(user).map(|index| (index, t.users[index].version))
    };
    let Some((index, version)) = found else {
        delay(shared).await;
        return Err(read::user_not_found(user, correlation));
    };
    let Some(guard) = shared.begin_write(index) else {
        delay(shared).await;
        let message = format!(
            "The version supplied ({version}) does not match the current version ({}) of user {user}.",
            version + 1
        );
        return Err(error(StatusCode::CONFLICT, "general.conflict", &message, correlation, Vec::new()));
    };
    delay(shared).await;
    Ok((index, guard))
}

/// `POST /oauth/token`: client credentials by Basic auth, form `grant_type=client_credentials`.
fn token(shared: &Shared, call: &Call) -> Response {
    let form = call.form();
    let grant = form.iter().find(|(k, _)| k == "grant_type").map(|(_, v)| v.as_str());
    let oauth_error = |status: StatusCode, error: &str, description: &str| {
        json_response(status, &json!({"error": error, "description": description, "error_description": description}))
    };
    let Some((id, secret)) = crate::auth::client_of(call, &form, false) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication (HTTP Basic) is required.",
        );
    };
    if id != shared.credentials.client_id || secret != shared.credentials.client_secret {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client not found or secret does not match");
    }
    if grant != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "grant_type must be client_credentials");
    }
    let access_token = shared.issue_token();
    json_response(
        StatusCode::OK,
        &json!({"access_token": access_token, "token_type": "bearer", "expires_in": shared.token_ttl.as_secs()}),
    )
}

/// Genesys' ErrorBody.
pub(crate) fn error(status: StatusCode, code: &str, message: &str, correlation: &str, details: Vec<Value>) -> Response {
    json_response(status, &error_body(status, code, message, correlation, details))
}

fn error_body(status: StatusCode, code: &str, message: &str, correlation: &str, details: Vec<Value>) -> Value {
    json!({
        "message": message,
        "code": code,
        "status": status.as_u16(),
        "messageWithParams": message,
        "messageParams": {},
        "contextId": correlation,
        "details": details,
        "errors": [],
    })
}

/// One entry of an ErrorBody's `details`.
pub(crate) fn detail(error_code: &str, field: &str, entity_id: &str, entity_name: &str) -> Value {
    json!({"errorCode": error_code, "fieldName": field, "entityId": entity_id, "entityName": entity_name})
}

fn too_many(correlation: &str, limit: LimitInfo, retry_after: u64) -> Response {
    let message = format!("Rate limit exceeded the maximum. [{}] requests for [60] seconds", limit.allowed);
    let mut body = error_body(StatusCode::TOO_MANY_REQUESTS, "too.many.requests", &message, correlation, Vec::new());
    body["limit"] = json!({"key": "token.rate.per.minute", "namespace": "platform.api", "value": limit.allowed});
    let mut response = with_limit(json_response(StatusCode::TOO_MANY_REQUESTS, &body), limit);
    response.headers_mut().insert(header::RETRY_AFTER, header_value(&retry_after.max(1).to_string()));
    response
}

fn fault_response(kind: FaultKind, correlation: &str, limit: LimitInfo) -> Response {
    let (status, code, message) = match kind {
        FaultKind::TooMany => return too_many(correlation, limit, 1),
        FaultKind::Internal => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal.server.error", "The server encountered an unexpected error.")
        }
        FaultKind::BadGateway => {
            (StatusCode::BAD_GATEWAY, "bad.gateway", "An upstream service returned an invalid response.")
        }
        FaultKind::Unavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, "service.unavailable", "The service is currently unavailable.")
        }
        _ => (
            StatusCode::CONFLICT,
            "general.conflict",
            "The version supplied does not match the current version of the user.",
        ),
    };
    let mut response = error(status, code, message, correlation, Vec::new());
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

fn with_limit(mut response: Response, limit: LimitInfo) -> Response {
    let headers = response.headers_mut();
    headers.insert("inin-ratelimit-count", header_value(&limit.count.to_string()));
    headers.insert("inin-ratelimit-allowed", header_value(&limit.allowed.to_string()));
    headers.insert("inin-ratelimit-reset", header_value(&limit.reset.to_string()));
    response
}
