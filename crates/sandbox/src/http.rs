//! The HTTP side both platforms share: one entry point that reads the request, hands it to the
//! platform, and applies what is common to every answer (latency, timeout and reset faults).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;

use crate::config::{FaultKind, Platform};
use crate::state::Shared;
use crate::{cxone, genesys};

/// Request bodies larger than this are refused rather than buffered.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// How long a `timeout` fault holds the response.
const HANG: Duration = Duration::from_secs(30);

/// One request as the platform handlers see it.
pub(crate) struct Call {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Call {
    /// The last value of a query parameter, matched case-insensitively by name.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as form fields (token endpoints).
    pub(crate) fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }

    /// The body as JSON, or the parser's complaint.
    pub(crate) fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("Invalid request body: {e}"))
    }
}

/// The single handler behind the router: `/__sandbox/*` first, then the platform.
pub(crate) async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let query: Vec<(String, String)> =
        parts.uri.query().map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
    if let Some(rest) = path.strip_prefix("/__sandbox/") {
        return control(&shared, &parts.method, rest);
    }
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let message = format!("The request body is over {MAX_BODY} bytes or could not be read.");
            let mut response = json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &serde_json::json!({"error": "payload_too_large", "error_description": message}),
            );
            if shared.platform == Platform::Genesys {
                response.headers_mut().insert("ININ-Correlation-Id", header_value(&uuid::Uuid::new_v4().to_string()));
            }
            return response;
        }
    };
    let call = Call { method: parts.method, path, query, headers: parts.headers, body };
    match shared.platform {
        Platform::Genesys => genesys::serve(&shared, call).await,
        Platform::Cxone => cxone::serve(&shared, call).await,
    }
}

/// `GET /__sandbox/state` and `/__sandbox/stats`: never counted, limited or faulted.
fn control(shared: &Shared, method: &Method, rest: &str) -> Response {
    let body = match (method, rest) {
        (&Method::GET, "state") => shared.tenant.read().state_json(shared.platform),
        (&Method::GET, "stats") => shared.stats.json(),
        _ => {
            let body = serde_json::json!({"error": "not_found", "error_description": "Unknown sandbox control path."});
            return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
        }
    };
    axum::Json(body).into_response()
}

/// Waits the configured latency without holding a thread.
pub(crate) async fn delay(shared: &Shared) {
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
}

/// Applies the faults that act after the handler ran: `timeout` hangs (the write already
/// happened), `reset` breaks the connection mid-body.
pub(crate) async fn after_fault(shared: &Shared, fault: Option<FaultKind>, response: Response) -> Response {
    match fault {
        Some(FaultKind::Timeout) => {
            let mut stop = shared.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(HANG) => {}
                _ = stop.wait_for(|stopped| *stopped) => {}
            }
            response
        }
        Some(FaultKind::Reset) => broken(response),
        _ => response,
    }
}

/// The same status and headers, but a body that fails after its first byte, so the server drops
/// the connection without completing the response.
fn broken(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{")),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "sandbox reset fault")),
    ];
    Response::from_parts(parts, Body::from_stream(futures::stream::iter(chunks)))
}

/// A JSON response with a status.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Parses a non-negative integer query value.
pub(crate) fn parse_count(value: &str) -> Option<usize> {
    value.trim().parse::<usize>().ok()
}

/// The value of a header, if it is valid text.
pub(crate) fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}
