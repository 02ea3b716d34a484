//! Writing files so that a failure never leaves a half-written one:
//! [`write_atomic`] (every output file of every surface goes through it:
//! snapshots, HTML and Markdown reports, JSON) and [`same_file`] (an output
//! must never be one of the inputs).
//!
//! [`write_atomic`] writes to a temporary file in the target's directory,
//! flushes it to disk (`fsync`), renames it over the target (atomic on the
//! same file system) and flushes the directory, so that the rename itself
//! survives a power failure. Until the rename the target is untouched; after
//! it the target is the complete new file. On any failure before the rename
//! the temporary file is removed and the error says that the target was not
//! changed.
//!
//! **Stale temporary files.** A process killed between the temporary file's
//! creation and the rename (`kill -9`, a power failure) cannot remove it:
//! the target is intact, and a file named `.NAME.PID-N.cx-tmp` (NAME the
//! target's file name, PID the writer's process id) is left beside it. cx
//! never reads such files and does not delete them itself (it cannot tell a
//! dead writer's file from a live one's); delete them when no cx process is
//! writing to that directory.
//!
//! Reading, and the engine's snapshot format, live elsewhere
//! ([`crate::engine::Engine::write_snapshot_file`] writes a snapshot through
//! this module).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::ErrorCode;

/// The suffix of every temporary file [`write_atomic`] creates.
pub const TEMP_SUFFIX: &str = ".cx-tmp";

/// The step of [`write_atomic`] that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteStep {
    /// Creating the temporary file beside the target.
    Create,
    /// Writing the contents, or flushing them to disk.
    Write,
    /// Renaming the temporary file over the target.
    Replace,
    /// Flushing the directory after the rename: the target already holds
    /// the complete new contents, but the rename may not survive a power
    /// failure.
    SyncDirectory,
}

/// An output file that could not be written (code `write-error`). Before
/// the rename ([`WriteStep::Create`], [`WriteStep::Write`],
/// [`WriteStep::Replace`]) the target was not changed; its message says so.
#[derive(Debug)]
pub struct WriteFileError {
    /// The file that was to be written.
    pub path: PathBuf,
    /// The step that failed.
    pub step: WriteStep,
    /// Whether the target existed before the call.
    pub existed: bool,
    /// A temporary file that could not be removed after the failure (it
    /// holds a partial copy; the target is unaffected).
    pub leftover: Option<PathBuf>,
    /// The operating system's error.
    pub source: io::Error,
}

impl WriteFileError {
    /// The code: always [`ErrorCode::WriteError`].
    pub fn code(&self) -> ErrorCode {
        ErrorCode::WriteError
    }

    /// Whether the target was left as it was before the call (every step
    /// but [`WriteStep::SyncDirectory`]).
    pub fn target_unchanged(&self) -> bool {
        self.step != WriteStep::SyncDirectory
    }
}

impl fmt::Display for WriteFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        if self.step == WriteStep::SyncDirectory {
            write!(
                f,
                "{path} was written, but its directory could not be flushed to disk: {}; \
                 the new file may not survive a power failure",
                self.source
            )?;
        } else {
            let outcome = if self.existed {
                "was not changed"
            } else {
                "was not created"
            };
            write!(f, "cannot write {path}: {}; {path} {outcome}", self.source)?;
        }
        if let Some(t) = &self.leftover {
            write!(
                f,
                " (the partial temporary file {} could not be removed)",
                t.display()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for WriteFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Distinguishes the temporary files of one process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The file a write to `path` replaces: a symbolic link is followed, so
/// that the link stays and its target gets the new contents (a dangling
/// link is replaced by the file).
fn resolve(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Creates a new temporary file beside `target` (never an existing one:
/// `create_new`).
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path does not end in a file name",
        )
    })?;
    let pid = std::process::id();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{pid}-{n}{TEMP_SUFFIX}"));
        let temp = target.with_file_name(temp_name);
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(f) => return Ok((temp, f)),
            // Left by an earlier process with the same id: take the next.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// Flushes the directory holding `path` (its entries: the rename). On
/// platforms where a directory cannot be opened as a file, the rename is
/// as durable as the platform makes it.
fn sync_directory(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Writes a file atomically: `write` fills a new temporary file in the
/// same directory as `path`, which is then flushed to disk, renamed over
/// `path`, and the directory flushed. `path` is either its old contents or
/// the complete new ones at every moment, whatever fails or kills the
/// process; on any failure before the rename the temporary file is removed
/// and the error says `path` was not changed. A new file gets the
/// permissions of the one it replaces. A symbolic link at `path` is
/// followed (the link stays). See the module doc for what a killed process
/// leaves behind.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("cx-doc-atomic-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("out.txt");
/// cx_core::file::write_atomic(&path, |f| {
///     use std::io::Write;
///     f.write_all(b"hello")
/// })
/// .unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"hello");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomic<F>(path: impl AsRef<Path>, write: F) -> Result<(), WriteFileError>
where
    F: FnOnce(&mut File) -> io::Result<()>,
{
    let shown = path.as_ref().to_path_buf();
    let target = resolve(&shown);
    let old = std::fs::metadata(&target).ok();
    let fail = |step, leftover, source| WriteFileError {
        path: shown.clone(),
        step,
        existed: old.is_some(),
        leftover,
        source,
    };
    let (temp, mut file) = create_temp(&target).map_err(|e| fail(WriteStep::Create, None, e))?;
    let written = (|| {
        if let Some(m) = old.as_ref().filter(|m| m.is_file()) {
            file.set_permissions(m.permissions())?;
        }
        write(&mut file)?;
        file.flush()?;
        file.sync_all()
    })();
    drop(file);
    let replaced = written
        .map_err(|e| (WriteStep::Write, e))
        .and_then(|()| std::fs::rename(&temp, &target).map_err(|e| (WriteStep::Replace, e)));
    if let Err((step, e)) = replaced {
        let leftover = std::fs::remove_file(&temp).err().map(|_| temp);
        return Err(fail(step, leftover, e));
    }
    sync_directory(&target).map_err(|e| fail(WriteStep::SyncDirectory, None, e))
}

/// [`write_atomic`] of a byte string.
pub fn write_bytes_atomic(path: impl AsRef<Path>, bytes: &[u8]) -> Result<(), WriteFileError> {
    write_atomic(path, |f| f.write_all(bytes))
}

/// Whether `a` and `b` name the same existing file: the same device and
/// inode on Unix (so hard links and symbolic links count), the same
/// canonical path elsewhere. `false` when either does not exist; an error
/// only when one exists but cannot be examined.
pub fn same_file(a: impl AsRef<Path>, b: impl AsRef<Path>) -> io::Result<bool> {
    let meta = |p: &Path| match std::fs::metadata(p) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    };
    let (Some(ma), Some(mb)) = (meta(a.as_ref())?, meta(b.as_ref())?) else {
        return Ok(false);
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(ma.dev() == mb.dev() && ma.ino() == mb.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        Ok(std::fs::canonicalize(a)? == std::fs::canonicalize(b)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("cx-file-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn entries(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_replaces_and_leaves_no_temporary_file() {
        let d = dir("replace");
        let p = d.join("out.bin");
        write_bytes_atomic(&p, b"old").unwrap();
        write_bytes_atomic(&p, b"new contents").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new contents");
        assert_eq!(entries(&d), ["out.bin"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_says_so() {
        let d = dir("fail");
        let p = d.join("out.bin");
        std::fs::write(&p, b"old").unwrap();
        let e = write_atomic(&p, |f| {
            f.write_all(b"partial")?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert_eq!(e.step, WriteStep::Write);
        assert!(e.target_unchanged());
        assert_eq!(e.code(), ErrorCode::WriteError);
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!("cannot write {}: ", p.display())),
            "{msg}"
        );
        assert!(
            msg.ends_with(&format!("; {} was not changed", p.display())),
            "{msg}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(entries(&d), ["out.bin"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_missing_directory_creates_nothing() {
        let d = dir("missing");
        let p = d.join("no-such-dir").join("out.bin");
        let e = write_bytes_atomic(&p, b"x").unwrap_err();
        assert_eq!((e.step, e.existed), (WriteStep::Create, false));
        assert!(e.to_string().ends_with("was not created"), "{e}");
        assert!(entries(&d).is_empty());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_directory_in_the_way_is_an_error_and_the_temporary_file_goes() {
        let d = dir("isdir");
        let p = d.join("sub");
        std::fs::create_dir(&p).unwrap();
        let e = write_bytes_atomic(&p, b"x").unwrap_err();
        assert_eq!(e.step, WriteStep::Replace);
        assert_eq!(entries(&d), ["sub"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let d = dir("link");
        let real = d.join("real.txt");
        std::fs::write(&real, b"old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = d.join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_bytes_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert!(same_file(&link, &real).unwrap());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn same_file_compares_files_not_names() {
        let d = dir("same");
        let a = d.join("a");
        std::fs::write(&a, b"x").unwrap();
        std::fs::write(d.join("b"), b"x").unwrap();
        let dotted = d.join(".").join("a");
        assert!(same_file(&a, &dotted).unwrap());
        assert!(!same_file(&a, d.join("b")).unwrap());
        assert!(!same_file(&a, d.join("absent")).unwrap());
        #[cfg(unix)]
        {
            std::fs::hard_link(&a, d.join("hard")).unwrap();
            assert!(same_file(&a, d.join("hard")).unwrap());
        }
        std::fs::remove_dir_all(&d).unwrap();
    }
}
