//! Fixed-size tables full: logger levels (64) and a handler's user filters
//! (4). What the user sees: the call that does not fit returns an error that
//! says so (the filter comes back), and everything already there keeps working.
//! (The core's handler table: core/tests/dispatch.rs.)

use emlog::filter::MAX_FILTERS;
use emlog::{Dispatch, Filter, Handler, HandlerBase, Level, Record};
use emlog_std::{LOGGER_LEVELS, Logger, LoggerError};

/// `count` distinct `'static` logger names.
fn names(count: usize) -> Vec<&'static str> {
    (0..count)
        .map(|i| &*Box::leak(format!("l{i:02}").into_boxed_str()))
        .collect()
}

#[test]
fn logger_levels_table_full_is_a_clear_error_and_the_configured_levels_keep_working() {
    let logger = Logger::new();
    let mut refused = None;
    let names = names(LOGGER_LEVELS + 1);
    for &name in &names {
        if let Err(e) = logger.set_logger_level(name, Level::DEBUG) {
            refused = Some((name, e));
            break;
        }
    }
    let Some((name, error)) = refused else {
        panic!(
            "{} logger levels all fitted a table of {LOGGER_LEVELS}",
            names.len()
        );
    };
    assert!(matches!(error, LoggerError::Capacity(_)), "{error:?}");
    assert!(error.to_string().contains("logger levels"), "{error}");
    assert_eq!(name, "l64", "the first {LOGGER_LEVELS} named levels fit");
    assert_eq!(logger.effective_level("l00"), Level::DEBUG);
    assert_eq!(
        logger.effective_level(name),
        Level::WARNING,
        "the refused one inherits the root's"
    );
    logger.dispatch(&Record::new(
        Level::DEBUG,
        "l00",
        format_args!("still routed"),
    ));
    assert_eq!(
        logger.stats().no_handler,
        1,
        "the DEBUG record of l00 passed its level"
    );
}

struct Counting {
    base: HandlerBase,
}

impl Handler for Counting {
    emlog::delegate_to_base!(base);
    fn handle(&mut self, record: &Record<'_>) -> bool {
        let ok = self.base.accepts(record);
        if ok {
            self.base.count_emitted(false);
        }
        ok
    }
}

static PASS: fn(&Record<'_>) -> bool = |_| true;
static REFUSE_DEBUG: fn(&Record<'_>) -> bool = |r| r.level > Level::DEBUG;

#[test]
fn a_full_filter_list_hands_the_filter_back_and_the_filters_already_there_keep_working() {
    let mut h = Counting {
        base: HandlerBase::new(Level::NOTSET),
    };
    h.base.filters_mut().add(&REFUSE_DEBUG).unwrap();
    for _ in 1..MAX_FILTERS {
        h.base.filters_mut().add(&PASS).unwrap();
    }
    let back: &'static (dyn Filter + Sync) = match h.base.filters_mut().add(&REFUSE_DEBUG) {
        Err(filter) => filter,
        Ok(()) => panic!("a filter past MAX_FILTERS ({MAX_FILTERS}) was accepted"),
    };
    assert!(std::ptr::addr_eq(
        back,
        &REFUSE_DEBUG as &(dyn Filter + Sync)
    ));
    assert!(!h.handle(&Record::new(Level::DEBUG, "app", format_args!("refused"))));
    assert!(h.handle(&Record::new(Level::INFO, "app", format_args!("passed"))));
    let stats = h.stats();
    assert_eq!((stats.filtered, stats.emitted), (1, 1));
}
