import { describe, expect, test } from "bun:test";
import { applyOp, emptySnapshot } from "../../server/store/apply.ts";
import type { LegacyUserRecord, Notice, Snapshot, StoreOp } from "../../server/store/store.ts";
import { checkUsersFile, isStoreOp } from "../../server/store/validate.ts";

function dm(id: string, text = `text ${id}`): Notice {
  return { type: "dm", id, from: "ann", to: "bob", text, ts: "2026-01-01T00:00:00.000Z" };
}

function decision(room: string, approved: boolean): Notice {
  return { type: "join_decision", room, approved };
}

function applyAll(s: Snapshot, ops: StoreOp[], limit = 200): Snapshot {
  for (const op of ops) applyOp(s, op, limit);
  return s;
}

function queued(s: Snapshot, user = "bob"): Notice[] {
  const all = s.notices ?? {};
  return Object.hasOwn(all, user) ? all[user]!.map((q) => q.notice) : [];
}

const notice = (seq: number, n: Notice, user = "bob"): StoreOp => ({
  op: "notice",
  user,
  seq,
  notice: n,
});

describe("Queued notices in the store", () => {
  test("each notice is an op of its own whose line does not grow with the queue", () => {
    const s = emptySnapshot();
    const lines: number[] = [];
    for (let i = 1; i <= 300; i++) {
      const op = notice(i, dm(`m${String(i).padStart(4, "0")}`));
      lines.push(JSON.stringify(op).length);
      applyOp(s, op, 1000);
    }
    expect(queued(s)).toHaveLength(300);
    // Lines differ only by the digits of their number.
    expect(Math.max(...lines) - Math.min(...lines)).toBeLessThanOrEqual(2);
  });

  test("a queue keeps at most the limit of DMs, the oldest dropped", () => {
    const s = emptySnapshot();
    for (let i = 1; i <= 12; i++) applyOp(s, notice(i, dm(`m${i}`)), 5);
    expect(queued(s).map((n) => (n.type === "dm" ? n.id : ""))).toEqual([
      "m8",
      "m9",
      "m10",
      "m11",
      "m12",
    ]);
  });

  test("a later decision for a room replaces the earlier one; decisions are capped too", () => {
    const s = emptySnapshot();
    let seq = 0;
    for (let i = 0; i < 300; i++) applyOp(s, notice(++seq, decision("r", i % 2 === 0)), 5);
    expect(queued(s)).toEqual([decision("r", false)]);
    for (const room of ["a", "b", "c", "d", "e", "f", "g"]) {
      applyOp(s, notice(++seq, decision(room, false)), 5);
    }
    expect(queued(s).map((n) => (n.type === "join_decision" ? n.room : ""))).toEqual([
      "c",
      "d",
      "e",
      "f",
      "g",
    ]);
  });

  test("DMs and decisions are capped apart: a flood of one kind does not push out the other", () => {
    const s = applyAll(emptySnapshot(), [notice(1, decision("r", true))], 3);
    for (let i = 2; i < 50; i++) applyOp(s, notice(i, dm(`m${i}`)), 3);
    expect(queued(s)[0]).toEqual(decision("r", true));
    expect(queued(s)).toHaveLength(4);
  });

  test("a clear drops the notices up to its number and leaves later ones", () => {
    const s = applyAll(emptySnapshot(), [
      notice(1, dm("m1")),
      notice(2, dm("m2")),
      notice(3, dm("m3")),
      { op: "notice_clear", user: "bob", upTo: 2 },
    ]);
    expect(queued(s)).toEqual([dm("m3")]);
    applyOp(s, { op: "notice_clear", user: "bob", upTo: 3 }, 200);
    expect(s.notices).toEqual({});
    // A clear for a user with nothing queued changes nothing.
    applyOp(s, { op: "notice_clear", user: "carol", upTo: 9 }, 200);
    expect(s.notices).toEqual({});
  });

  test("applying a notice op twice leaves one notice", () => {
    const op = notice(1, dm("m1"));
    expect(queued(applyAll(emptySnapshot(), [op, op]))).toEqual([dm("m1")]);
  });

  test("a user named like an object's built-in property has a queue like anyone", () => {
    const s = applyAll(emptySnapshot(), [notice(1, dm("m1"), "constructor")]);
    expect(queued(s, "constructor")).toEqual([dm("m1")]);
    applyOp(s, { op: "notice_clear", user: "constructor", upTo: 1 }, 200);
    expect(queued(s, "constructor")).toEqual([]);
  });

  test("a user op of an older version replaces the queue and is stored without it", () => {
    const legacy: LegacyUserRecord = {
      name: "bob",
      passwordHash: "h",
      created: "t",
      notices: [dm("m1"), decision("r", false)],
    };
    const s = applyAll(emptySnapshot(), [notice(1, dm("m0")), { op: "user", user: legacy }]);
    expect(queued(s)).toEqual([dm("m1"), decision("r", false)]);
    expect(s.users[0]).toEqual({ name: "bob", passwordHash: "h", created: "t" });
    // The old version cleared the queue by storing the record with an empty list.
    const cleared: LegacyUserRecord = { ...legacy, notices: [] };
    applyOp(s, { op: "user", user: cleared }, 200);
    expect(queued(s)).toEqual([]);
    // A record of this version leaves the queue alone.
    applyAll(s, [
      notice(1, dm("m2")),
      { op: "user", user: { name: "bob", passwordHash: "x", created: "t" } },
    ]);
    expect(queued(s)).toEqual([dm("m2")]);
  });

  test("journal lines of the new ops are recognised; malformed ones are not", () => {
    expect(isStoreOp(notice(1, dm("m1")))).toBe(true);
    expect(isStoreOp({ op: "notice_clear", user: "bob", upTo: 4 })).toBe(true);
    expect(isStoreOp({ op: "notice", user: "bob", seq: 0, notice: dm("m1") })).toBe(false);
    expect(isStoreOp({ op: "notice", user: "bob", seq: 1, notice: { type: "dm" } })).toBe(false);
    expect(isStoreOp({ op: "notice_clear", user: "bob" })).toBe(false);
  });
});

describe("users.json with notices", () => {
  test("the queue is read beside the records, in order of number", () => {
    const file = checkUsersFile({
      users: [{ name: "bob", passwordHash: "h", created: "t" }],
      notices: {
        bob: [
          { seq: 2, notice: dm("m2") },
          { seq: 1, notice: dm("m1") },
        ],
      },
    });
    expect(file.notices.bob!.map((q) => q.seq)).toEqual([1, 2]);
  });

  test("a file of an older version (queues inside the records) is read into the queue", () => {
    const file = checkUsersFile({
      users: [{ name: "bob", passwordHash: "h", created: "t", notices: [dm("m1")] }],
    });
    expect(file.users).toEqual([{ name: "bob", passwordHash: "h", created: "t" }]);
    expect(file.notices).toEqual({ bob: [{ seq: 1, notice: dm("m1") }] });
  });

  test("malformed notices are refused with what is wrong", () => {
    const users = [{ name: "bob", passwordHash: "h", created: "t" }];
    expect(() => checkUsersFile({ users, notices: [] })).toThrow('"notices"');
    expect(() => checkUsersFile({ users, notices: { bob: [{ seq: 1 }] } })).toThrow("notices.bob");
  });
});
