import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { type FakeServer, fakeServer } from "../helpers/fake-server.ts";
import { Terminals } from "./terminals.ts";
import { hasTmux } from "./tmux.ts";

// Real processes: 5 s per test is too tight on a busy machine.
setDefaultTimeout(30_000);

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();

/** A server whose #lobby holds a message from two days ago, one from yesterday and one now. */
function serverWithBacklog(): FakeServer {
  const message = (n: number, ts: number, text: string) => ({
    id: `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}`,
    room: "lobby",
    from: "bob",
    text,
    ts: new Date(ts).toISOString(),
  });
  const lobby = {
    name: "lobby",
    open: true,
    visible: true,
    admin: "bob",
    members: 2,
    role: "member",
    topic: "",
  };
  return fakeServer("days", (msg, conn) => {
    switch (msg.type) {
      case "auth":
        return conn.reply({ type: "session", user: "alice", token: "t" });
      case "rooms":
        return conn.reply({ type: "rooms", rooms: [lobby] });
      case "history":
        return conn.reply({
          type: "history",
          room: "lobby",
          messages: [
            message(1, NOW - 2 * DAY, "BEFORE-YESTERDAY"),
            message(2, NOW - DAY, "YESTERDAY"),
            message(3, NOW, "TODAY"),
          ],
        });
      case "who":
        return conn.reply({ type: "who", room: "lobby", users: [] });
      default:
        return conn.reply({ type: "ok" });
    }
  });
}

function dayLine(ts: number): string {
  const label = new Date(ts).toLocaleDateString("en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
  });
  return `--- ${label} ---`;
}

describe.skipIf(!hasTmux())("the backlog in a terminal", () => {
  let server: FakeServer;
  const people = new Terminals(() => server.url);
  const { tmux } = people;

  beforeAll(() => {
    server = serverWithBacklog();
  });

  afterAll(() => {
    people.close();
    server?.stop();
  });

  test("older messages come after a line naming their day, today's after today's", async () => {
    people.start("alice", { CHAT_TOKEN: "t" });
    const first = await tmux.waitFor("alice", (s) => s.includes("Which room?") || s.endsWith(">"));
    if (first.includes("Which room?")) tmux.press("alice", "Enter");
    const screen = await tmux.waitFor("alice", (s) => s.includes("TODAY") && s.endsWith("#lobby>"));
    const order = [
      dayLine(NOW - 2 * DAY),
      "bob: BEFORE-YESTERDAY",
      dayLine(NOW - DAY),
      "bob: YESTERDAY",
      dayLine(NOW),
      "bob: TODAY",
    ].map((text) => screen.indexOf(text));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
