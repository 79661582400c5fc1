//! The cancellation route a customer level carries (SPEC §2.1).

use serde::{Deserialize, Serialize};

use super::code_enum::code_enum;

code_enum! {
    /// How a cancellation is handled for a level: SOP step 1 sends Essentials to
    /// C2, levels between Essentials and Professional 2A to C2A, and
    /// Professional 2A, SMB and higher to C3. Posted and stored as
    /// `essentials`, `check_ar`, `sales_call`.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum CancellationRoute {
        /// C2: reply with the exit survey.
        Essentials => "essentials", "Essentials";
        /// C2A: check the A/R balance against the limit first.
        CheckAr => "check_ar", "Check A/R";
        /// C3: a save call by the original sales rep.
        SalesCall => "sales_call", "Sales call";
    }
    refused(_) -> CancellationRouteError { CancellationRouteError }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose a cancellation route: Essentials, Check A/R, or Sales call")]
pub struct CancellationRouteError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_labels() {
        for route in CancellationRoute::ALL {
            assert_eq!(CancellationRoute::parse(route.as_str()), Ok(route));
        }
        let values: Vec<_> = CancellationRoute::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(values, ["essentials", "check_ar", "sales_call"]);
        let labels: Vec<_> = CancellationRoute::ALL.iter().map(|r| r.label()).collect();
        assert_eq!(labels, ["Essentials", "Check A/R", "Sales call"]);
        assert_eq!(
            CancellationRoute::parse("Check A/R"),
            Err(CancellationRouteError)
        );
    }
}
