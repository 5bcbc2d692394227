//! `oms-api`: reads the configuration, opens (and migrates) the database, and serves the
//! shop's pages at `/` and the HTTP API under `/api/v1` until SIGINT or SIGTERM, finishing
//! the requests in flight. Beside it runs the outbox worker (unless
//! `OMS_OUTBOX_WORKER=off`): it issues invoices and credit notes and sends the emails, and
//! finishes its pass before the process ends; and every minute the online orders left
//! unpaid past `OMS_UNPAID_CANCEL_HOURS` are cancelled, their stock given back.

use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let json_logs = std::env::var("OMS_LOG_FORMAT").is_ok_and(|f| f == "json");
    let filter = EnvFilter::try_from_env("OMS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    if json_logs {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = setup::Config::from_env().map_err(|e| e.to_string())?;
    let bind = std::env::var("OMS_BIND").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let app = setup::build_app(&config).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .map_err(|e| format!("cannot listen on {bind} (OMS_BIND): {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the address listened on: {e}"))?;
    tracing::info!(
        address = %address,
        database = %setup::redact(&config.database_url),
        "serving the shop at / and the API under /api/v1"
    );
    if !config.seller_configured {
        tracing::warn!(
            "no selling company configured (OMS_SELLER_NAME...): invoices name the demo seller"
        );
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = match config.outbox_interval {
        Some(interval) => {
            let mailer = setup::mailer(&config).map_err(|e| e.to_string())?;
            match &config.smtp {
                Some(smtp) => {
                    tracing::info!(host = %smtp.host, port = smtp.port, "emails go out by SMTP")
                }
                None => {
                    tracing::info!(folder = %config.mail_dir.display(), "no SMTP server: emails are written as .eml files")
                }
            }
            let app = app.clone();
            let stopped = stopped.clone();
            let policy = config.outbox_policy.clone();
            Some(tokio::spawn(async move {
                app.run_outbox_worker(mailer, policy, interval, until_stopped(stopped))
                    .await;
            }))
        }
        None => {
            tracing::info!("the outbox worker is off (OMS_OUTBOX_WORKER=off)");
            None
        }
    };
    let sweeper = {
        let app = app.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move { cancel_unpaid_orders(app, until_stopped(stopped)).await })
    };
    let pages = web::router(app.clone(), web::Settings::from_env());
    let router = http_api::app_with_pages(
        http_api::AppState { app },
        http_api::ServerSettings::default(),
        pages,
    );
    let served = http_api::serve_router(listener, router, async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    })
    .await;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    let _ = sweeper.await;
    served.map_err(|e| format!("the server stopped: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// How often unpaid online orders past their delay are looked for.
const UNPAID_SWEEP: std::time::Duration = std::time::Duration::from_secs(60);

/// Cancels, every [`UNPAID_SWEEP`], the online orders left unpaid past their delay
/// (`OMS_UNPAID_CANCEL_HOURS`), until `stop` completes.
async fn cancel_unpaid_orders(app: app::App, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        match app.cancel_unpaid_orders().await {
            Ok(cancelled) if !cancelled.is_empty() => {
                let numbers: Vec<String> = cancelled.iter().map(ToString::to_string).collect();
                tracing::info!(orders = %numbers.join(","), "unpaid orders cancelled");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "looking for unpaid orders failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(UNPAID_SWEEP) => {}
            () = &mut stop => return,
        }
    }
}

/// Completes once the stop is given.
async fn until_stopped(mut stopped: tokio::sync::watch::Receiver<bool>) {
    while !*stopped.borrow() {
        if stopped.changed().await.is_err() {
            return;
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
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
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
