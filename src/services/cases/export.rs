//! CSV export of cases with the same filters as `/cases`, streamed: rows
//! are read in keyset batches, each batch on a reader taken for that read
//! only, and sent on as they are written. A client that stops reading is
//! given up after `RD`'s export stall timeout, so it holds nothing.

use actix_web::web::Bytes;
use tokio::sync::mpsc;

use crate::db::views::case_list::{self, CaseListPage, CaseListQuery};
use crate::domain::{CancellationStatus, RefundStatus};
use crate::format::{Formatter, spreadsheet_safe};
use crate::services::ServiceError;
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

type Chunk = Result<Bytes, std::io::Error>;

/// Starts the export; the receiver yields CSV chunks until the last row.
pub fn export_cases(app: &AppState, query: CaseListQuery) -> mpsc::Receiver<Chunk> {
    let (sender, receiver) = mpsc::channel(4);
    let app = app.clone();
    actix_web::rt::spawn(async move {
        if let Err(error) = write_all(&app, query, &sender).await {
            tracing::error!(error = ?error, "CSV export stopped");
            let _ = sender.try_send(Err(std::io::Error::other("export failed")));
        }
    });
    receiver
}

async fn write_all(
    app: &AppState,
    mut query: CaseListQuery,
    sender: &mpsc::Sender<Chunk>,
) -> anyhow::Result<()> {
    let fmt = Formatter::for_state(app);
    let stall = app.settings.export_stall_timeout;
    let mut first = true;
    loop {
        let batch = query.clone();
        let page: CaseListPage = app
            .db
            .read(move |conn| Ok::<_, ServiceError>(case_list::page(conn, &batch, BATCH)?))
            .await?;
        let chunk = csv_chunk(&page, &fmt, std::mem::take(&mut first))?;
        match sender.send_timeout(Ok(Bytes::from(chunk)), stall).await {
            Ok(()) => {}
            Err(mpsc::error::SendTimeoutError::Timeout(_)) => {
                tracing::warn!("CSV export given up: the client stopped reading");
                return Ok(());
            }
            // The browser went away.
            Err(mpsc::error::SendTimeoutError::Closed(_)) => return Ok(()),
        }
        match page.next_before {
            Some(before) => query.before = Some(before),
            None => return Ok(()),
        }
    }
}

fn csv_chunk(page: &CaseListPage, fmt: &Formatter, header: bool) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if header {
        writer.write_record(HEADER)?;
    }
    for row in &page.rows {
        writer.write_record([
            row.id.to_string(),
            fmt.time(&row.created_at),
            spreadsheet_safe(&row.customer_name),
            spreadsheet_safe(&row.account_id),
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
    writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing CSV: {e}"))
}
