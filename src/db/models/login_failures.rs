use diesel::prelude::*;

use crate::db::schema::login_failures;

/// Counts a sign-in attempt against both limits before its password is
/// checked; returns the row, which `release` removes when the password
/// turns out right (only failures count).
pub fn reserve(
    conn: &mut SqliteConnection,
    username: &str,
    address: &str,
    at: i64,
) -> QueryResult<i32> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::username.eq(username),
            login_failures::address.eq(address),
            login_failures::at.eq(at),
        ))
        .returning(login_failures::id)
        .get_result(conn)
}

pub fn release(conn: &mut SqliteConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(login_failures::table.find(id)).execute(conn)
}

pub fn count_for_username_since(
    conn: &mut SqliteConnection,
    username: &str,
    since: i64,
) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::username.eq(username))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)
}

pub fn count_for_address_since(
    conn: &mut SqliteConnection,
    address: &str,
    since: i64,
) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::address.eq(address))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)
}

/// An admin's "Unlock": the username's failures no longer count.
pub fn clear_for_username(conn: &mut SqliteConnection, username: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::username.eq(username)))
        .execute(conn)
}

/// Usernames refused right now: at least `limit` failures since `since`.
pub fn locked_usernames(
    conn: &mut SqliteConnection,
    since: i64,
    limit: i64,
) -> QueryResult<Vec<String>> {
    use diesel::dsl::count_star;
    login_failures::table
        .filter(login_failures::at.gt(since))
        .group_by(login_failures::username)
        .having(count_star().ge(limit))
        .select(login_failures::username)
        .load(conn)
}
