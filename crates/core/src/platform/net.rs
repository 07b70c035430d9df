//! The network as a company's machine sees it: the extra root CA a profile names (for TLS
//! inspection the OS store does not cover), and failures told apart in plain words. A request that
//! fails before any answer is tried once more here, with the cause chain kept, so "certificate not
//! trusted" and "the proxy refused" reach the user instead of "error sending request".

use super::{Connection, HttpSettings};
use crate::error::{Error, Result};
use std::path::Path;

/// The certificates of a PEM file (one or more `BEGIN CERTIFICATE` blocks).
pub fn load_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::Config(format!(
            "the CA file {} cannot be read ({e}); name a PEM file with the company's root CA",
            path.display()
        ))
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&bytes).unwrap_or_default();
    if certs.is_empty() || !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") {
        return Err(Error::Config(format!(
            "the CA file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the company's root CA as Base-64/PEM",
            path.display()
        )));
    }
    Ok(certs)
}

/// Every message in an error's cause chain, outermost first.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// Every message in a request error's cause chain, outermost first.
pub fn chain_of(e: &reqwest::Error) -> String {
    chain(e)
}

/// What kind of failure a cause chain describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Certificate,
    Proxy,
    Other,
}

/// Sorts a cause chain's text (rustls and hyper-util name their failures in it).
pub fn classify(text: &str) -> Failure {
    let t = text.to_ascii_lowercase();
    if t.contains("certificate") || t.contains("unknownissuer") || t.contains("notvalidforname") {
        Failure::Certificate
    } else if t.contains("tunnel") || t.contains("proxy") {
        Failure::Proxy
    } else {
        Failure::Other
    }
}

/// The error a failed request's cause chain stands for, worded for the person who must fix it.
pub fn explain_reqwest(url: &str, e: &reqwest::Error) -> Error {
    let text = chain(e);
    match classify(&text) {
        Failure::Certificate => Error::Certificate(format!(
            "{url}: the server's TLS certificate is not trusted ({text}). On a company network that inspects \
             TLS, install the company's root CA in the OS certificate store, or name it as a PEM file \
             (`--ca-file`, or the profile's CA file)"
        )),
        Failure::Proxy => Error::Proxy(format!(
            "{url}: the proxy refused or failed the connection ({text}). Check the OS proxy settings or \
             HTTPS_PROXY/NO_PROXY, and that the proxy lets this host through"
        )),
        Failure::Other => Error::Connection(format!("{url}: {text}")),
    }
}

/// Sends one plain GET to the connection's base URL with the client the run would use and
/// returns the reason it fails before any answer; `None` when the server answered at all.
pub async fn probe(conn: &Connection, settings: &HttpSettings) -> Option<Error> {
    let mut s = settings.clone();
    if s.ca_file.is_none() {
        s.ca_file = conn.ca_file.clone();
    }
    let client = match super::http::build_client(&s) {
        Ok(c) => c,
        Err(e) => return Some(e),
    };
    match client.get(&conn.base_url).send().await {
        Ok(_) => None,
        Err(e) => Some(explain_reqwest(&conn.base_url, &e)),
    }
}

/// A connection failure replaced by what the probe finds (certificate, proxy, or the full cause
/// chain); every other error is returned as it was.
pub async fn explain(err: Error, conn: &Connection, settings: &HttpSettings) -> Error {
    if !matches!(err, Error::Connection(_)) {
        return err;
    }
    match probe(conn, settings).await {
        Some(better @ (Error::Certificate(_) | Error::Proxy(_))) => better,
        Some(Error::Config(m)) => Error::Config(m),
        _ => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_certificate_and_proxy_failures_apart() {
        assert_eq!(
            classify("error sending request: client error (Connect): invalid peer certificate: UnknownIssuer"),
            Failure::Certificate
        );
        assert_eq!(classify("client error (Connect): unsuccessful tunnel"), Failure::Proxy);
        assert_eq!(classify("tcp connect error: Connection refused (os error 111)"), Failure::Other);
    }

    #[test]
    fn a_ca_file_without_a_certificate_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate").unwrap();
        let e = load_ca_file(&p).unwrap_err();
        assert_eq!(e.code(), "config.invalid");
        assert!(e.to_string().contains("PEM"), "{e}");
        let e = load_ca_file(&dir.path().join("missing.pem")).unwrap_err();
        assert!(e.to_string().contains("cannot be read"), "{e}");
    }
}
