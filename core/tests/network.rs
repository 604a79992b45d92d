//! The network options against the emulator served over HTTPS (a throwaway CA): trusted
//! through `ca_bundle`, refused without it, and through an HTTP CONNECT proxy (`proxy`).

mod common;

use std::net::SocketAddr;

use adapty_emulator::{DEFAULT_APP_ID, Emulator, Settings, Tls};
use adapty_server::{Client, Config, ErrorKind, ProfileRef};
use common::proxy::ConnectProxy;

/// An emulator over HTTPS, and the file of the CA its certificate is signed by.
async fn https_emulator(name: &str) -> (Emulator, String) {
    let ca = std::env::temp_dir().join(format!("adapty-network-{name}-{}.pem", std::process::id()));
    let tls = Tls::throwaway(&ca).unwrap();
    let settings = Settings { api_key: Some(common::KEY.into()), app_id: DEFAULT_APP_ID, ..Settings::default() };
    let emulator = Emulator::start_tls(SocketAddr::from(([127, 0, 0, 1], 0)), settings, &tls).await.unwrap();
    (emulator, ca.to_string_lossy().into_owned())
}

fn config(emulator: &Emulator) -> adapty_server::ConfigBuilder {
    Config::builder().api_key(common::KEY).base_url(emulator.base_url()).retry_policy(common::fast_retries(0))
}

async fn get(client: &Client) -> Result<(), adapty_server::Error> {
    match client.profiles().get(&ProfileRef::customer_user_id("nobody").unwrap()).await {
        Err(e) if e.api().is_some_and(|a| a.status == 404) => Ok(()),
        other => other.map(drop),
    }
}

#[cfg_attr(windows, ignore = "Wine cannot trust an extra root: see docs/ARCHITECTURE.md, Platforms")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusts_the_ca_bundle_and_refuses_an_unknown_certificate() {
    let (emulator, ca) = https_emulator("trust").await;
    assert!(emulator.base_url().starts_with("https://127.0.0.1:"));
    let trusted = Client::new(config(&emulator).ca_bundle(&ca).build().unwrap()).unwrap();
    get(&trusted).await.expect("a call over TLS, trusted through ca_bundle");

    let refused = Client::new(config(&emulator).build().unwrap()).unwrap();
    let err = get(&refused).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(err.to_string().contains("certificate"), "names the certificate problem: {err}");
}

#[cfg_attr(windows, ignore = "Wine cannot trust an extra root: see docs/ARCHITECTURE.md, Platforms")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goes_through_a_connect_proxy() {
    let (emulator, ca) = https_emulator("proxy").await;
    let proxy = ConnectProxy::start().await;
    let client = Client::new(config(&emulator).ca_bundle(&ca).proxy(&proxy.url).build().unwrap()).unwrap();
    get(&client).await.expect("a call through the proxy");
    let port = emulator.addr().port();
    assert_eq!(proxy.targets(), [format!("127.0.0.1:{port}")], "one tunnel, to the emulator");
}

#[test]
fn refuses_a_wrong_proxy_or_bundle_when_built() {
    let field = |b: adapty_server::ConfigBuilder| b.api_key("k").build().unwrap_err().field;
    assert_eq!(field(Config::builder().proxy("ftp://proxy:21")), "proxy");
    assert_eq!(field(Config::builder().proxy("not a url")), "proxy");
    assert_eq!(field(Config::builder().ca_bundle("/nonexistent/ca.pem")), "ca_bundle");
    let empty = std::env::temp_dir().join(format!("adapty-empty-{}.pem", std::process::id()));
    std::fs::write(&empty, "no certificate here").unwrap();
    assert_eq!(field(Config::builder().ca_bundle(empty.to_string_lossy())), "ca_bundle");
}

#[test]
fn a_proxy_password_stays_out_of_debug_output() {
    let config = Config::builder().api_key("k").proxy("http://user:hunter2@proxy.local:3128").build().unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2") && shown.contains("proxy.local"), "{shown}");
}
