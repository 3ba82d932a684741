/**
 * Presence fan-out through the real server (SPEC 6): a user reconnecting in a loop, or
 * changing their away message as fast as they may, reaches the members of their rooms as a
 * bounded number of presence events, not one or two per connection.
 */
import { describe, expect, test } from "bun:test";
import { authed, registered } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";
import { entriesOf, namesUser } from "../helpers/presence.ts";

const run = useServer();

describe("Presence fan-out", () => {
  test("a connect/disconnect loop of 40 is one presence event for a room member", async () => {
    // No window: what the loop published has reached alice before the message that follows it.
    const args = ["--rate-limit", "--offline-grace", "60", "--presence-window-ms", "0"];
    const server = await run.start({ args });
    const { client: alice } = await registered(server.url, "alice");
    run.track(alice);
    await alice.call({ type: "create", room: "lobby" });
    const { client: first, token } = await registered(server.url, "mallory", "listen");
    await first.call({ type: "join", room: "lobby" });
    await first.close();
    for (let i = 0; i < 40; i++) (await authed(server.url, token, "listen")).ws.close();
    const last = await authed(server.url, token, "listen");
    run.track(last);
    await last.call({ type: "send", room: "lobby", text: "done" });
    // Everything published before "done" has reached alice by now.
    await alice.waitFor((f) => f.type === "message" && f.text === "done");
    expect(entriesOf(alice.received, "mallory")).toEqual([]);
  });

  test("20 users arriving together reach a member in a few events naming each once", async () => {
    // A window longer than the arrivals take: one event (two if they straddle its end).
    const server = await run.start({ args: ["--presence-window-ms", "2000"] });
    const { client: alice } = await registered(server.url, "alice");
    run.track(alice);
    await alice.call({ type: "create", room: "lobby" });
    const names = Array.from({ length: 20 }, (_, i) => `crowd${i}`);
    const tokens: string[] = [];
    for (const name of names) {
      const { client, token } = await registered(server.url, name, "oneshot");
      await client.call({ type: "join", room: "lobby" });
      await client.close();
      tokens.push(token);
    }
    const live = await Promise.all(tokens.map((t) => authed(server.url, t, "listen")));
    live.forEach((c) => run.track(c));
    while (names.some((name) => entriesOf(alice.received, name).length === 0)) {
      await alice.next("presence", 10_000);
    }
    for (const name of names) {
      expect(entriesOf(alice.received, name)).toEqual([{ user: name, status: "online" }]);
    }
    const events = alice.received.filter((f) => f.type === "presence");
    expect(events.length).toBeLessThan(names.length);
    expect(events.every((f) => f.room === "lobby")).toBe(true);
  });

  test("offline is told once the grace passes without a live connection", async () => {
    const server = await run.start({ args: ["--rate-limit", "--offline-grace", "1"] });
    const { client: alice } = await registered(server.url, "alice");
    run.track(alice);
    await alice.call({ type: "create", room: "lobby" });
    const { client: bob } = await registered(server.url, "bob", "listen");
    await bob.call({ type: "join", room: "lobby" });
    await bob.close();
    await alice.waitFor(namesUser("bob", "offline"));
  });
});
