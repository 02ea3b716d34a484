// Where the WebAssembly module's bytes go, and how small it could get.
//
//   cargo build -p cx-wasm --target wasm32-unknown-unknown --profile wasm-release
//   node benches/wasm_size.mjs [MODULE]     # MODULE: that build's cx_wasm.wasm
//
// The module is put through the package's own steps (wasm-bindgen, npm's
// `wasm-opt -Oz`), once keeping the function names. Printed:
//
// 1. the size as CI prints it (raw and gzip -9);
// 2. the code by function-name group (serde_json's parser, derived serde
//    impls, sorts, BTreeMap, formatting, cx-core's own code, …);
// 3. the floor: every function of the document layer — serde's, and the
//    bindings' and cx-core's wrappers around it (`parse_doc`, `to_js`,
//    `from_js`, `write_json`, `cx_core::json`) — replaced by `unreachable`,
//    then `wasm-opt -Oz` again (which drops what only those functions
//    called): the module if reading and writing documents cost nothing.
//    Domain code inlined into those functions goes too, so a real module
//    with any document layer is larger.
//
// benches/README.md ("Module size") records the figures.
import { readFileSync, writeFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";

const root = fileURLToPath(new URL("../", import.meta.url));
const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const input = process.argv[2] ?? join(target, "wasm32-unknown-unknown/wasm-release/cx_wasm.wasm");
const wasmOpt = join(root, "node_modules/.bin/wasm-opt");
const dir = mkdtempSync(join(os.tmpdir(), "cx-wasm-size-"));
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ["ignore", "ignore", "inherit"] });

run("wasm-bindgen", ["--target", "web", "--keep-debug", "--out-dir", dir, input]);
const bg = join(dir, "cx_wasm_bg.wasm");
run(wasmOpt, ["-Oz", bg, "-o", join(dir, "plain.wasm")]);
run(wasmOpt, ["-Oz", "-g", bg, "-o", join(dir, "named.wasm")]);

const sizes = (file) => {
  const b = readFileSync(file);
  return `${b.length.toLocaleString("en-US")} B raw, ${gzipSync(b, { level: 9 }).length.toLocaleString("en-US")} B gzip -9`;
};

/** The module's sections, function bodies and function names. */
function parse(b) {
  let p = 8;
  const u = () => {
    let r = 0, s = 0, x;
    do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
    return r;
  };
  const m = { imports: 0, sections: [], bodies: [], names: new Map() };
  while (p < b.length) {
    const start = p, id = b[p++], len = u(), body = p, end = p + len;
    m.sections.push({ id, start, body, end });
    if (id === 2) {
      const n = u();
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 2; k++) { const l = u(); p += l; } // module and field names
        const kind = b[p++];
        if (kind === 0) { u(); m.imports++; }
        else if (kind === 1) { p++; if (b[p++] & 1) { u(); u(); } else u(); }
        else if (kind === 2) { if (b[p++] & 1) { u(); u(); } else u(); }
        else p += 2;
      }
    } else if (id === 10) {
      const n = u();
      for (let i = 0; i < n; i++) { const size = u(); m.bodies.push({ at: p, size }); p += size; }
    } else if (id === 0) {
      const nl = u(), name = b.subarray(p, p + nl).toString(); p += nl;
      while (name === "name" && p < end) {
        const sub = b[p++], sl = u(), se = p + sl;
        if (sub === 1) {
          const n = u();
          for (let i = 0; i < n; i++) { const idx = u(), l = u(); m.names.set(idx, b.subarray(p, p + l).toString()); p += l; }
        }
        p = se;
      }
    }
    p = end;
  }
  return m;
}

const GROUPS = [
  ["serde_json's parser (per visitor)", /serde_json::de/],
  ["serde_json's writer", /serde_json::ser/],
  ["derived Deserialize impls", /Deserialize|Visitor|visit_|serde_core::de/],
  ["derived Serialize impls", /Serialize|serialize/],
  ["stable sorts (per type)", /slice::sort/],
  ["BTreeMap (per type)", /btree/],
  ["formatting", /fmt|flt2dec|Display|Debug/],
  ["export shims (with inlined code)", /shim/],
  ["cx-wasm", /cx_wasm/],
  ["cx-core", /cx_core/],
  ["chrono", /chrono/],
  ["nalgebra", /nalgebra/],
  ["statrs", /statrs/],
  ["allocator", /dlmalloc/],
  ["Vec, String, HashMap", /alloc::|RawVec|hashbrown/],
  ["csv", /csv/],
  ["core", /core::/],
];

const named = readFileSync(join(dir, "named.wasm"));
const m = parse(named);
const group = new Map();
let code = 0;
m.bodies.forEach(({ size }, i) => {
  const name = m.names.get(i + m.imports) ?? "";
  const g = (GROUPS.find(([, re]) => re.test(name)) ?? ["other"])[0];
  group.set(g, (group.get(g) ?? 0) + size);
  code += size;
});
const data = m.sections.filter((s) => s.id === 11).reduce((a, s) => a + s.end - s.body, 0);

// The floor: the document layer's functions emptied, then optimised again.
const serde = /serde|parse_doc|to_js|from_js|write_json|cx_core::json/;
const leb = (n) => { const o = []; do { let x = n & 0x7f; n = Math.floor(n / 128); if (n) x |= 0x80; o.push(x); } while (n); return o; };
const out = [named.subarray(0, 8)];
let emptied = 0;
for (const s of m.sections) {
  if (s.id !== 10) { out.push(named.subarray(s.start, s.end)); continue; }
  const parts = [Buffer.from(leb(m.bodies.length))];
  m.bodies.forEach(({ at, size }, i) => {
    if (serde.test(m.names.get(i + m.imports) ?? "")) {
      parts.push(Buffer.from([3, 0, 0x00, 0x0b])); // no locals; unreachable; end
      emptied++;
    } else {
      parts.push(Buffer.from(leb(size)), named.subarray(at, at + size));
    }
  });
  const payload = Buffer.concat(parts);
  out.push(Buffer.from([10, ...leb(payload.length)]), payload);
}
writeFileSync(join(dir, "floor-in.wasm"), Buffer.concat(out));
run(wasmOpt, ["-Oz", join(dir, "floor-in.wasm"), "-o", join(dir, "floor.wasm")]);

console.log(`cx-wasm module (${input}, ${statSync(input).size.toLocaleString("en-US")} B before wasm-bindgen)`);
console.log(`  as packaged (wasm-bindgen, wasm-opt -Oz): ${sizes(join(dir, "plain.wasm"))}`);
console.log(`  code ${code.toLocaleString("en-US")} B, data ${data.toLocaleString("en-US")} B; code by function name:`);
for (const [g, size] of [...group].sort((a, b) => b[1] - a[1])) {
  console.log(`    ${String(size.toLocaleString("en-US")).padStart(9)} B  ${g}`);
}
console.log(`  floor (${emptied} document-layer functions emptied, then wasm-opt -Oz): ${sizes(join(dir, "floor.wasm"))}`);
rmSync(dir, { recursive: true });
