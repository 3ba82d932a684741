import { describe, expect, test } from "bun:test";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";
import { namesUser } from "../helpers/presence.ts";

const run = useServer();

async function user(name: string, mode: "interactive" | "listen" | "oneshot" = "interactive") {
  const r = await registered(run.server.url, name, mode);
  run.track(r.client);
  return r;
}

async function again(token: string, mode: "interactive" | "listen" | "oneshot" = "interactive") {
  const c = await authed(run.server.url, token, mode);
  run.track(c);
  return c;
}

describe("Delivery", () => {
  test("two connections of one user both receive room messages and DMs", async () => {
    const server = await run.start();
    const { client: alice } = await user("alice");
    const { client: bob, token } = await user("bob");
    const bobPhone = await again(token, "listen");
    await alice.call({ type: "create", room: "lobby" });
    await bob.call({ type: "join", room: "lobby" });
    await alice.call({ type: "send", room: "lobby", text: "to the room" });
    await alice.call({ type: "dm", to: "bob", text: "to bob" });
    for (const c of [bob, bobPhone]) {
      expect(await c.next("message")).toMatchObject({ from: "alice", text: "to the room" });
      expect(await c.next("dm")).toMatchObject({ from: "alice", to: "bob", text: "to bob" });
    }
  });

  test("the sender's request is answered with the stored message it also receives as an event", async () => {
    const server = await run.start();
    const { client: alice } = await user("alice");
    await alice.call({ type: "create", room: "lobby" });
    const sent = await alice.call({ type: "send", room: "lobby", text: "hi", clientId: "c-1" });
    const event = await alice.next("message");
    expect(event).toMatchObject(sent.message as Record<string, unknown>);
    const resent = await alice.call({ type: "send", room: "lobby", text: "hi", clientId: "c-1" });
    expect(resent.message).toEqual(sent.message);
    const history = await alice.call({ type: "history", room: "lobby" });
    expect(history.messages).toHaveLength(1);
  });

  test("a DM to an offline user comes when that user next connects with since", async () => {
    const server = await run.start();
    const { client: alice } = await user("alice");
    const bob = await TestClient.connect(server.url);
    const session = await bob.call({ type: "register", user: "bob", password: "password1" });
    await bob.close();
    await alice.call({ type: "dm", to: "bob", text: "are you there?" });
    const back = await TestClient.connect(server.url);
    run.track(back);
    const token = String(session.token);
    await back.call({ type: "auth", token, mode: "interactive", since: session.cursor });
    expect(await back.next("dm")).toMatchObject({ from: "alice", text: "are you there?" });
    await back.next("synced");
    // Delivered after the session reply, so a client that waits for it misses nothing.
    const order = back.received.map((f) => f.type);
    expect(order.indexOf("session")).toBeLessThan(order.indexOf("dm"));
    expect(order.indexOf("dm")).toBeLessThan(order.indexOf("synced"));
  });

  test("typing is shown to members and cleared when the typist disconnects", async () => {
    const server = await run.start();
    const { client: alice } = await user("alice");
    const { client: bob } = await user("bob");
    await alice.call({ type: "create", room: "lobby" });
    await bob.call({ type: "join", room: "lobby" });
    await bob.call({ type: "typing", room: "lobby", typing: true });
    expect(await alice.next("typing")).toMatchObject({ user: "bob", typing: true });
    const who = await alice.call({ type: "who", room: "lobby" });
    expect(who.users).toContainEqual({ user: "bob", status: "online", typing: true });
    await bob.close();
    expect(await alice.next("typing")).toMatchObject({ user: "bob", typing: false });
    await alice.waitFor(namesUser("bob", "offline"));
  });

  test("with --idle-after 1 a quiet user goes idle, then online again on activity", async () => {
    const server = await run.start({ args: ["--idle-after", "1"] });
    const { client: alice } = await user("alice");
    await alice.call({ type: "create", room: "lobby" });
    const { client: bob } = await user("bob");
    await bob.call({ type: "join", room: "lobby" });
    const idle = await alice.waitFor(namesUser("bob", "idle"));
    await bob.call({ type: "activity" });
    const isLater = (f: object) =>
      alice.received.indexOf(f as never) > alice.received.indexOf(idle);
    await alice.waitFor((f) => namesUser("bob", "online")(f) && isLater(f));
  });

  test("join requests reach the online admin; the decision reaches the requester", async () => {
    const server = await run.start();
    const { client: alice } = await user("alice");
    const { client: bob } = await user("bob", "listen");
    await alice.call({ type: "create", room: "club", open: false, visible: false });
    expect(await bob.call({ type: "join", room: "club" })).toMatchObject({ status: "pending" });
    expect(await alice.next("join_request")).toMatchObject({ room: "club", user: "bob" });
    await alice.call({ type: "approve", room: "club", user: "bob" });
    expect(await bob.next("join_decision")).toMatchObject({ room: "club", approved: true });
    await alice.call({ type: "send", room: "club", text: "welcome" });
    expect(await bob.next("message")).toMatchObject({ text: "welcome" });
  });

  test("kick stops delivery to every connection of the user at once", async () => {
    const server = await run.start();
    const { client: alice } = await user("alice");
    const { client: bob, token } = await user("bob");
    const bobPhone = await again(token, "listen");
    await alice.call({ type: "create", room: "r" });
    await bob.call({ type: "join", room: "r" });
    await alice.call({ type: "kick", room: "r", user: "bob" });
    expect(
      await bobPhone.waitFor((f) => f.type === "member" && f.event === "kicked"),
    ).toMatchObject({
      user: "bob",
    });
    await alice.call({ type: "send", room: "r", text: "secret" });
    // A round trip on each of bob's connections: anything published before it has arrived.
    await bob.call({ type: "ping" });
    await bobPhone.call({ type: "ping" });
    expect([...bob.pending(), ...bobPhone.pending()].filter((f) => f.type === "message")).toEqual(
      [],
    );
  });
});
