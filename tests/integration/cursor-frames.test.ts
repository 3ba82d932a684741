/**
 * What a catch-up sends, to the byte: each missed event as the very text it was published as
 * live, an edited or deleted message as it is now (never its old text), and the same text
 * again after a restart, when the server has only the stored events to send them from.
 */
import { describe, expect, test } from "bun:test";
import { registered, TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ timeoutMs: 60_000 });

/** The raw text of every frame `client` receives from now on. */
function rawFrames(client: TestClient): string[] {
  const texts: string[] = [];
  client.ws.addEventListener("message", (ev) => texts.push(String(ev.data)));
  return texts;
}

/** The frames that are stored events (they carry a `seq`), in the order received. */
function events(texts: string[]): string[] {
  return texts.filter((t) => (JSON.parse(t) as { seq?: unknown }).seq !== undefined);
}

/** Connect as `token` with `since`: the raw events of the catch-up, up to its last `synced`. */
async function resume(url: string, token: string, since: string): Promise<string[]> {
  const client = await TestClient.connect(url);
  run.track(client);
  const texts = rawFrames(client);
  await client.call({ type: "auth", token, mode: "listen", since });
  while ((await client.next("synced")).more !== false);
  await client.close();
  return events(texts);
}

describe("Catch-up frames", () => {
  test("each missed event is the text sent live; edited ones as they are now; same after a restart", async () => {
    let server = await run.start();
    const { client: alice } = await registered(server.url, "alice", "oneshot");
    const { client: carol } = await registered(server.url, "carol", "oneshot");
    const { client: bob, token } = await registered(server.url, "bob", "oneshot");
    run.track(alice, carol, bob);
    await alice.call({ type: "create", room: "lab" });
    await bob.call({ type: "join", room: "lab" });
    // Bob listening live, from a cursor: what he hears is what was published.
    const live = await TestClient.connect(server.url);
    run.track(live);
    const heard = rawFrames(live);
    const session = await live.call({ type: "auth", token, mode: "listen" });
    const cursor = String(session.cursor);

    const send = async (text: string) =>
      String(
        ((await alice.call({ type: "send", room: "lab", text })).message as { id: string }).id,
      );
    await send("one");
    const amended = await send("two, first draft");
    const deleted = await send("SECRET three");
    await carol.call({ type: "dm", to: "bob", text: "hi bob" });
    await alice.call({ type: "edit", room: "lab", topic: "plans" });
    await alice.call({ type: "amend", room: "lab", messageId: amended, text: "two, final" });
    await alice.call({ type: "amend", room: "lab", messageId: deleted, text: "SECRET three, v2" });
    await alice.call({ type: "delete", room: "lab", messageId: deleted });
    await live.waitFor((f) => f.type === "message_update" && f.deleted === true);
    const sent = events(heard);
    expect(sent).toHaveLength(8);

    const caught = await resume(server.url, token, cursor);
    expect(caught).toHaveLength(sent.length);
    const changed = new Set([amended, deleted]);
    caught.forEach((text, i) => {
      const frame = JSON.parse(text) as { type: string; id: string };
      // Unchanged since it was published: the same bytes.
      if (!changed.has(frame.id)) expect(text).toBe(sent[i]!);
      else expect(JSON.parse(sent[i]!)).toMatchObject({ type: frame.type, id: frame.id });
    });
    const now = caught.map((t) => JSON.parse(t) as Record<string, unknown>);
    expect(now[1]).toMatchObject({
      type: "message",
      text: "two, final",
      edited: expect.any(String),
    });
    expect(now[2]).toMatchObject({ type: "message", text: "", deleted: true });
    // The amendment of the deleted message keeps no text either.
    expect(now[6]).toMatchObject({ type: "message_update", id: deleted, text: "" });
    expect(caught.join("\n")).not.toContain("SECRET");

    // After a restart the events are serialised again from the store: the same text. (The
    // deleted message itself is not restored; its deletion events are.)
    await run.closeTracked();
    await server.kill();
    server = await run.start({ dataDir: server.dataDir });
    const bySeq = new Map(caught.map((t) => [(JSON.parse(t) as { seq: string }).seq, t]));
    const again = await resume(server.url, token, cursor);
    expect(again.length).toBeGreaterThanOrEqual(caught.length - 1);
    for (const text of again)
      expect(text).toBe(bySeq.get((JSON.parse(text) as { seq: string }).seq)!);
  });
});
