//! Everything a journey needs running: the real app on a temporary database,
//! chromedriver on a free port, and headless Chromium driven through it.
//! Each piece is owned by a guard whose `Drop` stops it, so a failed
//! assertion (a panic) leaves no process behind.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::ClientBuilder;
use retention_desk::clock::SystemClock;
use retention_desk::config::Settings;
use retention_desk::startup::Application;
use serde_json::json;
use tempfile::TempDir;

use crate::page::Page;

/// How long starting chromedriver or Chromium may take on a busy machine.
const START_DEADLINE: Duration = Duration::from_secs(30);

/// Journeys take turns: one Chromium at a time keeps a small CI machine
/// responsive, so the waits measure the app and not the scheduler.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The app, the browser and the driver for one journey. Dropped in field
/// order: the browser session and driver first, then the app.
pub struct Journey {
    pub page: Page,
    pub app: RunningApp,
    driver: Chromedriver,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Journey {
    /// Starts everything, or returns `None` (after saying so) when there is
    /// no browser on this machine outside CI. In CI a missing browser fails.
    pub async fn start(name: &str) -> Option<Journey> {
        Journey::start_with(name, |_| {}).await
    }

    pub async fn start_with(name: &str, adjust: impl FnOnce(&mut Settings)) -> Option<Journey> {
        let tools = match BrowserTools::find() {
            Ok(tools) => tools,
            Err(missing) => {
                skip_or_fail(name, &missing);
                return None;
            }
        };
        let turn = ONE_BROWSER_AT_A_TIME.lock().await;
        let app = RunningApp::start(adjust).await;
        let mut driver = Chromedriver::start(&tools.chromedriver).await;
        let client = driver.open_browser(&tools.chromium).await;
        Some(Journey {
            page: Page::new(client, app.address.clone()),
            app,
            driver,
            _turn: turn,
        })
    }

    /// Ends the browser session politely (Chromium quits); the guards then
    /// stop chromedriver and the app.
    pub async fn finish(self) {
        let Journey {
            page,
            app,
            mut driver,
            _turn,
        } = self;
        page.close().await;
        driver.session = None;
        drop(driver);
        drop(app);
    }
}

/// The chromedriver and Chromium executables.
struct BrowserTools {
    chromedriver: PathBuf,
    chromium: PathBuf,
}

impl BrowserTools {
    /// `CHROMEDRIVER` and `CHROME` override the search on `PATH`.
    fn find() -> Result<BrowserTools, String> {
        let chromedriver = from_env_or_path("CHROMEDRIVER", &["chromedriver"])
            .ok_or("chromedriver was not found on PATH (or in $CHROMEDRIVER)")?;
        let works = Command::new(&chromedriver)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !works {
            return Err(format!("`{} --version` failed", chromedriver.display()));
        }
        let chromium = from_env_or_path(
            "CHROME",
            &["chromium", "chromium-browser", "google-chrome", "chrome"],
        )
        .ok_or("Chromium was not found on PATH (or in $CHROME)")?;
        Ok(BrowserTools {
            chromedriver,
            chromium,
        })
    }
}

fn from_env_or_path(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

pub fn skip_or_fail(name: &str, missing: &str) {
    let install = "install it with: sudo apt-get install chromium chromium-driver \
                   (or point $CHROMEDRIVER and $CHROME at your own)";
    if in_ci() {
        panic!(
            "browser test {name}: {missing}; CI=true, so a missing browser is a failure; {install}"
        );
    }
    // Straight to stderr: libtest captures `eprintln!` of passing tests, and
    // a skip must be seen.
    use std::io::Write;
    let line = format!("\nSKIPPED browser test {name}: {missing}; {install}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// The real app, demo-seeded, on a fresh SQLite file, on the system clock.
pub struct RunningApp {
    pub address: String,
    handle: actix_web::dev::ServerHandle,
    _dir: TempDir,
}

impl RunningApp {
    async fn start(adjust: impl FnOnce(&mut Settings)) -> RunningApp {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut settings = Settings::new(dir.path().join("retention-desk.sqlite3"));
        settings.bind = "127.0.0.1:0".to_owned();
        settings.demo = true;
        adjust(&mut settings);
        let app = Application::build(settings, Arc::new(SystemClock))
            .await
            .expect("the app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        RunningApp {
            address,
            handle,
            _dir: dir,
        }
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        // The stop command is sent at once; nobody needs to await it.
        drop(self.handle.stop(false));
    }
}

/// A chromedriver process (and every Chromium it starts) in a process group
/// of its own, killed as a whole on drop.
struct Chromedriver {
    child: Child,
    url: String,
    profile: TempDir,
    /// The open WebDriver session, ended on drop if a journey failed.
    session: Option<String>,
}

impl Chromedriver {
    async fn start(executable: &Path) -> Chromedriver {
        let mut last_error = String::new();
        // A port picked free can be taken before chromedriver binds it: retry.
        for _ in 0..3 {
            let profile = tempfile::tempdir().expect("a temporary folder");
            let port = free_port();
            let log = profile.path().join("chromedriver.log");
            let child = spawn_in_own_group(
                Command::new(executable)
                    .arg(format!("--port={port}"))
                    .arg(format!("--log-path={}", log.display()))
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
            )
            .unwrap_or_else(|e| panic!("starting {}: {e}", executable.display()));
            let mut driver = Chromedriver {
                child,
                url: format!("http://127.0.0.1:{port}"),
                profile,
                session: None,
            };
            match driver.wait_until_ready(&log).await {
                Ok(()) => return driver,
                Err(error) => last_error = error,
            }
        }
        panic!("chromedriver did not start: {last_error}");
    }

    /// Polls `/status` until chromedriver says it is ready.
    async fn wait_until_ready(&mut self, log: &Path) -> Result<(), String> {
        let deadline = Instant::now() + START_DEADLINE;
        let status = format!("{}/status", self.url);
        loop {
            if let Ok(Some(exit)) = self.child.try_wait() {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                return Err(format!("it exited with {exit}; its log:\n{log}"));
            }
            if status_is_ready(&status).await {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("{status} not ready after {START_DEADLINE:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Starts headless Chromium (1280×900, no network chatter, a throwaway
    /// profile) and connects to it.
    async fn open_browser(&mut self, chromium: &Path) -> fantoccini::Client {
        let profile = self.profile.path().join("chromium-profile");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        // WebDriver over plain HTTP on loopback; the connector is rustls so
        // the test binary never links OpenSSL.
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        let client = tokio::time::timeout(
            START_DEADLINE,
            ClientBuilder::new(connector)
                .capabilities(capabilities)
                .connect(&self.url),
        )
        .await
        .unwrap_or_else(|_| panic!("Chromium did not start within {START_DEADLINE:?}"))
        .unwrap_or_else(|e| panic!("Chromium did not start via {}: {e}", self.url));
        self.session = client.session_id().await.ok().flatten();
        client
            .set_window_size(1280, 900)
            .await
            .expect("the window can be sized");
        client
    }

    /// Ends the WebDriver session from a `Drop` (no runtime to await on):
    /// chromedriver then quits Chromium and reaps its processes.
    fn end_session_blocking(&self, session: &str) {
        use std::io::{Read, Write};
        let Some(host) = self.url.strip_prefix("http://") else {
            return;
        };
        let Ok(mut stream) = std::net::TcpStream::connect(host) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /session/{session} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        );
        if stream.write_all(request.as_bytes()).is_err() {
            return;
        }
        // Read until the status line arrives: chromedriver answers once
        // Chromium has quit, but may keep the connection open afterwards.
        let mut response = Vec::new();
        let mut chunk = [0u8; 512];
        while !response.windows(2).any(|w| w == b"\r\n") {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            self.end_session_blocking(&session);
        }
        kill_group(&mut self.child);
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn spawn_in_own_group(command: &mut Command) -> std::io::Result<Child> {
    use std::os::unix::process::CommandExt;
    command.process_group(0).spawn()
}

/// SIGKILL to chromedriver's process group: chromedriver and the Chromium
/// processes it started, which inherit the group.
fn kill_group(child: &mut Child) {
    let Ok(group) = libc::pid_t::try_from(child.id()) else {
        let _ = child.kill();
        return;
    };
    // SAFETY: kill(2) with a negative pid signals the process group we
    // created for this child; it touches no memory.
    let _ = unsafe { libc::kill(-group, libc::SIGKILL) };
}

/// Whether chromedriver answers `GET /status` with `"ready": true`.
async fn status_is_ready(url: &str) -> bool {
    let Ok(response) = reqwest::get(url).await else {
        return false;
    };
    let Ok(body) = response.text().await else {
        return false;
    };
    let Ok(status) = serde_json::from_str::<serde_json::Value>(&body) else {
        return false;
    };
    status["value"]["ready"] == json!(true)
}
