//! Python's SocketHandler wire format: a 4-byte big-endian length, then a
//! pickle (protocol 1, as Python's `makePickle` uses) of the record dict.
//!
//! Why a small hand-written encoder rather than `serde-pickle`: the value is
//! always the same flat dict of str/int/float/None (see
//! [`record_dict`](crate::record_dict)), for which protocol 1 needs eight
//! opcodes; `serde-pickle` writes protocol 2 or 3 only (Python's `makePickle`
//! writes 1), needs serde and a value tree allocated per record, and its
//! decoder, the part that is hard to get right, is not needed here. The
//! encoder is checked against Python's own `pickle.loads` in the tests.

use std::fmt::Write as _;

use emlog::{Formatter, Record};

use crate::record_dict::{PyValue, record_dict};

// Protocol 1 opcodes (Python's Lib/pickle.py names).
const EMPTY_DICT: u8 = b'}';
const MARK: u8 = b'(';
const SETITEMS: u8 = b'u';
const STOP: u8 = b'.';
const NONE: u8 = b'N';
const BININT: u8 = b'J';
const BININT1: u8 = b'K';
const BININT2: u8 = b'M';
const LONG: u8 = b'L';
const BINFLOAT: u8 = b'G';
const BINUNICODE: u8 = b'X';

/// Appends to `out` the length-prefixed protocol-1 pickle of a dict with
/// string keys, exactly what Python's receivers read with
/// `pickle.loads(data[4:])`.
///
/// ```
/// use emlog_std::pickle::write_length_prefixed_pickle;
/// use emlog_std::record_dict::PyValue;
/// let mut out = Vec::new();
/// write_length_prefixed_pickle(&[("a", PyValue::Int(1))], &mut out);
/// assert_eq!(out, b"\0\0\0\x0c}(X\x01\0\0\0aK\x01u.");
/// ```
pub fn write_length_prefixed_pickle(dict: &[(&str, PyValue<'_>)], out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    write_pickle(dict, out);
    // A record dict is far below 4 GiB; saturate rather than wrap if it ever is not.
    let len = u32::try_from(out.len() - start - 4).unwrap_or(u32::MAX);
    out[start..start + 4].copy_from_slice(&len.to_be_bytes());
}

/// Appends to `out` the protocol-1 pickle of a dict with string keys.
pub fn write_pickle(dict: &[(&str, PyValue<'_>)], out: &mut Vec<u8>) {
    out.push(EMPTY_DICT);
    if !dict.is_empty() {
        out.push(MARK);
        for &(key, value) in dict {
            write_str(key, out);
            write_value(value, out);
        }
        out.push(SETITEMS);
    }
    out.push(STOP);
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(BINUNICODE);
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

fn write_value(value: PyValue<'_>, out: &mut Vec<u8>) {
    match value {
        PyValue::None => out.push(NONE),
        PyValue::Str(s) => write_str(s, out),
        PyValue::Float(x) => {
            out.push(BINFLOAT);
            out.extend_from_slice(&x.to_be_bytes());
        }
        PyValue::Int(n) => {
            if let Ok(small) = u8::try_from(n) {
                out.push(BININT1);
                out.push(small);
            } else if let Ok(medium) = u16::try_from(n) {
                out.push(BININT2);
                out.extend_from_slice(&medium.to_le_bytes());
            } else if let Ok(int) = i32::try_from(n) {
                out.push(BININT);
                out.extend_from_slice(&int.to_le_bytes());
            } else {
                // Protocol 1 has no binary long: the text form, `L<digits>L\n`.
                out.push(LONG);
                out.extend_from_slice(n.to_string().as_bytes());
                out.extend_from_slice(b"L\n");
            }
        }
    }
}

/// Turns records into Python's length-prefixed pickles, reusing its buffers.
///
/// `msg` is the formatter's output; the default formatter gives the message
/// alone, which is Python's `getMessage()`.
///
/// ```
/// use emlog::{Level, Record};
/// use emlog_std::pickle::RecordPickler;
/// let mut pickler = RecordPickler::new();
/// let packet = pickler.encode(&Record::new(Level::INFO, "app", format_args!("up"))).unwrap();
/// assert_eq!(u32::from_be_bytes([packet[0], packet[1], packet[2], packet[3]]) as usize, packet.len() - 4);
/// ```
#[derive(Debug, Default)]
pub struct RecordPickler {
    formatter: Formatter,
    message: String,
    levelname: String,
    packet: Vec<u8>,
}

impl RecordPickler {
    /// A pickler whose `msg` is the message alone.
    pub fn new() -> RecordPickler {
        RecordPickler::default()
    }

    /// Sets the formatter that makes `msg`.
    pub fn set_formatter(&mut self, formatter: Formatter) {
        self.formatter = formatter;
    }

    /// The length-prefixed pickle of `record`; an error if a `Display`
    /// implementation in the message failed.
    pub fn encode(&mut self, record: &Record<'_>) -> Result<&[u8], std::fmt::Error> {
        self.message.clear();
        self.formatter.render(record, &mut self.message)?;
        self.levelname.clear();
        write!(self.levelname, "{}", record.level)?;
        self.packet.clear();
        let dict = record_dict(record, &self.message, &self.levelname);
        write_length_prefixed_pickle(&dict, &mut self.packet);
        Ok(&self.packet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_use_the_smallest_binary_opcode_and_text_long_beyond_i32() {
        let mut out = Vec::new();
        write_value(PyValue::Int(255), &mut out);
        write_value(PyValue::Int(256), &mut out);
        write_value(PyValue::Int(-1), &mut out);
        write_value(PyValue::Int(1 << 40), &mut out);
        assert_eq!(
            out,
            b"K\xffM\x00\x01J\xff\xff\xff\xffL1099511627776L\n".to_vec()
        );
    }

    #[test]
    fn floats_are_big_endian_doubles() {
        let mut out = Vec::new();
        write_value(PyValue::Float(1.0), &mut out);
        assert_eq!(out, b"G\x3f\xf0\0\0\0\0\0\0".to_vec());
    }

    #[test]
    fn the_length_prefix_counts_the_pickle_only() {
        let mut out = vec![9];
        write_length_prefixed_pickle(&[("k", PyValue::Str("é"))], &mut out);
        assert_eq!(&out[1..5], &(out.len() as u32 - 5).to_be_bytes());
    }
}
