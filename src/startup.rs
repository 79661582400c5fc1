//! The one place where the database, sessions, middleware and routes are wired.

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::auth::passwords::Passwords;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::demo::seed as demo;
use crate::limits::Limits;
use crate::notify::OutboxWorker;
use crate::state::AppState;
use crate::web::csrf::{BODY_LIMIT, verify_csrf};
use crate::web::errors::form_error_handler;
use crate::web::headers::security_headers;
use crate::web::metrics::record_request;
use crate::web::session_store::SqliteSessionStore;
use crate::web::{not_found, routes};

/// The session cookie's name; behind HTTPS the `__Host-` prefix makes the
/// browser refuse it from any other host or path, or without `Secure`.
pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-rd_session"
    } else {
        "rd_session"
    }
}

/// Threads per worker for `web::block`: enough for the 4 readers, the
/// writer and the argon2 permits to stay busy.
const BLOCKING_THREADS_PER_WORKER: usize = 8;

pub struct Application {
    port: u16,
    handle: actix_web::dev::ServerHandle,
    server: Server,
    state: AppState,
    outbox_worker: AbortOnDrop,
}

/// Ends a background task with the application that started it, so two
/// apps in one process (tests, restarts) never share a worker.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Application {
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        Application::build_with_listener(settings, clock, listener).await
    }

    pub async fn build_with_listener(
        settings: Settings,
        clock: SharedClock,
        listener: TcpListener,
    ) -> anyhow::Result<Application> {
        let port = listener.local_addr()?.port();
        let (db, passwords) = {
            let settings = settings.clone();
            let clock = clock.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<(Db, Passwords)> {
                let db = Db::open(&settings.database)?;
                if settings.demo {
                    let mut conn = db.writer_blocking()?;
                    if demo::seed_if_empty(&mut conn, clock.unix())? {
                        tracing::info!("demo mode: seeded the demo staff and servers");
                    }
                }
                Ok((db, Passwords::new(settings.sign_in_wait)?))
            })
            .await??
        };
        if settings.public_url.starts_with("https://") && !settings.cookie_secure {
            tracing::warn!(
                public_url = %settings.public_url,
                "RD_PUBLIC_URL is https but RD_COOKIE_SECURE is not true: the session cookie can travel without TLS"
            );
        }
        let state = AppState {
            db,
            cookie_key: Key::derive_from(&settings.session_key),
            limits: Arc::new(Limits::new(clock.clone())),
            clock,
            settings: Arc::new(settings),
            passwords,
            outbox: Default::default(),
            replays: Default::default(),
            signed_in: Default::default(),
            requests: Default::default(),
        };
        let worker = OutboxWorker::new(&state)?;
        let server = serve(listener, state.clone())?;
        Ok(Application {
            port,
            handle: server.handle(),
            server,
            state,
            outbox_worker: AbortOnDrop(tokio::spawn(worker.run())),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from another task (tests restart apps on one database).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.handle.clone()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until stopped; the Slack outbox worker stops with the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application {
            server,
            outbox_worker,
            ..
        } = self;
        let result = server.await;
        drop(outbox_worker);
        result
    }
}

fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let key = state.cookie_key.clone();
    let data = web::Data::new(state);
    // One store for every worker: it remembers when each session was last
    // extended, so the once-a-minute write limit holds across workers.
    let store = SqliteSessionStore::new(
        data.get_ref().clone(),
        data.settings.idle_timeout,
        data.settings.absolute_timeout,
    );
    let server =
        HttpServer::new(move || {
            let settings = &data.settings;
            let sessions = SessionMiddleware::builder(store.clone(), key.clone())
                .cookie_name(session_cookie(settings.cookie_secure).to_owned())
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Lax)
                .cookie_secure(settings.cookie_secure)
                .cookie_content_security(CookieContentSecurity::Signed)
                .session_lifecycle(
                    BrowserSession::default()
                        .state_ttl(actix_web::cookie::time::Duration::seconds(
                            settings.idle_timeout.as_secs() as i64,
                        ))
                        .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                )
                .build();
            App::new()
                .app_data(data.clone())
                .app_data(
                    web::FormConfig::default()
                        .limit(BODY_LIMIT)
                        .error_handler(form_error_handler),
                )
                // A path id that is not a number names no page: our 404,
                // without echoing what was typed.
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| crate::web::errors::AppError::NotFound.into()),
                )
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    crate::web::errors::AppError::BadForm(e.to_string()).into()
                }))
                .wrap(from_fn(verify_csrf))
                .wrap(sessions)
                .wrap(from_fn(security_headers))
                // Outermost, so a request's time includes every middleware.
                .wrap(from_fn(record_request))
                .configure(routes)
                .default_service(web::to(not_found))
        })
        // Blocking work (diesel, argon2) waits for its connection or permit
        // in a queue, not in one more thread each: under load, hundreds of
        // parked threads would each keep their own allocator heap.
        .worker_max_blocking_threads(BLOCKING_THREADS_PER_WORKER)
        .listen(listener)?
        .run();
    Ok(server)
}
