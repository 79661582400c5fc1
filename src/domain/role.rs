//! Staff roles (SPEC §1).

use serde::{Deserialize, Serialize};

use super::code_enum::code_enum;

code_enum! {
    /// What a staff member does in the app. The values are those of the CLI
    /// (`user add --role`) and the database.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum Role {
        /// "Support" in the procedure: submits cases and sends replies.
        Agent => "agent", "Agent";
        /// "The original sales person": makes save calls.
        SalesRep => "sales-rep", "Sales rep";
        /// Spencer: gets save tasks whose rep has left or is unknown.
        RetentionOwner => "retention-owner", "Retention owner";
        /// Heather: works the billing queue.
        Billing => "billing", "Billing";
        Admin => "admin", "Admin";
    }
    refused(value) -> RoleError { RoleError { given: value.to_owned() } }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown role \"{given}\": use agent, sales-rep, retention-owner, billing or admin")]
pub struct RoleError {
    given: String,
}

impl Role {
    /// Where `GET /` sends someone with this role (SPEC §4).
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Agent => "/cases/new",
            Role::SalesRep | Role::RetentionOwner => "/tasks",
            Role::Billing => "/billing",
            Role::Admin => "/admin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_labels_and_homes() {
        let rows = [
            (Role::Agent, "agent", "Agent", "/cases/new"),
            (Role::SalesRep, "sales-rep", "Sales rep", "/tasks"),
            (
                Role::RetentionOwner,
                "retention-owner",
                "Retention owner",
                "/tasks",
            ),
            (Role::Billing, "billing", "Billing", "/billing"),
            (Role::Admin, "admin", "Admin", "/admin"),
        ];
        assert_eq!(rows.map(|row| row.0), Role::ALL);
        for (role, value, label, home) in rows {
            assert_eq!(Role::parse(value), Ok(role));
            assert_eq!(role.as_str(), value);
            assert_eq!(role.label(), label);
            assert_eq!(role.home_path(), home);
        }
    }

    #[test]
    fn unknown_role_lists_the_allowed_values() {
        let message = Role::parse("sales_rep").unwrap_err().to_string();
        assert!(message.contains("\"sales_rep\""), "{message}");
        for role in Role::ALL {
            assert!(message.contains(role.as_str()), "{message}");
        }
    }
}
