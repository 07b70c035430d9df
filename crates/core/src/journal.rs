//! The apply journal: for every write call, its intent (the pairs and their before values) flushed
//! to disk before the call is sent, and its outcome after, so a crash or kill never loses track of
//! what was sent or what must be put back. `--resume` reads it back to finish the job and to report,
//! for every pair any attempt changed, its original before value and correlation ids. It holds ids
//! and values only — never a secret.

use crate::error::{Error, Result};
use crate::import::FeedDigest;
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
        JobId::from_digest(platform, tenant, &FeedDigest::of(feed), mapping)
    }

    /// The same id as [`JobId::new`] over the feed's bytes, from the digest kept when it was read.
    pub fn from_digest(platform: PlatformKind, tenant: &str, feed: &FeedDigest, mapping: &str) -> Self {
        let mut h = feed.continued();
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
    Start {
        job: JobId,
        started_at: String,
    },
    /// A later attempt of the same job (`--resume`) starts here.
    Resume {
        resumed_at: String,
    },
    /// A call about to be sent, with the values its pairs had before: written and flushed before
    /// the call leaves, so a kill mid-call never loses what must be put back.
    Intent {
        call: u64,
        op: String,
        items: Vec<IntentItem>,
    },
    /// What that call came to.
    Outcome {
        call: u64,
        items: Vec<OutcomeItem>,
        correlation_ids: Vec<String>,
        error: Option<String>,
    },
    /// A completed call, as journals written before intents were kept record it.
    Batch {
        op: String,
        items: Vec<JournalItem>,
        correlation_ids: Vec<String>,
        error: Option<String>,
    },
    Finish {
        finished_at: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentItem {
    pub agent_id: String,
    pub skill_id: String,
    pub before: Option<f64>,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeItem {
    pub agent_id: String,
    pub skill_id: String,
    pub accepted: bool,
    pub error: Option<String>,
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

/// Every pair an earlier, interrupted attempt of the same job wrote to, keyed by (agent id, skill id).
#[derive(Debug, Default, Clone)]
pub struct Previous {
    pub items: HashMap<(String, String), PreviousItem>,
    pub finished: bool,
    /// Attempts of the job before this one.
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreviousItem {
    /// The value before the job's first call touched the pair.
    pub before: Option<f64>,
    pub target: Target,
    /// Some call carrying the pair was accepted.
    pub accepted: bool,
    /// A call carrying the pair was sent (or about to be) and its outcome never recorded: the
    /// platform's state now tells whether it landed.
    pub in_flight: bool,
    pub correlation_ids: Vec<String>,
    /// Write calls that carried the pair.
    pub calls: u32,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.inner.path).finish()
    }
}

/// An open journal. Cheap to clone; writes are serialised and each is on disk before it returns.
#[derive(Clone)]
pub struct Journal {
    inner: std::sync::Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    file: parking_lot::Mutex<std::fs::File>,
    next_call: std::sync::atomic::AtomicU64,
    /// The undo file kept beside the journal as calls go out.
    undo: std::sync::OnceLock<crate::report::LiveUndo>,
}

impl Journal {
    fn open(path: &Path, file: std::fs::File, next_call: u64) -> Journal {
        Journal {
            inner: std::sync::Arc::new(Inner {
                path: path.to_path_buf(),
                file: parking_lot::Mutex::new(file),
                next_call: std::sync::atomic::AtomicU64::new(next_call),
                undo: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Starts a new journal (replacing an old one at `path`), locked for as long as it is open.
    pub fn create(path: &Path, job: &JobId) -> Result<Journal> {
        let file = open_locked(path, true)?;
        file.set_len(0).map_err(|e| Error::io(format!("creating journal {}", path.display()), e))?;
        let j = Journal::open(path, file, 1);
        j.append(&Entry::Start { job: job.clone(), started_at: now() })?;
        Ok(j)
    }

    /// Opens an existing journal of the same job to continue it, with what it already holds, locked
    /// for as long as it is open. A torn last line (the kill came mid-write) is cut off first, so
    /// the next entry starts on a line of its own; a journal that cannot be read whole is left as
    /// it is.
    pub fn resume(path: &Path, job: &JobId) -> Result<(Journal, Previous)> {
        let file = open_locked(path, false)?;
        let scan = read_lines(&file, path, job)?;
        Journal::continue_locked(path, file, scan)
    }

    /// Continues the journal `file` (locked, read whole into `scan`): the torn tail cut, a
    /// `resume` entry appended.
    fn continue_locked(path: &Path, file: std::fs::File, scan: Scan) -> Result<(Journal, Previous)> {
        cut_torn_tail(&file).map_err(|e| Error::io(format!("repairing journal {}", path.display()), e))?;
        let j = Journal::open(path, file, scan.last_call + 1);
        j.append(&Entry::Resume { resumed_at: now() })?;
        Ok((j, scan.previous))
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Keeps `undo` up to date from now on: every call's pairs are in it before the call is
    /// recorded, and a call whose pairs cannot be written there is never sent. `previous` (a
    /// resumed run's earlier calls) goes in first.
    pub fn keep_undo(&self, undo: crate::report::LiveUndo, previous: Option<&Previous>) -> Result<()> {
        if let Some(p) = previous {
            let mut earlier: Vec<(&(String, String), &PreviousItem)> =
                p.items.iter().filter(|(_, it)| it.accepted || it.in_flight || it.calls > 0).collect();
            earlier.sort_by(|a, b| a.0.cmp(b.0));
            undo.record(earlier.into_iter().map(|((a, s), it)| (a.as_str(), s.as_str(), it.before)))?;
        }
        self.inner.undo.set(undo).map_err(|_| Error::Journal("the journal already keeps an undo file".into()))
    }

    /// Records the call about to be sent and returns its number for [`Journal::outcome`].
    pub async fn intent(&self, batch: &Batch, changes: &[Change]) -> Result<u64> {
        let call = self.inner.next_call.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let items = batch
            .items
            .iter()
            .filter_map(|&i| changes.get(i))
            .map(|c| IntentItem {
                agent_id: c.agent_id.to_string(),
                skill_id: c.skill_id.to_string(),
                before: c.before,
                target: c.target,
            })
            .collect();
        let j = self.clone();
        let entry = Entry::Intent { call, op: format!("{:?}", batch.op), items };
        tokio::task::spawn_blocking(move || {
            if let (Some(undo), Entry::Intent { items, .. }) = (j.inner.undo.get(), &entry) {
                undo.record(items.iter().map(|it| (it.agent_id.as_str(), it.skill_id.as_str(), it.before)))?;
            }
            j.append(&entry)
        })
        .await
        .map_err(|e| Error::Journal(format!("the journal writer stopped: {e}")))??;
        Ok(call)
    }

    /// Records what call `call` came to.
    pub async fn outcome(&self, call: u64, result: &BatchResult, changes: &[Change]) -> Result<()> {
        let items = result
            .items
            .iter()
            .filter_map(|it| {
                let c = changes.get(it.change)?;
                Some(OutcomeItem {
                    agent_id: c.agent_id.to_string(),
                    skill_id: c.skill_id.to_string(),
                    accepted: it.accepted,
                    error: it.error.clone(),
                })
            })
            .collect();
        self.append_off_thread(Entry::Outcome {
            call,
            items,
            correlation_ids: result.correlation_ids.clone(),
            error: result.error.clone(),
        })
        .await
    }

    /// Writes and flushes on a blocking thread: an fsync must not stall the async workers that
    /// keep the other calls moving.
    async fn append_off_thread(&self, e: Entry) -> Result<()> {
        let j = self.clone();
        tokio::task::spawn_blocking(move || j.append(&e))
            .await
            .map_err(|e| Error::Journal(format!("the journal writer stopped: {e}")))?
    }

    pub fn finish(&self) -> Result<()> {
        self.append(&Entry::Finish { finished_at: now() })
    }

    fn append(&self, e: &Entry) -> Result<()> {
        let path = &self.inner.path;
        let mut line = serde_json::to_vec(e).map_err(|e| Error::Journal(e.to_string()))?;
        line.push(b'\n');
        let mut f = self.inner.file.lock();
        f.write_all(&line).map_err(|e| Error::io(format!("writing journal {}", path.display()), e))?;
        f.sync_data().map_err(|e| Error::io(format!("flushing journal {}", path.display()), e))
    }
}

/// How long a journal still locked by a run that is ending (its last write in flight, its
/// process exiting) is waited for before it counts as in use.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Opens the journal for reading and appending, owner-only, and takes the OS's exclusive lock on
/// it: a second run on the same journal stops here, before it sends anything.
fn open_locked(path: &Path, create: bool) -> Result<std::fs::File> {
    if create {
        crate::files::create_parent(path)?;
    }
    let file = crate::files::private_options()
        .read(true)
        .append(true)
        .create(create)
        .open(path)
        .map_err(|e| Error::io(format!("opening journal {}", path.display()), e))?;
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Journal(format!(
                    "{} is in use by another Skillsync run of this job: nothing was sent; wait for that run to end (then run again to resume it if it was interrupted)",
                    path.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io(format!("locking journal {}", path.display()), e))
            }
        }
    }
}

/// What to do about the journal a plain apply (no `--resume`) is about to start at `path`.
#[derive(Debug)]
pub enum Prior {
    /// Nothing there, or a finished run's journal: the new run starts a fresh one.
    Fresh,
    /// An interrupted run of the same job: the new run continues it, so its report and undo file
    /// cover every pair that run changed.
    Interrupted(Journal, Previous),
}

/// Looks at what `path` holds before a plain apply sends anything. An interrupted run of this job
/// is resumed (never silently replaced); an interrupted run of another job, or a file that is not
/// a journal, is refused with what to do; a finished run's journal is replaced.
pub fn prior(path: &Path, job: &JobId) -> Result<Prior> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Prior::Fresh),
        Err(e) => return Err(Error::io(format!("opening journal {}", path.display()), e)),
    };
    if !meta.is_file() {
        return Err(Error::Journal(format!("{} is not a file: pass --journal a file path", path.display())));
    }
    if meta.len() == 0 {
        return Ok(Prior::Fresh);
    }
    // Read once, through the handle that holds the lock, so no other run slips in between.
    let file = open_locked(path, false)?;
    let scan = scan(&file, path)?;
    let finished = scan.previous.finished;
    match scan.job.clone() {
        Some(j) if &j == job && !finished => {
            let (journal, previous) = Journal::continue_locked(path, file, scan)?;
            Ok(Prior::Interrupted(journal, previous))
        }
        Some(_) if finished => Ok(Prior::Fresh),
        Some(j) => Err(Error::Journal(format!(
            "{} holds an interrupted run of another job ({} on {}, input {}…): nothing was sent. Finish that run with its own feed (`skillsync apply THAT_FEED --journal {}`), delete the file to discard it, or pass another --journal",
            path.display(),
            j.platform.as_str(),
            j.tenant,
            crate::text::prefix(&j.input_sha256, 12),
            path.display()
        ))),
        None => Err(Error::Journal(format!(
            "{} is not a Skillsync journal, and a run would overwrite it: nothing was sent; pass --journal another path",
            path.display()
        ))),
    }
}

/// Cuts everything after the last newline: the remains of a write the kill interrupted.
fn cut_torn_tail(file: &std::fs::File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let mut f = file;
    let tail = len.min(1 << 20);
    f.seek(SeekFrom::Start(len - tail))?;
    let mut buf = Vec::with_capacity(tail as usize);
    f.take(tail).read_to_end(&mut buf)?;
    if buf.last() == Some(&b'\n') {
        return Ok(());
    }
    let keep = match buf.iter().rposition(|&b| b == b'\n') {
        Some(i) => len - tail + i as u64 + 1,
        None if tail == len => 0,
        None => return Ok(()), // a line over 1 MiB: leave it, the reader skips it
    };
    file.set_len(keep)?;
    file.sync_data()
}

/// Reads a journal; refuses one that belongs to another job. A torn last line (the crash came
/// mid-write) is ignored: what it would have said is recovered from the platform's state.
pub fn read(path: &Path, job: &JobId) -> Result<Previous> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(format!("opening journal {}", path.display()), e))?;
    read_lines(&f, path, job).map(|scan| scan.previous)
}

/// What a journal holds, read in one pass.
struct Scan {
    /// The job of its `start` line; `None` when the file does not begin with one (not a journal).
    job: Option<JobId>,
    previous: Previous,
    last_call: u64,
}

/// Reads the journal from its start through `f` and refuses one of another job or none at all.
fn read_lines(f: &std::fs::File, path: &Path, job: &JobId) -> Result<Scan> {
    let scan = scan(f, path)?;
    match &scan.job {
        None => Err(Error::Journal(format!("{} is not a Skillsync journal", path.display()))),
        Some(j) if j != job => Err(Error::Journal(format!(
            "{} belongs to another job ({} on {}, input {}…); start a fresh run without --resume or pass the matching feed",
            path.display(),
            j.platform.as_str(),
            j.tenant,
            crate::text::prefix(&j.input_sha256, 12)
        ))),
        Some(_) => Ok(scan),
    }
}

/// The one reader of journal lines, from the start through `f` (the locked handle when there is
/// one: on Windows a locked file cannot be read through another). A line that cannot be read is a
/// torn write only when nothing follows it; one before the last makes the journal unreadable.
fn scan(f: &std::fs::File, path: &Path) -> Result<Scan> {
    use std::io::Seek;
    let mut f = f;
    f.seek(std::io::SeekFrom::Start(0)).map_err(|e| Error::io(format!("reading journal {}", path.display()), e))?;
    let mut unreadable: Option<usize> = None;
    let mut prev = Previous::default();
    let mut job: Option<JobId> = None;
    let mut last_call = 0;
    // Pairs of each call whose outcome is not recorded yet.
    let mut open: HashMap<u64, Vec<(String, String)>> = HashMap::new();
    for (n, line) in std::io::BufReader::new(f).split(b'\n').enumerate() {
        let line = line.map_err(|e| Error::io(format!("reading journal {}", path.display()), e))?;
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let entry = serde_json::from_slice::<Entry>(&line);
        if job.is_none() {
            // The first line decides whether this is a journal at all.
            match entry {
                Ok(Entry::Start { job: j, .. }) => {
                    prev.attempts = 1;
                    job = Some(j);
                    continue;
                }
                _ => break,
            }
        }
        if let Some(bad) = unreadable {
            return Err(Error::Journal(format!(
                "{} cannot be read: line {bad} is damaged and more follows it, so what it recorded is lost; nothing was sent and the journal was left as it is. Keep it for support, and make a new plan from the feed (it plans only what is still missing)",
                path.display()
            )));
        }
        let Ok(entry) = entry else {
            unreadable = Some(n + 1);
            continue;
        };
        if !matches!(entry, Entry::Finish { .. }) {
            // Anything after a finish is a later run of the same journal, not finished yet.
            prev.finished = false;
        }
        match entry {
            Entry::Start { .. } => {}
            Entry::Resume { .. } => prev.attempts += 1,
            Entry::Intent { call, items, .. } => {
                last_call = last_call.max(call);
                let mut pairs = Vec::with_capacity(items.len());
                for it in items {
                    let key = (it.agent_id, it.skill_id);
                    let e = prev.items.entry(key.clone()).or_insert(PreviousItem {
                        before: it.before,
                        target: it.target,
                        accepted: false,
                        in_flight: false,
                        correlation_ids: vec![],
                        calls: 0,
                    });
                    e.target = it.target;
                    e.in_flight = true;
                    e.calls += 1;
                    pairs.push(key);
                }
                open.insert(call, pairs);
            }
            Entry::Outcome { call, items, correlation_ids, .. } => {
                let accepted: HashMap<(String, String), bool> =
                    items.into_iter().map(|it| ((it.agent_id, it.skill_id), it.accepted)).collect();
                for key in open.remove(&call).unwrap_or_default() {
                    if let Some(e) = prev.items.get_mut(&key) {
                        e.in_flight = false;
                        e.accepted |= accepted.get(&key).copied().unwrap_or(false);
                        e.correlation_ids.extend(correlation_ids.iter().cloned());
                    }
                }
            }
            Entry::Batch { items, correlation_ids, .. } => {
                for it in items {
                    let e = prev.items.entry((it.agent_id, it.skill_id)).or_insert(PreviousItem {
                        before: it.before,
                        target: it.target,
                        accepted: false,
                        in_flight: false,
                        correlation_ids: vec![],
                        calls: 0,
                    });
                    e.target = it.target;
                    e.calls += 1;
                    e.accepted |= it.accepted;
                    e.correlation_ids.extend(correlation_ids.iter().cloned());
                }
            }
            Entry::Finish { .. } => prev.finished = true,
        }
    }
    if let Some(line) = unreadable {
        tracing::warn!(line, "ignoring the torn last line of the journal (the run was cut off mid-write)");
    }
    Ok(Scan { job, previous: prev, last_call })
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{ItemResult, WriteOp};

    fn change(a: &str, s: &str, before: Option<f64>, v: f64) -> Change {
        Change {
            agent_id: a.into(),
            skill_id: s.into(),
            before,
            target: Target::Set(v),
            lines: vec![2].into(),
            active: None,
        }
    }

    #[tokio::test]
    async fn records_survive_and_resume_keeps_the_first_before_value() {
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
            unsent: false,
        };
        {
            let j = Journal::create(&path, &job).unwrap();
            let call = j.intent(&batch, &changes).await.unwrap();
            j.outcome(call, &result, &changes).await.unwrap();
            // A second call in flight at the kill: its intent is on disk, its outcome never came.
            let in_flight = Batch { op: WriteOp::GenesysPatch { agent_id: "u3".into() }, items: vec![2] };
            j.intent(&in_flight, &[changes.clone(), vec![change("u3", "s9", Some(2.0), 5.0)]].concat()).await.unwrap();
        }
        // Simulate a torn last line from a crash mid-write.
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"type\":\"outcome\",\"ca").unwrap();
        let (j, prev) = Journal::resume(&path, &job).unwrap();
        let p = &prev.items[&("u1".to_string(), "s1".to_string())];
        assert!(p.accepted && !p.in_flight);
        assert_eq!(p.before, Some(1.0));
        assert_eq!(p.correlation_ids, vec!["c-1".to_string()]);
        assert!(!prev.items[&("u2".to_string(), "s1".to_string())].accepted);
        let flying = &prev.items[&("u3".to_string(), "s9".to_string())];
        assert!(flying.in_flight && !flying.accepted, "{flying:?}");
        assert_eq!(flying.before, Some(2.0), "the intent keeps the before value of a call cut off mid-flight");
        assert!(!prev.finished);
        assert_eq!(prev.attempts, 1);
        // The torn tail is cut, so the next entry is a line of its own and the whole file reads.
        j.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().all(|l| serde_json::from_str::<Entry>(l).is_ok()), "{text}");
        let again = read(&path, &job).unwrap();
        assert!(again.finished);
        assert_eq!(again.attempts, 2);
    }

    #[test]
    fn refuses_a_journal_of_another_job() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let job = JobId::new(PlatformKind::Genesys, "t", b"feed", "");
        assert_eq!(
            job,
            JobId::from_digest(PlatformKind::Genesys, "t", &FeedDigest::of(b"feed"), ""),
            "a digest kept from reading the feed names the same job as its bytes"
        );
        assert_eq!(
            job.input_sha256,
            {
                let mut h = sha2::Sha256::new();
                h.update(b"feed\0");
                h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
            },
            "the id hashes the feed, a NUL and the mapping, as journals written before digests did"
        );
        Journal::create(&path, &job).unwrap();
        let other = JobId::new(PlatformKind::Genesys, "t", b"other feed", "");
        let e = Journal::resume(&path, &other).expect_err("must refuse");
        assert_eq!(e.code(), "journal.invalid");
    }

    fn job(feed: &[u8]) -> JobId {
        JobId::new(PlatformKind::Genesys, "http://127.0.0.1:1", feed, "")
    }

    /// A journal of `job` with one call answered and one cut off by a kill (no finish line).
    async fn interrupted(path: &Path, job: &JobId) {
        let changes = vec![change("u1", "s1", Some(1.0), 4.0), change("u2", "s1", None, 3.0)];
        let j = Journal::create(path, job).unwrap();
        let first = Batch { op: WriteOp::GenesysPatch { agent_id: "u1".into() }, items: vec![0] };
        let result = BatchResult {
            items: vec![ItemResult { change: 0, accepted: true, confirmed: Some(Some(4.0)), error: None }],
            correlation_ids: vec!["c-1".into()],
            error: None,
            unsent: false,
        };
        let call = j.intent(&first, &changes).await.unwrap();
        j.outcome(call, &result, &changes).await.unwrap();
        let second = Batch { op: WriteOp::GenesysPatch { agent_id: "u2".into() }, items: vec![1] };
        j.intent(&second, &changes).await.unwrap();
    }

    #[tokio::test]
    async fn a_damaged_line_before_the_last_refuses_resume_naming_it_and_leaves_the_journal_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let job = job(b"feed");
        interrupted(&path, &job).await;
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines[2] = "{\"type\":\"outcome\",\"call\":1,\"items\":[{\"agent_id\"";
        let damaged = format!("{}\n", lines.join("\n"));
        std::fs::write(&path, &damaged).unwrap();
        let err = Journal::resume(&path, &job).expect_err("a damaged line in the middle is refused");
        assert_eq!(err.code(), "journal.invalid", "{err}");
        assert!(err.to_string().contains("line 3"), "names the line: {err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), damaged, "the journal is untouched");
        assert!(matches!(prior(&path, &job), Err(e) if e.to_string().contains("line 3")), "a plain re-run refuses too");
    }

    #[tokio::test]
    async fn a_journal_in_use_by_another_run_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let job = job(b"feed");
        let open = Journal::create(&path, &job).unwrap();
        let before = std::fs::read(&path).unwrap();
        for second in [Journal::create(&path, &job).map(|_| ()), Journal::resume(&path, &job).map(|_| ())] {
            let err = second.expect_err("a second run on the same journal is refused");
            assert_eq!(err.code(), "journal.invalid", "{err}");
            assert!(err.to_string().contains("in use"), "{err}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "the running journal is not truncated by the second run");
        drop(open);
        Journal::resume(&path, &job).expect("free once the first run ends");
    }

    #[tokio::test]
    async fn a_plain_rerun_continues_its_own_interrupted_run_and_refuses_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mine = job(b"feed");
        assert!(matches!(prior(&path, &mine).unwrap(), Prior::Fresh), "no journal: a fresh run");
        interrupted(&path, &mine).await;
        let other = job(b"another feed");
        let err = prior(&path, &other).expect_err("another job's interrupted run is never replaced");
        assert!(err.to_string().contains("interrupted run of another job"), "{err}");
        match prior(&path, &mine).unwrap() {
            Prior::Interrupted(j, p) => {
                assert_eq!(p.items.len(), 2, "both calls' pairs come back: {p:?}");
                j.finish().unwrap();
            }
            Prior::Fresh => panic!("the interrupted run of the same job is continued"),
        }
        assert!(matches!(prior(&path, &mine).unwrap(), Prior::Fresh), "a finished run is replaced");
        assert!(matches!(prior(&path, &other).unwrap(), Prior::Fresh), "also by another job");

        let feed = dir.path().join("levels.csv");
        std::fs::write(&feed, "email,skill,level\n").unwrap();
        let err = prior(&feed, &mine).expect_err("a file that is not a journal is never overwritten");
        assert!(err.to_string().contains("not a Skillsync journal"), "{err}");
        assert_eq!(std::fs::read_to_string(&feed).unwrap(), "email,skill,level\n");
    }
}
