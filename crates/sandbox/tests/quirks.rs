//! Quirks on demand over real HTTP: `page_cap` (no page holds more than N items, whatever the
//! client asks, with truthful paging metadata) and `expand_drop` (Genesys users listed without
//! their `skills` although they hold some).

mod common;

use std::collections::BTreeSet;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillsync_sandbox::{Platform, Sandbox, SandboxConfig, TenantSource};

async fn get_json(token: &str, url: &str) -> Value {
    let r = client().get(url).bearer_auth(token).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::OK, "{url}");
    r.json().await.expect("json")
}

/// Follows a Genesys listing's `nextUri` from `first` to the end; returns every page.
async fn genesys_pages(sb: &Sandbox, token: &str, first: &str) -> Vec<Value> {
    let mut pages = vec![get_json(token, &format!("{}{first}", sb.base_url())).await];
    while let Some(next) = pages.last().and_then(|p| p["nextUri"].as_str()).map(str::to_string) {
        pages.push(get_json(token, &format!("{}{next}", sb.base_url())).await);
        assert!(pages.len() < 50, "paging ends");
    }
    pages
}

#[tokio::test]
async fn genesys_pages_never_exceed_the_cap_and_say_so() {
    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::Generated { agents: 30, skills: 17, seed: 3 };
    cfg.page_cap = Some(4);
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;

    let pages = genesys_pages(&sb, &token, "/api/v2/routing/skills?pageSize=25").await;
    let first = &pages[0];
    assert_eq!(first["entities"].as_array().expect("entities").len(), 4, "capped page");
    assert_eq!(first["pageSize"], 4, "pageSize tells the capped size");
    assert_eq!(first["total"], 17, "total is every skill");
    assert_eq!(first["pageCount"], 5, "17 / 4 rounds up");
    let next = first["nextUri"].as_str().expect("nextUri");
    assert!(next.contains("pageSize=4") && next.contains("pageNumber=2"), "nextUri pages by the cap: {next}");
    assert!(first["lastUri"].as_str().expect("lastUri").contains("pageNumber=5"), "lastUri: {first}");
    assert_eq!(pages.len(), 5, "five pages");
    let ids: BTreeSet<&str> = pages
        .iter()
        .flat_map(|p| p["entities"].as_array().expect("entities"))
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 17, "every skill exactly once over the pages");

    let users = genesys_pages(&sb, &token, "/api/v2/users?pageSize=500&state=any&expand=skills").await;
    assert!(users.iter().all(|p| p["entities"].as_array().expect("entities").len() <= 4), "users capped too");
    assert_eq!(users[0]["pageSize"], 4, "users pageSize");
    assert!(users[0]["nextUri"].as_str().expect("next").contains("expand=skills"), "filters kept in nextUri");
    let listed: usize = users.iter().map(|p| p["entities"].as_array().expect("entities").len()).sum();
    assert_eq!(listed, 30, "every user over the pages");

    let emails: Vec<String> = users[0..2]
        .iter()
        .flat_map(|p| p["entities"].as_array().expect("entities"))
        .filter_map(|u| u["email"].as_str().map(str::to_string))
        .collect();
    let found: Value = client()
        .post(format!("{}/api/v2/users/search", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!({"query": [{"type": "EXACT", "fields": ["email"], "values": emails}], "pageSize": 100}))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert_eq!(found["results"].as_array().expect("results").len(), 4, "search capped: {found}");
    assert_eq!(
        (found["pageSize"].clone(), found["total"].clone(), found["pageCount"].clone()),
        (json!(4), json!(8), json!(2))
    );
}

#[tokio::test]
async fn cxone_pages_never_exceed_the_cap_and_links_follow_it() {
    let mut cfg = SandboxConfig::new(Platform::Cxone);
    cfg.rate_limit_per_minute = Some(0);
    cfg.tenant = TenantSource::Generated { agents: 12, skills: 9, seed: 2 };
    cfg.page_cap = Some(5);
    let sb = start(cfg).await;
    let token = cxone_token(&sb).await;
    for (path, key) in
        [("/skills?top=1000", "skills"), ("/agents", "agents"), ("/agents/skills?top=10000", "agentSkillAssignments")]
    {
        let mut url = format!("{}{path}", cxone_api(&sb));
        let mut seen = 0;
        let mut total = None;
        loop {
            let body = get_json(&token, &url).await;
            let items = body[key].as_array().expect("items").len();
            assert!(items <= 5, "{path}: a page of {items}");
            seen += items;
            total = total.or(body["totalRecords"].as_u64());
            assert_eq!(body["totalRecords"].as_u64(), total, "{path}: totalRecords stays the whole count");
            match body["_links"]["next"].as_str() {
                Some(next) => {
                    assert!(next.contains("top=5"), "{path}: next link pages by the cap: {next}");
                    url = next.to_string();
                }
                None => break,
            }
        }
        assert_eq!(Some(seen as u64), total, "{path}: the pages add up to totalRecords");
        assert!(seen > 5, "{path}: more than one page was needed");
    }
}

#[tokio::test]
async fn bad_quirk_settings_refuse_to_start() {
    let mut cfg = config(Platform::Genesys);
    cfg.page_cap = Some(0);
    assert_eq!(Sandbox::start(cfg).await.err().expect("cap 0").code(), "sandbox.bad_option", "page cap 0");
    let mut cfg = config(Platform::Genesys);
    cfg.expand_drop = 1.5;
    assert_eq!(Sandbox::start(cfg).await.err().expect("share 1.5").code(), "sandbox.bad_option", "share over 1");
}

/// Ids of the users of a listing or search page that lack `skills`, and of all of them.
fn without_skills(users: &[Value]) -> (BTreeSet<String>, usize) {
    let missing = users.iter().filter(|u| u.get("skills").is_none()).map(|u| u["id"].as_str().expect("id").to_string());
    (missing.collect(), users.len())
}

#[tokio::test]
async fn expand_drop_leaves_skills_out_for_the_same_users_who_still_hold_skills() {
    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::Generated { agents: 200, skills: 10, seed: 5 };
    cfg.expand_drop = 0.3;
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;
    let url = format!("{}/api/v2/users?pageSize=500&state=any&expand=skills", sb.base_url());
    let first = get_json(&token, &url).await;
    let (dropped, listed) = without_skills(first["entities"].as_array().expect("entities"));
    assert_eq!(listed, 200, "every user listed");
    assert!((30..=90).contains(&dropped.len()), "about 30 % without skills: {}", dropped.len());
    let again = get_json(&token, &url).await;
    assert_eq!(without_skills(again["entities"].as_array().expect("entities")).0, dropped, "the same users each time");

    for id in dropped.iter().take(5) {
        let skills = get_json(&token, &format!("{}/api/v2/users/{id}/routingskills", sb.base_url())).await;
        assert!(skills["total"].as_u64().expect("total") >= 1, "a dropped user still holds skills: {skills}");
    }
    let id = dropped.iter().next().expect("one dropped user");
    let found: Value = client()
        .post(format!("{}/api/v2/users/search", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!({"query": [{"type": "EXACT", "fields": ["id"], "value": id}], "expand": ["skills"]}))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert!(found["results"][0].get("skills").is_none(), "search drops it too: {found}");
}
