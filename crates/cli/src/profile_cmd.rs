//! `skillsync profile add|list|remove|test`: saved connections. Secrets are read from the
//! environment (for scripts) or asked for without echo, and go straight to the OS keychain.

use crate::args::{ProfileArgs, ProfileCommand};
use skillsync_core::platform::{self, HttpSettings, Secret};
use skillsync_core::profile::{Keychain, Profile, Profiles, SecretKind, SecretStore};
use skillsync_core::{Error, Events, PlatformKind, Result};
use std::io::IsTerminal;

fn ask_secret(kind: SecretKind, env: &str) -> Result<Secret> {
    if let Some(v) = std::env::var(env).ok().filter(|v| !v.is_empty()) {
        return Ok(Secret::new(v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Config(format!(
            "{env} is not set and there is no terminal to ask for the {}",
            kind.as_str()
        )));
    }
    let v = rpassword::prompt_password(format!("{} (not shown): ", kind.as_str().replace('_', " ")))
        .map_err(|e| Error::io("reading the secret", e))?;
    if v.is_empty() {
        return Err(Error::Config(format!("the {} is empty", kind.as_str())));
    }
    Ok(Secret::new(v))
}

pub async fn run(args: ProfileArgs) -> Result<i32> {
    let profiles = Profiles::open_default()?;
    match args.command {
        ProfileCommand::Add { name, platform, region, base_url, client_id, api_version, ca_file, test } => {
            let platform: PlatformKind = platform.parse().map_err(Error::Config)?;
            if let Some(p) = &ca_file {
                platform::net::load_ca_file(p)?;
            }
            let ca_file = ca_file.map(|p| std::path::absolute(&p).unwrap_or(p));
            let profile = Profile { platform, region, base_url, client_id, api_version, ca_file };
            profile.base_url()?;
            let mut secrets =
                vec![(SecretKind::ClientSecret, ask_secret(SecretKind::ClientSecret, "SKILLSYNC_CLIENT_SECRET")?)];
            if platform == PlatformKind::Cxone {
                secrets
                    .push((SecretKind::AccessKeyId, ask_secret(SecretKind::AccessKeyId, "SKILLSYNC_ACCESS_KEY_ID")?));
                secrets.push((
                    SecretKind::AccessKeySecret,
                    ask_secret(SecretKind::AccessKeySecret, "SKILLSYNC_ACCESS_KEY_SECRET")?,
                ));
            }
            if test {
                let store = skillsync_core::profile::MemoryStore::default();
                for (k, v) in &secrets {
                    store.set(&name, *k, v)?;
                }
                check(&profile.connection(&name, &store)?).await?;
            }
            profiles.add(&name, profile, &secrets, &Keychain)?;
            eprintln!("saved profile '{name}' in {} (secrets in the OS keychain)", profiles.path().display());
            Ok(0)
        }
        ProfileCommand::List { json } => {
            let list = profiles.list()?;
            if json {
                println!("{}", serde_json::to_string(&list).map_err(|e| Error::Input(e.to_string()))?);
            } else if list.is_empty() {
                println!("no profiles yet: `skillsync profile add NAME --platform genesys|cxone …`");
            } else {
                for (name, p) in &list {
                    let where_ = p.base_url().unwrap_or_else(|e| e.to_string());
                    println!("{name}\t{}\t{where_}\tclient id {}", p.platform.as_str(), p.client_id);
                }
            }
            Ok(0)
        }
        ProfileCommand::Remove { name } => {
            if profiles.remove(&name, &Keychain)? {
                eprintln!("removed profile '{name}' and its keychain entries");
                Ok(0)
            } else {
                Err(Error::Config(format!("no profile named '{name}'")))
            }
        }
        ProfileCommand::Test { name } => {
            let conn = profiles.get(&name)?.connection(&name, &Keychain)?;
            check(&conn).await?;
            Ok(0)
        }
    }
}

/// Connects and reads the tenant: proves the credentials and the read permissions.
async fn check(conn: &platform::Connection) -> Result<()> {
    let settings = HttpSettings::default();
    let client = platform::client(conn, settings.clone())?;
    if let Err(e) = client.connect().await {
        return Err(platform::net::explain(e, conn, &settings).await);
    }
    let snap = client.snapshot(&Events::none()).await?;
    println!(
        "ok: {} at {} — {} skills, {} agents, {} assignments ({} reads)",
        conn.platform,
        conn.base_url,
        snap.skills.len(),
        snap.agents.len(),
        snap.assignments.len(),
        client.counts().read
    );
    Ok(())
}
