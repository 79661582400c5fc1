//! `retention-desk backup --to FILE`: a consistent copy of the live database.
//!
//! `VACUUM INTO` reads one snapshot inside a read transaction, so it is safe
//! while the app serves and writes; the copy is compact and has no WAL.

use std::path::Path;

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::Text;

pub fn backup_to(conn: &mut SqliteConnection, target: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !target.exists(),
        "{} already exists: choose a new file name (a backup never overwrites)",
        target.display()
    );
    let target_text = target
        .to_str()
        .context("the backup path is not valid UTF-8")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target_text)
        .execute(conn)
        .with_context(|| format!("writing the backup to {}", target.display()))?;
    Ok(())
}
