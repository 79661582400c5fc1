//! The signed-in person: signing in, and who a session belongs to.

pub mod current_user;
pub mod password;
pub mod sessions;
pub mod sign_in;
