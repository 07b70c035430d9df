//! The Genesys tenant over real HTTP: every endpoint of the contract's table, its shapes, headers
//! and refusals.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillsync_sandbox::{Platform, TenantSource};

#[tokio::test]
async fn token_endpoint_takes_basic_client_credentials_and_refuses_wrong_ones() {
    let sb = start(config(Platform::Genesys)).await;
    let url = format!("{}/oauth/token", sb.base_url());
    let c = sb.credentials().clone();
    let r = client()
        .post(&url)
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), StatusCode::OK, "right credentials");
    assert!(uuid::Uuid::parse_str(header(&r, "ININ-Correlation-Id")).is_ok(), "correlation id on the token call");
    let body: Value = r.json().await.expect("json");
    assert!(body["access_token"].is_string(), "access_token: {body}");
    assert_eq!(body["token_type"], "bearer", "token_type");
    assert_eq!(body["expires_in"], 86_400, "default Genesys lifetime");

    let r = client()
        .post(&url)
        .basic_auth(&c.client_id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "wrong secret");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"], "invalid_client", "OAuth-style error: {body}");

    let r = client().post(&url).form(&[("grant_type", "client_credentials")]).send().await.expect("token");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no Basic auth");

    let r = client()
        .post(&url)
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "wrong grant type");
}

#[tokio::test]
async fn skills_listing_has_the_contract_shape_paging_and_prefix_filter() {
    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::Generated { agents: 5, skills: 60, seed: 4 };
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;
    let url = format!("{}/api/v2/routing/skills", sb.base_url());
    let r = client().get(&url).bearer_auth(&token).send().await.expect("skills");
    assert_eq!(r.status(), StatusCode::OK, "listing");
    assert!(uuid::Uuid::parse_str(header(&r, "ININ-Correlation-Id")).is_ok(), "correlation id");
    assert_eq!(header(&r, "inin-ratelimit-allowed"), "1000000", "limit off says 1000000");
    assert_eq!(header(&r, "inin-ratelimit-count"), "1", "first request of the window");
    assert!(header(&r, "inin-ratelimit-reset").parse::<u64>().expect("seconds") <= 60, "reset in seconds");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["pageSize"], 25, "default page size");
    assert_eq!(body["pageNumber"], 1, "first page");
    assert_eq!(body["total"], 60, "all skills counted");
    assert_eq!(body["pageCount"], 3, "60 / 25 rounds up");
    assert_eq!(body["entities"].as_array().expect("entities").len(), 25, "a full page");
    for key in ["firstUri", "nextUri", "lastUri", "selfUri"] {
        assert!(body[key].as_str().is_some_and(|u| u.starts_with("/api/v2/routing/skills?")), "{key}: {body}");
    }
    assert!(body.get("previousUri").is_none(), "no previousUri on the first page");
    let skill = &body["entities"][0];
    for key in ["id", "name", "state", "version", "dateModified", "selfUri"] {
        assert!(skill.get(key).is_some(), "skill lacks {key}: {skill}");
    }
    assert!(uuid::Uuid::parse_str(skill["id"].as_str().expect("id")).is_ok(), "skill ids are uuids");

    let last: Value = client()
        .get(&url)
        .query(&[("pageNumber", "3")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("page 3")
        .json()
        .await
        .expect("json");
    assert_eq!(last["entities"].as_array().expect("entities").len(), 10, "the rest on the last page");
    assert!(last.get("nextUri").is_none(), "nextUri absent on the last page");
    assert!(last["previousUri"].is_string(), "previousUri on a later page");

    let name = skill["name"].as_str().expect("name");
    let prefix = name[..3].to_uppercase();
    let filtered: Value = client()
        .get(&url)
        .query(&[("name", prefix.as_str()), ("pageSize", "500")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("filtered")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> =
        filtered["entities"].as_array().expect("entities").iter().filter_map(|s| s["name"].as_str()).collect();
    assert!(names.contains(&name), "prefix filter is case-insensitive: {names:?}");
    assert!(names.iter().all(|n| n.to_uppercase().starts_with(&prefix)), "only prefix matches: {names:?}");
}

#[tokio::test]
async fn page_size_over_500_and_non_numeric_paging_are_400_error_bodies() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    for (path, query) in [
        ("/api/v2/routing/skills", ("pageSize", "501")),
        ("/api/v2/users", ("pageSize", "1000")),
        ("/api/v2/users", ("pageNumber", "abc")),
        ("/api/v2/routing/skills", ("pageNumber", "0")),
    ] {
        let r = client()
            .get(format!("{}{path}", sb.base_url()))
            .query(&[query])
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path} {query:?}");
        assert!(r.headers().contains_key("ININ-Correlation-Id"), "correlation id on a 400");
        let body: Value = r.json().await.expect("json");
        assert_error_body(&body, 400, "bad.request");
    }
    let r = client()
        .get(format!("{}/api/v2/users", sb.base_url()))
        .query(&[("pageSize", "500")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK, "500 is the largest page allowed");
}

#[tokio::test]
async fn users_listing_filters_by_state_and_expands_skills() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let url = format!("{}/api/v2/users", sb.base_url());
    let get = |query: Vec<(&'static str, &'static str)>| {
        let (url, token) = (url.clone(), token.clone());
        async move {
            client()
                .get(url)
                .query(&query)
                .bearer_auth(token)
                .send()
                .await
                .expect("users")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let active = get(vec![]).await;
    assert_eq!(active["total"], 3, "state defaults to active");
    let user = &active["entities"][0];
    for key in ["id", "name", "email", "username", "state", "version", "selfUri"] {
        assert!(user.get(key).is_some(), "user lacks {key}: {user}");
    }
    assert!(user.get("skills").is_none(), "no skills without expand");
    assert_eq!(get(vec![("state", "inactive")]).await["total"], 1, "one inactive user");
    assert_eq!(get(vec![("state", "any")]).await["total"], 4, "any = all users");
    assert_eq!(get(vec![("state", "deleted")]).await["total"], 0, "no deleted users");

    let expanded = get(vec![("expand", "skills")]).await;
    let ana = expanded["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|u| u["email"] == "ana.lee@example.com")
        .expect("ana");
    let skills = ana["skills"].as_array().expect("expand=skills fills skills");
    assert_eq!(skills.len(), 2, "ana's two skills");
    assert_eq!(skills[0]["name"], "Billing - English", "sorted by name");
    assert_eq!(skills[0]["proficiency"], 4.5, "proficiency as a number");
    for key in ["id", "name", "proficiency", "state", "skillUri", "selfUri"] {
        assert!(skills[0].get(key).is_some(), "user skill lacks {key}");
    }

    let r = client().get(&url).query(&[("state", "sleeping")]).bearer_auth(&token).send().await.expect("users");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "unknown state");
}

#[tokio::test]
async fn users_search_finds_exact_email_username_and_id() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let url = format!("{}/api/v2/users/search", sb.base_url());
    let search = |body: Value| {
        let (url, token) = (url.clone(), token.clone());
        async move { client().post(url).bearer_auth(token).json(&body).send().await.expect("search") }
    };
    let r = search(json!({"query": [{"type": "EXACT", "fields": ["email"], "value": "ANA.LEE@example.com"}], "pageSize": 25, "pageNumber": 1})).await;
    assert_eq!(r.status(), StatusCode::OK, "search");
    let body: Value = r.json().await.expect("json");
    for key in ["total", "pageCount", "pageSize", "pageNumber", "results"] {
        assert!(body.get(key).is_some(), "search lacks {key}: {body}");
    }
    assert_eq!(body["total"], 1, "email matches case-insensitively");
    let id = body["results"][0]["id"].as_str().expect("id").to_string();

    let by_username: Value =
        search(json!({"query": [{"type": "EXACT", "fields": ["username", "email"], "values": ["bchen"]}]}))
            .await
            .json()
            .await
            .expect("json");
    assert_eq!(by_username["results"][0]["email"], "bo.chen@example.com", "username search");
    let by_id: Value =
        search(json!({"query": [{"type": "EXACT", "fields": ["id"], "value": id}]})).await.json().await.expect("json");
    assert_eq!(by_id["total"], 1, "id search");
    let by_name: Value = search(json!({"query": [{"type": "EXACT", "fields": ["name"], "value": "di evans"}]}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(by_name["results"][0]["username"], "devans", "name search");
    let none: Value = search(json!({"query": [{"type": "EXACT", "fields": ["email"], "value": "nobody@example.com"}]}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(none["total"], 0, "no match");

    let r = search(json!({"query": [{"type": "CONTAINS", "fields": ["email"], "value": "ana"}]})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "only EXACT");
    let r = client()
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("search");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "malformed JSON");
    assert_error_body(&r.json().await.expect("json"), 400, "bad.request");
}

#[tokio::test]
async fn single_skill_post_put_delete_follow_the_contract() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let user = genesys_user_id(&sb, &token, "di.evans@example.com").await;
    let skill = genesys_skill_id(&sb, &token, "Retention").await;
    let base = format!("{}/api/v2/users/{user}/routingskills", sb.base_url());

    let r = client()
        .post(&base)
        .bearer_auth(&token)
        .json(&json!({"id": skill, "proficiency": 3}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK, "new assignment");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["id"], skill.as_str(), "UserRoutingSkill id");
    assert_eq!(state_of(&sb, "di.evans@example.com", "Retention"), Some(json!(3.0)), "applied");

    let r = client()
        .post(&base)
        .bearer_auth(&token)
        .json(&json!({"id": skill, "proficiency": 4}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::CONFLICT, "already assigned");
    let body: Value = r.json().await.expect("json");
    assert_error_body(&body, 409, "duplicate");
    assert_eq!(body["message"], "Skill assignment already exists for user.", "the reported message");

    let r = client()
        .put(format!("{base}/{skill}"))
        .bearer_auth(&token)
        .json(&json!({"proficiency": 1.5}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), StatusCode::OK, "update");
    assert_eq!(state_of(&sb, "di.evans@example.com", "Retention"), Some(json!(1.5)), "updated");

    let r = client().get(&base).bearer_auth(&token).send().await.expect("get");
    let listing: Value = r.json().await.expect("json");
    assert_eq!(listing["total"], 1, "user skills listing");
    assert!(listing["entities"].is_array() && listing["selfUri"].is_string(), "listing shape: {listing}");

    let r = client().delete(format!("{base}/{skill}")).bearer_auth(&token).send().await.expect("delete");
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "removed");
    let r = client().delete(format!("{base}/{skill}")).bearer_auth(&token).send().await.expect("delete");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not assigned any more");
    assert_error_body(&r.json().await.expect("json"), 404, "not.found");
    let r = client()
        .put(format!("{base}/{skill}"))
        .bearer_auth(&token)
        .json(&json!({"proficiency": 2}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "PUT of a missing assignment");

    let r = client()
        .post(&base)
        .bearer_auth(&token)
        .json(&json!({"id": skill, "proficiency": 7}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "proficiency off scale");
    let body: Value = r.json().await.expect("json");
    assert_error_body(&body, 400, "bad.request");
    assert_eq!(body["details"][0]["fieldName"], "proficiency", "names the field");
    let unknown = uuid::Uuid::new_v4().to_string();
    let r = client()
        .post(&base)
        .bearer_auth(&token)
        .json(&json!({"id": unknown, "proficiency": 2}))
        .send()
        .await
        .expect("post");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["details"][0]["fieldName"], "id", "unknown skill names the id field");
    assert_eq!(body["details"][0]["entityId"], unknown.as_str(), "and the id");
}

#[tokio::test]
async fn patch_bulk_upserts_and_returns_the_whole_set() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let user = genesys_user_id(&sb, &token, "ana.lee@example.com").await;
    let billing = genesys_skill_id(&sb, &token, "Billing").await;
    let retention = genesys_skill_id(&sb, &token, "Retention").await;
    let r = client()
        .patch(format!("{}/api/v2/users/{user}/routingskills/bulk", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!([{"id": billing, "proficiency": 5}, {"id": retention, "proficiency": 0.5}]))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::OK, "bulk upsert");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["total"], 3, "whole set: two sent plus the untouched one");
    let names: Vec<&str> =
        body["entities"].as_array().expect("entities").iter().filter_map(|e| e["name"].as_str()).collect();
    assert_eq!(names, ["Billing - English", "Retention", "Sales - Spanish"], "sorted set after the change");
    assert_eq!(state_of(&sb, "ana.lee@example.com", "Sales - Spanish"), Some(json!(2.0)), "PATCH removes nothing");
    assert_eq!(state_of(&sb, "ana.lee@example.com", "Billing - English"), Some(json!(5.0)), "updated");
}

#[tokio::test]
async fn put_bulk_replaces_the_whole_set() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let user = genesys_user_id(&sb, &token, "ana.lee@example.com").await;
    let retention = genesys_skill_id(&sb, &token, "Retention").await;
    let r = client()
        .put(format!("{}/api/v2/users/{user}/routingskills/bulk", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!([{"id": retention, "proficiency": 3}]))
        .send()
        .await
        .expect("put bulk");
    assert_eq!(r.status(), StatusCode::OK, "replace");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["total"], 1, "only what was sent remains");
    assert_eq!(state_of(&sb, "ana.lee@example.com", "Sales - Spanish"), None, "PUT removed the others");
}

#[tokio::test]
async fn bulk_refusals_name_the_field() {
    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::Generated { agents: 3, skills: 60, seed: 9 };
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;
    let skills: Value = client()
        .get(format!("{}/api/v2/routing/skills?pageSize=100", sb.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("skills")
        .json()
        .await
        .expect("json");
    let ids: Vec<String> = skills["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect();
    let users: Value = client()
        .get(format!("{}/api/v2/users?state=any&expand=skills", sb.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    let user = &users["entities"][0];
    let held: Vec<&str> = user["skills"].as_array().expect("skills").iter().filter_map(|s| s["id"].as_str()).collect();
    let url = format!("{}/api/v2/users/{}/routingskills/bulk", sb.base_url(), user["id"].as_str().expect("id"));
    let send = |body: String| {
        let (url, token) = (url.clone(), token.clone());
        async move {
            let r = client()
                .patch(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("patch");
            let status = r.status();
            (status, r.json::<Value>().await.expect("json"))
        }
    };
    let first = &ids[0];
    let cases = [
        (json!([{"skillId": first, "proficiency": 3}]).to_string(), "id", "skillId instead of id"),
        (json!([{"id": first, "proficiency": "Expert"}]).to_string(), "proficiency", "a word as proficiency"),
        (json!([{"id": first, "proficiency": 5.5}]).to_string(), "proficiency", "above 5"),
        (json!([{"id": uuid::Uuid::new_v4(), "proficiency": 3}]).to_string(), "id", "unknown skill"),
        (json!({"id": first, "proficiency": 3}).to_string(), "body", "an object, not an array"),
    ];
    for (body, field, why) in cases {
        let (status, body) = send(body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{why}");
        assert_error_body(&body, 400, "bad.request");
        assert_eq!(body["details"][0]["fieldName"], field, "{why}: {body}");
    }
    let (status, body) = send("[{\"id\": ".to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "malformed JSON");
    assert_error_body(&body, 400, "bad.request");

    let fifty_one: Vec<Value> = ids.iter().take(51).map(|id| json!({"id": id, "proficiency": 1})).collect();
    let (status, body) = send(Value::Array(fifty_one).to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "more than 50 items: {body}");

    let fresh: Vec<Value> = ids
        .iter()
        .filter(|id| !held.contains(&id.as_str()))
        .take(50)
        .map(|id| json!({"id": id, "proficiency": 1}))
        .collect();
    let (status, body) = send(Value::Array(fresh).to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the user would hold more than 50 skills: {body}");
    assert_eq!(body["details"][0]["errorCode"], "skill.limit.exceeded", "the cap is named");
}

#[tokio::test]
async fn missing_invalid_token_unknown_user_and_route_answer_error_bodies() {
    let sb = start(config(Platform::Genesys)).await;
    let url = format!("{}/api/v2/routing/skills", sb.base_url());
    let r = client().get(&url).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no token");
    assert!(r.headers().contains_key("ININ-Correlation-Id"), "correlation id on a 401");
    assert_error_body(&r.json().await.expect("json"), 401, "authentication.required");
    let r = client().get(&url).bearer_auth("forged").send().await.expect("get");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "unknown token");
    assert_error_body(&r.json().await.expect("json"), 401, "bad.credentials");

    let token = genesys_token(&sb).await;
    let missing = uuid::Uuid::new_v4();
    let r = client()
        .get(format!("{}/api/v2/users/{missing}/routingskills", sb.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "unknown user");
    assert_error_body(&r.json().await.expect("json"), 404, "not.found");
    let r = client()
        .patch(format!("{}/api/v2/users/not-a-uuid/routingskills/bulk", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!([]))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "unknown user on a write");
    let r = client().get(format!("{}/api/v2/nothing/here", sb.base_url())).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "unknown route");
    assert!(r.headers().contains_key("ININ-Correlation-Id"), "correlation id on a 404");
    assert_error_body(&r.json().await.expect("json"), 404, "not.found");
}
