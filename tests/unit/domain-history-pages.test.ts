/** Bounded replies (SPEC 6): `history` pages bounded in bytes; through the real handler table. */
import { describe, expect, test } from "bun:test";
import type { ServerMessage } from "../../shared/protocol.ts";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";
import { KIB, replyBytes } from "../helpers/replies.ts";

type HistoryReply = Extract<ServerMessage, { type: "history" }>;

describe("history pages", () => {
  async function longRoom(h: Harness, text: string, count = 200): Promise<FakeConn> {
    const ada = await h.user("ada");
    await h.call(ada, { type: "create", room: "long" });
    for (let i = 0; i < count; i++) {
      await h.call(ada, { type: "send", room: "long", text: `${i} ${text}`.slice(0, 4000) });
    }
    return ada;
  }

  test("200 x 4,000 characters: a page is at most 512 KiB, says `more`, and `before` walks them all", async () => {
    const h = new Harness();
    const ada = await longRoom(h, "x".repeat(4000));
    const first = (await h.call(ada, { type: "history", room: "long" })) as HistoryReply;
    expect(replyBytes({ ...first, replyTo: "r".repeat(64) })).toBeLessThanOrEqual(512 * KIB);
    expect(first.messages.length).toBeLessThan(200);
    expect(first.more).toBe(true);
    const seen: string[] = [];
    let page = first;
    for (let i = 0; i < 10; i++) {
      expect(replyBytes(page)).toBeLessThanOrEqual(512 * KIB);
      seen.unshift(...page.messages.map((m) => m.text.split(" ")[0]!));
      if (!page.more) break;
      const before = page.messages[0]!.id;
      page = (await h.call(ada, { type: "history", room: "long", before })) as HistoryReply;
    }
    expect(page.more).toBe(false);
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  test("non-ASCII text is counted in bytes; `after` pages forward the same way", async () => {
    const h = new Harness();
    // 120 messages of about 12,000 bytes each: 1.4 MB in all, three pages or more.
    const ada = await longRoom(h, "€".repeat(4000), 120);
    const all = (await h.call(ada, { type: "history", room: "long" })) as HistoryReply;
    expect(replyBytes(all)).toBeLessThanOrEqual(512 * KIB);
    expect(all.more).toBe(true);
    // Ids are m000001...: "m000000" sorts before every one of them.
    const seen: string[] = [];
    let after = "m000000";
    let pages = 0;
    for (; pages < 10; pages++) {
      const page = (await h.call(ada, { type: "history", room: "long", after })) as HistoryReply;
      expect(replyBytes(page)).toBeLessThanOrEqual(512 * KIB);
      seen.push(...page.messages.map((m) => m.text.split(" ")[0]!));
      if (!page.more) break;
      after = page.messages.at(-1)!.id;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => String(i)));
  });

  test("a short history says no `more`; a page cut by `limit` says `more`", async () => {
    const h = new Harness();
    const ada = await longRoom(h, "hello", 5);
    const all = (await h.call(ada, { type: "history", room: "long" })) as HistoryReply;
    expect([all.messages.length, all.more]).toEqual([5, false]);
    const two = (await h.call(ada, { type: "history", room: "long", limit: 2 })) as HistoryReply;
    expect([two.messages.length, two.more]).toEqual([2, true]);
  });
});
