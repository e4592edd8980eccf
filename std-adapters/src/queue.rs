//! QueueHandler and QueueListener: records handed to a thread that does the I/O.
//!
//! The application thread formats the message (Python's `prepare`), copies the
//! record into the queue and returns; the listener thread writes files. With
//! the drop policies a caller never waits for anything but the queue's lock.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

use emlog::{Formatter, Handler, HandlerBase, Level, Location, Record, ThreadInfo, Timestamp};

/// What a full queue does with a new record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// The caller waits for room (nothing lost; the caller may wait on the listener).
    Block,
    /// The new record is dropped and counted.
    DropNewest,
    /// The oldest queued record is dropped and counted, the new one queued.
    DropOldest,
}

/// A record copied out of its call site (owned strings).
#[derive(Clone, Debug)]
struct QueuedRecord {
    level: Level,
    logger: String,
    message: String,
    file: String,
    line: u32,
    module_path: String,
    timestamp: Timestamp,
    sequence: u32,
    thread_id: u64,
    thread_name: String,
    process: (u32, String),
}

impl Default for QueuedRecord {
    fn default() -> QueuedRecord {
        QueuedRecord {
            level: Level::NOTSET,
            logger: String::new(),
            message: String::new(),
            file: String::new(),
            line: 0,
            module_path: String::new(),
            timestamp: Timestamp::ZERO,
            sequence: 0,
            thread_id: 0,
            thread_name: String::new(),
            process: (0, String::new()),
        }
    }
}

impl QueuedRecord {
    /// Runs `f` with a record borrowing from this one; the message is the
    /// pre-formatted text.
    fn with_record<R>(&self, f: impl FnOnce(&Record<'_>) -> R) -> R {
        f(&Record {
            level: self.level,
            logger: &self.logger,
            args: format_args!("{}", self.message),
            location: Location {
                file: &self.file,
                line: self.line,
                module_path: &self.module_path,
            },
            timestamp: self.timestamp,
            sequence: self.sequence,
            thread: ThreadInfo {
                id: self.thread_id,
                name: &self.thread_name,
            },
            process: (self.process.0, &self.process.1),
        })
    }
}

#[derive(Debug, Default)]
struct QueueState {
    records: VecDeque<QueuedRecord>,
    stopping: bool,
    /// Delivered records, kept so handlers refill their strings instead of
    /// allocating new ones: no allocation per record in steady state.
    free: Vec<QueuedRecord>,
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
        self.lock().records.len()
    }

    /// Whether no record waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a record; `false` if it was dropped (full or stopped). Also
    /// hands back a spent record for the caller to refill next time.
    fn push(&self, record: QueuedRecord) -> (bool, Option<QueuedRecord>) {
        let mut state = self.lock();
        loop {
            if state.stopping {
                drop(state);
                self.dropped.fetch_add(1, Ordering::Relaxed);
                return (false, Some(record));
            }
            if state.records.len() < self.capacity {
                // The listener only waits on an empty queue: wake it only then
                // (a futex call per record would double the caller's cost).
                let was_empty = state.records.is_empty();
                state.records.push_back(record);
                let spare = state.free.pop();
                drop(state);
                if was_empty {
                    self.not_empty.notify_one();
                }
                return (true, spare);
            }
            match self.overflow {
                Overflow::Block => {
                    state = self
                        .not_full
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Overflow::DropNewest => {
                    drop(state);
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    return (false, Some(record));
                }
                Overflow::DropOldest => {
                    let oldest = state.records.pop_front();
                    state.records.push_back(record);
                    drop(state);
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    return (true, oldest);
                }
            }
        }
    }

    /// Keeps delivered records for reuse. All of them: a record is made only
    /// when none is free, which stops once there are as many as can be in
    /// flight at once (a full queue, a full batch at the listener, one per
    /// caller), so the pool stays bounded and steady-state logging allocates
    /// nothing.
    fn recycle(&self, spent: &mut VecDeque<QueuedRecord>) {
        let mut state = self.lock();
        state.free.extend(spent.drain(..));
    }

    /// Takes everything waiting, blocking until something is there or the
    /// queue is stopping. `None` when stopping and empty.
    fn take_all(&self, into: &mut VecDeque<QueuedRecord>) -> bool {
        let mut state = self.lock();
        while state.records.is_empty() && !state.stopping {
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.records.is_empty() {
            return false;
        }
        std::mem::swap(into, &mut state.records);
        drop(state);
        self.not_full.notify_all();
        true
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
/// Records are copied into strings reused from records already delivered, so
/// in steady state the caller allocates nothing; it never waits on file I/O
/// (with [`Overflow::Block`] it may wait for room in the queue).
#[derive(Debug)]
pub struct QueueHandler {
    base: HandlerBase,
    formatter: Formatter,
    queue: Arc<RecordQueue>,
    spare: Option<QueuedRecord>,
}

impl QueueHandler {
    /// Sends records to `queue`.
    pub fn new(queue: Arc<RecordQueue>) -> QueueHandler {
        QueueHandler {
            base: HandlerBase::new(Level::NOTSET),
            formatter: Formatter::message_only(),
            queue,
            spare: None,
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

    /// Python's `prepare`: the record with its message formatted.
    fn prepare(&mut self, record: &Record<'_>) -> Result<QueuedRecord, std::fmt::Error> {
        let mut q = self.spare.take().unwrap_or_default();
        q.message.clear();
        self.formatter.render(record, &mut q.message)?;
        q.level = record.level;
        refill(&mut q.logger, record.logger);
        refill(&mut q.file, record.location.file);
        q.line = record.location.line;
        refill(&mut q.module_path, record.location.module_path);
        q.timestamp = record.timestamp;
        q.sequence = record.sequence;
        q.thread_id = record.thread.id;
        refill(&mut q.thread_name, record.thread.name);
        q.process.0 = record.process.0;
        refill(&mut q.process.1, record.process.1);
        Ok(q)
    }
}

fn refill(s: &mut String, with: &str) {
    s.clear();
    s.push_str(with);
}

impl Handler for QueueHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        let prepared = match self.prepare(record) {
            Ok(p) => p,
            Err(_) => {
                self.base.fail(&crate::RenderError, Some(record), true);
                return false;
            }
        };
        let (queued, spare) = self.queue.push(prepared);
        self.spare = spare;
        if queued {
            self.base.count_emitted(false);
            true
        } else {
            self.base.count_dropped();
            false
        }
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
        let thread = std::thread::Builder::new()
            .name("emlog-queue".into())
            .spawn(move || monitor(&queue, &handlers, respect))
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
            handler.flush();
        }
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
        crate::PeriodicFlush::start(interval, move || {
            for handler in handlers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter_mut()
            {
                handler.flush();
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

fn monitor(queue: &RecordQueue, handlers: &Mutex<Vec<Box<dyn Handler + Send>>>, respect: bool) {
    let mut batch = VecDeque::new();
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
            );
        }
        for queued in &batch {
            queued.with_record(|record| deliver(&mut handlers, record, respect));
        }
        drop(handlers);
        queue.recycle(&mut batch);
    }
}

fn deliver(handlers: &mut [Box<dyn Handler + Send>], record: &Record<'_>, respect: bool) {
    for handler in handlers.iter_mut() {
        if !respect || record.level >= handler.level() {
            handler.handle(record);
        }
    }
}
