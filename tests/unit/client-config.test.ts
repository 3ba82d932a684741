import { describe, expect, test } from "bun:test";
import { mergeGlobals, readGlobalValues, splitLeadingGlobals } from "../../client/args.ts";
import { normalizeServerUrl, resolveConfigDir, resolveServer } from "../../client/config.ts";
import { UsageError } from "../../client/errors.ts";

describe("Server URLs", () => {
  test("http and https are read as ws and wss", () => {
    expect(normalizeServerUrl("http://chat.example.com:8765")).toBe("ws://chat.example.com:8765");
    expect(normalizeServerUrl("https://chat.example.com/chat")).toBe("wss://chat.example.com/chat");
  });

  test("a bare host:port gets ws:// and a lone trailing slash is dropped", () => {
    expect(normalizeServerUrl("localhost:8765")).toBe("ws://localhost:8765");
    expect(normalizeServerUrl("ws://localhost:8765/")).toBe("ws://localhost:8765");
  });

  test("other schemes are a usage error", () => {
    expect(() => normalizeServerUrl("ftp://x")).toThrow(UsageError);
  });

  test("an explicit server wins, then the last login's, then localhost", () => {
    const auth = { last: "ws://saved:1", sessions: {} };
    expect(resolveServer("http://given:2", auth)).toBe("ws://given:2");
    expect(resolveServer(null, auth)).toBe("ws://saved:1");
    expect(resolveServer(undefined, { last: null, sessions: {} })).toBe("ws://localhost:8765");
  });
});

describe("Config folder", () => {
  test("flag, then CHAT_CONFIG_DIR, then XDG_CONFIG_HOME, then APPDATA on Windows, then ~/.config", () => {
    const env = { CHAT_CONFIG_DIR: "/c", XDG_CONFIG_HOME: "/x", HOME: "/h", APPDATA: "/a" };
    expect(resolveConfigDir("/f", env, "linux")).toBe("/f");
    expect(resolveConfigDir(undefined, env, "linux")).toBe("/c");
    expect(resolveConfigDir(undefined, { XDG_CONFIG_HOME: "/x", HOME: "/h" }, "linux")).toBe(
      "/x/chat",
    );
    expect(resolveConfigDir(undefined, { APPDATA: "/a", HOME: "/h" }, "win32")).toMatch(
      /^\/a.chat$/,
    );
    expect(resolveConfigDir(undefined, { HOME: "/h" }, "linux")).toBe("/h/.config/chat");
  });
});

describe("Global options", () => {
  test("leading global options are split from the command", () => {
    const { globals, rest } = splitLeadingGlobals([
      "--server",
      "ws://a:1",
      "--json",
      "--timeout=3",
      "send",
      "lobby",
      "--json",
    ]);
    expect(globals).toEqual(["--server", "ws://a:1", "--json", "--timeout=3"]);
    expect(rest).toEqual(["send", "lobby", "--json"]);
  });

  test("values after the command win over leading ones", () => {
    const leading = readGlobalValues({ server: "ws://a:1", timeout: "3" });
    const later = readGlobalValues({ server: "ws://b:2", json: true });
    const merged = mergeGlobals(leading, later);
    expect(merged.server).toBe("ws://b:2");
    expect(merged.timeout).toBe(3);
    expect(merged.json).toBe(true);
  });

  test("a timeout that is not a positive number is a usage error", () => {
    expect(() => readGlobalValues({ timeout: "soon" })).toThrow(UsageError);
    expect(() => readGlobalValues({ timeout: "0" })).toThrow(UsageError);
  });
});
