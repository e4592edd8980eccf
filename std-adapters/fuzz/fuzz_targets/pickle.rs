//! The SocketHandler/DatagramHandler wire encoding: a 4-byte big-endian
//! length and a protocol-1 pickle of the record dict.
//!
//! Properties: the bytes are one well-formed pickle that fills the length
//! prefix exactly (checked by decoding with the strict unpickler in
//! `unpickle.rs`, which takes only what Python's `pickle.loads` takes);
//! decoding gives back every key and value in order, floats bit for bit;
//! each int uses the smallest opcode (K, M, J, else LONG text); and a
//! record's pickle holds Python's 21 `LogRecord` attributes with their types.
//!
//! Input lines: `record` on the first line pickles a record: a format string
//! (empty: the message alone), the record's lines (see `ArbRecord::read`),
//! then its message, the rest of the input. Anything else on the first line
//! pickles a dict: then pairs of lines, a key and a value, where the value is
//! `n` (None), `i` and an integer, `f` and a float (`nan`, `inf` included),
//! `b` and the float's bits as an integer, or `s` and a string.
#![no_main]

mod unpickle;

use emlog::Formatter;
use emlog_fuzz::{ArbRecord, Lines, lend_static};
use emlog_std::pickle::{RecordPickler, write_length_prefixed_pickle};
use emlog_std::record_dict::{PyValue, UNKNOWN_FUNCTION};
use libfuzzer_sys::fuzz_target;
use unpickle::{Value, unpickle};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = Lines::new(&text);
    if lines.text() == "record" {
        check_record(&mut lines);
    } else {
        check_dict(&mut lines);
    }
});

fn check_dict(lines: &mut Lines<'_>) {
    let mut entries: Vec<(&str, PyValue<'_>)> = Vec::new();
    while !lines.is_empty() {
        let key = lines.text();
        let value = lines.text();
        let mut chars = value.chars();
        let kind = chars.next();
        let rest = chars.as_str();
        let value = match kind {
            Some('i') => PyValue::Int(rest.trim().parse().unwrap_or_default()),
            Some('f') => PyValue::Float(rest.trim().parse().unwrap_or_default()),
            Some('b') => PyValue::Float(f64::from_bits(rest.trim().parse().unwrap_or_default())),
            Some('s') => PyValue::Str(rest),
            _ => PyValue::None,
        };
        entries.push((key, value));
    }
    let mut out = vec![0xAA];
    write_length_prefixed_pickle(&entries, &mut out);
    assert_eq!(out[0], 0xAA, "bytes before the packet are kept");
    let decoded = decode_packet(&out[1..]);
    let expected: Vec<(Value, Value)> = entries
        .iter()
        .map(|&(key, value)| (Value::Str(key.to_owned()), python_value(value)))
        .collect();
    assert_eq!(decoded, Value::Dict(expected));
    check_int_opcodes(&entries);
}

/// Checks the length prefix and decodes the pickle after it.
fn decode_packet(packet: &[u8]) -> Value {
    let (len, pickle) = packet.split_at(4);
    let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
    assert_eq!(len, pickle.len(), "the length prefix counts the pickle");
    match unpickle(pickle) {
        Ok(value) => value,
        Err(why) => panic!("not a well-formed pickle: {why}\n{pickle:?}"),
    }
}

fn python_value(value: PyValue<'_>) -> Value {
    match value {
        PyValue::None => Value::None,
        PyValue::Int(n) => Value::Int(n.into()),
        PyValue::Float(x) => Value::Float(x.to_bits()),
        PyValue::Str(s) => Value::Str(s.to_owned()),
    }
}

/// Each int is written with the smallest opcode that holds it: re-encoding
/// the values one by one finds the opcode byte after each key.
fn check_int_opcodes(entries: &[(&str, PyValue<'_>)]) {
    for &(key, value) in entries {
        let PyValue::Int(n) = value else { continue };
        let mut alone = Vec::new();
        write_length_prefixed_pickle(&[(key, value)], &mut alone);
        // 4 length bytes, `}(`, `X`, 4 key-length bytes, the key: then the opcode.
        let opcode = alone[4 + 2 + 1 + 4 + key.len()];
        let expected = if (0..=0xff).contains(&n) {
            b'K'
        } else if (0..=0xffff).contains(&n) {
            b'M'
        } else if i32::try_from(n).is_ok() {
            b'J'
        } else {
            b'L'
        };
        assert_eq!(opcode, expected, "opcode of {n}");
    }
}

/// A record's pickle: Python's 21 attributes, in order, with their types and
/// the values the record has.
fn check_record(lines: &mut Lines<'_>) {
    let format = lines.optional();
    let record = ArbRecord::read(lines, true);
    let mut pickler = RecordPickler::new();
    let mut message = record.message_text();
    if let Some(format) = format {
        // SAFETY: the pickler, which keeps the formatter, is dropped before `format`.
        let Ok(formatter) = Formatter::new(unsafe { lend_static(format) }) else {
            return;
        };
        message.clear();
        record.with_record(|r| formatter.render(r, &mut message).expect("renders"));
        pickler.set_formatter(formatter);
    }
    let packet = record
        .with_record(|r| pickler.encode(r).map(<[u8]>::to_vec))
        .expect("a record's message renders");
    let Value::Dict(dict) = decode_packet(&packet) else {
        panic!("a record pickles as a dict");
    };
    let names: Vec<&str> = dict
        .iter()
        .map(|(k, _)| match k {
            Value::Str(s) => s.as_str(),
            _ => unreachable!("keys are str"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "name",
            "msg",
            "args",
            "levelname",
            "levelno",
            "pathname",
            "filename",
            "module",
            "exc_info",
            "exc_text",
            "stack_info",
            "lineno",
            "funcName",
            "created",
            "msecs",
            "relativeCreated",
            "thread",
            "threadName",
            "processName",
            "process",
            "taskName",
        ]
    );
    let get = |name: &str| &dict[names.iter().position(|n| *n == name).expect("key")].1;
    let text = |s: &str| Value::Str(s.to_owned());
    assert_eq!(get("name"), &text(&record.logger));
    assert_eq!(get("msg"), &text(&message));
    assert_eq!(get("levelno"), &Value::Int(record.level.into()));
    let level = emlog::Level::new(record.level).to_string();
    assert_eq!(get("levelname"), &text(&level));
    assert_eq!(get("pathname"), &text(&record.file));
    assert_eq!(get("lineno"), &Value::Int(record.line.into()));
    assert_eq!(get("funcName"), &text(UNKNOWN_FUNCTION));
    assert_eq!(get("process"), &Value::Int(record.process_id.into()));
    assert_eq!(get("processName"), &text(&record.process_name));
    assert_eq!(get("threadName"), &text(&record.thread_name));
    let thread = i128::from(record.thread_id).min(i128::from(i64::MAX));
    assert_eq!(get("thread"), &Value::Int(thread));
    for none in ["args", "exc_info", "exc_text", "stack_info", "taskName"] {
        assert_eq!(get(none), &Value::None, "{none}");
    }
    let Value::Float(msecs) = *get("msecs") else {
        panic!("msecs is a float");
    };
    assert_eq!(
        f64::from_bits(msecs),
        f64::from(record.timestamp().millis())
    );
    let Value::Float(created) = *get("created") else {
        panic!("created is a float");
    };
    let created = f64::from_bits(created);
    let t = record.timestamp();
    assert!(created.is_finite() && created >= 0.0);
    assert!((created - t.secs as f64).abs() <= 1.0 + t.secs as f64 * f64::EPSILON);
    assert!(matches!(get("relativeCreated"), Value::Float(_)));
    assert!(matches!(get("filename"), Value::Str(_)));
    assert!(matches!(get("module"), Value::Str(_)));
}
