//! The log: plain text (colours only on a terminal) or one JSON object a
//! line (`RD_LOG_FORMAT=json`), and user text that cannot forge a line.

use std::fmt;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Starts the process's log on standard error with `filter` (`RD_LOG`).
pub fn init(filter: &str, format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

/// Text a person typed (a username at sign-in), shown in a log line with
/// its control characters escaped: a line break in it stays inside the line.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Escaped;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            Escaped("mallory\nINFO forged\t\u{1b}[31m").to_string(),
            "mallory\\nINFO forged\\t\\u{1b}[31m"
        );
        assert_eq!(Escaped("Zoë O'Brien").to_string(), "Zoë O'Brien");
    }
}
