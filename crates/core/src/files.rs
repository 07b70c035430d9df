//! Files that hold agent data (journals, reports, undo files, saved plans, exports, the app's run
//! history): created readable by their owner only, and written whole or not at all where a
//! reader must never see half of one.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options for a new file readable and writable by its owner only (mode 0600 on Unix; on Windows
/// the file inherits the ACL of the folder, a user's profile by default).
pub fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Creates the folders above `path`.
pub fn create_parent(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    Ok(())
}

/// Refuses an output path before anything is read or sent: `out` must be a regular file or not
/// exist yet, and must be none of `inputs` (the files the command reads). `flag` names the option
/// in the message; `consequence` ends it ("nothing was sent").
pub fn check_output(flag: &str, out: &Path, inputs: &[&Path], consequence: &str) -> Result<()> {
    let refuse = |why: String| Err(Error::Config(format!("{flag} {}: {why}; {consequence}", out.display())));
    if cfg!(windows) && windows_device(out) {
        return refuse(format!("{} names a Windows device and is not a file", out.display()));
    }
    match std::fs::metadata(out) {
        Ok(m) if !m.is_file() => refuse(format!("{} exists and is not a file", out.display())),
        Ok(_) => {
            let real = std::fs::canonicalize(out).ok();
            let clash = inputs.iter().filter_map(|p| std::fs::canonicalize(p).ok()).any(|p| Some(&p) == real.as_ref());
            if clash {
                refuse(format!(
                    "{} is a file this command reads, and would be written over; name the output something else",
                    out.display()
                ))
            } else {
                Ok(())
            }
        }
        Err(_) => Ok(()),
    }
}

/// A name Windows reserves for a device whatever the folder or extension (`NUL`, `nul.json`,
/// `COM1.csv`, `CON`): writing there writes nowhere.
pub fn windows_device(path: &Path) -> bool {
    // The last part of the path, cut at either separator (the same answer on every OS).
    let Some(name) = path.to_str().and_then(|p| p.rsplit(['/', '\\']).next()) else { return false };
    let stem = name.split('.').next().unwrap_or("").trim_end().to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

/// Creates (or truncates) `path` for writing, owner-only, with its folders.
pub fn create_private(path: &Path) -> Result<File> {
    create_parent(path)?;
    private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| Error::io(format!("creating {}", path.display()), e))
}

/// A file written beside its destination and put in place by a rename once complete: a reader
/// (or a crash) sees the old file or the new one, never a part of one.
pub struct AtomicFile {
    dest: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<AtomicFile> {
        create_parent(dest)?;
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.{}.partial", std::process::id()));
        let file = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(|e| Error::io(format!("creating {}", dest.display()), e))?;
        Ok(AtomicFile { dest: dest.to_path_buf(), tmp, file: Some(std::io::BufWriter::new(file)) })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let dest = self.dest.clone();
        let fail = |e| Error::io(format!("writing {}", dest.display()), e);
        let w = self.file.take().expect("an uncommitted file");
        let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        drop(file);
        std::fs::rename(&self.tmp, &self.dest).map_err(fail)
    }
}

/// Writes `bytes` to `path` whole or not at all, owner-only, with its folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    f.commit()
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("an uncommitted file").write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("an uncommitted file").flush()
    }
}

impl Drop for AtomicFile {
    /// A file never committed (an error on the way) leaves nothing behind.
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_device_names_whatever_the_folder_or_extension() {
        for d in ["NUL", "nul.json", "C:\\out\\Con.html", "com1.csv", "LPT9", "aux.undo.csv", "NUL .txt"] {
            assert!(windows_device(Path::new(d)), "{d}");
        }
        for f in ["null.csv", "report.html", "com0.csv", "COM10", "console.csv", "nul-report.json"] {
            assert!(!windows_device(Path::new(f)), "{f}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn files_with_agent_data_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = dir.path().join("a/b.csv");
        create_private(&plain).expect("created");
        let atomic = dir.path().join("c.json");
        let mut f = AtomicFile::create(&atomic).expect("created");
        f.write_all(b"{}").expect("written");
        f.commit().expect("committed");
        for p in [plain, atomic] {
            let mode = std::fs::metadata(&p).expect("exists").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} is owner-only", p.display());
        }
    }

    #[test]
    fn an_atomic_file_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dest = dir.path().join("r.html");
        std::fs::write(&dest, "old").expect("an old report");
        {
            let mut f = AtomicFile::create(&dest).expect("created");
            f.write_all(b"half of a new").expect("written");
            // Dropped without commit: an error on the way.
        }
        assert_eq!(std::fs::read_to_string(&dest).expect("still there"), "old", "the old file stays whole");
        assert_eq!(std::fs::read_dir(dir.path()).expect("listed").count(), 1, "no partial file is left");
        let mut f = AtomicFile::create(&dest).expect("created");
        f.write_all(b"new").expect("written");
        f.commit().expect("committed");
        assert_eq!(std::fs::read_to_string(&dest).expect("read"), "new");
    }
}
