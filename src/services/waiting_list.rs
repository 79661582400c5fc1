//! The agent's start page: the cases waiting for them (SPEC §2.3): replies to
//! send, and refunds denied since they last looked.

use diesel::prelude::*;

use crate::db::models::billing_items;
use crate::db::schema::{billing_items as items, cases};
use crate::domain::CancellationStatus;
use crate::state::AppState;

use super::ServiceError;

pub struct WaitingCase {
    pub case_id: i32,
    pub customer_name: String,
    pub account_id: String,
    pub what: &'static str,
    pub since: i64,
}

pub async fn waiting_for(
    state: &AppState,
    agent_id: i32,
) -> Result<Vec<WaitingCase>, ServiceError> {
    state
        .db
        .read(move |conn| {
            let replies: Vec<(i32, String, String, i64)> = cases::table
                .filter(cases::submitted_by.eq(agent_id))
                .filter(cases::cancellation_status.eq(CancellationStatus::ReplyToSend.as_str()))
                .order(cases::updated_at.asc())
                .select((
                    cases::id,
                    cases::customer_name,
                    cases::account_id,
                    cases::updated_at,
                ))
                .limit(200)
                .load(conn)?;
            let denials: Vec<(i32, String, String, Option<i64>)> = items::table
                .inner_join(cases::table)
                .filter(cases::submitted_by.eq(agent_id))
                .filter(items::status.eq(billing_items::DENIED))
                .filter(items::denial_seen_at.is_null())
                .order(items::reviewed_at.asc())
                .select((
                    cases::id,
                    cases::customer_name,
                    cases::account_id,
                    items::reviewed_at,
                ))
                .limit(200)
                .load(conn)?;
            let mut waiting: Vec<WaitingCase> =
                replies
                    .into_iter()
                    .map(|(case_id, customer_name, account_id, since)| WaitingCase {
                        case_id,
                        customer_name,
                        account_id,
                        what: "Reply to send",
                        since,
                    })
                    .chain(denials.into_iter().map(
                        |(case_id, customer_name, account_id, since)| WaitingCase {
                            case_id,
                            customer_name,
                            account_id,
                            what: "Refund denied",
                            since: since.unwrap_or_default(),
                        },
                    ))
                    .collect();
            waiting.sort_by_key(|w| w.since);
            Ok(waiting)
        })
        .await
}

/// The submitting agent has seen the denial: it leaves their waiting list.
pub async fn acknowledge_denial(
    state: &AppState,
    agent_id: i32,
    case_id: i32,
) -> Result<(), ServiceError> {
    let now = state.clock.unix();
    state
        .db
        .write(move |conn| {
            let submitted_by: i32 = cases::table
                .find(case_id)
                .select(cases::submitted_by)
                .first(conn)?;
            if submitted_by == agent_id {
                diesel::update(
                    items::table
                        .filter(items::case_id.eq(case_id))
                        .filter(items::status.eq(billing_items::DENIED))
                        .filter(items::denial_seen_at.is_null()),
                )
                .set(items::denial_seen_at.eq(now))
                .execute(conn)?;
            }
            Ok(())
        })
        .await
}
