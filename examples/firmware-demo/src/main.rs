//! emlog on a microcontroller, in QEMU.
//!
//! Two handlers with different levels and formats share one dispatcher:
//! - the UART gets everything from DEBUG up, with time, level, logger and line;
//! - a RAM log keeps WARNING and above in a short format, and is printed at
//!   the end, as a device would keep its last problems for a later upload.
//!
//! A timer interrupt counts milliseconds for the clock and logs from interrupt
//! context too; the critical section keeps every line whole.
#![no_std]
#![no_main]

use core::cell::RefCell;
use core::sync::atomic::{AtomicU32, Ordering};

use critical_section::Mutex;
use emlog::{Dispatcher, Environment, Formatter, Level, StreamHandler, ThreadInfo, Timestamp};
use emlog_board as board;

/// Up to 4 handlers and 4 logger levels; the root logger at DEBUG.
static LOGGING: Dispatcher<4, 4> = Dispatcher::with_root_level(Level::DEBUG);

// Parsed by the compiler: a bad format string fails the build, and no parser is linked.
const UART_FORMAT: Formatter = match Formatter::new(
    "%(asctime)s %(levelname)-8s %(name)-11s %(filename)s:%(lineno)-3d %(message)s",
) {
    Ok(f) => f,
    Err(_) => panic!("bad UART format"),
};
const RAM_FORMAT: Formatter =
    match Formatter::new("[%(relativeCreated)5d ms] %(levelname)s %(name)s: %(message)s") {
        Ok(f) => f,
        Err(_) => panic!("bad RAM format"),
    };

/// Milliseconds since boot, counted by the timer interrupt (one tick a millisecond of guest time).
static MILLIS: AtomicU32 = AtomicU32::new(0);
/// 2026-11-23 12:00:00 UTC: a device would set this from its RTC or the network.
const BOOT_UNIX_MILLIS: u64 = 1_795_435_200_000;

static ENVIRONMENT: Environment = Environment {
    clock: || Timestamp::from_millis(BOOT_UNIX_MILLIS + u64::from(MILLIS.load(Ordering::Relaxed))),
    thread: || ThreadInfo {
        id: 0,
        name: "main",
    },
    process_id: 1,
    process_name: "firmware-demo",
};

/// The RAM log: a fixed buffer that main can read while the handler owns a writer to it.
static RAM_LOG: Mutex<RefCell<heapless_ring::Log>> =
    Mutex::new(RefCell::new(heapless_ring::Log::new()));

mod heapless_ring {
    /// Keeps the first `CAPACITY` bytes written; counts what did not fit.
    pub struct Log {
        pub bytes: [u8; CAPACITY],
        pub len: usize,
        pub overflowed: usize,
    }
    pub const CAPACITY: usize = 512;
    impl Log {
        pub const fn new() -> Log {
            Log {
                bytes: [0; CAPACITY],
                len: 0,
                overflowed: 0,
            }
        }
    }
}

/// The handler's writer into [`RAM_LOG`].
struct RamWriter;

impl embedded_io::ErrorType for RamWriter {
    type Error = embedded_io::ErrorKind;
}

impl embedded_io::Write for RamWriter {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        critical_section::with(|cs| {
            let mut log = RAM_LOG.borrow_ref_mut(cs);
            let room = heapless_ring::CAPACITY - log.len;
            if buf.len() > room {
                // Whole lines only: a line that does not fit is refused, and the handler counts it.
                log.overflowed += 1;
                return Err(embedded_io::ErrorKind::OutOfMemory);
            }
            let start = log.len;
            log.bytes[start..start + buf.len()].copy_from_slice(buf);
            log.len += buf.len();
            Ok(buf.len())
        })
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

static mut UART_HANDLER: Option<StreamHandler<board::Uart, 160>> = None;
static mut RAM_HANDLER: Option<StreamHandler<RamWriter, 96>> = None;

fn on_tick() {
    // The interrupt is the only writer, so load and store need no compare-and-swap
    // (which the Cortex-M0 does not have).
    let ms = MILLIS.load(Ordering::Relaxed) + 1;
    MILLIS.store(ms, Ordering::Relaxed);
    if ms % 5 == 0 {
        emlog::debug!(logger: "isr.timer", "tick at {} ms, from the interrupt", ms);
    }
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    emlog::set_environment(&ENVIRONMENT);
    // SAFETY: main runs once, and sets these up before any record is logged.
    let (uart_handler, ram_handler) = unsafe {
        (
            (*core::ptr::addr_of_mut!(UART_HANDLER)).insert(
                StreamHandler::new(uart)
                    .with_formatter(emlog::formatter!(UART_FORMAT))
                    .with_name("uart"),
            ),
            (*core::ptr::addr_of_mut!(RAM_HANDLER)).insert(
                StreamHandler::new(RamWriter)
                    .with_formatter(emlog::formatter!(RAM_FORMAT))
                    .with_level(Level::WARNING)
                    .with_name("ram"),
            ),
        )
    };
    let (Ok(_), Ok(ram_id)) = (LOGGING.add(uart_handler), LOGGING.add(ram_handler)) else {
        board::exit(false);
    };
    // The sensor driver is chatty: only its warnings and up.
    let configured = LOGGING.set_logger_level("app.sensor", Level::WARNING);
    if configured.is_err() || emlog::install(&LOGGING).is_err() {
        board::exit(false);
    }

    emlog::info!(logger: "app", "booted: emlog {} on {}", env!("CARGO_PKG_VERSION"), machine());
    // One tick a millisecond: the clock behind asctime and relativeCreated.
    board::start_tick(tick_period(), on_tick);
    for reading in [21, 22, 85, 23] {
        emlog::debug!(logger: "app.sensor", "raw reading {}", reading);
        if reading > 80 {
            emlog::warning!(logger: "app.sensor", "reading {} above limit 80", reading);
        }
        emlog::info!(logger: "app.control", "fan duty {}%", reading * 2);
        wait_millis(6);
    }
    emlog::error!(logger: "app.net", "uplink lost, {} records kept in RAM", 2);
    emlog::critical!(logger: "app", "watchdog in {} ms", 100);
    board::stop_tick();

    board::say("");
    board::say("--- RAM log (WARNING and up), as a device would upload it later:");
    let overflowed = critical_section::with(|cs| {
        let log = RAM_LOG.borrow_ref(cs);
        for line in log.bytes[..log.len]
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
        {
            board::say(core::str::from_utf8(line).unwrap_or("<not UTF-8>"));
        }
        log.overflowed
    });
    let ram = LOGGING.handler_stats(ram_id).unwrap_or_default();
    let dispatch = emlog::stats();
    board::say_number("--- RAM handler records emitted: ", ram.emitted as u32);
    board::say_number("--- RAM lines that did not fit: ", overflowed as u32);
    board::say_number(
        "--- records logged before install: ",
        dispatch.before_install,
    );
    board::exit(ram.emitted == 3 && overflowed == 0)
}

fn machine() -> &'static str {
    if cfg!(target_arch = "riscv32") {
        "riscv32 virt"
    } else if cfg!(target_has_atomic = "32") {
        "Cortex-M3 lm3s6965evb"
    } else {
        "Cortex-M0 micro:bit"
    }
}

/// Timer counts per millisecond: 12 MHz SysTick on lm3s6965evb, 16 MHz on the
/// micro:bit, the virt machine's 10 MHz mtime.
fn tick_period() -> u32 {
    if cfg!(target_arch = "riscv32") {
        10_000
    } else if cfg!(target_has_atomic = "32") {
        12_000
    } else {
        16_000
    }
}

fn wait_millis(ms: u32) {
    let until = MILLIS.load(Ordering::Relaxed) + ms;
    while MILLIS.load(Ordering::Relaxed) < until {
        core::hint::spin_loop();
    }
}
