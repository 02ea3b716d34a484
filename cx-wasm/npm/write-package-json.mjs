// Writes <outDir>/package.json for one wasm-bindgen output (TOOLCHAIN pitfall
// 4: wasm-bindgen writes none, and without "type" Node guesses the module
// kind). Usage: node write-package-json.mjs <nodejs|web|bundler> <outDir> <version>
//
// The shared metadata is cx-wasm/npm/package.json; only what differs per
// target is set here. Every file the template lists must exist in outDir.
import { readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [target, outDir, version] = process.argv.slice(2);
if (!target || !outDir || !version) {
  console.error("usage: write-package-json.mjs <nodejs|web|bundler> <outDir> <version>");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
pkg.version = version;

const files = new Set(pkg.files);
switch (target) {
  case "nodejs":
    pkg.type = "commonjs";
    break;
  case "web":
    pkg.type = "module";
    break;
  case "bundler":
    pkg.type = "module";
    pkg.module = "./cx_wasm.js";
    files.add("cx_wasm_bg.js");
    pkg.sideEffects = ["./cx_wasm.js", "./snippets/*"];
    break;
  default:
    console.error(`unknown target ${target}`);
    process.exit(2);
}
if (readdirSync(outDir).includes("snippets")) files.add("snippets/");
pkg.files = [...files];
for (const f of pkg.files) {
  if (!existsSync(join(outDir, f))) {
    console.error(`${outDir}: ${f} is listed in package.json but missing`);
    process.exit(1);
  }
}
writeFileSync(join(outDir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
