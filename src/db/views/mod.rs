//! Read models that join several tables, each for one screen.

pub mod case_list;
pub mod queues;
pub mod replay_cases;
pub mod reports;
pub mod waiting_list;
