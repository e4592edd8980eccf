//! emlog's defmt global logger: frames and text lines share one sink without mixing.
#![cfg(feature = "defmt-logger")]

mod common;

use common::{Capture, leak, split};
use emlog::defmt_logger::{self, FRAME_END, SharedSink};
use emlog::{Formatter, Handler, Level, Record, StreamHandler};

// defmt needs a timestamp source in every program that logs.
defmt::timestamp!("{=u32}", 0);

#[test]
fn defmt_frames_and_text_lines_share_one_sink_and_split_cleanly() {
    let wire = Capture::default();
    assert!(defmt_logger::set_sink(leak(wire.clone())).is_ok());
    let mut text: StreamHandler<SharedSink, 128> = StreamHandler::new(SharedSink)
        .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s"));

    text.handle(&Record::new(Level::INFO, "app", format_args!("text one")));
    defmt::println!("defmt frame {=u32}", 0xABCD_0000u32);
    text.handle(&Record::new(
        Level::WARNING,
        "app",
        format_args!("text two"),
    ));
    defmt::error!("second frame {=u8}", 0);

    let bytes = wire.bytes.lock().unwrap().clone();
    let (lines, frames) = split(&bytes);
    assert_eq!(lines, ["INFO:app:text one", "WARNING:app:text two"]);
    assert_eq!(frames.len(), 2);
    for frame in &frames {
        assert!(!frame.is_empty());
        assert!(!frame.contains(&FRAME_END), "0x00 inside an rzCOBS frame");
    }
    assert_eq!(text.stats().emitted, 2);

    // Text written while a frame is open on the same context is refused, not mixed in.
    struct Logs;
    impl defmt::Format for Logs {
        fn format(&self, f: defmt::Formatter<'_>) {
            let mut w = SharedSink;
            assert!(embedded_io::Write::write(&mut w, b"inside\n").is_err());
            defmt::println!("nested");
            defmt::write!(f, "outer");
        }
    }
    let dropped = defmt_logger::dropped();
    defmt::println!("{}", Logs);
    assert_eq!(defmt_logger::dropped(), dropped + 2);
    let bytes = wire.bytes.lock().unwrap().clone();
    let (lines, frames) = split(&bytes);
    assert_eq!(lines.len(), 2, "the refused text did not reach the wire");
    assert_eq!(
        frames.len(),
        3,
        "the nested frame was dropped, the outer one kept"
    );
}
