"""Realistic rows of the peer harness (issue #15): the `cx` CLI as a user
runs it, whole process on one core (`taskset -c 0`), against DuckDB in its
own process on the same file.

- realistic JSON Lines (`peers gen-realistic ROWS SEED`: the sample plan's
  segments, touchpoints, channels, 4 teams × 50 employees, regions, NPS,
  CSAT, CES and 3 of 6 attributes per row) → NPS, CSAT top-two-box share
  and CES mean by segment: `cx score` (default cube) vs DuckDB `read_json`;
- `cx ingest` of the same file: cells kept and bytes per cell (from the
  engine's `footprint:` stderr line, when the CLI prints one);
- a snapshot of SNAPSHOT_ROWS rows: its size, and `cx score
  --from-snapshot`'s peak RSS;
- the airline survey CSV sampled with replacement to CSV_ROWS rows → each
  attribute's mean without 0 (not applicable) and its top-two-box share:
  `cx score --mapping` vs DuckDB `read_csv`.

Every figure pair is checked: DuckDB's scores must equal cx's (n exact,
values to 1e-9). Called by run.py (`--only realistic`); the DuckDB side
runs as `run.py --peer duckdb --query realistic|airline --file F`.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAN = os.path.join(ROOT, "examples", "data", "plan.json")
AIRLINE_PLAN = os.path.join(ROOT, "examples", "data", "airline-plan.json")
AIRLINE_MAPPING = os.path.join(ROOT, "examples", "data", "airline-mapping.json")
SEED = 15
# The by-segment query of the comparison (`cx score` alone computes every
# metric overall).
BY_SEGMENT = '{"metrics": ["nps", "csat", "ces"], "groupBy": ["segment"]}'
FOOTPRINT = re.compile(r"footprint: (\d+) cells, (\d+) bytes, (\d+) rows")
CELLS_KEPT = re.compile(r"(\d+) cell\(s\) kept")


# ---------------------------------------------------------------- processes

def timed(cmd, stdout_path=None, cpu="0"):
    """Runs `cmd` under `taskset -c CPU /usr/bin/time -v`; returns a dict:
    wall seconds, peak RSS (MB), user and system seconds, the exit status,
    stdout (unless written to stdout_path) and stderr (the command's own)."""
    with tempfile.NamedTemporaryFile("r") as tv, tempfile.TemporaryFile() as err:
        out = open(stdout_path, "wb") if stdout_path else tempfile.TemporaryFile()
        with out:
            p = subprocess.run(["taskset", "-c", cpu, "/usr/bin/time", "-v", "-o", tv.name] + cmd,
                               stdout=out, stderr=err)
            text = ""
            if not stdout_path:
                out.seek(0)
                text = out.read().decode()
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        v = tv.read()
    field = lambda name: re.search(rf"{re.escape(name)}: (.*)", v).group(1).strip()
    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    return {"status": p.returncode, "wall": wall, "rss_mb": int(field("Maximum resident set size (kbytes)")) / 1024,
            "user": float(field("User time (seconds)")), "sys": float(field("System time (seconds)")),
            "stdout": text, "stderr": stderr}


def best_of(n, cmd, ok=(0,)):
    """The run with the least wall time of `n` (peak RSS: the largest)."""
    runs = []
    for _ in range(n):
        r = timed(cmd)
        if r["status"] not in ok:
            sys.exit(f"failed ({r['status']}): {' '.join(cmd)}\n{r['stderr'][-2000:]}")
        runs.append(r)
    best = min(runs, key=lambda r: r["wall"])
    return dict(best, rss_mb=max(r["rss_mb"] for r in runs), runs=[r["wall"] for r in runs])


def footprint(stderr):
    """(cells, bytes, rows) from the engine's footprint line, or None."""
    m = FOOTPRINT.search(stderr)
    return tuple(int(x) for x in m.groups()) if m else None


# ---------------------------------------------------------------- data

def realistic_file(peers_bin, d, rows):
    path = os.path.join(d, f"realistic-{rows}-{SEED}.jsonl")
    if not os.path.exists(path):
        os.makedirs(d, exist_ok=True)
        t = time.perf_counter()
        with open(path + ".tmp", "wb") as f:
            subprocess.run([peers_bin, "gen-realistic", str(rows), str(SEED)], stdout=f, check=True)
        os.replace(path + ".tmp", path)
        print(f"  generated {rows:,} realistic rows in {time.perf_counter() - t:.1f} s: {path}", file=sys.stderr)
    return path


def airline_file(peers_bin, d, src, rows):
    if not src or not os.path.isfile(src):
        sys.exit(f"--airline-csv {src}: no such file (the airline passenger satisfaction survey CSV, "
                 "e.g. /work/shared/testdata/airline_passenger_satisfaction.csv)")
    path = os.path.join(d, f"airline-{rows}-{SEED}.csv")
    if not os.path.exists(path):
        os.makedirs(d, exist_ok=True)
        with open(path + ".tmp", "wb") as f:
            subprocess.run([peers_bin, "sample-csv", src, str(rows), str(SEED)], stdout=f, check=True)
        os.replace(path + ".tmp", path)
    return path


# ---------------------------------------------------------------- cx's figures

def cx_by_segment(text):
    """`cx score --json` (the by-segment query) → the harness's rows."""
    card = json.loads(text)
    out = []
    for r in card["rows"]:
        o = {"key": [r["key"].get("segment")]}
        for m in ("nps", "csat", "ces"):
            s = r["scores"][m]
            o[m] = [s["n"], s.get("value")]
        out.append(o)
    return out


def airline_attributes():
    """(attribute id, CSV column) of the airline mapping."""
    with open(AIRLINE_MAPPING) as f:
        return list(json.load(f)["attributes"].items())


def cx_attributes(text):
    """`cx score --json` on the airline CSV (overall) → one row per
    attribute: its mean and its top-two-box share, each with its n."""
    card = json.loads(text)
    [row] = card["rows"]
    out = []
    for attr, _ in airline_attributes():
        s = row["scores"][f"attribute:{attr}"]
        out.append({"key": [attr], "mean": [s["n"], s.get("value")], "top2": [s["n"], s.get("topTwoBox")]})
    return out


# ---------------------------------------------------------------- DuckDB (run in its own process)

def peer_duckdb(a):
    """DuckDB on one core over the realistic JSON Lines (by segment) or the
    airline CSV (attributes); prints the query's own time and the rows."""
    import duckdb
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads=1")
    if a.query == "realistic":
        src = (f"read_json('{a.file}', format='newline_delimited', "
               "columns={'segment': 'VARCHAR', 'nps': 'UTINYINT', 'csat': 'UTINYINT', 'ces': 'UTINYINT'})")
        sql = ("SELECT segment, count(nps), 100.0 * (count_if(nps >= 9) - count_if(nps <= 6)) / count(nps), "
               "count(csat), 100.0 * count_if(csat >= 4) / count(csat), count(ces), avg(ces), count(*) "
               f"FROM {src} GROUP BY segment")
    else:
        cols = []
        for _, c in airline_attributes():
            q = '"' + c.replace('"', '""') + '"'
            cols.append(f"count_if({q} > 0), avg(nullif({q}, 0)), 100.0 * count_if({q} >= 4) / count_if({q} > 0)")
        sql = f"SELECT count(*), {', '.join(cols)} FROM read_csv('{a.file}', header=true)"
    t = time.perf_counter()
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - t
    if a.query == "realistic":
        results = [{"key": [r[0]], "nps": [r[1], r[2]], "csat": [r[3], r[4]], "ces": [r[5], r[6]]} for r in rows]
        n = sum(r[7] for r in rows)
    else:
        [r] = rows
        n = r[0]
        results = [{"key": [attr], "mean": [r[1 + 3 * i], r[2 + 3 * i]], "top2": [r[1 + 3 * i], r[3 + 3 * i]]}
                   for i, (attr, _) in enumerate(airline_attributes())]
    print(json.dumps({"engine": "duckdb", "query": a.query, "rows": n, "seconds": seconds,
                      "setup_seconds": t - t0, "results": results}))


# ---------------------------------------------------------------- the rows

def run(a, peers_bin, cx_bin, same, failures):
    """Measures every realistic row; returns a list of table rows (dicts)."""
    d = os.path.abspath(a.data)
    py, me = sys.executable, os.path.join(HERE, "run.py")
    rows = []

    def check(what, cx_rows, peer_rows):
        bad = same(cx_rows, peer_rows)
        if bad:
            failures.append(f"({what}) duckdb: " + "; ".join(bad[:5]))

    def add(what, engine, n, r, note="", query_s=None):
        rows.append({"what": what, "engine": engine, "rows": n, "wall": r["wall"], "runs": r.get("runs"),
                     "cpu": r["user"] + r["sys"], "rss_mb": r["rss_mb"], "query_s": query_s, "note": note})
        print(f"  {what:34} {engine:34} {r['wall']:8.2f} s  {r['rss_mb']:8.0f} MB  {note}", file=sys.stderr)

    # 1. Realistic JSON Lines → NPS, CSAT, CES by segment.
    n = a.realistic_rows
    f = realistic_file(peers_bin, d, n)
    mb = os.path.getsize(f) / 1e6
    what = f"JSON Lines ({mb:,.0f} MB) → by segment"
    cx = best_of(a.cli_repeat, [cx_bin, "score", PLAN, f, "--query", BY_SEGMENT, "--json"])
    cx_rows = cx_by_segment(cx["stdout"])
    fp = footprint(cx["stderr"])
    add(what, "cx score (default cube)", n, cx, fp_note(fp))
    peer = best_of(a.cli_repeat, [py, me, "--peer", "duckdb", "--query", "realistic", "--file", f])
    out = json.loads(peer["stdout"])
    add(what, "DuckDB read_json, threads=1", out["rows"], peer,
        f"query alone {out['seconds']:.2f} s", query_s=out["seconds"])
    check("realistic JSON Lines", cx_rows, out["results"])
    if out["rows"] != n:
        failures.append(f"(realistic JSON Lines) DuckDB read {out['rows']} rows, not {n}")

    # 2. cx ingest: cells kept, bytes per cell.
    ing = best_of(1, [cx_bin, "ingest", PLAN, f])
    m = CELLS_KEPT.search(ing["stdout"])
    rejected = re.search(r"(\d+) rejected", ing["stdout"])
    if not rejected or int(rejected.group(1)) != 0:
        failures.append(f"(realistic JSON Lines) cx ingest: {ing['stdout'].strip()}")
    fp = footprint(ing["stderr"])
    cells = fp[0] if fp else (int(m.group(1)) if m else None)
    add(what.replace("by segment", "cells"), "cx ingest (default cube)", n, ing,
        f"{cells:,} cells; " + fp_note(fp) if cells is not None else fp_note(fp))
    rows[-1]["cells"] = cells

    # 3. Snapshot of SNAPSHOT_ROWS rows: size, restore.
    sn = a.snapshot_rows
    f1 = realistic_file(peers_bin, d, sn)
    snap = os.path.join(d, f"realistic-{sn}-{SEED}.snapshot.json")
    w = best_of(1, [cx_bin, "ingest", PLAN, f1, "--snapshot-out", snap])
    size = os.path.getsize(snap)
    fp_w = footprint(w["stderr"])
    add(f"snapshot of {sn:,} rows", "cx ingest --snapshot-out", sn, w,
        f"snapshot {size / 1e6:,.1f} MB ({size:,} bytes); " + fp_note(fp_w))
    rows[-1]["snapshot_bytes"] = size
    r = best_of(a.cli_repeat, [cx_bin, "score", PLAN, "--from-snapshot", snap, "--json"])
    add(f"snapshot of {sn:,} rows", "cx score --from-snapshot", sn, r, "engine: " + fp_note(footprint(r["stderr"])))

    # 4. The airline CSV, sampled with replacement.
    if a.airline_csv is None:
        print("  airline CSV row skipped: give --airline-csv PATH", file=sys.stderr)
        return rows
    cn = a.csv_rows or n
    cf = airline_file(peers_bin, d, a.airline_csv, cn)
    what = f"airline CSV ({os.path.getsize(cf) / 1e6:,.0f} MB) → attributes"
    cx = best_of(a.cli_repeat, [cx_bin, "score", AIRLINE_PLAN, cf, "--mapping", AIRLINE_MAPPING, "--json"])
    add(what, "cx score --mapping (default cube)", cn, cx, fp_note(footprint(cx["stderr"])))
    peer = best_of(a.cli_repeat, [py, me, "--peer", "duckdb", "--query", "airline", "--file", cf])
    out = json.loads(peer["stdout"])
    add(what, "DuckDB read_csv, threads=1", out["rows"], peer,
        f"query alone {out['seconds']:.2f} s", query_s=out["seconds"])
    check("airline CSV", cx_attributes(cx["stdout"]), out["results"])
    if out["rows"] != cn:
        failures.append(f"(airline CSV) DuckDB read {out['rows']} rows, not {cn}")
    return rows


def fp_note(fp):
    if not fp:
        return "bytes/cell n/a"
    cells, size, rows = fp
    return f"footprint {size / 1e6:,.1f} MB = {size / max(cells, 1):,.1f} bytes/cell ({cells:,} cells, {rows:,} rows)"


def table(rows, a):
    """The realistic rows as Markdown."""
    lines = [
        "",
        f"Realistic rows (issue #15): the `cx` CLI and DuckDB 2.0.0 each a whole process on one core "
        f"(`taskset -c 0`, DuckDB `SET threads=1`); wall time best of {a.cli_repeat}, peak RSS from "
        "`/usr/bin/time -v`; CPU = user + system time of that run (less sensitive than wall time to other "
        "processes sharing the core).",
        "",
        "| input → output | engine | rows | wall (s) | CPU (s) | M rows/s | cx / engine | peak RSS (MB) | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    cx_wall = {}
    for r in rows:
        if r["engine"].startswith("cx score") and "snapshot" not in r["what"]:
            cx_wall[r["what"]] = r["wall"]
    for r in rows:
        mine = cx_wall.get(r["what"])
        ratio = f"{r['wall'] / mine:.2f}×" if mine and r["engine"].startswith("DuckDB") else ""
        lines.append(f"| {r['what']} | {r['engine']} | {r['rows']:,} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                     f"{r['rows'] / r['wall'] / 1e6:.2f} | {ratio} | {r['rss_mb']:,.0f} | {r['note']} |")
    return "\n".join(lines) + "\n"
