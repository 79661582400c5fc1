//! The work queues: save calls (reps and the retention owner) and the
//! billing queue (Heather), with the actions taken from them.

pub mod billing;
pub mod lists;
pub mod reassign;
pub mod save_calls;
