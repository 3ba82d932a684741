import { describe, expect, test } from "bun:test";
import { parseJournal } from "../../server/store/journal.ts";
import { checkUsersFile, journalOp } from "../../server/store/validate.ts";

// Queues of notices as older versions stored them; offline delivery is the log now.
const dm = { type: "dm", id: "m1", from: "ann", to: "bob", text: "from before", ts: "t" };
const bob = { name: "bob", passwordHash: "h", created: "t" };

describe("users.json with the notice queues of older versions", () => {
  test("a top-level queue and queues inside the records are read and dropped", () => {
    const file = checkUsersFile({
      users: [{ ...bob, notices: [dm] }],
      notices: { bob: [{ seq: 1, notice: dm }] },
    });
    expect(file.users).toEqual([bob]);
    expect(file).not.toHaveProperty("notices");
  });

  test("the rest of the file is checked as strictly as before", () => {
    expect(() => checkUsersFile({ users: [{ ...bob, notices: "x" }] })).toThrow('"users" entry 0');
    expect(() => checkUsersFile({ users: [{ name: "bob" }], notices: {} })).toThrow('"users"');
  });
});

describe("Journal lines of the notice queues of older versions", () => {
  test("notice and notice_clear lines are accepted and ignored", () => {
    expect(journalOp({ op: "notice", user: "bob", seq: 3, notice: dm })).toBe("obsolete");
    expect(journalOp({ op: "notice_clear", user: "bob", upTo: 3 })).toBe("obsolete");
    const lines = [
      { journal: "g1" },
      { op: "notice", user: "bob", seq: 1, notice: dm },
      { op: "user", user: bob },
      { op: "notice_clear", user: "bob", upTo: 1 },
    ];
    const text = lines.map((l) => `${JSON.stringify(l)}\n`).join("");
    const j = parseJournal("/data/journal.jsonl", Buffer.from(text));
    expect(j.entries.map((e) => e.op)).toEqual([{ op: "user", user: bob }]);
    expect(j.validBytes).toBe(text.length);
  });

  test("a user line with a queue inside is the record without it", () => {
    expect(journalOp({ op: "user", user: { ...bob, notices: [dm] } })).toEqual({
      op: "user",
      user: bob,
    });
  });

  test("other lines are checked as before", () => {
    expect(journalOp({ op: "notice" })).toBeNull();
    expect(journalOp({ op: "user", user: { name: "bob" } })).toBeNull();
    expect(journalOp({ op: "nope", user: "bob" })).toBeNull();
  });
});
