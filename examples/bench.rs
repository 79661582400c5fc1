//! The Retention Desk benchmark: the hot paths at a million cases, measured
//! the way a person would feel them.
//!
//! ```text
//! cargo run --release --example bench -- [--database PATH] [--cases N] [--reuse]
//! ```
//!
//! It builds the release binary, fills a fresh database with `demo-data`
//! (or reuses the one at `--database` with `--reuse`), starts
//! `retention-desk serve` as a child process, signs in as the demo users and
//! measures each path for `--seconds` seconds, three runs each (the median
//! is reported). Every response is checked to be the real page. The result
//! is printed as markdown and written to `--out` (default
//! `target/bench/results.md`). Not part of `cargo test`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::redirect::Policy;

const PASSWORD: &str = "demo-password";
const RUNS: usize = 3;

struct Options {
    database: PathBuf,
    cases: u64,
    reuse: bool,
    seconds: f64,
    read_concurrency: usize,
    post_concurrency: usize,
    login_concurrency: usize,
    binary: Option<PathBuf>,
    out: PathBuf,
}

fn options() -> Options {
    let mut o = Options {
        database: PathBuf::from("target/bench/rd-bench.sqlite3"),
        cases: 1_000_000,
        reuse: false,
        seconds: 5.0,
        read_concurrency: 8,
        post_concurrency: 32,
        login_concurrency: 8,
        binary: None,
        out: PathBuf::from("target/bench/results.md"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--database" => o.database = value().into(),
            "--cases" => o.cases = value().parse().expect("--cases N"),
            "--reuse" => o.reuse = true,
            "--seconds" => o.seconds = value().parse().expect("--seconds S"),
            "--read-concurrency" => o.read_concurrency = value().parse().expect("a number"),
            "--post-concurrency" => o.post_concurrency = value().parse().expect("a number"),
            "--login-concurrency" => o.login_concurrency = value().parse().expect("a number"),
            "--binary" => o.binary = Some(value().into()),
            "--out" => o.out = value().into(),
            other => panic!(
                "unknown argument {other}; see the doc comment at the top of examples/bench.rs"
            ),
        }
    }
    o
}

/// Submissions as an agent makes them: `GET /cases/new`, then `POST /cases`
/// with its tokens (a mix of C2, C3 save task, R4 and R6 refunds), each
/// answered 303 to the new case. p50/p99 are the POST's.
async fn submissions(
    what: &str,
    c: reqwest::Client,
    base: String,
    concurrency: usize,
    seconds: f64,
) -> Figures {
    let stamp = chrono::Utc::now().timestamp();
    // Unique across the warm-up and the runs: a repeated account ID would
    // (rightly) get the "open case on this account" warning.
    let sequence = Arc::new(AtomicU64::new(0));
    measure(what, concurrency, seconds, move |_| {
        let n = sequence.fetch_add(1, Ordering::Relaxed);
        let (c, base) = (c.clone(), base.clone());
        async move {
            let form = c
                .get(format!("{base}/cases/new"))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if form.status() != StatusCode::OK {
                return Err(format!("GET /cases/new: {}", form.status()));
            }
            let html = form.text().await.map_err(|e| e.to_string())?;
            let csrf = hidden(&html, "csrf_token").ok_or("no csrf_token")?;
            let token = hidden(&html, "submission_token").ok_or("no submission_token")?;
            let name = format!("Bench Customer {n}");
            let account = format!("BENCH-{stamp}-{n}");
            // A mix of the procedure's paths: C2, C3 save task, R4 and R6 refunds.
            let (level, request, refund) = match n % 4 {
                0 => ("1", "cancel", ""),
                1 => ("3", "cancel", ""),
                2 => ("2", "refund", "250.00"),
                _ => ("4", "cancel_and_refund", "1,500.00"),
            };
            let reason = if refund.is_empty() {
                ""
            } else {
                "Charged twice this month."
            };
            let fields = [
                ("csrf_token", csrf.as_str()),
                ("submission_token", token.as_str()),
                ("customer_name", name.as_str()),
                ("account_id", account.as_str()),
                ("support_ticket", ""),
                ("level_id", level),
                ("server_id", "1"),
                ("ar_balance", "1,250.00"),
                ("original_rep", "unknown"),
                ("request", request),
                ("reason_id", "1"),
                ("refund_amount", refund),
                ("refund_reason", reason),
                ("notes", ""),
            ];
            let t = Instant::now();
            let r = c
                .post(format!("{base}/cases"))
                .form(&fields)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let latency = t.elapsed();
            let status = r.status();
            let location = r
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let _ = r.bytes().await;
            let case_id = location.strip_prefix("/cases/").unwrap_or("");
            if status != StatusCode::SEE_OTHER
                || case_id.is_empty()
                || !case_id.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(format!("POST /cases: {status} → {location:?}"));
            }
            Ok(latency)
        }
    })
    .await
}

/// The same submission load on the same binary and database with fsync made
/// a no-op (`eatmydata`): how much of intake's ceiling is durability.
async fn without_fsync(binary: &Path, o: &Options, shipped: &Figures) -> Row {
    let what = format!(
        "submissions with fsync made a no-op (`eatmydata serve`, {} connections)",
        o.post_concurrency
    );
    let Some(eatmydata) = on_path("eatmydata") else {
        return Row {
            what,
            figures: Figures::default(),
            target: "not measured: `eatmydata` is missing (Debian/Ubuntu: `sudo apt-get install eatmydata`)".into(),
            met: None,
        };
    };
    let (server, _) = start_under(Some(&eatmydata), binary, &o.database).await;
    let agent = sign_in(&server.base, "alex").await;
    let f = submissions(
        "POST /cases (eatmydata)",
        agent,
        server.base.clone(),
        o.post_concurrency,
        o.seconds,
    )
    .await;
    drop(server);
    let ratio = shipped.per_second / f.per_second;
    Row {
        what,
        target: format!("as shipped ≥ 0.8 × this (hard): {ratio:.2} ×"),
        met: Some(ratio >= 0.8 && f.errors == 0),
        figures: f,
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// SQLite alone, for reference: one row per transaction, WAL and
/// `synchronous = FULL` (as the app runs), in the database's own folder
/// (the same disk), for `seconds` after a 0.5 s warm-up.
fn bare_commit_loop(database: &Path, seconds: f64) -> Row {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    let folder = database.parent().unwrap_or(Path::new("."));
    let file = folder.join("bench-bare-commits.sqlite3");
    let remove = || {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = file.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    };
    remove();
    let mut conn = SqliteConnection::establish(file.to_str().expect("a UTF-8 path"))
        .expect("opening the bare SQLite file");
    conn.batch_execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )
    .expect("setting up the bare SQLite file");
    let mut commit = || {
        let t = Instant::now();
        conn.batch_execute("BEGIN IMMEDIATE; INSERT INTO rows (body) VALUES ('one row'); COMMIT;")
            .expect("a bare commit");
        t.elapsed()
    };
    let warm_up = Instant::now();
    while warm_up.elapsed() < Duration::from_millis(500) {
        commit();
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    while started.elapsed().as_secs_f64() < seconds {
        latencies.push(commit().as_secs_f64() * 1000.0);
    }
    let per_second = latencies.len() as f64 / started.elapsed().as_secs_f64();
    drop(conn);
    remove();
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    Row {
        what: "bare SQLite commit loop (one row per transaction, WAL + FULL, same folder)".into(),
        figures: Figures {
            requests: latencies.len() as u64,
            errors: 0,
            per_second,
            p50_ms: at(0.5),
            p99_ms: at(0.99),
            first_error: None,
        },
        target: "reference".into(),
        met: None,
    }
}

// ------------------------------------------------------------- measurement

#[derive(Clone, Debug, Default)]
struct Figures {
    requests: u64,
    errors: u64,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    first_error: Option<String>,
}

/// `concurrency` loops calling `work` for `seconds`; `work` returns the
/// latency it measured (or an error that is counted and reported).
async fn load<F, Fut>(concurrency: usize, seconds: f64, work: F) -> Figures
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Duration, String>> + Send,
{
    let work = Arc::new(work);
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (work, counter) = (work.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                match work(n).await {
                    Ok(latency) => latencies.push(latency),
                    Err(e) => errors.push(e),
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for task in tasks {
        let (l, e) = task.await.expect("a load task panicked");
        latencies.extend(l);
        errors.extend(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    Figures {
        requests: latencies.len() as u64,
        errors: errors.len() as u64,
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        first_error: errors.into_iter().next(),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// Median of each figure over the runs; errors are summed.
fn combine(runs: &[Figures]) -> Figures {
    Figures {
        requests: runs.iter().map(|r| r.requests).sum(),
        errors: runs.iter().map(|r| r.errors).sum(),
        per_second: median(runs.iter().map(|r| r.per_second).collect()),
        p50_ms: median(runs.iter().map(|r| r.p50_ms).collect()),
        p99_ms: median(runs.iter().map(|r| r.p99_ms).collect()),
        first_error: runs.iter().find_map(|r| r.first_error.clone()),
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Samples the server's RSS every 50 ms until stopped; the peak in KiB.
fn watch_rss(pid: u32) -> (Arc<AtomicBool>, tokio::task::JoinHandle<u64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = tokio::spawn(async move {
        let mut peak = 0;
        while !flag.load(Ordering::Relaxed) {
            peak = peak.max(rss_kib(pid));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        peak.max(rss_kib(pid))
    });
    (stop, handle)
}

// ------------------------------------------------------------- the server

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts the server and waits for `/health`; the time from spawn to 200.
async fn start(binary: &Path, database: &Path) -> (Server, Duration) {
    start_under(None, binary, database).await
}

/// As [`start`], with the server run by `wrapper` (e.g. `eatmydata`).
async fn start_under(wrapper: Option<&Path>, binary: &Path, database: &Path) -> (Server, Duration) {
    let port = free_port();
    let started = Instant::now();
    let mut command = match wrapper {
        Some(wrapper) => {
            let mut c = Command::new(wrapper);
            c.arg(binary);
            c
        }
        None => Command::new(binary),
    };
    let child = command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("RD_DATABASE", database)
        .env("RD_LOG", "warn")
        .env("RD_SESSION_KEY", "benchmark-session-key-".repeat(4))
        .env_remove("RD_SLACK_WEBHOOK_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting retention-desk serve");
    let base = format!("http://127.0.0.1:{port}");
    let server = Server { child, base };
    let probe = reqwest::Client::new();
    loop {
        if let Ok(r) = probe.get(format!("{}/health", server.base)).send().await
            && r.status() == StatusCode::OK
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not answer /health within a minute"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    (server, started.elapsed())
}

fn client(cookies: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(cookies)
        .redirect(Policy::none())
        .pool_max_idle_per_host(256)
        .build()
        .expect("an HTTP client")
}

/// The value of the hidden input `name` in `html`.
fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')?;
    Some(rest[value..value + end].to_owned())
}

async fn sign_in(base: &str, username: &str) -> reqwest::Client {
    let c = client(true);
    let page = c
        .get(format!("{base}/login"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("GET /login");
    let html = page.text().await.expect("the login page");
    let csrf = hidden(&html, "csrf_token").expect("a csrf_token on /login");
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "signing in as {username}"
    );
    c
}

/// GET `url`, expecting 200 and `marker` in the body.
async fn get_page(c: &reqwest::Client, url: String, marker: String) -> Result<Duration, String> {
    let t = Instant::now();
    let r = c
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = r.text().await.map_err(|e| format!("{url}: {e}"))?;
    let latency = t.elapsed();
    if status != StatusCode::OK {
        return Err(format!("{url}: {status} {location}"));
    }
    if !body.contains(&marker) {
        return Err(format!("{url}: 200 without {marker:?}"));
    }
    Ok(latency)
}

// ------------------------------------------------------------- policy replay

/// The policy replay (SPEC §10), once through the preview page (timed, the
/// server's RSS watched) and once as `retention-desk replay` (timed, the
/// child's peak RSS from `wait4`). `all` replays every case instead of the
/// last 90 days. Returns (page seconds, server peak KiB, command seconds,
/// command peak KiB, the command's "Replayed …" line).
async fn replay_once(
    binary: &Path,
    database: &Path,
    admin: &reqwest::Client,
    base: &str,
    pid: u32,
    all: bool,
) -> Result<(f64, u64, f64, u64, String), String> {
    let days = if all {
        "&from=1970-01-01&to=2100-01-01"
    } else {
        ""
    };
    let url = format!(
        "{base}/admin/policy/preview?draft_ar_limit=500&draft_refund_review_limit=1500{days}"
    );
    let (stop, peak) = watch_rss(pid);
    let page = get_page(admin, url, "Replayed ".into()).await;
    stop.store(true, Ordering::Relaxed);
    let server_peak = peak.await.unwrap_or(0);
    let page = page?.as_secs_f64();

    let out = std::env::temp_dir().join(format!("rd-bench-replay-{}.txt", std::process::id()));
    let mut args = vec![
        "replay",
        "--ar-limit",
        "500",
        "--refund-review-limit",
        "1500",
    ];
    if all {
        args.extend(["--from", "1970-01-01", "--to", "2100-01-01"]);
    }
    let t = Instant::now();
    let child = Command::new(binary)
        .args(&args)
        .env("RD_DATABASE", database)
        .env("RD_LOG", "warn")
        .stdout(std::fs::File::create(&out).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for (and reaps) the child we just spawned.
    let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let command = t.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    if waited < 0 || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("retention-desk {} failed: {text}", args.join(" ")));
    }
    let line = text
        .lines()
        .find(|l| l.starts_with("Replayed "))
        .unwrap_or_default()
        .to_owned();
    Ok((page, server_peak, command, usage.ru_maxrss as u64, line))
}

/// The replay section of the report: median of `RUNS` of each.
async fn replay_section(binary: &Path, database: &Path, base: &str, pid: u32) -> String {
    let admin = sign_in(base, "admin").await;
    let mut md = String::from(
        "\n### Policy replay (SPEC §10)\n\n| What | seconds (median) | peak RSS MB | Target | Met |\n|---|---:|---:|---|---|\n",
    );
    let mib = |kib: u64| kib as f64 * 1024.0 / 1e6;
    for (all, target) in [(false, 1.0), (true, 10.0)] {
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            match replay_once(binary, database, &admin, base, pid, all).await {
                Ok(run) => runs.push(run),
                Err(e) => {
                    md.push_str(&format!(
                        "| replay ({}) | | | | **error**: `{e}` |\n",
                        if all { "all" } else { "90 days" }
                    ));
                    break;
                }
            }
        }
        if runs.len() < RUNS {
            continue;
        }
        let page = median(runs.iter().map(|r| r.0).collect());
        let command = median(runs.iter().map(|r| r.2).collect());
        let server_peak = runs.iter().map(|r| r.1).max().unwrap_or(0);
        let command_peak = runs.iter().map(|r| r.3).max().unwrap_or(0);
        let period = if all {
            "every case"
        } else {
            "the last 90 days"
        };
        let met = |t: f64| if t <= target { "yes" } else { "**no**" };
        md.push_str(&format!(
            "| GET /admin/policy/preview, {period} ({}) | {page:.2} | {:.1} (server) | ≤ {target} s (hard) | {} |\n",
            runs[0].4,
            mib(server_peak),
            met(page)
        ));
        md.push_str(&format!(
            "| `retention-desk replay`, {period} (process start included) | {command:.2} | {:.1} (process) | ≤ {target} s (hard) | {} |\n",
            mib(command_peak),
            met(command)
        ));
    }
    md
}

// ------------------------------------------------------------- scenarios

struct Row {
    what: String,
    figures: Figures,
    target: String,
    met: Option<bool>,
}

async fn measure<F, Fut>(what: &str, concurrency: usize, seconds: f64, work: F) -> Figures
where
    F: Fn(u64) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Result<Duration, String>> + Send,
{
    // A short warm-up, then the runs.
    load(concurrency, 0.5, work.clone()).await;
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        runs.push(load(concurrency, seconds, work.clone()).await);
    }
    let f = combine(&runs);
    eprintln!(
        "{what}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors{}",
        f.per_second,
        f.p50_ms,
        f.p99_ms,
        f.errors,
        f.first_error
            .as_deref()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    );
    f
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cores} cores (`nproc`), {model}, {:.1} GiB RAM; load average at start: {}",
        mem_kib as f64 / 1024.0 / 1024.0,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn build_binary() -> PathBuf {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--bin", "retention-desk"])
        .status()
        .expect("running cargo build");
    assert!(status.success(), "cargo build --release failed");
    // This example runs from <target>/release/examples/bench.
    let exe = std::env::current_exe().expect("the bench's own path");
    exe.parent()
        .and_then(Path::parent)
        .map(|release| release.join("retention-desk"))
        .expect("the release folder")
}

#[tokio::main]
async fn main() {
    let o = options();
    let binary = o.binary.clone().unwrap_or_else(build_binary);
    let command_line = format!(
        "cargo run --release --example bench -- {}",
        std::env::args().skip(1).collect::<Vec<_>>().join(" ")
    );
    let machine = machine();
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();

    // The database.
    let mut demo_data_seconds = None;
    if !(o.reuse && o.database.exists()) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = o.database.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        if let Some(parent) = o.database.parent() {
            std::fs::create_dir_all(parent).expect("the database folder");
        }
        eprintln!(
            "demo-data --cases {} into {}",
            o.cases,
            o.database.display()
        );
        let t = Instant::now();
        let status = Command::new(&binary)
            .args(["demo-data", "--cases", &o.cases.to_string()])
            .env("RD_DATABASE", &o.database)
            .env("RD_LOG", "warn")
            .status()
            .expect("running demo-data");
        assert!(status.success(), "demo-data failed");
        demo_data_seconds = Some(t.elapsed().as_secs_f64());
    }
    let db_bytes = std::fs::metadata(&o.database).map_or(0, |m| m.len());
    let stored_cases = {
        // Read through the app's own library: one query, then closed.
        use diesel::prelude::*;
        let db = retention_desk::db::Db::open(&o.database).expect("opening the database");
        let mut conn = db.reader_blocking().expect("a connection");
        retention_desk::db::schema::cases::table
            .count()
            .get_result::<i64>(&mut *conn)
            .expect("counting cases")
    };

    // Start-up: spawn → /health 200, median of three.
    let mut startups = Vec::new();
    for _ in 0..RUNS {
        let (server, took) = start(&binary, &o.database).await;
        startups.push(took.as_secs_f64() * 1000.0);
        drop(server);
    }
    let startup_ms = median(startups.clone());
    let (server, _) = start(&binary, &o.database).await;
    let pid = server.child.id();
    let base = server.base.clone();

    let agent = sign_in(&base, "alex").await;
    let owner = sign_in(&base, "spencer").await;
    let billing = sign_in(&base, "heather").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss_kib = rss_kib(pid);

    let (stop_rss, rss_task) = watch_rss(pid);
    let rc = o.read_concurrency;
    let s = o.seconds;
    let mut rows: Vec<Row> = Vec::new();
    let n_cases = stored_cases.max(1) as u64;

    let health = {
        let (c, base) = (agent.clone(), base.clone());
        measure("GET /health", rc, s, move |_| {
            let (c, url) = (c.clone(), format!("{base}/health"));
            async move { get_page(&c, url, "ok".into()).await }
        })
        .await
    };
    let case_page = {
        let (c, base) = (agent.clone(), base.clone());
        measure("GET /cases/{id}", rc, s, move |n| {
            // Spread over the whole log: cold pages as well as hot ones.
            let id = 1 + (n.wrapping_mul(2_654_435_761) % n_cases);
            let (c, url) = (c.clone(), format!("{base}/cases/{id}"));
            async move { get_page(&c, url, format!("<h1>Case {id} ")).await }
        })
        .await
    };
    let ratio = case_page.per_second / health.per_second;
    rows.push(Row {
        what: "`GET /health`".into(),
        figures: health.clone(),
        target: "—".into(),
        met: None,
    });
    rows.push(Row {
        what: "`GET /cases/{id}` (random id)".into(),
        figures: case_page,
        target: format!("≥ 0.15 × /health req/s (hard; stretch 0.30): {ratio:.2} ×"),
        met: Some(ratio >= 0.15),
    });

    let list_target = |f: &Figures| (f.p99_ms <= 20.0 && f.errors == 0, "p99 ≤ 20 ms (hard)");
    for (what, path, marker) in [
        ("`GET /cases` page 1", "/cases".to_owned(), "href=\"/cases/"),
        (
            "`GET /cases?q=Nakamura` (common name, ~3 % of cases)",
            "/cases?q=Nakamura".to_owned(),
            "Nakamura",
        ),
        (
            "`GET /cases?q=ACC-1123456` (one account)",
            "/cases?q=ACC-1123456".to_owned(),
            "ACC-1123456",
        ),
        (
            "`GET /cases?status=cancellation%3Areply_to_send`",
            "/cases?status=cancellation%3Areply_to_send".to_owned(),
            "href=\"/cases/",
        ),
    ] {
        let (c, url) = (agent.clone(), format!("{base}{path}"));
        let f = measure(what, rc, s, move |_| {
            let (c, url) = (c.clone(), url.clone());
            async move { get_page(&c, url, marker.to_owned()).await }
        })
        .await;
        let (met, target) = list_target(&f);
        rows.push(Row {
            what: what.into(),
            figures: f,
            target: target.into(),
            met: Some(met),
        });
    }
    for (what, c, path, marker) in [
        (
            "`GET /tasks` (Spencer, all open tasks)",
            owner.clone(),
            "/tasks",
            "Record outcome",
        ),
        (
            "`GET /billing` (Heather)",
            billing.clone(),
            "/billing",
            "href=\"/cases/",
        ),
        (
            "`GET /tasks?overdue=1` (Spencer, overdue only)",
            owner.clone(),
            "/tasks?overdue=1",
            "Overdue only",
        ),
        (
            "`GET /billing?overdue=1` (Heather, overdue only)",
            billing.clone(),
            "/billing?overdue=1",
            "Overdue only",
        ),
    ] {
        let url = format!("{base}{path}");
        let f = measure(what, rc, s, move |_| {
            let (c, url) = (c.clone(), url.clone());
            async move { get_page(&c, url, marker.to_owned()).await }
        })
        .await;
        let (met, target) = list_target(&f);
        rows.push(Row {
            what: what.into(),
            figures: f,
            target: target.into(),
            met: Some(met),
        });
    }

    // /reports (SPEC §9), as Spencer opens it: one person at a time.
    for (what, path, limit_ms) in [
        (
            "`GET /reports` (last 90 days, by month; 1 at a time)",
            "/reports",
            250.0,
        ),
        (
            "`GET /reports?from=2000-01-01&group=reason` (all time; 1 at a time)",
            "/reports?from=2000-01-01&group=reason",
            1000.0,
        ),
    ] {
        let (c, url) = (owner.clone(), format!("{base}{path}"));
        let f = measure(what, 1, s, move |_| {
            let (c, url) = (c.clone(), url.clone());
            async move { get_page(&c, url, "Download CSV".to_owned()).await }
        })
        .await;
        rows.push(Row {
            what: what.into(),
            met: Some(f.p99_ms <= limit_ms && f.errors == 0),
            figures: f,
            target: format!("p99 ≤ {limit_ms} ms (hard)"),
        });
    }

    // The new-case form alone, as alex (agent) opens it.
    let form = {
        let (c, url) = (agent.clone(), format!("{base}/cases/new"));
        measure("GET /cases/new", rc, s, move |_| {
            let (c, url) = (c.clone(), url.clone());
            async move { get_page(&c, url, "Submit case".to_owned()).await }
        })
        .await
    };
    rows.push(Row {
        what: "`GET /cases/new` (alex's form and the 20 longest waiting)".into(),
        figures: form,
        target: "—".into(),
        met: None,
    });

    // Submissions: a fresh form (CSRF and one-time submission token) per post.
    let post = submissions(
        "POST /cases",
        agent.clone(),
        base.clone(),
        o.post_concurrency,
        s,
    )
    .await;
    let post_ratio = post.per_second / health.per_second;
    let post_met = post_ratio >= 0.02 && post.p99_ms <= 50.0 && post.errors == 0;
    rows.push(Row {
        what: format!(
            "submissions, as shipped (GET /cases/new + POST /cases, {} connections; p50/p99 of the POST)",
            o.post_concurrency
        ),
        target: format!(
            "≥ 0.02 × /health req/s and p99 ≤ 50 ms (hard): {post_ratio:.3} ×"
        ),
        met: Some(post_met),
        figures: post.clone(),
    });
    stop_rss.store(true, Ordering::Relaxed);
    let load_rss_kib = rss_task.await.unwrap_or(0);

    // One argon2 hash, in this process, while the server is idle.
    let hash_ms = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                retention_desk::auth::passwords::hash_blocking(
                    &retention_desk::domain::Password::exempt(PASSWORD),
                )
                .expect("hashing");
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    );
    let login_ceiling = 2.0 / (hash_ms / 1000.0);

    // Login flood: GET /login + POST /login, a new session each time.
    let (stop_rss, rss_task) = watch_rss(pid);
    let login = {
        let base = base.clone();
        let c = client(false);
        measure("login", o.login_concurrency, s, move |_| {
            let (c, base) = (c.clone(), base.clone());
            async move {
                let t = Instant::now();
                let r = c
                    .get(format!("{base}/login"))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if r.status() != StatusCode::OK {
                    return Err(format!("GET /login: {}", r.status()));
                }
                let cookie = r
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    // The sign-in form's token cookie: a stranger gets no session.
                    .find(|v| v.starts_with("rd_login="))
                    .and_then(|v| v.split(';').next())
                    .map(str::to_owned)
                    .ok_or("GET /login set no sign-in form cookie")?;
                let html = r.text().await.map_err(|e| e.to_string())?;
                let csrf = hidden(&html, "csrf_token").ok_or("no csrf_token on /login")?;
                let r = c
                    .post(format!("{base}/login"))
                    .header("cookie", cookie)
                    .form(&[
                        ("csrf_token", csrf.as_str()),
                        ("username", "alex"),
                        ("password", PASSWORD),
                    ])
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = r.status();
                let location = r
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                if status != StatusCode::SEE_OTHER || location.starts_with("/login") {
                    return Err(format!("POST /login: {status} → {location:?}"));
                }
                Ok(t.elapsed())
            }
        })
        .await
    };
    stop_rss.store(true, Ordering::Relaxed);
    let login_rss_kib = rss_task.await.unwrap_or(0);
    let replay_md = replay_section(&binary, &o.database, &base, pid).await;
    let login_ratio = login.per_second / login_ceiling;
    rows.push(Row {
        what: format!(
            "login (GET /login + POST /login, {} connections)",
            o.login_concurrency
        ),
        figures: login,
        target: format!(
            "≥ 80 % of 2 ÷ hash time = {:.1}/s (stretch; one hash {hash_ms:.1} ms): {:.0} %",
            login_ceiling,
            login_ratio * 100.0
        ),
        met: Some(login_ratio >= 0.8),
    });
    drop(server);

    // The limits beside the app, on the same binary and database.
    rows.push(without_fsync(&binary, &o, &post).await);
    rows.push(bare_commit_loop(&o.database, s));

    // The report.
    let mut md = String::new();
    let total_errors: u64 = rows.iter().map(|r| r.figures.errors).sum();
    md.push_str(&format!(
        "- Date: {date}\n- Machine: {machine}\n- Command: `{command_line}`\n- Database: {} cases, {:.2} GiB{}\n- Concurrency: reads {rc} connections, POST /cases {} connections, login {} connections; {s} s per run, median of {RUNS} runs (after a 0.5 s warm-up)\n\n",
        stored_cases,
        db_bytes as f64 / (1u64 << 30) as f64,
        demo_data_seconds
            .map(|t| format!(", made by `demo-data` in {t:.1} s (including process start)"))
            .unwrap_or_else(|| " (reused)".into()),
        o.post_concurrency,
        o.login_concurrency,
    ));
    md.push_str("| What | req/s | p50 ms | p99 ms | errors | Target | Met |\n|---|---:|---:|---:|---:|---|---|\n");
    for r in &rows {
        md.push_str(&format!(
            "| {} | {:.0} | {:.2} | {:.2} | {} | {} | {} |\n",
            r.what,
            r.figures.per_second,
            r.figures.p50_ms,
            r.figures.p99_ms,
            r.figures.errors,
            r.target,
            match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            }
        ));
    }
    // Decimal megabytes (10^6 bytes), the stricter reading of "MB".
    let mib = |kib: u64| kib as f64 * 1024.0 / 1e6;
    md.push_str(&format!(
        "| RSS idle (signed in, after start) | | | | | ≤ 30 MB (hard) | {} |\n",
        if mib(idle_rss_kib) <= 30.0 {
            "yes"
        } else {
            "**no**"
        }
    ));
    md.push_str(&format!(
        "| RSS peak under the read and POST loads | | | | | — | |\n| RSS peak during the login flood | | | | | ≤ 200 MB (hard) | {} |\n",
        if mib(login_rss_kib) <= 200.0 { "yes" } else { "**no**" }
    ));
    md.push_str(&format!(
        "| Start-up on the {}-case database (spawn → /health 200) | | | | | ≤ 1 s (hard) | {} |\n",
        stored_cases,
        if startup_ms <= 1000.0 {
            "yes"
        } else {
            "**no**"
        }
    ));
    md.push_str(&format!(
        "| Errors (non-2xx/303, wrong page, redirect to /login) over every load | | | | {total_errors} | 0 (hard) | {} |\n\n",
        if total_errors == 0 { "yes" } else { "**no**" }
    ));
    md.push_str(&format!(
        "RSS (MB = 10^6 bytes): idle {:.1} MB; peak under the read and POST loads {:.1} MB; peak during the login flood {:.1} MB. Start-up: {} ms (median {startup_ms:.0} ms). One argon2id hash (m=19456 KiB, t=2, p=1): {hash_ms:.1} ms.\n",
        mib(idle_rss_kib),
        mib(load_rss_kib),
        mib(login_rss_kib),
        startups
            .iter()
            .map(|t| format!("{t:.0}"))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    md.push_str(&replay_md);
    for r in &rows {
        if let Some(e) = &r.figures.first_error {
            md.push_str(&format!("\nFirst error of {}: `{e}`\n", r.what));
        }
    }
    println!("{md}");
    if let Some(parent) = o.out.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::write(&o.out, &md).expect("writing the results");
    eprintln!("written to {}", o.out.display());
}
