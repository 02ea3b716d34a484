//! `cx stats sentiment`: the VADER scores of comments, and the plan's
//! themes they mention (`docs/comments.md`, Command line).
//!
//! ```text
//! cx stats sentiment --csv FILE --column NAME [--id NAME] [--plan PLAN] [--json]
//! cx stats sentiment --text "…" [--plan PLAN] [--json]
//! ```
//!
//! `--csv` streams the rows (one record in memory at a time) and prints one
//! line per row, in input order. With `--json` a line is
//! `{"id", "compound", "pos", "neu", "neg", "themes"}`: `id` is the text of
//! the `--id` column as a JSON string (never a number; absent without
//! `--id`), `themes` the ids of the plan's themes the comment mentions
//! (only with `--plan`, whose `lexicon` then also applies). An empty cell
//! is scored as an empty comment (all scores 0). Without `--json`, a
//! readable line: id (or row number), compound, class, themes.
//!
//! Exit status 2 for a usage error, an unreadable file or row, a missing
//! column (named, with the header's columns) or a row without the column
//! (its line); 1, as every `cx` command, for a plan that does not parse or
//! has errors (with the diagnostics).

use std::fmt::Write as _;

use cx_core::comment::vader::Vader;
use cx_core::comment::{Polarity, SentimentClass};
use cx_core::engine::{CommentAnalyzer, CommentFacts};
use cx_core::plan::Plan;
use serde::Serialize;

use super::{io_error, parse_args, usage, Failure};

/// Output is written in pieces of about this many bytes.
const FLUSH_AT: usize = 64 * 1024;

/// One scored comment, as a JSON line.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    compound: f64,
    pos: f64,
    neu: f64,
    neg: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    themes: Option<Vec<&'a str>>,
}

/// The scorer: the engine's comment analyzer of the plan (VADER with the
/// plan's lexicon, and its themes), or VADER's own without a plan.
struct Scorer {
    plan: Option<(Plan, CommentAnalyzer)>,
}

impl Scorer {
    fn new(plan: Option<Plan>) -> Scorer {
        let plan = plan.map(|plan| {
            let analyzer = CommentAnalyzer::new(&plan);
            (plan, analyzer)
        });
        Scorer { plan }
    }

    /// The scores of `text` and the ids of the themes it mentions (`None`
    /// without a plan).
    fn score<'s>(
        &'s self,
        text: &str,
        facts: &mut CommentFacts,
    ) -> (Polarity, Option<Vec<&'s str>>) {
        let Some((plan, analyzer)) = &self.plan else {
            return (Vader::standard().polarity_scores(text), None);
        };
        analyzer.analyze(text, facts);
        let themes = facts
            .themes
            .iter()
            .filter_map(|&i| plan.themes.get(i as usize).map(|t| t.id.as_str()))
            .collect();
        (facts.polarity, Some(themes))
    }
}

/// Runs `cx stats sentiment`; the rows' lines are printed as they are
/// scored, so the returned text is what is left to print.
pub(super) fn run(argv: &[String]) -> Result<String, Failure> {
    let args = parse_args(argv, &["csv", "column", "id", "plan", "text"])?;
    let plan = args.value("plan").map(load_plan).transpose()?;
    let scorer = Scorer::new(plan);
    let json = args.flag("json");
    match (args.value("text"), args.value("csv")) {
        (Some(text), None) => {
            if args.value("column").is_some() || args.value("id").is_some() {
                return Err(usage("--column and --id go with --csv, not --text"));
            }
            let mut facts = CommentFacts::default();
            let (p, themes) = scorer.score(text, &mut facts);
            let mut out = String::new();
            write_line(&mut out, json, None, &p, themes.as_deref())?;
            Ok(out)
        }
        (None, Some(path)) => {
            let column = args.required("column").map_err(usage)?;
            score_csv(&scorer, path, column, args.value("id"), json)?;
            Ok(String::new())
        }
        (Some(_), Some(_)) => Err(usage("give --text or --csv, not both")),
        (None, None) => Err(usage("give --text \"…\" or --csv FILE --column NAME")),
    }
}

/// Reads and validates the plan; a plan that does not parse or has errors
/// is a failure with its diagnostics (exit 1, as every `cx` command; an
/// unreadable file, 2).
fn load_plan(path: &str) -> Result<Plan, Failure> {
    crate::data::load_plan(path)
        .map_err(|crate::data::Failure(code, message)| Failure { code, message })
}

/// Scores the `column` of every row of the CSV at `path`, printing a line
/// per row as it goes.
fn score_csv(
    scorer: &Scorer,
    path: &str,
    column: &str,
    id: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let (mut reader, headers) = super::open_csv(path, true)?;
    let position = |name: &str| -> Result<usize, Failure> {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            io_error(format!(
                "`{path}` has no column `{name}`; its columns are: {}",
                headers.join(", ")
            ))
        })
    };
    let text_col = position(column)?;
    let id_col = id.map(position).transpose()?;
    let mut record = csv::StringRecord::new();
    let mut out = String::new();
    let mut facts = CommentFacts::default();
    let mut row = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(io_error(format!("cannot read `{path}`: {e}"))),
        }
        row += 1;
        let line = record.position().map_or(row + 1, |p| p.line());
        let cell = |c: usize, name: &str| {
            record.get(c).ok_or_else(|| {
                io_error(format!(
                    "`{path}` line {line}: the row has {} fields and no `{name}` column (field {})",
                    record.len(),
                    c + 1
                ))
            })
        };
        let text = cell(text_col, column)?;
        let row_id = match (id_col, id) {
            (Some(c), Some(name)) => Some(cell(c, name)?),
            _ => None,
        };
        let (p, themes) = scorer.score(text, &mut facts);
        if !json && row_id.is_none() {
            let _ = write!(out, "row {row}\t");
        }
        write_line(&mut out, json, row_id, &p, themes.as_deref())?;
        if out.len() >= FLUSH_AT {
            crate::out::print(&out).map_err(|crate::data::Failure(_, m)| io_error(m))?;
            out.clear();
        }
    }
    crate::out::print(&out).map_err(|crate::data::Failure(_, m)| io_error(m))
}

/// Appends one scored comment to `out`: a JSON line, or a readable line
/// (id, compound, class, the shares, themes).
fn write_line(
    out: &mut String,
    json: bool,
    id: Option<&str>,
    p: &Polarity,
    themes: Option<&[&str]>,
) -> Result<(), Failure> {
    if json {
        let line = Line {
            id,
            compound: p.compound,
            pos: p.pos,
            neu: p.neu,
            neg: p.neg,
            themes: themes.map(<[&str]>::to_vec),
        };
        let text = serde_json::to_string(&line)
            .map_err(|e| io_error(format!("cannot serialise a result: {e}")))?;
        out.push_str(&text);
        out.push('\n');
        return Ok(());
    }
    if let Some(id) = id {
        let _ = write!(out, "{}\t", id.escape_debug());
    }
    let class = match SentimentClass::of(p.compound) {
        SentimentClass::Positive => "positive",
        SentimentClass::Neutral => "neutral",
        SentimentClass::Negative => "negative",
    };
    let _ = write!(
        out,
        "compound {:+.4} ({class})  pos {:.3}  neu {:.3}  neg {:.3}",
        p.compound, p.pos, p.neu, p.neg
    );
    if let Some(themes) = themes {
        let list = if themes.is_empty() {
            "none".to_string()
        } else {
            themes.join(", ")
        };
        let _ = write!(out, "  themes: {list}");
    }
    out.push('\n');
    Ok(())
}
