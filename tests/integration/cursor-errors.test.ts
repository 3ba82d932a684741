/**
 * Cursors and history ids from the wire (SPEC 5.1): malformed or foreign ones are refused with
 * bad_request; well-formed ones past the kept history give the oldest kept and say truncated.
 */
import { describe, expect, test } from "bun:test";
import { registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function connect(): Promise<TestClient> {
  const c = await TestClient.connect(run.server.url);
  run.track(c);
  return c;
}

const GARBAGE = ["", "abc", "12", "-000000000000001", "00000000000000001", "0x00000000000001"];

describe("Cursors from the wire", () => {
  test("a garbage or foreign cursor is refused on auth, login and sync; nothing is logged in", async () => {
    const server = await run.start();
    const { client: alice, token } = await registered(server.url, "alice", "oneshot");
    run.track(alice);
    for (const since of [...GARBAGE, "9999999999999999"]) {
      const c = await connect();
      expect(await c.request({ type: "auth", token, since })).toMatchObject({
        type: "error",
        code: "bad_request",
      });
      const login = { type: "login", user: "alice", password: "password1", since };
      expect(await c.request(login)).toMatchObject({ code: "bad_request" });
      // Refused before logging in: the connection is still anonymous.
      expect(await c.request({ type: "rooms" })).toMatchObject({ code: "auth_required" });
      expect(await alice.request({ type: "sync", since })).toMatchObject({ code: "bad_request" });
    }
    // A cursor the server gave is fine, and so is the start of the log.
    const session = await (await connect()).call({ type: "auth", token });
    const synced = await alice.call({ type: "sync", since: session.cursor });
    expect(synced).toMatchObject({ type: "synced", more: false, truncated: [] });
    expect((await alice.call({ type: "sync", since: "0000000000000000" })).type).toBe("synced");
  });

  test("a malformed history id is refused; one no longer kept starts at the oldest kept and says truncated", async () => {
    const server = await run.start({ args: ["--history-limit", "5"] });
    const { client: alice } = await registered(server.url, "alice", "oneshot");
    run.track(alice);
    await alice.call({ type: "create", room: "lobby" });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const sent = await alice.call({ type: "send", room: "lobby", text: `m${i}` });
      ids.push(String((sent.message as { id: string }).id));
    }
    for (const bad of ["", "not an id", "a;b", "x".repeat(65)]) {
      for (const field of ["before", "after"]) {
        const reply = await alice.request({ type: "history", room: "lobby", [field]: bad });
        expect(reply).toMatchObject({ type: "error", code: "bad_request" });
      }
    }
    const page = await alice.call({ type: "history", room: "lobby", after: ids[0] });
    expect((page.messages as Frame[]).map((m) => m.text)).toEqual(["m5", "m6", "m7", "m8", "m9"]);
    expect(page.truncated).toBe(true);
    const kept = await alice.call({ type: "history", room: "lobby", after: ids[6] });
    expect((kept.messages as Frame[]).map((m) => m.text)).toEqual(["m7", "m8", "m9"]);
    expect(kept.truncated).toBeUndefined();
    // History items carry their seq, in the order of the log.
    const seqs = (kept.messages as Frame[]).map((m) => String(m.seq));
    expect(seqs.every((s) => /^\d{16}$/.test(s))).toBe(true);
    expect(seqs).toEqual([...seqs].sort());
  });

  test("a room's events missed past --history-limit are named in truncated with how many", async () => {
    const server = await run.start({ args: ["--history-limit", "50"] });
    const { client: alice } = await registered(server.url, "alice", "oneshot");
    run.track(alice);
    await alice.call({ type: "create", room: "busy" });
    const bob = await connect();
    const session = await bob.call({ type: "register", user: "bob", password: "password1" });
    await bob.call({ type: "join", room: "busy" });
    await bob.close();
    for (let i = 0; i < 80; i++) await alice.call({ type: "send", room: "busy", text: `m${i}` });
    const back = await connect();
    await back.call({ type: "auth", token: session.token, since: session.cursor });
    const events: Frame[] = [];
    let synced: Frame;
    for (;;) {
      const f = await back.waitFor((x) => x.type !== "presence");
      if (f.type === "synced") {
        synced = f;
        if (f.more === false) break;
      } else events.push(f);
    }
    // 81 events after the cursor (bob's join, 80 messages); the last 50 kept.
    expect(events.map((f) => f.text)).toEqual(Array.from({ length: 50 }, (_, i) => `m${30 + i}`));
    expect(synced.truncated).toEqual([{ room: "busy", dropped: 31 }]);
  });
});
