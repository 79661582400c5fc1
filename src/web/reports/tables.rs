//! The three report tables as the page and the CSV show them: headers,
//! one line per group and the "Total" line, and a bar chart drawn as
//! inline SVG by the server (the table stays the accessible source).

use rust_decimal::Decimal;

use crate::format::spreadsheet_safe;

use crate::domain::reports::{
    CancellationRow, GroupBy, RefundRow, Reports, SaveCallRow, Table, duration, percent, plain_rate,
};

const SAVE_CALL_COLUMNS: &[&str] = &[
    "Save tasks",
    "Saved",
    "Not saved",
    "Withdrawn",
    "Open",
    "Save rate",
    "A/R retained",
    "Kept 30 days",
    "On time",
    "Median time to outcome",
];
const CANCELLATION_COLUMNS: &[&str] = &[
    "Cases",
    "C2 reply",
    "C2A under the limit",
    "C2A save call",
    "C3 save call",
    "Cancelled",
    "Retained",
    "Withdrawn",
];
const REFUND_COLUMNS: &[&str] = &[
    "Refunds",
    "Needs review",
    "Issued",
    "Denied",
    "Withdrawn",
    "In progress",
    "Amount issued",
    "On time",
    "Median time to issue",
];

/// Which table: its path in the CSV link and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    SaveCalls,
    Cancellations,
    Refunds,
}

impl Which {
    pub const ALL: [Which; 3] = [Which::SaveCalls, Which::Cancellations, Which::Refunds];

    pub fn slug(self) -> &'static str {
        match self {
            Which::SaveCalls => "save-calls",
            Which::Cancellations => "cancellations",
            Which::Refunds => "refunds",
        }
    }

    pub fn from_csv_path(path: &str) -> Option<Which> {
        Which::ALL
            .into_iter()
            .find(|w| path.strip_suffix(".csv") == Some(w.slug()))
    }

    pub fn title(self) -> &'static str {
        match self {
            Which::SaveCalls => "Save calls",
            Which::Cancellations => "Cancellations",
            Which::Refunds => "Refunds",
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            Which::SaveCalls => SAVE_CALL_COLUMNS,
            Which::Cancellations => CANCELLATION_COLUMNS,
            Which::Refunds => REFUND_COLUMNS,
        }
    }

    /// What the bar chart shows.
    fn measure(self) -> &'static str {
        match self {
            Which::SaveCalls => "Save tasks",
            Which::Cancellations => "Cases",
            Which::Refunds => "Refunds",
        }
    }
}

/// One cell: its text on the page and in the CSV, and a note beside it.
pub struct Cell {
    pub text: String,
    pub csv: String,
    pub note: Option<&'static str>,
    pub numeric: bool,
}

impl Cell {
    fn text(text: &str) -> Cell {
        Cell {
            text: text.to_owned(),
            csv: text.to_owned(),
            note: None,
            numeric: false,
        }
    }

    fn count(n: u64) -> Cell {
        Cell {
            text: n.to_string(),
            csv: n.to_string(),
            note: None,
            numeric: true,
        }
    }

    fn shown(text: String, csv: String) -> Cell {
        Cell {
            text,
            csv,
            note: None,
            numeric: true,
        }
    }

    /// SPEC §11's share done by the due time; `—` with a note when nothing
    /// done had a due time.
    fn on_time(rate: Option<Decimal>) -> Cell {
        let mut cell = Cell::shown(percent(rate), plain_rate(rate));
        if rate.is_none() {
            cell.note = Some("nothing done had a due time");
        }
        cell
    }

    fn median(seconds: Option<i64>) -> Cell {
        Cell::shown(
            seconds.map_or_else(|| "—".to_owned(), duration),
            seconds.map(|s| s.to_string()).unwrap_or_default(),
        )
    }
}

fn save_call_cells(row: &SaveCallRow) -> Vec<Cell> {
    let mut kept = Cell::shown(percent(row.kept_rate()), plain_rate(row.kept_rate()));
    if row.kept_of == 0 {
        kept.note = Some("no save is 30 days old yet");
    }
    vec![
        Cell::text(&row.group),
        Cell::count(row.tasks),
        Cell::count(row.saved),
        Cell::count(row.not_saved),
        Cell::count(row.withdrawn),
        Cell::count(row.open),
        Cell::shown(percent(row.save_rate()), plain_rate(row.save_rate())),
        Cell::shown(row.ar_retained.to_string(), row.ar_retained.plain()),
        kept,
        Cell::on_time(row.on_time_rate()),
        Cell::median(row.median_time_to_outcome),
    ]
}

fn cancellation_cells(row: &CancellationRow) -> Vec<Cell> {
    vec![
        Cell::text(&row.group),
        Cell::count(row.cases),
        Cell::count(row.c2_reply),
        Cell::count(row.c2a_under_limit),
        Cell::count(row.c2a_save_call),
        Cell::count(row.c3_save_call),
        Cell::count(row.cancelled),
        Cell::count(row.retained),
        Cell::count(row.withdrawn),
    ]
}

fn refund_cells(row: &RefundRow) -> Vec<Cell> {
    vec![
        Cell::text(&row.group),
        Cell::count(row.refunds),
        Cell::count(row.needs_review),
        Cell::count(row.issued),
        Cell::count(row.denied),
        Cell::count(row.withdrawn),
        Cell::count(row.in_progress),
        Cell::shown(row.amount_issued.to_string(), row.amount_issued.plain()),
        Cell::on_time(row.on_time_rate()),
        Cell::median(row.median_time_to_issue),
    ]
}

/// One bar of a chart, laid out in SVG units.
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub y: usize,
    pub text_y: usize,
    pub width: u64,
}

/// A horizontal bar chart of one count per group.
pub struct Chart {
    pub title: String,
    pub bars: Vec<Bar>,
    pub height: usize,
}

pub const CHART_LABEL_WIDTH: u64 = 170;
pub const CHART_BAR_WIDTH: u64 = 320;
const BAR_PITCH: usize = 24;

impl Chart {
    fn of(title: String, values: Vec<(String, u64)>) -> Chart {
        let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
        let bars: Vec<Bar> = values
            .into_iter()
            .enumerate()
            .map(|(i, (label, value))| Bar {
                label: if label.chars().count() > 22 {
                    label.chars().take(21).collect::<String>() + "…"
                } else {
                    label
                },
                value,
                y: i * BAR_PITCH + 4,
                text_y: i * BAR_PITCH + 18,
                width: value * CHART_BAR_WIDTH / max,
            })
            .collect();
        Chart {
            title,
            height: bars.len().max(1) * BAR_PITCH + 8,
            bars,
        }
    }
}

/// A table as the page shows it.
pub struct TableView {
    pub which: Which,
    pub note: Option<String>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Vec<Cell>,
    pub chart: Chart,
    pub csv_href: String,
}

impl TableView {
    pub fn id(&self) -> &'static str {
        self.which.slug()
    }

    pub fn title(&self) -> &'static str {
        self.which.title()
    }
}

fn view<R>(
    which: Which,
    table: &Table<R>,
    asked: GroupBy,
    cells: fn(&R) -> Vec<Cell>,
    query: &str,
) -> TableView {
    let rows: Vec<Vec<Cell>> = table.rows.iter().map(cells).collect();
    let values = rows
        .iter()
        .map(|r| (r[0].text.clone(), r[1].text.parse().unwrap_or(0)))
        .collect();
    let by = table.group_by.label();
    TableView {
        which,
        note: (table.group_by != asked).then(|| {
            format!(
                "“{}” does not apply to refunds: this table is grouped by month.",
                asked.label()
            )
        }),
        headers: std::iter::once(by)
            .chain(which.columns().iter().copied())
            .collect(),
        chart: Chart::of(
            format!("{} by {}", which.measure(), by.to_lowercase()),
            values,
        ),
        rows,
        total: cells(&table.total),
        csv_href: format!("/reports/{}.csv?{query}", which.slug()),
    }
}

/// The three tables for the page (and for one CSV).
pub fn views(reports: &Reports, asked: GroupBy, query: &str) -> Vec<TableView> {
    vec![
        view(
            Which::SaveCalls,
            &reports.save_calls,
            asked,
            save_call_cells,
            query,
        ),
        view(
            Which::Cancellations,
            &reports.cancellations,
            asked,
            cancellation_cells,
            query,
        ),
        view(Which::Refunds, &reports.refunds, asked, refund_cells, query),
    ]
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The table as CSV: the headers, one line per group, then "Total".
/// Numbers stay plain numbers; the group's text is neutralised.
pub fn csv(table: &TableView) -> String {
    let mut out = String::new();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
            + "\r\n"
    };
    out.push_str(&line(
        table.headers.iter().map(|h| (*h).to_owned()).collect(),
    ));
    for row in table.rows.iter().chain(std::iter::once(&table.total)) {
        out.push_str(&line(
            row.iter()
                .map(|c| {
                    if c.numeric {
                        c.csv.clone()
                    } else {
                        spreadsheet_safe(&c.csv)
                    }
                })
                .collect(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn csv_paths_name_the_tables() {
        assert_eq!(
            Which::from_csv_path("save-calls.csv"),
            Some(Which::SaveCalls)
        );
        assert_eq!(Which::from_csv_path("refunds.csv"), Some(Which::Refunds));
        assert_eq!(Which::from_csv_path("refunds"), None);
    }

    #[test]
    fn bars_scale_to_the_longest() {
        let chart = Chart::of(
            "x".into(),
            vec![("a".into(), 2), ("b".into(), 4), ("c".into(), 0)],
        );
        let widths: Vec<u64> = chart.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [CHART_BAR_WIDTH / 2, CHART_BAR_WIDTH, 0]);
    }
}
