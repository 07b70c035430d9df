//! What both imitation tenants share: the per-token rate limit, token expiry, latency, every
//! injected fault, the control endpoints, tenants from a file or a seed, and start-up errors.

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use skillsync_sandbox::{FaultKind, Faults, Platform, Sandbox, SandboxConfig, TenantSource};

/// One cheap authenticated read per platform.
async fn read(sb: &Sandbox, token: &str) -> reqwest::Response {
    let url = match sb.platform() {
        Platform::Genesys => format!("{}/api/v2/routing/skills", sb.base_url()),
        Platform::Cxone => format!("{}/skills", cxone_api(sb)),
    };
    client().get(url).bearer_auth(token).send().await.expect("read")
}

async fn login(sb: &Sandbox) -> String {
    match sb.platform() {
        Platform::Genesys => genesys_token(sb).await,
        Platform::Cxone => cxone_token(sb).await,
    }
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_and_counts_throttled() {
    for platform in [Platform::Genesys, Platform::Cxone] {
        let mut cfg = config(platform);
        cfg.rate_limit_per_minute = Some(3);
        let sb = start(cfg).await;
        let token = login(&sb).await;
        for n in 1..=3 {
            let r = read(&sb, &token).await;
            assert_eq!(r.status(), StatusCode::OK, "{platform}: request {n} is within the limit");
            if platform == Platform::Genesys {
                assert_eq!(header(&r, "inin-ratelimit-count"), n.to_string(), "count header");
                assert_eq!(header(&r, "inin-ratelimit-allowed"), "3", "allowed header");
            }
        }
        let r = read(&sb, &token).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{platform}: the fourth is throttled");
        let retry: u64 = header(&r, "Retry-After").parse().expect("whole seconds");
        assert!((1..=60).contains(&retry), "{platform}: Retry-After {retry} within the window");
        match platform {
            Platform::Genesys => {
                let body: Value = r.json().await.expect("json");
                assert_error_body(&body, 429, "too.many.requests");
                assert!(body["limit"].is_object(), "429 ErrorBody carries limit: {body}");
            }
            Platform::Cxone => {
                assert_cxone_error(r, 429).await;
            }
        }
        let other = login(&sb).await;
        assert_eq!(read(&sb, &other).await.status(), StatusCode::OK, "{platform}: the limit is per token");
        assert_eq!(sb.stats()["throttled"], 1, "{platform}: one throttled request counted");

        sb.set_rate_limit(0);
        assert_eq!(read(&sb, &token).await.status(), StatusCode::OK, "{platform}: limit switched off at runtime");
    }
}

#[tokio::test]
async fn platform_defaults_apply_when_the_limit_is_left_open() {
    let mut cfg = config(Platform::Genesys);
    cfg.rate_limit_per_minute = None;
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;
    assert_eq!(header(&read(&sb, &token).await, "inin-ratelimit-allowed"), "300", "Genesys default is 300");
}

#[tokio::test]
async fn an_expired_token_is_refused_with_401() {
    for platform in [Platform::Genesys, Platform::Cxone] {
        let mut cfg = config(platform);
        cfg.token_ttl = Duration::from_secs(1);
        let sb = start(cfg).await;
        let token = login(&sb).await;
        assert_eq!(read(&sb, &token).await.status(), StatusCode::OK, "{platform}: fresh token works");
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        let r = read(&sb, &token).await;
        match platform {
            Platform::Genesys => {
                assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "expired");
                assert_error_body(&r.json().await.expect("json"), 401, "bad.credentials");
            }
            Platform::Cxone => {
                assert_cxone_error(r, 401).await;
            }
        }
    }
}

#[tokio::test]
async fn latency_delays_every_response() {
    let mut cfg = config(Platform::Genesys);
    cfg.latency = Duration::from_millis(150);
    let sb = start(cfg).await;
    let token = genesys_token(&sb).await;
    let started = Instant::now();
    assert_eq!(read(&sb, &token).await.status(), StatusCode::OK, "read");
    assert!(started.elapsed() >= Duration::from_millis(150), "waited {:?}", started.elapsed());
}

#[tokio::test]
async fn status_faults_answer_in_the_platform_shape_before_anything_is_applied() {
    let cases = [
        (FaultKind::TooMany, 429),
        (FaultKind::Internal, 500),
        (FaultKind::BadGateway, 502),
        (FaultKind::Unavailable, 503),
        (FaultKind::Conflict, 409),
    ];
    for platform in [Platform::Genesys, Platform::Cxone] {
        let sb = start(config(platform)).await;
        let token = login(&sb).await;
        for (kind, status) in cases {
            sb.set_faults(Faults::only(kind, 1.0).expect("faults"));
            let r = match platform {
                Platform::Genesys => {
                    let user = uuid::Uuid::new_v4();
                    client()
                        .patch(format!("{}/api/v2/users/{user}/routingskills/bulk", sb.base_url()))
                        .bearer_auth(&token)
                        .json(&json!([]))
                        .send()
                        .await
                        .expect("patch")
                }
                Platform::Cxone => client()
                    .post(format!("{}/skills/1003/agents", cxone_api(&sb)))
                    .bearer_auth(&token)
                    .json(&json!({"agents": [{"agentId": 5004, "proficiency": 3}]}))
                    .send()
                    .await
                    .expect("post"),
            };
            assert_eq!(r.status().as_u16(), status, "{platform} {kind}");
            if kind == FaultKind::TooMany {
                assert!(
                    header(&r, "Retry-After").parse::<u64>().expect("seconds") >= 1,
                    "{platform}: Retry-After on 429"
                );
            }
            match platform {
                Platform::Genesys => {
                    assert!(r.headers().contains_key("ININ-Correlation-Id"), "correlation id on a fault");
                    let body: Value = r.json().await.expect("json");
                    assert_eq!(body["status"], status, "ErrorBody status {body}");
                    if kind == FaultKind::Conflict {
                        assert!(
                            body["message"].as_str().expect("message").contains("does not match the current version"),
                            "{body}"
                        );
                    }
                }
                Platform::Cxone => {
                    assert_cxone_error(r, status).await;
                }
            }
        }
        sb.set_faults(Faults::none());
        assert_eq!(state_of(&sb, "di.evans@example.com", "Retention"), None, "{platform}: no fault applied a write");
        assert_eq!(sb.stats()["faults"], 5, "{platform}: five injected faults counted");
        assert_eq!(sb.stats()["throttled"], 0, "{platform}: an injected 429 is not throttling");
        let login = match platform {
            Platform::Genesys => genesys_token(&sb).await,
            Platform::Cxone => cxone_token(&sb).await,
        };
        assert!(!login.is_empty(), "token endpoints are never faulted");
    }
}

#[tokio::test]
async fn a_timeout_fault_applies_the_write_then_hangs() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let user = genesys_user_id(&sb, &token, "di.evans@example.com").await;
    let skill = genesys_skill_id(&sb, &token, "Retention").await;
    sb.set_faults(Faults::only(FaultKind::Timeout, 1.0).expect("faults"));
    let started = Instant::now();
    let err = client()
        .patch(format!("{}/api/v2/users/{user}/routingskills/bulk", sb.base_url()))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(400))
        .json(&json!([{"id": skill, "proficiency": 2}]))
        .send()
        .await
        .expect_err("the response never comes in time");
    assert!(err.is_timeout(), "the client times out: {err}");
    assert_eq!(state_of(&sb, "di.evans@example.com", "Retention"), Some(json!(2.0)), "the write was applied");
    let stopping = Instant::now();
    sb.shutdown().await;
    assert!(stopping.elapsed() < Duration::from_secs(3), "shutdown ends the hang, took {:?}", stopping.elapsed());
    assert!(started.elapsed() < Duration::from_secs(5), "the test did not wait the full 30 s");
}

#[tokio::test]
async fn a_reset_fault_applies_the_write_then_breaks_the_connection() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    sb.set_faults(Faults::only(FaultKind::Reset, 1.0).expect("faults"));
    let outcome = client()
        .post(format!("{}/skills/1003/agents", cxone_api(&sb)))
        .bearer_auth(&token)
        .json(&json!({"agents": [{"agentId": 5004, "proficiency": 3}]}))
        .send()
        .await;
    let broken = match outcome {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(broken, "the client sees a connection error, not a complete response");
    assert_eq!(state_of(&sb, "di.evans@example.com", "Retention"), Some(json!(3)), "the write was applied");
}

#[tokio::test]
async fn an_itemerror_fault_fails_one_item_inside_the_200_on_cxone_writes_only() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    sb.set_faults(Faults::only(FaultKind::ItemError, 1.0).expect("faults"));
    assert_eq!(read(&sb, &token).await.status(), StatusCode::OK, "reads are untouched by itemerror");
    let r = client()
        .post(format!("{}/skills/1003/agents", cxone_api(&sb)))
        .bearer_auth(&token)
        .json(&json!({"agents": [{"agentId": 5001, "proficiency": 3}, {"agentId": 5002, "proficiency": 3}, {"agentId": 5004, "proficiency": 3}]}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK, "still a 200");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["resultSet"]["errorCount"], 1, "exactly one item failed: {body}");
    let applied = ["ana.lee@example.com", "bo.chen@example.com", "di.evans@example.com"]
        .iter()
        .filter(|e| state_of(&sb, e, "Retention").is_some())
        .count();
    assert_eq!(applied, 2, "the failed item was not applied");
    assert_eq!(sb.stats()["faults"], 1, "one fault counted (the read drew none)");
}

#[tokio::test]
async fn fault_draws_repeat_for_the_same_seed() {
    async fn statuses(seed: u64) -> Vec<u16> {
        let mut cfg = config(Platform::Genesys);
        cfg.seed = seed;
        cfg.faults = "500=0.5".parse().expect("spec");
        let sb = start(cfg).await;
        let token = genesys_token(&sb).await;
        let mut out = Vec::new();
        for _ in 0..16 {
            out.push(read(&sb, &token).await.status().as_u16());
        }
        out
    }
    let a = statuses(11).await;
    assert_eq!(a, statuses(11).await, "same seed, same faults");
    assert!(a.contains(&500) && a.contains(&200), "a mix at 0.5: {a:?}");
    assert_ne!(a, statuses(12).await, "another seed, another sequence");
}

#[tokio::test]
async fn stats_count_platform_requests_by_route_template() {
    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let user = genesys_user_id(&sb, &token, "di.evans@example.com").await;
    client()
        .patch(format!("{}/api/v2/users/{user}/routingskills/bulk", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!([]))
        .send()
        .await
        .expect("patch");
    let control: Value = client()
        .get(format!("{}/__sandbox/stats", sb.base_url()))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(control, sb.stats(), "HTTP and API give the same body");
    assert_eq!(control["total"], 3, "token, search and patch; /__sandbox not counted");
    assert_eq!(control["by_route"]["POST /oauth/token"], 1, "token call counted");
    assert_eq!(control["by_route"]["PATCH /api/v2/users/{id}/routingskills/bulk"], 1, "the contract's template");

    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    client()
        .post(format!("{}/inContactAPI/services/V29.0/skills/1003/agents", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!({"agents": [{"agentId": 5004, "proficiency": 3}]}))
        .send()
        .await
        .expect("post");
    let stats = sb.stats();
    assert_eq!(stats["by_route"]["POST /incontactapi/services/v29.0/skills/{id}/agents"], 1, "normalised: {stats}");
    assert_eq!(stats["total"], 3, "discovery, token and the write");
}

#[tokio::test]
async fn state_lists_assignments_by_email_then_skill_on_the_platform_scale() {
    let sb = start(config(Platform::Cxone)).await;
    let body: Value = client()
        .get(format!("{}/__sandbox/state", sb.base_url()))
        .send()
        .await
        .expect("state")
        .json()
        .await
        .expect("json");
    assert_eq!(body, sb.state(), "HTTP and API give the same body");
    let rows: Vec<(String, String)> = body["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| (a["email"].as_str().expect("email").into(), a["skill"].as_str().expect("skill").into()))
        .collect();
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted, "sorted by email then skill");
    assert_eq!(
        body["assignments"][0],
        json!({"email": "ana.lee@example.com", "skill": "Billing - English", "proficiency": 3, "active": true}),
        "CXone integers, and the assignment's active flag"
    );
}

#[tokio::test]
async fn a_tenant_file_gives_the_same_ids_on_every_start() {
    let dir = std::env::temp_dir().join(format!("sandbox-tenant-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("tenant.json");
    std::fs::write(&path, serde_json::to_string(&small_tenant(Platform::Genesys)).expect("json")).expect("write");
    let ids = |sb: Sandbox| async move {
        let token = genesys_token(&sb).await;
        (genesys_skill_id(&sb, &token, "Sales").await, genesys_user_id(&sb, &token, "bo.chen@example.com").await)
    };
    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::File(path.clone());
    let first = ids(start(cfg.clone()).await).await;
    let second = ids(start(cfg).await).await;
    assert_eq!(first, second, "uuid v5 from names: same ids on every start");

    std::fs::write(&path, "{\"skills\": [{\"name\": \"A\"}], \"assignments\": [{\"email\": \"x@y.z\", \"skill\": \"A\", \"proficiency\": 1}]}").expect("write");
    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::File(path.clone());
    let err = Sandbox::start(cfg).await.err().expect("unknown user in an assignment");
    assert_eq!(err.code(), "sandbox.bad_tenant", "{err}");
    let mut cfg = config(Platform::Genesys);
    cfg.tenant = TenantSource::File(dir.join("missing.json"));
    let err = Sandbox::start(cfg).await.err().expect("missing file");
    assert_eq!(err.code(), "sandbox.tenant_file", "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_generated_tenant_is_deterministic_for_its_seed() {
    let snapshot = |seed: u64| async move {
        let mut cfg = SandboxConfig::new(Platform::Cxone);
        cfg.tenant = TenantSource::Generated { agents: 120, skills: 15, seed };
        let sb = start(cfg).await;
        let token = cxone_token(&sb).await;
        let agents: Value = client()
            .get(format!("{}/agents", cxone_api(&sb)))
            .bearer_auth(&token)
            .send()
            .await
            .expect("agents")
            .json()
            .await
            .expect("json");
        (sb.state(), agents["agents"][7].clone())
    };
    let (state_a, agent_a) = snapshot(5).await;
    let (state_b, agent_b) = snapshot(5).await;
    let (state_c, _) = snapshot(6).await;
    assert_eq!(state_a, state_b, "same seed, same assignments");
    assert_eq!(agent_a, agent_b, "same seed, same agents and ids");
    assert_ne!(state_a, state_c, "another seed, another tenant");
    assert!(agent_a["emailAddress"].as_str().expect("email").ends_with("@example.com"), "realistic email {agent_a}");
}

#[tokio::test]
async fn info_json_carries_what_a_client_needs() {
    let sb = start(config(Platform::Cxone)).await;
    let info = sb.info_json();
    assert_eq!(info["base_url"], sb.base_url(), "base_url");
    assert_eq!(info["platform"], "cxone", "platform");
    for key in ["client_id", "client_secret", "access_key_id", "access_key_secret"] {
        assert!(info[key].is_string(), "{key} in {info}");
    }
    let sb = start(config(Platform::Genesys)).await;
    assert!(sb.info_json().get("access_key_id").is_none(), "Genesys has no access key");
    assert_ne!(
        sb.credentials().client_secret,
        start(config(Platform::Genesys)).await.credentials().client_secret,
        "random per start"
    );
}

#[tokio::test]
async fn a_taken_port_is_a_bind_error() {
    let taken = start(config(Platform::Genesys)).await;
    let port: u16 = taken.base_url().rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
    let mut cfg = config(Platform::Genesys);
    cfg.port = port;
    let err = Sandbox::start(cfg).await.err().expect("the port is in use");
    assert_eq!(err.code(), "sandbox.bind", "{err}");
}

#[tokio::test]
async fn extreme_numbers_and_odd_bodies_get_answers_not_crashes() {
    let sb = start(config(Platform::Cxone)).await;
    let token = cxone_token(&sb).await;
    let api = cxone_api(&sb);
    let huge = u64::MAX.to_string();
    let r = client().get(format!("{api}/skills?skip={huge}&top=5")).bearer_auth(&token).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "a skip past the end is an empty page");
    let r = client().get(format!("{api}/skills/{}/agents", i64::MIN)).bearer_auth(&token).send().await.expect("get");
    assert_cxone_error(r, 404).await;
    let r = client()
        .post(format!("{api}/skills/1001/agents"))
        .bearer_auth(&token)
        .json(&json!({"agents": [{"agentId": i64::MIN, "proficiency": 3}, {"agentId": u64::MAX, "proficiency": 1e308}, null]}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK, "item errors, not a crash");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["resultSet"]["errorCount"], 3, "{body}");

    let sb = start(config(Platform::Genesys)).await;
    let token = genesys_token(&sb).await;
    let r = client()
        .get(format!("{}/api/v2/users?pageNumber={huge}&pageSize=500", sb.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK, "a page past the end is empty");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["entities"], json!([]), "no entities");
    let user = genesys_user_id(&sb, &token, "ana.lee@example.com").await;
    let r = client()
        .patch(format!("{}/api/v2/users/{user}/routingskills/bulk", sb.base_url()))
        .bearer_auth(&token)
        .json(&json!([null, 3, {"id": null, "proficiency": null}]))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "odd items are refused");
    assert_error_body(&r.json().await.expect("json"), 400, "bad.request");
}
