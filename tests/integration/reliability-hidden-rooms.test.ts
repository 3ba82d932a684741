/** Hidden rooms never leaking to non-members: in lists, in `who`, in errors, in events. */
import { describe, expect, test } from "bun:test";
import { loggedIn, registered } from "../fuzz/wire.ts";
import { useServer } from "../helpers/use-server.ts";
import { COMMANDS, type Role, useRoomMatrix } from "../helpers/room-matrix.ts";

const run = useServer({ isPerFile: true });
const { conn, frame } = useRoomMatrix(run);

describe("Hidden rooms", () => {
  const hidden = ["who-oh", "who-ch", "history-oh", "history-ch"];

  test("`rooms` lists hidden rooms only to their members and requesters", async () => {
    const names = async (role: Role) => {
      const reply = await conn(role).ok({ type: "rooms" });
      return (reply.rooms as { name: string }[]).map((r) => r.name);
    };
    for (const role of ["non-member", "denied", "kicked"] as const) {
      // The `join-*` rooms are there to be joined: an outsider who joined one lists it.
      const listed = (await names(role)).filter((n) => !n.startsWith("join-"));
      expect(listed.filter((n) => n.endsWith("-oh") || n.endsWith("-ch"))).toEqual([]);
      expect(listed.filter((n) => n.endsWith("-sd") || n.endsWith("-sh"))).toEqual([]);
      expect(listed).toContain("who-ov");
    }
    expect(await names("member")).toEqual(expect.arrayContaining(hidden));
    expect(await names("pending")).toEqual(expect.arrayContaining(["who-ch"]));
  });

  test("a requester of a hidden room sees its name and `pending` only: no topic, admin or count", async () => {
    await conn("admin").ok({ type: "edit", room: "requests-ch", topic: "the plan" });
    const reply = await conn("pending").ok({ type: "rooms" });
    const rooms = reply.rooms as Record<string, unknown>[];
    expect(rooms.find((r) => r.name === "requests-ch")).toEqual({
      name: "requests-ch",
      open: false,
      visible: false,
      admin: "",
      members: 0,
      role: "pending",
      topic: "",
    });
    // A visible closed room shows its requester everything, as before.
    expect(rooms.find((r) => r.name === "requests-cv")).toMatchObject({
      admin: "ada",
      role: "pending",
    });
  });

  test("who is typing is shown to members only", async () => {
    await conn("member").ok({ type: "typing", room: "who-ov", typing: true });
    const typing = async (role: Role | "bystander") => {
      const reply = await conn(role).ok({ type: "who", room: "who-ov" });
      const users = reply.users as { user: string; typing: boolean }[];
      return users.find((u) => u.user === "mona")?.typing;
    };
    expect(await typing("bystander")).toBe(true);
    expect(await typing("non-member")).toBe(false);
    expect(await typing("pending")).toBe(false);
    await conn("member").ok({ type: "typing", room: "who-ov", typing: false });
  });

  test("`who` without a room names no one from a hidden room the caller is not in", async () => {
    const olga = await registered(run.server.url, "olga");
    await olga.ok({ type: "join", room: "who-ov" });
    const reply = await olga.ok({ type: "who" });
    expect((reply.users as { user: string }[]).map((u) => u.user)).toEqual([
      "ada",
      "mark",
      "mona",
      "olga",
    ]);
    await olga.close();
  });

  test("to a non-member, every error about a hidden room reads as for a missing room", async () => {
    const outsider = conn("non-member");
    const leaks: string[] = [];
    for (const command of COMMANDS) {
      if (command === "create") continue; // a name stays taken, shut down or not
      for (const kind of ["oh", "ch", "sh"] as const) {
        // Joining a live hidden room by its name works: the name is the key.
        if (command === "join" && kind !== "sh") continue;
        const room = `${command}-${kind}`;
        const missing = `${command}-nx`;
        const a = await outsider.request(frame(command, room));
        const b = await outsider.request(frame(command, missing));
        const left = JSON.stringify({ ...a, replyTo: 0 }).replaceAll(room, "ROOM");
        const right = JSON.stringify({ ...b, replyTo: 0 }).replaceAll(missing, "ROOM");
        if (left !== right) leaks.push(`${command} ${kind}: ${left} vs ${right}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  test("history of a hidden room sent to its members never reaches an outsider's connection", async () => {
    const outsider = await loggedIn(run.server.url, "nora", "listen");
    await conn("member").ok({ type: "send", room: "history-ch", text: "members only" });
    await outsider.ok({ type: "ping" });
    expect(JSON.stringify(outsider.received)).not.toContain("history-ch");
    await outsider.close();
  });
});
