//! Cases: intake, the agent's actions on a case, the case page, the list
//! and its CSV export, and the agent's waiting list.

pub mod actions;
pub mod export;
pub mod intake;
pub mod list;
pub mod typed_forms;
pub mod view;
pub mod waiting_list;
