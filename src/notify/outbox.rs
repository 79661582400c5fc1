//! The worker that delivers the Slack outbox.
//!
//! Each pass claims one due message at a time (counting the attempt in the
//! database first), posts it, and records the answer in its own write right
//! after the response. A 2xx marks the row delivered and it is never picked
//! again. If the process dies between Slack's 2xx and that write, the claim
//! runs out and the message is sent once more: at least once, never more
//! after a recorded 2xx. Timestamps come from the app's `Clock`, so tests
//! move time by hand and never sleep through a backoff.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::service_levels::{MessageSettings, fire_due_alarms, next_fire_at};
use super::signal::OutboxSignal;
use super::slack::{AttemptResult, backoff, classify_response};
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::models::case_events;
use crate::db::models::outbox::{self, OutboxRow, Settlement};
use crate::db::{Db, DbError};
use crate::domain::EventKind;
use crate::state::AppState;

/// How long past the HTTP timeout a claimed message stays reserved for the
/// worker that claimed it.
const CLAIM_MARGIN: Duration = Duration::from_secs(30);

/// Waits at least this long between passes when a due time is in the past
/// (a clock that does not move, or a database error), so the loop never spins.
const MIN_PAUSE: Duration = Duration::from_secs(1);

pub struct OutboxWorker {
    db: Db,
    clock: SharedClock,
    settings: Arc<Settings>,
    signal: OutboxSignal,
    client: reqwest::Client,
}

impl OutboxWorker {
    pub fn new(state: &AppState) -> anyhow::Result<OutboxWorker> {
        let settings = state.settings.clone();
        let client = reqwest::Client::builder()
            .timeout(settings.slack_timeout)
            .connect_timeout(settings.slack_timeout)
            // A webhook never redirects; following one could hand the
            // message to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("building the Slack HTTP client")?;
        Ok(OutboxWorker {
            db: state.db.clone(),
            clock: state.clock.clone(),
            settings,
            signal: state.outbox.clone(),
            client,
        })
    }

    /// Queues the service-level messages that are due (SPEC §11), then
    /// delivers until no message is due by the app's clock; returns how
    /// many attempts it made. A message scheduled for later (backoff,
    /// `Retry-After`) waits until the clock reaches it.
    pub async fn run_until_idle(&self) -> anyhow::Result<usize> {
        let _pass = self.signal.one_pass_at_a_time().await;
        // A failing scheduler must not hold up the messages already queued.
        if let Err(error) =
            fire_due_alarms(&self.db, &self.clock, &MessageSettings::of(&self.settings)).await
        {
            tracing::error!(
                error = format!("{error:#}"),
                "queuing service-level messages failed"
            );
        }
        let Some(webhook) = self.settings.slack_webhook_url.as_deref() else {
            return Ok(0);
        };
        let claim_for = seconds(self.settings.slack_timeout + CLAIM_MARGIN);
        let mut attempts = 0;
        loop {
            let now = self.clock.unix();
            let claimed = self
                .db
                .write(move |conn| -> anyhow::Result<_> {
                    Ok(outbox::claim_next_due(conn, now, now + claim_for)?)
                })
                .await
                .context("claiming the next Slack message")?;
            let Some(message) = claimed else {
                return Ok(attempts);
            };
            attempts += 1;
            let result = self.post(webhook, &message.text).await;
            self.record(&message, result).await?;
        }
    }

    /// Runs for as long as the app: a pass at start (messages left by a
    /// crash or a stop), then one whenever woken, a message or a
    /// service-level alarm falls due, or the poll interval passes. Without
    /// a webhook it still runs the service-level alarms (the case log's
    /// "overdue"; their messages are kept as not configured).
    pub async fn run(self) {
        if self.settings.slack_webhook_url.is_none() {
            tracing::info!("Slack heads-ups are not configured (RD_SLACK_WEBHOOK_URL is unset)");
        }
        loop {
            if let Err(error) = self.run_until_idle().await {
                tracing::error!(error = format!("{error:#}"), "Slack outbox pass failed");
            }
            let pause = self.pause_before_next_pass().await;
            tokio::select! {
                () = self.signal.woken() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    async fn pause_before_next_pass(&self) -> Duration {
        let poll = self.settings.outbox_poll_interval;
        let next = self
            .db
            .read(|conn| outbox::next_due_at(conn).map_err(DbError::from))
            .await
            .map_err(anyhow::Error::from);
        let next = match (next, next_fire_at(&self.db).await) {
            (Ok(message), Ok(alarm)) => Ok(message.into_iter().chain(alarm).min()),
            (Err(error), _) | (_, Err(error)) => Err(error),
        };
        let pause = match next {
            Ok(Some(at)) => {
                let wait = u64::try_from(at - self.clock.unix()).unwrap_or(0);
                Duration::from_secs(wait).min(poll)
            }
            Ok(None) => poll,
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "reading the Slack outbox");
                poll
            }
        };
        pause.max(MIN_PAUSE)
    }

    async fn post(&self, webhook: &str, text: &str) -> AttemptResult {
        let sent = self
            .client
            .post(webhook)
            .json(&serde_json::json!({ "text": text }))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                return AttemptResult::Retry {
                    error: scrub(
                        &describe_send_error(error, self.settings.slack_timeout),
                        webhook,
                    ),
                };
            }
        };
        let status = response.status();
        if status.is_success() {
            // The body does not matter once Slack has said yes, and waiting
            // for it could only turn a delivery into a retry.
            return AttemptResult::Delivered;
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.unwrap_or_default();
        match classify_response(status.as_u16(), retry_after.as_deref(), &body) {
            AttemptResult::Delivered => AttemptResult::Delivered,
            AttemptResult::RateLimited { retry_after, error } => AttemptResult::RateLimited {
                retry_after,
                error: scrub(&error, webhook),
            },
            AttemptResult::Retry { error } => AttemptResult::Retry {
                error: scrub(&error, webhook),
            },
            AttemptResult::Refused { reason } => AttemptResult::Refused {
                reason: scrub(&reason, webhook),
            },
        }
    }

    /// Writes the outcome and its case log line in one transaction.
    async fn record(&self, message: &OutboxRow, result: AttemptResult) -> anyhow::Result<()> {
        let (id, case_id, attempt) = (message.id, message.case_id, message.attempts);
        let now = self.clock.unix();
        let (settlement, log_line) = match result {
            AttemptResult::Delivered => {
                tracing::info!(outbox_id = %id, case_id = %case_id, attempt, "Slack heads-up delivered");
                (
                    Settlement::Delivered { at: now },
                    format!("Delivered to Slack on attempt {attempt}."),
                )
            }
            AttemptResult::RateLimited { retry_after, error } => {
                let wait = retry_after.map_or_else(|| self.backoff_seconds(attempt), seconds);
                let line = format!(
                    "Attempt {attempt}: Slack is rate-limiting ({error}); trying again in {wait} s."
                );
                let why = "Slack is rate-limiting the heads-up";
                retry_later(message, (now, wait), error, why, line)
            }
            AttemptResult::Retry { error } => {
                let wait = self.backoff_seconds(attempt);
                let line = format!(
                    "Attempt {attempt} did not get through ({error}); trying again in {wait} s."
                );
                let why = "Slack heads-up not delivered; will retry";
                retry_later(message, (now, wait), error, why, line)
            }
            AttemptResult::Refused { reason } => {
                tracing::error!(
                    outbox_id = %id,
                    case_id = %case_id,
                    attempt,
                    reason,
                    "Slack refused the heads-up for good"
                );
                let line = format!(
                    "Slack refused the heads-up on attempt {attempt}: {reason}. It will not be sent again."
                );
                (Settlement::Failed { reason }, line)
            }
        };
        self.db
            .write(move |conn| -> anyhow::Result<()> {
                // A row no longer pending was settled elsewhere; its log says so.
                if outbox::settle(conn, id, &settlement)? {
                    case_events::append(
                        conn,
                        case_id,
                        None,
                        EventKind::Notification,
                        &log_line,
                        now,
                    )?;
                }
                Ok(())
            })
            .await
            .context("recording a Slack delivery attempt")
    }

    fn backoff_seconds(&self, attempt: i32) -> i64 {
        seconds(backoff(
            attempt,
            self.settings.outbox_backoff_base,
            self.settings.outbox_backoff_cap,
            rand::random::<f64>(),
        ))
    }
}

/// A try that did not get through: logged, and the message tried again
/// `wait` seconds after `now`.
fn retry_later(
    message: &OutboxRow,
    (now, wait): (i64, i64),
    error: String,
    why: &str,
    log_line: String,
) -> (Settlement, String) {
    tracing::warn!(
        outbox_id = %message.id,
        case_id = %message.case_id,
        attempt = message.attempts,
        retry_in_seconds = wait,
        error,
        "{why}"
    );
    let at = now + wait;
    (Settlement::Retry { at, error }, log_line)
}

/// Whole seconds, rounded up: the database keeps unix seconds, and rounding
/// down could retry before Slack's `Retry-After` has passed.
fn seconds(duration: Duration) -> i64 {
    let whole = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    i64::try_from(whole).unwrap_or(i64::MAX)
}

/// Why a request got no HTTP answer, without the URL: the webhook URL is a
/// secret, and reqwest's own messages include it.
fn describe_send_error(error: reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        format!("no answer from Slack within {} s", seconds(timeout))
    } else if error.is_connect() {
        match root_cause(&error) {
            Some(cause) => format!("could not connect to Slack: {cause}"),
            None => "could not connect to Slack".to_owned(),
        }
    } else {
        format!("sending to Slack failed: {}", error.without_url())
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut source = error.source()?;
    while let Some(next) = source.source() {
        source = next;
    }
    Some(source.to_string())
}

/// Belt and braces: whatever a library put in an error message, the
/// webhook URL (or its secret path) does not reach the log or a page.
fn scrub(message: &str, webhook: &str) -> String {
    let mut scrubbed = message.replace(webhook, "[webhook URL]");
    if let Ok(url) = reqwest::Url::parse(webhook) {
        let path = url.path();
        if path.len() > 1 {
            scrubbed = scrubbed.replace(path, "[webhook path]");
        }
    }
    scrubbed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_up() {
        assert_eq!(seconds(Duration::ZERO), 0);
        assert_eq!(seconds(Duration::from_millis(1)), 1);
        assert_eq!(seconds(Duration::from_secs(3)), 3);
        assert_eq!(seconds(Duration::from_millis(3001)), 4);
    }

    #[test]
    fn scrub_removes_the_webhook_and_its_path() {
        let hook = "https://hooks.slack.com/services/T0/B0/secret";
        assert_eq!(
            scrub(&format!("error for url ({hook})"), hook),
            "error for url ([webhook URL])"
        );
        assert_eq!(
            scrub("GET /services/T0/B0/secret failed", hook),
            "GET [webhook path] failed"
        );
    }
}
