// The JS API reads its documents (EngineConfig, Snapshot, ReportOptions,
// the two selections and options of a comparison) as the C ABI does,
// through cx_core::json: for each bad document of
// cx-wasm/tests/fixtures/bad-documents.json the thrown Error has the same
// JSON Pointer and message that cx-ffi/tests/documents.rs checks on the C
// last error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCx, readText } from "./support.mjs";

const cx = loadCx();
const plan = { schemaVersion: 1, organization: { name: "Acme" } };
const { cases } = JSON.parse(readText("cx-wasm/tests/fixtures/bad-documents.json"));

/** Gives `c.text` to the JS call that reads that document. */
function send(c, engine) {
  switch (c.document) {
    case "engineConfig":
      return new cx.Engine(plan, JSON.parse(c.text));
    case "snapshot":
      // Text: the error then has a line and a column too.
      return cx.Engine.restore(c.text);
    case "reportOptions":
      return engine.report(JSON.parse(c.text));
    case "compareRequest": {
      const r = JSON.parse(c.text);
      return engine.compare(r.a, r.b, { level: r.level, method: r.npsMethod });
    }
    default:
      throw new Error(`no JS call reads a ${c.document}`);
  }
}

test("JS errors on bad documents equal the C ones", () => {
  const engine = new cx.Engine(plan);
  for (const document of ["engineConfig", "snapshot", "reportOptions", "compareRequest"]) {
    assert.ok(cases.some((c) => c.document === document), `no case for ${document}`);
  }
  for (const c of cases) {
    const what = `${c.document} ${c.text}`;
    assert.throws(() => send(c, engine), (e) => {
      assert.ok(e instanceof Error, what);
      assert.equal(e.code, "parse-error", what);
      assert.equal(e.path, c.jsPointer ?? c.pointer, what);
      assert.ok(e.message.endsWith(`: ${c.message}`), `${what}: ${e.message}`);
      if (c.document === "snapshot") {
        assert.deepEqual([e.line, e.column], [c.line, c.column], what);
      }
      return true;
    }, what);
  }
  engine.free();
});
