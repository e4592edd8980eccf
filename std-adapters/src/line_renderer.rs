//! A formatter with its own reusable buffer: each record is rendered into the
//! same byte buffer (short pieces copied inline, the message written in
//! place), so steady-state logging allocates nothing; the template is
//! compiled once into steps, and the text of template runs that depend only
//! on the level, the logger name and the second (`asctime` among them) is
//! kept between records ([`CompiledTemplate`]).

use emlog::{Escape, Formatter, Record};

use crate::compiled_template::CompiledTemplate;
use crate::line_buf::{LineBuf, Lines};

/// Renders records to one line of bytes ending in `"\n"`, reusing its buffer.
///
/// ```
/// use emlog::{Formatter, Level, Record};
/// let mut line = emlog_std::LineRenderer::new(Formatter::new("%(levelname)s:%(message)s").unwrap());
/// let record = Record::new(Level::INFO, "app", format_args!("up {}", 1));
/// assert_eq!(line.render(&record).unwrap(), b"INFO:up 1\n");
/// ```
#[derive(Debug)]
pub struct LineRenderer {
    formatter: Formatter,
    escape: Escape,
    template: CompiledTemplate,
    buffer: LineBuf,
    /// Where a line with control characters is escaped into (then swapped).
    escaped: LineBuf,
}

/// A record's message could not be rendered: a `Display` implementation in
/// its arguments returned an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderError;

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the record could not be formatted: a value's Display implementation failed")
    }
}

impl std::error::Error for RenderError {}

impl LineRenderer {
    /// Renders with `formatter`, control characters as they are (Python's behaviour).
    pub fn new(formatter: Formatter) -> LineRenderer {
        LineRenderer {
            template: CompiledTemplate::new(&formatter),
            formatter,
            escape: Escape::Off,
            buffer: LineBuf::with_capacity(256),
            escaped: LineBuf::with_capacity(0),
        }
    }

    /// Escapes control characters as `escape` says ([`emlog::escape`]).
    ///
    /// ```
    /// use emlog::{Escape, Formatter, Level, Record};
    /// let mut line = emlog_std::LineRenderer::new(Formatter::message_only()).with_escape(Escape::ControlChars);
    /// let record = Record::new(Level::INFO, "app", format_args!("a\nCRITICAL:b"));
    /// assert_eq!(line.render(&record).unwrap(), b"a\\nCRITICAL:b\n");
    /// ```
    pub fn with_escape(mut self, escape: Escape) -> LineRenderer {
        self.escape = escape;
        self
    }

    /// Replaces the formatter.
    pub fn set_formatter(&mut self, formatter: Formatter) {
        self.template = CompiledTemplate::new(&formatter);
        self.formatter = formatter;
    }

    /// The formatter.
    pub fn formatter(&self) -> &Formatter {
        &self.formatter
    }

    /// How control characters are written ([`LineRenderer::with_escape`]).
    pub fn escape(&self) -> Escape {
        self.escape
    }

    /// Renders `record` followed by `"\n"`; the bytes stay valid until the next call.
    ///
    /// Inlined into the caller (a logger's dispatch, whose frame saves the
    /// registers anyway): the usual line's path, without a call and a frame
    /// of its own (15 instructions a W1 record); other lines' steps and
    /// escaping stay out of line. The record goes through `black_box`
    /// first, so that a caller rendering in a loop over handlers cannot
    /// have its reads of the record hoisted ahead of the loop, into every
    /// other handler's path (the queue's caller among them).
    #[inline(always)]
    pub fn render(&mut self, record: &Record<'_>) -> Result<&[u8], RenderError> {
        self.render_inlined(std::hint::black_box(record))
    }

    /// [`render`](Self::render) without `black_box`, for a caller that
    /// renders one record once (a file handler's `handle`; the barrier
    /// cost it 10 instructions there).
    #[inline(always)]
    pub(crate) fn render_inlined(&mut self, record: &Record<'_>) -> Result<&[u8], RenderError> {
        self.render_into_buffer_inlined(record)?;
        self.buffer.end_line().map_err(|_| RenderError)
    }

    /// Renders `record` without the line end, as text.
    pub fn render_str(&mut self, record: &Record<'_>) -> Result<&str, RenderError> {
        self.render_into_buffer(record)?;
        self.buffer.as_str().map_err(|_| RenderError)
    }

    /// Renders into the buffer, then escapes: one scan of the whole line is
    /// cheaper than escaping each piece the formatter writes, and a line
    /// without control characters (the usual one) is not copied. The scan
    /// reads whole blocks first ([`LineBuf::may_need_escape_from`]), and
    /// skips kept text known to hold no candidate and a message known to be
    /// printable ASCII (a plain call's numbers and text); only a line with a
    /// candidate byte is checked exactly.
    #[inline(never)]
    fn render_into_buffer(&mut self, record: &Record<'_>) -> Result<(), RenderError> {
        self.render_into_buffer_inlined(record)
    }

    /// [`render_into_buffer`](Self::render_into_buffer) itself.
    #[inline(always)]
    fn render_into_buffer_inlined(&mut self, record: &Record<'_>) -> Result<(), RenderError> {
        self.buffer.clear();
        render_parts(
            &mut self.template,
            &self.formatter,
            self.escape,
            &mut self.escaped,
            record,
            &mut self.buffer,
        )
    }

    /// Renders `record` and its line end after the text in `out` (a
    /// buffered file's pending lines), where its own buffer would have it;
    /// [`last`](Self::last) is then not this line. On failure `out` is as
    /// it was.
    #[inline(always)]
    pub(crate) fn render_line_into(
        &mut self,
        record: &Record<'_>,
        out: &mut Lines,
    ) -> Result<(), RenderError> {
        out.begin_line();
        let rendered = render_parts(
            &mut self.template,
            &self.formatter,
            self.escape,
            &mut self.escaped,
            record,
            out,
        )
        .and_then(|()| out.end_line().map(|_| ()).map_err(|_| RenderError));
        if rendered.is_err() {
            out.drop_line();
        }
        rendered
    }

    /// The last rendered line.
    pub fn last(&self) -> &[u8] {
        self.buffer.as_bytes()
    }
}

/// Renders `record` into the line begun last in `out`, then escapes it.
#[inline(always)]
fn render_parts<const L: bool>(
    template: &mut CompiledTemplate,
    formatter: &Formatter,
    escape: Escape,
    escaped: &mut LineBuf,
    record: &Record<'_>,
    out: &mut LineBuf<L>,
) -> Result<(), RenderError> {
    let scan_from = template
        .render(formatter, record, out)
        .map_err(|_| RenderError)?;
    match (escape, scan_from) {
        (Escape::ControlChars, Some(scan_from)) => escape_from(out, escaped, scan_from),
        _ => Ok(()),
    }
}

/// Escapes the line begun last in `out` if its text from `scan_from` on
/// needs it (through `escaped`); out of line, so that the usual line
/// (nothing to scan) saves no registers for it.
#[inline(never)]
fn escape_from<const L: bool>(
    out: &mut LineBuf<L>,
    escaped: &mut LineBuf,
    scan_from: usize,
) -> Result<(), RenderError> {
    if !out.may_need_escape_from(scan_from) {
        return Ok(());
    }
    let text = out.as_str().map_err(|_| RenderError)?;
    if emlog::escape::needs_escape(text) {
        escaped.clear();
        emlog::escape::write_escaped(text, &mut *escaped).map_err(|_| RenderError)?;
        out.drop_line();
        out.push_bytes(escaped.as_bytes())
            .map_err(|_| RenderError)?;
    }
    Ok(())
}

impl Default for LineRenderer {
    fn default() -> LineRenderer {
        LineRenderer::new(Formatter::message_only())
    }
}
