//! A bulk job's progress on stderr: a bar on a terminal (done, failed, rate, ETA); plain lines
//! every few seconds otherwise, never an escape code in a pipe or a log.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the plain form prints a line.
const PLAIN_EVERY: Duration = Duration::from_secs(2);

pub struct Progress {
    total: u64,
    started: Instant,
    /// Finished before this run (from the checkpoint): not part of the rate.
    earlier: u64,
    state: Mutex<State>,
    bar: Option<ProgressBar>,
}

struct State {
    done: u64,
    failed: u64,
    last_line: Instant,
}

impl Progress {
    /// `done` and `failed` of the `total` inputs finished already (an earlier run's).
    pub fn new(total: u64, done: u64, failed: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
            let style = ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} {msg} {per_sec} ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_position(done);
            bar.reset_eta();
            bar.set_message(format!("failed {failed}"));
            bar
        });
        let state = State { done, failed, last_line: Instant::now() };
        Self { total, started: Instant::now(), earlier: done, state: Mutex::new(state), bar }
    }

    /// One more input finished.
    pub fn finished(&self, ok: bool) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.done += 1;
        s.failed += u64::from(!ok);
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if !ok {
                    bar.set_message(format!("failed {}", s.failed));
                }
            }
            None if s.last_line.elapsed() >= PLAIN_EVERY => {
                s.last_line = Instant::now();
                eprintln!("progress: {}", self.line(&s));
            }
            None => {}
        }
    }

    /// Ends the bar and prints the summary line.
    pub fn finish(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        eprintln!("{what}: {}", self.line(&s));
    }

    fn line(&self, s: &State) -> String {
        let seconds = self.started.elapsed().as_secs_f64();
        let this_run = s.done - self.earlier;
        let rate = if seconds > 0.0 { this_run as f64 / seconds } else { 0.0 };
        let left = self.total - s.done;
        let eta = if rate > 0.0 && left > 0 { format!(", ETA {:.0} s", left as f64 / rate) } else { String::new() };
        format!("{}/{} finished, {} failed, {rate:.0}/s{eta} ({seconds:.1} s)", s.done, self.total, s.failed)
    }
}
