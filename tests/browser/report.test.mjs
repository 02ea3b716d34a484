// The HTML report in headless Chromium (scripts/ci/report.sh): it opens with
// no console error, every chart has one SVG point or bar per entry of the
// report JSON's series, and the numbers shown equal the JSON's.
//
// CX_REPORTS = "a.html:a.json,b.html:b.json" (written by the cx example).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const pairs = (process.env.CX_REPORTS ?? "")
  .split(",")
  .filter(Boolean)
  .map((p) => p.split(":").map((x) => resolve(x)));

let context;
let profile;

before(async () => {
  profile = mkdtempSync(join(tmpdir(), "cx-report-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync",
    ],
  });
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Every point or bar of a chart: its data-* attributes and its visible label. */
async function marks(page, chart, cls) {
  return page.$$eval(`svg[data-chart="${chart}"] .${cls}`, (els) =>
    els.map((el) => ({
      value: el.getAttribute("data-value"),
      id: el.getAttribute("data-id"),
      importance: el.getAttribute("data-importance"),
      performance: el.getAttribute("data-performance"),
      period: el.getAttribute("data-period"),
      label: el.getAttribute("data-label"),
    })),
  );
}

async function labels(page, chart) {
  return page.$$eval(`svg[data-chart="${chart}"] text.value`, (els) => els.map((e) => e.textContent));
}

/** A shown number equals the JSON value at one decimal ("—" for null). */
function shown(text, value) {
  if (value === null || value === undefined) {
    assert.equal(text, "—");
    return;
  }
  assert.ok(Math.abs(parseFloat(text) - value) <= 0.05 + 1e-9, `${text} shown for ${value}`);
}

async function checkBars(page, chart, values) {
  const bars = await marks(page, chart, "bar");
  assert.equal(bars.length, values.length, `${chart}: bars`);
  const texts = await labels(page, chart);
  assert.equal(texts.length, values.length, `${chart}: labels`);
  values.forEach((v, i) => {
    if (v === null || v === undefined) assert.equal(bars[i].value, null);
    else assert.equal(Number(bars[i].value), v, `${chart}[${i}]`);
    shown(texts[i], v);
  });
}

for (const [html, json] of pairs) {
  test(`report ${html}`, async () => {
    const report = JSON.parse(readFileSync(json, "utf8"));
    const a = report.analysis;
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(html).href);
    await page.waitForLoadState("load");

    // Trends: one point per month of the JSON series.
    let charts = 0;
    for (const h of a.headline) {
      const points = await marks(page, `trend-${h.metric}`, "point");
      assert.equal(points.length, h.trend.length, `trend-${h.metric}`);
      const texts = await labels(page, `trend-${h.metric}`);
      h.trend.forEach((t, i) => {
        assert.equal(points[i].period, t.period);
        assert.equal(Number(points[i].value), t.value);
        shown(texts[i], t.value);
      });
      if (h.trend.length) charts++;
    }

    // Importance–performance scatter: one point per attribute analysed.
    const ipa = await marks(page, "ipa", "point");
    assert.equal(ipa.length, a.vital.attributes.length, "ipa points");
    a.vital.attributes.forEach((x, i) => {
      assert.equal(ipa[i].id, x.id);
      assert.equal(Number(ipa[i].importance), x.importance);
      assert.equal(Number(ipa[i].performance), x.performance);
    });
    if (a.vital.attributes.length) charts++;

    if (a.identity.defined) {
      await checkBars(page, "identity", a.identity.facets.map((f) => f.performance));
      charts++;
    } else {
      assert.equal(await page.$('svg[data-chart="identity"]'), null);
    }
    await checkBars(page, "compliance-rules", a.compliance.byRule.map((r) => r.score.value ?? null));
    await checkBars(page, "compliance-teams", a.compliance.byTeam.map((t) => t.score.value ?? null));
    await checkBars(page, "goals", a.goals.map((g) => g.progress));

    // Headline cards show the JSON values.
    for (const h of a.headline) {
      const text = await page.$eval(`[data-metric="${h.metric}"] .kpi`, (e) => e.textContent);
      shown(text, h.score.value ?? null);
    }
    // Recommendations in order.
    const recs = await page.$$eval("[data-intervention]", (els) => els.map((e) => e.getAttribute("data-intervention")));
    assert.deepEqual(recs, report.recommendations.map((r) => r.intervention));

    // Self-contained: no script, no external resource.
    assert.equal(await page.$("script"), null);
    const external = await page.$$eval("[src],[href]", (els) =>
      els.map((e) => e.getAttribute("src") ?? e.getAttribute("href")).filter((u) => !u.startsWith("data:") && !u.startsWith("#")));
    assert.deepEqual(external, []);
    assert.deepEqual(problems, []);
    console.log(`# ${html}: ${charts} charts checked, ${a.headline.length} headline scores, ${report.recommendations.length} recommendations`);
    await page.close();
  });
}

test("reports were given", () => {
  assert.ok(pairs.length > 0, "set CX_REPORTS");
});
