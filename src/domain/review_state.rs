//! Billing's review of a refund over the review limit (SOP R6).

use serde::{Deserialize, Serialize};

use super::code_enum::code_enum;
use super::status::StatusError;

code_enum! {
    /// Where a refund stands in Heather's review. Refunds within the limit
    /// never need one; refunds over it start as Needs review and are then
    /// Approved (and issued) or Denied with a reason.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum ReviewState {
        NotNeeded => "not_needed", "Not needed";
        NeedsReview => "needs_review", "Needs review";
        Approved => "approved", "Approved";
        Denied => "denied", "Denied";
    }
    refused(value) -> StatusError { StatusError::new("review state", value) }
}

impl ReviewState {
    /// The state a new refund starts in: Needs review when the decision
    /// says so (R6), otherwise Not needed (R4).
    pub fn initial(needs_review: bool) -> ReviewState {
        if needs_review {
            ReviewState::NeedsReview
        } else {
            ReviewState::NotNeeded
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_labels() {
        let rows = [
            (ReviewState::NotNeeded, "not_needed", "Not needed"),
            (ReviewState::NeedsReview, "needs_review", "Needs review"),
            (ReviewState::Approved, "approved", "Approved"),
            (ReviewState::Denied, "denied", "Denied"),
        ];
        assert_eq!(rows.map(|row| row.0), ReviewState::ALL);
        for (state, value, label) in rows {
            assert_eq!(ReviewState::parse(value), Ok(state));
            assert_eq!(state.label(), label);
        }
        assert_eq!(ReviewState::initial(true), ReviewState::NeedsReview);
        assert_eq!(ReviewState::initial(false), ReviewState::NotNeeded);
        assert!(ReviewState::parse("Approved").is_err());
    }
}
