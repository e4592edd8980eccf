//! Reads what an emlog firmware wrote to its UART: text lines and defmt frames, mixed.
//!
//! The framing (written by `emlog::defmt_logger`): a text line is UTF-8 ending
//! in `\n`; a defmt frame is `0xFF`, rzCOBS bytes (never `0x00`), then `0x00`.
//! `0xFF` cannot occur in UTF-8, so it can only start a frame; `0x00` outside a
//! frame is ignored. [`split`] cuts a capture into those units, [`render`]
//! prints text lines unchanged and each frame decoded with `defmt-decoder`
//! against the firmware's ELF, as `[defmt LEVEL] message`.

use std::error::Error;

/// The byte that starts a defmt frame.
pub const FRAME_MARKER: u8 = 0xFF;
/// The byte that ends a defmt frame.
pub const FRAME_END: u8 = 0x00;

/// One unit of the UART stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A text line, without its `\n` (and without a `\r` before it).
    Text(String),
    /// A defmt frame's rzCOBS bytes, without marker and end byte.
    Frame(Vec<u8>),
    /// Bytes at the end of the capture that did not complete a unit.
    Incomplete(Vec<u8>),
}

/// Cuts a UART capture into text lines and defmt frames, in order. A frame in
/// the middle of a text line (which emlog never writes) is returned where it
/// ends, and the line continues after it.
pub fn split(bytes: &[u8]) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut text = Vec::new();
    let mut frame: Option<Vec<u8>> = None;
    for &b in bytes {
        if let Some(f) = frame.as_mut() {
            if b == FRAME_END {
                units.push(Unit::Frame(frame.take().unwrap_or_default()));
            } else {
                f.push(b);
            }
            continue;
        }
        match b {
            FRAME_MARKER => frame = Some(Vec::new()),
            FRAME_END => {}
            b'\n' => {
                if text.last() == Some(&b'\r') {
                    text.pop();
                }
                units.push(Unit::Text(String::from_utf8_lossy(&text).into_owned()));
                text.clear();
            }
            _ => text.push(b),
        }
    }
    if let Some(f) = frame {
        units.push(Unit::Incomplete(f));
    } else if !text.is_empty() {
        units.push(Unit::Incomplete(text));
    }
    units
}

/// Renders a capture as lines: text as it is, frames decoded with the ELF's
/// defmt table. A frame that does not decode is an error naming its position.
pub fn render(elf: &[u8], bytes: &[u8]) -> Result<Vec<String>, Box<dyn Error + Send + Sync>> {
    let table = defmt_decoder::Table::parse(elf)?
        .ok_or("the ELF has no defmt table: was the firmware linked with -Tdefmt.x?")?;
    let mut lines = Vec::new();
    for (i, unit) in split(bytes).into_iter().enumerate() {
        match unit {
            Unit::Text(text) => lines.push(text),
            Unit::Frame(frame) => {
                let mut decoder = table.new_stream_decoder();
                decoder.received(&frame);
                decoder.received(&[FRAME_END]);
                let decoded = decoder.decode().map_err(|e| {
                    format!("unit {i}: defmt frame {frame:02x?} does not decode: {e}")
                })?;
                let level = decoded
                    .level()
                    .map(|l| l.as_str().to_uppercase())
                    .unwrap_or_else(|| "PRINT".to_owned());
                lines.push(format!("[defmt {level}] {}", decoded.display_message()));
            }
            Unit::Incomplete(rest) => {
                lines.push(format!("<incomplete at end: {} bytes>", rest.len()));
            }
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_come_out_as_they_are_and_frames_between_them_are_cut_out() {
        let mut wire = b"INFO:app:one\n".to_vec();
        wire.extend_from_slice(&[FRAME_MARKER, 0x03, 0xFF, 0x41, FRAME_END]);
        wire.extend_from_slice(b"WARNING:app:two\r\n");
        assert_eq!(
            split(&wire),
            [
                Unit::Text("INFO:app:one".into()),
                Unit::Frame(vec![0x03, 0xFF, 0x41]),
                Unit::Text("WARNING:app:two".into()),
            ]
        );
    }

    #[test]
    fn a_nul_outside_a_frame_is_ignored_and_a_cut_capture_is_reported() {
        let wire = [0, b'a', b'\n', FRAME_MARKER, 7, 8];
        assert_eq!(
            split(&wire),
            [Unit::Text("a".into()), Unit::Incomplete(vec![7, 8])]
        );
    }

    #[test]
    fn an_elf_without_a_defmt_table_is_a_clear_error() {
        let err = render(b"not an elf", b"x\n").unwrap_err();
        assert!(!err.to_string().is_empty());
    }
}
