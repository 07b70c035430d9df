//! Genesys routing languages over real HTTP, per the contract's "Routing languages" section: the
//! languages listing, a user's languages, the `languages` expand, the writes (no PUT bulk), and
//! that language writes meet the same stats, rate limit, faults and conflicts as skill writes.

mod common;

use std::time::Duration;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillsync_sandbox::{FaultKind, Faults, Platform, Sandbox, SandboxConfig, TenantFile, TenantSource};

/// The small tenant plus English, Spanish and French; Ana holds Spanish 4, Bo English 5.
fn language_config() -> SandboxConfig {
    let mut tenant: TenantFile = small_tenant(Platform::Genesys);
    let more: TenantFile = serde_json::from_value(json!({
        "languages": [{"name": "English"}, {"name": "Spanish"}, {"name": "French"}],
        "language_assignments": [
            {"email": "ana.lee@example.com", "language": "Spanish", "proficiency": 4},
            {"email": "bo.chen@example.com", "language": "English", "proficiency": 5}
        ]
    }))
    .expect("languages");
    tenant.languages = more.languages;
    tenant.language_assignments = more.language_assignments;
    let mut c = config(Platform::Genesys);
    c.tenant = TenantSource::Inline(tenant);
    c
}

async fn language_id(sb: &Sandbox, token: &str, name: &str) -> String {
    let body = get(sb, token, &format!("/api/v2/routing/languages?name={name}")).await;
    body["entities"][0]["id"].as_str().unwrap_or_else(|| panic!("language {name}: {body}")).to_string()
}

async fn get(sb: &Sandbox, token: &str, path: &str) -> Value {
    let r = client().get(format!("{}{path}", sb.base_url())).bearer_auth(token).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.expect("json")
}

async fn send(sb: &Sandbox, token: &str, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
    let r = client()
        .request(method, format!("{}{path}", sb.base_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("json") })
}

/// The proficiency `/__sandbox/state` shows for one of a user's languages.
fn language_state(sb: &Sandbox, email: &str, language: &str) -> Option<Value> {
    let state = sb.state();
    let rows = state["languages"].as_array().expect("state lists languages").clone();
    rows.iter().find(|l| l["email"] == email && l["language"] == language).map(|l| l["proficiency"].clone())
}

#[tokio::test]
async fn languages_listing_is_paged_and_filters_by_name_prefix() {
    let sb = start(language_config()).await;
    let token = genesys_token(&sb).await;
    let all = get(&sb, &token, "/api/v2/routing/languages").await;
    assert_eq!((all["total"].clone(), all["pageSize"].clone()), (json!(3), json!(25)), "{all}");
    let english = &all["entities"][0];
    for key in ["id", "name", "state", "version", "dateModified", "selfUri"] {
        assert!(english.get(key).is_some(), "language lacks {key}: {english}");
    }
    assert_eq!((english["name"].clone(), english["state"].clone()), (json!("English"), json!("active")), "file order");
    let first = get(&sb, &token, "/api/v2/routing/languages?pageSize=2").await;
    assert_eq!(first["entities"].as_array().expect("entities").len(), 2, "pageSize");
    assert_eq!(first["pageCount"], 2, "two pages");
    let next = first["nextUri"].as_str().expect("nextUri");
    assert!(next.starts_with("/api/v2/routing/languages?"), "{next}");
    assert_eq!(get(&sb, &token, next).await["entities"][0]["name"], "French", "the rest");
    let spanish = get(&sb, &token, "/api/v2/routing/languages?name=SPA").await;
    assert_eq!(spanish["total"], 1, "case-insensitive prefix: {spanish}");
    assert_eq!(spanish["entities"][0]["name"], "Spanish", "the match");
}

#[tokio::test]
async fn user_languages_are_read_per_user_and_through_the_languages_expand() {
    let sb = start(language_config()).await;
    let token = genesys_token(&sb).await;
    let ana = genesys_user_id(&sb, &token, "ana.lee@example.com").await;
    let held = get(&sb, &token, &format!("/api/v2/users/{ana}/routinglanguages")).await;
    assert_eq!(held["total"], 1, "{held}");
    let spanish = &held["entities"][0];
    for key in ["id", "name", "proficiency", "state", "languageUri", "selfUri"] {
        assert!(spanish.get(key).is_some(), "user language lacks {key}: {spanish}");
    }
    assert_eq!((spanish["name"].clone(), spanish["proficiency"].clone()), (json!("Spanish"), json!(4.0)), "{spanish}");

    let find = |body: &Value, key: &str| {
        let users = body[key].as_array().expect("users").clone();
        users.into_iter().find(|u| u["email"] == "ana.lee@example.com").expect("ana")
    };
    let only_languages = find(&get(&sb, &token, "/api/v2/users?expand=languages").await, "entities");
    assert_eq!(only_languages["languages"][0]["name"], "Spanish", "expand=languages: {only_languages}");
    assert!(only_languages.get("skills").is_none(), "skills only when asked");
    for query in ["expand=skills,languages", "expand=skills&expand=languages"] {
        let ana = find(&get(&sb, &token, &format!("/api/v2/users?{query}")).await, "entities");
        assert_eq!(ana["skills"].as_array().expect("skills").len(), 2, "{query}: {ana}");
        assert_eq!(ana["languages"].as_array().expect("languages").len(), 1, "{query}: {ana}");
    }
    let paged = get(&sb, &token, "/api/v2/users?pageSize=1&expand=skills,languages").await;
    let next = paged["nextUri"].as_str().expect("nextUri");
    assert!(next.contains("expand=skills%2Clanguages"), "the expand is kept: {next}");
    let no_expand = find(&get(&sb, &token, "/api/v2/users").await, "entities");
    assert!(no_expand.get("languages").is_none(), "no languages without expand");

    let (status, found) = send(
        &sb,
        &token,
        Method::POST,
        "/api/v2/users/search",
        json!({"query": [{"type": "EXACT", "fields": ["email"], "value": "ana.lee@example.com"}], "expand": ["languages"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "search");
    assert_eq!(found["results"][0]["languages"][0]["proficiency"], 4.0, "search expands languages: {found}");

    let r = client()
        .get(format!("{}/api/v2/users/{}/routinglanguages", sb.base_url(), uuid::Uuid::new_v4()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "unknown user");
}

#[tokio::test]
async fn patch_bulk_adds_and_updates_rounds_and_refuses_what_genesys_refuses() {
    let sb = start(language_config()).await;
    let token = genesys_token(&sb).await;
    let ana = genesys_user_id(&sb, &token, "ana.lee@example.com").await;
    let (french, spanish) = (language_id(&sb, &token, "French").await, language_id(&sb, &token, "Spanish").await);
    let path = format!("/api/v2/users/{ana}/routinglanguages/bulk");
    let body = json!([{"id": french, "proficiency": 3}, {"id": spanish, "proficiency": 2.5}]);
    let (status, listing) = send(&sb, &token, Method::PATCH, &path, body).await;
    assert_eq!(status, StatusCode::OK, "{listing}");
    assert_eq!(listing["total"], 2, "the whole set: {listing}");
    let names: Vec<&str> =
        listing["entities"].as_array().expect("entities").iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(names, ["French", "Spanish"], "sorted by name");
    assert_eq!(language_state(&sb, "ana.lee@example.com", "French"), Some(json!(3.0)), "added");
    assert_eq!(language_state(&sb, "ana.lee@example.com", "Spanish"), Some(json!(3.0)), "2.5 rounds to a whole level");

    let cases = [
        (json!([{"languageId": french, "proficiency": 3}]), "id", "languageId instead of id"),
        (json!([{"id": uuid::Uuid::new_v4(), "proficiency": 3}]), "id", "unknown language"),
        (json!([{"id": french, "proficiency": 6}]), "proficiency", "above 5"),
        (json!([{"id": french, "proficiency": "Native"}]), "proficiency", "a word"),
        (json!({"id": french, "proficiency": 3}), "body", "an object, not an array"),
    ];
    for (body, field, why) in cases {
        let (status, body) = send(&sb, &token, Method::PATCH, &path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{why}");
        assert_error_body(&body, 400, "bad.request");
        assert_eq!(body["details"][0]["fieldName"], field, "{why}: {body}");
    }
    let fifty_one: Vec<Value> = (0..51).map(|_| json!({"id": french, "proficiency": 1})).collect();
    let (status, body) = send(&sb, &token, Method::PATCH, &path, Value::Array(fifty_one)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "more than 50 items");
    assert_eq!(body["details"][0]["errorCode"], "too.many.items", "{body}");
    assert_eq!(language_state(&sb, "ana.lee@example.com", "French"), Some(json!(3.0)), "nothing of a refusal applied");
}

#[tokio::test]
async fn single_language_writes_follow_the_contract_and_there_is_no_put_bulk() {
    let sb = start(language_config()).await;
    let token = genesys_token(&sb).await;
    let di = genesys_user_id(&sb, &token, "di.evans@example.com").await;
    let french = language_id(&sb, &token, "French").await;
    let base = format!("/api/v2/users/{di}/routinglanguages");
    let (status, body) = send(&sb, &token, Method::POST, &base, json!({"id": french, "proficiency": 2})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["id"].clone(), body["proficiency"].clone()), (json!(french), json!(2.0)), "{body}");
    let (status, body) = send(&sb, &token, Method::POST, &base, json!({"id": french, "proficiency": 3})).await;
    assert_eq!(status, StatusCode::CONFLICT, "already held");
    assert_error_body(&body, 409, "duplicate");

    let one = format!("{base}/{french}");
    let (status, body) = send(&sb, &token, Method::PATCH, &one, json!({"proficiency": 5, "state": "active"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(language_state(&sb, "di.evans@example.com", "French"), Some(json!(5.0)), "updated");
    let (status, body) = send(&sb, &token, Method::PATCH, &one, json!({"state": "inactive"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["details"][0]["fieldName"], "state", "{body}");

    let (status, body) = send(&sb, &token, Method::PUT, &format!("{base}/bulk"), json!([])).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "no PUT bulk for languages: {body}");
    assert_error_body(&body, 405, "method.not.allowed");
    let (status, _) = send(&sb, &token, Method::PUT, &one, json!({"proficiency": 1})).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "no PUT of one language (PATCH it)");

    let (status, _) = send(&sb, &token, Method::DELETE, &one, Value::Null).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "removed");
    assert_eq!(language_state(&sb, "di.evans@example.com", "French"), None, "gone");
    let (status, body) = send(&sb, &token, Method::DELETE, &one, Value::Null).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not held any more");
    assert_error_body(&body, 404, "not.found");
    let (status, _) = send(&sb, &token, Method::PATCH, &one, json!({"proficiency": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "PATCH of a language not held");
}

#[tokio::test]
async fn language_writes_count_and_meet_the_limit_faults_and_conflicts_of_skill_writes() {
    let mut cfg = language_config();
    cfg.latency = Duration::from_millis(300);
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;
    let bo = genesys_user_id(&sb, &token, "bo.chen@example.com").await;
    let french = language_id(&sb, &token, "French").await;
    let billing = genesys_skill_id(&sb, &token, "Billing").await;
    let languages = format!("{}/api/v2/users/{bo}/routinglanguages/bulk", sb.base_url());
    let skills = format!("{}/api/v2/users/{bo}/routingskills/bulk", sb.base_url());
    let http = client();

    // A language write overlapping a skill write of the same user conflicts.
    let first =
        tokio::spawn(http.patch(&skills).bearer_auth(&token).json(&json!([{"id": billing, "proficiency": 1}])).send());
    tokio::time::sleep(Duration::from_millis(75)).await;
    let second =
        http.patch(&languages).bearer_auth(&token).json(&json!([{"id": french, "proficiency": 2}])).send().await;
    assert_eq!(first.await.expect("task").expect("skills").status(), StatusCode::OK, "the first write lands");
    let second = second.expect("languages");
    assert_eq!(second.status(), StatusCode::CONFLICT, "the overlapping language write conflicts");
    assert_error_body(&second.json().await.expect("json"), 409, "general.conflict");
    assert_eq!(language_state(&sb, "bo.chen@example.com", "French"), None, "nothing of the 409");
    // Back to back, they all go through.
    for level in [1, 2, 3] {
        let r = http
            .patch(&languages)
            .bearer_auth(&token)
            .json(&json!([{"id": french, "proficiency": level}]))
            .send()
            .await;
        assert_eq!(r.expect("patch").status(), StatusCode::OK, "sequential language write");
    }

    let stats = sb.stats();
    assert_eq!(stats["by_route"]["PATCH /api/v2/users/{id}/routinglanguages/bulk"], 4, "{stats}");
    assert_eq!(stats["by_route"]["GET /api/v2/routing/languages"], 1, "{stats}");

    sb.set_faults(Faults::only(FaultKind::Internal, 1.0).expect("faults"));
    let r = http.patch(&languages).bearer_auth(&token).json(&json!([{"id": french, "proficiency": 5}])).send().await;
    assert_eq!(r.expect("patch").status(), StatusCode::INTERNAL_SERVER_ERROR, "faults hit language writes");
    assert_eq!(language_state(&sb, "bo.chen@example.com", "French"), Some(json!(3.0)), "nothing of the fault");
    sb.set_faults(Faults::none());

    sb.set_rate_limit(1);
    let fresh = genesys_token(&sb).await;
    let r = http.get(format!("{}/api/v2/users/{bo}/routinglanguages", sb.base_url())).bearer_auth(&fresh).send().await;
    assert_eq!(r.expect("get").status(), StatusCode::OK, "the one request of the window");
    let r = http.patch(&languages).bearer_auth(&fresh).json(&json!([{"id": french, "proficiency": 4}])).send().await;
    let r = r.expect("patch");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "language writes share the rate limit");
    assert!(r.headers().contains_key("retry-after"), "Retry-After on the 429");
}

#[tokio::test]
async fn state_lists_languages_on_genesys_and_generated_tenants_hold_a_few() {
    let sb = start(language_config()).await;
    let state = sb.state();
    assert_eq!(
        state["languages"],
        json!([
            {"email": "ana.lee@example.com", "language": "Spanish", "proficiency": 4.0},
            {"email": "bo.chen@example.com", "language": "English", "proficiency": 5.0}
        ]),
        "by email then language: {state}"
    );
    let cxone = start(config(Platform::Cxone)).await;
    assert!(cxone.state().get("languages").is_none(), "CXone has no routing languages");

    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::Generated { agents: 100, skills: 12, seed: 1 };
    let generated = start(cfg).await;
    let token = genesys_token(&generated).await;
    let listed = get(&generated, &token, "/api/v2/routing/languages").await;
    let names: Vec<&str> =
        listed["entities"].as_array().expect("entities").iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(names, ["English", "Spanish", "French", "German"], "four languages");
    let held = generated.state()["languages"].as_array().expect("languages").len();
    assert!((25..=80).contains(&held), "some agents hold languages: {held}");
}
