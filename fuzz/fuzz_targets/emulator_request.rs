//! The emulator answers any sequence of requests (any method, API or control path, headers and
//! body) without panicking, without a 5xx unless the input configured faults or chaos, and
//! without waiting: its clock is paused, so injected delays pass at once.
//!
//! Input: up to 8 requests separated by `SEPARATOR`; the emulator is reset after each input.
//! One request is 3 bytes, then text pieces separated by `\0`:
//! - byte 0: the method, `METHODS[byte % 7]`;
//! - byte 1: the path, `paths()[byte % (len + 1)]`; one past the end takes piece `id` as the
//!   whole path;
//! - byte 2: `Authorization`: `byte % 8` 0..=5 the right key, 6 a wrong key, 7 none;
//! - pieces, in order: `id` (replaces `{id}` in the path), `query` (after `?`),
//!   `adapty-customer-user-id`, `adapty-profile-id`, `idempotency-key`, `content-type`,
//!   `accept`, and the body (the rest of the request, `\0`s included). An empty or missing
//!   piece sends no such header; a request whose URI would be invalid is skipped.
//!
//! Seeding (`POST /__emulator/profiles` or `/paywalls`) with a `count` over `MAX_FAST_SEED` is
//! skipped, up to the emulator's own limit (`MAX_SEED`, past which it refuses at once): making
//! thousands of profiles is legitimate, but takes longer than an input may.
#![no_main]

use std::sync::OnceLock;

use adapty_emulator::{DEFAULT_APP_ID, Settings, control_routes, router};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Uri};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const KEY: &str = "secret_fuzz_key";
const SEPARATOR: &[u8] = b"\0NEXT\0";
const MAX_REQUESTS: usize = 8;
const METHODS: [Method; 7] = [Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE, Method::HEAD, Method::OPTIONS];
/// The emulator's limit of generated profiles and paywalls (emulator/src/domain/setup.rs).
const MAX_SEED: u64 = 1_000_000;
const MAX_FAST_SEED: u64 = 100;
const HEADERS: [&str; 5] = ["adapty-customer-user-id", "adapty-profile-id", "idempotency-key", "content-type", "accept"];

/// Every path the emulator routes (the API's as in emulator/src/http/api/routes.rs, the control
/// plane's from its description), in the order of the selector byte; fuzz/seeds.py builds the
/// same list.
fn paths() -> &'static [String] {
    static PATHS: OnceLock<Vec<String>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let mut paths = Vec::new();
        for version in ["v1", "v2"] {
            for name in ["profile", "profiles"] {
                paths.push(format!("/api/{version}/server-side-api/{name}/"));
                paths.push(format!("/api/{version}/server-side-api/{name}"));
            }
        }
        let suffixes = [
            "/purchase/set/transaction/",
            "/purchase/profile/grant/access-level/",
            "/grant/access-level/",
            "/purchase/profile/revoke/access-level/",
            "/purchase/profile/refund-saver/settings/",
            "/purchase/paddle/token/validate/",
            "/integration/profile/set/integration-identifiers/",
            "/paywalls/",
            "/paywalls/{id}/",
            "/vc/transactions/",
            "/vc/balances/",
        ];
        for suffix in suffixes {
            for version in ["v1", "v2"] {
                let p = format!("/api/{version}/server-side-api{suffix}");
                paths.push(p.trim_end_matches('/').to_owned());
                paths.push(p);
            }
        }
        paths.push("/api/v1/sdk/purchase/stripe/token/validate/".into());
        paths.push("/api/v1/sdk/purchase/stripe/token/validate".into());
        // The control plane's, from its description (each path once, in its order).
        for (_, path) in control_routes() {
            if !paths.iter().any(|p| p == path) {
                paths.push(path.into());
            }
        }
        paths
    })
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    app: Router,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // Paused: a sleep (fault `delay_ms`, chaos `slow`, `vc_processing_delay_ms`) ends as soon
        // as nothing else can run, so no input waits in real time.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().expect("a runtime");
        let app = router(Settings { api_key: Some(KEY.into()), app_id: DEFAULT_APP_ID, ..Settings::default() });
        Fixture { runtime, app }
    })
}

/// The request one part of the input encodes, or `None` when it makes no valid request.
fn request(part: &[u8]) -> Option<Request<Body>> {
    let [method, path, auth, rest @ ..] = part else { return None };
    let mut pieces = rest.splitn(8, |b| *b == 0);
    let mut piece = || pieces.next().unwrap_or_default();
    let (id, query) = (String::from_utf8_lossy(piece()).into_owned(), piece());
    let paths = paths();
    let path = match paths.get(*path as usize % (paths.len() + 1)) {
        Some(p) => p.replace("{id}", &id),
        None => id,
    };
    let uri = if query.is_empty() { path } else { format!("{path}?{}", String::from_utf8_lossy(query)) };
    let mut req = Request::builder().method(METHODS[*method as usize % METHODS.len()].clone()).uri(Uri::try_from(uri).ok()?);
    match auth % 8 {
        0..=5 => req = req.header("authorization", format!("Api-Key {KEY}")),
        6 => req = req.header("authorization", "Api-Key wrong"),
        _ => {}
    }
    for name in HEADERS {
        let value = piece();
        if let (false, Ok(v)) = (value.is_empty(), HeaderValue::from_bytes(value)) {
            req = req.header(name, v);
        }
    }
    let body = piece();
    let seeding = matches!(uri_path(&req), Some("/__emulator/profiles" | "/__emulator/paywalls"));
    let count = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| v.get("count")?.as_u64());
    if seeding && count.is_some_and(|n| (MAX_FAST_SEED + 1..=MAX_SEED).contains(&n)) {
        return None;
    }
    req.body(Body::from(body.to_vec())).ok()
}

fn uri_path(req: &axum::http::request::Builder) -> Option<&str> {
    req.uri_ref().map(Uri::path)
}

fn split(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let data = rest?;
        match data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(at) => {
                rest = Some(&data[at + SEPARATOR.len()..]);
                Some(&data[..at])
            }
            None => rest.take(),
        }
    })
    .take(MAX_REQUESTS)
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    f.runtime.block_on(async {
        let mut faults = false;
        for req in split(data).filter_map(request) {
            let path = req.uri().path().to_owned();
            faults |= path.starts_with("/__emulator/faults") || path.starts_with("/__emulator/chaos");
            let resp = f.app.clone().oneshot(req).await.expect("the router is infallible");
            let status = resp.status();
            // A body a fault breaks is an error here; that is the fault working.
            let _ = axum::body::to_bytes(resp.into_body(), usize::MAX).await;
            assert!(faults || !status.is_server_error(), "{path} answered {status} with no fault configured");
        }
        let reset = Request::post("/__emulator/reset").body(Body::empty()).expect("a request");
        let resp = f.app.clone().oneshot(reset).await.expect("the router is infallible");
        assert!(resp.status().is_success(), "reset answered {}", resp.status());
    });
});
