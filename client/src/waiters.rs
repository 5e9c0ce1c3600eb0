//! Waiting for work Chargebee finishes after answering: a time machine's travel. The waiter
//! polls the resource until it reports an outcome, within a deadline.

use crate::generated::time_machine::{TimeMachine, TimeMachines, TimeTravelStatus};
use crate::Error;
use std::time::{Duration, Instant};

/// How often a waiter polls, and how long it waits in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Polling {
    /// The pause between two polls. Chargebee asks for at least 3 seconds between two
    /// retrieves of a time machine; a local emulator answers at once and can be polled
    /// faster.
    pub interval: Duration,
    /// How long to wait in all, polls included, before giving up with [`Error::Deadline`].
    pub timeout: Duration,
}

impl Default for Polling {
    /// A poll every 3 seconds, for at most 10 minutes.
    fn default() -> Self {
        Polling {
            interval: Duration::from_secs(3),
            timeout: Duration::from_secs(600),
        }
    }
}

impl TimeMachines {
    /// Waits until the time machine `name` (`delorean`) has finished travelling: polls
    /// `time_machine.retrieve` as `polling` says and returns the machine once its
    /// `time_travel_status` is `succeeded`. A machine that reports `failed` or `not_enabled`
    /// is [`Error::TimeTravel`], with Chargebee's failure fields; no outcome within
    /// `polling.timeout` is [`Error::Deadline`]. Use it after `travel_forward` or
    /// `start_afresh`, against Chargebee or the emulator.
    pub async fn wait_for_travel(
        &self,
        name: impl Into<String>,
        polling: Polling,
    ) -> Result<TimeMachine, Error> {
        let name = name.into();
        let deadline = Instant::now() + polling.timeout;
        let mut polls = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(waited_too_long(polling, polls));
            }
            polls += 1;
            // A poll cut short by the deadline is the wait running out.
            let machine = match self.retrieve(name.clone()).timeout(remaining).send().await {
                Ok(answer) => answer.time_machine,
                Err(Error::Deadline { .. }) => return Err(waited_too_long(polling, polls)),
                Err(other) => return Err(other),
            };
            match &machine.time_travel_status {
                Some(TimeTravelStatus::Succeeded) => return Ok(machine),
                Some(status @ (TimeTravelStatus::Failed | TimeTravelStatus::NotEnabled)) => {
                    return Err(Error::TimeTravel {
                        machine: name,
                        status: status.to_string(),
                        failure_code: machine.failure_code,
                        failure_reason: machine.failure_reason,
                        error_json: machine.error_json,
                    });
                }
                // In progress, or a status this crate does not know yet: poll again.
                _ => {}
            }
            if Instant::now() + polling.interval >= deadline {
                return Err(waited_too_long(polling, polls));
            }
            tokio::time::sleep(polling.interval).await;
        }
    }
}

fn waited_too_long(polling: Polling, polls: u32) -> Error {
    Error::Deadline {
        operation: "time_machine.retrieve",
        timeout: polling.timeout,
        attempts: polls,
    }
}
