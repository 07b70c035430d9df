//! The apply journal: one JSON line per completed write call, flushed to disk before the call
//! counts as done, so a crash or kill never loses track of what was sent. `--resume` reads it back
//! to finish the job and to report, for the rows done before the crash, their original before
//! values and correlation ids. It holds ids and values only — never a secret.

use crate::error::{Error, Result};
use crate::model::{Change, PlatformKind, Target};
use crate::platform::{Batch, BatchResult};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// What identifies a job: the same feed and mapping against the same tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobId {
    pub platform: PlatformKind,
    pub tenant: String,
    /// SHA-256 of the feed bytes and the mapping text.
    pub input_sha256: String,
}

impl JobId {
    pub fn new(platform: PlatformKind, tenant: &str, feed: &[u8], mapping: &str) -> Self {
        let mut h = sha2::Sha256::new();
        h.update(feed);
        h.update([0u8]);
        h.update(mapping.as_bytes());
        let digest = h.finalize();
        JobId {
            platform,
            tenant: tenant.to_string(),
            input_sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// A short name for the default journal file.
    pub fn file_stem(&self) -> String {
        let mut h = sha2::Sha256::new();
        h.update(self.platform.as_str());
        h.update(&self.tenant);
        h.update(&self.input_sha256);
        h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

/// Where journals go when `--journal` is not given.
pub fn default_path(job: &JobId) -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "skillsync")
        .ok_or_else(|| Error::Journal("no home directory to keep the journal in; pass --journal PATH".into()))?;
    Ok(dirs.data_dir().join("journals").join(format!("{}.jsonl", job.file_stem())))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    Start { job: JobId, started_at: String },
    Batch { op: String, items: Vec<JournalItem>, correlation_ids: Vec<String>, error: Option<String> },
    Finish { finished_at: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalItem {
    pub agent_id: String,
    pub skill_id: String,
    pub before: Option<f64>,
    pub target: Target,
    pub accepted: bool,
    pub error: Option<String>,
}

/// What an earlier, interrupted run of the same job sent, per (agent id, skill id).
#[derive(Debug, Default, Clone)]
pub struct Previous {
    pub items: HashMap<(String, String), PreviousItem>,
    pub finished: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreviousItem {
    /// The value before the first run touched it.
    pub before: Option<f64>,
    pub target: Target,
    pub accepted: bool,
    pub correlation_ids: Vec<String>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

pub struct Journal {
    path: PathBuf,
    file: parking_lot::Mutex<std::fs::File>,
}

impl Journal {
    /// Starts a new journal (replacing an old one at `path`).
    pub fn create(path: &Path, job: &JobId) -> Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        let file =
            std::fs::File::create(path).map_err(|e| Error::io(format!("creating journal {}", path.display()), e))?;
        let j = Journal { path: path.to_path_buf(), file: parking_lot::Mutex::new(file) };
        j.append(&Entry::Start { job: job.clone(), started_at: now() })?;
        Ok(j)
    }

    /// Opens an existing journal of the same job to continue it, with what it already holds.
    pub fn resume(path: &Path, job: &JobId) -> Result<(Journal, Previous)> {
        let previous = read(path, job)?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| Error::io(format!("opening journal {}", path.display()), e))?;
        Ok((Journal { path: path.to_path_buf(), file: parking_lot::Mutex::new(file) }, previous))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one completed call and flushes it to disk before returning.
    pub fn record(&self, batch: &Batch, result: &BatchResult, changes: &[Change]) -> Result<()> {
        let items = result
            .items
            .iter()
            .filter_map(|it| {
                let c = changes.get(it.change)?;
                Some(JournalItem {
                    agent_id: c.agent_id.clone(),
                    skill_id: c.skill_id.clone(),
                    before: c.before,
                    target: c.target,
                    accepted: it.accepted,
                    error: it.error.clone(),
                })
            })
            .collect();
        self.append(&Entry::Batch {
            op: format!("{:?}", batch.op),
            items,
            correlation_ids: result.correlation_ids.clone(),
            error: result.error.clone(),
        })
    }

    pub fn finish(&self) -> Result<()> {
        self.append(&Entry::Finish { finished_at: now() })
    }

    fn append(&self, e: &Entry) -> Result<()> {
        let mut line = serde_json::to_vec(e).map_err(|e| Error::Journal(e.to_string()))?;
        line.push(b'\n');
        let mut f = self.file.lock();
        f.write_all(&line).map_err(|e| Error::io(format!("writing journal {}", self.path.display()), e))?;
        f.sync_data().map_err(|e| Error::io(format!("flushing journal {}", self.path.display()), e))
    }
}

/// Reads a journal; refuses one that belongs to another job. A torn last line (the crash came
/// mid-write) is ignored: that call's result was never recorded, so it will be re-planned.
pub fn read(path: &Path, job: &JobId) -> Result<Previous> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(format!("opening journal {}", path.display()), e))?;
    let mut prev = Previous::default();
    let mut started = false;
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(format!("reading journal {}", path.display()), e))?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(entry) = serde_json::from_str::<Entry>(&line) else {
            tracing::warn!(line = n + 1, "ignoring an unreadable journal line (torn write)");
            continue;
        };
        match entry {
            Entry::Start { job: j, .. } => {
                if &j != job {
                    return Err(Error::Journal(format!(
                        "{} belongs to another job ({} on {}, input {}…); start a fresh run without --resume or pass the matching feed",
                        path.display(),
                        j.platform.as_str(),
                        j.tenant,
                        &j.input_sha256[..12.min(j.input_sha256.len())]
                    )));
                }
                started = true;
            }
            Entry::Batch { items, correlation_ids, .. } => {
                for it in items {
                    let key = (it.agent_id, it.skill_id);
                    let e = prev.items.entry(key).or_insert(PreviousItem {
                        before: it.before,
                        target: it.target,
                        accepted: false,
                        correlation_ids: vec![],
                    });
                    e.target = it.target;
                    e.accepted |= it.accepted;
                    e.correlation_ids.extend(correlation_ids.iter().cloned());
                }
            }
            Entry::Finish { .. } => prev.finished = true,
        }
    }
    if !started {
        return Err(Error::Journal(format!("{} is not a Skillsync journal", path.display())));
    }
    Ok(prev)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{ItemResult, WriteOp};

    fn change(a: &str, s: &str, before: Option<f64>, v: f64) -> Change {
        Change { agent_id: a.into(), skill_id: s.into(), before, target: Target::Set(v), lines: vec![2] }
    }

    #[test]
    fn records_survive_and_resume_keeps_the_first_before_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let job = JobId::new(PlatformKind::Genesys, "http://127.0.0.1:1", b"feed", "");
        let changes = vec![change("u1", "s1", Some(1.0), 4.0), change("u2", "s1", None, 3.0)];
        let batch = Batch { op: WriteOp::GenesysPatch { agent_id: "u1".into() }, items: vec![0, 1] };
        let result = BatchResult {
            items: vec![
                ItemResult { change: 0, accepted: true, confirmed: Some(Some(4.0)), error: None },
                ItemResult { change: 1, accepted: false, confirmed: None, error: Some("boom".into()) },
            ],
            correlation_ids: vec!["c-1".into()],
            error: None,
        };
        {
            let j = Journal::create(&path, &job).unwrap();
            j.record(&batch, &result, &changes).unwrap();
        }
        // Simulate a torn last line from a crash mid-write.
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"type\":\"batch\",\"op").unwrap();
        let (_j, prev) = Journal::resume(&path, &job).unwrap();
        let p = &prev.items[&("u1".to_string(), "s1".to_string())];
        assert!(p.accepted);
        assert_eq!(p.before, Some(1.0));
        assert_eq!(p.correlation_ids, vec!["c-1".to_string()]);
        assert!(!prev.items[&("u2".to_string(), "s1".to_string())].accepted);
        assert!(!prev.finished);
    }

    #[test]
    fn refuses_a_journal_of_another_job() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let job = JobId::new(PlatformKind::Genesys, "t", b"feed", "");
        Journal::create(&path, &job).unwrap();
        let other = JobId::new(PlatformKind::Genesys, "t", b"other feed", "");
        let e = Journal::resume(&path, &other).expect_err("must refuse");
        assert_eq!(e.code(), "journal.invalid");
    }
}
