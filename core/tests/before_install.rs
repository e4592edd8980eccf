//! Records logged before any dispatcher is installed are counted, not lost silently.

#[test]
fn records_before_install_are_counted_then_delivery_starts() {
    emlog::error!("too early");
    emlog::info!(logger: "x", "also too early");
    assert_eq!(emlog::stats().before_install, 2);
    static LOGGING: emlog::Dispatcher<1> = emlog::Dispatcher::new();
    emlog::install(&LOGGING).unwrap();
    emlog::error!("after install, no handler");
    assert_eq!(emlog::stats().before_install, 2);
    assert_eq!(emlog::stats().dispatch.no_handler, 1);
    assert!(emlog::install(&LOGGING).is_err());
}
