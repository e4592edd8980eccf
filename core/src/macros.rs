//! The logging macros and the compile-time ceiling.
//!
//! Every macro checks the level twice before anything is built: against
//! [`STATIC_MIN_LEVEL`] (a constant, so calls below it vanish from the
//! binary) and against the runtime [`threshold`](crate::threshold) (one atomic
//! byte load). Only then are the arguments captured and the record made.
//!
//! With feature `defmt-mode` they emit through defmt instead: see the
//! crate documentation's "defmt mode".

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
    (logger: $logger:expr, $level:expr, $($arg:tt)+) => {
        $crate::__log!(any, $logger, $level, $($arg)+)
    };
    ($level:expr, $($arg:tt)+) => {
        $crate::log!(logger: ::core::module_path!(), $level, $($arg)+)
    };
}

/// One call of any macro: the level checks, then the record (or, in defmt
/// mode, the defmt frame at `$defmt`: a defmt level name, or `any` to pick
/// it from the level at run time).
#[cfg(not(feature = "defmt-mode"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __log {
    ($defmt:ident, $logger:expr, $level:expr, $($arg:tt)+) => {{
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
}

/// One call of any macro in defmt mode: the level checks, then one defmt frame.
#[cfg(feature = "defmt-mode")]
#[doc(hidden)]
#[macro_export]
macro_rules! __log {
    ($defmt:ident, $logger:expr, $level:expr, $format:literal $(, $arg:expr)* $(,)?) => {{
        let level: $crate::Level = $level;
        if $crate::__private::enabled(level) {
            let logger: &str = $logger;
            if $crate::__private::wants(level, logger) {
                $crate::__defmt!(@bind $defmt, level, logger, $format, [] $($arg,)*);
            }
        }
    }};
}

/// Evaluates each argument once (`@bind`, each bound to its own hygienic
/// `arg`), then writes the frame: `"{=str}: {}"` with the logger name and the
/// message as a nested defmt format.
#[cfg(feature = "defmt-mode")]
#[doc(hidden)]
#[macro_export]
macro_rules! __defmt {
    (@bind $defmt:ident, $level:ident, $logger:ident, $format:literal, [$($bound:ident)*] $first:expr, $($rest:expr,)*) => {
        match &$first {
            arg => $crate::__defmt!(@bind $defmt, $level, $logger, $format, [$($bound)* arg] $($rest,)*),
        }
    };
    (@bind any, $level:ident, $logger:ident, $format:literal, [$($bound:ident)*]) => {
        match $crate::__private::defmt_level($level) {
            0 => $crate::__defmt!(@bind trace, $level, $logger, $format, [$($bound)*]),
            1 => $crate::__defmt!(@bind debug, $level, $logger, $format, [$($bound)*]),
            2 => $crate::__defmt!(@bind info, $level, $logger, $format, [$($bound)*]),
            3 => $crate::__defmt!(@bind warn, $level, $logger, $format, [$($bound)*]),
            _ => $crate::__defmt!(@bind error, $level, $logger, $format, [$($bound)*]),
        }
    };
    (@bind $defmt:ident, $level:ident, $logger:ident, $format:literal, [$($bound:ident)*]) => {
        ::defmt::$defmt!(
            "{=str}: {}",
            $logger,
            $crate::__private::defmt_message(|f| ::defmt::write!(f, $format $(, *$bound)*))
        )
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
        const ARGS: usize = <[&str]>::len(&[$(::core::stringify!($a)),*]);
        if const { $crate::__private::plain_braces($format, ARGS) } {
            $crate::__plain!($level, $logger, $location, $format, ARGS, [$($a,)*])
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

/// A plain call (see [`__emit!`]) on a 32-bit target: the text around the
/// placeholders, their precisions and the arguments, each captured by its
/// type as an `Arg`, given to the writer of that number of arguments, which
/// every call with as many shares.
#[cfg(not(target_pointer_width = "64"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __plain {
    ($level:ident, $logger:expr, $location:expr, $format:literal, $args:ident, [$($a:expr,)*]) => {{
        #[allow(unused_imports)]
        use $crate::__private::{ToArg as _, ToArgDisplay as _, ToArgUnused as _};
        const PIECES: &[&str; $args + 1] = &$crate::__private::plain_pieces::<{ $args + 1 }>($format);
        const PRECISIONS: &[u8] = $crate::__private::plain_precisions(
            &$crate::__private::placeholder_precisions::<$args>($format),
        );
        $crate::__private::log_plain(
            $level,
            $logger,
            PIECES,
            PRECISIONS,
            [$((&&&$crate::__private::Capture(&$a)).to_arg()),*],
            $location,
        )
    }};
}

/// A plain call (see [`__emit!`]) on a 64-bit target: its text as a
/// constant (with whether it is printable ASCII, so that a message of it and
/// numbers skips an escaping sink's scan) and its arguments captured by their
/// types, given to the writer of that list of types, which every call with
/// the same list shares (`__private::signature`).
#[cfg(target_pointer_width = "64")]
#[doc(hidden)]
#[macro_export]
macro_rules! __plain {
    ($level:ident, $logger:expr, $location:expr, $format:literal, $args:ident, [$($a:expr,)*]) => {{
        #[allow(unused_imports)]
        use $crate::__private::{ToValue as _, ToValueDisplay as _, ToValueUnused as _};
        const TEXT: &$crate::__private::PlainText<$args, { $args + 1 }> =
            &$crate::__private::PlainText::new($format);
        $crate::__private::log_values(
            $level,
            $logger,
            TEXT,
            $crate::__values!($($a,)*),
            $location,
        )
    }};
}

/// A plain call's arguments as a list of captured values,
/// `(first, (second, ... ()))`, each evaluated once, in order.
#[cfg(target_pointer_width = "64")]
#[doc(hidden)]
#[macro_export]
macro_rules! __values {
    () => { () };
    ($first:expr, $($rest:expr,)*) => {
        (
            (&&&$crate::__private::Capture(&$first)).to_value(),
            $crate::__values!($($rest,)*),
        )
    };
}

/// Logs at TRACE (5). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! trace {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::__log!(trace, $logger, $crate::Level::TRACE, $($arg)+) };
    ($($arg:tt)+) => { $crate::__log!(trace, ::core::module_path!(), $crate::Level::TRACE, $($arg)+) };
}

/// Logs at DEBUG (10). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! debug {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::__log!(debug, $logger, $crate::Level::DEBUG, $($arg)+) };
    ($($arg:tt)+) => { $crate::__log!(debug, ::core::module_path!(), $crate::Level::DEBUG, $($arg)+) };
}

/// Logs at INFO (20). See [`log!`](crate::log!) for the optional `logger:`.
///
/// ```
/// emlog::info!("served {} requests", 3);
/// emlog::info!(logger: "app.http", "served {} requests", 3);
/// ```
#[macro_export]
macro_rules! info {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::__log!(info, $logger, $crate::Level::INFO, $($arg)+) };
    ($($arg:tt)+) => { $crate::__log!(info, ::core::module_path!(), $crate::Level::INFO, $($arg)+) };
}

/// Logs at WARNING (30). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! warning {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::__log!(warn, $logger, $crate::Level::WARNING, $($arg)+) };
    ($($arg:tt)+) => { $crate::__log!(warn, ::core::module_path!(), $crate::Level::WARNING, $($arg)+) };
}

/// Logs at WARNING (30): the `log` crate's spelling of [`warning!`](crate::warning!).
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::warning!($($arg)+) };
}

/// Logs at ERROR (40). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! error {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::__log!(error, $logger, $crate::Level::ERROR, $($arg)+) };
    ($($arg:tt)+) => { $crate::__log!(error, ::core::module_path!(), $crate::Level::ERROR, $($arg)+) };
}

/// Logs at CRITICAL (50). See [`log!`](crate::log!) for the optional `logger:`.
#[macro_export]
macro_rules! critical {
    (logger: $logger:expr, $($arg:tt)+) => { $crate::__log!(error, $logger, $crate::Level::CRITICAL, $($arg)+) };
    ($($arg:tt)+) => { $crate::__log!(error, ::core::module_path!(), $crate::Level::CRITICAL, $($arg)+) };
}
