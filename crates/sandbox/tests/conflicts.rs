//! Genesys version conflicts over real HTTP: only writes to one user whose handling overlaps in
//! time conflict; a write sent after the previous one was answered always goes through.

mod common;

use std::time::Duration;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use skillsync_sandbox::{Platform, Sandbox};

/// The latency that makes two writes overlap: each one holds its user this long.
const LATENCY: Duration = Duration::from_millis(400);

async fn user_version(sb: &Sandbox, token: &str, email: &str) -> Value {
    let users: Value = client()
        .get(format!("{}/api/v2/users?state=any", sb.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    users["entities"].as_array().expect("entities").iter().find(|u| u["email"] == email).expect("user")["version"]
        .clone()
}

#[tokio::test]
async fn back_to_back_writes_to_one_user_all_succeed() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let user = genesys_user_id(&sb, &token, "bo.chen@example.com").await;
    let billing = genesys_skill_id(&sb, &token, "Billing").await;
    let retention = genesys_skill_id(&sb, &token, "Retention").await;
    let base = format!("{}/api/v2/users/{user}/routingskills", sb.base_url());
    let http = client();
    let mut statuses = Vec::new();
    for i in 0..20 {
        let level = f64::from(i % 5) + 0.5;
        let r = http
            .patch(format!("{base}/bulk"))
            .bearer_auth(&token)
            .json(&json!([{"id": billing, "proficiency": level}]))
            .send()
            .await
            .expect("patch");
        statuses.push(r.status());
    }
    let single = [
        (Method::POST, base.clone(), Some(json!({"id": retention, "proficiency": 2}))),
        (Method::PUT, format!("{base}/{retention}"), Some(json!({"proficiency": 3}))),
        (Method::DELETE, format!("{base}/{retention}"), None),
        (Method::PUT, format!("{base}/bulk"), Some(json!([{"id": billing, "proficiency": 1}]))),
    ];
    for (method, url, body) in single {
        let mut request = http.request(method, url).bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        statuses.push(request.send().await.expect("write").status());
    }
    assert!(
        statuses.iter().all(|s| s.is_success()),
        "a write sent after the previous answer never conflicts: {statuses:?}"
    );
    assert_eq!(state_of(&sb, "bo.chen@example.com", "Billing - English"), Some(json!(1.0)), "the last write landed");
}

#[tokio::test]
async fn writes_whose_handling_overlaps_conflict_with_409() {
    let mut cfg = config(Platform::Genesys);
    cfg.latency = LATENCY;
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;
    let user = genesys_user_id(&sb, &token, "bo.chen@example.com").await;
    let billing = genesys_skill_id(&sb, &token, "Billing").await;
    let sales = genesys_skill_id(&sb, &token, "Sales").await;
    let base = format!("{}/api/v2/users/{user}/routingskills", sb.base_url());
    let http = client();
    let patch = |level: f64| {
        http.patch(format!("{base}/bulk")).bearer_auth(&token).json(&json!([{"id": billing, "proficiency": level}]))
    };

    // The second PATCH starts well after the first started, while the first is still handled.
    let first = tokio::spawn(patch(5.0).send());
    tokio::time::sleep(LATENCY / 4).await;
    let second = patch(1.0).send().await.expect("second patch");
    let first = first.await.expect("task").expect("first patch");
    assert_eq!(first.status(), StatusCode::OK, "the write that started first goes through");
    assert_eq!(second.status(), StatusCode::CONFLICT, "the overlapping write conflicts");
    let body: Value = second.json().await.expect("json");
    assert_error_body(&body, 409, "general.conflict");
    assert!(body["message"].as_str().expect("message").contains("does not match the current version"), "{body}");
    assert_eq!(state_of(&sb, "bo.chen@example.com", "Billing - English"), Some(json!(5.0)), "nothing of the 409");
    assert_eq!(user_version(&sb, &token, "bo.chen@example.com").await, 2, "one change, one version step");

    // A DELETE overlapping a PATCH of the same user conflicts just the same.
    let first = tokio::spawn(patch(4.0).send());
    tokio::time::sleep(LATENCY / 4).await;
    let delete = http.delete(format!("{base}/{billing}")).bearer_auth(&token).send().await.expect("delete");
    assert_eq!(first.await.expect("task").expect("patch").status(), StatusCode::OK, "the PATCH lands");
    assert_eq!(delete.status(), StatusCode::CONFLICT, "the overlapping DELETE conflicts");
    assert_eq!(state_of(&sb, "bo.chen@example.com", "Billing - English"), Some(json!(4.0)), "still assigned");

    // Two DELETEs sent together: exactly one goes through.
    let ana = genesys_user_id(&sb, &token, "ana.lee@example.com").await;
    let url = format!("{}/api/v2/users/{ana}/routingskills/{sales}", sb.base_url());
    let both = futures::future::join_all((0..2).map(|_| http.delete(&url).bearer_auth(&token).send())).await;
    let mut statuses: Vec<u16> = both.into_iter().map(|r| r.expect("delete").status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [204, 409], "one removal, one conflict");

    // Writes to different users overlap freely: each user is held on its own.
    let mut sends = Vec::new();
    for email in ["ana.lee@example.com", "bo.chen@example.com", "di.evans@example.com"] {
        let user = genesys_user_id(&sb, &token, email).await;
        let request = http
            .patch(format!("{}/api/v2/users/{user}/routingskills/bulk", sb.base_url()))
            .bearer_auth(&token)
            .json(&json!([{"id": billing, "proficiency": 3}]));
        sends.push(request.send());
    }
    let statuses: Vec<StatusCode> =
        futures::future::join_all(sends).await.into_iter().map(|r| r.expect("patch").status()).collect();
    assert_eq!(statuses, [StatusCode::OK; 3], "no conflict across users");
}
