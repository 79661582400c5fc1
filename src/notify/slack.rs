//! The Slack heads-up as text, and what Slack's answer to a webhook post
//! means for the outbox. Pure: no I/O, so every rule is unit-tested here.

use std::time::Duration;

use crate::domain::{CaseId, Money};

/// Escapes the three characters Slack treats as control characters
/// (`&`, `<`, `>`), so customer text cannot forge a mention or a link.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// The heads-up to billing for a refund over the review limit (SOP R6).
///
/// `mention` is the operator's `RD_SLACK_BILLING_MENTION` (e.g. `<@U123>`),
/// passed through unescaped because it is Slack markup on purpose.
pub fn heads_up_text(
    case_id: CaseId,
    customer_name: &str,
    amount: &Money,
    mention: Option<&str>,
    public_url: &str,
) -> String {
    let link = format!(
        "{}/cases/{case_id}",
        escape(public_url.trim_end_matches('/'))
    );
    let mention = mention
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| format!("{m} "))
        .unwrap_or_default();
    format!(
        "{mention}Refund over the review limit needs your review: case {case_id}, {customer}, {amount}. <{link}|Open case {case_id}>",
        customer = escape(customer_name),
    )
}

/// What one delivery attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    /// Slack took it (2xx): never send it again.
    Delivered,
    /// Slack is rate-limiting: try again after the time it asked for, or
    /// after the usual backoff when it did not say.
    RateLimited {
        retry_after: Option<Duration>,
        error: String,
    },
    /// Worth retrying with backoff: 5xx, timeouts, connection errors.
    Retry { error: String },
    /// Slack says this message will never be accepted: stop and show why.
    Refused { reason: String },
}

/// The longest `Retry-After` honoured as given; a larger value is most
/// likely a mistake, and waiting an hour still keeps the message moving.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// Classifies Slack's HTTP answer. `body` is Slack's short error code
/// (`invalid_payload`, `no_service`, …), kept so admins see the cause.
pub fn classify_response(status: u16, retry_after: Option<&str>, body: &str) -> AttemptResult {
    let detail = short_body(body);
    let described = match detail {
        Some(detail) => format!("Slack answered {status} ({detail})"),
        None => format!("Slack answered {status}"),
    };
    match status {
        200..=299 => AttemptResult::Delivered,
        429 => AttemptResult::RateLimited {
            retry_after: retry_after.and_then(parse_retry_after),
            error: described,
        },
        // Slack documents these as permanent for a webhook: a bad payload,
        // a revoked or deleted hook, an archived channel.
        400 | 403 | 404 | 410 => AttemptResult::Refused { reason: described },
        // A timeout on Slack's side or "too early" may well pass on a retry.
        408 | 425 => AttemptResult::Retry { error: described },
        // Any other client error means the request itself is wrong; sending
        // it again cannot help, and an admin has to look.
        400..=499 => AttemptResult::Refused { reason: described },
        // 5xx, and redirects (which the client does not follow, so the
        // message is never handed to another host) are treated as outages.
        _ => AttemptResult::Retry { error: described },
    }
}

/// `Retry-After` in seconds. The HTTP-date form is not used by Slack;
/// an unreadable value falls back to the backoff.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

/// Slack's error body, trimmed to one short line so it fits on a page.
fn short_body(body: &str) -> Option<String> {
    let line: String = body
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    (!line.is_empty()).then_some(line)
}

/// How long to wait before retry number `attempts + 1`: exponential from
/// `base`, capped at `cap`, with "equal jitter" (between half and all of
/// the step) so many stuck messages do not hit Slack in lockstep.
/// `jitter` is a number in `[0, 1]` from the caller's random source.
pub fn backoff(attempts: i32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    let step = base.saturating_mul(1u32 << exponent).min(cap);
    let jitter = jitter.clamp(0.0, 1.0);
    step / 2 + step.mul_f64(jitter) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    #[test]
    fn escapes_slack_control_characters() {
        assert_eq!(
            escape("Tom & Jerry <@channel> >"),
            "Tom &amp; Jerry &lt;@channel&gt; &gt;"
        );
        assert_eq!(escape("Plain name"), "Plain name");
        assert_eq!(
            escape("&amp;"),
            "&amp;amp;",
            "escaped once more, not trusted"
        );
    }

    #[test]
    fn heads_up_names_case_customer_amount_mention_and_link() {
        let text = heads_up_text(
            CaseId::new(42),
            "Acme Widgets",
            &amount("2500"),
            Some("<@U123>"),
            "https://desk.example.com/",
        );
        assert_eq!(
            text,
            "<@U123> Refund over the review limit needs your review: case 42, Acme Widgets, \
             $2,500.00. <https://desk.example.com/cases/42|Open case 42>"
        );
    }

    #[test]
    fn heads_up_without_mention_starts_with_the_news() {
        let text = heads_up_text(
            CaseId::new(7),
            "Bo",
            &amount("1000.01"),
            None,
            "http://127.0.0.1:8080",
        );
        assert!(text.starts_with("Refund over the review limit"), "{text}");
        assert!(text.contains("$1,000.01"));
        assert!(text.contains("<http://127.0.0.1:8080/cases/7|Open case 7>"));
        let blank = heads_up_text(
            CaseId::new(7),
            "Bo",
            &amount("1000.01"),
            Some("  "),
            "http://x",
        );
        assert!(blank.starts_with("Refund"), "{blank}");
    }

    #[test]
    fn customer_text_cannot_inject_mentions_or_links() {
        let text = heads_up_text(
            CaseId::new(1),
            "<!channel> & <https://evil.example|click>",
            &amount("2500"),
            Some("<@U1>"),
            "https://desk.example.com",
        );
        assert!(text.contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"));
        assert!(!text.contains("<!channel>"));
        // Only the mention and the case link remain as Slack markup.
        assert_eq!(text.matches('<').count(), 2, "{text}");
    }

    #[test]
    fn two_hundreds_are_delivered() {
        assert_eq!(classify_response(200, None, "ok"), AttemptResult::Delivered);
        assert_eq!(classify_response(204, None, ""), AttemptResult::Delivered);
    }

    #[test]
    fn rate_limits_honour_retry_after() {
        assert_eq!(
            classify_response(429, Some("1"), "rate_limited"),
            AttemptResult::RateLimited {
                retry_after: Some(Duration::from_secs(1)),
                error: "Slack answered 429 (rate_limited)".to_owned()
            }
        );
        assert!(matches!(
            classify_response(429, Some("Wed, 21 Oct 2015 07:28:00 GMT"), ""),
            AttemptResult::RateLimited {
                retry_after: None,
                ..
            }
        ));
        assert!(matches!(
            classify_response(429, Some("999999"), ""),
            AttemptResult::RateLimited { retry_after: Some(d), .. } if d == MAX_RETRY_AFTER
        ));
    }

    #[test]
    fn permanent_refusals_fail_with_slacks_reason() {
        for status in [400, 403, 404, 410, 401, 413] {
            assert!(
                matches!(
                    classify_response(status, None, "no_service"),
                    AttemptResult::Refused { .. }
                ),
                "{status}"
            );
        }
        assert_eq!(
            classify_response(404, None, "no_service\n"),
            AttemptResult::Refused {
                reason: "Slack answered 404 (no_service)".to_owned()
            }
        );
    }

    #[test]
    fn outages_are_retried() {
        for status in [500, 502, 503, 504, 408, 301] {
            assert!(
                matches!(
                    classify_response(status, None, ""),
                    AttemptResult::Retry { .. }
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn long_bodies_are_cut_short() {
        let body = "x".repeat(5000);
        let AttemptResult::Refused { reason } = classify_response(400, None, &body) else {
            panic!("refused");
        };
        assert!(reason.len() < 250);
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let base = Duration::from_secs(2);
        let cap = Duration::from_secs(300);
        assert_eq!(backoff(1, base, cap, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(2, base, cap, 1.0), Duration::from_secs(4));
        assert_eq!(backoff(5, base, cap, 1.0), Duration::from_secs(32));
        assert_eq!(backoff(20, base, cap, 1.0), cap);
        assert_eq!(backoff(i32::MAX, base, cap, 1.0), cap);
        assert_eq!(backoff(3, base, cap, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(3, Duration::ZERO, cap, 0.7), Duration::ZERO);
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_step() {
        let base = Duration::from_secs(10);
        let cap = Duration::from_secs(300);
        for i in 0..=10 {
            let d = backoff(2, base, cap, f64::from(i) / 10.0);
            assert!(d >= Duration::from_secs(10) && d <= Duration::from_secs(20));
        }
    }
}
