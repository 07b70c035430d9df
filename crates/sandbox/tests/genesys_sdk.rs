//! Genesys' own Python SDK (`purecloudplatformclientv2`) against a running sandbox: runs
//! `tests/sdk/genesys_sdk_check.py` when python3 can import the SDK, and says so and passes when
//! it cannot (install it with `pip install purecloudplatformclientv2`).

mod common;

use std::path::PathBuf;

use common::*;
use skillsync_sandbox::Platform;
use tokio::process::Command;

/// Whether `python3` runs and can import the SDK.
async fn sdk_importable() -> bool {
    let probe = Command::new("python3").args(["-c", "import PureCloudPlatformClientV2"]).output().await;
    matches!(probe, Ok(out) if out.status.success())
}

#[tokio::test]
async fn genesys_python_sdk_reads_and_writes_languages_and_skills() {
    if !sdk_importable().await {
        eprintln!(
            "note: skipped, python3 cannot import PureCloudPlatformClientV2 \
             (pip install purecloudplatformclientv2 to run this check)"
        );
        return;
    }
    // A generated Genesys tenant: 50 agents, 12 skills and four routing languages.
    let sb = start(config_generated()).await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/genesys_sdk_check.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(sb.info_json().to_string())
        .kill_on_drop(true)
        .output()
        .await
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "the SDK check failed ({}):\n{stdout}\n{stderr}", out.status);
    assert!(stdout.contains("all SDK checks passed"), "{stdout}");

    let stats = sb.stats();
    let by_route = &stats["by_route"];
    assert_eq!(by_route["PATCH /api/v2/users/{id}/routingskills/bulk"], 2, "two skill PATCHes: {stats}");
    assert_eq!(by_route["PATCH /api/v2/users/{id}/routinglanguages/bulk"], 1, "one language PATCH: {stats}");
    assert_eq!(by_route["DELETE /api/v2/users/{id}/routinglanguages/{languageId}"], 1, "one DELETE: {stats}");
    assert_eq!(by_route["POST /oauth/token"], 1, "the SDK logged in once: {stats}");
}

fn config_generated() -> skillsync_sandbox::SandboxConfig {
    let mut c = skillsync_sandbox::SandboxConfig::new(Platform::Genesys);
    c.rate_limit_per_minute = Some(0);
    c
}
