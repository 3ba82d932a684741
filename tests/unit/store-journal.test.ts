import { describe, expect, test } from "bun:test";
import { parseJournal } from "../../server/store/journal.ts";
import { checkHistoryFile, checkRoomsFile, checkUsersFile } from "../../server/store/validate.ts";

const HEADER = '{"journal":"g1"}\n';
const OP1 = '{"op":"session_del","tokenHash":"a"}\n';
const OP2 = '{"op":"session_del","tokenHash":"b"}\n';

function parse(text: string) {
  return parseJournal("/data/journal.jsonl", Buffer.from(text));
}

describe("parseJournal", () => {
  test("reads the generation and each op with the offset of its line", () => {
    const j = parse(HEADER + OP1 + OP2);
    expect(j.gen).toBe("g1");
    expect(j.entries.map((e) => e.offset)).toEqual([HEADER.length, HEADER.length + OP1.length]);
    expect(j.entries.map((e) => e.op)).toEqual([
      { op: "session_del", tokenHash: "a" },
      { op: "session_del", tokenHash: "b" },
    ]);
    expect(j.validBytes).toBe(j.totalBytes);
  });

  test("a last line without its newline is left out, even if it parses", () => {
    for (const tail of ['{"op":"session_del","tok', OP2.trimEnd()]) {
      const j = parse(HEADER + OP1 + tail);
      expect(j.entries).toHaveLength(1);
      expect(j.validBytes).toBe(HEADER.length + OP1.length);
    }
  });

  test("an invalid complete last line is left out", () => {
    const j = parse(`${HEADER + OP1}\u0000\u0000\u0000\n`);
    expect(j.entries).toHaveLength(1);
    expect(j.validBytes).toBe(HEADER.length + OP1.length);
  });

  test("an invalid line before the last is an error naming the journal and the line", () => {
    expect(() => parse(`${HEADER}{"op":"nope"}\n${OP1}`)).toThrow("/data/journal.jsonl: line 2");
    expect(() => parse(`${HEADER}not json\n${OP1}`)).toThrow("/data/journal.jsonl: line 2");
  });

  test("an empty journal has no generation and nothing to replay", () => {
    expect(parse("")).toEqual({ gen: null, entries: [], validBytes: 0, totalBytes: 0 });
  });
});

describe("snapshot file shapes", () => {
  test("well-formed files pass, with the journal mark when present", () => {
    const users = checkUsersFile({ users: [{ name: "ann", passwordHash: "h", created: "t" }] });
    expect(users.users[0]).toEqual({ name: "ann", passwordHash: "h", created: "t" });
    expect(users.sessions).toEqual([]);
    expect(users.journal).toBeNull();
    const mark = { gen: "g", offset: 10 };
    expect(checkRoomsFile({ rooms: [], journal: mark }).journal).toEqual(mark);
    expect(checkHistoryFile({ history: { "room:a": [] } }).history).toEqual({ "room:a": [] });
  });

  test("wrong shapes are refused with what is wrong", () => {
    expect(() => checkUsersFile([])).toThrow("top level");
    expect(() => checkUsersFile({ users: [{ name: 1 }] })).toThrow('"users" entry 0');
    expect(() => checkRoomsFile({ rooms: {} })).toThrow('"rooms" is not a list');
    expect(() => checkRoomsFile({ rooms: [], journal: { gen: 1 } })).toThrow('"journal"');
    expect(() => checkHistoryFile({ history: { "room:a": [{ id: "x" }] } })).toThrow("room:a");
  });
});
