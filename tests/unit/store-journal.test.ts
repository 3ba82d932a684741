import { describe, expect, test } from "bun:test";
import { journalLine, parseJournal } from "../../server/store/journal.ts";
import { ENCODED, storedMessage } from "../../server/store/store.ts";
import type { StoreOp, StoredMessage } from "../../server/store/store.ts";
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

describe("message lines", () => {
  const message: StoredMessage = {
    id: "m1",
    from: "ann",
    text: 'say "hi"\n',
    ts: "2026-01-01T00:00:00.000Z",
    room: "lobby",
    clientId: "c1",
    seq: 42,
  };
  const event =
    '{"type":"message","id":"m1","room":"lobby","from":"ann","text":"say \\"hi\\"\\n",' +
    '"ts":"2026-01-01T00:00:00.000Z","seq":"0000000000000042"}';

  test("a message whose event was encoded is stored as that text and read back as the message", () => {
    const op: StoreOp = { op: "msg", key: "room:lobby", message: { ...message } };
    op[ENCODED] = event;
    const line = journalLine(op);
    expect(line).toBe(`{"op":"msg","clientId":"c1","event":${event}}`);
    const j = parse(`${HEADER}${line}\n`);
    expect(j.entries[0]!.op).toEqual({ op: "msg", key: "room:lobby", message });
    // Read back, it is made as a new message is: the same fields in the same order (one shape).
    const read = (j.entries[0]!.op as { message: StoredMessage }).message;
    expect(Object.keys(read)).toEqual(Object.keys(storedMessage({ ...message, seq: 42 })));
    // The same message written by an older version (the message's own JSON) reads the same.
    const old = parse(`${HEADER}${JSON.stringify({ op: "msg", key: "room:lobby", message })}\n`);
    expect(old.entries[0]!.op).toEqual(j.entries[0]!.op);
  });

  test("a DM and an action keep their recipient and mark; no clientId, none read back", () => {
    const dm: StoredMessage = { id: "d1", from: "ann", text: "hi", ts: "t", to: "bob", seq: 7 };
    const op: StoreOp = { op: "msg", key: "dm:ann:bob", message: dm };
    op[ENCODED] =
      '{"type":"dm","id":"d1","from":"ann","to":"bob","text":"hi","ts":"t","seq":"0000000000000007","action":true}';
    const read = parse(`${HEADER}${journalLine(op)}\n`).entries[0]!.op;
    expect(read).toEqual({ op: "msg", key: "dm:ann:bob", message: { ...dm, action: true } });
  });

  test("a message line with a malformed event is refused", () => {
    for (const bad of [
      '{"type":"message","id":"m1","from":"ann","text":"x","ts":"t","seq":"42"}',
      '{"type":"message","id":"m1","from":"ann","text":"x","ts":"t","seq":"0000000000000042"}',
      '{"type":"dm","id":"m1","from":"ann","text":"x","ts":"t","seq":"0000000000000042"}',
      '{"type":"message","id":"m1","room":"a","from":"ann","ts":"t","seq":"0000000000000042"}',
      '"text"',
    ]) {
      const line = `{"op":"msg","event":${bad}}`;
      expect(() => parse(`${HEADER}${line}\n${OP1}`)).toThrow("line 2");
    }
    const line = `{"op":"msg","clientId":5,"event":${event}}`;
    expect(() => parse(`${HEADER}${line}\n${OP1}`)).toThrow("line 2");
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
