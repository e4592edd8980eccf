//! What the size-report variants share: the UART as a `core::fmt::Write`
//! (for the `core::fmt` and `log` anchors), a minimal defmt global logger
//! (feature `defmt`), and the instruction-count harness (feature `icount`).
//!
//! Every variant logs the same 36-character line, `INFO:app:request served,
//! count=NNNNN`, with the count a `u32` the compiler cannot see.
#![no_std]

pub use emlog_board as board;

/// The u32 every variant logs: opaque to the optimiser, five digits.
pub fn count() -> u32 {
    core::hint::black_box(10_000)
}

/// Ends the run with success.
pub fn done() -> ! {
    board::exit(true)
}

/// The UART as a `core::fmt::Write`, for the anchors that format with `core::fmt`.
pub struct TextUart;

impl core::fmt::Write for TextUart {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        s.bytes().for_each(board::Uart::put);
        Ok(())
    }
}

/// defmt's global logger, as an application without emlog would write it:
/// frames rzCOBS-encoded by defmt's own encoder, straight to the UART, one
/// frame at a time inside a critical section.
#[cfg(feature = "defmt")]
mod defmt_uart {
    use super::board;
    use critical_section::RestoreState;

    #[defmt::global_logger]
    struct UartLogger;

    static mut ENCODER: defmt::Encoder = defmt::Encoder::new();
    static mut RESTORE: RestoreState = RestoreState::invalid();

    fn put(bytes: &[u8]) {
        bytes.iter().for_each(|&b| board::Uart::put(b));
    }

    // SAFETY: `acquire` takes a critical section that `release` gives back, so
    // the encoder's state is touched by one frame at a time.
    unsafe impl defmt::Logger for UartLogger {
        fn acquire() {
            // SAFETY: released in `release`.
            let restore = unsafe { critical_section::acquire() };
            // SAFETY: inside the critical section.
            unsafe {
                RESTORE = restore;
                (*core::ptr::addr_of_mut!(ENCODER)).start_frame(put);
            }
        }
        unsafe fn flush() {}
        unsafe fn release() {
            // SAFETY: between `acquire` and `release`, inside its critical section.
            unsafe {
                (*core::ptr::addr_of_mut!(ENCODER)).end_frame(put);
                critical_section::release(RESTORE);
            }
        }
        unsafe fn write(bytes: &[u8]) {
            // SAFETY: between `acquire` and `release`.
            unsafe { (*core::ptr::addr_of_mut!(ENCODER)).write(bytes, put) };
        }
    }
}

/// Guest instructions per run of `f`, under `qemu -icount shift=0`: the
/// SysTick counts of `iterations` runs minus those of an empty loop of the
/// same length, scaled by a calibration on a loop of `nop`s. Printed as
/// `icount LABEL N`, which run.sh reads.
#[cfg(feature = "icount")]
pub fn measure(label: &str, iterations: u32, mut f: impl FnMut(u32)) {
    use core::hint::black_box;
    use core::sync::atomic::{AtomicU32, Ordering};
    static PER_104K: AtomicU32 = AtomicU32::new(0);
    if PER_104K.load(Ordering::Relaxed) == 0 {
        board::start_tick(0x00FF_FFFF, || {});
        PER_104K.store(
            board::counts_per_104k_instructions().max(1),
            Ordering::Relaxed,
        );
    }
    let per_104k = u64::from(PER_104K.load(Ordering::Relaxed));
    let start = board::now();
    for i in 0..black_box(iterations) {
        f(black_box(i));
    }
    let with = board::elapsed(start, board::now());
    let start = board::now();
    for i in 0..black_box(iterations) {
        black_box(i);
    }
    let without = board::elapsed(start, board::now());
    let counts = u64::from(with.saturating_sub(without));
    // Rounded to the nearest instruction.
    let per_call = (counts * 104_000 * 2 / per_104k / u64::from(iterations)).div_ceil(2);
    let mut line = [0u8; 48];
    let prefix = b"icount ";
    let mut len = 0;
    for &b in prefix.iter().chain(label.as_bytes()).chain(b" ") {
        if len < line.len() {
            line[len] = b;
            len += 1;
        }
    }
    board::say_number(
        core::str::from_utf8(&line[..len]).unwrap_or("icount ? "),
        per_call as u32,
    );
}
