//! Billing's review of a refund over the review limit (SOP R6).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::status::StatusError;

/// Where a refund stands in Heather's review. Refunds within the limit
/// never need one; refunds over it start as Needs review and are then
/// Approved (and issued) or Denied with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum ReviewState {
    NotNeeded,
    NeedsReview,
    Approved,
    Denied,
}

impl ReviewState {
    pub const ALL: [ReviewState; 4] = [
        ReviewState::NotNeeded,
        ReviewState::NeedsReview,
        ReviewState::Approved,
        ReviewState::Denied,
    ];

    /// The state a new refund starts in: Needs review when the decision
    /// says so (R6), otherwise Not needed (R4).
    pub fn initial(needs_review: bool) -> ReviewState {
        if needs_review {
            ReviewState::NeedsReview
        } else {
            ReviewState::NotNeeded
        }
    }

    pub fn parse(value: &str) -> Result<ReviewState, StatusError> {
        ReviewState::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
            .ok_or_else(|| StatusError::new("review state", value))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::NotNeeded => "not_needed",
            ReviewState::NeedsReview => "needs_review",
            ReviewState::Approved => "approved",
            ReviewState::Denied => "denied",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewState::NotNeeded => "Not needed",
            ReviewState::NeedsReview => "Needs review",
            ReviewState::Approved => "Approved",
            ReviewState::Denied => "Denied",
        }
    }
}

impl fmt::Display for ReviewState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
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
