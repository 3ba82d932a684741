/**
 * A catch-up sends each page in a turn of the event loop of its own, so another user's request
 * is answered between two pages even when the reader takes every page at once; and a user's
 * catch-ups run one at a time.
 */
import { expect, test } from "bun:test";
import { DEFAULT_REPLY_BOUNDS } from "../../server/domain/bounds.ts";
import { Harness } from "../helpers/domain.ts";
import type { FakeConn } from "../helpers/domain.ts";

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// alice's 12 messages of 400 characters, about two to a page of 1,000 bytes; and bob.
async function manyPages(): Promise<{ h: Harness; bob: FakeConn; since: string }> {
  const h = new Harness({ replyBounds: { ...DEFAULT_REPLY_BOUNDS, historyPageBytes: 1000 } });
  const alice = await h.user("alice");
  const bob = await h.user("bob");
  await h.call(alice, { type: "create", room: "r" });
  const since = h.chat.cursor();
  for (let i = 0; i < 12; i++) {
    await h.call(alice, { type: "send", room: "r", text: `${i} ${"x".repeat(400)}` });
  }
  return { h, bob, since };
}

const lastSeen = (c: FakeConn): boolean => c.events("synced").some((s) => !s.more);

test("another user's ping is answered between two pages of a catch-up", async () => {
  const { h, bob, since } = await manyPages();
  const c = h.conn();
  await h.call(c, { type: "login", user: "alice", password: "password1", since });
  // The ping comes in the next turn, after the catch-up began.
  let pagesBefore = -1;
  setImmediate(() => {
    pagesBefore = c.events("synced").length;
    void h.call(bob, { type: "ping" });
  });
  while (!lastSeen(c)) await nextTurn();
  const pages = c.events("synced").length;
  expect(pages).toBeGreaterThan(4);
  expect(bob.received.at(-1)).toMatchObject({ type: "pong" });
  // Answered while most of alice's pages were still to come.
  expect(pagesBefore).toBeGreaterThan(0);
  expect(pagesBefore).toBeLessThan(pages);
  expect(c.events("message").length).toBe(12);
});

test("a second catch-up of the same user starts once the first has ended", async () => {
  const { h, since } = await manyPages();
  const first = h.conn();
  const second = h.conn();
  await h.call(first, { type: "login", user: "alice", password: "password1", since });
  await h.call(second, { type: "login", user: "alice", password: "password1", since });
  let overlapped = false;
  while (!lastSeen(first) || !lastSeen(second)) {
    if (!lastSeen(first) && second.events("synced").length > 0) overlapped = true;
    await nextTurn();
  }
  expect(overlapped).toBe(false);
  // Each got everything, once.
  expect(first.events("message").length).toBe(12);
  expect(second.events("message").length).toBe(12);
});
