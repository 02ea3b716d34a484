//! SQL over files with cx's functions: what `cx sql` runs. [`Tables`] names
//! the files (Parquet, CSV with a header row, or JSON Lines, by extension),
//! [`run_each`] plans and executes one statement on a runtime of its own,
//! streaming the result, and [`JsonRows`] / [`to_text`] write it.
//!
//! Errors keep the two phases apart ([`SqlError`]): a statement that cannot
//! be planned (bad SQL, an unknown column, a bad argument to a cx function)
//! is the user's query, a failure while it runs (a rating out of range in
//! the data, a malformed file) is the data's.

use std::path::{Path, PathBuf};

use futures::StreamExt;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::json::{writer::LineDelimited, WriterBuilder};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionContext};

/// Why `cx sql` cannot answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqlError {
    /// A `--table` value that is not `NAME=PATH`.
    #[error("--table {0}: expected NAME=PATH (for example responses=data/responses.parquet)")]
    TableSpec(String),
    /// The same table name twice.
    #[error("--table {0}: the table `{0}` is already named; give each table once")]
    DuplicateTable(String),
    /// A file whose extension names no format.
    #[error(
        "--table {name}={path}: unknown file type; expected .parquet, .csv, .jsonl or .ndjson"
    )]
    UnknownFormat {
        /// The table name.
        name: String,
        /// The path given.
        path: String,
    },
    /// A file that cannot be read.
    #[error("--table {name}={path}: cannot read the file: {reason}")]
    Unreadable {
        /// The table name.
        name: String,
        /// The path given.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// A statement that cannot be planned.
    #[error("the query cannot run: {0}")]
    Plan(String),
    /// A failure while the statement runs (a bad rating, a bad file).
    #[error("the query failed while reading the data: {0}")]
    Execution(String),
}

impl SqlError {
    /// Whether the error lies in the data (exit status 1 in `cx`) rather
    /// than in the command or the query (exit status 2).
    pub fn is_data_error(&self) -> bool {
        matches!(self, SqlError::Execution(_))
    }
}

/// A file format, from a path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.parquet`.
    Parquet,
    /// `.csv`: comma-separated with a header row.
    Csv,
    /// `.jsonl` or `.ndjson`: one JSON object per line.
    JsonLines,
}

impl Format {
    /// The format of `path`, by its extension (any case).
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "parquet" => Format::Parquet,
            "csv" => Format::Csv,
            "jsonl" | "ndjson" => Format::JsonLines,
            _ => return None,
        })
    }
}

/// One named file.
#[derive(Debug, Clone)]
struct Table {
    name: String,
    path: PathBuf,
    format: Format,
    /// The extension as written (DataFusion selects files by it).
    extension: String,
}

/// The tables a statement reads, each a file with a name.
#[derive(Debug, Clone, Default)]
pub struct Tables(Vec<Table>);

impl Tables {
    /// Adds a table from a `NAME=PATH` argument: the file must exist and
    /// its extension name a [`Format`].
    pub fn add(&mut self, spec: &str) -> Result<(), SqlError> {
        let Some((name, path)) = spec
            .split_once('=')
            .filter(|(n, p)| !n.is_empty() && !p.is_empty())
        else {
            return Err(SqlError::TableSpec(spec.to_string()));
        };
        if self.0.iter().any(|t| t.name == name) {
            return Err(SqlError::DuplicateTable(name.to_string()));
        }
        let p = PathBuf::from(path);
        let format = Format::of(&p).ok_or_else(|| SqlError::UnknownFormat {
            name: name.to_string(),
            path: path.to_string(),
        })?;
        match std::fs::metadata(&p) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                return Err(SqlError::Unreadable {
                    name: name.to_string(),
                    path: path.to_string(),
                    reason: "not a file".into(),
                })
            }
            Err(e) => {
                return Err(SqlError::Unreadable {
                    name: name.to_string(),
                    path: path.to_string(),
                    reason: e.to_string(),
                })
            }
        }
        let extension = format!(".{}", p.extension().and_then(|e| e.to_str()).unwrap_or(""));
        self.0.push(Table {
            name: name.to_string(),
            path: p,
            format,
            extension,
        });
        Ok(())
    }

    async fn register(&self, ctx: &SessionContext) -> Result<(), SqlError> {
        for t in &self.0 {
            let path = t.path.to_string_lossy();
            let done = match t.format {
                Format::Parquet => {
                    let o = ParquetReadOptions::default().file_extension(&t.extension);
                    ctx.register_parquet(&t.name, path.as_ref(), o).await
                }
                Format::Csv => {
                    let o = CsvReadOptions::new().file_extension(&t.extension);
                    ctx.register_csv(&t.name, path.as_ref(), o).await
                }
                Format::JsonLines => {
                    let o = JsonReadOptions::default().file_extension(&t.extension);
                    ctx.register_json(&t.name, path.as_ref(), o).await
                }
            };
            done.map_err(|e| SqlError::Unreadable {
                name: t.name.clone(),
                path: path.to_string(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }
}

/// Runs one SQL statement over `tables` with every cx function registered,
/// on a multi-threaded runtime of its own, and hands each result batch to
/// `each` as it comes: the result is never held whole (memory is one batch
/// plus what the query itself keeps, e.g. its groups).
pub fn run_each<E: From<SqlError>>(
    sql: &str,
    tables: &Tables,
    mut each: impl FnMut(&RecordBatch) -> Result<(), E>,
) -> Result<(), E> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| SqlError::Execution(format!("cannot start the query runtime: {e}")))?;
    runtime.block_on(async {
        let ctx = SessionContext::new();
        crate::register(&ctx);
        tables.register(&ctx).await?;
        let frame = ctx
            .sql(sql)
            .await
            .map_err(|e| SqlError::Plan(e.to_string()))?;
        let mut stream = frame
            .execute_stream()
            .await
            .map_err(|e| SqlError::Execution(e.to_string()))?;
        while let Some(batch) = stream.next().await {
            each(&batch.map_err(|e| SqlError::Execution(e.to_string()))?)?;
        }
        Ok(())
    })
}

/// [`run_each`], collecting the batches (for results known to be small,
/// and for the text table, which needs every row for its widths).
pub fn run(sql: &str, tables: &Tables) -> Result<Vec<RecordBatch>, SqlError> {
    let mut out = Vec::new();
    run_each(sql, tables, |b| -> Result<(), SqlError> {
        out.push(b.clone());
        Ok(())
    })?;
    Ok(out)
}

/// A result written as one JSON array of row objects, batch by batch:
/// struct columns (the cx scores and states) are nested objects, lists are
/// arrays, NULL is `null`. One row a line.
#[derive(Debug, Default)]
pub struct JsonRows {
    started: bool,
}

impl JsonRows {
    /// The text of one batch's rows.
    pub fn batch(&mut self, batch: &RecordBatch) -> Result<String, SqlError> {
        let failed =
            |e: String| SqlError::Execution(format!("cannot write the result as JSON: {e}"));
        let mut lines = Vec::new();
        let mut w = WriterBuilder::new()
            .with_explicit_nulls(true)
            .build::<_, LineDelimited>(&mut lines);
        w.write(batch).map_err(|e| failed(e.to_string()))?;
        w.finish().map_err(|e| failed(e.to_string()))?;
        drop(w);
        let lines = String::from_utf8(lines).map_err(|e| failed(e.to_string()))?;
        let mut out = String::with_capacity(lines.len() + 2);
        for line in lines.lines() {
            out.push_str(if self.started { ",\n" } else { "[" });
            self.started = true;
            out.push_str(line);
        }
        Ok(out)
    }

    /// The end of the array (`[]` when there was no row).
    pub fn finish(self) -> &'static str {
        if self.started {
            "]"
        } else {
            "[]"
        }
    }
}

/// A whole result as one JSON array ([`JsonRows`]).
pub fn to_json(batches: &[RecordBatch]) -> Result<String, SqlError> {
    let mut rows = JsonRows::default();
    let mut out = String::new();
    for b in batches {
        out.push_str(&rows.batch(b)?);
    }
    out.push_str(rows.finish());
    Ok(out)
}

/// The result as a text table (struct columns shown as `{field: value, …}`).
pub fn to_text(batches: &[RecordBatch]) -> Result<String, SqlError> {
    pretty_format_batches(batches)
        .map(|t| t.to_string())
        .map_err(|e| SqlError::Execution(format!("cannot print the result: {e}")))
}
