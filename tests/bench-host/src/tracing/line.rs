//! The tracing binaries' shared part: an event format giving the benchmark's
//! line (tracing-subscriber's `Full` format pads the level and adds spans),
//! with tracing-subscriber's own `ChronoLocal` timer, and the run itself.

use bench_host::{Args, CHRONO_FORMAT, LOGGER, millis};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{ChronoLocal, FormatTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// `<local time, ms> <LEVEL> <target>: <message>`.
pub struct Line {
    timer: ChronoLocal,
}

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        self.timer.format_time(&mut writer)?;
        let meta = event.metadata();
        write!(writer, " {} {}: ", meta.level(), meta.target())?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Installs a fmt subscriber at INFO writing to `writer`, then runs the workload.
pub fn run<W>(lib: &str, args: &Args, writer: W, finish: impl FnOnce())
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .event_format(Line {
            timer: ChronoLocal::new(CHRONO_FORMAT.to_string()),
        })
        .with_writer(writer)
        .try_init()
        .unwrap_or_else(|e| bench_host::fail(&format!("tracing: {e}")));
    bench_host::run(
        lib,
        args,
        |i| tracing::info!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        |i| tracing::debug!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        finish,
    );
}
