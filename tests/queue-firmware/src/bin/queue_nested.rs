//! Preemption inside an enqueue (Cortex-M): the SysTick handler's record has a
//! `Display` argument that pends PendSV (higher priority) in the middle of
//! being formatted, i.e. while its slot is claimed and not yet published. The
//! PendSV handler logs its own record, `high k` for the `low k` it preempted,
//! into the next slot (a low record dropped for a full queue is never
//! formatted, so it has no high partner). Main logs and drains meanwhile.
//! check_nested.py: every line whole, none twice, received + dropped = all
//! sent, and each `high k` comes right after `low k` (claim order).
#![no_std]
#![no_main]
// On RISC-V only `main` is built (it reports that the test needs Cortex-M).
#![cfg_attr(not(target_arch = "arm"), allow(dead_code, unused_imports))]

use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

use emlog::{Formatter, Level, Queue, QueueListener, StreamHandler};
use emlog_board as board;

const LOW: u32 = 40;
const MAIN: u32 = 40;

static QUEUE: Queue<8, 96> = Queue::new();
static LOW_SENT: AtomicU32 = AtomicU32::new(0);
// The low record being formatted when the high handler ran: the high record
// carries its number, so the checker can pair them.
static PREEMPTED: AtomicU32 = AtomicU32::new(0);
static HIGH_SENT: AtomicU32 = AtomicU32::new(0);

/// Formats as "after", pending the high-priority handler first.
struct PreemptHere;

impl fmt::Display for PreemptHere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(target_arch = "arm")]
        board::pend_high();
        f.write_str("after")
    }
}

fn on_high() {
    let k = PREEMPTED.load(Ordering::Relaxed);
    emlog::info!(logger: "high", "high {} {:#<w$}", k, "", w = (k % 20) as usize);
    // Only this handler writes it, and it does not preempt itself (no CAS on thumbv6m).
    HIGH_SENT.store(HIGH_SENT.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

fn on_tick() {
    let i = LOW_SENT.load(Ordering::Relaxed);
    if i < LOW {
        LOW_SENT.store(i + 1, Ordering::Relaxed);
        PREEMPTED.store(i, Ordering::Relaxed);
        emlog::info!(logger: "low", "low {} {} {:#<w$}", i, PreemptHere, "", w = (i % 20) as usize);
    }
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    #[cfg(not(target_arch = "arm"))]
    {
        // The riscv-rt trap handler does not nest; this test is for Cortex-M.
        let _ = uart;
        board::say("queue_nested needs nested interrupts (Cortex-M)");
        board::exit(false);
    }
    #[cfg(target_arch = "arm")]
    {
        QUEUE.set_level(Level::DEBUG);
        if emlog::install(&QUEUE).is_err() {
            board::exit(false);
        }
        const FORMAT: Formatter = match Formatter::new("%(levelname)s:%(name)s:%(message)s") {
            Ok(f) => f,
            Err(_) => panic!("bad format"),
        };
        let mut out: StreamHandler<_, 128> = StreamHandler::new(uart).with_formatter(emlog::formatter!(FORMAT));
        let mut listener: QueueListener<'_, '_, 8, 96> = QueueListener::new(&QUEUE);
        if listener.add(&mut out).is_err() {
            board::exit(false);
        }
        board::say("START");
        board::set_high_priority_handler(on_high);
        board::start_tick(20_000, on_tick);
        for j in 0..MAIN {
            emlog::info!(logger: "main", "main {} {:#<w$}", j, "", w = (j % 20) as usize);
            if j % 4 == 0 {
                listener.process();
            }
        }
        while LOW_SENT.load(Ordering::Relaxed) < LOW {
            listener.process();
        }
        board::stop_tick();
        listener.process_all();
        board::say_number("high sent: ", HIGH_SENT.load(Ordering::Relaxed));
        board::say("END");
        board::exit(true)
    }
}
