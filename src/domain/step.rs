//! The steps of the SOP the decision cites.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A step of "Account Cancellation and Refunds": C2, C2A and C3 of the
/// cancellation part, R2 to R6 of the refund part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Step {
    /// Reply sympathetically with the exit-survey link of the server.
    C2,
    /// Check the A/R balance against the limit.
    C2A,
    /// Save task for the original sales rep (or the retention owner).
    C3,
    /// Note the refund amount in the purple box.
    R2,
    /// Record why the customer is entitled to the refund.
    R3,
    /// Reply that a credit will be processed; assign to Billing.
    R4,
    /// Reply that the request is being reviewed.
    R5,
    /// Assign to Billing for review; Slack heads-up.
    R6,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown procedure step \"{given}\"")]
pub struct StepError {
    given: String,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::C2,
        Step::C2A,
        Step::C3,
        Step::R2,
        Step::R3,
        Step::R4,
        Step::R5,
        Step::R6,
    ];

    /// The step as the procedure names it: `C2`, `C2A`, … `R6`.
    pub fn code(self) -> &'static str {
        match self {
            Step::C2 => "C2",
            Step::C2A => "C2A",
            Step::C3 => "C3",
            Step::R2 => "R2",
            Step::R3 => "R3",
            Step::R4 => "R4",
            Step::R5 => "R5",
            Step::R6 => "R6",
        }
    }

    pub fn parse(code: &str) -> Result<Step, StepError> {
        Step::ALL
            .into_iter()
            .find(|step| step.code() == code)
            .ok_or_else(|| StepError {
                given: code.to_owned(),
            })
    }

    /// A step of the cancellation part (C2, C2A, C3).
    pub fn is_cancellation(self) -> bool {
        matches!(self, Step::C2 | Step::C2A | Step::C3)
    }

    /// A step of the refund part (R2 to R6).
    pub fn is_refund(self) -> bool {
        !self.is_cancellation()
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let codes = Step::ALL.map(Step::code);
        assert_eq!(codes, ["C2", "C2A", "C3", "R2", "R3", "R4", "R5", "R6"]);
        for step in Step::ALL {
            assert_eq!(Step::parse(step.code()), Ok(step));
            assert_eq!(step.to_string(), step.code());
            assert_ne!(step.is_cancellation(), step.is_refund());
        }
        assert!(Step::parse("c2").is_err());
        assert!(Step::parse("R1").is_err());
    }
}
