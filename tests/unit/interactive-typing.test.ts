import { describe, expect, test } from "bun:test";
import { TypingNotifier } from "../../client/interactive/typing.ts";

function setup() {
  let now = 1_000_000;
  const sent: string[] = [];
  const notifier = new TypingNotifier(
    {
      typing: (room, typing) => sent.push(`${room}:${typing ? "typing" : "stopped"}`),
      activity: () => sent.push("activity"),
    },
    () => now,
  );
  return { notifier, sent, advance: (ms: number) => (now += ms) };
}

describe("TypingNotifier", () => {
  test("keystrokes send typing at most once per 3 s, renewed after that", () => {
    const { notifier, sent, advance } = setup();
    notifier.edited("h", "lobby");
    notifier.edited("he", "lobby");
    advance(2_999);
    notifier.edited("hel", "lobby");
    expect(sent).toEqual(["activity", "lobby:typing"]);
    advance(1);
    notifier.edited("hell", "lobby");
    expect(sent).toEqual(["activity", "lobby:typing", "lobby:typing"]);
  });

  test("emptying the line says stopped once", () => {
    const { notifier, sent } = setup();
    notifier.edited("h", "lobby");
    notifier.edited("", "lobby");
    notifier.edited("", "lobby");
    expect(sent).toEqual(["activity", "lobby:typing", "lobby:stopped"]);
  });

  test("a stopped notice lets the next keystroke say typing at once", () => {
    const { notifier, sent } = setup();
    notifier.edited("a", "lobby");
    notifier.stop();
    notifier.edited("b", "lobby");
    expect(sent.filter((s) => s.startsWith("lobby"))).toEqual([
      "lobby:typing",
      "lobby:stopped",
      "lobby:typing",
    ]);
  });

  test("lines starting with / never say typing", () => {
    const { notifier, sent } = setup();
    notifier.edited("/", "lobby");
    notifier.edited("/dm bob hello", "lobby");
    expect(sent).toEqual(["activity"]);
  });

  test("turning a message into a command withdraws the typing notice", () => {
    const { notifier, sent } = setup();
    notifier.edited("x", "lobby");
    notifier.edited("", "lobby");
    notifier.edited("/", "lobby");
    expect(sent).toEqual(["activity", "lobby:typing", "lobby:stopped"]);
  });

  test("switching rooms while typing stops in the old room and types in the new", () => {
    const { notifier, sent } = setup();
    notifier.edited("x", "lobby");
    notifier.edited("xy", "dev");
    expect(sent).toEqual(["activity", "lobby:typing", "lobby:stopped", "dev:typing"]);
  });

  test("keystrokes are reported as activity at most once per 10 s", () => {
    const { notifier, sent, advance } = setup();
    notifier.edited("/a", "lobby");
    advance(9_999);
    notifier.edited("/ab", "lobby");
    advance(1);
    notifier.edited("/abc", "lobby");
    expect(sent).toEqual(["activity", "activity"]);
  });

  test("without a room nothing says typing", () => {
    const { notifier, sent } = setup();
    notifier.edited("hello", null);
    expect(sent).toEqual(["activity"]);
  });
});
