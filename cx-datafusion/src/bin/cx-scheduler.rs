//! `cx-scheduler`: a Ballista scheduler that plans SQL with cx's functions
//! registered (`cx_datafusion::cluster`). Flags: `cx-scheduler --help`.

use cx_datafusion::cluster::{self, SchedulerOptions};

fn main() -> std::process::ExitCode {
    cluster::program(SchedulerOptions::parse, |o| {
        cluster::init_logging(o.log_level);
        cluster::block_on(cluster::run_scheduler(&o))
    })
}
