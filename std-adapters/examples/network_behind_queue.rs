//! Network handlers behind the queue: application threads hand records to a
//! QueueHandler and go on; one listener thread does the network I/O. Here the
//! TCP receiver stalls for a second before it reads anything, and the callers
//! do not notice.
//!
//! Run with `cargo run --release -p emlog-std --example network_behind_queue`.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use emlog::Level;
use emlog_std::socket::SocketHandler;
use emlog_std::syslog::SysLogHandler;
use emlog_std::{Overflow, QueueHandler, QueueListener, RecordQueue, logger};

const THREADS: usize = 4;
const RECORDS: usize = 2_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A Python-style pickle receiver that sleeps for a second before its first read.
    let pickles = TcpListener::bind("127.0.0.1:0")?;
    let pickle_port = pickles.local_addr()?.port();
    let pickled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pickled);
    thread::spawn(move || {
        let Ok((mut conn, _)) = pickles.accept() else {
            return;
        };
        thread::sleep(Duration::from_secs(1));
        let mut head = [0u8; 4];
        while conn.read_exact(&mut head).is_ok() {
            let mut body = vec![0; u32::from_be_bytes(head) as usize];
            if conn.read_exact(&mut body).is_err() {
                break;
            }
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    // A syslog receiver: one datagram per record.
    let syslog = UdpSocket::bind("127.0.0.1:0")?;
    let syslog_port = syslog.local_addr()?.port();
    syslog.set_read_timeout(Some(Duration::from_millis(500)))?;
    let datagrams = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&datagrams);
    thread::spawn(move || {
        let mut buf = [0u8; 2048];
        loop {
            match syslog.recv(&mut buf) {
                Ok(_) => {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return,
            }
        }
    });

    // The listener thread owns the network handlers.
    let socket = SocketHandler::tcp("127.0.0.1", pickle_port)?.with_name("socket");
    let syslog = SysLogHandler::udp("127.0.0.1", syslog_port)?.with_name("syslog");
    let queue = RecordQueue::new(16 * 1024, Overflow::DropNewest);
    let mut listener =
        QueueListener::new(Arc::clone(&queue), vec![Box::new(socket), Box::new(syslog)]);
    listener.start()?;

    // The application side.
    emlog_std::install_environment();
    emlog_std::install_error_reporter();
    let logger = logger();
    logger.add(QueueHandler::new(Arc::clone(&queue)))?;
    logger.set_logger_level("", Level::DEBUG)?;
    emlog::install(logger)?;

    let started = Instant::now();
    let per_thread: Vec<Vec<u64>> = (0..THREADS)
        .map(|t| {
            thread::spawn(move || {
                (0..RECORDS)
                    .map(|i| {
                        let call = Instant::now();
                        emlog::info!(logger: "app.worker", "worker {t} request {i} served");
                        call.elapsed().as_nanos() as u64
                    })
                    .collect()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap_or_default())
        .collect();
    let callers_done = started.elapsed();
    let mut calls: Vec<u64> = per_thread.into_iter().flatten().collect();
    calls.sort_unstable();
    let median = calls.get(calls.len() / 2).copied().unwrap_or(0);
    let p99 = calls.get(calls.len() * 99 / 100).copied().unwrap_or(0);

    // Give the stalled receiver time to catch up, then stop the listener (it drains first).
    let sent = THREADS * RECORDS;
    let deadline = Instant::now() + Duration::from_secs(10);
    while (pickled.load(Ordering::Relaxed) < sent || datagrams.load(Ordering::Relaxed) < sent)
        && Instant::now() < deadline
    {
        thread::sleep(Duration::from_millis(50));
    }
    emlog_std::shutdown();
    listener.stop();

    println!(
        "{sent} records from {THREADS} threads; the TCP receiver stalled for 1 s before reading"
    );
    println!(
        "callers finished after {:.1} ms: median {median} ns, p99 {p99} ns per call",
        callers_done.as_secs_f64() * 1e3
    );
    println!(
        "pickles received by the TCP receiver: {}",
        pickled.load(Ordering::Relaxed)
    );
    println!(
        "syslog datagrams received:           {} (UDP: the kernel drops datagrams when the receiver's buffer is full; the handler's own counts are below)",
        datagrams.load(Ordering::Relaxed)
    );
    println!("dropped by the queue:                {}", queue.dropped());
    listener.with_handlers(|handlers| {
        for h in handlers.iter() {
            println!("{:<7} handler: {:?}", h.name(), h.stats());
        }
    });
    Ok(())
}
