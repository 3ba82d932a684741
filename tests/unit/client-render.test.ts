import { describe, expect, test } from "bun:test";
import { eventJson } from "../../client/json.ts";
import {
  makeColors,
  renderEvent,
  renderMessage,
  renderRooms,
  shouldUseColor,
} from "../../client/render.ts";

const plain = makeColors(false);
const HOSTILE = "hi\x1b]52;c;aGk=\x07\x1b[2J\u202e there";

describe("Colour decision", () => {
  const base = { json: false, noColor: false, isTTY: true, env: {} };
  test("on a terminal only, never with --json, --no-color or NO_COLOR", () => {
    expect(shouldUseColor(base)).toBe(true);
    expect(shouldUseColor({ ...base, isTTY: false })).toBe(false);
    expect(shouldUseColor({ ...base, json: true })).toBe(false);
    expect(shouldUseColor({ ...base, noColor: true })).toBe(false);
    expect(shouldUseColor({ ...base, env: { NO_COLOR: "1" } })).toBe(false);
  });

  test("CI does not turn colour on in a pipe; FORCE_COLOR does", () => {
    expect(shouldUseColor({ ...base, isTTY: false, env: { CI: "true" } })).toBe(false);
    expect(shouldUseColor({ ...base, isTTY: false, env: { FORCE_COLOR: "1" } })).toBe(true);
  });

  test("colours off means no escape codes at all", () => {
    const line = renderMessage(
      { id: "1", room: "lobby", from: "alice", text: "hi", ts: "2026-11-25T12:00:00.000Z" },
      plain,
    );
    expect(line).not.toContain("\x1b");
    expect(line).toMatch(/^\d\d:\d\d #lobby alice: hi$/);
  });
});

describe("Received text is sanitised before printing", () => {
  test("human lines and JSON lines carry no control sequences", () => {
    const event = { type: "message", id: "1", room: "lobby", from: "eve", text: HOSTILE, ts: "x" };
    expect(renderEvent(event, plain)).not.toMatch(/[\x1b\x07\u202e]/);
    expect(eventJson(event)?.text).toBe("hi there");
  });

  test("unknown events are sanitised too", () => {
    const out = eventJson({ type: "novel", note: HOSTILE, replyTo: "3" });
    expect(out).toEqual({ type: "novel", note: "hi there" });
  });
});

describe("Listen lines", () => {
  test("events other than messages get the local time when it is given", () => {
    const presence = { type: "presence", user: "bob", status: "idle" };
    expect(renderEvent(presence, plain)).toBe("* bob is idle");
    expect(renderEvent(presence, plain, new Date(2026, 0, 1, 9, 5))).toBe("09:05 * bob is idle");
  });

  test("a read marker moved on another device is one short line, hostile ids made inert", () => {
    const room = { type: "read", room: "lobby", upTo: "019a-1", seq: "0000000000000042" };
    expect(renderEvent(room, plain)).toBe("* #lobby read up to 019a-1");
    const dm = { type: "read", user: "bob", upTo: HOSTILE };
    expect(renderEvent(dm, plain)).toBe("* @bob read up to hi there");
  });
});

describe("JSON shapes", () => {
  test("each listen event has exactly the fields of the specification", () => {
    expect(
      eventJson({ type: "dm", id: "1", from: "a", to: "b", text: "t", ts: "z", extra: 1 }),
    ).toEqual({ type: "dm", id: "1", from: "a", to: "b", text: "t", ts: "z" });
    expect(eventJson({ type: "presence", user: "bob", status: "idle" })).toEqual({
      type: "presence",
      user: "bob",
      status: "idle",
    });
    expect(eventJson({ type: "typing", room: "r", user: "bob", typing: true })).toEqual({
      type: "typing",
      room: "r",
      user: "bob",
      typing: true,
    });
    expect(eventJson({ type: "join_request", room: "r", user: "c" })).toEqual({
      type: "join_request",
      room: "r",
      user: "c",
    });
    expect(eventJson({ type: "join_decision", room: "r", approved: false })).toEqual({
      type: "join_decision",
      room: "r",
      approved: false,
    });
  });
});

describe("Tables", () => {
  test("rooms line up in columns", () => {
    const text = renderRooms(
      [
        {
          name: "lobby",
          open: true,
          visible: true,
          admin: "alice",
          members: 3,
          role: "member",
          topic: "",
        },
        {
          name: "x",
          open: false,
          visible: false,
          admin: "bob",
          members: 12,
          role: null,
          topic: "t",
        },
      ],
      plain,
    );
    const lines = text.split("\n");
    expect(lines).toHaveLength(3);
    const col = (line: string) =>
      line.indexOf("alice") >= 0 ? line.indexOf("alice") : line.indexOf("bob");
    expect(col(lines[1] ?? "")).toBe(col(lines[2] ?? ""));
    expect(lines[0]).toMatch(/^ROOM\s+ACCESS\s+VISIBILITY\s+ADMIN\s+MEMBERS\s+ROLE\s+TOPIC$/);
  });
});
