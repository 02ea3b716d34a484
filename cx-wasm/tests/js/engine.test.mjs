// The Engine class of the nodejs build: every method, every thrown error
// shape, and figures equal to native Rust's on the same data (the reference
// document written by `cargo test -p cx-core --test js_reference`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, readText, reference, throwsCx } from "./support.mjs";

const cx = loadCx();
const planText = readText("examples/data/plan.json");
const plan = JSON.parse(planText);
const jsonl = readText("examples/data/responses.jsonl");
const queries = JSON.parse(readText("examples/web/queries.json"));
const ref = reference();

function loaded() {
  const engine = new cx.Engine(plan);
  const report = engine.ingestJsonLines(jsonl);
  return { engine, report };
}

test("ingestJsonLines: the report and every scorecard equal native Rust's", () => {
  const { engine, report } = loaded();
  assert.deepEqual(report, ref.ingest);
  assert.deepEqual(engine.query(), ref.scorecard);
  for (const [name, q] of Object.entries(queries)) {
    assert.deepEqual(engine.query(q), ref.dashboard[name], name);
  }
  assert.deepEqual(engine.alerts(), ref.alerts);
  assert.ok(engine.cellCount() > 0);
  // The footprint: every accepted record filed, bytes of the cell store.
  const stats = engine.stats();
  assert.equal(stats.cells, engine.cellCount());
  assert.equal(stats.rows, report.accepted);
  assert.ok(stats.bytes > 0);
});

test("jsonLinesFeed: pieces split anywhere give native Rust's report and scorecards", () => {
  const bytes = new TextEncoder().encode(jsonl);
  for (const size of [1, 7, 4096, bytes.length]) {
    const engine = new cx.Engine(plan);
    const feed = engine.jsonLinesFeed();
    let pushed = 0;
    let alerts = 0;
    for (let at = 0; at < bytes.length; at += size) {
      // Bytes and strings may alternate; a byte piece may end inside a character.
      const piece = bytes.subarray(at, at + size);
      const part = feed.push(at % 2 === 0 ? piece : piece.buffer.slice(piece.byteOffset, piece.byteOffset + piece.length));
      for (const e of part.errors) assert.ok(e.index >= pushed && e.index < pushed + part.total, `size ${size}`);
      pushed += part.total;
      alerts += part.alerts.length;
    }
    const report = feed.finish();
    assert.deepEqual(report, ref.ingest, `size ${size}`);
    assert.ok(pushed <= report.total && alerts <= report.alerts.length + report.alertsNotListed);
    assert.deepEqual(engine.query(), ref.scorecard, `size ${size}`);
    assert.deepEqual(engine.alerts(), ref.alerts, `size ${size}`);
  }
  // A string piece; the last line needs no newline; `line` follows the input.
  const engine = new cx.Engine(plan);
  const feed = engine.jsonLinesFeed();
  assert.equal(feed.line, 1);
  const first = feed.push('{"at":"2026-03-01","nps":9}\n{"at":"2026-03-0');
  assert.deepEqual([first.total, first.accepted, feed.line], [1, 1, 2]);
  assert.equal(feed.push('1","nps":12}').total, 0);
  const whole = feed.finish();
  assert.deepEqual(whole.errors.map((e) => [e.index, e.line, e.pointer, e.code]), [[1, 2, "/nps", "out-of-range"]]);
  assert.deepEqual([whole.total, whole.accepted], [2, 1]);
  throwsCx(assert, () => feed.push("{}"), "finished-feed", "");
  throwsCx(assert, () => feed.finish(), "finished-feed", "");
  throwsCx(assert, () => engine.jsonLinesFeed().push(42), "invalid-argument", "");
});

test("ingest(array of objects) equals ingestJsonLines of the same records", () => {
  const records = jsonl.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const engine = new cx.Engine(plan);
  const report = engine.ingest(records);
  assert.equal(report.accepted, ref.ingest.accepted);
  assert.equal(report.alerts.length, ref.ingest.alerts.length);
  assert.deepEqual(engine.query(), ref.scorecard);
  // One record (not an array).
  const one = new cx.Engine(plan);
  const r = one.ingest({ at: "2026-03-01", nps: 3, segment: "families" });
  assert.deepEqual([r.total, r.accepted, r.alerts[0].reason], [1, 1, "detractor"]);
});

test("ingest reports bad records with their pointer, never throws for them", () => {
  const engine = new cx.Engine(plan);
  const r = engine.ingest([
    { at: "2026-03-01", nps: 9 },
    { at: "2026-03-01", nps: 11 },
    { at: "2026-03-01", nps: "9" },
    { at: "2026-03-01", nps: NaN },
    { at: "2026-03-01", nsp: 9 },
    { at: new Date(Date.UTC(2026, 2, 1, 12)), csat: 5 },
  ]);
  assert.equal(r.total, 6);
  // NaN is read as JSON.stringify writes it: null, a missing answer.
  assert.equal(r.accepted, 3);
  assert.deepEqual(r.errors.map((e) => [e.index, e.pointer, e.code]), [
    [1, "/1/nps", "out-of-range"],
    [2, "/2/nps", "parse-error"],
    [4, "/4/nsp", "parse-error"],
  ]);
  for (const e of r.errors) assert.equal(typeof e.message, "string");
  // JSON Lines: line and column.
  const t = engine.ingestJsonLines('{"at":"2026-03-01","nps":9}\n\n{"at":"2026-03-01","nps":12}\n{oops\n');
  assert.deepEqual(t.errors.map((e) => [e.line, e.code]), [[3, "out-of-range"], [4, "parse-error"]]);
  assert.ok(t.errors[1].column >= 1);
  // Bytes work too; invalid UTF-8 is a rejected line.
  const b = engine.ingestJsonLines(new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]));
  assert.equal(b.errors[0].code, "invalid-utf8");
});

test("ingestCsv with the sample mapping equals native Rust", () => {
  const engine = new cx.Engine(plan);
  const report = engine.ingestCsv(readText("examples/data/survey-export.csv"), JSON.parse(readText("examples/data/survey-mapping.json")));
  assert.deepEqual(report, ref.csv.report);
  assert.deepEqual(engine.query(), ref.csv.scorecard);
  // The mapping as JSON text works too.
  const e2 = new cx.Engine(planText);
  e2.ingestCsv(readText("examples/data/survey-export.csv"), readText("examples/data/survey-mapping.json"));
  assert.deepEqual(e2.query(), ref.csv.scorecard);
});

test("compare, snapshot, restore and merge equal native Rust", () => {
  const { engine } = loaded();
  assert.deepEqual(engine.compare({ from: "2026-07-01" }, { to: "2026-03-31" }), ref.compare);
  // The JSON text is exactly native Rust's; the object holds BigInts for
  // the sums that may exceed 2^53.
  assert.deepEqual(JSON.parse(engine.snapshotJson()), ref.snapshot);
  const snap = engine.snapshot();
  assert.equal(typeof snap.audits[0][1].compliance.audits.sumSq, "bigint");
  const restored = cx.Engine.restore(snap);
  assert.deepEqual(restored.query(), ref.scorecard);
  const fromText = cx.Engine.restore(engine.snapshotJson());
  assert.deepEqual(fromText.query(queries.trend), ref.dashboard.trend);
  // The compact stream: bytes, far smaller than the text, the same answers
  // and the same stream again; a cut stream is refused.
  const stream = engine.snapshotStream();
  assert.ok(stream instanceof Uint8Array);
  assert.ok(stream.length < engine.snapshotJson().length / 2);
  const fromStream = cx.Engine.restore(stream);
  assert.deepEqual(fromStream.query(), ref.scorecard);
  assert.deepEqual(fromStream.alerts(), engine.alerts());
  assert.deepEqual(fromStream.snapshotStream(), stream);
  throwsCx(assert, () => cx.Engine.restore(stream.subarray(0, stream.length - 3)), "invalid-snapshot", "");
  // Two halves merged = the whole.
  const lines = jsonl.split("\n").filter((l) => l.trim());
  const a = new cx.Engine(plan);
  const b = new cx.Engine(plan);
  a.ingestJsonLines(lines.slice(0, 600).join("\n"));
  b.ingestJsonLines(lines.slice(600).join("\n"));
  a.merge(b);
  assert.deepEqual(a.query(), ref.scorecard);
  // Merging an engine into itself doubles every count.
  const self = new cx.Engine(plan);
  self.ingest({ at: "2026-03-01", nps: 9 });
  self.merge(self);
  assert.equal(self.query({ metrics: ["nps"] }).rows[0].scores.nps.n, 2);
});

test("constructor errors: parse-error with path (and line/column for text), invalid-plan with diagnostics", () => {
  const e1 = throwsCx(assert, () => new cx.Engine({ ...plan, organization: { name: 7 } }), "parse-error", "/organization/name");
  assert.equal(e1.line, undefined);
  const e2 = throwsCx(assert, () => new cx.Engine('{"schemaVersion": 1,\n "organization": {"name": 7}}'), "parse-error", "/organization/name");
  assert.equal(e2.line, 2);
  assert.ok(e2.column > 0);
  const bad = structuredClone(plan);
  bad.deployment.rules[0].weight = 0;
  const e3 = throwsCx(assert, () => new cx.Engine(bad), "invalid-plan", "/deployment/rules/0/weight");
  assert.ok(Array.isArray(e3.diagnostics) && e3.diagnostics.length >= 1);
  assert.equal(e3.diagnostics[0].severity, "error");
  throwsCx(assert, () => new cx.Engine(plan, { cube: { dimensions: ["planet"] } }), "unknown-dimension", "/cube/dimensions");
  throwsCx(assert, () => new cx.Engine(plan, { cube: { granularity: "fortnight" } }), "parse-error", "/cube/granularity");
  throwsCx(assert, () => new cx.Engine(undefined), "parse-error", "");
});

test("method errors: query, compare, ingest arguments, CSV mapping, restore, merge", () => {
  const { engine } = loaded();
  throwsCx(assert, () => engine.query({ groupBy: ["planet"] }), "unknown-dimension", "/groupBy/0");
  throwsCx(assert, () => engine.query({ metrics: ["attribute:nope"] }), "unknown-metric", "/metrics/0");
  throwsCx(assert, () => engine.query({ level: 1.5 }), "invalid-level", "/level");
  throwsCx(assert, () => engine.query({ groupby: ["team"] }), "parse-error", "/groupby");
  throwsCx(assert, () => engine.query({ level: "high" }), "parse-error", "/level");
  throwsCx(assert, () => engine.compare({ filters: { planet: ["x"] } }, {}), "unknown-dimension", "/filters/planet");
  throwsCx(assert, () => engine.compare({}, {}, { level: 2 }), "invalid-level", "/level");
  throwsCx(assert, () => engine.ingest(undefined), "invalid-argument", "");
  const cyclic = { at: "2026-03-01" };
  cyclic.self = cyclic;
  throwsCx(assert, () => engine.ingest(cyclic), "invalid-argument", "");
  throwsCx(assert, () => engine.ingestJsonLines(42), "invalid-argument", "");
  throwsCx(assert, () => engine.ingestCsv("a,b\n1,2\n", { fixedAt: "2026-03-01", nps: "NPS" }), "missing-column", "/nps");
  throwsCx(assert, () => engine.ingestCsv("a\n", { nps: "a" }), "mapping-time", "/at");
  throwsCx(assert, () => engine.ingestCsv("a\n", '{"nps": 7}'), "parse-error", "/nps");
  throwsCx(assert, () => cx.Engine.restore({ ...engine.snapshot(), format: "other" }), "invalid-snapshot", "/format");
  throwsCx(assert, () => cx.Engine.restore("{"), "parse-error", "");
  const other = new cx.Engine(plan, { cube: { granularity: "month" } });
  throwsCx(assert, () => engine.merge(other), "incompatible-engines", "");
});

// Equal up to the last bits of a double: the report's t quantiles and
// eigen-decompositions call exp/ln/pow, which WebAssembly computes with
// Rust's own libm and native code with the platform's.
function assertClose(actual, expected, path = "") {
  if (typeof expected === "number" && typeof actual === "number") {
    const tol = 1e-12 * Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= tol, `${path}: ${actual} vs ${expected}`);
  } else if (expected !== null && typeof expected === "object") {
    assert.equal(typeof actual, "object", path);
    assert.deepEqual(Object.keys(actual ?? {}).sort(), Object.keys(expected).sort(), path);
    for (const k of Object.keys(expected)) assertClose(actual[k], expected[k], `${path}/${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

test("report, reportMarkdown and reportHtml equal native Rust's; bad options throw", () => {
  const { engine } = loaded();
  assertClose(engine.report(), ref.report);
  assert.equal(engine.reportMarkdown(), ref.reportMarkdown);
  // The HTML carries full-precision data-value attributes: compare them to
  // 9 significant digits (see assertClose), everything else exactly.
  const digits = (html) => html.replace(/-?\d+\.\d+(e-?\d+)?/g, (m) => Number(m).toPrecision(9));
  assert.equal(digits(engine.reportHtml()), digits(ref.reportHtml));
  assert.ok(engine.reportHtml({ analysis: { importance: "pearson" } }).startsWith("<!DOCTYPE html>"));
  throwsCx(assert, () => engine.report({ nope: 1 }), "parse-error");
});

test("memory budget: past limits.maxCellBytes every ingest throws memory-limit and keeps nothing", () => {
  const { engine: full } = loaded();
  const budget = Math.floor(full.stats().bytes / 2);
  const engine = new cx.Engine(plan, { limits: { maxCellBytes: budget } });
  const lines = jsonl.split("\n");
  // The first records fit; the whole file does not.
  engine.ingestJsonLines(lines.slice(0, 10).join("\n"));
  const before = { stats: engine.stats(), snapshot: engine.snapshot(), alerts: engine.alerts() };
  const e = throwsCx(assert, () => engine.ingestJsonLines(jsonl), "memory-limit", "");
  assert.equal(e.budget, budget);
  assert.ok(e.reached > budget);
  assert.deepEqual([e.cells, e.bytes], [before.stats.cells, before.stats.bytes]);
  assert.match(e.message, /limits\.maxCellBytes/);
  throwsCx(assert, () => engine.ingest(lines.filter((l) => l.trim()).map((l) => JSON.parse(l))), "memory-limit", "");
  const feed = engine.jsonLinesFeed();
  throwsCx(assert, () => feed.push(jsonl), "memory-limit", "");
  throwsCx(assert, () => feed.finish(), "memory-limit", "");
  assert.deepEqual(engine.stats(), before.stats);
  assert.deepEqual(engine.snapshot(), before.snapshot);
  assert.deepEqual(engine.alerts(), before.alerts);
});
