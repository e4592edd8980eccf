//! What every emlog firmware here needs from a QEMU machine, whichever it is:
//! the UART (`embedded_io::Write`), a periodic interrupt (SysTick on Cortex-M,
//! the machine timer on RISC-V), the exit with a pass/fail status, a free-running
//! count for `-icount` measurements, and a panic handler that runs a hook first.
//!
//! The machine is picked by the build target: thumbv7m → `lm3s6965evb`,
//! thumbv6m → `microbit`, riscv32imac → RISC-V `virt` (one crate each in
//! `targets/`, holding the UART, memory map and clock of that machine).
#![no_std]

use core::sync::atomic::{AtomicUsize, Ordering};

#[cfg(all(target_arch = "arm", target_has_atomic = "32"))]
use emlog_target_lm3s6965evb as machine;
#[cfg(all(target_arch = "arm", not(target_has_atomic = "32")))]
use emlog_target_microbit as machine;
#[cfg(target_arch = "riscv32")]
use emlog_target_riscv_virt as machine;

/// The machine's name, as QEMU's `-machine` takes it.
pub use machine::MACHINE;
/// The machine's UART, blocking until each byte is accepted.
pub use machine::Uart;

fn reg(addr: usize) -> *mut u32 {
    addr as *mut u32
}

fn put_byte(b: u8) {
    machine::Uart::put(b);
}

/// Sets the UART up; call once at start.
pub fn init() -> Uart {
    machine::Uart::init()
}

/// Ends the QEMU run with a status.
pub fn exit(success: bool) -> ! {
    #[cfg(target_arch = "arm")]
    {
        use cortex_m_semihosting::debug;
        debug::exit(if success {
            debug::EXIT_SUCCESS
        } else {
            debug::EXIT_FAILURE
        });
    }
    #[cfg(target_arch = "riscv32")]
    machine::exit(success);
    #[cfg(target_arch = "arm")]
    loop {
        // Semihosting exit does not return under QEMU; on hardware without a debugger, wait here.
        core::hint::spin_loop();
    }
}

static TICK: AtomicUsize = AtomicUsize::new(0);

fn run_tick() {
    let f = TICK.load(Ordering::Acquire);
    if f != 0 {
        // SAFETY: only `start_tick` stores here, and it stores a `fn()`.
        let f: fn() = unsafe { core::mem::transmute::<usize, fn()>(f) };
        f();
    }
}

/// Calls `on_tick` from the periodic interrupt every `period` cycles (or timer ticks).
pub fn start_tick(period: u32, on_tick: fn()) {
    TICK.store(on_tick as usize, Ordering::Release);
    #[cfg(target_arch = "arm")]
    {
        // SAFETY: SysTick is ours alone in these tests.
        let mut syst = unsafe { cortex_m::Peripherals::steal() }.SYST;
        syst.set_clock_source(cortex_m::peripheral::syst::SystClkSource::Core);
        syst.set_reload(period);
        syst.clear_current();
        syst.enable_interrupt();
        syst.enable_counter();
    }
    #[cfg(target_arch = "riscv32")]
    {
        PERIOD.store(period as usize, Ordering::Relaxed);
        rearm();
        // SAFETY: enabling the machine timer and global interrupts, handler below.
        unsafe {
            riscv::register::mie::set_mtimer();
            riscv::interrupt::enable();
        }
    }
}

/// Stops the periodic interrupt.
pub fn stop_tick() {
    TICK.store(0, Ordering::Release);
    #[cfg(target_arch = "arm")]
    {
        // SAFETY: as in `start_tick`.
        let mut syst = unsafe { cortex_m::Peripherals::steal() }.SYST;
        syst.disable_interrupt();
        syst.disable_counter();
    }
    #[cfg(target_arch = "riscv32")]
    // SAFETY: turning the machine timer off.
    unsafe {
        riscv::register::mie::clear_mtimer();
    }
}

#[cfg(target_arch = "arm")]
#[cortex_m_rt::exception]
fn SysTick() {
    run_tick();
}

#[cfg(target_arch = "riscv32")]
static PERIOD: AtomicUsize = AtomicUsize::new(0);

#[cfg(target_arch = "riscv32")]
fn rearm() {
    use machine::{MTIME, MTIMECMP};
    // SAFETY: the CLINT of the virt machine, hart 0. The high word of
    // mtimecmp is set to max first so no spurious interrupt fires meanwhile.
    unsafe {
        let lo = reg(MTIME).read_volatile();
        let hi = reg(MTIME + 4).read_volatile();
        let next = ((u64::from(hi) << 32) | u64::from(lo)) + PERIOD.load(Ordering::Relaxed) as u64;
        reg(MTIMECMP + 4).write_volatile(u32::MAX);
        reg(MTIMECMP).write_volatile(next as u32);
        reg(MTIMECMP + 4).write_volatile((next >> 32) as u32);
    }
}

#[cfg(target_arch = "riscv32")]
#[riscv_rt::core_interrupt(riscv::interrupt::Interrupt::MachineTimer)]
fn machine_timer() {
    rearm();
    run_tick();
}

static PANIC_HOOK: AtomicUsize = AtomicUsize::new(0);

/// Runs `hook` in the panic handler; its answer is the exit status.
pub fn set_panic_hook(hook: fn() -> bool) {
    PANIC_HOOK.store(hook as usize, Ordering::Release);
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    let hook = PANIC_HOOK.load(Ordering::Acquire);
    if hook == 0 {
        exit(false);
    }
    // SAFETY: only `set_panic_hook` stores here, and it stores a `fn() -> bool`.
    let hook: fn() -> bool = unsafe { core::mem::transmute::<usize, fn() -> bool>(hook) };
    exit(hook())
}

/// A text line straight to the UART, for the test's own markers.
pub fn say(text: &str) {
    for b in text.bytes() {
        put_byte(b);
    }
    put_byte(b'\n');
}

/// A free-running count for measuring under `qemu -icount`: SysTick's
/// current value on Cortex-M (24 bits, counting down; [`start_tick`] must run
/// with a long period), the low word of `mtime` on RISC-V.
pub fn now() -> u32 {
    #[cfg(target_arch = "arm")]
    {
        // SAFETY: reading SysTick's current value register.
        0x00FF_FFFF - (unsafe { reg(0xE000_E018).read_volatile() } & 0x00FF_FFFF)
    }
    #[cfg(target_arch = "riscv32")]
    {
        // SAFETY: reading the CLINT's mtime, low word.
        unsafe { reg(machine::MTIME).read_volatile() }
    }
}

/// Counts from `start` to `end` of [`now`], across one wrap.
pub fn elapsed(start: u32, end: u32) -> u32 {
    #[cfg(target_arch = "arm")]
    {
        end.wrapping_sub(start) & 0x00FF_FFFF
    }
    #[cfg(target_arch = "riscv32")]
    {
        end.wrapping_sub(start)
    }
}

/// Counts of [`now`] for 104,000 instructions: the difference between loops
/// of four and two calls of a 52-instruction function (call, 50 nops,
/// return), 1000 passes each, so the loop's own cost cancels.
pub fn counts_per_104k_instructions() -> u32 {
    // Exactly 52 instructions a call: the call, 50 nops, the return.
    #[cfg(target_arch = "arm")]
    #[unsafe(naked)]
    extern "C" fn fifty_nops() {
        core::arch::naked_asm!(".rept 50", "nop", ".endr", "bx lr")
    }
    #[cfg(target_arch = "riscv32")]
    #[unsafe(naked)]
    extern "C" fn fifty_nops() {
        core::arch::naked_asm!(".rept 50", "nop", ".endr", "ret")
    }
    fn run<const ONE_HUNDRED_MORE: bool>() -> u32 {
        let start = now();
        for _ in 0..core::hint::black_box(1000u32) {
            fifty_nops();
            fifty_nops();
            if ONE_HUNDRED_MORE {
                fifty_nops();
                fifty_nops();
            }
        }
        elapsed(start, now())
    }
    run::<true>().saturating_sub(run::<false>())
}

/// Prints `label: value` as a line.
pub fn say_number(label: &str, value: u32) {
    let mut digits = [0u8; 10];
    let mut n = value;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for b in label.bytes() {
        put_byte(b);
    }
    for &b in &digits[i..] {
        put_byte(b);
    }
    put_byte(b'\n');
}

/// Ten distinct emlog calls with one u32 each, for the size demos.
#[macro_export]
macro_rules! ten_calls {
    ($n:expr) => {{
        let n: u32 = $n;
        emlog::info!("call 0 of the size demo: {}", n);
        emlog::info!("call 1 of the size demo: {}", n + 1);
        emlog::info!("call 2 of the size demo: {}", n + 2);
        emlog::info!("call 3 of the size demo: {}", n + 3);
        emlog::info!("call 4 of the size demo: {}", n + 4);
        emlog::warning!("call 5 of the size demo: {}", n + 5);
        emlog::warning!("call 6 of the size demo: {}", n + 6);
        emlog::error!("call 7 of the size demo: {}", n + 7);
        emlog::error!("call 8 of the size demo: {}", n + 8);
        emlog::debug!("call 9 of the size demo: {}", n + 9);
    }};
}

#[cfg(target_arch = "arm")]
static HIGH: AtomicUsize = AtomicUsize::new(0);

/// Cortex-M only: makes PendSV the highest priority and SysTick a lower one,
/// and runs `on_high` in PendSV whenever [`pend_high`] is called, so that a
/// SysTick handler can be preempted at an exact point.
#[cfg(target_arch = "arm")]
pub fn set_high_priority_handler(on_high: fn()) {
    use cortex_m::peripheral::scb::SystemHandler;
    HIGH.store(on_high as usize, Ordering::Release);
    // SAFETY: priorities of our own handlers; both only log.
    unsafe {
        let mut p = cortex_m::Peripherals::steal();
        p.SCB.set_priority(SystemHandler::PendSV, 0x00);
        p.SCB.set_priority(SystemHandler::SysTick, 0x80);
    }
}

/// Cortex-M only: preempts the caller with the PendSV handler (if the caller
/// runs at a lower priority) before this returns.
#[cfg(target_arch = "arm")]
pub fn pend_high() {
    cortex_m::peripheral::SCB::set_pendsv();
    cortex_m::asm::dsb();
    cortex_m::asm::isb();
}

#[cfg(target_arch = "arm")]
#[cortex_m_rt::exception]
fn PendSV() {
    let f = HIGH.load(Ordering::Acquire);
    if f != 0 {
        // SAFETY: only `set_high_priority_handler` stores here, a `fn()`.
        let f: fn() = unsafe { core::mem::transmute::<usize, fn()>(f) };
        f();
    }
}
