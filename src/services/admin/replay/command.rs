//! `retention-desk replay …`: the preview's summary on the command line,
//! from the same replay.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;

use crate::config::parse_timezone;
use crate::db::Db;
use crate::db::models::reference::LevelRow;
use crate::domain::{CancellationRoute, Money};
use crate::services::ServiceError;
use crate::state::OneAtATime;

use super::{Draft, Period, Preview, run};

/// The draft to try, as `retention-desk replay` takes it.
#[derive(clap::Args, Debug, Clone)]
pub struct ReplayArgs {
    /// The draft A/R limit, e.g. 1500 or 1,500.00.
    #[arg(long)]
    pub ar_limit: String,
    /// The draft refund review limit.
    #[arg(long)]
    pub refund_review_limit: String,
    /// A level's draft route, "LEVEL=ROUTE" (routes: essentials, check_ar,
    /// sales_call); repeat for more levels. Others keep today's route.
    #[arg(long = "route", value_name = "LEVEL=ROUTE")]
    pub routes: Vec<String>,
    /// The first day of cases to replay (YYYY-MM-DD; default 89 days ago).
    #[arg(long)]
    pub from: Option<String>,
    /// The last day of cases to replay (YYYY-MM-DD; default today).
    #[arg(long)]
    pub to: Option<String>,
    /// The time zone of the days.
    #[arg(long, env = "RD_TIMEZONE", default_value = "UTC")]
    pub timezone: String,
}

/// Runs the replay on the database at `database` and returns the summary
/// as text. An unknown level or route, or a bad amount or date, is an
/// error (the command exits 1).
pub fn replay_command(database: &Path, args: &ReplayArgs, now: i64) -> anyhow::Result<String> {
    anyhow::ensure!(
        database.exists(),
        "there is no database at {}",
        database.display()
    );
    let zone = parse_timezone(&args.timezone)?;
    let money = |flag: &str, text: &str| {
        Money::parse(text).map_err(|e| anyhow::anyhow!("--{flag} {text:?}: {e}"))
    };
    let ar_limit = money("ar-limit", &args.ar_limit)?;
    let refund_review_limit = money("refund-review-limit", &args.refund_review_limit)?;
    let default = Period::last_90_days(now, zone);
    let period = Period {
        from: date("from", args.from.as_deref())?.unwrap_or(default.from),
        to: date("to", args.to.as_deref())?.unwrap_or(default.to),
    };
    anyhow::ensure!(period.from <= period.to, "--to is before --from");
    let db = Db::open(database)?;
    actix_web::rt::System::new().block_on(async move {
        let levels = db
            .read(|conn| LevelRow::all(conn).map_err(ServiceError::from))
            .await?;
        let mut draft = Draft {
            ar_limit: Some(ar_limit),
            refund_review_limit: Some(refund_review_limit),
            routes: Vec::new(),
        };
        for given in &args.routes {
            draft.routes.push(level_route(&levels, given)?);
        }
        let preview = run(&db, &OneAtATime::default(), &draft, period, zone)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(summary_text(&preview, &args.timezone))
    })
}

fn date(flag: &str, text: Option<&str>) -> anyhow::Result<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .with_context(|| format!("--{flag} {t:?}: expected a date like 2026-11-30"))
    })
    .transpose()
}

/// `"Professional=sales_call"` → the level in use of that name (any case)
/// and the route (its value or its label).
fn level_route(
    levels: &[LevelRow],
    given: &str,
) -> anyhow::Result<(crate::domain::LevelId, CancellationRoute)> {
    let (name, route) = given
        .rsplit_once('=')
        .with_context(|| format!("--route {given:?}: expected LEVEL=ROUTE"))?;
    let in_use: Vec<&LevelRow> = levels.iter().filter(|l| l.retired_at.is_none()).collect();
    let level = in_use
        .iter()
        .find(|l| l.name.trim().eq_ignore_ascii_case(name.trim()))
        .with_context(|| {
            let names: Vec<&str> = in_use.iter().map(|l| l.name.as_str()).collect();
            format!(
                "--route {given:?}: unknown level {:?} (levels in use: {})",
                name.trim(),
                names.join(", ")
            )
        })?;
    let route = CancellationRoute::ALL
        .into_iter()
        .find(|r| {
            let route = route.trim();
            r.as_str().eq_ignore_ascii_case(route) || r.label().eq_ignore_ascii_case(route)
        })
        .with_context(|| {
            format!(
                "--route {given:?}: unknown route {:?} (routes: essentials, check_ar, sales_call)",
                route.trim()
            )
        })?;
    Ok((level.id, route))
}

/// The summary as the preview page shows it, in lines of text.
pub fn summary_text(preview: &Preview, zone: &str) -> String {
    let Preview {
        today,
        draft,
        period,
        summary,
        ..
    } = preview;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Cases submitted {} to {} ({zone})",
        period.from, period.to
    );
    let _ = writeln!(
        out,
        "Today: policy version {}, A/R limit {}, refund review limit {}",
        today.version, today.ar_limit, today.refund_review_limit
    );
    let mut routes: Vec<String> = draft
        .changed_levels()
        .map(|l| format!("{} {} → {}", l.name, l.today.label(), l.draft.label()))
        .collect();
    if routes.is_empty() {
        routes.push("routes unchanged".to_owned());
    }
    let _ = writeln!(
        out,
        "Draft: A/R limit {}, refund review limit {}; {}",
        draft.ar_limit,
        draft.refund_review_limit,
        routes.join("; ")
    );
    let _ = writeln!(
        out,
        "Replayed {} cases: {} change, {} not replayable.",
        summary.replayed, summary.changed, summary.not_replayable
    );
    if !summary.changes.is_empty() {
        let _ = writeln!(out, "Changes:");
    }
    for line in &summary.changes {
        let _ = write!(out, "  {}: {} cases", line.change, line.cases);
        if line.into_review.0 != 0 {
            let _ = write!(out, ", {} into review", line.into_review);
        }
        if line.out_of_review.0 != 0 {
            let _ = write!(out, ", {} out of review", line.out_of_review);
        }
        out.push('\n');
    }
    if !summary.save_tasks.is_empty() {
        let _ = writeln!(out, "Save tasks (today → draft):");
    }
    for line in &summary.save_tasks {
        let departed = if line.departed { " (departed)" } else { "" };
        let _ = writeln!(
            out,
            "  {}{departed}: {} → {}",
            line.name, line.today, line.draft
        );
    }
    out
}
