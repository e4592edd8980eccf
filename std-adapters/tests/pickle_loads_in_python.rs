//! The pickle encoder's edge values, loaded by Python's own `pickle.loads`:
//! every int opcode boundary and the LONG text form, floats that are not
//! plain numbers, strings with NUL, quotes and characters beyond the BMP, the
//! empty dict. (The socket and datagram tests send whole records to Python's
//! receiver; this one covers the values a record rarely carries.)
//!
//! Needs `python3` on the PATH; the test fails, saying so, without it.

use std::io::Write;
use std::process::{Command, Stdio};

use emlog_std::pickle::write_length_prefixed_pickle;
use emlog_std::record_dict::PyValue;

/// Reads length-prefixed pickles from stdin and prints, for each, `-` and
/// then one line per item: key, type and value (ints in decimal, floats as
/// their big-endian bytes in hex, strings as their UTF-8 in hex).
const LOADER: &str = r#"
import pickle, struct, sys
data = sys.stdin.buffer.read()
at = 0
while at < len(data):
    (n,) = struct.unpack(">L", data[at:at + 4])
    value = pickle.loads(data[at + 4:at + 4 + n])
    at += 4 + n
    assert type(value) is dict, type(value)
    print("-")
    for key, v in value.items():
        if v is None:
            shown = "None"
        elif type(v) is int:
            shown = str(v)
        elif type(v) is float:
            shown = struct.pack(">d", v).hex()
        else:
            shown = v.encode("utf-8").hex()
        print(key.encode("utf-8").hex(), type(v).__name__, shown)
"#;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the loader prints for `dict`.
fn expected(dict: &[(&str, PyValue<'_>)]) -> String {
    let mut out = String::from("-\n");
    for &(key, value) in dict {
        let (kind, shown) = match value {
            PyValue::None => ("NoneType", "None".to_owned()),
            PyValue::Int(n) => ("int", n.to_string()),
            PyValue::Float(x) => ("float", hex(&x.to_be_bytes())),
            PyValue::Str(s) => ("str", hex(s.as_bytes())),
        };
        out += &format!("{} {kind} {shown}\n", hex(key.as_bytes()));
    }
    out
}

#[test]
fn python_loads_every_edge_value_the_encoder_writes() {
    let ints: Vec<(String, i64)> = [
        0,
        1,
        255,
        256,
        65_535,
        65_536,
        -1,
        -256,
        i64::from(i32::MAX),
        i64::from(i32::MIN),
        i64::from(i32::MAX) + 1,
        i64::from(i32::MIN) - 1,
        1 << 40,
        -(1 << 40),
        i64::MAX,
        i64::MIN,
    ]
    .into_iter()
    .map(|n| (format!("int {n}"), n))
    .collect();
    let int_dict: Vec<(&str, PyValue<'_>)> = ints
        .iter()
        .map(|(key, n)| (key.as_str(), PyValue::Int(*n)))
        .collect();
    let float_dict = [
        ("zero", PyValue::Float(0.0)),
        ("negative zero", PyValue::Float(-0.0)),
        ("nan", PyValue::Float(f64::NAN)),
        ("inf", PyValue::Float(f64::INFINITY)),
        ("-inf", PyValue::Float(f64::NEG_INFINITY)),
        ("smallest", PyValue::Float(f64::from_bits(1))),
        ("largest", PyValue::Float(f64::MAX)),
        ("created", PyValue::Float(1_700_000_000.25)),
    ];
    let text_dict = [
        ("", PyValue::Str("")),
        ("nul", PyValue::Str("a\0b")),
        ("quotes", PyValue::Str("'\"\\ and \n newline")),
        ("ünïcödé key", PyValue::Str("☃ 𝄞 \u{10ffff}")),
        ("none", PyValue::None),
    ];
    let dicts: [&[(&str, PyValue<'_>)]; 4] = [&int_dict, &float_dict, &text_dict, &[]];

    let mut packets = Vec::new();
    let mut want = String::new();
    for dict in dicts {
        write_length_prefixed_pickle(dict, &mut packets);
        want += &expected(dict);
    }

    let mut python = match Command::new("python3")
        .args(["-c", LOADER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("this test needs python3 on the PATH to run pickle.loads: {e}"),
    };
    python
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(&packets)
        .expect("python3 reads the packets");
    let output = python.wait_with_output().expect("python3 runs");
    assert!(
        output.status.success(),
        "pickle.loads refused emlog's bytes:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got = String::from_utf8(output.stdout).expect("the loader prints ASCII");
    assert_eq!(got, want);
}
