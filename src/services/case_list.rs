//! `/cases`: newest first, searchable and filterable, keyset-paginated so a
//! page costs the same at a million cases as at ten.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use crate::db::schema::cases;
use crate::domain::{CancellationStatus, CaseState, Money, RefundStatus, RequestKind};
use crate::state::AppState;

use super::ServiceError;

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackFilter {
    Cancellation(CancellationStatus),
    Refund(RefundStatus),
}

impl TrackFilter {
    /// Form values like `cancellation:reply_to_send`, `refund:refund_denied`.
    pub fn parse(value: &str) -> Option<TrackFilter> {
        let (track, status) = value.split_once(':')?;
        match track {
            "cancellation" => CancellationStatus::parse(status)
                .ok()
                .map(TrackFilter::Cancellation),
            "refund" => RefundStatus::parse(status).ok().map(TrackFilter::Refund),
            _ => None,
        }
    }

    pub fn value(self) -> String {
        match self {
            TrackFilter::Cancellation(s) => format!("cancellation:{}", s.as_str()),
            TrackFilter::Refund(s) => format!("refund:{}", s.as_str()),
        }
    }

    pub fn label(self) -> String {
        match self {
            TrackFilter::Cancellation(s) => format!("Cancellation: {}", s.label()),
            TrackFilter::Refund(s) => format!("Refund: {}", s.label()),
        }
    }

    pub fn all() -> Vec<TrackFilter> {
        CancellationStatus::ALL
            .into_iter()
            .map(TrackFilter::Cancellation)
            .chain(RefundStatus::ALL.into_iter().map(TrackFilter::Refund))
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct CaseListQuery {
    pub search: Option<String>,
    pub state: Option<CaseState>,
    pub track: Option<TrackFilter>,
    /// Show cases older than this id (the next page).
    pub before: Option<i32>,
}

#[derive(Debug, Clone, Queryable)]
pub struct CaseListRow {
    pub id: i32,
    pub customer_name: String,
    pub account_id: String,
    pub request: String,
    pub cancellation_status: Option<String>,
    pub refund_status: Option<String>,
    pub is_open: bool,
    pub refund_amount_cents: Option<i64>,
    pub ar_balance_cents: i64,
    pub created_at: i64,
}

impl CaseListRow {
    pub fn refund_amount(&self) -> Option<Money> {
        self.refund_amount_cents.and_then(Money::from_cents)
    }

    pub fn ar_balance(&self) -> Money {
        Money::from_cents(self.ar_balance_cents).unwrap_or(Money::ZERO)
    }

    pub fn request_label(&self) -> &'static str {
        RequestKind::parse(&self.request).map_or("", RequestKind::label)
    }

    pub fn cancellation_label(&self) -> Option<&'static str> {
        self.cancellation_status
            .as_deref()
            .and_then(|s| CancellationStatus::parse(s).ok())
            .map(CancellationStatus::label)
    }

    pub fn refund_label(&self) -> Option<&'static str> {
        self.refund_status
            .as_deref()
            .and_then(|s| RefundStatus::parse(s).ok())
            .map(RefundStatus::label)
    }
}

pub struct CaseListPage {
    pub rows: Vec<CaseListRow>,
    pub next_before: Option<i32>,
}

pub async fn list_cases(
    state: &AppState,
    query: CaseListQuery,
) -> Result<CaseListPage, ServiceError> {
    state
        .db
        .read(move |conn| list_cases_in(conn, &query, PAGE_SIZE))
        .await
}

/// One page of `page_size` cases, newest first.
pub fn list_cases_in(
    conn: &mut SqliteConnection,
    query: &CaseListQuery,
    page_size: i64,
) -> Result<CaseListPage, ServiceError> {
    let mut select = cases::table
        .select((
            cases::id,
            cases::customer_name,
            cases::account_id,
            cases::request,
            cases::cancellation_status,
            cases::refund_status,
            cases::is_open,
            cases::refund_amount_cents,
            cases::ar_balance_cents,
            cases::created_at,
        ))
        .order(cases::id.desc())
        .limit(page_size + 1)
        .into_boxed();
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if search.chars().count() >= 3 {
            // The trigram index finds the text anywhere in the name or account ID.
            let phrase = format!("\"{}\"", search.replace('"', "\"\""));
            select = select.filter(
                sql::<Bool>(
                    "cases.id IN (SELECT rowid FROM cases_search WHERE cases_search MATCH ",
                )
                .bind::<Text, _>(phrase)
                .sql(")"),
            );
        } else {
            let prefix = format!(
                "{}%",
                search
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            select = select.filter(
                sql::<Bool>("(cases.customer_name LIKE ")
                    .bind::<Text, _>(prefix.clone())
                    .sql(" ESCAPE '\\' OR cases.account_id LIKE ")
                    .bind::<Text, _>(prefix)
                    .sql(" ESCAPE '\\')"),
            );
        }
    }
    if let Some(state) = query.state {
        select = select.filter(cases::is_open.eq(state == CaseState::Open));
    }
    match query.track {
        Some(TrackFilter::Cancellation(status)) => {
            select = select.filter(cases::cancellation_status.eq(status.as_str()));
        }
        Some(TrackFilter::Refund(status)) => {
            select = select.filter(cases::refund_status.eq(status.as_str()));
        }
        None => {}
    }
    if let Some(before) = query.before {
        select = select.filter(cases::id.lt(before));
    }
    let mut rows: Vec<CaseListRow> = select.load(conn)?;
    let next_before = if rows.len() as i64 > page_size {
        rows.truncate(page_size as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(CaseListPage { rows, next_before })
}
