// Errors outside any document: an engine used after free(), and merge()
// given something that is not an Engine. Both throw a CxError with `code`,
// `message` and `path`, like every other failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, readText, throwsCx } from "./support.mjs";

const cx = loadCx();
const plan = JSON.parse(readText("examples/data/plan.json"));
const line = readText("examples/data/responses.jsonl").split("\n")[0];

test("every method of a freed engine throws freed-engine", () => {
  const engine = new cx.Engine(plan);
  engine.ingestJsonLines(line);
  engine.free();
  engine.free(); // freeing twice is harmless
  const calls = {
    ingest: () => engine.ingest(JSON.parse(line)),
    ingestJsonLines: () => engine.ingestJsonLines(line),
    ingestCsv: () => engine.ingestCsv("a\n1\n", { fixedAt: "2026-03-01", nps: "a" }),
    query: () => engine.query(),
    report: () => engine.report(),
    reportMarkdown: () => engine.reportMarkdown(),
    reportHtml: () => engine.reportHtml(),
    compare: () => engine.compare({}, {}),
    alerts: () => engine.alerts(),
    snapshot: () => engine.snapshot(),
    snapshotJson: () => engine.snapshotJson(),
    snapshotStream: () => engine.snapshotStream(),
    cellCount: () => engine.cellCount(),
    stats: () => engine.stats(),
    merge: () => engine.merge(new cx.Engine(plan)),
    jsonLinesFeed: () => engine.jsonLinesFeed(),
  };
  for (const [name, call] of Object.entries(calls)) {
    const e = throwsCx(assert, call, "freed-engine", "");
    assert.match(e.message, /freed/, name);
  }
  if (Symbol.dispose) {
    const disposed = new cx.Engine(plan);
    disposed[Symbol.dispose]();
    throwsCx(assert, () => disposed.query(), "freed-engine", "");
  }
});

test("a feed of a freed engine throws freed-engine", () => {
  const engine = new cx.Engine(plan);
  const feed = engine.jsonLinesFeed();
  feed.push(line.slice(0, 10));
  engine.free();
  throwsCx(assert, () => feed.push(line.slice(10) + "\n"), "freed-engine", "");
  throwsCx(assert, () => feed.finish(), "freed-engine", "");
});

test("merge with a freed engine throws freed-engine and changes nothing", () => {
  const engine = new cx.Engine(plan);
  engine.ingestJsonLines(line);
  const before = engine.snapshotJson();
  const other = new cx.Engine(plan);
  other.ingestJsonLines(line);
  other.free();
  throwsCx(assert, () => engine.merge(other), "freed-engine", "");
  assert.equal(engine.snapshotJson(), before);
});

test("merge with something that is not an Engine throws invalid-argument", () => {
  const engine = new cx.Engine(plan);
  for (const notAnEngine of [undefined, null, 42, "engine", {}, [], { __cxShare: () => {} }, engine.snapshot()]) {
    const e = throwsCx(assert, () => engine.merge(notAnEngine), "invalid-argument", "");
    assert.match(e.message, /Engine/);
  }
  // The engine is still usable.
  assert.equal(engine.cellCount(), 0);
});
