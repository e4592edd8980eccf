//! HTTPHandler against Python's http.server (plain and TLS with a CA made
//! in the test): method, path, every record field, auth header, connection
//! reuse, and the faults (no server, a server that never answers).

mod support;

use std::time::{Duration, Instant};

use std::sync::Mutex;

use emlog::Handler;
use emlog_std::http::{HttpHandler, Method};
use serde_json::Value;
use support::{Peer, free_port, full_record, json, path_in, temp_dir};

const HTTP_RECEIVER: &str = r#"
import http.server, json, ssl, sys, time, urllib.parse

mode = sys.argv[1]

class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, method):
        if mode == "silent":
            time.sleep(60)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        url = urllib.parse.urlsplit(self.path)
        raw = url.query if method == "GET" else body
        content_type = self.headers.get("Content-Type")
        if content_type == "application/json":
            fields = json.loads(body)
        else:
            fields = {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}
        print(json.dumps({
            "method": method, "path": url.path, "fields": fields,
            "content_type": content_type,
            "authorization": self.headers.get("Authorization"),
            "client_port": self.client_address[1],
        }), flush=True)
        # "reject": credentials refused, the header echoed back in the body.
        answer = ("denied " + str(self.headers.get("Authorization"))).encode() \
            if mode == "reject" else b"ok"
        self.send_response(401 if mode == "reject" else 200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):
        self.answer("GET")

    def do_POST(self):
        self.answer("POST")

    def log_message(self, *args):
        pass

port = int(sys.argv[2]) if mode == "http-at" else 0
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
server.daemon_threads = True
if mode == "https":
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print("READY", server.server_address[1], flush=True)
server.serve_forever()
"#;

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    match result {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

/// Checks the urlencoded fields of `full_record` as Python's receiver decoded them.
fn assert_fields(request: &Value, message: &str) {
    let fields = &request["fields"];
    let expected = [
        ("name", "app.net"),
        ("msg", message),
        ("args", "None"),
        ("levelname", "ERROR"),
        ("levelno", "40"),
        ("pathname", "src/net/link.rs"),
        ("filename", "link.rs"),
        ("module", "link"),
        ("exc_info", "None"),
        ("exc_text", "None"),
        ("stack_info", "None"),
        ("lineno", "321"),
        ("funcName", "(unknown function)"),
        ("created", "1700000000.25"),
        ("msecs", "250.0"),
        ("relativeCreated", "1700000000250.0"),
        ("thread", "140000000000123"),
        ("threadName", "worker-1"),
        ("processName", "emlogd"),
        ("process", "4242"),
        ("taskName", "None"),
    ];
    for (key, value) in expected {
        assert_eq!(fields[key], Value::from(value), "field {key} in {request}");
    }
    assert_eq!(fields.as_object().map(|o| o.len()), Some(expected.len()));
}

fn start(mode: &str, args: &[&str]) -> (tempfile::TempDir, Peer, u16) {
    let dir = temp_dir();
    let mut all = vec![mode];
    all.extend_from_slice(args);
    let mut peer = Peer::python(dir.path(), "http_recv.py", HTTP_RECEIVER, &all);
    let port = peer.ready_port();
    (dir, peer, port)
}

#[test]
fn get_sends_the_record_dict_in_the_query_string() {
    let (_dir, mut peer, port) = start("http", &[]);
    let mut handler =
        ok(HttpHandler::builder(format!("http://127.0.0.1:{port}/frob"), Method::Get).build());
    assert!(handler.handle(&full_record(format_args!("späm & {}", "eggs"))));
    let request = json(&peer.line());
    assert_eq!(request["method"], "GET");
    assert_eq!(request["path"], "/frob");
    assert_eq!(request["authorization"], Value::Null);
    assert_fields(&request, "späm & eggs");
}

#[test]
fn post_sends_urlencoded_fields_with_basic_credentials_when_allowed_and_reuses_the_connection() {
    let (_dir, mut peer, port) = start("http", &[]);
    let mut handler = ok(HttpHandler::builder(
        format!("http://127.0.0.1:{port}/frob?x=1"),
        Method::Post,
    )
    .credentials("user", "pass")
    .allow_credentials_over_plain_http()
    .build());
    assert!(handler.handle(&full_record(format_args!("späm"))));
    assert!(handler.handle(&full_record(format_args!("eggs"))));
    let first = json(&peer.line());
    let second = json(&peer.line());
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/frob");
    assert_eq!(first["content_type"], "application/x-www-form-urlencoded");
    assert_eq!(first["authorization"], "Basic dXNlcjpwYXNz");
    assert_fields(&first, "späm");
    assert_fields(&second, "eggs");
    assert_eq!(
        first["client_port"], second["client_port"],
        "a new connection per record"
    );
    assert_eq!(handler.stats().emitted, 2);
}

#[test]
fn post_json_sends_typed_values() {
    let (_dir, mut peer, port) = start("http", &[]);
    let mut handler = ok(HttpHandler::builder(
        format!("http://127.0.0.1:{port}/json"),
        Method::Post,
    )
    .json()
    .build());
    assert!(handler.handle(&full_record(format_args!("späm"))));
    let request = json(&peer.line());
    assert_eq!(request["content_type"], "application/json");
    let fields = &request["fields"];
    assert_eq!(fields["msg"], "späm");
    assert_eq!(fields["levelno"], 40);
    assert_eq!(fields["created"], 1_700_000_000.25);
    assert_eq!(fields["args"], Value::Null);
    assert_eq!(fields["thread"], 140_000_000_000_123u64);
}

#[test]
fn credentials_over_plain_http_are_refused_at_construction() {
    let err = match HttpHandler::builder("http://127.0.0.1:1/x", Method::Post)
        .credentials("u", "p")
        .build()
    {
        Ok(_) => panic!("credentials over plain http were accepted"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("allow_credentials_over_plain_http"), "{err}");
    assert!(Method::parse("PUT").is_err());
    assert!(
        HttpHandler::builder("ftp://x/", Method::Get)
            .build()
            .is_err()
    );
}

#[test]
fn https_with_a_custom_ca_delivers_and_an_unknown_ca_is_refused() {
    // A CA and a server certificate for 127.0.0.1, made here.
    let ca_key = ok(rcgen::KeyPair::generate());
    let mut ca_params = ok(rcgen::CertificateParams::new(Vec::<String>::new()));
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "emlog test CA");
    let ca = ok(rcgen::CertifiedIssuer::self_signed(ca_params, ca_key));
    let server_key = ok(rcgen::KeyPair::generate());
    let server_params = ok(rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]));
    let server_cert = ok(server_params.signed_by(&server_key, &ca));

    let dir = temp_dir();
    let cert_path = path_in(&dir, "server.pem");
    let key_path = path_in(&dir, "server.key");
    ok(std::fs::write(&cert_path, server_cert.pem()));
    ok(std::fs::write(&key_path, server_key.serialize_pem()));
    let (_d, mut peer, port) = start(
        "https",
        &[&cert_path.to_string_lossy(), &key_path.to_string_lossy()],
    );
    let url = format!("https://127.0.0.1:{port}/frob");
    let mut handler = ok(HttpHandler::builder(&url, Method::Post)
        .credentials("user", "pass")
        .ca_pem(ca.pem())
        .build());
    assert!(handler.handle(&full_record(format_args!("secret späm"))));
    let request = json(&peer.line());
    assert_eq!(request["authorization"], "Basic dXNlcjpwYXNz");
    assert_fields(&request, "secret späm");

    // Without the CA (public roots only) the server is not trusted.
    let mut untrusting = ok(HttpHandler::builder(&url, Method::Post)
        .timeout(Duration::from_secs(3))
        .build());
    assert!(!untrusting.handle(&full_record(format_args!("x"))));
    assert_eq!(untrusting.stats().dropped, 1);
}

#[test]
fn no_server_drops_and_counts_the_record_quickly_and_delivery_resumes_when_it_starts() {
    let port = free_port();
    let mut handler = ok(
        HttpHandler::builder(format!("http://127.0.0.1:{port}/"), Method::Post)
            .timeout(Duration::from_millis(500))
            .build(),
    );
    let started = Instant::now();
    assert!(!handler.handle(&full_record(format_args!("lost"))));
    assert!(started.elapsed() < Duration::from_millis(500) + Duration::from_secs(2));
    let stats = handler.stats();
    assert_eq!((stats.dropped, stats.errors, stats.emitted), (1, 1, 0));
    // The server comes up on that port: the next record is delivered.
    let port_arg = port.to_string();
    let (_dir, mut peer, up) = start("http-at", &[&port_arg]);
    assert_eq!(up, port);
    assert!(handler.handle(&full_record(format_args!("found"))));
    assert_fields(&json(&peer.line()), "found");
}

#[test]
fn a_server_that_never_answers_costs_at_most_the_timeout() {
    let (_dir, _peer, port) = start("silent", &[]);
    let timeout = Duration::from_millis(500);
    let mut handler = ok(
        HttpHandler::builder(format!("http://127.0.0.1:{port}/"), Method::Post)
            .timeout(timeout)
            .build(),
    );
    for _ in 0..2 {
        let started = Instant::now();
        assert!(!handler.handle(&full_record(format_args!("lost"))));
        let took = started.elapsed();
        assert!(took < timeout + Duration::from_secs(2), "took {took:?}");
    }
    assert_eq!(handler.stats().dropped, 2);
}

const SECRET: &str = "s3cr3t-Pa55";

/// Every error report of this test binary, as `format_error_report` prints it.
static REPORTS: Mutex<String> = Mutex::new(String::new());

fn capture_reports() {
    emlog::set_error_reporter(|report| {
        let text = emlog_std::format_error_report(report);
        REPORTS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_str(&text);
    });
}

/// The secret in the clear, percent-encoded, or inside a Basic token.
fn assert_no_secret(what: &str, text: &str) {
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("user:{SECRET}"));
    for needle in [SECRET, "s3cr3t%2DPa55", token.as_str()] {
        assert!(!text.contains(needle), "{what} shows a credential: {text}");
    }
}

#[test]
fn credentials_never_appear_in_debug_errors_or_reports_even_when_the_server_rejects_them() {
    capture_reports();
    let (_dir, mut peer, port) = start("reject", &[]);
    let in_header = HttpHandler::builder(format!("http://127.0.0.1:{port}/in"), Method::Post)
        .credentials("user", SECRET)
        .allow_credentials_over_plain_http();
    // Userinfo, percent-encoded as a URL may carry it: moved into the header.
    let in_url = HttpHandler::builder(
        format!("http://user:s3cr3t%2DPa55@127.0.0.1:{port}/in"),
        Method::Post,
    )
    .allow_credentials_over_plain_http();
    for builder in [in_header, in_url] {
        assert_no_secret("the builder's Debug", &format!("{builder:?}"));
        assert!(format!("{builder:?}").contains("credentials: true"));
        let mut handler = ok(builder.build());
        assert_no_secret("the handler's Debug", &format!("{handler:?}"));
        assert!(format!("{handler:?}").contains(&format!("\"http://127.0.0.1:{port}/in\"")));
        assert!(!handler.handle(&full_record(format_args!("rejected"))));
        assert_eq!(handler.stats().dropped, 1);
        let request = json(&peer.line());
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("user:{SECRET}"));
        assert_eq!(request["authorization"], format!("Basic {token}"));
    }
    let reports = REPORTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(
        reports.contains("HTTP server answered status 401"),
        "{reports}"
    );
    assert_no_secret("an error report", &reports);
}

#[test]
fn credentials_in_the_url_follow_the_tls_rule_and_never_appear_in_config_errors() {
    let refused = [
        format!("http://user:{SECRET}@127.0.0.1:1/x"),
        format!("htp://user:{SECRET}@127.0.0.1:1/x"),
        format!("https://user:{SECRET}@"),
        format!("user:{SECRET}@127.0.0.1:1/x"),
    ];
    for url in refused {
        let err = match HttpHandler::builder(&url, Method::Post).build() {
            Ok(_) => panic!("{url} was accepted"),
            Err(e) => e,
        };
        assert_no_secret("a config error", &format!("{err} {err:?}"));
    }
    let plain = HttpHandler::builder(format!("http://user:{SECRET}@127.0.0.1:1/x"), Method::Post)
        .build()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        plain.contains("allow_credentials_over_plain_http"),
        "{plain}"
    );
    let twice = HttpHandler::builder(format!("https://user:{SECRET}@127.0.0.1:1/x"), Method::Post)
        .credentials("user", SECRET)
        .build()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(twice.contains("given twice"), "{twice}");
    assert_no_secret("a config error", &twice);
}
