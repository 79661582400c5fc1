//! Track statuses and the case's Open/Closed state (SPEC §2.3).

use serde::{Deserialize, Serialize};

use super::code_enum::code_enum;

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

code_enum! {
    /// The cancellation track of a case; the labels are the exact words of
    /// SPEC §2.3.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum CancellationStatus {
        /// A save task is open (C2A over the limit, C3).
        AwaitingSaveCall => "awaiting_save_call", "Awaiting save call";
        /// The agent is to send the C2 reply (decided C2, or the save call
        /// ended "Not saved").
        ReplyToSend => "reply_to_send", "Reply to send";
        /// The agent marked the reply sent. Final.
        Cancelled => "cancelled", "Cancelled";
        /// The save call ended "Saved". Final.
        Retained => "retained", "Retained";
        /// The agent withdrew the case. Final.
        Withdrawn => "withdrawn", "Withdrawn";
    }
    refused(value) -> StatusError { StatusError::new("cancellation status", value) }
}

impl CancellationStatus {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CancellationStatus::Cancelled
                | CancellationStatus::Retained
                | CancellationStatus::Withdrawn
        )
    }
}

code_enum! {
    /// The refund track of a case; the labels are the exact words of SPEC
    /// §2.3.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum RefundStatus {
        /// In Heather's queue (shown as "Billing / Billing in progress").
        BillingInProgress => "billing_in_progress", "Billing in progress";
        /// Billing marked the refund issued. Final.
        RefundIssued => "refund_issued", "Refund issued";
        /// Billing denied the refund with a reason. Final.
        RefundDenied => "refund_denied", "Refund denied";
        /// The agent withdrew the case before billing acted. Final.
        Withdrawn => "withdrawn", "Withdrawn";
    }
    refused(value) -> StatusError { StatusError::new("refund status", value) }
}

impl RefundStatus {
    pub fn is_final(self) -> bool {
        !matches!(self, RefundStatus::BillingInProgress)
    }
}

code_enum! {
    /// Whether a case still needs work.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CaseState {
        Open => "open", "Open";
        Closed => "closed", "Closed";
    }
    refused(value) -> StatusError { StatusError::new("case state", value) }
}

impl CaseState {
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
