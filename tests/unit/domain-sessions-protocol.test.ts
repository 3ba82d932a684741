import { describe, expect, test } from "bun:test";
import { parseClientMessage, ProtocolError } from "../../shared/parse.ts";

const parse = (obj: unknown) => parseClientMessage(JSON.stringify(obj));

describe("Session frames", () => {
  test("sessions, revoke by id or all others, passwd keepSessions and login client parse", () => {
    expect(parse({ type: "sessions", id: "1" })).toEqual({ type: "sessions", id: "1" });
    expect(parse({ type: "revoke", session: "abc" })).toEqual({ type: "revoke", session: "abc" });
    expect(parse({ type: "revoke", allOthers: true })).toEqual({ type: "revoke", allOthers: true });
    expect(parse({ type: "passwd", old: "a", new: "b", keepSessions: true })).toEqual({
      type: "passwd",
      old: "a",
      new: "b",
      keepSessions: true,
    });
    expect(parse({ type: "login", user: "u", password: "p", client: "bot 1" })).toMatchObject({
      client: "bot 1",
    });
  });

  test("revoke needs exactly one of session and allOthers; wrong types are refused", () => {
    const bad = [
      { type: "revoke" },
      { type: "revoke", allOthers: false },
      { type: "revoke", session: "abc", allOthers: true },
      { type: "revoke", session: 5 },
      { type: "revoke", session: "x".repeat(65) },
      { type: "passwd", old: "a", new: "b", keepSessions: "yes" },
      { type: "login", user: "u", password: "p", client: "x".repeat(257) },
      { type: "register", user: "u", password: "p", client: 1 },
    ];
    for (const frame of bad) expect(() => parse(frame)).toThrow(ProtocolError);
  });
});
