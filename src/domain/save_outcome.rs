//! How a save call ended: the "Outcome" select on the tasks page.

use serde::{Deserialize, Serialize};

use super::code_enum::code_enum;
use super::status::CancellationStatus;

code_enum! {
    /// The outcome a sales rep or the retention owner records for a save task
    /// (SPEC §2.3).
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum SaveOutcome {
        /// The customer stays: the cancellation track becomes Retained.
        Saved => "saved", "Saved";
        /// The customer still leaves: the case goes back to the agent with the
        /// C2 reply (Reply to send).
        NotSaved => "not_saved", "Not saved";
        /// Nobody answered: the task stays open and the attempt is counted.
        NoAnswer => "no_answer", "No answer";
    }
    refused(_) -> SaveOutcomeError { SaveOutcomeError }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose an outcome: Saved, Not saved, or No answer")]
pub struct SaveOutcomeError;

impl SaveOutcome {
    /// Where the cancellation goes after this outcome: Retained after
    /// "Saved", Reply to send (the C2 reply) after "Not saved"; "No answer"
    /// keeps the task open and the case where it is.
    pub fn cancellation_after(self) -> Option<CancellationStatus> {
        match self {
            SaveOutcome::Saved => Some(CancellationStatus::Retained),
            SaveOutcome::NotSaved => Some(CancellationStatus::ReplyToSend),
            SaveOutcome::NoAnswer => None,
        }
    }

    /// Whether this outcome closes the save task (Saved, Not saved).
    pub fn closes_task(self) -> bool {
        !matches!(self, SaveOutcome::NoAnswer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_labels() {
        let rows = [
            (SaveOutcome::Saved, "saved", "Saved", true),
            (SaveOutcome::NotSaved, "not_saved", "Not saved", true),
            (SaveOutcome::NoAnswer, "no_answer", "No answer", false),
        ];
        assert_eq!(rows.map(|row| row.0), SaveOutcome::ALL);
        for (outcome, value, label, closes) in rows {
            assert_eq!(SaveOutcome::parse(value), Ok(outcome));
            assert_eq!(outcome.label(), label);
            assert_eq!(outcome.closes_task(), closes);
        }
        assert_eq!(SaveOutcome::parse("Saved"), Err(SaveOutcomeError));
    }
}
