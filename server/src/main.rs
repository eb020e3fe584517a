//! `server`: runs Fuqaro. Operator mistakes (a bad config file, an unreachable database, a
//! busy port, a bad argument) end the process with one line on stderr and exit code 1,
//! never a panic trace.
//!
//!   server                                      serve
//!   server create-admin +998901234567 [NAME]    make the first administrator
//!   server reconcile payme FROM TO FILE          compare Payme's statement (GetStatement JSON)
//!                                                for the Tashkent days FROM..TO with our records
//!   server remove-demo                           remove the demo people from the database

use server::config::Config;
use server::{Application, StartupError, shutdown_signal, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => serve().await,
        Some("create-admin") => create_admin(&args[1..]).await,
        Some("reconcile") => reconcile(&args[1..]).await,
        Some("remove-demo") => remove_demo().await,
        Some(other) => Err(StartupError::Usage(format!(
            "unknown command {other:?}; use no argument to serve, `create-admin +998XXXXXXXXX [NAME]` or `reconcile payme FROM TO FILE`"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fuqaro: error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), StartupError> {
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

/// Grants the administrator role to a phone number (creating the person if needed). The
/// person then signs in with that number like anyone else.
async fn create_admin(args: &[String]) -> Result<(), StartupError> {
    let phone = args.first().ok_or_else(|| {
        StartupError::Usage("create-admin needs a phone number: create-admin +998901234567 [NAME]".into())
    })?;
    let phone = shared::Phone::parse(phone)
        .map_err(|e| StartupError::Usage(format!("{phone:?} is not an Uzbek mobile number ({e:?})")))?;
    let name = (args.len() > 1).then(|| args[1..].join(" "));
    let config = Config::load()?;
    let db = services::Db::open(&config.database_url, 2).await?;
    services::reference::load(&db)
        .await
        .map_err(StartupError::ReferenceData)?;
    let svc = services::Services::new(
        db,
        std::sync::Arc::new(services::sms::OutboxOnly),
        config.development(),
        &config.public_url,
        &config.code_pepper,
    )
    .await
    .map_err(StartupError::ReferenceData)?;
    services::identity::users::grant_role(
        &svc,
        &phone,
        name.as_deref(),
        shared::auth::Role::Administrator,
        &[],
        None,
        shared::Locale::Uz,
    )
    .await
    .map_err(|e| StartupError::Usage(format!("cannot create the administrator: {e}")))?;
    println!("administrator {phone} created; they sign in with this number");
    Ok(())
}

/// Removes the demo people (a database that once ran in development), so that it may serve
/// in production.
async fn remove_demo() -> Result<(), StartupError> {
    let config = Config::load()?;
    let db = services::Db::open(&config.database_url, 2).await?;
    let removed = services::demo::remove_people(&db)
        .await
        .map_err(|e| StartupError::Usage(format!("cannot remove the demo people: {e}")))?;
    println!("{removed} demo people removed");
    Ok(())
}

/// Prints every difference between Payme's statement and our records for a period, and
/// keeps the run for the administrator's page.
async fn reconcile(args: &[String]) -> Result<(), StartupError> {
    let usage = || StartupError::Usage("usage: reconcile payme YYYY-MM-DD YYYY-MM-DD statement.json".into());
    let [provider, from, to, file] = args else {
        return Err(usage());
    };
    if provider != "payme" {
        return Err(StartupError::Usage(format!(
            "reconciliation knows only payme, not {provider:?}"
        )));
    }
    let (Some(from), Some(to)) = (
        shared::time::parse_tashkent_date(from),
        shared::time::parse_tashkent_date(to),
    ) else {
        return Err(usage());
    };
    let statement =
        std::fs::read_to_string(file).map_err(|e| StartupError::Usage(format!("cannot read {file}: {e}")))?;
    let config = Config::load()?;
    let db = services::Db::open(&config.database_url, 2).await?;
    let svc = services::Services::new(
        db,
        std::sync::Arc::new(services::sms::OutboxOnly),
        config.development(),
        &config.public_url,
        &config.code_pepper,
    )
    .await
    .map_err(StartupError::ReferenceData)?;
    let id = services::payments::reconcile::run_payme(&svc, from, to + 86_400_000 - 1, &statement, None)
        .await
        .map_err(|e| StartupError::Usage(e.to_string()))?;
    let run = services::payments::reconcile::load(&svc, id)
        .await
        .map_err(|e| StartupError::Usage(e.to_string()))?;
    println!(
        "run {id}: {} of ours, {} of Payme's, {} mismatches",
        run.ours,
        run.theirs,
        run.mismatches.len()
    );
    for mismatch in &run.mismatches {
        println!("{}", serde_json::to_string(mismatch).unwrap_or_default());
    }
    Ok(())
}
