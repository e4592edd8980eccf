//! The message of a record, and the text sink a formatter writes into.
//!
//! A record's message is either `fmt::Arguments` (the general case), the
//! message of a call whose format string has only plain `{}` placeholders,
//! which emlog writes with its own digit loop, or text formatted earlier
//! ([`Message::text`]). Writing one into a [`Sink`] goes through `core::fmt`
//! only for the first kind: a firmware whose calls
//! are all plain, writing through [`Formatter::render_to`](crate::Formatter::render_to)
//! (as [`StreamHandler`](crate::StreamHandler) does), links no `core::fmt`
//! formatting machinery at all.

use core::fmt;

#[cfg(target_pointer_width = "64")]
use crate::__private::ByteSink;

/// Where text goes: `fmt::Write` cut down to `write_str`.
///
/// Every `fmt::Write` is a `Sink`. Writing into a `&mut dyn Sink` never
/// builds a `dyn fmt::Write` (whose table of methods names `write_fmt`, and
/// with it `core::fmt::write`), which keeps `core::fmt` out of firmware that
/// does not otherwise use it.
///
/// ```
/// use emlog::format::Sink;
/// let mut out = String::new();
/// let sink: &mut dyn Sink = &mut out;
/// sink.write_str("up").unwrap();
/// assert_eq!(out, "up");
/// ```
pub trait Sink {
    /// Writes `s` whole, or fails.
    fn write_str(&mut self, s: &str) -> fmt::Result;
}

impl<T: fmt::Write + ?Sized> Sink for T {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        fmt::Write::write_str(self, s)
    }
}

/// A [`Sink`] as a `fmt::Write`, for text that only `core::fmt` can write.
pub(crate) struct SinkWrite<'s>(pub(crate) &'s mut dyn Sink);

impl fmt::Write for SinkWrite<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write_str(s)
    }
}

/// Writes `args` into `out` through `core::fmt`.
pub(crate) fn write_args(out: &mut dyn Sink, args: fmt::Arguments<'_>) -> fmt::Result {
    fmt::write(&mut SinkWrite(out), args)
}

/// A message that writes itself without `core::fmt` (the plain calls' messages).
pub(crate) trait WriteMessage {
    /// Writes the whole message into `out`.
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result;

    /// Writes the whole message into the room `out` lends, where it can.
    #[cfg(target_pointer_width = "64")]
    fn write_bytes(&self, out: &mut dyn ByteSink) -> fmt::Result {
        self.write_message(out)
    }

    /// Writes the whole message at the start of `room`, UTF-8 text (whole
    /// `str`s and ASCII), if it fits and needs nothing else (no `core::fmt`);
    /// `None` otherwise, and then `room` holds nothing of worth and the
    /// caller writes the message another way.
    #[cfg(target_pointer_width = "64")]
    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        let _ = room;
        None
    }

    /// A plain call's text and arguments, for a queue that carries them to
    /// another thread unformatted; `None` for any other message.
    #[cfg(feature = "queue-capture")]
    fn plain_parts(&self) -> Option<crate::__private::PlainParts<'_>> {
        None
    }

    /// A plain call's arguments packed at the start of `room`, for a queue
    /// (see [`Packed`](crate::__private::Packed)); `None` for any other
    /// message, or one that does not fit.
    #[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
    fn pack(&self, room: &mut [u8]) -> Option<crate::__private::Packed> {
        let _ = room;
        None
    }

    /// The bytes [`pack`](Self::pack) takes of the room, learnt without
    /// packing; `None` for a message that does not pack in any room.
    #[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
    fn packed_len(&self) -> Option<usize> {
        None
    }
}

/// What [`WriteMessage::write_into`] wrote.
#[cfg(target_pointer_width = "64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// How many bytes, from the start of the room.
    pub len: usize,
    /// Whether they are all printable ASCII (so no escaping rewrites them).
    pub printable: bool,
}

/// Text already formatted, as a message.
impl WriteMessage for &str {
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result {
        out.write_str(self)
    }

    #[cfg(target_pointer_width = "64")]
    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        // Fixed-size moves for the usual short text, no `memcpy` call.
        crate::__private::copy_short(room.get_mut(..self.len())?, self.as_bytes());
        Some(Written {
            len: self.len(),
            printable: false,
        })
    }
}

/// How a message in `fmt::Arguments` is written into a [`Sink`]: a function
/// chosen where the message is made, so that only programs that make one
/// link `core::fmt::write`.
type WriteArgs = fn(&fmt::Arguments<'_>, &mut dyn Sink) -> fmt::Result;

fn write_arguments(args: &fmt::Arguments<'_>, out: &mut dyn Sink) -> fmt::Result {
    write_args(out, *args)
}

/// The message of a [`Record`](crate::Record): `fmt::Arguments`, or a plain
/// call's text and arguments. Nothing is formatted until a handler writes it.
///
/// It is `Display` (so `record.args.to_string()`, `format!("{}", record.args)`
/// and `format_args!("{}", record.args)` work as they did when the field was
/// `fmt::Arguments`), and converts from `fmt::Arguments`.
///
/// ```
/// let message = emlog::Message::from(format_args!("link up after {} ms", 12));
/// assert_eq!(message.to_string(), "link up after 12 ms");
/// ```
#[derive(Clone, Copy)]
pub struct Message<'a> {
    repr: Repr<'a>,
    /// Where the macro call that made it is (see [`Message::static_location`]).
    #[cfg(feature = "queue-capture")]
    location: Option<&'static crate::Location<'static>>,
}

#[derive(Clone, Copy)]
enum Repr<'a> {
    Args(fmt::Arguments<'a>, WriteArgs),
    Plain(&'a dyn WriteMessage),
}

impl<'a> Message<'a> {
    /// A message of `fmt::Arguments`.
    pub fn new(args: fmt::Arguments<'a>) -> Message<'a> {
        Message::of(Repr::Args(args, write_arguments))
    }

    /// A message that writes itself.
    pub(crate) fn plain(message: &'a dyn WriteMessage) -> Message<'a> {
        Message::of(Repr::Plain(message))
    }

    const fn of(repr: Repr<'a>) -> Message<'a> {
        Message {
            repr,
            #[cfg(feature = "queue-capture")]
            location: None,
        }
    }

    /// The message of the macro call at `location` (kept only with the
    /// `queue-capture` feature, for `static_location`).
    #[inline(always)]
    #[allow(unused_mut, unused_variables)]
    pub(crate) fn at(mut self, location: &'static crate::Location<'static>) -> Message<'a> {
        #[cfg(feature = "queue-capture")]
        {
            self.location = Some(location);
        }
        self
    }

    /// A message that is `text` as it is, written without `core::fmt` (a
    /// message formatted earlier, such as a queued record's).
    ///
    /// ```
    /// let text = "disk {} full";
    /// let message = emlog::Message::text(&text);
    /// assert_eq!(message.to_string(), "disk {} full");
    /// ```
    pub fn text(text: &'a &'a str) -> Message<'a> {
        Message::of(Repr::Plain(text))
    }

    /// The text and arguments of a plain call's message (see
    /// [`__private::log_plain`](crate::__private::log_plain)), for a queue
    /// that carries them unformatted; `None` for any other message. With the
    /// `queue-capture` feature.
    #[doc(hidden)]
    #[cfg(feature = "queue-capture")]
    pub fn plain_parts(&self) -> Option<crate::__private::PlainParts<'_>> {
        match &self.repr {
            Repr::Args(..) => None,
            Repr::Plain(message) => message.plain_parts(),
        }
    }

    /// A plain call's numbers and text packed at the start of `room`, for a
    /// queue that makes the same message on another thread (see
    /// [`Packed`](crate::__private::Packed)); `None` for any other message
    /// (one with a `Display` argument, say), or one that does not fit. With
    /// the `queue-capture` feature, on 64-bit targets.
    #[doc(hidden)]
    #[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
    #[inline]
    pub fn pack(&self, room: &mut [u8]) -> Option<crate::__private::Packed> {
        match &self.repr {
            Repr::Args(..) => None,
            Repr::Plain(message) => message.pack(room),
        }
    }

    /// The bytes [`pack`](Self::pack) would take of its room (so that a
    /// queue can give it room of that size); `None` for a message that
    /// does not pack in any room. With the `queue-capture` feature, on
    /// 64-bit targets.
    #[doc(hidden)]
    #[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
    #[inline]
    pub fn packed_len(&self) -> Option<usize> {
        match &self.repr {
            Repr::Args(..) => None,
            Repr::Plain(message) => message.packed_len(),
        }
    }

    /// The location of the macro call that made this message, as the
    /// `'static` value the macro wrote; `None` for a message made any other
    /// way. A queue compares it with its record's location and, when the
    /// record's file and module path are these very strings, carries the
    /// location by reference instead of copying its text. With the
    /// `queue-capture` feature.
    #[doc(hidden)]
    #[cfg(feature = "queue-capture")]
    #[inline]
    pub fn static_location(&self) -> Option<&'static crate::Location<'static>> {
        self.location
    }

    /// Writes the message into `out` (through `core::fmt` only for a message
    /// made of `fmt::Arguments`).
    ///
    /// ```
    /// use emlog::format::Sink;
    /// let mut out = String::new();
    /// emlog::Message::from(format_args!("{}!", 3)).write_to_sink(&mut out).unwrap();
    /// assert_eq!(out, "3!");
    /// ```
    pub fn write_to_sink(&self, out: &mut dyn Sink) -> fmt::Result {
        match &self.repr {
            Repr::Args(args, write) => write(args, out),
            Repr::Plain(message) => message.write_message(out),
        }
    }

    /// [`write_to_sink`](Self::write_to_sink) into a sink that lends room
    /// (see [`crate::__private::write_message_bytes`]).
    #[cfg(target_pointer_width = "64")]
    pub(crate) fn write_to_bytes(&self, out: &mut dyn ByteSink) -> fmt::Result {
        match &self.repr {
            Repr::Args(args, write) => write(args, out),
            Repr::Plain(message) => message.write_bytes(out),
        }
    }

    /// [`WriteMessage::write_into`]: the message at the start of `room`
    /// if it fits and needs no `core::fmt`.
    #[cfg(target_pointer_width = "64")]
    pub(crate) fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        match &self.repr {
            Repr::Args(..) => None,
            Repr::Plain(message) => message.write_into(room),
        }
    }

    /// Writes the message into a `fmt::Write`.
    ///
    /// ```
    /// let mut out = String::new();
    /// emlog::Message::from(format_args!("{}!", 3)).write_to(&mut out).unwrap();
    /// assert_eq!(out, "3!");
    /// ```
    pub fn write_to(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        match &self.repr {
            Repr::Args(args, _) => out.write_fmt(*args),
            Repr::Plain(message) => message.write_message(&mut &mut *out),
        }
    }
}

impl<'a> From<fmt::Arguments<'a>> for Message<'a> {
    fn from(args: fmt::Arguments<'a>) -> Message<'a> {
        Message::new(args)
    }
}

impl fmt::Display for Message<'_> {
    /// The text, as `fmt::Arguments` shows it (widths and precisions ignored).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Args(args, _) => fmt::Display::fmt(args, f),
            Repr::Plain(message) => message.write_message(f),
        }
    }
}

impl fmt::Debug for Message<'_> {
    /// The text, as `fmt::Arguments`' `Debug` shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
