import { describe, expect, test } from "bun:test";
import { History } from "../../server/domain/history.ts";
import type { StoredMessage } from "../../server/store/store.ts";

function msg(n: number, clientId?: string): StoredMessage {
  const id = `m${String(n).padStart(4, "0")}`;
  const m: StoredMessage = { id, from: "ann", text: `text ${n}`, ts: "2026-01-01T00:00:00.000Z" };
  if (clientId !== undefined) m.clientId = clientId;
  return m;
}

const ids = (list: StoredMessage[]) => list.map((m) => m.id);

describe("History window", () => {
  test("only the last `limit` messages are seen, whatever the number appended", () => {
    const h = new History(3);
    for (let n = 0; n < 60; n++) {
      h.append("k", msg(n));
      const want = [n - 2, n - 1, n].filter((i) => i >= 0).map((i) => msg(i).id);
      expect(ids(h.page("k"))).toEqual(want);
    }
  });

  test("cursors on ids that left the window compare by value", () => {
    const h = new History(3);
    for (let n = 0; n < 20; n++) h.append("k", msg(n));
    expect(ids(h.page("k", { after: msg(15).id }))).toEqual(ids([msg(17), msg(18), msg(19)]));
    expect(ids(h.page("k", { after: msg(17).id }))).toEqual(ids([msg(18), msg(19)]));
    expect(ids(h.page("k", { before: msg(16).id }))).toEqual([]);
    expect(ids(h.page("k", { before: msg(19).id }))).toEqual(ids([msg(17), msg(18)]));
  });

  test("a client id is found while its message is in the window, and not after", () => {
    const h = new History(3);
    h.append("k", msg(0, "c0"));
    h.append("k", msg(1));
    h.append("k", msg(2));
    expect(h.findByClientId("k", "ann", "c0")?.id).toBe(msg(0).id);
    h.append("k", msg(3));
    expect(h.findByClientId("k", "ann", "c0")).toBeUndefined();
  });

  test("a restored key keeps its last `limit` messages and their client ids, and appends after them", () => {
    const h = new History(3);
    h.restore("k", [msg(0, "c0"), msg(1, "c1"), msg(2), msg(3, "c3")]);
    expect(ids(h.page("k"))).toEqual(ids([msg(1), msg(2), msg(3)]));
    expect(h.findByClientId("k", "ann", "c0")).toBeUndefined();
    expect(h.findByClientId("k", "ann", "c1")?.id).toBe(msg(1).id);
    h.append("k", msg(4));
    expect(ids(h.page("k"))).toEqual(ids([msg(2), msg(3), msg(4)]));
    expect(h.findByClientId("k", "ann", "c1")).toBeUndefined();
    expect(h.findByClientId("k", "ann", "c3")?.id).toBe(msg(3).id);
  });

  test("the client ids of a restored key first looked up after appends are those still kept", () => {
    const h = new History(3);
    h.restore("k", [msg(0, "c0"), msg(1, "c1"), msg(2, "c2")]);
    h.append("k", msg(3, "c3"));
    h.append("k", msg(4));
    expect(h.findByClientId("k", "ann", "c1")).toBeUndefined();
    expect(h.findByClientId("k", "ann", "c2")?.id).toBe(msg(2).id);
    expect(h.findByClientId("k", "ann", "c3")?.id).toBe(msg(3).id);
  });

  test("appends to many keys in turn, read at any point, keep each key's window and client ids", () => {
    const h = new History(4);
    const keys = ["a", "b", "c"];
    for (let n = 0; n < 10_000; n++) {
      h.append(keys[n % 3]!, msg(n, `c${n}`));
      if (n % 3001 === 0 || n === 9_999) {
        for (let k = 0; k < 3; k++) {
          const last = n - ((n - k + 3) % 3); // the newest n of key k so far
          if (last < 0) continue; // nothing appended to it yet
          const want = [last - 9, last - 6, last - 3, last].filter((i) => i >= 0);
          expect(ids(h.page(keys[k]!))).toEqual(want.map((i) => msg(i).id));
          expect(h.findByClientId(keys[k]!, "ann", `c${last}`)?.id).toBe(msg(last).id);
          if (last >= 12)
            expect(h.findByClientId(keys[k]!, "ann", `c${last - 12}`)).toBeUndefined();
        }
      }
    }
  });
});
