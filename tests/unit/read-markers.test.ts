import { describe, expect, test } from "bun:test";
import { Conversations } from "../../server/domain/conversations.ts";
import { mentionTest, ReadMarkers } from "../../server/domain/read-markers.ts";
import { emptySnapshot } from "../../server/store/store.ts";
import { replayed } from "../helpers/memory-store.ts";
import type { StoredMessage } from "../../server/store/store.ts";
import { isStoreOp } from "../../server/store/validate.ts";
import { Harness } from "../helpers/domain.ts";

function message(id: string, from: string, text: string): StoredMessage {
  return { id, from, text, ts: "2026-11-25T12:00:00.000Z", room: "lobby" };
}

// The counts computed the slow way, to hold the incremental ones against.
function bruteForce(list: StoredMessage[], start: number, marker: string, user: string) {
  const after = list.slice(start).filter((m) => m.id > marker && m.from !== user && !m.deleted);
  const test = mentionTest(user);
  return { unread: after.length, mentions: after.filter((m) => test.test(m.text)).length };
}

describe("Mentions", () => {
  test("a name counts as a word or as @name in any case, never inside a longer name", () => {
    const bob = mentionTest("bob");
    for (const yes of ["bob", "Hi BOB!", "@bob: look", "(bob)", "bob,alice", "x@bob"]) {
      expect([yes, bob.test(yes)]).toEqual([yes, true]);
    }
    for (const no of ["bobby", "xbob", "bob-x", "bob_y", "b0b", "bo b", "bob1"]) {
      expect([no, bob.test(no)]).toEqual([no, false]);
    }
    expect(mentionTest("a-1").test("ping a-1.")).toBe(true);
    expect(mentionTest("a-1").test("ping a-12")).toBe(false);
  });
});

describe("ReadMarkers", () => {
  test("a marker only moves forward", () => {
    const marks = new ReadMarkers({ bob: { "room:lobby": "m5" } });
    expect(marks.move("bob", "room:lobby", "m3")).toBe(false);
    expect(marks.get("bob", "room:lobby")).toBe("m5");
    expect(marks.move("bob", "room:lobby", "m7")).toBe(true);
    expect(marks.get("bob", "room:lobby")).toBe("m7");
    expect(marks.get("ann", "room:lobby")).toBeUndefined();
  });

  test("counts asked again and again match a full count as messages come, the marker moves and old messages leave", () => {
    const marks = new ReadMarkers();
    const list: StoredMessage[] = [];
    const limit = 20;
    const test = mentionTest("bob");
    let next = 0;
    const add = (n: number) => {
      for (let i = 0; i < n; i++, next++) {
        const from = next % 5 === 0 ? "bob" : "ann";
        const text = next % 3 === 0 ? `hey @bob ${next}` : next % 4 === 0 ? "bobby" : "hello";
        list.push(message(`m${String(next).padStart(4, "0")}`, from, text));
      }
    };
    // Replaced messages (edits, deletions), as the history counts them.
    let changes = 0;
    const check = () => {
      const start = Math.max(0, list.length - limit);
      const got = marks.counts("room:lobby", { list, start, changes }, "bob", test);
      const marker = marks.get("bob", "room:lobby") ?? "";
      expect(got).toEqual(bruteForce(list, start, marker, "bob"));
    };
    add(7);
    check();
    check();
    add(5);
    check();
    marks.move("bob", "room:lobby", list[9]!.id);
    check();
    add(30); // the window moves past the marker
    check();
    marks.move("bob", "room:lobby", list[list.length - 4]!.id);
    check();
    marks.move("bob", "room:lobby", list[list.length - 1]!.id);
    check();
    add(3);
    check();
    // An edit is a new object: its new text is tested again; a deleted message counts no more.
    const edit = (i: number, text: string) => {
      const at = list.length - i;
      list[at] = { ...list[at]!, text, edited: "2026-11-25T12:01:00.000Z" };
      changes++;
    };
    edit(1, "now naming @bob");
    edit(2, "no longer naming anyone");
    check();
    list[list.length - 3] = { ...list[list.length - 3]!, text: "", deleted: true };
    changes++;
    check();
    edit(1, "plain again");
    check();
  });

  test("counts asked again over a window that did not change read no message", () => {
    const marks = new ReadMarkers();
    const messages = Array.from({ length: 200 }, (_, i) =>
      message(`m${String(i).padStart(4, "0")}`, "ann", i % 2 ? "hi @bob" : "hello"),
    );
    let reads = 0;
    // Counts the messages read from the list (indexing it), not its length.
    const list = new Proxy(messages, {
      get(target, prop, receiver) {
        if (typeof prop === "string" && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, receiver);
      },
    });
    const bob = mentionTest("bob");
    const count = (changes = 0) =>
      marks.counts("room:lobby", { list, start: 0, changes }, "bob", bob);
    expect(count()).toEqual({ unread: 200, mentions: 100 });
    const first = reads;
    expect(first).toBeGreaterThanOrEqual(200);
    for (let i = 0; i < 100; i++) expect(count()).toEqual({ unread: 200, mentions: 100 });
    // Each call looks at the ends of the window only.
    expect(reads - first).toBeLessThanOrEqual(100 * 2);
    // A replaced message, a new one or a marker moved: counted again.
    messages[199] = { ...messages[199]!, text: "", deleted: true };
    expect(count(1)).toEqual({ unread: 199, mentions: 99 });
    messages.push(message("m0200", "ann", "@bob again"));
    expect(count(1)).toEqual({ unread: 200, mentions: 100 });
    marks.move("bob", "room:lobby", "m0100");
    expect(count(1)).toEqual({ unread: 99, mentions: 50 });
  });
});

describe("Stored markers", () => {
  test("a read op is one small line, replayed idempotently and never backwards", () => {
    const op = { op: "read", user: "bob", key: "room:lobby", upTo: "019ab-2" } as const;
    expect(isStoreOp(op)).toBe(true);
    expect(isStoreOp({ ...op, upTo: 7 })).toBe(false);
    expect(JSON.stringify(op).length).toBeLessThan(100);
    let snap = replayed([op, op, { ...op, upTo: "019ab-1" }], 200);
    expect(snap.reads).toEqual({ bob: { "room:lobby": "019ab-2" } });
    // A user or key named like an Object property is a plain entry.
    snap = replayed([{ ...op, user: "constructor", key: "__proto__" }], 200, snap);
    expect(Object.keys(snap.reads!)).toEqual(["bob", "constructor"]);
    expect(Object.getPrototypeOf(snap.reads!.constructor)).toBe(Object.prototype);
  });
});

describe("Conversations index", () => {
  test("partners come newest first, move on each DM, and page from a cursor", () => {
    const history = {
      "dm:ann:bob": [message("m1", "ann", "a"), message("m4", "bob", "b")],
      "dm:bob:cy": [message("m2", "cy", "c")],
      "dm:bob:bob": [message("m3", "bob", "note to self")],
      "room:lobby": [message("m9", "ann", "not a DM")],
    };
    const index = new Conversations(history);
    const names = (user: string, cursor?: string) =>
      [...index.newestFirst(user, cursor)].map((p) => `${p.user}:${p.lastId}`);
    expect(names("bob")).toEqual(["ann:m4", "bob:m3", "cy:m2"]);
    expect(names("cy")).toEqual(["bob:m2"]);
    expect(names("eve")).toEqual([]);
    index.touch("cy", "bob", "m5");
    index.touch("bob", "ann", "m0"); // an older id never moves a partner back
    expect(names("bob")).toEqual(["cy:m5", "ann:m4", "bob:m3"]);
    expect(names("bob", "m4")).toEqual(["bob:m3"]);
    expect(names("bob", "m45")).toEqual(["ann:m4", "bob:m3"]);
    index.touch("eve", "dan", "m6");
    expect(names("dan")).toEqual(["eve:m6"]);
  });

  test("conversations through the domain list a page of partners and nothing of others", async () => {
    const h = new Harness({
      replyBounds: {
        roomsPage: 200,
        whoPage: 1000,
        requestsPage: 1000,
        historyPageBytes: 512 * 1024,
        conversationsPage: 2,
      },
    });
    const bob = await h.user("bob");
    for (const name of ["ann", "cy", "dee"]) {
      const c = await h.user(name);
      await h.call(c, { type: "dm", to: "bob", text: `hi bob from ${name}` });
    }
    const eve = await h.user("eve");
    const first = (await h.call(bob, { type: "conversations" })) as {
      conversations: { user: string; unread: number; mentions: number }[];
      next?: string;
    };
    expect(first.conversations.map((c) => [c.user, c.unread, c.mentions])).toEqual([
      ["dee", 1, 1],
      ["cy", 1, 1],
    ]);
    const rest = await h.call(bob, { type: "conversations", cursor: first.next });
    expect(rest).toMatchObject({ conversations: [{ user: "ann" }] });
    expect(await h.call(eve, { type: "conversations" })).toEqual({
      type: "conversations",
      conversations: [],
    });
  });
});
