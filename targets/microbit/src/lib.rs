//! QEMU's `microbit` (nRF51822, Cortex-M0, no compare-and-swap): the UART as an
//! `embedded_io::Write`, the memory map (memory.x), and the core clock.
#![no_std]

/// The machine's name, as QEMU's `-machine` takes it.
pub const MACHINE: &str = "microbit";
/// SysTick counts per second with the core clock (16 MHz).
pub const SYSTICK_HZ: u32 = 16_000_000;

const UART: usize = 0x4000_2000;
const TASKS_STARTTX: usize = 0x008;
const EVENTS_TXDRDY: usize = 0x11C;
const ENABLE: usize = 0x500;
const TXD: usize = 0x51C;

/// The UART, blocking until each byte has been sent.
pub struct Uart;

impl Uart {
    /// Enables the UART and starts its transmitter.
    pub fn init() -> Uart {
        // SAFETY: the UART's ENABLE (4 = enabled) and TASKS_STARTTX registers.
        unsafe {
            reg(ENABLE).write_volatile(4);
            reg(TASKS_STARTTX).write_volatile(1);
        }
        Uart
    }

    /// Sends one byte.
    pub fn put(b: u8) {
        // SAFETY: the UART's EVENTS_TXDRDY and TXD registers.
        unsafe {
            reg(EVENTS_TXDRDY).write_volatile(0);
            reg(TXD).write_volatile(u32::from(b));
            while reg(EVENTS_TXDRDY).read_volatile() == 0 {}
        }
    }
}

fn reg(offset: usize) -> *mut u32 {
    (UART + offset) as *mut u32
}

impl embedded_io::ErrorType for Uart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        buf.iter().for_each(|&b| Uart::put(b));
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
