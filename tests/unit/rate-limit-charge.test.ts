/**
 * Work already done is charged to a bucket even past what it holds (a sync page of 5,000
 * events), down to minus the burst: the key then waits until it has a token again.
 */
import { expect, test } from "bun:test";
import { RateLimiter } from "../../server/domain/rate-limit.ts";
import { FakeClock } from "../helpers/domain.ts";

test("a charge goes into debt, never below minus the burst, and says how long to wait", () => {
  const clock = new FakeClock();
  const bucket = new RateLimiter({ burst: 4, perSecond: 2 }, clock);
  expect(bucket.charge("alice", 3)).toBe(0);
  // 1 left, 5 more taken: -4, and 2.5 s until one token.
  expect(bucket.charge("alice", 5)).toBe(2500);
  expect(bucket.take("alice")).toBe(2500);
  // However much more is charged, the debt stays at the burst.
  expect(bucket.charge("alice", 1000)).toBe(2500);
  clock.advance(2500);
  expect(bucket.take("alice")).toBe(0);
  // Others are not charged.
  expect(bucket.take("bob", 4)).toBe(0);
});
