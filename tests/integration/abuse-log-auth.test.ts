/**
 * The server log under a loop of cheap successful requests from one account (SPEC 6): a valid
 * token sent on socket after socket, and `revoke` with nothing left to end, fill at most a few
 * lines a second, with what was folded counted.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

function serverLog(): string {
  try {
    return readFileSync(join(run.server.dataDir, "server.log"), "utf8");
  } catch {
    return "";
  }
}

// Lines of `event` written with their user, plus the counts of those folded.
function accounted(lines: string[], event: string): number {
  const re = new RegExp(`^\\S+ INFO ${event} `);
  return lines
    .filter((l) => re.test(l))
    .reduce(
      (n, l) => n + (l.includes(" user=") ? 1 : 0) + Number(/ folded=(\d+)/.exec(l)?.[1] ?? 0),
      0,
    );
}

test("200 token logins and 100 empty revokes add a bounded number of lines", async () => {
  const server = await run.start({ args: ["--rate-limit"] });
  const first = await TestClient.connect(server.url);
  const reg = await first.call({ type: "register", user: "alice", password: "password123" });
  const before = serverLog().split("\n").length;
  const started = Date.now();
  for (let i = 0; i < 200; i++) {
    const c = await TestClient.connect(server.url);
    await c.call({ type: "auth", token: reg.token });
    await c.close();
  }
  const revokes = Array.from({ length: 100 }, () =>
    first.request({ type: "revoke", allOthers: true }),
  );
  expect((await Promise.all(revokes)).every((r) => r.type === "revoked")).toBe(true);
  await first.close();
  const seconds = Math.ceil((Date.now() - started) / 1000) + 2;
  let lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    lines = serverLog()
      .split("\n")
      .slice(before - 1);
    if (accounted(lines, "auth") >= 200 && accounted(lines, "revoke") >= 100) break;
    await Bun.sleep(25);
  }
  // Every one is accounted for, written or counted...
  expect(accounted(lines, "auth")).toBe(200);
  expect(accounted(lines, "revoke")).toBe(100);
  // ...in a burst of 5, then a line and a count a second, for each of connect, auth,
  // disconnect and revoke.
  expect(lines.length).toBeLessThanOrEqual(4 * (5 + 2 * seconds) + 5);
});
