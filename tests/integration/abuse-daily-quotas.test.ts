/**
 * Disk per user bounded by the quotas (SPEC 6), through the real server: a create-and-shutdown
 * loop keeps at most --max-rooms-created rooms a day (also after a restart), and one user
 * writing to ever more people starts at most --max-new-conversations conversations a day.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loggedIn, registered, type Wire } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function user(url: string, name: string): Promise<Wire> {
  const w = await registered(url, name);
  run.track(w);
  return w;
}

/** The `room` ops the journal holds for rooms named with `prefix`. */
function roomsStored(dataDir: string, prefix: string): Set<string> {
  const lines = readFileSync(join(dataDir, "journal.jsonl"), "utf8").trim().split("\n");
  const names = lines
    .map((l) => JSON.parse(l) as { op: string; room?: { name?: string } })
    .flatMap((op) => (op.op === "room" && op.room?.name ? [op.room.name] : []));
  return new Set(names.filter((n) => n.startsWith(prefix)));
}

describe("Rooms created per day", () => {
  test("a create-and-shutdown loop stores at most the day's quota of rooms, across a restart", async () => {
    const args = ["--max-rooms-created", "5"];
    let server = await run.start({ args });
    const mallory = await user(server.url, "mallory");
    const codes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const created = await mallory.request({ type: "create", room: `spam-${i}` });
      codes.push(created.type === "error" ? String(created.code) : created.type);
      if (created.type === "room") await mallory.ok({ type: "shutdown", room: `spam-${i}` });
    }
    expect(codes).toEqual([...Array(5).fill("room"), ...Array(35).fill("rate_limited")]);
    expect(roomsStored(server.dataDir, "spam-").size).toBe(5);
    const bob = await user(server.url, "bob");
    await bob.ok({ type: "create", room: "bobs" });

    await run.closeTracked();
    await server.stop();
    server = await run.restart(server, { args });
    const again = await loggedIn(server.url, "mallory");
    run.track(again);
    expect(await again.request({ type: "create", room: "spam-99" })).toMatchObject({
      code: "rate_limited",
    });
  });
});

describe("DM conversations started per day", () => {
  test("writing to ever more people stops at the quota; replies always go through", async () => {
    const server = await run.start({ args: ["--max-new-conversations", "3"] });
    const mallory = await user(server.url, "mallory");
    const names = ["u0", "u1", "u2", "u3", "u4"];
    for (const name of names) await (await user(server.url, name)).close();
    const codes: string[] = [];
    for (const to of names) {
      const sent = await mallory.request({ type: "dm", to, text: "buy now" });
      codes.push(sent.type === "error" ? String(sent.code) : sent.type);
    }
    expect(codes).toEqual(["dm_sent", "dm_sent", "dm_sent", "rate_limited", "rate_limited"]);
    await mallory.ok({ type: "dm", to: "u0", text: "still talking to you" });
    // u4 writes first: mallory's answer is a reply, whatever her quota says.
    const u4 = await loggedIn(server.url, "u4");
    run.track(u4);
    await u4.ok({ type: "dm", to: "mallory", text: "who are you?" });
    await mallory.ok({ type: "dm", to: "u4", text: "a friend" });
    const history = await u4.ok({ type: "history", user: "mallory" });
    expect((history.messages as { text: string }[]).map((m) => m.text)).toEqual([
      "who are you?",
      "a friend",
    ]);
  });
});
