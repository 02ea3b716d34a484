// WASM vs native ingest throughput on the same data and cube.
//
//   node benches/wasm_ingest.mjs            # WASM, then native via cargo bench
//   CX_BENCH_NATIVE=0 node benches/wasm_ingest.mjs   # WASM only
//
// Data: examples/data/responses.jsonl (1,211 seeded sample records) repeated
// to 50,000 records, the sample plan, the default cube (every dimension ×
// day) — exactly what benches/jsonl_ingest.rs gives native Rust. The WASM
// build is cx-wasm/pkg/nodejs (bash scripts/ci/wasm.sh builds it). Native
// figures come from criterion (`cargo bench --bench jsonl_ingest`, its
// target/criterion/ingest/*/new/estimates.json mean times).
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
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
