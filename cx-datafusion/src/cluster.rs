//! A Ballista cluster with cx's functions registered (feature `cluster`).
//!
//! What lives here: the session state of the scheduler and of a client
//! ([`session_state`], [`connect`]), the function registry of the executors
//! ([`function_registry`]), the options of the `cx-scheduler` and
//! `cx-executor` programs with their flags ([`SchedulerOptions`],
//! [`ExecutorOptions`]), and the two processes themselves
//! ([`run_scheduler`], [`run_executor`]). What does not: the functions
//! (the crate root), their formulas (cx-core), and Ballista's own
//! scheduling, shuffle and Flight transport (the `ballista-*` crates).
//!
//! Functions are registered by name on both sides of the wire: the
//! scheduler deserializes a client's logical plan with [`session_state`],
//! and executors deserialize each task's physical plan with
//! [`function_registry`]. A UDAF's partial state (cx's exact integer
//! histogram) is an ordinary Arrow column, so Ballista's shuffle carries it
//! between stages with no codec of cx's own. See `docs/cluster.md`.

use std::fmt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ballista::prelude::SessionContextExt;
use ballista_core::extension::SessionConfigExt;
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_core::utils::default_session_builder;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::{SchedulerConfig, TaskDistributionPolicy};
use ballista_scheduler::scheduler_process::start_server;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::execution::{FunctionRegistry, SessionState};
use datafusion::prelude::{
    CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionConfig, SessionContext,
};

use crate::sql::Format;
use crate::{aggregate_functions, scalar_functions};

/// Why a cluster program could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// `--help` was given: the usage text, printed on standard output, and
    /// the program ends successfully.
    #[error("{0}")]
    Help(&'static str),
    /// A flag was unknown, missing its value, or its value was invalid.
    #[error("{0}")]
    Usage(String),
    /// The query failed: planning, execution, or the connection to the
    /// scheduler.
    #[error("{0}")]
    Query(#[from] datafusion::error::DataFusionError),
    /// The query's result could not be rendered.
    #[error("cannot print the result: {0}")]
    Render(#[from] datafusion::arrow::error::ArrowError),
    /// The async runtime could not start (threads, I/O driver).
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
    /// Ballista refused the configuration or failed while serving.
    #[error("{program} ({addresses}): {source}")]
    Ballista {
        /// `cx-scheduler` or `cx-executor`.
        program: &'static str,
        /// The addresses it serves and connects to, as its flags gave them.
        addresses: String,
        /// Ballista's error.
        source: ballista_core::error::BallistaError,
    },
    /// `cx-query` cannot open a connection to the scheduler.
    #[error("cannot reach the scheduler at {address}: {reason}; is cx-scheduler running there? (--scheduler HOST:PORT)")]
    Unreachable {
        /// `HOST:PORT`.
        address: String,
        /// The system's reason.
        reason: String,
    },
}

/// Ballista's default session state for `config` (its optimizer rules and
/// DataFusion's functions) with every cx function registered: the
/// scheduler's session builder, and the base of a client's state.
pub fn session_state(config: SessionConfig) -> datafusion::common::Result<SessionState> {
    let mut state = default_session_builder(config)?;
    for f in aggregate_functions() {
        state.register_udaf(f)?;
    }
    for f in scalar_functions() {
        state.register_udf(f)?;
    }
    Ok(state)
}

/// Ballista's default function registry (DataFusion's functions) with every
/// cx function added: what an executor resolves a task's functions in.
pub fn function_registry() -> BallistaFunctionRegistry {
    let mut registry = BallistaFunctionRegistry::default();
    for f in aggregate_functions() {
        registry.aggregate_functions.insert(f.name().to_string(), f);
    }
    for f in scalar_functions() {
        registry.scalar_functions.insert(f.name().to_string(), f);
    }
    registry
}

/// A client session on the scheduler at `url` (`df://HOST:PORT`), with
/// every cx function registered: SQL run on it is planned by the scheduler
/// and executed by the executors.
///
/// ```no_run
/// use datafusion::prelude::ParquetReadOptions;
///
/// #[tokio::main]
/// async fn main() -> datafusion::error::Result<()> {
///     let ctx = cx_datafusion::cluster::connect("df://localhost:50050").await?;
///     ctx.register_parquet("responses", "/tmp/cx-responses", ParquetReadOptions::default())
///         .await?;
///     ctx.sql("SELECT segment, cx_nps(nps) AS nps FROM responses GROUP BY segment")
///         .await?
///         .show()
///         .await
/// }
/// ```
pub async fn connect(url: &str) -> datafusion::common::Result<SessionContext> {
    connect_with_config(url, SessionConfig::new_with_ballista()).await
}

/// [`connect`] with a session configuration of one's own (start from
/// `SessionConfig::new_with_ballista()`; for example
/// `.with_target_partitions(n)` sets how many tasks scan the input).
pub async fn connect_with_config(
    url: &str,
    config: SessionConfig,
) -> datafusion::common::Result<SessionContext> {
    // Ballista's client upgrade replaces the state's function lists with
    // its defaults, so cx's functions are registered on the context after.
    let ctx = SessionContext::remote_with_state(url, session_state(config)?).await?;
    crate::register(&ctx);
    Ok(ctx)
}

/// The options of `cx-scheduler`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerOptions {
    /// Address the gRPC service listens on \[127.0.0.1\].
    pub bind_host: String,
    /// Port of the gRPC service \[50050\].
    pub port: u16,
    /// How tasks are spread over executors \[round-robin\].
    pub task_distribution: Distribution,
    /// Log level \[info\].
    pub log_level: log::LevelFilter,
}

/// How the scheduler spreads a stage's tasks over executors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    /// One task per executor in turn, so a query uses every worker.
    RoundRobin,
    /// Fill one executor's free slots before the next (Ballista's default).
    Bias,
}

/// The options of `cx-executor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutorOptions {
    /// Address the Flight and gRPC services listen on \[127.0.0.1\].
    pub bind_host: String,
    /// Host name the scheduler and other executors reach this executor at
    /// \[the address the scheduler sees it connect from\].
    pub external_host: Option<String>,
    /// Port of the Arrow Flight service (shuffle data) \[50051\].
    pub port: u16,
    /// Port of the gRPC service (tasks) \[50052\].
    pub grpc_port: u16,
    /// Scheduler host \[localhost\].
    pub scheduler_host: String,
    /// Scheduler port \[50050\].
    pub scheduler_port: u16,
    /// Tasks run at once \[the number of cores\].
    pub concurrent_tasks: Option<usize>,
    /// Directory for shuffle files \[a new temporary directory\].
    pub work_dir: Option<String>,
    /// Log level \[info\].
    pub log_level: log::LevelFilter,
}

/// The usage text of `cx-scheduler`.
pub const SCHEDULER_USAGE: &str = "usage: cx-scheduler [--bind-host HOST] [--port PORT] \
[--task-distribution round-robin|bias] [--log-level error|warn|info|debug|trace]
  defaults: --bind-host 127.0.0.1 --port 50050 --task-distribution round-robin --log-level info";

/// The usage text of `cx-executor`.
pub const EXECUTOR_USAGE: &str = "usage: cx-executor [--scheduler HOST:PORT] [--bind-host HOST] \
[--external-host HOST] [--port PORT] [--grpc-port PORT] [--concurrent-tasks N] [--work-dir DIR] \
[--log-level error|warn|info|debug|trace]
  defaults: --scheduler localhost:50050 --bind-host 127.0.0.1 --port 50051 --grpc-port 50052, \
as many concurrent tasks as cores, a temporary work directory, --log-level info";

impl SchedulerOptions {
    /// Parses the program's arguments (without the program name).
    pub fn parse(args: &[String]) -> Result<SchedulerOptions, ClusterError> {
        let mut o = SchedulerOptions {
            bind_host: "127.0.0.1".into(),
            port: 50050,
            task_distribution: Distribution::RoundRobin,
            log_level: log::LevelFilter::Info,
        };
        for (flag, value) in flag_pairs(args, SCHEDULER_USAGE)? {
            match flag {
                "--bind-host" => o.bind_host = value.to_string(),
                "--port" => o.port = parse_port(flag, value)?,
                "--task-distribution" => {
                    o.task_distribution = match value {
                        "round-robin" => Distribution::RoundRobin,
                        "bias" => Distribution::Bias,
                        _ => return Err(bad_value(flag, value, "round-robin or bias")),
                    }
                }
                "--log-level" => o.log_level = parse_level(value)?,
                _ => return Err(unknown_flag(flag, SCHEDULER_USAGE)),
            }
        }
        Ok(o)
    }

    /// The socket address the scheduler listens on.
    pub fn address(&self) -> Result<SocketAddr, ClusterError> {
        socket_address(&self.bind_host, self.port)
    }
}

impl ExecutorOptions {
    /// Parses the program's arguments (without the program name).
    pub fn parse(args: &[String]) -> Result<ExecutorOptions, ClusterError> {
        let mut o = ExecutorOptions {
            bind_host: "127.0.0.1".into(),
            external_host: None,
            port: 50051,
            grpc_port: 50052,
            scheduler_host: "localhost".into(),
            scheduler_port: 50050,
            concurrent_tasks: None,
            work_dir: None,
            log_level: log::LevelFilter::Info,
        };
        for (flag, value) in flag_pairs(args, EXECUTOR_USAGE)? {
            match flag {
                "--scheduler" => {
                    let (host, port) = split_host_port(flag, value)?;
                    o.scheduler_host = host.to_string();
                    o.scheduler_port = port;
                }
                "--bind-host" => o.bind_host = value.to_string(),
                "--external-host" => o.external_host = Some(value.to_string()),
                "--port" => o.port = parse_port(flag, value)?,
                "--grpc-port" => o.grpc_port = parse_port(flag, value)?,
                "--concurrent-tasks" => o.concurrent_tasks = Some(parse_count(flag, value)?),
                "--work-dir" => o.work_dir = Some(value.to_string()),
                "--log-level" => o.log_level = parse_level(value)?,
                _ => return Err(unknown_flag(flag, EXECUTOR_USAGE)),
            }
        }
        if o.port == o.grpc_port {
            return Err(ClusterError::Usage(format!(
                "--port and --grpc-port are both {}: the Flight and gRPC services need two ports",
                o.port
            )));
        }
        // Ballista parses the same text when it binds; checking here gives
        // the error in the flags' words, before anything starts.
        socket_address(&o.bind_host, o.port)?;
        Ok(o)
    }
}

/// The options of `cx-query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOptions {
    /// Scheduler host \[localhost\].
    pub scheduler_host: String,
    /// Scheduler port \[50050\].
    pub scheduler_port: u16,
    /// Tables to register: name and absolute path (a `.parquet`, `.csv`,
    /// `.jsonl` or `.ndjson` file, as `cx sql` reads them, or a directory of
    /// Parquet files).
    pub tables: Vec<QueryTable>,
    /// The SQL statement.
    pub sql: String,
    /// Tasks that scan the input \[DataFusion's default: the client's cores\].
    pub partitions: Option<usize>,
}

/// A table of `cx-query`: a name and a file or directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTable {
    /// The table's name in SQL.
    pub name: String,
    /// The absolute path.
    pub path: PathBuf,
    /// Its format: the file's extension, Parquet for a directory.
    pub format: Format,
}

/// The usage text of `cx-query`.
pub const QUERY_USAGE: &str =
    "usage: cx-query [--scheduler HOST:PORT] --table NAME=PATH [--table NAME=PATH ...] \
[--partitions N] \"SELECT ...\"
  runs one SQL statement on the cluster and prints the result as a table;
  PATH is a .parquet, .csv (with a header row), .jsonl or .ndjson file, or a directory of .parquet
  files, at the same path on every executor; defaults: --scheduler localhost:50050";

impl QueryOptions {
    /// Parses the program's arguments (without the program name). Table
    /// paths are made absolute, so executors started elsewhere find them.
    pub fn parse(args: &[String]) -> Result<QueryOptions, ClusterError> {
        let (pairs, positionals) = arguments(args, QUERY_USAGE)?;
        let mut o = QueryOptions {
            scheduler_host: "localhost".into(),
            scheduler_port: 50050,
            tables: Vec::new(),
            sql: String::new(),
            partitions: None,
        };
        for (flag, value) in pairs {
            match flag {
                "--scheduler" => {
                    let (host, port) = split_host_port(flag, value)?;
                    o.scheduler_host = host.to_string();
                    o.scheduler_port = port;
                }
                "--table" => {
                    let (name, path) = value
                        .split_once('=')
                        .filter(|(n, p)| !n.is_empty() && !p.is_empty())
                        .ok_or_else(|| bad_value(flag, value, "NAME=PATH"))?;
                    let path = std::fs::canonicalize(path).map_err(|e| {
                        ClusterError::Usage(format!("--table {value}: cannot open {path}: {e}"))
                    })?;
                    if o.tables.iter().any(|t| t.name == name) {
                        return Err(ClusterError::Usage(format!(
                            "--table {value}: the table `{name}` is already named; give each table once"
                        )));
                    }
                    let format = table_format(value, &path)?;
                    o.tables.push(QueryTable {
                        name: name.to_string(),
                        path,
                        format,
                    });
                }
                "--partitions" => o.partitions = Some(parse_count(flag, value)?),
                _ => return Err(unknown_flag(flag, QUERY_USAGE)),
            }
        }
        o.sql = match positionals.as_slice() {
            [sql] => sql.to_string(),
            [] => {
                return Err(ClusterError::Usage(format!(
                    "no SQL statement given\n{QUERY_USAGE}"
                )))
            }
            more => {
                return Err(ClusterError::Usage(format!(
                "{} SQL statements given ({}); quote the statement as one argument\n{QUERY_USAGE}",
                more.len(),
                more.join(" | ")
            )))
            }
        };
        Ok(o)
    }
}

/// Runs `o.sql` on the cluster with `o.tables` registered and returns the
/// result rendered as a table.
pub async fn run_query(o: &QueryOptions) -> Result<String, ClusterError> {
    let mut config = SessionConfig::new_with_ballista();
    if let Some(n) = o.partitions {
        config = config.with_target_partitions(n);
    }
    // Ballista connects lazily and reports a refused connection as a
    // transport error deep in the query: try the address first.
    let address = format!("{}:{}", o.scheduler_host, o.scheduler_port);
    if let Err(e) = tokio::net::TcpStream::connect(&address).await {
        return Err(ClusterError::Unreachable {
            address,
            reason: e.to_string(),
        });
    }
    let ctx = connect_with_config(&format!("df://{address}"), config).await?;
    for t in &o.tables {
        register_table(&ctx, t).await?;
    }
    let batches = ctx.sql(&o.sql).await?.collect().await?;
    Ok(pretty_format_batches(&batches)?.to_string())
}

/// The format of a `--table` path: a file's from its extension, as `cx
/// sql` reads it ([`Format::of`]); a directory holds Parquet files
/// (`*.parquet`), scanned by several tasks.
fn table_format(spec: &str, path: &Path) -> Result<Format, ClusterError> {
    if path.is_dir() {
        return Ok(Format::Parquet);
    }
    Format::of(path).ok_or_else(|| {
        ClusterError::Usage(format!(
            "--table {spec}: unknown file type; expected .parquet, .csv, .jsonl, .ndjson \
             or a directory of .parquet files"
        ))
    })
}

/// Registers table `t` in `ctx`.
async fn register_table(ctx: &SessionContext, t: &QueryTable) -> Result<(), ClusterError> {
    let text = t.path.to_str().ok_or_else(|| {
        ClusterError::Usage(format!(
            "--table {}={}: the path is not UTF-8",
            t.name,
            t.path.display()
        ))
    })?;
    // DataFusion selects files by extension: a file's own, as written.
    let extension = match t.path.extension().and_then(|e| e.to_str()) {
        Some(e) if !t.path.is_dir() => format!(".{e}"),
        _ => ".parquet".to_string(),
    };
    match t.format {
        Format::Parquet => {
            let options = ParquetReadOptions::default().file_extension(&extension);
            ctx.register_parquet(&t.name, text, options).await?
        }
        Format::Csv => {
            let options = CsvReadOptions::new().file_extension(&extension);
            ctx.register_csv(&t.name, text, options).await?
        }
        Format::JsonLines => {
            let options = JsonReadOptions::default().file_extension(&extension);
            ctx.register_json(&t.name, text, options).await?
        }
    }
    Ok(())
}

/// Serves the scheduler until the process is stopped.
pub async fn run_scheduler(o: &SchedulerOptions) -> Result<(), ClusterError> {
    let address = o.address()?;
    let builder: ballista_scheduler::scheduler_server::SessionBuilder = Arc::new(session_state);
    let mut config = SchedulerConfig::default()
        .with_port(o.port)
        .with_task_distribution(match o.task_distribution {
            Distribution::RoundRobin => TaskDistributionPolicy::RoundRobin,
            Distribution::Bias => TaskDistributionPolicy::Bias,
        })
        .with_override_session_builder(builder);
    config.bind_host = o.bind_host.clone();
    let ballista = |source| ClusterError::Ballista {
        program: "cx-scheduler",
        addresses: format!("listening on {address}"),
        source,
    };
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(ballista)?;
    start_server(cluster, address, Arc::new(config))
        .await
        .map_err(ballista)
}

/// Runs the executor until the process is stopped (Ctrl-C, SIGTERM) or the
/// scheduler asks it to stop.
pub async fn run_executor(o: &ExecutorOptions) -> Result<(), ClusterError> {
    let config = ExecutorProcessConfig {
        bind_host: o.bind_host.clone(),
        external_host: o.external_host.clone(),
        port: o.port,
        grpc_port: o.grpc_port,
        scheduler_host: o.scheduler_host.clone(),
        scheduler_port: o.scheduler_port,
        // 0 = every core, in Ballista's words.
        vcores: o.concurrent_tasks.unwrap_or(0),
        work_dir: o.work_dir.clone(),
        override_function_registry: Some(Arc::new(function_registry())),
        ..ExecutorProcessConfig::default()
    };
    start_executor_process(Arc::new(config))
        .await
        .map_err(|source| ClusterError::Ballista {
            program: "cx-executor",
            addresses: format!(
                "scheduler {}:{}, Flight on {}:{}, gRPC on {}:{}",
                o.scheduler_host, o.scheduler_port, o.bind_host, o.port, o.bind_host, o.grpc_port
            ),
            source,
        })
}

/// Runs `future` to completion on a multi-threaded runtime with 32 MiB
/// thread stacks (as Ballista's own programs do, for deep plans).
pub fn block_on<T>(
    future: impl std::future::Future<Output = Result<T, ClusterError>>,
) -> Result<T, ClusterError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 * 1024 * 1024)
        .build()
        .map_err(|e| ClusterError::Runtime(e.to_string()))?;
    runtime.block_on(future)
}

/// A program's `main`: parses the arguments with `parse`, runs `run` on
/// the options, and ends as [`exit_with`] says.
pub fn program<O>(
    parse: fn(&[String]) -> Result<O, ClusterError>,
    run: impl FnOnce(O) -> Result<(), ClusterError>,
) -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args).and_then(run) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => exit_with(&e),
    }
}

/// Reports `error` the way the programs end: the usage text on standard
/// output with success for `--help`; otherwise the error on standard error
/// with status 2 for a usage error and 1 for a failure.
pub fn exit_with(error: &ClusterError) -> std::process::ExitCode {
    match error {
        ClusterError::Help(usage) => {
            println!("{usage}");
            std::process::ExitCode::SUCCESS
        }
        ClusterError::Usage(_) => {
            eprintln!("error: {error}");
            std::process::ExitCode::from(2)
        }
        _ => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Sends log records at `level` and above to standard error, one line
/// each (`LEVEL target: message`): the programs' only output.
pub fn init_logging(level: log::LevelFilter) {
    static LOGGER: StderrLogger = StderrLogger;
    // Fails only when a logger is already set: keep that one.
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

/// The programs' logger (see [`init_logging`]).
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let line = format!(
                "{} {}: {}\n",
                record.level(),
                record.target(),
                record.args()
            );
            // A closed standard error cannot be reported anywhere.
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// Splits `--flag VALUE` / `--flag=VALUE` arguments into pairs; `--help`
/// returns the usage as the error; no positional argument is allowed.
fn flag_pairs<'a>(
    args: &'a [String],
    usage: &'static str,
) -> Result<Vec<(&'a str, &'a str)>, ClusterError> {
    let (pairs, positionals) = arguments(args, usage)?;
    match positionals.first() {
        Some(arg) => Err(ClusterError::Usage(format!(
            "unexpected argument '{arg}': every option is --NAME VALUE\n{usage}"
        ))),
        None => Ok(pairs),
    }
}

/// The flag pairs and the positional arguments of `args`, in order.
type Arguments<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>);

/// Splits `args` into `--flag VALUE` / `--flag=VALUE` pairs and positional
/// arguments; `--help` returns the usage as the error.
fn arguments<'a>(args: &'a [String], usage: &'static str) -> Result<Arguments<'a>, ClusterError> {
    let (mut pairs, mut positionals) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if arg == "--help" || arg == "-h" {
            return Err(ClusterError::Help(usage));
        }
        if !arg.starts_with("--") {
            positionals.push(arg);
            i += 1;
            continue;
        }
        match arg.split_once('=') {
            Some((flag, value)) => pairs.push((flag, value)),
            None => {
                i += 1;
                let value = args
                    .get(i)
                    .ok_or_else(|| ClusterError::Usage(format!("{arg} needs a value\n{usage}")))?;
                pairs.push((arg, value.as_str()));
            }
        }
        i += 1;
    }
    Ok((pairs, positionals))
}

fn unknown_flag(flag: &str, usage: &str) -> ClusterError {
    ClusterError::Usage(format!("unknown option {flag}\n{usage}"))
}

fn bad_value(flag: &str, value: &str, expected: impl fmt::Display) -> ClusterError {
    ClusterError::Usage(format!("{flag} expects {expected}; got '{value}'"))
}

fn parse_port(flag: &str, value: &str) -> Result<u16, ClusterError> {
    value
        .parse::<u16>()
        .ok()
        .filter(|&p| p != 0)
        .ok_or_else(|| bad_value(flag, value, "a port number from 1 to 65535"))
}

fn parse_count(flag: &str, value: &str) -> Result<usize, ClusterError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=4096).contains(n))
        .ok_or_else(|| bad_value(flag, value, "a whole number from 1 to 4096"))
}

/// `HOST:PORT` of a scheduler.
fn split_host_port<'a>(flag: &str, value: &'a str) -> Result<(&'a str, u16), ClusterError> {
    let (host, port) = value
        .rsplit_once(':')
        .filter(|(h, _)| !h.is_empty())
        .ok_or_else(|| bad_value(flag, value, "HOST:PORT, e.g. localhost:50050"))?;
    Ok((host, parse_port(flag, port)?))
}

fn parse_level(value: &str) -> Result<log::LevelFilter, ClusterError> {
    match value {
        "error" => Ok(log::LevelFilter::Error),
        "warn" => Ok(log::LevelFilter::Warn),
        "info" => Ok(log::LevelFilter::Info),
        "debug" => Ok(log::LevelFilter::Debug),
        "trace" => Ok(log::LevelFilter::Trace),
        _ => Err(bad_value(
            "--log-level",
            value,
            "error, warn, info, debug or trace",
        )),
    }
}

fn socket_address(host: &str, port: u16) -> Result<SocketAddr, ClusterError> {
    let text = if host.contains(':') {
        format!("[{host}]:{port}") // IPv6
    } else {
        format!("{host}:{port}")
    };
    text.parse().map_err(|_| {
        bad_value(
            "--bind-host",
            host,
            "an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn scheduler_flags_and_defaults() {
        let o = SchedulerOptions::parse(&[]).unwrap();
        assert_eq!(o.address().unwrap().to_string(), "127.0.0.1:50050");
        assert_eq!(o.task_distribution, Distribution::RoundRobin);
        let o = SchedulerOptions::parse(&args(&[
            "--bind-host=::1",
            "--port",
            "6000",
            "--task-distribution",
            "bias",
            "--log-level",
            "warn",
        ]))
        .unwrap();
        assert_eq!(o.address().unwrap().to_string(), "[::1]:6000");
        assert_eq!(o.task_distribution, Distribution::Bias);
        assert_eq!(o.log_level, log::LevelFilter::Warn);
    }

    #[test]
    fn executor_flags_and_defaults() {
        let o = ExecutorOptions::parse(&[]).unwrap();
        assert_eq!((o.port, o.grpc_port), (50051, 50052));
        assert_eq!(
            (o.scheduler_host.as_str(), o.scheduler_port),
            ("localhost", 50050)
        );
        assert_eq!(
            (o.concurrent_tasks, o.external_host, o.work_dir),
            (None, None, None)
        );
        let o = ExecutorOptions::parse(&args(&[
            "--scheduler",
            "10.0.0.5:7000",
            "--bind-host",
            "0.0.0.0",
            "--external-host",
            "worker-3",
            "--port",
            "7001",
            "--grpc-port",
            "7002",
            "--concurrent-tasks",
            "3",
            "--work-dir",
            "/srv/shuffle",
        ]))
        .unwrap();
        assert_eq!(
            (o.scheduler_host.as_str(), o.scheduler_port),
            ("10.0.0.5", 7000)
        );
        assert_eq!(o.bind_host, "0.0.0.0");
        assert_eq!(o.external_host.as_deref(), Some("worker-3"));
        assert_eq!(
            (o.port, o.grpc_port, o.concurrent_tasks),
            (7001, 7002, Some(3))
        );
        assert_eq!(o.work_dir.as_deref(), Some("/srv/shuffle"));
    }

    #[test]
    fn query_flags() {
        let dir = std::env::temp_dir();
        let o = QueryOptions::parse(&args(&[
            "--scheduler",
            "sched:9000",
            "--table",
            &format!("r={}", dir.display()),
            "--partitions",
            "8",
            "SELECT 1",
        ]))
        .unwrap();
        assert_eq!(
            (o.scheduler_host.as_str(), o.scheduler_port),
            ("sched", 9000)
        );
        assert_eq!(o.tables.len(), 1);
        assert_eq!(o.tables[0].format, Format::Parquet);
        assert!(o.tables[0].path.is_absolute());
        assert_eq!((o.partitions, o.sql.as_str()), (Some(8), "SELECT 1"));
    }
}
