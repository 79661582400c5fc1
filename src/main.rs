//! The `retention-desk` command: serve the app, add staff, migrate.

use std::io::BufRead;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use retention_desk::clock::SystemClock;
use retention_desk::config::{Settings, load_or_create_session_key, parse_timezone};
use retention_desk::db::Db;
use retention_desk::domain::{FullName, Role, Username};
use retention_desk::services::backup::backup_to;
use retention_desk::services::demo_data;
use retention_desk::services::passwords::{Password, hash_blocking};
use retention_desk::services::staff::{NewStaffMember, check_password, insert_staff};
use retention_desk::startup::Application;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "retention-desk",
    version,
    about = "The support team's cancellation and refund desk"
)]
struct Cli {
    /// The SQLite database file, created and migrated when missing.
    #[arg(
        long,
        env = "RD_DATABASE",
        default_value = "data/retention-desk.sqlite3",
        global = true
    )]
    database: PathBuf,

    /// Log filter, e.g. `info` or `retention_desk=debug`.
    #[arg(long, env = "RD_LOG", default_value = "info", global = true)]
    log: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app.
    Serve(ServeArgs),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Create or upgrade the database, then exit.
    Migrate,
    /// Fill the database with the demo staff and servers and N realistic cases
    /// (for benchmarks and demos; the demo accounts sign in on it).
    DemoData {
        /// How many cases to add.
        #[arg(long)]
        cases: u64,
        /// Fill the search index case by case through its trigger (as intake
        /// does) instead of rebuilding it once at the end.
        #[arg(long)]
        index_per_case: bool,
    },
    /// Write a consistent copy of the database, safe while the app serves.
    Backup {
        /// The new file to write (never overwritten).
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Seed the demo staff and servers (on an empty database only).
    #[arg(long)]
    demo: bool,
    #[arg(long, env = "RD_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// The address people use to reach the app, for links in Slack.
    #[arg(long, env = "RD_PUBLIC_URL")]
    public_url: Option<String>,
    #[arg(long, env = "RD_SESSION_KEY", hide_env_values = true)]
    session_key: Option<String>,
    #[arg(long, env = "RD_SLACK_WEBHOOK_URL", hide_env_values = true)]
    slack_webhook_url: Option<String>,
    /// Who the Slack heads-up mentions, e.g. `<@U123>`.
    #[arg(long, env = "RD_SLACK_BILLING_MENTION")]
    slack_billing_mention: Option<String>,
    #[arg(long, env = "RD_TIMEZONE", default_value = "UTC")]
    timezone: String,
    /// The one proxy address whose X-Forwarded-For is believed.
    #[arg(long, env = "RD_TRUSTED_PROXY")]
    trusted_proxy: Option<IpAddr>,
    /// Mark the session cookie Secure (true behind HTTPS).
    #[arg(long, env = "RD_COOKIE_SECURE", default_value_t = false, action = clap::ArgAction::Set)]
    cookie_secure: bool,
    #[arg(long, env = "RD_IDLE_TIMEOUT_MINUTES", default_value_t = 120)]
    idle_timeout_minutes: u64,
    #[arg(long, env = "RD_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12)]
    absolute_timeout_hours: u64,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff member; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// agent, sales-rep, retention-owner, billing or admin
        #[arg(long)]
        role: String,
    },
}

fn main() -> ExitCode {
    // No transparent huge pages: mimalloc asks for them on its arena, and
    // then every thread's first allocation makes 2 MiB resident. The server
    // is small; its idle memory matters more than TLB misses.
    // SAFETY: prctl with integer arguments only; a failure changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&cli.log))
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Serve(args) => serve(cli.database, args),
        Command::User(UserCommand::Add {
            username,
            name,
            role,
        }) => add_user(&cli.database, &username, &name, &role),
        Command::Migrate => Db::open(&cli.database).map(|_| {
            println!("{} is up to date", cli.database.display());
        }),
        Command::Backup { to } => backup(&cli.database, &to),
        Command::DemoData {
            cases,
            index_per_case,
        } => demo_data(&cli.database, cases, index_per_case),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(database: PathBuf, args: ServeArgs) -> anyhow::Result<()> {
    let mut settings = Settings::new(database);
    settings.session_key =
        load_or_create_session_key(args.session_key.as_deref(), &settings.database)?;
    settings.public_url = args
        .public_url
        .unwrap_or_else(|| format!("http://{}", args.bind))
        .trim_end_matches('/')
        .to_owned();
    settings.bind = args.bind;
    settings.demo = args.demo;
    settings.slack_webhook_url = args.slack_webhook_url.filter(|u| !u.is_empty());
    settings.slack_billing_mention = args.slack_billing_mention;
    settings.timezone = parse_timezone(&args.timezone)?;
    settings.trusted_proxy = args.trusted_proxy;
    settings.cookie_secure = args.cookie_secure;
    settings.idle_timeout = Duration::from_secs(args.idle_timeout_minutes * 60);
    settings.absolute_timeout = Duration::from_secs(args.absolute_timeout_hours * 3600);

    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings.clone(), Arc::new(SystemClock)).await?;
        tracing::info!(
            "Retention Desk is serving on http://{} (database {}{})",
            settings.bind,
            settings.database.display(),
            if settings.demo { ", demo mode" } else { "" }
        );
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn demo_data(database: &std::path::Path, cases: u64, index_per_case: bool) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp();
    let started = std::time::Instant::now();
    let indexing = if index_per_case {
        demo_data::SearchIndexing::PerCase
    } else {
        demo_data::SearchIndexing::RebuildAtEnd
    };
    let report = demo_data::fill(database, cases, now, indexing, |done| {
        if done % 100_000 == 0 || done == cases {
            eprintln!(
                "demo-data: {done} of {cases} cases ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
    })?;
    println!(
        "added {} demo cases to {} in {:.1} s (cases {:.1} s{})",
        report.cases,
        database.display(),
        report.elapsed.as_secs_f64(),
        report.loaded.as_secs_f64(),
        report
            .search_rebuild
            .map(|t| format!(", search index rebuilt in {:.1} s", t.as_secs_f64()))
            .unwrap_or_else(|| ", search index per case".into()),
    );
    Ok(())
}

fn backup(database: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        database.exists(),
        "there is no database at {}",
        database.display()
    );
    let db = Db::open(database)?;
    let mut conn = db.reader_blocking()?;
    backup_to(&mut conn, to)?;
    println!("backed up {} to {}", database.display(), to.display());
    Ok(())
}

fn add_user(
    database: &std::path::Path,
    username: &str,
    name: &str,
    role: &str,
) -> anyhow::Result<()> {
    let role = Role::parse(role).map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let username = Username::parse(username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
    let full_name = FullName::parse(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = Password::new(line.trim_end_matches(['\r', '\n']).to_owned());
    check_password(&password)?;
    let db = Db::open(database)?;
    let hash = hash_blocking(&password)?;
    let mut conn = db.writer_blocking()?;
    let member = NewStaffMember {
        username,
        full_name,
        role,
    };
    let now = chrono::Utc::now().timestamp();
    let id = conn.immediate_transaction(|conn| insert_staff(conn, &member, &hash, now))?;
    println!(
        "added {} ({}) as {} with id {id}",
        member.username,
        member.full_name.as_str(),
        role.label()
    );
    Ok(())
}
