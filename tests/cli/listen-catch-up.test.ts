/**
 * `chat listen` catching up through the server's cursor after its connection was lost: what
 * was missed in every member room (also rooms past the first page of `rooms`, and more than
 * one catch-up page of it) is printed once and in order; and naming more rooms than a
 * connection's request burst at start waits the limit out instead of failing.
 */
import { describe, expect, test } from "bun:test";
import { registered, Wire } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";
import { wsRelay } from "../helpers/ws-relay.ts";
import { PASSWORD, registerUser } from "./helpers.ts";

const run = useServer();

const ROOMS = ["r1", "r2", "r3", "r4", "r5"];
/** Missed messages, spread over the rooms: 90 KB, more than one 64 KiB catch-up page. */
const MISSED = 30;
const FILLER = "x".repeat(3000);

describe("chat listen catching up", () => {
  test("after a lost connection, what was missed in every room is printed once and in order, also rooms past the first `rooms` page", async () => {
    const server = await run.start({ args: ["--rooms-page", "2", "--history-page-kib", "64"] });
    const relay = run.track(wsRelay(server.url));
    const alice = run.track(await registered(server.url, "alice"));
    const bob = await registerUser(relay.url, "bob");
    const bobWire = run.track(await Wire.open(server.url));
    await bobWire.ok({ type: "login", user: bob.name, password: PASSWORD, mode: "oneshot" });
    for (const room of ROOMS) {
      await alice.ok({ type: "create", room });
      await bobWire.ok({ type: "join", room });
    }
    // Bob's rooms take three pages of `rooms`: r5 is not on the first.
    const firstPage = await bobWire.ok({ type: "rooms" });
    expect((firstPage.rooms as { name: string }[]).map((r) => r.name)).toEqual(["r1", "r2"]);

    const l = run.track(await bob.listen(["--json", "--count", String(1 + MISSED)]));
    await alice.ok({ type: "send", room: "r1", text: "before" });
    await l.waitForJson((e) => e.text === "before", "the message before the cut");
    relay.cut();
    await l.waitUntil(() => l.stderr.includes("reconnecting"), "the reconnecting notice");
    const sent = Array.from({ length: MISSED }, (_, i) => `missed ${i}`);
    for (const [i, text] of sent.entries()) {
      await alice.ok({ type: "send", room: ROOMS[i % ROOMS.length], text: `${text} ${FILLER}` });
    }
    relay.mend();

    const messages = () => l.json.filter((e) => e.type === "message");
    await l.waitUntil(() => messages().length >= 1 + MISSED, "every missed message", 20_000);
    expect(await l.proc.exited).toBe(0);
    const printed = messages().map((e) => [e.room, String(e.text).split(" ", 2).join(" ")]);
    expect(printed).toEqual([
      ["r1", "before"],
      ...sent.map((text, i) => [ROOMS[i % ROOMS.length], text]),
    ]);
    expect(l.stderr).toContain("reconnected");
    expect(l.stderr).not.toContain("missed more than the server keeps");
  });
});

describe("chat listen in many rooms", () => {
  test("naming more rooms than a connection's request burst at start waits the limit out, not an error", async () => {
    // 2 requests a second, bursts of 8: the authentication and 8 rooms checked are one too many.
    const server = await run.start({
      args: [
        "--rate-limit",
        "--requests-per-connection",
        "2",
        "--requests-per-user",
        "1000",
        "--room-create-limit",
        "20/1",
      ],
    });
    const bob = await registerUser(server.url, "bob");
    const rooms = Array.from({ length: 8 }, (_, i) => `r${i}`);
    for (const room of rooms) await bob.ok(["create", room]);
    const l = run.track(await bob.listen([...rooms, "--json", "--count", "1"]));
    await bob.ok(["send", "r7", "made it"]);
    const messages = () => l.json.filter((e) => e.type === "message");
    await l.waitUntil(() => messages().length >= 1, "the message");
    expect(await l.proc.exited).toBe(0);
    expect(messages().map((e) => e.text)).toEqual(["made it"]);
    expect(l.stderr).not.toContain("rate");
  });
});

describe("chat listen --since with rooms named", () => {
  test("a catch-up page of more events than the client keeps unclaimed, come while the rooms are checked, is printed whole", async () => {
    // More than the 1,000 events a connection keeps for a listener that has not come yet.
    const many = 1200;
    const server = await run.start({ args: ["--history-limit", "2000"] });
    const alice = run.track(await registered(server.url, "alice"));
    const bob = await registerUser(server.url, "bob");
    const bobWire = run.track(await Wire.open(server.url));
    await alice.ok({ type: "create", room: "big" });
    const session = await bobWire.ok({
      type: "login",
      user: bob.name,
      password: PASSWORD,
      mode: "oneshot",
    });
    await bobWire.ok({ type: "join", room: "big" });
    for (let i = 0; i < many; i++) await alice.ok({ type: "send", room: "big", text: `m${i}` });
    const args = ["big", "--json", "--since", String(session.cursor), "--count", String(many)];
    const l = run.track(await bob.listen(args));
    const messages = () => l.json.filter((e) => e.type === "message");
    await l.waitUntil(() => messages().length >= many, "every missed message", 20_000);
    expect(await l.proc.exited).toBe(0);
    expect(messages().map((e) => e.text)).toEqual(Array.from({ length: many }, (_, i) => `m${i}`));
  });
});
