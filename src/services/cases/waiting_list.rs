//! The agent's waiting list (SPEC §2.3): replies to send and unseen
//! denials, longest waiting first. The new-case form shows its head
//! ([`ON_THE_FORM`]); `/cases/waiting` shows all of it, a page at a time.

use std::fmt;
use std::str::FromStr;

use diesel::SqliteConnection;

use crate::db::views::waiting_list::{self, WaitingRow};
use crate::domain::{CaseId, Role};
use crate::services::{Actor, ServiceError};
use crate::state::AppState;

/// How many of the longest waiting the new-case form shows.
pub const ON_THE_FORM: usize = 20;
/// How many a page of the whole list shows.
pub const PAGE_SIZE: usize = 50;

/// What a case waits for. The order is the list's order for two items of
/// one case waiting since the same second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Waiting {
    ReplyToSend,
    RefundDenied,
}

impl Waiting {
    pub fn label(self) -> &'static str {
        match self {
            Waiting::ReplyToSend => "Reply to send",
            Waiting::RefundDenied => "Refund denied",
        }
    }

    /// The badge's colour.
    pub fn badge(self) -> &'static str {
        match self {
            Waiting::ReplyToSend => "open",
            Waiting::RefundDenied => "denied",
        }
    }
}

pub struct WaitingCase {
    pub case_id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub what: Waiting,
    pub since: i64,
}

impl WaitingCase {
    fn position(&self) -> Position {
        Position {
            since: self.since,
            case_id: self.case_id,
            what: self.what,
        }
    }
}

/// An item's place in the list, which is ordered by these fields in turn:
/// a page starts after the last item of the page before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Position {
    since: i64,
    case_id: CaseId,
    what: Waiting,
}

impl Position {
    /// Before every item.
    const START: Position = Position {
        since: i64::MIN,
        case_id: CaseId::new(0),
        what: Waiting::ReplyToSend,
    };

    /// The `(since, case)` an item of kind `what` must come after to come
    /// after this position: a denial of the same case and second comes after
    /// its reply.
    fn strictly_after(self, what: Waiting) -> (i64, CaseId) {
        if what > self.what && self.case_id.get() > 0 {
            (self.since, CaseId::new(self.case_id.get() - 1))
        } else {
            (self.since, self.case_id)
        }
    }
}

/// As it travels in a link: `{since}-{case}-{reply|denial}`.
impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.what {
            Waiting::ReplyToSend => "reply",
            Waiting::RefundDenied => "denial",
        };
        write!(f, "{}-{}-{what}", self.since, self.case_id)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("not a place in the waiting list")]
pub struct NotAPosition;

impl FromStr for Position {
    type Err = NotAPosition;
    fn from_str(text: &str) -> Result<Self, NotAPosition> {
        let mut parts = text.rsplitn(3, '-');
        let what = match parts.next() {
            Some("reply") => Waiting::ReplyToSend,
            Some("denial") => Waiting::RefundDenied,
            _ => return Err(NotAPosition),
        };
        let case_id = parts
            .next()
            .and_then(|c| c.parse().ok())
            .ok_or(NotAPosition)?;
        let since = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or(NotAPosition)?;
        Ok(Position {
            since,
            case_id,
            what,
        })
    }
}

impl TryFrom<String> for Position {
    type Error = NotAPosition;
    fn try_from(text: String) -> Result<Self, NotAPosition> {
        text.parse()
    }
}

/// Some of the list, and where the rest starts when there is more.
pub struct WaitingPage {
    pub items: Vec<WaitingCase>,
    pub next: Option<Position>,
}

/// `/cases/waiting`: a page of the agent's whole waiting list.
pub async fn waiting_page(
    app: &AppState,
    actor: Actor,
    after: Option<Position>,
) -> Result<WaitingPage, ServiceError> {
    actor.require(Role::Agent)?;
    app.db
        .read(move |conn| page_in(conn, actor, after, PAGE_SIZE))
        .await
}

/// Up to `size` items of the agent's list after `after` (from the start
/// when `None`): the `size` first of each kind, merged.
pub fn page_in(
    conn: &mut SqliteConnection,
    agent: Actor,
    after: Option<Position>,
    size: usize,
) -> Result<WaitingPage, ServiceError> {
    let after = after.unwrap_or(Position::START);
    let limit = i64::try_from(size + 1).unwrap_or(i64::MAX);
    let replies_after = after.strictly_after(Waiting::ReplyToSend);
    let denials_after = after.strictly_after(Waiting::RefundDenied);
    let replies = waiting_list::replies_to_send(conn, agent.id, replies_after, limit)?;
    let denials = waiting_list::unseen_denials(conn, agent.id, denials_after, limit)?;
    let as_waiting = |what: Waiting| {
        move |row: WaitingRow| WaitingCase {
            case_id: row.case_id,
            customer_name: row.customer_name,
            account_id: row.account_id,
            what,
            since: row.since.unwrap_or_default(),
        }
    };
    let mut items: Vec<WaitingCase> = replies
        .into_iter()
        .map(as_waiting(Waiting::ReplyToSend))
        .chain(denials.into_iter().map(as_waiting(Waiting::RefundDenied)))
        .collect();
    items.sort_by_key(WaitingCase::position);
    let next = (items.len() > size).then(|| items[size - 1].position());
    items.truncate(size);
    Ok(WaitingPage { items, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_travels_in_a_link_and_back() {
        for what in [Waiting::ReplyToSend, Waiting::RefundDenied] {
            let position = Position {
                since: -5,
                case_id: CaseId::new(42),
                what,
            };
            assert_eq!(
                position.to_string().parse::<Position>().ok(),
                Some(position)
            );
        }
        for junk in [
            "",
            "1-2",
            "1-2-maybe",
            "x-2-reply",
            "1-x-denial",
            "1-2-3-reply",
        ] {
            assert!(junk.parse::<Position>().is_err(), "{junk}");
        }
    }

    #[test]
    fn a_denial_of_the_same_case_and_second_comes_after_its_reply() {
        let reply = Position {
            since: 10,
            case_id: CaseId::new(7),
            what: Waiting::ReplyToSend,
        };
        assert_eq!(
            reply.strictly_after(Waiting::ReplyToSend),
            (10, CaseId::new(7))
        );
        assert_eq!(
            reply.strictly_after(Waiting::RefundDenied),
            (10, CaseId::new(6)),
            "the denial of case 7 is still to come"
        );
        let denial = Position {
            what: Waiting::RefundDenied,
            ..reply
        };
        assert_eq!(
            denial.strictly_after(Waiting::RefundDenied),
            (10, CaseId::new(7))
        );
        assert_eq!(
            denial.strictly_after(Waiting::ReplyToSend),
            (10, CaseId::new(7))
        );
    }
}
