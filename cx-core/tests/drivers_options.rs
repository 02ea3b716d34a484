//! Issue #17, item 2: one drivers implementation. The not-applicable rule
//! is an option of `score::drivers` ([`NaColumns`]: every column, or the
//! predictors only, the rule of `cx stats drivers`), and the drivers take
//! the decimal text as read (`DriversInput<String>`) as well as numbers.

use cx_core::error::ErrorCode;
use cx_core::score::{drivers, DriversInput, NaColumns, ScoreError};

/// y, x, z: the outcome is 0 (a real rating) on row 3 and the predictor z
/// is 0 ("not applicable") on row 5.
const ROWS: [[&str; 3]; 8] = [
    ["3", "1.5", "2"],
    ["4", "2", "3"],
    ["0", "2.25", "1"],
    ["6", "3", "4"],
    ["5", "3.5", "0"],
    ["8", "4", "5"],
    ["9", "4.75", "3"],
    ["7", "5", "4"],
];

fn text_input(na_columns: NaColumns) -> DriversInput<String> {
    DriversInput {
        names: vec!["y".into(), "x".into(), "z".into()],
        rows: ROWS
            .iter()
            .map(|r| r.iter().map(|c| Some(c.to_string())).collect())
            .collect(),
        outcome: "y".into(),
        na: Some("0.0".into()),
        na_columns,
    }
}

fn number_input(na_columns: NaColumns) -> DriversInput {
    DriversInput {
        names: vec!["y".into(), "x".into(), "z".into()],
        rows: ROWS
            .iter()
            .map(|r| r.iter().map(|c| Some(c.parse::<f64>().unwrap())).collect())
            .collect(),
        outcome: "y".into(),
        na: Some(0.0),
        na_columns,
    }
}

#[test]
fn the_not_applicable_rule_is_an_option() {
    // Every column (the default): the outcome 0 and the z = 0 rows go.
    let all = drivers(&text_input(NaColumns::All)).unwrap();
    assert_eq!(all.n, 6);
    assert_eq!(NaColumns::default(), NaColumns::All);
    // Predictors only: the outcome 0 is a rating; only the z = 0 row goes.
    let predictors = drivers(&text_input(NaColumns::Predictors)).unwrap();
    assert_eq!(predictors.n, 7);
    // x over the 7 cases: (1.5 + 2 + 2.25 + 3 + 4 + 4.75 + 5) / 7.
    let mean = (1.5 + 2.0 + 2.25 + 3.0 + 4.0 + 4.75 + 5.0) / 7.0;
    assert!((predictors.drivers[0].mean - mean).abs() < 1e-12);
    assert_ne!(all.r2, predictors.r2);
    // Numbers and decimal text give the same figures, under both rules.
    for rule in [NaColumns::All, NaColumns::Predictors] {
        assert_eq!(
            drivers(&number_input(rule)).unwrap(),
            drivers(&text_input(rule)).unwrap()
        );
    }
    // The JSON document of the bindings: `naColumns`, default `all`.
    let doc: DriversInput = serde_json::from_str(
        r#"{"names": ["y", "x"], "rows": [[1, 2]], "outcome": "y", "naColumns": "predictors"}"#,
    )
    .unwrap();
    assert_eq!(doc.na_columns, NaColumns::Predictors);
}

#[test]
fn decimal_text_is_read_as_written_and_bad_cells_say_where() {
    // JSON number grammar: an exponent is a decimal, `2.50` is `2.5`.
    let mut input = text_input(NaColumns::Predictors);
    input.rows[0][1] = Some("15e-1".into());
    input.rows[1][1] = Some("2.00".into());
    assert_eq!(
        drivers(&input).unwrap(),
        drivers(&text_input(NaColumns::Predictors)).unwrap()
    );
    // Not a number in JSON grammar: the row, the column, the text.
    for bad in ["abc", "+3", ".5", "1e-10"] {
        input.rows[4][2] = Some(bad.into());
        let e = drivers(&input).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidNumber);
        match &e {
            ScoreError::NotADecimal {
                row, column, text, ..
            } => assert_eq!((*row, column.as_str(), text.as_str()), (Some(4), "z", bad)),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().starts_with("row 4, column `z`: `"), "{e}");
    }
    let mut na = text_input(NaColumns::All);
    na.na = Some("n/a".into());
    assert!(matches!(
        drivers(&na).unwrap_err(),
        ScoreError::NotADecimal { row: None, .. }
    ));
}

#[test]
fn a_constant_column_is_named() {
    let mut input = text_input(NaColumns::Predictors);
    for row in &mut input.rows {
        row[2] = Some("3".into());
    }
    let e = drivers(&input).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConstantColumn);
    assert!(
        e.to_string()
            .starts_with("predictor `z` is constant over the 8 complete case(s)"),
        "{e}"
    );
}
