//! Model checks of the core's Dispatcher under loom: its handler table is
//! behind a critical section, here loom's mutex (tests/loom_support/mod.rs),
//! so loom explores every order in which threads (or, on one core, the main
//! loop and interrupts) take it.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p emlog --release --test loom_dispatch`
//! (tests/loom.sh). The handlers keep their lines in a loom cell, so a handler
//! entered by two contexts at once fails the model; loom also fails it on a
//! deadlock (a handler that logs while the dispatcher holds its table).
#![cfg(loom)]

mod loom_support;

use std::collections::BTreeSet;
// std's Arc: the handler is leaked (the table wants `&'static mut`), and loom
// reports a leaked loom Arc. The cell inside is loom's, so accesses are checked.
use std::sync::Arc;

use emlog::{Dispatch, Dispatcher, Handler, HandlerBase, Level, Record};
use loom::cell::UnsafeCell;
use loom::thread;
use loom_support::{model, model_outcomes};

type Lines = Arc<SharedLines>;

/// The lines a handler wrote, read by the test after joining the threads.
struct SharedLines(UnsafeCell<Vec<String>>);

// SAFETY: written only by the handler, inside the dispatcher's critical
// section, and read after every writer is joined; loom checks both.
unsafe impl Sync for SharedLines {}

/// Writes each record as two pieces, as a UART handler writes a line in
/// several writes: interleaved handling would mix them, and loom sees the
/// cell accessed by two threads with no critical section between.
struct LineHandler {
    base: HandlerBase,
    lines: Lines,
    /// Logs one record of its own from inside `handle` (a handler whose
    /// output path logs).
    logs_from_inside: Option<&'static Dispatcher<2, 2>>,
}

impl Handler for LineHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        // SAFETY (of the model): the dispatcher calls handlers inside its
        // critical section; loom fails the model if two threads get here at once.
        self.lines.0.with_mut(|lines| {
            let lines = unsafe { &mut *lines };
            lines.push(format!("{}:", record.logger));
        });
        if let Some(dispatcher) = self.logs_from_inside {
            dispatcher.dispatch(&Record::new(Level::ERROR, "nested", format_args!("inner")));
        }
        self.lines.0.with_mut(|lines| {
            let lines = unsafe { &mut *lines };
            if let Some(last) = lines.last_mut() {
                last.push_str(&record.args.to_string());
            }
        });
        true
    }
}

fn lines_of(lines: &Lines) -> Vec<String> {
    lines.0.with(|lines| unsafe { &*lines }.clone())
}

fn leak<T>(value: T) -> &'static mut T {
    Box::leak(Box::new(value))
}

fn dispatcher_with_handler(
    logs_from_inside: bool,
) -> (&'static Dispatcher<2, 2>, Lines, emlog::HandlerId) {
    let dispatcher: &'static Dispatcher<2, 2> = leak(Dispatcher::with_root_level(Level::DEBUG));
    let lines: Lines = Arc::new(SharedLines(UnsafeCell::new(Vec::new())));
    let handler = leak(LineHandler {
        base: HandlerBase::new(Level::NOTSET),
        lines: lines.clone(),
        logs_from_inside: logs_from_inside.then_some(dispatcher),
    });
    let id = dispatcher.add(handler).ok().unwrap();
    (dispatcher, lines, id)
}

fn log_from(dispatcher: &'static Dispatcher<2, 2>, logger: &'static str) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        dispatcher.dispatch(&Record::new(
            Level::INFO,
            logger,
            format_args!("{logger} done"),
        ));
    })
}

#[test]
fn records_from_two_contexts_are_handled_one_at_a_time_and_whole() {
    model(|| {
        let (dispatcher, lines, _) = dispatcher_with_handler(false);
        let a = log_from(dispatcher, "a");
        let b = log_from(dispatcher, "b");
        a.join().unwrap();
        b.join().unwrap();
        let mut got = lines_of(&lines);
        got.sort();
        assert_eq!(got, ["a:a done", "b:b done"]);
        assert_eq!(dispatcher.stats(), emlog::DispatchStats::default());
    });
}

#[test]
fn removing_a_handler_while_another_context_logs_never_loses_a_record_uncounted() {
    let handled = model_outcomes(|| {
        let (dispatcher, lines, id) = dispatcher_with_handler(false);
        let a = log_from(dispatcher, "a");
        // Another context is never mistaken for a handler logging from inside:
        // the removal always gets the table.
        assert!(dispatcher.remove(id).is_some(), "remove refused");
        a.join().unwrap();
        let got = lines_of(&lines);
        let no_handler = dispatcher.stats().no_handler;
        assert_eq!(got.len() as u64 + no_handler, 1, "{got:?} / {no_handler}");
        got.len()
    });
    assert_eq!(handled, BTreeSet::from([0, 1]), "both orders explored");
}

#[test]
fn a_handler_that_logs_while_dispatch_holds_the_table_is_counted_not_deadlocked() {
    model(|| {
        let (dispatcher, lines, _) = dispatcher_with_handler(true);
        let a = log_from(dispatcher, "a");
        dispatcher.dispatch(&Record::new(Level::INFO, "main", format_args!("main done")));
        a.join().unwrap();
        let mut got = lines_of(&lines);
        got.sort();
        // The nested records went nowhere and were counted, once each.
        assert_eq!(got, ["a:a done", "main:main done"]);
        assert_eq!(dispatcher.stats().reentrant, 2);
        assert_eq!(dispatcher.stats().no_handler, 0);
    });
}
