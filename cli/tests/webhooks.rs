//! `adapty-server webhooks send|verify` against a receiver on loopback: what it receives is what
//! Adapty sends (the SDK's own parser reads it as the type asked for), and the exit code says
//! whether Adapty would count it delivered.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use adapty_server::WebhookEventType;
use adapty_server::webhooks::{EventNames, construct_event};
use common::Ran;
use serde_json::Value;

/// A receiver answering every request with `status`; each request's Authorization and body
/// arrive on the channel.
fn receiver(status: u16) -> (String, mpsc::Receiver<(Option<String>, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/adapty", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut length, mut authorization) = (0usize, None);
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(": ").unwrap_or((line, ""));
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().unwrap(),
                    "authorization" => authorization = Some(value.to_owned()),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            tx.send((authorization, String::from_utf8(body).unwrap())).unwrap();
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{{\"ok\":true}}"
            );
            stream.write_all(answer.as_bytes()).unwrap();
        }
    });
    (url, rx)
}

fn cli(args: &[&str]) -> Ran {
    Ran::from(std::process::Command::new(env!("CARGO_BIN_EXE_adapty-server")).args(args).env_remove("ADAPTY_API_KEY").output().unwrap())
}

#[test]
fn send_delivers_what_adapty_would_send() {
    let (url, received) = receiver(200);
    let ran = cli(&[
        "webhooks",
        "send",
        "--type",
        "subscription_renewed",
        "--to",
        &url,
        "--authorization",
        "Bearer hook-secret-42",
        "--set",
        "customer_user_id=user-9",
        "--set",
        "event_properties.price_usd=4.99",
        "-o",
        "json",
    ]);
    let answer = ran.json(0);
    assert_eq!(
        (answer["status"].clone(), answer["delivered"].clone(), answer["body"]["ok"].clone()),
        (200.into(), true.into(), true.into())
    );
    let (authorization, body) = received.recv().unwrap();
    let event = construct_event(body.as_bytes(), authorization.as_deref(), "Bearer hook-secret-42", &EventNames::default()).unwrap();
    assert_eq!(event.event_type, WebhookEventType::SubscriptionRenewed);
    assert_eq!(event.customer_user_id.as_deref(), Some("user-9"));
    let properties: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(properties["event_properties"]["price_usd"], 4.99);
    assert!(!ran.stdout.contains("hook-secret-42") && !ran.stderr.contains("hook-secret-42"));
}

#[test]
fn every_type_is_sent_and_verify_sends_the_empty_object() {
    let (url, received) = receiver(204);
    for event_type in WebhookEventType::ALL {
        let ran = cli(&["webhooks", "send", "--type", event_type.as_str(), "--to", &url, "-o", "json"]);
        assert_eq!(ran.code, 0, "{event_type:?}: {ran:?}");
        let (_, body) = received.recv().unwrap();
        let event = adapty_server::webhooks::parse_event(body.as_bytes(), &EventNames::default()).unwrap();
        assert_eq!(event.event_type, *event_type);
    }
    assert_eq!(cli(&["webhooks", "verify", "--to", &url]).code, 0);
    assert_eq!(received.recv().unwrap().1, "{}");
    // Without --to the event is printed.
    let printed = cli(&["webhooks", "send", "--type", "trial_started"]).json(0);
    assert_eq!(printed["event_type"], "trial_started");
}

#[test]
fn an_answer_adapty_would_retry_exits_1() {
    let (url, _received) = receiver(500);
    let ran = cli(&["webhooks", "send", "--type", "access_level_updated", "--to", &url, "-o", "json"]);
    assert_eq!(ran.code, 1, "{ran:?}");
    assert!(ran.stderr.contains("Adapty would retry"), "{}", ran.stderr);
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let unreachable = cli(&["webhooks", "verify", "--to", &format!("http://{closed}/")]);
    assert_eq!(unreachable.code, 1, "{unreachable:?}");
}
