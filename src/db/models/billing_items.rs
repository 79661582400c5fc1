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

impl BillingItemRow {
    pub fn find(conn: &mut SqliteConnection, id: i32) -> QueryResult<BillingItemRow> {
        billing_items::table
            .find(id)
            .select(BillingItemRow::as_select())
            .first(conn)
    }

    /// Marks the refund issued if it is still in progress and needs no (more)
    /// review; false if someone else acted first.
    pub fn issue_if_ready(
        conn: &mut SqliteConnection,
        id: i32,
        reference: Option<&str>,
        by: i32,
        now: i64,
    ) -> QueryResult<bool> {
        let changed = diesel::update(
            billing_items::table
                .find(id)
                .filter(billing_items::status.eq(IN_PROGRESS))
                .filter(billing_items::review.eq_any(["not_needed", "approved"])),
        )
        .set((
            billing_items::status.eq(ISSUED),
            billing_items::payment_reference.eq(reference),
            billing_items::issued_by.eq(by),
            billing_items::issued_at.eq(now),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }

    /// Records the review of a refund over the limit if it still awaits one.
    pub fn review_if_pending(
        conn: &mut SqliteConnection,
        id: i32,
        approved: bool,
        notes: Option<&str>,
        by: i32,
        now: i64,
    ) -> QueryResult<bool> {
        let (review, status) = if approved {
            ("approved", IN_PROGRESS)
        } else {
            ("denied", DENIED)
        };
        let changed = diesel::update(
            billing_items::table
                .find(id)
                .filter(billing_items::status.eq(IN_PROGRESS))
                .filter(billing_items::review.eq("needs_review")),
        )
        .set((
            billing_items::review.eq(review),
            billing_items::status.eq(status),
            billing_items::review_notes.eq(notes),
            billing_items::reviewed_by.eq(by),
            billing_items::reviewed_at.eq(now),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }
}
