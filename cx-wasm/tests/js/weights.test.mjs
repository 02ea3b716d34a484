// Issue #19, item 1: a customer response's survey `weight` from JS — in
// record objects, JSON Lines and a CSV mapping's `weight` column — is
// checked as in Rust (field `weight`), rounded to millionths (counted in
// `weightsRounded`), and a weight of 1 is no weight.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, readText } from "./support.mjs";

const cx = loadCx();
const plan = JSON.parse(readText("examples/data/plan.json"));

const records = [
  { at: "2026-01-05", segment: "families", nps: 9, weight: 2.5 },
  { at: "2026-01-05", segment: "families", nps: 8, weight: 1 },
  { at: "2026-01-05", segment: "seniors", nps: 7, weight: 0.1234567 },
  { at: "2026-01-05", segment: "seniors", nps: 9, weight: 0 },
  { at: "2026-01-05", segment: "seniors", nps: 9, weight: -2 },
  { at: "2026-01-05", segment: "seniors", nps: 9, weight: 100000.5 },
  { at: "2026-01-05", segment: "seniors", nps: 9 },
];

function check(report, pointer) {
  assert.equal(report.total, 7);
  assert.equal(report.accepted + report.rejected, report.total);
  assert.equal(report.accepted, 4);
  assert.equal(report.weightsRounded, 1);
  assert.deepEqual(report.errors.map((e) => [e.index, e.code]), [
    [3, "out-of-range"],
    [4, "out-of-range"],
    [5, "out-of-range"],
  ]);
  for (const e of report.errors) assert.equal(e.pointer, pointer(e.index));
  assert.equal(report.errors[0].message, "`weight`: a weight must be positive; got 0");
}

test("record objects carry a weight", () => {
  const engine = new cx.Engine(plan);
  check(engine.ingest(records), (i) => `/${i}/weight`);
  engine.free();
});

test("a non-finite weight rejects its record, not weighs 1", () => {
  const engine = new cx.Engine(plan);
  const report = engine.ingest([
    { at: "2026-01-05", nps: 9, weight: NaN },
    { at: "2026-01-05", nps: 9, weight: Infinity },
    { at: "2026-01-05", nps: 9, weight: 2, csat: NaN },
  ]);
  assert.equal(report.accepted, 1);
  assert.deepEqual(report.errors.map((e) => [e.index, e.pointer]), [[0, "/0/weight"], [1, "/1/weight"]]);
  assert.equal(engine.stats().weightedRows, 1);
  engine.free();
});

test("JSON Lines carry a weight", () => {
  const engine = new cx.Engine(plan);
  const text = records.map((r) => JSON.stringify(r)).join("\n");
  const report = engine.ingestJsonLines(text);
  check(report, () => "/weight");
  assert.deepEqual(report.errors.map((e) => e.line), [4, 5, 6]);
  engine.free();
});

test("a CSV mapping reads a weight column", () => {
  const engine = new cx.Engine(plan);
  const csv = "date,segment,nps,wt\n" +
    records.map((r) => `${r.at},${r.segment},${r.nps},${r.weight ?? 1}`).join("\n");
  const mapping = {
    at: { column: "date", format: "date" },
    dimensions: { segment: "segment" },
    nps: "nps",
    weight: "wt",
  };
  const report = engine.ingestCsv(csv, mapping);
  check(report, () => "/weight");
  assert.deepEqual(report.errors.map((e) => [e.column, e.field]), [[4, "wt"], [4, "wt"], [4, "wt"]]);
  // A missing weight where the mapping names a column rejects the row.
  const missing = engine.ingestCsv("date,segment,nps,wt\n2026-01-06,families,9,\n", mapping);
  assert.deepEqual([missing.rejected, missing.errors[0].code, missing.errors[0].field], [1, "invalid-value", "wt"]);
  engine.free();
});
