//! The baseline for throughput benchmarks: a bare Axum handler with no layers, on the same
//! runtime settings and socket options as the server. `scripts/bench.sh` measures Fuqaro's
//! `/healthz` as a ratio to this, in the same run on the same machine.

use axum::Router;
use axum::routing::get;
use axum::serve::ListenerExt;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3900".into());
    let app = Router::new().route("/healthz", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    println!("bare axum on http://{addr}");
    axum::serve(listener, app).await
}
