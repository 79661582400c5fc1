//! Who is acting, as the services need to know them.

use crate::domain::{Role, StaffId};

use super::error::ServiceError;

/// The signed-in person on whose behalf a use case runs. Services check
/// access with it themselves: a hidden button is never the only guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: StaffId,
    pub role: Role,
}

impl Actor {
    /// `Forbidden` unless the actor has `role`.
    pub fn require(self, role: Role) -> Result<(), ServiceError> {
        if self.role == role {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }
}
