//! MemoryHandler on a device: DEBUG context buffered and dumped when an ERROR
//! arrives; ring mode keeps only the last records. Compared with golden/memory_dump.out.
#![no_std]
#![no_main]

use emlog::{Dispatcher, Formatter, Level, MemoryHandler, StreamHandler};
use emlog_board as board;

static LOGGING: Dispatcher<2> = Dispatcher::with_root_level(Level::DEBUG);

const FORMAT: Formatter = match Formatter::new("%(levelname)s:%(name)s:%(message)s") {
    Ok(f) => f,
    Err(_) => panic!("bad format"),
};

static mut DUMP_OUT: Option<StreamHandler<board::Uart, 128>> = None;
static mut RING_OUT: Option<StreamHandler<board::Uart, 128>> = None;
static mut DUMP: MemoryHandler<'static, 8, 96> = MemoryHandler::new(Level::ERROR);
static mut RING: Option<MemoryHandler<'static, 4, 96>> = None;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    // SAFETY: main runs once; these statics are set up here before any record.
    let (dump, ring) = unsafe {
        let dump_out = (*core::ptr::addr_of_mut!(DUMP_OUT))
            .insert(StreamHandler::new(board::Uart).with_formatter(emlog::formatter!(FORMAT)));
        let ring_out = (*core::ptr::addr_of_mut!(RING_OUT))
            .insert(StreamHandler::new(uart).with_formatter(emlog::formatter!(FORMAT)));
        let dump = &mut *core::ptr::addr_of_mut!(DUMP);
        dump.set_target(Some(dump_out));
        dump.base_mut().filters_mut().set_name("dump");
        let ring =
            (*core::ptr::addr_of_mut!(RING)).insert(MemoryHandler::new(Level::ERROR).ring(true));
        ring.set_target(Some(ring_out));
        ring.base_mut().filters_mut().set_name("ring");
        (dump, ring)
    };
    if LOGGING.add(dump).is_err() || LOGGING.add(ring).is_err() || emlog::install(&LOGGING).is_err()
    {
        board::exit(false);
    }

    board::say("-- dump on error: 5 DEBUG buffered, nothing written yet");
    for i in 0..5 {
        emlog::debug!(logger: "dump", "step {} state={:#x}", i, 0x10 * i);
    }
    board::say("-- an ERROR dumps them with it");
    emlog::error!(logger: "dump", "step 5 failed: code {}", -7);
    board::say("-- buffer full (8) flushes by itself");
    for i in 0..8 {
        emlog::debug!(logger: "dump", "fill {}", i);
    }
    board::say("-- ring of 4: 10 DEBUG, then an ERROR shows the last 3 and the ERROR");
    for i in 0..10 {
        emlog::debug!(logger: "ring", "tick {}", i);
    }
    emlog::error!(logger: "ring", "watchdog about to fire");
    board::say("END");
    board::exit(true)
}
