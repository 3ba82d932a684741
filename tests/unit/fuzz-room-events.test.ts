import { describe, expect, test } from "bun:test";
import type { RoomInfo } from "../../shared/protocol.ts";
import { makeColors } from "../../client/render.ts";
import type { Shown } from "../../client/interactive/display.ts";
import { RoomEvents, type RoomEventTarget } from "../../client/interactive/room-events.ts";
import { UNSAFE } from "../helpers/terminal-safety.ts";

function target(printed: string[]): RoomEventTarget {
  return {
    me: "alice",
    rooms: new Map<string, RoomInfo>(),
    users: new Set<string>(),
    opts: { colors: makeColors(false) },
    print: (shown: Shown) => printed.push(shown.text),
    refreshRooms: async () => {},
    watchRoom: async () => {},
    leftRoom: () => {},
  };
}

const EVIL = "x\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e\x9b1m";
const ODD: unknown[] = [undefined, null, 1, true, [], {}, EVIL, { name: EVIL, topic: EVIL }];
const TYPES = [
  "presence",
  "join_request",
  "join_decision",
  "member",
  "room_update",
  "room_shutdown",
];

describe("Interactive room notices from a hostile server", () => {
  test("events with hostile or wrongly typed fields neither throw nor print terminal controls", () => {
    const printed: string[] = [];
    const events = new RoomEvents(target(printed));
    const failures: string[] = [];
    for (const type of TYPES) {
      for (const value of ODD) {
        const e = { type, room: value, user: value, status: value, event: value, approved: value };
        try {
          events.handle(type, e);
        } catch (err) {
          failures.push(`${type} with ${JSON.stringify(value)}: ${String(err)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(printed.length).toBeGreaterThan(0);
    for (const line of printed) expect([...line].filter((ch) => UNSAFE.test(ch))).toEqual([]);
  });
});
