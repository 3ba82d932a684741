/**
 * Every room command by every role on every kind of room, with the result SPEC 2.2 and 2.7
 * give; and hidden rooms never leaking to non-members.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { loggedIn, registered, Wire, type Received } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

type Kind = "ov" | "oh" | "cv" | "ch" | "sd" | "sh";
type Role = "anonymous" | "non-member" | "denied" | "kicked" | "pending" | "member" | "admin";
type Command =
  | "who"
  | "history"
  | "read"
  | "send"
  | "typing"
  | "join"
  | "leave"
  | "requests"
  | "edit"
  | "approve"
  | "deny"
  | "kick"
  | "shutdown"
  | "create";
type Result =
  | "ok"
  | "joined"
  | "pending"
  | "already"
  | "auth_required"
  | "forbidden"
  | "not_found"
  | "conflict";

/**
 * The kinds of room: open/closed x visible/hidden, and two shut down: `sd` open and visible,
 * `sh` open and hidden (to a non-member exactly a room that does not exist, SPEC 6).
 */
const KINDS: Kind[] = ["ov", "oh", "cv", "ch", "sd", "sh"];

/** The acting user of each role (the admin of every room is `ada`). */
const ACTOR: Record<Role, string | null> = {
  anonymous: null,
  "non-member": "nora",
  denied: "dina",
  kicked: "kurt",
  pending: "pete",
  member: "mona",
  admin: "ada",
};

// A bystander member, so that the admin's leave is refused while others remain.
const USERS = ["ada", "mona", "mark", "pete", "dina", "kurt", "nora"];

const ROLES = Object.keys(ACTOR) as Role[];

// The non-members (non-member, denied, kicked) all get the same answers. `who` of a shut-down
// room answers members only (SPEC 6); a shut-down hidden room is not_found, join included.
const OUTSIDER: Record<Command, Result[]> = {
  //            ov           oh            cv           ch            sd           sh
  who: /*    */ ["ok", /*   */ "not_found", "ok", /*   */ "not_found", "forbidden", "not_found"],
  history: /**/ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  read: /*   */ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  send: /*   */ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  typing: /* */ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  join: /*   */ ["joined", /**/ "joined", /**/ "pending", "pending", /**/ "forbidden", "not_found"],
  leave: /*  */ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  requests: ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  edit: /*   */ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  approve: /**/ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  deny: /*   */ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  kick: /*   */ ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  shutdown: ["forbidden", "not_found", "forbidden", "not_found", "forbidden", "not_found"],
  create: /* */ ["conflict", "conflict", "conflict", "conflict", "conflict", "conflict"],
};

/** Expected result of each command by each role, per kind of room (ov, oh, cv, ch, sd). */
const EXPECTED: Record<Role, Record<Command, Result[]>> = {
  anonymous: Object.fromEntries(
    Object.keys(OUTSIDER).map((c) => [c, KINDS.map(() => "auth_required")]),
  ) as Record<Command, Result[]>,
  "non-member": OUTSIDER,
  denied: OUTSIDER,
  kicked: OUTSIDER,
  // A pending request: still a non-member (hidden rooms answer not_found), but `join` is a
  // conflict and `leave` withdraws the request. Shutting a room down drops its requests.
  pending: {
    ...OUTSIDER,
    join: ["conflict", "conflict", "conflict", "conflict", "forbidden", "not_found"],
    leave: ["ok", "ok", "ok", "ok", "forbidden", "not_found"],
  },
  member: {
    who: ["ok", "ok", "ok", "ok", "ok", "ok"],
    history: ["ok", "ok", "ok", "ok", "ok", "ok"],
    read: ["ok", "ok", "ok", "ok", "ok", "ok"],
    send: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    typing: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    // A join of a room one is in answers `already` (idempotent).
    join: ["already", "already", "already", "already", "forbidden", "forbidden"],
    leave: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    requests: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    edit: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    approve: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    deny: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    kick: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    shutdown: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    create: ["conflict", "conflict", "conflict", "conflict", "conflict", "conflict"],
  },
  admin: {
    who: ["ok", "ok", "ok", "ok", "ok", "ok"],
    history: ["ok", "ok", "ok", "ok", "ok", "ok"],
    read: ["ok", "ok", "ok", "ok", "ok", "ok"],
    send: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    typing: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    // A join of a room one is in answers `already` (idempotent).
    join: ["already", "already", "already", "already", "forbidden", "forbidden"],
    // Refused while other members remain (SPEC 2.2).
    leave: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    requests: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    edit: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    approve: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    deny: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    kick: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    shutdown: ["ok", "ok", "ok", "ok", "forbidden", "forbidden"],
    create: ["conflict", "conflict", "conflict", "conflict", "conflict", "conflict"],
  },
};

const COMMANDS = Object.keys(OUTSIDER) as Command[];

/** The id of the message each room holds, for `read`. */
const LAST_ID = new Map<string, string>();

/** The frame of a command on a room. */
function frame(command: Command, room: string): Record<string, unknown> {
  switch (command) {
    case "who":
    case "join":
    case "leave":
    case "requests":
    case "shutdown":
      return { type: command, room };
    case "history":
      return { type: "history", room, limit: 10 };
    case "read":
      return { type: "read", room, upTo: LAST_ID.get(room) ?? "" };
    case "send":
      return { type: "send", room, text: "hello" };
    case "typing":
      return { type: "typing", room, typing: true };
    case "edit":
      return { type: "edit", room, topic: "changed" };
    case "approve":
    case "deny":
      return { type: command, room, user: "pete" };
    case "kick":
      return { type: "kick", room, user: "mona" };
    case "create":
      return { type: "create", room };
  }
}

function resultOf(reply: Received): string {
  if (reply.type === "error") return String(reply.code);
  if (reply.type === "joined") return String(reply.status);
  return "ok";
}

const conns = new Map<string, Wire>();

function conn(role: Role | "bystander"): Wire {
  const user = role === "bystander" ? "mark" : ACTOR[role];
  return conns.get(user ?? "")!;
}

/** Make a room of `kind` with every role in place: admin, members, pending, denied, kicked. */
async function makeRoom(name: string, kind: Kind): Promise<void> {
  const ada = conn("admin");
  const visible = kind !== "oh" && kind !== "ch" && kind !== "sh";
  await ada.ok({ type: "create", room: name, open: false, visible });
  for (const role of ["member", "bystander", "pending", "denied", "kicked"] as const) {
    expect((await conn(role).ok({ type: "join", room: name })).status).toBe("pending");
  }
  await ada.ok({ type: "approve", room: name, user: "mona" });
  await ada.ok({ type: "approve", room: name, user: "mark" });
  await ada.ok({ type: "approve", room: name, user: "kurt" });
  await ada.ok({ type: "deny", room: name, user: "dina" });
  await ada.ok({ type: "kick", room: name, user: "kurt" });
  if (kind === "ov" || kind === "oh" || kind === "sd" || kind === "sh") {
    await ada.ok({ type: "edit", room: name, open: true });
  }
  const sent = await ada.ok({ type: "send", room: name, text: `history of ${name}` });
  LAST_ID.set(name, String((sent.message as { id: string }).id));
  if (kind === "sd" || kind === "sh") await ada.ok({ type: "shutdown", room: name });
}

beforeAll(async () => {
  for (const user of USERS) conns.set(user, run.track(await registered(run.server.url, user)));
  conns.set("", run.track(await Wire.open(run.server.url)));
  // One room per command and kind; the roles act on it in ROLES order (admin last).
  await Promise.all(
    KINDS.map(async (kind) => {
      for (const command of COMMANDS) await makeRoom(`${command}-${kind}`, kind);
    }),
  );
});

describe("Access rules", () => {
  test("every command by every role on every kind of room gives the code of the spec", async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const command of COMMANDS) {
      for (const role of ROLES) {
        for (const [i, kind] of KINDS.entries()) {
          const reply = await conn(role).request(frame(command, `${command}-${kind}`));
          const cell = `${command} by ${role} on ${kind}`;
          got.push(`${cell}: ${resultOf(reply)}`);
          want.push(`${cell}: ${EXPECTED[role][command][i]}`);
        }
      }
    }
    expect(got).toEqual(want);
  });
});

describe("Hidden rooms", () => {
  const hidden = ["who-oh", "who-ch", "history-oh", "history-ch"];

  test("`rooms` lists hidden rooms only to their members and requesters", async () => {
    const names = async (role: Role) => {
      const reply = await conn(role).ok({ type: "rooms" });
      return (reply.rooms as { name: string }[]).map((r) => r.name);
    };
    for (const role of ["non-member", "denied", "kicked"] as const) {
      // Outsiders joined the `join-*` rooms in the table above; those are theirs now.
      const listed = (await names(role)).filter((n) => !n.startsWith("join-"));
      expect(listed.filter((n) => n.endsWith("-oh") || n.endsWith("-ch"))).toEqual([]);
      expect(listed.filter((n) => n.endsWith("-sd") || n.endsWith("-sh"))).toEqual([]);
      expect(listed).toContain("who-ov");
    }
    expect(await names("member")).toEqual(expect.arrayContaining(hidden));
    expect(await names("pending")).toEqual(expect.arrayContaining(["who-ch"]));
  });

  test("a requester of a hidden room sees its name and `pending` only: no topic, admin or count", async () => {
    await conn("admin").ok({ type: "edit", room: "requests-ch", topic: "the plan" });
    const reply = await conn("pending").ok({ type: "rooms" });
    const rooms = reply.rooms as Record<string, unknown>[];
    expect(rooms.find((r) => r.name === "requests-ch")).toEqual({
      name: "requests-ch",
      open: false,
      visible: false,
      admin: "",
      members: 0,
      role: "pending",
      topic: "",
    });
    // A visible closed room shows its requester everything, as before.
    expect(rooms.find((r) => r.name === "requests-cv")).toMatchObject({
      admin: "ada",
      role: "pending",
    });
  });

  test("who is typing is shown to members only", async () => {
    await conn("member").ok({ type: "typing", room: "who-ov", typing: true });
    const typing = async (role: Role | "bystander") => {
      const reply = await conn(role).ok({ type: "who", room: "who-ov" });
      const users = reply.users as { user: string; typing: boolean }[];
      return users.find((u) => u.user === "mona")?.typing;
    };
    expect(await typing("bystander")).toBe(true);
    expect(await typing("non-member")).toBe(false);
    expect(await typing("pending")).toBe(false);
    await conn("member").ok({ type: "typing", room: "who-ov", typing: false });
  });

  test("`who` without a room names no one from a hidden room the caller is not in", async () => {
    const olga = await registered(run.server.url, "olga");
    await olga.ok({ type: "join", room: "who-ov" });
    const reply = await olga.ok({ type: "who" });
    expect((reply.users as { user: string }[]).map((u) => u.user)).toEqual([
      "ada",
      "mark",
      "mona",
      "olga",
    ]);
    await olga.close();
  });

  test("to a non-member, every error about a hidden room reads as for a missing room", async () => {
    const outsider = conn("non-member");
    const leaks: string[] = [];
    for (const command of COMMANDS) {
      if (command === "create") continue; // a name stays taken, shut down or not
      for (const kind of ["oh", "ch", "sh"] as const) {
        // Joining a live hidden room by its name works: the name is the key.
        if (command === "join" && kind !== "sh") continue;
        const room = `${command}-${kind}`;
        const missing = `${command}-nx`;
        const a = await outsider.request(frame(command, room));
        const b = await outsider.request(frame(command, missing));
        const left = JSON.stringify({ ...a, replyTo: 0 }).replaceAll(room, "ROOM");
        const right = JSON.stringify({ ...b, replyTo: 0 }).replaceAll(missing, "ROOM");
        if (left !== right) leaks.push(`${command} ${kind}: ${left} vs ${right}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  test("history of a hidden room sent to its members never reaches an outsider's connection", async () => {
    const outsider = await loggedIn(run.server.url, "nora", "listen");
    await conn("member").ok({ type: "send", room: "history-ch", text: "members only" });
    await outsider.ok({ type: "ping" });
    expect(JSON.stringify(outsider.received)).not.toContain("history-ch");
    await outsider.close();
  });
});

describe("Sessions", () => {
  test("logout revokes the session on every connection that used it, not only for new ones", async () => {
    const alice = await registered(run.server.url, "alison");
    const token = String(alice.received.find((m) => m.type === "session")?.token);
    await alice.ok({ type: "create", room: "alisons" });
    // The same token on a second connection (a stolen token, or `chat listen` elsewhere),
    // and a separate login (another session) on a third.
    const sameToken = await Wire.open(run.server.url);
    await sameToken.ok({ type: "auth", token, mode: "listen" });
    const otherSession = await loggedIn(run.server.url, "alison", "listen");
    const told = sameToken.next((m) => m.type === "error" && m.code === "auth_required");
    await alice.ok({ type: "logout" });
    await told;
    expect((await sameToken.request({ type: "send", room: "alisons", text: "x" })).code).toBe(
      "auth_required",
    );
    const fresh = await Wire.open(run.server.url);
    expect((await fresh.request({ type: "auth", token })).code).toBe("auth_failed");
    // The other session is untouched, and the revoked connection no longer receives the room.
    await otherSession.ok({ type: "send", room: "alisons", text: "after logout" });
    await sameToken.ok({ type: "ping" });
    expect(JSON.stringify(sameToken.received)).not.toContain("after logout");
    for (const w of [alice, sameToken, otherSession, fresh]) await w.close();
  });
});
