import { afterEach, describe, expect, test } from "bun:test";
import { ChatError, ConnectionError } from "../../client/errors.ts";
import { OUTBOX_MAX } from "../../client/interactive/outbox.ts";
import { FakeConnection, quitSession, setup } from "./interactive-harness.ts";
import { KEY, tick } from "./interactive-terminal.ts";

afterEach(quitSession);

const sends = (conn: FakeConnection) =>
  conn.ofType("send") as { type: "send"; room: string; text: string; clientId?: string }[];

describe("nothing typed is lost", () => {
  test("a count shows near the 4000 limit; over it Enter refuses and keeps the text", async () => {
    const { term, conn, session } = await setup();
    term.input.write("x".repeat(3700));
    await tick();
    expect(term.screen().at(-1)).toBe("3700/4000");
    term.input.write("y".repeat(400));
    await tick();
    expect(term.screen().at(-1)).toBe("4100/4000: 100 over, shorten it to send");
    await term.type(KEY.enter);
    await Bun.sleep(5);
    expect(sends(conn)).toEqual([]);
    expect(term.text()).toContain("! not sent: 100 characters over the limit of 4000");
    expect(session.line.line).toBe(`${"x".repeat(3700)}${"y".repeat(400)}`);
  });

  test("a paste of more than five lines asks first; declined, it goes back into the input", async () => {
    const { term, conn, dialogs, session } = await setup({ answers: [false, true] });
    const text = Array.from({ length: 8 }, (_, i) => `row ${i + 1}`).join("\n");
    term.input.write(`\x1b[200~${text.replace(/\n/g, "\r")}\x1b[201~`);
    await tick();
    await term.type(KEY.enter);
    await Bun.sleep(5);
    expect(dialogs.asked).toEqual(["Send these 8 lines to #lobby as one message?"]);
    expect(sends(conn)).toEqual([]);
    expect(session.line.line).toBe(text);
    expect(term.text()).toContain("-- not sent; the text is back in the input");
    await term.type(KEY.enter);
    await Bun.sleep(5);
    expect(sends(conn)).toMatchObject([{ room: "lobby", text }]);
  });

  test("text typed in no room stays in the input", async () => {
    const { term, conn } = await setup();
    conn.emit({ type: "member", room: "lobby", user: "alice", event: "left" });
    conn.emit({ type: "member", room: "dev", user: "alice", event: "left" });
    await term.type(`hello${KEY.enter}`);
    await Bun.sleep(5);
    expect(term.text()).toContain("! you are in no room: /join <room> first");
    expect(term.screen().at(-1)).toBe("(no room)> hello");
  });
});

describe("a message typed while disconnected", () => {
  test("waits, and is sent once the connection is back", async () => {
    const { term, conn } = await setup();
    conn.setState("reconnecting");
    await term.type(`typed offline${KEY.enter}`);
    await Bun.sleep(5);
    expect(sends(conn)).toEqual([]);
    expect(term.text()).toContain('-- not connected: "typed offline" is sent when the connection');
    conn.setState("open");
    await Bun.sleep(10);
    expect(sends(conn)).toMatchObject([{ room: "lobby", text: "typed offline" }]);
    expect(term.text()).toContain("alice: typed offline");
  });

  test("lost with the connection while in flight, it is sent again with the same clientId", async () => {
    const { term, conn } = await setup();
    let isDown = true;
    conn.answer = (m) => {
      if (m.type !== "send" || !isDown) return null;
      conn.setState("reconnecting");
      throw new ConnectionError("timeout", "no reply from the server within 10 s");
    };
    await term.type(`in flight${KEY.enter}`);
    await Bun.sleep(5);
    expect(term.text()).not.toContain("! not sent");
    isDown = false;
    conn.setState("open");
    await Bun.sleep(10);
    const [first, again] = sends(conn);
    expect(again).toMatchObject({ text: "in flight" });
    expect(again?.clientId).toBe(first?.clientId);
    expect(term.text().split("alice: in flight").length - 1).toBe(1);
  });

  test("a message the server refuses goes back into the input", async () => {
    const { term, conn } = await setup();
    conn.answer = (m) => {
      if (m.type === "send") throw new ChatError("forbidden", "not a member of #lobby");
      return null;
    };
    await term.type(`refused text${KEY.enter}`);
    await Bun.sleep(5);
    expect(term.text()).toContain("! not sent: not a member of #lobby");
    expect(term.screen().at(-1)).toBe("#lobby> refused text");
  });
});

describe("the messages that wait for the connection", () => {
  test("are bounded: past the bound a message stays in the input", async () => {
    const { term, conn, session } = await setup();
    conn.setState("reconnecting");
    for (let i = 0; i < OUTBOX_MAX; i++) await session.say(`waiting ${i}`);
    await session.say("one too many");
    expect(term.text()).toContain(`! not sent: ${OUTBOX_MAX} messages already wait`);
    expect(session.line.line).toBe("one too many");
    conn.setState("open");
    await Bun.sleep(20);
    expect(sends(conn).length).toBe(OUTBOX_MAX);
  });
});
