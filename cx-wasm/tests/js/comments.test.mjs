// Issue #20 from JS: a response's `comment` — in record objects, JSON
// Lines and a CSV mapping's `comment` column — is scored for sentiment and
// the plan's themes; the `sentiment` and `theme:<id>` metrics, the
// verbatims in the snapshot, the comment alerts, and a comment over
// limits.maxCommentBytes rejected at /comment.
//
// Texts whose class is plain (vaderSentiment 3.3.2 polarity_scores;
// compound >= 0.05 positive, <= -0.05 negative): 3 positive, 2 negative,
// 1 neutral, so net sentiment = (3 - 2) / 6 = 16.67 points; "delay" is in
// 2 of the 6 comments (33.33%), both negative (net sentiment -100).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, throwsCx } from "./support.mjs";

const cx = loadCx();
const plan = {
  schemaVersion: 1,
  organization: { name: "Air" },
  themes: [
    { id: "delay", label: "Delays", terms: ["delay*", "late"] },
    { id: "staff", terms: ["staff", "crew"], alert: true },
  ],
  thresholds: { alerts: { detractor: false } },
};

const comments = [
  "Great service, thank you!",
  "The flight was delayed and it was awful.",
  "I love the new seats :)",
  "The flight left at noon.",
  "Very good food and a nice crew.",
  "Late again, terrible.",
];
const records = comments.map((comment, i) => ({
  id: `r${i}`,
  at: `2026-01-0${i + 1}T10:00:00Z`,
  segment: i % 2 ? "business" : "leisure",
  comment,
}));

function check(engine) {
  const card = engine.query({ metrics: ["sentiment", "theme:delay", "theme:staff", "nps"] });
  const s = card.rows[0].scores;
  assert.equal(s.sentiment.n, 6);
  assert.deepEqual(s.sentiment.sentimentClasses, { negative: 2, neutral: 1, positive: 3 });
  assert.ok(Math.abs(s.sentiment.value - 100 / 6) < 1e-9, String(s.sentiment.value));
  assert.ok(s.sentiment.interval.low < s.sentiment.value && s.sentiment.value < s.sentiment.interval.high);
  assert.equal(typeof s.sentiment.meanCompound, "number");
  assert.ok(Math.abs(s["theme:delay"].value - 100 / 3) < 1e-9);
  assert.equal(s["theme:delay"].netSentiment, -100);
  assert.equal(s["theme:delay"].interval.method, "wilson");
  // Comments change no other score's n.
  assert.equal(s.nps.n, 0);
  // The newest verbatims of each theme travel in the snapshot.
  const snap = engine.snapshot();
  assert.deepEqual(snap.verbatims[0].map((v) => v.recordId), ["r5", "r1"]);
  assert.deepEqual(snap.verbatims[1].map((v) => v.recordId), ["r4"]);
}

test("record objects carry a comment", () => {
  const engine = new cx.Engine(plan);
  const report = engine.ingest(records);
  assert.equal(report.accepted, 6);
  assert.deepEqual(report.alerts.map((a) => [a.reason, a.theme, a.recordId]), [["commentTheme", "staff", "r4"]]);
  check(engine);
  engine.free();
});

test("JSON Lines carry a comment, escapes and all", () => {
  const engine = new cx.Engine(plan);
  const report = engine.ingestJsonLines(records.map((r) => JSON.stringify(r)).join("\n"));
  assert.equal(report.accepted, 6);
  check(engine);
  engine.free();
});

test("a CSV mapping reads a comment column (only id, time and comment)", () => {
  const engine = new cx.Engine(plan);
  const quote = (s) => `"${s.replaceAll('"', '""')}"`;
  const csv = "id,when,text\n" + records.map((r) => `${r.id},${r.at},${quote(r.comment)}`).join("\n");
  const report = engine.ingestCsv(csv, { id: "id", at: { column: "when" }, comment: "text" });
  assert.equal(report.accepted, 6, JSON.stringify(report.errors));
  check(engine);
  engine.free();
});

test("a comment over limits.maxCommentBytes rejects its record at /comment", () => {
  const engine = new cx.Engine(plan, { limits: { maxCommentBytes: 20 } });
  const report = engine.ingest([
    { at: "2026-01-05", nps: 9, comment: "short and great" },
    { at: "2026-01-05", nps: 3, comment: "this one is far too long to keep" },
  ]);
  assert.deepEqual([report.accepted, report.rejected], [1, 1]);
  assert.deepEqual([report.errors[0].pointer, report.errors[0].code], ["/1/comment", "comment-too-long"]);
  const card = engine.query({ metrics: ["sentiment", "nps"] });
  assert.equal(card.rows[0].scores.sentiment.n, 1);
  assert.equal(card.rows[0].scores.nps.n, 1);
  engine.free();
});

test("an unknown theme metric is a query error at its pointer", () => {
  const engine = new cx.Engine(plan);
  engine.ingest(records);
  throwsCx(assert, () => engine.query({ metrics: ["theme:nope"] }), "unknown-metric", "/metrics/0");
  engine.free();
});
