//! The agent's start page: the cases waiting for them (SPEC §2.3).

use crate::db::views::waiting_list;
use crate::domain::{CaseId, StaffId};
use crate::state::AppState;

use super::super::ServiceError;

pub struct WaitingCase {
    pub case_id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub what: &'static str,
    pub since: i64,
}

/// Replies to send and unseen denials, longest waiting first.
pub async fn waiting_for(app: &AppState, agent: StaffId) -> Result<Vec<WaitingCase>, ServiceError> {
    let (replies, denials) = app
        .db
        .read(move |conn| -> Result<_, ServiceError> {
            Ok((
                waiting_list::replies_to_send(conn, agent)?,
                waiting_list::unseen_denials(conn, agent)?,
            ))
        })
        .await?;
    let as_waiting = |what: &'static str| {
        move |row: waiting_list::WaitingRow| WaitingCase {
            case_id: row.case_id,
            customer_name: row.customer_name,
            account_id: row.account_id,
            what,
            since: row.since.unwrap_or_default(),
        }
    };
    let mut waiting: Vec<WaitingCase> = replies
        .into_iter()
        .map(as_waiting("Reply to send"))
        .chain(denials.into_iter().map(as_waiting("Refund denied")))
        .collect();
    waiting.sort_by_key(|w| w.since);
    Ok(waiting)
}
