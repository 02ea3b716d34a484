//! `cx ingest` and `cx score`: load a plan, ingest data files (JSON Lines,
//! JSON, or CSV with a column mapping) or a snapshot, report what was
//! accepted and rejected, and print scorecards.

use std::io::IsTerminal;

use cx::engine::{
    CsvFeed, CsvMapping, Cube, Engine, EngineConfig, Granularity, IngestReport, JsonLinesFeed,
    Query, Scorecard,
};
use cx::plan::Plan;

use crate::args::Args;

/// A failure with its exit status.
pub struct Failure(pub u8, pub String);

fn io(msg: String) -> Failure {
    Failure(2, msg)
}

/// Reads a file, or fails with exit status 2.
pub fn read(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| io(format!("cannot read {path}: {e}")))
}

/// Loads and validates a plan (errors → exit 1 with diagnostics).
pub fn load_plan(path: &str) -> Result<Plan, Failure> {
    let text =
        String::from_utf8(read(path)?).map_err(|_| Failure(1, format!("{path}: not UTF-8")))?;
    let plan = Plan::from_json(&text).map_err(|e| Failure(1, format!("{path}: {e}")))?;
    let errors: Vec<String> = plan
        .validate()
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| format!("  error[{}] {}: {}", d.code, d.pointer, d.message))
        .collect();
    if !errors.is_empty() {
        return Err(Failure(
            1,
            format!(
                "{path}: the plan has errors (run `cx validate`):\n{}",
                errors.join("\n")
            ),
        ));
    }
    Ok(plan)
}

/// Reads a mapping or query argument: a path, or inline JSON.
fn path_or_inline(arg: &str) -> Result<String, Failure> {
    if arg.trim_start().starts_with('{') {
        Ok(arg.to_string())
    } else {
        String::from_utf8(read(arg)?).map_err(|_| io(format!("{arg}: not UTF-8")))
    }
}

/// The engine after ingesting the data (or restoring the snapshot), with
/// the combined ingest report.
pub fn load(
    args: &Args,
    plan_path: &str,
    files: &[String],
) -> Result<(Engine, IngestReport), Failure> {
    let plan = load_plan(plan_path)?;
    if let Some(snap) = args.value("from-snapshot") {
        if !files.is_empty() {
            return Err(io(
                "--from-snapshot replaces data files; give one or the other".into(),
            ));
        }
        // A version-2 stream or a version-1 document, read as a stream.
        let f = std::fs::File::open(snap).map_err(|e| io(format!("cannot read {snap}: {e}")))?;
        let engine = Engine::read_snapshot(f).map_err(|e| Failure(1, format!("{snap}: {e}")))?;
        if *engine.plan() != plan {
            return Err(Failure(
                1,
                format!("{snap}: the snapshot was made with a different plan than {plan_path}"),
            ));
        }
        print_footprint(&engine);
        return Ok((engine, IngestReport::default()));
    }
    if files.is_empty() {
        return Err(io("no data file given (or use --from-snapshot)".into()));
    }
    let mapping = args
        .value("mapping")
        .map(|m| {
            CsvMapping::from_json(&path_or_inline(m)?).map_err(|e| io(format!("mapping: {e}")))
        })
        .transpose()?;
    let mut config = EngineConfig {
        cube: cube(args)?,
        ..EngineConfig::default()
    };
    if let Some(b) = args.value("max-cell-bytes") {
        config.limits.max_cell_bytes = b.parse().map_err(|_| {
            io(format!(
                "--max-cell-bytes {b}: expected a number of bytes (the cells' memory budget)"
            ))
        })?;
    }
    let mut engine = Engine::with_config(plan, config).map_err(|e| Failure(1, e.to_string()))?;
    let limits = engine.config().limits.clone();
    let mut total = IngestReport::default();
    for file in files {
        let report = if file == "-" {
            ingest_stdin(&mut engine)?
        } else {
            ingest_file(&mut engine, file, mapping.as_ref())?
        };
        print_report(file, &report);
        // The combined report lists as many errors and alerts as one call
        // would (the engine's limits); the rest are counted.
        total.absorb(report, limits.max_errors_listed, limits.max_alerts_listed);
    }
    print_footprint(&engine);
    Ok((engine, total))
}

/// The engine's footprint on stderr: `footprint: N cells, B bytes, R rows`.
fn print_footprint(engine: &Engine) {
    let s = engine.stats();
    eprintln!(
        "footprint: {} cells, {} bytes, {} rows",
        s.cells, s.bytes, s.rows
    );
}

/// The cube from `--cube DIMS` (comma-separated dimension ids; `none` or
/// empty: no dimension) and `--granularity none|day|isoWeek|month`; by
/// default every dimension × day. A smaller cube keeps fewer cells: memory
/// follows cells, not rows.
fn cube(args: &Args) -> Result<Cube, Failure> {
    let dimensions = args.value("cube").map(|c| {
        c.split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != "none")
            .map(str::to_string)
            .collect()
    });
    let granularity = match args.value("granularity") {
        None | Some("day") => Granularity::Day,
        Some("none") => Granularity::None,
        Some("isoWeek") => Granularity::IsoWeek,
        Some("month") => Granularity::Month,
        Some(g) => {
            return Err(io(format!(
                "--granularity {g}: expected none, day, isoWeek or month"
            )))
        }
    };
    Ok(Cube {
        dimensions,
        granularity,
    })
}

/// JSON Lines from standard input, streamed (`JsonLinesFeed::read`:
/// memory holds a chunk and the cells, whatever the input's size).
fn ingest_stdin(engine: &mut Engine) -> Result<IngestReport, Failure> {
    JsonLinesFeed::new()
        .read(engine, std::io::stdin().lock())
        .map_err(|e| io(format!("standard input: {e}")))
}

fn ingest_file(
    engine: &mut Engine,
    file: &str,
    mapping: Option<&CsvMapping>,
) -> Result<IngestReport, Failure> {
    let lower = file.to_ascii_lowercase();
    let csv = lower.ends_with(".csv") || lower.ends_with(".tsv");
    if lower.ends_with(".json") {
        let bytes = read(file)?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| Failure(1, format!("{file}: not UTF-8")))?;
        return engine
            .ingest_json(text)
            .map_err(|e| Failure(1, format!("{file}: {e}")));
    }
    // CSV and JSON Lines, streamed in chunks (memory follows the cells, not
    // the file) and filed on every core; a progress bar when stderr is a
    // terminal.
    let mapping = match (csv, mapping) {
        (true, None) => return Err(io(format!("{file}: a CSV file needs --mapping"))),
        (true, Some(m)) => Some(m),
        (false, _) => None,
    };
    let f = std::fs::File::open(file).map_err(|e| io(format!("cannot read {file}: {e}")))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = f.metadata().map_or(0, |m| m.len());
    let ingest = |engine: &mut Engine, input: &mut dyn std::io::Read| match mapping {
        Some(m) => CsvFeed::new(m).threads(threads).read(engine, input),
        None => JsonLinesFeed::new().threads(threads).read(engine, input),
    };
    let report = if size > 8 << 20 && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(file.to_string());
        let report = ingest(engine, &mut bar.wrap_read(f));
        bar.finish_and_clear();
        report
    } else {
        ingest(engine, &mut { f })
    };
    report.map_err(|e| io(format!("{file}: {e}")))
}

/// "N alert(s)", with how many are listed when not all are.
fn alerts_text(r: &IngestReport) -> String {
    let listed = r.alerts.len() as u64;
    match r.alerts_not_listed {
        0 => format!("{listed} alert(s)"),
        more => format!("{} alert(s) ({listed} listed)", listed + more),
    }
}

/// Prints an ingest report on stderr.
pub fn print_report(file: &str, r: &IngestReport) {
    eprintln!(
        "{file}: {} record(s): {} accepted, {} rejected, {}",
        r.total,
        r.accepted,
        r.rejected,
        alerts_text(r)
    );
    for e in &r.errors {
        let mut at = file.to_string();
        if let Some(l) = e.line {
            at.push_str(&format!(":{l}"));
            if let Some(c) = e.column {
                at.push_str(&format!(":{c}"));
            }
        } else {
            at.push_str(&format!(" record {}", e.index));
        }
        let field = e
            .field
            .as_ref()
            .map_or(String::new(), |f| format!(" column `{f}`"));
        let ptr = if e.pointer.is_empty() {
            String::new()
        } else {
            format!(" {}", e.pointer)
        };
        eprintln!("  {at}: {}{ptr}{field}: {}", e.code, e.message);
    }
    if r.errors_not_listed > 0 {
        eprintln!("  … and {} more rejected record(s)", r.errors_not_listed);
    }
}

const VALUE_FLAGS: &[&str] = &[
    "mapping",
    "query",
    "snapshot-out",
    "from-snapshot",
    "cube",
    "granularity",
    "max-cell-bytes",
];

fn parse(argv: &[String], name: &str) -> Result<(Args, String, Vec<String>), Failure> {
    let args =
        Args::parse(argv, VALUE_FLAGS, &["json"]).map_err(|e| io(format!("cx {name}: {e}")))?;
    let Some((plan, files)) = args.positionals.split_first() else {
        return Err(io(format!("usage: cx {name} PLAN FILE…|- [--mapping M] [--cube DIMS] [--granularity G] [--query Q] [--json] [--snapshot-out S] [--from-snapshot S]")));
    };
    let (plan, files) = (plan.clone(), files.to_vec());
    Ok((args, plan, files))
}

pub fn finish(result: Result<u8, Failure>) -> u8 {
    match result {
        Ok(code) => code,
        Err(Failure(code, msg)) => {
            eprintln!("{msg}");
            code
        }
    }
}

/// `cx ingest PLAN FILE… [--mapping M] [--snapshot-out S] [--json]`.
pub fn ingest(argv: &[String]) -> u8 {
    finish((|| {
        let (args, plan, files) = parse(argv, "ingest")?;
        let (engine, report) = load(&args, &plan, &files)?;
        if args.flag("json") {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        } else {
            println!(
                "{} record(s): {} accepted, {} rejected; {}; {} cell(s) kept",
                report.total,
                report.accepted,
                report.rejected,
                alerts_text(&report),
                engine.cell_count()
            );
        }
        write_snapshot(&args, &engine)?;
        Ok(u8::from(report.rejected > 0))
    })())
}

/// `--snapshot-out S`: the compact snapshot stream, written to a temporary
/// file beside `S` and renamed over it, so `S` is never left half written.
fn write_snapshot(args: &Args, engine: &Engine) -> Result<(), Failure> {
    let Some(out) = args.value("snapshot-out") else {
        return Ok(());
    };
    let path = std::path::Path::new(out);
    let name = path.file_name().map_or_else(
        || std::ffi::OsString::from("snapshot"),
        |n| n.to_os_string(),
    );
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(&name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let written = std::fs::File::create(&tmp).and_then(|f| {
        engine.write_snapshot(&f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(format!("cannot write {out}: {e}")));
    }
    eprintln!("snapshot written to {out}");
    Ok(())
}

/// `cx score PLAN FILE… [--mapping M] [--query Q] [--json]`.
pub fn score(argv: &[String]) -> u8 {
    finish((|| {
        let (args, plan, files) = parse(argv, "score")?;
        let (engine, report) = load(&args, &plan, &files)?;
        let query = match args.value("query") {
            Some(q) => {
                Query::from_json(&path_or_inline(q)?).map_err(|e| io(format!("query: {e}")))?
            }
            None => Query::default(),
        };
        let card = engine
            .query(&query)
            .map_err(|e| io(format!("query: {e}")))?;
        if args.flag("json") {
            println!(
                "{}",
                serde_json::to_string_pretty(&card).unwrap_or_default()
            );
        } else {
            print!("{}", scorecard_text(&card));
        }
        write_snapshot(&args, &engine)?;
        Ok(u8::from(report.rejected > 0))
    })())
}

/// A scorecard for a person: one block per row, one line per metric.
pub fn scorecard_text(card: &Scorecard) -> String {
    let mut out = String::new();
    for row in &card.rows {
        let key: Vec<String> = row
            .key
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("(none)")))
            .collect();
        out.push_str(&if key.is_empty() {
            "overall".to_string()
        } else {
            key.join(", ")
        });
        out.push('\n');
        for m in &card.metrics {
            let Some(s) = row.scores.get(m) else { continue };
            let value = match s.value {
                Some(v) => format!("{v:>9.2}"),
                None => format!("{:>9}", "—"),
            };
            let interval = s.interval.map_or(String::new(), |i| {
                format!("  [{:.2}, {:.2}]", i.low, i.high)
            });
            let flags = if s.flags.is_empty() {
                String::new()
            } else {
                format!(
                    "  {}",
                    s.flags
                        .iter()
                        .map(|f| format!("{f:?}"))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            };
            // A missing value says why ("—" alone would hide an overflow).
            let reason = match (s.value, &s.reason) {
                (None, Some(r)) => format!("  ({r})"),
                _ => String::new(),
            };
            out.push_str(&format!(
                "  {m:<28}{value}{interval}  n={}{flags}{reason}\n",
                s.n
            ));
        }
    }
    out.push_str(&format!(
        "level {:.0}%, as of {}\n",
        card.level * 100.0,
        card.as_of.map_or("—".into(), |d| d.to_string())
    ));
    out
}
