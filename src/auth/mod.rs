//! Who may sign in: password hashing (argon2id) and the sign-in limits.
//! Below the services: nothing here touches the database or the web.

pub mod passwords;
pub mod throttle;
