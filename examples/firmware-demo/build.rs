//! Link scripts: cortex-m-rt's and riscv-rt's `link.x` (the board crate supplies `memory.x`).
fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("riscv") {
        println!("cargo:rustc-link-arg=-Tmemory.x");
    }
    if target.ends_with("-none-eabi") || target.ends_with("-none-elf") {
        println!("cargo:rustc-link-arg=-Tlink.x");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
