//! The imitation NICE CXone tenant: discovery, the password-grant token endpoint, routes under
//! `/incontactapi/services/v{NN}.0/` (any version, prefix case-insensitive), and the gate every
//! Admin API call passes (bearer token, rate limit, injected faults).

mod read;
mod write;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::config::FaultKind;
use crate::http::{after_fault, delay, header_value, json_response, Call};
use crate::state::{Shared, TokenCheck};

/// Which side of an assignment a path is about: `/skills/{id}/agents` or `/agents/{id}/skills`.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Side {
    Skill,
    Agent,
}

enum Route {
    Discovery,
    Configuration,
    Token,
    ListSkills,
    ListAgents,
    ListAssignments,
    Of { side: Side, id: String },
    Write { side: Side, id: String },
    NotAllowed,
    Unmatched,
}

impl Route {
    /// The route and its template for `/__sandbox/stats`, with the version the client sent.
    fn of(method: &Method, path: &str) -> (Route, String) {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let get = method == Method::GET;
        match segments.as_slice() {
            [".well-known", "openid-configuration"] if get => {
                (Route::Discovery, "/.well-known/openid-configuration".into())
            }
            [".well-known", "cxone-configuration"] if get => {
                (Route::Configuration, "/.well-known/cxone-configuration".into())
            }
            ["auth", "token"] if method == Method::POST => (Route::Token, "/auth/token".into()),
            [api, services, version, rest @ ..]
                if api.eq_ignore_ascii_case("incontactapi") && services.eq_ignore_ascii_case("services") =>
            {
                let Some(number) = version_number(version) else { return (Route::Unmatched, "(unmatched)".into()) };
                let prefix = format!("/incontactapi/services/v{number}.0");
                let lower: Vec<String> = rest.iter().map(|s| s.to_ascii_lowercase()).collect();
                let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
                let only_get = |route: Route| if get { route } else { Route::NotAllowed };
                match lower.as_slice() {
                    ["skills"] => (only_get(Route::ListSkills), format!("{prefix}/skills")),
                    ["agents"] => (only_get(Route::ListAgents), format!("{prefix}/agents")),
                    ["agents", "skills"] => (only_get(Route::ListAssignments), format!("{prefix}/agents/skills")),
                    ["skills", _, "agents"] | ["agents", _, "skills"] => {
                        let side = if lower[0] == "skills" { Side::Skill } else { Side::Agent };
                        let id = rest[1].to_string();
                        let route = match *method {
                            Method::GET => Route::Of { side, id },
                            Method::POST | Method::PUT | Method::DELETE => Route::Write { side, id },
                            _ => Route::NotAllowed,
                        };
                        let template = match side {
                            Side::Skill => format!("{prefix}/skills/{{id}}/agents"),
                            Side::Agent => format!("{prefix}/agents/{{id}}/skills"),
                        };
                        (route, template)
                    }
                    _ => (Route::Unmatched, "(unmatched)".into()),
                }
            }
            _ => (Route::Unmatched, "(unmatched)".into()),
        }
    }
}

/// `v33.0` → `33` (any digits, `v` in either case).
fn version_number(segment: &str) -> Option<&str> {
    let digits = segment.strip_prefix(['v', 'V'])?.strip_suffix(".0")?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

pub(crate) async fn serve(shared: &Shared, call: Call) -> Response {
    let (route, template) = Route::of(&call.method, &call.path);
    shared.stats.record(&format!("{} {template}", call.method));
    delay(shared).await;
    match route {
        Route::Discovery => discovery(shared),
        Route::Configuration => configuration(shared, &call),
        Route::Token => token(shared, &call),
        Route::Unmatched => error(StatusCode::NOT_FOUND, "not_found", &format!("No resource at {}.", call.path)),
        route => api_call(shared, &call, route).await,
    }
}

async fn api_call(shared: &Shared, call: &Call, route: Route) -> Response {
    let token = match shared.check_token(call.header("authorization")) {
        TokenCheck::Valid(t) => t,
        TokenCheck::Missing => {
            return error(StatusCode::UNAUTHORIZED, "invalid_token", "Authorization bearer token is required.")
        }
        TokenCheck::Unknown => return error(StatusCode::UNAUTHORIZED, "invalid_token", "The access token is invalid."),
        TokenCheck::Expired => {
            return error(StatusCode::UNAUTHORIZED, "invalid_token", "The access token has expired.")
        }
    };
    if let Err(limit) = shared.count_request(&token) {
        return too_many(limit.reset);
    }
    let fault = shared.draw_fault(matches!(route, Route::Write { .. }));
    if let Some(kind) = fault.filter(|k| k.status().is_some()) {
        return fault_response(kind);
    }
    let item_error = fault == Some(FaultKind::ItemError);
    let response = match route {
        Route::ListSkills => read::list_skills(shared, call),
        Route::ListAgents => read::list_agents(shared, call),
        Route::ListAssignments => read::list_assignments(shared, call),
        Route::Of { side, id } => read::list_of(shared, call, side, &id),
        Route::Write { side, id } => write::write(shared, call, side, &id, item_error),
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            &format!("{} is not supported on {}.", call.method, call.path),
        ),
    };
    after_fault(shared, fault, response).await
}

/// `GET /.well-known/openid-configuration`.
fn discovery(shared: &Shared) -> Response {
    let base = &shared.base_url;
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": base,
            "token_endpoint": format!("{base}/auth/token"),
            "grant_types_supported": ["password", "client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": ["token", "id_token"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "tenantId"],
        }),
    )
}

/// `GET /.well-known/cxone-configuration?tenantId=..`: where the tenant's API lives.
fn configuration(shared: &Shared, call: &Call) -> Response {
    match call.param("tenantId") {
        None => error(StatusCode::BAD_REQUEST, "invalid_request", "tenantId is required."),
        Some(t) if t != shared.tenant_id => error(StatusCode::NOT_FOUND, "not_found", &format!("Unknown tenant {t}.")),
        Some(t) => json_response(
            StatusCode::OK,
            &json!({
                "api_endpoint": shared.base_url,
                "ui_endpoint": shared.base_url,
                "auth_endpoint": shared.base_url,
                "area": "na1",
                "cluster": "C32",
                "domain": "niceincontact.com",
                "tenantId": t,
            }),
        ),
    }
}

/// `POST /auth/token`: password grant with the access key, client by Basic auth (or form fields).
fn token(shared: &Shared, call: &Call) -> Response {
    let form = call.form();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let oauth_error = error;
    let creds = &shared.credentials;
    match crate::auth::client_of(call, &form, true) {
        Some((id, secret)) if id == creds.client_id && secret == creds.client_secret => {}
        _ => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unknown client or wrong client secret."),
    }
    if field("grant_type") != Some("password") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "grant_type must be password.");
    }
    if field("username") != creds.access_key_id.as_deref() || field("password") != creds.access_key_secret.as_deref() {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_grant", "Access key id or secret is wrong.");
    }
    let subject =
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, creds.access_key_id.as_deref().unwrap_or("").as_bytes());
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": shared.issue_token(),
            "token_type": "Bearer",
            "expires_in": shared.token_ttl.as_secs(),
            "id_token": crate::auth::id_token(shared, &subject.to_string()),
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
        }),
    )
}

/// CXone's error answer: the text in `icStatusDescription` and in a small JSON body.
pub(crate) fn error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = json_response(status, &json!({"error": error, "error_description": description}));
    let header_text: String =
        description.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect();
    response.headers_mut().insert("icStatusDescription", header_value(&header_text));
    response
}

fn too_many(retry_after: u64) -> Response {
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "Too many requests for this token.");
    response.headers_mut().insert(header::RETRY_AFTER, header_value(&retry_after.max(1).to_string()));
    response
}

fn fault_response(kind: FaultKind) -> Response {
    let (status, code, text) = match kind {
        FaultKind::TooMany => return too_many(1),
        FaultKind::Internal => {
            (StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", "An unexpected error occurred.")
        }
        FaultKind::BadGateway => {
            (StatusCode::BAD_GATEWAY, "BadGateway", "An upstream service returned an invalid response.")
        }
        FaultKind::Unavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable", "The service is unavailable.")
        }
        _ => (StatusCode::CONFLICT, "Conflict", "The resource was modified by another request."),
    };
    let mut response = error(status, code, text);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_segment_accepts_any_number() {
        assert_eq!(version_number("v33.0"), Some("33"), "v33.0");
        assert_eq!(version_number("V2.0"), Some("2"), "upper-case V");
        assert_eq!(version_number("v33.1"), None, "minor must be .0");
        assert_eq!(version_number("vx.0"), None, "digits only");
    }

    #[test]
    fn routes_match_case_insensitively_with_version_in_template() {
        let (route, template) = Route::of(&Method::POST, "/inContactAPI/Services/V29.0/Skills/1001/Agents");
        assert!(matches!(route, Route::Write { side: Side::Skill, .. }), "a skill write");
        assert_eq!(template, "/incontactapi/services/v29.0/skills/{id}/agents", "normalised template");
        let (route, _) = Route::of(&Method::GET, "/incontactapi/services/v33.0/agents/skills");
        assert!(matches!(route, Route::ListAssignments), "all assignments");
    }
}
