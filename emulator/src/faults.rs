//! Failures injected on purpose, so users can test how their code copes: the next calls
//! (optionally of one operation) answer 429, answer 503, never answer, or lose their
//! connection mid-answer; or the next time travel fails.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long a `Timeout` fault holds a call before answering: longer than any client waits.
pub const HOLD: Duration = Duration::from_secs(120);

/// What an injected fault does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The gateway's 429, with `Retry-After: 1`.
    RateLimited,
    /// A 503 from the gateway.
    Unavailable,
    /// No answer for two minutes, longer than any client waits.
    Timeout,
    /// The status line is sent, then the connection drops before the body.
    Reset,
    /// The next `time_machine.travel_forward` is accepted but the travel does not happen:
    /// the clock stays and the machine's `time_travel_status` turns `failed` (whatever
    /// operation the fault names).
    TravelFails,
}

/// A fault for the next `count` calls, of every operation or of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub count: usize,
    /// The operation it applies to (`customer.create`); every one when `None`.
    pub operation: Option<String>,
}

impl Fault {
    /// `kind` for the next `count` calls of any operation.
    pub fn new(kind: FaultKind, count: usize) -> Self {
        Fault {
            kind,
            count,
            operation: None,
        }
    }

    /// Only calls of `operation` (`resource.operation`, such as `customer.create`) count.
    pub fn for_operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }
}

impl FaultKind {
    /// The kind named `name` (`rate_limited`, `unavailable`, `timeout`, `reset`).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "rate_limited" => FaultKind::RateLimited,
            "unavailable" => FaultKind::Unavailable,
            "timeout" => FaultKind::Timeout,
            "reset" => FaultKind::Reset,
            "travel_fails" => FaultKind::TravelFails,
            _ => return None,
        })
    }
}

/// Faults waiting for calls, applied first come first served.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Vec<Fault>,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) {
        if fault.count > 0 {
            self.pending.push(fault);
        }
    }

    /// The fault that answers a call of `operation` in its place, used up by one.
    pub fn take(&mut self, operation: Option<&str>) -> Option<FaultKind> {
        self.take_first(|f| {
            f.kind != FaultKind::TravelFails
                && (f.operation.is_none() || f.operation.as_deref() == operation)
        })
    }

    /// Whether the next time travel fails, used up by one.
    pub fn take_travel_failure(&mut self) -> bool {
        self.take_first(|f| f.kind == FaultKind::TravelFails)
            .is_some()
    }

    fn take_first(&mut self, applies: impl Fn(&Fault) -> bool) -> Option<FaultKind> {
        let at = self.pending.iter().position(applies)?;
        let fault = &mut self.pending[at];
        fault.count -= 1;
        let kind = fault.kind;
        if fault.count == 0 {
            self.pending.remove(at);
        }
        Some(kind)
    }
}

/// The answer a fault taken by [`Faults::take`] gives.
pub async fn answer(kind: FaultKind) -> Response {
    match kind {
        FaultKind::TravelFails => unreachable!("a failing travel is answered by the time machine"),
        FaultKind::RateLimited => crate::failure::Failure::rate_limited(1).into_response(),
        FaultKind::Unavailable => crate::failure::Failure::gateway(
            StatusCode::SERVICE_UNAVAILABLE,
            "injected fault: service unavailable",
        )
        .into_response(),
        FaultKind::Timeout => {
            tokio::time::sleep(HOLD).await;
            crate::failure::Failure::gateway(
                StatusCode::GATEWAY_TIMEOUT,
                "injected fault: held too long",
            )
            .into_response()
        }
        FaultKind::Reset => {
            let broken = futures::stream::once(async {
                Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected fault",
                ))
            });
            let mut response = Response::new(Body::from_stream(broken));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_used_up_in_order_and_by_operation() {
        let mut faults = Faults::default();
        faults.add(Fault::new(FaultKind::Reset, 1).for_operation("customer.create"));
        faults.add(Fault::new(FaultKind::Unavailable, 2));
        faults.add(Fault::new(FaultKind::Timeout, 0));
        assert_eq!(
            faults.take(Some("customer.list")),
            Some(FaultKind::Unavailable)
        );
        assert_eq!(faults.take(Some("customer.create")), Some(FaultKind::Reset));
        assert_eq!(
            faults.take(Some("customer.create")),
            Some(FaultKind::Unavailable)
        );
        assert_eq!(faults.take(Some("customer.create")), None);
        faults.add(Fault::new(FaultKind::TravelFails, 1));
        let travel = Some("time_machine.travel_forward");
        assert_eq!(faults.take(travel), None, "the time machine takes it");
        assert!(faults.take_travel_failure());
        assert!(!faults.take_travel_failure(), "used up");
    }
}
