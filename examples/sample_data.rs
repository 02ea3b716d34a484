//! Writes `examples/data/responses.jsonl`: the small sample data set of the
//! web dashboard and of the JS tests — nine months (January–September 2026)
//! of customer responses, employee responses, audits and monthly KPIs for
//! the sample plan, from the seeded generator `cx_core::demo` (seed 7, about
//! two customer responses a day, every eighth audit kept so the file stays
//! small), so the file is the same on every machine.
//!
//! It also writes `examples/data/survey-export.csv`, the first 60 customer
//! responses as a survey tool would export them (with `NA` for a missing
//! answer), read with `examples/data/survey-mapping.json`: the CSV a user
//! can drop on the dashboard.
//!
//! ```text
//! cargo run --example sample_data            # rewrites both files
//! ```

use cx_core::demo::{generate, DemoConfig};
use cx_core::record::Record;

fn main() {
    let mut data = generate(&DemoConfig {
        seed: 7,
        responses_per_day: 2,
        ..DemoConfig::default()
    });
    let mut audits = 0usize;
    data.records.retain(|r| match r {
        Record::Audit(_) => {
            audits += 1;
            audits % 8 == 1
        }
        _ => true,
    });
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
    write(&format!("{dir}/responses.jsonl"), &data.to_json_lines());
    println!(
        "wrote {dir}/responses.jsonl: {} records",
        data.records.len()
    );

    let mut csv = String::from(
        "Respondent,Date,Customer type,Team,Region,Likely to recommend (0-10),Satisfaction (1-5),Ease (1-7),Claim speed,Kept informed\n",
    );
    let opt = |v: Option<u8>| v.map_or("NA".to_string(), |v| v.to_string());
    let responses = data.records.iter().filter_map(|r| match r {
        Record::Response(r) => Some(r),
        _ => None,
    });
    for r in responses.take(60) {
        let attr = |id: &str| opt(r.attributes.get(id).copied());
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            r.id.as_deref().unwrap_or(""),
            r.at.date(),
            r.segment.as_deref().unwrap_or(""),
            r.team.as_deref().unwrap_or(""),
            r.dimensions.get("region").map_or("", String::as_str),
            opt(r.nps),
            opt(r.csat),
            opt(r.ces),
            attr("claim-speed"),
            attr("kept-informed"),
        ));
    }
    write(&format!("{dir}/survey-export.csv"), &csv);
    println!("wrote {dir}/survey-export.csv: 60 rows");
}

fn write(path: &str, text: &str) {
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("error: cannot write {path}: {e}");
        std::process::exit(2);
    }
}
