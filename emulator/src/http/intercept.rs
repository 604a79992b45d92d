//! The layer in front of the API: it keeps the journal, injects the planned faults (or the ones
//! chaos draws) and adds a `Request-Id` to every answer.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::chaos;
use crate::http::tenant::App;
use crate::state::chaos::{Kind, Settings};
use crate::state::journal::{Fault, JOURNAL_CAPACITY, JournalEntry};

/// Largest request body the emulator reads.
const BODY_LIMIT: usize = 1 << 20;

/// Records the request, applies a matching fault (or one chaos draws), and stamps `Request-Id`.
pub async fn intercept(App(app): App, req: Request, next: Next) -> Response {
    let request_id = Uuid::new_v4().simple().to_string();
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_owned();
    let (planned, received_at) = {
        let mut state = app.lock();
        let received_at = state.clock.now().to_rfc3339();
        let fault = state.faults.iter_mut().find(|f| matches(f, &method, &path, &parts.headers)).map(|f| {
            f.times -= 1;
            f.clone()
        });
        (fault.or_else(|| state.chaos.as_mut().and_then(|c| Some(chaos_fault(chaos::draw(c, &path)?, &c.settings)))), received_at)
    };
    let mut entry = JournalEntry {
        request_id: request_id.clone(),
        received_at,
        method,
        path,
        query: parts.uri.query().map(str::to_owned),
        // A header sent more than once shows every value, joined as HTTP joins a list.
        headers: parts.headers.iter().fold(BTreeMap::new(), |mut headers, (k, v)| {
            let value = if k == "authorization" { "<redacted>".to_owned() } else { String::from_utf8_lossy(v.as_bytes()).into_owned() };
            headers.entry(k.as_str().to_owned()).and_modify(|seen: &mut String| *seen = format!("{seen}, {value}")).or_insert(value);
            headers
        }),
        body: String::from_utf8_lossy(&body).into_owned(),
        status: 0,
        fault: planned.is_some(),
    };
    let req = Request::from_parts(parts, Body::from(body));
    let mut resp = match planned {
        None => next.run(req).await,
        Some(fault) => apply_fault(fault, req, next).await,
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("request-id", v);
    }
    entry.status = resp.status().as_u16();
    let mut state = app.lock();
    if state.journal.len() >= JOURNAL_CAPACITY {
        state.journal.pop_front();
    }
    state.journal.push_back(entry);
    resp
}

/// Waits the fault's delay, handles the request unless the fault answers instead (or handles it
/// first when it is `apply`), and gives the fault's answer. The handling runs on its own task, to
/// the end even when the client gives up waiting, as on a real server.
async fn apply_fault(f: Fault, req: Request, next: Next) -> Response {
    let answer = fault_response(&f);
    let handle = answer.is_none() || f.apply;
    if !handle && f.delay_ms.is_none() {
        return answer.unwrap_or_default();
    }
    let handled = tokio::spawn(async move {
        if let Some(ms) = f.delay_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let response = if handle { Some(next.run(req).await) } else { None };
        answer.or(response)
    });
    handled.await.ok().flatten().unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The fault a chaos kind stands for.
fn chaos_fault(kind: Kind, settings: &Settings) -> Fault {
    let status = |code| Fault { status: Some(code), ..Fault::default() };
    match kind {
        Kind::Status500 => status(500),
        Kind::Status503 => status(503),
        Kind::Status429 => Fault { retry_after: Some(settings.retry_after.clone()), ..status(429) },
        Kind::Dropped => Fault { drop_connection: true, ..Fault::default() },
        Kind::Slow => Fault { delay_ms: Some(settings.slow_ms), ..Fault::default() },
        Kind::AppliedThen500 => Fault { apply: true, ..status(500) },
        Kind::AppliedThenDropped => Fault { apply: true, drop_connection: true, ..Fault::default() },
    }
}

/// The answer a fault gives instead of the API, if it gives one.
fn fault_response(f: &Fault) -> Option<Response> {
    if f.drop_connection {
        let broken = futures_util::stream::once(async { Err::<Bytes, _>(std::io::Error::other("connection dropped by fault injection")) });
        return Some(Response::new(Body::from_stream(broken)));
    }
    let status = StatusCode::from_u16(f.status?).ok()?;
    let body = match &f.body {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => json!({ "errors": [{ "source": null, "errors": ["Injected fault"] }], "error_code": "injected_fault", "status_code": status.as_u16() }).to_string(),
    };
    let mut resp = (status, [("content-type", "application/json")], body).into_response();
    if let Some(v) = f.retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        resp.headers_mut().insert("retry-after", v);
    }
    Some(resp)
}

/// Whether `f` applies to a request: times left, and its method, path prefix and headers (each
/// present with exactly that value), where given.
fn matches(f: &Fault, method: &str, path: &str, headers: &HeaderMap) -> bool {
    f.times > 0
        && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
        && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        && f.headers.iter().all(|(name, value)| headers.get(name.as_str()).is_some_and(|v| v.as_bytes() == value.as_bytes()))
}
