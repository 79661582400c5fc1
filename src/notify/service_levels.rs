//! The service-level scheduler (SPEC §11): turns alarms whose time has come
//! into Slack messages in the outbox, which the worker then delivers.
//!
//! Alarms are read from their index in order of time, one per transaction:
//! the message, the case log's "overdue" and the alarm marked done commit
//! together, so each message is queued once, whatever stops the app when.
//! An alarm found outside working hours (also one that came due while the
//! app was stopped) is put off to the next working-hours start; one whose
//! track was closed is skipped, and so is a warning whose due time has
//! passed (the overdue message says it instead).

use chrono::DateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

use super::slack::escape;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::billing_items::BillingItemRow;
use crate::db::models::case_events;
use crate::db::models::cases::CaseRow;
use crate::db::models::outbox::enqueue_service_level;
use crate::db::models::save_tasks::SaveTaskRow;
use crate::db::models::service_levels::{self, Alarm};
use crate::db::models::staff::StaffRow;
use crate::domain::{AlarmKind, BillingStatus, CaseId, DueTrack, SlackMemberId, case_log};

/// What the messages need from the settings.
#[derive(Debug, Clone)]
pub struct MessageSettings {
    pub configured: bool,
    pub billing_mention: Option<String>,
    pub public_url: String,
    pub zone: Tz,
}

impl MessageSettings {
    pub fn of(settings: &Settings) -> MessageSettings {
        MessageSettings {
            configured: settings.slack_webhook_url.is_some(),
            billing_mention: settings.slack_billing_mention.clone(),
            public_url: settings.public_url.clone(),
            zone: settings.timezone,
        }
    }
}

/// What became of one alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fired {
    /// Its message is in the outbox.
    Sent,
    /// Its track was closed, or (a warning) its due time has passed.
    Skipped,
    /// Outside working hours: put off until this time.
    Held(i64),
}

/// Fires every alarm due by the clock; returns how many messages it queued.
pub async fn fire_due_alarms(
    db: &Db,
    clock: &SharedClock,
    settings: &MessageSettings,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    loop {
        let now = clock.unix();
        let settings = settings.clone();
        let fired = db
            .write(move |conn| -> anyhow::Result<_> { fire_next(conn, now, &settings) })
            .await?;
        match fired {
            None => return Ok(sent),
            Some((alarm, Fired::Sent)) => {
                sent += 1;
                tracing::info!(case_id = %alarm.case_id, kind = alarm.kind.as_str(), track = alarm.track.as_str(), "service-level message queued");
            }
            Some((alarm, outcome)) => {
                tracing::debug!(case_id = %alarm.case_id, ?outcome, "service-level alarm");
            }
        }
    }
}

/// When the next alarm fires, if any waits.
pub async fn next_fire_at(db: &Db) -> anyhow::Result<Option<i64>> {
    Ok(db
        .read(|conn| service_levels::next_fire_at(conn).map_err(crate::db::DbError::from))
        .await?)
}

/// Takes the earliest alarm due at `now` and fires, skips or holds it.
/// Run it in a write transaction.
pub fn fire_next(
    conn: &mut SqliteConnection,
    now: i64,
    settings: &MessageSettings,
) -> anyhow::Result<Option<(Alarm, Fired)>> {
    let Some(alarm) = service_levels::next_due(conn, now)? else {
        return Ok(None);
    };
    let Some(subject) = open_subject(conn, alarm, settings)? else {
        service_levels::finish(conn, alarm.id, false, now)?;
        return Ok(Some((alarm, Fired::Skipped)));
    };
    if alarm.kind == AlarmKind::Warning && now >= alarm.due_at {
        service_levels::finish(conn, alarm.id, false, now)?;
        return Ok(Some((alarm, Fired::Skipped)));
    }
    let levels = service_levels::current(conn, settings.zone)?;
    let send_at = levels.send_time(now)?;
    if send_at > now {
        service_levels::hold(conn, alarm.id, send_at)?;
        return Ok(Some((alarm, Fired::Held(send_at))));
    }
    let case = CaseRow::find(conn, alarm.case_id)?;
    let due = wall_clock(alarm.due_at, settings.zone);
    let owner = match (alarm.kind, alarm.track) {
        (AlarmKind::Overdue, DueTrack::SaveCall) => StaffRow::fallback_owner(conn)?
            .map(|o| who(&o))
            .or_else(|| Some("the retention owner".to_owned())),
        _ => None,
    };
    let message = Message {
        case_id: alarm.case_id,
        customer: &case.customer_name,
        track: alarm.track,
        kind: alarm.kind,
        assignee: &subject,
        due: &due,
        retention_owner: owner.as_deref(),
        public_url: &settings.public_url,
    };
    let text = message.text();
    enqueue_service_level(conn, alarm.case_id, &text, settings.configured, now)?;
    if alarm.kind == AlarmKind::Overdue {
        let line = case_log::overdue(alarm.track, &due);
        case_events::append_line(conn, alarm.case_id, None, &line, now)?;
    }
    service_levels::finish(conn, alarm.id, true, now)?;
    Ok(Some((alarm, Fired::Sent)))
}

/// Who the message is for, as Slack text, while the track is open: the
/// save task's assignee, or billing (`RD_SLACK_BILLING_MENTION`, Slack
/// markup on purpose, else "Billing"). None when the track was closed.
fn open_subject(
    conn: &mut SqliteConnection,
    alarm: Alarm,
    settings: &MessageSettings,
) -> anyhow::Result<Option<String>> {
    Ok(match alarm.track {
        DueTrack::SaveCall => match SaveTaskRow::for_case(conn, alarm.case_id)? {
            Some(task) if task.is_open => Some(who(&StaffRow::find(conn, task.assignee_id)?)),
            _ => None,
        },
        DueTrack::Refund => match BillingItemRow::for_case(conn, alarm.case_id)? {
            Some(item) if item.status == BillingStatus::InProgress => Some(
                settings
                    .billing_mention
                    .as_deref()
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .unwrap_or("Billing")
                    .to_owned(),
            ),
            _ => None,
        },
    })
}

/// A person as a Slack mention when their member ID is set, else their
/// name, escaped.
fn who(person: &StaffRow) -> String {
    match person
        .slack_member_id
        .as_deref()
        .and_then(|id| SlackMemberId::parse_optional(id).ok().flatten())
    {
        Some(id) => id.mention(),
        None => escape(&person.full_name),
    }
}

/// `2026-11-26 10:00 UTC`, in `RD_TIMEZONE`.
fn wall_clock(at: i64, zone: Tz) -> String {
    DateTime::from_timestamp(at, 0)
        .map(|t| {
            t.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        })
        .unwrap_or_default()
}

/// One service-level message, before it is text.
pub struct Message<'a> {
    pub case_id: CaseId,
    pub customer: &'a str,
    pub track: DueTrack,
    pub kind: AlarmKind,
    /// Slack text already: a `<@U…>` mention or an escaped name.
    pub assignee: &'a str,
    pub due: &'a str,
    /// Overdue save calls: the retention owner, as Slack text.
    pub retention_owner: Option<&'a str>,
    pub public_url: &'a str,
}

impl Message<'_> {
    pub fn text(&self) -> String {
        let id = self.case_id;
        let link = format!(
            "{}/cases/{id}",
            escape(self.public_url.trim_end_matches('/'))
        );
        let customer = escape(self.customer);
        let what = self.track.label().to_lowercase();
        let assignee = self.assignee;
        let state = match self.kind {
            AlarmKind::Warning => format!("is due {}", self.due),
            AlarmKind::Overdue => format!("is overdue: it was due {}", self.due),
        };
        let owner = self
            .retention_owner
            .map(|owner| format!(" {owner} (retention owner), please follow up."))
            .unwrap_or_default();
        format!(
            "{assignee}: the {what} for case {id}, {customer}, {state}.{owner} <{link}|Open case {id}>"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: AlarmKind, owner: Option<&'static str>) -> String {
        Message {
            case_id: CaseId::new(12),
            customer: "Tom & Jerry <@channel>",
            track: DueTrack::SaveCall,
            kind,
            assignee: "<@URILEY>",
            due: "2026-11-26 10:00 UTC",
            retention_owner: owner,
            public_url: "https://desk.example.com/",
        }
        .text()
    }

    #[test]
    fn a_warning_names_case_customer_assignee_and_link_with_customer_text_escaped() {
        assert_eq!(
            message(AlarmKind::Warning, None),
            "<@URILEY>: the save call for case 12, Tom &amp; Jerry &lt;@channel&gt;, is due 2026-11-26 10:00 UTC. <https://desk.example.com/cases/12|Open case 12>"
        );
    }

    #[test]
    fn an_overdue_save_call_names_the_retention_owner() {
        let text = message(AlarmKind::Overdue, Some("Spencer Owens"));
        assert!(text.contains("is overdue: it was due 2026-11-26 10:00 UTC."));
        assert!(text.contains("Spencer Owens (retention owner), please follow up."));
    }
}
