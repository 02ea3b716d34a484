// WASM memory after a large ingest (issue #15, item 4): the WebAssembly
// memory's size (memory.buffer.byteLength: it only grows, so this is its
// peak) and the Node process's RSS (now and peak) after ingesting N records
// into a fresh engine with the sample plan and the default cube (every
// dimension × day).
//
//   bash scripts/ci/wasm.sh                      # builds cx-wasm/pkg/nodejs
//   node benches/wasm_memory.mjs                 # 1,000,000 demo responses
//   node benches/wasm_memory.mjs --records 100000
//   node benches/wasm_memory.mjs --file F.jsonl  # F's lines instead (e.g. the
//        peer harness's realistic rows: peers gen-realistic 1000000 15 > F.jsonl)
//
// Demo responses: examples/data/responses.jsonl (the seeded sample: customer
// responses, employee responses, audits, KPIs) repeated to N lines, as
// benches/wasm_ingest.mjs does; they repeat 1,211 records, so the cells stop
// growing after the first copy and the figure is mostly the engine's fixed
// cost. A file of distinct rows (--file) grows a cell per row or so.
// The lines go through engine.jsonLinesFeed() in 8 MiB pieces (a JS string
// of a million lines would pass V8's string limit), so the input is never
// whole in memory. Prints one JSON object.
import { createRequire } from "node:module";
import { readFileSync, openSync, readSync, closeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";

const root = fileURLToPath(new URL("../", import.meta.url));
const pkg = process.env.CX_WASM_PKG ?? join(root, "cx-wasm/pkg/nodejs");
const CHUNK = 8 << 20;

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const records = Number(opt("--records") ?? 1_000_000);
const file = opt("--file");
if (!Number.isInteger(records) || records <= 0) throw new Error(`--records ${opt("--records")}`);

// The module's memory: wasm-bindgen's nodejs glue keeps its instance to
// itself, so the instance is caught as the glue creates it.
let memory;
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  const instance = new Instance(module, imports);
  memory ??= instance.exports.memory;
  return instance;
};
const cx = createRequire(import.meta.url)(join(pkg, "cx_wasm.js"));
WebAssembly.Instance = Instance;
memory ??= cx.__wasm?.memory;
if (!(memory instanceof WebAssembly.Memory)) throw new Error(`no WebAssembly.Memory found in ${pkg}`);

/** Pieces of about CHUNK bytes: the demo lines repeated, or the file's bytes. */
function* pieces() {
  if (file) {
    const fd = openSync(file, "r");
    const buf = Buffer.alloc(CHUNK);
    let lines = 0;
    try {
      for (let n; (n = readSync(fd, buf, 0, CHUNK, null)) > 0;) {
        let piece = buf.subarray(0, n);
        // Stop after `records` lines when --records is given.
        if (opt("--records")) {
          let end = 0;
          for (; end < piece.length && lines < records; end++) if (piece[end] === 10) lines++;
          piece = piece.subarray(0, end);
          yield new Uint8Array(piece);
          if (lines >= records) return;
        } else {
          yield new Uint8Array(piece);
        }
      }
    } finally {
      closeSync(fd);
    }
    return;
  }
  const lines = readFileSync(join(root, "examples/data/responses.jsonl"), "utf8").split("\n").filter((l) => l.trim());
  const perPiece = Math.max(1, Math.floor(CHUNK / (readFileSync(join(root, "examples/data/responses.jsonl")).length / lines.length)));
  for (let done = 0; done < records;) {
    const n = Math.min(perPiece, records - done);
    yield Array.from({ length: n }, (_, k) => lines[(done + k) % lines.length]).join("\n") + "\n";
    done += n;
  }
}

const mb = (b) => Math.round((b / 2 ** 20) * 10) / 10;
const plan = JSON.parse(readFileSync(join(root, "examples/data/plan.json"), "utf8"));
const before = { wasmBytes: memory.buffer.byteLength, rssBytes: process.memoryUsage().rss };
const engine = new cx.Engine(plan);
const t0 = process.hrtime.bigint();
const feed = engine.jsonLinesFeed();
for (const p of pieces()) feed.push(p);
const report = feed.finish();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cells = engine.cellCount();
if (global.gc) global.gc();
const out = {
  date: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, Node ${process.version}`,
  input: file ? `${file}${opt("--records") ? ` (first ${records} lines)` : ""}` : `${records} demo responses (examples/data/responses.jsonl repeated)`,
  cube: "default (every dimension × day)",
  total: report.total,
  accepted: report.accepted,
  rejected: report.rejected,
  cells,
  seconds,
  wasmMemoryMB: mb(memory.buffer.byteLength),
  wasmMemoryBytes: memory.buffer.byteLength,
  wasmMemoryBeforeMB: mb(before.wasmBytes),
  rssMB: mb(process.memoryUsage().rss),
  peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
  rssBeforeMB: mb(before.rssBytes),
};
engine.free();
console.log(JSON.stringify(out, null, 1));
