use diesel::prelude::*;

use crate::domain::{Role, StaffId};

use crate::db::schema::staff;

/// A staff member as the app shows them. Deliberately without the password hash.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub receives_fallbacks: bool,
    pub departed_at: Option<i64>,
    pub last_sign_in_at: Option<i64>,
    pub created_at: i64,
    /// Slack's member ID (`U…`), for mentions in service-level messages.
    pub slack_member_id: Option<String>,
}

/// What sign-in needs to know about a username.
#[derive(Queryable, Debug)]
pub struct Credentials {
    pub id: StaffId,
    pub password_hash: String,
    pub departed_at: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = staff)]
pub struct NewStaffRow<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub receives_fallbacks: bool,
    pub created_at: i64,
}

impl StaffRow {
    pub fn find(conn: &mut SqliteConnection, id: StaffId) -> QueryResult<StaffRow> {
        staff::table
            .find(id)
            .select(StaffRow::as_select())
            .get_result(conn)
    }

    pub fn find_optional(
        conn: &mut SqliteConnection,
        id: StaffId,
    ) -> QueryResult<Option<StaffRow>> {
        StaffRow::find(conn, id).optional()
    }

    pub fn find_by_username(
        conn: &mut SqliteConnection,
        username: &str,
    ) -> QueryResult<Option<StaffRow>> {
        staff::table
            .filter(staff::username.eq(username))
            .select(StaffRow::as_select())
            .get_result(conn)
            .optional()
    }

    pub fn password_hash(conn: &mut SqliteConnection, id: StaffId) -> QueryResult<String> {
        staff::table
            .find(id)
            .select(staff::password_hash)
            .get_result(conn)
    }

    pub fn credentials(
        conn: &mut SqliteConnection,
        username: &str,
    ) -> QueryResult<Option<Credentials>> {
        staff::table
            .filter(staff::username.eq(username))
            .select((staff::id, staff::password_hash, staff::departed_at))
            .get_result(conn)
            .optional()
    }

    pub fn insert(conn: &mut SqliteConnection, row: &NewStaffRow<'_>) -> QueryResult<StaffId> {
        diesel::insert_into(staff::table)
            .values(row)
            .returning(staff::id)
            .get_result(conn)
    }

    pub fn count(conn: &mut SqliteConnection) -> QueryResult<i64> {
        staff::table.count().get_result(conn)
    }

    pub fn record_sign_in(conn: &mut SqliteConnection, id: StaffId, at: i64) -> QueryResult<usize> {
        diesel::update(staff::table.find(id))
            .set(staff::last_sign_in_at.eq(at))
            .execute(conn)
    }

    /// The retention owner who receives save tasks whose rep has left or is unknown.
    pub fn fallback_owner(conn: &mut SqliteConnection) -> QueryResult<Option<StaffRow>> {
        staff::table
            .filter(staff::receives_fallbacks.eq(true))
            .filter(staff::departed_at.is_null())
            .select(StaffRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn by_role(conn: &mut SqliteConnection, role: Role) -> QueryResult<Vec<StaffRow>> {
        staff::table
            .filter(staff::role.eq(role))
            .order((staff::departed_at.is_not_null(), staff::full_name))
            .select(StaffRow::as_select())
            .load(conn)
    }

    /// Everyone, active first, then by name: the staff directory.
    pub fn all(conn: &mut SqliteConnection) -> QueryResult<Vec<StaffRow>> {
        staff::table
            .order((staff::departed_at.is_not_null(), staff::full_name))
            .select(StaffRow::as_select())
            .load(conn)
    }

    /// How many people with `role` have not left, leaving out `except`.
    pub fn count_active_in_role_except(
        conn: &mut SqliteConnection,
        role: Role,
        except: StaffId,
    ) -> QueryResult<i64> {
        staff::table
            .filter(staff::role.eq(role))
            .filter(staff::departed_at.is_null())
            .filter(staff::id.ne(except))
            .count()
            .get_result(conn)
    }

    /// Marks someone as departed; 0 when they had already left.
    pub fn mark_departed(conn: &mut SqliteConnection, id: StaffId, at: i64) -> QueryResult<usize> {
        diesel::update(staff::table.find(id).filter(staff::departed_at.is_null()))
            .set(staff::departed_at.eq(at))
            .execute(conn)
    }

    pub fn set_password_hash(
        conn: &mut SqliteConnection,
        id: StaffId,
        password_hash: &str,
    ) -> QueryResult<usize> {
        diesel::update(staff::table.find(id))
            .set(staff::password_hash.eq(password_hash))
            .execute(conn)
    }

    /// Makes `id` the one person who receives fallback save tasks.
    /// Sets or clears the Slack member ID.
    pub fn set_slack_member_id(
        conn: &mut SqliteConnection,
        id: StaffId,
        member_id: Option<&str>,
    ) -> QueryResult<usize> {
        diesel::update(staff::table.find(id))
            .set(staff::slack_member_id.eq(member_id))
            .execute(conn)
    }

    pub fn make_fallback_owner(conn: &mut SqliteConnection, id: StaffId) -> QueryResult<usize> {
        // The unique partial index allows one `true` at a time: clear first.
        diesel::update(staff::table.filter(staff::receives_fallbacks.eq(true)))
            .set(staff::receives_fallbacks.eq(false))
            .execute(conn)?;
        diesel::update(staff::table.find(id))
            .set(staff::receives_fallbacks.eq(true))
            .execute(conn)
    }
}
