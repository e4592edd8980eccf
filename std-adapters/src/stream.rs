//! StreamHandler for any `std::io::Write`: stderr by default, stdout, a socket, a `Vec<u8>`.

use std::io::Write;

use emlog::{Escape, Formatter, Handler, HandlerBase, Level, Record};

use crate::LineRenderer;

/// Writes each record as one line to a [`std::io::Write`], in **one** `write`
/// call (Python's issue 35046: lines from processes sharing a stream do not
/// interleave), then flushes, as Python's `StreamHandler` does.
///
/// ```
/// use emlog::{Handler, Level, Record};
/// let mut handler = emlog_std::StreamHandler::new(Vec::new());
/// handler.handle(&Record::new(Level::INFO, "app", format_args!("ready")));
/// assert_eq!(handler.get_ref(), b"ready\n");
/// ```
#[derive(Debug)]
pub struct StreamHandler<W: Write> {
    base: HandlerBase,
    line: LineRenderer,
    stream: W,
}

impl StreamHandler<std::io::Stderr> {
    /// To stderr, Python's default.
    pub fn stderr() -> Self {
        StreamHandler::new(std::io::stderr())
    }
}

impl StreamHandler<std::io::Stdout> {
    /// To stdout.
    pub fn stdout() -> Self {
        StreamHandler::new(std::io::stdout())
    }
}

impl<W: Write> StreamHandler<W> {
    /// To `stream`, every level, message only (Python's defaults).
    pub fn new(stream: W) -> Self {
        StreamHandler {
            base: HandlerBase::new(Level::NOTSET),
            line: LineRenderer::default(),
            stream,
        }
    }

    /// Uses `formatter`.
    pub fn with_formatter(mut self, formatter: Formatter) -> Self {
        self.line.set_formatter(formatter);
        self
    }

    /// Escapes control characters (default [`Escape::Off`], as Python:
    /// a terminal or a pipe gets what was logged). With
    /// [`Escape::ControlChars`] a message can neither forge a line nor send
    /// escape sequences to a terminal; see [`emlog::escape`].
    pub fn with_escape(mut self, escape: Escape) -> Self {
        self.line = self.line.with_escape(escape);
        self
    }

    /// Sets the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// Names the handler (used in error reports).
    pub fn with_name(mut self, name: &'static str) -> Self {
        self.base.set_name(name);
        self
    }

    /// The shared handler state (filters, counters).
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }

    /// The stream.
    pub fn get_ref(&self) -> &W {
        &self.stream
    }

    /// Replaces the stream and returns the old one (Python's `setStream`).
    pub fn set_stream(&mut self, stream: W) -> W {
        self.stream.flush().ok();
        std::mem::replace(&mut self.stream, stream)
    }
}

impl<W: Write> Handler for StreamHandler<W> {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        let bytes = match self.line.render(record) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.base.fail(&e, Some(record), true);
                return false;
            }
        };
        match self
            .stream
            .write_all(bytes)
            .and_then(|()| self.stream.flush())
        {
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

    fn flush(&mut self) {
        if let Err(e) = self.stream.flush() {
            self.base.fail(&e, None, false);
        }
    }

    fn close(&mut self) {
        self.flush();
        self.base.close();
    }
}
