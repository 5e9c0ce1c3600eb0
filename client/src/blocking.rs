//! Sending from synchronous code (feature `blocking`): `send_blocking()` on every request
//! builder waits for the answer on the calling thread, for scripts and code without an async
//! runtime.
//!
//! The calls run on a Tokio runtime of the crate's own, with one worker thread, started the
//! first time it is needed and kept: the calling thread runs its call while the worker
//! drives the connections, so a client's pool keeps working between calls and calls from
//! several threads run side by side. Limits: calling it from inside an async runtime is
//! refused with [`Error::Config`] (it would stall that runtime's thread: use `.send().await`
//! there), and a client is best used either blocking or async, not both, so its connections
//! live on one runtime.

use crate::Error;
use std::future::Future;
use std::sync::OnceLock;
use tokio::runtime::Handle;

/// The runtime blocking calls run on, started the first time.
fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("chargebee-blocking")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::Config(format!("cannot start the blocking runtime: {e}")))
}

/// Runs `call` (of `operation`) on the blocking runtime and waits for its answer.
pub(crate) fn wait<T>(
    operation: &'static str,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    if Handle::try_current().is_ok() {
        return Err(Error::Config(format!(
            "{operation}: send_blocking inside an async runtime would stall it; use \
             .send().await there"
        )));
    }
    runtime()?.block_on(call)
}
