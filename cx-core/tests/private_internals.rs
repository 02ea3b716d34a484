//! Issue #17, item 4 (the internals private): the engine's cells and their
//! store are private (they were public only for a bench), `Totals` is
//! opaque, and identity alignment asks `Totals` for what it needs (the
//! ratings of each attribute) instead of reaching into the cells.

use cx_core::engine::{Engine, Selection};
use cx_core::plan::Plan;

#[test]
fn totals_answer_the_attribute_ratings() {
    let plan = Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
    let n_attributes = plan.attributes.len();
    let mut engine = Engine::new(plan).unwrap();
    let empty = engine.totals(&Selection::default()).unwrap();
    assert_eq!(empty.responses(), 0);
    let report = engine
        .ingest_json_lines(include_bytes!("../../examples/data/responses.jsonl"))
        .unwrap();
    let t = engine.totals(&Selection::default()).unwrap();
    // The file also holds employee responses, audits and KPIs.
    assert!(t.responses() > 0 && t.responses() <= report.accepted);
    let ratings: Vec<_> = t.attribute_ratings().collect();
    assert_eq!(ratings.len(), n_attributes);
    assert!(ratings.iter().any(|h| h.n() > 0));
}

/// The module declarations of the engine: `cells` and `store` are private.
#[test]
fn the_cells_and_their_store_are_private() {
    let engine = include_str!("../src/engine/mod.rs");
    for module in ["cells", "store"] {
        assert!(
            engine.lines().any(|l| l == format!("mod {module};")),
            "engine/mod.rs declares `mod {module};`"
        );
        assert!(!engine.contains(&format!("pub mod {module};")));
    }
    let identity = include_str!("../src/analysis/identity.rs");
    assert!(!identity.contains("ResponseCell"));
}
