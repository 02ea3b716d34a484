//! [`Engine::write_snapshot_file`]: the snapshot stream written to a file
//! atomically ([`crate::file::write_atomic`]). The stream's format is
//! [`Engine::write_snapshot`]'s; this file only chooses where it goes.

use std::path::Path;

use super::Engine;
use crate::file::{write_atomic, WriteFileError};

impl Engine {
    /// Writes the snapshot stream ([`Engine::write_snapshot`]) to the file
    /// at `path`, atomically: a temporary file beside it is written,
    /// flushed to disk and renamed over `path`. Whatever fails (a full
    /// disk, a missing directory, the process killed), `path` holds either
    /// its old contents or the complete new snapshot, never part of one;
    /// the error ([`WriteFileError`], code `write-error`) says which file
    /// was not changed. [`Engine::read_snapshot`] reads the file back.
    ///
    /// ```
    /// use cx_core::engine::Engine;
    /// use cx_core::plan::Plan;
    ///
    /// let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
    /// let mut engine = Engine::new(plan).unwrap();
    /// engine.ingest_json_lines(b"{\"at\": \"2026-03-01\", \"nps\": 9}\n").unwrap();
    /// let path = std::env::temp_dir().join(format!("cx-doc-{}.snap", std::process::id()));
    /// engine.write_snapshot_file(&path).unwrap();
    /// let restored = Engine::read_snapshot(std::fs::File::open(&path).unwrap()).unwrap();
    /// assert_eq!(restored.stats().rows, 1);
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn write_snapshot_file(&self, path: impl AsRef<Path>) -> Result<(), WriteFileError> {
        write_atomic(path, |f| self.write_snapshot(f))
    }
}
