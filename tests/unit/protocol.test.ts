import { describe, expect, test } from "bun:test";
import { parseClientMessage, ProtocolError } from "../../shared/parse.ts";
import { normalizeRoomName, normalizeUserName, sanitizeText } from "../../shared/protocol.ts";

describe("Names", () => {
  test("user names are lower-cased and checked", () => {
    expect(normalizeUserName("Alice")).toBe("alice");
    expect(normalizeUserName("_alice")).toBeNull();
    expect(normalizeUserName("a".repeat(33))).toBeNull();
    expect(normalizeUserName("../x")).toBeNull();
  });

  test("a leading # on a room name is dropped", () => {
    expect(normalizeRoomName("#Lobby")).toBe("lobby");
    expect(normalizeRoomName("##lobby")).toBeNull();
  });
});

describe("Sanitising text", () => {
  test("CSI, OSC, BEL, backspace and bidi overrides are removed; newline and tab stay", () => {
    const hostile = "a\x1b[31mred\x1b[0m\x1b]52;c;aGk=\x07b\x08\x07\u202e\tc\nd\x9b2J";
    expect(sanitizeText(hostile)).toBe("aredb\tc\nd");
  });

  test("an OSC title change terminated by ST is removed whole", () => {
    expect(sanitizeText("x\x1b]0;pwned\x1b\\y")).toBe("xy");
  });
});

describe("Parsing client frames", () => {
  test("a send frame keeps its known fields only", () => {
    const msg = parseClientMessage(
      JSON.stringify({ type: "send", id: "1", room: "lobby", text: "hi", extra: 1 }),
    );
    expect(msg).toEqual({ type: "send", id: "1", room: "lobby", text: "hi" });
  });

  test("malformed frames are rejected with a reason", () => {
    expect(() => parseClientMessage("{")).toThrow(ProtocolError);
    expect(() => parseClientMessage("[]")).toThrow("JSON object");
    expect(() => parseClientMessage('{"type":"nope"}')).toThrow("unknown message type");
    expect(() => parseClientMessage('{"type":"send","room":"x"}')).toThrow("'text'");
    expect(() => parseClientMessage('{"type":"history"}')).toThrow("exactly one");
  });

  test("auth, login and sync take batch: true; anything but a boolean is refused", () => {
    const since = "0000000000000003";
    const auth = { type: "auth", token: "t", since, batch: true } as const;
    expect(parseClientMessage(JSON.stringify(auth))).toEqual(auth);
    const login = {
      type: "login",
      user: "bob",
      password: "password1",
      since,
      batch: true,
    } as const;
    expect(parseClientMessage(JSON.stringify(login))).toEqual(login);
    expect(parseClientMessage(JSON.stringify({ type: "sync", since, batch: true }))).toEqual({
      type: "sync",
      since,
      batch: true,
    });
    // false is the default: not kept.
    expect(parseClientMessage(JSON.stringify({ ...auth, batch: false }))).toEqual({
      type: "auth",
      token: "t",
      since,
    });
    for (const batch of ["yes", 1, null, {}]) {
      for (const frame of [auth, login, { type: "sync", since }]) {
        expect(() => parseClientMessage(JSON.stringify({ ...frame, batch }))).toThrow("'batch'");
      }
    }
  });
});
