//! Track statuses and the case's Open/Closed state (SPEC §2.3).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A stored status value that is not one of ours (a database or query
/// string that does not parse).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown {kind} \"{given}\"")]
pub struct StatusError {
    kind: &'static str,
    given: String,
}

impl StatusError {
    pub(super) fn new(kind: &'static str, given: &str) -> StatusError {
        StatusError {
            kind,
            given: given.to_owned(),
        }
    }
}

/// The cancellation track of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum CancellationStatus {
    /// A save task is open (C2A over the limit, C3).
    AwaitingSaveCall,
    /// The agent is to send the C2 reply (decided C2, or the save call
    /// ended "Not saved").
    ReplyToSend,
    /// The agent marked the reply sent. Final.
    Cancelled,
    /// The save call ended "Saved". Final.
    Retained,
    /// The agent withdrew the case. Final.
    Withdrawn,
}

impl CancellationStatus {
    pub const ALL: [CancellationStatus; 5] = [
        CancellationStatus::AwaitingSaveCall,
        CancellationStatus::ReplyToSend,
        CancellationStatus::Cancelled,
        CancellationStatus::Retained,
        CancellationStatus::Withdrawn,
    ];

    pub fn parse(value: &str) -> Result<CancellationStatus, StatusError> {
        CancellationStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
            .ok_or_else(|| StatusError::new("cancellation status", value))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CancellationStatus::AwaitingSaveCall => "awaiting_save_call",
            CancellationStatus::ReplyToSend => "reply_to_send",
            CancellationStatus::Cancelled => "cancelled",
            CancellationStatus::Retained => "retained",
            CancellationStatus::Withdrawn => "withdrawn",
        }
    }

    /// The exact words of SPEC §2.3.
    pub fn label(self) -> &'static str {
        match self {
            CancellationStatus::AwaitingSaveCall => "Awaiting save call",
            CancellationStatus::ReplyToSend => "Reply to send",
            CancellationStatus::Cancelled => "Cancelled",
            CancellationStatus::Retained => "Retained",
            CancellationStatus::Withdrawn => "Withdrawn",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            CancellationStatus::Cancelled
                | CancellationStatus::Retained
                | CancellationStatus::Withdrawn
        )
    }
}

impl fmt::Display for CancellationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The refund track of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum RefundStatus {
    /// In Heather's queue (shown as "Billing / Billing in progress").
    BillingInProgress,
    /// Billing marked the refund issued. Final.
    RefundIssued,
    /// Billing denied the refund with a reason. Final.
    RefundDenied,
    /// The agent withdrew the case before billing acted. Final.
    Withdrawn,
}

impl RefundStatus {
    pub const ALL: [RefundStatus; 4] = [
        RefundStatus::BillingInProgress,
        RefundStatus::RefundIssued,
        RefundStatus::RefundDenied,
        RefundStatus::Withdrawn,
    ];

    pub fn parse(value: &str) -> Result<RefundStatus, StatusError> {
        RefundStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
            .ok_or_else(|| StatusError::new("refund status", value))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::BillingInProgress => "billing_in_progress",
            RefundStatus::RefundIssued => "refund_issued",
            RefundStatus::RefundDenied => "refund_denied",
            RefundStatus::Withdrawn => "withdrawn",
        }
    }

    /// The exact words of SPEC §2.3.
    pub fn label(self) -> &'static str {
        match self {
            RefundStatus::BillingInProgress => "Billing in progress",
            RefundStatus::RefundIssued => "Refund issued",
            RefundStatus::RefundDenied => "Refund denied",
            RefundStatus::Withdrawn => "Withdrawn",
        }
    }

    pub fn is_final(self) -> bool {
        !matches!(self, RefundStatus::BillingInProgress)
    }
}

impl fmt::Display for RefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Whether a case still needs work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 2] = [CaseState::Open, CaseState::Closed];

    /// A case is Closed when every track it has is final, Open otherwise
    /// (SPEC §2.3). A case always has at least one track; with none, there
    /// is nothing left to do and it counts as Closed.
    pub fn of(cancellation: Option<CancellationStatus>, refund: Option<RefundStatus>) -> CaseState {
        let cancellation_done = cancellation.is_none_or(CancellationStatus::is_final);
        let refund_done = refund.is_none_or(RefundStatus::is_final);
        if cancellation_done && refund_done {
            CaseState::Closed
        } else {
            CaseState::Open
        }
    }

    pub fn parse(value: &str) -> Result<CaseState, StatusError> {
        CaseState::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
            .ok_or_else(|| StatusError::new("case state", value))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseState::Open => "Open",
            CaseState::Closed => "Closed",
        }
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The statuses of a case's two tracks together: what a transition moves
/// from and to. A track the case does not have is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tracks {
    pub cancellation: Option<CancellationStatus>,
    pub refund: Option<RefundStatus>,
}

impl Tracks {
    pub fn state(self) -> CaseState {
        CaseState::of(self.cancellation, self.refund)
    }

    pub fn with_cancellation(self, next: CancellationStatus) -> Tracks {
        Tracks {
            cancellation: Some(next),
            ..self
        }
    }

    pub fn with_refund(self, next: RefundStatus) -> Tracks {
        Tracks {
            refund: Some(next),
            ..self
        }
    }

    /// Withdrawing ends every track that is not final yet as Withdrawn.
    pub fn withdrawn(self) -> Tracks {
        Tracks {
            cancellation: self.cancellation.map(|s| {
                if s.is_final() {
                    s
                } else {
                    CancellationStatus::Withdrawn
                }
            }),
            refund: self.refund.map(|s| {
                if s.is_final() {
                    s
                } else {
                    RefundStatus::Withdrawn
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_statuses() {
        let rows = [
            (
                CancellationStatus::AwaitingSaveCall,
                "awaiting_save_call",
                "Awaiting save call",
                false,
            ),
            (
                CancellationStatus::ReplyToSend,
                "reply_to_send",
                "Reply to send",
                false,
            ),
            (
                CancellationStatus::Cancelled,
                "cancelled",
                "Cancelled",
                true,
            ),
            (CancellationStatus::Retained, "retained", "Retained", true),
            (
                CancellationStatus::Withdrawn,
                "withdrawn",
                "Withdrawn",
                true,
            ),
        ];
        assert_eq!(rows.map(|row| row.0), CancellationStatus::ALL);
        for (status, value, label, is_final) in rows {
            assert_eq!(CancellationStatus::parse(value), Ok(status));
            assert_eq!(status.as_str(), value);
            assert_eq!(status.label(), label);
            assert_eq!(status.to_string(), label);
            assert_eq!(status.is_final(), is_final);
        }
        assert!(CancellationStatus::parse("Cancelled").is_err());
    }

    #[test]
    fn refund_statuses() {
        let rows = [
            (
                RefundStatus::BillingInProgress,
                "billing_in_progress",
                "Billing in progress",
                false,
            ),
            (
                RefundStatus::RefundIssued,
                "refund_issued",
                "Refund issued",
                true,
            ),
            (
                RefundStatus::RefundDenied,
                "refund_denied",
                "Refund denied",
                true,
            ),
            (RefundStatus::Withdrawn, "withdrawn", "Withdrawn", true),
        ];
        assert_eq!(rows.map(|row| row.0), RefundStatus::ALL);
        for (status, value, label, is_final) in rows {
            assert_eq!(RefundStatus::parse(value), Ok(status));
            assert_eq!(status.as_str(), value);
            assert_eq!(status.label(), label);
            assert_eq!(status.is_final(), is_final);
        }
        let error = RefundStatus::parse("issued").unwrap_err();
        assert_eq!(error.to_string(), "Unknown refund status \"issued\"");
    }

    #[test]
    fn case_is_closed_when_every_present_track_is_final() {
        use CancellationStatus as C;
        use RefundStatus as R;
        for c in C::ALL {
            let only_cancellation = CaseState::of(Some(c), None);
            assert_eq!(only_cancellation == CaseState::Closed, c.is_final());
            for r in R::ALL {
                let both = CaseState::of(Some(c), Some(r));
                assert_eq!(both == CaseState::Closed, c.is_final() && r.is_final());
            }
        }
        for r in R::ALL {
            assert_eq!(
                CaseState::of(None, Some(r)) == CaseState::Closed,
                r.is_final()
            );
        }
        assert_eq!(
            CaseState::of(Some(C::Retained), Some(R::BillingInProgress)),
            CaseState::Open
        );
        assert_eq!(
            CaseState::of(Some(C::Cancelled), Some(R::RefundIssued)),
            CaseState::Closed
        );
        for state in CaseState::ALL {
            assert_eq!(CaseState::parse(state.as_str()), Ok(state));
        }
        assert_eq!(CaseState::Open.label(), "Open");
        assert_eq!(CaseState::Closed.label(), "Closed");
    }
}
