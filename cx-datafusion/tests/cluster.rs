//! A real distributed run (issue #18, item 4): a `cx-scheduler` and two
//! `cx-executor` processes on localhost run a grouped cx query over several
//! Parquet files; the result equals single-process DataFusion with the same
//! functions and cx-core's own formulas (n and value identical), and the
//! logs prove the plan was split: the partial aggregate ran on both
//! executors and a later stage merged the shuffled states.
//!
//! Also: the programs' flag errors.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ballista_core::extension::SessionConfigExt;
use cx_core::score::{csat, nps, Histogram, NpsCounts, NpsMethod, Scale};
use datafusion::arrow::array::{AsArray, Int64Array, RecordBatch, StringArray, StructArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema, UInt64Type};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};

const SCHEDULER: &str = env!("CARGO_BIN_EXE_cx-scheduler");
const EXECUTOR: &str = env!("CARGO_BIN_EXE_cx-executor");
const QUERY_PROGRAM: &str = env!("CARGO_BIN_EXE_cx-query");

/// How long a process may take to become ready (a debug build on 2 busy cores).
const READY: Duration = Duration::from_secs(60);

const SEGMENTS: [&str; 3] = ["business", "economy", "first"];
const FILES: usize = 6;
const ROWS_PER_FILE: usize = 5_000;

const QUERY: &str = "SELECT segment, cx_nps(nps) AS nps, cx_csat(csat) AS csat \
                     FROM responses GROUP BY segment ORDER BY segment";

/// The stored-rollup form: states by (segment, csat) as values, merged by
/// segment and scored; the states themselves cross the shuffle as a column.
const ROLLUP: &str = "SELECT segment, cx_score(cx_merge(s)) AS nps FROM \
                      (SELECT segment, csat, cx_nps_state(nps) AS s FROM responses \
                       GROUP BY segment, csat) \
                      GROUP BY segment ORDER BY segment";

/// A child process, killed when dropped, with its output in a log file.
struct Process {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn start(name: &str, program: &str, args: &[String], dir: &Path) -> Process {
        let log = dir.join(format!("{name}.log"));
        let out = File::create(&log).expect("create log file");
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("clone log file"))
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        Process {
            name: name.to_string(),
            child,
            log,
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `ready` holds, failing with the log when the process
    /// exits or `READY` passes.
    fn wait_until(&mut self, what: &str, ready: impl Fn(&Process) -> bool) {
        let start = Instant::now();
        while !ready(self) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before {what}; its log:\n{}",
                    self.name,
                    self.output()
                );
            }
            if start.elapsed() > READY {
                panic!(
                    "{} not {what} after {READY:?}; its log:\n{}",
                    self.name,
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free at the time of asking.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A number below `n` from `rng`.
fn below(rng: &mut TestRng, n: u64) -> u64 {
    rng.next_u64() % n
}

/// One segment's ratings as cx-core keeps them.
#[derive(Default)]
struct Expected {
    nps: Option<Histogram>,
    csat: Option<Histogram>,
}

/// Writes `FILES` Parquet files of random responses (about 5% NULL
/// ratings, skipped by the functions) into `dir`, and returns each
/// segment's histograms.
fn write_responses(dir: &Path) -> BTreeMap<String, (Histogram, Histogram)> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("segment", DataType::Utf8, false),
        Field::new("nps", DataType::Int64, true),
        Field::new("csat", DataType::Int64, true),
    ]));
    // Random ratings, the same on every run (a fixed seed), so a failure
    // replays.
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[18; 32]);
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    for file in 0..FILES {
        let (mut segments, mut npss, mut csats) = (vec![], vec![], vec![]);
        for _ in 0..ROWS_PER_FILE {
            let segment = SEGMENTS[below(&mut rng, SEGMENTS.len() as u64) as usize];
            let e = expected.entry(segment.to_string()).or_default();
            let n = (below(&mut rng, 20) != 0).then(|| below(&mut rng, 11) as u8);
            let c = (below(&mut rng, 20) != 0).then(|| 1 + below(&mut rng, 5) as u8);
            if let Some(r) = n {
                let h = e
                    .nps
                    .get_or_insert_with(|| Histogram::from_counts(0, &[0; 11]).unwrap());
                h.add(r).unwrap();
            }
            if let Some(r) = c {
                let h = e
                    .csat
                    .get_or_insert_with(|| Histogram::from_counts(1, &[0; 5]).unwrap());
                h.add(r).unwrap();
            }
            segments.push(segment);
            npss.push(n.map(i64::from));
            csats.push(c.map(i64::from));
        }
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(segments)),
                Arc::new(Int64Array::from(npss)),
                Arc::new(Int64Array::from(csats)),
            ],
        )
        .unwrap();
        let out = File::create(dir.join(format!("part-{file}.parquet"))).unwrap();
        let mut writer = ArrowWriter::try_new(out, schema.clone(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
    expected
        .into_iter()
        .map(|(s, e)| (s, (e.nps.unwrap(), e.csat.unwrap())))
        .collect()
}

/// A scheduler and two executors on free localhost ports, ready.
struct Cluster {
    scheduler: Process,
    executors: Vec<Process>,
    port: u16,
}

fn start_cluster(dir: &Path) -> Cluster {
    let port = free_port();
    let mut scheduler = Process::start(
        "cx-scheduler",
        SCHEDULER,
        &["--port".into(), port.to_string()],
        dir,
    );
    scheduler.wait_until("listening", |_| {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let executors = (1..=2)
        .map(|i| {
            let work = dir.join(format!("work-{i}"));
            std::fs::create_dir_all(&work).unwrap();
            let args: Vec<String> = vec![
                "--scheduler".into(),
                format!("localhost:{port}"),
                "--port".into(),
                free_port().to_string(),
                "--grpc-port".into(),
                free_port().to_string(),
                "--concurrent-tasks".into(),
                "2".into(),
                "--work-dir".into(),
                work.display().to_string(),
                // Debug: the Flight service's fetch lines (assert_distributed).
                "--log-level".into(),
                "debug".into(),
            ];
            let mut e = Process::start(&format!("cx-executor-{i}"), EXECUTOR, &args, dir);
            e.wait_until("registered", |p| {
                p.output().contains("Executor registration succeed")
            });
            e
        })
        .collect();
    Cluster {
        scheduler,
        executors,
        port,
    }
}

/// The (job, stage) pairs an executor ran a task of, from its log lines
/// `Execute task  : [TID <job>/<stage>.<attempt>/<task>.<attempt>]`.
fn stages_run(executor: &Process) -> BTreeSet<(String, u32)> {
    executor
        .output()
        .lines()
        .filter_map(|l| l.split("Execute task  : [TID ").nth(1))
        .filter_map(|tid| {
            let mut parts = tid.split('/');
            let job = parts.next()?.to_string();
            let stage = parts.next()?.split('.').next()?.parse().ok()?;
            Some((job, stage))
        })
        .collect()
}

/// The query's result, rendered, and each segment's (n, value) of `column`.
fn table(batches: &[RecordBatch]) -> String {
    pretty_format_batches(batches).unwrap().to_string()
}

fn n_and_value(batches: &[RecordBatch], column: &str) -> BTreeMap<String, (u64, f64)> {
    let mut out = BTreeMap::new();
    for b in batches {
        let segments = cast(b.column_by_name("segment").unwrap(), &DataType::Utf8).unwrap();
        let segments = segments.as_string::<i32>();
        let s: &StructArray = b.column_by_name(column).unwrap().as_struct();
        let n = cast(s.column_by_name("n").unwrap(), &DataType::UInt64).unwrap();
        let value = cast(s.column_by_name("value").unwrap(), &DataType::Float64).unwrap();
        for row in 0..b.num_rows() {
            out.insert(
                segments.value(row).to_string(),
                (
                    n.as_primitive::<UInt64Type>().value(row),
                    value.as_primitive::<Float64Type>().value(row),
                ),
            );
        }
    }
    out
}

/// `QUERY` and `ROLLUP` over the Parquet files in `data`.
async fn run(ctx: &SessionContext, data: &Path) -> [Vec<RecordBatch>; 2] {
    ctx.register_parquet(
        "responses",
        data.to_str().unwrap(),
        ParquetReadOptions::default(),
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    for sql in [QUERY, ROLLUP] {
        out.push(ctx.sql(sql).await.unwrap().collect().await.unwrap());
    }
    out.try_into().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouped_query_on_two_executors_equals_one_process() {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cluster-{}", std::process::id()));
    let data = dir.join("responses");
    std::fs::create_dir_all(&data).unwrap();
    let expected = write_responses(&data);
    let cluster = start_cluster(&dir);

    // 4 partitions: the six files are scanned by four tasks, spread over
    // both executors by the scheduler's round-robin distribution.
    let config = SessionConfig::new_with_ballista().with_target_partitions(4);
    let url = format!("df://localhost:{}", cluster.port);
    let remote = cx_datafusion::cluster::connect_with_config(&url, config)
        .await
        .unwrap();
    let [distributed, rollup] = run(&remote, &data).await;

    let local = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(4));
    cx_datafusion::register(&local);
    let [single, single_rollup] = run(&local, &data).await;
    assert_eq!(
        table(&distributed),
        table(&single),
        "cluster vs one process"
    );
    assert_eq!(
        table(&rollup),
        table(&single_rollup),
        "rollup: cluster vs one process"
    );

    // cx-core's formulas on the same rows: n and value identical.
    let nps_of = n_and_value(&distributed, "nps");
    let csat_of = n_and_value(&distributed, "csat");
    assert_eq!(nps_of.len(), SEGMENTS.len());
    assert_eq!(n_and_value(&rollup, "nps"), nps_of, "states merged = rows");
    for (segment, (h_nps, h_csat)) in &expected {
        let counts = NpsCounts {
            detractors: h_nps.count_range(0, 6),
            passives: h_nps.count_range(7, 8),
            promoters: h_nps.count_range(9, 10),
        };
        let want = nps(&counts, NpsMethod::default(), 0.95).unwrap();
        assert_eq!(
            nps_of[segment],
            (want.n, want.value.unwrap()),
            "cx_nps, {segment}"
        );
        let want = csat(h_csat, Scale::new(1, 5).unwrap(), 0.95).unwrap();
        assert_eq!(
            csat_of[segment],
            (want.n, want.value.unwrap()),
            "cx_csat, {segment}"
        );
    }

    assert_distributed(&cluster);

    // The same query through the `cx-query` command prints the same table.
    let out = Command::new(QUERY_PROGRAM)
        .args(["--scheduler", &format!("localhost:{}", cluster.port)])
        .args(["--table", &format!("responses={}", data.display())])
        .args(["--partitions", "4", QUERY])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cx-query failed: {stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        table(&single),
        "cx-query"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The plan of `QUERY` (the first job) was split: the scheduler planned a
/// stage of partial cx aggregates below a shuffle (an `ExchangeExec` with
/// its stage id) and a final merge above it; both executors ran tasks of
/// that partial stage; and
/// an executor's Arrow Flight service served a partial-state file of that
/// stage to the other executor (its debug line `FetchPartition reading
/// .../<job>/<stage>/...`), so states crossed the network.
fn assert_distributed(cluster: &Cluster) {
    let plan = cluster.scheduler.output();
    let lines: Vec<&str> = plan.lines().collect();
    let partial = lines
        .iter()
        .position(|l| l.contains("AggregateExec: mode=Partial") && l.contains("cx_nps("))
        .unwrap_or_else(|| panic!("no partial cx_nps aggregate in the plan:\n{plan}"));
    // The plan's job: its header, `Submitting execution graph for job_id [<job>]:`.
    let header = "Submitting execution graph for job_id [";
    let start = lines[..partial]
        .iter()
        .rposition(|l| l.contains(header))
        .unwrap_or_else(|| panic!("no job header above the plan:\n{plan}"));
    let job = lines[start]
        .split(header)
        .nth(1)
        .and_then(|t| t.split(']').next())
        .unwrap();
    assert!(
        lines[start..partial]
            .iter()
            .any(|l| l.contains("AggregateExec: mode=FinalPartitioned") && l.contains("cx_nps(")),
        "no final cx_nps aggregate above the partial one:\n{plan}"
    );
    let stage: u32 = lines[partial - 1]
        .split("stage_id=")
        .nth(1)
        .and_then(|t| t.split(',').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no shuffle stage below the partial aggregate:\n{plan}"));
    let mut served = 0;
    for e in &cluster.executors {
        assert!(
            stages_run(e).contains(&(job.to_string(), stage)),
            "{} ran no task of job {job}'s partial stage {stage}; its log:\n{}",
            e.name,
            e.output()
        );
        let file = format!("/{job}/{stage}/");
        served += e
            .output()
            .lines()
            .filter(|l| l.contains("FetchPartition reading") && l.contains(&file))
            .count();
    }
    assert!(
        served > 0,
        "no partial state of stage {stage} was fetched over Arrow Flight"
    );
}

/// A program's flags: a wrong value is refused before anything starts,
/// with the flag, the value and what was expected, and exit status 2.
#[test]
fn programs_refuse_bad_flags_in_words() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            EXECUTOR,
            &["--port", "abc"],
            "--port expects a port number from 1 to 65535; got 'abc'",
        ),
        (
            EXECUTOR,
            &["--grpc-port", "0"],
            "--grpc-port expects a port number from 1 to 65535; got '0'",
        ),
        (
            EXECUTOR,
            &["--port", "7000", "--grpc-port", "7000"],
            "--port and --grpc-port are both 7000",
        ),
        (
            EXECUTOR,
            &["--scheduler", "localhost"],
            "--scheduler expects HOST:PORT, e.g. localhost:50050; got 'localhost'",
        ),
        (
            EXECUTOR,
            &["--concurrent-tasks", "0"],
            "--concurrent-tasks expects a whole number from 1 to 4096; got '0'",
        ),
        (EXECUTOR, &["--port"], "--port needs a value"),
        (EXECUTOR, &["--threads", "2"], "unknown option --threads"),
        (
            SCHEDULER,
            &["--bind-host", "my host"],
            "--bind-host expects an IP address to listen on",
        ),
        (
            SCHEDULER,
            &["--task-distribution", "random"],
            "--task-distribution expects round-robin or bias; got 'random'",
        ),
        (SCHEDULER, &["50050"], "unexpected argument '50050'"),
        (
            QUERY_PROGRAM,
            &["--table", "r=/no/such.parquet", "SELECT 1"],
            "--table r=/no/such.parquet: cannot open /no/such.parquet",
        ),
        (
            QUERY_PROGRAM,
            &["--table", "responses", "SELECT 1"],
            "--table expects NAME=PATH; got 'responses'",
        ),
        (
            QUERY_PROGRAM,
            &["--partitions", "many", "SELECT 1"],
            "--partitions expects a whole number from 1 to 4096; got 'many'",
        ),
        (QUERY_PROGRAM, &[], "no SQL statement given"),
        (
            QUERY_PROGRAM,
            &["--table", concat!("m=", env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"), "SELECT 1"],
            "/Cargo.toml: unknown file type; expected .parquet, .csv, .jsonl, .ndjson or a directory of .parquet files",
        ),
        (
            QUERY_PROGRAM,
            &["--table", "t=/", "--table", "t=/", "SELECT 1"],
            "--table t=/: the table `t` is already named",
        ),
        (
            QUERY_PROGRAM,
            &["SELECT", "1"],
            "2 SQL statements given (SELECT | 1)",
        ),
    ];
    for (program, args, message) in cases {
        let out = Command::new(program).args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    for program in [SCHEDULER, EXECUTOR, QUERY_PROGRAM] {
        let help = Command::new(program).arg("--help").output().unwrap();
        let name = Path::new(program).file_name().unwrap().to_str().unwrap();
        assert!(help.status.success(), "{name} --help");
        let usage = String::from_utf8_lossy(&help.stdout);
        assert!(usage.starts_with(&format!("usage: {name}")), "{usage}");
    }
}

/// A program that cannot listen or connect ends with status 1 and names
/// the address: a port already taken, no scheduler at the address given.
#[test]
fn programs_name_the_address_they_cannot_use() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port();
    let nobody = free_port();
    let cases: &[(&str, Vec<String>, String)] = &[
        (
            SCHEDULER,
            vec!["--port".into(), taken_port.to_string(), "--log-level".into(), "error".into()],
            format!("cx-scheduler (listening on 127.0.0.1:{taken_port}): IO error: Address already in use"),
        ),
        (
            EXECUTOR,
            vec![
                "--scheduler".into(),
                format!("localhost:{nobody}"),
                "--port".into(),
                free_port().to_string(),
                "--grpc-port".into(),
                free_port().to_string(),
                "--log-level".into(),
                "error".into(),
            ],
            format!("cx-executor (scheduler localhost:{nobody}, Flight on 127.0.0.1:"),
        ),
        (
            QUERY_PROGRAM,
            vec!["--scheduler".into(), format!("localhost:{nobody}"), "SELECT 1".into()],
            format!("cannot reach the scheduler at localhost:{nobody}: "),
        ),
    ];
    for (program, args, message) in cases {
        let out = Command::new(program).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(message.as_str()), "{args:?}: {stderr}");
    }
    drop(taken);
}
