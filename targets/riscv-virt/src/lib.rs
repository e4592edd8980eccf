//! QEMU's RISC-V `virt` machine (`-bios none`): the NS16550 UART as an
//! `embedded_io::Write`, the memory map (memory.x), the CLINT's machine timer
//! registers, and the exit through the `sifive_test` device.
#![no_std]

/// The machine's name, as QEMU's `-machine` takes it.
pub const MACHINE: &str = "virt";
/// `mtime` counts per second (10 MHz).
pub const MTIME_HZ: u32 = 10_000_000;
/// The CLINT's `mtime` (64 bits, low word first).
pub const MTIME: usize = 0x0200_BFF8;
/// The CLINT's `mtimecmp` for hart 0 (64 bits, low word first).
pub const MTIMECMP: usize = 0x0200_4000;

const UART: usize = 0x1000_0000;
const THR: usize = 0;
const LSR: usize = 5;
const LSR_THR_EMPTY: u8 = 1 << 5;
const SIFIVE_TEST: usize = 0x0010_0000;

/// The NS16550, blocking until the holding register is free.
pub struct Uart;

impl Uart {
    /// The UART needs no set-up under QEMU.
    pub fn init() -> Uart {
        Uart
    }

    /// Sends one byte.
    pub fn put(b: u8) {
        let base = UART as *mut u8;
        // SAFETY: the UART's line status and transmit holding registers.
        unsafe {
            while base.add(LSR).read_volatile() & LSR_THR_EMPTY == 0 {}
            base.add(THR).write_volatile(b);
        }
    }
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

/// Ends the QEMU run: the `sifive_test` device makes QEMU exit 0 (pass) or 1 (fail).
pub fn exit(pass: bool) -> ! {
    let code: u32 = if pass { 0x5555 } else { 0x1_3333 };
    // SAFETY: the sifive_test device's only register.
    unsafe { (SIFIVE_TEST as *mut u32).write_volatile(code) };
    loop {
        core::hint::spin_loop();
    }
}
