//! Who may sign in: password hashing (argon2id), the sign-in limits, and
//! the signed-in sessions and people kept in memory.
//! Below the services: nothing here touches the database or the web.

pub mod passwords;
pub mod signed_in;
pub mod throttle;
