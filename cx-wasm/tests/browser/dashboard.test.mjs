// examples/web/index.html (the dashboard over the `web` build), served over
// HTTP and loaded in headless Chromium: it shows the version, the headline
// scores, the monthly trends and compliance by team equal to what native
// Rust computes from the same files in this run (the reference document of
// `cargo test -p cx-core --test js_reference`), logs no error, and a CSV
// dropped with the sample mapping gives native Rust's CSV figures.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveRoot, launchChromium, openPage, screenshot } from "./support.mjs";
import { cargoVersion, reference } from "../js/support.mjs";

let server;
let browser;
const ref = reference();

before(async () => {
  server = await serveRoot();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Scores of the tiles: metric → {value, low, high, n} as numbers (null when absent). */
async function tiles(page) {
  return page.$$eval("#headline .tile", (els) => Object.fromEntries(els.map((e) => {
    const num = (x) => (x === "" ? null : Number(x));
    return [e.dataset.metric, { value: num(e.dataset.value), low: num(e.dataset.low), high: num(e.dataset.high), n: Number(e.dataset.n) }];
  })));
}

function expectedTiles(card) {
  const s = card.rows[0].scores;
  return Object.fromEntries(Object.keys(s).map((k) => [k, {
    value: s[k].value, low: s[k].interval?.low ?? null, high: s[k].interval?.high ?? null, n: s[k].n,
  }]));
}

test("examples/web: the dashboard shows native Rust's figures in Chromium", async (t) => {
  const { page, problems } = await openPage(browser.context, `${server.url}/examples/web/`);
  await page.waitForSelector("body[data-state]:not([data-state=loading])", { timeout: 20000 });
  const shot = await screenshot(page, "examples-web");
  t.diagnostic(`screenshot: ${shot}`);
  assert.equal(await page.getAttribute("body", "data-state"), "ready");
  assert.equal(await page.textContent("#version"), cargoVersion());

  // Headline tiles: every digit equal (data attributes hold the full number),
  // and the text shown is its rounding.
  const shown = await tiles(page);
  assert.deepEqual(shown, expectedTiles(ref.dashboard.headline));
  const npsText = await page.textContent('#headline .tile[data-metric="nps"] .value');
  assert.equal(npsText, ref.dashboard.headline.rows[0].scores.nps.value.toFixed(1));

  // Trends: one point per month with its value.
  const points = await page.$$eval('#trends figure[data-metric="nps"] circle', (els) => els.map((e) => [e.dataset.period, Number(e.dataset.value)]));
  const expected = ref.dashboard.trend.rows
    .filter((r) => r.key["period:month"] && r.scores.nps?.value !== null && r.scores.nps !== undefined)
    .map((r) => [r.key["period:month"], r.scores.nps.value]);
  assert.ok(expected.length >= 6);
  assert.deepEqual(points, expected);

  // Compliance by team.
  const teams = await page.$$eval("#teams tbody tr[data-team]", (els) => els.map((e) => [e.dataset.team, Number(e.dataset.value)]));
  const expectedTeams = ref.dashboard.teams.rows
    .filter((r) => r.key.team !== null && r.scores.compliance.n > 0)
    .map((r) => [r.key.team, r.scores.compliance.value]);
  assert.deepEqual(teams, expectedTeams);

  // The placeholders for the analysis module are wired.
  for (const id of ["ipa", "identity", "recommendations"]) {
    assert.ok(await page.getAttribute(`#${id}`, "data-awaits"));
  }

  // A CSV export with the sample mapping: native Rust's CSV figures.
  await page.click("#sample");
  await page.waitForFunction(() => document.getElementById("source").textContent.startsWith("survey-export.csv"));
  assert.deepEqual(await tiles(page), expectedTiles({
    rows: [{ scores: Object.fromEntries(["nps", "csat", "ces", "enps", "compliance", "tcs"].map((k) => [k, ref.csv.scorecard.rows[0].scores[k] ?? { value: null, n: 0 }])) }],
  }));
  assert.match(await page.textContent("#csv-status"), /60 of 60 rows accepted/);
  await screenshot(page, "examples-web-csv");

  assert.deepEqual(problems, []);
  await page.close();
});
