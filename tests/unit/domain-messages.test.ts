import { describe, expect, test } from "bun:test";
import { encodeReply } from "../../server/encoding.ts";
import { Harness } from "../helpers/domain.ts";

describe("Messages", () => {
  test("a room message reaches every member connection, the sender's included, sanitised", async () => {
    const h = new Harness();
    const { alice, bob } = await h.lobby();
    const bobPhone = await h.login("bob", "listen");
    const reply = await h.call(alice, {
      type: "send",
      room: "#lobby",
      text: "  hi \x1b]0;pwn\x07there\n ",
    });
    expect(reply).toMatchObject({
      type: "sent",
      message: { room: "lobby", from: "alice", text: "hi there" },
    });
    for (const c of [alice, bob, bobPhone]) {
      expect(c.events("message").map((m) => m.text)).toEqual(["hi there"]);
    }
  });

  test("text must be 1-4000 characters after trimming", async () => {
    const h = new Harness();
    const { alice } = await h.lobby();
    expect(await h.request(alice, { type: "send", room: "lobby", text: "  \n " })).toMatchObject({
      code: "bad_request",
    });
    expect(
      await h.request(alice, { type: "send", room: "lobby", text: "x".repeat(4001) }),
    ).toMatchObject({
      code: "bad_request",
    });
    await h.call(alice, { type: "send", room: "lobby", text: ` ${"x".repeat(4000)} ` });
  });

  test("resending the same clientId returns the original and stores nothing new", async () => {
    const h = new Harness();
    const { alice, bob } = await h.lobby();
    const first = await h.call(alice, {
      type: "send",
      room: "lobby",
      text: "once",
      clientId: "k1",
    });
    const second = await h.call(alice, {
      type: "send",
      room: "lobby",
      text: "once",
      clientId: "k1",
    });
    // The same acknowledgement on the wire.
    expect(encodeReply(second, "r2")).toBe(encodeReply(first, "r2"));
    expect(bob.events("message")).toHaveLength(1);
    const snap = await h.store.load();
    expect(snap.history["room:lobby"]).toHaveLength(1);
    // Concurrent resends (a reconnect racing the first ack) also store once.
    const [a, b] = await Promise.all([
      h.call(alice, { type: "send", room: "lobby", text: "twice", clientId: "k2" }),
      h.call(alice, { type: "send", room: "lobby", text: "twice", clientId: "k2" }),
    ]);
    expect(encodeReply(a, "r")).toBe(encodeReply(b, "r"));
    expect((await h.store.load()).history["room:lobby"]).toHaveLength(2);
  });

  test("history: members only, oldest first, limit/before/after paging", async () => {
    const h = new Harness();
    const { alice } = await h.lobby();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = (await h.call(alice, { type: "send", room: "lobby", text: `m${i}` })) as {
        message: { id: string };
      };
      ids.push(r.message.id);
    }
    const texts = async (q: Record<string, unknown>) =>
      (
        (await h.call(alice, { type: "history", room: "lobby", ...q })) as {
          messages: { text: string }[];
        }
      ).messages.map((m) => m.text);
    expect(await texts({})).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(await texts({ limit: 2 })).toEqual(["m3", "m4"]);
    expect(await texts({ limit: 2, before: ids[3] })).toEqual(["m1", "m2"]);
    expect(await texts({ after: ids[1] })).toEqual(["m2", "m3", "m4"]);
    expect(await texts({ after: ids[1], limit: 1 })).toEqual(["m2"]);
    const carol = await h.user("carol");
    expect(await h.request(carol, { type: "history", room: "lobby" })).toMatchObject({
      code: "forbidden",
    });
  });

  test("DM history pages like a room's, the same from both sides, within the history limit", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    const ids: string[] = [];
    for (let i = 0; i < 205; i++) {
      const r = await h.call(i % 2 ? bob : alice, {
        type: "dm",
        to: i % 2 ? "alice" : "bob",
        text: `d${i}`,
      });
      ids.push((r as { message: { id: string } }).message.id);
    }
    const texts = async (c: typeof alice, q: Record<string, unknown>) =>
      (
        (await h.call(c, { type: "history", ...q })) as { messages: { text: string }[] }
      ).messages.map((m) => m.text);
    const all = await texts(alice, { user: "bob", limit: 10_000 });
    expect(all.length).toBe(200);
    expect(all[0]).toBe("d5");
    expect(all.at(-1)).toBe("d204");
    expect(await texts(bob, { user: "alice", limit: 10_000 })).toEqual(all);
    expect(await texts(bob, { user: "alice", limit: 2, before: ids[100] })).toEqual(["d98", "d99"]);
    expect(await texts(alice, { user: "bob", after: ids[200] })).toEqual([
      "d201",
      "d202",
      "d203",
      "d204",
    ]);
    expect(await texts(alice, { user: "bob", after: ids[10], before: ids[14] })).toEqual([
      "d11",
      "d12",
      "d13",
    ]);
    // A cursor that fell out of the window still pages by time.
    expect(await texts(alice, { user: "bob", after: ids[0], limit: 1 })).toEqual(["d5"]);
    const carol = await h.user("carol");
    expect(await texts(carol, { user: "alice" })).toEqual([]);
  });

  test("a DM goes to every connection of both users; `history` with user shows it", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    const bobPhone = await h.login("bob", "listen");
    await h.call(alice, { type: "dm", to: "@Bob".slice(1), text: "psst" });
    for (const c of [alice, bob, bobPhone])
      expect(c.events("dm").map((m) => m.text)).toEqual(["psst"]);
    const hist = await h.call(bob, { type: "history", user: "alice" });
    expect(hist).toMatchObject({
      user: "alice",
      messages: [{ from: "alice", to: "bob", text: "psst" }],
    });
    expect(await h.request(alice, { type: "dm", to: "nobody", text: "x" })).toMatchObject({
      code: "not_found",
    });
  });

  test("a DM to an offline user comes once, through the cursor of their next connection", async () => {
    const h = new Harness();
    const alice = await h.user("alice");
    const bob = h.conn();
    const session = await h.call(bob, { type: "register", user: "bob", password: "password1" });
    h.close(bob);
    await h.call(alice, { type: "dm", to: "bob", text: "while you were out" });
    // No second queue: a connection without a cursor is not sent it.
    const script = await h.login("bob", "interactive");
    expect(script.events("dm")).toEqual([]);
    const back = await h.resume("bob", String((session as { cursor: string }).cursor));
    expect(back.events("dm").map((m) => m.text)).toEqual(["while you were out"]);
    const later = await h.resume("bob", back.events("synced").at(-1)!.cursor);
    expect(later.events("dm")).toEqual([]);
  });

  test("messages are limited per user across connections: burst 20, then 10 per second", async () => {
    const h = new Harness({ isRateLimited: true });
    const { alice } = await h.lobby();
    const phone = await h.login("alice", "listen");
    for (let i = 0; i < 20; i++) {
      await h.call(i % 2 ? alice : phone, { type: "send", room: "lobby", text: `m${i}` });
    }
    const refused = await h.request(phone, { type: "send", room: "lobby", text: "one more" });
    expect(refused).toMatchObject({ code: "rate_limited" });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    h.clock.advance(100);
    await h.call(alice, { type: "send", room: "lobby", text: "again" });
  });
});

describe("Storage failures", () => {
  test("a message the store refuses is not acknowledged, not published and not in history", async () => {
    const h = new Harness();
    const { alice, bob } = await h.lobby();
    h.store.commit = async () => {
      throw new Error("ENOSPC: no space left on device");
    };
    const reply = await h.request(alice, { type: "send", room: "lobby", text: "lost" });
    expect(reply).toMatchObject({ type: "error", code: "internal" });
    expect((reply as { message: string }).message).toContain("could not be stored");
    expect(bob.events("message")).toEqual([]);
    expect(await h.call(bob, { type: "history", room: "lobby" })).toMatchObject({ messages: [] });
    const room = await h.request(alice, { type: "create", room: "other" });
    expect(room).toMatchObject({ type: "error", code: "internal" });
  });
});
