//! `Engine::write_snapshot_file` and `cx_core::file::write_atomic` (issue
//! 16, item 1): a snapshot file is replaced whole or not at all. A disk
//! that fills up mid-write is simulated by a writer that fails with ENOSPC
//! after some bytes (the CLI test `tests/cli_durability.rs` uses a real
//! full tmpfs where the machine allows mounting one).

use std::io::{self, Write};
use std::path::PathBuf;

use cx_core::engine::Engine;
use cx_core::file::{write_atomic, WriteStep};
use cx_core::plan::Plan;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cx-snapshot-file-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn engine(lines: usize) -> Engine {
    let plan =
        Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#).unwrap();
    let mut e = Engine::new(plan).unwrap();
    let mut text = String::new();
    for i in 0..lines {
        text.push_str(&format!(
            "{{\"at\": \"2026-{:02}-{:02}\", \"segment\": \"s{}\", \"nps\": {}}}\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 97,
            i % 11
        ));
    }
    let r = e.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!(r.accepted as usize, lines);
    e
}

/// A writer that accepts `room` bytes, then fails as a full disk does.
struct FullDisk<W> {
    inner: W,
    room: usize,
}

fn no_space() -> io::Error {
    #[cfg(target_os = "linux")]
    {
        io::Error::from_raw_os_error(28) // ENOSPC
    }
    #[cfg(not(target_os = "linux"))]
    {
        io::Error::from(io::ErrorKind::StorageFull)
    }
}

impl<W: Write> Write for FullDisk<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(no_space());
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        self.inner.write(&buf[..n])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn a_snapshot_file_restores_and_is_the_stream() {
    let d = dir("roundtrip");
    let path = d.join("engine.snap");
    let e = engine(500);
    e.write_snapshot_file(&path).unwrap();
    let mut stream = Vec::new();
    e.write_snapshot(&mut stream).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), stream);
    let restored = Engine::read_snapshot(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(
        (restored.stats().rows, restored.stats().cells),
        (e.stats().rows, e.stats().cells)
    );
    // Overwritten by a bigger engine's snapshot: the new one whole.
    let bigger = engine(2_000);
    bigger.write_snapshot_file(&path).unwrap();
    let mut stream = Vec::new();
    bigger.write_snapshot(&mut stream).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), stream);
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_disk_that_fills_up_keeps_the_old_snapshot_and_says_so() {
    let d = dir("enospc");
    let path = d.join("engine.snap");
    let small = engine(10);
    small.write_snapshot_file(&path).unwrap();
    let old = std::fs::read(&path).unwrap();
    let big = engine(5_000);
    for room in [0, 1, 4096, 65_536] {
        let e = write_atomic(&path, |f| {
            big.write_snapshot(FullDisk {
                inner: &mut *f,
                room,
            })
        })
        .unwrap_err();
        assert_eq!(e.step, WriteStep::Write, "{room}");
        assert!(e.target_unchanged());
        let msg = e.to_string();
        let shown = path.display();
        #[cfg(target_os = "linux")]
        assert!(
            msg.starts_with(&format!("cannot write {shown}: No space left on device")),
            "{msg}"
        );
        assert!(
            msg.ends_with(&format!("; {shown} was not changed")),
            "{msg}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), old, "{room}");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1, "{room}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_missing_directory_is_a_write_error_naming_the_file() {
    let d = dir("missing");
    let path = d.join("no-such-dir").join("engine.snap");
    let e = engine(3).write_snapshot_file(&path).unwrap_err();
    assert_eq!(e.code(), cx_core::error::ErrorCode::WriteError);
    assert_eq!(e.step, WriteStep::Create);
    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    assert!(e.to_string().ends_with("was not created"), "{e}");
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
    std::fs::remove_dir_all(&d).unwrap();
}
