//! `uart-demux FIRMWARE.elf [CAPTURE]`: prints an emlog UART capture (stdin by
//! default) with text lines as they are and defmt frames decoded.

use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(elf_path) = args.first() else {
        eprintln!("usage: uart-demux FIRMWARE.elf [CAPTURE] (capture from stdin if omitted)");
        return ExitCode::from(2);
    };
    let elf = match std::fs::read(elf_path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read the ELF {elf_path}: {e}");
            return ExitCode::from(2);
        }
    };
    let capture = match args.get(1) {
        Some(path) => std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}")),
        None => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map(|_| b)
                .map_err(|e| format!("cannot read stdin: {e}"))
        }
    };
    let capture = match capture {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match uart_demux::render(&elf, &capture) {
        Ok(lines) => {
            let mut out = std::io::stdout().lock();
            for line in lines {
                if writeln!(out, "{line}").is_err() {
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
