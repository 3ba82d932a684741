import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../server/config.ts";
import { Harness } from "../helpers/domain.ts";

async function lobby(h: Harness) {
  const alice = await h.user("alice");
  const bob = await h.user("bob");
  await h.call(alice, { type: "create", room: "lobby" });
  await h.call(bob, { type: "join", room: "lobby" });
  return { alice, bob };
}

describe("Edits and deletions count as messages", () => {
  test("past the message burst an amend, a delete and an away are rate limited; nothing changes", async () => {
    const h = new Harness({ isRateLimited: true });
    const { alice } = await lobby(h);
    const sent = (await h.call(alice, { type: "send", room: "lobby", text: "first" })) as {
      message: { id: string };
    };
    const id = sent.message.id;
    for (let i = 0; i < 19; i++) {
      await h.call(alice, { type: "amend", room: "lobby", messageId: id, text: `take ${i}` });
    }
    const amend = await h.request(alice, {
      type: "amend",
      room: "lobby",
      messageId: id,
      text: "one more",
    });
    expect(amend).toMatchObject({ code: "rate_limited" });
    const del = await h.request(alice, { type: "delete", room: "lobby", messageId: id });
    expect(del).toMatchObject({ code: "rate_limited" });
    expect(await h.request(alice, { type: "away", message: "out" })).toMatchObject({
      code: "rate_limited",
    });
    const page = (await h.call(alice, { type: "history", room: "lobby" })) as {
      messages: { text: string; deleted?: true }[];
    };
    expect(page.messages).toEqual([expect.objectContaining({ text: "take 18" })]);
    h.clock.advance(100);
    await h.call(alice, { type: "delete", room: "lobby", messageId: id });
  });

  test("each change is one journal line holding no text for a deletion", async () => {
    const h = new Harness();
    const { alice } = await lobby(h);
    const sent = (await h.call(alice, { type: "send", room: "lobby", text: "gone soon" })) as {
      message: { id: string };
    };
    const lines: string[] = [];
    const commit = h.store.commit.bind(h.store);
    h.store.commit = (ops) => {
      for (const op of ops) lines.push(JSON.stringify(op));
      return commit(ops);
    };
    await h.call(alice, { type: "delete", room: "lobby", messageId: sent.message.id });
    expect(lines.filter((l) => !l.startsWith('{"op":"log"'))).toEqual([
      expect.stringContaining('"op":"msg_delete"'),
    ]);
    expect(lines.join("\n")).not.toContain("gone soon");
  });
});

describe("Moderation flags", () => {
  test("--max-bans-per-room and --max-invites-per-room are whole numbers; 0 means no bound", () => {
    const flags = ["--max-bans-per-room", "5", "--max-invites-per-room", "0"];
    expect(parseConfig(flags, {}).moderation).toEqual({ maxBansPerRoom: 5, maxInvitesPerRoom: 0 });
    expect(() => parseConfig(["--max-bans-per-room", "many"], {})).toThrow(
      "--max-bans-per-room must be a whole number",
    );
    // Off with the other quotas under --no-rate-limit, unless given.
    expect(parseConfig(["--no-rate-limit"], {}).moderation).toEqual({
      maxBansPerRoom: 0,
      maxInvitesPerRoom: 0,
    });
  });
});
