//! QueueHandler and QueueListener: records handed to a thread that does the I/O.
//!
//! The application thread copies the record into the queue's ring
//! ([`RecordQueue`]) and returns; the listener thread formats and writes.
//! Python's `prepare` formats the message on the caller's thread; here a
//! plain call's arguments (numbers and text) are copied in binary instead and
//! formatted on the listener's thread into the same text, and only what may
//! borrow from the caller (a `Display` argument, a `format_args!` message, a
//! QueueHandler's own formatter) is formatted first. With the drop policies a
//! caller never waits.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use crate::handler_panic::PanicCount;
#[cfg(target_pointer_width = "64")]
use crate::queued_record::PackInPlace;
use crate::queued_record::{Capture, KnownNames, Prepared, Shape, TextInline, prepare, shape};
use crate::record_ring::Producer;
use emlog::{Formatter, Handler, HandlerBase, Level, Record};

pub use crate::record_ring::RecordQueue;

/// What a full queue does with a new record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// The caller waits for room (nothing lost; the caller may wait on the
    /// listener). A record queued from the listener's own thread (one of its
    /// handlers logs back into this queue) is dropped and counted instead,
    /// since waiting there would wait forever.
    Block,
    /// The new record is dropped and counted.
    DropNewest,
    /// The oldest queued record is dropped and counted, the new one queued.
    /// (Should another producer still be writing that oldest record at that
    /// very moment, the new one is dropped and counted instead.)
    DropOldest,
}

/// Python's `QueueHandler`: copies each record into a [`RecordQueue`] and
/// returns.
///
/// The listener's handlers see the record's message exactly as formatting it
/// here would have written it (Python's `prepare`), and apply their own
/// formatters around it. A record that does not fit is counted as dropped
/// here and in the queue, and the listener reports the count in-band.
///
/// With the default formatter (the message alone), a plain call's message
/// (`{}` and `{:.N}` placeholders, at most 8 arguments) is not formatted
/// here: its numbers and text are copied in binary, with its `'static` text
/// pieces, and the listener formats them into the line it writes. `Display`
/// arguments, other messages and a formatter given with
/// [`with_formatter`](Self::with_formatter) are formatted here, as in
/// Python. So is every message while at least half the queue waits: the
/// listener is then behind, and the formatting moves to the thread that
/// has time for it (the text is the same either way). A plain call's
/// message is then written by its own writer (no `core::fmt`), and a text
/// that writer found printable ASCII is marked so: the listener's
/// renderers copy it without scanning it for characters to escape.
///
/// Queueing takes one atomic compare-and-swap and no lock, allocates nothing
/// once the queue's slots are warm (see [`RecordQueue`]), and never waits for
/// file I/O (with [`Overflow::Block`] it may wait for room in the queue).
#[derive(Debug)]
pub struct QueueHandler {
    base: HandlerBase,
    /// `None`: the message alone (Python's default), copied unformatted when it can be.
    formatter: Option<Formatter>,
    queue: Arc<RecordQueue>,
    /// Text formatted here: the message, or a plain call's `Display` arguments.
    scratch: String,
    /// What this handler knows of the queue's positions.
    producer: Producer,
    /// The `'static` names it last saw.
    names: KnownNames,
}

impl QueueHandler {
    /// Sends records to `queue`.
    pub fn new(queue: Arc<RecordQueue>) -> QueueHandler {
        QueueHandler {
            base: HandlerBase::new(Level::NOTSET),
            formatter: None,
            queue,
            scratch: String::with_capacity(256),
            producer: Producer::new(),
            names: KnownNames::new(),
        }
    }

    /// Formats the message with `formatter` before queueing.
    pub fn with_formatter(mut self, formatter: Formatter) -> Self {
        let message_only = formatter.source() == Formatter::message_only().source();
        self.formatter = (!message_only).then_some(formatter);
        self
    }

    /// Sets the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// Names the handler (shown in error reports).
    pub fn with_name(mut self, name: &'static str) -> Self {
        self.base.set_name(name);
        self
    }
}

/// What became of a record given to a [`QueueHandler`].
enum Sent {
    Queued,
    /// The queue was full or stopped (counted there too).
    Dropped,
    /// Its message could not be formatted; `lost` if it was not queued
    /// (else it was, with the text written up to the failure).
    Failed {
        lost: bool,
    },
}

impl Sent {
    /// What a push into the queue gave: the fill's result (`false` if its
    /// message failed to format, the record queued all the same), or
    /// `None` if it was dropped.
    #[inline(always)]
    fn of(queued: Option<bool>) -> Sent {
        match queued {
            Some(true) => Sent::Queued,
            Some(false) => Sent::Failed { lost: false },
            None => Sent::Dropped,
        }
    }
}

impl QueueHandler {
    /// Copies `record`, with its message as `message`, into the queue.
    #[inline(always)]
    fn send(&mut self, record: &Record<'_>, message: Prepared<'_>) -> Sent {
        send(
            &self.queue,
            &mut self.producer,
            &mut self.names,
            record,
            message,
        )
    }

    /// While the queue is busy: `record`'s message formatted here by its
    /// own writer (a plain call's, without `core::fmt`), then queued as
    /// text, marked printable when the writer says it is, so that the
    /// listener copies it without scanning it for escaping. `None` if the
    /// message has no such writer or is longer than [`FORMAT_ROOM`].
    #[cfg(target_pointer_width = "64")]
    #[inline(always)]
    fn send_formatted(&mut self, record: &Record<'_>) -> Option<Sent> {
        let mut room = [0; FORMAT_ROOM];
        let (len, printable) = emlog::__private::write_message_into(&record.args, &mut room)?;
        let text = room.get(..len)?;
        // SAFETY: `write_message_into` writes UTF-8 text (whole `str`s and
        // ASCII) at the start of the room, `len` bytes of it.
        let text = unsafe { std::str::from_utf8_unchecked(text) };
        let (queue, producer, names) = (&self.queue, &mut self.producer, &mut self.names);
        Some(
            match send_inline(queue, producer, names, record, text, printable) {
                Some(sent) => sent,
                None => self.send(record, Prepared::Text(text)),
            },
        )
    }

    /// [`send`](Self::send) for a message that must be made ready first
    /// (see [`prepare`]), or formatted here while the queue is busy. Out of
    /// line, so that the frame of the binary way in `handle` stays small.
    #[inline(never)]
    fn send_prepared(&mut self, record: &Record<'_>) -> Sent {
        #[cfg(target_pointer_width = "64")]
        if self.formatter.is_none()
            && self.producer.busy()
            && let Some(sent) = self.send_formatted(record)
        {
            return sent;
        }
        let (queue, producer, names) = (&self.queue, &mut self.producer, &mut self.names);
        let busy = producer.busy();
        prepare(
            record,
            self.formatter.as_ref(),
            &mut self.scratch,
            busy,
            |message| send(queue, producer, names, record, message),
        )
        .unwrap_or(Sent::Failed { lost: true })
    }
}

/// Copies `record`, with its message as `message`, into `queue`.
#[inline(always)]
fn send(
    queue: &RecordQueue,
    producer: &mut Producer,
    names: &mut KnownNames,
    record: &Record<'_>,
    message: Prepared<'_>,
) -> Sent {
    if let Prepared::Text(text) = message
        && let Some(sent) = send_inline(queue, producer, names, record, text, false)
    {
        return sent;
    }
    let Some(capture) = Capture::new(record, message, names) else {
        return Sent::Failed { lost: true };
    };
    let queued = match message {
        #[cfg(target_pointer_width = "64")]
        Prepared::Packed { .. } => {
            queue.push(producer, |slot, spill| slot.fill_packed(spill, &capture))
        }
        _ => queue.push(producer, |slot, spill| slot.fill(spill, &capture)),
    };
    Sent::of(queued)
}

/// Copies `record`, with `text` as its message, into `queue` the short way
/// ([`TextInline`]; `printable` if the text is known to be printable ASCII),
/// if it goes that way.
#[inline(always)]
fn send_inline(
    queue: &RecordQueue,
    producer: &mut Producer,
    names: &mut KnownNames,
    record: &Record<'_>,
    text: &str,
    printable: bool,
) -> Option<Sent> {
    let inline = TextInline::text(record, text, printable, names)?;
    Some(
        match queue.push(producer, |slot, _| slot.fill_inline(&inline)) {
            Some(()) => Sent::Queued,
            None => Sent::Dropped,
        },
    )
}

/// Room on the stack for a message formatted here while the queue is busy
/// ([`QueueHandler::send_formatted`]): a longer one goes the general way.
#[cfg(target_pointer_width = "64")]
const FORMAT_ROOM: usize = 256;

impl Handler for QueueHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        // While the listener is behind, messages are formatted here: that
        // costs this thread nothing it would not spend waiting or dropping,
        // and spares the listener.
        let plain = match (&self.formatter, self.producer.busy()) {
            (None, false) => {
                #[cfg(target_pointer_width = "64")]
                {
                    // Packed straight into the slot when the room it takes
                    // is known to be there.
                    if let Some(len) = record.args.packed_len()
                        && let Some(in_place) = PackInPlace::new(record, len, &mut self.names)
                    {
                        let queued = self.queue.push(&mut self.producer, |slot, spill| {
                            slot.fill_packing(spill, &in_place)
                        });
                        return self.count(Sent::of(queued), record);
                    }
                    let mut room = [0; PACK_ROOM];
                    if let Some(packed) = record.args.pack(&mut room) {
                        let bytes = room.get(..packed.len).unwrap_or_default();
                        // Not inline (else `PackInPlace` took it).
                        let sent = self.send(record, Prepared::Packed { packed, bytes });
                        return self.count(sent, record);
                    }
                }
                record.args.plain_parts()
            }
            _ => None,
        };
        let sent = match plain {
            Some(parts) => match shape(&parts) {
                Shape::Binary { texts } => self.send(record, Prepared::Plain { parts, texts }),
                Shape::Format => self.send(record, Prepared::Format(&record.args)),
                Shape::Displays { .. } | Shape::Text => self.send_prepared(record),
            },
            None => self.send_prepared(record),
        };
        self.count(sent, record)
    }

    /// Later records are dropped and counted in this handler's
    /// [`dropped`](emlog::HandlerStats::dropped); the queue and its listener
    /// are left running for other handlers.
    fn close(&mut self) {
        self.base.close();
    }
}

impl QueueHandler {
    /// Counts what became of `record`; whether it was queued.
    #[inline(always)]
    fn count(&mut self, sent: Sent, record: &Record<'_>) -> bool {
        match sent {
            Sent::Queued => {
                self.base.count_emitted(false);
                true
            }
            Sent::Dropped => {
                self.base.count_dropped();
                false
            }
            Sent::Failed { lost } => {
                self.base.fail(&crate::RenderError, Some(record), lost);
                false
            }
        }
    }
}

/// Bytes a plain call's arguments may take packed (see
/// [`emlog::Message::pack`]); a call whose text arguments take more goes
/// into the slot another way.
#[cfg(target_pointer_width = "64")]
const PACK_ROOM: usize = 64;

type Handlers = Arc<Mutex<Vec<Box<dyn Handler + Send>>>>;

/// The listener was already started (Python 3.14 raises `RuntimeError`).
#[derive(Debug)]
pub enum ListenerError {
    /// `start` was called on a running listener.
    AlreadyStarted,
    /// The operating system refused to start the thread.
    Spawn(std::io::Error),
}

impl std::fmt::Display for ListenerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListenerError::AlreadyStarted => {
                f.write_str("the queue listener is already started: stop it before starting again")
            }
            ListenerError::Spawn(e) => write!(f, "cannot start the queue listener thread: {e}"),
        }
    }
}

impl std::error::Error for ListenerError {}

/// Python's `QueueListener`: a thread that takes records from a
/// [`RecordQueue`] and gives them to its handlers.
///
/// - `respect_handler_level`: if set, a handler gets only records at or above
///   its level (Python's default is to give every handler every record).
/// - Drops are reported in-band: before the next record it delivers after the
///   queue dropped some, the listener emits a WARNING record
///   `--- N records dropped ---` from logger `emlog.queue`.
/// - [`stop`](Self::stop) drains the queue, flushes the handlers and joins the
///   thread; calling it twice is fine. Dropping the listener stops it, so
///   records queued before are not lost.
///
/// ```
/// use emlog::{Handler, Level, Record};
/// use emlog_std::{Overflow, QueueHandler, QueueListener, RecordQueue};
/// let dir = tempfile::tempdir().unwrap();
/// let file = emlog_std::FileHandler::new(dir.path().join("app.log")).unwrap();
/// let queue = RecordQueue::new(1000, Overflow::Block);
/// let mut listener = QueueListener::new(queue.clone(), vec![Box::new(file)]);
/// listener.start().unwrap();
/// let mut handler = QueueHandler::new(queue);
/// handler.handle(&Record::new(Level::INFO, "app", format_args!("queued")));
/// listener.stop();
/// assert_eq!(std::fs::read_to_string(dir.path().join("app.log")).unwrap(), "queued\n");
/// ```
pub struct QueueListener {
    queue: Arc<RecordQueue>,
    handlers: Handlers,
    respect_handler_level: bool,
    thread: Option<JoinHandle<()>>,
    panics: Arc<PanicCount>,
}

impl std::fmt::Debug for QueueListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueListener")
            .field("queue", &self.queue)
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl QueueListener {
    /// A listener for `queue` giving records to `handlers` (not started).
    pub fn new(queue: Arc<RecordQueue>, handlers: Vec<Box<dyn Handler + Send>>) -> QueueListener {
        QueueListener {
            queue,
            handlers: Arc::new(Mutex::new(handlers)),
            respect_handler_level: false,
            thread: None,
            panics: Arc::default(),
        }
    }

    /// Gives a handler only records at or above its level.
    pub fn respect_handler_level(mut self, respect: bool) -> Self {
        self.respect_handler_level = respect;
        self
    }

    /// Starts the thread.
    pub fn start(&mut self) -> Result<(), ListenerError> {
        if self.thread.is_some() {
            return Err(ListenerError::AlreadyStarted);
        }
        self.queue.set_stopping(false);
        let queue = Arc::clone(&self.queue);
        let handlers = Arc::clone(&self.handlers);
        let respect = self.respect_handler_level;
        let panics = Arc::clone(&self.panics);
        let thread = std::thread::Builder::new()
            .name("emlog-queue".into())
            .spawn(move || {
                queue.set_listener(Some(std::thread::current().id()));
                monitor(&queue, &handlers, respect, &panics);
                queue.set_listener(None);
            })
            .map_err(ListenerError::Spawn)?;
        self.thread = Some(thread);
        Ok(())
    }

    /// Delivers what is queued, flushes the handlers and stops the thread.
    /// Records queued after this are dropped and counted. Idempotent.
    pub fn stop(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.queue.set_stopping(true);
        let _ = thread.join();
        for handler in self
            .handlers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter_mut()
        {
            self.panics.run(&mut **handler, None, |h| h.flush());
        }
    }

    /// How many times one of the handlers (or its filters) panicked on the
    /// listener thread: caught and counted, the first reported through
    /// [`emlog::report_error`]; the other handlers still got the record.
    pub fn handler_panics(&self) -> u64 {
        self.panics.get()
    }

    /// Whether the thread runs.
    pub fn is_running(&self) -> bool {
        self.thread.is_some()
    }

    /// Flushes the listener's handlers every `interval` on a thread of its own,
    /// until the returned guard is dropped, so buffered handlers behind the
    /// queue are written out within about one interval even when the queue is
    /// quiet. The flush takes the handlers' lock between deliveries.
    pub fn flush_every(
        &self,
        interval: std::time::Duration,
    ) -> std::io::Result<crate::PeriodicFlush> {
        let handlers = Arc::clone(&self.handlers);
        let panics = Arc::clone(&self.panics);
        crate::PeriodicFlush::start(interval, move || {
            for handler in handlers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter_mut()
            {
                panics.run(&mut **handler, None, |h| h.flush());
            }
        })
    }

    /// Runs `f` on the handlers (for their counters, or to close them).
    pub fn with_handlers<R>(&self, f: impl FnOnce(&mut [Box<dyn Handler + Send>]) -> R) -> R {
        f(&mut self.handlers.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for QueueListener {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Records the listener delivers before it lets go of its handlers' lock
/// (so that [`QueueListener::flush_every`] gets a turn).
const PASS: usize = 4096;

fn monitor(
    queue: &RecordQueue,
    handlers: &Mutex<Vec<Box<dyn Handler + Send>>>,
    respect: bool,
    panics: &PanicCount,
) {
    let mut drops = DropReport::default();
    while queue.wait_for_records() {
        let mut guard = handlers.lock().unwrap_or_else(PoisonError::into_inner);
        // The handlers as a slice, taken once a pass.
        let handlers: &mut [Box<dyn Handler + Send>] = &mut guard;
        queue.take(PASS, |queued, spill| {
            // Drops are reported before the next record delivered after them.
            if queue.dropped() > drops.reported {
                drops.report(queue.dropped(), handlers, respect, panics);
            }
            queued.with_record(spill, |record| deliver(handlers, record, respect, panics))
        });
    }
}

/// The in-band report of the records the queue dropped.
#[derive(Default)]
struct DropReport {
    /// Drops reported so far.
    reported: u64,
    /// The report's text.
    notice: String,
}

impl DropReport {
    /// Delivers `--- N records dropped ---` for the drops after those reported.
    #[cold]
    #[inline(never)]
    fn report(
        &mut self,
        dropped: u64,
        handlers: &mut [Box<dyn Handler + Send>],
        respect: bool,
        panics: &PanicCount,
    ) {
        self.notice.clear();
        let _ = write!(
            self.notice,
            "--- {} records dropped ---",
            dropped - self.reported
        );
        self.reported = dropped;
        let text = self.notice.as_str();
        deliver(
            handlers,
            &Record::new(Level::WARNING, "emlog.queue", emlog::Message::text(&text))
                .with_timestamp(crate::system_timestamp()),
            respect,
            panics,
        );
    }
}

/// Gives `record` to the handlers (inlined into the listener's loop).
#[inline(always)]
fn deliver(
    handlers: &mut [Box<dyn Handler + Send>],
    record: &Record<'_>,
    respect: bool,
    panics: &PanicCount,
) {
    for handler in handlers.iter_mut() {
        if !respect || record.level >= handler.level() {
            panics.run(&mut **handler, Some(record), |h| h.handle(record));
        }
    }
}
