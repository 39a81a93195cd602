//! `bench-upload PHOTO`: the multipart `POST /v1/file` of one photo, without a token, the
//! way the course clients upload it, through the `files` router against DynamoDB Local and
//! s3s-fs: the best of `RUNS` (default 5) after one warm-up, and this process's peak RSS.
//! Prints `megapixels<TAB>ms<TAB>peak MB`. `scripts/bench-upload` sets it next to the pure
//! variant time of the same photo (`bench-variants`, its own process).

use std::time::{Duration, Instant};

use api_tests::app::TestApp;
use axum::http::Method;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("usage: bench-upload PHOTO")?;
    let photo = std::fs::read(&path).map_err(|error| format!("{path}: {error}"))?;
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(5)
        .clamp(1, 50);
    let boundary = "----WxUploadBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"tmp.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let app = TestApp::new().await;
    let mut best = Duration::MAX;
    let mut megapixels = 0.0;
    for run in 0..=runs {
        let start = Instant::now();
        let response = app
            .request(Method::POST, "/v1/file")
            .header("content-type", &content_type)
            .raw_body(&body)
            .send()
            .await;
        let elapsed = start.elapsed();
        if response.status != 201 {
            return Err(format!("upload failed: {}", response.body));
        }
        if run > 0 {
            best = best.min(elapsed);
        }
        let id = response.data()[0]["id"].as_u64().ok_or("no id")?;
        let record = app
            .state
            .store()
            .file(id)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let (width, height) = record
            .and_then(|record| record.width.zip(record.height))
            .ok_or("no size recorded")?;
        megapixels = f64::from(width) * f64::from(height) / 1e6;
    }
    println!(
        "{megapixels:.1}\t{}\t{:.0}",
        best.as_millis(),
        peak_rss_mb()
    );
    Ok(())
}
