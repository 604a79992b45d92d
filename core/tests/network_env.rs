//! `HTTPS_PROXY` and `SSL_CERT_FILE`, read when the process's first connection pool is built: this
//! binary's one test sets them before any client exists (each test binary is its own process).

mod common;

use std::net::SocketAddr;

use adapty_emulator::{DEFAULT_APP_ID, Emulator, Settings, Tls};
use adapty_server::{Client, Config, ProfileRef};
use common::proxy::ConnectProxy;

#[cfg_attr(windows, ignore = "Wine cannot trust an extra root: see docs/ARCHITECTURE.md, Platforms")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_proxy_and_ssl_cert_file_from_the_environment() {
    let ca = std::env::temp_dir().join(format!("adapty-network-env-{}.pem", std::process::id()));
    let tls = Tls::throwaway(&ca).unwrap();
    let settings = Settings { api_key: Some(common::KEY.into()), app_id: DEFAULT_APP_ID, ..Settings::default() };
    let emulator = Emulator::start_tls(SocketAddr::from(([127, 0, 0, 1], 0)), settings, &tls).await.unwrap();
    let proxy = ConnectProxy::start().await;
    // SAFETY: no other thread of this process reads the environment yet (no client exists).
    unsafe {
        std::env::set_var("HTTPS_PROXY", &proxy.url);
        std::env::set_var("SSL_CERT_FILE", &ca);
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let config = Config::builder().api_key(common::KEY).base_url(emulator.base_url()).retry_policy(common::fast_retries(0));
    let client = Client::new(config.build().unwrap()).unwrap();
    let got = client.profiles().get(&ProfileRef::customer_user_id("nobody").unwrap()).await;
    assert_eq!(got.unwrap_err().api().map(|a| a.status), Some(404), "trusted through SSL_CERT_FILE, answered through the proxy");
    assert_eq!(proxy.targets(), [format!("127.0.0.1:{}", emulator.addr().port())]);
}
