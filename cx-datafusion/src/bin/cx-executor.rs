//! `cx-executor`: a Ballista executor (a worker) that runs tasks with cx's
//! functions registered (`cx_datafusion::cluster`). Flags:
//! `cx-executor --help`.

use cx_datafusion::cluster::{self, ExecutorOptions};

fn main() -> std::process::ExitCode {
    cluster::program(ExecutorOptions::parse, |o| {
        cluster::init_logging(o.log_level);
        cluster::block_on(cluster::run_executor(&o))
    })
}
