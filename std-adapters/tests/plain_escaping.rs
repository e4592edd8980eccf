//! A plain call whose own text is not printable ASCII (a control character
//! or non-ASCII in the format string) is escaped by a file handler exactly as
//! the same message made by `format_args!`: the flag a plain call carries to
//! let an escaping sink skip its scan is never set for such text, whether
//! the line is written by the writer of the call's argument types or left
//! to the shared one. One test, because it installs program-wide state.

use emlog::{Dispatch, Level, Record};
use emlog_std::{Target, basic_config, shutdown};

#[test]
fn plain_calls_escape_their_own_text_as_format_args_messages_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.log");
    let logger = basic_config()
        .level(Level::INFO)
        .format("%(message)s")
        .target(Target::File(path.clone()))
        .install()
        .unwrap();
    let long = "y".repeat(300);
    macro_rules! both {
        ($($call:tt)*) => {
            emlog::info!(logger: "app", $($call)*);
            logger.dispatch(&Record::new(Level::INFO, "app", format_args!($($call)*)));
        };
    }
    both!("bell\x07 {} done", 3u64);
    both!("forged\nCRITICAL:root:{} ok {:.2}", 4u64, 1.5f64);
    both!("été {:.2} {}", 2.25f64, -6i64);
    both!("ESC\x1b[2K {}", 7u32);
    both!("plain {} and {}", 5u64, -6i64);
    both!("long\t{} {}", long, 8u64);
    shutdown();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 12, "{text}");
    for pair in lines.chunks(2) {
        assert_eq!(pair[0], pair[1], "plain call vs format_args!");
    }
    assert_eq!(lines[0], r"bell\x07 3 done");
    assert_eq!(lines[2], r"forged\nCRITICAL:root:4 ok 1.50");
    assert_eq!(lines[4], "été 2.25 -6");
    assert_eq!(lines[6], r"ESC\x1b[2K 7");
    assert_eq!(lines[8], "plain 5 and -6");
}
