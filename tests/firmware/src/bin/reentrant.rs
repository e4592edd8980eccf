//! A handler whose writer logs: the inner record is dropped and counted, the
//! outer ones arrive, nothing deadlocks or recurses.
#![no_std]
#![no_main]

use core_firmware::{add_and_install, board, finish, make_static};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<1, 1> = Dispatcher::with_root_level(Level::DEBUG);

/// Writes to the UART, and logs about it (as a driver with its own logging might).
struct ChattyUart;

impl embedded_io::ErrorType for ChattyUart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for ChattyUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        emlog::debug!(logger: "uart.driver", "wrote {} bytes", buf.len());
        embedded_io::Write::write(&mut board::Uart, buf)
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let _ = board::init();
    let handler = make_static!(StreamHandler<ChattyUart, 64>, StreamHandler::new(ChattyUart).with_formatter(emlog::formatter!("%(name)s: %(message)s")));
    add_and_install(&LOGGING, handler);
    for i in 0..3 {
        emlog::info!(logger: "app", "record {}", i);
    }
    let reentrant = emlog::stats().dispatch.reentrant;
    board::say_number("dropped as re-entrant ", reentrant as u32);
    finish(&[("three inner records dropped", reentrant == 3)])
}
