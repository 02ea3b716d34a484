import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, cargoVersion } from "./support.mjs";

const cx = loadCx();

test("version() is the Cargo version", () => {
  assert.equal(cx.version(), cargoVersion());
});
