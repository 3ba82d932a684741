/**
 * Cluster mode over a real redis-server: a listener that missed events while connected to one
 * instance catches up on the other with `auth since=` and `batch`, each page one frame.
 */
import { describe, expect, test } from "bun:test";
import { useCluster } from "../helpers/cluster.ts";
import { registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";

const cluster = useCluster();
const servers = cluster.servers;

describe("a batched catch-up in a cluster", () => {
  test("the cursor of one instance brings, on the other, every missed event once and in order", async () => {
    const [a, b] = await cluster.instances(2);
    const alice = servers.track((await registered(a!.url, "alice")).client);
    const { client: bob, token } = await registered(a!.url, "bob", "oneshot");
    await alice.call({ type: "create", room: "lobby" });
    await bob.call({ type: "join", room: "lobby" });
    const cursor = await authedCursor(a!.url, token);
    await bob.close();
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply =
        i % 4 === 3
          ? await alice.call({ type: "dm", to: "bob", text: `dm ${i}` })
          : await alice.call({ type: "send", room: "lobby", text: `room ${i}` });
      expected.push(String((reply.message as { id: string }).id));
    }
    const back = servers.track(await TestClient.connect(b!.url));
    await back.call({ type: "auth", token, mode: "listen", since: cursor, batch: true });
    const last = await back.waitFor((f) => f.type === "synced" && f.more === false, 10_000);
    const frames = back.received.slice(2);
    expect(frames.every((f) => f.type === "synced")).toBe(true);
    expect(frames.at(-1)).toBe(last);
    const events = frames.flatMap((f) => f.events as Frame[]);
    const seqs = events.map((e) => String(e.seq));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
    const ids = events.filter((e) => e.type === "message" || e.type === "dm").map((e) => e.id);
    expect(ids).toEqual(expected);
  });
});

// The log's position now, as a session reply on `url` gives it.
async function authedCursor(url: string, token: string): Promise<string> {
  const client = servers.track(await TestClient.connect(url));
  const session = await client.call({ type: "auth", token });
  await client.close();
  return String(session.cursor);
}
