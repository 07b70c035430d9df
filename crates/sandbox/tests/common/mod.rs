//! Helpers the sandbox's integration tests share: start a sandbox on port 0, log in the way each
//! platform's clients do, and a small tenant whose contents every test can name.

#![allow(dead_code)]

use std::time::Duration;

use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantFile, TenantSource};

/// Three skills (one inactive, one unassigned), four users (one inactive), four assignments.
pub fn small_tenant(platform: Platform) -> TenantFile {
    let (p1, p2) = match platform {
        Platform::Genesys => (4.5, 2.0),
        Platform::Cxone => (3.0, 12.0),
    };
    serde_json::from_value(json!({
        "skills": [{"name": "Billing - English"}, {"name": "Sales - Spanish"}, {"name": "Retention", "active": false}],
        "users": [
            {"email": "ana.lee@example.com", "username": "alee", "name": "Ana Lee", "active": true},
            {"email": "bo.chen@example.com", "username": "bchen", "name": "Bo Chen", "active": true},
            {"email": "cy.diaz@example.com", "username": "cdiaz", "name": "Cy Diaz", "active": false},
            {"email": "di.evans@example.com", "username": "devans", "name": "Di Evans", "active": true}
        ],
        "assignments": [
            {"email": "ana.lee@example.com", "skill": "Billing - English", "proficiency": p1},
            {"email": "ana.lee@example.com", "skill": "Sales - Spanish", "proficiency": p2},
            {"email": "bo.chen@example.com", "skill": "Billing - English", "proficiency": p2},
            {"email": "cy.diaz@example.com", "skill": "Sales - Spanish", "proficiency": p1}
        ]
    }))
    .expect("the small tenant is valid")
}

/// A config over the small tenant with no rate limit, so tests only meet the limit on purpose.
pub fn config(platform: Platform) -> SandboxConfig {
    let mut c = SandboxConfig::new(platform);
    c.tenant = TenantSource::Inline(small_tenant(platform));
    c.rate_limit_per_minute = Some(0);
    c
}

pub async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("the sandbox starts")
}

pub fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(10)).build().expect("http client")
}

/// Genesys client credentials: Basic auth, form `grant_type=client_credentials`.
pub async fn genesys_token(sb: &Sandbox) -> String {
    let c = sb.credentials();
    let r = client()
        .post(format!("{}/oauth/token", sb.base_url()))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    assert_eq!(r.status(), StatusCode::OK, "token endpoint accepts the sandbox's credentials");
    let body: Value = r.json().await.expect("token body");
    body["access_token"].as_str().expect("access_token").to_string()
}

/// CXone login: discovery, then the password grant; returns the token response body.
pub async fn cxone_login(sb: &Sandbox) -> Value {
    let discovery: Value = client()
        .get(format!("{}/.well-known/openid-configuration", sb.base_url()))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("discovery body");
    let endpoint = discovery["token_endpoint"].as_str().expect("token_endpoint");
    let c = sb.credentials();
    let r = client()
        .post(endpoint)
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[
            ("grant_type", "password"),
            ("username", c.access_key_id.as_deref().expect("access key id")),
            ("password", c.access_key_secret.as_deref().expect("access key secret")),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(r.status(), StatusCode::OK, "the password grant accepts the access key");
    r.json().await.expect("token body")
}

pub async fn cxone_token(sb: &Sandbox) -> String {
    cxone_login(sb).await["access_token"].as_str().expect("access_token").to_string()
}

/// The Admin API base the tests use.
pub fn cxone_api(sb: &Sandbox) -> String {
    format!("{}/incontactapi/services/v33.0", sb.base_url())
}

pub fn header<'a>(r: &'a Response, name: &str) -> &'a str {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("header {name} is missing"))
}

/// Asserts a Genesys ErrorBody with every contract field.
pub fn assert_error_body(body: &Value, status: u16, code: &str) {
    for field in ["message", "code", "status", "messageWithParams", "messageParams", "contextId", "details", "errors"] {
        assert!(body.get(field).is_some(), "ErrorBody lacks `{field}`: {body}");
    }
    assert_eq!(body["status"], status, "ErrorBody status: {body}");
    assert_eq!(body["code"], code, "ErrorBody code: {body}");
}

/// Asserts CXone's error answer: `icStatusDescription` and `{error, error_description}`.
pub async fn assert_cxone_error(r: Response, status: u16) -> Value {
    assert_eq!(r.status().as_u16(), status, "status");
    let description = header(&r, "icStatusDescription").to_string();
    assert!(!description.is_empty(), "icStatusDescription carries the error text");
    let body: Value = r.json().await.expect("error body is JSON");
    assert!(body["error"].is_string() && body["error_description"].is_string(), "error body shape: {body}");
    body
}

/// Looks a skill id up by name (Genesys).
pub async fn genesys_skill_id(sb: &Sandbox, token: &str, name: &str) -> String {
    let body: Value = client()
        .get(format!("{}/api/v2/routing/skills", sb.base_url()))
        .query(&[("name", name)])
        .bearer_auth(token)
        .send()
        .await
        .expect("skills")
        .json()
        .await
        .expect("skills body");
    body["entities"][0]["id"].as_str().unwrap_or_else(|| panic!("skill {name} exists")).to_string()
}

/// Looks a user id up by email (Genesys).
pub async fn genesys_user_id(sb: &Sandbox, token: &str, email: &str) -> String {
    let body: Value = client()
        .post(format!("{}/api/v2/users/search", sb.base_url()))
        .bearer_auth(token)
        .json(&json!({"query": [{"type": "EXACT", "fields": ["email"], "value": email}]}))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("search body");
    body["results"][0]["id"].as_str().unwrap_or_else(|| panic!("user {email} exists")).to_string()
}

/// The proficiency `/__sandbox/state` shows for one assignment.
pub fn state_of(sb: &Sandbox, email: &str, skill: &str) -> Option<Value> {
    sb.state()["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .find(|a| a["email"] == email && a["skill"] == skill)
        .map(|a| a["proficiency"].clone())
}
