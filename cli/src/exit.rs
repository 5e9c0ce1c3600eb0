//! Exit codes by kind of failure, so scripts can tell a mistake from an outage.

use chargebee::{Error, GatewayErrorKind};

/// Anything not named below.
pub const OTHER: u8 = 1;
/// The command line is wrong: unknown operation or parameter, bad value.
pub const USAGE: u8 = 2;
/// Chargebee answered with an error.
pub const API: u8 = 3;
/// The gateway refused the key.
pub const AUTH: u8 = 4;
/// Rate limited, after the client's retries.
pub const RATE_LIMITED: u8 = 5;
/// The network failed or the call ran out of time.
pub const NETWORK: u8 = 6;

/// Why the command failed, and its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            code: OTHER,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = match &error {
            _ if error.is_rate_limited() => RATE_LIMITED,
            Error::InvalidArgument { .. } | Error::Config(_) => USAGE,
            Error::Api { .. } => API,
            Error::Gateway {
                kind: GatewayErrorKind::Unauthorized,
                ..
            } => AUTH,
            Error::Transport { .. } | Error::Timeout { .. } | Error::Deadline { .. } => NETWORK,
            _ => OTHER,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}
