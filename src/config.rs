//! Settings from flags and `RD_*` environment variables (SPEC §5).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono_tz::Tz;

/// Everything the running application needs to know about its environment.
#[derive(Clone)]
pub struct Settings {
    pub bind: String,
    pub database: PathBuf,
    pub demo: bool,
    /// At least 32 bytes; signs the session cookie.
    pub session_key: Vec<u8>,
    pub public_url: String,
    pub slack_webhook_url: Option<String>,
    pub slack_billing_mention: Option<String>,
    pub timezone: Tz,
    pub trusted_proxy: Option<IpAddr>,
    pub cookie_secure: bool,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// How long one post to the Slack webhook may take.
    pub slack_timeout: Duration,
    /// The first retry delay of an undelivered heads-up; doubles per attempt.
    pub outbox_backoff_base: Duration,
    /// The longest retry delay.
    pub outbox_backoff_cap: Duration,
    /// How often the outbox worker looks for due messages when nobody wakes it.
    pub outbox_poll_interval: Duration,
    /// A CSV export whose client reads nothing for this long is given up.
    pub export_stall_timeout: Duration,
    /// A sign-in that would wait longer than this for a core to check its
    /// password is told to retry (503) instead (SPEC §7: about 2 seconds).
    pub sign_in_wait: Duration,
    /// Lets `/metrics` answer beyond loopback to a client bearing it.
    pub metrics_token: Option<String>,
}

impl std::fmt::Debug for Settings {
    // The session key and webhook URL are secrets: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("database", &self.database)
            .field("demo", &self.demo)
            .field("public_url", &self.public_url)
            .field(
                "slack_webhook_url",
                &self.slack_webhook_url.as_ref().map(|_| "(set)"),
            )
            .field("timezone", &self.timezone)
            .field("trusted_proxy", &self.trusted_proxy)
            .field("cookie_secure", &self.cookie_secure)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "(set)"),
            )
            .field("slack_timeout", &self.slack_timeout)
            .field("outbox_backoff_base", &self.outbox_backoff_base)
            .field("outbox_backoff_cap", &self.outbox_backoff_cap)
            .field("outbox_poll_interval", &self.outbox_poll_interval)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Defaults for a database at `database`, with a fresh random session key.
    pub fn new(database: PathBuf) -> Settings {
        Settings {
            bind: "127.0.0.1:8080".to_owned(),
            database,
            demo: false,
            session_key: random_key(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            slack_webhook_url: None,
            slack_billing_mention: None,
            timezone: Tz::UTC,
            trusted_proxy: None,
            cookie_secure: false,
            idle_timeout: Duration::from_secs(2 * 60 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            slack_timeout: Duration::from_secs(10),
            outbox_backoff_base: Duration::from_secs(2),
            outbox_backoff_cap: Duration::from_secs(5 * 60),
            outbox_poll_interval: Duration::from_secs(30),
            export_stall_timeout: Duration::from_secs(30),
            sign_in_wait: Duration::from_secs(2),
            metrics_token: None,
        }
    }
}

/// `retention-desk serve`'s flags; each can also be given as its `RD_*`
/// environment variable (README "Configuration").
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Seed the demo staff and servers (on an empty database only).
    #[arg(long)]
    pub demo: bool,
    #[arg(long, env = "RD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The address people use to reach the app, for links in Slack.
    #[arg(long, env = "RD_PUBLIC_URL")]
    pub public_url: Option<String>,
    #[arg(long, env = "RD_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<String>,
    #[arg(long, env = "RD_SLACK_WEBHOOK_URL", hide_env_values = true)]
    pub slack_webhook_url: Option<String>,
    /// Who the Slack heads-up mentions, e.g. `<@U123>`.
    #[arg(long, env = "RD_SLACK_BILLING_MENTION")]
    pub slack_billing_mention: Option<String>,
    #[arg(long, env = "RD_TIMEZONE", default_value = "UTC")]
    pub timezone: String,
    /// The one proxy address whose X-Forwarded-For is believed.
    #[arg(long, env = "RD_TRUSTED_PROXY")]
    pub trusted_proxy: Option<IpAddr>,
    /// Mark the session cookie Secure (true behind HTTPS).
    #[arg(long, env = "RD_COOKIE_SECURE", default_value_t = false, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,
    #[arg(long, env = "RD_IDLE_TIMEOUT_MINUTES", default_value_t = 120)]
    pub idle_timeout_minutes: u64,
    #[arg(long, env = "RD_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12)]
    pub absolute_timeout_hours: u64,
    /// Lets `/metrics` answer beyond loopback, to `Authorization: Bearer <token>`.
    #[arg(long, env = "RD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

impl Settings {
    /// The settings `serve` runs with: the flags, then the defaults; the
    /// session key from `RD_SESSION_KEY` or the key file beside the database.
    pub fn from_serve_args(database: PathBuf, args: ServeArgs) -> anyhow::Result<Settings> {
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
        settings.metrics_token = parse_metrics_token(args.metrics_token)?;
        Ok(settings)
    }
}

pub fn parse_timezone(name: &str) -> anyhow::Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        anyhow::anyhow!("RD_TIMEZONE: unknown time zone {name:?} (try UTC or Europe/Berlin)")
    })
}

/// Shortest metrics token accepted: it is the only thing between the
/// figures and anyone who can reach the app.
const METRICS_TOKEN_MIN_LEN: usize = 16;

/// An empty `RD_METRICS_TOKEN` is unset; a short one is refused at start-up.
fn parse_metrics_token(token: Option<String>) -> anyhow::Result<Option<String>> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    anyhow::ensure!(
        token.len() >= METRICS_TOKEN_MIN_LEN,
        "RD_METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LEN} characters long"
    );
    Ok(Some(token))
}

fn random_key() -> Vec<u8> {
    use rand::RngCore;
    let mut key = vec![0u8; 64];
    rand::thread_rng().fill_bytes(&mut key);
    key
}

/// The key from `RD_SESSION_KEY`, or one generated once and kept beside the
/// database, so a restart keeps people signed in.
pub fn load_or_create_session_key(
    explicit: Option<&str>,
    database: &Path,
) -> anyhow::Result<Vec<u8>> {
    if let Some(text) = explicit {
        anyhow::ensure!(
            text.len() >= 32,
            "RD_SESSION_KEY must be at least 32 characters long"
        );
        return Ok(text.as_bytes().to_vec());
    }
    let folder = database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    let path = folder.join("session.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let key = BASE64
            .decode(text.trim())
            .with_context(|| format!("{} is not a valid session key file", path.display()))?;
        anyhow::ensure!(
            key.len() >= 32,
            "{} holds a key that is too short",
            path.display()
        );
        return Ok(key);
    }
    let key = random_key();
    write_private(&path, BASE64.encode(&key).as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(key)
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_metrics_token_is_unset_and_a_short_one_refused() {
        assert_eq!(parse_metrics_token(None).unwrap(), None);
        assert_eq!(parse_metrics_token(Some(String::new())).unwrap(), None);
        assert!(parse_metrics_token(Some("too-short".to_owned())).is_err());
        let token = "a-long-enough-token".to_owned();
        assert_eq!(
            parse_metrics_token(Some(token.clone())).unwrap(),
            Some(token)
        );
    }
}
