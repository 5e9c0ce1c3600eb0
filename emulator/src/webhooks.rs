//! Delivering events to the configured webhook as Chargebee does: POSTed one at a time in the
//! order they happen, with HTTP Basic; an answer outside HTTP 2XX is a failure, retried
//! seven times on Chargebee's schedule, counted on the emulator's clock. Each event's
//! `webhook_status` says where it stands: `scheduled`, `succeeded`, `re_scheduled` or
//! `failed`. On request, deliveries come twice and out of order, so that a receiver's
//! handling of duplicates and reordering can be tested.

use crate::server::Shared;
use crate::Webhook;
use std::sync::Weak;
use std::time::Duration;
use tokio::sync::mpsc;

/// The pause before each retry, in seconds: 2 minutes after the failure, then 6 minutes, 30
/// minutes, 1 hour, 5 hours, 1 day and 2 days after the previous retry.
pub const RETRY_DELAYS: [i64; 7] = [120, 360, 1_800, 3_600, 18_000, 86_400, 172_800];

/// One POST of an event: its id, its JSON text, and which attempt this is (1 for the first).
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event_id: String,
    pub text: String,
    pub attempt: u32,
}

/// How long a held-back delivery waits for the next one to overtake it.
const HOLD: Duration = Duration::from_millis(20);

/// Starts the task that POSTs deliveries to `webhook` in the order sent, and reports each
/// outcome to the emulator while it runs.
pub fn start(webhook: Webhook, shared: Weak<Shared>) -> mpsc::UnboundedSender<Delivery> {
    let (send, mut receive) = mpsc::unbounded_channel::<Delivery>();
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        let post = |delivery: Delivery| {
            let (http, webhook, shared) = (&http, &webhook, &shared);
            async move {
                let answer = http
                    .post(&webhook.url)
                    .basic_auth(&webhook.username, Some(&webhook.password))
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(delivery.text.clone())
                    .send()
                    .await;
                // A receiver that fails is the user's code under test: it is retried.
                let ok = answer.is_ok_and(|a| a.status().is_success());
                if let Some(shared) = shared.upgrade() {
                    shared.delivered(&delivery, ok);
                }
            }
        };
        let mut held: Option<Delivery> = None;
        loop {
            let next = match &held {
                Some(_) => tokio::time::timeout(HOLD, receive.recv())
                    .await
                    .unwrap_or(None),
                None => match receive.recv().await {
                    Some(delivery) => Some(delivery),
                    None => return,
                },
            };
            if !webhook.disorder {
                let Some(delivery) = next else { return };
                post(delivery).await;
                continue;
            }
            // Disorder: each first attempt waits for the next event to go first, and every
            // delivery is POSTed twice.
            match (next, held.take()) {
                (Some(delivery), None) if delivery.attempt == 1 => held = Some(delivery),
                (next, earlier) => {
                    for delivery in next.into_iter().chain(earlier) {
                        post(delivery.clone()).await;
                        post(delivery).await;
                    }
                }
            }
        }
    });
    send
}
