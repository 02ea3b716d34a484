//! Native reference figures for the JavaScript and browser tests of
//! `cx-wasm`: the sample data (`examples/data/responses.jsonl`,
//! `survey-export.csv`) through native Rust, written as one JSON document
//! that `cx-wasm/tests/js/` and `cx-wasm/tests/browser/` compare with what
//! the WebAssembly build computes from the same inputs, to the last digit.
//!
//! The document goes to `$CX_REFERENCE_OUT/reference.json` (default
//! `target/cx-reference/`); `scripts/ci/wasm.sh` runs this test first.

use std::path::PathBuf;

use cx_core::engine::{CsvMapping, Engine, Query, Selection};
use cx_core::plan::Plan;
use cx_core::score::{self, DriversInput, NpsCounts, NpsMethod};
use serde_json::{json, Value};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap()
}

/// The swiss fixture (R `datasets::swiss`) as drivers input, Fertility the outcome.
fn swiss() -> DriversInput {
    let text = read("cx-wasm/tests/fixtures/swiss.csv");
    let mut lines = text.lines();
    let names: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .skip(1)
        .map(|s| s.trim_matches('"').to_string())
        .collect();
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(',')
                .skip(1)
                .map(|v| Some(v.parse::<f64>().unwrap()))
                .collect()
        })
        .collect();
    DriversInput {
        names,
        rows,
        outcome: "Fertility".into(),
        ..DriversInput::default()
    }
}

#[test]
fn write_reference_figures() {
    let plan = Plan::from_json(&read("examples/data/plan.json")).unwrap();
    let mut engine = Engine::new(plan.clone()).unwrap();
    let ingest = engine
        .ingest_json_lines(read("examples/data/responses.jsonl").as_bytes())
        .unwrap();
    assert_eq!(ingest.rejected, 0, "{:?}", ingest.errors);

    let queries: serde_json::Map<String, Value> =
        serde_json::from_str(&read("examples/web/queries.json")).unwrap();
    let mut dashboard = serde_json::Map::new();
    for (name, q) in queries {
        let q: Query = serde_json::from_value(q).unwrap();
        dashboard.insert(
            name,
            serde_json::to_value(engine.query(&q).unwrap()).unwrap(),
        );
    }

    let first_quarter = Selection {
        to: chrono::NaiveDate::from_ymd_opt(2026, 3, 31),
        ..Selection::default()
    };
    let third_quarter = Selection {
        from: chrono::NaiveDate::from_ymd_opt(2026, 7, 1),
        ..Selection::default()
    };
    let compare = engine
        .compare(
            &third_quarter,
            &first_quarter,
            0.95,
            NpsMethod::AdjustedWald,
        )
        .unwrap();

    let mut csv_engine = Engine::new(plan).unwrap();
    let mapping = CsvMapping::from_json(&read("examples/data/survey-mapping.json")).unwrap();
    let csv_report = csv_engine
        .ingest_csv(read("examples/data/survey-export.csv").as_bytes(), &mapping)
        .unwrap();
    assert_eq!(csv_report.rejected, 0, "{:?}", csv_report.errors);

    let counts = NpsCounts::new(2, 3, 5);
    let methods = [NpsMethod::Wald, NpsMethod::AdjustedWald, NpsMethod::Score];
    let nps_stats: Vec<Value> = methods
        .iter()
        .map(|&m| serde_json::to_value(score::nps(&counts, m, 0.95).unwrap()).unwrap())
        .collect();

    let doc = json!({
        "ingest": ingest,
        "scorecard": engine.query(&Query::default()).unwrap(),
        "dashboard": dashboard,
        "alerts": engine.alerts(),
        "compare": compare,
        "snapshot": engine.snapshot(),
        "csv": { "report": csv_report, "scorecard": csv_engine.query(&Query::default()).unwrap() },
        "npsStats": { "counts": counts, "wald": nps_stats[0], "adjustedWald": nps_stats[1], "score": nps_stats[2] },
        "npsDiff": score::nps_diff(&NpsCounts::new(20, 30, 50), &NpsCounts::new(30, 30, 40), NpsMethod::Wald, 0.95).unwrap(),
        "proportion": score::proportion(81, 263, 0.95).unwrap(),
        "drivers": score::drivers(&swiss()).unwrap(),
        "report": cx_core::report::Report::build(&engine, &cx_core::report::ReportOptions::default()).unwrap(),
        "reportMarkdown": cx_core::report::Report::build(&engine, &cx_core::report::ReportOptions::default()).unwrap().to_markdown(),
        "reportHtml": cx_core::report::Report::build(&engine, &cx_core::report::ReportOptions::default()).unwrap().to_html(),
    });

    let dir = std::env::var_os("CX_REFERENCE_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(ROOT).join("target/cx-reference"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("reference.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    println!("wrote {}", path.display());
}
