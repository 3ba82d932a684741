/**
 * The order of the log decides a race between instances: a change that its turn finds no
 * longer valid (the name taken meanwhile, the user banned or kicked meanwhile) is refused.
 */
import { describe, expect, test } from "bun:test";
import { refusal } from "../../server/domain/change-refusal.ts";
import { ChatState } from "../../server/domain/state.ts";
import type { StoredMessage, StoreOp } from "../../server/store/store.ts";
import { roomRecord, userRecord } from "../helpers/records.ts";

function state(): ChatState {
  return new ChatState(
    {
      users: ["alice", "bob", "carol"].map((n) => userRecord(n)),
      sessions: [],
      rooms: [
        roomRecord("lobby", { admin: "alice", members: ["alice", "bob"], banned: ["carol"] }),
        roomRecord("old", { admin: "alice", members: ["alice"], shutDown: true }),
      ],
      history: {},
    },
    100,
  );
}

const message = (room: string, from: string): StoredMessage => ({
  id: "m1",
  from,
  text: "hi",
  ts: "2026-11-29T00:00:00.000Z",
  room,
});

describe("a change its turn finds no longer valid", () => {
  test("a room or account created meanwhile under the same name: conflict", () => {
    const s = state();
    const room: StoreOp = { op: "room", room: roomRecord("lobby"), create: true };
    expect(refusal(s, [room])?.code).toBe("conflict");
    const user: StoreOp = { op: "user", user: userRecord("bob"), create: true };
    expect(refusal(s, [user])?.code).toBe("conflict");
    // An update of either is no creation.
    expect(refusal(s, [{ op: "room", room: roomRecord("lobby") }])).toBeNull();
    expect(refusal(s, [{ op: "user", user: userRecord("bob") }])).toBeNull();
  });

  test("a join or request of a user banned meanwhile, or into a room shut down: refused", () => {
    const s = state();
    const join = (room: string, user: string): StoreOp => ({
      op: "member",
      room,
      user,
      present: true,
    });
    expect(refusal(s, [join("lobby", "carol")])?.code).toBe("forbidden");
    expect(refusal(s, [{ op: "pending", room: "lobby", user: "carol", present: true }])?.code).toBe(
      "forbidden",
    );
    expect(refusal(s, [join("old", "bob")])?.code).toBe("not_found");
    expect(refusal(s, [join("lobby", "dave")])).toBeNull();
  });

  test("a message of a sender no longer a member: refused; a DM never is", () => {
    const s = state();
    expect(
      refusal(s, [{ op: "msg", key: "room:lobby", message: message("lobby", "bob") }]),
    ).toBeNull();
    const outsider = { op: "msg", key: "room:lobby", message: message("lobby", "carol") } as const;
    expect(refusal(s, [outsider])?.code).toBe("forbidden");
    const dm: StoreOp = {
      op: "msg",
      key: "dm:alice:carol",
      message: { ...message("lobby", "carol"), room: undefined, to: "alice" },
    };
    expect(refusal(s, [dm])).toBeNull();
  });

  test("one refused op refuses the whole change", () => {
    const s = state();
    const ops: StoreOp[] = [
      { op: "pending", room: "lobby", user: "carol", present: false },
      { op: "member", room: "lobby", user: "carol", present: true },
    ];
    expect(refusal(s, ops)?.code).toBe("forbidden");
  });
});
