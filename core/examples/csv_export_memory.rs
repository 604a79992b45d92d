//! How much memory a CSV export holds: a local server streams a large CSV answer to
//! `analytics.chart_csv`, and the process's peak resident memory (Linux `VmHWM`) before and after
//! is printed beside the file's size. Held whole, the body would add its own size (and more);
//! streamed, the growth stays a small fraction of it.
//!
//! `cargo run --release -p adapty-server --example csv_export_memory [MEGABYTES]` (default 200).

use std::time::Instant;

use adapty_server::{AnalyticsChartParams, ChartId, Client, Config, Date, MetricsFilters};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The process's peak resident memory so far, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").parse().ok()).unwrap_or(0)
}

/// Answers one request with a chunked CSV of `rows` lines.
async fn serve_csv(listener: TcpListener, rows: u64) {
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut request = vec![0u8; 64 * 1024];
    let _ = socket.read(&mut request).await.unwrap();
    socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\n\r\n").await.unwrap();
    let mut chunk = String::with_capacity(1 << 16);
    for n in 0..rows {
        chunk.push_str(&format!("revenue,2031-03-{:02},segment-{n},{}.{:02}\n", n % 28 + 1, n % 1000, n % 100));
        if chunk.len() > 60_000 || n + 1 == rows {
            socket.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await.unwrap();
            chunk.clear();
        }
    }
    socket.write_all(b"0\r\n\r\n").await.unwrap();
}

#[tokio::main]
async fn main() {
    let megabytes: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let rows = megabytes * 1024 * 1024 / 40;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(serve_csv(listener, rows));
    let client = Client::new(Config::builder().api_key("secret_bench").base_url(url).build().unwrap()).unwrap();
    let day = |s: &str| Date::try_from(s).unwrap();
    let params = AnalyticsChartParams {
        chart_id: ChartId::Revenue,
        filters: MetricsFilters::between(day("2031-03-01"), day("2031-03-28")),
        period_unit: None,
        date_type: None,
        segmentation: None,
    };
    let path = std::env::temp_dir().join(format!("csv-export-memory-{}.csv", std::process::id()));
    let before = peak_kib();
    let started = Instant::now();
    let export = client.analytics().chart_csv(&params, path.to_str().unwrap()).await.unwrap();
    let elapsed = started.elapsed();
    let after = peak_kib();
    server.await.unwrap();
    std::fs::remove_file(&path).unwrap();
    let size_kib = export.bytes / 1024;
    let growth = after.saturating_sub(before);
    println!(
        "CSV export of {} lines, {:.1} MiB, in {:.2} s ({:.0} MiB/s)",
        export.lines,
        size_kib as f64 / 1024.0,
        elapsed.as_secs_f64(),
        size_kib as f64 / 1024.0 / elapsed.as_secs_f64()
    );
    println!(
        "peak resident memory: {:.1} MiB before, {:.1} MiB after: +{:.1} MiB",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        growth as f64 / 1024.0
    );
    println!("growth / file size: {:.4}x (held whole, the body alone would be 1x)", growth as f64 / size_kib.max(1) as f64);
}
