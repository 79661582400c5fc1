//! Refunds in the billing queue (SOP R4, R6).

use diesel::prelude::*;

use crate::db::schema::billing_items;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = billing_items)]
pub struct BillingItemRow {
    pub id: i32,
    pub case_id: i32,
    pub amount_cents: i64,
    pub review: String,
    pub status: String,
    pub payment_reference: Option<String>,
    pub review_notes: Option<String>,
    pub reviewed_by: Option<i32>,
    pub reviewed_at: Option<i64>,
    pub issued_by: Option<i32>,
    pub issued_at: Option<i64>,
    pub denial_seen_at: Option<i64>,
    pub created_at: i64,
}

/// The billing item's own status: still to do, or how it ended.
pub const IN_PROGRESS: &str = "in_progress";
pub const ISSUED: &str = "issued";
pub const DENIED: &str = "denied";
pub const WITHDRAWN: &str = "withdrawn";

impl BillingItemRow {
    pub fn insert(
        conn: &mut SqliteConnection,
        case_id: i32,
        amount_cents: i64,
        review: &str,
        now: i64,
    ) -> QueryResult<i32> {
        diesel::insert_into(billing_items::table)
            .values((
                billing_items::case_id.eq(case_id),
                billing_items::amount_cents.eq(amount_cents),
                billing_items::review.eq(review),
                billing_items::status.eq(IN_PROGRESS),
                billing_items::created_at.eq(now),
            ))
            .returning(billing_items::id)
            .get_result(conn)
    }

    pub fn for_case(
        conn: &mut SqliteConnection,
        case_id: i32,
    ) -> QueryResult<Option<BillingItemRow>> {
        billing_items::table
            .filter(billing_items::case_id.eq(case_id))
            .select(BillingItemRow::as_select())
            .first(conn)
            .optional()
    }

    /// Withdraws the refund if billing has not acted on it yet.
    pub fn withdraw_untouched(conn: &mut SqliteConnection, case_id: i32) -> QueryResult<bool> {
        let changed = diesel::update(
            billing_items::table
                .filter(billing_items::case_id.eq(case_id))
                .filter(billing_items::status.eq(IN_PROGRESS))
                .filter(billing_items::review.ne("approved")),
        )
        .set(billing_items::status.eq(WITHDRAWN))
        .execute(conn)?;
        Ok(changed == 1)
    }
}
