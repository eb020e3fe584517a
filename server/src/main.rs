//! `server`: runs Fuqaro. Operator mistakes (a bad config file, an unreachable database, a
//! busy port) end the process with one line on stderr and exit code 1, never a panic trace.

use server::config::Config;
use server::{Application, StartupError, shutdown_signal, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fuqaro: error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartupError> {
    let config = Config::load()?;
    telemetry::init(config.log_format);
    let app = Application::build(config).await?;
    tracing::info!(
        address = %app.address(),
        startup_ms = app.startup.as_millis() as u64,
        backend = ?app.state.services.db.backend,
        "Fuqaro is serving on http://{}",
        app.address()
    );
    app.run_until(shutdown_signal())
        .await
        .map_err(StartupError::Serve)
}
