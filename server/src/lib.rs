//! The Fuqaro server: configuration, start-up and the HTTP router. `main.rs` is thin; tests
//! build the same [`Application`] on port 0 and talk to it over real HTTP.

pub mod config;
pub mod http;
pub mod jobs;
pub mod telemetry;

use crate::config::Config;
use axum::Router;
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use services::Services;
use services::db::{Db, OpenError};
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// State shared by every handler.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub config: std::sync::Arc<Config>,
    /// This server's own address once bound: the sandbox checkout calls the provider
    /// endpoints here over HTTP, as the providers would.
    pub self_url: std::sync::Arc<std::sync::OnceLock<String>>,
}

/// Why the server could not start, worded for the operator.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("{0} (check database_url in fuqaro.toml or FUQARO_DATABASE_URL)")]
    Database(#[from] OpenError),
    #[error("cannot load the reference or demo data: {0}")]
    ReferenceData(services::Error),
    #[error("cannot listen on {addr}: {source} (is another server running? set FUQARO_LISTEN)")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error(
        "the database holds demo people ({}), whose numbers are dialable and who hold staff roles; remove them with `server remove-demo` before serving in production",
        .0.join(", ")
    )]
    DemoPeople(Vec<String>),
}

/// A server that is bound and ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    address: SocketAddr,
    grace: Duration,
    pub state: AppState,
    /// How long start-up took, from `build` to bound and ready.
    pub startup: Duration,
}

impl Application {
    /// Opens and migrates the database, loads the reference data, builds the router and
    /// binds the listener. Nothing is served until [`Application::run_until`].
    pub async fn build(mut config: Config) -> Result<Application, StartupError> {
        let started = Instant::now();
        config.check()?;
        config.make_sandbox_keys();
        let db = Db::open(&config.database_url, config.database_max_connections).await?;
        services::reference::load(&db)
            .await
            .map_err(StartupError::ReferenceData)?;
        let outbound = config.outbound()?;
        let gateway: services::sms::Gateway = match config.sms.gateway {
            config::SmsGatewayKind::Outbox => std::sync::Arc::new(services::sms::OutboxOnly),
            config::SmsGatewayKind::Eskiz => std::sync::Arc::new(services::sms::Eskiz::new(
                &config.sms.eskiz_url,
                &config.sms.eskiz_email,
                &config.sms.eskiz_password,
                &config.sms.sender,
                &outbound,
            )),
        };
        let mut services = Services::new(
            db,
            gateway,
            config.development(),
            &config.public_url,
            &config.code_pepper,
        )
        .await
        .map_err(StartupError::ReferenceData)?;
        services.checkout = config.checkout();
        services.files = config.files.store(&outbound)?;
        if let Some(processor) = config.card_processor(&outbound) {
            services.card = Some(processor);
        }
        services.telegram = config.telegram.bot(&outbound)?;
        if config.development() {
            tracing::warn!(
                "development mode: developer pages (/dev/sms shows every code), payment sandboxes and demo people are on; never use it for real residents"
            );
        } else {
            let demo = services::demo::people_present(&services.db)
                .await
                .map_err(StartupError::ReferenceData)?;
            if !demo.is_empty() {
                return Err(StartupError::DemoPeople(demo));
            }
        }
        if config.demo_data && config.development() {
            services::demo::seed(&services, config.demo_accounts)
                .await
                .map_err(StartupError::ReferenceData)?;
            services::demo::bodies::seed(&services)
                .await
                .map_err(StartupError::ReferenceData)?;
            services::demo::receptions::seed(&services)
                .await
                .map_err(StartupError::ReferenceData)?;
        }

        let leptos_options = LeptosOptions::builder()
            .output_name("fuqaro")
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.listen)
            .build();
        let state = AppState {
            leptos_options,
            services,
            config: std::sync::Arc::new(config.clone()),
            self_url: Default::default(),
        };
        let router = http::router(state.clone());

        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartupError::Listen {
                addr: config.listen,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartupError::Listen {
            addr: config.listen,
            source,
        })?;
        let _ = state.self_url.set(format!("http://{address}"));
        Ok(Application {
            listener,
            router,
            address,
            grace: Duration::from_secs(config.shutdown_grace_seconds),
            state,
            startup: started.elapsed(),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish (up to the
    /// grace period) and returns.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        // Axum leaves Nagle's algorithm on; streamed pages and event streams would then wait
        // for the client's delayed ACK (~40 ms) on every small write.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::warn!(%error, "cannot set TCP_NODELAY");
            }
        });
        let grace = self.grace;
        let jobs = jobs::spawn(self.state.services.clone());
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let live = self.state.services.live.clone();
        let serve = axum::serve(
            listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            // Open event streams end now (browsers reconnect to another instance).
            live.close();
            let _ = stopping_tx.send(());
        });
        let result = tokio::select! {
            result = serve => result,
            _ = async move {
                let _ = stopping_rx.await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(seconds = grace.as_secs(), "requests still running after the grace period; stopping anyway");
                Ok(())
            }
        };
        jobs.stop().await;
        result
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
