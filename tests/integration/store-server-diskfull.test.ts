import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authed, registered, TestClient } from "../helpers/ws-client.ts";
import type { Frame } from "../helpers/ws-client.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer();

// The data folder on a 4 MiB tmpfs, mostly taken by a filler file. Mounting needs root.
const mountPoint = mkdtempSync(join(tmpdir(), "chat-full-server-"));
const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]);
const mounted = mount.exitCode === 0;
if (!mounted) {
  console.warn(
    `disk-full server test skipped: cannot mount a tmpfs (${mount.stderr.toString().trim()})`,
  );
}

const ARGS = ["--history-limit", "10000"];
const TEXT = "x".repeat(3900);

afterAll(() => {
  if (mounted) Bun.spawnSync(["umount", "--lazy", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

function idsOf(f: Frame): string[] {
  return (f.messages as { id: string }[]).map((m) => m.id);
}

/** Every id in a room's history, oldest first, read page by page (a page is bounded in bytes). */
async function allIds(c: TestClient, room: string): Promise<string[]> {
  let ids: string[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await c.call({ type: "history", room, limit: 10000, before });
    ids = [...idsOf(page), ...ids];
    if (!page.more || idsOf(page).length === 0) return ids;
    before = ids[0];
  }
}

describe.skipIf(!mounted)("Server on a full disk", () => {
  test("a send the disk refuses gets an error, the server keeps serving, and resumes with space", async () => {
    const dataDir = join(mountPoint, "data");
    mkdirSync(dataDir);
    let server = await run.start({ dataDir, args: ARGS });
    const { client: alice, token } = await registered(server.url, "alice");
    run.track(alice);
    await alice.call({ type: "create", room: "lobby" });
    const filler = join(mountPoint, "filler");
    writeFileSync(filler, Buffer.alloc(3500 * 1024));

    const acked: string[] = [];
    let refusal: Frame | null = null;
    for (let i = 0; i < 1000 && !refusal; i++) {
      const reply = await alice.request({ type: "send", room: "lobby", text: `${i} ${TEXT}` });
      if (reply.type === "sent") acked.push((reply.message as { id: string }).id);
      else refusal = reply;
    }
    expect(refusal).toMatchObject({ type: "error", code: "internal" });
    expect(acked.length).toBeGreaterThan(0);
    // Still serving, and what is in history is exactly what was acknowledged.
    expect(await allIds(alice, "lobby")).toEqual(acked);

    rmSync(filler);
    const after = await alice.call({ type: "send", room: "lobby", text: "space is back" });
    acked.push((after.message as { id: string }).id);
    await server.stop();
    expect(server.proc.exitCode).toBe(0);

    server = await run.start({ dataDir, args: ARGS });
    const reader = await authed(server.url, token, "oneshot");
    run.track(reader);
    expect(await allIds(reader, "lobby")).toEqual(acked);
  });

  test("room changes the disk refuses change nothing and tell no one; they work once space returns", async () => {
    const dataDir = join(mountPoint, "data2");
    mkdirSync(dataDir);
    let server = await run.start({ dataDir, args: ARGS });
    const { client: alice } = await registered(server.url, "alice");
    const { client: bob, token: bobToken } = await registered(server.url, "bob");
    run.track(alice, bob);
    await alice.call({ type: "create", room: "lobby" });
    // A hidden room whose joins and leaves fill the last bytes: each is stored as a journal
    // line a little shorter than bob's join of "lobby".
    await alice.call({ type: "create", room: "z", visible: false });
    const { client: cy } = await registered(server.url, "cy", "oneshot");
    run.track(cy);
    const filler = join(mountPoint, "filler2");
    const { bavail, bsize } = statfsSync(mountPoint);
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 512 * 1024)));
    // Fill what is left with big messages, then with small ones, then with shorter changes.
    for (const text of [TEXT, "x"]) {
      for (let i = 0; i < 2000; i++) {
        const reply = await alice.request({ type: "send", room: "lobby", text });
        if (reply.type === "error") break;
      }
    }
    for (let i = 0; i < 2000; i++) {
      const reply = await cy.request({ type: i % 2 ? "leave" : "join", room: "z" });
      if (reply.type === "error") break;
      // A change that was stored is told to alice; only the refused ones must not be.
      await alice.next("member");
    }

    expect(await bob.request({ type: "join", room: "lobby" })).toMatchObject({ code: "internal" });
    expect(await alice.request({ type: "create", room: "second" })).toMatchObject({
      code: "internal",
    });
    expect(await alice.request({ type: "edit", room: "lobby", topic: "new topic" })).toMatchObject({
      code: "internal",
    });
    const who = await alice.call({ type: "who", room: "lobby" });
    expect((who.users as { user: string }[]).map((u) => u.user)).toEqual(["alice"]);
    const rooms = await bob.call({ type: "rooms" });
    expect(rooms.rooms).toEqual([
      {
        name: "lobby",
        open: true,
        visible: true,
        admin: "alice",
        members: 1,
        role: null,
        topic: "",
      },
    ]);
    expect(alice.pending().filter((f) => f.type === "member" || f.type === "room_update")).toEqual(
      [],
    );

    rmSync(filler);
    expect(await bob.call({ type: "join", room: "lobby" })).toMatchObject({ status: "joined" });
    expect(await alice.next("member")).toMatchObject({ user: "bob", event: "joined" });
    await server.stop();
    server = await run.start({ dataDir, args: ARGS });
    const again = await authed(server.url, bobToken, "oneshot");
    run.track(again);
    const after = await again.call({ type: "rooms" });
    expect(after.rooms).toEqual([
      {
        name: "lobby",
        open: true,
        visible: true,
        admin: "alice",
        members: 2,
        role: "member",
        topic: "",
        unread: 0,
        mentions: 0,
      },
    ]);
  });
});
