//! What the customer asks for: the "Request" select on the case form.

use serde::{Deserialize, Serialize};

use super::code_enum::code_enum;

code_enum! {
    /// The request on a case. It decides which tracks the case has: a
    /// cancellation track (SOP C2–C3), a refund track (SOP R2–R6), or both.
    /// Posted and stored as `cancel`, `refund`, `cancel_and_refund`.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum RequestKind {
        Cancel => "cancel", "Cancel account";
        Refund => "refund", "Refund";
        CancelAndRefund => "cancel_and_refund", "Cancel account and refund";
    }
    refused(_) -> RequestKindError { RequestKindError }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose a request: Cancel account, Refund, or Cancel account and refund")]
pub struct RequestKindError;

impl RequestKind {
    pub fn includes_cancellation(self) -> bool {
        matches!(self, RequestKind::Cancel | RequestKind::CancelAndRefund)
    }

    pub fn includes_refund(self) -> bool {
        matches!(self, RequestKind::Refund | RequestKind::CancelAndRefund)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Ok(kind));
            assert!(kind.includes_cancellation() || kind.includes_refund());
        }
        assert_eq!(
            RequestKind::parse("cancel_and_refund"),
            Ok(RequestKind::CancelAndRefund)
        );
        assert_eq!(RequestKind::parse("Cancel"), Err(RequestKindError));
        assert_eq!(RequestKind::parse(""), Err(RequestKindError));
    }

    #[test]
    fn labels_and_tracks() {
        assert_eq!(RequestKind::Cancel.label(), "Cancel account");
        assert_eq!(RequestKind::Refund.to_string(), "Refund");
        assert_eq!(
            RequestKind::CancelAndRefund.label(),
            "Cancel account and refund"
        );
        assert!(
            RequestKind::Cancel.includes_cancellation() && !RequestKind::Cancel.includes_refund()
        );
        assert!(
            !RequestKind::Refund.includes_cancellation() && RequestKind::Refund.includes_refund()
        );
        assert!(RequestKind::CancelAndRefund.includes_cancellation());
        assert!(RequestKind::CancelAndRefund.includes_refund());
    }
}
