import { describe, expect, test } from "bun:test";
import { eventJson } from "../../client/json.ts";
import { presenceChanges } from "../../client/presence-users.ts";
import { makeColors, renderEvent } from "../../client/render.ts";
import { parseServerMessage, ProtocolError } from "../../shared/parse.ts";

const plain = makeColors(false);

// One protocol 2 event about three people of #lobby.
const EVENT = {
  type: "presence",
  room: "lobby",
  online: ["alice", "carol"],
  idle: ["bob"],
  offline: [],
  away: { bob: "at lunch" },
};

describe("A presence event naming several users", () => {
  test("is one change per user, each printed by listen as before (text and --json)", () => {
    const changes = presenceChanges(EVENT);
    expect(changes.map((c) => renderEvent(c, plain))).toEqual([
      "* alice is online",
      "* carol is online",
      "* bob is idle (away: at lunch)",
    ]);
    expect(changes.map((c) => eventJson(c))).toEqual([
      { type: "presence", user: "alice", status: "online" },
      { type: "presence", user: "carol", status: "online" },
      { type: "presence", user: "bob", status: "idle", away: "at lunch" },
    ]);
  });

  test("a name that is not a string is skipped; an away message for another name is not taken", () => {
    const odd = { ...EVENT, online: [7, "dave"], idle: "bob", away: { dave: 3, erin: "x" } };
    expect(presenceChanges(odd)).toEqual([{ type: "presence", user: "dave", status: "online" }]);
    expect(presenceChanges({ type: "presence", user: "bob", status: "idle" })).toEqual([]);
  });

  test("the client's parser takes the protocol 2 shape and refuses a malformed one", () => {
    expect(parseServerMessage(JSON.stringify(EVENT))).toEqual(EVENT);
    for (const bad of [
      { type: "presence", user: "bob", status: "idle" },
      { ...EVENT, room: 1 },
      { ...EVENT, idle: ["x".repeat(65)] },
      { ...EVENT, away: { bob: 1 } },
      { ...EVENT, away: ["at lunch"] },
    ]) {
      expect(() => parseServerMessage(JSON.stringify(bad))).toThrow(ProtocolError);
    }
  });
});
