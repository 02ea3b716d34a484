// examples/web/index.html, served over HTTP and loaded in headless Chromium,
// shows the version of the `web` build and logs no error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveRoot, launchChromium, openPage, screenshot } from "./support.mjs";
import { cargoVersion } from "../js/support.mjs";

let server;
let browser;

before(async () => {
  server = await serveRoot();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("examples/web shows version() in Chromium", async (t) => {
  const { page, problems } = await openPage(browser.context, `${server.url}/examples/web/`);
  await page.waitForSelector("body[data-state]", { timeout: 15000 });
  const shot = await screenshot(page, "examples-web");
  t.diagnostic(`screenshot: ${shot}`);
  assert.equal(await page.getAttribute("body", "data-state"), "ready");
  assert.equal(await page.textContent("#version"), cargoVersion());
  assert.deepEqual(problems, []);
  await page.close();
});
