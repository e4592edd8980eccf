//! QEMU's `lm3s6965evb` (Stellaris LM3S6965, Cortex-M3): the PL011 UART0 as an
//! `embedded_io::Write`, the memory map (memory.x), and the core clock.
#![no_std]

/// The machine's name, as QEMU's `-machine` takes it.
pub const MACHINE: &str = "lm3s6965evb";
/// SysTick counts per second with the core clock (QEMU models 12 MHz).
pub const SYSTICK_HZ: u32 = 12_000_000;

const UART0: usize = 0x4000_C000;
const DR: usize = 0x00;
const FR: usize = 0x18;
const CR: usize = 0x30;
const FR_TXFF: u32 = 1 << 5;

/// UART0, blocking until each byte is in the transmit FIFO.
pub struct Uart;

impl Uart {
    /// Enables UART0's transmitter (QEMU transmits without it; hardware needs it).
    pub fn init() -> Uart {
        // SAFETY: UART0's control register; UARTEN | TXE.
        unsafe { reg(CR).write_volatile((1 << 0) | (1 << 8)) };
        Uart
    }

    /// Sends one byte. Inlined: a call per byte would cost more than the
    /// two register accesses it makes.
    #[inline(always)]
    pub fn put(b: u8) {
        // SAFETY: UART0's flag and data registers.
        unsafe {
            while reg(FR).read_volatile() & FR_TXFF != 0 {}
            reg(DR).write_volatile(u32::from(b));
        }
    }
}

fn reg(offset: usize) -> *mut u32 {
    (UART0 + offset) as *mut u32
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
