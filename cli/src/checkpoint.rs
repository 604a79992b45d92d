//! A bulk job's checkpoint: a JSON-lines file that records, durably, each input started (before
//! its request leaves) and finished (with its outcome). The same job run again reads it back,
//! skips what finished, and knows which unfinished inputs may have been applied: a delete that
//! was in flight when the job died and now answers 404 was done by that first attempt.
//!
//! Writes go through one thread that appends every record waiting, calls `fdatasync` once for
//! them all, and only then lets their senders go on (group commit): a kill at any instant loses
//! no record a request depended on, at one sync per batch rather than per input.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, Write};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::oneshot;

/// The file format's name and version, in the first line.
const FORMAT: &str = "adapty-server-cli-checkpoint/1";

/// What became of one input (also its line of the report).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub ok: bool,
    pub status: Option<u16>,
    pub error_code: Option<String>,
    pub request_id: Option<String>,
    pub error: Option<String>,
    /// How the outcome was reached when that needs saying (e.g. a delete finished by an
    /// interrupted run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Record {
    Header {
        checkpoint: String,
        job: String,
        inputs: usize,
    },
    Finished {
        finished: usize,
        outcome: Outcome,
    },
    Started {
        started: usize,
    },
    /// Started, then given up before anything could be applied (the key refused): not
    /// finished, and not a request that may have been applied either.
    Released {
        released: usize,
    },
}

/// What an earlier run of the job left.
#[derive(Debug, Default)]
pub struct Earlier {
    pub finished: BTreeMap<usize, Outcome>,
    /// Started and not finished: their requests may have been applied.
    pub unfinished: BTreeSet<usize>,
}

/// The open checkpoint of a running job.
pub struct Checkpoint {
    writes: mpsc::Sender<(Record, oneshot::Sender<std::io::Result<()>>)>,
}

impl Checkpoint {
    /// Opens `path` for the job `job` (a fingerprint of the command and its inputs) of `inputs`
    /// inputs: creates it, or reads what an earlier run of the same job recorded. A checkpoint
    /// of another job is refused, and a last line cut short by a crash is dropped.
    pub fn open(path: &str, job: &str, inputs: usize) -> Result<(Self, Earlier), String> {
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(|e| format!("{path}: {e}"))?;
        let (earlier, good_len, has_header) = read(&file, job).map_err(|e| format!("{path}: {e}"))?;
        if file.metadata().map_err(|e| e.to_string())?.len() != good_len {
            file.set_len(good_len).map_err(|e| format!("{path}: {e}"))?;
            file.seek(std::io::SeekFrom::End(0)).map_err(|e| e.to_string())?;
        }
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new().name("checkpoint".into()).spawn(move || write_loop(file, rx)).map_err(|e| e.to_string())?;
        let checkpoint = Self { writes: tx };
        if !has_header {
            checkpoint.submit(Record::Header { checkpoint: FORMAT.into(), job: job.into(), inputs }).map_err(|e| format!("{path}: {e}"))?;
        }
        Ok((checkpoint, earlier))
    }

    /// Records that input `index` is about to be sent; returns once it is on disk.
    pub async fn started(&self, index: usize) -> std::io::Result<()> {
        self.record(Record::Started { started: index }).await
    }

    /// Records that input `index` was not applied and is still to do; returns once it is on disk.
    pub async fn released(&self, index: usize) -> std::io::Result<()> {
        self.record(Record::Released { released: index }).await
    }

    /// Records input `index`'s outcome; returns once it is on disk.
    pub async fn finished(&self, index: usize, outcome: &Outcome) -> std::io::Result<()> {
        self.record(Record::Finished { finished: index, outcome: outcome.clone() }).await
    }

    async fn record(&self, record: Record) -> std::io::Result<()> {
        let (done, wait) = oneshot::channel();
        self.writes.send((record, done)).map_err(|_| std::io::Error::other("the checkpoint writer stopped"))?;
        wait.await.unwrap_or_else(|_| Err(std::io::Error::other("the checkpoint writer stopped")))
    }

    /// The header, written before anything else (from a plain thread: no runtime yet).
    fn submit(&self, record: Record) -> std::io::Result<()> {
        let (done, wait) = oneshot::channel();
        self.writes.send((record, done)).map_err(|_| std::io::Error::other("the checkpoint writer stopped"))?;
        wait.blocking_recv().unwrap_or_else(|_| Err(std::io::Error::other("the checkpoint writer stopped")))
    }
}

/// Appends each batch of waiting records, syncs once, then acknowledges the batch.
fn write_loop(mut file: File, rx: mpsc::Receiver<(Record, oneshot::Sender<std::io::Result<()>>)>) {
    while let Ok(first) = rx.recv() {
        let batch: Vec<_> = std::iter::once(first).chain(rx.try_iter()).collect();
        let mut text = Vec::new();
        for (record, _) in &batch {
            serde_json::to_writer(&mut text, record).expect("a record serializes");
            text.push(b'\n');
        }
        let result = file.write_all(&text).and_then(|()| file.sync_data());
        for (_, done) in batch {
            let _ = done.send(result.as_ref().map(|_| ()).map_err(|e| std::io::Error::new(e.kind(), e.to_string())));
        }
    }
}

/// Reads an existing checkpoint: what it holds, the length of its whole lines, and whether it
/// has its header.
fn read(file: &File, job: &str) -> Result<(Earlier, u64, bool), String> {
    let mut earlier = Earlier::default();
    let mut good_len = 0u64;
    let mut header = false;
    let mut lines = BufReader::new(file).split(b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.map_err(|e| e.to_string())?;
        let last = lines.peek().is_none();
        let record = match serde_json::from_slice::<Record>(&line) {
            Ok(r) => r,
            // Only the last line can be cut short (by a crash during its write).
            Err(_) if last => break,
            Err(e) => return Err(format!("not a checkpoint of adapty-server ({e})")),
        };
        match record {
            Record::Header { checkpoint, job: recorded, .. } => {
                if checkpoint != FORMAT {
                    return Err(format!("a checkpoint of another format ({checkpoint})"));
                }
                if recorded != job {
                    return Err("a checkpoint of another job (other inputs, operation or flags): give another --checkpoint file, or delete this one to start over".into());
                }
                header = true;
            }
            Record::Started { started } => {
                earlier.unfinished.insert(started);
            }
            Record::Released { released } => {
                earlier.unfinished.remove(&released);
            }
            Record::Finished { finished, outcome } => {
                earlier.unfinished.remove(&finished);
                earlier.finished.insert(finished, outcome);
            }
        }
        good_len += line.len() as u64 + 1;
    }
    if !header && good_len > 0 {
        return Err("not a checkpoint of adapty-server (no header)".into());
    }
    Ok((earlier, good_len, header))
}

/// A job's fingerprint: FNV-1a (64 bits) of its operation, its flags' arguments and its inputs'
/// text, so a checkpoint is only ever continued by the same job.
pub fn fingerprint(op: &str, args: &Value, inputs: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for bytes in [op.as_bytes(), b"\0", args.to_string().as_bytes(), b"\0", inputs.as_bytes()] {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
