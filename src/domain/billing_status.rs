//! Where a refund stands in the billing queue (SOP R4–R6).

use super::code_enum::code_enum;
use super::status::StatusError;

code_enum! {
    /// A billing item's own state, apart from its review: in progress until
    /// billing issues or denies it, or the agent withdraws the case.
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum BillingStatus {
        InProgress => "in_progress";
        Issued => "issued";
        Denied => "denied";
        Withdrawn => "withdrawn";
    }
    refused(value) -> StatusError { StatusError::new("billing status", value) }
}
