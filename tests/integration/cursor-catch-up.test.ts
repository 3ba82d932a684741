/**
 * SPEC 5.1 through the real server: a listener that was away reconnects with `auth since=` and
 * sees every event it missed exactly once, in log order, then live events; across kill -9 too.
 */
import { describe, expect, test } from "bun:test";
import { registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ timeoutMs: 60_000 });

async function user(name: string, mode: "interactive" | "listen" | "oneshot" = "oneshot") {
  const r = await registered(run.server.url, name, mode);
  run.track(r.client);
  return r;
}

/** Connect with `auth since=` and collect frames until the catch-up's last `synced`. */
async function resume(
  token: string,
  since: string,
): Promise<{ client: TestClient; frames: Frame[] }> {
  const client = await TestClient.connect(run.server.url);
  run.track(client);
  const session = await client.call({ type: "auth", token, mode: "listen", since });
  expect(typeof session.cursor).toBe("string");
  const frames: Frame[] = [];
  for (;;) {
    const f = await client.waitFor((x) => x.type !== "presence" && x.type !== "typing");
    frames.push(f);
    if (f.type === "synced" && f.more === false) return { client, frames };
  }
}

interface World {
  admins: TestClient[];
  senders: TestClient[];
  expected: Set<string>;
  decisions: number;
}

// bob is in 20 rooms; 30 users write to him; 5 closed rooms decide his requests. Everything
// happens while he is away: 1,000 messages (rooms and DMs) and 5 decisions.
async function buildWorld(bobName: string): Promise<World> {
  const { client: alice } = await user("alice");
  const admins: TestClient[] = [alice];
  for (let r = 0; r < 20; r++) await alice.call({ type: "create", room: `room${r}` });
  for (let r = 0; r < 5; r++) await alice.call({ type: "create", room: `closed${r}`, open: false });
  const senders: TestClient[] = [];
  for (let u = 0; u < 30; u++) senders.push((await user(`pal${u}`)).client);
  const bob = (await registered(run.server.url, bobName, "oneshot")).client;
  for (let r = 0; r < 20; r++) await bob.call({ type: "join", room: `room${r}` });
  for (let r = 0; r < 5; r++) await bob.call({ type: "join", room: `closed${r}` });
  await bob.close();
  return { admins, senders, expected: new Set(), decisions: 5 };
}

async function missWhileAway(world: World, bobName: string): Promise<void> {
  const [alice] = world.admins;
  const sends: Promise<Frame>[] = [];
  for (let i = 0; i < 1000; i++) {
    if (i % 10 < 7) {
      const text = `room message ${i}`;
      sends.push(alice!.call({ type: "send", room: `room${i % 20}`, text }));
    } else {
      const text = `dm ${i}`;
      sends.push(world.senders[i % 30]!.call({ type: "dm", to: bobName, text }));
    }
    if (sends.length >= 100) {
      for (const reply of await Promise.all(sends.splice(0))) world.expected.add(idOf(reply));
    }
  }
  for (const reply of await Promise.all(sends)) world.expected.add(idOf(reply));
  for (let r = 0; r < 5; r++) {
    await alice!.call({ type: r % 2 ? "deny" : "approve", room: `closed${r}`, user: bobName });
  }
}

/** Bob logs in (his token and the cursor of that moment), leaves, and misses what `world` does. */
async function bobAway(world: World): Promise<{ token: string; cursor: string }> {
  const bob = await TestClient.connect(run.server.url);
  run.track(bob);
  const session = await bob.call({ type: "login", user: "bob", password: "password1" });
  await bob.close();
  await missWhileAway(world, "bob");
  return { token: String(session.token), cursor: String(session.cursor) };
}

function idOf(reply: Frame): string {
  return String((reply.message as { id: string }).id);
}

function checkExactlyOnce(frames: Frame[], expected: Set<string>, decisions: number) {
  const events = frames.filter((f) => f.type !== "synced");
  const seqs = events.map((f) => String(f.seq));
  // Log order: each seq greater than the one before (strings of one width).
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
  const ids = events.filter((f) => f.type === "message" || f.type === "dm").map((f) => f.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(ids)).toEqual(expected);
  expect(events.filter((f) => f.type === "join_decision")).toHaveLength(decisions);
}

describe("Catch-up through the cursor", () => {
  test("a listener away while 1,000 messages and 5 decisions happen sees each once, in log order", async () => {
    await run.start();
    const world = await buildWorld("bob");
    const away = await bobAway(world);
    const { client, frames } = await resume(away.token, away.cursor);
    checkExactlyOnce(frames, world.expected, world.decisions);
    // Then live events, after the catch-up, once.
    const live = await world.admins[0]!.call({ type: "send", room: "room0", text: "now" });
    const event = await client.next("message");
    expect(event.id).toBe(idOf(live));
    expect(String(event.seq) > String(frames.at(-2)!.seq)).toBe(true);
  });

  test("events published while the catch-up is being sent arrive once: in it or live", async () => {
    await run.start();
    const world = await buildWorld("bob");
    const away = await bobAway(world);
    // Sent at the same time as the catch-up runs.
    const during = Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        world.admins[0]!.call({ type: "send", room: `room${i % 20}`, text: `during ${i}` }),
      ),
    );
    const { client, frames } = await resume(away.token, away.cursor);
    for (const reply of await during) world.expected.add(idOf(reply));
    const caughtUp = frames.filter((f) => f.type === "message" || f.type === "dm").length;
    const rest: Frame[] = [];
    // Whatever the catch-up did not hold comes live; waiting for exactly that many.
    while (caughtUp + rest.length < world.expected.size) rest.push(await client.next("message"));
    checkExactlyOnce([...frames, ...rest], world.expected, world.decisions);
    expect(client.pending().filter((f) => f.type === "message")).toHaveLength(0);
  });

  test("the same across a kill -9 and a restart", async () => {
    const server = await run.start();
    const world = await buildWorld("bob");
    const away = await bobAway(world);
    await run.closeTracked();
    await server.kill();
    await run.start({ dataDir: server.dataDir });
    const { frames } = await resume(away.token, away.cursor);
    checkExactlyOnce(frames, world.expected, world.decisions);
  });
});
