//! Logs: one subscriber for the process, human-readable or JSON, filtered by `RUST_LOG`
//! (default: info for our crates, warn for the rest). Every request runs in a span that
//! carries its request id, so every line a request causes can be found by that id.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

const DEFAULT_FILTER: &str = "warn,server=info,services=info,app=info,tower_http=info";

/// Installs the subscriber; later calls (tests build many apps in one process) do nothing.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}
