//! SMTPHandler against a real SMTP server (aiosmtpd, started by the test):
//! From, To, Subject and body of each mail; STARTTLS and login when
//! credentials are given; the faults.

mod support;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use emlog::{Formatter, Handler, Level, Record};
use emlog_std::smtp::SmtpHandler;
use serde_json::Value;
use support::{Peer, free_port, full_record, json, path_in, temp_dir};

const SMTP_RECEIVER: &str = r#"
import email, json, ssl, sys, time
from email import policy
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

mode, port = sys.argv[1], int(sys.argv[2])

class Receiver:
    async def handle_DATA(self, server, session, envelope):
        mail = email.message_from_bytes(envelope.content, policy=policy.default)
        print(json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": mail["From"], "to": mail["To"], "subject": mail["Subject"],
            "has_date": mail["Date"] is not None,
            "body": mail.get_content(),
            "authenticated": bool(session.authenticated),
        }), flush=True)
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    if mode == "plain-auth":
        print(json.dumps({"auth_attempt": mechanism}), flush=True)
    good = isinstance(auth_data, LoginPassword) and auth_data.login == b"user" \
        and auth_data.password == b"pass"
    return AuthResult(success=good)

options = {}
if mode == "starttls":
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[3], sys.argv[4])
    options = dict(tls_context=context, require_starttls=True,
                   authenticator=authenticator, auth_require_tls=True)
elif mode == "plain-auth":
    # AUTH offered without TLS: what a careless or hostile server does.
    options = dict(authenticator=authenticator, auth_require_tls=False)
controller = Controller(Receiver(), hostname="127.0.0.1", port=port, **options)
controller.start()
print("READY", port, flush=True)
while True:
    time.sleep(3600)
"#;

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    match result {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

fn start(dir: &tempfile::TempDir, mode: &str, extra: &[&str]) -> (Peer, u16) {
    let port = free_port();
    let port_arg = port.to_string();
    let mut args = vec![mode, port_arg.as_str()];
    args.extend_from_slice(extra);
    let mut peer = Peer::python(dir.path(), "smtp_recv.py", SMTP_RECEIVER, &args);
    assert_eq!(peer.ready_port(), port);
    (peer, port)
}

#[test]
fn each_record_is_one_mail_with_from_to_subject_and_formatted_body() {
    let dir = temp_dir();
    let (mut peer, port) = start(&dir, "plain", &[]);
    let mut handler = ok(SmtpHandler::builder(
        "127.0.0.1",
        "me@example.com",
        ["you@example.com", "ops@example.com"],
        "Log",
    )
    .port(port)
    .formatter(ok(Formatter::new("%(levelname)s:%(name)s:%(message)s")))
    .build());
    assert!(handler.handle(&full_record(format_args!("Hello ✓"))));
    assert!(handler.handle(&full_record(format_args!("second"))));
    let mail = json(&peer.line());
    assert_eq!(mail["mail_from"], "me@example.com");
    assert_eq!(
        mail["rcpt_tos"],
        serde_json::json!(["you@example.com", "ops@example.com"])
    );
    assert_eq!(mail["from"], "me@example.com");
    assert_eq!(mail["to"], "you@example.com, ops@example.com");
    assert_eq!(mail["subject"], "Log");
    assert_eq!(mail["has_date"], true);
    assert_eq!(
        mail["body"].as_str().map(str::trim_end),
        Some("ERROR:app.net:Hello ✓")
    );
    let second = json(&peer.line());
    assert_eq!(
        second["body"].as_str().map(str::trim_end),
        Some("ERROR:app.net:second")
    );
    assert_eq!(handler.stats().emitted, 2);
}

#[test]
fn the_subject_hook_names_each_mail_from_its_record() {
    let dir = temp_dir();
    let (mut peer, port) = start(&dir, "plain", &[]);
    let mut handler = ok(SmtpHandler::builder(
        "127.0.0.1",
        "me@example.com",
        ["you@example.com"],
        "Alert",
    )
    .port(port)
    .subject_fn(|record, subject| format!("{subject} [{}] from {}", record.level, record.logger))
    .build());
    assert!(handler.handle(&Record::new(Level::CRITICAL, "db", format_args!("down"))));
    let mail = json(&peer.line());
    assert_eq!(mail["subject"], "Alert [CRITICAL] from db");
    assert_eq!(mail["body"].as_str().map(str::trim_end), Some("down"));
}

#[test]
fn credentials_log_in_after_starttls_with_a_custom_ca() {
    let ca_key = ok(rcgen::KeyPair::generate());
    let mut ca_params = ok(rcgen::CertificateParams::new(Vec::<String>::new()));
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ok(rcgen::CertifiedIssuer::self_signed(ca_params, ca_key));
    let key = ok(rcgen::KeyPair::generate());
    let cert =
        ok(ok(rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])).signed_by(&key, &ca));
    let dir = temp_dir();
    let cert_path = path_in(&dir, "smtp.pem");
    let key_path = path_in(&dir, "smtp.key");
    ok(std::fs::write(&cert_path, cert.pem()));
    ok(std::fs::write(&key_path, key.serialize_pem()));
    let (mut peer, port) = start(
        &dir,
        "starttls",
        &[&cert_path.to_string_lossy(), &key_path.to_string_lossy()],
    );
    let mut handler =
        ok(
            SmtpHandler::builder("127.0.0.1", "me@example.com", ["you@example.com"], "Secure")
                .port(port)
                .credentials("user", "pass")
                .ca_pem(ca.pem())
                .build(),
        );
    assert!(handler.handle(&full_record(format_args!("over tls"))));
    let mail = json(&peer.line());
    assert_eq!(mail["authenticated"], true);
    assert_eq!(mail["subject"], "Secure");

    // Plain login to a server that requires STARTTLS is refused by it: counted, not panicking.
    let mut plain =
        ok(
            SmtpHandler::builder("127.0.0.1", "me@example.com", ["you@example.com"], "x")
                .port(port)
                .credentials("user", "pass")
                .allow_plain_login()
                .build(),
        );
    assert!(!plain.handle(&full_record(format_args!("refused"))));
    assert_eq!(plain.stats().dropped, 1);
    assert!(peer.try_line(Duration::from_millis(300)).is_none());
}

#[test]
fn with_no_server_the_record_is_dropped_counted_and_the_caller_waits_at_most_the_timeout() {
    let port = free_port();
    let timeout = Duration::from_millis(500);
    let mut handler =
        ok(
            SmtpHandler::builder("127.0.0.1", "me@example.com", ["you@example.com"], "x")
                .port(port)
                .timeout(timeout)
                .build(),
        );
    let started = Instant::now();
    assert!(!handler.handle(&full_record(format_args!("lost"))));
    assert!(started.elapsed() < timeout + Duration::from_secs(2));
    let stats = handler.stats();
    assert_eq!((stats.dropped, stats.errors), (1, 1));
    // The server comes up: the next record goes through.
    let dir = temp_dir();
    let port_arg = port.to_string();
    let mut peer = Peer::python(
        dir.path(),
        "smtp_recv.py",
        SMTP_RECEIVER,
        &["plain", &port_arg],
    );
    assert_eq!(peer.ready_port(), port);
    assert!(handler.handle(&full_record(format_args!("found"))));
    let mail: Value = json(&peer.line());
    assert_eq!(mail["body"].as_str().map(str::trim_end), Some("found"));
}

#[test]
fn a_server_that_accepts_but_never_answers_costs_at_most_the_timeout() {
    let dir = temp_dir();
    let mut silent = Peer::python(
        dir.path(),
        "silent.py",
        support::PICKLE_RECEIVER,
        &["tcp-silent", "0"],
    );
    let port = silent.ready_port();
    let timeout = Duration::from_millis(500);
    let mut handler =
        ok(
            SmtpHandler::builder("127.0.0.1", "me@example.com", ["you@example.com"], "x")
                .port(port)
                .timeout(timeout)
                .build(),
        );
    let started = Instant::now();
    assert!(!handler.handle(&full_record(format_args!("lost"))));
    let took = started.elapsed();
    assert!(took < timeout + Duration::from_secs(2), "took {took:?}");
    assert_eq!(handler.stats().dropped, 1);
    assert_eq!(silent.line(), "ACCEPTED");
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

fn reports() -> String {
    REPORTS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

#[test]
fn credentials_are_never_sent_without_tls_unless_plain_login_is_allowed() {
    capture_reports();
    let dir = temp_dir();
    let (mut peer, port) = start(&dir, "plain-auth", &[]);
    let builder = || {
        SmtpHandler::builder("127.0.0.1", "me@example.com", ["you@example.com"], "x")
            .port(port)
            .credentials("user", "pass")
    };
    // The server offers no STARTTLS: the handler stops before AUTH.
    let mut refused = ok(builder().build());
    assert!(!refused.handle(&full_record(format_args!("not sent"))));
    assert_eq!(refused.stats().dropped, 1);
    assert!(peer.try_line(Duration::from_millis(300)).is_none());
    assert!(
        reports().contains("STARTTLS is not supported on this server"),
        "{}",
        reports()
    );
    // Opted out: the password crosses in the clear, as Python sends it.
    let mut plain = ok(builder().allow_plain_login().build());
    assert!(plain.handle(&full_record(format_args!("sent in the clear"))));
    assert!(json(&peer.line())["auth_attempt"].is_string());
    let mail = json(&peer.line());
    assert_eq!(mail["authenticated"], true);
}

#[test]
fn smtp_credentials_never_appear_in_debug_errors_or_reports_even_when_rejected() {
    use base64::Engine as _;
    capture_reports();
    let dir = temp_dir();
    let (mut peer, port) = start(&dir, "plain-auth", &[]);
    let builder = SmtpHandler::builder("127.0.0.1", "me@example.com", ["you@example.com"], "x")
        .port(port)
        .credentials("user", SECRET)
        .allow_plain_login();
    let builder_debug = format!("{builder:?}");
    assert!(
        builder_debug.contains("credentials: true"),
        "{builder_debug}"
    );
    let mut handler = ok(builder.build());
    assert!(!handler.handle(&full_record(format_args!("rejected login"))));
    assert_eq!(handler.stats().dropped, 1);
    assert!(json(&peer.line())["auth_attempt"].is_string());
    let engine = base64::engine::general_purpose::STANDARD;
    let text = format!("{builder_debug} {handler:?} {}", reports());
    assert!(text.contains("SMTP send failed"), "{text}");
    for needle in [
        SECRET.to_string(),
        engine.encode(SECRET),
        engine.encode(format!("\0user\0{SECRET}")),
    ] {
        assert!(!text.contains(&needle), "a credential shows: {text}");
    }
}
