//! `/cases`: newest first, searchable and filterable, keyset-paginated so a
//! page costs the same at a million cases as at ten.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel::sqlite::Sqlite;

use crate::db::schema::cases;
use crate::domain::{
    CancellationStatus, CaseId, CaseState, Money, RefundStatus, RequestKind, SearchText,
};

/// How many trailing characters of an ID-like search go to the trigram index.
const ID_SUFFIX: usize = 5;

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
    pub search: Option<SearchText>,
    pub state: Option<CaseState>,
    pub track: Option<TrackFilter>,
    /// Show cases older than this id (the next page).
    pub before: Option<CaseId>,
}

#[derive(Debug, Clone, Queryable, QueryableByName)]
#[diesel(table_name = cases)]
pub struct CaseListRow {
    pub id: CaseId,
    pub customer_name: String,
    pub account_id: String,
    pub request: RequestKind,
    pub cancellation_status: Option<CancellationStatus>,
    pub refund_status: Option<RefundStatus>,
    pub is_open: bool,
    #[diesel(column_name = refund_amount_cents)]
    pub refund_amount: Option<Money>,
    #[diesel(column_name = ar_balance_cents)]
    pub ar_balance: Money,
    pub created_at: i64,
}

impl CaseListRow {
    pub fn request_label(&self) -> &'static str {
        self.request.label()
    }

    pub fn cancellation_label(&self) -> Option<&'static str> {
        self.cancellation_status.map(CancellationStatus::label)
    }

    pub fn refund_label(&self) -> Option<&'static str> {
        self.refund_status.map(RefundStatus::label)
    }
}

pub struct CaseListPage {
    pub rows: Vec<CaseListRow>,
    pub next_before: Option<CaseId>,
}

impl CaseListPage {
    /// No rows (a refused search).
    pub fn empty() -> CaseListPage {
        CaseListPage {
            rows: Vec::new(),
            next_before: None,
        }
    }
}

/// One page of `page_size` cases, newest first.
pub fn page(
    conn: &mut SqliteConnection,
    query: &CaseListQuery,
    page_size: i64,
) -> QueryResult<CaseListPage> {
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
    if let Some(search) = query.search.as_ref().map(SearchText::as_str) {
        if search.chars().count() >= 3 {
            return trigram_search_in(conn, query, search, page_size).map(into_page(page_size));
        }
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
    if let Some(state) = query.state {
        select = select.filter(cases::is_open.eq(state == CaseState::Open));
    }
    match query.track {
        Some(TrackFilter::Cancellation(status)) => {
            select = select.filter(cases::cancellation_status.eq(status));
        }
        Some(TrackFilter::Refund(status)) => {
            select = select.filter(cases::refund_status.eq(status));
        }
        None => {}
    }
    if let Some(before) = query.before {
        select = select.filter(cases::id.lt(before));
    }
    Ok(into_page(page_size)(select.load(conn)?))
}

/// Cuts the one extra row fetched to know whether there is a next page.
fn into_page(page_size: i64) -> impl FnOnce(Vec<CaseListRow>) -> CaseListPage {
    move |mut rows| {
        let next_before = if rows.len() as i64 > page_size {
            rows.truncate(page_size as usize);
            rows.last().map(|r| r.id)
        } else {
            None
        };
        CaseListPage { rows, next_before }
    }
}

/// A search of three characters or more: the trigram index finds the text
/// anywhere in the name or account ID. The query walks the index newest
/// first and joins each match to its case, so a common term stops after one
/// page instead of collecting every match (at a million cases a common name
/// matches tens of thousands) before sorting them.
fn trigram_search_in(
    conn: &mut SqliteConnection,
    query: &CaseListQuery,
    search: &str,
    page_size: i64,
) -> QueryResult<Vec<CaseListRow>> {
    // Account IDs share their leading characters ("ACC-…"), whose trigrams
    // stand in nearly every row and make the index slow to intersect; their
    // trailing digits tell them apart. So an ID-like search matches its last
    // five characters in the index and confirms the whole text on each row
    // (ASCII only, where `lower()` folds case as the index does).
    let id_like =
        search.len() > ID_SUFFIX && search.is_ascii() && search.bytes().any(|b| b.is_ascii_digit());
    let indexed = if id_like {
        &search[search.len() - ID_SUFFIX..]
    } else {
        search
    };
    let phrase = format!("\"{}\"", indexed.replace('"', "\"\""));
    // CROSS JOIN keeps the index as the outer loop (SQLite does not reorder it).
    let mut text = String::from(
        "SELECT cases.id, cases.customer_name, cases.account_id, cases.request, \
         cases.cancellation_status, cases.refund_status, cases.is_open, \
         cases.refund_amount_cents, cases.ar_balance_cents, cases.created_at \
         FROM cases_search CROSS JOIN cases ON cases.id = cases_search.rowid \
         WHERE cases_search MATCH ?",
    );
    if id_like {
        text.push_str(
            " AND (instr(lower(cases.account_id), lower(?)) > 0 \
             OR instr(lower(cases.customer_name), lower(?)) > 0)",
        );
    }
    if query.state.is_some() {
        text.push_str(" AND cases.is_open = ?");
    }
    match query.track {
        Some(TrackFilter::Cancellation(_)) => text.push_str(" AND cases.cancellation_status = ?"),
        Some(TrackFilter::Refund(_)) => text.push_str(" AND cases.refund_status = ?"),
        None => {}
    }
    if query.before.is_some() {
        text.push_str(" AND cases_search.rowid < ?");
    }
    text.push_str(" ORDER BY cases_search.rowid DESC LIMIT ?");
    let mut select = diesel::sql_query(text)
        .into_boxed::<Sqlite>()
        .bind::<Text, _>(phrase);
    if id_like {
        select = select
            .bind::<Text, _>(search.to_owned())
            .bind::<Text, _>(search.to_owned());
    }
    if let Some(state) = query.state {
        select = select.bind::<Bool, _>(state == CaseState::Open);
    }
    match query.track {
        Some(TrackFilter::Cancellation(status)) => {
            select = select.bind::<Text, _>(status.as_str());
        }
        Some(TrackFilter::Refund(status)) => select = select.bind::<Text, _>(status.as_str()),
        None => {}
    }
    if let Some(before) = query.before {
        select = select.bind::<Integer, _>(before.get());
    }
    select
        .bind::<BigInt, _>(page_size + 1)
        .load::<CaseListRow>(conn)
}
