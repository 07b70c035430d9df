//! The CXone tenant over real HTTP: discovery and the password grant, every Admin API endpoint of
//! the contract's table, 204 on empty lists, per-item results inside the 200, and the error shape.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillsync_sandbox::Platform;

#[tokio::test]
async fn discovery_token_and_tenant_configuration_lead_to_the_api() {
    let sb = start(config(Platform::Cxone)).await;
    let discovery: Value = client()
        .get(format!("{}/.well-known/openid-configuration", sb.base_url()))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("json");
    assert_eq!(discovery["token_endpoint"], format!("{}/auth/token", sb.base_url()), "token endpoint");
    assert_eq!(discovery["issuer"], sb.base_url(), "issuer is the base url");

    let token = cxone_login(&sb).await;
    assert!(token["access_token"].is_string(), "access_token: {token}");
    assert_eq!(token["expires_in"], 3_600, "CXone tokens last an hour");
    let id_token = token["id_token"].as_str().expect("id_token");
    let parts: Vec<&str> = id_token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts");
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("base64url header")).expect("header json");
    assert_eq!(header["alg"], "HS256", "HS256");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url payload")).expect("claims json");
    assert_eq!(claims["iss"], sb.base_url(), "iss is the issuer");
    assert!(claims["sub"].is_string(), "sub");
    let (iat, exp) = (claims["iat"].as_i64().expect("iat"), claims["exp"].as_i64().expect("exp"));
    assert_eq!(exp - iat, 3_600, "exp follows the token lifetime");
    assert!(!URL_SAFE_NO_PAD.decode(parts[2]).expect("signature").is_empty(), "signed");
    let tenant = claims["tenantId"].as_str().expect("tenantId");

    let cfg: Value = client()
        .get(format!("{}/.well-known/cxone-configuration", sb.base_url()))
        .query(&[("tenantId", tenant)])
        .send()
        .await
        .expect("configuration")
        .json()
        .await
        .expect("json");
    assert_eq!(cfg["api_endpoint"], sb.base_url(), "api endpoint");
    for key in ["area", "cluster", "domain", "tenantId"] {
        assert!(cfg[key].is_string(), "configuration lacks {key}: {cfg}");
    }
    let r = client()
        .get(format!("{}/.well-known/cxone-configuration", sb.base_url()))
        .query(&[("tenantId", "11111111-2222-3333-4444-555555555555")])
        .send()
        .await
        .expect("configuration");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "unknown tenant");
}

#[tokio::test]
async fn wrong_access_key_or_client_is_401_and_the_secret_must_be_form_encoded() {
    let sb = start(config(Platform::Cxone)).await;
    let c = sb.credentials().clone();
    let secret = c.access_key_secret.clone().expect("secret");
    assert!(secret.contains('=') || secret.contains('+'), "the secret needs form-encoding");
    let url = format!("{}/auth/token", sb.base_url());
    let key_id = c.access_key_id.clone().expect("key id");
    let r = client()
        .post(&url)
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[("grant_type", "password"), ("username", key_id.as_str()), ("password", "wrong")])
        .send()
        .await
        .expect("token");
    let body = assert_cxone_error(r, 401).await;
    assert_eq!(body["error"], "invalid_grant", "wrong access key");
    let r = client()
        .post(&url)
        .basic_auth(&c.client_id, Some("nope"))
        .form(&[("grant_type", "password"), ("username", key_id.as_str()), ("password", secret.as_str())])
        .send()
        .await
        .expect("token");
    assert_eq!(assert_cxone_error(r, 401).await["error"], "invalid_client", "wrong client secret");
    // A client that forgets to form-encode sends `+` raw, which decodes to a space.
    let raw = format!("grant_type=password&username={key_id}&password={secret}");
    let r = client()
        .post(&url)
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(raw)
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "an unencoded secret does not match");
}

#[tokio::test]
async fn skills_listing_has_the_contract_shape_filters_and_paging() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    let url = format!("{}/skills", cxone_api(&sb));
    let r = client().get(&url).bearer_auth(&token).send().await.expect("skills");
    assert_eq!(r.status(), StatusCode::OK, "listing");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["totalRecords"], 3, "three skills");
    let skill = &body["skills"][0];
    assert_eq!(skill["skillId"], 1001, "integer ids from 1001 in file order");
    assert_eq!(skill["skillName"], "Billing - English", "file order");
    for key in ["skillId", "skillName", "mediaTypeId", "mediaTypeName", "isActive", "isOutbound"] {
        assert!(skill.get(key).is_some(), "skill lacks {key}: {skill}");
    }
    assert!(body["_links"].is_object() && body["_links"].get("next").is_none(), "no next on the only page");

    let page: Value = client()
        .get(&url)
        .query(&[("top", "2")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("page")
        .json()
        .await
        .expect("json");
    assert_eq!(page["skills"].as_array().expect("skills").len(), 2, "top limits the page");
    let next = page["_links"]["next"].as_str().expect("next link on a non-last page");
    let rest: Value = client().get(next).bearer_auth(&token).send().await.expect("next").json().await.expect("json");
    assert_eq!(rest["skills"][0]["skillId"], 1003, "next link continues");
    assert!(rest["_links"].get("next").is_none(), "next absent on the last page");

    let inactive: Value = client()
        .get(&url)
        .query(&[("isActive", "false")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("inactive")
        .json()
        .await
        .expect("json");
    assert_eq!(inactive["skills"][0]["skillName"], "Retention", "isActive filter");
    let search: Value = client()
        .get(&url)
        .query(&[("searchString", "sales")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert_eq!(search["totalRecords"], 1, "searchString matches case-insensitively");
    let slim: Value = client()
        .get(&url)
        .query(&[("fields", "skillId,skillName")])
        .bearer_auth(&token)
        .send()
        .await
        .expect("fields")
        .json()
        .await
        .expect("json");
    assert_eq!(slim["skills"][0].as_object().expect("object").len(), 2, "fields keeps only the named fields");

    let r = client().get(&url).query(&[("searchString", "zzz")]).bearer_auth(&token).send().await.expect("empty");
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "empty list is 204");
    assert!(r.bytes().await.expect("body").is_empty(), "204 has no body");

    for (k, v) in [("top", "1001"), ("top", "abc"), ("skip", "-1"), ("isActive", "maybe")] {
        let r = client().get(&url).query(&[(k, v)]).bearer_auth(&token).send().await.expect("bad");
        assert_cxone_error(r, 400).await;
    }
}

#[tokio::test]
async fn agents_and_assignment_listings_have_the_contract_shapes() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    let api = cxone_api(&sb);
    let get = |path: String| {
        let token = token.clone();
        async move { client().get(path).bearer_auth(token).send().await.expect("get") }
    };
    let agents: Value = get(format!("{api}/agents")).await.json().await.expect("json");
    assert_eq!(agents["totalRecords"], 4, "all agents");
    let agent = &agents["agents"][0];
    assert_eq!(agent["agentId"], 5001, "agent ids from 5001 in file order");
    for key in
        ["agentId", "userName", "emailAddress", "firstName", "lastName", "isActive", "userID", "teamId", "teamName"]
    {
        assert!(agent.get(key).is_some(), "agent lacks {key}: {agent}");
    }
    assert!(uuid::Uuid::parse_str(agent["userID"].as_str().expect("userID")).is_ok(), "userID is a uuid");
    let active: Value = get(format!("{api}/agents?isActive=true")).await.json().await.expect("json");
    assert_eq!(active["totalRecords"], 3, "isActive filter");

    let all: Value = get(format!("{api}/agents/skills?top=10000")).await.json().await.expect("json");
    assert_eq!(all["totalRecords"], 3, "every assignment but the inactive agent's (filters default to true)");
    let a = &all["agentSkillAssignments"][0];
    for key in [
        "agentId",
        "skillId",
        "skillName",
        "agentProficiencyValue",
        "agentProficiencyName",
        "isActive",
        "isSkillActive",
        "isAgentActive",
    ] {
        assert!(a.get(key).is_some(), "assignment lacks {key}: {a}");
    }
    assert_eq!(a["agentProficiencyValue"], 3, "integer proficiency");
    assert!(all["_links"].is_object(), "_links");
    assert_cxone_error(get(format!("{api}/agents/skills?top=10001")).await, 400).await;

    let of_skill: Value = get(format!("{api}/skills/1001/agents")).await.json().await.expect("json");
    let agents: Vec<i64> = of_skill["agentSkillAssignments"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|a| a["agentId"].as_i64())
        .collect();
    assert_eq!(agents, [5001, 5002], "holders of Billing");
    let of_agent: Value = get(format!("{api}/agents/5001/skills")).await.json().await.expect("json");
    assert_eq!(of_agent["totalRecords"], 2, "ana's skills");
    assert_eq!(of_agent["agentSkillAssignments"][1]["agentProficiencyValue"], 12, "same item shape");

    let r = get(format!("{api}/skills/1003/agents")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "a skill nobody holds lists as 204");
    let r = get(format!("{api}/agents/5004/skills")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "an agent without skills lists as 204");
    assert_cxone_error(get(format!("{api}/skills/999/agents")).await, 404).await;
    assert_cxone_error(get(format!("{api}/agents/abc/skills")).await, 404).await;
}

#[tokio::test]
async fn the_api_prefix_matches_case_insensitively_and_any_version() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    for prefix in ["/inContactAPI/services/v33.0", "/INCONTACTAPI/Services/V12.0", "/incontactapi/services/v2.0"] {
        let r =
            client().get(format!("{}{prefix}/skills", sb.base_url())).bearer_auth(&token).send().await.expect("get");
        assert_eq!(r.status(), StatusCode::OK, "{prefix}");
    }
    let r = client()
        .get(format!("{}/incontactapi/services/v33.1/skills", sb.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_cxone_error(r, 404).await;
}

#[tokio::test]
async fn skill_writes_answer_200_with_per_item_results() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    let url = format!("{}/skills/1002/agents", cxone_api(&sb));
    let send = |method: reqwest::Method, body: Value| {
        let (url, token) = (url.clone(), token.clone());
        async move {
            let r = client().request(method, url).bearer_auth(token).json(&body).send().await.expect("write");
            assert_eq!(r.status(), StatusCode::OK, "writes answer 200 even when items fail");
            r.json::<Value>().await.expect("json")
        }
    };
    let body = send(
        reqwest::Method::POST,
        json!({"agents": [{"agentId": 5002, "proficiency": 5, "isActive": true}, {"agentId": 5001, "proficiency": 5}]}),
    )
    .await;
    let set = &body["resultSet"];
    assert_eq!(set["errorCount"], 1, "one of two failed: {body}");
    assert_eq!(set["agentResults"][0]["success"], true, "new assignment");
    assert_eq!(set["agentResults"][1]["error"], "Agent is already assigned to skill", "existing one");
    assert_eq!(state_of(&sb, "bo.chen@example.com", "Sales - Spanish"), Some(json!(5)), "applied");

    let body = send(
        reqwest::Method::PUT,
        json!({"agents": [{"agentId": 5002, "proficiency": 7, "isActive": true}, {"agentId": 5004, "proficiency": 7, "isActive": true}]}),
    )
    .await;
    assert_eq!(body["resultSet"]["agentResults"][1]["error"], "Agent is not assigned to skill", "PUT of a missing one");
    assert_eq!(state_of(&sb, "bo.chen@example.com", "Sales - Spanish"), Some(json!(7)), "updated");

    let bad_items = json!({"agents": [
        {"agentId": 5004, "proficiency": 25},
        {"agentId": 5004, "proficiency": 2.5},
        {"agentId": 5004, "proficiency": "Expert"},
        {"agentId": 9999, "proficiency": 3},
        {"proficiency": 3}
    ]});
    let body = send(reqwest::Method::POST, bad_items).await;
    assert_eq!(body["resultSet"]["errorCount"], 5, "every bad item fails inside the 200: {body}");
    assert_eq!(state_of(&sb, "di.evans@example.com", "Sales - Spanish"), None, "nothing applied");

    let body = send(reqwest::Method::DELETE, json!({"agents": [{"agentId": 5002}, {"agentId": 5004}]})).await;
    assert_eq!(body["resultSet"]["errorCount"], 1, "second delete finds nothing");
    assert_eq!(state_of(&sb, "bo.chen@example.com", "Sales - Spanish"), None, "removed");
}

#[tokio::test]
async fn agent_writes_report_skill_results() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    let url = format!("{}/agents/5004/skills", cxone_api(&sb));
    let r = client()
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"skills": [{"skillId": 1001, "proficiency": 1, "isActive": false}, {"skillId": 4242, "proficiency": 1}]}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK, "200");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["resultSet"]["errorCount"], 1, "unknown skill in an item");
    assert_eq!(body["resultSet"]["skillResults"][0]["skillId"], 1001, "skillResults echo the skill id");
    let r = client().get(&url).bearer_auth(&token).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "a disabled assignment is left out by default");
    let listed: Value = client()
        .get(format!("{url}?isActive=false"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["agentSkillAssignments"][0]["isActive"], false, "isActive of the assignment kept");
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE] {
        let r = client()
            .request(method.clone(), &url)
            .bearer_auth(&token)
            .json(&json!({"skills": [{"skillId": 1001, "proficiency": 4, "isActive": false}]}))
            .send()
            .await
            .expect("write");
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["resultSet"]["errorCount"], 0, "{method} of an existing assignment");
    }
}

#[tokio::test]
async fn malformed_oversized_and_unknown_path_writes_are_http_errors() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    let api = cxone_api(&sb);
    let post = |path: String, body: String| {
        let token = token.clone();
        async move {
            client()
                .post(path)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("post")
        }
    };
    assert_cxone_error(post(format!("{api}/skills/1001/agents"), "{oops".into()).await, 400).await;
    assert_cxone_error(post(format!("{api}/skills/1001/agents"), json!({"skills": []}).to_string()).await, 400).await;
    assert_cxone_error(
        post(format!("{api}/skills/1001/agents"), json!({"agents": {"agentId": 5001}}).to_string()).await,
        400,
    )
    .await;
    let many: Vec<Value> = (0..1001).map(|i| json!({"agentId": 5001 + i, "proficiency": 3})).collect();
    assert_cxone_error(post(format!("{api}/skills/1001/agents"), json!({"agents": many}).to_string()).await, 400).await;
    let one = json!({"agents": [{"agentId": 5001, "proficiency": 3}]}).to_string();
    assert_cxone_error(post(format!("{api}/skills/77/agents"), one.clone()).await, 404).await;
    assert_cxone_error(
        post(format!("{api}/agents/77/skills"), json!({"skills": [{"skillId": 1001, "proficiency": 3}]}).to_string())
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn missing_or_forged_token_is_401_and_no_request_id_header_is_invented() {
    let sb = start(config(Platform::Cxone)).await;
    let url = format!("{}/skills", cxone_api(&sb));
    assert_cxone_error(client().get(&url).send().await.expect("get"), 401).await;
    assert_cxone_error(client().get(&url).bearer_auth("forged").send().await.expect("get"), 401).await;
    let token = cxone_token(&sb).await;
    let r = client().get(&url).bearer_auth(&token).send().await.expect("get");
    for name in r.headers().keys() {
        let n = name.as_str();
        assert!(
            !n.contains("correlation") && !n.contains("request-id") && !n.starts_with("inin-"),
            "invented header {n}"
        );
    }
}
