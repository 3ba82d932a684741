/**
 * Resending with a client id stores a message once: across concurrent connections of one
 * user, and across a SIGKILL of the server in the middle of a stream of sends.
 */
import { describe, expect, test } from "bun:test";
import { loggedIn, registered, type Received } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

function texts(history: Received): string[] {
  return (history.messages as { text: string }[]).map((m) => m.text);
}

describe("Resend with a client id", () => {
  test("the same client id from three connections at once is stored once", async () => {
    const server = await run.start();
    const alice = await registered(server.url, "alice");
    await alice.ok({ type: "create", room: "lobby" });
    await registered(server.url, "bob");
    const conns = [alice, await loggedIn(server.url, "alice"), await loggedIn(server.url, "alice")];
    const sends = conns.flatMap((w) =>
      Array.from({ length: 5 }, () => [
        w.ok({ type: "send", room: "lobby", text: "once", clientId: "k-1" }),
        w.ok({ type: "dm", to: "bob", text: "once dm", clientId: "k-2" }),
      ]).flat(),
    );
    const replies = await Promise.all(sends);
    const ids = new Set(replies.map((r) => (r.message as { id: string }).id));
    expect(ids.size).toBe(2);
    expect(texts(await alice.ok({ type: "history", room: "lobby" }))).toEqual(["once"]);
    expect(texts(await alice.ok({ type: "history", user: "bob" }))).toEqual(["once dm"]);
    for (const w of conns) await w.close();
  });

  test("a stream of sends cut by SIGKILL, resent after restart, is stored exactly once", async () => {
    // History kept large enough that every message of the stream stays in the window.
    const args = ["--history-limit", "5000"];
    let server = await run.start({ args });
    const { dataDir } = server;
    const alice = await registered(server.url, "alice");
    await alice.ok({ type: "create", room: "lobby" });
    const total = 2000;
    const acked = new Set<number>();
    const sending = Array.from({ length: total }, (_, i) =>
      alice
        .request({ type: "send", room: "lobby", text: `m${i}`, clientId: `c${i}` }, 20_000)
        .then((r) => {
          if (r.type === "sent") acked.add(i);
        })
        .catch(() => {
          // Cut by the kill: resent below.
        }),
    );
    // Kill while the stream is in flight: after the first acknowledgements.
    await alice.next((m) => m.type === "sent");
    await server.kill();
    await Promise.all(sending);
    const ackedBeforeKill = acked.size;

    server = await run.start({ dataDir, args });
    const again = await loggedIn(server.url, "alice");
    const before = texts(await again.ok({ type: "history", room: "lobby", limit: 5000 }));
    // Everything acknowledged survived the kill.
    for (const i of acked) expect(before).toContain(`m${i}`);
    // The client resends everything (it cannot know what was stored but not acknowledged).
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        again.ok({ type: "send", room: "lobby", text: `m${i}`, clientId: `c${i}` }),
      ),
    );
    const after = texts(await again.ok({ type: "history", room: "lobby", limit: 5000 }));
    expect(after.length).toBe(total);
    expect(new Set(after).size).toBe(total);
    console.log(
      `resend after SIGKILL: ${ackedBeforeKill} of ${total} acknowledged before the kill, ` +
        `${before.length} stored; after resending all, ${after.length} stored once each`,
    );
    await again.close();
  });
});
