//! What `retention-desk demo-data` says while it loads: on a terminal, one
//! line updated in place (cases written, rate, time left); in a log or a
//! pipe, a line at every tenth of the load, so that it stays short.

use std::time::Duration;

use super::bulk::Progress;

/// Turns [`Progress`] into the text to write to stderr.
pub struct ProgressText {
    total: u64,
    terminal: bool,
    /// The next tenth (1 to 10) that earns a line when not on a terminal.
    next_tenth: u64,
}

impl ProgressText {
    pub fn new(total: u64, terminal: bool) -> ProgressText {
        ProgressText {
            total,
            terminal,
            next_tenth: 1,
        }
    }

    /// The text for `progress`, `elapsed` after the start, if there is any
    /// to write now.
    pub fn text(&mut self, progress: Progress, elapsed: Duration) -> Option<String> {
        match progress {
            Progress::Written(done) => self.written(done, elapsed),
            Progress::Indexing => {
                Some("demo-data: building the indexes and the search index\n".to_owned())
            }
        }
    }

    fn written(&mut self, done: u64, elapsed: Duration) -> Option<String> {
        let total = self.total.max(1);
        let seconds = elapsed.as_secs_f64();
        let rate = if seconds > 0.0 {
            done as f64 / seconds
        } else {
            0.0
        };
        let left = if rate > 0.0 {
            format!("{:.0} s left", (total.saturating_sub(done)) as f64 / rate)
        } else {
            "time left unknown".to_owned()
        };
        let line = format!(
            "demo-data: {done} of {} cases ({} %), {rate:.0} cases/s, {left}",
            self.total,
            done * 100 / total
        );
        if self.terminal {
            // Back to the start of the line and clear it: the line is
            // updated in place until the last cases are written.
            let end = if done >= self.total { "\n" } else { "" };
            return Some(format!("\r\x1b[2K{line}{end}"));
        }
        let tenths = done * 10 / total;
        if tenths < self.next_tenth {
            return None;
        }
        self.next_tenth = tenths + 1;
        Some(format!("{line}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(total: u64, steps: &[u64], terminal: bool) -> Vec<String> {
        let mut text = ProgressText::new(total, terminal);
        steps
            .iter()
            .filter_map(|&done| text.text(Progress::Written(done), Duration::from_secs(done)))
            .collect()
    }

    #[test]
    fn off_a_terminal_each_tenth_gets_one_line() {
        let steps: Vec<u64> = (1..=100).map(|p| p * 10).collect();
        let written = lines(1_000, &steps, false);
        assert_eq!(written.len(), 10, "{written:?}");
        assert_eq!(
            written[0],
            "demo-data: 100 of 1000 cases (10 %), 1 cases/s, 900 s left\n"
        );
        assert!(written[9].starts_with("demo-data: 1000 of 1000 cases (100 %)"));
        assert!(written[9].ends_with(", 0 s left\n"));
    }

    #[test]
    fn a_step_over_several_tenths_writes_one_line() {
        let written = lines(5, &[2, 4, 5], false);
        assert_eq!(written.len(), 3);
        assert!(written[0].contains("2 of 5 cases (40 %)"));
    }

    #[test]
    fn on_a_terminal_every_step_rewrites_the_line_until_the_last() {
        let written = lines(20, &[5, 10, 15, 20], true);
        assert_eq!(written.len(), 4);
        assert!(written.iter().all(|l| l.starts_with("\r\x1b[2K")));
        assert!(written[..3].iter().all(|l| !l.contains('\n')));
        assert!(written[2].ends_with("15 of 20 cases (75 %), 1 cases/s, 5 s left"));
        assert!(written[3].ends_with("(100 %), 1 cases/s, 0 s left\n"));
    }

    #[test]
    fn indexing_is_announced_on_a_line_of_its_own() {
        for terminal in [true, false] {
            let mut progress = ProgressText::new(10, terminal);
            let text = progress.text(Progress::Indexing, Duration::ZERO);
            assert_eq!(
                text.as_deref(),
                Some("demo-data: building the indexes and the search index\n")
            );
        }
    }
}
