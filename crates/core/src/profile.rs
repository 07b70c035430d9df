//! Connection profiles: the non-secret settings in `profiles.toml` under the OS config directory,
//! the secrets in the OS keychain (`keyring`). A missing keychain entry is `None`, not an error;
//! keychain failures map to the `keychain.unavailable` code with what to do. A saved secret is read
//! back before the save counts: a keychain that accepts a secret and keeps nothing (keyring's mock
//! store, on a build without the OS's store) fails the save instead of pretending.

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

/// What a save that did not persist says, whichever store it was.
fn not_kept(profile: &str, kind: SecretKind, why: &str) -> Error {
    Error::Keychain(format!(
        "the {} of profile '{profile}' was handed to the OS keychain but {why}, so nothing was saved; \
         check that the keychain is unlocked and that this build uses the OS's own store, {FROM_THE_ENVIRONMENT}",
        kind.as_str()
    ))
}

/// Writes through one entry and reads back through a fresh one, as the next run will.
fn set_and_read_back(
    make: &dyn Fn() -> Result<keyring::Entry>,
    profile: &str,
    kind: SecretKind,
    value: &Secret,
) -> Result<()> {
    make()?.set_password(value.expose()).map_err(keychain_error)?;
    match make()?.get_password() {
        Ok(back) if back == value.expose() => Ok(()),
        Ok(_) => Err(not_kept(profile, kind, "a fresh read gave back another value")),
        Err(keyring::Error::NoEntry) => Err(not_kept(profile, kind, "a fresh read found no entry")),
        Err(e) => Err(keychain_error(e)),
    }
}

/// Where secrets come from when the keychain cannot give them.
pub const FROM_THE_ENVIRONMENT: &str = "or pass the secrets in the environment instead \
     (SKILLSYNC_CLIENT_SECRET; for CXone also SKILLSYNC_ACCESS_KEY_ID and SKILLSYNC_ACCESS_KEY_SECRET)";

fn keychain_error(e: keyring::Error) -> Error {
    Error::Keychain(match e {
        keyring::Error::NoStorageAccess(inner) => {
            format!("the OS keychain is not reachable ({inner}); unlock it, {FROM_THE_ENVIRONMENT}")
        }
        keyring::Error::PlatformFailure(inner) => format!("the OS keychain failed ({inner}); {FROM_THE_ENVIRONMENT}"),
        other => format!("the OS keychain failed ({other}); {FROM_THE_ENVIRONMENT}"),
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
        set_and_read_back(&|| entry(profile, kind), profile, kind, value)
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
    /// A PEM file with the company's root CA, trusted for this profile beside the OS store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
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
        c.ca_file = self.ca_file.clone();
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

    /// Saves the profile and its secrets (secrets first: a profile never points at nothing). Each
    /// secret is read back from the store before the profile is written, whatever the store.
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
            match store.get(name, *kind)? {
                Some(back) if back == *value => {}
                Some(_) => return Err(not_kept(name, *kind, "reading it back gave another value")),
                None => return Err(not_kept(name, *kind, "reading it back found nothing")),
            }
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
            ca_file: None,
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
            ca_file: None,
        };
        let e = p.connection("x", &MemoryStore::default()).unwrap_err();
        assert!(e.to_string().contains("skillsync profile add x"), "{e}");
    }

    /// A store that accepts every secret and keeps none, as keyring's mock does.
    struct Forgetful;
    impl SecretStore for Forgetful {
        fn get(&self, _: &str, _: SecretKind) -> Result<Option<Secret>> {
            Ok(None)
        }
        fn set(&self, _: &str, _: SecretKind, _: &Secret) -> Result<()> {
            Ok(())
        }
        fn delete(&self, _: &str, _: SecretKind) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_store_that_keeps_nothing_fails_the_save_and_no_profile_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = Profiles::at(dir.path());
        let p = Profile {
            platform: PlatformKind::Genesys,
            region: Some("eu_west_1".into()),
            base_url: None,
            client_id: "cid".into(),
            api_version: None,
            ca_file: None,
        };
        let e = profiles.add("prod", p, &[(SecretKind::ClientSecret, Secret::new("s"))], &Forgetful).unwrap_err();
        assert_eq!(e.code(), "keychain.unavailable", "{e}");
        assert!(e.to_string().contains("nothing was saved"), "the message says the save did not happen: {e}");
        assert!(profiles.get("prod").is_err(), "no profile points at a secret that is not there");
    }

    #[test]
    fn the_keychain_read_back_catches_a_mock_store() {
        // keyring's mock keeps a secret only inside the entry that wrote it: a fresh entry finds
        // nothing, which is what a build without the OS's store does.
        let mock = || -> Result<keyring::Entry> {
            let cred = keyring::mock::default_credential_builder()
                .build(None, KEYCHAIN_SERVICE, "t:client_secret")
                .map_err(keychain_error)?;
            Ok(keyring::Entry::new_with_credential(cred))
        };
        let e = set_and_read_back(&mock, "t", SecretKind::ClientSecret, &Secret::new("v")).unwrap_err();
        assert_eq!(e.code(), "keychain.unavailable");
        assert!(e.to_string().contains("a fresh read found no entry"), "{e}");
    }

    #[test]
    fn rejects_odd_profile_names() {
        assert!(validate_name("prod-eu_1").is_ok());
        assert!(validate_name("../etc").is_err());
        assert!(validate_name("").is_err());
    }
}
