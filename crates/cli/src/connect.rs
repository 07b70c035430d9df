//! Turns connection flags, a profile or the environment into the engine's `Connection`.
//! Secrets come only from the OS keychain or the environment, never from the command line.

use crate::args::ConnArgs;
use skillsync_core::platform::{genesys_region_url, Connection, HttpSettings, Secret};
use skillsync_core::profile::{Keychain, Profiles};
use skillsync_core::{Error, PlatformKind, Result};

pub struct Resolved {
    pub connection: Connection,
    /// How the tenant is named in reports: the profile name or the base URL.
    pub tenant: String,
}

fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name).ok().filter(|s| !s.is_empty()).map(Secret::new)
}

pub fn resolve(args: &ConnArgs) -> Result<Resolved> {
    if let Some(name) = &args.profile {
        let profile = Profiles::open_default()?.get(name)?;
        if let Some(p) = &args.platform {
            let want: PlatformKind = p.parse().map_err(Error::Config)?;
            if want != profile.platform {
                return Err(Error::Config(format!("profile '{name}' is for {}, not {want}", profile.platform)));
            }
        }
        let connection = profile.connection(name, &Keychain)?;
        return Ok(Resolved { connection, tenant: format!("profile {name}") });
    }
    let platform: PlatformKind = args
        .platform
        .as_deref()
        .ok_or_else(|| Error::Config("say which platform: --platform genesys|cxone (or --profile NAME)".into()))?
        .parse()
        .map_err(Error::Config)?;
    let base_url = match (&args.base_url, &args.region, platform) {
        (Some(u), _, _) => u.clone(),
        (None, Some(r), PlatformKind::Genesys) => genesys_region_url(r)?,
        (None, Some(_), PlatformKind::Cxone) => {
            return Err(Error::Config("--region is for Genesys Cloud; for CXone pass the issuer as --base-url".into()))
        }
        (None, None, PlatformKind::Genesys) => {
            return Err(Error::Config("say where: --region NAME, --base-url URL or --profile NAME".into()))
        }
        (None, None, PlatformKind::Cxone) => "https://cxone.niceincontact.com".to_string(),
    };
    let client_id = args
        .client_id
        .clone()
        .ok_or_else(|| Error::Config("--client-id is required with --base-url/--region (or use --profile)".into()))?;
    let secret = env_secret("SKILLSYNC_CLIENT_SECRET").ok_or_else(|| {
        Error::Config("SKILLSYNC_CLIENT_SECRET is not set: secrets come from the environment or a profile, never the command line".into())
    })?;
    let mut connection = Connection::new(platform, &base_url, &client_id, secret);
    connection.api_version = args.api_version.clone();
    if platform == PlatformKind::Cxone {
        connection.access_key_id = env_secret("SKILLSYNC_ACCESS_KEY_ID")
            .ok_or_else(|| Error::Config("SKILLSYNC_ACCESS_KEY_ID is not set (CXone's access key id)".into()))?;
        connection.access_key_secret = env_secret("SKILLSYNC_ACCESS_KEY_SECRET").ok_or_else(|| {
            Error::Config("SKILLSYNC_ACCESS_KEY_SECRET is not set (CXone's access key secret)".into())
        })?;
    }
    connection.validate()?;
    Ok(Resolved { tenant: connection.base_url.clone(), connection })
}

pub fn settings(args: &ConnArgs) -> Result<HttpSettings> {
    Ok(HttpSettings {
        timeout: skillsync_core::bounded::timeout(args.timeout).map_err(Error::Config)?,
        max_retries: args.retries,
        ca_file: args.ca_file.clone(),
        ..HttpSettings::default()
    })
}

/// A connection failure of a run, replaced by what a direct probe of the tenant finds: an
/// untrusted certificate or a proxy failure in plain words, or the whole cause chain.
pub async fn explained<T>(result: Result<T>, args: &ConnArgs) -> Result<T> {
    match result {
        Err(e @ Error::Connection(_)) => {
            let (Ok(resolved), Ok(settings)) = (resolve(args), settings(args)) else { return Err(e) };
            Err(skillsync_core::platform::net::explain(e, &resolved.connection, &settings).await)
        }
        other => other,
    }
}
