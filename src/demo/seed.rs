//! `serve --demo`: the people and servers of SPEC §5, on an empty database only.

use anyhow::Context;
use diesel::prelude::*;

use crate::auth::passwords::hash_blocking;
use crate::db::models::reference::ServerRow;
use crate::db::models::staff::StaffRow;
use crate::domain::{FullName, Password, Role, Username};
use crate::services::admin::new_staff::{NewStaffMember, insert_staff};

pub const DEMO_PASSWORD: &str = "demo-password";

/// (username, full name, role, departed)
pub const DEMO_STAFF: &[(&str, &str, Role, bool)] = &[
    ("alex", "Alex", Role::Agent, false),
    ("spencer", "Spencer", Role::RetentionOwner, false),
    ("heather", "Heather", Role::Billing, false),
    ("riley", "Riley", Role::SalesRep, false),
    ("morgan", "Morgan", Role::SalesRep, true),
    ("admin", "Admin", Role::Admin, false),
];

pub const DEMO_SERVERS: &[(&str, &str)] = &[
    ("app-01", "https://survey.example.com/exit?server=app-01"),
    ("app-02", "https://survey.example.com/exit?server=app-02"),
];

/// Seeds the demo data when the database has no staff yet; says whether it did.
pub fn seed_if_empty(conn: &mut SqliteConnection, now: i64) -> anyhow::Result<bool> {
    if StaffRow::count(conn)? > 0 {
        return Ok(false);
    }
    // One hash for all demo accounts: they share a password anyway, and
    // seeding stays fast for tests that start many apps.
    let hash = hash_blocking(&Password::exempt(DEMO_PASSWORD))?;
    conn.immediate_transaction(|conn| -> anyhow::Result<()> {
        for (username, name, role, departed) in DEMO_STAFF {
            let member = NewStaffMember {
                username: Username::parse(username).context("demo username")?,
                full_name: FullName::parse(name).context("demo name")?,
                role: *role,
            };
            let id = insert_staff(conn, &member, &hash, now)?;
            if *departed {
                StaffRow::mark_departed(conn, id, now)?;
            }
        }
        for (name, url) in DEMO_SERVERS {
            ServerRow::insert(conn, name, url)?;
        }
        Ok(())
    })?;
    Ok(true)
}
