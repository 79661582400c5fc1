//! The signed-in person as handlers and page frames see them.

use crate::domain::{Role, StaffId};
use crate::services::Actor;
use crate::services::account::current_user::SignedInPerson;

/// The signed-in staff member, checked on every request (`web::extract`)
/// against the staff table or the app's memory of it, which departure
/// clears at once: a departed person's live session stops working at once.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
}

impl CurrentUser {
    /// The person as the services know them.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            role: self.role,
        }
    }
}

impl From<SignedInPerson> for CurrentUser {
    fn from(person: SignedInPerson) -> CurrentUser {
        CurrentUser {
            id: person.id,
            username: person.username,
            full_name: person.full_name,
            role: person.role,
        }
    }
}
