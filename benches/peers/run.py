#!/usr/bin/env python3
"""Peer harness of issue #8 (item 5): cx against DuckDB, Polars and numpy.

One command (see benches/README.md, "Peer harness"):

    python3 -m venv benches/peers/.venv
    benches/peers/.venv/bin/pip install -r benches/peers/requirements.txt
    nice benches/peers/.venv/bin/python benches/peers/run.py --rows 20000000 --text-rows 2000000

It generates the synthetic data once (fixed seed; cached under --data),
builds the cx side (`examples/peers.rs`, release), and runs every engine in
its own subprocess, so each one's peak RSS is its own (`/usr/bin/time`):

  (a) NPS + CSAT + CES overall
  (b) the same by segment (1,000 segments)
  (c) NPS by touchpoint x ISO week
  (d) CSV -> (b) and JSON Lines -> (b)

single-threaded and on all cores, plus the references (a plain
single-histogram loop, the fastest plain loop for (b) -- `peers fast-loop`:
4 partial u32 tables, no bounds checks -- and a plain read of the same
bytes) and the streaming
memory check (JSON Lines through `Engine::ingest_json_lines_from` into a
segment x ISO-week cube, from a pipe). Every peer's scores must equal cx's
to 1e-9, or the harness exits 1. It prints a table and writes it as
Markdown (--markdown).

Timing: each process loads its input untimed and reports the best of
--repeat runs of the timed part. (a)-(c): columns in memory -> scores (cx:
engine creation, ingest, merge, query; peers: the query over their
in-memory table). (d): cx and Polars from the text bytes in memory, DuckDB
from the file (in the page cache), numpy (CSV only) from the bytes.

Realistic rows (issue #15; benches/peers/realistic.py): the `cx` CLI as a
user runs it, whole process on one core, against DuckDB on the same file:

    nice benches/peers/.venv/bin/python benches/peers/run.py --only realistic \
        --realistic-rows 2000000 --airline-csv /work/shared/testdata/airline_passenger_satisfaction.csv

`--only` takes a comma-separated list of a, b, c, d, stream, cli and
realistic (default: all but realistic, which also runs whenever
--realistic-rows is given).
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = 8
TOUCHPOINTS = ["web", "app", "store", "phone", "chat", "email", "delivery", "returns"]
# 2025-01-01T00:00:00Z and a year of seconds.
T0 = 1735689600
YEAR = 365 * 86400
MISSING = 255
TOL = 1e-9


# ---------------------------------------------------------------- data

def generate(d, rows, segments):
    """Column files with a fixed seed: scores skewed like real surveys."""
    import numpy as np
    import polars as pl

    meta_path = os.path.join(d, "meta.json")
    meta = {"rows": rows, "segments": segments, "seed": SEED, "version": 1}
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            if json.load(f) == meta:
                return
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(SEED)

    def scores(values, p, missing):
        p = np.array(p, dtype=float)
        col = rng.choice(np.array(values, dtype=np.uint8), size=rows, p=p / p.sum())
        col[rng.random(rows) < missing] = MISSING
        return col

    # NPS 0-10: most answers 7-10, about a fifth detractors.
    nps = scores(range(11), [2, 1, 1.5, 2, 2.5, 4, 6, 12, 20, 22, 27], 0.03)
    csat = scores(range(1, 6), [4, 6, 15, 40, 35], 0.08)
    ces = scores(range(1, 8), [5, 7, 10, 15, 23, 25, 15], 0.25)
    # Segments: a long tail (weight 1/(k+10)).
    w = 1.0 / (np.arange(segments) + 10.0)
    segment = rng.choice(np.arange(segments, dtype=np.uint16), size=rows, p=w / w.sum())
    touchpoint = rng.integers(0, len(TOUCHPOINTS), size=rows, dtype=np.uint8)
    at = T0 + rng.integers(0, YEAR, size=rows, dtype=np.int64)
    for name, col in [("at.i64", at), ("segment.u16", segment), ("touchpoint.u8", touchpoint),
                      ("nps.u8", nps), ("csat.u8", csat), ("ces.u8", ces)]:
        col.astype(col.dtype.newbyteorder("<")).tofile(os.path.join(d, name))
    with open(os.path.join(d, "segments.txt"), "w") as f:
        f.write("".join(f"seg{i:04d}\n" for i in range(segments)))
    with open(os.path.join(d, "touchpoints.txt"), "w") as f:
        f.write("".join(t + "\n" for t in TOUCHPOINTS))
    # The same columns for DuckDB and Polars (nulls for no answer).
    def nullable(c):
        return pl.Series(c).set(pl.Series(c == MISSING), None)
    pl.DataFrame({
        "at": at, "segment": segment, "touchpoint": touchpoint,
        "nps": nullable(nps), "csat": nullable(csat), "ces": nullable(ces),
    }).write_parquet(os.path.join(d, "columns.parquet"))
    with open(meta_path, "w") as f:
        json.dump(meta, f)


# ---------------------------------------------------------------- peers (run in subprocesses)

def key_names(d):
    with open(os.path.join(d, "segments.txt")) as f:
        segs = f.read().split()
    return segs, TOUCHPOINTS


def iso_week(monday_day):
    y, w, _ = (datetime.date(1970, 1, 1) + datetime.timedelta(days=int(monday_day))).isocalendar()
    return f"{y:04d}-W{w:02d}"


def shape(rows, q, segs):
    """Peer rows (key codes, counts and scores) -> the harness's shape."""
    out = []
    for r in rows:
        if q == "c":
            key = [TOUCHPOINTS[int(r[0])], iso_week(r[1])]
            o = {"key": key, "nps": [int(r[2]), r[3]]}
        else:
            key = [] if q == "a" else [segs[r[0]] if isinstance(r[0], int) else r[0]]
            v = r[1:] if q != "a" else r
            o = {"key": key, "nps": [int(v[0]), v[1]], "csat": [int(v[2]), v[3]], "ces": [int(v[4]), v[5]]}
        out.append(o)
    return out


SQL = {
    "a": "SELECT {s} FROM {t}",
    "b": "SELECT segment, {s} FROM {t} GROUP BY segment",
    "c": ("SELECT touchpoint, (\"at\" // 86400) - ((\"at\" // 86400 + 3) % 7) AS monday, count(nps), "
          "100.0 * (count_if(nps >= 9) - count_if(nps <= 6)) / count(nps) "
          "FROM {t} GROUP BY touchpoint, monday"),
}
SQL_SCORES = ("count(nps), 100.0 * (count_if(nps >= 9) - count_if(nps <= 6)) / count(nps), "
              "count(csat), 100.0 * count_if(csat >= 4) / count(csat), "
              "count(ces), avg(ces)")


def best_of(repeat, run):
    """(best time, result) of `repeat` calls of `run`."""
    best, out = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = run()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, out


def peer_duckdb(a):
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads={a.threads}")
    segs, _ = key_names(a.dir)
    if a.query in ("a", "b", "c"):
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{a.dir}/columns.parquet')")
        sql = SQL[a.query].format(s=SQL_SCORES, t="t")
        n = con.execute("SELECT count(*) FROM t").fetchone()[0]
    else:
        fmt = a.query.split("-")[1]
        types = "'segment': 'VARCHAR', 'nps': 'UTINYINT', 'csat': 'UTINYINT', 'ces': 'UTINYINT'"
        if fmt == "csv":
            src = f"read_csv('{a.file}', header=true, columns={{'at': 'BIGINT', {types}}})"
        else:
            src = f"read_json('{a.file}', format='newline_delimited', columns={{'at': 'TIMESTAMP', {types}}})"
        sql = SQL["b"].format(s=SQL_SCORES, t=src)
        n = None
    best, rows = best_of(a.repeat, lambda: con.execute(sql).fetchall())
    if n is None:
        n = con.execute(f"SELECT count(*) FROM {src}").fetchone()[0]
    q = "b" if a.query.startswith("b-") else a.query
    return {"seconds": best, "rows": n, "results": shape(rows, q, segs)}


def polars_scores(pl):
    nps, csat, ces = pl.col("nps"), pl.col("csat"), pl.col("ces")
    i64 = pl.Int64
    return [
        nps.count().alias("n_nps"),
        (100.0 * ((nps >= 9).sum().cast(i64) - (nps <= 6).sum().cast(i64)) / nps.count()).alias("nps"),
        csat.count().alias("n_csat"),
        (100.0 * (csat >= 4).sum().cast(i64) / csat.count()).alias("csat"),
        ces.count().alias("n_ces"),
        ces.cast(pl.Float64).mean().alias("ces"),
    ]


def peer_polars(a):
    import polars as pl
    segs, _ = key_names(a.dir)
    if a.query in ("a", "b", "c"):
        df = pl.read_parquet(f"{a.dir}/columns.parquet")
        n = df.height
        if a.query == "a":
            run = lambda: df.select(polars_scores(pl))
        elif a.query == "b":
            run = lambda: df.group_by("segment").agg(polars_scores(pl))
        else:
            nps = pl.col("nps")
            day = pl.col("at") // 86400
            run = lambda: df.group_by(
                pl.col("touchpoint"), (day - (day + 3) % 7).alias("monday")
            ).agg(
                nps.count().alias("n"),
                (100.0 * ((nps >= 9).sum().cast(pl.Int64) - (nps <= 6).sum().cast(pl.Int64)) / nps.count()).alias("nps"),
            )
    else:
        import io
        with open(a.file, "rb") as f:
            data = f.read()
        schema = {"segment": pl.String, "nps": pl.UInt8, "csat": pl.UInt8, "ces": pl.UInt8}
        if a.query == "b-csv":
            def run():
                df = pl.read_csv(io.BytesIO(data), schema={"at": pl.Int64, **schema})
                return df.group_by("segment").agg(polars_scores(pl)), df.height
        else:
            def run():
                # A Datetime in the schema panics the NDJSON reader (polars
                # 2.1.0): read the text, then parse it as cx does.
                # UInt8 panics too: Int32 scores.
                df = pl.read_ndjson(io.BytesIO(data), schema={
                    "at": pl.String, "segment": pl.String, "nps": pl.Int32, "csat": pl.Int32, "ces": pl.Int32})
                df = df.with_columns(pl.col("at").str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%SZ"))
                return df.group_by("segment").agg(polars_scores(pl)), df.height
    best, out = best_of(a.repeat, run)
    if isinstance(out, tuple):
        out, n = out
    rows = out.rows()
    q = "b" if a.query.startswith("b-") else a.query
    return {"seconds": best, "rows": n, "results": shape(rows, q, segs)}


def numpy_scores(np, hn, hc, he):
    """Scores from histograms (rows = groups, 256 columns = rating values)."""
    n_nps = hn[:, :11].sum(1)
    n_csat = hc[:, 1:6].sum(1)
    n_ces = he[:, 1:8].sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = 100.0 * (hn[:, 9:11].sum(1) - hn[:, :7].sum(1)) / n_nps
        csat = 100.0 * hc[:, 4:6].sum(1) / n_csat
        ces = (he[:, 1:8] * np.arange(1, 8)).sum(1) / n_ces
    return n_nps, nps, n_csat, csat, n_ces, ces


def parse_csv_numpy(np, data, segments):
    """A vectorised parse of the harness's CSV (at,segment,nps,csat,ces):
    the byte positions of separators give each field; `at` is not needed."""
    b = np.frombuffer(data, dtype=np.uint8)
    b = b[data.index(b"\n") + 1:]
    sep = np.flatnonzero((b == 44) | (b == 10)).reshape(-1, 5)
    starts = np.empty_like(sep)
    starts[:, 0] = np.concatenate(([0], sep[:-1, 4] + 1))
    starts[:, 1:] = sep[:, :4] + 1
    seg_start = starts[:, 1] + 3  # "seg0421"
    seg = np.zeros(len(sep), dtype=np.int64)
    for k in range(4):
        seg = seg * 10 + (b[seg_start + k].astype(np.int64) - 48)
    cols = []
    for f in (2, 3, 4):
        s, length = starts[:, f], sep[:, f] - starts[:, f]
        first = b[np.minimum(s, len(b) - 1)].astype(np.int64) - 48
        second = b[np.minimum(s + 1, len(b) - 1)].astype(np.int64) - 48
        v = np.where(length == 2, first * 10 + second, first)
        cols.append(np.where(length == 0, MISSING, v))
    return seg, cols


def peer_numpy(a):
    import numpy as np
    segs, _ = key_names(a.dir)
    S = len(segs)
    if a.query in ("a", "b", "c"):
        seg = np.fromfile(f"{a.dir}/segment.u16", dtype="<u2")
        nps = np.fromfile(f"{a.dir}/nps.u8", dtype=np.uint8)
        csat = np.fromfile(f"{a.dir}/csat.u8", dtype=np.uint8)
        ces = np.fromfile(f"{a.dir}/ces.u8", dtype=np.uint8)
        n = len(nps)
        if a.query == "a":
            def run():
                h = [np.bincount(c, minlength=256)[None, :] for c in (nps, csat, ces)]
                return [[x[0] for x in numpy_scores(np, *h)]]
        elif a.query == "b":
            def run():
                base = seg.astype(np.int32) * 256
                h = [np.bincount(base + c, minlength=S * 256).reshape(S, 256) for c in (nps, csat, ces)]
                sc = numpy_scores(np, *h)
                return [[s] + [x[s] for x in sc] for s in range(S) if h[0][s].sum() > 0]
        else:
            tp = np.fromfile(f"{a.dir}/touchpoint.u8", dtype=np.uint8)
            at = np.fromfile(f"{a.dir}/at.i64", dtype="<i8")
            def run():
                # Monday-based weeks: week k starts on day 7k - 3 (1969-12-29).
                week = (at // 86400 + 3) // 7
                w0 = int(week.min())
                W = int(week.max()) - w0 + 1
                key = (tp.astype(np.int64) * W + (week - w0)) * 256 + nps
                h = np.bincount(key, minlength=len(TOUCHPOINTS) * W * 256).reshape(-1, 256)
                n_nps = h[:, :11].sum(1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    v = 100.0 * (h[:, 9:11].sum(1) - h[:, :7].sum(1)) / n_nps
                return [[g // W, (w0 + g % W) * 7 - 3, n_nps[g], v[g]]
                        for g in range(len(n_nps)) if h[g].sum() > 0]
    else:
        with open(a.file, "rb") as f:
            data = f.read()
        def run():
            seg, cols = parse_csv_numpy(np, data, S)
            base = seg * 256
            h = [np.bincount(base + c, minlength=S * 256).reshape(S, 256) for c in cols]
            sc = numpy_scores(np, *h)
            run.n = len(seg)
            return [[s] + [x[s] for x in sc] for s in range(S) if h[0][s].sum() > 0]
    best, rows = best_of(a.repeat, run)
    if a.query == "b-csv":
        n = run.n
    rows = [[x.item() if hasattr(x, "item") else x for x in r] for r in rows]
    q = "b" if a.query.startswith("b-") else a.query
    return {"seconds": best, "rows": n, "results": shape(rows, q, segs)}


def peer_main(a):
    if a.peer == "polars":
        os.environ["POLARS_MAX_THREADS"] = str(a.threads)  # before the import
    fn = {"duckdb": peer_duckdb, "polars": peer_polars, "numpy": peer_numpy}[a.peer]
    out = fn(a)
    out.update({"engine": a.peer, "query": a.query, "threads": a.threads})
    print(json.dumps(out))


# ---------------------------------------------------------------- harness

def run_child(cmd, env=None, stdin=None):
    """Runs one engine under `/usr/bin/time`; returns (parsed JSON stdout,
    peak RSS in MB). Not `os.wait4` from here: on Linux a child's maxrss
    starts at its parent's RSS at fork (kept across exec), so a big harness
    would inflate every figure; `time` is small."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + cmd,
                           stdout=out, stdin=stdin, env=env)
        out.seek(0)
        text = out.read().decode()
        kb = rss.read().strip().splitlines()[-1]
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{text}")
    return (json.loads(text) if text.strip() else None), int(kb) / 1024.0


def same(cx, peer):
    """Mismatches between cx's rows and a peer's (keys, n, values to 1e-9)."""
    a = {tuple(r["key"]): r for r in cx}
    b = {tuple(r["key"]): r for r in peer}
    bad = []
    if a.keys() != b.keys():
        bad.append(f"groups differ: {len(a)} vs {len(b)}; e.g. {sorted(a.keys() ^ b.keys())[:3]}")
    for k in a.keys() & b.keys():
        for m in (m for m in a[k] if m != "key"):
            n, v = a[k][m]
            n2, v2 = b[k].get(m, [None, None])
            if n != n2 or (v is None) != (v2 is None) or (v is not None and abs(v - v2) > TOL):
                bad.append(f"{k} {m}: cx n={n} {v!r}, peer n={n2} {v2!r}")
    return bad


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import duckdb, polars, numpy
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.date.today().isoformat(), "nproc": os.cpu_count(), "cpu": model,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(), "duckdb": duckdb.__version__,
        "polars": polars.__version__, "numpy": numpy.__version__, "commit": commit,
        "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000_000, help="rows for (a)-(c) [20,000,000]")
    ap.add_argument("--text-rows", type=int, default=2_000_000, help="rows for (d) [2,000,000]")
    ap.add_argument("--segments", type=int, default=1000)
    ap.add_argument("--stream-rows", type=int, nargs="*", default=[20_000_000],
                    help="JSON Lines rows streamed through a pipe for the memory check [20,000,000]; "
                         "add 200000000 for the 200M case; none to skip")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per process; the best counts [3]")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="the all-cores run's threads [nproc]")
    ap.add_argument("--data", default=os.path.join(HERE, "data"), help="data directory (cached)")
    ap.add_argument("--markdown", default=None, help="also write the table as Markdown here")
    ap.add_argument("--json", default=None, help="also write every measurement as JSON here")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--stream-only", action="store_true", help="skip (a)-(d); only the streaming memory check")
    ap.add_argument("--stream-alerts", choices=["both", "default", "off"], default="both",
                    help="alert rules of the streaming runs [both]")
    ap.add_argument("--only", default=None,
                    help="comma-separated parts to run: a, b, c, d (the (a)-(d) queries), stream (the streaming "
                         "memory check), cli (cx ingest's RSS), realistic (issue #15's CLI rows) "
                         "[all but realistic]")
    ap.add_argument("--realistic-rows", type=int, default=None,
                    help="realistic JSON Lines rows for the CLI rows (turns on `realistic`) [2,000,000]")
    ap.add_argument("--snapshot-rows", type=int, default=1_000_000, help="rows of the snapshot row [1,000,000]")
    ap.add_argument("--csv-rows", type=int, default=None,
                    help="airline CSV rows, sampled with replacement [--realistic-rows]")
    ap.add_argument("--airline-csv", default=None,
                    help="the airline passenger satisfaction survey CSV (read only when given; without it "
                         "the airline row is skipped)")
    ap.add_argument("--cli-repeat", type=int, default=2, help="whole-process runs of each CLI row; best counts [2]")
    # Internal: one peer measurement.
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--query", help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.peer:
        if a.query in ("realistic", "airline"):
            import realistic
            return realistic.peer_duckdb(a)
        return peer_main(a)
    parts = set((a.only or "a,b,c,d,stream,cli").split(","))
    unknown = parts - {"a", "b", "c", "d", "stream", "cli", "realistic"}
    if unknown:
        sys.exit(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    if a.stream_only:
        parts = {"stream"}
    if a.realistic_rows:
        parts.add("realistic")
    elif "realistic" in parts:
        a.realistic_rows = 2_000_000

    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    peers_bin = os.path.join(target, "release", "examples", "peers")
    cx_bin = os.path.join(target, "release", "examples", "cx")
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--example", "peers", "--example", "cx"],
                       cwd=ROOT, check=True)
    d = os.path.abspath(a.data)
    col_dir = os.path.join(d, f"columns-{a.rows}-{a.segments}")
    txt_dir = os.path.join(d, f"columns-{a.text_rows}-{a.segments}")
    print(f"generating data in {d} …", file=sys.stderr)
    if parts & {"a", "b", "c"}:
        generate(col_dir, a.rows, a.segments)
    if parts & {"b", "d", "stream", "cli"}:
        generate(txt_dir, a.text_rows, a.segments)
    csv_path = os.path.join(txt_dir, "responses.csv")
    jsonl_path = os.path.join(txt_dir, "responses.jsonl")
    if parts & {"d", "stream", "cli"} and not os.path.exists(jsonl_path):
        subprocess.run([peers_bin, "write-text", txt_dir, str(a.text_rows), csv_path, jsonl_path], check=True)

    results = []  # (query, engine, threads, rows, seconds, rss, extra)
    failures = []
    py = sys.executable
    me = os.path.abspath(__file__)
    rep = str(a.repeat)
    modes = [1] if a.threads <= 1 else [1, a.threads]

    def record(q, engine, threads, out, rss, note=""):
        results.append({"query": q, "engine": engine, "threads": threads, "rows": out["rows"],
                        "seconds": out["seconds"], "rss_mb": rss, "note": note})
        rate = out["rows"] / out["seconds"] / 1e6
        print(f"  {q:8} {engine:22} {threads}  {rate:9.1f} M rows/s  {rss:8.0f} MB", file=sys.stderr)

    def check(q, engine, cx_out, out):
        bad = same(cx_out["results"], out["results"])
        if bad:
            failures.append(f"({q}) {engine}: " + "; ".join(bad[:5]))

    queries = [("a", col_dir, None), ("b", col_dir, None), ("c", col_dir, None),
               ("b-csv", txt_dir, csv_path), ("b-jsonl", txt_dir, jsonl_path)]
    part = {"a": "a", "b": "b", "c": "c", "b-csv": "d", "b-jsonl": "d"}
    for q, qdir, qfile in [x for x in queries if part[x[0]] in parts]:
        for threads in modes:
            if q.startswith("b-"):
                fmt = q.split("-")[1]
                cmd = [peers_bin, "text", qfile, fmt, "--threads", str(threads), "--repeat", rep]
            else:
                cmd = [peers_bin, "columns", qdir, q, "--threads", str(threads), "--repeat", rep]
            cx_out, rss = run_child(cmd)
            record(q, "cx", threads, cx_out, rss, "")
            if q == "b" and threads == 1:
                # The default alert rules put millions of alerts in the
                # report (hundreds of bytes each): on the (d) rows only.
                alerts_out, rss = run_child([peers_bin, "columns", txt_dir, q, "--repeat", rep, "--alerts"])
                record(q, "cx, default alert rules", threads, alerts_out, rss,
                       f"{alerts_out['rows']:,} rows; {alerts_out['alerts']:,} alerts in the report")
                loop_out, rss = run_child([peers_bin, "loop", qdir, "--repeat", rep])
                record(q, "plain histogram loop", 1, loop_out, rss)
                check(q, "plain histogram loop", cx_out, loop_out)
                fast_out, fast_rss = run_child([peers_bin, "fast-loop", qdir, "--repeat", rep])
                record(q, "fast loop (reference)", 1, fast_out, fast_rss,
                       "best of 1/2/4 partial u32 tables: " + ", ".join(
                           f"{p}: {fast_out['rows'] / s / 1e6:.0f}" for p, s in fast_out["variants"].items()) + " M rows/s")
                check(q, "fast loop (reference)", cx_out, fast_out)
                read = {"rows": loop_out["rows"], "seconds": loop_out["read_seconds"]}
                record(q, "plain read (sum of bytes)", 1, read, rss, f"{loop_out['read_bytes'] / 1e6:.0f} MB")
            for peer in ("duckdb", "polars", "numpy"):
                if peer == "numpy" and (threads > 1 or q == "b-jsonl"):
                    continue  # numpy is single-threaded; no JSON Lines reader
                env = dict(os.environ, POLARS_MAX_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
                out, rss = run_child([py, me, "--peer", peer, "--query", q, "--dir", qdir,
                                      "--file", qfile or "", "--threads", str(threads), "--repeat", rep], env=env)
                record(q, peer, threads, out, rss)
                check(q, peer, cx_out, out)

    # Streaming memory: JSON Lines from a pipe into a segment x ISO-week cube.
    streams = []
    rules = {"both": (True, False), "default": (True,), "off": (False,)}[a.stream_alerts]
    stream_rows = (a.stream_rows or []) if "stream" in parts else []
    for n, alerts in [(n, al) for n in stream_rows for al in rules]:
        gen = subprocess.Popen([peers_bin, "gen-jsonl", col_dir, str(n)], stdout=subprocess.PIPE)
        out, rss = run_child([peers_bin, "stream"] + ([] if alerts else ["--no-alerts"]), stdin=gen.stdout)
        gen.stdout.close()
        gen.wait()
        via = "peers stream (stdin), " + ("default alert rules" if alerts else "alerts off")
        streams.append({"rows": out["rows"], "seconds": out["seconds"], "rss_mb": rss,
                        "cells": out["cells"], "alerts": out["alerts"], "via": via})
        print(f"  stream {n:,} rows: {rss:.0f} MB peak RSS, {out['rows'] / out['seconds'] / 1e6:.2f} M rows/s",
              file=sys.stderr)
    if "cli" in parts:
        cli_rss(a, cx_bin, jsonl_path, streams)
    realistic_rows = []
    if "realistic" in parts:
        sys.path.insert(0, HERE)
        import realistic
        realistic_rows = realistic.run(a, peers_bin, cx_bin, same, failures)

    info = machine()
    md = table(results, streams, info, a)
    if realistic_rows:
        md += realistic.table(realistic_rows, a)
    print(md)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"machine": info, "results": results, "streams": streams, "realistic": realistic_rows,
                       "failures": failures}, f, indent=1)
    if failures:
        print("\nCORRECTNESS CHECK FAILED:\n" + "\n".join(failures), file=sys.stderr)
        sys.exit(1)
    if results or realistic_rows:
        print("\ncorrectness check: every peer's scores equal cx's (n exact, values to 1e-9)", file=sys.stderr)


def cli_rss(a, cx_bin, jsonl_path, streams):
    """The CLI: its peak RSS on the (d) JSON Lines file, read whole with the
    default cube, then streamed from stdin into a segment x ISO-week cube."""
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        plan = os.path.join(tmp, "plan.json")
        with open(plan, "w") as f:
            f.write('{"schemaVersion": 1, "organization": {"name": "Peers"}}')
        with tempfile.TemporaryFile() as sink, tempfile.NamedTemporaryFile("r") as rss:
            p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, cx_bin, "ingest", plan, jsonl_path],
                               stdout=sink, stderr=sink)
            if p.returncode != 0:
                sys.exit(f"cx ingest failed ({p.returncode})")
            cli_mb = int(rss.read().strip().splitlines()[-1]) / 1024.0
        streams.append({"rows": a.text_rows, "seconds": time.perf_counter() - t, "rss_mb": cli_mb,
                        "file_mb": os.path.getsize(jsonl_path) / 1e6, "via": "cx ingest FILE (default cube)"})
        # The same file on stdin (streamed) into the segment x ISO-week cube.
        t = time.perf_counter()
        with open(jsonl_path, "rb") as src, tempfile.TemporaryFile() as sink, \
                tempfile.NamedTemporaryFile("r") as rss:
            p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, cx_bin, "ingest", plan, "-",
                                "--cube", "segment", "--granularity", "isoWeek"], stdin=src, stdout=sink, stderr=sink)
            if p.returncode != 0:
                sys.exit(f"cx ingest - failed ({p.returncode})")
            cli_mb = int(rss.read().strip().splitlines()[-1]) / 1024.0
        streams.append({"rows": a.text_rows, "seconds": time.perf_counter() - t, "rss_mb": cli_mb,
                        "file_mb": os.path.getsize(jsonl_path) / 1e6, "stdin": True,
                        "via": "cx ingest - --cube segment --granularity isoWeek (stdin)"})


def table(results, streams, info, a):
    cx_rate = {(r["query"], r["threads"]): r["rows"] / r["seconds"]
               for r in results if r["engine"] == "cx"}
    lines = [
        f"{info['date']}, {info['nproc']} cores (`nproc`), {info['cpu']}, load average {info['load']}; "
        f"Python {info['python']}, duckdb {info['duckdb']}, polars {info['polars']}, numpy {info['numpy']}; "
        f"{info['rustc']}; commit {info['commit']}."
        + (f" (a)–(c): {a.rows:,} rows; (d): {a.text_rows:,} rows; {a.segments:,} segments; best of {a.repeat}."
           if results else ""),
        "",
        "| query | engine | threads | M rows/s | cx / engine | peak RSS (MB) | note |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    names = {"a": "(a) overall", "b": "(b) by segment", "c": "(c) touchpoint × ISO week",
             "b-csv": "(d) CSV → (b)", "b-jsonl": "(d) JSON Lines → (b)"}
    if not results:
        lines = lines[:2]
    for r in results:
        rate = r["rows"] / r["seconds"]
        mine = cx_rate.get((r["query"], r["threads"]))
        ratio = "" if r["engine"].startswith("cx") or mine is None else f"{mine / rate:.2f}×"
        lines.append(f"| {names[r['query']]} | {r['engine']} | {r['threads']} | {rate / 1e6:,.1f} | {ratio} | "
                     f"{r['rss_mb']:,.0f} | {r['note']} |")
    if streams:
        lines += ["", "| streaming JSON Lines into segment × ISO week | rows | M rows/s | peak RSS (MB) | note |",
                  "|---|---:|---:|---:|---|"]
    for s in streams:
        note = (f"{s['cells']:,} cells, {s['alerts']:,} alerts" if "cells" in s
                else f"file {s['file_mb']:,.0f} MB, " + ("streamed" if s.get("stdin") else "read whole"))
        lines.append(f"| {s['via']} | {s['rows']:,} | {s['rows'] / s['seconds'] / 1e6:.2f} | {s['rss_mb']:,.0f} | {note} |")
    if results or streams:
        lines += ["", "| target (single core unless said) | measured | met |", "|---|---:|---|"]
    rate = {(r["query"], r["engine"], r["threads"]): r["rows"] / r["seconds"] for r in results}
    for q, peer, want in [("b", "duckdb", 8), ("b", "numpy", 3), ("b", "plain histogram loop", 0.8),
                          ("b-csv", "duckdb", 2), ("b-jsonl", "duckdb", 1.5)]:
        if (q, "cx", 1) in rate and (q, peer, 1) in rate:
            got = rate[(q, "cx", 1)] / rate[(q, peer, 1)]
            lines.append(f"| {names[q]}: cx ≥ {want}× {peer} | {got:.2f}× | {'yes' if got >= want else '**no**'} |")
    if ("b", "cx", 1) in rate and ("b", "fast loop (reference)", 1) in rate:
        got = rate[("b", "cx", 1)] / rate[("b", "fast loop (reference)", 1)]
        lines.append(f"| {names['b']}: cx / fast loop (the reference, no target) | {got:.2f}× | — |")
    for s in streams:
        if "cells" in s:
            ok = s["rss_mb"] <= 64
            lines.append(f"| streaming {s['rows']:,} JSON Lines rows ({s['via'].split(', ')[1]}) ≤ 64 MB | "
                         f"{s['rss_mb']:,.0f} MB | {'yes' if ok else '**no**'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
