/**
 * The stored events of SPEC 5.3 through the cursor: an invite, a ban, an edit and a deletion
 * missed while away come from `sync` in log order, and a deleted text is in none of them.
 */
import { describe, expect, test } from "bun:test";
import { registered, type Received, Wire } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

/** A new connection logged in as `user`, and its session reply. */
async function login(user: string): Promise<{ wire: Wire; session: Received }> {
  const wire = await Wire.open(run.server.url);
  run.track(wire);
  const session = await wire.ok({ type: "login", user, password: `${user}-password` });
  return { wire, session };
}

/** The events `sync` answers after `since` (one page: few events here), then its `synced`. */
async function sync(w: Wire, since: string): Promise<{ events: Received[]; synced: Received }> {
  const from = w.received.length;
  const synced = await w.ok({ type: "sync", since });
  const events = w.received.slice(from).filter((m) => m.replyTo === undefined);
  return { events, synced };
}

describe("Missed features through the cursor", () => {
  test("edits, a deletion, an invite and a ban missed while away come once, in log order", async () => {
    const alice = await registered(run.server.url, "alice");
    const bob = await registered(run.server.url, "bob");
    run.track(alice, bob);
    await alice.ok({ type: "create", room: "lab" });
    await alice.ok({ type: "create", room: "den", open: false, visible: false });
    await bob.ok({ type: "join", room: "lab" });
    const m1 = (await alice.ok({ type: "send", room: "lab", text: "draft" })).message as Received;
    const m2 = (await alice.ok({ type: "send", room: "lab", text: "TOPSECRET-1" }))
      .message as Received;
    const away = await login("bob");
    const cursor = String(away.session.cursor);
    await away.wire.close();
    await bob.close();
    await alice.ok({ type: "amend", room: "lab", messageId: m1.id, text: "final" });
    await alice.ok({ type: "amend", room: "lab", messageId: m2.id, text: "TOPSECRET-2" });
    await alice.ok({ type: "delete", room: "lab", messageId: m2.id });
    await alice.ok({ type: "invite", room: "den", user: "bob" });
    await alice.ok({ type: "ban", room: "lab", user: "bob" });
    const back = await login("bob");
    const { events, synced } = await sync(back.wire, cursor);
    expect(synced).toMatchObject({ more: false });
    expect(events.map((e) => [e.type, e.id ?? e.room, e.text ?? e.event ?? null])).toEqual([
      ["message_update", m1.id, "final"],
      ["message_update", m2.id, ""],
      ["message_update", m2.id, ""],
      ["invite", "den", null],
      ["member", "lab", "banned"],
    ]);
    const seqs = events.map((e) => String(e.seq));
    expect([...seqs].sort()).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(JSON.stringify(events)).not.toContain("TOPSECRET");
    // The invite is usable after the catch-up; the ban holds.
    expect(await back.wire.ok({ type: "join", room: "den" })).toMatchObject({ status: "joined" });
    expect(await back.wire.request({ type: "join", room: "lab" })).toMatchObject({
      code: "forbidden",
    });
  });
});
