#!/usr/bin/env python3
"""Parquet peer harness of issue #18 (item 5): query (b), NPS + CSAT + CES
by segment, over one Parquet file of 20M rows.

    nice benches/peers/.venv/bin/python benches/peers/parquet.py --rows 20000000

Rows (every one reads the same Parquet file, in the page cache):

- in-process, one core and all cores (best of --repeat, Parquet read
  included): cx's aggregate functions in DataFusion (`cx_nps(nps)`, ...),
  DataFusion's own hand-written SQL (`sum(CASE ...)`), DuckDB's SQL;
- whole processes on one core (`taskset -c 0`): `cx score PLAN FILE
  --mapping M --query (b)` against DuckDB's process running the same query;
- a Ballista cluster on this machine (`cx-scheduler` and 1 or 2
  `cx-executor`s, release builds), cx's functions through a client.

The data: run.py's generator (fixed seed): the response time (a
timestamp over 2025), the segment as text (`seg0042`, dictionary-encoded
by the writer), NPS, CSAT and CES with no answer as NULL,
written by DuckDB in row groups of 1,000,000. Every peer's n must equal
cx's and its value to 1e-9, or the harness exits 1.

Builds, in one cargo command so that DataFusion is compiled once:
`cargo build --release -p cx-datafusion -p cx --features "cx-datafusion/cluster
cx/datafusion" --bins --example df-peers --example cx` (--no-build skips it).
"""

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import run  # noqa: E402  (the generator and the SQL of run.py)
import realistic  # noqa: E402  (timed: whole processes under /usr/bin/time)

TOL = 1e-9
BY_SEGMENT = '{"metrics": ["nps", "csat", "ces"], "groupBy": ["segment"]}'
DUCK_SQL = run.SQL["b"].format(s=run.SQL_SCORES, t="read_parquet('{f}')")


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def build():
    subprocess.run(["cargo", "build", "--release", "-p", "cx-datafusion", "-p", "cx",
                    "--features", "cx-datafusion/cluster cx/datafusion",
                    "--bins", "--example", "df-peers", "--example", "cx"], cwd=ROOT, check=True)


def data(a):
    """The Parquet file, the plan and the mapping (cached under --data)."""
    run.generate(a.data, a.rows, a.segments)
    f = os.path.join(a.data, f"segments-at-{a.rows}.parquet")
    if not os.path.exists(f):
        import duckdb
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT to_timestamp(\"at\") AS \"at\", printf('seg%04d', segment) AS segment, nps, csat, ces "
            f"FROM read_parquet('{a.data}/columns.parquet')) TO '{f}.tmp' "
            f"(FORMAT parquet, ROW_GROUP_SIZE 1000000)")
        os.replace(f + ".tmp", f)
    plan = os.path.join(ROOT, "examples", "data", "plan.json")
    # The same plan with no alert rule: the work DuckDB's query does.
    with open(plan) as p:
        quiet = json.load(p)
    quiet["thresholds"]["alerts"] = {"detractor": False, "csatBottomTwo": False, "cesAtMost": None,
                                     "criticalRuleFailed": False}
    quiet_plan = os.path.join(a.data, "plan-no-alerts.json")
    with open(quiet_plan, "w") as p:
        json.dump(quiet, p)
    mapping = os.path.join(a.data, "segments-mapping.json")
    with open(mapping, "w") as m:
        json.dump({"at": {"column": "at"}, "dimensions": {"segment": "segment"},
                   "nps": "nps", "csat": "csat", "ces": "ces"}, m)
    return f, plan, quiet_plan, mapping


def peer_duckdb(a):
    """Run in a subprocess: DuckDB's (b) on the file, best of --repeat."""
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads={a.threads}")
    best, rows = run.best_of(a.repeat, lambda: con.execute(DUCK_SQL.format(f=a.file)).fetchall())
    return {"engine": "duckdb", "seconds": best, "results": run.shape(rows, "b", None)}


def in_process(a, f, threads):
    """cx's functions, DataFusion's SQL and DuckDB at `threads` threads."""
    peers = os.path.join(target_dir(), "release", "examples", "df-peers")
    out = {}
    for mode in ("cx", "hand", "floor"):
        cmd = [peers, "--file", f, "--mode", mode, "--threads", str(threads), "--repeat", str(a.repeat)]
        out[f"datafusion-{mode}"] = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
    cmd = [sys.executable, __file__, "--peer", "duckdb", "--file", f, "--threads", str(threads),
           "--repeat", str(a.repeat)]
    out["duckdb"] = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
    return out


def whole_processes(a, f, plan, mapping):
    """`cx score` keeping what (b) needs (segment cells, no time), and
    DuckDB's process, on one core."""
    cx = os.path.join(target_dir(), "release", "examples", "cx")
    r = realistic.best_of(a.cli_repeat, [cx, "score", plan, f, "--mapping", mapping,
                                         "--cube", "segment", "--granularity", "none",
                                         "--query", BY_SEGMENT, "--json"])
    d = realistic.best_of(a.cli_repeat, [sys.executable, __file__, "--peer", "duckdb", "--file", f,
                                         "--threads", "1", "--repeat", "1"])
    return r, d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cluster(a, f, workers):
    """A scheduler and `workers` executors on this machine; the cx query
    through a client. Returns the client's output."""
    bins = os.path.join(target_dir(), "release")
    port = free_port()
    logs = tempfile.mkdtemp(prefix="cx-cluster-")
    procs = [subprocess.Popen([os.path.join(bins, "cx-scheduler"), "--port", str(port)],
                              stdout=open(os.path.join(logs, "scheduler.log"), "w"), stderr=subprocess.STDOUT)]
    try:
        time.sleep(1.0)
        for w in range(workers):
            os.makedirs(os.path.join(logs, f"work-{w}"))
            procs.append(subprocess.Popen(
                [os.path.join(bins, "cx-executor"), "--scheduler", f"127.0.0.1:{port}",
                 "--port", str(free_port()), "--grpc-port", str(free_port()),
                 "--concurrent-tasks", "1", "--work-dir", os.path.join(logs, f"work-{w}")],
                stdout=open(os.path.join(logs, f"executor-{w}.log"), "w"), stderr=subprocess.STDOUT))
        time.sleep(3.0)
        peers = os.path.join(bins, "examples", "df-peers")
        cmd = [peers, "--file", f, "--mode", "cx", "--threads", str(max(workers, 1)),
               "--repeat", str(a.repeat), "--scheduler", f"df://127.0.0.1:{port}"]
        return json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
    finally:
        for p in procs:
            p.kill()


def check(reference, other, what):
    ref = {tuple(r["key"]): r for r in reference}
    got = {tuple(r["key"]): r for r in other}
    if ref.keys() != got.keys():
        sys.exit(f"{what}: segments differ from cx's")
    for k, r in ref.items():
        for m in ("nps", "csat", "ces"):
            (n1, v1), (n2, v2) = r[m], got[k][m]
            if n1 != n2 or (v1 is None) != (v2 is None) or (v1 is not None and abs(v1 - v2) > TOL):
                sys.exit(f"{what}: {k} {m}: cx {r[m]}, peer {got[k][m]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--segments", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli-repeat", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--only", default="inproc,cli,cluster")
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.peer == "duckdb":
        print(json.dumps(peer_duckdb(a)))
        return
    if not a.no_build:
        build()
    f, plan, quiet_plan, mapping = data(a)
    only = set(a.only.split(","))
    lines = [f"Parquet peers, {a.rows:,} rows, {a.segments} segments; "
             f"{platform.node()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}",
             "", "| what | engine | threads | seconds | × cx |", "|---|---|---:|---:|---:|"]
    reference = None
    if "inproc" in only:
        for threads in sorted({1, a.threads}):
            out = in_process(a, f, threads)
            cx = out["datafusion-cx"]
            reference = reference or cx["results"]
            for name, o in out.items():
                if name != "datafusion-floor":
                    check(cx["results"], o["results"], f"{name} at {threads} threads")
                lines.append(f"| (b) in process | {name} | {threads} | {o['seconds']:.3f} | "
                             f"{o['seconds'] / cx['seconds']:.2f} |")
    if "cli" in only:
        quiet_s = None
        for what, p in (("no alert rule", quiet_plan), ("the sample plan's alerts", plan)):
            r, d = whole_processes(a, f, p, mapping)
            quiet_s = quiet_s or r["wall"]
            if reference is not None:
                check(reference, realistic.cx_by_segment(r["stdout"]), "cx score")
            lines.append(f"| (b) whole process, 1 core | cx score ({what}) | 1 | {r['wall']:.3f} | "
                         f"{r['wall'] / quiet_s:.2f} |")
        lines.append(f"| (b) whole process, 1 core | duckdb (python) | 1 | {d['wall']:.3f} | "
                     f"{d['wall'] / quiet_s:.2f} |")
    if "cluster" in only:
        for workers in (1, 2):
            o = cluster(a, f, workers)
            if reference is not None:
                check(reference, o["results"], f"cluster with {workers} worker(s)")
            lines.append(f"| (b) Ballista cluster | cx functions, {workers} worker(s) | {workers} | "
                         f"{o['seconds']:.3f} | |")
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as m:
            m.write(text + "\n")


if __name__ == "__main__":
    main()
