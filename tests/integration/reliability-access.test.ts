/** Every room command by every role on every kind of room, with the result SPEC 2.2 and 2.7 give. */
import { describe, expect, test } from "bun:test";
import type { Received } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";
import {
  type Command,
  COMMANDS,
  KINDS,
  type Role,
  ROLES,
  useRoomMatrix,
} from "../helpers/room-matrix.ts";

const run = useServer({ isPerFile: true });
const { conn, frame } = useRoomMatrix(run);

type Result =
  | "ok"
  | "joined"
  | "pending"
  | "already"
  | "auth_required"
  | "forbidden"
  | "not_found"
  | "conflict";

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

function resultOf(reply: Received): string {
  if (reply.type === "error") return String(reply.code);
  if (reply.type === "joined") return String(reply.status);
  return "ok";
}

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
