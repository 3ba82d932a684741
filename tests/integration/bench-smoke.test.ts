import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// This file starts real servers and processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

const ROOT = join(import.meta.dir, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Benchmark suite", () => {
  test("a --quick run completes and writes the report with every section and the targets", async () => {
    const out = join(dir, "BENCHMARKS.md");
    const proc = Bun.spawn([process.execPath, "bench/run.ts", "--quick", "--out", out], {
      cwd: ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(stderr).not.toContain("failed");
    expect(code).toBe(0);
    const report = readFileSync(out, "utf8");
    for (const heading of [
      "## Ratios",
      "## Targets",
      "## Machine",
      "## Fan-out",
      "## Latency",
      "## Connections",
      "## Storage",
      "## Start-up",
      "## One-shot",
    ]) {
      expect(report).toContain(heading);
    }
    expect(report).toContain("| target | goal | measured | verdict |");
    expect(report).toContain("| ours (server/main.ts) |");
    expect(report).toContain("| bare Bun.serve publish |");
    // The Node + ws comparison runs where Node.js is installed.
    if (Bun.which("node")) expect(report).toContain("| Node + ws send loop |");
    expect(report).not.toContain("not measured");
    expect(report).not.toContain("failed:");
    // A dozen servers start and stop in a quick run: allow for a busy machine.
  }, 120_000);
});
