//! `cx_score(state [, level] [, method])`: the scalar function that turns a
//! stored state into the score struct, with the formula of the state's own
//! metric (so one column may hold states of several metrics).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};

use crate::options::{check_option_types, Options};
use crate::result::{result_array, result_type, Scored};
use crate::state::{check_state_type, read_states};

/// The name of the scalar function.
pub const CX_SCORE: &str = "cx_score";

/// `cx_score`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CxScore {
    signature: Signature,
}

impl Default for CxScore {
    fn default() -> Self {
        CxScore {
            signature: Signature::one_of(
                vec![
                    TypeSignature::Any(1),
                    TypeSignature::Any(2),
                    TypeSignature::Any(3),
                ],
                Volatility::Immutable,
            ),
        }
    }
}

impl ScalarUDFImpl for CxScore {
    fn name(&self) -> &str {
        CX_SCORE
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        let Some(first) = arg_types.first() else {
            return plan_err!("{CX_SCORE}: expected a state");
        };
        check_state_type(CX_SCORE, first)?;
        check_option_types(CX_SCORE, &arg_types[1..])?;
        Ok(result_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let literals: Vec<Option<ScalarValue>> = args.args[1..]
            .iter()
            .map(|a| match a {
                ColumnarValue::Scalar(v) => Some(v.clone()),
                ColumnarValue::Array(_) => None,
            })
            .collect();
        let options = Options::from_literals(CX_SCORE, None, &literals)?;
        let states = args.args[0].to_array(args.number_rows)?;
        let rows: Vec<Option<Scored>> = read_states(CX_SCORE, &states, None)?
            .into_iter()
            .map(|s| s.map(|(m, h)| Scored::new(m, h, options)))
            .collect();
        Ok(ColumnarValue::Array(result_array(&rows)))
    }
}
