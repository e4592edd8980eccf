//! Network handlers end to end on loopback: a SocketHandler sending Python's
//! pickled records to a TCP receiver and a SysLogHandler sending syslog
//! datagrams, both started here, behind emlog's dispatcher.
//!
//! Run with `cargo run -p emlog-std --example network_handlers`.
//!
//! In a service, put network handlers behind a queue (emlog-std's
//! QueueHandler and listener thread) so that application threads never wait
//! on the network: a handler here blocks its caller for up to its timeout
//! when the receiver is slow or gone.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use emlog::syslog::{Facility, SyslogFormat};
use emlog::{Dispatcher, Level};
use emlog_std::socket::SocketHandler;
use emlog_std::syslog::SysLogHandler;

static LOGGING: Dispatcher<4> = Dispatcher::with_root_level(Level::DEBUG);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (seen, arrivals) = mpsc::channel::<String>();

    // A receiver for SocketHandler: 4-byte big-endian length, then a pickle.
    let pickles = TcpListener::bind("127.0.0.1:0")?;
    let pickle_port = pickles.local_addr()?.port();
    let tx = seen.clone();
    thread::spawn(move || {
        let Ok((mut conn, _)) = pickles.accept() else {
            return;
        };
        let mut head = [0u8; 4];
        while conn.read_exact(&mut head).is_ok() {
            let mut body = vec![0; u32::from_be_bytes(head) as usize];
            if conn.read_exact(&mut body).is_err() {
                break;
            }
            let _ = tx.send(format!(
                "socket receiver: a {}-byte pickled LogRecord",
                body.len()
            ));
        }
    });

    // A receiver for SysLogHandler: one datagram per record.
    let syslog = UdpSocket::bind("127.0.0.1:0")?;
    let syslog_port = syslog.local_addr()?.port();
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok(n) = syslog.recv(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]).replace('\0', "\\0");
            let _ = seen.send(format!("syslog receiver: {text}"));
        }
    });

    let socket = SocketHandler::tcp("127.0.0.1", pickle_port)?.with_name("socket");
    let syslog = SysLogHandler::udp("127.0.0.1", syslog_port)?
        .with_name("syslog")
        .with_level(Level::WARNING)
        .with_format(
            SyslogFormat::new()
                .with_facility(Facility::LOCAL0)
                .with_ident("example: "),
        );
    let socket_id = LOGGING
        .add(Box::leak(Box::new(socket)))
        .map_err(|_| "handler table full")?;
    let syslog_id = LOGGING
        .add(Box::leak(Box::new(syslog)))
        .map_err(|_| "handler table full")?;
    emlog::install(&LOGGING).map_err(|_| "a dispatcher was already installed")?;

    emlog::info!(logger: "example.net", "link up after {} ms", 12);
    emlog::warning!(logger: "example.disk", "disk {}% full", 91);
    emlog::error!(logger: "example.db", "lost {} rows", 3);

    // 3 pickles and 2 syslog messages (the syslog handler wants WARNING and up).
    for _ in 0..5 {
        match arrivals.recv_timeout(Duration::from_secs(5)) {
            Ok(line) => println!("{line}"),
            Err(_) => return Err("a record did not arrive within 5 s".into()),
        }
    }
    println!("socket handler: {:?}", LOGGING.handler_stats(socket_id));
    println!("syslog handler: {:?}", LOGGING.handler_stats(syslog_id));
    Ok(())
}
