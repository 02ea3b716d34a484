// The HTML report in headless Chromium (scripts/ci/report.sh): it opens with
// no console error, every chart has one SVG point or bar per entry of the
// report JSON's series, and the numbers shown equal the JSON's. Then the
// layout, at 1280 px and at 390 px wide, with a full-page screenshot of
// each: no sideways scroll, the headline scores in a grid (several columns
// on a desktop, one on a phone), the importance–performance chart whole and
// its labels clear of each other and of the other points, the alerts'
// latest follow-ups listed, and each intervention with the evidence that
// ranks it.
//
// The "What customers say" section is there when the JSON has a comment
// analysis (always for the demo), with one theme bar per theme.
//
// CX_REPORTS = "a.html:a.json,b.html:b.json" (written by the cx example).
// CX_SCREENSHOTS = the folder for the screenshots (made if missing).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const pairs = (process.env.CX_REPORTS ?? "")
  .split(",")
  .filter(Boolean)
  .map((p) => p.split(":").map((x) => resolve(x)));

const screenshots = resolve(process.env.CX_SCREENSHOTS ?? join(tmpdir(), "cx-report-screenshots"));
const WIDTHS = [1280, 390];

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

    // What customers say: the section, after the vital processes, with one
    // bar per theme (its share of the comments). The demo has comments.
    const headings = await page.$$eval("h2", (els) => els.map((e) => e.textContent));
    if (basename(html).startsWith("demo")) {
      assert.ok(a.comments && a.comments.themes.length > 0, "the demo report has comment themes");
    }
    if (a.comments) {
      const at = headings.indexOf("What customers say");
      assert.ok(at > 0, "the section heading What customers say");
      assert.equal(headings[at - 1], "Vital processes");
      assert.equal(await page.$eval("#comments h2", (e) => e.textContent), "What customers say");
      if (a.comments.themes.length) {
        await checkBars(page, "themes", a.comments.themes.map((t) => t.share.value ?? null));
        const drawn = await page.$$eval('svg[data-chart="themes"] rect.bar.theme', (els) =>
          els.filter((e) => e.getBoundingClientRect().width > 0).length);
        if (a.comments.comments > 0) assert.ok(drawn >= 1, "at least one theme bar drawn");
        charts++;
      }
    } else {
      assert.ok(!headings.includes("What customers say"));
    }

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

/** Whether two DOMRects overlap (touching edges do not). */
function meet(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** The evidence that ranks a recommendation: its first trigger with its priority. */
function rankingEvidence(report, rec) {
  const priorities = report.triggerPriorities ?? {};
  return rec.evidence.find((e) => priorities[e.trigger] === rec.priority) ?? rec.evidence[0];
}

/** A figure as the report shows it: two decimals below 10, else one. */
function figure(v) {
  return Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(1);
}

/** Nothing makes the page scroll sideways. */
async function noSidewaysScroll(page, report, width, name) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${name}: page ${scrollWidth} px wide in a ${innerWidth} px window`);
}

/** Headline scores: a CSS grid, several columns on a desktop, one on a phone. */
async function headlineGrid(page, report, width, name) {
  if (report.analysis.headline.length > 1) {
    const grid = await page.$eval("[data-metric]", (card) => {
      const box = card.parentElement;
      const lefts = [...box.querySelectorAll(":scope > [data-metric]")].map((c) => Math.round(c.getBoundingClientRect().left));
      return { display: getComputedStyle(box).display, columns: new Set(lefts).size };
    });
    assert.equal(grid.display, "grid", `${name}: headline scores in a CSS grid`);
    if (width >= 1280) assert.ok(grid.columns > 1, `${name}: ${grid.columns} headline column(s)`);
    else assert.equal(grid.columns, 1, `${name}: headline columns`);
  }
}

/** The importance–performance chart: its boxes, its labels', its points'. */
async function ipaBoxes(page) {
  return page.$eval('svg[data-chart="ipa"]', (svg) => {
    const r = (e) => e.getBoundingClientRect().toJSON();
    return {
      svg: r(svg),
      marks: [...svg.querySelectorAll("*")].filter((e) => e instanceof SVGGraphicsElement).map((e) => ({ tag: e.tagName, text: e.textContent, box: r(e) })),
      labels: [...svg.querySelectorAll("text.label")].map((e) => ({ id: e.textContent, box: r(e) })),
      points: [...svg.querySelectorAll("circle.point")].map((e) => ({ id: e.getAttribute("data-id"), box: r(e) })),
    };
  });
}

/** The importance–performance chart is whole: in the window, every mark inside it. */
async function ipaWhole(page, report, width, name) {
  if (!report.analysis.vital.attributes.length) return;
  const ipa = await ipaBoxes(page);
  assert.ok(ipa.svg.left >= 0 && ipa.svg.right <= width, `${name}: IPA chart ${ipa.svg.left}–${ipa.svg.right} in ${width} px`);
  const s = ipa.svg;
  for (const m of ipa.marks) {
    const b = m.box;
    assert.ok(b.left >= s.left - 0.5 && b.right <= s.right + 0.5 && b.top >= s.top - 0.5 && b.bottom <= s.bottom + 0.5,
      `${name}: IPA ${m.tag} "${m.text}" clipped (${b.left}–${b.right} in ${s.left}–${s.right})`);
  }
}

/** No two IPA labels meet; no label covers a point but its own. */
async function ipaLabelsClear(page, report, width, name) {
  if (!report.analysis.vital.attributes.length) return;
  const ipa = await ipaBoxes(page);
  assert.ok(ipa.labels.length > 0, `${name}: IPA labels`);
  ipa.labels.forEach((l, i) => {
    ipa.labels.forEach((m, j) => {
      if (i < j) assert.ok(!meet(l.box, m.box), `${name}: labels ${l.id} and ${m.id} overlap`);
    });
    ipa.points.forEach((p) => {
      if (p.id !== l.id) assert.ok(!meet(l.box, p.box), `${name}: label ${l.id} covers point ${p.id}`);
    });
  });
}

/** Alerts: the latest follow-ups, record, reason and due. */
async function followUps(page, report, width, name) {
  const rows = await page.$$eval("#alerts table tr", (trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, Math.min(report.alerts.total, 10), `${name}: follow-ups listed`);
  (report.alerts.followUps ?? []).forEach((f, i) => {
    assert.equal(rows[i][0], f.recordId ?? "—");
    assert.equal(rows[i][1], f.reason);
    assert.ok(rows[i][2].startsWith(`${f.due.slice(0, 10)} ${f.due.slice(11, 16)}`), `${name}: due ${rows[i][2]}`);
  });
}

/** Each intervention says which trigger ranks it, with its figures. */
async function rankingShown(page, report, width, name) {
  const heads = await page.$$eval("[data-intervention]", (els) =>
    els.map((li) => [...li.childNodes].filter((n) => n.nodeName !== "UL").map((n) => n.textContent).join("")));
  report.recommendations.forEach((rec, i) => {
    const e = rankingEvidence(report, rec);
    assert.ok(heads[i].includes(`ranked by ${e.trigger}`), `${name}: ${heads[i]}`);
    if (e.value !== undefined && e.value !== null) assert.ok(heads[i].includes(figure(e.value)), `${name}: ${heads[i]} shows ${e.value}`);
    if (e.threshold !== undefined && e.threshold !== null) assert.ok(heads[i].includes(figure(e.threshold)), `${name}: ${heads[i]} shows ${e.threshold}`);
  });
}

for (const [html, json] of pairs) {
  for (const width of WIDTHS) {
    test(`layout of ${basename(html)} at ${width} px`, async (t) => {
      const report = JSON.parse(readFileSync(json, "utf8"));
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(pathToFileURL(html).href);
      await page.waitForLoadState("load");
      mkdirSync(screenshots, { recursive: true });
      const shot = join(screenshots, `${basename(html, ".html")}-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`# screenshot ${shot}`);
      const name = `${basename(html)} at ${width} px`;
      for (const check of [noSidewaysScroll, headlineGrid, ipaWhole, ipaLabelsClear, followUps, rankingShown]) {
        await t.test(check.name, () => check(page, report, width, name));
      }
      await page.close();
    });
  }
}

test("reports were given", () => {
  assert.ok(pairs.length > 0, "set CX_REPORTS");
});
