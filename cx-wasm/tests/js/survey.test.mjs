// Issue #19 acceptance from JS: the weighted airline CSV (the first 600
// airline records with a constructed weight) through ingestCsv with its
// mapping's weight column, then a query raked on class and type of travel
// with "compare": "rest", by segment (Gender). The figures are R survey's
// (calibrate(calfun = "raking") + svyby(~wifi, ~gender, r, svymean); the R
// calls are in cx-core/tests/weighted_rake.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, readText, throwsCx } from "./support.mjs";

const cx = loadCx();
const plan = readText("examples/data/airline-plan.json");

const query = {
  metrics: ["attribute:wifi"],
  groupBy: ["segment"],
  compare: "rest",
  rake: [
    { dimension: "class", shares: { Business: 0.45, Eco: 0.45, "Eco Plus": 0.1 } },
    { dimension: "typeOfTravel", shares: { "Business travel": 0.6, "Personal Travel": 0.4 } },
  ],
};

function close(got, want, what) {
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want), `${what}: ${got} vs ${want}`);
}

function engine() {
  const e = new cx.Engine(plan);
  const report = e.ingestCsv(
    readText("tests/data/airline-weighted.csv"),
    readText("tests/data/airline-weighted-mapping.json"),
  );
  assert.equal(report.accepted, 600);
  return e;
}

test("a raked, weighted, compared query equals R", () => {
  const e = engine();
  const card = e.query(query);
  assert.equal(card.weighting.responses, 600);
  assert.deepEqual(card.weighting.rake.map((t) => t.dimension), ["class", "typeOfTravel"]);
  const [female, male] = card.rows;
  assert.equal(female.key.segment, "Female");
  const f = female.scores["attribute:wifi"];
  close(f.value, 2.759436788681898, "value");
  close(f.se, 0.075481105990812994, "se");
  close(f.effectiveN, 239.2872919025032, "effectiveN");
  close(f.weightSum, 455.34013137397568, "weightSum");
  close(male.scores["attribute:wifi"].value, 2.8606620591142398, "male");
  assert.equal(f.change.method, "welch");
  close(f.change.delta, 2.759436788681898 - 2.8606620591142398, "delta");
  assert.ok(f.change.pAdjusted >= f.change.p);
  e.free();
});

test("a rake the data cannot take is a CxError at its pointer", () => {
  const e = engine();
  throwsCx(
    assert,
    () => e.query({ rake: [{ dimension: "class", shares: { Business: 0.5, Eco: 0.5 } }] }),
    "invalid-rake",
    "/rake/0/shares",
  );
  throwsCx(assert, () => e.query({ groupBy: ["segment"], compare: "previousPeriod" }), "invalid-compare", "/compare");
  e.free();
});
