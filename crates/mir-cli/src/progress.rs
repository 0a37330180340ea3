//! Progress for long commands (`copy`, `verify`, `backup`, `restore`, `demo --scale national`,
//! `import postcodes`): on a terminal, a bar with counts, rate and time left (indicatif); when
//! standard error is not a terminal (a log, a CI job), a plain line every few seconds and at
//! the end, so nothing fills a log with escape codes.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often a plain line is written when there is no terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// One long task's progress display.
pub(crate) struct Progress {
    label: String,
    /// What is counted ("rows"), for the plain lines.
    unit: String,
    bar: Option<ProgressBar>,
    started: Instant,
    /// When the last plain line was written (no terminal).
    last_line: Mutex<Option<Instant>>,
}

impl Progress {
    /// A task counted in `unit` (rows, organisations, tables).
    pub(crate) fn counted(label: &str, unit: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template(&format!(
                "{{prefix}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit}, about {{eta}} left {{msg}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(label.to_owned());
            bar
        });
        Progress::with(label, unit, bar)
    }

    /// A task that cannot be counted (one database statement): a spinner with the time taken.
    pub(crate) fn spinner(label: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(label.to_owned());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        if bar.is_none() {
            eprintln!("{label}…");
        }
        Progress::with(label, "", bar)
    }

    fn with(label: &str, unit: &str, bar: Option<ProgressBar>) -> Progress {
        Progress {
            label: label.to_owned(),
            unit: unit.to_owned(),
            bar,
            started: Instant::now(),
            last_line: Mutex::new(None),
        }
    }

    /// Reached `done` of `total`, working on `what`.
    pub(crate) fn update(&self, what: &str, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(what.to_owned());
            return;
        }
        let mut last = self
            .last_line
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if last.is_some_and(|at| at.elapsed() < PLAIN_EVERY) && done < total {
            return;
        }
        *last = Some(Instant::now());
        eprintln!("{}", self.plain_line(what, done, total));
    }

    /// The line written without a terminal: counts, share, rate and time left.
    fn plain_line(&self, what: &str, done: u64, total: u64) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let (share, rate) = (
            if total == 0 {
                100.0
            } else {
                done as f64 * 100.0 / total as f64
            },
            done as f64 / seconds,
        );
        #[allow(clippy::cast_precision_loss)]
        let left = if rate > 0.0 && total > done {
            format!(", about {:.0} s left", (total - done) as f64 / rate)
        } else {
            String::new()
        };
        format!(
            "{}: {done} of {total} {unit} ({share:.0}%), {rate:.0} {unit} a second{left}; now {what}",
            self.label,
            unit = self.unit
        )
    }

    /// The task ended (the result line is printed by the command).
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// The callback form the store takes.
    pub(crate) fn callback(&self) -> impl Fn(&str, u64, u64) + Sync + '_ {
        move |what, done, total| self.update(what, done, total)
    }
}

/// A reader that reports how much of a file has been read (in bytes) as it goes.
pub(crate) struct CountingReader<'a, R> {
    inner: R,
    read: u64,
    total: u64,
    progress: &'a Progress,
}

impl<'a, R> CountingReader<'a, R> {
    pub(crate) fn new(inner: R, total: u64, progress: &'a Progress) -> Self {
        CountingReader {
            inner,
            read: 0,
            total,
            progress,
        }
    }
}

impl<R: std::io::Read> std::io::Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.progress
            .update("reading", self.read, self.total.max(self.read));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_line_says_how_far_and_how_long() {
        let progress = Progress::with("copy", "rows", None);
        let line = progress.plain_line("plan_actions", 250, 1000);
        assert!(line.starts_with("copy: 250 of 1000 rows (25%), "), "{line}");
        assert!(line.contains(" rows a second"), "{line}");
        assert!(line.contains("s left; now plan_actions"), "{line}");
        let done = progress.plain_line("done", 1000, 1000);
        assert!(!done.contains("left"), "{done}");
    }
}
