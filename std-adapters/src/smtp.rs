//! SMTPHandler: one mail per record, as Python's `SMTPHandler` sends it.
//!
//! Each record opens a new SMTP connection, sends one message with `From`,
//! `To` (all recipients), `Subject`, `Date` and the formatted record as a
//! plain-text body, and quits, with Python's 5-second timeout on every step.
//!
//! Differences from Python, on purpose: when credentials are given the
//! connection is upgraded with STARTTLS and the server certificate checked
//! (Python logs in over plain text unless `secure` is given); sending
//! credentials without TLS needs [`SmtpHandlerBuilder::allow_plain_login`].
//! Addresses are checked when the handler is built. Every failure counts the
//! record as dropped and is reported.

use std::fmt;
use std::time::Duration;

use emlog::{Formatter, Handler, HandlerBase, Level, Record};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Mailboxes};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

/// Python's SMTPHandler timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Makes a record's subject (Python's `getSubject` override).
pub type SubjectFn = Box<dyn Fn(&Record<'_>, &str) -> String + Send + Sync>;

/// What is wrong with an SMTPHandler's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpConfigError(String);

impl fmt::Display for SmtpConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SmtpConfigError {}

/// Settings for an [`SmtpHandler`], checked by [`build`](Self::build).
///
/// `Debug` shows whether credentials are set, never them.
pub struct SmtpHandlerBuilder {
    host: String,
    port: u16,
    from: String,
    to: Vec<String>,
    subject: String,
    subject_fn: Option<SubjectFn>,
    credentials: Option<(String, String)>,
    allow_plain_login: bool,
    ca_pem: Vec<Vec<u8>>,
    timeout: Duration,
    formatter: Formatter,
    level: Level,
    name: &'static str,
}

impl fmt::Debug for SmtpHandlerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpHandlerBuilder")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("credentials", &self.credentials.is_some())
            .field("allow_plain_login", &self.allow_plain_login)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpHandlerBuilder {
    /// Sets the port (default 25, as Python).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Makes each record's subject from the record and the fixed subject.
    pub fn subject_fn(
        mut self,
        f: impl Fn(&Record<'_>, &str) -> String + Send + Sync + 'static,
    ) -> Self {
        self.subject_fn = Some(Box::new(f));
        self
    }

    /// Logs in with these credentials, after STARTTLS.
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some((user.into(), password.into()));
        self
    }

    /// Logs in without TLS (the password crosses the network readable).
    pub fn allow_plain_login(mut self) -> Self {
        self.allow_plain_login = true;
        self
    }

    /// Trusts this PEM certificate authority for STARTTLS, besides the public roots.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem.push(pem.into());
        self
    }

    /// Bounds each SMTP step (default 5 s, as Python).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the formatter of the body.
    pub fn formatter(mut self, formatter: Formatter) -> Self {
        self.formatter = formatter;
        self
    }

    /// Sets the level.
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// Names the handler (used in error reports).
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Checks the settings and makes the handler.
    pub fn build(self) -> Result<SmtpHandler, SmtpConfigError> {
        if self.host.trim().is_empty() {
            return Err(SmtpConfigError(
                "empty mail host: expected a host name or IP address".into(),
            ));
        }
        let from: Mailbox = self.from.parse().map_err(|e| {
            SmtpConfigError(format!(
                "from address {:?}: expected an address like \"app@example.com\": {e}",
                self.from
            ))
        })?;
        if self.to.is_empty() {
            return Err(SmtpConfigError(
                "no recipients: expected at least one".into(),
            ));
        }
        let mut to = Mailboxes::new();
        for address in &self.to {
            let mailbox: Mailbox = address.parse().map_err(|e| {
                SmtpConfigError(format!(
                    "recipient {address:?}: expected an address like \"ops@example.com\": {e}"
                ))
            })?;
            to.push(mailbox);
        }
        let mut transport = SmtpTransport::builder_dangerous(self.host.clone())
            .port(self.port)
            .timeout(Some(self.timeout));
        match self.credentials {
            Some((user, password)) => {
                transport = transport.credentials(Credentials::new(user, password));
                if !self.allow_plain_login {
                    let mut params = TlsParameters::builder(self.host.clone());
                    for (i, pem) in self.ca_pem.iter().enumerate() {
                        let cert = Certificate::from_pem(pem).map_err(|e| {
                            SmtpConfigError(format!(
                                "certificate authority #{}: expected a PEM certificate: {e}",
                                i + 1
                            ))
                        })?;
                        params = params.add_root_certificate(cert);
                    }
                    let params = params.build_rustls().map_err(|e| {
                        SmtpConfigError(format!("TLS settings for {}: {e}", self.host))
                    })?;
                    transport = transport.tls(Tls::Required(params));
                }
            }
            None => transport = transport.tls(Tls::None),
        }
        let mut base = HandlerBase::new(self.level);
        base.set_name(self.name);
        Ok(SmtpHandler {
            base,
            transport: transport.build(),
            from,
            to,
            subject: self.subject,
            subject_fn: self.subject_fn,
            formatter: self.formatter,
            body: String::new(),
        })
    }
}

/// Mails each record (Python's `SMTPHandler`).
///
/// ```
/// use emlog_std::smtp::SmtpHandler;
/// let handler = SmtpHandler::builder("127.0.0.1", "app@example.com", ["ops@example.com"], "Error")
///     .port(2525)
///     .subject_fn(|record, subject| format!("{subject}: {}", record.logger))
///     .build();
/// assert!(handler.is_ok());
/// let bad = SmtpHandler::builder("127.0.0.1", "not an address", ["ops@example.com"], "x").build();
/// assert!(bad.unwrap_err().to_string().contains("from address"));
/// ```
pub struct SmtpHandler {
    base: HandlerBase,
    transport: SmtpTransport,
    from: Mailbox,
    to: Mailboxes,
    subject: String,
    subject_fn: Option<SubjectFn>,
    formatter: Formatter,
    body: String,
}

impl fmt::Debug for SmtpHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpHandler")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl SmtpHandler {
    /// Settings for mailing records through `host` (port 25 unless set).
    pub fn builder<I, S>(
        host: impl Into<String>,
        from: impl Into<String>,
        to: I,
        subject: impl Into<String>,
    ) -> SmtpHandlerBuilder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        SmtpHandlerBuilder {
            host: host.into(),
            port: 25,
            from: from.into(),
            to: to.into_iter().map(Into::into).collect(),
            subject: subject.into(),
            subject_fn: None,
            credentials: None,
            allow_plain_login: false,
            ca_pem: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            formatter: Formatter::message_only(),
            level: Level::NOTSET,
            name: "",
        }
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }

    fn send(&mut self, record: &Record<'_>) -> Result<(), String> {
        self.body.clear();
        self.formatter
            .render(record, &mut self.body)
            .map_err(|_| "a Display implementation in the message returned an error".to_string())?;
        let subject = match &self.subject_fn {
            Some(f) => f(record, &self.subject),
            None => self.subject.clone(),
        };
        let message = Message::builder()
            .from(self.from.clone())
            .mailbox(lettre::message::header::To::from(self.to.clone()))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(self.body.clone())
            .map_err(|e| format!("could not build the mail: {e}"))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| format!("SMTP send failed: {e}"))
    }
}

impl Handler for SmtpHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        match self.send(record) {
            Ok(()) => {
                self.base.count_emitted(false);
                true
            }
            Err(e) => {
                self.base.fail(&e, Some(record), true);
                false
            }
        }
    }

    fn close(&mut self) {
        self.base.close();
    }
}
