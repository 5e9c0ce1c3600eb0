//! A real `redis-server` on a free port of 127.0.0.1, stopped when dropped.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that makes a missing `redis-server` fail the tests that need it (CI sets it)
/// instead of skipping them.
pub const REQUIRE_REDIS: &str = "CHARGEBEE_TEST_REQUIRE_REDIS";

/// A running `redis-server` with nothing saved to disk.
pub struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts one, or says why not: `None` when `redis-server` is not installed and
    /// [`REQUIRE_REDIS`] is unset, after a line on the terminal naming the skipped test; a
    /// panic when it is set.
    pub fn start() -> Option<RedisServer> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let spawned = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if std::env::var_os(REQUIRE_REDIS).is_some() => {
                panic!("{REQUIRE_REDIS} is set but redis-server cannot start: {e}")
            }
            Err(e) => {
                // Written to stderr itself, not through `eprintln!`, which the test harness
                // captures and hides for a test that passes.
                use std::io::Write;
                let test = std::thread::current()
                    .name()
                    .unwrap_or("a test")
                    .to_string();
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED {test}: redis-server cannot start ({e}); install it, or set \
                     {REQUIRE_REDIS}=1 to fail instead"
                );
                return None;
            }
        };
        let server = RedisServer { child, port };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
