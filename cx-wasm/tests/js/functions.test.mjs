// The free functions of the nodejs build: validatePlan, npsStats, npsDiff,
// proportion, drivers — hand-derivable figures, published references and
// native Rust's figures; every thrown error shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, readText, reference, throwsCx } from "./support.mjs";

const cx = loadCx();
const ref = reference();
const plan = JSON.parse(readText("examples/data/plan.json"));

test("validatePlan: diagnostics for objects and text; parse errors are diagnostics", () => {
  const ok = cx.validatePlan(plan);
  assert.ok(Array.isArray(ok.diagnostics));
  assert.ok(ok.diagnostics.every((d) => d.severity !== "error"));
  const bad = structuredClone(plan);
  bad.attributes[0].scale = { min: 5, max: 1 };
  const d = cx.validatePlan(bad).diagnostics.filter((x) => x.severity === "error");
  assert.ok(d.some((x) => x.path.startsWith("/attributes/0/scale")), JSON.stringify(d));
  for (const x of d) assert.deepEqual(Object.keys(x).sort().slice(0, 4), ["code", "message", "path", "severity"]);
  const p = cx.validatePlan('{"schemaVersion": 1,\n  "organisation": {}}').diagnostics;
  assert.equal(p.length, 1);
  assert.deepEqual([p[0].code, p[0].severity, p[0].line], ["parse-error", "error", 2]);
  assert.equal(cx.validatePlan(42).diagnostics[0].code, "parse-error");
});

test("npsStats: 2/3/5 → NPS 30 (hand-derived) and native Rust's figures", () => {
  const counts = { detractors: 2, passives: 3, promoters: 5 };
  const wald = cx.npsStats(counts, { method: "wald" });
  // (5 − 2)/10 = 0.3; Var = (0.5 + 0.2) − 0.3² = 0.61; SE = √(0.61/10) × 100.
  assert.equal(wald.value, 30);
  assert.ok(Math.abs(wald.se - Math.sqrt(0.061) * 100) < 1e-12);
  assert.deepEqual(wald, ref.npsStats.wald);
  assert.deepEqual(cx.npsStats(counts), ref.npsStats.adjustedWald);
  assert.deepEqual(cx.npsStats(counts, { method: "score", level: 0.95 }), ref.npsStats.score);
  assert.equal(cx.npsStats({ detractors: 0, passives: 0, promoters: 0 }).value, null);
  throwsCx(assert, () => cx.npsStats(counts, { level: 1 }), "invalid-level", "/level");
  throwsCx(assert, () => cx.npsStats({ detractors: -1, passives: 0, promoters: 0 }), "parse-error", "/detractors");
  throwsCx(assert, () => cx.npsStats({ detractors: 1, passives: 0 }), "parse-error", "");
  throwsCx(assert, () => cx.npsStats(counts, { method: "exact" }), "parse-error", "/method");
});

test("npsDiff: Δ = a − b with its p-value (native Rust's figures)", () => {
  const d = cx.npsDiff({ detractors: 20, passives: 30, promoters: 50 }, { detractors: 30, passives: 30, promoters: 40 }, { method: "wald" });
  assert.deepEqual(d, ref.npsDiff);
  assert.ok(Math.abs(d.delta - 20) < 1e-9);
  assert.ok(Math.abs(d.p - 0.079410626) < 1e-9);
  throwsCx(assert, () => cx.npsDiff({}, {}), "parse-error", "");
});

test("proportion: Wilson interval (Newcombe 1998: 81/263 → 25.53–36.62%)", () => {
  const s = cx.proportion(81, 263);
  assert.deepEqual(s, ref.proportion);
  assert.ok(Math.abs(s.interval.low - 25.53) < 5e-3 && Math.abs(s.interval.high - 36.62) < 5e-3);
  assert.equal(cx.proportion(0, 0).value, null);
  throwsCx(assert, () => cx.proportion(5, 3), "successes-exceed-n", "");
  throwsCx(assert, () => cx.proportion(-1, 3), "invalid-argument", "");
  throwsCx(assert, () => cx.proportion(1.5, 3), "invalid-argument", "");
  throwsCx(assert, () => cx.proportion(1, 3, 0), "invalid-level", "/level");
});

test("drivers: swiss (relaimpo 2.2-7 reference) equals native Rust", () => {
  const lines = readText("cx-wasm/tests/fixtures/swiss.csv").trim().split("\n");
  const names = lines[0].split(",").slice(1).map((s) => s.replaceAll('"', ""));
  const rows = lines.slice(1).map((l) => l.split(",").slice(1).map(Number));
  const d = cx.drivers({ names, rows, outcome: "Fertility" });
  assert.deepEqual(d, ref.drivers);
  assert.equal(d.n, 47);
  assert.ok(Math.abs(d.r2 - 0.7067350016) < 1e-9);
  const lmg = [0.05709122077, 0.1711730289, 0.26013467862, 0.10557015037, 0.11276592293];
  d.drivers.forEach((x, i) => assert.ok(Math.abs(x.lmg - lmg[i]) < 1e-9, x.name));
  // Missing values: null and the `na` value drop the row.
  const withNa = cx.drivers({ names, rows: [...rows, rows[0].map(() => null), rows[1].map((v, i) => (i === 2 ? 0 : v))], outcome: "Fertility", na: 0 });
  assert.equal(withNa.n, 47);
  throwsCx(assert, () => cx.drivers({ names, rows, outcome: "Nope" }), "no-such-column", "");
  throwsCx(assert, () => cx.drivers({ names, rows: rows.slice(0, 3), outcome: "Fertility" }), "too-few-cases", "");
  throwsCx(assert, () => cx.drivers({ names, rows: [[1, 2]], outcome: "Fertility" }), "dimension-mismatch", "");
  throwsCx(assert, () => cx.drivers({ names, rows, outcom: "x" }), "parse-error", "/outcom");
});
