//! Handlers as a [`Logger`](crate::Logger) holds them. File handlers are
//! recognised by type when added, so the logger renders their lines on the
//! calling thread before taking the handler's lock: threads writing one file
//! then wait for each other only while a line is copied (W4 of issue 6).

use std::any::Any;
use std::sync::{Arc, Mutex};

use emlog::{Escape, Formatter, Handler, NullHandler, Record};

use crate::write_out::{WriteOut, WriteOuts};
use crate::{Clock, FileHandler, LineRenderer};

pub(crate) type BoxedHandler = Box<dyn Handler + Send>;

/// A handler in a logger slot.
pub(crate) enum Held {
    Any(BoxedHandler),
    File(Box<FileHandler>),
}

impl Held {
    pub(crate) fn new<H: Handler + Send + 'static>(handler: H) -> Held {
        let mut handler = Some(handler);
        let file = (&mut handler as &mut dyn Any)
            .downcast_mut::<Option<FileHandler>>()
            .and_then(Option::take);
        match (file, handler) {
            (Some(file), _) => Held::File(Box::new(file)),
            (None, Some(other)) => Held::Any(Box::new(other)),
            // Not reachable: the handler is taken only when it is a FileHandler.
            (None, None) => Held::Any(Box::new(NullHandler::new())),
        }
    }

    pub(crate) fn into_boxed(self) -> BoxedHandler {
        match self {
            Held::Any(handler) => handler,
            Held::File(file) => file,
        }
    }

    /// How to render this handler's lines outside its lock, if it writes lines.
    pub(crate) fn outside_rendering(&self) -> Option<OutsideRendering> {
        match self {
            Held::Any(_) => None,
            Held::File(file) => Some(OutsideRendering {
                formatter: file.formatter().clone(),
                escape: file.line.escape(),
                clock: file.clock().cloned(),
            }),
        }
    }

    /// Handles `record`, rendered as `line` by an [`OutsideRendering`]'s
    /// renderer if given. `true` if a buffered file's write-out is due, to
    /// be run with [`begin_write_out`](Self::begin_write_out) and written
    /// after the handler's lock is let go.
    pub(crate) fn handle_rendered(
        &mut self,
        record: &Record<'_>,
        line: Option<&[u8]>,
        now: Option<i64>,
    ) -> bool {
        match (self, line) {
            (Held::File(file), Some(line)) => file.handle_line_deferred(record, line, now),
            (held, _) => {
                held.handle(record);
                false
            }
        }
    }

    /// The due buffer of a file handler, to be written holding `outs`.
    pub(crate) fn begin_write_out(&mut self, outs: &mut WriteOuts) -> Option<WriteOut> {
        match self {
            Held::File(file) => file.begin_write_out(outs),
            Held::Any(_) => None,
        }
    }

    /// The lock a file handler's write-outs take.
    pub(crate) fn write_outs(&self) -> Option<Arc<Mutex<WriteOuts>>> {
        match self {
            Held::File(file) => Some(Arc::clone(file.write_outs())),
            Held::Any(_) => None,
        }
    }
}

impl std::ops::Deref for Held {
    type Target = dyn Handler + Send;

    fn deref(&self) -> &(dyn Handler + Send + 'static) {
        match self {
            Held::Any(handler) => &**handler,
            Held::File(file) => &**file,
        }
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut (dyn Handler + Send + 'static) {
        match self {
            Held::Any(handler) => &mut **handler,
            Held::File(file) => &mut **file,
        }
    }
}

/// A copy of a file handler's formatter and escaping, from which each
/// calling thread makes its own [`LineRenderer`] (its buffer and kept text).
pub(crate) struct OutsideRendering {
    formatter: Formatter,
    /// The handler's escaping: a line rendered here is written as it is.
    escape: Escape,
    /// The clock each record's write reads (a buffered file's interval),
    /// read before the handler's lock is taken unless it is the system's.
    clock: Option<Clock>,
}

impl OutsideRendering {
    /// The time a record's write needs, read now if it is a clock other
    /// than the system's: the system clock is read (if at all: see
    /// [`Clock::now_millis_at`]) by the write.
    #[inline]
    pub(crate) fn now(&self) -> Option<i64> {
        self.clock
            .as_ref()
            .filter(|clock| !clock.is_system())
            .map(Clock::now_millis)
    }

    /// A renderer for one thread.
    pub(crate) fn renderer(&self) -> LineRenderer {
        LineRenderer::new(self.formatter.clone()).with_escape(self.escape)
    }
}
