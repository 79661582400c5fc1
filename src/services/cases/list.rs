//! `/cases`: newest first, searchable and filterable, a page at a time.

use crate::db::views::case_list;
use crate::state::AppState;

use crate::services::ServiceError;

pub use crate::db::views::case_list::{CaseListPage, CaseListQuery, CaseListRow, TrackFilter};

pub const PAGE_SIZE: i64 = 50;

pub async fn list_cases(
    app: &AppState,
    query: CaseListQuery,
) -> Result<CaseListPage, ServiceError> {
    app.db
        .read(move |conn| Ok(case_list::page(conn, &query, PAGE_SIZE)?))
        .await
}
