//! Where a refund stands in the billing queue (SOP R4–R6).

use super::status::StatusError;

/// A billing item's own state, apart from its review: in progress until
/// billing issues or denies it, or the agent withdraws the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum BillingStatus {
    InProgress,
    Issued,
    Denied,
    Withdrawn,
}

impl BillingStatus {
    pub const ALL: [BillingStatus; 4] = [
        BillingStatus::InProgress,
        BillingStatus::Issued,
        BillingStatus::Denied,
        BillingStatus::Withdrawn,
    ];

    pub fn parse(value: &str) -> Result<BillingStatus, StatusError> {
        BillingStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
            .ok_or_else(|| StatusError::new("billing status", value))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BillingStatus::InProgress => "in_progress",
            BillingStatus::Issued => "issued",
            BillingStatus::Denied => "denied",
            BillingStatus::Withdrawn => "withdrawn",
        }
    }
}
