//! The `retention-desk` command: serve the app, add staff, migrate.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use retention_desk::auth::passwords::hash_blocking;
use retention_desk::clock::SystemClock;
use retention_desk::config::{ServeArgs, Settings};
use retention_desk::db::Db;
use retention_desk::db::backup::backup_to;
use retention_desk::demo::bulk as demo_data;
use retention_desk::demo::progress::ProgressText;
use retention_desk::domain::{FullName, Password, Role, Username};
use retention_desk::logging::{self, LogFormat};
use retention_desk::services::ServiceError;
use retention_desk::services::admin::new_staff::{NewStaffMember, add_from_command_line};
use retention_desk::services::admin::replay::command::{ReplayArgs, replay_command};
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

    /// `text` (colours only on a terminal) or `json` (one object a line).
    #[arg(
        long,
        env = "RD_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    log_format: LogFormat,

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
        /// The zone service levels count working hours in (as `serve`).
        #[arg(long, env = "RD_TIMEZONE", default_value = "UTC")]
        timezone: String,
    },
    /// Replay past cases under a draft policy (SPEC §10) and print what
    /// would change; writes nothing.
    Replay(ReplayArgs),
    /// Write a consistent copy of the database, safe while the app serves.
    Backup {
        /// The new file to write (never overwritten).
        #[arg(long)]
        to: PathBuf,
    },
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
    logging::init(&cli.log, cli.log_format);
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
        Command::Replay(args) => {
            replay_command(&cli.database, &args, chrono::Utc::now().timestamp())
                .map(|summary| print!("{summary}"))
        }
        Command::DemoData {
            cases,
            index_per_case,
            timezone,
        } => demo_data(&cli.database, cases, index_per_case, &timezone),
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
    let settings = Settings::from_serve_args(database, args)?;
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

fn demo_data(
    database: &std::path::Path,
    cases: u64,
    index_per_case: bool,
    timezone: &str,
) -> anyhow::Result<()> {
    retention_desk::db::bulk_load::tune_process_for_loading();
    let now = chrono::Utc::now().timestamp();
    let zone = retention_desk::config::parse_timezone(timezone)?;
    let started = std::time::Instant::now();
    let indexing = if index_per_case {
        demo_data::SearchIndexing::PerCase
    } else {
        demo_data::SearchIndexing::RebuildAtEnd
    };
    let mut progress = ProgressText::new(cases, std::io::stderr().is_terminal());
    let report = demo_data::fill(database, cases, (now, zone), indexing, |step| {
        if let Some(text) = progress.text(step, started.elapsed()) {
            eprint!("{text}");
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
            .map(|t| format!(", indexes rebuilt in {:.1} s", t.as_secs_f64()))
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
    let password = Password::parse(line.trim_end_matches(['\r', '\n']))
        .map_err(|e| anyhow::anyhow!("the password: {e}"))?;
    let db = Db::open(database)?;
    let hash = hash_blocking(&password)?;
    let mut conn = db.writer_blocking()?;
    let member = NewStaffMember {
        username,
        full_name,
        role,
    };
    let now = chrono::Utc::now().timestamp();
    let id = conn
        .immediate_transaction(|conn| add_from_command_line(conn, &member, &hash, now))
        .map_err(|e| match e {
            ServiceError::Invalid(errors) if errors.get("username").is_some() => anyhow::anyhow!(
                "a staff member with the username {} already exists",
                member.username
            ),
            other => anyhow::Error::new(other),
        })?;
    println!(
        "added {} ({}) as {} with id {id}",
        member.username,
        member.full_name.as_str(),
        role.label()
    );
    Ok(())
}
