//! Plain calls (only `{}` and `{:.N}` placeholders) on the target itself: the
//! writer compiled for each number of arguments, integers of every width at
//! their edges and both signs, text, a `Display` argument, a precision and
//! empty pieces, written straight to the UART by a handler without a line
//! buffer. The golden file is what `format!` writes for the same calls.
#![no_std]
#![no_main]

use core::hint::black_box;

use core_firmware::{add_and_install, board, finish, make_static};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<1, 0> = Dispatcher::with_root_level(Level::DEBUG);

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    let handler = make_static!(StreamHandler<board::Uart, 0, 0>, StreamHandler::new(uart).with_formatter(emlog::formatter!("%(message)s")));
    let id = add_and_install(&LOGGING, handler);
    // Values the compiler cannot see, so the writers run on the target.
    emlog::info!("zero {} max {}", black_box(0u32), black_box(u32::MAX));
    emlog::info!("{}", black_box(i32::MIN));
    emlog::info!("{}", black_box(i32::MAX));
    emlog::info!(
        "signed {} {} {} {}",
        black_box(-1i32),
        black_box(0i8),
        black_box(i16::MIN),
        black_box(-7isize)
    );
    emlog::info!(
        "{}{}{}",
        black_box(1u8),
        black_box(22u16),
        black_box(333usize)
    );
    emlog::info!(
        "{} at the start, {} then {}",
        black_box(9u32),
        black_box(10u32),
        black_box(1_000_000_000u32)
    );
    emlog::info!("text <{}> char {} end", black_box("é"), black_box('c'));
    emlog::info!("cut to {:.2}|", black_box("abcdef"));
    emlog::warning!(logger: "app", "warned {} times", black_box(99_999u32));
    let stats = LOGGING.handler_stats(id).unwrap_or_default();
    finish(&[("nine records emitted", stats.emitted == 9)])
}
