/**
 * Bans, invites, handing a room over and away messages through the real server (SPEC 5.3):
 * admin only, bounded per room, hidden rooms answering non-members as missing rooms do.
 */
import { describe, expect, test } from "bun:test";
import { loggedIn, registered, type Received, type Wire } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";
import { namesUser, presenceEntry } from "../helpers/presence.ts";

const run = useServer({
  isPerFile: true,
  start: { args: ["--max-bans-per-room", "2", "--max-invites-per-room", "2"] },
});

async function user(name: string, mode = "oneshot"): Promise<Wire> {
  const w = await registered(run.server.url, name, mode);
  run.track(w);
  return w;
}

const ADMIN_REQUESTS = ["ban", "unban", "invite", "uninvite", "handover"] as const;

describe("Ban", () => {
  test("the admin bans a member: told with member banned, removed, refused until unbanned", async () => {
    const alice = await user("ban-alice");
    const bob = await user("ban-bob", "listen");
    const carol = await user("ban-carol", "listen");
    await alice.ok({ type: "create", room: "ban-room" });
    await bob.ok({ type: "join", room: "ban-room" });
    await carol.ok({ type: "join", room: "ban-room" });
    // Neither a member nor a stranger may ban.
    expect(await carol.request({ type: "ban", room: "ban-room", user: "ban-bob" })).toMatchObject({
      code: "forbidden",
      message: "only the admin of 'ban-room' can ban",
    });
    const stranger = await user("ban-dave");
    expect(
      await stranger.request({ type: "ban", room: "ban-room", user: "ban-bob" }),
    ).toMatchObject({ code: "forbidden" });
    const told = bob.next((m) => m.type === "member" && m.event === "banned");
    const seen = carol.next((m) => m.type === "member" && m.event === "banned");
    await alice.ok({ type: "ban", room: "ban-room", user: "ban-bob" });
    expect(await told).toMatchObject({ room: "ban-room", user: "ban-bob" });
    expect(typeof (await seen).seq).toBe("string");
    // Nothing more reaches bob from the room.
    await alice.ok({ type: "send", room: "ban-room", text: "after the ban" });
    await carol.next((m) => m.type === "message" && m.text === "after the ban");
    expect(bob.received.some((m) => m.text === "after the ban")).toBe(false);
    expect(await bob.request({ type: "join", room: "ban-room" })).toMatchObject({
      code: "forbidden",
      message: "you are banned from 'ban-room'",
    });
    expect(await alice.ok({ type: "bans", room: "ban-room" })).toMatchObject({
      room: "ban-room",
      users: ["ban-bob"],
    });
    expect(await carol.request({ type: "bans", room: "ban-room" })).toMatchObject({
      code: "forbidden",
    });
    await alice.ok({ type: "unban", room: "ban-room", user: "ban-bob" });
    expect(await alice.ok({ type: "bans", room: "ban-room" })).toMatchObject({ users: [] });
    expect(await bob.ok({ type: "join", room: "ban-room" })).toMatchObject({ status: "joined" });
    expect(await alice.request({ type: "unban", room: "ban-room", user: "ban-bob" })).toMatchObject(
      { code: "not_found" },
    );
    expect(await alice.request({ type: "ban", room: "ban-room", user: "ban-alice" })).toMatchObject(
      { code: "bad_request" },
    );
    expect(
      await alice.request({ type: "ban", room: "ban-room", user: "ban-nobody" }),
    ).toMatchObject({ code: "not_found", message: "no such user 'ban-nobody'" });
  });

  test("a pending requester is banned: the request goes, they are told, their next request refused", async () => {
    const alice = await user("banp-alice");
    const eve = await user("banp-eve", "listen");
    await alice.ok({ type: "create", room: "banp-club", open: false });
    expect(await eve.ok({ type: "join", room: "banp-club" })).toMatchObject({ status: "pending" });
    const told = eve.next((m) => m.type === "member" && m.event === "banned");
    await alice.ok({ type: "ban", room: "banp-club", user: "banp-eve" });
    expect(await told).toMatchObject({ room: "banp-club", user: "banp-eve" });
    expect(await alice.ok({ type: "requests", room: "banp-club" })).toMatchObject({
      requests: [],
    });
    expect(await eve.request({ type: "join", room: "banp-club" })).toMatchObject({
      code: "forbidden",
    });
  });

  test("bans are bounded per room and listed in pages", async () => {
    const alice = await user("banb-alice");
    await user("banb-u1");
    await user("banb-u2");
    await user("banb-u3");
    await alice.ok({ type: "create", room: "banb-room" });
    await alice.ok({ type: "ban", room: "banb-room", user: "banb-u2" });
    await alice.ok({ type: "ban", room: "banb-room", user: "banb-u1" });
    // Banning again changes nothing and is not refused.
    await alice.ok({ type: "ban", room: "banb-room", user: "banb-u1" });
    expect(await alice.request({ type: "ban", room: "banb-room", user: "banb-u3" })).toMatchObject({
      code: "forbidden",
      message: "'banb-room' has 2 bans, the most a room may have",
    });
    const first = await alice.ok({ type: "bans", room: "banb-room", limit: 1 });
    expect(first).toMatchObject({ users: ["banb-u1"], next: "banb-u1" });
    const second = await alice.ok({ type: "bans", room: "banb-room", limit: 1, cursor: "banb-u1" });
    expect(second.users).toEqual(["banb-u2"]);
    expect(second.next).toBeUndefined();
  });
});

describe("Invite", () => {
  test("the invitee is told and joins a closed hidden room at once; the invite is used up", async () => {
    const alice = await user("inv-alice");
    const bob = await user("inv-bob", "listen");
    await alice.ok({ type: "create", room: "inv-den", open: false, visible: false });
    const told = bob.next((m) => m.type === "invite");
    await alice.ok({ type: "invite", room: "inv-den", user: "inv-bob" });
    const event = await told;
    expect(event).toMatchObject({ room: "inv-den", from: "inv-alice" });
    expect(typeof event.seq).toBe("string");
    expect(await bob.ok({ type: "join", room: "inv-den" })).toMatchObject({ status: "joined" });
    expect(await alice.request({ type: "invite", room: "inv-den", user: "inv-bob" })).toMatchObject(
      { code: "conflict" },
    );
    await bob.ok({ type: "leave", room: "inv-den" });
    // Used up: joining again is a request.
    expect(await bob.ok({ type: "join", room: "inv-den" })).toMatchObject({ status: "pending" });
    expect(await alice.request({ type: "invite", room: "inv-den", user: "inv-bob" })).toMatchObject(
      { code: "conflict" },
    );
  });

  test("inviting a banned user lifts the ban; invites are bounded and can be withdrawn", async () => {
    const alice = await user("invb-alice");
    const frank = await user("invb-frank");
    const gina = await user("invb-gina");
    await user("invb-hal");
    await alice.ok({ type: "create", room: "invb-club", open: false });
    await alice.ok({ type: "ban", room: "invb-club", user: "invb-frank" });
    await alice.ok({ type: "invite", room: "invb-club", user: "invb-frank" });
    expect(await alice.ok({ type: "bans", room: "invb-club" })).toMatchObject({ users: [] });
    await alice.ok({ type: "invite", room: "invb-club", user: "invb-gina" });
    expect(
      await alice.request({ type: "invite", room: "invb-club", user: "invb-hal" }),
    ).toMatchObject({ code: "forbidden" });
    await alice.ok({ type: "uninvite", room: "invb-club", user: "invb-gina" });
    await alice.ok({ type: "invite", room: "invb-club", user: "invb-hal" });
    expect(await gina.ok({ type: "join", room: "invb-club" })).toMatchObject({ status: "pending" });
    expect(await frank.ok({ type: "join", room: "invb-club" })).toMatchObject({ status: "joined" });
    expect(
      await alice.request({ type: "uninvite", room: "invb-club", user: "invb-frank" }),
    ).toMatchObject({ code: "not_found" });
    // Only the admin invites.
    expect(
      await frank.request({ type: "invite", room: "invb-club", user: "invb-gina" }),
    ).toMatchObject({ code: "forbidden", message: "only the admin of 'invb-club' can invite" });
  });
});

describe("Handing a room over", () => {
  test("the admin makes a member the admin, stays a member, and may then leave", async () => {
    const alice = await user("ho-alice");
    const bob = await user("ho-bob", "listen");
    const carol = await user("ho-carol");
    await user("ho-dave");
    await alice.ok({ type: "create", room: "ho-room" });
    await bob.ok({ type: "join", room: "ho-room" });
    await carol.ok({ type: "join", room: "ho-room" });
    expect(await alice.request({ type: "leave", room: "ho-room" })).toMatchObject({
      code: "forbidden",
    });
    expect(
      await bob.request({ type: "handover", room: "ho-room", user: "ho-carol" }),
    ).toMatchObject({ code: "forbidden", message: "only the admin of 'ho-room' can hand it over" });
    expect(
      await alice.request({ type: "handover", room: "ho-room", user: "ho-dave" }),
    ).toMatchObject({ code: "not_found", message: "'ho-dave' is not a member of 'ho-room'" });
    const update = bob.next((m) => m.type === "room_update");
    await alice.ok({ type: "handover", room: "ho-room", user: "ho-bob" });
    expect(await update).toMatchObject({ room: { name: "ho-room", admin: "ho-bob" } });
    const listed = (await alice.ok({ type: "rooms" })).rooms as Received[];
    expect(listed.find((r) => r.name === "ho-room")).toMatchObject({
      admin: "ho-bob",
      role: "member",
    });
    // The old admin is an ordinary member now, the new one acts as admin.
    expect(await alice.request({ type: "kick", room: "ho-room", user: "ho-carol" })).toMatchObject({
      code: "forbidden",
    });
    await bob.ok({ type: "kick", room: "ho-room", user: "ho-carol" });
    await alice.ok({ type: "leave", room: "ho-room" });
  });
});

describe("Hidden rooms never leak", () => {
  test("every admin request of a non-member answers as for a room that does not exist", async () => {
    const alice = await user("hid-alice");
    const mallory = await user("hid-mallory");
    await user("hid-bob");
    await alice.ok({ type: "create", room: "hid-den", visible: false, open: false });
    for (const type of ADMIN_REQUESTS) {
      const hidden = await mallory.request({ type, room: "hid-den", user: "hid-bob" });
      const missing = await mallory.request({ type, room: "hid-nope", user: "hid-bob" });
      expect(hidden).toMatchObject({ type: "error", code: "not_found" });
      expect(String(hidden.message)).toBe(String(missing.message).replace("hid-nope", "hid-den"));
    }
    const bans = await mallory.request({ type: "bans", room: "hid-den" });
    expect(bans).toMatchObject({ code: "not_found", message: "no such room 'hid-den'" });
  });
});

describe("Away", () => {
  test("an away message goes out in presence and who until cleared, sanitised and bounded", async () => {
    const alice = await user("away-alice", "listen");
    const bob = await user("away-bob", "listen");
    await alice.ok({ type: "create", room: "away-room" });
    await bob.ok({ type: "join", room: "away-room" });
    const told = alice.next((m) => presenceEntry(m, "away-bob")?.away !== undefined);
    await bob.ok({ type: "away", message: "at \u001b[31mlunch\n back at 2" });
    expect(presenceEntry(await told, "away-bob")).toMatchObject({
      status: "online",
      away: "at lunch back at 2",
    });
    const who = await alice.ok({ type: "who", room: "away-room" });
    expect((who.users as Received[]).find((u) => u.user === "away-bob")).toMatchObject({
      away: "at lunch back at 2",
    });
    expect(await bob.request({ type: "away", message: "x".repeat(201) })).toMatchObject({
      code: "bad_request",
    });
    const cleared = alice.next(namesUser("away-bob"));
    await bob.ok({ type: "away" });
    expect(presenceEntry(await cleared, "away-bob")).toEqual({
      user: "away-bob",
      status: "online",
    });
    const after = await alice.ok({ type: "who", room: "away-room" });
    expect((after.users as Received[]).find((u) => u.user === "away-bob")!.away).toBeUndefined();
  });
});

describe("After a crash", () => {
  test("bans, invites, a handover, an edit and a deletion are replayed from the journal after kill -9", async () => {
    const own = await run.start();
    const alice = await registered(own.url, "alice");
    const bob = await registered(own.url, "bob");
    await registered(own.url, "carol").then((w) => w.close());
    await alice.ok({ type: "create", room: "club", open: false });
    await alice.ok({ type: "invite", room: "club", user: "bob" });
    await bob.ok({ type: "join", room: "club" });
    await alice.ok({ type: "ban", room: "club", user: "carol" });
    const sent = (await bob.ok({ type: "send", room: "club", text: "typo" })).message as Received;
    const gone = (await bob.ok({ type: "send", room: "club", text: "oops" })).message as Received;
    await bob.ok({ type: "amend", room: "club", messageId: sent.id, text: "fixed" });
    await alice.ok({ type: "delete", room: "club", messageId: gone.id });
    await alice.ok({ type: "handover", room: "club", user: "bob" });
    // No longer the admin: the invite that would lift carol's ban is refused.
    expect(await alice.request({ type: "invite", room: "club", user: "carol" })).toMatchObject({
      code: "forbidden",
    });
    await alice.close();
    await bob.close();
    await own.kill();
    const again = await run.start({ dataDir: own.dataDir });
    const b = await loggedIn(again.url, "bob");
    expect(await b.ok({ type: "bans", room: "club" })).toMatchObject({ users: ["carol"] });
    const page = (await b.ok({ type: "history", room: "club" })).messages as Received[];
    expect(page.map((m) => [m.text, m.edited !== undefined, m.deleted ?? false])).toEqual([
      ["fixed", true, false],
      ["", true, true],
    ]);
    const listed = (await b.ok({ type: "rooms" })).rooms as Received[];
    expect(listed.find((r) => r.name === "club")).toMatchObject({ admin: "bob", role: "admin" });
    await b.close();
  });
});
