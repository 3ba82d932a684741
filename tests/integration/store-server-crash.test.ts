import { describe, expect, test } from "bun:test";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

const HISTORY_ARGS = ["--history-limit", "10000"];
const ROUNDS = 3;
const IN_FLIGHT = 16;

/** Keep IN_FLIGHT sends going on `client` until it stops answering; collect acknowledged ids. */
function pump(client: TestClient, send: () => Record<string, unknown>, acked: string[]): void {
  const loop = async () => {
    for (;;) {
      const reply = await client.request(send(), 3000).catch(() => null);
      if (!reply) return; // the server is gone
      if (reply.type === "sent" || reply.type === "dm_sent") {
        acked.push((reply.message as { id: string }).id);
      }
    }
  };
  for (let i = 0; i < IN_FLIGHT; i++) void loop();
}

async function storedIds(url: string, token: string): Promise<{ room: string[]; dm: string[] }> {
  const client = await authed(url, token, "oneshot");
  run.track(client);
  // Page by page: a page is bounded in bytes, and a fast run stores more than one page holds.
  const all = async (where: Record<string, string>): Promise<string[]> => {
    const ids: string[] = [];
    for (let before: string | undefined; ;) {
      const page: Frame = await client.call({ type: "history", ...where, limit: 10000, before });
      const got = (page.messages as { id: string }[]).map((m) => m.id);
      ids.unshift(...got);
      if (!page.more || got.length === 0) return ids;
      before = got[0];
    }
  };
  return { room: await all({ room: "lobby" }), dm: await all({ user: "bob" }) };
}

describe("Server under kill -9", () => {
  test("every acknowledged message is in history exactly once after a SIGKILL and restart", async () => {
    let server = await run.start({ args: HISTORY_ARGS });
    const dataDir = server.dataDir;
    const { client: alice, token } = await registered(server.url, "alice");
    const { client: bob } = await registered(server.url, "bob");
    run.track(alice, bob);
    await alice.call({ type: "create", room: "lobby" });
    await alice.close();
    await bob.close();

    const ackedRoom: string[] = [];
    const ackedDm: string[] = [];
    let n = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const writer = await authed(server.url, token, "interactive");
      const dmWriter = await authed(server.url, token, "oneshot");
      run.track(writer, dmWriter);
      const before = ackedRoom.length;
      pump(writer, () => ({ type: "send", room: "lobby", text: `m${n++}` }), ackedRoom);
      pump(
        dmWriter,
        () => ({ type: "dm", to: "bob", text: `d${n++}`, clientId: `c${n}` }),
        ackedDm,
      );
      while (ackedRoom.length < before + 50) await Bun.sleep(5);
      await Bun.sleep(Math.random() * 150);
      await server.kill();
      const ackedNow = { room: ackedRoom.slice(), dm: ackedDm.slice() };

      server = await run.start({ dataDir, args: HISTORY_ARGS });
      const stored = await storedIds(server.url, token);
      for (const [acked, ids] of [
        [ackedNow.room, stored.room],
        [ackedNow.dm, stored.dm],
      ] as const) {
        expect(new Set(ids).size).toBe(ids.length);
        const present = new Set(ids);
        expect(acked.filter((id) => !present.has(id))).toEqual([]);
      }
    }
    expect(ackedRoom.length).toBeGreaterThan(ROUNDS * 50);
    expect(ackedDm.length).toBeGreaterThan(0);
  });
});
