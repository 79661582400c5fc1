//! Cases: the intake form with the head of the agent's waiting list, the
//! whole waiting list, the case page and the actions on it, and the
//! searchable list with its CSV export.

pub mod intake;
pub mod list;
pub mod show;
pub mod waiting;

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl Into<String>) -> Choice {
        Choice {
            value: value.to_string(),
            label: label.into(),
        }
    }
}
