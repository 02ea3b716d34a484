//! cx scores as Apache DataFusion aggregate functions.
//!
//! Each function's partial state is the exact integer histogram that
//! cx-core keeps, so states merge in any order across partitions and
//! machines, and the final struct is computed by cx-core's own formulas.
//!
//! - `cx_nps(rating)` (0–10), `cx_csat(rating)` (1–5), `cx_ces(rating)`
//!   (1–7), `cx_enps(rating)` (0–10), `cx_attribute(rating)` (1–5, 0 = not
//!   applicable): the score struct ([`result`]), optionally with a literal
//!   confidence level and NPS interval method ([`options`]).
//! - `cx_nps_state(rating)`, … (one per metric): the state ([`state`]), a
//!   value Parquet can store.
//! - `cx_merge(state)`: the merged state of a column of states.
//! - `cx_score(state)` (scalar): the score struct of a state.
//!
//! [`register`] adds them all to a `SessionContext`; [`sql`] runs SQL over
//! Parquet, CSV and JSON Lines files for `cx sql`. `docs/datafusion.md`
//! has the user's guide.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::Arc;

use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

pub mod metric;
pub mod options;
pub mod rating;
pub mod result;
pub mod score_udf;
pub mod sql;
pub mod state;
pub mod udaf;

use metric::Metric;
use udaf::{CxAggregate, Input, Output};

/// The name of the merging aggregate.
pub const CX_MERGE: &str = "cx_merge";

/// Every aggregate function of cx (`cx_nps`, …, their `_state` forms and
/// `cx_merge`).
pub fn aggregate_functions() -> Vec<Arc<AggregateUDF>> {
    let mut out = Vec::new();
    for m in Metric::ALL {
        let name = format!("cx_{}", m.name());
        out.push(CxAggregate::new(
            name.clone(),
            Input::Ratings(m),
            Output::Score,
        ));
        out.push(CxAggregate::new(
            format!("{name}_state"),
            Input::Ratings(m),
            Output::State,
        ));
    }
    out.push(CxAggregate::new(CX_MERGE, Input::States, Output::State));
    out.into_iter()
        .map(|f| Arc::new(AggregateUDF::from(f)))
        .collect()
}

/// Every scalar function of cx (`cx_score`).
pub fn scalar_functions() -> Vec<Arc<ScalarUDF>> {
    vec![Arc::new(ScalarUDF::from(score_udf::CxScore::default()))]
}

/// Registers every cx function in `ctx`.
pub fn register(ctx: &SessionContext) {
    for f in aggregate_functions() {
        ctx.register_udaf(f.as_ref().clone());
    }
    for f in scalar_functions() {
        ctx.register_udf(f.as_ref().clone());
    }
}

#[cfg(feature = "cluster")]
pub mod cluster;
