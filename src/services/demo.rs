//! `serve --demo`: the people and servers of SPEC §5, on an empty database only.

use anyhow::Context;
use diesel::prelude::*;

use crate::db::models::staff::StaffRow;
use crate::db::schema::{servers, staff};
use crate::domain::{FullName, Role, Username};

use super::passwords::{Password, hash_blocking};
use super::staff::{NewStaffMember, insert_staff};

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
    let hash = hash_blocking(&Password::new(DEMO_PASSWORD.to_owned()))?;
    conn.immediate_transaction(|conn| -> anyhow::Result<()> {
        for (username, name, role, departed) in DEMO_STAFF {
            let member = NewStaffMember {
                username: Username::parse(username).context("demo username")?,
                full_name: FullName::parse(name).context("demo name")?,
                role: *role,
            };
            let id = insert_staff(conn, &member, &hash, now)?;
            if *departed {
                diesel::update(staff::table.find(id))
                    .set(staff::departed_at.eq(now))
                    .execute(conn)?;
            }
        }
        for (name, url) in DEMO_SERVERS {
            diesel::insert_into(servers::table)
                .values((servers::name.eq(name), servers::exit_survey_url.eq(url)))
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok(true)
}
