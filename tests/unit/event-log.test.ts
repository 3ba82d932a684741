import { describe, expect, test } from "bun:test";
import { EventLog } from "../../server/domain/event-log.ts";
import type { LogEntry, StoredMessage } from "../../server/store/store.ts";

function message(seq: number): StoredMessage {
  return { id: `m${seq}`, from: "ann", text: "hi", ts: "t", room: "lobby", seq };
}

function entry(seq: number, stream = "room:lobby"): LogEntry {
  return { seq, stream, event: { type: "topic", room: "lobby", topic: `t${seq}` } };
}

/** What a snapshot would store of `key`: its kept events other than messages. */
function savedEntries(log: EventLog, key: string): number[] {
  const saved = [...log.saved()].find((s) => s.key === key);
  return saved ? saved.entries.map((e) => e.seq) : [];
}

describe("EventLog as a snapshot stores it", () => {
  test("a stream of messages alone stores no events; one with events stores those still kept", () => {
    const log = new EventLog(3);
    for (let seq = 1; seq <= 5; seq++) log.add("room:lobby", message(seq));
    expect(savedEntries(log, "room:lobby")).toEqual([]);

    log.add("room:lobby", entry(6));
    log.add("room:lobby", message(7));
    expect(savedEntries(log, "room:lobby")).toEqual([6]);

    // The event leaves the window of 3: nothing of it is stored.
    log.add("room:lobby", message(8));
    log.add("room:lobby", message(9));
    expect(savedEntries(log, "room:lobby")).toEqual([]);

    // An event applied after a newer one (replayed late) is kept in seq order.
    log.add("room:lobby", entry(12));
    log.add("room:lobby", entry(11));
    expect(savedEntries(log, "room:lobby")).toEqual([11, 12]);
  });

  test("the dropped count and last dropped seq come with the stored events", () => {
    const log = new EventLog(2);
    for (let seq = 1; seq <= 50; seq++) log.add("room:lobby", seq % 10 ? message(seq) : entry(seq));
    const saved = [...log.saved()].find((s) => s.key === "room:lobby")!;
    expect(saved.entries.map((e) => e.seq)).toEqual([50]);
    expect(saved.trimmed).toEqual({ seq: 48, count: 48, first: 1 });
  });
});

describe("EventLog streams", () => {
  // The window of a stream as sync reads it: seqs and frames from `start` on.
  function window(log: EventLog, key: string): { seqs: number[]; frames: unknown[] } {
    const s = log.stream(key)!;
    return { seqs: s.seqs.slice(s.start), frames: s.frames.slice(s.start) };
  }

  test("messages to many streams, however many are added between reads, are kept in order", () => {
    const log = new EventLog(5);
    const keys = ["room:a", "room:b", "room:c"];
    const added = new Map<string, number[]>(keys.map((k) => [k, []]));
    for (let seq = 1; seq <= 20_000; seq++) {
      const key = keys[seq % 3]!;
      if (seq % 997 === 0) log.add(key, entry(seq, key));
      else log.add(key, { ...message(seq), room: key.slice(5) }, `frame ${seq}`);
      added.get(key)!.push(seq);
      expect(log.position).toBe(seq);
      if (seq % 4999 === 0) {
        for (const k of keys) expect(window(log, k).seqs).toEqual(added.get(k)!.slice(-5));
      }
    }
    for (const k of keys) {
      const all = added.get(k)!;
      const { seqs, frames } = window(log, k);
      expect(seqs).toEqual(all.slice(-5));
      expect(frames).toEqual(seqs.map((seq) => (seq % 997 === 0 ? undefined : `frame ${seq}`)));
      const s = log.stream(k)!;
      expect(s.droppedCount).toBe(all.length - 5);
      expect(s.lastDropped).toBe(all[all.length - 6]!);
      expect(s.firstSeq).toBe(all[0]!);
    }
  });

  test("an edit applies to a message added just before it, not yet read by anyone", () => {
    const log = new EventLog(10);
    log.add("room:lobby", message(1), "frame 1");
    const edit: LogEntry = {
      seq: 2,
      stream: "room:lobby",
      event: { type: "edited", room: "lobby", id: "m1", text: "changed", edited: "t2" },
    };
    log.add("room:lobby", edit);
    const s = log.stream("room:lobby")!;
    expect(s.items[s.start]).toMatchObject({ id: "m1", text: "changed", edited: "t2" });
    expect(s.frames[s.start]).toBeUndefined(); // serialised again by the next catch-up
  });

  test("a DM stream is known to both users as soon as its first message is added", () => {
    const log = new EventLog(10);
    const dm: StoredMessage = { id: "d1", from: "ann", to: "bob", text: "hi", ts: "t", seq: 1 };
    log.add("dm:ann:bob", dm, "frame");
    expect([...log.dmStreamsOf("ann")]).toEqual(["dm:ann:bob"]);
    expect([...log.dmStreamsOf("bob")]).toEqual(["dm:ann:bob"]);
    expect(log.stream("dm:ann:bob")!.seqs).toEqual([1]);
  });
});
