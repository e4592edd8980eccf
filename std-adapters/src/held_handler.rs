//! Handlers as a [`Logger`](crate::Logger) holds them. File handlers are
//! recognised by type when added, so the logger renders their lines on the
//! calling thread before taking the handler's lock: threads writing one file
//! then wait for each other only while a line is copied (W4 of issue 6).

use std::any::Any;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use emlog::{Escape, Formatter, Handler, NullHandler, Record};

use crate::{FileHandler, LineRenderer};

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
            Held::File(file) => Some(OutsideRendering::new(
                file.formatter().clone(),
                file.line.escape(),
            )),
        }
    }

    /// Handles `record`, rendered as `line` by [`OutsideRendering`] if given.
    pub(crate) fn handle_rendered(&mut self, record: &Record<'_>, line: Option<&[u8]>) -> bool {
        match (self, line) {
            (Held::File(file), Some(line)) => file.handle_line(record, line),
            (held, _) => held.handle(record),
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

/// A copy of a file handler's formatter and escaping, rendered with on each
/// calling thread.
pub(crate) struct OutsideRendering {
    /// Which handler, for the thread's renderers.
    id: u64,
    formatter: Formatter,
    /// The handler's escaping: a line rendered here is written as it is.
    escape: Escape,
}

/// Renderers a thread keeps before it starts over (handlers removed long ago).
const RENDERERS_PER_THREAD: usize = 16;

thread_local! {
    /// This thread's renderer (buffer and `asctime` cache) for each file handler.
    static RENDERERS: RefCell<Vec<(u64, LineRenderer)>> = const { RefCell::new(Vec::new()) };
}

impl OutsideRendering {
    fn new(formatter: Formatter, escape: Escape) -> OutsideRendering {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        OutsideRendering {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            formatter,
            escape,
        }
    }

    /// Renders `record` with this thread's renderer and gives `write` the
    /// line; `None` if it could not be rendered here (then the handler renders
    /// it itself, and reports a failure as it always does).
    pub(crate) fn render(&self, record: &Record<'_>, write: impl FnOnce(Option<&[u8]>)) {
        let mut write = Some(write);
        let _ = RENDERERS.try_with(|cell| {
            let Ok(mut renderers) = cell.try_borrow_mut() else {
                return;
            };
            let at = match renderers.iter().position(|(id, _)| *id == self.id) {
                Some(at) => at,
                None => {
                    if renderers.len() >= RENDERERS_PER_THREAD {
                        renderers.clear();
                    }
                    renderers.push((
                        self.id,
                        LineRenderer::new(self.formatter.clone()).with_escape(self.escape),
                    ));
                    renderers.len() - 1
                }
            };
            if let Some((_, renderer)) = renderers.get_mut(at)
                && let Ok(line) = renderer.render(record)
                && let Some(write) = write.take()
            {
                write(Some(line));
            }
        });
        if let Some(write) = write.take() {
            write(None);
        }
    }
}
