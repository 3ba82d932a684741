/**
 * A server holding a room of every kind with every role in place, for the tests of who may do
 * what (SPEC 2.2, 2.7) and of what hidden rooms show: each command has one room per kind.
 */
import { beforeAll, expect } from "bun:test";
import { registered, Wire } from "../fuzz/wire.ts";
import type { ServerHarness } from "./use-server.ts";

/** A kind of room (see KINDS). */
export type Kind = "ov" | "oh" | "cv" | "ch" | "sd" | "sh";
/** The relation of the acting user to the room. */
export type Role =
  "anonymous" | "non-member" | "denied" | "kicked" | "pending" | "member" | "admin";
/** A room command the matrix tries. */
export type Command =
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

/**
 * The kinds of room: open/closed x visible/hidden, and two shut down: `sd` open and visible,
 * `sh` open and hidden (to a non-member exactly a room that does not exist, SPEC 6).
 */
export const KINDS: Kind[] = ["ov", "oh", "cv", "ch", "sd", "sh"];

/** The acting user of each role (the admin of every room is `ada`). */
export const ACTOR: Record<Role, string | null> = {
  anonymous: null,
  "non-member": "nora",
  denied: "dina",
  kicked: "kurt",
  pending: "pete",
  member: "mona",
  admin: "ada",
};

/** The users; mark is a bystander member, so that the admin's leave is refused while others remain. */
export const USERS = ["ada", "mona", "mark", "pete", "dina", "kurt", "nora"];

/** Every role, in the order they act (admin last). */
export const ROLES = Object.keys(ACTOR) as Role[];

/** Every command of the matrix, in the order of its table. */
export const COMMANDS: Command[] = [
  "who",
  "history",
  "read",
  "send",
  "typing",
  "join",
  "leave",
  "requests",
  "edit",
  "approve",
  "deny",
  "kick",
  "shutdown",
  "create",
];

/** The connections of the matrix's users, and the frame of each command on a room. */
export interface RoomMatrix {
  /** The connection of the user acting in `role` (`bystander`: a second member). */
  conn(role: Role | "bystander"): Wire;
  /** The frame of a command on a room. */
  frame(command: Command, room: string): Record<string, unknown>;
}

/** Before the file's first test, register the users and make one room per command and kind. */
export function useRoomMatrix(run: ServerHarness): RoomMatrix {
  const conns = new Map<string, Wire>();
  // The id of the message each room holds, for `read`.
  const lastId = new Map<string, string>();
  const conn = (role: Role | "bystander"): Wire => {
    const user = role === "bystander" ? "mark" : ACTOR[role];
    return conns.get(user ?? "")!;
  };
  beforeAll(async () => {
    for (const user of USERS) conns.set(user, run.track(await registered(run.server.url, user)));
    conns.set("", run.track(await Wire.open(run.server.url)));
    // One room per command and kind; the roles act on it in ROLES order (admin last).
    await Promise.all(
      KINDS.map(async (kind) => {
        for (const command of COMMANDS) {
          const room = `${command}-${kind}`;
          lastId.set(room, await makeRoom(conn, room, kind));
        }
      }),
    );
  });
  return { conn, frame: (command, room) => frameOf(command, room, lastId.get(room) ?? "") };
}

/** The frame of a command on a room; `upTo`: the id of the message the room holds. */
function frameOf(command: Command, room: string, upTo: string): Record<string, unknown> {
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
      return { type: "read", room, upTo };
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

/**
 * Make a room of `kind` with every role in place: admin, members, pending, denied, kicked.
 * Returns the id of the message it holds.
 */
async function makeRoom(conn: RoomMatrix["conn"], name: string, kind: Kind): Promise<string> {
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
  if (kind === "sd" || kind === "sh") await ada.ok({ type: "shutdown", room: name });
  return String((sent.message as { id: string }).id);
}
