// Helpers shared by the Node tests (this file is not a test itself).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** Repository root. */
export const root = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The nodejs build of cx-wasm (CommonJS), from CX_WASM_PKG or
 * cx-wasm/pkg/nodejs (written by scripts/ci/wasm.sh).
 */
export function loadCx() {
  const dir = process.env.CX_WASM_PKG ?? join(root, "cx-wasm/pkg/nodejs");
  return createRequire(import.meta.url)(join(dir, "cx_wasm.js"));
}

/** The version cargo builds: the crate's own or the workspace's. */
export function cargoVersion() {
  const versionIn = (toml, table) => {
    const section = toml.split(/^\[/m).find((s) => s.startsWith(`${table}]`));
    return section?.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
  };
  const crate = readFileSync(join(root, "cx-wasm/Cargo.toml"), "utf8");
  return versionIn(crate, "package") ??
    versionIn(readFileSync(join(root, "Cargo.toml"), "utf8"), "workspace.package");
}

/** Reads a file of the repository as text. */
export function readText(path) {
  return readFileSync(join(root, path), "utf8");
}

/**
 * The native reference figures written by
 * `cargo test -p cx-core --test js_reference` (scripts/ci/wasm.sh runs it
 * first): $CX_REFERENCE_OUT/reference.json, by default
 * $CARGO_TARGET_DIR/cx-reference or target/cx-reference.
 */
export function reference() {
  const dir = process.env.CX_REFERENCE_OUT ??
    join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "cx-reference");
  return JSON.parse(readFileSync(join(dir, "reference.json"), "utf8"));
}

/** Asserts `fn` throws a CxError with this code (and path, when given). */
export function throwsCx(assert, fn, code, path) {
  let thrown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof Error, `expected an Error, got ${typeof thrown}: ${thrown}`);
  assert.equal(thrown.name, "CxError");
  assert.equal(thrown.code, code, thrown.message);
  assert.equal(typeof thrown.message, "string");
  assert.ok(thrown.message.length > 0);
  assert.equal(typeof thrown.path, "string");
  if (path !== undefined) assert.equal(thrown.path, path, thrown.message);
  return thrown;
}
