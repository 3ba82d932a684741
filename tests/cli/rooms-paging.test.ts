/**
 * `chat rooms` on a server with more rooms than one reply holds: every page fetched, bounded
 * by --limit with a note on stderr saying how to go on; `chat history` across byte-bounded pages;
 * `chat who` of a room with more members than one reply holds.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { registered, type Wire } from "../fuzz/wire.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { roomRecord } from "../helpers/records.ts";
import { tempDir } from "../helpers/server.ts";
import { jsonLines, registerUser, type User } from "./helpers.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true, timeoutMs: 60_000 });

let owner: Wire;
let alice: User;
const NAMES: string[] = [];

beforeAll(async () => {
  owner = run.track(await registered(run.server.url, "owner"));
  for (let i = 0; i < 450; i++) {
    const name = `p${String(i).padStart(3, "0")}`;
    NAMES.push(name);
    await owner.ok({ type: "create", room: name, topic: `room number ${i}` });
  }
  alice = await registerUser(run.server.url, "alice");
});

describe("chat rooms with many rooms", () => {
  test("--json prints every room of every page, once, in name order", async () => {
    const result = await alice.run(["rooms", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const names = jsonLines(result.stdout).map((r) => r.name);
    expect(names).toEqual(NAMES);
  });

  test("--limit stops early and says on stderr how to go on; --after goes on", async () => {
    const result = await alice.run(["rooms", "--limit", "250"]);
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split("\n");
    expect(rows.length).toBe(251); // the header and 250 rooms
    expect(rows[250]).toStartWith("#p249 ");
    expect(result.stderr).toBe("more rooms after #p249: chat rooms --after p249\n");
    const rest = jsonLines(await alice.ok(["rooms", "--after", "p249", "--json"]));
    expect(rest.map((r) => r.name)).toEqual(NAMES.slice(250));
  });
});

describe("chat history with long messages", () => {
  test("prints all 200 stored messages of 4,000 characters, oldest first", async () => {
    await owner.ok({ type: "create", room: "long" });
    const filler = "y".repeat(4000);
    for (let i = 0; i < 200; i++) {
      await owner.ok({ type: "send", room: "long", text: `${i} ${filler}`.slice(0, 4000) });
    }
    await alice.ok(["join", "long"]);
    const all = jsonLines(await alice.ok(["history", "long", "--json"]));
    expect(all.map((m) => String(m.text).split(" ")[0])).toEqual(
      Array.from({ length: 200 }, (_, i) => String(i)),
    );
    const last = jsonLines(await alice.ok(["history", "long", "--limit", "150", "--json"]));
    expect(last.map((m) => String(m.text).split(" ")[0])).toEqual(
      Array.from({ length: 150 }, (_, i) => String(i + 50)),
    );
  });
});

describe("chat who with a crowded room", () => {
  test("lists every member of a room of 2,500 across pages", async () => {
    const dataDir = tempDir();
    const members = Array.from({ length: 2500 }, (_, i) => `m${String(i).padStart(4, "0")}`);
    const room = roomRecord("crowd", { admin: "m0000", members });
    writeFileSync(join(dataDir, "rooms.json"), JSON.stringify({ rooms: [room] }), { mode: 0o600 });
    const crowded = await run.start({ dataDir });
    const carol = await registerUser(crowded.url, "carol");
    await carol.ok(["join", "crowd"]);
    const result = await carol.run(["who", "crowd", "--json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const names = jsonLines(result.stdout).map((u) => String(u.user));
    expect(names).toEqual([...members, carol.name].sort());
  });
});
