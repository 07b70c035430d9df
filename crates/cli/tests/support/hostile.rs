//! A hostile server: a plain HTTP/1.1 listener in front of the sandbox that forwards each request
//! or answers it badly — any status, absurd headers, truncated, oversized and malformed bodies,
//! redirects to another host, stalls, dropped connections, discovery documents that point
//! elsewhere — as a rule decides per request. A second listener, the "canary", stands for every
//! other host: nothing a client sends should ever reach it, and it records what does.
//!
//! Written on raw sockets (no HTTP library) so an answer can be as broken as a real network's.

#![allow(dead_code)]

use base64::Engine;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
}

/// What the proxy does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forwarded and answered as the sandbox answered.
    Pass,
    /// Not forwarded: answered with this status, headers and body.
    Answer { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Not forwarded: a redirect (this status) to the same path on the canary.
    Redirect(u16),
    /// Not forwarded: a 200 announcing (or, chunked, streaming) this many bytes, sent until the
    /// client hangs up.
    Huge { bytes: u64, announce: bool },
    /// Not forwarded: a 200 whose 1,000-byte body comes one byte at a time, `every` apart.
    Drip { every: Duration },
    /// Not forwarded: nothing for this long, then the connection closes.
    StallBefore(Duration),
    /// Forwarded (it lands), then nothing for this long, then the connection closes.
    StallAfter(Duration),
    /// Forwarded (it lands), then the connection closes without an answer.
    ResetAfter,
    /// Forwarded, then the body cut in half (the length header still says the whole).
    Truncate,
    /// Forwarded, then answered with the sandbox's status and this body instead.
    Garbage(Vec<u8>),
    /// Forwarded, with these headers added to the answer.
    Headers(Vec<(String, String)>),
    /// Forwarded, with every mention of the sandbox's origin in the body (and a token's
    /// `id_token` issuer) pointed at the canary: a forged discovery or token answer.
    Forge,
}

pub type Rule = Box<dyn FnMut(&Seen) -> Fault + Send>;

struct Shared {
    upstream: String,
    /// The proxy's own origin: every mention of the sandbox's in an answer is replaced by it, so
    /// discovery keeps the client talking through the proxy.
    front: String,
    canary: String,
    rule: Mutex<Rule>,
    seen: Mutex<Vec<(Seen, String)>>,
    canary_got: Mutex<Vec<u8>>,
    http: reqwest::Client,
}

/// The hostile server and its canary, each on a port of 127.0.0.1 / 127.0.0.2 (two origins).
pub struct Hostile {
    shared: Arc<Shared>,
    url: String,
    _runtime: tokio::runtime::Runtime,
}

impl Hostile {
    pub fn start(upstream: &str, rule: Rule) -> Hostile {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the hostile server");
        let (front, canary) = runtime.block_on(async {
            let front = TcpListener::bind("127.0.0.1:0").await.expect("bind the hostile server");
            // Another loopback address: another origin for the client, still on this machine.
            let canary = TcpListener::bind("127.0.0.2:0").await.expect("bind the canary");
            (front, canary)
        });
        let url = format!("http://{}", front.local_addr().expect("addr"));
        let canary_url = format!("http://{}", canary.local_addr().expect("addr"));
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            front: url.clone(),
            canary: canary_url,
            rule: Mutex::new(rule),
            seen: Mutex::new(Vec::new()),
            canary_got: Mutex::new(Vec::new()),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("the forwarding client"),
        });
        let s = shared.clone();
        runtime.spawn(async move {
            while let Ok((sock, _)) = front.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = serve(&s, sock).await;
                });
            }
        });
        let s = shared.clone();
        runtime.spawn(async move {
            while let Ok((mut sock, _)) = canary.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 65536];
                    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf)).await {
                        if n == 0 {
                            break;
                        }
                        s.canary_got.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                });
            }
        });
        Hostile { shared, url, _runtime: runtime }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Replaces the rule from the next request on.
    pub fn set_rule(&self, rule: Rule) {
        *self.shared.rule.lock().unwrap() = rule;
    }

    /// Every request and the fault it met, oldest first.
    pub fn seen(&self) -> Vec<(Seen, String)> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// Every byte that reached the canary (another host).
    pub fn canary_got(&self) -> Vec<u8> {
        self.shared.canary_got.lock().unwrap().clone()
    }
}

const HEAD_LIMIT: usize = 64 * 1024;
const BODY_LIMIT: usize = 32 << 20;

async fn serve(s: &Shared, mut sock: TcpStream) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > HEAD_LIMIT {
            return Ok(());
        }
        let mut chunk = [0u8; 8192];
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("GET").to_string();
    let path = first.next().unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
        .min(BODY_LIMIT);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; 65536];
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let seen = Seen { method: method.clone(), path: path.clone() };
    let fault = (s.rule.lock().unwrap())(&seen);
    s.seen.lock().unwrap().push((seen, format!("{fault:?}").chars().take(60).collect()));

    match &fault {
        Fault::Answer { status, headers, body } => return respond(&mut sock, *status, headers, body).await,
        Fault::Redirect(status) => {
            let to = format!("{}{path}", s.canary);
            return respond(&mut sock, *status, &[("location".into(), to)], b"").await;
        }
        Fault::Huge { bytes, announce } => return huge(&mut sock, *bytes, *announce).await,
        Fault::Drip { every } => {
            sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n")
                .await?;
            for _ in 0..1000 {
                tokio::time::sleep(*every).await;
                sock.write_all(b" ").await?;
            }
            return Ok(());
        }
        Fault::StallBefore(d) => {
            tokio::time::sleep(*d).await;
            return Ok(());
        }
        _ => {}
    }

    // Forwarded: it reaches the sandbox (a write lands).
    let mut req = s.http.request(method.parse().unwrap_or(reqwest::Method::GET), format!("{}{path}", s.upstream));
    for (k, v) in &headers {
        if !matches!(k.as_str(), "host" | "content-length" | "connection" | "transfer-encoding") {
            req = req.header(k, v);
        }
    }
    let Ok(resp) = req.body(body).send().await else {
        return Ok(());
    };
    let status = resp.status().as_u16();
    let mut out_headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "content-length" | "connection" | "transfer-encoding"))
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let raw = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    let to = if matches!(fault, Fault::Forge) { &s.canary } else { &s.front };
    let mut answer = forge(&raw, &s.upstream, to);
    match fault {
        Fault::StallAfter(d) => {
            tokio::time::sleep(d).await;
            Ok(())
        }
        Fault::ResetAfter => Ok(()),
        Fault::Truncate => {
            let whole = answer.len();
            answer.truncate(whole / 2);
            let mut text = format!("HTTP/1.1 {status} X\r\ncontent-length: {whole}\r\nconnection: close\r\n");
            for (k, v) in &out_headers {
                text.push_str(&format!("{k}: {v}\r\n"));
            }
            text.push_str("\r\n");
            sock.write_all(text.as_bytes()).await?;
            sock.write_all(&answer).await?;
            sock.flush().await
        }
        Fault::Garbage(g) => respond(&mut sock, status, &out_headers, &g).await,
        Fault::Headers(extra) => {
            out_headers.extend(extra);
            respond(&mut sock, status, &out_headers, &answer).await
        }
        _ => respond(&mut sock, status, &out_headers, &answer).await,
    }
}

async fn respond(sock: &mut TcpStream, status: u16, headers: &[(String, String)], body: &[u8]) -> std::io::Result<()> {
    let mut text = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    sock.write_all(text.as_bytes()).await?;
    sock.write_all(body).await?;
    sock.flush().await
}

async fn huge(sock: &mut TcpStream, bytes: u64, announce: bool) -> std::io::Result<()> {
    let head = if announce {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {bytes}\r\nconnection: close\r\n\r\n"
        )
    } else {
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            .into()
    };
    sock.write_all(head.as_bytes()).await?;
    let block = vec![b' '; 1 << 20];
    let mut sent = 0u64;
    while sent < bytes {
        let r = if announce {
            sock.write_all(&block).await
        } else {
            let mut c = format!("{:x}\r\n", block.len()).into_bytes();
            c.extend_from_slice(&block);
            c.extend_from_slice(b"\r\n");
            sock.write_all(&c).await
        };
        if r.is_err() {
            return Ok(()); // the client hung up: what it should do
        }
        sent += block.len() as u64;
    }
    Ok(())
}

/// The sandbox's origin replaced by `to` in a body, and in a JSON body's `id_token` the issuer
/// (`iss`) too. Bodies that do not mention it come back as they were.
fn forge(body: &[u8], upstream: &str, to: &str) -> Vec<u8> {
    let canary = to;
    if !body.windows(upstream.len()).any(|w| w == upstream.as_bytes())
        && !body.windows(10).any(|w| w == b"\"id_token\"")
    {
        return body.to_vec();
    }
    let text = String::from_utf8_lossy(body).replace(upstream, canary);
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return text.into_bytes();
    };
    if let Some(jwt) = v.get("id_token").and_then(|t| t.as_str()).map(str::to_string) {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let parts: Vec<&str> = jwt.split('.').collect();
        if parts.len() == 3 {
            if let Ok(mut claims) = b64
                .decode(parts[1])
                .map_err(|_| ())
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).map_err(|_| ()))
            {
                claims["iss"] = serde_json::Value::String(canary.to_string());
                let payload = b64.encode(serde_json::to_vec(&claims).unwrap_or_default());
                v["id_token"] = serde_json::Value::String(format!("{}.{payload}.{}", parts[0], parts[2]));
            }
        }
    }
    serde_json::to_vec(&v).unwrap_or_default()
}
