//! What a record costs a network handler on loopback: median and 99th
//! percentile of `handle` over many records, with the receiver draining in
//! another thread, plus the pickle encoding alone.
//!
//! Run with `cargo run --release -p emlog-std --example network_cost`.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use emlog::{Handler, Level, Location, Record, Timestamp};
use emlog_std::pickle::RecordPickler;
use emlog_std::socket::SocketHandler;
use emlog_std::syslog::SysLogHandler;

const RECORDS: usize = 20_000;

fn record<'a>(args: std::fmt::Arguments<'a>) -> Record<'a> {
    Record::new(Level::WARNING, "app.net", args)
        .with_location(Location {
            file: "src/net/link.rs",
            line: 42,
            module_path: "app::net::link",
        })
        .with_timestamp(Timestamp::new(1_700_000_000, 5_000_000))
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    println!(
        "{what:<34} median {median:>9.2?}   p99 {p99:>9.2?}   (n = {})",
        samples.len()
    );
}

fn measure(mut f: impl FnMut(usize)) -> Vec<Duration> {
    (0..RECORDS)
        .map(|i| {
            let start = Instant::now();
            f(i);
            start.elapsed()
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut pickler = RecordPickler::new();
    report(
        "pickle encode (RecordPickler)",
        measure(|i| {
            let _ = std::hint::black_box(pickler.encode(&record(format_args!("link {i} up"))));
        }),
    );

    let sink = TcpListener::bind("127.0.0.1:0")?;
    let port = sink.local_addr()?.port();
    thread::spawn(move || {
        if let Ok((mut conn, _)) = sink.accept() {
            let mut buf = [0u8; 65536];
            while matches!(conn.read(&mut buf), Ok(n) if n > 0) {}
        }
    });
    let mut socket = SocketHandler::tcp("127.0.0.1", port)?;
    report(
        "SocketHandler (TCP) handle",
        measure(|i| {
            socket.handle(&record(format_args!("link {i} up")));
        }),
    );
    println!("  {:?}", socket.stats());

    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    let port = receiver.local_addr()?.port();
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while receiver.recv(&mut buf).is_ok() {}
    });
    let mut syslog = SysLogHandler::udp("127.0.0.1", port)?;
    report(
        "SysLogHandler (UDP) handle",
        measure(|i| {
            syslog.handle(&record(format_args!("link {i} up")));
        }),
    );
    println!("  {:?}", syslog.stats());
    Ok(())
}
