//! What identifies a feed's content once its bytes are gone: the file is hashed while it is in
//! memory to be parsed, and only the hash is kept (a 256 MiB feed need not stay in memory, or be
//! copied, to name its job in the journal).

use sha2::{Digest, Sha256};

/// SHA-256 of a feed's bytes. It keeps the hasher's state after the bytes as well as the digest,
/// so a job id that hashes the feed followed by more input (the mapping) comes out the same as
/// hashing the bytes again: journals written before this type existed still resume.
#[derive(Clone)]
pub struct FeedDigest {
    state: Sha256,
    hex: String,
}

impl FeedDigest {
    pub fn of(bytes: &[u8]) -> Self {
        let mut state = Sha256::new();
        state.update(bytes);
        let hex = state.clone().finalize().iter().map(|b| format!("{b:02x}")).collect();
        FeedDigest { state, hex }
    }

    /// What identifies a feed read from `bytes` into `table`: its bytes and, for a workbook, the
    /// sheet read (two sheets of one file are two jobs), hashed as journals have always hashed them.
    pub fn of_feed(bytes: &[u8], table: &super::Table) -> Self {
        let mut state = Sha256::new();
        state.update(bytes);
        if let Some(w) = &table.workbook {
            state.update(b"\0sheet\0");
            state.update(w.sheet.as_bytes());
        }
        let hex = state.clone().finalize().iter().map(|b| format!("{b:02x}")).collect();
        FeedDigest { state, hex }
    }

    /// The digest, in lower-case hex.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// A hasher that has already taken in the feed's bytes, to be continued.
    pub(crate) fn continued(&self) -> Sha256 {
        self.state.clone()
    }
}

impl std::fmt::Debug for FeedDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("FeedDigest").field(&self.hex).finish()
    }
}

impl PartialEq for FeedDigest {
    fn eq(&self, other: &Self) -> bool {
        self.hex == other.hex
    }
}

impl Eq for FeedDigest {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_the_sha256_of_the_bytes() {
        let d = FeedDigest::of(b"abc");
        assert_eq!(d.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "FIPS 180-2 vector");
        assert_eq!(d, FeedDigest::of(b"abc"));
        assert_ne!(d, FeedDigest::of(b"abd"));
    }
}
