//! Helpers shared by the core's host tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

/// An `embedded_io::Write` that keeps what it is given, and can be told to fail.
#[derive(Clone, Default)]
pub struct Capture {
    pub bytes: Arc<Mutex<Vec<u8>>>,
    pub writes: Arc<Mutex<usize>>,
    pub fail: Arc<Mutex<bool>>,
}

impl Capture {
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.lock().unwrap().clone()).unwrap()
    }
    pub fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_owned).collect()
    }
    pub fn clear(&self) {
        self.bytes.lock().unwrap().clear();
        *self.writes.lock().unwrap() = 0;
    }
    pub fn set_failing(&self, fail: bool) {
        *self.fail.lock().unwrap() = fail;
    }
}

impl embedded_io::ErrorType for Capture {
    type Error = embedded_io::ErrorKind;
}

impl embedded_io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        if *self.fail.lock().unwrap() {
            return Err(embedded_io::ErrorKind::BrokenPipe);
        }
        *self.writes.lock().unwrap() += 1;
        self.bytes.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Leaks a value to get the `&'static mut` the global dispatcher takes.
pub fn leak<T>(value: T) -> &'static mut T {
    Box::leak(Box::new(value))
}

#[cfg(feature = "defmt-logger")]
use emlog::defmt_logger::{FRAME_END, FRAME_MARKER};

/// Splits a wire capture the way the host reader does: text lines, and the
/// rzCOBS bytes of each defmt frame (between the marker and the end byte).
#[cfg(feature = "defmt-logger")]
pub fn split(wire: &[u8]) -> (Vec<String>, Vec<Vec<u8>>) {
    let (mut lines, mut frames) = (Vec::new(), Vec::new());
    let mut text = Vec::new();
    let mut i = 0;
    while i < wire.len() {
        match wire[i] {
            FRAME_MARKER => {
                let end = i + 1 + wire[i + 1..].iter().position(|&b| b == FRAME_END).unwrap();
                frames.push(wire[i + 1..end].to_vec());
                i = end + 1;
            }
            b'\n' => {
                lines.push(String::from_utf8(std::mem::take(&mut text)).unwrap());
                i += 1;
            }
            FRAME_END => i += 1,
            b => {
                text.push(b);
                i += 1;
            }
        }
    }
    assert!(text.is_empty(), "unterminated text: {text:?}");
    (lines, frames)
}
