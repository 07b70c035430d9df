//! CXone's per-assignment `isActive` over real HTTP: the tenant file's `active`, the three
//! listing filters that default to true, the flags on every item, and what POST and PUT do with
//! a disabled assignment. Also the agent's `userID`, spelled as CXone spells it.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantSource};

/// Skills 1001 Billing, 1002 Sales, 1003 Retention (inactive); agents 5001 Ana, 5002 Bo,
/// 5003 Cy (inactive). Ana's Sales is disabled; Bo holds the inactive skill; Cy is inactive.
fn tenant_config() -> SandboxConfig {
    let mut c = SandboxConfig::new(Platform::Cxone);
    c.rate_limit_per_minute = Some(0);
    c.tenant = TenantSource::Inline(
        serde_json::from_value(json!({
            "skills": [{"name": "Billing"}, {"name": "Sales"}, {"name": "Retention", "active": false}],
            "users": [
                {"email": "ana@example.com", "name": "Ana Lee"},
                {"email": "bo@example.com", "name": "Bo Chen"},
                {"email": "cy@example.com", "name": "Cy Diaz", "active": false}
            ],
            "assignments": [
                {"email": "ana@example.com", "skill": "Billing", "proficiency": 3},
                {"email": "ana@example.com", "skill": "Sales", "proficiency": 5, "active": false},
                {"email": "bo@example.com", "skill": "Billing", "proficiency": 7, "active": true},
                {"email": "bo@example.com", "skill": "Retention", "proficiency": 9},
                {"email": "cy@example.com", "skill": "Sales", "proficiency": 11}
            ]
        }))
        .expect("tenant"),
    );
    c
}

/// (agentId, skillId) of a listing's items, or nothing for a 204.
async fn pairs(sb: &Sandbox, token: &str, path_and_query: &str) -> (Vec<(i64, i64)>, Value) {
    let r = client().get(format!("{}{path_and_query}", cxone_api(sb))).bearer_auth(token).send().await.expect("get");
    if r.status() == StatusCode::NO_CONTENT {
        return (Vec::new(), Value::Null);
    }
    assert_eq!(r.status(), StatusCode::OK, "{path_and_query}");
    let body: Value = r.json().await.expect("json");
    let items = body["agentSkillAssignments"].as_array().expect("items");
    let found =
        items.iter().map(|a| (a["agentId"].as_i64().expect("agentId"), a["skillId"].as_i64().expect("skillId")));
    (found.collect(), body)
}

#[tokio::test]
async fn assignment_listings_leave_out_disabled_inactive_agent_and_inactive_skill_rows_by_default() {
    let sb = start(tenant_config()).await;
    let token = cxone_token(&sb).await;
    let (all, body) = pairs(&sb, &token, "/agents/skills").await;
    assert_eq!(all, [(5001, 1001), (5002, 1001)], "only active assignments of active agents and skills");
    assert_eq!(body["totalRecords"], 2, "totalRecords counts the filtered set");
    let item = &body["agentSkillAssignments"][0];
    assert_eq!(
        (&item["isActive"], &item["isSkillActive"], &item["isAgentActive"]),
        (&json!(true), &json!(true), &json!(true)),
        "each item carries the three flags: {item}"
    );

    let cases = [
        ("/agents/skills?isActive=false", vec![(5001, 1002)]),
        ("/agents/skills?isSkillActive=false", vec![(5002, 1003)]),
        ("/agents/skills?isAgentActive=false", vec![(5003, 1002)]),
        ("/agents/skills?isActive=true&isAgentActive=true&isSkillActive=true", vec![(5001, 1001), (5002, 1001)]),
        ("/agents/skills?isActive=false&isSkillActive=false", vec![]),
        ("/skills/1002/agents", vec![]),
        ("/skills/1002/agents?isActive=false", vec![(5001, 1002)]),
        ("/skills/1002/agents?isAgentActive=false", vec![(5003, 1002)]),
        ("/agents/5002/skills", vec![(5002, 1001)]),
        ("/agents/5002/skills?isSkillActive=false", vec![(5002, 1003)]),
        ("/agents/5003/skills?isAgentActive=FALSE", vec![(5003, 1002)]),
    ];
    for (query, expected) in cases {
        assert_eq!(pairs(&sb, &token, query).await.0, expected, "{query}");
    }
    let (_, disabled) = pairs(&sb, &token, "/agents/skills?isActive=false").await;
    let item = &disabled["agentSkillAssignments"][0];
    assert_eq!(item["isActive"], false, "a disabled assignment says so: {item}");
    assert_eq!(item["agentProficiencyValue"], 5, "and keeps its proficiency");
    let (_, of_inactive) = pairs(&sb, &token, "/agents/skills?isAgentActive=false").await;
    assert_eq!(of_inactive["agentSkillAssignments"][0]["isAgentActive"], false, "inactive agent flagged");

    let (page, body) = pairs(&sb, &token, "/agents/skills?top=1").await;
    assert_eq!(page.len(), 1, "top applies to the filtered set");
    assert_eq!(body["totalRecords"], 2, "total of the filtered set");
    let next = body["_links"]["next"].as_str().expect("a next link");
    let rest: Value = client().get(next).bearer_auth(&token).send().await.expect("next").json().await.expect("json");
    assert_eq!(rest["agentSkillAssignments"][0]["agentId"], 5002, "the next page of the filtered set");
    assert!(rest["_links"].get("next").is_none(), "and it is the last");

    for bad in ["isActive=maybe", "isAgentActive=1", "isSkillActive="] {
        let r = client()
            .get(format!("{}/agents/skills?{bad}", cxone_api(&sb)))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_cxone_error(r, 400).await;
    }
}

#[tokio::test]
async fn state_carries_active_and_posting_a_disabled_pair_is_an_item_error() {
    let sb = start(tenant_config()).await;
    let token = cxone_token(&sb).await;
    let state = sb.state();
    let rows = state["assignments"].as_array().expect("assignments");
    let ana_sales = rows.iter().find(|a| a["email"] == "ana@example.com" && a["skill"] == "Sales").expect("row");
    assert_eq!(ana_sales["active"], false, "state shows the disabled assignment: {state}");
    assert!(rows
        .iter()
        .filter(|a| a["skill"] != "Sales" || a["email"] != "ana@example.com")
        .all(|a| a["active"] == true));

    let url = format!("{}/skills/1002/agents", cxone_api(&sb));
    let body: Value = client()
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"agents": [{"agentId": 5001, "proficiency": 2, "isActive": true}]}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(body["resultSet"]["errorCount"], 1, "{body}");
    assert_eq!(body["resultSet"]["agentResults"][0]["error"], "Agent is already assigned to skill", "it exists");
    assert_eq!(state_of(&sb, "ana@example.com", "Sales"), Some(json!(5)), "unchanged");
}

#[tokio::test]
async fn put_keeps_the_items_is_active_and_requires_it_on_every_item() {
    let sb = start(tenant_config()).await;
    let token = cxone_token(&sb).await;
    let put = |path: &str, body: Value| {
        let (url, token) = (format!("{}{path}", cxone_api(&sb)), token.clone());
        async move {
            let r = client().put(url).bearer_auth(token).json(&body).send().await.expect("put");
            assert_eq!(r.status(), StatusCode::OK, "PUT answers 200");
            r.json::<Value>().await.expect("json")
        }
    };
    let active_of = |email: &str, skill: &str| {
        let state = sb.state();
        let rows = state["assignments"].as_array().expect("assignments").clone();
        rows.iter().find(|a| a["email"] == email && a["skill"] == skill).map(|a| a["active"].clone())
    };

    // Without isActive the item fails and nothing changes, on both PUT endpoints.
    let body = put("/skills/1001/agents", json!({"agents": [{"agentId": 5001, "proficiency": 4}]})).await;
    assert_eq!(body["resultSet"]["errorCount"], 1, "{body}");
    assert_eq!(body["resultSet"]["agentResults"][0]["error"], "isActive is required on PUT.", "{body}");
    let body = put("/agents/5001/skills", json!({"skills": [{"skillId": 1001, "proficiency": 4}]})).await;
    assert_eq!(body["resultSet"]["skillResults"][0]["success"], false, "{body}");
    assert_eq!(state_of(&sb, "ana@example.com", "Billing"), Some(json!(3)), "nothing applied");

    // Sending false disables an active one; it leaves the default listing but still exists.
    let body =
        put("/agents/5001/skills", json!({"skills": [{"skillId": 1001, "proficiency": 4, "isActive": false}]})).await;
    assert_eq!(body["resultSet"]["errorCount"], 0, "{body}");
    assert_eq!(active_of("ana@example.com", "Billing"), Some(json!(false)), "disabled by the PUT");
    assert_eq!(state_of(&sb, "ana@example.com", "Billing"), Some(json!(4)), "and updated");
    assert_eq!(pairs(&sb, &token, "/agents/5001/skills").await.0, Vec::<(i64, i64)>::new(), "hidden by default");

    // Sending true enables a disabled one.
    let body = put("/skills/1002/agents", json!({"agents": [{"agentId": 5001, "isActive": true}]})).await;
    assert_eq!(body["resultSet"]["errorCount"], 0, "proficiency may be left out: {body}");
    assert_eq!(active_of("ana@example.com", "Sales"), Some(json!(true)), "enabled by the PUT");
    assert_eq!(state_of(&sb, "ana@example.com", "Sales"), Some(json!(5)), "proficiency kept");
    assert_eq!(pairs(&sb, &token, "/agents/5001/skills").await.0, [(5001, 1002)], "listed again");
}

#[tokio::test]
async fn agents_carry_user_id_spelled_user_capital_id() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    let body: Value = client()
        .get(format!("{}/agents", cxone_api(&sb)))
        .bearer_auth(&token)
        .send()
        .await
        .expect("agents")
        .json()
        .await
        .expect("json");
    let agent = &body["agents"][0];
    let id = agent["userID"].as_str().unwrap_or_else(|| panic!("userID on the agent: {agent}"));
    assert!(uuid::Uuid::parse_str(id).is_ok(), "userID is a uuid");
    assert!(agent.get("userId").is_none(), "no userId spelling: {agent}");
    let slim: Value = client()
        .get(format!("{}/agents?fields=agentId,userID", cxone_api(&sb)))
        .bearer_auth(&token)
        .send()
        .await
        .expect("agents")
        .json()
        .await
        .expect("json");
    assert_eq!(slim["agents"][0]["userID"], id, "fields keeps userID");
}
