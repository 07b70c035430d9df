//! A company network on 127.0.0.1 for tests: a private root CA made with `openssl` at test time,
//! a TLS terminator (`socat openssl-listen`) that serves a plain-HTTP sandbox over https with a
//! server certificate of that CA, and a CONNECT proxy (`tinyproxy`) whose log shows each tunnel.
//! Shared by the CLI's and the app's tests (`#[path]`); the tools come from scripts/setup.sh.
//! Without them a test skips with a note, unless SKILLSYNC_REQUIRE_NET_TOOLS is set (test.sh).

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether socat, tinyproxy and openssl are here; panics when they must be and are not.
pub fn tools_present() -> bool {
    let missing: Vec<&str> = ["socat", "tinyproxy", "openssl"]
        .into_iter()
        .filter(|t| {
            Command::new("sh").args(["-c", &format!("command -v {t}")]).output().map_or(true, |o| !o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("SKILLSYNC_REQUIRE_NET_TOOLS").is_none(),
        "{missing:?} missing: scripts/setup.sh installs them"
    );
    eprintln!("skipped: {missing:?} not installed (scripts/setup.sh installs them)");
    false
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("the tool runs");
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}

fn wait_listening(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "nothing listens on {port} after 10 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process ended when dropped.
pub struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The private root CA and a server certificate for 127.0.0.1 and localhost signed by it.
pub struct Pki {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn make_pki(dir: &Path) -> Pki {
    let p = |n: &str| dir.join(n);
    run(Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .args(["-keyout"])
        .arg(p("ca.key"))
        .args(["-out"])
        .arg(p("ca.pem"))
        .args(["-days", "2", "-subj", "/CN=Skillsync Test Inspection Root CA"])
        .args(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]));
    run(Command::new("openssl")
        .args(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .args(["-keyout"])
        .arg(p("server.key"))
        .args(["-out"])
        .arg(p("server.csr"))
        .args(["-subj", "/CN=127.0.0.1"]));
    std::fs::write(
        p("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .expect("extensions written");
    run(Command::new("openssl")
        .args(["x509", "-req", "-in"])
        .arg(p("server.csr"))
        .args(["-CA"])
        .arg(p("ca.pem"))
        .args(["-CAkey"])
        .arg(p("ca.key"))
        .args(["-CAcreateserial", "-days", "2"])
        .args(["-extfile"])
        .arg(p("server.ext"))
        .args(["-out"])
        .arg(p("server.pem")));
    Pki { ca: p("ca.pem"), cert: p("server.pem"), key: p("server.key") }
}

/// `https://127.0.0.1:PORT` in front of `backend` (a plain-HTTP port on 127.0.0.1).
pub fn tls_terminator(pki: &Pki, backend: u16) -> (Daemon, String) {
    let port = free_port();
    let listen = format!(
        "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},verify=0",
        pki.cert.display(),
        pki.key.display()
    );
    let child = Command::new("socat")
        .arg(listen)
        .arg(format!("TCP:127.0.0.1:{backend}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("socat starts");
    wait_listening(port);
    (Daemon(child), format!("https://127.0.0.1:{port}"))
}

/// A CONNECT proxy on 127.0.0.1 logging to `dir/<name>.log`; `ports` limits the ports it tunnels
/// to (empty: any).
pub struct Proxy {
    _daemon: Daemon,
    pub url: String,
    pub log: PathBuf,
}

impl Proxy {
    pub fn start(dir: &Path, name: &str, ports: &[u16]) -> Proxy {
        let port = free_port();
        let log = dir.join(format!("{name}.log"));
        std::fs::write(&log, "").expect("log created");
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nAllow 127.0.0.1\nLogLevel Info\nLogFile \"{}\"\n",
            log.display()
        );
        for p in ports {
            conf.push_str(&format!("ConnectPort {p}\n"));
        }
        // tinyproxy drops root for the user it runs as; the log must stay writable for it.
        let user = if unsafe_is_root() { "nobody" } else { "" };
        if !user.is_empty() {
            conf.push_str(&format!("User {user}\nGroup nogroup\n"));
            let _ = Command::new("chmod").arg("0777").arg(dir).status();
            let _ = Command::new("chmod").arg("0666").arg(&log).status();
        }
        let path = dir.join(format!("{name}.conf"));
        std::fs::write(&path, conf).expect("config written");
        let child = Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy starts");
        wait_listening(port);
        Proxy { _daemon: Daemon(child), url: format!("http://127.0.0.1:{port}"), log }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The log's lines that record a CONNECT.
    pub fn connects(&self) -> Vec<String> {
        self.log_text().lines().filter(|l| l.contains("CONNECT ")).map(str::to_string).collect()
    }
}

fn unsafe_is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// The port of an `http://127.0.0.1:PORT` URL.
pub fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a URL with a port")
}
