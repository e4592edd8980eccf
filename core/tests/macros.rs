//! The logging macros write exactly what `format!` writes, whichever path a
//! call takes: plain `{}` placeholders with positional arguments go through
//! emlog's own writer (integers and text without `core::fmt`'s integer code),
//! everything else through `format_args!`.

mod common;

use std::cell::Cell;
use std::fmt;
use std::sync::{Mutex, MutexGuard, Once};

use common::{Capture, leak};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<1, 1> = Dispatcher::with_root_level(Level::DEBUG);
static OUT: Mutex<Option<Capture>> = Mutex::new(None);

fn serial() -> (MutexGuard<'static, Option<Capture>>, Capture) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let capture = Capture::default();
        let handler: &'static mut StreamHandler<Capture, 256> =
            leak(StreamHandler::new(capture.clone()));
        assert!(LOGGING.add(handler).is_ok(), "room for one handler");
        emlog::install(&LOGGING).expect("first install");
        *OUT.lock().unwrap() = Some(capture);
    });
    let guard = OUT.lock().unwrap_or_else(|e| e.into_inner());
    let capture = guard.clone().expect("installed above");
    capture.clear();
    (guard, capture)
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
