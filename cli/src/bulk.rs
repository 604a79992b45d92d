//! Bulk jobs: one operation over every input of a file, `--concurrency` at a time, with a
//! checkpoint that makes the job resumable after Ctrl-C, a crash or `kill -9` without sending
//! anything twice that had finished, and a report with one line per input.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use adapty_server::ops::observe::{self, Raw};
use adapty_server::{Client, Error};
use serde_json::{Map, Value, json};
use tokio::sync::Mutex;

use crate::checkpoint::{Checkpoint, Earlier, Outcome, fingerprint};
use crate::exit::{Exit, Failure};
use crate::inputs::Input;
use crate::progress::Progress;
use crate::request::Template;

/// One bulk job, as its flags describe it.
pub struct Job {
    pub template: Template,
    pub inputs: Vec<Input>,
    /// The inputs' text (part of the checkpoint's fingerprint).
    pub text: String,
    pub concurrency: usize,
    pub checkpoint: Option<String>,
    pub report: Option<String>,
    pub dry_run: bool,
    pub yes: bool,
    pub destructive: bool,
    /// The inputs came from stdin, which therefore cannot answer a confirmation.
    pub from_stdin: bool,
}

/// What an input says that is not a request: the line cannot be read or does not fit.
fn invalid(message: &str) -> Outcome {
    Outcome { ok: false, status: None, error_code: None, request_id: None, error: Some(message.to_owned()), note: None }
}

/// An input's outcome from its call.
fn outcome(result: Result<Raw<adapty_server::ops::Json>, Error>) -> Outcome {
    match result {
        Ok(Raw { response, .. }) => {
            Outcome { ok: true, status: Some(response.status), error_code: None, request_id: response.request_id, error: None, note: None }
        }
        Err(e) => {
            let api = e.api();
            Outcome {
                ok: false,
                status: api.map(|a| a.status),
                error_code: api.and_then(|a| a.error_code.clone()),
                request_id: api.and_then(|a| a.request_id.clone()),
                error: Some(e.to_string()),
                note: None,
            }
        }
    }
}

impl Job {
    /// Runs the job; the exit code says how it went.
    pub fn run(self, client: &Client) -> Result<Exit, Failure> {
        let op = self.template.op;
        let args: Vec<Result<Value, Outcome>> = self
            .inputs
            .iter()
            .map(|input| {
                let keys = input.keys.as_ref().map_err(|e| invalid(e))?;
                self.template.with_input(keys).map_err(|e| invalid(&e))
            })
            .collect();
        if self.dry_run {
            return self.dry_run(client, args);
        }
        if self.destructive && !self.yes {
            self.confirm()?;
        }
        let (checkpoint, earlier) = match &self.checkpoint {
            Some(path) => {
                let job = fingerprint(op.name, &self.template.call(), &self.text);
                let (c, e) = Checkpoint::open(path, &job, self.inputs.len()).map_err(Failure::Usage)?;
                (Some(c), e)
            }
            None => (None, Earlier::default()),
        };
        let failed_before = earlier.finished.values().filter(|o| !o.ok).count() as u64;
        let progress = Progress::new(self.inputs.len() as u64, earlier.finished.len() as u64, failed_before);
        if !earlier.finished.is_empty() {
            eprintln!("continuing: {} of {} inputs finished in an earlier run", earlier.finished.len(), self.inputs.len());
        }
        let pending: Vec<usize> = (0..self.inputs.len()).filter(|i| !earlier.finished.contains_key(i)).collect();
        let run = Arc::new(Run {
            client: client.clone(),
            op: op.name,
            deletes: op.name == "profiles.delete",
            args,
            checkpoint,
            unfinished: earlier.unfinished,
            outcomes: Mutex::new(earlier.finished),
            progress,
            stop: Arc::new(AtomicBool::new(false)),
            refused: AtomicBool::new(false),
            write_error: std::sync::Mutex::new(None),
        });
        let concurrency = self.concurrency;
        let (run, outcomes) = adapty_server::runtime::block_on(async move {
            let stop = run.stop.clone();
            let interrupt = tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    eprintln!("\ninterrupted: finishing the requests in flight (Ctrl-C again to leave now)");
                    stop.store(true, Ordering::SeqCst);
                    let _ = tokio::signal::ctrl_c().await;
                    std::process::exit(Exit::Interrupted as i32);
                }
            });
            // A task per input (on every runtime thread), at most `concurrency` at once.
            let slots = Arc::new(tokio::sync::Semaphore::new(concurrency));
            let mut tasks = tokio::task::JoinSet::new();
            for i in pending {
                let Ok(slot) = slots.clone().acquire_owned().await else { break };
                if run.stop.load(Ordering::SeqCst) {
                    break;
                }
                let run = run.clone();
                tasks.spawn(async move {
                    run.one(i).await;
                    drop(slot);
                });
            }
            while tasks.join_next().await.is_some() {}
            interrupt.abort();
            let outcomes = std::mem::take(&mut *run.outcomes.lock().await);
            Ok((run, outcomes))
        })
        .map_err(|e| Failure::Other(e.to_string()))?;
        let interrupted = run.stop.load(Ordering::SeqCst);
        run.progress.finish(if interrupted { "stopped" } else { "done" });
        if let Some(path) = &self.report {
            write_report(path, &self.inputs, &outcomes).map_err(|e| Failure::Other(format!("--report {path}: {e}")))?;
        }
        if let Some(e) = run.write_error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(Failure::Other(format!("the checkpoint could not be written ({e}); the job stopped")));
        }
        if run.refused.load(Ordering::SeqCst) {
            return Err(Failure::Auth("the API refused the key (401); the job stopped".into()));
        }
        if interrupted {
            if self.checkpoint.is_some() {
                eprintln!("run the same command again to continue where it stopped");
            }
            return Ok(Exit::Interrupted);
        }
        Ok(if outcomes.values().all(|o| o.ok) { Exit::Ok } else { Exit::Failed })
    }

    /// Checks every input as the SDK would before sending it; sends nothing.
    fn dry_run(&self, client: &Client, args: Vec<Result<Value, Outcome>>) -> Result<Exit, Failure> {
        let op = self.template.op.name;
        let outcomes = adapty_server::runtime::block_on({
            let client = client.clone();
            async move {
                let mut outcomes = BTreeMap::new();
                for (i, args) in args.into_iter().enumerate() {
                    let outcome = match args {
                        Err(invalid) => invalid,
                        Ok(args) => match observe::check(&client, op, &args).await {
                            Ok(()) => Outcome {
                                ok: true,
                                status: None,
                                error_code: None,
                                request_id: None,
                                error: None,
                                note: Some("dry run".into()),
                            },
                            Err(e) => outcome(Err(e)),
                        },
                    };
                    outcomes.insert(i, outcome);
                }
                Ok(outcomes)
            }
        })
        .map_err(|e| Failure::Other(e.to_string()))?;
        let invalid: Vec<_> = outcomes.iter().filter(|(_, o)| !o.ok).collect();
        for (i, o) in invalid.iter().take(20) {
            eprintln!("line {}: {}", self.inputs[**i].line, o.error.as_deref().unwrap_or_default());
        }
        eprintln!(
            "dry run: {} inputs, {} would be sent, {} invalid; nothing sent",
            outcomes.len(),
            outcomes.len() - invalid.len(),
            invalid.len()
        );
        if let Some(path) = &self.report {
            write_report(path, &self.inputs, &outcomes).map_err(|e| Failure::Other(format!("--report {path}: {e}")))?;
        }
        Ok(if invalid.is_empty() { Exit::Ok } else { Exit::Failed })
    }

    /// Asks before a destructive job; refuses when nobody can answer.
    fn confirm(&self) -> Result<(), Failure> {
        let what = format!("{} for {} inputs", self.template.op.name, self.inputs.len());
        if self.from_stdin || !std::io::stdin().is_terminal() {
            return Err(Failure::Usage(format!("{what} cannot be undone: pass --yes to run it without asking (no terminal to ask)")));
        }
        eprint!("{what} cannot be undone. Run it? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).map_err(|e| Failure::Other(e.to_string()))?;
        if matches!(answer.trim(), "y" | "Y" | "yes") { Ok(()) } else { Err(Failure::Usage("cancelled".into())) }
    }
}

/// The state the workers share while the job runs.
struct Run {
    client: Client,
    op: &'static str,
    deletes: bool,
    args: Vec<Result<Value, Outcome>>,
    checkpoint: Option<Checkpoint>,
    /// Inputs an earlier run started and did not finish: their requests may have been applied.
    unfinished: BTreeSet<usize>,
    outcomes: Mutex<BTreeMap<usize, Outcome>>,
    progress: Progress,
    stop: Arc<AtomicBool>,
    refused: AtomicBool,
    write_error: std::sync::Mutex<Option<std::io::Error>>,
}

impl Run {
    /// Sends input `i` (unless the job is stopping) and records its outcome.
    async fn one(&self, i: usize) {
        if self.stop.load(Ordering::SeqCst) {
            return;
        }
        let mut result = match &self.args[i] {
            Err(invalid) => invalid.clone(),
            Ok(args) => {
                if let Some(c) = &self.checkpoint {
                    if let Err(e) = c.started(i).await {
                        return self.fail_writing(e);
                    }
                }
                outcome(observe::call_raw(&self.client, self.op, args).await)
            }
        };
        if result.status == Some(401) {
            // Nothing was applied: the input stays to do, and so does everything after it.
            self.refused.store(true, Ordering::SeqCst);
            self.stop.store(true, Ordering::SeqCst);
            if let Some(c) = &self.checkpoint {
                if let Err(e) = c.released(i).await {
                    self.fail_writing(e);
                }
            }
            return;
        }
        if self.deletes && result.status == Some(404) && self.unfinished.contains(&i) {
            // Started by a run that died before it could record the outcome: that request
            // deleted the profile.
            result = Outcome { ok: true, error: None, error_code: None, note: Some("deleted by the interrupted run".into()), ..result };
        }
        if let Some(c) = &self.checkpoint {
            if let Err(e) = c.finished(i, &result).await {
                return self.fail_writing(e);
            }
        }
        self.progress.finished(result.ok);
        self.outcomes.lock().await.insert(i, result);
    }

    fn fail_writing(&self, e: std::io::Error) {
        self.stop.store(true, Ordering::SeqCst);
        *self.write_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
    }
}

/// Writes one line per finished input, in input order: its line, its keys and its outcome.
fn write_report(path: &str, inputs: &[Input], outcomes: &BTreeMap<usize, Outcome>) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (i, outcome) in outcomes {
        let input = inputs[*i].keys.as_ref().ok().cloned().map_or(Value::Null, Value::Object);
        let mut line = Map::new();
        line.insert("line".into(), json!(inputs[*i].line));
        line.insert("input".into(), input);
        if let Value::Object(fields) = serde_json::to_value(outcome)? {
            line.extend(fields);
        }
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
