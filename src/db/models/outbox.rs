//! The Slack outbox (SPEC §6): messages written in the same transaction as
//! their case, delivered later by `notify::outbox::OutboxWorker`.
//!
//! A row is `pending` until Slack takes it (`delivered`) or refuses it for
//! good (`failed`); `not_configured` rows were written while no webhook was
//! set and are never sent.

use diesel::prelude::*;

use crate::domain::{CaseId, OutboxMessageId};

use crate::db::schema::outbox_messages;

pub const SLACK_CHANNEL: &str = "slack";
/// Service-level warnings and overdue messages (SPEC §11): the same
/// webhook and worker, kept apart from the R6 heads-up the case page shows.
pub const SERVICE_LEVEL_CHANNEL: &str = "service_level";

const PENDING: &str = "pending";
const DELIVERED: &str = "delivered";
const FAILED: &str = "failed";
const NOT_CONFIGURED: &str = "not_configured";

/// Queues the Slack heads-up for a case. Call it inside the transaction
/// that writes the case, so the two commit or roll back together, and wake
/// the worker (`AppState::outbox.wake()`) after the commit.
pub fn enqueue_heads_up(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    text: &str,
    configured: bool,
    now: i64,
) -> QueryResult<()> {
    enqueue(conn, SLACK_CHANNEL, case_id, text, configured, now)
}

/// Queues a service-level message (SPEC §11), in the transaction that
/// marks its alarm done.
pub fn enqueue_service_level(
    conn: &mut SqliteConnection,
    case_id: CaseId,
    text: &str,
    configured: bool,
    now: i64,
) -> QueryResult<()> {
    enqueue(conn, SERVICE_LEVEL_CHANNEL, case_id, text, configured, now)
}

fn enqueue(
    conn: &mut SqliteConnection,
    channel: &str,
    case_id: CaseId,
    text: &str,
    configured: bool,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(outbox_messages::table)
        .values((
            outbox_messages::case_id.eq(case_id),
            outbox_messages::channel.eq(channel),
            outbox_messages::text.eq(text),
            outbox_messages::status.eq(if configured { PENDING } else { NOT_CONFIGURED }),
            outbox_messages::attempts.eq(0),
            outbox_messages::next_attempt_at.eq(now),
            outbox_messages::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The delivery state in the case page's words (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Delivered,
    Failed,
    NotConfigured,
}

impl DeliveryState {
    fn from_column(status: &str) -> DeliveryState {
        match status {
            DELIVERED => DeliveryState::Delivered,
            FAILED => DeliveryState::Failed,
            NOT_CONFIGURED => DeliveryState::NotConfigured,
            // The CHECK constraint leaves only `pending`.
            _ => DeliveryState::Pending,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::NotConfigured => "not configured",
        }
    }
}

impl std::fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// What the case page shows about a case's Slack heads-up. Times are unix
/// seconds; each is set only where it means something for the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackDelivery {
    pub state: DeliveryState,
    pub attempts: i32,
    /// Pending only: when the worker tries next.
    pub next_attempt_at: Option<i64>,
    /// Pending only: why the last try did not get through.
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
    /// Delivered only.
    pub delivered_at: Option<i64>,
    /// Failed only: what Slack said.
    pub failure_reason: Option<String>,
    pub created_at: i64,
}

impl SlackDelivery {
    pub fn word(&self) -> &'static str {
        self.state.word()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox_messages, check_for_backend(diesel::sqlite::Sqlite))]
pub struct OutboxRow {
    pub id: OutboxMessageId,
    pub case_id: CaseId,
    pub channel: String,
    pub text: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
    pub created_at: i64,
    pub last_attempt_at: Option<i64>,
}

impl From<OutboxRow> for SlackDelivery {
    fn from(row: OutboxRow) -> SlackDelivery {
        let state = DeliveryState::from_column(&row.status);
        let pending = state == DeliveryState::Pending;
        let failed = state == DeliveryState::Failed;
        SlackDelivery {
            state,
            attempts: row.attempts,
            next_attempt_at: pending.then_some(row.next_attempt_at),
            last_error: row.last_error.clone().filter(|_| pending),
            last_attempt_at: row.last_attempt_at,
            delivered_at: row.delivered_at,
            failure_reason: row.last_error.filter(|_| failed),
            created_at: row.created_at,
        }
    }
}

/// The Slack heads-up of a case, if it has one (the newest, should there
/// ever be more than one).
pub fn delivery_for_case(
    conn: &mut SqliteConnection,
    case_id: CaseId,
) -> QueryResult<Option<SlackDelivery>> {
    outbox_messages::table
        .filter(outbox_messages::case_id.eq(case_id))
        .filter(outbox_messages::channel.eq(SLACK_CHANNEL))
        .order(outbox_messages::id.desc())
        .select(OutboxRow::as_select())
        // The newest is the first row the case's index gives; no bound
        // LIMIT, so SQLite keeps the statement prepared (see `db::models`).
        .get_result(conn)
        .optional()
        .map(|row| row.map(SlackDelivery::from))
}

/// Takes the next message that is due, counting the attempt and pushing
/// its next try out to `lease_until`, so no other worker picks it while
/// this one waits on Slack. If the process dies mid-attempt, the lease runs
/// out and the message is tried again: delivery is at least once.
/// Run it in a write transaction.
pub fn claim_next_due(
    conn: &mut SqliteConnection,
    now: i64,
    lease_until: i64,
) -> QueryResult<Option<OutboxRow>> {
    let Some(id) = outbox_messages::table
        .filter(outbox_messages::status.eq(PENDING))
        .filter(outbox_messages::next_attempt_at.le(now))
        .order((
            outbox_messages::next_attempt_at.asc(),
            outbox_messages::id.asc(),
        ))
        .select(outbox_messages::id)
        .first::<OutboxMessageId>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    diesel::update(outbox_messages::table.find(id))
        .set((
            outbox_messages::attempts.eq(outbox_messages::attempts + 1),
            outbox_messages::next_attempt_at.eq(lease_until),
            outbox_messages::last_attempt_at.eq(now),
        ))
        .returning(OutboxRow::as_returning())
        .get_result(conn)
        .map(Some)
}

/// Message `id` while it is still pending: a delivered or failed row never changes again.
fn pending(
    id: OutboxMessageId,
) -> diesel::dsl::Filter<
    diesel::dsl::Find<outbox_messages::table, OutboxMessageId>,
    diesel::dsl::Eq<outbox_messages::status, &'static str>,
> {
    outbox_messages::table
        .find(id)
        .filter(outbox_messages::status.eq(PENDING))
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Slack took the message: it is never picked again.
    Delivered { at: i64 },
    /// A failed try, and when to try again.
    Retry { at: i64, error: String },
    /// Slack refused the message for good.
    Failed { reason: String },
}

/// Records how an attempt ended. Only a pending row changes (a delivered or
/// failed row never changes again): false when it was no longer pending.
pub fn settle(
    conn: &mut SqliteConnection,
    id: OutboxMessageId,
    settlement: &Settlement,
) -> QueryResult<bool> {
    use outbox_messages::{delivered_at, last_error, next_attempt_at, status};
    let row = diesel::update(pending(id));
    let changed = match settlement {
        Settlement::Delivered { at } => row
            .set((
                status.eq(DELIVERED),
                delivered_at.eq(at),
                last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        Settlement::Retry { at, error } => row
            .set((next_attempt_at.eq(at), last_error.eq(error)))
            .execute(conn)?,
        Settlement::Failed { reason } => row
            .set((status.eq(FAILED), last_error.eq(reason)))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// When the earliest pending message is due, so the worker can sleep until then.
pub fn next_due_at(conn: &mut SqliteConnection) -> QueryResult<Option<i64>> {
    outbox_messages::table
        .filter(outbox_messages::status.eq(PENDING))
        .select(diesel::dsl::min(outbox_messages::next_attempt_at))
        .first(conn)
}

/// How many messages are still to be delivered, and when the oldest of
/// them was written (`/metrics`).
pub fn pending_backlog(conn: &mut SqliteConnection) -> QueryResult<(i64, Option<i64>)> {
    outbox_messages::table
        .filter(outbox_messages::status.eq(PENDING))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(outbox_messages::created_at),
        ))
        .first(conn)
}
