//! The logging macros and the compile-time ceiling.
//!
//! Every macro checks the level twice before anything is built: against
//! [`STATIC_MIN_LEVEL`] (a constant, so calls below it vanish from the
//! binary) and against the runtime [`threshold`](crate::threshold) (one atomic
//! byte load). Only then are the arguments captured and the record made.

/// The lowest level compiled in, from the `max_level_*` features (and the
/// `release_max_level_*` ones in builds without debug assertions). Calls
/// below it are removed entirely. 256 means every call is removed.
pub const STATIC_MIN_LEVEL: u16 = static_min_level();

const fn static_min_level() -> u16 {
    if cfg!(not(debug_assertions)) {
        if cfg!(feature = "release_max_level_off") {
            return 256;
        } else if cfg!(feature = "release_max_level_critical") {
            return 50;
        } else if cfg!(feature = "release_max_level_error") {
            return 40;
        } else if cfg!(feature = "release_max_level_warning") {
            return 30;
        } else if cfg!(feature = "release_max_level_info") {
            return 20;
        } else if cfg!(feature = "release_max_level_debug") {
            return 10;
        } else if cfg!(feature = "release_max_level_trace") {
            return 0;
        }
    }
    if cfg!(feature = "max_level_off") {
        256
    } else if cfg!(feature = "max_level_critical") {
        50
    } else if cfg!(feature = "max_level_error") {
        40
    } else if cfg!(feature = "max_level_warning") {
        30
    } else if cfg!(feature = "max_level_info") {
        20
    } else if cfg!(feature = "max_level_debug") {
        10
    } else {
        0
    }
}

/// Logs at any level: `log!(Level::new(25), "…", args)`, optionally with a
/// logger name first: `log!(logger: "app.net", Level::INFO, "…")`. Without a
/// name the logger is the calling module's path.
///
/// ```
/// emlog::log!(emlog::Level::new(25), "custom level {}", 25);
/// emlog::log!(logger: "app.net", emlog::Level::INFO, "link up");
/// ```
#[macro_export]
macro_rules! log {
    (logger: $logger:expr, $level:expr, $($arg:tt)+) => {{
        let level: $crate::Level = $level;
        if $crate::__private::enabled(level) {
            $crate::__emit!(
                level,
                $logger,
                &$crate::Location { file: ::core::file!(), line: ::core::line!(), module_path: ::core::module_path!() },
                $($arg)+
            );
        }
    }};
    ($level:expr, $($arg:tt)+) => {
        $crate::log!(logger: ::core::module_path!(), $level, $($arg)+)
    };
}

/// Makes and dispatches the record of one call (after the level checks). A
/// format string literal whose placeholders are all `{}` or `{:.N}`, with
/// positional arguments, takes `__private::log_plain` (no `core::fmt`
/// integer code); anything else (named or inline arguments, format specs, a
/// format string from another macro) takes `format_args!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __emit {
    ($level:ident, $logger:expr, $location:expr, $format:literal $($rest:tt)*) => {
        $crate::__emit!(@scan $level, $logger, $location, $format, [] $($rest)*)
    };
    ($level:ident, $logger:expr, $location:expr, $($arg:tt)+) => {
        $crate::__private::log($level, $logger, ::core::format_args!($($arg)+), $location)
    };
    // Positional arguments so far in [..]; a named one sends the call to format_args!.
    (@scan $level:ident, $logger:expr, $location:expr, $format:literal, [$($a:expr,)*] $(,)?) => {{
        #[allow(unused_imports)]
        use $crate::__private::{ToArg as _, ToArgDisplay as _, ToArgUnused as _};
        const ARGS: usize = <[&str]>::len(&[$(::core::stringify!($a)),*]);
        if const { $crate::__private::plain_braces($format, ARGS) } {
            const PIECES: &[&str] = &$crate::__private::plain_pieces::<{ ARGS + 1 }>($format);
            const PRECISIONS: &[u8] = $crate::__private::plain_precisions(
                &$crate::__private::placeholder_precisions::<ARGS>($format),
            );
            $crate::__private::log_plain(
                $level,
                $logger,
                PIECES,
                PRECISIONS,
                &[$((&&&$crate::__private::Capture(&$a)).to_arg()),*],
                $location,
            )
        } else {
            $crate::__private::log($level, $logger, ::core::format_args!($format, $($a),*), $location)
        }
    }};
    (@scan $level:ident, $logger:expr, $location:expr, $format:literal, [$($a:expr,)*], $name:ident = $($rest:tt)*) => {
        $crate::__private::log(
            $level,
            $logger,
            ::core::format_args!($format, $($a,)* $name = $($rest)*),
            $location,
        )
    };
    (@scan $level:ident, $logger:expr, $location:expr, $format:literal, [$($a:expr,)*], $next:expr $(, $($rest:tt)*)?) => {
        $crate::__emit!(@scan $level, $logger, $location, $format, [$($a,)* $next,] $(, $($rest)*)?)
    };
}

/// Logs at TRACE (5). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! trace {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::log!(logger: $logger, $crate::Level::TRACE, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::TRACE, $($arg)+) };
}

/// Logs at DEBUG (10). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! debug {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::log!(logger: $logger, $crate::Level::DEBUG, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::DEBUG, $($arg)+) };
}

/// Logs at INFO (20). See [`log!`](crate::log!) for the optional `logger:`.
///
/// ```
/// emlog::info!("served {} requests", 3);
/// emlog::info!(logger: "app.http", "served {} requests", 3);
/// ```
#[macro_export]
macro_rules! info {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::log!(logger: $logger, $crate::Level::INFO, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::INFO, $($arg)+) };
}

/// Logs at WARNING (30). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! warning {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::log!(logger: $logger, $crate::Level::WARNING, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::WARNING, $($arg)+) };
}

/// Logs at WARNING (30): the `log` crate's spelling of [`warning!`](crate::warning!).
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::warning!($($arg)+) };
}

/// Logs at ERROR (40). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! error {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::log!(logger: $logger, $crate::Level::ERROR, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::ERROR, $($arg)+) };
}

/// Logs at CRITICAL (50). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! critical {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::log!(logger: $logger, $crate::Level::CRITICAL, $($arg)+) };
    ($($arg:tt)+) => { $crate::log!($crate::Level::CRITICAL, $($arg)+) };
}
