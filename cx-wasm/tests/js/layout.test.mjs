// cx-wasm's Rust source is laid out as lol-html's js-api is: one module per
// JS class, named after it (`Engine` in src/engine.rs, `JsonLinesFeed` in
// src/json_lines_feed.rs), with every `impl` of the class in that module;
// lib.rs keeps the module map and the glue the modules share, and exports
// no class or function of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readText, root } from "./support.mjs";

const dir = "cx-wasm/src";
const modules = readdirSync(join(root, dir)).filter((f) => f.endsWith(".rs"));
const source = Object.fromEntries(modules.map((f) => [f, readText(`${dir}/${f}`)]));
const snake = (name) => name.replace(/[A-Z]/g, (c, i) => `${i ? "_" : ""}${c.toLowerCase()}`);

test("each JS class lives in its own module, named after it", () => {
  const classes = [];
  for (const [file, text] of Object.entries(source)) {
    for (const m of text.matchAll(/#\[wasm_bindgen\(js_name = (\w+)\)\]\s*pub struct/g)) {
      classes.push(m[1]);
      assert.equal(file, `${snake(m[1])}.rs`, `class ${m[1]} is in ${file}`);
    }
    for (const m of text.matchAll(/#\[wasm_bindgen\(js_class = (\w+)\)\]/g)) {
      assert.equal(file, `${snake(m[1])}.rs`, `methods of ${m[1]} are in ${file}`);
    }
  }
  assert.deepEqual(classes.sort(), ["Engine", "JsonLinesFeed"]);
});

test("lib.rs is the module map and shared glue only", () => {
  const lib = source["lib.rs"];
  assert.doesNotMatch(lib, /^(pub )?(struct|impl|fn) /m, "lib.rs defines no class or function");
  for (const file of modules.filter((f) => f !== "lib.rs")) {
    const name = file.slice(0, -3);
    assert.match(lib, new RegExp(`^mod ${name};$`, "m"), `lib.rs declares ${name}`);
    assert.match(lib, new RegExp(`^//! - \`${name}\`: `, "m"), `lib.rs's map describes ${name}`);
  }
});
