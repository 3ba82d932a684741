import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// The folders whose modules import each other; node_modules and data are not walked.
const ROOT = resolve(import.meta.dir, "../..");
const FOLDERS = "{server,client,shared,tests,bench,scripts}/**/*.{ts,mjs}";

// `import ... from "./x"`, `import type ...`, `export ... from "./x"`, `import "./x"`: type-only
// imports count too, since a cycle of types is still two modules that cannot be read apart.
const STATIC_RE =
  /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s*)?["'](\.[^"']+)["']/g;
const DYNAMIC_RE = /\bimport\(\s*["'](\.[^"']+)["']\s*\)/g;
const COMMENT_RE = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;

/** The relative modules `source` (the text of `file`) imports, as paths from the root. */
function importsOf(file: string, source: string): string[] {
  const text = source.replace(COMMENT_RE, "");
  const found = [...text.matchAll(STATIC_RE), ...text.matchAll(DYNAMIC_RE)];
  return found.map((m) => relative(ROOT, join(ROOT, dirname(file), m[1]!)));
}

/** The import graph of the project's own modules: file -> the files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of new Glob(FOLDERS).scanSync(ROOT)) {
    graph.set(file, importsOf(file, readFileSync(join(ROOT, file), "utf8")));
  }
  return graph;
}

/** Every group of modules that import one another (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) visit(w);
      if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, low.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)!.includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("Import cycles", () => {
  test("no module of the server, client, shared code, tests, bench or scripts imports itself back", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("shared/parse.ts")).toContain("shared/protocol.ts");
    // Each entry names a group of modules that import one another.
    expect(cycles(graph).map((group) => group.join(", "))).toEqual([]);
  });

  test("static, type-only, re-exported and dynamic imports are all edges", () => {
    const source = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      'export { c } from "./c.ts";',
      "import {\n  d,\n  e,\n} from './d.ts';",
      'const f = () => import("./f.ts");',
      'import "./g.ts";',
      '// import { x } from "./commented.ts";',
      'import { join } from "node:path";',
    ].join("\n");
    expect(importsOf("client/x.ts", source)).toEqual([
      "client/a.ts",
      "b.ts",
      "client/c.ts",
      "client/d.ts",
      "client/g.ts",
      "client/f.ts",
    ]);
  });

  test("a cycle is found, also one through a third module, and a module importing itself", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"], ["e.ts"]]);
    expect(
      cycles(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", []],
        ]),
      ),
    ).toEqual([]);
  });
});
