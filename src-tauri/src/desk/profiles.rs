//! Connection profiles as the app shows them: the two built-in Sandbox profiles (an imitation
//! tenant started in-process on first use, secrets in memory) first, then the saved ones (settings
//! in `profiles.toml`, secrets in the OS keychain). The wizard tests a connection before saving it.

use super::Desk;
use crate::dto::{Check, ConnectionCheck, Platform, ProfileInput, ProfileView};
use crate::error::{UiError, UiResult};
use skillsync_core::platform::{self, Connection, HttpSettings, Secret};
use skillsync_core::profile::{MemoryStore, Profile, SecretKind, SecretStore};
use skillsync_core::{Error, Events, PlatformKind};
use skillsync_sandbox::{Sandbox, SandboxConfig, TenantFile, TenantSource};
use std::time::{Duration, Instant};

pub const BUILTIN_GENESYS: &str = "sandbox-genesys";
pub const BUILTIN_CXONE: &str = "sandbox-cxone";

/// The demo tenant both built-in sandboxes start from (the same as the README's main job).
const DEMO_TENANT: &str = include_str!("../../../examples/demo-tenant.json");

fn builtin(name: &str) -> Option<PlatformKind> {
    match name {
        BUILTIN_GENESYS => Some(PlatformKind::Genesys),
        BUILTIN_CXONE => Some(PlatformKind::Cxone),
        _ => None,
    }
}

fn builtin_view(kind: PlatformKind, url: Option<&str>) -> ProfileView {
    ProfileView {
        name: match kind {
            PlatformKind::Genesys => BUILTIN_GENESYS,
            PlatformKind::Cxone => BUILTIN_CXONE,
        }
        .to_string(),
        platform: kind.into(),
        builtin: true,
        location: url.map_or_else(
            || "built-in sandbox (starts on first use)".to_string(),
            |u| format!("built-in sandbox at {u}"),
        ),
        client_id: "sandbox".into(),
        api_version: None,
        has_secrets: true,
        ca_file: None,
    }
}

fn required(platform: PlatformKind) -> &'static [SecretKind] {
    match platform {
        PlatformKind::Genesys => &[SecretKind::ClientSecret],
        PlatformKind::Cxone => &SecretKind::ALL,
    }
}

fn nonblank(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

impl ProfileInput {
    fn profile(&self) -> Profile {
        Profile {
            platform: self.platform.into(),
            region: nonblank(&self.region),
            base_url: nonblank(&self.base_url).map(|u| u.trim_end_matches('/').to_string()),
            client_id: self.client_id.trim().to_string(),
            api_version: nonblank(&self.api_version),
            ca_file: nonblank(&self.ca_file).map(std::path::PathBuf::from),
        }
    }

    fn secrets(&self) -> Vec<(SecretKind, Secret)> {
        let mut s = vec![(SecretKind::ClientSecret, Secret::new(self.client_secret.clone()))];
        if PlatformKind::from(self.platform) == PlatformKind::Cxone {
            s.push((SecretKind::AccessKeyId, Secret::new(self.access_key_id.clone().unwrap_or_default())));
            s.push((SecretKind::AccessKeySecret, Secret::new(self.access_key_secret.clone().unwrap_or_default())));
        }
        s
    }

    /// The connection these answers describe, refused before anything is sent when incomplete.
    /// It is built as a saved profile's would be, from secrets held in memory for the moment.
    fn connection(&self) -> UiResult<Connection> {
        if self.client_id.trim().is_empty() {
            return Err(Error::Config("the client id is empty".into()).into());
        }
        let store = MemoryStore::default();
        for (kind, value) in self.secrets() {
            if value.is_empty() {
                return Err(Error::Config(format!("the {} is empty", kind.as_str().replace('_', " "))).into());
            }
            store.set(&self.name, kind, &value)?;
        }
        let conn = self.profile().connection(&self.name, &store)?;
        conn.validate()?;
        Ok(conn)
    }
}

impl Desk {
    pub async fn list_profiles(&self) -> UiResult<Vec<ProfileView>> {
        let running = self.sandboxes.lock().await;
        let mut out: Vec<ProfileView> = [PlatformKind::Genesys, PlatformKind::Cxone]
            .into_iter()
            .map(|k| builtin_view(k, running.get(&k).map(Sandbox::base_url)))
            .collect();
        drop(running);
        for (name, p) in self.profiles.list()? {
            // A locked or missing keychain shows as "secrets missing", not as a failed list.
            let has_secrets = required(p.platform)
                .iter()
                .all(|&k| matches!(self.secrets.get(&name, k), Ok(Some(s)) if !s.is_empty()));
            out.push(ProfileView {
                // The region as chosen, else the URL (CXone's default issuer when none was given).
                location: p.region.clone().or_else(|| p.base_url().ok()).unwrap_or_default(),
                platform: p.platform.into(),
                builtin: false,
                client_id: p.client_id.clone(),
                api_version: p.api_version.clone(),
                has_secrets,
                ca_file: p.ca_file.as_ref().map(|f| f.display().to_string()),
                name,
            });
        }
        Ok(out)
    }

    /// A CA file in the wizard's answers must be one the user picked in the dialog.
    fn check_ca_file(&self, input: &ProfileInput) -> UiResult<()> {
        match nonblank(&input.ca_file) {
            Some(f) => self.check_read(std::path::Path::new(&f)),
            None => Ok(()),
        }
    }

    /// Tests the wizard's answers without saving anything.
    pub async fn test_connection(&self, input: &ProfileInput) -> UiResult<ConnectionCheck> {
        self.check_ca_file(input)?;
        let conn = input.connection()?;
        let tenant = conn.base_url.clone();
        Ok(check(conn, tenant).await)
    }

    /// Saves the profile: secrets to the keychain first, then the settings to `profiles.toml`.
    pub async fn save_profile(&self, input: &ProfileInput) -> UiResult<ProfileView> {
        let name = input.name.trim();
        if builtin(name).is_some() {
            return Err(Error::Config(format!("'{name}' is the built-in sandbox's name: pick another")).into());
        }
        self.check_ca_file(input)?;
        input.connection()?;
        self.profiles.add(name, input.profile(), &input.secrets(), self.secrets.as_ref())?;
        self.list_profiles().await?.into_iter().find(|p| p.name == name).ok_or_else(|| UiError::unknown_profile(name))
    }

    pub async fn test_profile(&self, name: &str) -> UiResult<ConnectionCheck> {
        let (conn, tenant) = self.connection(name).await?;
        Ok(check(conn, tenant).await)
    }

    pub fn remove_profile(&self, name: &str) -> UiResult<bool> {
        if builtin(name).is_some() {
            return Err(Error::Config("the built-in sandbox profiles cannot be removed".into()).into());
        }
        Ok(self.profiles.remove(name, self.secrets.as_ref())?)
    }

    /// The connection of a profile by name (starting its sandbox when built in), and how reports
    /// name the tenant.
    pub(super) async fn connection(&self, name: &str) -> UiResult<(Connection, String)> {
        if let Some(kind) = builtin(name) {
            let (url, c) = self.sandbox(kind).await?;
            let mut conn = Connection::new(kind, &url, &c.client_id, Secret::new(c.client_secret));
            if let (Some(id), Some(secret)) = (c.access_key_id, c.access_key_secret) {
                conn.access_key_id = Secret::new(id);
                conn.access_key_secret = Secret::new(secret);
            }
            return Ok((conn, format!("{name} (built-in sandbox)")));
        }
        let profile = match self.profiles.get(name) {
            Ok(p) => p,
            Err(_) => return Err(UiError::unknown_profile(name)),
        };
        let conn = profile.connection(name, self.secrets.as_ref())?;
        Ok((conn, format!("profile {name}")))
    }

    /// Starts the built-in sandbox of a platform once, from the demo tenant.
    async fn sandbox(&self, kind: PlatformKind) -> UiResult<(String, skillsync_sandbox::Credentials)> {
        let mut running = self.sandboxes.lock().await;
        if let Some(sb) = running.get(&kind) {
            return Ok((sb.base_url().to_string(), sb.credentials().clone()));
        }
        let tenant: TenantFile = serde_json::from_str(DEMO_TENANT)
            .map_err(|e| Error::Config(format!("the built-in demo tenant is not valid: {e}")))?;
        let mut config = SandboxConfig::new(match kind {
            PlatformKind::Genesys => skillsync_sandbox::Platform::Genesys,
            PlatformKind::Cxone => skillsync_sandbox::Platform::Cxone,
        });
        config.tenant = TenantSource::Inline(tenant);
        // A little latency, so progress on a small demo is visible as it would be on a tenant.
        config.latency = sandbox_latency();
        let sb = Sandbox::start(config)
            .await
            .map_err(|e| Error::Connection(format!("the built-in sandbox did not start: {e}")))?;
        tracing::info!(platform = %kind, url = sb.base_url(), "built-in sandbox started");
        let out = (sb.base_url().to_string(), sb.credentials().clone());
        running.insert(kind, sb);
        Ok(out)
    }
}

/// `SKILLSYNC_SANDBOX_LATENCY_MS` (tests set 0); 40 ms by default.
fn sandbox_latency() -> Duration {
    let ms = std::env::var("SKILLSYNC_SANDBOX_LATENCY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    Duration::from_millis(ms)
}

/// Signs in and reads skills, agents and assignments: what a plan needs, so a passing test means
/// a plan will work. A failure is an answer (`ok: false` with the reason), not an error.
async fn check(conn: Connection, tenant: String) -> ConnectionCheck {
    let started = Instant::now();
    let platform: Platform = conn.platform.into();
    let mut out = ConnectionCheck {
        ok: false,
        platform,
        tenant,
        skills: 0,
        languages: 0,
        agents: 0,
        assignments: 0,
        elapsed_ms: 0,
        checks: Vec::new(),
    };
    let failed = |name: &str, e: Error| Check {
        name: name.into(),
        ok: false,
        detail: format!("{e} [{}]", e.code()),
        code: Some(e.code().to_string()),
    };
    let passed = |name: &str, detail: String| Check { name: name.into(), ok: true, detail, code: None };
    let settings = HttpSettings { max_retries: 1, ..HttpSettings::default() };
    let client = match platform::client(&conn, settings.clone()) {
        Ok(c) => c,
        Err(e) => {
            out.checks.push(failed("sign in", e));
            return out;
        }
    };
    match client.connect().await {
        Ok(()) => out.checks.push(passed("sign in", "the credentials were accepted".into())),
        Err(e) => {
            // A certificate or proxy failure is told apart from "cannot connect" by a probe.
            let e = platform::net::explain(e, &conn, &settings).await;
            out.checks.push(failed("sign in", e));
            out.elapsed_ms = started.elapsed().as_millis() as u64;
            return out;
        }
    }
    match client.snapshot(&Events::none()).await {
        Ok(s) => {
            out.languages = s.skills.iter().filter(|k| k.kind == skillsync_core::ItemKind::Language).count();
            out.skills = s.skills.len() - out.languages;
            out.agents = s.agents.len();
            out.assignments = s.assignments.len();
            let read = if out.languages > 0 {
                format!("{} skills and {} routing languages", out.skills, out.languages)
            } else {
                format!("{} skills", out.skills)
            };
            out.checks.push(passed("read skills", read));
            out.checks.push(passed("read agents", format!("{} agents", out.agents)));
            out.checks.push(passed("read assignments", format!("{} skill assignments", out.assignments)));
            out.ok = true;
        }
        Err(e) => out.checks.push(failed("read skills, agents and assignments", e)),
    }
    out.elapsed_ms = started.elapsed().as_millis() as u64;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn genesys(region: Option<&str>, base_url: Option<&str>) -> ProfileInput {
        ProfileInput {
            name: "prod".into(),
            platform: Platform::Genesys,
            region: region.map(str::to_string),
            base_url: base_url.map(str::to_string),
            client_id: " id ".into(),
            api_version: None,
            client_secret: "s3cret".into(),
            access_key_id: None,
            access_key_secret: None,
            ca_file: None,
        }
    }

    #[test]
    fn the_wizard_region_list_names_real_hosts() {
        // The wizard offers the domains people see in their browser.
        let c = genesys(Some("mypurecloud.ie"), None).connection().unwrap();
        assert_eq!((c.base_url.as_str(), c.client_id.as_str()), ("https://api.mypurecloud.ie", "id"));
        let c = genesys(Some("usw2.pure.cloud"), Some("  ")).connection().unwrap();
        assert_eq!(c.base_url, "https://api.usw2.pure.cloud", "a blank URL field means no URL");
    }

    #[test]
    fn incomplete_answers_are_refused_before_anything_is_sent() {
        let mut cx = genesys(None, Some("https://cxone.example.com"));
        cx.platform = Platform::Cxone;
        cx.access_key_id = Some("key".into());
        let e = cx.connection().map(|_| ()).unwrap_err();
        assert_eq!(e.code, "config.invalid");
        assert!(e.message.contains("access key secret"), "{e}");
        let debug = format!("{cx:?}");
        assert!(!debug.contains("s3cret"), "secrets never print: {debug}");
    }
}
