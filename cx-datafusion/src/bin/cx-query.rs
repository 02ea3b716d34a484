//! `cx-query`: runs one SQL statement on a cx cluster (a `cx-scheduler`
//! and its `cx-executor`s) and prints the result as a table. Flags:
//! `cx-query --help`.

use cx_datafusion::cluster::{self, QueryOptions};

fn main() -> std::process::ExitCode {
    cluster::program(QueryOptions::parse, |o| {
        println!("{}", cluster::block_on(cluster::run_query(&o))?);
        Ok(())
    })
}
