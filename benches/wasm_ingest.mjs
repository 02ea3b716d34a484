// WASM vs native ingest throughput on the same data and cube.
//
//   node benches/wasm_ingest.mjs            # WASM, then native via cargo bench
//   CX_BENCH_NATIVE=0 node benches/wasm_ingest.mjs   # WASM only
//
// Part 1 (always):
// Data: examples/data/responses.jsonl (1,211 seeded sample records) repeated
// to 50,000 records, the sample plan, the default cube (every dimension ×
// day) — exactly what benches/jsonl_ingest.rs gives native Rust. The WASM
// build is cx-wasm/pkg/nodejs (bash scripts/ci/wasm.sh builds it). Native
// figures come from criterion (`cargo bench --bench jsonl_ingest`, its
// target/criterion/ingest/*/new/estimates.json mean times).
//
// Part 2 (when the peer harness's data exists, benches/peers/data/, or
// CX_PEERS_JSONL names a JSON Lines file it wrote): issue #8's query (d)
// JSON Lines → (b): the first CX_PEERS_ROWS (500,000) lines of the harness's
// responses.jsonl, the harness's bare plan (alerts off), the cube segment ×
// no time, then the (b) query. WASM is timed from a JS string and from a
// Uint8Array (no UTF-16 → UTF-8 encoding), best of 8 after a warm-up;
// native is `cargo run --release --example peers -- text FILE jsonl`
// (engine creation, ingest, query, best of 8) on the same lines.
import { createRequire } from "node:module";
import { readFileSync, existsSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";

const root = fileURLToPath(new URL("../", import.meta.url));
const RECORDS = 50_000;
const cx = createRequire(import.meta.url)(join(process.env.CX_WASM_PKG ?? join(root, "cx-wasm/pkg/nodejs"), "cx_wasm.js"));
const plan = JSON.parse(readFileSync(join(root, "examples/data/plan.json"), "utf8"));
const lines = readFileSync(join(root, "examples/data/responses.jsonl"), "utf8").split("\n").filter((l) => l.trim());
const picked = Array.from({ length: RECORDS }, (_, i) => lines[i % lines.length]);
const jsonl = picked.join("\n") + "\n";
const objects = picked.map((l) => JSON.parse(l));

function time(name, run, reps = 7) {
  const samples = [];
  for (let i = 0; i < reps + 1; i++) {
    const engine = new cx.Engine(plan);
    const t0 = process.hrtime.bigint();
    const report = run(engine);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (report.accepted !== RECORDS) throw new Error(`${name}: ${report.accepted} accepted`);
    engine.free();
    if (i > 0) samples.push(dt); // first run warms up
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const wasm = {
  json_lines: time("ingestJsonLines(text)", (e) => e.ingestJsonLines(jsonl)),
  json_array: time("ingest(array of objects)", (e) => e.ingest(objects)),
};

let native = {};
if (process.env.CX_BENCH_NATIVE !== "0") {
  const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
  execFileSync("cargo", ["bench", "--bench", "jsonl_ingest", "--", "--noplot"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  for (const name of ["json_lines", "json_array", "typed_records"]) {
    const f = join(target, "criterion/ingest", name, "new/estimates.json");
    if (existsSync(f)) native[name] = JSON.parse(readFileSync(f, "utf8")).mean.point_estimate / 1e9;
  }
}

const rate = (s) => (s ? Math.round(RECORDS / s).toLocaleString("en-US") : "—");
const pct = (w, n) => (w && n ? `${Math.round((100 * n) / w)}%` : "—");
console.log(`cx ingest of ${RECORDS.toLocaleString("en-US")} records (sample plan, default cube), ${new Date().toISOString().slice(0, 10)}`);
console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, ${os.platform()} ${os.arch()}, Node ${process.version}`);
console.log("path                         WASM rec/s      native rec/s    WASM/native");
const row = (label, w, n) => console.log(`${label.padEnd(28)} ${rate(w).padStart(12)} ${rate(n).padStart(16)} ${pct(w, n).padStart(12)}`);
row("JSON Lines text", wasm.json_lines, native.json_lines);
row("array of objects (JSON)", wasm.json_array, native.json_array);
row("  vs native typed records", wasm.json_array, native.typed_records);

// ---------------------------------------------------------------- part 2
const peersFile = process.env.CX_PEERS_JSONL ?? join(root, "benches/peers/data/columns-2000000-1000/responses.jsonl");
if (existsSync(peersFile)) {
  const rows = Number(process.env.CX_PEERS_ROWS ?? 500_000);
  const all = readFileSync(peersFile);
  let end = 0;
  for (let n = 0; n < rows && end < all.length; n++) end = all.indexOf(10, end) + 1 || all.length;
  const bytes = all.subarray(0, end);
  const text = bytes.toString("utf8");
  const peersPlan = { schemaVersion: 1, organization: { name: "Peers" },
    thresholds: { alerts: { detractor: false, csatBottomTwo: false, cesAtMost: null } } };
  const config = { cube: { dimensions: ["segment"], granularity: "none" } };
  const query = { metrics: ["nps", "csat", "ces"], groupBy: ["segment"] };
  const best = (input) => {
    let t = Infinity;
    for (let i = 0; i < 9; i++) {
      const t0 = process.hrtime.bigint();
      const engine = new cx.Engine(peersPlan, config);
      const report = engine.ingestJsonLines(input);
      engine.query(query);
      const dt = Number(process.hrtime.bigint() - t0) / 1e9;
      if (report.accepted !== rows) throw new Error(`peers: ${report.accepted} accepted of ${rows}`);
      engine.free();
      if (i > 0) t = Math.min(t, dt);
    }
    return t;
  };
  const w = { string: best(text), bytes: best(new Uint8Array(bytes)) };
  let n;
  if (process.env.CX_BENCH_NATIVE !== "0") {
    const dir = mkdtempSync(join(os.tmpdir(), "cx-bench-"));
    const file = join(dir, "responses.jsonl");
    writeFileSync(file, bytes);
    const out = execFileSync("cargo", ["run", "--quiet", "--release", "--example", "peers", "--", "text", file, "jsonl", "--repeat", "8"],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    rmSync(dir, { recursive: true });
    n = JSON.parse(out).seconds;
  }
  const r = (s) => (s ? (rows / s / 1e6).toFixed(2) : "—");
  console.log(`\nissue #8 (d) JSON Lines → (b): ${rows.toLocaleString("en-US")} lines of ${peersFile}, cube segment × no time`);
  console.log("input                        WASM M rows/s   native M rows/s  WASM/native");
  const line = (label, ws) => console.log(`${label.padEnd(28)} ${r(ws).padStart(13)} ${r(n).padStart(17)} ${pct(ws, n).padStart(12)}`);
  line("JS string", w.string);
  line("Uint8Array", w.bytes);
}
