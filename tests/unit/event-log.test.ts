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
