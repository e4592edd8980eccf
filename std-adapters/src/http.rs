//! HTTPHandler: each record as an HTTP GET or POST of Python's record dict.
//!
//! The body (or, for GET, the query string) is Python's
//! `urlencode(record.__dict__)`, made from the same attribute dict that
//! SocketHandler pickles (see [`record_dict`](crate::record_dict)), so a
//! collector written for Python's HTTPHandler reads it unchanged. A JSON body
//! is an option beyond Python.
//!
//! Python's `HTTPHandler(host, url, method, secure)` becomes one URL here
//! (`https://host:port/path`), so scheme, host and path are checked together.
//!
//! Connections are kept and reused (one `ureq::Agent` per handler), HTTPS
//! uses rustls (ring) with the public web roots or the certificate
//! authorities given. Differences from Python, on purpose:
//! - a timeout always bounds each request (default 5 s; Python waits forever);
//! - Basic credentials over plain `http://` are refused when the handler is
//!   built unless [`HttpHandlerBuilder::allow_credentials_over_plain_http`]
//!   is set, since they would cross the network readable;
//! - credentials in the URL (`https://user:password@host/`) are taken out
//!   of it and sent as the `Authorization: Basic` header, under the same
//!   rule; the URL kept, shown in `Debug` and in every error, has none;
//! - no credential appears in `Debug` output, errors or error reports;
//! - a response status outside 200–299 counts the record as dropped and is
//!   reported (Python ignores the response);
//! - urlencoding leaves `*` unescaped and escapes `~` (the WHATWG form
//!   encoding); every form decoder reads both ways the same.

use std::fmt;
use std::io::Read;
use std::time::Duration;

use base64::Engine as _;
use emlog::{Formatter, Handler, HandlerBase, Level, Record};
use ureq::Agent;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::record_dict::{PyValue, record_dict};

/// The HTTP method (Python accepts GET and POST only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The record dict in the query string.
    Get,
    /// The record dict in the body.
    Post,
}

impl Method {
    /// Parses `"GET"` or `"POST"` (any case), as Python's constructor checks.
    ///
    /// ```
    /// use emlog_std::http::Method;
    /// assert_eq!(Method::parse("post"), Ok(Method::Post));
    /// assert!(Method::parse("PUT").unwrap_err().to_string().contains("GET or POST"));
    /// ```
    pub fn parse(text: &str) -> Result<Method, HttpConfigError> {
        match text.to_ascii_uppercase().as_str() {
            "GET" => Ok(Method::Get),
            "POST" => Ok(Method::Post),
            _ => Err(HttpConfigError(format!(
                "method {text:?}: expected GET or POST"
            ))),
        }
    }
}

/// How the record dict is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded`, as Python sends it.
    UrlEncoded,
    /// A JSON object with the same keys and typed values (POST only).
    Json,
}

/// What is wrong with an HTTPHandler's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpConfigError(String);

impl fmt::Display for HttpConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HttpConfigError {}

/// Settings for an [`HttpHandler`], checked by [`build`](Self::build).
///
/// `Debug` shows whether credentials are set, never them.
#[derive(Clone)]
pub struct HttpHandlerBuilder {
    url: String,
    method: Method,
    body: BodyFormat,
    credentials: Option<(String, String)>,
    allow_plain_credentials: bool,
    timeout: Duration,
    ca_pem: Vec<Vec<u8>>,
    env_proxy: bool,
    formatter: Formatter,
    level: Level,
    name: &'static str,
}

impl fmt::Debug for HttpHandlerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (url, in_url) = split_userinfo(&self.url);
        f.debug_struct("HttpHandlerBuilder")
            .field("url", &url)
            .field("method", &self.method)
            .field("body", &self.body)
            .field(
                "credentials",
                &(self.credentials.is_some() || in_url.is_some()),
            )
            .field("allow_plain_credentials", &self.allow_plain_credentials)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// `url` without its userinfo (`user:password@`), and the userinfo's user
/// and password, percent-decoded.
fn split_userinfo(url: &str) -> (String, Option<(String, String)>) {
    // Without a scheme (an error later) the text is still searched, so the
    // error that reports it cannot show a password.
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = url.get(scheme_end..).unwrap_or("");
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or("");
    let Some(at) = authority.rfind('@') else {
        return (url.to_string(), None);
    };
    let userinfo = authority.get(..at).unwrap_or("");
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let stripped = format!(
        "{}{}",
        url.get(..scheme_end).unwrap_or(""),
        rest.get(at + 1..).unwrap_or("")
    );
    (
        stripped,
        Some((percent_decode(user), percent_decode(password))),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex.filter(|_| byte == b'%') {
            Some(decoded) => {
                out.push(decoded);
                i += 3;
            }
            None => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl HttpHandlerBuilder {
    /// Goes through the proxy named by `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`
    /// (honouring `NO_PROXY`). Off by default: Python's HTTPHandler connects
    /// directly, and a log collector on the local network rarely wants a proxy.
    pub fn proxy_from_env(mut self) -> Self {
        self.env_proxy = true;
        self
    }

    /// Sends the body as JSON instead of urlencoded (POST only).
    pub fn json(mut self) -> Self {
        self.body = BodyFormat::Json;
        self
    }

    /// Sends `Authorization: Basic` with these credentials (or give them in
    /// the URL: `https://user:password@host/`).
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some((user.into(), password.into()));
        self
    }

    /// Allows credentials over plain `http://` (they cross the network readable).
    pub fn allow_credentials_over_plain_http(mut self) -> Self {
        self.allow_plain_credentials = true;
        self
    }

    /// Bounds each request: connect, send and response (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Trusts this PEM certificate authority for `https://` (instead of the
    /// public web roots); may be called more than once.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem.push(pem.into());
        self
    }

    /// Sets the formatter that makes the record's `msg` (default: the message alone, as Python).
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
    pub fn build(mut self) -> Result<HttpHandler, HttpConfigError> {
        // The URL is kept, and shown in errors, without its userinfo.
        let (url, in_url) = split_userinfo(&self.url);
        self.url = url;
        if let Some(credentials) = in_url {
            if self.credentials.is_some() {
                return Err(HttpConfigError(format!(
                    "credentials for {:?} were given twice, in the URL and by credentials(): \
                     expected one of them",
                    self.url
                )));
            }
            self.credentials = Some(credentials);
        }
        let secure = if self.url.starts_with("https://") {
            true
        } else if self.url.starts_with("http://") {
            false
        } else {
            return Err(HttpConfigError(format!(
                "URL {:?}: expected one starting with http:// or https://",
                self.url
            )));
        };
        if self.url.len() <= if secure { 8 } else { 7 } {
            return Err(HttpConfigError(format!(
                "URL {:?}: expected a host after the scheme",
                self.url
            )));
        }
        if self.credentials.is_some() && !secure && !self.allow_plain_credentials {
            return Err(HttpConfigError(format!(
                "credentials for {:?} would be sent readable over plain http: use https:// \
                 or call allow_credentials_over_plain_http()",
                self.url
            )));
        }
        if !self.ca_pem.is_empty() && !secure {
            // Python: a context without secure is a ValueError.
            return Err(HttpConfigError(format!(
                "a certificate authority was given for the plain http URL {:?}: expected https://",
                self.url
            )));
        }
        if self.body == BodyFormat::Json && self.method == Method::Get {
            return Err(HttpConfigError(
                "a JSON body needs POST: GET sends the record in the query string".into(),
            ));
        }
        let mut certs = Vec::new();
        for (i, pem) in self.ca_pem.iter().enumerate() {
            let cert = Certificate::from_pem(pem).map_err(|e| {
                HttpConfigError(format!(
                    "certificate authority #{}: expected a PEM certificate: {e}",
                    i + 1
                ))
            })?;
            certs.push(cert);
        }
        let mut tls = TlsConfig::builder();
        if !certs.is_empty() {
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let agent: Agent = Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .proxy(if self.env_proxy {
                ureq::Proxy::try_from_env()
            } else {
                None
            })
            .tls_config(tls.build())
            .build()
            .into();
        let authorization = self.credentials.map(|(user, password)| {
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            format!("Basic {token}")
        });
        let mut base = HandlerBase::new(self.level);
        base.set_name(self.name);
        Ok(HttpHandler {
            base,
            agent,
            url: self.url,
            method: self.method,
            body_format: self.body,
            authorization,
            formatter: self.formatter,
            message: String::new(),
            levelname: String::new(),
            body: String::new(),
        })
    }
}

/// Sends each record to a web server (Python's `HTTPHandler`).
///
/// ```
/// use emlog_std::http::{HttpHandler, Method};
/// // Credentials over plain http are refused unless asked for.
/// let refused = HttpHandler::builder("http://127.0.0.1:8080/log", Method::Post)
///     .credentials("user", "secret")
///     .build();
/// assert!(refused.is_err());
/// let handler = HttpHandler::builder("https://logs.example/in", Method::Post).json().build();
/// assert!(handler.is_ok());
/// ```
pub struct HttpHandler {
    base: HandlerBase,
    agent: Agent,
    url: String,
    method: Method,
    body_format: BodyFormat,
    authorization: Option<String>,
    formatter: Formatter,
    message: String,
    levelname: String,
    body: String,
}

impl fmt::Debug for HttpHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpHandler")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("body_format", &self.body_format)
            .field("credentials", &self.authorization.is_some())
            .finish_non_exhaustive()
    }
}

/// Why a request failed.
enum RequestError {
    Transport(ureq::Error),
    Status(u16),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Transport(e) => write!(f, "HTTP request failed: {e}"),
            RequestError::Status(code) => write!(f, "HTTP server answered status {code}"),
        }
    }
}

/// How much of a response body is read (and dropped) so the connection can be reused.
const RESPONSE_DRAIN_LIMIT: u64 = 64 * 1024;

impl HttpHandler {
    /// Settings for a handler sending to `url` (scheme, host, optional port and path).
    pub fn builder(url: impl Into<String>, method: Method) -> HttpHandlerBuilder {
        HttpHandlerBuilder {
            url: url.into(),
            method,
            body: BodyFormat::UrlEncoded,
            credentials: None,
            allow_plain_credentials: false,
            timeout: Duration::from_secs(5),
            ca_pem: Vec::new(),
            env_proxy: false,
            formatter: Formatter::message_only(),
            level: Level::NOTSET,
            name: "",
        }
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }

    fn encode(&mut self, record: &Record<'_>) -> fmt::Result {
        use fmt::Write as _;
        self.message.clear();
        self.formatter.render(record, &mut self.message)?;
        self.levelname.clear();
        write!(self.levelname, "{}", record.level)?;
        let dict = record_dict(record, &self.message, &self.levelname);
        self.body.clear();
        match self.body_format {
            BodyFormat::UrlEncoded => {
                let mut form = form_urlencoded::Serializer::new(std::mem::take(&mut self.body));
                let mut value = String::new();
                for (key, v) in dict {
                    value.clear();
                    write!(value, "{v}")?;
                    form.append_pair(key, &value);
                }
                self.body = form.finish();
            }
            BodyFormat::Json => {
                let map: serde_json::Map<String, serde_json::Value> = dict
                    .iter()
                    .map(|&(key, v)| {
                        let json = match v {
                            PyValue::None => serde_json::Value::Null,
                            PyValue::Int(n) => n.into(),
                            PyValue::Float(x) => serde_json::Number::from_f64(x)
                                .map_or(serde_json::Value::Null, serde_json::Value::Number),
                            PyValue::Str(s) => s.into(),
                        };
                        (key.to_string(), json)
                    })
                    .collect();
                self.body = serde_json::Value::Object(map).to_string();
            }
        }
        Ok(())
    }

    fn send(&self) -> Result<(), RequestError> {
        let response = match self.method {
            Method::Get => {
                let separator = if self.url.contains('?') { '&' } else { '?' };
                let url = format!("{}{separator}{}", self.url, self.body);
                let mut request = self.agent.get(&url);
                if let Some(auth) = &self.authorization {
                    request = request.header("Authorization", auth);
                }
                request.call()
            }
            Method::Post => {
                let content_type = match self.body_format {
                    BodyFormat::UrlEncoded => "application/x-www-form-urlencoded",
                    BodyFormat::Json => "application/json",
                };
                let mut request = self
                    .agent
                    .post(&self.url)
                    .header("Content-Type", content_type);
                if let Some(auth) = &self.authorization {
                    request = request.header("Authorization", auth);
                }
                request.send(self.body.as_bytes())
            }
        }
        .map_err(RequestError::Transport)?;
        let status = response.status().as_u16();
        // Read the (small) answer so the connection goes back to the pool.
        let mut sink = Vec::new();
        let _ = response
            .into_body()
            .into_reader()
            .take(RESPONSE_DRAIN_LIMIT)
            .read_to_end(&mut sink);
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(RequestError::Status(status))
        }
    }
}

impl Handler for HttpHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        if self.encode(record).is_err() {
            self.base.fail(
                &"a Display implementation in the message returned an error",
                Some(record),
                true,
            );
            return false;
        }
        match self.send() {
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
