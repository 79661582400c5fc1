//! CSV export of cases with the same filters as `/cases`, streamed: rows are
//! read in keyset batches and sent on as they are written, so a million
//! cases never sit in memory at once.

use actix_web::web::Bytes;
use tokio::sync::mpsc;

use crate::db::views::case_list::{self, CaseListQuery};
use crate::domain::{CancellationStatus, RefundStatus};
use crate::format::Formatter;
use crate::state::AppState;

const BATCH: i64 = 1_000;

pub const HEADER: [&str; 10] = [
    "case_id",
    "created_at",
    "customer_name",
    "account_id",
    "request",
    "ar_balance",
    "refund_amount",
    "cancellation_status",
    "refund_status",
    "state",
];

/// Starts the export; the receiver yields CSV chunks until the last row.
pub fn export_cases(
    state: &AppState,
    query: CaseListQuery,
) -> mpsc::Receiver<Result<Bytes, std::io::Error>> {
    let (sender, receiver) = mpsc::channel(4);
    let db = state.db.clone();
    let fmt = Formatter::for_state(state);
    tokio::task::spawn_blocking(move || {
        if let Err(error) = write_all(&db, query, &fmt, &sender) {
            tracing::error!(error = ?error, "CSV export stopped");
            let _ = sender.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    receiver
}

fn write_all(
    db: &crate::db::Db,
    mut query: CaseListQuery,
    fmt: &Formatter,
    sender: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let mut conn = db.reader_blocking()?;
    let mut first = true;
    loop {
        let mut writer = csv::Writer::from_writer(Vec::new());
        if std::mem::take(&mut first) {
            writer.write_record(HEADER)?;
        }
        let page = case_list::page(&mut conn, &query, BATCH)?;
        for row in &page.rows {
            writer.write_record([
                row.id.to_string(),
                fmt.time(&row.created_at),
                row.customer_name.clone(),
                row.account_id.clone(),
                row.request.as_str().to_owned(),
                row.ar_balance.plain(),
                row.refund_amount.map(|m| m.plain()).unwrap_or_default(),
                row.cancellation_status
                    .map_or("", CancellationStatus::label)
                    .to_owned(),
                row.refund_status.map_or("", RefundStatus::label).to_owned(),
                if row.is_open { "Open" } else { "Closed" }.to_owned(),
            ])?;
        }
        let chunk = writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("writing CSV: {e}"))?;
        if sender.blocking_send(Ok(Bytes::from(chunk))).is_err() {
            return Ok(()); // the browser went away
        }
        match page.next_before {
            Some(before) => query.before = Some(before),
            None => return Ok(()),
        }
    }
}
