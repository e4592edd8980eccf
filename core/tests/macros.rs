//! The logging macros write exactly what `format!` writes, whichever path a
//! call takes: `{}` and `{:.N}` placeholders with positional arguments go
//! through emlog's own writer (integers, text and fixed-point floats without
//! `core::fmt`'s code where it can), everything else through `format_args!`.
//!
//! Every record is written twice: by a `StreamHandler` (through a sink, as
//! firmware writes it) and, on 64-bit targets, into room lent at once (as
//! emlog-std's line buffer writes it: a plain call's writer for its argument
//! types). The lines of both must agree with `format!`, and so must the
//! general plain path (which a queue's listener takes) from the same parts.

mod common;

use std::cell::Cell;
use std::fmt;
use std::sync::{Mutex, MutexGuard, Once};

use common::{Capture, leak};
use emlog::{Dispatcher, Handler, HandlerStats, Level, Record, StreamHandler};

static LOGGING: Dispatcher<2, 1> = Dispatcher::with_root_level(Level::DEBUG);
static OUT: Mutex<Option<Capture>> = Mutex::new(None);
/// The lines written into lent room ([`InRoom`]).
static IN_ROOM: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// For each of them, whether the room writer wrote it whole (not left to
/// the general path), and if so whether it said the text is printable ASCII.
static ROOM_WRITES: Mutex<Vec<Option<bool>>> = Mutex::new(Vec::new());

/// Writes each message as emlog-std's line buffer does: into room lent at
/// once (`write_message_into`), else the general way.
struct InRoom;

impl Handler for InRoom {
    fn level(&self) -> Level {
        Level::NOTSET
    }
    fn set_level(&mut self, _: Level) {}
    fn handle(&mut self, record: &Record<'_>) -> bool {
        let general = record.args.to_string();
        // The general plain path (a queue's listener writes it) from the
        // same parts, which a call's own writer may have bypassed above.
        #[cfg(feature = "queue-capture")]
        if let Some(parts) = record.args.plain_parts() {
            let again = emlog::__private::with_plain_message(parts, |m| m.to_string());
            assert_eq!(again, general, "the general plain path");
        }
        #[cfg(target_pointer_width = "64")]
        {
            let mut room = [0u8; 300];
            if let Some((len, printable)) =
                emlog::__private::write_message_into(&record.args, &mut room)
            {
                let text = String::from_utf8(room[..len].to_vec()).expect("UTF-8 in the room");
                assert!(!printable || text.bytes().all(|b| (b' '..=b'~').contains(&b)));
                ROOM_WRITES.lock().unwrap().push(Some(printable));
                IN_ROOM.lock().unwrap().push(text);
                return true;
            }
        }
        ROOM_WRITES.lock().unwrap().push(None);
        IN_ROOM.lock().unwrap().push(general);
        true
    }
    fn stats(&self) -> HandlerStats {
        HandlerStats::default()
    }
}

/// What the handlers wrote since the test began.
struct Written(Capture);

impl Written {
    /// The lines, the same from both handlers.
    fn lines(&self) -> Vec<String> {
        let lines = self.0.lines();
        assert_eq!(*IN_ROOM.lock().unwrap(), lines, "written into lent room");
        lines
    }
}

fn serial() -> (MutexGuard<'static, Option<Capture>>, Written) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let capture = Capture::default();
        let handler: &'static mut StreamHandler<Capture, 512> =
            leak(StreamHandler::new(capture.clone()));
        assert!(LOGGING.add(handler).is_ok(), "room for two handlers");
        assert!(LOGGING.add(leak(InRoom)).is_ok(), "room for two handlers");
        emlog::install(&LOGGING).expect("first install");
        *OUT.lock().unwrap() = Some(capture);
    });
    let guard = OUT.lock().unwrap_or_else(|e| e.into_inner());
    let capture = guard.clone().expect("installed above");
    capture.clear();
    IN_ROOM.lock().unwrap().clear();
    ROOM_WRITES.lock().unwrap().clear();
    (guard, Written(capture))
}

struct Celsius(i32);

impl fmt::Display for Celsius {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} °C", self.0)
    }
}

#[derive(Debug)]
struct OnlyDebug {
    #[allow(dead_code, reason = "shown by Debug")]
    id: u8,
}

#[test]
fn plain_placeholders_write_what_format_writes_for_every_kind_of_argument() {
    let (_g, out) = serial();
    let text: &str = "tcp";
    let owned = String::from("owned");
    let expected = [
        format!("u8 {} u16 {} u32 {} {}", 0u8, u16::MAX, u32::MAX, 7u32),
        format!(
            "i8 {} i16 {} i32 {} {} {}",
            i8::MIN,
            i16::MIN,
            i32::MIN,
            i32::MAX,
            -1i32
        ),
        format!(
            "u64 {} i64 {} usize {} f32 {}",
            u64::MAX,
            i64::MIN,
            usize::MAX,
            1.5f32
        ),
        format!(
            "u64 {} {} i64 {} {} {} isize {} {} usize {}",
            0u64,
            u64::from(u32::MAX) + 1,
            i64::MAX,
            -1i64,
            i64::MIN + 1,
            isize::MIN,
            isize::MAX,
            0usize
        ),
        format!("str {} String {} char {} bool {}", text, owned, 'é', true),
        format!("display {} ref {}", Celsius(-4), &&5u32),
        format!("braces {{}} {{{}}} }}{{ {}", 1, "x"),
        format!("{}{}", 1, 2),
        format!("ünïcode {} ✓", 3),
        format!("literals {} {} {}", 300_000, -5, 4_000_000_000u64),
    ];
    emlog::info!("u8 {} u16 {} u32 {} {}", 0u8, u16::MAX, u32::MAX, 7u32);
    emlog::info!(
        "i8 {} i16 {} i32 {} {} {}",
        i8::MIN,
        i16::MIN,
        i32::MIN,
        i32::MAX,
        -1i32
    );
    emlog::info!(
        "u64 {} i64 {} usize {} f32 {}",
        u64::MAX,
        i64::MIN,
        usize::MAX,
        1.5f32
    );
    emlog::info!(
        "u64 {} {} i64 {} {} {} isize {} {} usize {}",
        0u64,
        u64::from(u32::MAX) + 1,
        i64::MAX,
        -1i64,
        i64::MIN + 1,
        isize::MIN,
        isize::MAX,
        0usize
    );
    emlog::info!("str {} String {} char {} bool {}", text, owned, 'é', true);
    emlog::info!("display {} ref {}", Celsius(-4), &&5u32);
    emlog::info!("braces {{}} {{{}}} }}{{ {}", 1, "x",);
    emlog::info!("{}{}", 1, 2);
    emlog::info!("ünïcode {} ✓", 3);
    emlog::info!("literals {} {} {}", 300_000, -5, 4_000_000_000u64);
    assert_eq!(out.lines(), expected);
}

#[test]
fn other_forms_go_through_format_args_unchanged() {
    let (_g, out) = serial();
    let n = 42u32;
    let x = 1;
    let debug = OnlyDebug { id: 9 };
    emlog::info!("no arguments {{}}");
    emlog::info!("inline {n} {x:>3}");
    emlog::info!("named {a} {b}", a = 1, b = n);
    emlog::info!("mixed {} {a}", n, a = "s");
    emlog::info!(
        "specs [{:5}] [{:<4}] [{:03}] [{:x}] [{:+}]",
        n,
        n,
        7,
        255,
        3
    );
    emlog::info!("debug {:?} {:?}", debug, "q");
    emlog::info!("positional {1} {0}", "a", "b");
    emlog::info!("comparison {}", x == 1);
    emlog::info!(concat!("from ", "concat {}"), n);
    assert_eq!(
        out.lines(),
        [
            "no arguments {}",
            "inline 42   1",
            "named 1 42",
            "mixed 42 s",
            "specs [   42] [42  ] [007] [ff] [+3]",
            "debug OnlyDebug { id: 9 } \"q\"",
            "positional b a",
            "comparison true",
            "from concat 42",
        ]
    );
}

#[test]
fn arguments_are_evaluated_once_and_only_when_the_call_is_wanted() {
    let (_g, out) = serial();
    let calls = Cell::new(0u32);
    let next = || {
        calls.set(calls.get() + 1);
        calls.get()
    };
    emlog::info!("call {} {}", next(), next());
    LOGGING.set_logger_level("", Level::WARNING).unwrap();
    emlog::info!("filtered {}", next());
    LOGGING.set_logger_level("", Level::DEBUG).unwrap();
    assert_eq!(calls.get(), 2);
    assert_eq!(out.lines(), ["call 1 2"]);
}

/// On 64-bit targets a plain call's own writer writes numbers and text
/// whole into the room (and says when the text is printable ASCII, so an
/// escaping sink skips its scan); `Display` arguments, a float at a tie and
/// text longer than the room are left to the general path, which writes the
/// same.
#[test]
fn plain_calls_are_written_whole_into_lent_room_where_they_can_be() {
    let (_g, out) = serial();
    let long = "x".repeat(400);
    let text = "tab\there";
    let mut expected = Vec::new();
    macro_rules! logged {
        ($($call:tt)*) => {
            emlog::info!($($call)*);
            expected.push(format!($($call)*));
        };
    }
    logged!("request {} served in {:.3} ms", 12_345u64, 12.345);
    logged!(
        "{} {} {} {} {:.1}",
        u8::MAX,
        i16::MIN,
        usize::MAX,
        -7isize,
        -2.3f32
    );
    logged!("{}|{}|{}", text, "é", -0.0);
    logged!("ü {}", 1);
    logged!("bell\x07 {} {:.1}", 2u64, 0.5);
    logged!("{} and {}", Celsius(-3), 1);
    logged!("tie {:.0}", 2.5);
    logged!("long {}", long);
    logged!("cut {:.2}", "abc");
    assert_eq!(out.lines(), expected);
    #[cfg(target_pointer_width = "64")]
    assert_eq!(
        *ROOM_WRITES.lock().unwrap(),
        [
            Some(true),
            Some(true),
            Some(false),
            Some(false),
            Some(false),
            None,
            None,
            None,
            None
        ]
    );
}

/// A call site in a generic function (one writer per instantiation) and in
/// a closure writes what `format!` writes.
#[test]
fn calls_in_generic_functions_and_closures_write_what_format_writes() {
    fn generic<T: fmt::Display + Copy>(x: T, n: u64) {
        emlog::info!("{} at {}", x, n);
    }
    let (_g, out) = serial();
    generic(1.5f64, 2);
    generic("text", 3);
    generic(Celsius(4).0, 5);
    let closure = |k: i64| emlog::info!("closure {:.2} {}", k as f64 / 3.0, k);
    closure(-7);
    assert_eq!(
        out.lines(),
        [
            "1.5 at 2".to_string(),
            "text at 3".to_string(),
            "4 at 5".to_string(),
            format!("closure {:.2} {}", -7.0 / 3.0, -7),
        ]
    );
}

/// Logs `$x` with `{}` and with every precision the plain path takes, and
/// pushes what `format!` writes for each onto `$expected`.
macro_rules! log_at_every_precision {
    ($x:expr, $expected:ident) => {{
        let x = $x;
        log_at_every_precision!(@ x, $expected, "{}", "{:.0}", "{:.1}", "{:.2}", "{:.3}",
            "{:.4}", "{:.5}", "{:.6}", "{:.7}", "{:.8}", "{:.9}", "{:.10}", "{:.11}", "{:.12}",
            "{:.13}", "{:.14}", "{:.15}", "{:.16}", "{:.17}");
    }};
    (@ $x:ident, $expected:ident, $($format:literal),*) => {
        $(
            emlog::info!($format, $x);
            $expected.push(format!($format, $x));
        )*
    };
}

/// A small xorshift64 generator: the same values on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Floats that probe every way the fixed-point rounding could go wrong:
/// special values, exact ties at each precision and their neighbours, the
/// edges of 2^53, subnormals, random bit patterns and random ordinary values.
fn float_sweep() -> Vec<f64> {
    let mut values = vec![
        0.0,
        -0.0,
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        5e-324,
        -5e-324,
        1e-310,
        0.0005,
        0.0015,
        2.5,
        0.125,
        0.1,
        0.3,
        1.0 / 3.0,
        2.0 / 3.0,
        123.456,
        -1.0005,
        0.999_999_999_999_999_9,
        9.5,
        99.995,
        1e15,
        1e16,
        1e17,
        1e22,
        9_007_199_254_740_991.0,
        9_007_199_254_740_992.0,
        #[allow(clippy::excessive_precision, reason = "2^53 + 1, which rounds to 2^53")]
        9_007_199_254_740_993.0,
        4_503_599_627_370_495.5,
        16_777_215.0,
        16_777_216.0,
        16_777_217.0,
        -16_777_215.0,
        1.5e-5,
    ];
    let mut power = 1.0f64;
    for _ in 0..=17 {
        for k in [0.0, 1.0, 2.0, 3.0, 7.0, 12.0, 99.0, 12_345.0, 4_503_599.0] {
            let tie = (k + 0.5) / power;
            for bits in [-2, -1, 0, 1, 2] {
                let near = f64::from_bits(tie.to_bits().wrapping_add_signed(bits));
                values.extend([near, -near]);
            }
        }
        power *= 10.0;
    }
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..400 {
        values.push(f64::from_bits(random.next()));
        // A 53-bit integer scaled to between 2^53 and 2^-27.
        let mantissa = (random.next() >> 11) as f64;
        let scale = f64::from(2u32).powi(-((random.next() % 81) as i32));
        values.push(mantissa * scale);
        values.push(-((random.next() % 1_000_000) as f64) * 0.001);
    }
    values
}

#[test]
fn floats_at_every_precision_are_written_as_format_writes_them() {
    let (_g, out) = serial();
    const { assert!(emlog::__private::plain_braces("{:.17}", 1)) };
    let mut expected = Vec::new();
    let values = float_sweep();
    for &x in &values {
        log_at_every_precision!(x, expected);
        log_at_every_precision!(x as f32, expected);
    }
    let lines = out.lines();
    assert_eq!(lines.len(), expected.len());
    for (line, want) in lines.iter().zip(&expected) {
        assert_eq!(line, want);
    }
    assert!(values.len() > 2_000, "{} values", values.len());
    #[cfg(target_pointer_width = "64")]
    {
        let whole = ROOM_WRITES.lock().unwrap().iter().flatten().count();
        assert!(whole * 2 > lines.len(), "{whole} of {} whole", lines.len());
    }
}

#[test]
fn precisions_on_other_arguments_are_applied_as_format_applies_them() {
    let (_g, out) = serial();
    let text = "abcdef";
    let n = 12_345u64;
    let expected = [
        format!("{:.2} {:.0} {:.3} {:.3}", text, text, "ab", 'é'),
        format!(
            "{:.1} {:.1} {:.1} {:.1} {:.1}",
            7u32,
            -7i32,
            n,
            i64::MIN,
            usize::MAX
        ),
        format!("{:.2} {:.3} {:.1}", Celsius(3), true, &&2.25f64),
        format!("request {} served in {:.3} ms", n, n as f64 * 0.001),
        format!("request {} served in {:.3} ms", 7usize, -0.0005),
    ];
    emlog::info!("{:.2} {:.0} {:.3} {:.3}", text, text, "ab", 'é');
    emlog::info!(
        "{:.1} {:.1} {:.1} {:.1} {:.1}",
        7u32,
        -7i32,
        n,
        i64::MIN,
        usize::MAX
    );
    emlog::info!("{:.2} {:.3} {:.1}", Celsius(3), true, &&2.25f64);
    emlog::info!("request {} served in {:.3} ms", n, n as f64 * 0.001);
    emlog::info!("request {} served in {:.3} ms", 7usize, -0.0005);
    assert_eq!(out.lines(), expected);
    const {
        assert!(emlog::__private::plain_braces(
            "request {} served in {:.3} ms",
            2
        ))
    };
}
