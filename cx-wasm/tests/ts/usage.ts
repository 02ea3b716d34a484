// Type-checked by `tsc -p cx-wasm/tests/ts/tsconfig.json` (scripts/ci/wasm.sh)
// against the generated declarations of the nodejs build. Never run. The
// expected-error lines at the end prove the types are precise: if a parameter were
// `any`, the expected error would not happen and tsc would fail.
import {
  Engine, validatePlan, npsStats, npsDiff, proportion, drivers, version,
  type Plan, type Record, type Query, type Scorecard, type IngestReport, type Alert,
  type Snapshot, type CsvMapping, type Score, type CxError, type Comparison, type Drivers, type Report,
} from "cx-wasm";

declare const plan: Plan;
declare const text: string;

const v: string = version();
const diagnostics = validatePlan(plan).diagnostics;
const firstCode: string | undefined = diagnostics[0]?.code;

const engine = new Engine(plan, { cube: { granularity: "month" } });
const records: Record[] = [
  { at: "2026-03-01", nps: 9, segment: "families", attributes: { "wait-time": 4 } },
  { at: "2026-03-01", nps: 6, segment: "seniors", weight: 2.5 },
  { kind: "employee", at: "2026-03-01", team: "north", enps: 7 },
  { kind: "audit", at: "2026-03-02", method: "mysteryShopper", items: [{ rule: "rule-polite", outcome: "pass" }] },
];
const report: IngestReport = engine.ingest(records);
const alerts: Alert[] = report.alerts;
const rounded: number | undefined = report.weightsRounded;
const line: number | null | undefined = report.errors[0]?.line;
engine.ingestJsonLines(text);
const feed = engine.jsonLinesFeed();
const part: IngestReport = feed.push(new Uint8Array([0x7b]));
const whole: IngestReport = feed.finish();
const nextLine: number = feed.line;
const mapping: CsvMapping = { at: { column: "Date", format: "date" }, nps: "NPS" };
engine.ingestCsv(text, mapping);

const query: Query = { metrics: ["nps"], groupBy: ["period:month"], level: 0.9 };
const card: Scorecard = engine.query(query);
const nps: Score | undefined = card.rows[0]?.scores["nps"];
const value: number | null | undefined = nps?.value;
engine.query();
const cmp: Comparison = engine.compare({ to: "2026-03-31" }, { from: "2026-04-01" }, { level: 0.9 });
const snap: Snapshot = engine.snapshot();
const restored: Engine = Engine.restore(snap);
restored.merge(engine);
const s: Score = npsStats({ detractors: 2, passives: 3, promoters: 5 }, { method: "wald" });
npsDiff({ detractors: 2, passives: 3, promoters: 5 }, { detractors: 5, passives: 3, promoters: 2 });
proportion(81, 263, 0.95);
const d: Drivers = drivers({ names: ["y", "a"], rows: [[1, 2], [2, null]], outcome: "y" });

try {
  new Engine(plan);
} catch (e) {
  const err = e as CxError;
  const code: string = err.code;
  const path: string = err.path;
}

// --- must not type-check ---
// @ts-expect-error misspelt field: `groupby` is not a Query field
engine.query({ groupby: ["team"] });
// @ts-expect-error wrong type: nps is a number
engine.ingest({ at: "2026-03-01", nps: "9" });
// @ts-expect-error wrong type: weight is a number
engine.ingest({ at: "2026-03-01", nps: 9, weight: "2.5" });
// @ts-expect-error unknown NPS method
npsStats({ detractors: 2, passives: 3, promoters: 5 }, { method: "exact" });
// @ts-expect-error counts need every field
npsStats({ detractors: 2, promoters: 5 });
// @ts-expect-error the result is a Scorecard, not a string
const wrong: string = engine.query();
// @ts-expect-error granularity is an enum
new Engine(plan, { cube: { granularity: "fortnight" } });
// @ts-expect-error a feed takes text or bytes, not records
engine.jsonLinesFeed().push([{ at: "2026-03-01" }]);
// @ts-expect-error audits need a method
engine.ingest({ kind: "audit", at: "2026-03-02", items: [] });

export { v, firstCode, alerts, line, value, cmp, restored, s, d, wrong, part, whole, nextLine };

// The CX report: typed options and result.
{
  const engine = new Engine(plan);
  const report: Report = engine.report({ analysis: { asOf: "2026-09-30" } });
  const html: string = engine.reportHtml();
  void report;
  void html;
  // @ts-expect-error: the options have no `format` field
  engine.report({ format: "html" });
}
