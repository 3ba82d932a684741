/**
 * Joining and leaving a room, changing its settings and handing it over tell every member and
 * take places among the room's kept events, so each counts as a message for the rate limit
 * (SPEC 6): a join and leave loop on an open room from an account that is not even a member no
 * longer pushes the room's messages out of what a member who was away gets back through the
 * cursor, and an admin's edit or handover loop reaches the members no faster than messages.
 */
import { expect, test } from "bun:test";
import { TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

async function registered(name: string): Promise<{ client: TestClient; session: Frame }> {
  const client = await TestClient.connect(run.server.url);
  run.track(client);
  const session = await client.call({ type: "register", user: name, password: "password123" });
  return { client, session };
}

test("120 join-and-leave loops on an open room: a member's catch-up still has its messages", async () => {
  // The loop never waits retryAfterMs; closing it for that is abuse-waits.test.ts's subject.
  await run.start({ args: ["--rate-limit", "--ignored-waits", "0"] });
  const { client: alice } = await registered("alice");
  await alice.call({ type: "create", room: "lobby" });
  const { client: bob, session } = await registered("bob");
  await bob.call({ type: "join", room: "lobby" });
  const cursor = (await bob.call({ type: "sync", since: session.cursor as string })).cursor;
  await bob.close();
  for (let i = 0; i < 5; i++) await alice.call({ type: "send", room: "lobby", text: `news ${i}` });

  const { client: mallory } = await registered("mallory");
  const joins: Frame[] = [];
  for (let i = 0; i < 120; i++) {
    joins.push(await mallory.request({ type: "join", room: "lobby" }));
    // A leave after a refused join is forbidden (not a member): it changes nothing either.
    await mallory.request({ type: "leave", room: "lobby" });
  }
  // The message bucket holds 20, a loop takes two: most joins are refused, with the wait.
  const limited = joins.filter((r) => r.type === "error");
  expect(limited.length).toBeGreaterThanOrEqual(90);
  for (const r of limited) expect(r).toMatchObject({ code: "rate_limited" });
  expect(mallory.ws.readyState).toBe(WebSocket.OPEN);

  // Bob comes back with his cursor: every message, nothing said to be missing.
  const back = await TestClient.connect(run.server.url);
  run.track(back);
  await back.call({ type: "auth", token: session.token as string, since: cursor as string });
  const last = await back.waitFor((f) => f.type === "synced" && f.more === false);
  expect(last.truncated).toEqual([]);
  const texts = back.received.filter((f) => f.type === "message").map((f) => f.text);
  expect(texts).toEqual(["news 0", "news 1", "news 2", "news 3", "news 4"]);
});

test("a join and a leave are refused rate_limited past the message burst, then go through", async () => {
  await run.start({ args: ["--rate-limit"] });
  const { client: alice } = await registered("alice");
  await alice.call({ type: "create", room: "lobby" });
  const { client: carol } = await registered("carol");
  let refused: Frame | undefined;
  for (let i = 0; i < 30 && refused === undefined; i++) {
    const reply = await carol.request({ type: i % 2 === 0 ? "join" : "leave", room: "lobby" });
    if (reply.type === "error") refused = reply;
  }
  expect(refused).toMatchObject({ code: "rate_limited" });
  await Bun.sleep(refused!.retryAfterMs as number);
  const again = await carol.request({ type: "join", room: "lobby" });
  expect(["joined", "error"]).toContain(again.type);
  if (again.type === "joined") expect(again.status).toBe("joined");
  else expect(await carol.request({ type: "leave", room: "lobby" })).toMatchObject({ type: "ok" });
});

test("40 topic edits at once: past the message burst rate_limited, members hear the rest", async () => {
  await run.start({ args: ["--rate-limit"] });
  const { client: alice } = await registered("alice");
  await alice.call({ type: "create", room: "lobby" });
  const { client: bob } = await registered("bob");
  await bob.call({ type: "join", room: "lobby" });
  const edits = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      alice.request({ type: "edit", room: "lobby", topic: `topic ${i}` }),
    ),
  );
  const done = edits.filter((r) => r.type === "room");
  const limited = edits.filter((r) => r.type === "error");
  expect(limited.length).toBeGreaterThanOrEqual(15);
  for (const r of limited) expect(r).toMatchObject({ code: "rate_limited" });
  await bob.request({ type: "ping" });
  expect(bob.received.filter((f) => f.type === "room_update").length).toBe(done.length);
});

test("a handover loop between two admins is refused rate_limited past the message burst", async () => {
  await run.start({ args: ["--rate-limit"] });
  const { client: alice } = await registered("alice");
  await alice.call({ type: "create", room: "lobby" });
  const { client: bob } = await registered("bob");
  await bob.call({ type: "join", room: "lobby" });
  let isAliceAdmin = true;
  const limited: Frame[] = [];
  for (let i = 0; i < 80; i++) {
    const [client, to] = isAliceAdmin ? [alice, "bob"] : [bob, "alice"];
    const reply = await client.request({ type: "handover", room: "lobby", user: to });
    if (reply.type === "ok") isAliceAdmin = !isAliceAdmin;
    else limited.push(reply);
  }
  expect(limited.length).toBeGreaterThanOrEqual(20);
  for (const r of limited) expect(r).toMatchObject({ code: "rate_limited" });
});
