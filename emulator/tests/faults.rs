//! Injected faults reach the client as the failures they stand for, are used up call by call,
//! and can be aimed at one operation; the client's retries ride over them.

use chargebee::{Error, GatewayErrorKind, RetryPolicy};
use chargebee_emulator::{Emulator, Fault, FaultKind};
use std::time::Duration;

fn no_retries(emulator: &Emulator) -> chargebee::Client {
    emulator
        .client_builder()
        .retry(RetryPolicy::none())
        .attempt_timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

#[tokio::test]
async fn each_kind_fails_the_way_it_says() {
    let emulator = Emulator::start().await.unwrap();
    let client = no_retries(&emulator);

    emulator.inject(Fault::new(FaultKind::RateLimited, 1));
    let e = client.customers().list().send().await.unwrap_err();
    assert!(e.is_rate_limited(), "{e}");

    emulator.inject(Fault::new(FaultKind::Unavailable, 1));
    let e = client.customers().list().send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Gateway {
                kind: GatewayErrorKind::Failure,
                status: 503,
                ..
            }
        ),
        "{e}"
    );

    emulator.inject(Fault::new(FaultKind::Timeout, 1));
    let e = client.customers().list().send().await.unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");

    emulator.inject(Fault::new(FaultKind::Reset, 1));
    let e = client.customers().list().send().await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");

    client
        .customers()
        .list()
        .send()
        .await
        .expect("every fault is used up");
}

#[tokio::test]
async fn a_fault_can_aim_at_one_operation() {
    let emulator = Emulator::start().await.unwrap();
    let client = no_retries(&emulator);
    emulator.inject(Fault::new(FaultKind::Unavailable, 2).for_operation("customer.create"));
    client
        .customers()
        .list()
        .send()
        .await
        .expect("other operations pass");
    client.customers().create().send().await.unwrap_err();
    client.customers().create().send().await.unwrap_err();
    client
        .customers()
        .create()
        .send()
        .await
        .expect("two calls used the fault up");
}

#[tokio::test]
async fn retries_ride_over_a_passing_fault() {
    let emulator = Emulator::start().await.unwrap();
    let policy = RetryPolicy::default()
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(50));
    let client = emulator.client_builder().retry(policy).build().unwrap();
    emulator.inject(Fault::new(FaultKind::Unavailable, 2));
    let (_, info) = client.customers().list().send_with_info().await.unwrap();
    assert_eq!(info.attempts, 3);
}

#[tokio::test]
async fn faults_can_be_injected_over_http() {
    let emulator = Emulator::start().await.unwrap();
    let client = no_retries(&emulator);
    let http = reqwest::Client::new();
    let url = format!("{}/_emulator/faults", emulator.url());
    let sent = http
        .post(&url)
        .body(r#"{"kind":"unavailable","operation":"customer.list"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    client.customers().list().send().await.unwrap_err();
    client.customers().list().send().await.unwrap();
    let refused = http
        .post(&url)
        .body(r#"{"kind":"meteor"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let refused = http
        .post(&url)
        .body(r#"{"kind":"reset","operation":"customer.fly"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
}
