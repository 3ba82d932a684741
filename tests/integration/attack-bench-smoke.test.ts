import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";

// Six servers start and stop in this run: allow for a busy machine.
setDefaultTimeout(60_000);

const ROOT = join(import.meta.dir, "..", "..");
const ATTACKS = ["rooms", "dm-flood", "passwd-login", "sockets", "history", "bad-logins"];

async function run(args: string[]) {
  const proc = Bun.spawn([process.execPath, "scripts/attack-bench.ts", ...args], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, stdout, stderr };
}

describe("Attack benchmark", () => {
  test("a small run measures the victim under every attack and prints one table", async () => {
    const { code, stdout, stderr } = await run(["--scale", "small"]);
    expect(stderr).not.toContain("error");
    expect(code).toBe(0);
    expect(stdout).toContain("scale small");
    expect(stdout).toContain("CHAT_PASSWORD_COST=low");
    expect(stdout).toContain("| attack | ping ms p50 / p99: before -> under attack |");
    const rows = stdout.split("\n").filter((line) => /^\| [a-z-]+ \| \d/.test(line));
    expect(rows.map((line) => line.split(" | ")[0]!.slice(2))).toEqual(ATTACKS);
    for (const row of rows) {
      // Every row was measured: latencies, a 2x verdict, sizes, and the attacker's answers.
      expect(row).not.toContain("benchmark error");
      expect(row).not.toContain("n/a");
      expect(row).toMatch(/\| (yes|\*\*no\*\*) \(/);
      expect(row).toMatch(/\d+\.\d MB \(\+\d+\.\d MB\)/);
    }
    expect(rows.find((r) => r.startsWith("| rooms "))).toMatch(/\d+ rooms created/);
    expect(rows.find((r) => r.startsWith("| sockets "))).toContain("GET /health");
  });

  test("--only runs one attack, and an unknown one is refused with the names", async () => {
    const only = await run(["--scale", "small", "--only", "history"]);
    expect(only.code).toBe(0);
    expect(only.stdout).toContain("| history | ");
    expect(only.stdout).not.toContain("benchmark error");
    expect(only.stdout).not.toContain("| rooms | ");
    const unknown = await run(["--scale", "small", "--only", "nope"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("bad-logins");
  });
});
