//! Puts this machine's memory.x where the linker finds it (link-search reaches the final binary).
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    if let Err(e) = fs::write(out.join("memory.x"), include_str!("memory.x")) {
        panic!("cannot write memory.x into OUT_DIR: {e}");
    }
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
}
