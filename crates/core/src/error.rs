//! The engine's errors. Each variant has a stable `code()` (the CLI's JSON and the app's UI key on
//! it) and an `exit_code()` per the CLI contract: 2 for input/configuration, 3 for auth/connection
//! (certificate and proxy failures included).

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// The feed cannot be read at all (binary, empty, undecodable).
    #[error("{0}")]
    Unreadable(String),
    /// The feed, or a part of a workbook, is larger than the limit it is read under (counted in the
    /// bytes actually read or unpacked, and in cells); the message names the limit and the part.
    #[error("{0}")]
    TooLarge(String),
    /// The input or mapping is wrong in a way no row-level reason covers.
    #[error("{0}")]
    Input(String),
    /// Flags, profile or settings are wrong or missing.
    #[error("{0}")]
    Config(String),
    /// The platform refused the credentials.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The platform could not be reached.
    #[error("cannot reach the platform: {0}")]
    Connection(String),
    /// The server's TLS certificate is not trusted (TLS inspection, a missing company CA).
    #[error("untrusted certificate: {0}")]
    Certificate(String),
    /// The proxy refused or failed the connection.
    #[error("proxy failure: {0}")]
    Proxy(String),
    /// The platform answered with an error the engine cannot work around.
    #[error("{method} {path} answered {status}: {message}{}", correlation_id.as_deref().map(|c| format!(" (correlation id {c})")).unwrap_or_default())]
    Api { method: String, path: String, status: u16, message: String, correlation_id: Option<String> },
    /// The client lacks a permission (403).
    #[error("permission denied: {0}")]
    Permission(String),
    /// The OS keychain is unavailable or refused.
    #[error("keychain: {0}")]
    Keychain(String),
    /// The journal cannot be written or does not belong to this job.
    #[error("journal: {0}")]
    Journal(String),
    #[error("cancelled")]
    Cancelled,
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
}

impl Error {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Unreadable(_) => "input.unreadable",
            Error::TooLarge(_) => "input.too_large",
            Error::Input(_) => "input.invalid",
            Error::Config(_) => "config.invalid",
            Error::Auth(_) => "auth.failed",
            Error::Connection(_) => "connection.failed",
            Error::Certificate(_) => "connection.certificate",
            Error::Proxy(_) => "connection.proxy",
            Error::Api { .. } => "api.error",
            Error::Permission(_) => "auth.permission",
            Error::Keychain(_) => "keychain.unavailable",
            Error::Journal(_) => "journal.invalid",
            Error::Cancelled => "cancelled",
            Error::Io { .. } => "io.failed",
        }
    }

    /// The CLI's exit code for a run that ended with this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Auth(_) | Error::Connection(_) | Error::Certificate(_) | Error::Proxy(_) | Error::Permission(_) => 3,
            Error::Api { .. } | Error::Cancelled => 1,
            _ => 2,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_exit_codes_are_stable() {
        let cases: Vec<(Error, &str, i32)> = vec![
            (Error::Unreadable("x".into()), "input.unreadable", 2),
            (Error::TooLarge("x".into()), "input.too_large", 2),
            (Error::Input("x".into()), "input.invalid", 2),
            (Error::Config("x".into()), "config.invalid", 2),
            (Error::Auth("x".into()), "auth.failed", 3),
            (Error::Connection("x".into()), "connection.failed", 3),
            (Error::Certificate("x".into()), "connection.certificate", 3),
            (Error::Proxy("x".into()), "connection.proxy", 3),
            (Error::Permission("x".into()), "auth.permission", 3),
            (Error::Keychain("x".into()), "keychain.unavailable", 2),
            (Error::Journal("x".into()), "journal.invalid", 2),
            (Error::Cancelled, "cancelled", 1),
        ];
        for (e, code, exit) in cases {
            assert_eq!(e.code(), code, "code of {e:?}");
            assert_eq!(e.exit_code(), exit, "exit code of {e:?}");
        }
    }

    #[test]
    fn api_error_names_the_request_and_correlation_id() {
        let e = Error::Api {
            method: "PATCH".into(),
            path: "/x".into(),
            status: 400,
            message: "bad".into(),
            correlation_id: Some("c-1".into()),
        };
        assert_eq!(e.to_string(), "PATCH /x answered 400: bad (correlation id c-1)");
    }
}
