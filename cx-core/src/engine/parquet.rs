//! Parquet files in (feature `arrow`): a file is streamed row group by
//! row group in batches of [`PARQUET_BATCH_ROWS`] rows, reading only the
//! columns the mapping names, and each batch goes through the Arrow
//! adapter ([`Engine::ingest_arrow`]'s per-batch path). Memory holds one
//! row group's mapped column chunks and one batch, never the file.
//!
//! What does not live here: the type rules and conversions (`arrow`).

use std::sync::Arc;

use ::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use ::parquet::arrow::ProjectionMask;
use ::parquet::file::reader::ChunkReader;
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::arrow::{schema_words, ArrowIngestError};
use super::ingest::IngestReport;
use super::{CsvMapping, Engine};

/// Rows per batch read from a Parquet file: large enough that the
/// columnar path's per-call set-up is spread over many rows, small enough
/// that a batch's converted columns stay a few megabytes.
pub const PARQUET_BATCH_ROWS: usize = 65_536;

/// The file in words, for messages.
const SOURCE: &str = "the Parquet file";

impl Engine {
    /// Ingests a Parquet file through `mapping` (`None`: the columns carry
    /// the record fields' names, see [`CsvMapping::of_schema`]), streamed
    /// by row group in batches of [`PARQUET_BATCH_ROWS`] rows with only the
    /// mapped columns decoded. Rows are numbered from the file's first row
    /// (0) in the report.
    ///
    /// As for a CSV file: a mapping that does not fit the file's schema or
    /// the plan is an error and files nothing; a bad value rejects its row
    /// (accepted + rejected = total); the call is one transaction, so a
    /// limit error keeps nothing of the file; a file that cannot be read to
    /// its end (not Parquet, corrupt, an I/O error) keeps the rows read
    /// before the error and says where it stopped
    /// ([`ArrowIngestError::Read`]).
    pub fn ingest_parquet<R: ChunkReader + 'static>(
        &mut self,
        file: R,
        mapping: Option<&CsvMapping>,
    ) -> Result<IngestReport, ArrowIngestError> {
        let unreadable = |e: ::parquet::errors::ParquetError| ArrowIngestError::Read {
            input: SOURCE,
            row: 0,
            message: e.to_string(),
            report: Box::default(),
        };
        let options = ArrowReaderOptions::new();
        let meta = ArrowReaderMetadata::load(&file, options.clone()).map_err(unreadable)?;
        // The mapping is checked against the whole schema (its messages
        // list every column), then the file is read with the mapped
        // columns only, text dimensions as dictionaries.
        let whole = self.arrow_setup(meta.schema(), mapping, SOURCE)?;
        let hinted = dictionary_dimensions(meta.schema(), whole.dimension_columns());
        let meta =
            ArrowReaderMetadata::try_new(meta.metadata().clone(), options.with_schema(hinted))
                .map_err(unreadable)?;
        let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta);
        let mask = ProjectionMask::roots(builder.parquet_schema(), whole.used_columns());
        let reader = builder
            .with_projection(mask)
            .with_batch_size(PARQUET_BATCH_ROWS)
            .build()
            .map_err(unreadable)?;
        let schema = arrow_array::RecordBatchReader::schema(&reader);
        let setup = self.arrow_setup(&schema, Some(&whole.mapping), SOURCE)?;
        self.transaction(|e| {
            let mut report = IngestReport::default();
            let mut row = 0;
            for batch in reader {
                let batch = match batch {
                    Ok(b) => b,
                    Err(err) => {
                        return Err(ArrowIngestError::Read {
                            input: SOURCE,
                            row,
                            message: err.to_string(),
                            report: Box::new(report),
                        })
                    }
                };
                if batch.schema().fields() != schema.fields() {
                    return Err(ArrowIngestError::Read {
                        input: SOURCE,
                        row,
                        message: format!(
                            "a batch has schema {}, the file {}",
                            schema_words(&batch.schema()),
                            schema_words(&schema)
                        ),
                        report: Box::new(report),
                    });
                }
                e.arrow_batch(&setup, &batch, row, &mut report)?;
                row += batch.num_rows();
                if e.over_budget() {
                    break;
                }
            }
            Ok(report)
        })?
    }
}

/// The schema with its text dimension columns read as dictionaries: the
/// reader then keeps a column chunk's dictionary page and its keys instead
/// of writing every row's text, and the Arrow adapter maps each distinct
/// value once per batch.
fn dictionary_dimensions(schema: &SchemaRef, dims: impl Iterator<Item = usize>) -> SchemaRef {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    for i in dims {
        let values = match fields[i].data_type() {
            DataType::Utf8 | DataType::Utf8View => DataType::Utf8,
            DataType::LargeUtf8 => DataType::LargeUtf8,
            _ => continue,
        };
        let t = DataType::Dictionary(Box::new(DataType::Int32), Box::new(values));
        fields[i] = fields[i].clone().with_data_type(t);
    }
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}
