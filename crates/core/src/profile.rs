//! Connection profiles: the non-secret settings in `profiles.toml` under the OS config directory,
//! the secrets in the OS keychain (`keyring`). A missing keychain entry is `None`, not an error;
//! keychain failures map to the `keychain.unavailable` code with what to do.

use crate::error::{Error, Result};
use crate::model::PlatformKind;
use crate::platform::{genesys_region_url, Connection, Secret};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The keychain service name every entry lives under.
pub const KEYCHAIN_SERVICE: &str = "skillsync";

/// The secrets a profile may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    ClientSecret,
    AccessKeyId,
    AccessKeySecret,
}

impl SecretKind {
    pub const ALL: [SecretKind; 3] = [SecretKind::ClientSecret, SecretKind::AccessKeyId, SecretKind::AccessKeySecret];
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client_secret",
            SecretKind::AccessKeyId => "access_key_id",
            SecretKind::AccessKeySecret => "access_key_secret",
        }
    }
}

/// Where secrets are kept. The OS keychain in the product; a memory store for the in-process
/// Sandbox profile and for tests.
pub trait SecretStore: Send + Sync {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>>;
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<()>;
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<()>;
}

/// The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
#[derive(Debug, Default, Clone, Copy)]
pub struct Keychain;

fn entry(profile: &str, kind: SecretKind) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYCHAIN_SERVICE, &format!("{profile}:{}", kind.as_str())).map_err(keychain_error)
}

fn keychain_error(e: keyring::Error) -> Error {
    Error::Keychain(match e {
        keyring::Error::NoStorageAccess(inner) => format!(
            "the OS keychain is not reachable ({inner}); unlock it, or for headless runs pass the secrets in the environment"
        ),
        keyring::Error::PlatformFailure(inner) => format!("the OS keychain failed: {inner}"),
        other => other.to_string(),
    })
}

impl SecretStore for Keychain {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>> {
        match entry(profile, kind)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<()> {
        entry(profile, kind)?.set_password(value.expose()).map_err(keychain_error)
    }
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<()> {
        match entry(profile, kind)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }
}

/// Secrets held in memory only (never written anywhere).
#[derive(Debug, Default)]
pub struct MemoryStore(parking_lot::Mutex<BTreeMap<(String, &'static str), Secret>>);

impl SecretStore for MemoryStore {
    fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>> {
        Ok(self.0.lock().get(&(profile.to_string(), kind.as_str())).cloned())
    }
    fn set(&self, profile: &str, kind: SecretKind, value: &Secret) -> Result<()> {
        self.0.lock().insert((profile.to_string(), kind.as_str()), value.clone());
        Ok(())
    }
    fn delete(&self, profile: &str, kind: SecretKind) -> Result<()> {
        self.0.lock().remove(&(profile.to_string(), kind.as_str()));
        Ok(())
    }
}

/// A saved connection, without its secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub platform: PlatformKind,
    /// Genesys: a region name instead of a base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    pub client_id: String,
    /// CXone Admin API version, e.g. "v33.0".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
}

impl Profile {
    /// The base URL this profile connects to.
    pub fn base_url(&self) -> Result<String> {
        match (&self.base_url, &self.region, self.platform) {
            (Some(u), _, _) => Ok(u.clone()),
            (None, Some(r), PlatformKind::Genesys) => genesys_region_url(r),
            (None, _, PlatformKind::Cxone) => Ok("https://cxone.niceincontact.com".into()),
            (None, None, PlatformKind::Genesys) => {
                Err(Error::Config("the profile has neither a region nor a base URL".into()))
            }
        }
    }

    /// The connection with its secrets from `store`.
    pub fn connection(&self, name: &str, store: &dyn SecretStore) -> Result<Connection> {
        let need = |kind: SecretKind| -> Result<Secret> {
            store.get(name, kind)?.ok_or_else(|| {
                Error::Config(format!(
                    "profile '{name}' has no {} in the keychain; run `skillsync profile add {name}` again",
                    kind.as_str()
                ))
            })
        };
        let mut c = Connection::new(self.platform, &self.base_url()?, &self.client_id, need(SecretKind::ClientSecret)?);
        if self.platform == PlatformKind::Cxone {
            c.access_key_id = need(SecretKind::AccessKeyId)?;
            c.access_key_secret = need(SecretKind::AccessKeySecret)?;
        }
        if let Some(v) = &self.api_version {
            c.api_version = v.clone();
        }
        Ok(c)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The profiles file. `SKILLSYNC_CONFIG_DIR` overrides the OS config directory.
#[derive(Debug, Clone)]
pub struct Profiles {
    path: PathBuf,
}

impl Profiles {
    pub fn open_default() -> Result<Self> {
        let dir = match std::env::var_os("SKILLSYNC_CONFIG_DIR") {
            Some(d) => PathBuf::from(d),
            None => directories::ProjectDirs::from("", "", "skillsync")
                .ok_or_else(|| {
                    Error::Config("no home directory for the configuration; set SKILLSYNC_CONFIG_DIR".into())
                })?
                .config_dir()
                .to_path_buf(),
        };
        Ok(Profiles::at(&dir))
    }

    pub fn at(dir: &Path) -> Self {
        Profiles { path: dir.join("profiles.toml") }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<ProfilesFile> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) => {
                toml::from_str(&t).map_err(|e| Error::Config(format!("{} is not valid: {e}", self.path.display())))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfilesFile::default()),
            Err(e) => Err(Error::io(format!("reading {}", self.path.display()), e)),
        }
    }

    fn save(&self, f: &ProfilesFile) -> Result<()> {
        if let Some(d) = self.path.parent() {
            std::fs::create_dir_all(d).map_err(|e| Error::io(format!("creating {}", d.display()), e))?;
        }
        let text = toml::to_string_pretty(f).map_err(|e| Error::Config(e.to_string()))?;
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| Error::io(format!("writing {}", self.path.display()), e))
    }

    pub fn list(&self) -> Result<BTreeMap<String, Profile>> {
        Ok(self.load()?.profiles)
    }

    pub fn get(&self, name: &str) -> Result<Profile> {
        self.load()?.profiles.remove(name).ok_or_else(|| {
            Error::Config(format!(
                "no profile named '{name}' in {}; `skillsync profile list` shows them",
                self.path.display()
            ))
        })
    }

    /// Saves the profile and its secrets (secrets first: a profile never points at nothing).
    pub fn add(
        &self,
        name: &str,
        profile: Profile,
        secrets: &[(SecretKind, Secret)],
        store: &dyn SecretStore,
    ) -> Result<()> {
        validate_name(name)?;
        for (kind, value) in secrets {
            store.set(name, *kind, value)?;
        }
        let mut f = self.load()?;
        f.profiles.insert(name.to_string(), profile);
        self.save(&f)
    }

    /// Removes the profile and its keychain entries; false when there was none.
    pub fn remove(&self, name: &str, store: &dyn SecretStore) -> Result<bool> {
        let mut f = self.load()?;
        let existed = f.profiles.remove(name).is_some();
        for kind in SecretKind::ALL {
            store.delete(name, kind)?;
        }
        if existed {
            self.save(&f)?;
        }
        Ok(existed)
    }
}

fn validate_name(name: &str) -> Result<()> {
    let ok =
        !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::Config(format!("profile name '{name}' must be 1–64 letters, digits, '-', '_' or '.'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_keep_secrets_out_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = Profiles::at(dir.path());
        let store = MemoryStore::default();
        let p = Profile {
            platform: PlatformKind::Genesys,
            region: Some("eu_west_1".into()),
            base_url: None,
            client_id: "cid".into(),
            api_version: None,
        };
        profiles.add("prod", p.clone(), &[(SecretKind::ClientSecret, Secret::new("s3cr3t-value"))], &store).unwrap();
        let text = std::fs::read_to_string(profiles.path()).unwrap();
        assert!(!text.contains("s3cr3t-value"), "secret leaked into {text}");
        assert_eq!(profiles.get("prod").unwrap(), p);
        let c = p.connection("prod", &store).unwrap();
        assert_eq!(c.base_url, "https://api.mypurecloud.ie");
        assert_eq!(c.client_secret.expose(), "s3cr3t-value");
        assert!(profiles.remove("prod", &store).unwrap());
        assert!(store.get("prod", SecretKind::ClientSecret).unwrap().is_none());
        assert_eq!(profiles.get("prod").unwrap_err().code(), "config.invalid");
    }

    #[test]
    fn missing_secret_says_how_to_fix_it() {
        let p = Profile {
            platform: PlatformKind::Cxone,
            region: None,
            base_url: None,
            client_id: "c".into(),
            api_version: None,
        };
        let e = p.connection("x", &MemoryStore::default()).unwrap_err();
        assert!(e.to_string().contains("skillsync profile add x"), "{e}");
    }

    #[test]
    fn rejects_odd_profile_names() {
        assert!(validate_name("prod-eu_1").is_ok());
        assert!(validate_name("../etc").is_err());
        assert!(validate_name("").is_err());
    }
}
