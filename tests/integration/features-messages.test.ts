/**
 * Actions, amending and deleting messages through the real server (SPEC 5.3): who may change
 * what, what members and history show, hidden rooms answering as missing ones, and a deleted
 * text gone from every file of the data folder once the store has compacted.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { registered, loggedIn, type Received, type Wire } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";

const run = useServer({ isPerFile: true });

async function user(name: string, mode = "oneshot"): Promise<Wire> {
  const w = await registered(run.server.url, name, mode);
  run.track(w);
  return w;
}

/** A room with `admin` as its admin and `members` in it. */
async function room(name: string, admin: Wire, members: Wire[], settings = {}): Promise<void> {
  await admin.ok({ type: "create", room: name, ...settings });
  for (const m of members) await m.ok({ type: "join", room: name });
}

async function post(w: Wire, roomName: string, text: string, extra = {}): Promise<Received> {
  const reply = await w.ok({ type: "send", room: roomName, text, ...extra });
  return reply.message as Received;
}

async function history(w: Wire, target: Record<string, string>): Promise<Received[]> {
  return (await w.ok({ type: "history", ...target })).messages as Received[];
}

describe("Actions", () => {
  test("an action is stored, sent and kept in history with action: true, in rooms and DMs", async () => {
    const alice = await user("act-alice");
    const bob = await user("act-bob", "listen");
    await room("act-room", alice, [bob]);
    const heard = bob.next((m) => m.type === "message" && m.action === true);
    const sent = await post(alice, "act-room", "waves", { action: true });
    expect(sent).toMatchObject({ text: "waves", action: true, from: "act-alice" });
    expect(await heard).toMatchObject({ id: sent.id, text: "waves", action: true });
    const plain = await post(alice, "act-room", "hello");
    expect(plain.action).toBeUndefined();
    const kept = await history(bob, { room: "act-room" });
    expect(kept.map((m) => [m.text, m.action])).toEqual([
      ["waves", true],
      ["hello", undefined],
    ]);
    const dm = await alice.ok({ type: "dm", to: "act-bob", text: "nods", action: true });
    expect(dm.message).toMatchObject({ text: "nods", action: true });
    expect((await history(bob, { user: "act-alice" }))[0]).toMatchObject({ action: true });
  });
});

describe("Amending a message", () => {
  test("the sender changes the text; members get message_update with its own seq; history shows it edited", async () => {
    const alice = await user("am-alice");
    const bob = await user("am-bob", "listen");
    await room("am-room", alice, [bob]);
    const sent = await post(alice, "am-room", "helo");
    const update = bob.next((m) => m.type === "message_update");
    const reply = await alice.ok({
      type: "amend",
      room: "am-room",
      messageId: sent.id,
      text: "hello",
    });
    expect(reply).toMatchObject({ type: "updated", message: { id: sent.id, text: "hello" } });
    const event = await update;
    expect(event).toMatchObject({ id: sent.id, room: "am-room", from: "am-alice", text: "hello" });
    expect(typeof event.edited).toBe("string");
    // Its own place in the log, after the message's.
    expect(String(event.seq) > String(sent.seq)).toBe(true);
    const [kept] = await history(bob, { room: "am-room" });
    expect(kept).toMatchObject({ id: sent.id, text: "hello", edited: event.edited, seq: sent.seq });
  });

  test("others' messages, non-members, hidden rooms and bad text are refused", async () => {
    const alice = await user("am2-alice");
    const bob = await user("am2-bob");
    const carol = await user("am2-carol");
    await room("am2-room", alice, [bob]);
    await room("am2-hidden", alice, [bob], { visible: false });
    const sent = await post(alice, "am2-room", "mine");
    const hidden = await post(alice, "am2-hidden", "secret");
    const amend = (w: Wire, r: string, id: unknown, text = "x") =>
      w.request({ type: "amend", room: r, messageId: id, text });
    expect(await amend(bob, "am2-room", sent.id)).toMatchObject({
      code: "forbidden",
      message: "you can only edit your own messages",
    });
    expect(await amend(carol, "am2-room", sent.id)).toMatchObject({ code: "forbidden" });
    // A hidden room answers a non-member exactly as a room that does not exist.
    const asHidden = await amend(carol, "am2-hidden", hidden.id);
    const asMissing = await amend(carol, "am2-nosuch", hidden.id);
    expect(asHidden).toMatchObject({ code: "not_found" });
    expect(String(asHidden.message)).toBe(String(asMissing.message).replace("nosuch", "hidden"));
    expect(await amend(alice, "am2-room", sent.id, "   ")).toMatchObject({ code: "bad_request" });
    expect(await amend(alice, "am2-room", sent.id, "x".repeat(4001))).toMatchObject({
      code: "bad_request",
    });
    expect(await amend(alice, "am2-room", "no-such-id")).toMatchObject({ code: "not_found" });
    expect(await alice.request({ type: "amend", messageId: sent.id, text: "x" })).toMatchObject({
      code: "bad_request",
    });
    // Nothing changed.
    expect((await history(alice, { room: "am2-room" }))[0]).toMatchObject({ text: "mine" });
    expect((await history(alice, { room: "am2-room" }))[0]!.edited).toBeUndefined();
  });

  test("in a DM only the sender amends, and both sides get dm_update", async () => {
    const alice = await user("amd-alice", "listen");
    const bob = await user("amd-bob", "listen");
    const dm = (await alice.ok({ type: "dm", to: "amd-bob", text: "hi bbo" })).message as Received;
    const mine = alice.next((m) => m.type === "dm_update");
    const theirs = bob.next((m) => m.type === "dm_update");
    await alice.ok({ type: "amend", user: "amd-bob", messageId: dm.id, text: "hi bob" });
    expect(await mine).toMatchObject({ id: dm.id, text: "hi bob", to: "amd-bob" });
    expect(await theirs).toMatchObject({ id: dm.id, text: "hi bob" });
    expect(
      await bob.request({ type: "amend", user: "amd-alice", messageId: dm.id, text: "no" }),
    ).toMatchObject({ code: "forbidden" });
    // A third user names the message from their own conversation: it is not there.
    const carol = await user("amd-carol");
    expect(
      await carol.request({ type: "amend", user: "amd-alice", messageId: dm.id, text: "no" }),
    ).toMatchObject({ code: "not_found" });
  });
});

describe("Deleting a message", () => {
  test("the sender or the room's admin deletes; others may not; history keeps a tombstone", async () => {
    const alice = await user("del-alice");
    const bob = await user("del-bob");
    const carol = await user("del-carol", "listen");
    await room("del-room", alice, [bob, carol]);
    const fromBob = await post(bob, "del-room", "bob's words");
    const fromAlice = await post(alice, "del-room", "alice's words");
    const other = await post(bob, "del-room", "bob again");
    const del = (w: Wire, id: unknown) =>
      w.request({ type: "delete", room: "del-room", messageId: id });
    expect(await del(bob, fromAlice.id)).toMatchObject({
      code: "forbidden",
      message: "only its sender or the room's admin can delete this message",
    });
    const update = carol.next((m) => m.type === "message_update");
    expect(await del(bob, fromBob.id)).toMatchObject({
      type: "updated",
      message: { id: fromBob.id, text: "", deleted: true },
    });
    expect(await update).toMatchObject({ id: fromBob.id, text: "", deleted: true });
    // The admin deletes a member's message.
    expect(await del(alice, other.id)).toMatchObject({ type: "updated" });
    // Deleting again answers the tombstone and changes nothing.
    expect(await del(bob, fromBob.id)).toMatchObject({ type: "updated", message: { text: "" } });
    // A deleted message cannot be amended back.
    expect(
      await bob.request({ type: "amend", room: "del-room", messageId: fromBob.id, text: "back" }),
    ).toMatchObject({ code: "not_found" });
    const kept = await history(carol, { room: "del-room" });
    expect(kept.map((m) => [m.from, m.text, m.deleted ?? false])).toEqual([
      ["del-bob", "", true],
      ["del-alice", "alice's words", false],
      ["del-bob", "", true],
    ]);
  });

  test("in a DM only the sender deletes", async () => {
    const alice = await user("deld-alice");
    const bob = await user("deld-bob");
    const dm = (await alice.ok({ type: "dm", to: "deld-bob", text: "oops" })).message as Received;
    expect(
      await bob.request({ type: "delete", user: "deld-alice", messageId: dm.id }),
    ).toMatchObject({ code: "forbidden", message: "only its sender can delete this message" });
    await alice.ok({ type: "delete", user: "deld-bob", messageId: dm.id });
    expect((await history(bob, { user: "deld-alice" }))[0]).toMatchObject({
      text: "",
      deleted: true,
    });
  });
});

/** Every file under `dir`, with its bytes as text. */
function filesOf(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesOf(path));
    else out.push({ path, text: readFileSync(path).toString("latin1") });
  }
  return out;
}

describe("A deleted text leaves storage", () => {
  test("after a compaction (a clean restart) no file of the data folder holds it", async () => {
    const own = await run.start();
    const alice = await registered(own.url, "alice");
    const bob = await registered(own.url, "bob");
    await alice.ok({ type: "create", room: "lab" });
    await bob.ok({ type: "join", room: "lab" });
    const one = await alice.ok({ type: "send", room: "lab", text: "SECRET-ONE-7f3a" });
    const two = await alice.ok({ type: "send", room: "lab", text: "SECRET-TWO-7f3a" });
    const id2 = (two.message as Received).id;
    await alice.ok({ type: "amend", room: "lab", messageId: id2, text: "SECRET-THREE-7f3a" });
    const dm = await bob.ok({ type: "dm", to: "alice", text: "SECRET-FOUR-7f3a" });
    await alice.ok({ type: "send", room: "lab", text: "kept words" });
    // The admin deletes one, the sender the other two.
    await alice.ok({ type: "delete", room: "lab", messageId: (one.message as Received).id });
    await alice.ok({ type: "delete", room: "lab", messageId: id2 });
    await bob.ok({ type: "delete", user: "alice", messageId: (dm.message as Received).id });
    const secrets = ["SECRET-ONE", "SECRET-TWO", "SECRET-THREE", "SECRET-FOUR"];
    const holding = () =>
      filesOf(own.dataDir).filter((f) => secrets.some((s) => f.text.includes(`${s}-7f3a`)));
    // Until the store compacts, the journal still has the lines that carried them.
    expect(holding().map((f) => f.path)).toEqual([join(own.dataDir, "journal.jsonl")]);
    await alice.close();
    await bob.close();
    await own.stop();
    expect(holding()).toEqual([]);
    const files = filesOf(own.dataDir).map((f) => f.text);
    expect(files.some((t) => t.includes("kept words"))).toBe(true);
    // After the restart history shows the tombstones.
    const again = await run.start({ dataDir: own.dataDir });
    const a = await loggedIn(again.url, "alice");
    const kept = (await a.ok({ type: "history", room: "lab" })).messages as Received[];
    expect(kept.map((m) => [m.text, m.deleted ?? false])).toEqual([
      ["", true],
      ["", true],
      ["kept words", false],
    ]);
    await a.close();
  });
});
