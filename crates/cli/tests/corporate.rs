//! The CLI on a company network: a sandbox behind a TLS terminator whose certificate comes from a
//! private root CA (as TLS inspection does), and a CONNECT proxy. Trusted through the OS store
//! (SSL_CERT_FILE, which the OS-store loader honours on Linux) or `--ca-file`, plans go through;
//! untrusted, the run stops with exit 3 and a certificate message; with HTTPS_PROXY the proxy's
//! log shows the tunnel; a proxy that refuses the tunnel is named as the cause.

#[path = "../../../tests/support/corporate.rs"]
mod corporate;
mod support;

use support::{run, Tenant};

const FEED: &str = "email,skill,proficiency\nana.lee@example.com,Billing - English,4\n";

struct Office {
    tenant: Tenant,
    pki: corporate::Pki,
    _tls: corporate::Daemon,
    https: String,
}

fn office() -> Option<Office> {
    if !corporate::tools_present() {
        return None;
    }
    let tenant = Tenant::start("genesys", |_| {});
    let pki = corporate::make_pki(tenant.dir.path());
    let (tls, https) = corporate::tls_terminator(&pki, corporate::port_of(tenant.base_url()));
    Some(Office { tenant, pki, _tls: tls, https })
}

fn plan(o: &Office) -> assert_cmd::Command {
    let feed = o.tenant.write("feed.csv", FEED);
    let mut cmd = o.tenant.cmd_at(&["plan", feed.to_str().expect("a UTF-8 path"), "--json"], &o.https);
    for v in [
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

#[test]
fn an_untrusted_inspection_certificate_stops_the_run_with_a_certificate_message() {
    let Some(o) = office() else { return };
    let out = plan(&o).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "exit 3 (connection) when the CA is not trusted: {stderr}");
    assert!(stderr.contains("connection.certificate"), "the certificate code is named: {stderr}");
    assert!(stderr.contains("not trusted") && stderr.contains("--ca-file"), "the message says what to do: {stderr}");
    assert_eq!(o.tenant.writes(), 0, "nothing was sent");
}

#[test]
fn the_os_certificate_store_is_trusted() {
    let Some(o) = office() else { return };
    // On Linux the OS store is read from the system bundle unless SSL_CERT_FILE/SSL_CERT_DIR name
    // another: a bundle holding the company CA stands for a machine that installed it.
    let mut bundle = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    bundle.push_str(&std::fs::read_to_string(&o.pki.ca).expect("the CA"));
    let path = o.tenant.write("os-store.pem", &bundle);
    let out = run(plan(&o).env("SSL_CERT_FILE", &path));
    assert_eq!(out.code, 0, "plan over https with the CA in the OS store: {}", out.stderr);
    assert_eq!(out.json()["rows"], 1, "{}", out.all());
}

#[test]
fn a_ca_file_is_trusted_and_a_proxy_carries_the_tunnel() {
    let Some(o) = office() else { return };
    let ca = o.pki.ca.to_str().expect("a UTF-8 path").to_string();
    let out = run(plan(&o).args(["--ca-file", &ca]));
    assert_eq!(out.code, 0, "plan over https with --ca-file: {}", out.stderr);

    let proxy = corporate::Proxy::start(o.tenant.dir.path(), "proxy", &[]);
    let out = run(plan(&o).args(["--ca-file", &ca]).env("HTTPS_PROXY", &proxy.url));
    assert_eq!(out.code, 0, "plan through the proxy: {}", out.stderr);
    let port = corporate::port_of(&o.https);
    let connects = proxy.connects();
    assert!(
        connects.iter().any(|l| l.contains(&format!("CONNECT 127.0.0.1:{port}"))),
        "the proxy saw the tunnel to {port}: {}",
        proxy.log_text()
    );
    println!("proxy log: {}", connects.join(" | "));

    // NO_PROXY takes the host out of the proxy's hands. The proxy writes its log as tunnels close:
    // wait until it has settled before counting.
    let mut before = proxy.connects().len();
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        let now = proxy.connects().len();
        if now == before {
            break;
        }
        before = now;
    }
    let out = run(plan(&o).args(["--ca-file", &ca]).env("HTTPS_PROXY", &proxy.url).env("NO_PROXY", "127.0.0.1"));
    assert_eq!(out.code, 0, "plan with NO_PROXY: {}", out.stderr);
    assert_eq!(proxy.connects().len(), before, "NO_PROXY bypasses the proxy");
}

#[test]
fn a_proxy_that_refuses_the_tunnel_is_named_as_the_cause() {
    let Some(o) = office() else { return };
    let ca = o.pki.ca.to_str().expect("a UTF-8 path").to_string();
    // Tunnels only to port 443: the tenant's port is refused with 403.
    let strict = corporate::Proxy::start(o.tenant.dir.path(), "strict", &[443]);
    let out = plan(&o).args(["--ca-file", &ca]).env("HTTPS_PROXY", &strict.url).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "exit 3: {stderr}");
    assert!(stderr.contains("connection.proxy"), "the proxy code is named: {stderr}");
    assert!(stderr.contains("HTTPS_PROXY"), "the message says where proxies are set: {stderr}");
}

#[test]
fn a_profile_names_its_ca_file_and_profile_test_uses_it() {
    let Some(o) = office() else { return };
    let home = o.tenant.dir.path();
    let cfg = home.join("cfg");
    let id = o.tenant.client_id();
    let secret = o.tenant.secrets()[0].clone();
    let add = |name: &str, ca: Option<&std::path::Path>| {
        let mut cmd = support::bare(home);
        cmd.env("SKILLSYNC_CONFIG_DIR", &cfg).env("SKILLSYNC_CLIENT_SECRET", &secret).args([
            "profile",
            "add",
            name,
            "--platform",
            "genesys",
            "--base-url",
            &o.https,
            "--client-id",
            &id,
        ]);
        if let Some(ca) = ca {
            cmd.arg("--ca-file").arg(ca);
        }
        cmd.output().expect("runs")
    };
    let test = |name: &str| {
        let mut cmd = support::bare(home);
        cmd.env("SKILLSYNC_CONFIG_DIR", &cfg).args(["profile", "test", name]);
        for v in ["SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy"] {
            cmd.env_remove(v);
        }
        cmd.output().expect("runs")
    };
    let added = add("office", Some(&o.pki.ca));
    assert!(added.status.success(), "profile add: {}", String::from_utf8_lossy(&added.stderr));
    let toml = std::fs::read_to_string(cfg.join("profiles.toml")).expect("profiles.toml");
    assert!(toml.contains("ca_file"), "the profile keeps its CA file: {toml}");
    let ok = test("office");
    assert!(ok.status.success(), "profile test with the CA file: {}", String::from_utf8_lossy(&ok.stderr));

    let added = add("bare", None);
    assert!(added.status.success(), "profile add: {}", String::from_utf8_lossy(&added.stderr));
    let bad = test("bare");
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("connection.certificate"), "{stderr}");
    for name in ["office", "bare"] {
        let mut cmd = support::bare(home);
        let _ = cmd.env("SKILLSYNC_CONFIG_DIR", &cfg).args(["profile", "remove", name]).output();
    }
}
