//! Every record field with widths, alignment and precision, in both styles.
//! The expected lines are what Python's logging prints for the same record
//! (tests/firmware/python_formatter_fields.py computes them).
#![no_std]
#![no_main]

use core_firmware::{FIXED_TIME, board, finish, make_static};
use emlog::{Dispatcher, Formatter, Level, StreamHandler};

static LOGGING: Dispatcher<8, 1> = Dispatcher::with_root_level(Level::DEBUG);

macro_rules! fmt {
    ($style:ident, $text:expr) => {
        match Formatter::$style($text) {
            Ok(f) => f,
            Err(_) => panic!("bad format"),
        }
    };
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let _ = board::init();
    emlog::set_environment(&FIXED_TIME);
    const FORMATS: [Formatter; 6] = [
        fmt!(
            new,
            "%(asctime)s|%(created)f|%(created).3f|%(msecs)03d|%(msecs)d"
        ),
        fmt!(
            new,
            "%(levelname)-8s|%(levelname)8s|%(levelname).3s|%(levelno)d|%(levelno)5d|%(levelno)-5d|%(levelno)05d"
        ),
        fmt!(
            new,
            "%(name)s|%(name)-12s|%(name)12s|%(name).4s|%(message)s|%(message)-16s|%(message).5s"
        ),
        fmt!(
            new,
            "%(filename)s|%(module)s|%(lineno)d|%(lineno)6d|%(pathname)s"
        ),
        fmt!(
            new,
            "%(thread)d|%(threadName)s|%(process)d|%(processName)s|%(name)r|%%"
        ),
        fmt!(
            brace,
            "{levelname:<8}|{levelname:>8}|{levelname:^9}|{name:*^12}|{levelno:03d}|{msecs:03.0f}|{message}"
        ),
    ];
    let mut ok = true;
    for format in &FORMATS {
        // One slot, re-filled each pass: the previous handler was removed from the table.
        let handler = make_static!(
            StreamHandler<board::Uart, 160>,
            StreamHandler::new(board::Uart).with_formatter(format)
        );
        match LOGGING.add(handler) {
            Ok(id) => {
                if emlog::installed().is_none() && emlog::install(&LOGGING).is_err() {
                    ok = false;
                }
                emlog::warning!(logger: "app.net", "link up {}", 42);
                ok &= LOGGING.remove(id).is_some();
            }
            Err(_) => ok = false,
        }
    }
    finish(&[("every format rendered", ok)])
}
