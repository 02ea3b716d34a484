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
