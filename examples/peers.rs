//! The cx side of the peer harness (`benches/peers/run.py`, issue #8 item 5):
//! reads the harness's column or text files, runs them through the public
//! [`Engine`] API with the cube set to the query's grouping (what `cx score`
//! does, minus the file reading), and prints one JSON document with the
//! scores and the time measured inside the process.
//!
//! ```text
//! cargo run --release --example peers -- columns DIR a|b|c [--threads N] [--repeat R] [--alerts]
//! cargo run --release --example peers -- text FILE csv|jsonl [--threads N] [--repeat R] [--alerts]
//! cargo run --release --example peers -- loop DIR [--repeat R]
//! cargo run --release --example peers -- write-text DIR ROWS CSV_OUT JSONL_OUT
//! cargo run --release --example peers -- gen-jsonl DIR ROWS        (JSON Lines on stdout)
//! cargo run --release --example peers -- stream [FILE] [--no-alerts] (JSON Lines from FILE or stdin)
//! cargo run --release --example peers -- fast-loop DIR [--repeat R]
//! cargo run --release --example peers -- gen-realistic ROWS SEED     (JSON Lines on stdout)
//! cargo run --release --example peers -- sample-csv CSV ROWS SEED    (CSV on stdout)
//! ```
//!
//! Column files in `DIR` (little-endian, one value per row): `at.i64` (unix
//! seconds), `segment.u16`, `touchpoint.u8` (codes into `segments.txt` and
//! `touchpoints.txt`, one value per line), `nps.u8`, `csat.u8`, `ces.u8`
//! (255 = no answer, the engine's `MISSING`).
//!
//! Queries: (a) NPS + CSAT + CES overall (cube: no dimension × no time),
//! (b) the same by segment (segment × no time), (c) NPS by touchpoint × ISO
//! week (touchpoint × ISO week). Text inputs answer (b).
//!
//! Timing: for `columns`, from the columns in memory to the scorecard
//! (engine creation, ingest, merge of the per-thread engines, query); the
//! widening of segment codes from `u16` to the API's `u32` happens while
//! loading and is not timed. For `text`, from the text bytes in memory to
//! the scorecard. `loop` times a plain single-histogram loop over the same
//! columns and a plain read (byte sum) of the same bytes: the references.
//! `stream` feeds JSON Lines through `JsonLinesFeed::read`
//! (8 MiB chunks split on line boundaries) into a segment × ISO-week cube,
//! so its peak memory is the cube's, a chunk's and the report's (errors and
//! alerts listed up to the engine's limits).
//!
//! The plan is a bare organisation; by default its alert rules are off (the
//! peers compute no alerts); `--alerts` keeps the default rules (every
//! detractor, bottom-two CSAT and CES ≤ 2 raises an alert in the report).

use std::io::{Read, Write};
use std::time::Instant;

use cx_core::demo::Rng;
use cx_core::engine::{
    CsvFeed, CsvMapping, Cube, DimensionColumn, Engine, EngineConfig, Granularity, IngestReport,
    JsonLinesFeed, Query, ResponseColumns, Scorecard,
};
use cx_core::plan::Plan;
use serde_json::{json, Value};

/// Missing answer in a score column.
const MISSING: u8 = 255;

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match argv.first().map(String::as_str) {
        Some("columns") => columns(&argv[1..]),
        Some("text") => text(&argv[1..]),
        Some("loop") => plain_loop(&argv[1..]),
        Some("write-text") => write_text(&argv[1..]),
        Some("gen-jsonl") => gen_jsonl(&argv[1..]),
        Some("stream") => stream(&argv[1..]),
        Some("fast-loop") => fast_loop(&argv[1..]),
        Some("gen-realistic") => gen_realistic(&argv[1..]),
        Some("sample-csv") => sample_csv(&argv[1..]),
        _ => Err(
            "usage: peers columns|text|loop|write-text|gen-jsonl|stream|fast-loop|\
                  gen-realistic|sample-csv … (see the source's doc)"
                .into(),
        ),
    };
    match result {
        Ok(Some(v)) => println!("{v}"),
        Ok(None) => {}
        Err(e) => {
            eprintln!("peers: {e}");
            std::process::exit(2);
        }
    }
}

type Out = Result<Option<Value>, String>;

/// `--name VALUE` from the arguments.
fn opt(argv: &[String], name: &str) -> Option<String> {
    argv.iter()
        .position(|a| a == name)
        .and_then(|i| argv.get(i + 1).cloned())
}

fn threads(argv: &[String]) -> Result<usize, String> {
    opt(argv, "--threads")
        .map_or(Ok(1), |t| t.parse().map_err(|_| format!("--threads {t}")))
        .map(|t: usize| t.max(1))
}

fn plan(alerts: bool) -> Plan {
    let rules = if alerts {
        ""
    } else {
        r#", "thresholds": {"alerts": {"detractor": false, "csatBottomTwo": false, "cesAtMost": null}}"#
    };
    Plan::from_json(&format!(
        r#"{{"schemaVersion": 1, "organization": {{"name": "Peers"}}{rules}}}"#
    ))
    .expect("the bare plan parses")
}

fn engine(dims: &[&str], granularity: Granularity, alerts: bool) -> Engine {
    let config = EngineConfig {
        cube: Cube {
            dimensions: Some(dims.iter().map(|d| d.to_string()).collect()),
            granularity,
        },
        ..EngineConfig::default()
    };
    Engine::with_config(plan(alerts), config).expect("the bare plan is valid")
}

/// The harness's column files.
struct Data {
    at: Vec<i64>,
    segment: Vec<u16>,
    touchpoint: Vec<u8>,
    nps: Vec<u8>,
    csat: Vec<u8>,
    ces: Vec<u8>,
    segments: Vec<String>,
    touchpoints: Vec<String>,
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn load(dir: &str) -> Result<Data, String> {
    let bytes = |name: &str| read(&format!("{dir}/{name}"));
    let words = |name: &str| -> Result<Vec<String>, String> {
        Ok(String::from_utf8_lossy(&bytes(name)?)
            .lines()
            .map(str::to_string)
            .collect())
    };
    let at = bytes("at.i64")?
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or_default()))
        .collect();
    let segment = bytes("segment.u16")?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    Ok(Data {
        at,
        segment,
        touchpoint: bytes("touchpoint.u8")?,
        nps: bytes("nps.u8")?,
        csat: bytes("csat.u8")?,
        ces: bytes("ces.u8")?,
        segments: words("segments.txt")?,
        touchpoints: words("touchpoints.txt")?,
    })
}

/// The scores of one scorecard row, in the harness's shape:
/// `{"key": [...], "nps": [n, value], "csat": [n, value], "ces": [n, value]}`.
/// CSAT's value is the top-two-box share (percent), CES's the mean.
fn rows(card: &Scorecard) -> Value {
    let rows: Vec<Value> = card
        .rows
        .iter()
        .map(|r| {
            let key: Vec<Value> = card
                .group_by
                .iter()
                .map(|g| json!(r.key.get(g).cloned().flatten()))
                .collect();
            let mut o = json!({ "key": key });
            for (m, s) in &r.scores {
                o[m] = json!([s.n, s.value]);
            }
            o
        })
        .collect();
    json!(rows)
}

fn query(metrics: &str, group_by: &str) -> Query {
    Query::from_json(&format!(
        r#"{{"metrics": [{metrics}], "groupBy": [{group_by}]}}"#
    ))
    .expect("the harness's queries parse")
}

/// Ingests row range `lo..hi` of the columns.
fn ingest_range(
    e: &mut Engine,
    d: &Data,
    seg: &[u32],
    tp: &[u32],
    q: &str,
    lo: usize,
    hi: usize,
) -> IngestReport {
    let segs: Vec<&str> = d.segments.iter().map(String::as_str).collect();
    let tps: Vec<&str> = d.touchpoints.iter().map(String::as_str).collect();
    let mut dimensions = Vec::new();
    if q == "b" {
        dimensions.push((
            "segment",
            DimensionColumn {
                dictionary: &segs,
                codes: &seg[lo..hi],
            },
        ));
    }
    if q == "c" {
        dimensions.push((
            "touchpoint",
            DimensionColumn {
                dictionary: &tps,
                codes: &tp[lo..hi],
            },
        ));
    }
    let cols = ResponseColumns {
        at: &d.at[lo..hi],
        dimensions,
        nps: Some(&d.nps[lo..hi]),
        csat: (q != "c").then(|| &d.csat[lo..hi]),
        ces: (q != "c").then(|| &d.ces[lo..hi]),
        ..ResponseColumns::default()
    };
    e.ingest_columns(&cols).expect("the harness's columns fit")
}

/// `columns DIR a|b|c [--threads N] [--alerts]`.
fn columns(argv: &[String]) -> Out {
    let (Some(dir), Some(q)) = (argv.first(), argv.get(1)) else {
        return Err("usage: peers columns DIR a|b|c [--threads N] [--alerts]".into());
    };
    let q = q.as_str();
    let threads = threads(argv)?;
    let alerts = argv.iter().any(|a| a == "--alerts");
    let d = load(dir)?;
    let n = d.at.len();
    // The API takes u32 codes: widened while loading (not timed).
    let seg: Vec<u32> = d.segment.iter().map(|&s| u32::from(s)).collect();
    let tp: Vec<u32> = d.touchpoint.iter().map(|&t| u32::from(t)).collect();
    let (dims, granularity, metrics, group_by): (&[&str], _, _, _) = match q {
        "a" => (&[], Granularity::None, r#""nps","csat","ces""#, ""),
        "b" => (
            &["segment"],
            Granularity::None,
            r#""nps","csat","ces""#,
            r#""segment""#,
        ),
        "c" => (
            &["touchpoint"],
            Granularity::IsoWeek,
            r#""nps""#,
            r#""touchpoint","period:isoWeek""#,
        ),
        _ => return Err(format!("unknown query `{q}` (a, b or c)")),
    };
    let qy = query(metrics, group_by);
    let mut best = f64::INFINITY;
    let mut out = Value::Null;
    for _ in 0..repeat(argv)? {
        let start = Instant::now();
        let mut e = engine(dims, granularity, alerts);
        let mut accepted = 0;
        let mut alert_count = 0;
        if threads == 1 {
            let r = ingest_range(&mut e, &d, &seg, &tp, q, 0, n);
            accepted += r.accepted;
            alert_count += r.alerts.len();
        } else {
            let parts: Vec<(Engine, IngestReport)> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let mut part = e.empty_like();
                        let (lo, hi) = (n * t / threads, n * (t + 1) / threads);
                        let (d, seg, tp) = (&d, &seg, &tp);
                        s.spawn(move || {
                            let r = ingest_range(&mut part, d, seg, tp, q, lo, hi);
                            (part, r)
                        })
                    })
                    .collect();
                handles.into_iter().filter_map(|h| h.join().ok()).collect()
            });
            for (part, r) in parts {
                e.merge(&part).map_err(|x| x.to_string())?;
                accepted += r.accepted;
                alert_count += r.alerts.len();
            }
        }
        let card = e.query(&qy).map_err(|x| x.to_string())?;
        let seconds = start.elapsed().as_secs_f64();
        best = best.min(seconds);
        out = json!({
            "engine": "cx", "query": q, "threads": threads, "rows": n, "accepted": accepted,
            "alerts": alert_count, "cells": e.cell_count(), "results": rows(&card),
        });
    }
    out["seconds"] = json!(best);
    Ok(Some(out))
}

/// `--repeat R`: the timed section runs R times (a fresh engine each time);
/// the best time is reported.
fn repeat(argv: &[String]) -> Result<usize, String> {
    opt(argv, "--repeat")
        .map_or(Ok(1), |t| t.parse().map_err(|_| format!("--repeat {t}")))
        .map(|t: usize| t.max(1))
}

/// The CSV mapping of the harness's CSV file.
const MAPPING: &str = r#"{"at": {"column": "at", "format": "unix"}, "dimensions": {"segment": "segment"}, "nps": "nps", "csat": "csat", "ces": "ces"}"#;

/// `text FILE csv|jsonl [--threads N] [--alerts]`: query (b) from text.
fn text(argv: &[String]) -> Out {
    let (Some(file), Some(format)) = (argv.first(), argv.get(1)) else {
        return Err("usage: peers text FILE csv|jsonl [--threads N] [--alerts]".into());
    };
    let threads = threads(argv)?;
    let alerts = argv.iter().any(|a| a == "--alerts");
    let bytes = read(file)?;
    let mapping = CsvMapping::from_json(MAPPING).map_err(|e| e.to_string())?;
    let qy = query(r#""nps","csat","ces""#, r#""segment""#);
    let mut best = f64::INFINITY;
    let mut out = Value::Null;
    for _ in 0..repeat(argv)? {
        let start = Instant::now();
        let mut e = engine(&["segment"], Granularity::None, alerts);
        let report = match format.as_str() {
            "csv" if threads > 1 => CsvFeed::new(&mapping)
                .threads(threads)
                .read(&mut e, bytes.as_slice())
                .map_err(|x| x.to_string())?,
            "csv" => e.ingest_csv(&bytes, &mapping).map_err(|x| x.to_string())?,
            "jsonl" if threads > 1 => JsonLinesFeed::new()
                .threads(threads)
                .read(&mut e, bytes.as_slice())
                .unwrap(),
            "jsonl" => e.ingest_json_lines(&bytes).unwrap(),
            f => return Err(format!("unknown format `{f}` (csv or jsonl)")),
        };
        let card = e.query(&qy).map_err(|x| x.to_string())?;
        best = best.min(start.elapsed().as_secs_f64());
        if report.rejected > 0 {
            return Err(format!(
                "{} record(s) rejected: {:?}",
                report.rejected,
                report.errors.first()
            ));
        }
        out = json!({
            "engine": "cx", "query": format!("b-{format}"), "threads": threads, "rows": report.accepted,
            "alerts": report.alerts.len(), "results": rows(&card),
        });
    }
    out["seconds"] = json!(best);
    Ok(Some(out))
}

/// Histogram slots per segment in the plain loop: NPS 0–10 and missing (12),
/// CSAT 0–7 (8), CES 0–8 (9), padded to 32.
const SLOTS: usize = 32;

/// `loop DIR`: the references — a plain single-histogram loop over the
/// columns (query (b)), and a plain read of the same bytes.
fn plain_loop(argv: &[String]) -> Out {
    let Some(dir) = argv.first() else {
        return Err("usage: peers loop DIR".into());
    };
    let d = load(dir)?;
    let n = d.at.len();
    let segments = d.segments.len();
    let (mut loop_seconds, mut read_seconds) = (f64::INFINITY, f64::INFINITY);
    let mut h = Vec::new();
    let mut sum = 0u64;
    for _ in 0..repeat(argv)? {
        let start = Instant::now();
        h = vec![[0u64; SLOTS]; segments];
        for i in 0..n {
            let c = &mut h[usize::from(d.segment[i])];
            c[usize::from(d.nps[i].min(11))] += 1;
            c[12 + usize::from(d.csat[i].min(7))] += 1;
            c[20 + usize::from(d.ces[i].min(8))] += 1;
        }
        loop_seconds = loop_seconds.min(start.elapsed().as_secs_f64());
        // A plain read of the same bytes (segment u16 + three u8 columns).
        let start = Instant::now();
        sum = 0;
        for &s in &d.segment {
            sum = sum.wrapping_add(u64::from(s));
        }
        for col in [&d.nps, &d.csat, &d.ces] {
            sum = sum.wrapping_add(col.iter().map(|&b| u64::from(b)).sum::<u64>());
        }
        read_seconds = read_seconds.min(start.elapsed().as_secs_f64());
    }
    let results = histogram_rows(&h, &d.segments, PLAIN_LAYOUT);
    Ok(Some(json!({
        "engine": "plain loop", "query": "b", "threads": 1, "rows": n, "seconds": loop_seconds,
        "results": results, "read_seconds": read_seconds, "read_bytes": n * 5, "checksum": sum,
    })))
}

/// Where a loop's row keeps each histogram: the slot of value 0 of NPS,
/// CSAT and CES (value `v` is at `base + v`).
type Layout = [usize; 3];

/// The plain loop's rows: NPS 0–10 in slots 0–10 (11: clamped or
/// missing), CSAT `min(v, 7)` from 12, CES `min(v, 8)` from 20.
const PLAIN_LAYOUT: Layout = [0, 12, 20];

/// The fast loop's rows (see [`fast_hist`]).
const FAST_LAYOUT: Layout = [0, 16, 24];

/// Scorecard rows in the harness's shape from per-segment histograms laid
/// out as `layout` says (only NPS 0–10, CSAT 1–5 and CES 1–7 are read).
fn histogram_rows(h: &[[u64; SLOTS]], segments: &[String], layout: Layout) -> Vec<Value> {
    let [bn, bc, be] = layout;
    h.iter()
        .enumerate()
        .filter(|(_, c)| c.iter().any(|&x| x > 0))
        .map(|(s, c)| {
            let nps = &c[bn..bn + 11];
            let n_nps: u64 = nps.iter().sum();
            let (det, pro): (u64, u64) = (nps[..7].iter().sum(), nps[9..].iter().sum());
            let csat = &c[bc + 1..bc + 6];
            let n_csat: u64 = csat.iter().sum();
            let ces = &c[be + 1..be + 8];
            let n_ces: u64 = ces.iter().sum();
            let ces_sum: u64 = ces.iter().zip(1u64..).map(|(k, v)| k * v).sum();
            let share = |x: u64, n: u64| (n > 0).then(|| 100.0 * x as f64 / n as f64);
            json!({
                "key": [segments[s]],
                "nps": [n_nps, (n_nps > 0).then(|| 100.0 * (pro as f64 - det as f64) / n_nps as f64)],
                "csat": [n_csat, share(csat[3] + csat[4], n_csat)],
                "ces": [n_ces, (n_ces > 0).then(|| ces_sum as f64 / n_ces as f64)],
            })
        })
        .collect()
}

/// Days since 1970-01-01 → (year, month, day) (proleptic Gregorian;
/// H. Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// One row as a JSON Lines record (missing scores left out).
fn jsonl_line(out: &mut Vec<u8>, d: &Data, i: usize) {
    let t = d.at[i];
    let (y, mo, da) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    let _ = write!(
        out,
        r#"{{"at":"{y:04}-{mo:02}-{da:02}T{:02}:{:02}:{:02}Z","segment":"{}""#,
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.segments[usize::from(d.segment[i])]
    );
    for (name, v) in [("nps", d.nps[i]), ("csat", d.csat[i]), ("ces", d.ces[i])] {
        if v != MISSING {
            let _ = write!(out, r#","{name}":{v}"#);
        }
    }
    out.extend_from_slice(b"}\n");
}

/// `write-text DIR ROWS CSV_OUT JSONL_OUT`: the first ROWS rows as CSV (unix
/// seconds, empty cell = no answer) and as JSON Lines (RFC 3339 times).
fn write_text(argv: &[String]) -> Out {
    let [dir, rows, csv_out, jsonl_out] = argv else {
        return Err("usage: peers write-text DIR ROWS CSV_OUT JSONL_OUT".into());
    };
    let d = load(dir)?;
    let rows: usize = rows.parse().map_err(|_| format!("ROWS {rows}"))?;
    let rows = rows.min(d.at.len());
    let mut csv = Vec::with_capacity(rows * 24);
    csv.extend_from_slice(b"at,segment,nps,csat,ces\n");
    let cell = |v: u8| {
        if v == MISSING {
            String::new()
        } else {
            v.to_string()
        }
    };
    for i in 0..rows {
        let _ = writeln!(
            csv,
            "{},{},{},{},{}",
            d.at[i],
            d.segments[usize::from(d.segment[i])],
            cell(d.nps[i]),
            cell(d.csat[i]),
            cell(d.ces[i])
        );
    }
    std::fs::write(csv_out, csv).map_err(|e| format!("{csv_out}: {e}"))?;
    let mut jsonl = Vec::with_capacity(rows * 80);
    for i in 0..rows {
        jsonl_line(&mut jsonl, &d, i);
    }
    std::fs::write(jsonl_out, jsonl).map_err(|e| format!("{jsonl_out}: {e}"))?;
    Ok(None)
}

/// `gen-jsonl DIR ROWS`: ROWS JSON Lines records on stdout, cycling over the
/// column files' rows (for streaming more rows than fit a file).
fn gen_jsonl(argv: &[String]) -> Out {
    let [dir, rows] = argv else {
        return Err("usage: peers gen-jsonl DIR ROWS".into());
    };
    let d = load(dir)?;
    let rows: usize = rows.parse().map_err(|_| format!("ROWS {rows}"))?;
    let mut out = std::io::stdout().lock();
    let mut buf = Vec::with_capacity(1 << 20);
    for i in 0..rows {
        jsonl_line(&mut buf, &d, i % d.at.len());
        if buf.len() >= 1 << 20 {
            if out.write_all(&buf).is_err() {
                return Ok(None); // the reader went away
            }
            buf.clear();
        }
    }
    let _ = out.write_all(&buf);
    Ok(None)
}

/// `stream [FILE] [--no-alerts]`: JSON Lines from FILE (or stdin) through
/// `JsonLinesFeed::read` into a segment × ISO-week cube
/// (default alert rules, as `cx ingest` would run, unless `--no-alerts`).
fn stream(argv: &[String]) -> Out {
    let alerts = !argv.iter().any(|a| a == "--no-alerts");
    let input: Box<dyn Read> = match argv.iter().find(|a| !a.starts_with("--")) {
        Some(f) => Box::new(std::fs::File::open(f).map_err(|e| format!("{f}: {e}"))?),
        None => Box::new(std::io::stdin().lock()),
    };
    let start = Instant::now();
    let mut e = engine(&["segment"], Granularity::IsoWeek, alerts);
    let r = JsonLinesFeed::new()
        .read(&mut e, input)
        .map_err(|x| x.to_string())?;
    let (accepted, rejected) = (r.accepted, r.rejected);
    let alerts = r.alerts.len() as u64 + r.alerts_not_listed;
    let seconds = start.elapsed().as_secs_f64();
    Ok(Some(json!({
        "engine": "cx", "query": "stream", "rows": accepted, "rejected": rejected,
        "alerts": alerts, "cells": e.cell_count(), "seconds": seconds,
    })))
}

// ---------------------------------------------------------------- the fast reference loop

/// One segment's three histograms in the fast loop, as `u32` counters laid
/// out as [`FAST_LAYOUT`] says.
type Row32 = [u32; SLOTS];

/// Rows per block between two flushes of the `u32` tables into `u64`: no
/// counter can overflow, whatever the row count.
const BLOCK: usize = u32::MAX as usize;

/// Query (b) as fast as a plain single-threaded loop goes: `P` partial
/// tables of `ROWS` rows (a power of two, at least the segment count) so
/// that consecutive rows hitting the same counter can go to different
/// tables; rows read `P` at a time as fixed-size arrays (`as_chunks`) and
/// every index masked, so the compiler drops every bounds check; merged
/// into `u64` at the end. A row is one segment's three histograms
/// ([`FAST_LAYOUT`]): NPS `v & 15` in slots 0–15 (missing, 255, in 15),
/// CSAT `v & 7` in 16–23 (missing in 23), CES `(v ^ v >> 4) & 7` in 24–31
/// (1–7 stay, missing goes to 0). The loop trusts its input as a reference
/// may: scores in their scales or 255 (the harness's columns are; cx
/// checks every value); segment codes are OR-ed together on the way and
/// `None` is returned if one was past the table (codes between the
/// dictionary's size and `ROWS` land in rows the caller checks).
fn fast_hist<const ROWS: usize, const P: usize>(
    seg: &[u16],
    nps: &[u8],
    csat: &[u8],
    ces: &[u8],
) -> Option<Vec<[u64; SLOTS]>> {
    let zero = || -> Box<[Row32; ROWS]> {
        let v = vec![[0u32; SLOTS]; ROWS].into_boxed_slice();
        v.try_into().unwrap_or_else(|_| unreachable!("ROWS rows"))
    };
    let mut tables: [Box<[Row32; ROWS]>; P] = std::array::from_fn(|_| zero());
    let mut total = vec![[0u64; SLOTS]; ROWS];
    let n = seg.len().min(nps.len()).min(csat.len()).min(ces.len());
    let mut codes = 0usize;
    let mut lo = 0;
    while lo < n {
        let hi = (lo + BLOCK).min(n);
        let (s4, s_tail) = seg[lo..hi].as_chunks::<P>();
        let (n4, n_tail) = nps[lo..hi].as_chunks::<P>();
        let (c4, c_tail) = csat[lo..hi].as_chunks::<P>();
        let (e4, e_tail) = ces[lo..hi].as_chunks::<P>();
        let count = |t: &mut [Row32; ROWS], codes: &mut usize, s: u16, v: u8, c: u8, e: u8| {
            *codes |= usize::from(s);
            let r = &mut t[usize::from(s) & (ROWS - 1)];
            r[usize::from(v & 15)] += 1;
            r[16 + usize::from(c & 7)] += 1;
            r[24 + usize::from((e ^ (e >> 4)) & 7)] += 1;
        };
        for (((s, v), c), e) in s4.iter().zip(n4).zip(c4).zip(e4) {
            for (k, t) in tables.iter_mut().enumerate() {
                count(t, &mut codes, s[k], v[k], c[k], e[k]);
            }
        }
        let tails = s_tail.iter().zip(n_tail).zip(c_tail).zip(e_tail);
        for (((&s, &v), &c), &e) in tails {
            count(&mut tables[0], &mut codes, s, v, c, e);
        }
        for t in tables.iter_mut() {
            for (sum, row) in total.iter_mut().zip(t.iter_mut()) {
                for (x, y) in sum.iter_mut().zip(row.iter_mut()) {
                    *x += u64::from(std::mem::take(y));
                }
            }
        }
        lo = hi;
    }
    (codes < ROWS).then_some(total)
}

/// `fast_hist` for a table size and partial-table count chosen at run time.
fn fast_hist_for(d: &Data, partials: usize) -> Result<Vec<[u64; SLOTS]>, String> {
    let (s, v, c, e) = (&d.segment[..], &d.nps[..], &d.csat[..], &d.ces[..]);
    let small = d.segments.len() <= 1024;
    let h = match (small, partials) {
        (true, 1) => fast_hist::<1024, 1>(s, v, c, e),
        (true, 2) => fast_hist::<1024, 2>(s, v, c, e),
        (true, 4) => fast_hist::<1024, 4>(s, v, c, e),
        (true, 8) => fast_hist::<1024, 8>(s, v, c, e),
        (false, 1) => fast_hist::<65_536, 1>(s, v, c, e),
        (false, 2) => fast_hist::<65_536, 2>(s, v, c, e),
        (false, 4) => fast_hist::<65_536, 4>(s, v, c, e),
        (false, 8) => fast_hist::<65_536, 8>(s, v, c, e),
        (_, p) => return Err(format!("--partials {p}: 1, 2, 4 or 8")),
    };
    h.ok_or_else(|| "a segment code past the dictionary".to_string())
}

/// `fast-loop DIR [--repeat R] [--partials P]`: query (b) by the fastest
/// plain loop (see [`fast_hist`]) with `P` partial tables; without
/// `--partials`, with 1, 2 and 4 in turn, reporting the fastest (each
/// one's best time is in `variants`). The time covers the histograms and
/// their merge, as the plain loop's does (not turning them into scores);
/// codes past the segment dictionary are an error, as in the engine.
fn fast_loop(argv: &[String]) -> Out {
    let Some(dir) = argv.first() else {
        return Err("usage: peers fast-loop DIR [--repeat R] [--partials P]".into());
    };
    let choices: Vec<usize> = match opt(argv, "--partials") {
        Some(p) => vec![p.parse().map_err(|_| format!("--partials {p}"))?],
        None => vec![1, 2, 4],
    };
    let d = load(dir)?;
    let n = d.at.len();
    let (mut best, mut partials) = (f64::INFINITY, 0);
    let mut variants = serde_json::Map::new();
    let mut h = Vec::new();
    for &p in &choices {
        let mut mine = f64::INFINITY;
        for _ in 0..repeat(argv)? {
            let start = Instant::now();
            h = fast_hist_for(&d, p)?;
            mine = mine.min(start.elapsed().as_secs_f64());
        }
        variants.insert(p.to_string(), json!(mine));
        if mine < best {
            (best, partials) = (mine, p);
        }
    }
    let past = h[d.segments.len()..].iter().flatten().sum::<u64>();
    if past > 0 {
        return Err(format!(
            "{past} row(s) with a segment code past the dictionary"
        ));
    }
    h.truncate(d.segments.len());
    Ok(Some(json!({
        "engine": "fast loop", "query": "b", "threads": 1, "rows": n, "seconds": best,
        "partials": partials, "variants": variants,
        "results": histogram_rows(&h, &d.segments, FAST_LAYOUT),
    })))
}

// ---------------------------------------------------------------- realistic data

/// A uniform element of `items`.
fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// Customer segments of the sample plan (`context.segments`).
const R_SEGMENTS: [&str; 3] = ["families", "seniors", "small-business"];
/// Touchpoints: the sample plan's processes (`processes[].id`).
const R_TOUCHPOINTS: [&str; 5] = [
    "onboarding",
    "claims",
    "billing",
    "contact-centre",
    "branch",
];
/// Channels of the sample organisation's data (`cx_core::demo`; the plan's
/// survey instruments name `online` and `phone`).
const R_CHANNELS: [&str; 3] = ["phone", "online", "branch"];
/// The sample organisation's 4 teams (`cx_core::demo::TEAMS`; the plan's
/// resources: "64 advisers in 4 teams").
const R_TEAMS: [&str; 4] = ["claims-north", "claims-south", "contact-centre", "branches"];
/// Values of the plan's custom dimension `region`.
const R_REGIONS: [&str; 3] = ["east", "north", "south"];
/// Attributes of the sample plan (all rated 1–5); a row rates 3 of them.
const R_ATTRIBUTES: [&str; 6] = [
    "claim-speed",
    "kept-informed",
    "wait-time",
    "courtesy",
    "one-contact",
    "promise-kept",
];
/// 2026-01-01 in days since 1970-01-01.
const DAY_2026: i64 = 20_454;

/// Appends `v` in decimal.
fn push_u64(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `v` (< 100) as two digits.
fn push_2(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
}

/// One realistic response line (see [`gen_realistic`]).
fn realistic_line(out: &mut Vec<u8>, rng: &mut Rng, seed: u64, i: u64, days: &[String]) {
    out.extend_from_slice(b"{\"id\":\"g");
    push_u64(out, seed);
    out.push(b'-');
    push_u64(out, i);
    out.extend_from_slice(b"\",\"at\":\"");
    out.extend_from_slice(days[rng.below(days.len())].as_bytes());
    let minute = rng.below(24 * 60);
    out.push(b'T');
    push_2(out, minute / 60);
    out.push(b':');
    push_2(out, minute % 60);
    out.extend_from_slice(b":00Z\"");
    for (name, values) in [
        ("segment", &R_SEGMENTS[..]),
        ("touchpoint", &R_TOUCHPOINTS[..]),
        ("channel", &R_CHANNELS[..]),
    ] {
        let _ = write!(out, ",\"{name}\":\"{}\"", pick(rng, values));
    }
    let team = pick(rng, &R_TEAMS);
    let _ = write!(out, ",\"team\":\"{team}\",\"employee\":\"{team}-");
    push_2(out, rng.below(50));
    let region = pick(rng, &R_REGIONS);
    let _ = write!(out, "\",\"dimensions\":{{\"region\":\"{region}\"}}");
    for (name, lo, hi) in [("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7)] {
        let _ = write!(out, ",\"{name}\":");
        push_u64(out, (lo + rng.below(hi - lo + 1)) as u64);
    }
    // 3 distinct attributes: a partial Fisher–Yates shuffle.
    let mut order = [0, 1, 2, 3, 4, 5];
    out.extend_from_slice(b",\"attributes\":{");
    for k in 0..3 {
        let j = k + rng.below(order.len() - k);
        order.swap(k, j);
        if k > 0 {
            out.push(b',');
        }
        let _ = write!(out, "\"{}\":", R_ATTRIBUTES[order[k]]);
        push_u64(out, 1 + rng.below(5) as u64);
    }
    out.extend_from_slice(b"}}\n");
}

/// Writes `buf` to `out` and empties it; `false` when the reader went away.
fn flush(out: &mut impl Write, buf: &mut Vec<u8>) -> bool {
    let ok = out.write_all(buf).is_ok();
    buf.clear();
    ok
}

/// `gen-realistic ROWS SEED`: ROWS customer responses of the sample plan
/// (`examples/data/plan.json`) as JSON Lines on stdout, the same for a
/// SEED: a unique `id`; `at` a uniform day of 2026 at a uniform `hh:mm:00Z`;
/// uniform `segment`, `touchpoint`, `channel`; one of the 4 teams with an
/// `employee` `<team>-00`…`<team>-49` (200 employees); `dimensions.region`
/// east, north or south; uniform `nps` 0–10, `csat` 1–5, `ces` 1–7; 3
/// distinct attributes of 6, rated 1–5.
fn gen_realistic(argv: &[String]) -> Out {
    let [rows, seed] = argv else {
        return Err("usage: peers gen-realistic ROWS SEED".into());
    };
    let rows: u64 = rows.parse().map_err(|_| format!("ROWS {rows}"))?;
    let seed: u64 = seed.parse().map_err(|_| format!("SEED {seed}"))?;
    let days: Vec<String> = (0..365)
        .map(|k| {
            let (y, m, d) = civil(DAY_2026 + k);
            format!("{y:04}-{m:02}-{d:02}")
        })
        .collect();
    let mut rng = Rng(seed);
    let mut out = std::io::stdout().lock();
    let mut buf = Vec::with_capacity(1 << 20);
    for i in 0..rows {
        realistic_line(&mut buf, &mut rng, seed, i, &days);
        if buf.len() >= 1 << 20 && !flush(&mut out, &mut buf) {
            return Ok(None);
        }
    }
    flush(&mut out, &mut buf);
    Ok(None)
}

/// `sample-csv CSV ROWS SEED`: the header of CSV, then ROWS of its data
/// lines drawn uniformly with replacement (the same for a SEED), on stdout.
/// Lines are copied as bytes (the file must not quote line breaks).
fn sample_csv(argv: &[String]) -> Out {
    let [file, rows, seed] = argv else {
        return Err("usage: peers sample-csv CSV ROWS SEED".into());
    };
    let rows: u64 = rows.parse().map_err(|_| format!("ROWS {rows}"))?;
    let seed: u64 = seed.parse().map_err(|_| format!("SEED {seed}"))?;
    let bytes = read(file)?;
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let header = lines.next().ok_or(format!("{file}: empty"))?;
    let data: Vec<&[u8]> = lines
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .collect();
    if data.is_empty() {
        return Err(format!("{file}: no data line"));
    }
    let mut rng = Rng(seed);
    let mut out = std::io::stdout().lock();
    let mut buf = Vec::with_capacity(1 << 20);
    buf.extend_from_slice(header);
    for _ in 0..rows {
        let line = data[rng.below(data.len())];
        buf.extend_from_slice(line);
        if !line.ends_with(b"\n") {
            buf.push(b'\n');
        }
        if buf.len() >= 1 << 20 && !flush(&mut out, &mut buf) {
            return Ok(None);
        }
    }
    flush(&mut out, &mut buf);
    Ok(None)
}
