//! `cx stats …` (SPEC §5.5): one-off statistics from the command line.
//!
//! ```text
//! cx stats nps --counts D,PA,PR [--method wald|adjustedWald|score] [--level L] [--json]
//! cx stats nps-diff --a D,PA,PR --b D,PA,PR [--method wald|adjustedWald] [--level L] [--json]
//! cx stats proportion --successes X --n N [--level L] [--json]
//! cx stats drivers --csv FILE --outcome COL[=VALUE] --predictors A,B,… [--na V] [--json]
//! cx stats sentiment --csv FILE --column NAME [--id NAME] [--plan PLAN] [--json]
//! cx stats sentiment --text "…" [--plan PLAN] [--json]
//! ```
//!
//! `sentiment` ([`sentiment`]) scores comments with VADER and finds the
//! plan's themes in them.
//!
//! `drivers` hands the decimal text of the cells, as read, to
//! `score::drivers` (the one implementation: exact decimals, integer
//! co-moments; a cell is a number in JSON grammar, the numeric standard of
//! `cx_core::number`). `COL=VALUE` scores the outcome 1 where the column
//! equals VALUE, else 0. Rows with an empty cell, or a predictor equal in
//! value to `--na` (`NaColumns::Predictors`: an outcome of 0 is a rating),
//! are dropped (complete cases, as relaimpo). A non-numeric cell is an
//! error (exit 1) naming its line.
//!
//! Exit status: 0 success, 1 the data gives no result (or, for
//! `sentiment --plan`, the plan has errors), 2 usage or I/O error.

use std::fmt::Write as _;

use cx_core::score::{
    drivers, nps, nps_diff, proportion, DifferenceTest, Drivers, DriversInput, Interval, NaColumns,
    NpsCounts, NpsMethod, Score, ScoreError, DEFAULT_LEVEL,
};
use serde::Serialize;

use crate::args::Args;

mod sentiment;

/// `cx stats --help`.
pub const USAGE: &str =
    "usage: cx stats nps --counts D,PA,PR [--method wald|adjustedWald|score] [--level L] [--json]
       cx stats nps-diff --a D,PA,PR --b D,PA,PR [--method wald|adjustedWald] [--level L] [--json]
       cx stats proportion --successes X --n N [--level L] [--json]
       cx stats drivers --csv FILE --outcome COL[=VALUE] --predictors A,B,... [--na V] [--json]
       cx stats sentiment --csv FILE --column NAME [--id NAME] [--plan PLAN] [--json]
       cx stats sentiment --text \"...\" [--plan PLAN] [--json]";

/// A failure of one `cx stats` command: its message and exit code.
struct Failure {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: format!("{}\n{USAGE}", message.into()),
    }
}

fn io_error(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

fn data_error(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

/// Runs `cx stats`.
pub fn run(argv: &[String]) -> u8 {
    let Some((sub, rest)) = argv.split_first() else {
        eprintln!("cx stats: missing subcommand\n{USAGE}");
        return 2;
    };
    let result = match sub.as_str() {
        "nps" => run_nps(rest),
        "nps-diff" => run_nps_diff(rest),
        "proportion" => run_proportion(rest),
        "drivers" => run_drivers(rest),
        "sentiment" => sentiment::run(rest),
        "-h" | "--help" | "help" => {
            return crate::data::finish(outln!("{USAGE}").map(|()| 0));
        }
        other => Err(usage(format!("unknown subcommand `{other}`"))),
    };
    match result {
        Ok(out) => crate::data::finish(crate::out::print(&out).map(|()| 0)),
        Err(f) => {
            eprintln!("cx stats {sub}: {}", f.message);
            f.code
        }
    }
}

fn parse_args(argv: &[String], values: &[&str]) -> Result<Args, Failure> {
    let args = Args::parse(argv, values, &["json"]).map_err(usage)?;
    if let Some(p) = args.positionals.first() {
        return Err(usage(format!("unexpected argument `{p}`")));
    }
    Ok(args)
}

fn level(args: &Args) -> Result<f64, Failure> {
    match args.value("level") {
        None => Ok(DEFAULT_LEVEL),
        Some(text) => match text.trim().parse::<f64>() {
            Ok(l) if l > 0.0 && l < 1.0 => Ok(l),
            _ => Err(usage(format!(
                "--level `{text}` must be a number strictly between 0 and 1, e.g. 0.95"
            ))),
        },
    }
}

fn counts(flag: &str, text: &str) -> Result<NpsCounts, Failure> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let nums: Option<Vec<u64>> = parts.iter().map(|p| p.parse::<u64>().ok()).collect();
    match nums.as_deref() {
        Some([d, pa, pr]) => Ok(NpsCounts::new(*d, *pa, *pr)),
        _ => Err(usage(format!(
            "--{flag} `{text}` must be three counts: detractors,passives,promoters (e.g. 20,30,50)"
        ))),
    }
}

fn method(args: &Args, allow_score: bool) -> Result<NpsMethod, Failure> {
    match args.value("method") {
        None => Ok(NpsMethod::default()),
        Some("wald") => Ok(NpsMethod::Wald),
        Some("adjustedWald") => Ok(NpsMethod::AdjustedWald),
        Some("score") if allow_score => Ok(NpsMethod::Score),
        Some(other) => Err(usage(format!(
            "--method `{other}` must be one of wald, adjustedWald{}",
            if allow_score { ", score" } else { "" }
        ))),
    }
}

fn score_error(e: ScoreError) -> Failure {
    match e {
        ScoreError::InvalidLevel(_) | ScoreError::SuccessesExceedN { .. } => usage(e.to_string()),
        other => data_error(other.to_string()),
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| data_error(format!("cannot serialise the result: {e}")))
}

fn interval_text(i: &Option<Interval>) -> String {
    match i {
        Some(i) => format!(
            "[{:.2}, {:.2}] ({}% {})",
            i.low,
            i.high,
            i.level * 100.0,
            serde_json::to_value(i.method)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
        None => "none".into(),
    }
}

fn score_text(title: &str, s: &Score, unit: &str) -> String {
    let mut out = String::new();
    match s.value {
        Some(v) => {
            let _ = writeln!(out, "{title}: {v:.2}{unit}  (n = {})", s.n);
            if let Some(se) = s.se {
                let _ = writeln!(out, "  standard error: {se:.2}{unit}");
            }
            let _ = writeln!(out, "  interval: {}", interval_text(&s.interval));
        }
        None => {
            let _ = writeln!(
                out,
                "{title}: no value (n = {}): {}",
                s.n,
                s.reason.as_deref().unwrap_or("no data")
            );
        }
    }
    if !s.flags.is_empty() {
        let _ = writeln!(out, "  flags: {:?}", s.flags);
    }
    out
}

fn run_nps(argv: &[String]) -> Result<String, Failure> {
    let args = parse_args(argv, &["counts", "method", "level"])?;
    let c = counts("counts", args.required("counts").map_err(usage)?)?;
    let s = nps(&c, method(&args, true)?, level(&args)?).map_err(score_error)?;
    if args.flag("json") {
        return to_json(&s);
    }
    let mut out = score_text("NPS", &s, "");
    let _ = writeln!(
        out,
        "  detractors {}, passives {}, promoters {}",
        c.detractors, c.passives, c.promoters
    );
    Ok(out)
}

fn run_nps_diff(argv: &[String]) -> Result<String, Failure> {
    let args = parse_args(argv, &["a", "b", "method", "level"])?;
    let a = counts("a", args.required("a").map_err(usage)?)?;
    let b = counts("b", args.required("b").map_err(usage)?)?;
    let d: DifferenceTest =
        nps_diff(&a, &b, method(&args, false)?, level(&args)?).map_err(score_error)?;
    if args.flag("json") {
        return to_json(&d);
    }
    let mut out = String::new();
    match d.delta {
        Some(delta) => {
            let _ = writeln!(
                out,
                "NPS difference a − b: {delta:+.2}  (na = {}, nb = {})",
                d.n_a, d.n_b
            );
            if let Some(se) = d.se {
                let _ = writeln!(out, "  standard error: {se:.2}");
            }
            let _ = writeln!(out, "  interval: {}", interval_text(&d.interval));
            match d.p {
                Some(p) => {
                    let _ = writeln!(out, "  p-value (two-sided z test): {p:.4}");
                }
                None => {
                    let _ = writeln!(out, "  p-value: undefined (standard error 0)");
                }
            }
        }
        None => {
            let _ = writeln!(
                out,
                "NPS difference: no value: {}",
                d.reason.as_deref().unwrap_or("no data")
            );
        }
    }
    Ok(out)
}

fn run_proportion(argv: &[String]) -> Result<String, Failure> {
    let args = parse_args(argv, &["successes", "n", "level"])?;
    let num = |flag: &str| -> Result<u64, Failure> {
        let text = args.required(flag).map_err(usage)?;
        text.trim()
            .parse::<u64>()
            .map_err(|_| usage(format!("--{flag} `{text}` must be a whole number >= 0")))
    };
    let (x, n) = (num("successes")?, num("n")?);
    let s = proportion(x, n, level(&args)?).map_err(score_error)?;
    if args.flag("json") {
        return to_json(&s);
    }
    Ok(score_text(&format!("Proportion {x}/{n}"), &s, "%"))
}

fn run_drivers(argv: &[String]) -> Result<String, Failure> {
    let args = parse_args(argv, &["csv", "outcome", "predictors", "na"])?;
    let path = args.required("csv").map_err(usage)?;
    let outcome_spec = args.required("outcome").map_err(usage)?;
    let predictors: Vec<String> = args
        .required("predictors")
        .map_err(usage)?
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if predictors.is_empty() {
        return Err(usage("--predictors needs at least one column"));
    }
    let input = drivers_input(path, outcome_spec, predictors, args.value("na"))?;
    let out = drivers(&input).map_err(|e| match e {
        // The rows are the CSV's records: row r is on line r + 2.
        ScoreError::NotADecimal {
            row: Some(r),
            column,
            text,
            ..
        } => {
            let role = if column == input.outcome {
                "outcome"
            } else {
                "predictor"
            };
            data_error(format!(
                "`{path}` line {}: {role} `{column}` value `{text}` is not a number",
                r + 2
            ))
        }
        ScoreError::NotADecimal { text, reason, .. } => {
            usage(format!("--na `{text}` must be a number: {reason}"))
        }
        e => score_error(e),
    })?;
    if args.flag("json") {
        return to_json(&out);
    }
    Ok(drivers_text(outcome_spec, &out))
}

/// The CSV at `path` as the decimal text of the outcome and the predictors,
/// as read (an empty cell is missing). `COL=VALUE` scores the outcome 1
/// where the column equals VALUE, else 0; a column named exactly like the
/// spec wins over that reading.
fn drivers_input(
    path: &str,
    outcome_spec: &str,
    predictors: Vec<String>,
    na: Option<&str>,
) -> Result<DriversInput<String>, Failure> {
    let (mut reader, headers) = open_csv(path, false)?;
    let column = |name: &str| -> Result<usize, Failure> {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            usage(format!(
                "`{path}` has no column `{name}`; columns: {}",
                headers.join(", ")
            ))
        })
    };
    let (outcome_col, outcome_value) = match headers.iter().position(|h| h == outcome_spec) {
        Some(c) => (c, None),
        None => match outcome_spec.split_once('=') {
            Some((col, value)) => (column(col.trim())?, Some(value.trim().to_string())),
            None => (column(outcome_spec)?, None),
        },
    };
    let pred_cols: Vec<usize> = predictors
        .iter()
        .map(|p| column(p))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| io_error(format!("`{path}` line {}: {e}", i + 2)))?;
        let cell = |c: usize| {
            let text = record.get(c).map(str::trim).unwrap_or("");
            (!text.is_empty()).then(|| text.to_string())
        };
        let outcome = match (&outcome_value, cell(outcome_col)) {
            (Some(v), Some(text)) => Some(if text == *v { "1" } else { "0" }.to_string()),
            (_, outcome) => outcome,
        };
        rows.push(
            std::iter::once(outcome)
                .chain(pred_cols.iter().map(|&c| cell(c)))
                .collect(),
        );
    }
    let outcome = headers[outcome_col].clone();
    Ok(DriversInput {
        names: std::iter::once(outcome.clone()).chain(predictors).collect(),
        rows,
        outcome,
        na: na.map(|v| v.trim().to_string()),
        na_columns: NaColumns::Predictors,
    })
}

/// A CSV reader of the file at `path` (`flexible`: rows may have any
/// number of fields) and its header's column names, trimmed, without a
/// byte-order mark.
fn open_csv(
    path: &str,
    flexible: bool,
) -> Result<(csv::Reader<std::fs::File>, Vec<String>), Failure> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(flexible)
        .from_path(path)
        .map_err(|e| io_error(format!("cannot read `{path}`: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| io_error(format!("cannot read the header of `{path}`: {e}")))?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_string()
        })
        .collect();
    Ok((reader, headers))
}

/// The drivers as a table: mean, Pearson r, Johnson's weight, LMG and the
/// share of R² of each predictor.
fn drivers_text(outcome_spec: &str, out: &Drivers) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Drivers of {outcome_spec}: n = {} complete cases, R² = {:.4}",
        out.n, out.r2
    );
    let width = out
        .drivers
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let _ = writeln!(
        text,
        "  {:<width$}  {:>8}  {:>8}  {:>8}  {:>8}  {:>10}",
        "predictor", "mean", "pearson", "johnson", "lmg", "% of R²"
    );
    for d in &out.drivers {
        let lmg = d
            .lmg
            .map(|l| format!("{l:.4}"))
            .unwrap_or_else(|| "-".into());
        let share = if out.r2 > 0.0 {
            d.johnson / out.r2 * 100.0
        } else {
            0.0
        };
        let _ = writeln!(
            text,
            "  {:<width$}  {:>8.3}  {:>8.4}  {:>8.4}  {:>8}  {:>9.1}%",
            d.name, d.mean, d.pearson, d.johnson, lmg, share
        );
    }
    if out.drivers.iter().any(|d| d.lmg.is_none()) {
        let _ = writeln!(text, "  (lmg omitted: more than 15 predictors)");
    }
    text
}

#[cfg(test)]
mod tests {
    //! Run with `cargo test --example cx`.
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    fn json(out: Result<String, Failure>) -> serde_json::Value {
        match out {
            Ok(s) => serde_json::from_str(&s).unwrap(),
            Err(f) => panic!("{}", f.message),
        }
    }

    #[test]
    fn nps_json_is_the_adjusted_wald_score_on_the_display_scale() {
        let v = json(run_nps(&argv(&["--counts", "20,30,50", "--json"])));
        assert_eq!(v["n"], 100);
        assert_eq!(v["promoters"], 50);
        assert_eq!(v["interval"]["method"], "adjustedWald");
        let low = v["interval"]["low"].as_f64().unwrap();
        assert!((low - 14.05113018).abs() < 1e-7);
    }

    #[test]
    fn usage_errors_exit_2() {
        for bad in [
            &["--counts", "1,2"][..],
            &["--counts", "1,2,3", "--method", "exact"],
            &["--counts", "1,2,3", "--level", "95"],
            &["--counts", "1,2,3", "extra"],
            &[],
        ] {
            assert_eq!(run_nps(&argv(bad)).err().unwrap().code, 2, "{bad:?}");
        }
        let diff = run_nps_diff(&argv(&[
            "--a", "1,2,3", "--b", "1,2,3", "--method", "score",
        ]));
        assert_eq!(diff.err().unwrap().code, 2);
        let p = run_proportion(&argv(&["--successes", "5", "--n", "4"]));
        assert_eq!(p.err().unwrap().code, 2);
        assert_eq!(run(&argv(&["nope"])), 2);
    }

    #[test]
    fn nps_diff_and_proportion_json() {
        let d = json(run_nps_diff(&argv(&[
            "--a", "20,30,50", "--b", "30,30,40", "--method", "wald", "--json",
        ])));
        assert!((d["delta"].as_f64().unwrap() - 20.0).abs() < 1e-9);
        assert!((d["p"].as_f64().unwrap() - 0.0794106260).abs() < 1e-9);
        let p = json(run_proportion(&argv(&[
            "--successes",
            "74",
            "--n",
            "107",
            "--json",
        ])));
        assert!((p["interval"]["low"].as_f64().unwrap() - 59.87150913).abs() < 1e-7);
    }

    #[test]
    fn drivers_reads_decimals_binary_outcomes_and_na() {
        let path =
            std::env::temp_dir().join(format!("cx-stats-drivers-{}.csv", std::process::id()));
        // y = "yes" for high x; z has a 0 meaning not applicable on one row.
        std::fs::write(
            &path,
            "x,z,y\n1.5,2,no\n2,3,no\n2.25,1,no\n3,0,yes\n3.5,4,yes\n4,5,yes\n4.75,3,yes\n,2,no\n",
        )
        .unwrap();
        let file = path.to_string_lossy().to_string();
        let v = json(run_drivers(&argv(&[
            "--csv",
            &file,
            "--outcome",
            "y=yes",
            "--predictors",
            "x,z",
            "--na",
            "0",
            "--json",
        ])));
        let _ = std::fs::remove_file(&path);
        assert_eq!(v["n"], 6); // the empty x and the z = 0 rows are dropped
        let d = v["drivers"].as_array().unwrap();
        assert_eq!(d[0]["name"], "x");
        // (1.5 + 2 + 2.25 + 3.5 + 4 + 4.75) / 6, read as hundredths.
        assert!((d[0]["mean"].as_f64().unwrap() - 3.0).abs() < 1e-12);
        let r2 = v["r2"].as_f64().unwrap();
        let total: f64 = d.iter().map(|x| x["johnson"].as_f64().unwrap()).sum();
        assert!((total - r2).abs() < 1e-12);
        assert!(d[1]["lmg"].is_number());
    }

    #[test]
    fn drivers_reports_bad_cells_and_columns() {
        let path = std::env::temp_dir().join(format!("cx-stats-bad-{}.csv", std::process::id()));
        std::fs::write(&path, "x,y\n1,2\nabc,3\n").unwrap();
        let file = path.to_string_lossy().to_string();
        let bad = run_drivers(&argv(&[
            "--csv",
            &file,
            "--outcome",
            "y",
            "--predictors",
            "x",
        ]));
        let missing = run_drivers(&argv(&[
            "--csv",
            &file,
            "--outcome",
            "y",
            "--predictors",
            "w",
        ]));
        let _ = std::fs::remove_file(&path);
        let bad = bad.err().unwrap();
        assert_eq!(bad.code, 1);
        assert!(bad.message.contains("line 3"), "{}", bad.message);
        assert_eq!(missing.err().unwrap().code, 2);
    }
}
