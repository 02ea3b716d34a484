//! Standard output and output files of every command.
//!
//! Standard output: [`print`] (and the `outln!` macro) write through a
//! writer that reports errors instead of panicking as `println!` does:
//!
//! - a closed pipe (`cx … | head`, `| true`): the reader wants no more, so
//!   the rest of the output is dropped silently; the command still
//!   finishes its other work (the files it was asked to write) and exits
//!   with its own status, 0 on success. We chose this over dying of
//!   SIGPIPE as coreutils do (status 141): a reader that stops early is
//!   not a failure of cx, a `set -o pipefail` script should not fail
//!   because of it, and `--snapshot-out` must not be lost to a `| head`.
//! - any other error (`> /dev/full`, an I/O error): the message
//!   `cx: cannot write to standard output: …` on stderr and exit status 2.
//!
//! Output files: [`write_file`] (the atomic writer of `cx_core::file`) and
//! [`refuse_inputs`] (an output path that is one of the inputs is refused
//! before anything is read or written).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::data::Failure;

/// Set once a write to standard output found the pipe closed.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output and flushes it. A closed pipe drops
/// this and all later output (`Ok`); any other error is a [`Failure`] with
/// exit status 2.
pub fn print(text: &str) -> Result<(), Failure> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Failure(
            2,
            format!("cx: cannot write to standard output: {e}"),
        )),
    }
}

/// `println!` through [`print`]: evaluates to `Result<(), Failure>`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::print(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes an output file atomically (`cx_core::file::write_atomic`): the
/// file is its old contents or the complete new ones, never part of them;
/// a failure says the file was not changed (exit status 2).
pub fn write_file(path: &str, bytes: &[u8]) -> Result<(), Failure> {
    cx_core::file::write_bytes_atomic(path, bytes).map_err(|e| Failure(2, e.to_string()))
}

/// Refuses (exit status 2) an output that is the same file as an input:
/// the same device and inode on Unix (hard and symbolic links count), the
/// same canonical path elsewhere. `outputs` are `(flag, path)`; an input
/// of `-` (standard input) is skipped.
pub fn refuse_inputs(inputs: &[&str], outputs: &[(&str, &str)]) -> Result<(), Failure> {
    for &(flag, out) in outputs {
        for &input in inputs.iter().filter(|i| **i != "-") {
            let same = cx_core::file::same_file(out, input)
                .map_err(|e| Failure(2, format!("cannot examine {out} (--{flag}): {e}")))?;
            if same {
                return Err(Failure(
                    2,
                    format!(
                        "--{flag} {out} is the input {input}: writing it would destroy that input; choose another output file"
                    ),
                ));
            }
        }
    }
    Ok(())
}
