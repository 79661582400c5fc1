//! The cancellation route a customer level carries (SPEC §2.1).

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a cancellation is handled for a level: SOP step 1 sends Essentials to
/// C2, levels between Essentials and Professional 2A to C2A, and
/// Professional 2A, SMB and higher to C3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum CancellationRoute {
    /// C2: reply with the exit survey.
    Essentials,
    /// C2A: check the A/R balance against the limit first.
    CheckAr,
    /// C3: a save call by the original sales rep.
    SalesCall,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose a cancellation route: Essentials, Check A/R, or Sales call")]
pub struct CancellationRouteError;

impl CancellationRoute {
    pub const ALL: [CancellationRoute; 3] = [
        CancellationRoute::Essentials,
        CancellationRoute::CheckAr,
        CancellationRoute::SalesCall,
    ];

    /// Parses the form and database value (`essentials`, `check_ar`,
    /// `sales_call`).
    pub fn parse(value: &str) -> Result<CancellationRoute, CancellationRouteError> {
        CancellationRoute::ALL
            .into_iter()
            .find(|route| route.as_str() == value)
            .ok_or(CancellationRouteError)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CancellationRoute::Essentials => "essentials",
            CancellationRoute::CheckAr => "check_ar",
            CancellationRoute::SalesCall => "sales_call",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CancellationRoute::Essentials => "Essentials",
            CancellationRoute::CheckAr => "Check A/R",
            CancellationRoute::SalesCall => "Sales call",
        }
    }
}

impl fmt::Display for CancellationRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

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
