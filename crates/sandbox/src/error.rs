//! Why a sandbox could not start. Each variant has a stable `code()` the CLI prints.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SandboxError {
    /// The tenant file cannot be read or parsed.
    #[error("cannot read the tenant file {path}: {reason}")]
    TenantFile { path: PathBuf, reason: String },
    /// The tenant (file or inline) is inconsistent: duplicates, unknown references, off-scale values.
    #[error("invalid tenant: {0}")]
    BadTenant(String),
    /// The `--faults` spec is malformed.
    #[error("invalid fault spec: {0}")]
    BadFaultSpec(String),
    /// A quirk setting is out of range (`page_cap` 0, `expand_drop` outside 0 to 1).
    #[error("invalid option: {0}")]
    BadOption(String),
    /// The platform name is neither `genesys` nor `cxone`.
    #[error("unknown platform `{0}` (expected genesys or cxone)")]
    UnknownPlatform(String),
    /// The port cannot be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
}

impl SandboxError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SandboxError::TenantFile { .. } => "sandbox.tenant_file",
            SandboxError::BadTenant(_) => "sandbox.bad_tenant",
            SandboxError::BadFaultSpec(_) => "sandbox.bad_faults",
            SandboxError::BadOption(_) => "sandbox.bad_option",
            SandboxError::UnknownPlatform(_) => "sandbox.unknown_platform",
            SandboxError::Bind { .. } => "sandbox.bind",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        let io = || std::io::Error::new(std::io::ErrorKind::AddrInUse, "in use");
        let cases = [
            (SandboxError::TenantFile { path: "t.json".into(), reason: "x".into() }, "sandbox.tenant_file"),
            (SandboxError::BadTenant("x".into()), "sandbox.bad_tenant"),
            (SandboxError::BadFaultSpec("x".into()), "sandbox.bad_faults"),
            (SandboxError::BadOption("x".into()), "sandbox.bad_option"),
            (SandboxError::UnknownPlatform("x".into()), "sandbox.unknown_platform"),
            (SandboxError::Bind { port: 1, source: io() }, "sandbox.bind"),
        ];
        for (err, code) in cases {
            assert_eq!(err.code(), code, "code of {err}");
        }
    }
}
