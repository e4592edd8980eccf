//! A defmt global logger over any `embedded_io::Write` (a UART), sharing it with text lines.
//!
//! defmt has no UART transport of its own (defmt issue #936). With feature
//! `defmt-logger`, emlog provides the `#[defmt::global_logger]`: frames from
//! `defmt::info!` and friends go to the sink given to [`set_sink`], and
//! emlog's text handlers write their lines to the same sink through
//! [`SharedSink`], so one UART carries both without either corrupting the other.
//!
//! # Framing
//!
//! The wire is a mix of two kinds of unit, each written whole inside one
//! critical section (so an interrupt's unit never lands inside another):
//!
//! - **Text line**: UTF-8 bytes as the text handler rendered them, ending in
//!   `\n`. Shown by the host as they are.
//! - **defmt frame**: the marker byte [`FRAME_MARKER`] (`0xFF`), then the
//!   frame encoded with rzCOBS (defmt's default encoding, which never produces
//!   `0x00`), then [`FRAME_END`] (`0x00`).
//!
//! How the host tells them apart: `0xFF` never occurs in UTF-8, so a text line
//! can never start with (or contain) the marker; and `0x00` never occurs inside
//! an rzCOBS frame, so the first `0x00` after a marker ends the frame. Outside
//! a frame, a `0x00` is ignored (text handlers do not write NUL; a message that
//! contains one loses it on the host). The host reader is
//! `tests/uart-demux` (it decodes the frames with the `defmt-decoder` crate and
//! the firmware's ELF, and prints text lines unchanged); a host that starts
//! reading mid-stream resynchronises at the next `0x00` or `\n`.
//!
//! Cost: one marker byte per defmt frame, nothing per text line. The price of
//! "written whole" is that interrupts are held off while a unit goes out: a
//! defmt frame is a few bytes, but a text line through a blocking UART at
//! 115200 baud holds them off for about 87 µs per byte. Keep text lines short,
//! write them from the main loop (a [`QueueListener`](crate::QueueListener)),
//! or give the sink a UART with a FIFO or DMA so that `write` returns quickly.
//!
//! # Re-entrancy
//!
//! A defmt call made while a frame is being written on the same context (a
//! `Format` implementation that logs, or a fault handler that logs) cannot be
//! interleaved into that frame: it is dropped and counted in [`dropped`]; it
//! never panics and never deadlocks. A text write in that situation is refused
//! the same way, with an error.

use core::sync::atomic::{AtomicU32, Ordering};

use critical_section::RestoreState;

use crate::cas::fetch_add;

/// The byte that starts every defmt frame on the wire (never valid in UTF-8).
pub const FRAME_MARKER: u8 = 0xFF;
/// The byte that ends every defmt frame (never inside an rzCOBS frame).
pub const FRAME_END: u8 = 0x00;

/// A byte sink the logger can own: every `embedded_io::Write + Send` is one.
pub trait Sink: Send {
    /// Writes all of `bytes`; false if the output failed.
    fn put(&mut self, bytes: &[u8]) -> bool;
}

impl<W: embedded_io::Write + Send> Sink for W {
    fn put(&mut self, bytes: &[u8]) -> bool {
        crate::whole_write::write_whole(self, bytes).is_ok()
    }
}

/// Writes defmt frames in emlog's framing: marker, rzCOBS bytes, end byte.
///
/// The global logger uses one; it is public so the framing can be checked (or
/// reused by another transport) without a global logger.
///
/// ```
/// # #[cfg(feature = "defmt-logger")] {
/// use emlog::defmt_logger::{FrameWriter, FRAME_END, FRAME_MARKER};
/// let mut wire = Vec::new();
/// let mut frames = FrameWriter::new();
/// frames.start(&mut |b: &[u8]| wire.extend_from_slice(b));
/// frames.write(&[1, 0, 0, 2], &mut |b: &[u8]| wire.extend_from_slice(b));
/// frames.end(&mut |b: &[u8]| wire.extend_from_slice(b));
/// assert_eq!(wire[0], FRAME_MARKER);
/// assert_eq!(*wire.last().unwrap(), FRAME_END);
/// assert!(!wire[1..wire.len() - 1].contains(&0));
/// # }
/// ```
pub struct FrameWriter {
    encoder: defmt::Encoder,
}

impl FrameWriter {
    /// A writer before its first frame.
    pub const fn new() -> Self {
        FrameWriter {
            encoder: defmt::Encoder::new(),
        }
    }

    /// Starts a frame: writes the marker.
    pub fn start(&mut self, out: &mut dyn FnMut(&[u8])) {
        out(&[FRAME_MARKER]);
        // The encoder writes a separator (0x00) before its first frame, for
        // hosts that join a stream mid-frame; the marker does that job here
        // and a 0x00 after it would end the frame at once.
        self.encoder.start_frame(|_| {});
    }

    /// Encodes frame bytes.
    pub fn write(&mut self, bytes: &[u8], out: &mut dyn FnMut(&[u8])) {
        self.encoder.write(bytes, |b| out(b));
    }

    /// Ends the frame: the encoder's last bytes and the end byte.
    pub fn end(&mut self, out: &mut dyn FnMut(&[u8])) {
        self.encoder.end_frame(|b| out(b));
    }
}

impl Default for FrameWriter {
    fn default() -> Self {
        Self::new()
    }
}

struct State {
    sink: Option<&'static mut dyn Sink>,
    frames: FrameWriter,
    taken: bool,
    nested: u32,
    restore: RestoreState,
}

// Accessed only inside a critical section (acquire..release, or `with`).
static mut STATE: State = State {
    sink: None,
    frames: FrameWriter::new(),
    taken: false,
    nested: 0,
    restore: RestoreState::invalid(),
};

static DROPPED: AtomicU32 = AtomicU32::new(0);
static WRITE_ERRORS: AtomicU32 = AtomicU32::new(0);

/// Gives the logger its output. Frames logged before are dropped (counted).
/// Returns the previous sink, if any. Refused (the sink comes back in `Err`)
/// from inside a defmt frame.
#[allow(clippy::type_complexity)]
pub fn set_sink(
    sink: &'static mut dyn Sink,
) -> Result<Option<&'static mut dyn Sink>, &'static mut dyn Sink> {
    critical_section::with(|_| {
        // SAFETY: inside a critical section; `taken` guards a frame in progress
        // on this context.
        let state = unsafe { &mut *core::ptr::addr_of_mut!(STATE) };
        if state.taken {
            return Err(sink);
        }
        Ok(state.sink.replace(sink))
    })
}

/// defmt frames (and text writes) dropped: logged re-entrantly, or with no sink.
pub fn dropped() -> u32 {
    DROPPED.load(Ordering::Relaxed)
}

/// Writes to the sink that failed.
pub fn write_errors() -> u32 {
    WRITE_ERRORS.load(Ordering::Relaxed)
}

fn put(sink: &mut Option<&'static mut dyn Sink>, bytes: &[u8]) {
    if let Some(sink) = sink.as_deref_mut()
        && !sink.put(bytes)
    {
        fetch_add(&WRITE_ERRORS, 1);
    }
}

/// An `embedded_io::Write` for text handlers that writes to the defmt
/// logger's sink, each `write` whole inside one critical section.
///
/// Give it to a [`StreamHandler`](crate::StreamHandler), which writes each
/// line with one `write`: a line then never has a defmt frame inside it.
///
/// ```no_run
/// use emlog::{StreamHandler, defmt_logger::SharedSink};
/// let handler: StreamHandler<SharedSink, 128> = StreamHandler::new(SharedSink);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SharedSink;

/// Why a [`SharedSink`] write failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SharedSinkError {
    /// [`set_sink`] was not called yet.
    NoSink,
    /// Written from inside a defmt frame on the same context.
    InsideFrame,
    /// The sink's own write failed.
    Sink,
}

impl core::fmt::Display for SharedSinkError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            SharedSinkError::NoSink => "no sink: call emlog::defmt_logger::set_sink first",
            SharedSinkError::InsideFrame => {
                "text written from inside a defmt frame (a Format impl that logs); dropped"
            }
            SharedSinkError::Sink => "the sink's write failed",
        })
    }
}

impl core::error::Error for SharedSinkError {}

impl embedded_io::Error for SharedSinkError {
    fn kind(&self) -> embedded_io::ErrorKind {
        match self {
            SharedSinkError::NoSink => embedded_io::ErrorKind::NotConnected,
            SharedSinkError::InsideFrame => embedded_io::ErrorKind::Interrupted,
            SharedSinkError::Sink => embedded_io::ErrorKind::Other,
        }
    }
}

impl embedded_io::ErrorType for SharedSink {
    type Error = SharedSinkError;
}

impl embedded_io::Write for SharedSink {
    fn write(&mut self, buf: &[u8]) -> Result<usize, SharedSinkError> {
        critical_section::with(|_| {
            // SAFETY: inside a critical section.
            let state = unsafe { &mut *core::ptr::addr_of_mut!(STATE) };
            if state.taken {
                fetch_add(&DROPPED, 1);
                return Err(SharedSinkError::InsideFrame);
            }
            let Some(sink) = state.sink.as_deref_mut() else {
                return Err(SharedSinkError::NoSink);
            };
            if sink.put(buf) {
                Ok(buf.len())
            } else {
                fetch_add(&WRITE_ERRORS, 1);
                Err(SharedSinkError::Sink)
            }
        })
    }

    fn flush(&mut self) -> Result<(), SharedSinkError> {
        Ok(())
    }
}

#[defmt::global_logger]
struct EmlogDefmtLogger;

// SAFETY: acquire holds a critical section until the matching release, so
// one frame is written at a time; nested acquires on the same context are
// detected and their frames dropped rather than interleaved.
unsafe impl defmt::Logger for EmlogDefmtLogger {
    fn acquire() {
        // SAFETY: released in `release` (or right below when nested).
        let restore = unsafe { critical_section::acquire() };
        // SAFETY: inside the critical section just taken.
        let state = unsafe { &mut *core::ptr::addr_of_mut!(STATE) };
        if state.taken {
            // Same context, inside a frame: the interrupts were already off,
            // so this restore is a no-op; the outer frame keeps its section.
            // SAFETY: the state returned by the acquire above.
            unsafe { critical_section::release(restore) };
            state.nested += 1;
            fetch_add(&DROPPED, 1);
            return;
        }
        state.taken = true;
        state.restore = restore;
        if state.sink.is_none() {
            fetch_add(&DROPPED, 1);
        }
        let State { sink, frames, .. } = state;
        frames.start(&mut |b| put(sink, b));
    }

    unsafe fn flush() {}

    unsafe fn release() {
        // SAFETY: called after `acquire`, inside its critical section.
        let state = unsafe { &mut *core::ptr::addr_of_mut!(STATE) };
        if state.nested > 0 {
            state.nested -= 1;
            return;
        }
        let State { sink, frames, .. } = state;
        frames.end(&mut |b| put(sink, b));
        state.taken = false;
        let restore = state.restore;
        // SAFETY: the state saved by the matching `acquire`.
        unsafe { critical_section::release(restore) };
    }

    unsafe fn write(bytes: &[u8]) {
        // SAFETY: called between `acquire` and `release`.
        let state = unsafe { &mut *core::ptr::addr_of_mut!(STATE) };
        if state.nested > 0 {
            return;
        }
        let State { sink, frames, .. } = state;
        frames.write(bytes, &mut |b| put(sink, b));
    }
}
