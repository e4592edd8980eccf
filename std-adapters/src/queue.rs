//! QueueHandler and QueueListener: records handed to a thread that does the I/O.
//!
//! The application thread formats the message (Python's `prepare`), copies the
//! record into the queue and returns; the listener thread writes files. With
//! the drop policies a caller never waits for anything but the queue's lock.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{JoinHandle, ThreadId};

use crate::handler_panic::PanicCount;
use crate::line_buf::LineBuf;
use emlog::{Formatter, Handler, HandlerBase, Level, Location, Record, ThreadInfo, Timestamp};

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
    DropOldest,
}

/// A record copied out of its call site: its fields, and where its strings
/// are in its [`Batch`]'s text.
#[derive(Clone, Copy, Debug)]
struct QueuedRecord {
    level: Level,
    /// Where this record's strings start in [`Batch::text`]…
    start: usize,
    /// …and where each ends, counted from `start`: logger, message, file,
    /// module path, thread name, process name.
    ends: [usize; 6],
    line: u32,
    timestamp: Timestamp,
    sequence: u32,
    thread_id: u64,
    process_id: u32,
}

/// Queued records, their strings one after another in one text buffer
/// (short strings copied inline, [`LineBuf`]). The queue and its listener
/// swap two of them, each keeping its capacity, so once both have grown to
/// the largest batch, queueing allocates nothing.
#[derive(Debug, Default)]
struct Batch {
    records: VecDeque<QueuedRecord>,
    text: LineBuf,
}

/// Text of dropped-oldest records kept before it is worth moving the rest down.
const COMPACT_AT: usize = 64 * 1024;

impl Batch {
    /// Copies `record`, with `message` as its message.
    fn push(&mut self, record: &Record<'_>, message: &LineBuf) {
        let start = self.text.len();
        let mut ends = [0; 6];
        // Cannot fail: the buffer grows as needed.
        let _ = self.text.write_str(record.logger);
        ends[0] = self.text.len() - start;
        self.text.append(message);
        ends[1] = self.text.len() - start;
        let parts = [
            record.location.file,
            record.location.module_path,
            record.thread.name,
            record.process.1,
        ];
        for (end, part) in ends.iter_mut().skip(2).zip(parts) {
            let _ = self.text.write_str(part);
            *end = self.text.len() - start;
        }
        self.records.push_back(QueuedRecord {
            level: record.level,
            start,
            ends,
            line: record.location.line,
            timestamp: record.timestamp,
            sequence: record.sequence,
            thread_id: record.thread.id,
            process_id: record.process.0,
        });
    }

    /// Drops the oldest record; its text goes when enough has piled up.
    fn drop_oldest(&mut self) {
        self.records.pop_front();
        let waste = self.records.front().map_or(self.text.len(), |r| r.start);
        if waste >= COMPACT_AT && waste * 2 >= self.text.len() {
            self.text.remove_front(waste);
            for r in &mut self.records {
                r.start -= waste;
            }
        }
    }

    fn clear(&mut self) {
        self.records.clear();
        self.text.clear();
    }

    /// This batch's text: one UTF-8 check for all its records (always valid:
    /// only `str`s are written to it).
    fn text(&self) -> &str {
        self.text.as_str().unwrap_or("")
    }

    /// Runs `f` with `q` as a record borrowing this batch's text; the message
    /// is the pre-formatted text.
    #[cfg(test)]
    fn with_record<R>(&self, q: &QueuedRecord, f: impl FnOnce(&Record<'_>) -> R) -> R {
        Batch::record_in(self.text(), q, f)
    }

    /// [`Batch::with_record`] with the batch's [`text`](Batch::text) checked already.
    fn record_in<R>(text: &str, q: &QueuedRecord, f: impl FnOnce(&Record<'_>) -> R) -> R {
        let mut parts = [""; 6];
        let mut from = q.start;
        for (part, end) in parts.iter_mut().zip(q.ends) {
            *part = text.get(from..q.start + end).unwrap_or("");
            from = q.start + end;
        }
        let [
            logger,
            message,
            file,
            module_path,
            thread_name,
            process_name,
        ] = parts;
        f(&Record {
            level: q.level,
            logger,
            args: emlog::Message::text(&message),
            location: Location {
                file,
                line: q.line,
                module_path,
            },
            timestamp: q.timestamp,
            sequence: q.sequence,
            thread: ThreadInfo {
                id: q.thread_id,
                name: thread_name,
            },
            process: (q.process_id, process_name),
        })
    }
}

#[derive(Debug, Default)]
struct QueueState {
    pending: Batch,
    stopping: bool,
    /// The listener thread taking from this queue, while it runs.
    listener: Option<ThreadId>,
}

/// The bounded queue between [`QueueHandler`]s and a [`QueueListener`].
///
/// ```
/// use emlog_std::{Overflow, RecordQueue};
/// let queue = RecordQueue::new(1024, Overflow::DropOldest);
/// assert_eq!(queue.capacity(), 1024);
/// assert_eq!(queue.dropped(), 0);
/// ```
#[derive(Debug)]
pub struct RecordQueue {
    state: Mutex<QueueState>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
    overflow: Overflow,
    dropped: AtomicU64,
}

impl RecordQueue {
    /// Holds up to `capacity` records (at least 1); `overflow` says what a full queue does.
    pub fn new(capacity: usize, overflow: Overflow) -> Arc<RecordQueue> {
        Arc::new(RecordQueue {
            state: Mutex::new(QueueState::default()),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity: capacity.max(1),
            overflow,
            dropped: AtomicU64::new(0),
        })
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Records dropped because the queue was full (or stopped), in total.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Records waiting.
    pub fn len(&self) -> usize {
        self.lock().pending.records.len()
    }

    /// Whether no record waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a copy of `record` with `message`; `false` if it was dropped
    /// (full or stopped). The lock is held only for the copy.
    fn push(&self, record: &Record<'_>, message: &LineBuf) -> bool {
        let mut state = self.lock();
        loop {
            if state.stopping {
                drop(state);
                self.dropped.fetch_add(1, Ordering::Relaxed);
                return false;
            }
            if state.pending.records.len() < self.capacity {
                // The listener only waits on an empty queue: wake it only then
                // (a futex call per record would double the caller's cost).
                let was_empty = state.pending.records.is_empty();
                state.pending.push(record, message);
                drop(state);
                if was_empty {
                    self.not_empty.notify_one();
                }
                return true;
            }
            match self.overflow {
                Overflow::Block if state.listener == Some(std::thread::current().id()) => {
                    // Only this thread could make room: waiting would never end.
                    drop(state);
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    return false;
                }
                Overflow::Block => {
                    state = self
                        .not_full
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Overflow::DropNewest => {
                    drop(state);
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    return false;
                }
                Overflow::DropOldest => {
                    state.pending.drop_oldest();
                    state.pending.push(record, message);
                    drop(state);
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
            }
        }
    }

    /// Takes everything waiting into `into` (which must be empty), blocking
    /// until something is there or the queue is stopping; `false` when
    /// stopping and empty.
    fn take_all(&self, into: &mut Batch) -> bool {
        let mut state = self.lock();
        while state.pending.records.is_empty() && !state.stopping {
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.pending.records.is_empty() {
            return false;
        }
        std::mem::swap(into, &mut state.pending);
        drop(state);
        self.not_full.notify_all();
        true
    }

    fn set_listener(&self, listener: Option<ThreadId>) {
        self.lock().listener = listener;
    }

    fn set_stopping(&self, stopping: bool) {
        self.lock().stopping = stopping;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
}

/// Python's `QueueHandler`: formats the message on the caller's thread
/// (Python's `prepare`), copies the record into a [`RecordQueue`] and returns.
///
/// Its formatter (default: the message alone) produces the message the
/// listener's handlers see, as in Python; those handlers apply their own
/// formatters around it. A record that does not fit is counted as dropped here
/// and in the queue, and the listener reports the count in-band.
///
/// The caller formats the message into the handler's own buffer, then, under
/// the queue's lock, copies the record's fields and strings onto the end of
/// the queue's text buffer; that buffer and the listener's are swapped, never
/// freed, so in steady state the caller allocates nothing. It never waits on
/// file I/O (with [`Overflow::Block`] it may wait for room in the queue).
#[derive(Debug)]
pub struct QueueHandler {
    base: HandlerBase,
    formatter: Formatter,
    queue: Arc<RecordQueue>,
    /// The message of the record being queued, formatted before the queue's lock.
    message: LineBuf,
}

impl QueueHandler {
    /// Sends records to `queue`.
    pub fn new(queue: Arc<RecordQueue>) -> QueueHandler {
        QueueHandler {
            base: HandlerBase::new(Level::NOTSET),
            formatter: Formatter::message_only(),
            queue,
            message: LineBuf::with_capacity(256),
        }
    }

    /// Formats the message with `formatter` before queueing.
    pub fn with_formatter(mut self, formatter: Formatter) -> Self {
        self.formatter = formatter;
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

    /// Python's `prepare`: the record's message formatted (into `self.message`).
    fn prepare(&mut self, record: &Record<'_>) -> std::fmt::Result {
        self.message.clear();
        self.formatter.render(record, &mut self.message)
    }
}

impl Handler for QueueHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        if self.prepare(record).is_err() {
            self.base.fail(&crate::RenderError, Some(record), true);
            return false;
        }
        let queued = self.queue.push(record, &self.message);
        if queued {
            self.base.count_emitted(false);
            true
        } else {
            self.base.count_dropped();
            false
        }
    }

    /// Later records are dropped and counted in this handler's
    /// [`dropped`](emlog::HandlerStats::dropped); the queue and its listener
    /// are left running for other handlers.
    fn close(&mut self) {
        self.base.close();
    }
}

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

fn monitor(
    queue: &RecordQueue,
    handlers: &Mutex<Vec<Box<dyn Handler + Send>>>,
    respect: bool,
    panics: &PanicCount,
) {
    let mut batch = Batch::default();
    let mut reported_drops = 0u64;
    let mut notice = String::new();
    while queue.take_all(&mut batch) {
        let mut handlers = handlers.lock().unwrap_or_else(PoisonError::into_inner);
        let dropped = queue.dropped();
        if dropped > reported_drops {
            notice.clear();
            let _ = write!(
                notice,
                "--- {} records dropped ---",
                dropped - reported_drops
            );
            reported_drops = dropped;
            deliver(
                &mut handlers,
                &Record::new(Level::WARNING, "emlog.queue", format_args!("{notice}"))
                    .with_timestamp(crate::system_timestamp()),
                respect,
                panics,
            );
        }
        let text = batch.text();
        for queued in &batch.records {
            Batch::record_in(text, queued, |record| {
                deliver(&mut handlers, record, respect, panics)
            });
        }
        drop(handlers);
        batch.clear();
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(logger: &'a str, sequence: u32) -> Record<'a> {
        Record::new(Level::WARNING, logger, format_args!("unused"))
            .with_location(Location {
                file: "src/a.rs",
                line: 7,
                module_path: "app::a",
            })
            .with_sequence(sequence)
            .with_timestamp(Timestamp::new(5, 6))
            .with_thread(ThreadInfo {
                id: 9,
                name: "worker",
            })
    }

    fn text(s: &str) -> LineBuf {
        let mut buf = LineBuf::default();
        buf.write_str(s).unwrap();
        buf
    }

    fn fields(batch: &Batch, q: &QueuedRecord) -> String {
        batch.with_record(q, |r| {
            format!(
                "{} {} {} {}:{} {} {:?} #{} {}/{} {}/{}",
                r.level,
                r.logger,
                r.args,
                r.location.file,
                r.location.line,
                r.location.module_path,
                r.timestamp,
                r.sequence,
                r.thread.id,
                r.thread.name,
                r.process.0,
                r.process.1
            )
        })
    }

    #[test]
    fn a_queued_record_gives_back_every_field() {
        let mut batch = Batch::default();
        batch.push(&record("app.net", 3), &text("link up"));
        batch.push(&record("", 4), &text(""));
        let shown: Vec<String> = batch.records.iter().map(|q| fields(&batch, q)).collect();
        assert_eq!(
            shown,
            [
                "WARNING app.net link up src/a.rs:7 app::a Timestamp { secs: 5, nanos: 6 } #3 9/worker 0/MainProcess",
                "WARNING   src/a.rs:7 app::a Timestamp { secs: 5, nanos: 6 } #4 9/worker 0/MainProcess",
            ]
        );
    }

    #[test]
    fn dropping_the_oldest_reclaims_their_text_and_keeps_the_rest_intact() {
        let mut batch = Batch::default();
        let big = "x".repeat(COMPACT_AT / 2);
        for i in 0..6 {
            batch.push(&record("app", i), &text(&format!("{i}{big}")));
        }
        for _ in 0..4 {
            batch.drop_oldest();
        }
        // Without compaction all six big messages would still be there.
        assert!(batch.text.len() < 4 * big.len(), "text was compacted");
        let messages: Vec<String> = batch
            .records
            .iter()
            .map(|q| {
                batch.with_record(q, |r| {
                    format!("{}#{}", &r.args.to_string()[..1], r.sequence)
                })
            })
            .collect();
        assert_eq!(messages, ["4#4", "5#5"]);
        batch.drop_oldest();
        batch.drop_oldest();
        assert!(batch.records.is_empty());
    }
}
