//! Refunds in the billing queue (SOP R4, R6).

use diesel::prelude::*;

use crate::domain::{BillingItemId, BillingStatus, CaseId, Money, ReviewState, StaffId};

use crate::db::schema::billing_items;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = billing_items)]
pub struct BillingItemRow {
    pub id: BillingItemId,
    pub case_id: CaseId,
    #[diesel(column_name = amount_cents)]
    pub amount: Money,
    pub review: ReviewState,
    pub status: BillingStatus,
    pub payment_reference: Option<String>,
    pub review_notes: Option<String>,
    pub reviewed_by: Option<StaffId>,
    pub reviewed_at: Option<i64>,
    pub issued_by: Option<StaffId>,
    pub issued_at: Option<i64>,
    pub denial_seen_at: Option<i64>,
    pub created_at: i64,
    /// SPEC §11; None for items created before service levels.
    pub due_at: Option<i64>,
}

/// A refund as it is written: in Billing's queue, as intake creates it, or
/// already reviewed, issued or withdrawn by the demo data. `None` is
/// written as NULL.
#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = billing_items, treat_none_as_default_value = false)]
pub struct NewBillingItemRow {
    #[diesel(column_name = amount_cents)]
    pub amount: Money,
    pub review: ReviewState,
    pub status: BillingStatus,
    pub payment_reference: Option<String>,
    pub review_notes: Option<String>,
    pub reviewed_by: Option<StaffId>,
    pub reviewed_at: Option<i64>,
    pub issued_by: Option<StaffId>,
    pub issued_at: Option<i64>,
    pub denial_seen_at: Option<i64>,
    pub created_at: i64,
    pub due_at: Option<i64>,
}

impl NewBillingItemRow {
    /// A new refund in Billing's queue.
    pub fn in_progress(amount: Money, review: ReviewState, due_at: Option<i64>, now: i64) -> Self {
        NewBillingItemRow {
            amount,
            review,
            status: BillingStatus::InProgress,
            payment_reference: None,
            review_notes: None,
            reviewed_by: None,
            reviewed_at: None,
            issued_by: None,
            issued_at: None,
            denial_seen_at: None,
            created_at: now,
            due_at,
        }
    }

    /// Withdrawn as [`BillingItemRow::withdraw_untouched`] withdraws it,
    /// for a row not written yet.
    pub fn withdraw_untouched(&mut self) {
        if self.status == BillingStatus::InProgress && self.review != ReviewState::Approved {
            self.status = BillingStatus::Withdrawn;
        }
    }

    /// Reviewed as [`BillingItemRow::review_if_pending`] records it, for a
    /// row not written yet.
    pub fn review_if_pending(
        &mut self,
        approved: bool,
        notes: Option<&str>,
        by: StaffId,
        now: i64,
    ) {
        if self.status != BillingStatus::InProgress || self.review != ReviewState::NeedsReview {
            return;
        }
        (self.review, self.status) = if approved {
            (ReviewState::Approved, BillingStatus::InProgress)
        } else {
            (ReviewState::Denied, BillingStatus::Denied)
        };
        self.review_notes = notes.map(str::to_owned);
        self.reviewed_by = Some(by);
        self.reviewed_at = Some(now);
    }

    /// Issued as [`BillingItemRow::issue_if_ready`] issues it, for a row
    /// not written yet.
    pub fn issue_if_ready(&mut self, reference: Option<&str>, by: StaffId, now: i64) {
        let ready = matches!(self.review, ReviewState::NotNeeded | ReviewState::Approved);
        if self.status != BillingStatus::InProgress || !ready {
            return;
        }
        self.status = BillingStatus::Issued;
        self.payment_reference = reference.map(str::to_owned);
        self.issued_by = Some(by);
        self.issued_at = Some(now);
    }
}

impl BillingItemRow {
    pub fn insert(
        conn: &mut SqliteConnection,
        case_id: CaseId,
        row: &NewBillingItemRow,
    ) -> QueryResult<BillingItemId> {
        diesel::insert_into(billing_items::table)
            .values((billing_items::case_id.eq(case_id), row))
            .returning(billing_items::id)
            .get_result(conn)
    }

    pub fn for_case(
        conn: &mut SqliteConnection,
        case_id: CaseId,
    ) -> QueryResult<Option<BillingItemRow>> {
        billing_items::table
            .filter(billing_items::case_id.eq(case_id))
            .select(BillingItemRow::as_select())
            .get_result(conn)
            .optional()
    }

    /// Withdraws the refund if billing has not acted on it yet.
    pub fn withdraw_untouched(conn: &mut SqliteConnection, case_id: CaseId) -> QueryResult<bool> {
        let changed = diesel::update(
            billing_items::table
                .filter(billing_items::case_id.eq(case_id))
                .filter(billing_items::status.eq(BillingStatus::InProgress))
                .filter(billing_items::review.ne(ReviewState::Approved)),
        )
        .set(billing_items::status.eq(BillingStatus::Withdrawn))
        .execute(conn)?;
        Ok(changed == 1)
    }
}

impl BillingItemRow {
    pub fn find(conn: &mut SqliteConnection, id: BillingItemId) -> QueryResult<BillingItemRow> {
        billing_items::table
            .find(id)
            .select(BillingItemRow::as_select())
            .get_result(conn)
    }

    /// Marks the refund issued if it is still in progress and needs no (more)
    /// review; false if someone else acted first.
    pub fn issue_if_ready(
        conn: &mut SqliteConnection,
        id: BillingItemId,
        reference: Option<&str>,
        by: StaffId,
        now: i64,
    ) -> QueryResult<bool> {
        let changed = diesel::update(
            billing_items::table
                .find(id)
                .filter(billing_items::status.eq(BillingStatus::InProgress))
                .filter(
                    billing_items::review.eq_any([ReviewState::NotNeeded, ReviewState::Approved]),
                ),
        )
        .set((
            billing_items::status.eq(BillingStatus::Issued),
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
        id: BillingItemId,
        approved: bool,
        notes: Option<&str>,
        by: StaffId,
        now: i64,
    ) -> QueryResult<bool> {
        let (review, status) = if approved {
            (ReviewState::Approved, BillingStatus::InProgress)
        } else {
            (ReviewState::Denied, BillingStatus::Denied)
        };
        let changed = diesel::update(
            billing_items::table
                .find(id)
                .filter(billing_items::status.eq(BillingStatus::InProgress))
                .filter(billing_items::review.eq(ReviewState::NeedsReview)),
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

impl BillingItemRow {
    /// How many refunds billing has still to act on: the billing queue's
    /// items, in progress (`/metrics`).
    pub fn in_progress_count(conn: &mut SqliteConnection) -> QueryResult<i64> {
        billing_items::table
            .filter(billing_items::status.eq(BillingStatus::InProgress))
            .count()
            .get_result(conn)
    }

    /// The submitting agent saw the denial at `at` (demo data writes this
    /// for old cases; the case page does it through `views::waiting_list`).
    pub fn mark_denial_seen(
        conn: &mut SqliteConnection,
        id: BillingItemId,
        at: i64,
    ) -> QueryResult<usize> {
        diesel::update(billing_items::table.find(id))
            .set(billing_items::denial_seen_at.eq(at))
            .execute(conn)
    }
}
