//! `bench-variants PHOTO...`: for each photo, the time to render all four variants (the
//! pipeline's pure part: decode, orient, resize, encode) and this process's peak RSS.
//! Prints `file<TAB>megapixels<TAB>ms<TAB>peak MB`. Run one photo per process for a clean
//! peak (`scripts/bench-variants` does).

use std::time::Instant;

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

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        let start = Instant::now();
        let variants = image_variants::variants::render(&bytes)
            .unwrap_or_else(|error| panic!("{path}: {error}"));
        let elapsed = start.elapsed();
        let ori = &variants[0];
        println!(
            "{path}\t{:.1}\t{}\t{:.0}",
            f64::from(ori.width) * f64::from(ori.height) / 1e6,
            elapsed.as_millis(),
            peak_rss_mb()
        );
    }
}
