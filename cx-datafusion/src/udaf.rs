//! The aggregate functions: [`CxAggregate`] (`cx_nps`, …, `cx_nps_state`,
//! …, `cx_merge`), its [`Accumulator`] and its [`GroupsAccumulator`].
//!
//! Both accumulators keep `Groups`: one histogram (and metric) per group,
//! the plain Accumulator being the case of one group. Input rows add
//! ratings; partial states (and `cx_merge`'s input) add histograms with a
//! checked sum and a check that the metrics agree. Every function's
//! partial state is the [state](crate::state) value itself, so the
//! `_state` functions are the same accumulators evaluated to their state.

use std::mem::size_of;
use std::sync::Arc;

use cx_core::score::{Histogram, ScoreError};
use datafusion::arrow::array::{Array, ArrayRef, BooleanArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDFImpl, EmitTo, GroupsAccumulator, Signature, TypeSignature, Volatility,
};
use datafusion::physical_expr::expressions::Literal;

use crate::metric::Metric;
use crate::options::{check_option_types, Options};
use crate::rating::{check_rating_type, for_each_rating, Source};
use crate::result::{result_array, result_type, Scored};
use crate::state::{check_state_type, read_states, state_array, state_type};

/// What an aggregate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// Ratings of one metric (`cx_nps`, `cx_nps_state`…).
    Ratings(Metric),
    /// States of any one metric (`cx_merge`).
    States,
}

/// What an aggregate returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    /// The score struct ([`crate::result`]).
    Score,
    /// The state ([`crate::state`]).
    State,
}

/// One cx aggregate function.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CxAggregate {
    name: String,
    input: Input,
    output: Output,
    signature: Signature,
}

impl CxAggregate {
    /// The function `name` reading `input` and returning `output`.
    pub fn new(name: impl Into<String>, input: Input, output: Output) -> CxAggregate {
        let arities = match input {
            Input::Ratings(_) => vec![
                TypeSignature::Any(1),
                TypeSignature::Any(2),
                TypeSignature::Any(3),
            ],
            Input::States => vec![TypeSignature::Any(1)],
        };
        CxAggregate {
            name: name.into(),
            input,
            output,
            signature: Signature::one_of(arities, Volatility::Immutable),
        }
    }

    fn metric(&self) -> Option<Metric> {
        match self.input {
            Input::Ratings(m) => Some(m),
            Input::States => None,
        }
    }

    /// What both accumulators need to know of one call.
    fn spec(&self, args: &AccumulatorArgs) -> Result<Spec> {
        let literals: Vec<Option<ScalarValue>> = args
            .exprs
            .iter()
            .skip(1)
            .map(|e| e.downcast_ref::<Literal>().map(|l| l.value().clone()))
            .collect();
        let options = Options::from_literals(&self.name, self.metric(), &literals)?;
        let column = args
            .expr_fields
            .first()
            .map_or_else(|| "?".to_string(), |f| f.name().clone());
        Ok(Spec {
            function: self.name.clone(),
            column,
            input: self.input,
            output: self.output,
            options,
        })
    }
}

impl AggregateUDFImpl for CxAggregate {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        let Some(first) = arg_types.first() else {
            return plan_err!("{}: expected an argument", self.name);
        };
        match self.input {
            Input::Ratings(_) => check_rating_type(&self.name, first)?,
            Input::States => check_state_type(&self.name, first)?,
        }
        check_option_types(&self.name, &arg_types[1..])?;
        Ok(match self.output {
            Output::Score => result_type(),
            Output::State => state_type(),
        })
    }

    fn is_nullable(&self) -> bool {
        // `cx_merge` of no state is NULL.
        self.input == Input::States
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let spec = self.spec(&args)?;
        let mut groups = Groups::default();
        groups.resize(1, self.metric());
        Ok(Box::new(CxAccumulator { spec, groups }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format_state_name(args.name, "state"),
            state_type(),
            true,
        ))])
    }

    fn groups_accumulator_supported(&self, _args: AccumulatorArgs) -> bool {
        true
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        let spec = self.spec(&args)?;
        Ok(Box::new(CxGroupsAccumulator {
            spec,
            groups: Groups::default(),
        }))
    }
}

/// One call's function name, column, input, output and options.
#[derive(Debug, Clone)]
struct Spec {
    function: String,
    column: String,
    input: Input,
    output: Output,
    options: Options,
}

/// Per group: the metric (`None` until `cx_merge` sees a state) and the
/// histogram.
#[derive(Debug, Default)]
struct Groups {
    metrics: Vec<Option<Metric>>,
    hists: Vec<Histogram>,
}

impl Groups {
    fn resize(&mut self, n: usize, metric: Option<Metric>) {
        if n > self.hists.len() {
            self.metrics.resize(n, metric);
            self.hists.resize(n, Histogram::default());
        }
    }

    fn merge(&mut self, function: &str, g: usize, m: Metric, h: &Histogram) -> Result<()> {
        match self.metrics[g] {
            Some(have) if have != m => {
                return exec_err!(
                    "{function}: cannot merge a {} state into {} states",
                    m.name(),
                    have.name()
                )
            }
            _ => self.metrics[g] = Some(m),
        }
        // Checked, not `Histogram::merge` (which saturates): stored states
        // could sum past the largest count, and that must not pass silently.
        let mut sum = self.hists[g];
        for (a, b) in sum.counts.iter_mut().zip(h.counts) {
            let Some(s) = a.checked_add(b) else {
                return exec_err!(
                    "{function}: merging {} states: {}",
                    m.name(),
                    ScoreError::Overflow("the count of a rating")
                );
            };
            *a = s;
        }
        self.hists[g] = sum;
        Ok(())
    }

    fn take(&mut self, emit_to: EmitTo) -> Groups {
        Groups {
            metrics: emit_to.take_needed(&mut self.metrics),
            hists: emit_to.take_needed(&mut self.hists),
        }
    }

    fn states(&self) -> Vec<Option<(Metric, Histogram)>> {
        self.metrics
            .iter()
            .zip(&self.hists)
            .map(|(m, h)| m.map(|m| (m, *h)))
            .collect()
    }

    fn size(&self) -> usize {
        self.metrics.capacity() * size_of::<Option<Metric>>()
            + self.hists.capacity() * size_of::<Histogram>()
    }
}

impl Spec {
    /// Adds input rows to their groups: `group_of(row)` is the row's group,
    /// or `None` for a row to leave out (a `FILTER`). Ratings are counted in
    /// one pass over the column, with no buffer per batch.
    fn update(
        &self,
        values: &[ArrayRef],
        groups: &mut Groups,
        group_of: impl Fn(usize) -> Option<usize>,
    ) -> Result<()> {
        let Some(column) = values.first() else {
            return exec_err!("{}: no argument", self.function);
        };
        match self.input {
            Input::Ratings(metric) => {
                let hists = &mut groups.hists;
                for_each_rating(self.source(metric), column, |row, rating| {
                    if let Some(g) = group_of(row) {
                        // A count grows by one per row: it cannot pass 2^64.
                        hists[g].counts[usize::from(rating)] += 1;
                    }
                })
            }
            Input::States => self.merge(column, groups, group_of),
        }
    }

    /// Adds partial states to their groups (`group_of` as in `update`).
    fn merge(
        &self,
        column: &ArrayRef,
        groups: &mut Groups,
        group_of: impl Fn(usize) -> Option<usize>,
    ) -> Result<()> {
        let expect = match self.input {
            Input::Ratings(m) => Some(m),
            Input::States => None,
        };
        let states = read_states(&self.function, column, expect)?;
        for (row, state) in states.iter().enumerate() {
            if let (Some((m, h)), Some(g)) = (state, group_of(row)) {
                groups.merge(&self.function, g, *m, h)?;
            }
        }
        Ok(())
    }

    fn source(&self, metric: Metric) -> Source<'_> {
        Source {
            function: &self.function,
            column: &self.column,
            metric,
        }
    }

    /// The groups' output: scores or states.
    fn output(&self, groups: &Groups) -> ArrayRef {
        match self.output {
            Output::State => state_array(&groups.states()),
            Output::Score => {
                let rows: Vec<Option<Scored>> = groups
                    .states()
                    .into_iter()
                    .map(|s| s.map(|(m, h)| Scored::new(m, h, self.options)))
                    .collect();
                result_array(&rows)
            }
        }
    }
}

/// Whether row `i` passes the aggregate's `FILTER (WHERE …)`.
fn kept(filter: Option<&BooleanArray>, i: usize) -> bool {
    filter.is_none_or(|f| f.is_valid(i) && f.value(i))
}

/// The [`Accumulator`]: one group.
#[derive(Debug)]
struct CxAccumulator {
    spec: Spec,
    groups: Groups,
}

impl Accumulator for CxAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.spec.update(values, &mut self.groups, |_| Some(0))
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let Some(column) = states.first() else {
            return Ok(());
        };
        self.spec.merge(column, &mut self.groups, |_| Some(0))
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let array = state_array(&self.groups.states());
        Ok(vec![ScalarValue::try_from_array(&array, 0)?])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        ScalarValue::try_from_array(&self.spec.output(&self.groups), 0)
    }

    fn size(&self) -> usize {
        size_of::<Self>() + self.groups.size()
    }
}

/// The [`GroupsAccumulator`]: every group of a `GROUP BY`.
struct CxGroupsAccumulator {
    spec: Spec,
    groups: Groups,
}

impl CxGroupsAccumulator {
    fn fixed_metric(&self) -> Option<Metric> {
        match self.spec.input {
            Input::Ratings(m) => Some(m),
            Input::States => None,
        }
    }
}

impl GroupsAccumulator for CxGroupsAccumulator {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.groups.resize(total_num_groups, self.fixed_metric());
        match opt_filter {
            None => self
                .spec
                .update(values, &mut self.groups, |i| Some(group_indices[i])),
            filter => self.spec.update(values, &mut self.groups, |i| {
                kept(filter, i).then(|| group_indices[i])
            }),
        }
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        self.groups.resize(total_num_groups, self.fixed_metric());
        let Some(column) = values.first() else {
            return Ok(());
        };
        self.spec
            .merge(column, &mut self.groups, |i| Some(group_indices[i]))
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let taken = self.groups.take(emit_to);
        Ok(self.spec.output(&taken))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let taken = self.groups.take(emit_to);
        Ok(vec![state_array(&taken.states())])
    }

    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        // Each row its own group.
        let n = values.first().map_or(0, |v| v.len());
        let mut rows = Groups::default();
        rows.resize(n, self.fixed_metric());
        self.spec
            .update(values, &mut rows, |i| kept(opt_filter, i).then_some(i))?;
        Ok(vec![state_array(&rows.states())])
    }

    fn size(&self) -> usize {
        size_of::<Self>() + self.groups.size()
    }
}
