/**
 * Batched pages through the real server: a listener that reconnects with `auth since=` and
 * `batch: true` gets each page of what it missed as ONE frame, the page's `synced` with its
 * events inside, and the same events, once and in log order, as one frame per event brings;
 * `sync` with `batch` answers the same way; a `batch` that is not a boolean is refused.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

// A page bound well under what bob misses, so that it takes several pages: the first of
// FIRST_PAGE_BYTES, each next one up to twice the one before, within the bound.
const PAGE_BYTES = 256 * 1024;
const FIRST_PAGE_BYTES = 64 * 1024;
const run = useServer({ isPerFile: true, start: { args: ["--history-page-kib", "256"] } });

interface Away {
  token: string;
  cursor: string;
  /** The ids of the messages and DMs bob missed. */
  expected: Set<string>;
  alice: TestClient;
}

let away: Away;

// bob is in 6 rooms and has 4 DM partners; while he is away 480 messages of ~1 KB (rooms and
// DMs), a join and a topic change happen: ~500 KB, pages of 64, 128 and 256 KiB and the rest.
async function missWhileAway(): Promise<Away> {
  const { client: alice } = await registered(run.server.url, "alice", "oneshot");
  run.track(alice);
  for (let r = 0; r < 6; r++) await alice.call({ type: "create", room: `room${r}` });
  const pals: TestClient[] = [];
  for (let u = 0; u < 4; u++) {
    pals.push(run.track((await registered(run.server.url, `pal${u}`)).client));
  }
  const { client: bob, token } = await registered(run.server.url, "bob", "oneshot");
  for (let r = 0; r < 6; r++) await bob.call({ type: "join", room: `room${r}` });
  await bob.close();
  // The cursor bob's last session was given: everything after it he misses.
  const again = await TestClient.connect(run.server.url);
  run.track(again);
  const at = String((await again.call({ type: "auth", token })).cursor);
  await again.close();
  const expected = new Set<string>();
  const sends: Promise<Frame>[] = [];
  for (let i = 0; i < 480; i++) {
    const text = `missed ${i} ${"x".repeat(1000)}`;
    sends.push(
      i % 3 === 2
        ? pals[i % 4]!.call({ type: "dm", to: "bob", text })
        : alice.call({ type: "send", room: `room${i % 6}`, text }),
    );
  }
  for (const reply of await Promise.all(sends)) {
    expected.add(String((reply.message as { id: string }).id));
  }
  await pals[0]!.call({ type: "join", room: "room0" });
  await alice.call({ type: "edit", room: "room1", topic: "new topic" });
  return { token, cursor: at, expected, alice };
}

/** A connection resumed with `auth since=` (batched or not), read until its last page. */
async function resume(
  batch: boolean,
): Promise<{ client: TestClient; frames: Frame[]; sizes: number[] }> {
  const client = await TestClient.connect(run.server.url);
  run.track(client);
  // The size of every frame after the welcome as it came, to check the pages' bounds.
  const sizes: number[] = [];
  client.ws.addEventListener("message", (ev) => sizes.push(Buffer.byteLength(String(ev.data))));
  const start = client.received.length + 1;
  await client.call({
    type: "auth",
    token: away.token,
    mode: "listen",
    since: away.cursor,
    ...(batch ? { batch: true } : {}),
  });
  await client.waitFor((f) => f.type === "synced" && f.more === false, 10_000);
  return { client, frames: client.received.slice(start), sizes: sizes.slice(start - 1) };
}

// The events of a catch-up's frames: a batched page's events in place of its `synced`.
function eventsOf(frames: Frame[]): Frame[] {
  return frames.flatMap((f) =>
    f.type === "synced" ? ((f.events as Frame[] | undefined) ?? []) : [f],
  );
}

function checkExactlyOnce(events: Frame[]): void {
  const seqs = events.map((e) => String(e.seq));
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
  const ids = events.filter((e) => e.type === "message" || e.type === "dm").map((e) => e.id);
  expect(ids).toHaveLength(away.expected.size);
  expect(new Set(ids)).toEqual(away.expected);
  expect(events.filter((e) => e.type === "member" && e.user === "pal0")).toHaveLength(1);
  expect(events.filter((e) => e.type === "room_update")).toHaveLength(1);
}

beforeAll(async () => {
  away = await missWhileAway();
});

describe("Batched catch-up", () => {
  test("each page is one frame, its synced with the events inside: every event once, in log order", async () => {
    const { client, frames, sizes } = await resume(true);
    // Nothing but pages: no event comes as a frame of its own.
    expect(frames.every((f) => f.type === "synced")).toBe(true);
    expect(frames.length).toBeGreaterThanOrEqual(4);
    expect(frames.slice(0, -1).every((f) => f.more === true)).toBe(true);
    for (const [i, page] of frames.entries()) {
      expect(Array.isArray(page.events)).toBe(true);
      // Bounded: the page's events within the page's bytes, and little more around them; the
      // first page small, so that the first events come soon, each next one up to twice it.
      expect(sizes[i]!).toBeLessThan(Math.min(FIRST_PAGE_BYTES * 2 ** i, PAGE_BYTES) + 1024);
    }
    // The pages grow: the second and third carry more than the first could.
    expect(sizes[1]!).toBeGreaterThan(FIRST_PAGE_BYTES + 1024);
    expect(sizes[2]!).toBeGreaterThan(2 * FIRST_PAGE_BYTES + 1024);
    checkExactlyOnce(eventsOf(frames));
    // Then live events, as frames of their own, once.
    const live = await away.alice.call({ type: "send", room: "room2", text: "now" });
    const event = await client.next("message");
    expect(event.id).toBe((live.message as { id: string }).id);
    expect(client.pending().filter((f) => f.type === "message")).toHaveLength(0);
  });

  test("the events of the pages are those sent one frame each, in the same order", async () => {
    const batched = eventsOf((await resume(true)).frames);
    const { frames } = await resume(false);
    const single = frames.filter((f) => f.type !== "synced");
    expect(frames.filter((f) => f.type === "synced").every((f) => f.events === undefined)).toBe(
      true,
    );
    // Only the history up to the first resume is compared: later live messages come after it.
    expect(single.slice(0, batched.length) as Frame[]).toEqual(batched);
    expect(batched.length).toBeGreaterThan(away.expected.size);
  });

  test("sync with batch answers one frame: the synced reply with replyTo and the events", async () => {
    const client = await TestClient.connect(run.server.url);
    run.track(client);
    await client.call({ type: "auth", token: away.token });
    const plainFrom = client.received.length;
    const plain = await client.call({ type: "sync", since: away.cursor, limit: 50 });
    const plainEvents = client.received.slice(plainFrom, -1);
    expect(plain.events).toBeUndefined();
    expect(plainEvents).toHaveLength(50);
    const from = client.received.length;
    const reply = await client.call({ type: "sync", since: away.cursor, limit: 50, batch: true });
    expect(client.received.length).toBe(from + 1);
    expect(reply).toMatchObject({ type: "synced", more: true, cursor: plain.cursor });
    expect(typeof reply.replyTo).toBe("string");
    expect(reply.events).toEqual(plainEvents);
    // The next page from its cursor, batched too.
    const next = await client.call({ type: "sync", since: reply.cursor, limit: 50, batch: true });
    const seqs = [...(reply.events as Frame[]), ...(next.events as Frame[])].map((e) => e.seq);
    expect(new Set(seqs).size).toBe(100);
  });

  test("login with since and batch gets its catch-up in pages too", async () => {
    const client = await TestClient.connect(run.server.url);
    run.track(client);
    const since = away.cursor;
    await client.call({ type: "login", user: "bob", password: "password1", since, batch: true });
    const last = await client.waitFor((f) => f.type === "synced" && f.more === false, 10_000);
    const frames = client.received.slice(2);
    expect(frames.every((f) => f.type === "synced")).toBe(true);
    expect(frames.at(-1)).toBe(last);
    const ids = eventsOf(frames)
      .filter((e) => e.type === "message" || e.type === "dm")
      .map((e) => e.id);
    // Every missed message, and the live ones the earlier tests sent.
    for (const id of away.expected) expect(ids).toContain(id);
  });

  test("a batch that is not true or false is refused as bad_request", async () => {
    const client = await TestClient.connect(run.server.url);
    run.track(client);
    const since = away.cursor;
    const frames = [
      { type: "auth", token: away.token, since, batch: "yes" },
      { type: "login", user: "bob", password: "password1", since, batch: 1 },
    ];
    for (const frame of frames) {
      expect(await client.request(frame)).toMatchObject({ type: "error", code: "bad_request" });
    }
    await client.call({ type: "auth", token: away.token });
    const refused = await client.request({ type: "sync", since, batch: "yes" });
    expect(refused).toMatchObject({ type: "error", code: "bad_request" });
    expect(String(refused.message)).toContain("batch");
  });
});
