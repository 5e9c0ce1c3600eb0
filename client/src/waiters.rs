//! Waiting for work Chargebee finishes after answering: a time machine's travel, an export's
//! file. A waiter polls the resource until it reports an outcome, within a deadline.

use crate::Error;
use std::future::Future;
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

/// Calls `poll` (given the time left) every `polling.interval` until it answers `Some`, or
/// fails, or the time is up: [`Error::Deadline`] for `operation`, counting the polls. A poll
/// cut short by the deadline is the wait running out.
async fn poll_until<T, F, Fut>(
    polling: Polling,
    operation: &'static str,
    mut poll: F,
) -> Result<T, Error>
where
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = Result<Option<T>, Error>>,
{
    let deadline = Instant::now() + polling.timeout;
    let waited_too_long = |polls| Error::Deadline {
        operation,
        timeout: polling.timeout,
        attempts: polls,
    };
    let mut polls = 0;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(waited_too_long(polls));
        }
        polls += 1;
        match poll(remaining).await {
            Ok(Some(done)) => return Ok(done),
            Ok(None) => {}
            Err(Error::Deadline { .. }) => return Err(waited_too_long(polls)),
            Err(other) => return Err(other),
        }
        if Instant::now() + polling.interval >= deadline {
            return Err(waited_too_long(polls));
        }
        tokio::time::sleep(polling.interval).await;
    }
}

#[cfg(feature = "time_machine")]
impl crate::time_machine::TimeMachines {
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
    ) -> Result<crate::time_machine::TimeMachine, Error> {
        use crate::time_machine::TimeTravelStatus;
        let name = name.into();
        poll_until(polling, "time_machine.retrieve", |remaining| {
            let request = self.retrieve(name.clone()).timeout(remaining);
            let name = name.clone();
            async move {
                let machine = request.send().await?.time_machine;
                match &machine.time_travel_status {
                    Some(TimeTravelStatus::Succeeded) => Ok(Some(machine)),
                    Some(status @ (TimeTravelStatus::Failed | TimeTravelStatus::NotEnabled)) => {
                        Err(Error::TimeTravel {
                            machine: name,
                            status: status.to_string(),
                            failure_code: machine.failure_code,
                            failure_reason: machine.failure_reason,
                            error_json: machine.error_json,
                        })
                    }
                    // In progress, or a status this crate does not know yet: poll again.
                    _ => Ok(None),
                }
            }
        })
        .await
    }
}

#[cfg(feature = "export")]
impl crate::export::Exports {
    /// Waits until export `id` has its file: polls `export.retrieve` as `polling` says and
    /// returns the export once its `status` is `completed`; its `download.download_url` is
    /// valid until `download.valid_till`. An export that reports `failed` is
    /// [`Error::ExportFailed`]; no outcome within `polling.timeout` is [`Error::Deadline`].
    pub async fn wait_for_download(
        &self,
        id: impl Into<String>,
        polling: Polling,
    ) -> Result<crate::export::Export, Error> {
        use crate::export::Status;
        let id = id.into();
        poll_until(polling, "export.retrieve", |remaining| {
            let request = self.retrieve(id.clone()).timeout(remaining);
            async move {
                let export = request.send().await?.export;
                match export.status {
                    Some(Status::Completed) => Ok(Some(export)),
                    Some(Status::Failed) => Err(Error::ExportFailed { export: export.id }),
                    // In process, or a status this crate does not know yet: poll again.
                    _ => Ok(None),
                }
            }
        })
        .await
    }
}
