//! Test support: a local HTTP/1.1 server on 127.0.0.1 that records every request byte for
//! byte and answers from a script, the realistic response fixtures, and a real
//! `redis-server` for the shared rate limit.

pub mod captured_logs;
pub mod redis_server;
pub mod spans;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The request line, such as `GET /api/v2/customers?limit=1 HTTP/1.1`.
    pub line: String,
    /// Header names (lower case) and values, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// When the whole request had arrived.
    pub at: std::time::Instant,
}

impl Recorded {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("body is UTF-8")
    }
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Headers beyond content type and length.
    pub headers: Vec<(String, String)>,
    /// How the answer goes wrong, if it does.
    pub fault: Fault,
}

/// Ways an answer can fail on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The answer is sent whole.
    None,
    /// The connection is closed before anything is sent back.
    Reset,
    /// Half the promised body is sent, then the connection is closed.
    Truncate,
    /// The head is sent, then the body only after this long.
    StallBody(Duration),
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply::raw(status, "application/json", body.into())
    }

    /// An answer with any content type.
    pub fn raw(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            content_type,
            body: body.into(),
            delay: Duration::ZERO,
            headers: Vec::new(),
            fault: Fault::None,
        }
    }

    /// The same answer with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The same answer, failing as `fault` says.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.fault = fault;
        self
    }

    /// A connection closed with no answer.
    pub fn reset() -> Self {
        Reply::raw(200, "application/json", "").fault(Fault::Reset)
    }

    /// The same answer, sent after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// Decides the answer to each request.
pub type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// The local server. It stops when dropped with the test's runtime.
pub struct MockServer {
    url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl MockServer {
    /// Starts a server answering with `replies` in order, then `{}` with 200.
    pub async fn start(replies: Vec<Reply>) -> MockServer {
        let script = Mutex::new(VecDeque::from(replies));
        MockServer::with_handler(Arc::new(move |_| {
            script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| Reply::json(200, "{}"))
        }))
        .await
    }

    /// Starts a server answering each request as `handler` decides.
    pub async fn with_handler(handler: Handler) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, recorded.clone(), handler.clone()));
            }
        });
        MockServer { url, requests }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The only request received; fails the test when there were more or fewer.
    pub fn only_request(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.into_iter().next().unwrap()
    }
}

async fn serve(mut stream: TcpStream, recorded: Arc<Mutex<Vec<Recorded>>>, handler: Handler) {
    let mut buf = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buf).await else {
            return;
        };
        let reply = handler(&request);
        recorded.lock().unwrap().push(request);
        tokio::time::sleep(reply.delay).await;
        if reply.fault == Fault::Reset {
            return;
        }
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\n",
            reply.status,
            reply.content_type,
            reply.body.len()
        );
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let body = match reply.fault {
            Fault::Truncate => &reply.body[..reply.body.len() / 2],
            _ => &reply.body[..],
        };
        if let Fault::StallBody(wait) = reply.fault {
            let _ = stream.flush().await;
            tokio::time::sleep(wait).await;
        }
        if stream.write_all(body).await.is_err() || reply.fault == Fault::Truncate {
            return;
        }
    }
}

async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Recorded> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let start = head_end + 4;
    while buf.len() < start + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[start..start + length].to_vec();
    buf.drain(..start + length);
    Some(Recorded {
        line,
        headers,
        body,
        at: std::time::Instant::now(),
    })
}

/// A realistic resource object from `tests/fixtures/<name>.json`.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The Maton API key the test clients use.
pub const TEST_KEY: &str = "maton-test-key-7f3a";

/// A gateway client pointed at `server` for both the Chargebee and the control API, with
/// retries and rate limiting off so each test sees exactly the requests it makes.
pub fn gateway_client(server: &MockServer) -> chargebee::Client {
    chargebee::Client::builder()
        .maton_api_key(TEST_KEY)
        .base_url(server.url())
        .control_base_url(server.url())
        .connection("conn-42")
        .user_agent("chargebee-tests")
        .retry(chargebee::RetryPolicy::none())
        .rate_limit(None)
        .build()
        .expect("valid test client")
}

/// A direct-mode client (site `acme-test`, HTTP Basic) pointed at `server`.
pub fn direct_client(server: &MockServer) -> chargebee::Client {
    chargebee::Client::builder()
        .direct("acme-test", "test_cbkey_123")
        .base_url(server.url())
        .user_agent("chargebee-tests")
        .retry(chargebee::RetryPolicy::none())
        .build()
        .expect("valid test client")
}

/// `Authorization` of the gateway test client.
pub const BEARER: &str = "Bearer maton-test-key-7f3a";
/// `Authorization` of the direct test client: base64 of `test_cbkey_123:`.
pub const BASIC: &str = "Basic dGVzdF9jYmtleV8xMjM6";

/// What a wire test expects of one request.
pub struct Expect<'a> {
    /// The exact request line.
    pub line: &'a str,
    /// The exact `Authorization` header.
    pub auth: &'a str,
    /// The exact `Content-Type`, or `None` when the request must have no body.
    pub content_type: Option<&'a str>,
    /// The exact body bytes.
    pub body: &'a str,
    /// The exact `Maton-Connection` header, or `None` when it must be absent.
    pub connection: Option<&'a str>,
}

/// `Content-Type` of form bodies.
pub const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

impl<'a> Expect<'a> {
    /// A body-less request through the gateway test client.
    pub fn gateway_get(line: &'a str) -> Self {
        Expect {
            line,
            auth: BEARER,
            content_type: None,
            body: "",
            connection: Some("conn-42"),
        }
    }

    /// A form-encoded request through the gateway test client.
    pub fn gateway_form(line: &'a str, body: &'a str) -> Self {
        Expect {
            line,
            auth: BEARER,
            content_type: FORM,
            body,
            connection: Some("conn-42"),
        }
    }
}

/// Fails the test unless `req` is exactly what `expect` describes.
pub fn assert_wire(req: &Recorded, expect: Expect<'_>) {
    assert_eq!(req.line, expect.line, "request line");
    assert_eq!(
        req.header("authorization"),
        Some(expect.auth),
        "authorization"
    );
    assert_eq!(
        req.header("content-type"),
        expect.content_type,
        "content type"
    );
    assert_eq!(req.body_text(), expect.body, "body");
    assert_eq!(
        req.header("maton-connection"),
        expect.connection,
        "Maton-Connection"
    );
    assert_eq!(req.header("accept"), Some("application/json"), "accept");
    assert_eq!(
        req.header("user-agent"),
        Some("chargebee-tests"),
        "user agent"
    );
}
